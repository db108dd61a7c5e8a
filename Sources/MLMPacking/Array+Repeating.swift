extension Array {
    /// Appends `count` copies of `element` without building a temporary collection.
    @inline(__always)
    mutating func append(repeating element: Element, count: Int) {
        guard count > 0 else { return }
        append(contentsOf: repeatElement(element, count: count))
    }
}
