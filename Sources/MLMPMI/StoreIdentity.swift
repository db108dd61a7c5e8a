import MLMCore

/// What a PMI table or count file records about the store it was counted from, so that files from different
/// stores or vocabularies are never mixed.
public struct StoreIdentity: Sendable, Equatable {
    /// sha256 of the store's `manifest.json` (it lists every shard's sha256, so it names the corpus).
    public var manifestSHA256: String
    /// sha256 of the store's `vocab.txt`.
    public var vocabularySHA256: String
    /// Documents in the store.
    public var documents: Int
    /// Tokens in the store.
    public var tokens: Int
    /// Records in the store (slices are taken over records).
    public var records: Int

    /// Creates an identity.
    public init(manifestSHA256: String, vocabularySHA256: String, documents: Int, tokens: Int, records: Int) {
        self.manifestSHA256 = manifestSHA256
        self.vocabularySHA256 = vocabularySHA256
        self.documents = documents
        self.tokens = tokens
        self.records = records
    }

    /// The identity's header members.
    var jsonMembers: [(key: String, value: JSONValue)] {
        [
            ("store_manifest_sha256", .string(manifestSHA256)),
            ("vocab_sha256", .string(vocabularySHA256)),
            ("store_documents", .int(documents)),
            ("store_tokens", .int(tokens)),
            ("store_records", .int(records)),
        ]
    }

    /// Reads the members back from a header.
    init(header: JSONValue, path: String) throws(PMIError) {
        guard let manifest = header["store_manifest_sha256"]?.stringValue,
            let vocabulary = header["vocab_sha256"]?.stringValue,
            let documents = header["store_documents"]?.intValue,
            let tokens = header["store_tokens"]?.intValue,
            let records = header["store_records"]?.intValue
        else {
            throw PMIError(.invalidFile, "the header does not name its store; the file is damaged: count again", path: path)
        }
        self.init(
            manifestSHA256: manifest, vocabularySHA256: vocabulary, documents: documents, tokens: tokens,
            records: records)
    }
}
