#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore

/// An input file's size and modification time: what a resumed run compares to decide that its inputs are the
/// ones the interrupted run read (as `make` and `rsync` do, without reading the files twice).
///
/// ```swift
/// let status = try InputFileStatus(path: "corpus.txt")   // throws the reader's "cannot open input" error
/// print(status.size, status.modificationTime)
/// ```
public struct InputFileStatus: Hashable, Sendable {
    /// The path as the user gave it.
    public var path: String
    /// The size in bytes.
    public var size: Int
    /// The last modification time, in nanoseconds since 1970.
    public var modificationTime: Int

    /// Creates a status from known values (as a journal recorded them).
    /// - Parameters:
    ///   - path: The path.
    ///   - size: The size in bytes.
    ///   - modificationTime: Nanoseconds since 1970.
    public init(path: String, size: Int, modificationTime: Int) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
    }

    /// Reads a file's status.
    /// - Parameter path: An input file (not `-`).
    /// - Throws: ``ReaderError`` (`fileNotFound`, or `unreadable` for a directory or a file this process may not
    ///   read), worded as ``ByteSource`` words it, so a run can check its inputs before it touches the output
    ///   directory.
    public init(path: String) throws(ReaderError) {
        var info = stat()
        if stat(path, &info) != 0 {
            let code: ReaderError.Code = errno == ENOENT ? .fileNotFound : .unreadable
            let reason = String(cString: strerror(errno))
            throw ReaderError(
                code, "cannot open input (\(reason)); check the path and that the file exists",
                at: InputLocation(file: path))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ReaderError(
                .unreadable, "is a directory; give the files inside it (a glob such as dir/*.txt)",
                at: InputLocation(file: path))
        }
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw ReaderError(
                .unreadable, "cannot open input (\(reason)); check its permissions", at: InputLocation(file: path))
        }
        self.path = path
        self.size = Int(info.st_size)
        #if canImport(Glibc)
            self.modificationTime = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        #else
            self.modificationTime = Int(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int(info.st_mtimespec.tv_nsec)
        #endif
    }
}
