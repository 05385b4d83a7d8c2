/// Float32 sums into float64 totals, for SwiftGrad's reductions (Kernels/Reduce.swift), in this
/// build's lanes: two SSE registers per eight floats on the x86-64 baseline, one AVX register in
/// SwiftGradVectorAVX2 (twice the floats per instruction: a [256, 512] `sum(1)` took 36 us on one
/// core with the baseline's conversions, PyTorch's 8-14). Additions only, no fused operations,
/// so both builds give the same bits.
extension VectorLoops {
    /// `rowSums`' type: `count` rows of `n` contiguous floats, `stride` apart, each row's sum
    /// added into its total, `totalStride` apart in `totals`.
    public typealias RowSums = (_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                                _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int) -> Void
    /// `addRows`' type: `count` rows of `columns` floats, `stride` apart, added into `totals`.
    public typealias AddRows = (_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ columns: Int,
                                _ totals: UnsafeMutablePointer<Double>) -> Void

    /// The sum of `n` contiguous floats, each widened to double and added in sixteen float64
    /// lanes (`VectorMath.widenedSum`): a row of a reduction over the last dimension. (Float
    /// lanes were faster, 17 against 28 us for [256, 512] on one core, but lost the accuracy a
    /// cancelling sum needs: `cov`'s weight gradient in PyTorch's OpInfo samples, whose true
    /// value is 0, came out three times PyTorch's rounding noise.)
    public static func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        VectorMath.widenedSum(n, chunk: { VectorMath.load(x + $0) }, term: { x[$0] })
    }

    /// `totals[r * totalStride] += rowSum(x + r * stride, n)` for r < count: a reduction over the
    /// last dimension, its rows in one loop. (With a call per row, a [4096, 10] `sum(1)` took 43
    /// us from C, 20 now; PyTorch's takes 17 from Python. In rows this short each row's last
    /// additions, a chain of dependent float64 adds, are most of the work, and in one loop the
    /// processor overlaps the chains of consecutive rows.)
    public static func rowSums(_ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                               _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int) {
        var row = x, total = totals
        for _ in 0..<count {
            total.pointee += rowSum(row, n)
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
                               _ totals: UnsafeMutablePointer<Double>) {
        @inline(__always) func add(_ v: Lanes, at j: Int) { VectorMath.addWidened(v, into: totals + j) }
        var x0 = x, r = 0
        while r &+ 8 <= count {
            let x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride, x4 = x3 + stride, x5 = x4 + stride
            let x6 = x5 + stride, x7 = x6 + stride
            @inline(__always) func eight(_ j: Int) -> Lanes {
                let low = (VectorMath.load(x0 + j) + VectorMath.load(x1 + j)) + (VectorMath.load(x2 + j) + VectorMath.load(x3 + j))
                let high = (VectorMath.load(x4 + j) + VectorMath.load(x5 + j)) + (VectorMath.load(x6 + j) + VectorMath.load(x7 + j))
                return low + high
            }
            var j = 0
            while j &+ 8 <= columns {
                add(eight(j), at: j)
                j &+= 8
            }
            while j < columns {
                totals[j] += Double(((x0[j] + x1[j]) + (x2[j] + x3[j])) + ((x4[j] + x5[j]) + (x6[j] + x7[j])))
                j &+= 1
            }
            x0 = x7 + stride
            r &+= 8
        }
        while r < count {
            var j = 0
            while j &+ 8 <= columns {
                add(VectorMath.load(x0 + j), at: j)
                j &+= 8
            }
            while j < columns {
                totals[j] += Double(x0[j])
                j &+= 1
            }
            x0 += stride
            r &+= 1
        }
    }
}
