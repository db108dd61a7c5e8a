import MLMCore

extension JSONValue {
    /// The text Python's `json.dumps(value, sort_keys=True)` gives: keys sorted, separators `", "` and `": "`,
    /// non-ASCII characters escaped as `\uXXXX` (`ensure_ascii`). MosaicML Streaming writes its shard headers and
    /// `index.json` this way, so writing the same bytes needs the same printer.
    ///
    /// ```swift
    /// let value: JSONValue = ["version": 2, "format": "mds"]
    /// value.pythonDumps()   // {"format": "mds", "version": 2}
    /// ```
    /// Doubles are not used by the MDS index; they print with Swift's shortest round-trip form.
    /// - Returns: The JSON text.
    package func pythonDumps() -> String {
        var output = ""
        appendPython(to: &output)
        return output
    }

    private func appendPython(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += String(value)
        case .string(let value): Self.appendPythonQuoted(value, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += ", " }
                item.appendPython(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { output += ", " }
                Self.appendPythonQuoted(member.key, to: &output)
                output += ": "
                member.value.appendPython(to: &output)
            }
            output += "}"
        }
    }

    /// Python's `json` string escaping with `ensure_ascii=True`.
    private static func appendPythonQuoted(_ string: String, to output: inout String) {
        output += "\""
        for unit in string.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x08: output += "\\b"
            case 0x0C: output += "\\f"
            case 0x20..<0x7F: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        output += "\""
    }
}
