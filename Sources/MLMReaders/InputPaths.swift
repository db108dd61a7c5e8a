#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore

/// The input names a user gave, taken literally: a name that exists is that file, and only a name that does not
/// exist is expanded as a glob pattern.
///
/// ```swift
/// let paths = try InputPaths.expand(["data[1].txt", "more/*.txt", "-"])   // "data[1].txt" exists: kept as is
/// if let (first, second) = InputPaths.sameFile(in: paths) { print("\(first) and \(second) are one file") }
/// ```
/// A file name with `*`, `?` or `[` in it is never matched against other files (the shell has already expanded
/// unquoted patterns; a quoted one that names no file is expanded here, sorted). Complexity: one `stat` per name.
public enum InputPaths {
    /// Expands the inputs in order: `-` and every existing name as given, other names with pattern characters
    /// through `glob(3)` (sorted matches), the rest as given (their open fails later with the usual message).
    /// - Parameter inputs: The names on the command line.
    /// - Returns: The paths to read, in order.
    /// - Throws: ``ReaderError`` (`noMatch`) for a pattern that names no file and matches none.
    public static func expand(_ inputs: [String]) throws(ReaderError) -> [String] {
        var paths: [String] = []
        for input in inputs {
            if input == "-" || exists(input) || !input.contains(where: { "*?[".contains($0) }) {
                paths.append(input)
                continue
            }
            var result = glob_t()
            defer { globfree(&result) }
            if glob(input, 0, nil, &result) != 0 || result.gl_pathc == 0 {
                throw ReaderError(
                    .noMatch,
                    "no such file, and as a pattern it matches no file; check the path",
                    at: InputLocation(file: input))
            }
            for index in 0..<Int(result.gl_pathc) {
                if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
            }
        }
        return paths
    }

    /// The first two names that are one file (same device and inode: a name given twice, a hard link, a
    /// symbolic link, `-` and `/dev/stdin`), if any. Names that cannot be examined are left to the open that
    /// reports them.
    /// - Parameter paths: Expanded input paths (`-` is standard input).
    /// - Returns: The earlier and the later name of the first file read twice, or nil.
    public static func sameFile(in paths: [String]) -> (first: String, second: String)? {
        var seen: [FileIdentity: String] = [:]
        for path in paths {
            guard let identity = FileIdentity(path: path) else { continue }
            if let earlier = seen[identity] { return (earlier, path) }
            seen[identity] = path
        }
        return nil
    }

    /// The message for a file given twice: both names and what to do.
    /// - Parameters:
    ///   - first: The earlier name.
    ///   - second: The later name.
    /// - Returns: One line.
    public static func sameFileMessage(_ first: String, _ second: String) -> String {
        let names = first == second ? "'\(first)' is given twice" : "'\(first)' and '\(second)' are the same file"
        return "\(names): its documents would be read twice; give each input once"
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// A file's device and inode: what makes two names one file.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    /// The identity of a path (following symbolic links), or of standard input for `-`; nil when it cannot be read.
    init?(path: String) {
        var info = stat()
        let status = path == "-" ? fstat(0, &info) : stat(path, &info)
        guard status == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
