import Foundation
import MLMCore
import MLMTestSupport
import Testing

@testable import MLMReaders

/// Inputs taken literally: names, the same file twice, files that change while read, byte-order marks in JSON Lines.
@Suite struct InputSafetyTests {
    @Test func anExistingNameIsNeverAPattern() throws {
        let directory = TemporaryDirectory()
        for name in ["a[1].txt", "a1.txt", "b*.txt", "bx.txt", "c2.txt", "c1.txt"] { directory.write(name, "x\n") }
        #expect(try InputPaths.expand([directory.file("a[1].txt")]) == [directory.file("a[1].txt")])
        #expect(try InputPaths.expand([directory.file("b*.txt")]) == [directory.file("b*.txt")])
        // A name that is no file is a pattern, its matches sorted; `-` stays.
        #expect(try InputPaths.expand([directory.file("c?.txt"), "-"]) == [directory.file("c1.txt"), directory.file("c2.txt"), "-"])
        // A name without pattern characters is kept for the open to report.
        #expect(try InputPaths.expand([directory.file("missing.txt")]) == [directory.file("missing.txt")])
        do {
            _ = try InputPaths.expand([directory.file("z[0-9].txt")])
            Issue.record("a pattern that matches nothing was accepted")
        } catch {
            #expect(error.code == .noMatch)
            #expect(error.description.contains("z[0-9].txt") && error.description.contains("matches no file"))
        }
    }

    @Test func theSameFileUnderTwoNamesIsFound() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("corpus.txt", "text\n")
        let other = directory.write("other.txt", "text\n")
        try FileManager.default.createSymbolicLink(atPath: directory.file("link.txt"), withDestinationPath: file)
        try FileManager.default.linkItem(atPath: file, toPath: directory.file("hard.txt"))
        #expect(InputPaths.sameFile(in: [file, other]) == nil)
        #expect(InputPaths.sameFile(in: [other, file, other])! == (other, other))
        #expect(InputPaths.sameFile(in: [file, directory.file("link.txt")])! == (file, directory.file("link.txt")))
        #expect(InputPaths.sameFile(in: [directory.file("hard.txt"), other, file])! == (directory.file("hard.txt"), file))
        #expect(InputPaths.sameFile(in: [file, directory.path + "/./corpus.txt"]) != nil)
        #expect(InputPaths.sameFile(in: ["-", "-"])! == ("-", "-"))
        // Names that cannot be examined are left to the open that reports them.
        #expect(InputPaths.sameFile(in: [directory.file("nope"), directory.file("nope")]) == nil)
        #expect(InputPaths.sameFileMessage("a", "a").contains("'a' is given twice"))
        #expect(InputPaths.sameFileMessage("a", "b").contains("'a' and 'b' are the same file"))
    }

    /// Reads `path` 4 KiB at a time, calling `change` after the first read; returns the error or the bytes read.
    private func readChanging(_ path: String, _ change: () throws -> Void) throws -> Result<Int, ReaderError> {
        let source = try ByteSource(path: path, chunkSize: 4096)
        var buffer: [UInt8] = []
        do {
            _ = try source.read(appendingTo: &buffer)
            try change()
            while try source.read(appendingTo: &buffer) {}
            return .success(buffer.count)
        } catch let error as ReaderError {
            return .failure(error)
        }
    }

    @Test(arguments: ["shrink", "empty", "grow", "rewrite"])
    func aFileThatChangesWhileReadIsAnError(change: String) throws {
        let directory = TemporaryDirectory()
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 10)
        let path = directory.write("input.txt", bytes)
        let outcome = try readChanging(path) {
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            defer { try? handle.close() }
            switch change {
            case "shrink": try handle.truncate(atOffset: 10_000)
            case "empty": try handle.truncate(atOffset: 0)
            case "grow":
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("more\n".utf8))
            default:
                // Same size, new bytes and a later modification time.
                usleep(20_000)
                try handle.seek(toOffset: 60_000)
                try handle.write(contentsOf: Data("b".utf8))
            }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("a file that changed while read was read to its end: \(outcome)")
            return
        }
        #expect(error.code == .changedWhileRead)
        #expect(error.location.file == path)
        let word = ["shrink": "shrank", "empty": "shrank", "grow": "grew", "rewrite": "changed"][change] ?? ""
        #expect(error.message.contains("the file \(word) while it was read"), "\(error)")
        let offset = ["shrink": 10000, "empty": 4096, "grow": 65536 + 5, "rewrite": 65536][change] ?? -1
        #expect(error.location.byteOffset == offset, "\(error)")
    }

    @Test func anUnchangedFileAndAPipeReadToTheirEnd() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("input.txt", [UInt8](repeating: 0x41, count: 10_000))
        #expect(try readChanging(path) {}.get() == 10_000)
        // Standard input that is a pipe has no size to compare: read as it comes.
        #expect(OpenedFileState(descriptor: try pipeReadEnd()) == nil)
    }

    private func pipeReadEnd() throws -> Int32 {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[1])
        return fds[0]
    }

    @Test func aByteOrderMarkBeforeAJSONRecordIsNotPartOfIt() throws {
        let directory = TemporaryDirectory()
        let records = #"{"text": "one"}"# + "\n" + #"{"text": "two"}"# + "\n"
        let plain = directory.write("plain.jsonl", records + records)
        let marked = directory.write("marked.jsonl", [0xEF, 0xBB, 0xBF] + Array(records.utf8) + [0xEF, 0xBB, 0xBF] + Array(records.utf8))
        #expect(try readAll([marked]).documents == readAll([plain]).documents)
        #expect(try readAll([marked]).documents.count == 4)
        let broken = directory.write("broken.jsonl", [0xEF, 0xBB, 0xBF] + Array(#"{"text": oops}"#.utf8) + [0x0A])
        var options = ReaderOptions()
        options.badRecords = .skip
        let result = try readAll([broken], options)
        #expect(result.counts.documentsSkipped == [.malformedJSON: 1])
        #expect(result.reports.first?.location.byteOffset == 12)
        // Only a whole mark counts: two of its bytes are malformed JSON.
        let partial = directory.write("partial.jsonl", [0xEF, 0xBB] + Array(#"{"text": "x"}"#.utf8) + [0x0A])
        #expect(try readAll([partial], options).counts.documentsSkipped == [.malformedJSON: 1])
    }
}
