import Foundation

/// The settings of a PMI table: what is counted and how entries are chosen.
///
/// Defaults follow the AI21 README and shaigue/pmi_masking: n-grams of 2…5 words, `count ≥ 10`, 800,000
/// entries split 50/25/12.5/12.5 over lengths 2…5.
///
/// ```swift
/// var settings = PMISettings()
/// settings.minimumCount = 2
/// try settings.validate()
/// settings.quotas   // [400000, 200000, 100000, 100000]
/// ```
public struct PMISettings: Sendable, Equatable {
    /// The longest n-gram counted and kept (2…8).
    public var maximumLength: Int = 5
    /// Whether n-grams may cross sentence starts.
    public var scope: SegmentScope = .document
    /// N-grams (and words) counted fewer times are dropped.
    public var minimumCount: Int = 10
    /// Entries kept in the table, over all lengths.
    public var size: Int = 800_000
    /// Percentages of ``size`` for lengths 2…maximumLength; nil means ``defaultMix(maximumLength:)``.
    public var mix: [Double]? = nil
    /// The score that ranks each length.
    public var score: PMIScore = .pmi

    /// The largest ``size``: 2⁴⁰ entries (far above the 2³² − 2 n-grams a length can hold); larger values would
    /// overflow when shared out by ``mix``.
    public static let maximumSize = 1 << 40

    /// Creates the default settings.
    public init() {}

    /// The mix for a maximum length: half for bigrams, then halving, the last two lengths equal
    /// (5 → 50, 25, 12.5, 12.5; 3 → 50, 50; 2 → 100).
    /// - Parameter maximumLength: The longest n-gram.
    /// - Returns: One percentage per length 2…maximumLength.
    public static func defaultMix(maximumLength: Int) -> [Double] {
        let lengths = max(1, maximumLength - 1)
        var mix: [Double] = []
        var share = 100.0
        for index in 0..<lengths {
            if index == lengths - 1 {
                mix.append(share)
            } else {
                share /= 2
                mix.append(share)
            }
        }
        return mix
    }

    /// The percentages in use.
    public var effectiveMix: [Double] { mix ?? Self.defaultMix(maximumLength: maximumLength) }

    /// Entries to keep per length 2…maximumLength: `floor(size · mix / 100)` for lengths ≥ 3 and the rest for
    /// bigrams (shaigue's rounding).
    public var quotas: [Int] {
        let mix = effectiveMix
        var quotas = [Int](repeating: 0, count: mix.count)
        var taken = 0
        for index in 1..<max(1, mix.count) {
            quotas[index] = Int((Double(size) * mix[index] / 100).rounded(.down))
            taken += quotas[index]
        }
        quotas[0] = size - taken
        return quotas
    }

    /// Checks every setting; the message names the flag.
    /// - Throws: ``PMIError`` (`invalidSetting`).
    public func validate() throws(PMIError) {
        guard (2...8).contains(maximumLength) else {
            throw PMIError(.invalidSetting, "--max-n must be between 2 and 8, got \(maximumLength)")
        }
        guard minimumCount >= 1 else {
            throw PMIError(.invalidSetting, "--min-count must be at least 1, got \(minimumCount)")
        }
        guard size >= 1 && size <= Self.maximumSize else {
            throw PMIError(.invalidSetting, "--size must be between 1 and \(Self.maximumSize), got \(size)")
        }
        let mix = effectiveMix
        guard mix.count == maximumLength - 1 else {
            throw PMIError(
                .invalidSetting,
                "--mix needs \(maximumLength - 1) percentages (lengths 2…\(maximumLength)), got \(mix.count)")
        }
        guard mix.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw PMIError(.invalidSetting, "--mix percentages must be non-negative numbers")
        }
        let total = mix.reduce(0, +)
        guard abs(total - 100) <= 1e-6 else {
            throw PMIError(.invalidSetting, "--mix must add up to 100, got \(Self.format(total))")
        }
    }

    /// A number as the user would write it (`12.5`, `50`).
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
