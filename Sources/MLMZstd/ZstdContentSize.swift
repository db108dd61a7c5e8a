#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZstd

/// The decompressed size of a whole zstd file, from its frame headers, without decompressing it.
public enum ZstdContentSize {
    /// The sum of the content sizes every frame of `bytes` announces (skippable frames count 0).
    /// - Parameter bytes: A complete zstd stream: frames back to back.
    /// - Returns: The decompressed size, or nil when a frame does not state its size (streamed output, `zstd -`).
    /// - Throws: ``ZstdError`` when a frame is damaged or the stream ends inside one.
    public static func total(of bytes: UnsafeRawBufferPointer) throws(ZstdError) -> Int? {
        var offset = 0
        var total = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let frame = try ZstdFrameDecoder.frameSize(of: rest)
            if rest.count >= 4 {
                let magic = rest.loadUnaligned(as: UInt32.self).littleEndian
                if magic & 0xFFFF_FFF0 == ZstdMagic.skippableFrameBase {
                    offset += frame
                    continue
                }
            }
            let size = ZSTD_getFrameContentSize(rest.baseAddress, rest.count)
            if size == czstd_contentsize_unknown() { return nil }
            guard size != czstd_contentsize_error(), let count = Int(exactly: size) else {
                throw ZstdError(message: "a zstd frame header at compressed byte \(offset) is damaged")
            }
            total += count
            offset += frame
        }
        return total
    }

    /// The decompressed size of the zstd file at `path`, read through a memory map (only the frame and block
    /// headers are touched).
    /// - Parameter path: A zstd file.
    /// - Returns: The size, or nil when a frame does not state it.
    /// - Throws: ``ZstdError`` when the file cannot be mapped or a frame is damaged.
    public static func total(ofFileAt path: String) throws(ZstdError) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ZstdError(message: "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ZstdError(message: "cannot read its size (\(String(cString: strerror(errno))))")
        }
        let length = Int(status.st_size)
        if length == 0 { return 0 }
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw ZstdError(message: "cannot map the file (\(String(cString: strerror(errno))))")
        }
        defer { munmap(base, length) }
        return try total(of: UnsafeRawBufferPointer(start: base, count: length))
    }
}
