import MLMSystem
import Foundation
import MLMCore
import MLMPipeline
import MLMShards

/// Writes lines to standard error.
enum Diagnostics {
    /// Writes one line to standard error.
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// ` (reason: n, …)` for the skip reasons of a run, or nothing.
    static func reasons(_ counts: RunCounts) -> String {
        guard !counts.documentsSkipped.isEmpty else { return "" }
        let parts = counts.documentsSkipped.sorted { $0.key < $1.key }.map { "\($0.key.rawValue): \($0.value)" }
        return " (" + parts.joined(separator: ", ") + ")"
    }
}

/// Prints skip reports as warnings, the first few in full and then a count.
struct WarningPrinter {
    /// How many warnings are printed in full.
    static let limit = 20
    let quiet: Bool
    private var printed = 0
    private var suppressed = 0

    init(quiet: Bool) { self.quiet = quiet }

    mutating func print(_ report: SkipReport) {
        guard !quiet else { return }
        if printed < Self.limit {
            printed += 1
            Diagnostics.line("mlmprep: warning: \(report)")
        } else {
            suppressed += 1
        }
    }

    func finish() {
        if suppressed > 0 && !quiet {
            Diagnostics.line("mlmprep: warning: \(suppressed) more warning(s) not shown (see manifest.json skipped_examples)")
        }
    }
}

/// Shows a one-line progress display on standard error when it is a terminal.
final class ProgressDisplay {
    private let enabled: Bool
    private let label: String
    private let start = Date()
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool, label: String) {
        self.enabled = enabled && FileDescriptor.standardError.isTerminal
        self.label = label
    }

    func update(_ counts: RunCounts) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.5 else { return }
        last = now
        let seconds = now.timeIntervalSince(start)
        let megabytes = Double(counts.bytesRead) / 1_000_000
        let text = String(
            format: "\r%@: %d documents, %.1f MB, %.1f MB/s, %d tokens   ", label, counts.documentsRead, megabytes,
            seconds > 0 ? megabytes / seconds : 0, counts.tokens)
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func updateMask(_ result: MaskJobResult) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.5 else { return }
        last = now
        let seconds = now.timeIntervalSince(start)
        let text = String(
            format: "\r%@: %d batches, %d sequences, %.2f M tokens/s   ", label, result.batches, result.sequences,
            seconds > 0 ? Double(result.tokens) / seconds / 1e6 : 0)
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Writes `--stats-json`.
enum StatsFile {
    static func write(_ result: MaskJobResult, to path: String) throws {
        let s = result.statistics
        let value: JSONValue = .object([
            ("batches", .int(result.batches)), ("sequences", .int(result.sequences)), ("tokens", .int(result.tokens)),
            ("documents", .int(result.documents)), ("candidates", .int(s.candidates)), ("predicted", .int(s.predicted)),
            ("corrupted", .int(s.corrupted)), ("masked_with_mask", .int(s.maskedWithMask)),
            ("random_replaced", .int(s.randomReplaced)), ("kept_but_predicted", .int(s.keptButPredicted)),
            ("seconds", .double(result.seconds)), ("pipe_closed", .bool(result.pipeClosed)),
        ])
        do {
            try Data((value.prettyPrinted() + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ShardError(.io, "cannot write --stats-json \(path): \(error.localizedDescription)", path: path)
        }
    }

    static func write(_ counts: RunCounts, seconds: Double, to path: String) throws {
        let value: JSONValue = .object([("counts", counts.json), ("seconds", .double(seconds))])
        do {
            try Data((value.prettyPrinted() + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ShardError(.io, "cannot write --stats-json \(path): \(error.localizedDescription)", path: path)
        }
    }
}
