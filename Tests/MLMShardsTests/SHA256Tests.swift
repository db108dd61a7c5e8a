import MLMCore
import MLMShards
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hexDigest == digest)
    }

    @Test func millionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hexDigest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingEqualsOneShotAtEverySplit() {
        var generator = TestBytes(seed: 1)
        let message = generator.bytes(300)
        let expected = SHA256.hash(message)
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 200, 300] {
            var hasher = SHA256()
            hasher.update(Array(message[..<split]))
            hasher.update(Array(message[split...]))
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        // Lengths around the padding boundary.
        for length in 54...66 {
            var one = SHA256()
            one.update(Array(message[..<length]))
            var bytewise = SHA256()
            for byte in message[..<length] { bytewise.update([byte]) }
            #expect(one.finalize() == bytewise.finalize(), "length \(length)")
        }
    }

    @Test func matchesPythonHashlibOnOneMegabyte() throws {
        guard let python = referencePython() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = TestBytes(seed: 42)
        let data = generator.bytes(1 << 20)
        let path = directory.file("random.bin")
        try writeBytes(data, to: path)
        let script = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest(), end='')"
        let output = try runPython(python, script, [path])
        #expect(output == SHA256.hash(data).hexDigest)
        #expect(output.count == 64)
    }
}

@Suite struct SHA256AccelerationTests {
    @Test func hardwareAndPortablePathsAgree() {
        var random = CounterRandom(seed: 99, index: 0)
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4096, 100_003] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var fast = SHA256(hardwareAcceleration: true)
            var portable = SHA256(hardwareAcceleration: false)
            // Feed in uneven pieces so that both the buffered and the whole-block paths run.
            var offset = 0
            var piece = 1
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                fast.update(Array(bytes[offset..<end]))
                portable.update(Array(bytes[offset..<end]))
                offset = end
                piece = piece * 3 + 7
            }
            #expect(fast.finalize().hexDigest == portable.finalize().hexDigest, "length \(length)")
        }
    }
}

