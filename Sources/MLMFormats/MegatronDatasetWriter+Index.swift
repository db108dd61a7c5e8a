import Foundation
import MLMShards

extension MegatronDatasetWriter {
    /// Streams a temporary file into `.idx`: as is, or (`pointers` = item size) the int32 lengths it holds turned
    /// into int64 byte offsets, the running sum of `length × itemsize` starting at 0.
    func copy(_ path: String, into idx: BufferedFileWriter, pointers itemSize: Int?) throws(ShardError) {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw ShardError(.io, "cannot reopen a temporary file", path: path)
        }
        defer { try? input.close() }
        var pointer: Int64 = 0
        while true {
            let chunk: Data
            do {
                chunk = try input.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw ShardError(.io, "cannot read a temporary file: \(error.localizedDescription)", path: path)
            }
            if chunk.isEmpty { return }
            let bytes = [UInt8](chunk)
            guard let itemSize else {
                try idx.append(bytes)
                continue
            }
            for offset in stride(from: 0, to: bytes.count, by: 4) {
                try idx.appendLittleEndian(pointer)
                let length = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int32.self).littleEndian }
                pointer += Int64(length) * Int64(itemSize)
            }
        }
    }

    /// Renames a finished file into place.
    func rename(_ source: String, to destination: String) throws(ShardError) {
        if Foundation.rename(source, destination) != 0 {
            throw ShardError(.io, "cannot rename \(source) into place: \(String(cString: strerror(errno)))", path: destination)
        }
    }
}
