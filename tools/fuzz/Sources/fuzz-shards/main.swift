// Harness "shards": the MLMB readers over arbitrary bytes — SafetensorsRecord.decode, SeekTable.decode,
// ShardReader (the bytes as a shard file) and StreamFrameReader (the bytes as a stream) — with the same limits
// the CLI uses. Then the bytes wrapped as the record of a well-formed one-frame shard go through both readers.
//
// Checks, besides "no crash, no unbounded allocation, only ShardError": whatever decodes re-encodes and decodes
// to the same tensors; a decoded seek table adds up to the input and re-encodes to the same entries; a
// well-formed shard returns its record unchanged from both readers.
#if canImport(Glibc)
    import Glibc
#endif
import FuzzSupport
import MLMShards
import MLMZstd

let shardFile = ScratchFile(suffix: ".mlmb.zst")
nonisolated(unsafe) let compressor: ZstdCompressor = {
    do { return try ZstdCompressor(level: 1) } catch { Fuzz.fail("compressor: \(error)") }
}()
/// At most this many records are read from one input (each costs at least a frame header of input bytes).
let maximumRecords = 64

func checkRecord(_ bytes: [UInt8]) {
    let decoded: (tensors: [Tensor], metadata: [String: String])
    do {
        decoded = try SafetensorsRecord.decode(bytes)
    } catch {
        Fuzz.check(
            [.invalidRecord, .truncated, .invalidTensor, .invalidJSON].contains(error.code),
            "SafetensorsRecord.decode threw \(error.code)")
        return
    }
    let encoded = SafetensorsRecord.encode(decoded.tensors, metadata: decoded.metadata)
    do {
        let again = try SafetensorsRecord.decode(encoded)
        Fuzz.check(
            Set(again.tensors) == Set(decoded.tensors) && again.metadata == decoded.metadata,
            "a decoded record re-encodes to different tensors")
    } catch {
        Fuzz.fail("a re-encoded record does not decode: \(error)")
    }
    for tensor in decoded.tensors {
        Fuzz.check(tensor.data.count == tensor.elementCount * tensor.dtype.itemSize, "tensor size")
    }
}

func checkSeekTable(_ bytes: [UInt8]) {
    let table: SeekTable
    do {
        table = try SeekTable.decode(fromEndOf: bytes)
    } catch {
        Fuzz.check([.invalidSeekTable, .truncated].contains(error.code), "SeekTable.decode threw \(error.code)")
        return
    }
    Fuzz.check(table.totalCompressedSize + table.encodedSize == bytes.count, "the seek table does not add up")
    let tail = Array(bytes[table.totalCompressedSize...])
    do {
        let again = try SeekTable.decode(fromEndOf: Array(bytes[..<table.totalCompressedSize]) + table.encoded())
        Fuzz.check(again.entries.count == table.entries.count, "re-encoded seek table")
        Fuzz.check(again.entries.map(\.compressedSize) == table.entries.map(\.compressedSize), "sizes changed")
        // Re-encoding keeps everything but the descriptor's unused low bits (and its checksum bit when there
        // are no entries).
        var expected = tail
        expected[expected.count - 5] &= table.hasChecksums ? 0x80 : 0
        Fuzz.check(table.encoded() == expected, "the seek table re-encodes differently")
    } catch {
        Fuzz.fail("a re-encoded seek table does not decode: \(error)")
    }
}

/// Reads every record of the file at `path` with ShardReader; returns them when all read.
@discardableResult
func readShard(_ path: String) -> [[UInt8]]? {
    let reader: ShardReader
    do {
        reader = try ShardReader(path: path)
    } catch {
        Fuzz.check(
            [.truncated, .invalidSeekTable].contains(error.code), "ShardReader(path:) threw \(error.code): \(error)")
        return nil
    }
    var records: [[UInt8]] = []
    for index in 0..<min(reader.recordCount, maximumRecords) {
        do {
            let record = try reader.record(at: index)
            checkRecord(record)
            records.append(record)
        } catch {
            Fuzz.check(
                [.corruptFrame, .tooLarge, .truncated].contains(error.code),
                "ShardReader.record(at:) threw \(error.code): \(error)")
            return nil
        }
    }
    return records
}

/// Reads every record of the file at `path` as a stream; returns them when the stream ends cleanly.
@discardableResult
func readStream(_ path: String) -> [[UInt8]]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { Fuzz.fail("cannot open \(path)") }
    defer { close(fd) }
    let reader = StreamFrameReader(fileDescriptor: fd, name: path)
    var records: [[UInt8]] = []
    while records.count < maximumRecords {
        do {
            guard let record = try reader.nextRecord() else { return records }
            checkRecord(record)
            records.append(record)
        } catch {
            Fuzz.check(
                [.corruptFrame, .tooLarge, .truncated].contains(error.code),
                "StreamFrameReader.nextRecord() threw \(error.code): \(error)")
            return nil
        }
    }
    return records
}

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShards(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(data, count)
    checkRecord(input)
    checkSeekTable(input)
    shardFile.with(input) { path in
        readShard(path)
        readStream(path)
    }

    // The input as the one record of a well-formed shard.
    var shard: [UInt8]
    do {
        shard = try compressor.compressFrame(input)
        var table = SeekTable()
        try table.append(compressedSize: shard.count, decompressedSize: input.count)
        shard += table.encoded()
    } catch {
        Fuzz.fail("cannot build a shard: \(error)")
    }
    shardFile.with(shard) { path in
        Fuzz.check(readShard(path) == [input], "ShardReader does not return the record it was given")
        Fuzz.check(readStream(path) == [input], "StreamFrameReader does not return the record it was given")
    }
    return 0
}

Fuzz.main(fuzzShards)
