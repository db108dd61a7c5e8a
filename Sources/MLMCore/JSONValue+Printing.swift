extension JSONValue {
    /// The document as indented JSON: two spaces per level, `": "` after keys, members in order, no trailing
    /// newline. Integers print as integers and doubles in their shortest round-tripping form (as Python's
    /// `repr` does: `0.1`, `1e-05`, `1e+16`, `3.0`). NaN and infinities, which JSON cannot express, print as
    /// `null`.
    ///
    /// The output is the same as Python's `json.dumps(value, indent=2, ensure_ascii=False)` for the same document.
    /// - Returns: The text.
    public func prettyPrinted() -> String {
        var output: [UInt8] = []
        append(to: &output, indent: 0, pretty: true)
        return String(decoding: output, as: UTF8.self)
    }

    /// The document as compact JSON (no spaces), members in order.
    /// - Returns: The text.
    public func compactPrinted() -> String {
        var output: [UInt8] = []
        append(to: &output, indent: 0, pretty: false)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the document to a UTF-8 buffer.
    /// - Parameters:
    ///   - output: The buffer.
    ///   - indent: The current nesting level.
    ///   - pretty: Whether to indent.
    private func append(to output: inout [UInt8], indent: Int, pretty: Bool) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): JSONEscaping.appendInteger(value, to: &output)
        case .double(let value):
            output.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        case .string(let value): JSONEscaping.appendQuoted(value, to: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.newline(&output, indent: indent + 1, pretty: pretty)
                element.append(to: &output, indent: indent + 1, pretty: pretty)
            }
            Self.newline(&output, indent: indent, pretty: pretty)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.newline(&output, indent: indent + 1, pretty: pretty)
                JSONEscaping.appendQuoted(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                member.value.append(to: &output, indent: indent + 1, pretty: pretty)
            }
            Self.newline(&output, indent: indent, pretty: pretty)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a newline and indentation when pretty-printing.
    /// - Parameters:
    ///   - output: The buffer.
    ///   - indent: The nesting level.
    ///   - pretty: Whether to indent at all.
    private static func newline(_ output: inout [UInt8], indent: Int, pretty: Bool) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }
}
