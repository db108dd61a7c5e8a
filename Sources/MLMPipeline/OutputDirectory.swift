import Foundation
import MLMShards
import MLMTokenizer

/// Prepares output directories: refuses to mix a new run with an old one unless told to replace it.
enum OutputDirectory {
    /// File names a run of mlmprep may have left in a directory (and that `--overwrite` removes).
    static func isOurs(_ name: String) -> Bool {
        name == "manifest.json" || name == "vocab.txt" || name.hasSuffix(".mlmb.zst") || name.hasSuffix(".tmp")
            || name.hasPrefix(".manifest")
    }

    /// Creates `path`, or checks that it holds no earlier run.
    /// - Parameters:
    ///   - path: The output directory.
    ///   - overwrite: Remove an earlier run's files first.
    /// - Throws: ``ShardError`` when the directory holds a run and `overwrite` is false, or cannot be made.
    static func prepare(_ path: String, overwrite: Bool) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ShardError(.io, "the output \(path) exists and is not a directory; choose another -o", path: path)
            }
            let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            let ours = names.filter(isOurs)
            if !ours.isEmpty {
                guard overwrite else {
                    let what = names.contains("manifest.json") ? "a finished run" : "an unfinished run"
                    throw ShardError(
                        .io,
                        "the output directory \(path) already holds \(what); pass --overwrite to replace it "
                            + "or choose another -o",
                        path: path)
                }
                for name in ours { try? manager.removeItem(atPath: (path as NSString).appendingPathComponent(name)) }
            }
        } else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ShardError(.io, "cannot create the output directory \(path): \(error.localizedDescription)", path: path)
            }
        }
    }

    /// Writes the store's copy of the vocabulary, so later commands need only the store.
    static func writeVocabulary(_ vocabulary: Vocabulary, to directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("vocab.txt")
        do {
            try Data(vocabulary.vocabText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ShardError(.io, "cannot write \(path): \(error.localizedDescription)", path: path)
        }
    }
}
