import MLMSystem
import MLMCore
import MLMReaders
import MLMShards

/// The progress journal of a run writing to a directory: `mlmprep-progress.jsonl`, what `--resume` continues from.
///
/// **Why a journal.** Shards are published atomically (`.tmp`, fsync, rename), so after a kill the directory holds
/// complete shards and at most one `.tmp`. What a directory cannot say by itself is which settings wrote those
/// shards and where in the input the next shard starts. The journal records both:
///
/// - line 1, the **header**, written before the first shard: the command, the tool version, every setting that
///   shapes the output bytes (not `--threads`, `--quiet` or `--stats-json`, which do not) and, for file inputs,
///   each file's size and modification time. A resume with any other value is refused with one line naming it.
/// - one **entry** per shard, appended and fsynced after the shard is renamed into place: the shard's summary
///   (name, records, size, sha256 …) and the job's state at that boundary (how far the input had been consumed and
///   the counts so far), as JSON that the job defines.
///
/// **Why replay.** A resumed job reads its input again from the start — reading and packing are cheap — but skips
/// the expensive work (tokenizing; masking and compressing) for the input that lies in journaled shards, and
/// restores its counts from the last entry. Shard boundaries are a function of the input and the settings only,
/// so the shards written after the resume point are the ones an uninterrupted run writes; nothing of the run's
/// in-memory state has to be serialised but a few counters.
///
/// **Crash safety.** The header is written atomically; entries are appended, one line each, and fsynced. A kill
/// during an append leaves a last line without its newline: reading drops it (and any line that does not parse,
/// with everything after it), and the shards it would have listed are written again. A shard that is on disk but
/// not in the journal (killed between the rename and the append) is deleted on resume and written again.
///
/// The journal is removed once `manifest.json` is written, so a finished directory is byte-identical whether or
/// not the run was interrupted.
///
/// ```swift
/// let journal = try RunJournal(directory: "out", header: header, entries: [])
/// try journal.record(shard: summary, state: ["chunks": 12])
/// try journal.remove()   // after the manifest
/// ```
final class RunJournal {
    /// The journal's file name inside the output directory.
    static let fileName = "mlmprep-progress.jsonl"
    /// The format name in the header.
    static let format = "mlmprep.progress"

    /// One journaled shard and the job's state just after it.
    struct Entry {
        /// The published shard.
        var shard: ShardSummary
        /// The job's state at the shard boundary (the job's own JSON).
        var state: JSONValue

        /// The entry as one journal line's JSON.
        var json: JSONValue { .object([("shard", shard.jsonValue), ("state", state)]) }
    }

    /// What a run is: the settings a resume must repeat exactly.
    struct Header {
        /// `tokenize` or `mask`.
        var command: String
        /// Settings that shape the output, by the name a message shows (a flag such as `--seq-len`).
        var settings: [(key: String, value: JSONValue)]
        /// The input files, with sizes and modification times.
        var inputs: [InputFileStatus]
        /// Values kept for the resumed run but not compared (the command line recorded in a manifest).
        var kept: [(key: String, value: JSONValue)] = []
        /// The tool that wrote the journal.
        var tool = "mlmprep \(MLMPipelineVersion.string)"

        /// The header as the journal's first line.
        var json: JSONValue {
            .object([
                ("format", .string(RunJournal.format)),
                ("version", 1),
                ("command", .string(command)),
                ("tool", .string(tool)),
                ("settings", .object(settings)),
                (
                    "inputs",
                    .array(
                        inputs.map {
                            .object([
                                ("path", .string($0.path)), ("size", .int($0.size)),
                                ("mtime_ns", .int($0.modificationTime)),
                            ])
                        })
                ),
                ("kept", .object(kept)),
            ])
        }

        /// Creates a header.
        init(command: String, settings: [(key: String, value: JSONValue)], inputs: [InputFileStatus]) {
            self.command = command
            self.settings = settings
            self.inputs = inputs
        }

        /// Reads a header line; nil when it is not one.
        init?(json: JSONValue) {
            guard json["format"]?.stringValue == RunJournal.format, json["version"]?.intValue == 1,
                let command = json["command"]?.stringValue, let tool = json["tool"]?.stringValue,
                let settings = json["settings"]?.objectValue, let inputs = json["inputs"]?.arrayValue,
                let kept = json["kept"]?.objectValue
            else { return nil }
            var statuses: [InputFileStatus] = []
            for input in inputs {
                guard let path = input["path"]?.stringValue, let size = input["size"]?.intValue,
                    let time = input["mtime_ns"]?.intValue
                else { return nil }
                statuses.append(InputFileStatus(path: path, size: size, modificationTime: time))
            }
            self.command = command
            self.tool = tool
            self.settings = settings
            self.inputs = statuses
            self.kept = kept
        }

        /// A kept value by name.
        func kept(_ key: String) -> JSONValue? { kept.first { $0.key == key }?.value }

