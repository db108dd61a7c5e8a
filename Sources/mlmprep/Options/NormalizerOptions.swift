import ArgumentParser
import MLMTokenizer

/// The BERT normalizer flags on their own (for commands that build a vocabulary rather than read one).
struct NormalizerOptions: ParsableArguments {
    @Flag(help: "Keep case (BERT cased models). Default: lower-case, as bert-base-uncased.")
    var cased = false

    @Option(
        help: ArgumentHelp(
            "Strip accents (NFD, drop non-spacing marks): true or false. Default: as lower-casing.",
            valueName: "bool"))
    var stripAccents: Bool?

    @Flag(inversion: .prefixedNo, help: "Drop control characters and map white space to spaces.")
    var cleanText = true

    @Flag(inversion: .prefixedNo, help: "Isolate CJK ideographs as words.")
    var chineseChars = true

    /// The normalizer settings.
    var options: BertNormalizerOptions {
        BertNormalizerOptions(
            cleanText: cleanText, handleChineseChars: chineseChars, stripAccents: stripAccents, lowercase: !cased)
    }
}
