/// Per-character facts that decide how BERT's normalizer and pre-tokenizer treat each Unicode scalar.
///
/// The facts were probed from Hugging Face `tokenizers` itself (see `tools/unicode/gen_bert_tables.py`),
/// because its character classes come from the Rust crates it uses, not from ICU or Swift: for example it
/// keeps unassigned code points and knows Unicode 9's non-spacing marks. Lookups are one load from a flat
/// table of 0x110000 bytes.
///
/// Complexity: building takes a few milliseconds; every lookup is O(1).
public struct BertCharacterTables: Sendable {
    /// Property bits of ``properties``.
    public enum Bit {
        /// Dropped by `clean_text` (NUL, U+FFFD, control and format characters, but not `\t\n\r`).
        public static let removed: UInt8 = 1 << 0
        /// White space: a word boundary (mapped to a space by `clean_text`).
        public static let whitespace: UInt8 = 1 << 1
        /// A CJK ideograph that `handle_chinese_chars` isolates.
        public static let chinese: UInt8 = 1 << 2
        /// Punctuation that the pre-tokenizer isolates.
        public static let punctuation: UInt8 = 1 << 3
        /// A non-spacing mark that `strip_accents` drops after NFD.
        public static let nonspacingMark: UInt8 = 1 << 4
        /// Has a canonical decomposition (listed in ``decompositions``).
        public static let decomposes: UInt8 = 1 << 5
        /// Lower-cases to something else (listed in ``lowercases``).
        public static let lowercases: UInt8 = 1 << 6
        /// Has a non-zero canonical combining class (in ``combiningClass``).
        public static let combining: UInt8 = 1 << 7
    }

    /// One byte of ``Bit`` flags per scalar value, indexed by the scalar.
    public let properties: [UInt8]
    /// The canonical combining class of each scalar (0 for most).
    public let combiningClass: [UInt8]
    /// Full canonical decompositions, as ranges into ``mappingStorage``.
    public let decompositions: [UInt32: Range<Int>]
    /// Lower-case mappings, as ranges into ``mappingStorage``.
    public let lowercases: [UInt32: Range<Int>]
    /// The scalars of every mapping, back to back.
    public let mappingStorage: [UInt32]

    /// Builds the tables from the generated data.
    /// - Throws: ``TokenizerError`` when the generated data is damaged (a build problem, not a user error).
    public init() throws(TokenizerError) {
        try self.init(data: Self.generatedData)
    }

    /// Builds the tables from data in the generated format.
    /// - Parameter data: Lines of `R|W|H|P|M start end`, `D cp cps…`, `L cp cps…`, `C cp class` (hex).
    /// - Throws: ``TokenizerError`` when a line is malformed.
    init(data: String) throws(TokenizerError) {
        var properties = [UInt8](repeating: 0, count: 0x110000)
        var combining = [UInt8](repeating: 0, count: 0x110000)
        var decompositions: [UInt32: Range<Int>] = [:]
        var lowercases: [UInt32: Range<Int>] = [:]
        var storage: [UInt32] = []
        var lineNumber = 0
        for line in data.split(separator: "\n", omittingEmptySubsequences: true) {
            lineNumber += 1
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let tag = fields.first, !tag.hasPrefix("#") else { continue }
            var numbers: [UInt32] = []
            numbers.reserveCapacity(fields.count - 1)
            for field in fields.dropFirst() {
                guard let value = UInt32(field, radix: 16), value < 0x110000 else {
                    throw TokenizerError(.internalTables, "character table line \(lineNumber) is damaged: \(line)")
                }
                numbers.append(value)
            }
            guard numbers.count >= 2 else {
                throw TokenizerError(.internalTables, "character table line \(lineNumber) is too short: \(line)")
            }
            let bit: UInt8
            switch tag {
            case "R": bit = Bit.removed
            case "W": bit = Bit.whitespace
            case "H": bit = Bit.chinese
            case "P": bit = Bit.punctuation
            case "M": bit = Bit.nonspacingMark
            case "D", "L":
                let start = storage.count
                storage.append(contentsOf: numbers.dropFirst())
                if tag == "D" {
                    decompositions[numbers[0]] = start..<storage.count
                    properties[Int(numbers[0])] |= Bit.decomposes
                } else {
                    lowercases[numbers[0]] = start..<storage.count
                    properties[Int(numbers[0])] |= Bit.lowercases
                }
                continue
            case "C":
                combining[Int(numbers[0])] = UInt8(truncatingIfNeeded: numbers[1])
                properties[Int(numbers[0])] |= Bit.combining
                continue
            default:
                throw TokenizerError(.internalTables, "character table line \(lineNumber) has unknown tag \(tag)")
            }
            guard numbers[0] <= numbers[1] else {
                throw TokenizerError(.internalTables, "character table line \(lineNumber) has an empty range")
            }
            for scalar in Int(numbers[0])...Int(numbers[1]) { properties[scalar] |= bit }
        }
        // Hangul syllables decompose algorithmically (the generator checked the reference does the same).
        for scalar in 0xAC00...0xD7A3 { properties[scalar] |= Bit.decomposes }
        self.properties = properties
        self.combiningClass = combining
        self.decompositions = decompositions
        self.lowercases = lowercases
        self.mappingStorage = storage
    }
}
