/// Elementwise float32 maximum, minimum and clamp eight lanes at a time, with PyTorch's rules: a
/// NaN operand gives NaN (the first's when both are), and a tie keeps the first operand (`clamp(-0.0, min=0)` is -0.0, as
/// `relu(-0.0)`). Comparisons and selects only, so both builds give the same bits. (The
/// element-by-element kernel's branches, and on the baseline its mask shuffles, held a
/// [256, 512] `clamp(min=0)` at 34 us on one core, and `maximum` at 42; 22 and 24 now, PyTorch's
/// 18 and 22, from Python.)
extension VectorLoops {
    /// `clamp`'s type: `y[i] = min(max(x[i], lower), upper)` for i < n (y may be x).
    public typealias Clamp = (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ lower: Float,
                              _ upper: Float) -> Void

    /// p where p is NaN or not smaller than q, else q (larger, or NaN).
    @inline(__always)
    static func larger(_ p: Lanes, _ q: Lanes) -> Lanes { p.replacing(with: q, where: .!(p .>= q) .& (p .== p)) }
    /// p where p is NaN or not larger than q, else q (smaller, or NaN).
    @inline(__always)
    static func smaller(_ p: Lanes, _ q: Lanes) -> Lanes { p.replacing(with: q, where: .!(p .<= q) .& (p .== p)) }
    @inline(__always)
    static func larger(_ p: Float, _ q: Float) -> Float { p == p && !(p >= q) ? q : p }
    @inline(__always)
    static func smaller(_ p: Float, _ q: Float) -> Float { p == p && !(p <= q) ? q : p }

    /// `y[i] = min(max(x[i], lower), upper)`: -inf or +inf leaves that side open, so that one
    /// loop serves clamp, clamp_min, clamp_max, relu and maximum or minimum with one value. A
    /// NaN bound makes every element NaN.
    public static func clamp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ lower: Float,
                             _ upper: Float) {
        guard lower == lower, upper == upper else {
            for i in 0..<n { y[i] = smaller(larger(x[i], lower), upper) }
            return
        }
        // With bounds that are numbers, each side is one comparison and select, which the
        // compiler makes one maxps / minps (`bound > v ? bound : v`, v where v is NaN or tied).
        let lo = Lanes(repeating: lower), hi = Lanes(repeating: upper)
        var i = 0
        while i &+ 8 <= n {
            var v = VectorMath.load(x + i)
            v.replace(with: lo, where: lo .> v)
            v.replace(with: hi, where: hi .< v)
            VectorMath.store(v, y + i)
            i &+= 8
        }
        while i < n {
            let v = x[i], raised = lower > v ? lower : v
            y[i] = upper < raised ? upper : raised
            i &+= 1
        }
    }

    /// `out[i] = max(a[i], b[i])` (`torch.maximum` of two dense tensors of one shape).
    public static func maximum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                               _ n: Int) {
        zip(Maximum.self, a, b, out, n)
    }

    /// `out[i] = min(a[i], b[i])` (`torch.minimum`).
    public static func minimum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                               _ n: Int) {
        zip(Minimum.self, a, b, out, n)
    }

    private enum Maximum: LaneZip {
        @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { larger(a, b) }
    }
    private enum Minimum: LaneZip {
        @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { smaller(a, b) }
    }
}
