/// Walks an n-dimensional index space shared by several strided operands, one innermost row at a
/// time. Dimensions of size 1 are dropped and neighbouring dimensions that are contiguous for
/// every operand are merged first, so a contiguous tensor is one long row however many
/// dimensions it has, and the per-row bookkeeping is amortised over the row.
struct RowLoop {
    /// Sizes of the merged dimensions, outermost first; empty means a single element.
    private(set) var sizes: [Int] = []
    /// strides[d * operands + k] is operand k's stride along merged dimension d.
    private(set) var strides: [Int] = []
    let operands: Int

    /// - Parameters:
    ///   - shape: the iteration space (already validated).
    ///   - operandStrides: each operand's strides over `shape` (0 where it is broadcast).
    init(shape: [Int], operandStrides: [[Int]]) {
        operands = operandStrides.count
        sizes.reserveCapacity(shape.count)
        strides.reserveCapacity(shape.count * operands)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = sizes.last {
                // Merge d into the previous (outer) dimension when, for every operand, stepping
                // the outer dimension once equals stepping d across its whole extent.
                let base = (sizes.count - 1) * operands
                var mergeable = true
                for k in 0..<operands where strides[base + k] != operandStrides[k][d] &* shape[d] {
                    mergeable = false
                    break
                }
                if mergeable {
                    sizes[sizes.count - 1] = last &* shape[d]
                    for k in 0..<operands { strides[base + k] = operandStrides[k][d] }
                    continue
                }
            }
            sizes.append(shape[d])
            for k in 0..<operands { strides.append(operandStrides[k][d]) }
        }
    }

    /// Calls `body(count, offsets, steps)` for every innermost row: `offsets[k]` is operand k's
    /// element offset at the row's start and `steps[k]` its stride along the row.
    /// - Parameter starts: each operand's offset of element [0, ..., 0].
    @inline(__always)
    func forEachRow(starts: [Int], _ body: (Int, UnsafePointer<Int>, UnsafePointer<Int>) -> Void) {
        if sizes.contains(0) { return }
        var offsets = starts
        if sizes.isEmpty {
            let zeros = [Int].filled(0, count: operands)
            offsets.withUnsafeBufferPointer { o in
                zeros.withUnsafeBufferPointer { z in body(1, o.baseAddress!, z.baseAddress!) }
            }
            return
        }
        let inner = sizes.count - 1
        let rowCount = sizes[inner]
        strides.withUnsafeBufferPointer { st in
            let steps = st.baseAddress! + inner * operands
            var counter = [Int].filled(0, count: inner)
            offsets.withUnsafeMutableBufferPointer { off in
                while true {
                    body(rowCount, UnsafePointer(off.baseAddress!), steps)
                    // Advance the outer counter like an odometer.
                    var d = inner - 1
                    while d >= 0 {
                        counter[d] &+= 1
                        let row = st.baseAddress! + d * operands
                        if counter[d] < sizes[d] {
                            for k in 0..<operands { off[k] &+= row[k] }
                            break
                        }
                        for k in 0..<operands { off[k] &-= row[k] &* (sizes[d] &- 1) }
                        counter[d] = 0
                        d -= 1
                    }
                    if d < 0 { return }
                }
            }
        }
    }

    /// The same index space with its dimensions reordered so that operand 0's strides descend
    /// (stable; sizes of 1 go first): walked in operand 0's memory order, a transposed copy into
    /// a transposed tensor is one contiguous run instead of one cache miss per element. Only
    /// for loops whose elements are independent (elementwise updates).
    static func inMemoryOrder(shape: [Int], operandStrides: [[Int]]) -> RowLoop {
        let first = operandStrides[0]
        var ordered = true
        for d in 1..<Swift.max(shape.count, 1) where shape[d] != 1 && Swift.abs(first[d]) > Swift.abs(first[d - 1]) && shape[d - 1] != 1 {
            ordered = false
            break
        }
        if ordered { return RowLoop(shape: shape, operandStrides: operandStrides) }
        let order = shape.indices.sorted { a, b in
            let sa = shape[a] == 1 ? Int.max : Swift.abs(first[a]), sb = shape[b] == 1 ? Int.max : Swift.abs(first[b])
            return sa != sb ? sa > sb : a < b
        }
        return RowLoop(shape: order.map { shape[$0] }, operandStrides: operandStrides.map { s in order.map { s[$0] } })
    }

    /// The size of the outermost merged dimension (1 when the space is a single element).
    var outerCount: Int { sizes.first ?? 1 }

    /// Operand `k`'s stride along the outermost merged dimension (0 for a single element).
    func outerStride(_ k: Int) -> Int { sizes.isEmpty ? 0 : strides[k] }

    /// This loop restricted to the indices `range` of the outermost merged dimension, and each
    /// operand's start moved to the range's first index (for splitting a loop across threads).
    func slicingOuter(_ range: Range<Int>, starts: [Int]) -> (loop: RowLoop, starts: [Int]) {
        if sizes.isEmpty { return (self, starts) }
        var part = self
        part.sizes[0] = range.count
        return (part, (0..<operands).map { starts[$0] &+ range.lowerBound &* strides[$0] })
    }

    /// Calls `body(loop, starts)` once with this loop, or, when it covers enough `elements` to
    /// split (`Parallel.pieces`), on the library's threads with consecutive slices of its
    /// outermost dimension. Only for loops whose operand 0 is written and dense (a new tensor
    /// being filled), so that the pieces write apart; give 0 elements otherwise.
    func splittingOuter(elements: Int, starts: [Int], _ body: (RowLoop, [Int]) -> Void) {
        let outer = outerCount, pieces = Swift.min(Parallel.pieces(elements), outer)
        if pieces <= 1 { return body(self, starts) }
        Parallel.run(pieces) { k in
            let part = slicingOuter(outer * k / pieces ..< outer * (k + 1) / pieces, starts: starts)
            body(part.loop, part.starts)
        }
    }

    /// Whether operand `k` reads the innermost dimension with a larger stride than the one
    /// outside it (a transposed read), so that rows would miss the cache on every element. A
    /// row broadcast down the outer dimension (stride 0 there: `expand(...).contiguous()`) is
    /// read along rows and is not transposed.
    func prefersTiles(for k: Int) -> Bool {
        let d = sizes.count
        guard d >= 2, sizes[d - 1] >= 8, sizes[d - 2] >= 8 else { return false }
        let inner = abs(strides[(d - 1) * operands + k]), outer = abs(strides[(d - 2) * operands + k])
        return outer != 0 && inner > outer
    }

    /// Visits the index space in tiles of the innermost two dimensions: calls
    /// `body(rows, cols, offsets, rowSteps, colSteps)` per tile, where `offsets[k]` is operand
    /// k's offset of the tile's first element and its element (r, c) is at
    /// `offsets[k] + r * rowSteps[k] + c * colSteps[k]`. Within a tile every operand's cache
    /// lines are reused whichever dimension it is contiguous in. Tiles are 8 columns wide: an
    /// operand read down the columns touches 8 cache lines per row of the tile, and with a
    /// power-of-two stride those share one set of the 8-way L1 cache (square 32 x 32 tiles
    /// thrashed it: a 1024 x 1024 transposed copy took 2.1 ms against 0.69).
    func forEachTile(starts: [Int], rowsPerTile: Int = 32, columnsPerTile: Int = 8,
                     _ body: (Int, Int, UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Int>) -> Void) {
        let d = sizes.count
        precondition(d >= 2, "forEachTile needs two dimensions")
        let rows = sizes[d - 2], cols = sizes[d - 1]
        // The outer dimensions as a loop of their own, one "row" per outer index.
        let outer = RowLoop(sizes: Array(sizes[0..<(d - 2)]) + [1],
                            strides: Array(strides[0..<((d - 2) * operands)]) + [Int].filled(0, count: operands),
                            operands: operands)
        var offsets = [Int].filled(0, count: operands)
        strides.withUnsafeBufferPointer { st in
            let rowSteps = st.baseAddress! + (d - 2) * operands, colSteps = st.baseAddress! + (d - 1) * operands
            offsets.withUnsafeMutableBufferPointer { off in
                outer.forEachRow(starts: starts) { _, base, _ in
                    var r0 = 0
                    while r0 < rows {
                        let h = Swift.min(rowsPerTile, rows - r0)
                        var c0 = 0
                        while c0 < cols {
                            let w = Swift.min(columnsPerTile, cols - c0)
                            for k in 0..<operands { off[k] = base[k] &+ r0 &* rowSteps[k] &+ c0 &* colSteps[k] }
                            body(h, w, UnsafePointer(off.baseAddress!), rowSteps, colSteps)
                            c0 &+= columnsPerTile
                        }
                        r0 &+= rowsPerTile
                    }
                }
            }
        }
    }

    private init(sizes: [Int], strides: [Int], operands: Int) {
        self.sizes = sizes
        self.strides = strides
        self.operands = operands
    }
}
