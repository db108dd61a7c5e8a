import ArgumentParser
import MLMOrder
import MLMPMI
import MLMReaders
import MLMShards
import MLMTokenizer
#if canImport(Glibc)
import Glibc
#endif

/// Turns library errors into one line on standard error and exit code 1 (bad input or I/O).
enum CommandErrors {
    /// Runs `body`; known errors become `mlmprep: <message>` on stderr and exit 1.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ReaderError {
            fail("\(error)")
        } catch let error as TokenizerError {
            fail("\(error)")
        } catch let error as ShardError {
            fail("\(error)")
        } catch let error as PMIError where error.code == .invalidSetting {
            // A setting that could only be checked once the files were read is still bad usage: exit 2.
            var line = "mlmprep: error: \(error)\n"
            line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
            exit(2)
        } catch let error as OrderError {
            // A training-order setting that does not fit the run (a step past its end) is bad usage: exit 2.
            var line = "mlmprep: error: \(error)\n"
            line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
            exit(2)
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            fail("\(error)")
        }
    }

    /// Prints a one-line error and exits with status 1.
    static func fail(_ message: String) -> Never {
        var line = "mlmprep: error: " + message.replacingNewlines() + "\n"
        line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(self.map { $0 == "\n" ? " " : $0 })
    }
}
