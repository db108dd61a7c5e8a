import ArgumentParser
import Foundation

/// Checks, before a run starts, that a file the run writes at its end (`--stats-json`) can be written: not a
/// directory, in a directory that exists, writable. A run of an hour must not fail at its last step.
enum OutputFileCheck {
    /// Checks a file to be written at the end of a run.
    /// - Parameters:
    ///   - path: The file.
    ///   - flag: The flag that names it, for the message.
    /// - Throws: `ValidationError` (exit 2) naming the flag, the path and the reason.
    static func check(_ path: String, flag: String) throws {
        if path.isEmpty { throw ValidationError("\(flag) needs a file name") }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw ValidationError("\(flag) \(path) is a directory; give a file name (such as \(path)/stats.json)")
            }
            if access(path, W_OK) != 0 {
                throw ValidationError("\(flag) \(path) cannot be written (\(String(cString: strerror(errno))))")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        var parentInfo = stat()
        guard stat(directory, &parentInfo) == 0, (parentInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw ValidationError("\(flag) \(path): the directory \(directory) does not exist; create it first")
        }
        if access(directory, W_OK | X_OK) != 0 {
            throw ValidationError(
                "\(flag) \(path): cannot create a file in \(directory) (\(String(cString: strerror(errno))))")
        }
    }
}
