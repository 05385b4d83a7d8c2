import CSquareRoots

/// Loops over contiguous float32 buffers, eight elements at a time through `VectorMath`. This
/// module is compiled twice: as SwiftGradVector for the x86-64 baseline (SSE2) and, when the
/// package is built with SWIFTGRAD_AVX2=1 (the Makefile does), as SwiftGradVectorAVX2 from the
/// same files for AVX2 and FMA; SwiftGrad picks one set at load (Kernels/CPUCapability.swift).
/// The loops are concrete, non-inlinable functions: inlined into SwiftGrad they would be
/// compiled for SwiftGrad's target instead of this module's.
public enum VectorLoops {
    public typealias Lanes = VectorMath.Lanes
    public typealias Wide = VectorMath.Wide
    /// `y[i] = f(x[i])` for i in 0..<n (x and y may be the same buffer).
    public typealias Unary = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    /// `out[i] = f(a[i], b[i])` for i in 0..<n (out may be a or b).
    public typealias Binary = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    /// `out[i] = f(a[i], b[i], w)` for i in 0..<n, with one number w.
    public typealias Lerp = (UnsafePointer<Float>, UnsafePointer<Float>, Float, UnsafeMutablePointer<Float>, Int) -> Void
    /// `out[i] = f(a[i], b[i], c[i])` for i in 0..<n (out may be any of them).
    public typealias Ternary = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    /// `y[i] = f(x[i])` for i in 0..<n, f with parameters: elu's scale, input scale and
    /// negative scale; softplus's beta and threshold.
    public typealias Elu = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Float, Float, Float) -> Void
    public typealias Softplus = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void
    /// `y[i] = f(x[i], s)` for i in 0..<n, with one number s.
    public typealias WithScalar = (UnsafePointer<Float>, Float, UnsafeMutablePointer<Float>, Int) -> Void

    /// The type of `all`: every loop of this module, for the dispatch table (a tuple: the same
    /// type in both builds).
    public typealias Table = (exp: Unary, log: Unary, tanh: Unary, sigmoid: Unary, sigmoidBackward: Binary,
                              tanhBackward: Binary, reluBackward: Binary, gelu: Unary, geluBackward: Binary, geluTanh: Unary,
                              rsqrt: Unary, reciprocal: Unary, silu: Unary, hardswish: Unary, hardsigmoid: Unary,
                              sqrt: Unary, lerp: Lerp, lerpWeights: Ternary,
                              expm1: Unary, log1p: Unary, elu: Elu, softplus: Softplus, erf: Unary, sin: Unary, cos: Unary,
                              div: Binary, divByScalar: WithScalar)
    public static let all: Table =
        (exp, log, tanh, sigmoid, sigmoidBackward, tanhBackward, reluBackward, gelu, geluBackward, geluTanh,
         rsqrt, reciprocal, silu, hardswish, hardsigmoid, sqrt, lerp, lerpWeights, expm1, log1p, elu, softplus, erf, sin, cos, div, divByScalar)

    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Exp.self, x, y, n)
    }

    public static func log(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Log.self, x, y, n)
    }

    /// e^x - 1 and ln(1 + x) (`VectorMath.expm1`, `log1p`: libm's expm1f and log1pf took about
    /// 7 ns an element).
    public static func expm1(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Expm1.self, x, y, n)
    }

    public static func log1p(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Log1p.self, x, y, n)
    }

    /// elu as PyTorch's vectorised kernel: `x <= 0 ? expm1(x inputScale) negativeScale :
    /// x scale` (negativeScale = alpha scale; NaN takes the second form).
    public static func elu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                           _ scale: Float, _ inputScale: Float, _ negativeScale: Float) {
        struct Elu: LaneFunction {
            let s: Lanes, i: Lanes, m: Lanes
            @inline(__always) func callAsFunction(_ v: Lanes) -> Lanes {
                (v * s).replacing(with: VectorMath.expm1(v * i) * m, where: v .<= 0)
            }
        }
        map(x, y, n, Elu(s: Lanes(repeating: scale), i: Lanes(repeating: inputScale), m: Lanes(repeating: negativeScale)))
    }

    /// softplus as PyTorch's: `x beta > threshold ? x : log1p(e^(x beta)) / beta`.
    public static func softplus(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                                _ beta: Float, _ threshold: Float) {
        struct Softplus: LaneFunction {
            let b: Lanes, t: Lanes
            @inline(__always) func callAsFunction(_ v: Lanes) -> Lanes {
                let z = v * b
                return (VectorMath.log1p(VectorMath.exp(z)) / b).replacing(with: v, where: z .> t)
            }
        }
        map(x, y, n, Softplus(b: Lanes(repeating: beta), t: Lanes(repeating: threshold)))
    }

    /// erf, sin and cos (`VectorMath.erf`, `sin`, `cos`: libm's erff, sinf and cosf took 7 to 13
    /// ns an element).
    public static func erf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Erf.self, x, y, n)
    }

    public static func sin(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Sin.self, x, y, n)
    }

    public static func cos(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Cos.self, x, y, n)
    }

    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Tanh.self, x, y, n)
    }

    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Sigmoid.self, x, y, n)
    }

    /// `x / (1 + e^-x)`, PyTorch's silu formula in its order.
    public static func silu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Silu.self, x, y, n)
    }

    /// `x * relu6(x + 3) / 6` and `relu6(x + 3) / 6` in SwiftGrad's order (NaN kept), whose
    /// division is the bottleneck in the baseline's four-float registers ([256, 512] hardswish
    /// 27 us, PyTorch's 16).
    public static func hardswish(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Hardswish.self, x, y, n)
    }

    public static func hardsigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Hardsigmoid.self, x, y, n)
    }

    /// `sqrt(x)` and `1 / sqrt(x)` (two roundings, as PyTorch's rsqrt), each element with the
    /// scalar operations' bits, from CSquareRoots: Swift's `squareRoot()` compiles here to a
    /// scalar square root with a call to libm's sqrtf for negative input (errno), which no loop
    /// vectorises. ([256, 512] from Python: `x.abs().sqrt()` 243 -> 51 us, rsqrt 231 -> 49;
    /// PyTorch's 48-54 and 25.)
    public static func sqrt(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        #if SWIFTGRAD_FMA
        sgroot_sqrt_avx(x, y, n)
        #else
        sgroot_sqrt_sse2(x, y, n)
        #endif
    }

    public static func rsqrt(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        #if SWIFTGRAD_FMA
        sgroot_rsqrt_avx(x, y, n)
        #else
        sgroot_rsqrt_sse2(x, y, n)
        #endif
    }

    /// `start + weight (end - start)` for one weight, from the nearer end with one fused
    /// multiply-add, as PyTorch's vectorised lerp: `start + w d` for |w| < 0.5, else
    /// `end + (w - 1) d` (the same bits as SwiftGrad's scalar kernel, whose `addingProduct`
    /// calls libm's fmaf per element in the baseline build: 400 us for [256, 512], PyTorch's 15).
    public static func lerp(_ start: UnsafePointer<Float>, _ end: UnsafePointer<Float>, _ weight: Float,
                            _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        struct FromStart: LaneFunction2 {
            let w: Lanes
            @inline(__always) func callAsFunction(_ a: Lanes, _ b: Lanes) -> Lanes { a.addingProduct(w, b - a) }
        }
        struct FromEnd: LaneFunction2 {
            let w: Lanes
            @inline(__always) func callAsFunction(_ a: Lanes, _ b: Lanes) -> Lanes { b.addingProduct(w, b - a) }
        }
        if Swift.abs(weight) < 0.5 {
            zip(start, end, out, n, FromStart(w: Lanes(repeating: weight)))
        } else {
            zip(start, end, out, n, FromEnd(w: Lanes(repeating: weight - 1)))
        }
    }

    /// `lerp` with a weight per element (a tensor weight), each from its nearer end: the bits
    /// of SwiftGrad's scalar kernel, whose fused multiply-add is a libm call per element in the
    /// baseline build (300 us for [256, 512], PyTorch's 23).
    public static func lerpWeights(_ start: UnsafePointer<Float>, _ end: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                                   _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        @inline(__always) func lerp(_ a: Lanes, _ b: Lanes, _ w: Lanes) -> Lanes {
            let d = b - a
            return b.addingProduct(w - 1, d).replacing(with: a.addingProduct(w, d), where: (w .< 0.5) .& (w .> -0.5))
        }
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(lerp(VectorMath.load(start + i), VectorMath.load(end + i), VectorMath.load(weight + i)), out + i)
            i &+= 8
        }
        if i < n {
            let r = lerp(padded(start + i, n &- i), padded(end + i, n &- i), padded(weight + i, n &- i))
            for j in 0..<(n &- i) { out[i &+ j] = r[j] }
        }
    }

    /// `a / b` and `a / s` on whole vectors, with the scalar division's bits. (SwiftGrad's own
    /// loops run in the baseline's four-float registers, where division is the bottleneck: a
    /// [256, 512] `x / y` took 37 us on one core, PyTorch's 27.)
    public static func div(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        zip(Divide.self, a, b, out, n)
    }

    public static func divByScalar(_ x: UnsafePointer<Float>, _ s: Float, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        struct DivideBy: LaneFunction {
            let d: Lanes
            @inline(__always) func callAsFunction(_ x: Lanes) -> Lanes { x / d }
        }
        map(x, y, n, DivideBy(d: Lanes(repeating: s)))
    }

    /// `1 / x` on whole vectors, with the scalar division's bits.
    public static func reciprocal(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Reciprocal.self, x, y, n)
    }

    /// The exact gelu, `x Φ(x)`: in float64 lanes, rounded to float32 once.
    public static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(Gelu.self, x, y, n)
    }

    /// gelu's tanh approximation, PyTorch's formula in its order:
    /// `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))`.
    public static func geluTanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(GeluTanh.self, x, y, n)
    }

    /// The gradient of gelu's input from its output's gradient `g` and its input `x`:
    /// `g (Φ(x) + x φ(x))` with φ(x) = e^(-x²/2) / sqrt(2 pi) (PyTorch's GeluBackward formula).
    /// All of it in float64 lanes, g's product included, and rounded to float32 once: within
    /// 1 ulp of the float64 value, and near x = -0.75, where the sum crosses zero, within about
    /// half an ulp of the size of its terms, |g| (Φ(x) + |x| φ(x)).
    public static func geluBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                    _ n: Int) {
        zip(GeluBackward.self, g, x, out, n)
    }

    /// The gradient of sigmoid's input from its output's gradient `g` and its output `y`:
    /// `g (1 - y) y`, evaluated in that order (as the scalar kernel does).
    public static func sigmoidBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                       _ n: Int) {
        zip(SigmoidBackward.self, g, y, out, n)
    }

    /// The gradient of tanh's input: `g (1 - y y)`.
    public static func tanhBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                    _ n: Int) {
        zip(TanhBackward.self, g, y, out, n)
    }

    /// The gradient of relu's input from its output's gradient `g` and its output `y`:
    /// `y <= 0 ? 0 : g` (PyTorch's threshold_backward at 0; a NaN output passes `g`), as a
    /// select on whole vectors. SwiftGrad's generic loop runs one element at a time when it
    /// writes over `g`, as the backward rule has it do (its overlap check fails), and reading
    /// `g` through the output's own pointer made the compiler store the 0 under a branch per
    /// element instead, which mispredicts on about every other element of a ReLU layer's output.
    public static func reluBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                    _ n: Int) {
        zip(ReluBackward.self, g, y, out, n)
    }

    // The element functions, as types the loops are specialised for, so that each loop has its
    // function inlined. Passed as closures, they were called once per vector: the optimizer kept
    // the calls, then merged the loops into one that took the function as a pointer. Inlined
    // (1.2M elements, one thread): exp 0.93 -> 0.65 ms, sigmoid 1.19 -> 0.84, tanh 1.52 -> 1.22,
    // gelu's tanh form 2.06 -> 1.78. gelu's two, in float64 lanes, stay calls: inlined they took
    // 11% (forward) and 33% (backward) more.

    enum Exp: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.exp(x) }
    }
    enum Log: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.log(x) }
    }
    enum Expm1: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.expm1(x) }
    }
    enum Log1p: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.log1p(x) }
    }
    enum Erf: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.erf(x) }
    }
    enum Sin: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.sin(x) }
    }
    enum Cos: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.cos(x) }
    }
    enum Tanh: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.tanh(x) }
    }
    enum Sigmoid: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.sigmoid(x) }
    }
    enum Silu: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { x / (1 + VectorMath.exp(-x)) }
    }
    /// min(max(x + 3, 0), 6), as Swift.min and Swift.max on each element (NaN passes).
    @inline(__always) static func relu6OfXPlus3(_ x: Lanes) -> Lanes {
        let r = x + 3
        return r.replacing(with: 0, where: r .< 0).replacing(with: 6, where: r .> 6)
    }
    enum Hardswish: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { x * relu6OfXPlus3(x) / 6 }
    }
    enum Hardsigmoid: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { relu6OfXPlus3(x) / 6 }
    }
    enum Reciprocal: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes { 1 / x }
    }
    enum Gelu: LaneMap {
        @inline(never) static func apply(_ x: Lanes) -> Lanes {
            let (low, high) = VectorMath.widen(x)
            return VectorMath.narrow(low * VectorMath.normalCDF(low).cdf, high * VectorMath.normalCDF(high).cdf)
        }
    }
    enum GeluTanh: LaneMap {
        @inline(__always) static func apply(_ x: Lanes) -> Lanes {
            let inner = Lanes(repeating: 0.797_884_560_802_865_4) * (x + Lanes(repeating: 0.044_715) * x * x * x)
            return Lanes(repeating: 0.5) * x * (1 + VectorMath.tanh(inner))
        }
    }
    enum GeluBackward: LaneZip {
        @inline(never) static func apply(_ g: Lanes, _ x: Lanes) -> Lanes {
            @inline(__always) func half(_ g: Wide, _ x: Wide) -> Wide {
                let (cdf, gaussian) = VectorMath.normalCDF(x)
                return g * VectorMath.madd(x * gaussian, Wide(repeating: 0.398_942_280_401_432_7), cdf)
            }
            let (gLow, gHigh) = VectorMath.widen(g), (xLow, xHigh) = VectorMath.widen(x)
            return VectorMath.narrow(half(gLow, xLow), half(gHigh, xHigh))
        }
    }
    enum SigmoidBackward: LaneZip {
        @inline(__always) static func apply(_ g: Lanes, _ y: Lanes) -> Lanes { g * (1 - y) * y }
    }
    enum TanhBackward: LaneZip {
        @inline(__always) static func apply(_ g: Lanes, _ y: Lanes) -> Lanes { g * (1 - y * y) }
    }
    enum Divide: LaneZip {
        @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a / b }
    }
    enum ReluBackward: LaneZip {
        @inline(__always) static func apply(_ g: Lanes, _ y: Lanes) -> Lanes { g.replacing(with: 0, where: y .<= 0) }
    }

    /// Eight lanes at a time, the last n mod 8 elements through a zero-padded vector.
    @inline(__always)
    static func map<F: LaneMap>(_: F.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n, Mapping<F>())
    }

    /// `map` for a function with parameters, a value whose `callAsFunction` is inlined with this
    /// loop. (Given as closures, lerp's, elu's and softplus's functions were left as calls, one
    /// per vector: a [256, 512] lerp took 57 us, PyTorch's 24. Folding the padded last vector
    /// into the loop, so that a closure is called at one place, kept them inlined but cost
    /// exp's loop its vector form: 55 -> 245 us.)
    @inline(__always)
    static func map<F: LaneFunction>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(f(VectorMath.load(x + i)), y + i)
            i &+= 8
        }
        if i < n {
            let r = f(padded(x + i, n &- i))
            for j in 0..<(n &- i) { y[i &+ j] = r[j] }
        }
    }

    @inline(__always)
    static func zip<F: LaneZip>(_: F.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                _ n: Int) {
        zip(a, b, out, n, Zipping<F>())
    }

    /// `zip` for a function with parameters, as `map`'s.
    @inline(__always)
    static func zip<F: LaneFunction2>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                      _ n: Int, _ f: F) {
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(f(VectorMath.load(a + i), VectorMath.load(b + i)), out + i)
            i &+= 8
        }
        if i < n {
            let r = f(padded(a + i, n &- i), padded(b + i, n &- i))
            for j in 0..<(n &- i) { out[i &+ j] = r[j] }
        }
    }

    /// The first `count` (< 8) floats at `p`, the other lanes 0.
    @inline(__always)
    static func padded(_ p: UnsafePointer<Float>, _ count: Int) -> Lanes {
        var v = Lanes(repeating: 0)
        for j in 0..<count { v[j] = p[j] }
        return v
    }
}

