import MLMCore
import MLMZstd

/// A PMI table file (docs/design.md §3.4): zstd-compressed UTF-8 text, readable with `zstd -dc | head`.
///
/// ```
/// # mlmprep.pmi {"format":"mlmprep.pmi","version":1,"score":"pmi",…,"kept":[400000,200000,100000,100000]}
/// new york\t1532\t9.8371…
/// ```
/// Line 1 is `# mlmprep.pmi ` and a one-line JSON header: the settings, the store's identity (its manifest's
/// and vocabulary's sha256), the totals `T_n`, the candidates per length (count ≥ min count) and the entries
/// kept per length. Then one line per entry — the n-gram's words joined by single spaces, a tab, the count, a
/// tab, the score (shortest round-trip decimal) — by length, then rank.
public struct PMITable: Sendable {
    /// The header.
    public var header: JSONValue
    /// The entries, by length then rank.
    public var entries: [PMITableBuilder.Entry]

    /// What line 1 starts with.
    public static let headerPrefix = "# mlmprep.pmi "

    /// Creates a table.
    public init(header: JSONValue, entries: [PMITableBuilder.Entry]) {
        self.header = header
        self.entries = entries
    }

    /// The vocabulary digest the table was counted with.
    public var vocabularySHA256: String? { header["vocab_sha256"]?.stringValue }

    /// The table as text.
    public func text() -> [UInt8] {
        var text = Array((Self.headerPrefix + header.compactPrinted() + "\n").utf8)
        for entry in entries {
            text.append(contentsOf: entry.text.utf8)
            text.append(0x09)
            text.append(contentsOf: String(entry.count).utf8)
            text.append(0x09)
            text.append(contentsOf: entry.score.description.utf8)
            text.append(0x0A)
        }
        return text
    }

    /// Writes the table, compressed, atomically (temporary file, fsync, rename).
    /// - Parameter path: The table file.
    /// - Throws: ``PMIError`` (`io`).
    public func write(to path: String) throws(PMIError) {
        let compressed: [UInt8]
        do {
            let compressor = try ZstdCompressor(level: 1)
            compressed = try compressor.compressFrame(text())
        } catch {
            throw PMIError(.io, "\(error)", path: path)
        }
        let temporary = path + ".tmp"
        let output = try FileOutput(path: temporary)
        do {
            try output.write(compressed)
            try output.finish(atomicallyReplacing: path)
        } catch {
            FileOutput.remove(temporary)
            throw error
        }
    }

    /// Reads a table.
    /// - Parameter path: The table file.
    /// - Throws: ``PMIError`` naming the file and, for a bad line, the line number.
    public static func read(path: String) throws(PMIError) -> PMITable {
        let text = try CompressedFile.readAll(path: path)
        var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let prefix = Array(headerPrefix.utf8)
        guard let first = lines.first, first.starts(with: prefix) else {
            throw PMIError(
                .invalidFile, "not a PMI table (line 1 must start with \"\(headerPrefix)\"); make one with mlmprep pmi",
                path: path)
        }
        let header: JSONValue
        do {
            header = try JSONValue.parse(Array(first.dropFirst(prefix.count)))
        } catch {
            throw PMIError(.invalidFile, "line 1: the header is not valid JSON (\(error.message))", path: path)
        }
        guard header["format"]?.stringValue == "mlmprep.pmi", header["version"]?.intValue == 1 else {
            throw PMIError(.invalidFile, "line 1: not an mlmprep.pmi version 1 header", path: path)
        }
        var entries: [PMITableBuilder.Entry] = []
        entries.reserveCapacity(lines.count - 1)
        for (number, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, let count = UInt64(String(decoding: fields[1], as: UTF8.self)),
                let score = Double(String(decoding: fields[2], as: UTF8.self))
            else {
                throw PMIError(
                    .invalidFile, "line \(number + 1): expected \"words<TAB>count<TAB>score\"; the table is damaged",
                    path: path)
            }
            let text = String(decoding: fields[0], as: UTF8.self)
            let length = fields[0].reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
            entries.append(PMITableBuilder.Entry(text: text, length: length, count: count, score: score))
        }
        return PMITable(header: header, entries: entries)
    }


    /// Checks that the table was counted with this vocabulary.
    /// - Parameters:
    ///   - sha256: The store's `vocab.txt` digest.
    ///   - tablePath: The table file, for the message.
    /// - Throws: ``PMIError`` (`mismatch`).
    public func checkVocabulary(sha256: String, tablePath: String) throws(PMIError) {
        guard let tableDigest = vocabularySHA256, tableDigest == sha256 else {
            throw PMIError(
                .mismatch,
                "the PMI table was counted with another vocab.txt (sha256 \((vocabularySHA256 ?? "none").prefix(12))…) "
                    + "than this store's (\(sha256.prefix(12))…); build the table from this store with mlmprep pmi",
                path: tablePath)
        }
    }
}

/// Reads a whole zstd-compressed file.
enum CompressedFile {
    static func readAll(path: String) throws(PMIError) -> [UInt8] {
        let input = try FileInput(path: path)
        let decoder: ZstdStreamDecoder
        do { decoder = try ZstdStreamDecoder() } catch { throw PMIError(.io, "\(error)", path: path) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var sawInput = false
        while true {
            let count = try buffer.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try input.read(into: raw) }
            if count == 0 { break }
            sawInput = true
            do {
                try buffer.withUnsafeBytesThrowing { (raw) throws(ZstdError) in
                    try decoder.decompress(UnsafeRawBufferPointer(rebasing: raw[0..<count]), into: &output)
                }
            } catch {
                throw PMIError(
                    .invalidFile,
                    "not zstd data (\(error)): not a PMI table, or a damaged one; give a table written by mlmprep pmi",
                    path: path)
            }
        }
        guard sawInput, decoder.atFrameBoundary else {
            throw PMIError(
                .invalidFile, "the file is empty or cut short: not a complete PMI table; write it again with mlmprep pmi",
                path: path)
        }
        return output
    }

}
