#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a file is, whatever it is called: its device and inode. Two names (hard links, symbolic links, `/dev/stdout`
/// and the pipe on descriptor 1) have the same identity exactly when they are the same file.
public struct FileIdentity: Sendable, Hashable {
    /// The device.
    public var device: UInt64
    /// The inode.
    public var inode: UInt64

    /// The identity of the file at `path` (symbolic links followed); nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity of an open descriptor; nil when it is closed.
    public init?(descriptor: FileDescriptor) {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Absolute, symbolic-link-free paths, for telling whether two names overlap before anything is written.
public enum RealPath {
    /// The absolute path without symbolic links, `.` or `..`; for a path that does not exist (yet), the real path
    /// of its deepest existing ancestor followed by the rest.
    public static func resolve(_ path: String) -> String {
        var existing = path.isEmpty ? "." : path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                var result = String(cString: real)
                for component in rest.reversed() where component != "." {
                    if component == ".." {
                        result = Path.parent(of: result)
                    } else {
                        result = Path.join(result, component)
                    }
                }
                return result
            }
            let parent = Path.parent(of: existing)
            rest.append(Path.lastComponent(of: existing))
            if parent == existing { return path }
            existing = parent
        }
    }

    /// How `inner` lies relative to `outer` (both resolved): the same path, inside it, containing it, or apart.
    public enum Overlap: Sendable, Equatable {
        /// The same path.
        case same
        /// The first path is inside the second.
        case inside
        /// The first path contains the second.
        case contains
        /// Neither.
        case apart
    }

    /// How resolved path `a` lies relative to resolved path `b`.
    public static func overlap(_ a: String, _ b: String) -> Overlap {
        if a == b { return .same }
        let slashA = a.hasSuffix("/") ? a : a + "/"
        let slashB = b.hasSuffix("/") ? b : b + "/"
        if a.hasPrefix(slashB) { return .inside }
        if b.hasPrefix(slashA) { return .contains }
        return .apart
    }
}
