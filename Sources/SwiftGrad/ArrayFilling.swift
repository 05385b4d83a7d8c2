extension Array {
    /// `count` copies of `value`. The same as `Array(repeating:count:)`, but allocated through
    /// code the compiler specialises for `Element`: the standard initializer looks up generic
    /// metadata at run time on every call, which is measurable on the per-op path.
    @inline(__always)
    static func filled(_ value: Element, count: Int) -> [Element] {
        var array: [Element] = []
        array.reserveCapacity(count)
        for _ in 0..<count { array.append(value) }
        return array
    }
}
