import MLMFormats
import Testing

@testable import MLMFormats

/// Known digests, as Python's `hashlib.sha1(…).hexdigest()` and `xxhash.xxh64(…).hexdigest()` print them.
@Suite struct HashTests {
    static let inputs: [(bytes: [UInt8], sha1: String, xxh64: String)] = [
        ([], "da39a3ee5e6b4b0d3255bfef95601890afd80709", "ef46db3751d8e999"),
        (Array("a".utf8), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", "d24ec4f1a98c6e5b"),
        (Array("abc".utf8), "a9993e364706816aba3e25717850c26c9cd0d89d", "44bc2cf5ad770999"),
        (
            Array("Nobody inspects the spammish repetition".utf8), "531b07a0f5b66477a21742d2827176264f4bbfe2",
            "fbcea83c8a378bf1"
        ),
        (
            (0..<3).flatMap { _ in (0...255).map { UInt8($0) } } + Array("xyz".utf8),
            "8551177c6ad04c4af9e64d3ed549cf4bb92dc097", "e921a1b45bd779f8"
        ),
    ]

    @Test(arguments: 0..<inputs.count) func digests(_ index: Int) {
        let input = Self.inputs[index]
        #expect(SHA1.hexDigest(input.bytes) == input.sha1)
        #expect(XXH64.hexDigest(input.bytes) == input.xxh64)
        #expect(MDSHashAlgorithm.sha1.hexDigest(input.bytes) == input.sha1)
        #expect(MDSHashAlgorithm.xxh64.hexDigest(input.bytes) == input.xxh64)
    }

    @Test func sha1OfAMillionAs() {
        #expect(SHA1.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func hashListsAreSortedAndChecked() throws {
        #expect(try MDSHashAlgorithm.parseList("xxh64, sha1,xxh64") == [.sha1, .xxh64])
        #expect(try MDSHashAlgorithm.parseList("") == [])
        #expect(throws: (any Error).self) { try MDSHashAlgorithm.parseList("sha1,md4") }
    }
}
