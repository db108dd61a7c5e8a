import MLMMasking
import MLMPacking

extension MaskingPreset {
    /// The preset's packing mode (see ``MLMMasking/MaskingPreset`` for each recipe's source).
    public var packingMode: PackingMode {
        switch self {
        case .bert, .bertWWM: return .pair
        case .spanbert: return .doc
        case .electra: return .electra
        case .roberta, .pmi, .efficientMLM: return .full
        }
    }

    /// The preset's probability of a shorter target length (`short_seq_prob`): 0.1 for Google's BERT recipes.
    public var shortSequenceProbability: Double {
        switch self {
        case .bert, .bertWWM: return 0.1
        default: return 0
        }
    }

    /// The names of every preset, for help texts.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
