#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// softmax and log_softmax over a dimension that is not the last, and their backward: the lanes
/// are the columns of a [length, stride] row-major block (the dimension's elements `stride`
/// apart), taken `columns` at a time, so that every pass runs along rows in vector lanes with a
/// float64 running total per column. The arithmetic is `softmaxRows`' and
/// `softmaxBackwardRows`' (the same shift, exp, float64 sums, added in another order, and
/// roundings). (The lane-by-lane scalar loop took 580 us for a [64, 1000]
/// softmax over dim 0 on one core, PyTorch 150.)
extension VectorLoops {
    /// `softmaxColumns`' type: columns 0..<columns of the [length, stride] block at x into the same
    /// places of y (not x), log_softmax with `log`.
    public typealias SoftmaxColumns = (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ length: Int,
                                       _ stride: Int, _ columns: Int, _ log: Bool) -> Void
    /// `softmaxBackwardColumns`' type: the input's gradient into `out` (which may be `g`), columns
    /// as `SoftmaxColumns`'.
    public typealias SoftmaxBackwardColumns = (_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                               _ out: UnsafeMutablePointer<Float>, _ length: Int, _ stride: Int,
                                               _ columns: Int, _ log: Bool) -> Void

    /// Columns taken at once by the callers (the float64 totals and float32 shifts of a group
    /// stay in the first-level cache).
    public static let softmaxColumnGroup = 256

