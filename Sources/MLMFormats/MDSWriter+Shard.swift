import MLMSystem
import MLMCore
import MLMShards

extension MDSWriter {
    /// Encodes the cached samples as one shard (`u32 n`, `u32 offsets[n+1]`, config, samples), writes it
    /// (compressed when set) and records its index entry, as `JointWriter.flush_shard` does.
    func flushShard() throws(ShardError) {
        let (rawName, zipName) = Self.shardNames(shards.count, compression: compression)
        let raw = encodeShard()
        let rawInfo = fileInfo(raw, basename: rawName)
        var zipInfo = JSONValue.null
        var data = raw
        var name = rawName
        if let zipName, let compressor {
            do {
                data = try compressor.compressFrame(raw)
            } catch {
                throw ShardError(.io, "cannot compress shard \(zipName): \(error)", path: directory, underlying: error)
            }
            zipInfo = fileInfo(data, basename: zipName)
            name = zipName
        }
        try ShardError.mapping { () throws(SystemError) in try AtomicFile.write(data, to: path(name)) }
        var entry: [(key: String, value: JSONValue)] = [
            ("samples", .int(sampleSizes.count)), ("raw_data", rawInfo), ("zip_data", zipInfo),
        ]
        if case .object(let members) = config { entry += members }
        shards.append(.object(entry))
        sampleBytes.removeAll(keepingCapacity: true)
        sampleSizes.removeAll(keepingCapacity: true)
        shardSize = 8 + configBytes.count
    }

    /// The raw bytes of the shard being built.
    private func encodeShard() -> [UInt8] {
        let sizes = sampleSizes
        let header = configBytes
        var output: [UInt8] = []
        output.reserveCapacity(8 + 4 * sizes.count + header.count + sampleBytes.count)
        func appendU32(_ value: Int) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { output.append(contentsOf: $0) }
        }
        appendU32(sizes.count)
        var offset = 4 + 4 * (sizes.count + 1) + header.count
        appendU32(offset)
        for size in sizes {
            offset += size
            appendU32(offset)
        }
        output += header
        output += sampleBytes
        return output
    }

    /// `{"basename", "bytes", "hashes"}` of one file, as `Writer._hash` builds it.
    private func fileInfo(_ data: [UInt8], basename: String) -> JSONValue {
        let digests = hashes.map { (key: $0.rawValue, value: JSONValue.string($0.hexDigest(data))) }
        return ["basename": .string(basename), "bytes": .int(data.count), "hashes": .object(digests)]
    }
}
