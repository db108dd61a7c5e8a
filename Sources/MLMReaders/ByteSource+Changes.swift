#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore

/// A regular file's size and modification time when it was opened: what ``ByteSource`` compares at the end of the
/// file (and whenever more bytes arrive than it had) to tell a file that shrank, grew or was rewritten while it was
/// read, instead of ending its input silently short or mixing two versions.
struct OpenedFileState: Equatable {
    var size: Int
    var modificationTime: Int

    /// The state of an open descriptor, or nil for what is not a regular file of at least one byte (a pipe, a
    /// terminal, a character device, or a `/proc` file, which reports size 0).
    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        size = Int(info.st_size)
        #if canImport(Glibc)
            modificationTime = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        #else
            modificationTime = Int(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int(info.st_mtimespec.tv_nsec)
        #endif
    }

    /// The error when the file read `bytesRead` bytes and ended (`atEnd`) or went past its size, or nil.
    /// - Parameters:
    ///   - descriptor: The open file.
    ///   - bytesRead: Bytes read so far.
    ///   - atEnd: Whether `read` just returned 0.
    ///   - name: The file's name.
    /// - Returns: An error naming the file, the byte offset and what changed.
    func change(descriptor: Int32, bytesRead: Int, atEnd: Bool, name: String) -> ReaderError? {
        let location = InputLocation(file: name, byteOffset: bytesRead)
        let advice = "make sure nothing writes the file during the run, then run again"
        if bytesRead > size {
            return ReaderError(
                .changedWhileRead,
                "the file grew while it was read (it had \(size) bytes when opened); \(advice)", at: location)
        }
        guard atEnd else { return nil }
        let now = OpenedFileState(descriptor: descriptor)
        if bytesRead < size {
            return ReaderError(
                .changedWhileRead,
                "the file shrank while it was read: it had \(size) bytes when opened and ended at byte "
                    + "\(bytesRead) (now \(now?.size ?? 0) bytes); \(advice)",
                at: location)
        }
        if now != self {
            let what = now.map { $0.size == size ? "was modified" : "now has \($0.size) bytes" } ?? "was emptied"
            return ReaderError(
                .changedWhileRead, "the file changed while it was read (it \(what)); \(advice)", at: location)
        }
        return nil
    }
}
