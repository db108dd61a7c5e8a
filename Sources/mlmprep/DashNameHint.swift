import Foundation

/// The hint added to a usage error when an argument that starts with `-` is also the name of an existing file:
/// the parser reads it as an option, so say how to give it as a file (`./-x.txt`, or after `--`).
enum DashNameHint {
    /// The hint for the first such argument before any `--`, or nil.
    /// - Parameter arguments: The command line without the program name.
    /// - Returns: A sentence to append to the error.
    static func hint(for arguments: [String]) -> String? {
        for argument in arguments {
            if argument == "--" { return nil }
            guard argument.count > 1, argument.hasPrefix("-") else { continue }
            var info = stat()
            if stat(argument, &info) == 0 {
                return "'\(argument)' is read as an option; if you meant the file of that name, write ./\(argument) "
                    + "or put it after --"
            }
        }
        return nil
    }
}

extension String {
    /// The string with its first line changed.
    func replacingFirstLine(_ change: (String) -> String) -> String {
        guard let end = firstIndex(of: "\n") else { return change(self) }
        return change(String(self[..<end])) + self[end...]
    }
}
