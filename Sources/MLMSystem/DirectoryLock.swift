#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on an output directory for the life of a run, so that two runs never write one directory at
/// once: a POSIX record lock on `DIR/.mlmprep.lock`, which holds the owner's process id.
///
/// The lock goes away with the process however it ends (a killed run leaves the file but no lock: the next run
/// takes it over). ``release()`` removes the file after a run.
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

    /// Takes the lock on `directory` (which must exist), without waiting.
    /// - Parameter fileName: The lock file's name inside the directory.
    /// - Throws: ``Held`` when another process holds it, ``SystemError`` when the file cannot be made.
    public init(directory: String, fileName: String = ".mlmprep.lock") throws {
        path = Path.join(directory, fileName)
        let fd = try FileDescriptor.open(path, O_RDWR | O_CREAT, operation: "cannot create the lock file")
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        if fcntl(fd.rawValue, F_SETLK, &request) != 0 {
            let code = errno
            defer { try? fd.close(path: path) }
            guard code == EAGAIN || code == EACCES else { throw SystemError("cannot lock", path: path, errorNumber: code) }
            var probe = flock()
            probe.l_type = Int16(F_WRLCK)
            probe.l_whence = Int16(SEEK_SET)
            let pid: Int32? = fcntl(fd.rawValue, F_GETLK, &probe) == 0 && probe.l_type != Int16(F_UNLCK) ? probe.l_pid : nil
            throw Held(directory: directory, pid: pid)
        }
        self.fd = fd
        _ = ftruncate(fd.rawValue, 0)
        try? fd.writeAll(Array("\(getpid())\n".utf8), path: path)
    }

    /// Removes the lock file and drops the lock.
    public func release() {
        guard let fd else { return }
        self.fd = nil
        FileSystem.removeIfPresent(path)
        try? fd.close(path: path)
    }

    deinit { release() }
}
