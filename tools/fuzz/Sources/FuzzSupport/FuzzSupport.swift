#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLibFuzzer
import MLMTokenizer

/// Helpers shared by the harnesses: invariant checks that end the run (so libFuzzer keeps the input), a
/// scratch file for APIs that read paths, and a small vocabulary.
public enum Fuzz {
    /// Stops the process with a message when an invariant does not hold; libFuzzer saves the input as a crash.
    /// - Parameters:
    ///   - condition: The invariant.
    ///   - message: What went wrong (evaluated only on failure).
    public static func check(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    /// Stops the process with a message.
    public static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        let text = Array("FUZZ INVARIANT FAILED at \(file):\(line): \(message)\n".utf8)
        _ = text.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        abort()
    }

    /// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus directories, crash files) and
    /// exits with its status. SwiftPM gives every executable its own `main`, so the harnesses call libFuzzer's
    /// driver instead of relying on the `main` that `-sanitize=fuzzer` links.
    /// - Parameter testOneInput: Called with every input; returns 0.
    public static func main(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// The bytes of a fuzz input.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let data, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }
}

/// A file that holds the current input, for APIs that take a path; removed after each use.
public struct ScratchFile: Sendable {
    /// The file's path.
    public let path: String

    /// Names a scratch file for this process.
    /// - Parameter suffix: The file name's ending (`.txt`, `.jsonl`, `.mlmb.zst`).
    public init(suffix: String) {
        var directory = "/dev/shm"
        var info = stat()
        if stat(directory, &info) != 0 { directory = "/tmp" }
        path = "\(directory)/mlmprep-fuzz-\(getpid())-\(suffix.filter { $0.isLetter || $0.isNumber })\(suffix)"
    }

    /// Writes `bytes` as the whole file, calls `body` with the path, then removes the file.
    public func with<T>(_ bytes: [UInt8], _ body: (String) throws -> T) rethrows -> T {
        write(bytes)
        defer { unlink(path) }
        return try body(path)
    }

    /// Removes the file.
    public func remove() { unlink(path) }

    /// Writes `bytes` as the whole file.
    public func write(_ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { Fuzz.fail("cannot create \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count <= 0 { Fuzz.fail("cannot write \(path)") }
            written += count
        }
        close(fd)
    }
}

/// A small WordPiece vocabulary with ASCII and multi-byte tokens, continuation pieces and the special tokens.
public enum FuzzVocabulary {
    /// The tokens, in id order.
    public static let tokens: [String] = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "a", "b", "c", "e", "i", "n", "o", "s", "t", "the", "an", "and", "un", "##a", "##b", "##e", "##s", "##n",
        "##t", "##ing", "##ed", "caf", "##é", "café", "cafe", "é", "e\u{301}", "ü", "ß", "ss", "##ß", "straße",
        "东", "京", "東", "##京", "日本", "##本", "本", "σ", "ς", "##ς", "σας", "i\u{307}", "ı", "ﬁ", "fi",
        "😀", "##😀", "👍🏽", "\u{1F3FD}", "ä", "##ä", "naïve", "nai", "##ve", "\u{0627}\u{0644}", "##ل",
        "한", "##국", "ᄒ", "##ᅡ", "##ᆫ", ".", ",", "!", "?", "'", "-", "[", "]", "#", "(", ")", "\u{3002}",
        "1", "##1", "12", "##2", "x", "##x", "xx", "##xx", "\u{10FFFF}", "\u{FFFD}",
    ]

    /// The vocabulary built from ``tokens``.
    public static func make() -> Vocabulary {
        do {
            return try Vocabulary(tokens: tokens)
        } catch {
            Fuzz.fail("the fuzz vocabulary is invalid: \(error)")
        }
    }
}
