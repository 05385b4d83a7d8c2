/// Matrix products with a small inner size: a classifier head's input gradient (inner size the
/// number of classes), an outer product. BLAS packs both operands into its own layout before it
/// multiplies, which for ten multiply-adds per output element is most of the work: OpenBLAS took
/// 84 us for [256, 10] @ [10, 512] on one core of the benchmark machine (AMD EPYC), this loop 36.
/// It reads b in place and keeps a block of c's rows and columns in registers while it runs
/// through the inner dimension once.
extension VectorLoops {
    /// `smallInnerGemm`'s type.
    public typealias SmallInnerGemm = (_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ aRow: Int, _ aColumn: Int,
                                       _ b: UnsafePointer<Float>, _ ldb: Int, _ accumulate: Bool,
                                       _ c: UnsafeMutablePointer<Float>, _ ldc: Int) -> Void

    /// The inner sizes `smallInnerGemm` is meant for (beyond them BLAS's packing pays off).
    public static let smallInnerLimit = 16

    /// `c[i, j] = (accumulate ? c[i, j] : 0) + sum over p of a[i, p] * b[p, j]` for i < m, j < n,
    /// p < k, where a[i, p] is `a[i * aRow + p * aColumn]` (either layout), b is row-major with
    /// leading dimension `ldb` and c with `ldc`. Each element sums its products in order of p (fused
    /// multiply-adds in the AVX2 build). Columns go eight at a time, the last n mod 8 one by one.
    public static func smallInnerGemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ aRow: Int, _ aColumn: Int,
                                      _ b: UnsafePointer<Float>, _ ldb: Int, _ accumulate: Bool,
                                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let vectorColumns = n & ~7
        var i = 0
        while i < m {
            // Four rows at a time; a last block of fewer repeats its last row in the spare ones,
            // computed but not stored.
            let rows = Swift.min(4, m &- i)
            let a0 = a + i &* aRow, a1 = a + (i &+ Swift.min(1, rows &- 1)) &* aRow
            let a2 = a + (i &+ Swift.min(2, rows &- 1)) &* aRow, a3 = a + (i &+ Swift.min(3, rows &- 1)) &* aRow
            var j = 0
            while j &+ 16 <= vectorColumns {
                var c00 = Lanes(), c01 = Lanes(), c10 = Lanes(), c11 = Lanes()
                var c20 = Lanes(), c21 = Lanes(), c30 = Lanes(), c31 = Lanes()
                for p in 0..<k {
                    let row = b + (p &* ldb &+ j), offset = p &* aColumn
                    let b0 = VectorMath.load(row), b1 = VectorMath.load(row + 8)
                    let x0 = Lanes(repeating: a0[offset]), x1 = Lanes(repeating: a1[offset])
                    let x2 = Lanes(repeating: a2[offset]), x3 = Lanes(repeating: a3[offset])
                    c00 = VectorMath.madd(x0, b0, c00); c01 = VectorMath.madd(x0, b1, c01)
                    c10 = VectorMath.madd(x1, b0, c10); c11 = VectorMath.madd(x1, b1, c11)
                    c20 = VectorMath.madd(x2, b0, c20); c21 = VectorMath.madd(x2, b1, c21)
                    c30 = VectorMath.madd(x3, b0, c30); c31 = VectorMath.madd(x3, b1, c31)
                }
                let out = c + (i &* ldc &+ j)
                put(c00, out, accumulate); put(c01, out + 8, accumulate)
                if rows > 1 { put(c10, out + ldc, accumulate); put(c11, out + (ldc &+ 8), accumulate) }
                if rows > 2 { put(c20, out + 2 &* ldc, accumulate); put(c21, out + (2 &* ldc &+ 8), accumulate) }
                if rows > 3 { put(c30, out + 3 &* ldc, accumulate); put(c31, out + (3 &* ldc &+ 8), accumulate) }
                j &+= 16
            }
            if j < vectorColumns {  // eight columns
                var c0 = Lanes(), c1 = Lanes(), c2 = Lanes(), c3 = Lanes()
                for p in 0..<k {
                    let b0 = VectorMath.load(b + (p &* ldb &+ j)), offset = p &* aColumn
                    c0 = VectorMath.madd(Lanes(repeating: a0[offset]), b0, c0)
                    c1 = VectorMath.madd(Lanes(repeating: a1[offset]), b0, c1)
                    c2 = VectorMath.madd(Lanes(repeating: a2[offset]), b0, c2)
                    c3 = VectorMath.madd(Lanes(repeating: a3[offset]), b0, c3)
                }
                let out = c + (i &* ldc &+ j)
                put(c0, out, accumulate)
                if rows > 1 { put(c1, out + ldc, accumulate) }
                if rows > 2 { put(c2, out + 2 &* ldc, accumulate) }
                if rows > 3 { put(c3, out + 3 &* ldc, accumulate) }
            }
            for r in 0..<rows {
                let row = a + (i &+ r) &* aRow
                for j in vectorColumns..<n {
                    var sum: Float = 0
                    for p in 0..<k { sum += row[p &* aColumn] * b[p &* ldb &+ j] }
                    let out = c + ((i &+ r) &* ldc &+ j)
                    out.pointee = accumulate ? out.pointee + sum : sum
                }
            }
            i &+= rows
        }
    }

    @inline(__always)
    private static func put(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
        VectorMath.store(accumulate ? VectorMath.load(p) + v : v, p)
    }
}
