/// Positions ordered by unsigned 64-bit keys: a least-significant-digit radix sort, a byte per
/// pass, over only the bytes in which the keys differ. It is stable (equal keys keep their
/// positions' order). The scratch space is the sorter's, reused from one call to the next, so a
/// thread sorting many lanes allocates once; a sorter belongs to one thread at a time.
final class RadixSorter {
    private let capacity: Int
    /// Where the caller writes the keys of the next `sort` (`keys[i]` for position i; best
    /// through a local copy of the pointer, see `sort`).
    private(set) var keys: UnsafeMutablePointer<UInt64>
    private var spareKeys: UnsafeMutablePointer<UInt64>
    private var order: UnsafeMutablePointer<Int>, spareOrder: UnsafeMutablePointer<Int>
    private let starts = UnsafeMutablePointer<Int>.allocate(capacity: 256)

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        keys = .allocate(capacity: self.capacity)
        spareKeys = .allocate(capacity: self.capacity)
        order = .allocate(capacity: self.capacity)
        spareOrder = .allocate(capacity: self.capacity)
    }

    deinit {
        keys.deallocate()
        spareKeys.deallocate()
        order.deallocate()
        spareOrder.deallocate()
        starts.deallocate()
    }

    /// Orders positions 0..<n (n <= capacity) by `keys[0..<n]`: afterwards `keys` holds the keys
    /// in ascending order and the result the position each came from.
    func sort(_ n: Int) -> UnsafePointer<Int> {
        precondition(n <= capacity, "RadixSorter: more keys than room")
        // The buffers in locals for the loops (a class's stored property is checked for
        // exclusive access at every use: unique's 131,072 keys took 2.4 ms more so), and back.
        var keys = self.keys, spareKeys = self.spareKeys, order = self.order, spareOrder = self.spareOrder
        let starts = self.starts
        defer {
            self.keys = keys
            self.spareKeys = spareKeys
            self.order = order
            self.spareOrder = spareOrder
        }
        for i in 0..<n { order[i] = i }
        guard n > 1 else { return UnsafePointer(order) }
        // The bits that differ between keys: a byte without any needs no pass.
        var all = keys[0], any = keys[0]
        for i in 1..<n {
            all &= keys[i]
            any |= keys[i]
        }
        let differing = all ^ any
        var shift: UInt64 = 0
        while shift < 64 {
            defer { shift += 8 }
            if (differing >> shift) & 0xFF == 0 { continue }
            @inline(__always) func digit(_ i: Int) -> Int { Int(truncatingIfNeeded: keys[i] &>> shift) & 0xFF }
            starts.initialize(repeating: 0, count: 256)
            for i in 0..<n { starts[digit(i)] &+= 1 }
            var total = 0
            for d in 0..<256 {
                let c = starts[d]
                starts[d] = total
                total &+= c
            }
            for i in 0..<n {
                let d = digit(i), at = starts[d]
                starts[d] = at &+ 1
                spareKeys[at] = keys[i]
                spareOrder[at] = order[i]
            }
            swap(&keys, &spareKeys)
            swap(&order, &spareOrder)
        }
        return UnsafePointer(order)
    }
}

/// An element as a radix key: unsigned, in the order torch.sort puts elements (NaN, every NaN
/// alike, above +inf; -0.0 and 0.0 alike).
protocol RadixKeyed: Comparable {
    var radixKey: UInt64 { get }
}

extension Int64: RadixKeyed {
    @inline(__always) var radixKey: UInt64 { UInt64(bitPattern: self) ^ (1 << 63) }
}

extension Float: RadixKeyed {
    @inline(__always) var radixKey: UInt64 {
        if isNaN { return UInt64(UInt32.max) }
        let b = self == 0 ? 0 : bitPattern
        return UInt64(b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000)
    }
}

extension Double: RadixKeyed {
    @inline(__always) var radixKey: UInt64 {
        if isNaN { return UInt64.max }
        let b = self == 0 ? 0 : bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }
}
