import MLMCore

extension RunCounts {
    /// Reads counts written by ``json`` (a manifest's or a journal's); fields it lacks count 0.
    /// - Parameter json: The counts object.
    /// - Returns: nil when `json` is not an object or names an unknown skip reason.
    init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        self.init()
        func count(_ key: String) -> Int { json[key]?.intValue ?? 0 }
        files = count("files")
        bytesRead = count("bytes_read")
        lines = count("lines")
        documentsRead = count("documents_read")
        documentsWritten = count("documents_written")
        for (key, value) in json["documents_skipped"]?.objectValue ?? [] {
            guard let reason = SkipReason(rawValue: key), let number = value.intValue else { return nil }
            documentsSkipped[reason] = number
        }
        sentences = count("sentences")
        words = count("words")
        tokens = count("tokens")
        unknownTokens = count("unknown_tokens")
        invalidUTF8Sequences = count("invalid_utf8_sequences")
        nulBytes = count("nul_bytes")
        records = count("records")
    }
}
