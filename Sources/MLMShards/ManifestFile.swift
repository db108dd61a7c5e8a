import MLMSystem
import MLMCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes `manifest.json`, the file that marks a shard directory (or tokenized store) as complete.
///
/// The manifest is written last and atomically: to a temporary file in the same directory, fsynced, renamed
/// over `manifest.json`, then the directory is fsynced. A directory without a manifest is an unfinished run.
///
/// ```swift
/// try ManifestFile.write(manifest, to: "out")
/// let manifest = try ManifestFile.read(directory: "out")
/// ```
public enum ManifestFile {
    /// The manifest's file name.
    public static let fileName = "manifest.json"

    /// Writes `value`, pretty-printed with a final newline, to `<directory>/manifest.json` atomically.
    /// - Parameters:
    ///   - value: The manifest.
    ///   - directory: An existing directory.
    /// - Throws: ``ShardError`` (`io`) naming the file.
    public static func write(_ value: JSONValue, to directory: String) throws(ShardError) {
        try writeAtomically(Array((value.prettyPrinted() + "\n").utf8), to: Path.join(directory, fileName))
    }

    /// Reads and parses `<directory>/manifest.json`.
    /// - Parameter directory: The shard directory or store.
    /// - Returns: The manifest.
    /// - Throws: ``ShardError``: `missingManifest` when there is none (the run did not finish), `io` when it cannot
    ///   be read, `invalidJSON` when it does not parse.
    public static func read(directory: String) throws(ShardError) -> JSONValue {
        let path = Path.join(directory, fileName)
        var info = stat()
        if stat(directory, &info) != 0 {
            throw ShardError.system("cannot open the directory", path: directory, errorNumber: errno)
        }
        if stat(path, &info) != 0 && errno == ENOENT {
            throw ShardError(
                .missingManifest,
                "\(directory) has no \(fileName): the run that wrote it did not finish; re-run it (or use --resume)",
                path: directory
            )
        }
        let bytes = try readFile(path)
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw ShardError(
                .invalidJSON,
                "\(error.message); the manifest is damaged: re-run the command that wrote it",
                path: path,
                byteOffset: error.byteOffset,
                underlying: error
            )
        }
    }

    /// Replaces `path` with `bytes` atomically (see ``AtomicFile/write(_:to:)``).
    /// - Parameters:
    ///   - bytes: The new content.
    ///   - path: The file to replace.
    /// - Throws: ``ShardError`` (`io`).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ShardError) {
        try POSIX.mapping { () throws(SystemError) in try AtomicFile.write(bytes, to: path) }
    }

    /// Reads a whole (small) file.
    /// - Parameter path: The file.
    /// - Returns: Its bytes.
    /// - Throws: ``ShardError`` (`io`).
    static func readFile(_ path: String) throws(ShardError) -> [UInt8] {
        try POSIX.mapping { () throws(SystemError) in try AtomicFile.read(path) }
    }
}