    /// Each column's `exp(x - s) / sum(exp(x - s))`, or `(x - s) - log(sum(exp(x - s)))` with
    /// `log`, s the column's maximum (NaN ignored), or 0 when that is infinite.
    public static func softmaxColumns(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ length: Int,
                                      _ stride: Int, _ columns: Int, _ log: Bool) {
        guard length > 0, columns > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 &* columns) { floats in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: columns) { doubles in
                let shifts = floats.baseAddress!, logTotals = shifts + columns, totals = doubles.baseAddress!
                shifts.update(repeating: -.infinity, count: columns)
                for l in 0..<length { raise(shifts, toMaximaOf: x + l &* stride, columns) }
                for j in 0..<columns where !shifts[j].isFinite { shifts[j] = 0 }
                totals.update(repeating: 0, count: columns)
                for l in 0..<length { exponentiate(x + l &* stride, shifts, y + l &* stride, totals, columns) }
                if log {
                    // (x - s) - log(sum), as softmaxRows.
                    for j in 0..<columns { logTotals[j] = Float(Glibc.log(totals[j])) }
                    for l in 0..<length { shiftLog(x + l &* stride, shifts, logTotals, y + l &* stride, columns) }
                } else {
                    for j in 0..<columns { totals[j] = 1 / totals[j] }
                    for l in 0..<length { scale(y + l &* stride, by: totals, columns) }
                }
            }
        }
    }

    /// Each column's `(g - sum(g * y)) * y` (softmax's backward) or `g - exp(y) * sum(g)`
    /// (log_softmax's, `log`), the sums in float64 and rounded to float32 before they are used.
    public static func softmaxBackwardColumns(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                              _ out: UnsafeMutablePointer<Float>, _ length: Int, _ stride: Int,
                                              _ columns: Int, _ log: Bool) {
        guard length > 0, columns > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 &* columns) { floats in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: columns) { doubles in
                let sums = floats.baseAddress!, e = sums + columns, totals = doubles.baseAddress!
                totals.update(repeating: 0, count: columns)
                for l in 0..<length {
                    let offset = l &* stride
                    if log {
                        add(g + offset, into: totals, columns)
                    } else {
                        multiply(g + offset, y + offset, e, columns)
                        add(e, into: totals, columns)
                    }
                }
                for j in 0..<columns { sums[j] = Float(totals[j]) }
                for l in 0..<length {
                    let offset = l &* stride
                    if log {
                        // g - exp(y) * sum
                        map(Exp.self, y + offset, e, columns)
                        multiply(e, sums, e, columns)
                        subtract(g + offset, e, out + offset, columns)
                    } else {
                        // (g - sum) * y
                        subtract(g + offset, sums, e, columns)
                        multiply(e, y + offset, out + offset, columns)
                    }
                }
            }
        }
    }

    /// `y[j] = exp(x[j] - shifts[j])`, added into `totals[j]` (widened exactly).
    @inline(__always)
    private static func exponentiate(_ x: UnsafePointer<Float>, _ shifts: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                     _ totals: UnsafeMutablePointer<Double>, _ n: Int) {
        var j = 0
        while j &+ 8 <= n {
            let e = VectorMath.exp(VectorMath.load(x + j) - VectorMath.load(shifts + j))
            VectorMath.store(e, y + j)
            VectorMath.addWidened(e, into: totals + j)
            j &+= 8
        }
        if j < n {  // the last few in lanes too, so that every element gets the same exp
            var v = Lanes(repeating: 0)
            for k in 0..<(n &- j) { v[k] = x[j &+ k] - shifts[j &+ k] }
            let e = VectorMath.exp(v)
            for k in 0..<(n &- j) {
                y[j &+ k] = e[k]
                totals[j &+ k] += Double(e[k])
            }
        }
    }

    /// `y[j] = (x[j] - shifts[j]) - logTotals[j]`, the two subtractions rounded in turn.
    @inline(__always)
    private static func shiftLog(_ x: UnsafePointer<Float>, _ shifts: UnsafePointer<Float>, _ logTotals: UnsafePointer<Float>,
                                 _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j &+ 8 <= n {
            VectorMath.store((VectorMath.load(x + j) - VectorMath.load(shifts + j)) - VectorMath.load(logTotals + j), y + j)
            j &+= 8
        }
        while j < n {
            y[j] = (x[j] - shifts[j]) - logTotals[j]
            j &+= 1
        }
    }

    /// `peaks[j] = x[j]` where x[j] is larger (a NaN never is).
    @inline(__always)
    private static func raise(_ peaks: UnsafeMutablePointer<Float>, toMaximaOf x: UnsafePointer<Float>, _ n: Int) {
        var j = 0
        while j &+ 8 <= n {
            var p = VectorMath.load(peaks + j)
            let v = VectorMath.load(x + j)
            p.replace(with: v, where: v .> p)
            VectorMath.store(p, peaks + j)
            j &+= 8
        }
        while j < n {
            if x[j] > peaks[j] { peaks[j] = x[j] }
            j &+= 1
        }
    }

    /// `out = a - b` (out may be a or b).
    @inline(__always)
    private static func subtract(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ n: Int) {
        zip(Difference.self, a, b, out, n)
    }

    /// `out = a * b` (out may be a or b).
    @inline(__always)
    private static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ n: Int) {
        zip(Product.self, a, b, out, n)
    }

    private enum Difference: LaneZip {
        @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a - b }
    }
    private enum Product: LaneZip {
        @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a * b }
    }

    /// `totals[j] += x[j]`, x widened exactly.
    @inline(__always)
    private static func add(_ x: UnsafePointer<Float>, into totals: UnsafeMutablePointer<Double>, _ n: Int) {
        var j = 0
        while j &+ 8 <= n {
            VectorMath.addWidened(VectorMath.load(x + j), into: totals + j)
            j &+= 8
        }
        while j < n {
            totals[j] += Double(x[j])
            j &+= 1
        }
    }

    /// `y[j] = y[j] * s[j]` in float64, each element rounded once.
    @inline(__always)
    private static func scale(_ y: UnsafeMutablePointer<Float>, by s: UnsafePointer<Double>, _ n: Int) {
        var j = 0
        while j &+ 8 <= n {
            let halves = VectorMath.widen(VectorMath.load(y + j))
            let low = UnsafeRawPointer(s + j).loadUnaligned(as: Wide.self)
            let high = UnsafeRawPointer(s + (j &+ 4)).loadUnaligned(as: Wide.self)
            VectorMath.store(VectorMath.narrow(halves.low * low, halves.high * high), y + j)
            j &+= 8
        }
        while j < n {
            y[j] = Float(Double(y[j]) * s[j])
            j &+= 1
        }
    }
}
