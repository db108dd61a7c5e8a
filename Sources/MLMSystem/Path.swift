/// Path arithmetic on strings, the one place that joins and splits paths.
public enum Path {
    /// Joins a directory and a name inside it: `directory/name`.
    /// - Parameters:
    ///   - directory: The directory.
    ///   - name: A name inside it.
    /// - Returns: The joined path.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The directory part of a path (`"."` for a bare name, `"/"` for a name at the root).
    /// - Parameter path: A path.
    /// - Returns: Its parent directory.
    public static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The last component of a path.
    /// - Parameter path: A path.
    /// - Returns: The name after the last `/` (trailing slashes ignored).
    public static func lastComponent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }
}