/// An element function of one vector, with parameters (`VectorLoops.map`).
protocol LaneFunction {
    func callAsFunction(_ x: VectorLoops.Lanes) -> VectorLoops.Lanes
}

/// An element function of two vectors, with parameters (`VectorLoops.zip`).
protocol LaneFunction2 {
    func callAsFunction(_ a: VectorLoops.Lanes, _ b: VectorLoops.Lanes) -> VectorLoops.Lanes
}

/// A `LaneMap` as a function value.
struct Mapping<F: LaneMap>: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorLoops.Lanes) -> VectorLoops.Lanes { F.apply(x) }
}

/// A `LaneZip` as a function value.
struct Zipping<F: LaneZip>: LaneFunction2 {
    @inline(__always) func callAsFunction(_ a: VectorLoops.Lanes, _ b: VectorLoops.Lanes) -> VectorLoops.Lanes { F.apply(a, b) }
}

/// An element function of one vector, for `VectorLoops.map`.
protocol LaneMap {
    static func apply(_ x: VectorLoops.Lanes) -> VectorLoops.Lanes
}

/// An element function of two vectors, for `VectorLoops.zip`.
protocol LaneZip {
    static func apply(_ a: VectorLoops.Lanes, _ b: VectorLoops.Lanes) -> VectorLoops.Lanes
}
