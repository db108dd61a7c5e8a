import MLMCore

extension SkipReport {
    /// The report as a journal stores it: `{"file", "line", "byte", "reason" (or null), "detail"}`.
    var json: JSONValue {
        .object([
            ("file", .string(location.file)), ("line", .int(location.line)), ("byte", .int(location.byteOffset)),
            ("reason", reason.map { .string($0.rawValue) } ?? .null), ("detail", .string(detail)),
        ])
    }

    /// Reads a report written by ``json``.
    /// - Parameter json: The report object.
    /// - Returns: nil when a field is missing or the reason is unknown.
    init?(json: JSONValue) {
        guard let file = json["file"]?.stringValue, let line = json["line"]?.intValue,
            let byte = json["byte"]?.intValue, let detail = json["detail"]?.stringValue, let reason = json["reason"]
        else { return nil }
        var skipReason: SkipReason?
        if let name = reason.stringValue {
            guard let known = SkipReason(rawValue: name) else { return nil }
            skipReason = known
        }
        self.init(location: InputLocation(file: file, line: line, byteOffset: byte), reason: skipReason, detail: detail)
    }
}
