#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file writes that are never seen half done, and removals that survive a crash.
///
/// ``write(_:to:)`` writes `<path>.tmp-<pid>`, fsyncs it, renames it over `path` and fsyncs the directory: after a
/// crash the file holds either its old content or the new one, and at worst a `.tmp-<pid>` file is left beside it
/// (the commands treat such names as debris of their own and remove them).
///
/// ```swift
/// try AtomicFile.write(Array("hello\n".utf8), to: "out/vocab.txt")
/// try AtomicFile.remove("out/mlmprep-progress.jsonl")
/// ```
/// Every failure is a ``ShardError`` (`io`) naming the file and the system's reason.
public enum AtomicFile {
    /// Replaces `path` with `bytes` atomically: temporary file, fsync, rename, fsync of the directory.
    /// - Parameters:
    ///   - bytes: The new content.
    ///   - path: The file to create or replace.
    /// - Throws: ``ShardError`` (`io`) naming the file; the temporary file is removed on failure.
    public static func write(_ bytes: [UInt8], to path: String) throws(ShardError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try POSIX.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try POSIX.writeAll(fd, bytes, path: path)
            try POSIX.fsync(fd, path: path)
            try POSIX.close(fd, path: path)
        } catch {
            _ = try? POSIX.close(fd, path: temporary)
            POSIX.unlinkIfPresent(temporary)
            throw error
        }
        do {
            try POSIX.rename(temporary, to: path)
        } catch {
            POSIX.unlinkIfPresent(temporary)
            throw error
        }
        try POSIX.fsyncDirectory(POSIX.parentDirectory(of: path))
    }

    /// Removes a file (a missing one is fine) and fsyncs its directory, so the removal survives a crash.
    /// - Parameter path: The file.
    /// - Throws: ``ShardError`` (`io`) when the file exists but cannot be removed.
    public static func remove(_ path: String) throws(ShardError) {
        if unlink(path) != 0 && errno != ENOENT {
            throw ShardError.system("cannot remove", path: path, errorNumber: errno)
        }
        try POSIX.fsyncDirectory(POSIX.parentDirectory(of: path))
    }

    /// Reads a whole (small) file.
    /// - Parameter path: The file.
    /// - Returns: Its bytes.
    /// - Throws: ``ShardError`` (`io`) naming the file.
    public static func read(_ path: String) throws(ShardError) -> [UInt8] {
        try ManifestFile.readFile(path)
    }
}
