import MLMSystem

/// Buffered writes of text to standard output; a closed pipe ends the command quietly (exit 0).
struct StandardOutput {
    private var buffer: [UInt8] = []

    /// Appends text, flushing when the buffer is large.
    /// - Throws: ``CommandFailure/pipeClosed`` when the reader went away, ``CommandFailure`` for other errors.
    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes everything buffered.
    /// - Throws: As ``write(_:)``.
    mutating func flush() throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        do {
            try FileDescriptor.standardOutput.writeAll(buffer, path: "standard output")
        } catch {
            if error.isBrokenPipe { throw CommandFailure.pipeClosed }
            throw CommandFailure.input("\(error)")
        }
    }
}
