import MLMCore
import MLMShards
import MLMTokenizer

/// Builds the `manifest.json` of a tokenized store (docs/design.md §3.3).
enum StoreManifest {
    /// The format name written into the manifest.
    static let format = "mlmprep.tokens"

    static func make(
        settings: TokenizeJobSettings, vocabulary: Vocabulary, tokenizer: TokenizerSettings, idType: TensorDType,
        counts: RunCounts, shards: [ShardSummary], reports: [SkipReport]
    ) -> JSONValue {
        let normalizer = tokenizer.normalizer
        let tokenizerObject: JSONValue = .object([
            ("model", "WordPiece"),
            ("vocab_file", "vocab.txt"),
            ("vocab_sha256", .string(SHA256.hash(Array(vocabulary.vocabText.utf8)).hexDigest)),
            ("vocab_size", .int(vocabulary.count)),
            ("unk_token", .string(vocabulary.unknownToken)),
            ("continuing_subword_prefix", .string(vocabulary.continuingPrefix)),
            ("special_tokens", .array(vocabulary.specialTokens.map { .string(String(decoding: $0.text, as: UTF8.self)) })),
            ("lowercase", .bool(normalizer.lowercase)),
            ("strip_accents", .bool(normalizer.stripsAccents)),
            ("clean_text", .bool(normalizer.cleanText)),
            ("handle_chinese_chars", .bool(normalizer.handleChineseChars)),
            ("max_input_chars_per_word", .int(tokenizer.maxInputCharsPerWord)),
        ])
        let reader = settings.reader
        let settingsObject: JSONValue = .object([
            ("inputs", .array(settings.inputs.map { .string($0) })),
            ("format", reader.format.map { .string($0.rawValue) } ?? "auto"),
            ("field", .string(reader.field)),
            ("doc_boundary", .string(reader.boundary.rawValue)),
            ("sentences", .string(settings.sentences.rawValue)),
            ("cjk_words", .string(settings.cjkWords.rawValue)),
            ("invalid_utf8", .string(settings.invalidUTF8.rawValue)),
            ("max_line_bytes", .int(reader.maxLineBytes)),
            ("max_document_bytes", .int(reader.maxDocumentBytes)),
            ("chunk_bytes", .int(reader.targetChunkBytes)),
            ("compression_level", .int(Int(settings.compressionLevel))),
            ("max_shard_bytes", .int(settings.maxShardBytes)),
        ])
        let fields: JSONValue = .object([
            ("ids", .object([("dtype", .string(idType.safetensorsName)), ("shape", ["tokens"])])),
            ("flags", .object([("dtype", "U8"), ("shape", ["tokens"]), ("bits", ["word_start", "sentence_start"])])),
            ("doc_offsets", .object([("dtype", "I64"), ("shape", ["documents+1"])])),
        ])
        return .object([
            ("format", .string(format)),
            ("format_version", 1),
            ("tool", .string("mlmprep \(MLMPipelineVersion.string)")),
            ("tokenizer", tokenizerObject),
            ("settings", settingsObject),
            ("fields", fields),
            ("counts", counts.json),
            ("skipped_examples", .array(reports.prefix(100).map { .string($0.description) })),
            ("shards", .array(shards.map(\.jsonValue))),
        ])
    }
}

/// The library's version, written into manifests.
public enum MLMPipelineVersion {
    /// The version string.
    public static let string = "0.1.0"
}

extension RunCounts {
    /// The counts as the manifest and `--stats-json` write them.
    public var json: JSONValue {
        .object([
            ("files", .int(files)),
            ("bytes_read", .int(bytesRead)),
            ("lines", .int(lines)),
            ("documents_read", .int(documentsRead)),
            ("documents_written", .int(documentsWritten)),
            ("documents_skipped", .object(documentsSkipped.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int($0.value)) })),
            ("documents_skipped_total", .int(documentsSkippedTotal)),
            ("sentences", .int(sentences)),
            ("words", .int(words)),
            ("tokens", .int(tokens)),
            ("unknown_tokens", .int(unknownTokens)),
            ("unknown_rate", .double(tokens > 0 ? Double(unknownTokens) / Double(tokens) : 0)),
            ("invalid_utf8_sequences", .int(invalidUTF8Sequences)),
            ("nul_bytes", .int(nulBytes)),
            ("records", .int(records)),
        ])
    }
}
