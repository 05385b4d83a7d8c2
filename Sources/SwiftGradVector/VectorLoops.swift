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

    /// Every loop of this module, for the dispatch table (a tuple: the same type in both builds).
    public static let all: (exp: Unary, log: Unary, tanh: Unary, sigmoid: Unary, sigmoidBackward: Binary,
                            tanhBackward: Binary, gelu: Unary, geluBackward: Binary, geluTanh: Unary) =
        (exp, log, tanh, sigmoid, sigmoidBackward, tanhBackward, gelu, geluBackward, geluTanh)

    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { VectorMath.exp($0) }
    }

    public static func log(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { VectorMath.log($0) }
    }

    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { VectorMath.tanh($0) }
    }

    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { VectorMath.sigmoid($0) }
    }

    /// The exact gelu, `x Φ(x)`: in float64 lanes, rounded to float32 once.
    public static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { x in
            let (low, high) = VectorMath.widen(x)
            return VectorMath.narrow(low * VectorMath.normalCDF(low).cdf, high * VectorMath.normalCDF(high).cdf)
        }
    }

    /// gelu's tanh approximation, PyTorch's formula in its order:
    /// `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))`.
    public static func geluTanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n) { x in
            let inner = Lanes(repeating: 0.797_884_560_802_865_4) * (x + Lanes(repeating: 0.044_715) * x * x * x)
            return Lanes(repeating: 0.5) * x * (1 + VectorMath.tanh(inner))
        }
    }

    /// The gradient of gelu's input from its output's gradient `g` and its input `x`:
    /// `g (Φ(x) + x φ(x))` with φ(x) = e^(-x²/2) / sqrt(2 pi) (PyTorch's GeluBackward formula).
    /// All of it in float64 lanes, g's product included, and rounded to float32 once: within
    /// 1 ulp of the float64 value, and near x = -0.75, where the sum crosses zero, within about
    /// half an ulp of the size of its terms, |g| (Φ(x) + |x| φ(x)).
    public static func geluBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                    _ n: Int) {
        zip(g, x, out, n) { g, x in
            @inline(__always) func half(_ g: Wide, _ x: Wide) -> Wide {
                let (cdf, gaussian) = VectorMath.normalCDF(x)
                return g * VectorMath.madd(x * gaussian, Wide(repeating: 0.398_942_280_401_432_7), cdf)
            }
            let (gLow, gHigh) = VectorMath.widen(g), (xLow, xHigh) = VectorMath.widen(x)
            return VectorMath.narrow(half(gLow, xLow), half(gHigh, xHigh))
        }
    }

    /// The gradient of sigmoid's input from its output's gradient `g` and its output `y`:
    /// `g (1 - y) y`, evaluated in that order (as the scalar kernel does).
    public static func sigmoidBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                       _ n: Int) {
        zip(g, y, out, n) { g, y in g * (1 - y) * y }
    }

    /// The gradient of tanh's input: `g (1 - y y)`.
    public static func tanhBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                    _ n: Int) {
        zip(g, y, out, n) { g, y in g * (1 - y * y) }
    }

    /// Eight lanes at a time, the last n mod 8 elements through a zero-padded vector.
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Lanes) -> Lanes) {
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(f(VectorMath.load(x + i)), y + i)
            i &+= 8
        }
        if i < n {
            var v = Lanes(repeating: 0)
            for j in 0..<(n &- i) { v[j] = x[i &+ j] }
            let r = f(v)
            for j in 0..<(n &- i) { y[i &+ j] = r[j] }
        }
    }

    @inline(__always)
    static func zip(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int,
                    _ f: (Lanes, Lanes) -> Lanes) {
        var i = 0
        while i &+ 8 <= n {
            VectorMath.store(f(VectorMath.load(a + i), VectorMath.load(b + i)), out + i)
            i &+= 8
        }
        if i < n {
            var u = Lanes(repeating: 0), v = Lanes(repeating: 0)
            for j in 0..<(n &- i) { u[j] = a[i &+ j]; v[j] = b[i &+ j] }
            let r = f(u, v)
            for j in 0..<(n &- i) { out[i &+ j] = r[j] }
        }
    }
}
