import MLMSystem

/// A file a command reads or writes, with the role a message names (`the store`, `--stats-json`, `-o`).
public struct NamedPath: Sendable {
    /// What the path is to the command.
    public var role: String
    /// The path as given.
    public var path: String

    /// Creates a named path.
    public init(_ role: String, _ path: String) {
        self.role = role
        self.path = path
    }
}

/// An output that would destroy an input or another output; bad usage (exit 2).
public struct AliasingError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    public var description: String { message }
}

/// The check every command makes before it writes anything: no output is, contains or lies inside an input (the
/// store, the corpus, the vocabulary, a PMI table), and no two outputs are the same file. Paths are compared after
/// resolving symbolic links, `.` and `..`; existing files also by device and inode (hard links, `/dev/stdout`).
public enum PathAliasing {
    /// Checks `outputs` against `inputs` and against each other.
    /// - Parameters:
    ///   - inputs: What the command reads (`-` for standard input is ignored).
    ///   - outputs: What it writes (files or directories, existing or not).
    ///   - writesStandardOutput: The command writes data to standard output (`--stdout`).
    /// - Throws: ``AliasingError`` naming both paths.
    public static func check(inputs: [NamedPath], outputs: [NamedPath], writesStandardOutput: Bool = false) throws {
        let inputs = inputs.filter { $0.path != "-" }
        for (index, output) in outputs.enumerated() {
            let resolved = RealPath.resolve(output.path)
            for input in inputs {
                try compare(output: output, resolved: resolved, with: input, kind: "read")
            }
            for other in outputs[..<index] {
                try compare(output: output, resolved: resolved, with: other, kind: "written")
            }
            if writesStandardOutput, let identity = FileIdentity(path: output.path),
                identity == FileIdentity(descriptor: .standardOutput)
            {
                throw AliasingError(
                    message: "\(output.role) \(output.path) is the standard output that --stdout writes the batches "
                        + "to; give \(output.role) another file")
            }
        }
    }

    private static func compare(output: NamedPath, resolved: String, with other: NamedPath, kind: String) throws {
        let otherResolved = RealPath.resolve(other.path)
        var overlap = RealPath.overlap(resolved, otherResolved)
        if overlap == .apart, let a = FileIdentity(path: output.path), a == FileIdentity(path: other.path) {
            overlap = .same
        }
        let both = "\(output.role) \(output.path) and \(other.role) \(other.path)"
        switch overlap {
        case .apart: return
        case .same:
            throw AliasingError(
                message: "\(both) are the same, which is \(kind) by this command; writing it would destroy it: "
                    + "give \(output.role) another path")
        case .inside:
            throw AliasingError(
                message: "\(output.role) \(output.path) is inside \(other.role) \(other.path), which is \(kind) by this "
                    + "command: give \(output.role) a path outside it")
        case .contains:
            throw AliasingError(
                message: "\(output.role) \(output.path) contains \(other.role) \(other.path), which is \(kind) by this "
                    + "command: give \(output.role) a path that does not hold it")
        }
    }
}
