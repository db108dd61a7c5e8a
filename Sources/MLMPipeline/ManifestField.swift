import MLMCore
import MLMShards

/// Reads fields of a manifest by dotted name (`counts.tokens`), failing with a message that names the file and
/// the field.
struct ManifestField {
    /// The manifest.
    let manifest: JSONValue
    /// Its path, for messages.
    let path: String
    /// The advice to write the directory again (``ManifestCheck/Kind/rerun``).
    let rerun: String

    /// The value at a dotted name, or nil.
    func value(_ name: String) -> JSONValue? {
        var value: JSONValue? = manifest
        for part in name.split(separator: ".") { value = value?[String(part)] }
        return value
    }

    /// A non-negative integer field.
    /// - Throws: ``MLMShards/ShardError`` (`invalidJSON`) when it is missing or not one.
    func int(_ name: String) throws(ShardError) -> Int {
        guard let value = value(name)?.intValue, value >= 0 else {
            throw ShardError(
                .invalidJSON,
                "\(name) is \(value(name)?.compactPrinted() ?? "missing"), expected a count (an integer ≥ 0); "
                    + "the manifest was edited: restore it or \(rerun)", path: path)
        }
        return value
    }

    /// A string field.
    /// - Throws: ``MLMShards/ShardError`` (`invalidJSON`) when it is missing or not a string.
    func string(_ name: String) throws(ShardError) -> String {
        guard let value = value(name)?.stringValue else {
            throw ShardError(
                .invalidJSON,
                "\(name) is \(value(name)?.compactPrinted() ?? "missing"), expected a string; the manifest was "
                    + "edited: restore it or \(rerun)", path: path)
        }
        return value
    }

    /// Checks that an integer field equals what the directory holds.
    /// - Parameters:
    ///   - name: The field.
    ///   - found: What was counted.
    ///   - what: Where `found` comes from, for the message ("the shards' records").
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument`) naming the field, expected and found values.
    func expect(_ name: String, equals found: Int, _ what: String) throws(ShardError) {
        let recorded = try int(name)
        guard recorded == found else {
            throw ShardError(
                .invalidArgument,
                "\(name) is \(recorded), but \(what) add up to \(found); the manifest was edited or the directory "
                    + "mixes two runs: restore it or \(rerun)", path: path)
        }
    }
}
