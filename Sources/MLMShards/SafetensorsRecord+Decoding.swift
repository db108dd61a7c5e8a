import MLMCore
extension SafetensorsRecord {
    /// Parses and validates one safetensors file.
    ///
    /// It checks what safetensors' own loader checks: at least 8 bytes; a header length of at most
    /// ``maximumHeaderSize`` that fits in the buffer; a UTF-8 JSON object as header; `__metadata__` (if present
    /// and not `null`) mapping strings to strings; for every tensor a known `dtype`, a `shape` of non-negative
    /// integers and two `data_offsets`; offsets that, sorted, tile the data from 0 with no hole or overlap; each
    /// tensor's byte count equal to elements × item size; and a total length of exactly 8 + N + data. It is
    /// stricter in one way: duplicate keys are rejected rather than resolved by keeping the last.
    /// - Parameter bytes: The whole file.
    /// - Returns: The tensors in the order of their data, and the metadata (empty when absent).
    /// - Throws: ``ShardError`` with code `invalidRecord` (or `invalidJSON` for malformed JSON), saying what is
    ///   wrong.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer
    ) throws(ShardError) -> (tensors: [Tensor], metadata: [String: String]) {
        guard bytes.count >= 8 else {
            throw invalid("the record is \(bytes.count) bytes long, shorter than the 8-byte header length")
        }
        let declared = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard declared <= UInt64(maximumHeaderSize) else {
            throw invalid("the header length \(declared) exceeds safetensors' limit of \(maximumHeaderSize) bytes")
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw ShardError(
                .truncated,
                "invalid safetensors record: the header length \(headerLength) runs past the end of the "
                    + "\(bytes.count)-byte record"
            )
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        let header: JSONValue
        do {
            header = try JSONValue.parse(rawBytes: headerBytes)
        } catch {
            throw invalid("the header is not valid JSON (\(error.message))", underlying: error)
        }
        guard case .object(let members) = header else {
            throw invalid("the header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: TensorDType, shape: [Int], begin: Int, end: Int)] = []
        var seen: Set<String> = []
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw invalid("the header has the key '\(key)' twice") }
            if key == metadataKey {
                metadata = try decodeMetadata(value)
            } else {
                let entry = try decodeEntry(name: key, value)
                entries.append((key, entry.dtype, entry.shape, entry.begin, entry.end))
            }
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }

        var position = 0
        for entry in entries {
            guard entry.begin == position, entry.end >= entry.begin else {
                throw invalid(
                    "the data_offsets [\(entry.begin), \(entry.end)] of tensor '\(entry.name)' leave a hole or "
                        + "overlap another tensor (data so far ends at \(position))"
                )
            }
            let count: Int
            do {
                count = try Tensor.elementCount(of: entry.shape, name: entry.name)
            } catch {
                throw invalid(error.message, underlying: error)
            }
            let (size, overflow) = count.multipliedReportingOverflow(by: entry.dtype.itemSize)
            guard !overflow, size == entry.end - entry.begin else {
                throw invalid(
                    "tensor '\(entry.name)' has shape \(entry.shape) and dtype \(entry.dtype.rawValue) but "
                        + "data_offsets [\(entry.begin), \(entry.end)] span \(entry.end - entry.begin) bytes"
                )
            }
            position = entry.end
        }
        let (expected, overflow) = position.addingReportingOverflow(8 + headerLength)
        guard !overflow, expected == bytes.count else {
            let code: ShardError.Code = !overflow && expected > bytes.count ? .truncated : .invalidRecord
            throw ShardError(
                code,
                "invalid safetensors record: the header describes \(position) bytes of data, so the record should "
                    + "be \(overflow ? "larger" : "\(expected) bytes") but it is \(bytes.count)"
            )
        }

        let dataStart = 8 + headerLength
        var tensors: [Tensor] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let data = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
            tensors.append(try Tensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, data: data))
        }
        return (tensors, metadata)
    }

    /// Parses and validates one safetensors file held in an array.
    /// - Parameter bytes: The whole file.
    /// - Returns: The tensors in the order of their data, and the metadata (empty when absent).
    /// - Throws: ``ShardError`` as ``decode(_:)-(UnsafeRawBufferPointer)`` does.
    public static func decode(_ bytes: [UInt8]) throws(ShardError) -> (tensors: [Tensor], metadata: [String: String]) {
        try bytes.withUnsafeBytesThrowing { raw throws(ShardError) in try decode(raw) }
    }

    private static func invalid(_ message: String, underlying: (any Error)? = nil) -> ShardError {
        ShardError(.invalidRecord, "invalid safetensors record: \(message)", underlying: underlying)
    }

    private static func decodeMetadata(_ value: JSONValue) throws(ShardError) -> [String: String] {
        if case .null = value { return [:] }
        guard case .object(let members) = value else {
            throw invalid("\(metadataKey) is not an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let string) = value else {
                throw invalid("\(metadataKey) value for '\(key)' is not a string")
            }
            guard metadata.updateValue(string, forKey: key) == nil else {
                throw invalid("\(metadataKey) has the key '\(key)' twice")
            }
        }
        return metadata
    }

    private static func decodeEntry(
        name: String,
        _ value: JSONValue
    ) throws(ShardError) -> (dtype: TensorDType, shape: [Int], begin: Int, end: Int) {
        guard case .object = value else { throw invalid("the entry of tensor '\(name)' is not an object") }
        guard let dtypeName = value["dtype"]?.stringValue else {
            throw invalid("tensor '\(name)' has no string field 'dtype'")
        }
        guard let dtype = TensorDType(safetensorsName: dtypeName) else {
            let known = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("tensor '\(name)' has unknown or unsupported dtype '\(dtypeName)' (supported: \(known))")
        }
        guard let shape = naturals(value["shape"]) else {
            throw invalid("tensor '\(name)' has no 'shape' made of non-negative integers")
        }
        guard let offsets = naturals(value["data_offsets"]), offsets.count == 2 else {
            throw invalid("tensor '\(name)' has no 'data_offsets' made of two non-negative integers")
        }
        return (dtype, shape, offsets[0], offsets[1])
    }

    private static func naturals(_ value: JSONValue?) -> [Int]? {
        guard case .array(let elements) = value else { return nil }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .int(let number) = element, number >= 0 else { return nil }
            result.append(number)
        }
        return result
    }
}
