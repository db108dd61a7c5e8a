import MLMCore

extension StoreRecord {
    /// The id dtype a store uses for a vocabulary: U16 up to 65,536 tokens, U32 above.
    /// - Parameter vocabularySize: The number of tokens.
    /// - Returns: `.uint16` or `.uint32`.
    package static func idType(vocabularySize: Int) -> TensorDType { vocabularySize <= 65536 ? .uint16 : .uint32 }

    /// Encodes a record's tensors (`ids`, `flags`, `doc_offsets`) as one safetensors file (docs/design.md §3.3).
    /// - Parameters:
    ///   - ids: Token ids of every document, back to back.
    ///   - flags: One flag byte per id.
    ///   - documentOffsets: Document boundaries into `ids`.
    ///   - idType: `.uint16` or `.uint32` (``idType(vocabularySize:)``).
    /// - Returns: The safetensors bytes.
    /// - Throws: ``ShardError`` when the tensors cannot be encoded.
    package static func encode(
        ids: [UInt32], flags: [UInt8], documentOffsets: [Int64], idType: TensorDType
    ) throws -> [UInt8] {
        let idTensor: Tensor
        switch idType {
        case .uint16: idTensor = try Tensor(name: "ids", values: ids.map { UInt16(truncatingIfNeeded: $0) })
        default: idTensor = try Tensor(name: "ids", values: ids)
        }
        return SafetensorsRecord.encode([
            idTensor, try Tensor(name: "flags", values: flags), try Tensor(name: "doc_offsets", values: documentOffsets),
        ])
    }

    /// Decodes one store record from its safetensors bytes.
    /// - Parameter bytes: One decompressed frame.
    /// - Throws: ``ShardError`` (`invalidRecord`) when the tensors are missing or do not fit together.
    package init(decoding bytes: [UInt8]) throws {
        let (tensors, _) = try SafetensorsRecord.decode(bytes)
        var ids: [UInt32]?
        var flags: [UInt8]?
        var offsets: [Int]?
        for tensor in tensors {
            switch (tensor.name, tensor.dtype) {
            case ("ids", .uint16): ids = try tensor.values(as: UInt16.self).map { UInt32($0) }
            case ("ids", .uint32): ids = try tensor.values(as: UInt32.self)
            case ("flags", .uint8): flags = try tensor.values(as: UInt8.self)
            case ("doc_offsets", .int64): offsets = try tensor.values(as: Int64.self).map { Int($0) }
            default: continue
            }
        }
        guard let ids, let flags, let offsets else { throw Self.notARecord() }
        self.init(ids: ids, flags: flags, documentOffsets: offsets)
        guard isWellFormed else { throw Self.notARecord() }
    }

    private static func notARecord() -> ShardError {
        ShardError(
            .invalidRecord,
            "the record is not a tokenized-store record (ids, flags, doc_offsets that tile the ids); "
                + "re-run mlmprep tokenize")
    }
}
