import MLMCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file writes that are never seen half done, and removals that survive a crash: the one atomic writer.
///
/// ``write(_:to:)`` writes `<path>.tmp-<pid>`, fsyncs it, renames it over `path` and fsyncs the directory: after a
/// crash the file holds either its old content or the new one, and at worst a `.tmp-<pid>` file is left beside it
/// (the commands treat such names as debris of their own and remove them). ``commit(_:replacing:)`` does the same
/// for a file written through a descriptor (a shard, a PMI table).
///
/// ```swift
/// try AtomicFile.write(Array("hello\n".utf8), to: "out/vocab.txt")
/// try AtomicFile.remove("out/mlmprep-progress.jsonl")
/// ```
/// Every failure is a ``SystemError`` naming the file and the system's reason.
public enum AtomicFile {
    /// Replaces `path` with `bytes` atomically: temporary file, fsync, rename, fsync of the directory.
    /// - Throws: ``SystemError`` naming the file; the temporary file is removed on failure.
    public static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try fd.writeAll(bytes, path: path)
        } catch {
            try? fd.close(path: temporary)
            FileSystem.removeIfPresent(temporary)
            throw error
        }
        try commit(fd, temporary: temporary, replacing: path)
    }

    /// Publishes a temporary file written through `fd`: fsync, close, rename over `path`, fsync of the directory.
    /// - Parameters:
    ///   - fd: The open temporary file (closed by this call, also on failure).
    ///   - temporary: Its path (removed on failure).
    ///   - path: The file to create or replace.
    /// - Throws: ``SystemError``.
    public static func commit(_ fd: FileDescriptor, temporary: String, replacing path: String) throws(SystemError) {
        do {
            try fd.sync(path: path)
        } catch {
            try? fd.close(path: temporary)
            FileSystem.removeIfPresent(temporary)
            throw error
        }
        do {
            try fd.close(path: path)
            try FileSystem.rename(temporary, to: path)
        } catch {
            FileSystem.removeIfPresent(temporary)
            throw error
        }
        try FileSystem.syncDirectory(Path.parent(of: path))
    }

    /// Removes a file (a missing one is fine) and fsyncs its directory, so the removal survives a crash.
    /// - Throws: ``SystemError`` when the file exists but cannot be removed.
    public static func remove(_ path: String) throws(SystemError) {
        try FileSystem.remove(path)
        try FileSystem.syncDirectory(Path.parent(of: path))
    }

    /// Reads a whole (small) file.
    /// - Throws: ``SystemError`` naming the file.
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = try FileDescriptor.open(path, O_RDONLY)
        defer { try? fd.close(path: path) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytesThrowing { buffer throws(SystemError) in try fd.read(into: buffer, path: path) }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}
