/// Float32 sums and products into float64 totals, for SwiftGrad's reductions
/// (Kernels/Reduce.swift), in this build's lanes: two SSE registers per eight floats on the x86-64
/// baseline, one AVX register in SwiftGradVectorAVX2 (twice the floats per instruction: a
/// [256, 512] `sum(1)` took 36 us on one core with the baseline's conversions, PyTorch's 8-14).
/// Additions, multiplications and float32 squares only, no fused operations, so both builds give
/// the same bits.
extension VectorLoops {
    /// `rowSums`' type: `count` rows of `n` contiguous floats, `stride` apart, each row's sum
    /// added into its total, `totalStride` apart in `totals`; with `squares`, the sum of the
    /// elements' float32 squares (each `x * x` rounded once, as a tensor's `x * x` would be: a
    /// 2-norm's sum of squares without a tensor of squares).
    public typealias RowSums = (_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                                _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int, _ squares: Bool) -> Void
    /// `addRows`' type: `count` rows of `columns` floats, `stride` apart, added into `totals`
    /// (their squares with `squares`, as `RowSums`).
    public typealias AddRows = (_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ columns: Int,
                                _ totals: UnsafeMutablePointer<Double>, _ squares: Bool) -> Void

    /// Calls `body` with the identity, or with squaring when `squares`, of one float lane vector
    /// and of one float, so that each caller's loop is specialised for it.
    @inline(__always)
    static func applying(squares: Bool, _ body: ((Lanes) -> Lanes, (Float) -> Float) -> Void) {
        if squares { body({ $0 * $0 }, { $0 * $0 }) } else { body({ $0 }, { $0 }) }
    }

    /// The sum of `n` contiguous floats, each widened to double and added in sixteen float64
    /// lanes (`VectorMath.widenedSum`): a row of a reduction over the last dimension. (Float
    /// lanes were faster, 17 against 28 us for [256, 512] on one core, but lost the accuracy a
    /// cancelling sum needs: `cov`'s weight gradient in PyTorch's OpInfo samples, whose true
    /// value is 0, came out three times PyTorch's rounding noise.)
    public static func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        VectorMath.widenedSum(n, chunk: { VectorMath.load(x + $0) }, term: { x[$0] })
    }

    /// `totals[r * totalStride] += rowSum(x + r * stride, n)` (of squares) for r < count: a
    /// reduction over the last dimension, its rows in one loop. (With a call per row, a [4096, 10]
    /// `sum(1)` took 43 us from C, 20 now; PyTorch's takes 17 from Python. In rows this short
    /// each row's last additions, a chain of dependent float64 adds, are most of the work, and in
    /// one loop the processor overlaps the chains of consecutive rows.)
    public static func rowSums(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                               _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int, _ squares: Bool) {
        applying(squares: squares) { f, g in rows(x, count, stride, n, totals, totalStride, product: false, f, g) }
    }

    /// `rowProducts`' type: as `RowSums`, each row's product multiplied into its total.
    public typealias RowProducts = (_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                                    _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int) -> Void

    /// `totals[r * totalStride] *= ` the float64 product of row r's floats, in `rowSum`'s lanes
    /// (`VectorMath.widenedFold`): `prod` over the last dimension. (Four scalar running products
    /// per row, a chain of dependent multiplications each, took a [256, 512] `prod(1)` to 44 us on
    /// two cores, PyTorch's float32 lanes 14.)
    public static func rowProducts(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                                   _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int) {
        rows(x, count, stride, n, totals, totalStride, product: true, { $0 }, { $0 })
    }

    /// The rows of `rowSums` or `rowProducts`, `f` of each float lane vector (`g` of each of the
    /// last few floats) folded.
    @inline(__always)
    static func rows(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int, _ totals: UnsafeMutablePointer<Double>,
                     _ totalStride: Int, product: Bool, _ f: (Lanes) -> Lanes, _ g: (Float) -> Float) {
        var row = x, total = totals
        for _ in 0..<count {
            let value = VectorMath.widenedFold(n, product: product, chunk: { f(VectorMath.load(row + $0)) }, term: { g(row[$0]) })
            total.pointee = product ? total.pointee * value : total.pointee + value
            row += stride
            total += totalStride
        }
    }

    /// `totals[j] += ((x0[j] + x1[j]) + (x2[j] + x3[j])) + ((x4[j] + ...) + ...)` for j < columns:
    /// x0...x7 eight rows of floats `stride` apart, added pairwise in float32 lanes and the
    /// partial widened into the float64 totals, for each eight of `count` rows, then the rest
    /// one by one: a reduction over an outer dimension, eight rows per pass over the totals.
    /// (Widening every element, two conversions and two float64 additions per four floats, held
    /// a [256, 512] `sum(0)` at 28 us on one core against PyTorch's 13.)
    public static func addRows(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ columns: Int,
                               _ totals: UnsafeMutablePointer<Double>, _ squares: Bool) {
        applying(squares: squares) { f, g in addRows(x, count, stride, columns, totals, f, g) }
    }

    /// `addRows` of `f` of each float lane vector (`g` of each of the last few floats).
    @inline(__always)
    static func addRows(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ columns: Int,
                        _ totals: UnsafeMutablePointer<Double>, _ f: (Lanes) -> Lanes, _ g: (Float) -> Float) {
        @inline(__always) func add(_ v: Lanes, at j: Int) { VectorMath.addWidened(v, into: totals + j) }
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes { f(VectorMath.load(p)) }
        var x0 = x, r = 0
        while r &+ 8 <= count {
            let x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride, x4 = x3 + stride, x5 = x4 + stride
            let x6 = x5 + stride, x7 = x6 + stride
            @inline(__always) func eight(_ j: Int) -> Lanes {
                let low = (load(x0 + j) + load(x1 + j)) + (load(x2 + j) + load(x3 + j))
                let high = (load(x4 + j) + load(x5 + j)) + (load(x6 + j) + load(x7 + j))
                return low + high
            }
            var j = 0
            while j &+ 8 <= columns {
                add(eight(j), at: j)
                j &+= 8
            }
            while j < columns {
                totals[j] += Double(((g(x0[j]) + g(x1[j])) + (g(x2[j]) + g(x3[j]))) + ((g(x4[j]) + g(x5[j])) + (g(x6[j]) + g(x7[j]))))
                j &+= 1
            }
            x0 = x7 + stride
            r &+= 8
        }
        while r < count {
            var j = 0
            while j &+ 8 <= columns {
                add(load(x0 + j), at: j)
                j &+= 8
            }
            while j < columns {
                totals[j] += Double(g(x0[j]))
                j &+= 1
            }
            x0 += stride
            r &+= 1
        }
    }
}
