#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLMCore

extension SHA256 {
    /// Hashes a whole file, reading it in 1 MiB pieces.
    ///
    /// ```swift
    /// let (size, digest) = try SHA256.hashFile("out/shard-00000.mlmb.zst")
    /// ```
    /// - Parameter path: The file.
    /// - Returns: The file's size in bytes and its digest.
    /// - Throws: ``SystemError`` naming the file.
    /// - Complexity: O(n) in the file's size; memory is one buffer.
    public static func hashFile(_ path: String) throws(SystemError) -> (size: Int, digest: Digest) {
        let fd = try FileDescriptor.open(path, O_RDONLY)
        defer { try? fd.close(path: path) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size = 0
        while true {
            let count = try buffer.withUnsafeMutableBytesThrowing { raw throws(SystemError) in try fd.read(into: raw, path: path) }
            if count == 0 { break }
            size += count
            buffer.withUnsafeBytes { raw in hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
        }
        return (size, hasher.finalize())
    }
}
