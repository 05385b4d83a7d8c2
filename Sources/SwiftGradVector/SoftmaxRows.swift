#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// softmax and log_softmax over the rows of a row-major float32 matrix, and their backward,
/// in vector passes over each row (its maximum, `x - max`, sums in float64 lanes, the result)
/// and over blocks of rows (`exp`). The scalar loops these replace were latency-bound (a
/// float64 sum adds one element after the other) and spent 70% of a [64, 1000] log_softmax
/// outside `exp`.
extension VectorLoops {
    /// `softmaxRows`' type: `rows` rows of `length` elements from `x` into `y` (not `x`), and
    /// `log` for log_softmax.
    public typealias SoftmaxRows = (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rows: Int,
                                    _ length: Int, _ log: Bool) -> Void
    /// `softmaxBackwardRows`' type: the input's gradient into `out` (which may be `g`) from the
    /// output's gradient `g` and the output `y`, rows as `SoftmaxRows`'.
    public typealias SoftmaxBackwardRows = (_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                            _ out: UnsafeMutablePointer<Float>, _ rows: Int, _ length: Int,
                                            _ log: Bool) -> Void

    /// Each row's `exp(x - s) / sum(exp(x - s))`, or `(x - s) - log(sum(exp(x - s)))` with `log`,
    /// where the shift s is the row's maximum, or 0 when that is infinite. The sum is taken in
    /// float64 and the softmax scaled in float64, each element rounded once. A NaN in a row makes
    /// its sum, and so all of the row, NaN. Rows go in blocks of about `blockElements`: each
    /// row's `x - s` into y, one exp over the block (eight lanes across row ends, so that short
    /// rows waste none), then each row finished from its sum.
    public static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rows: Int,
                                   _ length: Int, _ log: Bool) {
        guard rows > 0, length > 0 else { return }
        let blockRows = Swift.max(1, blockElements / length)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.min(blockRows, rows)) { shifts in
            var first = 0
            while first < rows {
                let last = Swift.min(rows, first &+ blockRows)
                for r in first..<last {
                    let offset = r &* length
                    let shift = rowShift(x + offset, length)
                    shifts[r &- first] = shift
                    subtract(x + offset, shift, 0, y + offset, length)
                }
                let block = y + first &* length
                map(Exp.self, block, block, (last &- first) &* length)
                for r in first..<last {
                    let offset = r &* length, row = y + offset
                    let total = rowSum(row, length)
                    if log {
                        // (x - s) - log(sum), as PyTorch's kernel: adding the two first would
                        // round log(sum) away against a large shift, and the largest entry would
                        // lose it.
                        subtract(x + offset, shifts[r &- first], Float(Glibc.log(total)), row, length)
                    } else {
                        scale(row, 1 / total, length)
                    }
                }
                first = last
            }
        }
    }

    /// The elements of rows taken at once in `softmaxRows` and log_softmax's backward: they
    /// stay in the first-level cache between the passes.
    static let blockElements = 2048

    /// Each row's `g - exp(y) * sum(g)` (log_softmax's backward, `log`) or `(g - sum(g * y)) * y`
    /// (softmax's), the sums in float64 and rounded to float32 before they are used, as the
    /// formulas in tensor ops compute them. log_softmax's takes `exp(y)` of a block of rows at a
    /// time, as `softmaxRows` does, into a buffer of its own (`out` may be `g`).
    public static func softmaxBackwardRows(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                           _ out: UnsafeMutablePointer<Float>, _ rows: Int, _ length: Int,
                                           _ log: Bool) {
        guard rows > 0, length > 0 else { return }
        guard log else {
            for r in 0..<rows {
                let offset = r &* length
                let dot = Float(rowDot(g + offset, y + offset, length))
                // (g - dot) * y
                multiplyDifference(g + offset, dot, y + offset, out + offset, length)
            }
            return
        }
        let blockRows = Swift.max(1, blockElements / length)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.min(blockRows, rows) &* length) { buffer in
            let e = buffer.baseAddress!
            var first = 0
            while first < rows {
                let last = Swift.min(rows, first &+ blockRows), start = first &* length
                map(Exp.self, y + start, e, (last &- first) &* length)
                for r in first..<last {
                    let offset = r &* length
                    let total = Float(rowSum(g + offset, length))
                    // g - exp(y) * total
                    subtractProduct(g + offset, e + (offset &- start), total, out + offset, length)
                }
                first = last
            }
        }
    }

    /// A row's shift: its maximum (NaN ignored: a NaN makes the sum NaN anyway), or 0 when that
    /// is infinite.
    @inline(__always)
    private static func rowShift(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var peaks = Lanes(repeating: -.infinity)
        var i = 0
        while i &+ 8 <= n {
            let v = VectorMath.load(x + i)
            peaks.replace(with: v, where: v .> peaks)
            i &+= 8
        }
        var peak = peaks[0]
        for j in 1..<8 where peaks[j] > peak { peak = peaks[j] }
        while i < n {
            if x[i] > peak { peak = x[i] }
            i &+= 1
        }
        return peak.isFinite ? peak : 0
    }

    /// `y = (x - a) - b`, the two subtractions rounded in turn.
    @inline(__always)
    private static func subtract(_ x: UnsafePointer<Float>, _ a: Float, _ b: Float, _ y: UnsafeMutablePointer<Float>,
                                 _ n: Int) {
        let av = Lanes(repeating: a), bv = Lanes(repeating: b)
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store((VectorMath.load(x + i) - av) - bv, y + i)
            i &+= 8
        }
        while i < n {
            y[i] = (x[i] - a) - b
            i &+= 1
        }
    }

    /// `y = y * s` in float64, each element rounded once.
    @inline(__always)
    private static func scale(_ y: UnsafeMutablePointer<Float>, _ s: Double, _ n: Int) {
        let sv = Wide(repeating: s)
        var i = 0
        while i &+ 8 <= n {
            let halves = VectorMath.widen(VectorMath.load(y + i))
            VectorMath.store(VectorMath.narrow(halves.low * sv, halves.high * sv), y + i)
            i &+= 8
        }
        while i < n {
            y[i] = Float(Double(y[i]) * s)
            i &+= 1
        }
    }

    /// The sum of `a[i] * b[i]` (products in float32) in float64.
    @inline(__always)
    private static func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
        VectorMath.widenedSum(n, chunk: { VectorMath.load(a + $0) * VectorMath.load(b + $0) }, term: { a[$0] * b[$0] })
    }

    /// `out = (g - d) * y` (out may be g).
    @inline(__always)
    private static func multiplyDifference(_ g: UnsafePointer<Float>, _ d: Float, _ y: UnsafePointer<Float>,
                                           _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        let dv = Lanes(repeating: d)
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store((VectorMath.load(g + i) - dv) * VectorMath.load(y + i), out + i)
            i &+= 8
        }
        while i < n {
            out[i] = (g[i] - d) * y[i]
            i &+= 1
        }
    }

    /// `out = g - e * t` (out may be g).
    @inline(__always)
    private static func subtractProduct(_ g: UnsafePointer<Float>, _ e: UnsafePointer<Float>, _ t: Float,
                                        _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        let tv = Lanes(repeating: t)
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(VectorMath.load(g + i) - VectorMath.load(e + i) * tv, out + i)
            i &+= 8
        }
        while i < n {
            out[i] = g[i] - e[i] * t
            i &+= 1
        }
    }
}
