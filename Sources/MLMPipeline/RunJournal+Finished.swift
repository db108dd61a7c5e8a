import MLMCore
import MLMReaders

/// What a finished directory keeps of its run, so that `--resume` on it compares settings and inputs as it does for
/// an interrupted run instead of accepting any command line.
///
/// The manifest's `run` member holds the journal header (command, tool, every compared setting, each input file's
/// path and size). Modification times stay out of it: the manifest is a function of the inputs' contents and the
/// settings (a copied corpus gives the same bytes), so a finished run compares input paths and sizes only.
extension RunJournal.Header {
    /// The manifest member's name.
    static let manifestKey = "run"

    /// The header as a finished manifest records it.
    var finishedJSON: JSONValue {
        .object([
            ("command", .string(command)),
            ("tool", .string(tool)),
            ("settings", .object(settings)),
            ("inputs", .array(inputs.map { .object([("path", .string($0.path)), ("size", .int($0.size))]) })),
        ])
    }

    /// Reads the header back from a manifest's `run` member; nil when it is missing or malformed.
    init?(finishedJSON json: JSONValue) {
        guard let command = json["command"]?.stringValue, let tool = json["tool"]?.stringValue,
            let settings = json["settings"]?.objectValue, let inputs = json["inputs"]?.arrayValue
        else { return nil }
        var statuses: [InputFileStatus] = []
        for input in inputs {
            guard let path = input["path"]?.stringValue, let size = input["size"]?.intValue else { return nil }
            statuses.append(InputFileStatus(path: path, size: size, modificationTime: 0))
        }
        self.init(command: command, settings: settings, inputs: statuses)
        self.tool = tool
    }

    /// The manifest a run writes: `manifest` with this header appended as its `run` member.
    func recorded(in manifest: JSONValue) -> JSONValue {
        guard case .object(var members) = manifest else { return manifest }
        members.append((Self.manifestKey, finishedJSON))
        return .object(members)
    }

    /// Checks that `new` repeats the finished run whose manifest is `manifest`.
    /// - Parameters:
    ///   - manifest: The finished directory's manifest.
    ///   - new: The header of the run that asked to resume.
    ///   - directory: The output directory, for the message.
    /// - Throws: ``ResumeError`` naming the first difference, or saying the manifest does not record its run.
    static func check(finished manifest: JSONValue, resumingWith new: Self, directory: String) throws(ResumeError) {
        guard let recorded = manifest[manifestKey].flatMap(Self.init(finishedJSON:)) else {
            throw ResumeError(
                .settingsChanged,
                "the finished run's manifest.json does not record its settings (its \"\(manifestKey)\" member is "
                    + "missing: an older mlmprep wrote it), so --resume cannot tell whether this command matches "
                    + "it; pass --overwrite to write it again, or choose another -o", directory: directory)
        }
        var current = new
        current.inputs = new.inputs.map { InputFileStatus(path: $0.path, size: $0.size, modificationTime: 0) }
        try recorded.check(resumingWith: current, directory: directory, run: "the finished run")
    }
}