        /// Checks that a new run repeats this (interrupted) run: same command, tool, settings and inputs.
        /// - Parameters:
        ///   - new: The header of the run that wants to resume.
        ///   - directory: The output directory, for the message.
        ///   - run: How a message names this run ("the interrupted run", or "the finished run" for a manifest's).
        /// - Throws: ``ResumeError`` naming the first difference.
        func check(resumingWith new: Header, directory: String, run: String = "the interrupted run")
            throws(ResumeError)
        {
            let advice = "resume with the same settings, or pass --overwrite to start over"
            guard command == new.command else {
                throw ResumeError(
                    .settingsChanged,
                    "\(run) was mlmprep \(command), not mlmprep \(new.command); pass --overwrite to "
                        + "start over", directory: directory)
            }
            guard tool == new.tool else {
                throw ResumeError(
                    .settingsChanged, "\(run) was written by \(tool), this is \(new.tool); \(advice)",
                    directory: directory)
            }
            for (key, value) in new.settings {
                let old = settings.first { $0.key == key }?.value
                guard old == value else {
                    throw ResumeError(
                        .settingsChanged,
                        "\(key) was \(old.map(Self.shown) ?? "not set") in \(run) and is "
                            + "\(Self.shown(value)) now; \(advice)", directory: directory)
                }
            }
            if let extra = settings.first(where: { key, _ in !new.settings.contains { $0.key == key } }) {
                throw ResumeError(
                    .settingsChanged, "\(run) had the setting \(extra.key), this one has not; \(advice)",
                    directory: directory)
            }
            guard inputs.map(\.path) == new.inputs.map(\.path) else {
                let shown = { (list: [InputFileStatus]) in list.map(\.path).joined(separator: " ") }
                throw ResumeError(
                    .inputChanged,
                    "the input files were [\(shown(inputs))] in \(run) and are [\(shown(new.inputs))] "
                        + "now; \(advice)", directory: directory)
            }
            for (old, current) in zip(inputs, new.inputs) where old != current {
                let what =
                    old.size != current.size
                    ? "its size was \(old.size) bytes and is \(current.size) now" : "it was modified since"
                throw ResumeError(
                    .inputChanged,
                    "the input \(old.path) changed since \(run) (\(what)); resuming would mix two "
                        + "versions of it: pass --overwrite to start over", directory: directory)
            }
        }

        /// A setting's value for a message: strings bare, anything else as compact JSON, at most 80 characters.
        private static func shown(_ value: JSONValue) -> String {
            let text = value.stringValue ?? value.compactPrinted()
            return text.count > 80 ? String(text.prefix(77)) + "…" : text
        }
    }

    /// What ``read(directory:)`` found.
    struct Contents {
        /// The header.
        var header: Header
        /// The complete entries, in order.
        var entries: [Entry]
        /// Lines dropped at the end: torn by a kill or unreadable.
        var droppedLines: Int
    }

    /// The output directory.
    let directory: String
    /// The header.
    let header: Header
    /// The entries so far, in shard order.
    private(set) var entries: [Entry]
    private let file: AppendOnlyFile

    /// The journal's path inside `directory`.
    static func path(in directory: String) -> String { Path.join(directory, fileName) }

    /// Writes a journal holding `header` and `entries` atomically (replacing any earlier one) and opens it for
    /// appending.
    /// - Parameters:
    ///   - directory: The output directory.
    ///   - header: The run's header.
    ///   - entries: Entries to keep (those of verified shards when resuming; none for a new run).
    /// - Throws: ``ShardError`` (`io`) naming the journal.
    init(directory: String, header: Header, entries: [Entry]) throws {
        self.directory = directory
        self.header = header
        self.entries = entries
        var text = header.json.compactPrinted() + "\n"
        for entry in entries { text += entry.json.compactPrinted() + "\n" }
        let path = Self.path(in: directory)
        try AtomicFile.write(Array(text.utf8), to: path)
        file = try AppendOnlyFile(path: path)
    }

    /// Appends one shard and the state after it (written and fsynced before this returns).
    /// - Parameters:
    ///   - shard: The shard just published.
    ///   - state: The job's state at the boundary.
    /// - Throws: ``ShardError`` (`io`) naming the journal.
    func record(shard: ShardSummary, state: JSONValue) throws {
        let entry = Entry(shard: shard, state: state)
        try file.append(Array((entry.json.compactPrinted() + "\n").utf8))
        entries.append(entry)
    }

    /// Removes the journal: the run is finished (its manifest is written).
    /// - Throws: ``ShardError`` (`io`).
    func remove() throws {
        try AtomicFile.remove(Self.path(in: directory))
    }

    /// Reads the journal of `directory`.
    /// - Parameter directory: The output directory.
    /// - Returns: The header and the complete entries.
    /// - Throws: ``ResumeError`` (`damagedJournal`) when the header cannot be read, ``ShardError`` for I/O errors.
    static func read(directory: String) throws -> Contents {
        let path = path(in: directory)
        let bytes = try AtomicFile.read(path)
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The text after the last newline is empty, or a line torn by a kill.
        let torn = lines.removeLast().isEmpty ? 0 : 1
        guard let first = lines.first, let json = try? JSONValue.parse(Array(first)), let header = Header(json: json)
        else {
            throw ResumeError(
                .damagedJournal,
                "the progress journal \(fileName) is damaged (its first line is not a journal header); pass "
                    + "--overwrite to start over", directory: directory)
        }
        var entries: [Entry] = []
        for line in lines.dropFirst() {
            guard let json = try? JSONValue.parse(Array(line)), let shard = json["shard"],
                let summary = try? ShardSummary(jsonValue: shard), let state = json["state"]
            else { break }
            entries.append(Entry(shard: summary, state: state))
        }
        return Contents(header: header, entries: entries, droppedLines: lines.count - 1 - entries.count + torn)
    }
}
