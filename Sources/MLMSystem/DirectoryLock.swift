#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on an output directory for the life of a run, so that two runs never write one directory at
/// once: a POSIX record lock on the empty file `DIR/.mlmprep.lock` (the system reports the holder's process id).
///
/// The lock goes away with the process however it ends (a killed run leaves the file but no lock: the next run
/// takes it over). ``release(removingFile:)`` removes the file after a run; a run refused before it wrote anything
/// leaves the directory as it found it (the file is removed only if this lock created it).
///
/// ```swift
/// let lock = try DirectoryLock(directory: "out")     // DirectoryLock.Held(pid: 4242) if another run has it
/// defer { lock.release() }
/// ```
public final class DirectoryLock {
    /// Another process holds the lock.
    public struct Held: Error, Sendable, CustomStringConvertible {
        /// The directory.
        public var directory: String
        /// The holder's process id, when the system tells it.
        public var pid: Int32?

        public var description: String {
            "\(directory): another mlmprep run (\(pid.map { "pid \($0)" } ?? "pid unknown")) is writing this directory; "
                + "wait for it to finish, or stop it, and run again"
        }
    }

    /// The lock file's path.
    public let path: String
    private var fd: FileDescriptor?
    /// Whether this lock created the file (it did not exist before).
    private let createdFile: Bool

    /// Takes the lock on `directory` (which must exist), without waiting.
    /// - Parameter fileName: The lock file's name inside the directory.
    /// - Throws: ``Held`` when another process holds it, ``SystemError`` when the file cannot be made.
    public init(directory: String, fileName: String = ".mlmprep.lock") throws {
        path = Path.join(directory, fileName)
        createdFile = FileSystem.kind(of: path) == .missing
        let fd = try FileDescriptor.open(path, O_RDWR | O_CREAT, operation: "cannot create the lock file")
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        if fcntl(fd.rawValue, F_SETLK, &request) != 0 {
            let code = errno
            defer { try? fd.close(path: path) }
            if createdFile { FileSystem.removeIfPresent(path) }
            guard code == EAGAIN || code == EACCES else { throw SystemError("cannot lock", path: path, errorNumber: code) }
            var probe = flock()
            probe.l_type = Int16(F_WRLCK)
            probe.l_whence = Int16(SEEK_SET)
            let pid: Int32? = fcntl(fd.rawValue, F_GETLK, &probe) == 0 && probe.l_type != Int16(F_UNLCK) ? probe.l_pid : nil
            throw Held(directory: directory, pid: pid)
        }
        self.fd = fd
    }

    /// Drops the lock, removing the file when the run is over (`removingFile`) or when this lock created it.
    public func release(removingFile: Bool = false) {
        guard let fd else { return }
        self.fd = nil
        if removingFile || createdFile { FileSystem.removeIfPresent(path) }
        try? fd.close(path: path)
    }

    deinit { release() }
}
