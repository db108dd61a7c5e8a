/// UTF-8 text converted to UTF-16 for ICU, with the UTF-8 byte offset of every UTF-16 unit (and the end).
///
/// Invalid UTF-8 becomes one U+FFFD per bad byte, so boundaries still map back onto the original bytes.
struct UTF16Text {
    /// The UTF-16 units.
    var units: [UInt16] = []
    /// `byteOffsets[i]` is the UTF-8 offset of unit i; the last element is the text's length.
    var byteOffsets: [Int] = []

    /// Converts `text`, reusing the buffers.
    mutating func convert(_ text: UnsafeBufferPointer<UInt8>) {
        units.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        var index = 0
        while index < text.count {
            let start = index
            var decoder = UTF8()
            var iterator = text[index...].makeIterator()
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                index += scalar.utf8.count
                for unit in scalar.utf16 {
                    units.append(unit)
                    byteOffsets.append(start)
                }
            default:
                index += 1
                units.append(0xFFFD)
                byteOffsets.append(start)
            }
        }
        byteOffsets.append(text.count)
    }
}
