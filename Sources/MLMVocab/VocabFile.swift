#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output file atomically: to `<path>.tmp`, fsynced, then renamed over `path`.
public enum VocabFile {
    /// Writes `bytes` to `path`.
    /// - Throws: ``VocabError`` (`io`) naming the file and the system's reason.
    public static func write(_ bytes: [UInt8], to path: String) throws(VocabError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw failure("cannot create the file", path: temporary) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = failure("cannot write", path: temporary)
                close(fd)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let error = failure("cannot write", path: temporary)
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let error = failure("cannot rename \(temporary) to it", path: path)
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ what: String, path: String) -> VocabError {
        VocabError(
            .io, "\(what): \(String(cString: strerror(errno))) (check the path, the space left and the permissions)",
            path: path)
    }
}
