import MLMCore
/// Encodes and decodes one safetensors file held in memory: the record inside every MLMB frame.
///
/// The bytes are exactly what Python's `safetensors.numpy.save(tensors, metadata=…)` (safetensors 0.8) writes
/// for the same arrays:
///
/// - a little-endian `u64` header length `N`, then `N` bytes of compact JSON padded with spaces to a multiple of
///   8, then the tensors' bytes back to back;
/// - the header lists `__metadata__` first (when given), then the tensors ordered by dtype (safetensors' `Dtype`
///   enum order, highest first: `U64, I64, F64, C64, F32, U32, I32, BF16, F16, U16, I16, …, I8, U8, BOOL`), then
///   by name compared as UTF-8 bytes; each entry is `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}`;
/// - strings are escaped as `serde_json` escapes them (see `JSONEscaping`).
///
/// One difference is unavoidable: safetensors keeps metadata in a Rust `HashMap`, so with two or more metadata
/// keys Python's key order changes from run to run. This encoder writes metadata keys sorted by their UTF-8
/// bytes, which is one of the orders Python may produce, and is deterministic.
///
/// ```swift
/// let record = SafetensorsRecord.encode([ids, labels, mask], metadata: ["format": "mlmprep.batch"])
/// let (tensors, metadata) = try SafetensorsRecord.decode(record)
/// ```
public enum SafetensorsRecord {
    /// The largest header safetensors accepts (100,000,000 bytes).
    public static let maximumHeaderSize = 100_000_000
    /// The key of the string-to-string metadata map in the header.
    public static let metadataKey = "__metadata__"

    /// Serializes tensors and optional metadata into one safetensors file.
    /// - Parameters:
    ///   - tensors: The tensors, in any order; names must be unique and must not be `__metadata__`.
    ///   - metadata: String metadata, or `nil` to leave `__metadata__` out (an empty map writes
    ///     `"__metadata__":{}`, as Python does for `metadata={}`).
    /// - Returns: The file's bytes.
    /// - Complexity: O(total bytes + t log t) for t tensors.
    public static func encode(_ tensors: [Tensor], metadata: [String: String]? = nil) -> [UInt8] {
        let ordered = tensors.sorted { left, right in
            if left.dtype.serializationRank != right.dtype.serializationRank {
                return left.dtype.serializationRank > right.dtype.serializationRank
            }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        for index in ordered.indices.dropFirst() {
            precondition(
                ordered[index].name != ordered[index - 1].name,
                "duplicate tensor name '\(ordered[index].name)'"
            )
        }
        precondition(!ordered.contains { $0.name == metadataKey }, "a tensor cannot be named \(metadataKey)")

        var header: [UInt8] = [UInt8(ascii: "{")]
        var needsComma = false
        if let metadata {
            JSONEscaping.appendQuoted(metadataKey, to: &header)
            header.append(contentsOf: ":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                JSONEscaping.appendQuoted(key, to: &header)
                header.append(UInt8(ascii: ":"))
                JSONEscaping.appendQuoted(metadata[key] ?? "", to: &header)
            }
            header.append(UInt8(ascii: "}"))
            needsComma = true
        }
        var offset = 0
        for tensor in ordered {
            if needsComma { header.append(UInt8(ascii: ",")) }
            needsComma = true
            JSONEscaping.appendQuoted(tensor.name, to: &header)
            header.append(contentsOf: ":{\"dtype\":".utf8)
            JSONEscaping.appendQuoted(tensor.dtype.safetensorsName, to: &header)
            header.append(contentsOf: ",\"shape\":[".utf8)
            for (index, dimension) in tensor.shape.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                JSONEscaping.appendInteger(dimension, to: &header)
            }
            header.append(contentsOf: "],\"data_offsets\":[".utf8)
            JSONEscaping.appendInteger(offset, to: &header)
            header.append(UInt8(ascii: ","))
            offset += tensor.data.count
            JSONEscaping.appendInteger(offset, to: &header)
            header.append(contentsOf: "]}".utf8)
        }
        header.append(UInt8(ascii: "}"))
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: header)
        for tensor in ordered {
            output.append(contentsOf: tensor.data)
        }
        return output
    }
}
