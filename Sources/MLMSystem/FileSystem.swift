#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Directory-level operations: rename, remove, create directories, flush a directory's entries.
///
/// Every failure is a ``SystemError`` naming the path. The corresponding C functions are `rename`, `unlink`,
/// `mkdir`, `stat` and `fsync` (on the directory).
public enum FileSystem {
    /// Renames a file atomically within one file system, replacing `destination`.
    /// - Throws: ``SystemError`` naming the destination.
    public static func rename(_ source: String, to destination: String) throws(SystemError) {
        if case .failure(let code) = valueOrErrno({ systemRename(source, destination) }) {
            throw code.error("cannot rename \(source) to it", path: destination)
        }
    }

    /// Removes a file; a missing one is fine.
    /// - Throws: ``SystemError`` when the file exists but cannot be removed.
    public static func remove(_ path: String) throws(SystemError) {
        if case .failure(let code) = valueOrErrno({ unlink(path) }), code.rawValue != ENOENT {
            throw code.error("cannot remove", path: path)
        }
    }

    /// Removes a file if it can, ignoring every error (for temporary files on an error path).
    public static func removeIfPresent(_ path: String) { _ = unlink(path) }

    /// Flushes a directory's entries (after a rename or a removal) to the device.
    /// - Throws: ``SystemError``.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let fd = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
        defer { try? fd.close(path: path) }
        try fd.sync(path: path)
    }

    /// What is at a path: nothing, a directory, or another kind of file.
    public enum Kind: Sendable, Equatable {
        /// Nothing (or a dangling symbolic link).
        case missing
        /// A directory.
        case directory
        /// A regular file, device, pipe or socket.
        case file
    }

    /// What is at `path` (symbolic links followed).
    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .file
    }

    /// Creates a directory and its parents if they do not exist.
    /// - Throws: ``SystemError`` (`ENOTDIR` when something else is in the way).
    public static func makeDirectories(_ path: String) throws(SystemError) {
        switch kind(of: path) {
        case .directory: return
        case .file: throw SystemError("exists but is not a directory; choose another output path", path: path, errorNumber: ENOTDIR)
        case .missing: break
        }
        let parent = Path.parent(of: path)
        if parent != path && !parent.isEmpty { try makeDirectories(parent) }
        if case .failure(let code) = valueOrErrno({ mkdir(path, 0o755) }), code.rawValue != EEXIST {
            throw code.error("cannot create directory", path: path)
        }
    }
}

#if canImport(Glibc)
    private func systemRename(_ source: String, _ destination: String) -> Int32 { Glibc.rename(source, destination) }
#else
    private func systemRename(_ source: String, _ destination: String) -> Int32 { Darwin.rename(source, destination) }
#endif
