/// Finds one string field in a JSON object held in UTF-8 bytes, validating the whole object on the way.
///
/// A byte scanner, not a general JSON decoder: values other than the wanted field are checked and skipped,
/// the wanted string is unescaped straight into the caller's buffer. It follows RFC 8259 as Python's `json`
/// module does by default (no raw control characters inside strings, no trailing commas, no NaN).
///
/// Complexity: O(n) in the line length.
public struct JSONTextField {
    /// What ``extract(from:into:)`` found.
    public enum Outcome: Equatable, Sendable {
        /// The field holds a string; it was appended to the output. `loneSurrogates` counts `\uD8xx` escapes
        /// without a partner, each written as U+FFFD.
        case found(loneSurrogates: Int)
        /// The object has no such field.
        case missing
        /// The field holds another JSON type, named here.
        case notString(String)
        /// The line is not one valid JSON object; `offset` is the byte where parsing failed.
        case malformed(offset: Int, reason: String)
    }

    /// The field name's UTF-8 bytes.
    public let field: [UInt8]

    /// Creates a scanner for one field.
    /// - Parameter field: The field name, for example `text`.
    public init(field: String) { self.field = Array(field.utf8) }

    private struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// Validates `line` as one JSON object and appends the field's string value to `output`.
    /// - Parameters:
    ///   - line: One JSON Lines record, without its newline.
    ///   - output: Receives the unescaped UTF-8 text when the field is a string (the last one wins when a
    ///     key repeats, as in Python).
    /// - Returns: What was found.
    public func extract(from line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Outcome {
        var scanner = Scanner(bytes: line)
        let start = output.count
        var found: Outcome = .missing
        do {
            scanner.skipSpace()
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw Failure(offset: scanner.index, reason: "a JSON Lines record must be a JSON object")
            }
            scanner.index += 1
            scanner.skipSpace()
            if scanner.peek() == UInt8(ascii: "}") {
                scanner.index += 1
            } else {
                while true {
                    scanner.skipSpace()
                    guard scanner.peek() == UInt8(ascii: "\"") else {
                        throw Failure(offset: scanner.index, reason: "expected a quoted key")
                    }
                    var key: [UInt8] = []
                    _ = try scanner.string(into: &key)
                    let isField = key == field
                    scanner.skipSpace()
                    guard scanner.peek() == UInt8(ascii: ":") else {
                        throw Failure(offset: scanner.index, reason: "expected ':' after a key")
                    }
                    scanner.index += 1
                    scanner.skipSpace()
                    if isField {
                        if scanner.peek() == UInt8(ascii: "\"") {
                            output.removeSubrange(start...)
                            let lone = try scanner.string(into: &output)
                            found = .found(loneSurrogates: lone)
                        } else {
                            let kind = try scanner.skipValue()
                            output.removeSubrange(start...)
                            found = .notString(kind)
                        }
                    } else {
                        _ = try scanner.skipValue()
                    }
                    scanner.skipSpace()
                    if scanner.peek() == UInt8(ascii: ",") {
                        scanner.index += 1
                        continue
                    }
                    guard scanner.peek() == UInt8(ascii: "}") else {
                        throw Failure(offset: scanner.index, reason: "expected ',' or '}' in an object")
                    }
                    scanner.index += 1
                    break
                }
            }
            scanner.skipSpace()
            guard scanner.index == line.count else {
                throw Failure(offset: scanner.index, reason: "unexpected data after the JSON object")
            }
        } catch let failure as Failure {
            output.removeSubrange(start...)
            return .malformed(offset: failure.offset, reason: failure.reason)
        } catch {
            output.removeSubrange(start...)
            return .malformed(offset: scanner.index, reason: "invalid JSON")
        }
        return found
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0
        var discarded: [UInt8] = []

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Parses a string starting at the opening quote; appends its UTF-8 to `output`.
        /// Returns the number of lone surrogates replaced by U+FFFD.
        mutating func string(into output: inout [UInt8]) throws -> Int {
            index += 1  // opening quote
            var lone = 0
            while true {
                guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated string") }
                // Copy a run of plain bytes at once.
                let runStart = index
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                    index += 1
                }
                if index > runStart {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return lone
                }
                if byte < 0x20 {
                    throw Failure(offset: index, reason: "raw control character inside a string (escape it)")
                }
                // Backslash escape.
                index += 1
                guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated escape") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate: a low one must follow as another \u escape.
                        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\")
                            && bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let save = index
                            index += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                                scalar = 0xFFFD
                                lone += 1
                            }
                        } else {
                            scalar = 0xFFFD
                            lone += 1
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        scalar = 0xFFFD
                        lone += 1
                    }
                    appendUTF8(scalar, to: &output)
                default:
                    throw Failure(offset: index - 1, reason: "invalid escape sequence")
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw Failure(offset: index, reason: "short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw Failure(offset: index, reason: "invalid hex digit in a \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        /// Skips any JSON value and names its type.
        mutating func skipValue() throws -> String {
            guard let byte = peek() else { throw Failure(offset: index, reason: "expected a value") }
            switch byte {
            case UInt8(ascii: "\""):
                try skipString()
                return "string"
            case UInt8(ascii: "{"):
                try skipMembers(closing: UInt8(ascii: "}"), isObject: true)
                return "object"
            case UInt8(ascii: "["):
                try skipMembers(closing: UInt8(ascii: "]"), isObject: false)
                return "array"
            case UInt8(ascii: "t"): try literal("true"); return "boolean"
            case UInt8(ascii: "f"): try literal("false"); return "boolean"
            case UInt8(ascii: "n"): try literal("null"); return "null"
            case UInt8(ascii: "-"), 0x30...0x39: try number(); return "number"
            default: throw Failure(offset: index, reason: "unexpected character")
            }
        }

        /// Skips a string without keeping its text (one scratch buffer, reused).
        mutating func skipString() throws {
            var scratch = discarded
            discarded = []
            defer { discarded = scratch }
            scratch.removeAll(keepingCapacity: true)
            _ = try string(into: &scratch)
        }

        /// Skips the members of an object (`"key": value`) or the elements of an array, from the opening
        /// bracket to the closing one.
        mutating func skipMembers(closing: UInt8, isObject: Bool) throws {
            try nest()
            index += 1
            skipSpace()
            if peek() == closing {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipSpace()
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw Failure(offset: index, reason: "expected a key") }
                    try skipString()
                    skipSpace()
                    guard peek() == UInt8(ascii: ":") else { throw Failure(offset: index, reason: "expected ':'") }
                    index += 1
                    skipSpace()
                }
                _ = try skipValue()
                skipSpace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == closing else {
                    let reason = isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array"
                    throw Failure(offset: index, reason: reason)
                }
                index += 1
                depth -= 1
                return
            }
        }

        mutating func nest() throws {
            depth += 1
            if depth > 512 { throw Failure(offset: index, reason: "nesting deeper than 512 levels") }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Failure(offset: index, reason: "invalid literal") }
            let matches = word.withUTF8Buffer { expected in
                (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
            }
            guard matches else { throw Failure(offset: index, reason: "invalid literal") }
            index += count
        }

        mutating func number() throws {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let first = peek(), (0x30...0x39).contains(first) else {
                throw Failure(offset: index, reason: "invalid number")
            }
            if first == 0x30 {
                index += 1
            } else {
                while let d = peek(), (0x30...0x39).contains(d) { index += 1 }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard let d = peek(), (0x30...0x39).contains(d) else {
                    throw Failure(offset: index, reason: "invalid number")
                }
                while let d = peek(), (0x30...0x39).contains(d) { index += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let d = peek(), (0x30...0x39).contains(d) else {
                    throw Failure(offset: index, reason: "invalid number")
                }
                while let d = peek(), (0x30...0x39).contains(d) { index += 1 }
            }
            if index == start { throw Failure(offset: index, reason: "invalid number") }
        }
    }
}

/// Appends the UTF-8 encoding of a scalar value.
@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | scalar >> 6))
        output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | scalar >> 12))
        output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    default:
        output.append(UInt8(0xF0 | scalar >> 18))
        output.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
        output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    }
}
