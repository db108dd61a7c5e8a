import Foundation
import MLMCore
import MLMPMI
import MLMSystem

/// A PMI run on a tokenized store (`mlmprep pmi`, `mlmprep pmi count`): checks the output, opens the store and a
/// temporary directory for spill files (removed afterwards), and runs the counting rounds of ``MLMPMI/PMIRounds``.
///
/// ```swift
/// var settings = PMIJob.Settings(store: "tok", output: "pmi.table")
/// let summary = try PMIJob(settings: settings).buildTable(progress: { print($0) })
/// ```
public struct PMIJob {
    /// What a PMI run reads and writes.
    public struct Settings: Sendable {
        /// The tokenized store.
        public var store: String
        /// The table (or part file) to write.
        public var output: String
        /// Replace an existing output file.
        public var overwrite = false
        /// What is counted and kept.
        public var pmi = PMISettings()
        /// The counting tables' memory limit in bytes (`--memory-limit`).
        public var memoryLimit = 3 << 30
        /// Where spill files go (default: beside the output).
        public var temporaryDirectoryBase: String?
        /// Worker threads.
        public var threads = 1
        /// The records this worker counts (`--worker I/N`; all for one process).
        public var slice = WorkerSlice.all

        /// Creates settings.
        public init(store: String, output: String) {
            self.store = store
            self.output = output
        }
    }

    /// The run's settings.
    public let settings: Settings

    /// Creates a job.
    public init(settings: Settings) { self.settings = settings }

    /// Counts every round in this process and writes the table to ``Settings/output``.
    /// - Parameter progress: Receives one line per round.
    /// - Returns: What was counted and kept.
    public func buildTable(progress: @escaping (String) -> Void) throws -> PMIRunSummary {
        let (table, summary) = try withCounting { source, identity, options in
            try PMIRounds.buildTable(
                source: source, identity: identity, vocabulary: Self.vocabulary(of: source), options: options,
                progress: progress)
        }
        try table.write(to: settings.output)
        return summary
    }

    /// Counts one round of this worker's slice into a part file (scale-out; see `mlmprep pmi --help`).
    /// - Parameters:
    ///   - after: The merged count file of the previous round (nil for round 1).
    ///   - explicitSettings: Whether `--max-n` and `--within` were given (round 2 on takes them from `after`).
    /// - Returns: The round and the number of entries written.
    public func countPart(after: String?, explicitSettings: (maximumLength: Bool, scope: Bool)) throws -> (round: Int, entries: Int) {
        try withCounting { source, identity, options in
            try PMIRounds.countPart(
                source: source, identity: identity, vocabulary: Self.vocabulary(of: source), options: options,
                after: after, explicitSettings: explicitSettings, output: settings.output)
        }
    }

    /// Checks the output, opens the store and the spill directory, and runs `body` with the counting options.
    private func withCounting<Result>(
        _ body: (StoreRecordSource, StoreIdentity, CountingOptions) throws -> Result
    ) throws -> Result {
        try Self.checkOutput(settings.output, overwrite: settings.overwrite)
        let store = try TokenStore(directory: settings.store)
        let source = try StoreRecordSource(store: store)
        let identity = try source.identity()
        let temporary = try Self.temporaryDirectory(near: settings.output, given: settings.temporaryDirectoryBase)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        var options = CountingOptions(
            settings: settings.pmi, temporaryDirectory: temporary, vocabularySize: store.vocabulary.count)
        options.slice = settings.slice
        options.threads = settings.threads
        options.memoryLimit = settings.memoryLimit
        options.limitsResidentSet = true  // --memory-limit bounds the process's peak resident set
        return try body(source, identity, options)
    }

    /// The vocabulary as PMI counting names words.
    static func vocabulary(of source: StoreRecordSource) -> PMIVocabulary {
        PMIVocabulary(tokens: source.store.vocabulary.tokens, continuingPrefix: source.store.vocabulary.continuingPrefix)
    }

    /// The output rule of the pmi commands: a file, replaced only with `overwrite`.
    /// - Throws: ``MLMPMI/PMIError``: `invalidSetting` for a directory, `io` for an existing file.
    public static func checkOutput(_ path: String, overwrite: Bool) throws(PMIError) {
        switch FileSystem.kind(of: path) {
        case .missing: return
        case .directory: throw PMIError(.invalidSetting, "-o \(path) is a directory; give a file name for the table")
        case .file:
            if !overwrite { throw PMIError(.io, "\(path) exists; use --overwrite to replace it") }
        }
    }

    /// A fresh directory for spill files, removed by the caller.
    static func temporaryDirectory(near output: String, given: String?) throws(PMIError) -> String {
        let base = given ?? Path.parent(of: output)
        var generator = SystemRandomNumberGenerator()
        let directory = Path.join(base, ".mlmprep-pmi-\(getpid())-\(UInt32.random(in: 0...UInt32.max, using: &generator))")
        do {
            try FileSystem.makeDirectories(directory)
        } catch {
            throw PMIError(.io, "cannot create the temporary directory for spill files: \(error.message)", path: directory)
        }
        return directory
    }
}
