/// The vocabulary being built: tokens by id and ids by token (`id_to_word` / `word_to_id` in `tokenizers`).
struct TokenList {
    /// Every token's UTF-8 bytes, by id.
    private(set) var tokens: [[UInt8]] = []
    private var ids: [[UInt8]: UInt32] = [:]

    /// The number of tokens.
    var count: Int { tokens.count }

    /// The id of a token, if present.
    func id(of token: [UInt8]) -> UInt32? { ids[token] }

    /// The id of a token, adding it at the end when it is new.
    @discardableResult
    mutating func add(_ token: [UInt8]) -> UInt32 {
        if let id = ids[token] { return id }
        let id = UInt32(tokens.count)
        tokens.append(token)
        ids[token] = id
        return id
    }

    /// The token with an id.
    subscript(id: UInt32) -> [UInt8] { tokens[Int(id)] }
}
