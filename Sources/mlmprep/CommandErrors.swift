import ArgumentParser
import MLMOrder
import MLMPMI
import MLMPipeline
import MLMReaders
import MLMShards
import MLMSystem
import MLMTokenizer

/// How a command ends early: a one-line message and an exit status, thrown and printed once by ``MLMPrep/main()``.
///
/// Helpers throw it instead of calling `exit()`, so cleanup (`defer`) runs and tests can call them.
struct CommandFailure: Error, CustomStringConvertible {
    /// The line printed after `mlmprep: error: ` (nil: end quietly, as when the reader of a pipe goes away).
    var message: String?
    /// The exit status: 1 bad input or I/O, 2 bad usage, 0 for a closed pipe.
    var status: Int32

    /// Bad input or an I/O error (exit 1).
    static func input(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 1) }
    /// Bad usage (exit 2).
    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 2) }
    /// The reader of standard output went away: end quietly with status 0.
    static let pipeClosed = CommandFailure(message: nil, status: 0)

    var description: String { message ?? "" }

    /// Prints the message (one line) on standard error.
    func print() {
        guard let message else { return }
        let line = "mlmprep: error: " + String(message.map { $0 == "\n" ? " " : $0 }) + "\n"
        try? FileDescriptor.standardError.writeAll(Array(line.utf8), path: "standard error")
    }
}

/// Turns library errors into ``CommandFailure``s: exit 1 (bad input or I/O), or 2 for a setting that could only be
/// checked once the files were read.
enum CommandErrors {
    /// Runs `body`; known errors become a ``CommandFailure``.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as AliasingError {
            throw CommandFailure.usage("\(error)")
        } catch let error as PMIError where error.code == .invalidSetting {
            // A setting that could only be checked once the files were read is still bad usage: exit 2.
            throw CommandFailure.usage("\(error)")
        } catch let error as OrderError {
            // A training-order setting that does not fit the run (a step past its end) is bad usage: exit 2.
            throw CommandFailure.usage("\(error)")
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure.input("\(error)")
        }
    }
}
