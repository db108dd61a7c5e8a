import MLMCore
import Foundation
import MLMFormats
import MLMShards
import MLMTokenizer

/// The settings of `mlmprep export megatron`.
public struct MegatronExportSettings: Sendable {
    /// The tokenized store to read.
    public var store: String
    /// The output prefix, as `preprocess_data.py --output-prefix`.
    public var outputPrefix: String
    /// One sequence per sentence (`--split-sentences`; sentences are the store's), else one per document.
    public var splitSentences = false
    /// Append the end-of-document token to every non-empty document (`--append-eod`).
    public var appendEOD = false
    /// The name of the end-of-document token (Megatron's BERT tokenizers use `[SEP]`).
    public var eodToken = "[SEP]"
    /// The JSON key in the file names (`preprocess_data.py --json-keys`, default `text`).
    public var jsonKey = "text"
    /// Replace existing files.
    public var overwrite = false

    /// Creates settings.
    /// - Parameters:
    ///   - store: The store directory.
    ///   - outputPrefix: The output prefix.
    public init(store: String, outputPrefix: String) {
        self.store = store
        self.outputPrefix = outputPrefix
    }

    /// The dataset's path prefix: `<prefix>_<key>_<sentence|document>`, as `preprocess_data.py` names it; the
    /// files are that plus `.bin` and `.idx`, and it is the path `IndexedDataset` takes.
    public var datasetPrefix: String { "\(outputPrefix)_\(jsonKey)_\(splitSentences ? "sentence" : "document")" }
}

/// What an export wrote.
public struct MegatronExportResult: Sendable {
    /// The dataset prefix (without `.bin`/`.idx`).
    public var datasetPrefix = ""
    /// Documents written (every document of the store).
    public var documents = 0
    /// Sequences written (sentences or documents).
    public var sequences = 0
    /// Tokens written (end-of-document tokens included).
    public var tokens = 0
    /// The token dtype.
    public var tokenType = MegatronTokenType.uint16
    /// Wall-clock seconds.
    public var seconds = 0.0
}

/// Writes a tokenized store as a Megatron-LM indexed dataset, as `tools/preprocess_data.py` would have for the same
/// token ids: every document of the store in order (a document without tokens is an empty document, as Megatron's
/// `add_document` records it); with `splitSentences` one sequence per sentence (the store's sentence starts),
/// otherwise one per document; with `appendEOD` the end-of-document id ends each non-empty document's last
/// sequence. The dtype is `DType.optimal_dtype(vocab size)`.
public struct MegatronExportJob {
    /// The settings.
    public let settings: MegatronExportSettings

    /// Creates a job.
    /// - Parameter settings: The settings.
    public init(settings: MegatronExportSettings) { self.settings = settings }

    /// Runs the export.
    /// - Returns: The counts.
    /// - Throws: ``MLMShards/ShardError`` for the store, existing files or I/O.
    public func run() throws -> MegatronExportResult {
        let start = Date()
        let store = try TokenStore(directory: settings.store)
        var result = MegatronExportResult()
        result.datasetPrefix = settings.datasetPrefix
        result.tokenType = MegatronTokenType.optimal(vocabularySize: store.vocabulary.count)
        var eod: UInt32?
        if settings.appendEOD {
            guard let id = store.vocabulary.id(of: settings.eodToken) else {
                throw ShardError(
                    .invalidArgument, "the store's vocabulary has no \(settings.eodToken) token for --append-eod",
                    path: settings.store)
            }
            eod = UInt32(id)
        }
        for path in [result.datasetPrefix + ".bin", result.datasetPrefix + ".idx"]
        where !settings.overwrite && FileManager.default.fileExists(atPath: path) {
            throw ShardError(.invalidArgument, "the file exists; give --overwrite to replace it", path: path)
        }
        let writer = try MegatronDatasetWriter(prefix: result.datasetPrefix, tokenType: result.tokenType)
        do {
            try store.forEachRecord { record in try write(record, eod: eod, to: writer, result: &result) }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// Writes the documents of one store record.
    private func write(
        _ record: StoreRecord, eod: UInt32?, to writer: MegatronDatasetWriter, result: inout MegatronExportResult
    ) throws {
        var sequence: [UInt32] = []
        for document in 0..<(record.documentOffsets.count - 1) {
            let range = record.documentOffsets[document]..<record.documentOffsets[document + 1]
            var start = range.lowerBound
            if settings.splitSentences {
                for position in range.dropFirst() where record.flags[position] & TokenFlags.sentenceStart.rawValue != 0 {
                    try writer.add(sequence: record.ids[start..<position])
                    result.sequences += 1
                    start = position
                }
            }
            if !range.isEmpty {
                sequence.removeAll(keepingCapacity: true)
                sequence += record.ids[start..<range.upperBound]
                if let eod { sequence.append(eod) }
                try writer.add(sequence: sequence)
                result.sequences += 1
            }
            try writer.endDocument()
            result.documents += 1
            result.tokens += range.count + (eod != nil && !range.isEmpty ? 1 : 0)
        }
    }
}
