/// Float32 transcendentals eight lanes at a time, in Swift SIMD types (two SSE registers on the
/// x86-64 baseline; one AVX register in SwiftGradVectorAVX2, these files compiled for AVX2 and
/// FMA), for the unary kernels whose libm call was most of their time: `exp`, `tanh`, `sigmoid`.
/// Accuracy is checked against float64 libm over every float32 exponent (VectorMathTests): at
/// most 2 ulp, the bound PyTorch's vectorised kernels (SLEEF's u10 and its own tanh) keep.
/// The AVX2 build fuses the polynomials' products and sums (`madd`), so its results may differ
/// from the baseline's in the last bit; both keep the bound.
public enum VectorMath {
    public typealias Lanes = SIMD8<Float>

    /// `a * b + c`: one fused multiply-add in the AVX2 build (SWIFTGRAD_FMA), a product and a sum
    /// in the baseline one (where a fused one would be a libm call per lane).
    @_transparent
    public static func madd(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
        #if SWIFTGRAD_FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    /// Eight floats from (or to) `p`, which need not be aligned.
    @_transparent
    public static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    @_transparent
    public static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }

    /// e^x: x = n ln2 + r with |r| <= ln2/2, e^r by Cephes' degree-6 polynomial, 2^n built in the
    /// exponent bits in two halves so that results down to the subnormals (n to -150) and up to
    /// the overflow (n = 128) need no special case. NaN stays NaN, -inf gives 0, +inf gives inf.
    @_transparent
    public static func exp(_ x: Lanes) -> Lanes {
        // Clamped by selects (the standard library's pointwiseMin/Max are calls, not inlined).
        var xc = x
        xc.replace(with: -104, where: x .< -104)
        xc.replace(with: 89, where: x .> 89)
        // n = round(x / ln2), by adding 1.5 * 2^23: the sum's low mantissa bits are then n.
        let magic = Lanes(repeating: 12_582_912)
        let t = madd(xc, Lanes(repeating: 1.442_695_040_888_963_4), magic)
        let n = t - magic
        // r = x - n ln2, ln2 in two parts so that n ln2's high part is exact (Cephes).
        let r = madd(n, Lanes(repeating: 2.121_944_400_546_905_827_679e-4), madd(n, Lanes(repeating: -0.693_359_375), xc))
        var p = Lanes(repeating: 1.987_569_150_0e-4)
        p = madd(p, r, Lanes(repeating: 1.398_199_950_7e-3))
        p = madd(p, r, Lanes(repeating: 8.333_451_907_3e-3))
        p = madd(p, r, Lanes(repeating: 4.166_579_589_4e-2))
        p = madd(p, r, Lanes(repeating: 1.666_666_545_9e-1))
        p = madd(p, r, Lanes(repeating: 5.000_000_120_1e-1))
        p = madd(p, r * r, r) + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let n1 = ni &>> 1, n2 = ni &- n1
        let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: Lanes.self)
        let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: Lanes.self)
        var y = p * s1 * s2
        y.replace(with: x, where: x .!= x)
        return y
    }

    /// ln x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m by Cephes' degree-9 polynomial in
    /// m - 1, e ln2 in two parts. Subnormals are scaled by 2^23 first; 0 gives -inf, negative
    /// input NaN, +inf stays inf, NaN stays NaN.
    @_transparent
    public static func log(_ x: Lanes) -> Lanes {
        let tiny = x .< Float.leastNormalMagnitude                         // zero and subnormal
        let scaled = x.replacing(with: x * 8_388_608, where: tiny)        // * 2^23
        let bits = unsafeBitCast(scaled, to: SIMD8<Int32>.self)
        // The exponent as a float by the magic-number trick (the standard library's conversion
        // of an integer vector is a call): 1.5 * 2^23 + e has e in its low mantissa bits.
        let magic = Lanes(repeating: 12_582_912)
        var e = unsafeBitCast(((bits &>> 23) &- 126) &+ 0x4B40_0000, to: Lanes.self) - magic
        e = e.replacing(with: e - 23, where: tiny)
        // m in [0.5, 1), then [sqrt(1/2), sqrt(2)) - 1.
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Lanes.self)
        let low = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: low)
        m = m.replacing(with: m + m, where: low) - 1
        let z = m * m
        var p = Lanes(repeating: 7.037_683_629_2e-2)
        p = madd(p, m, Lanes(repeating: -1.151_461_031_0e-1))
        p = madd(p, m, Lanes(repeating: 1.167_699_874_0e-1))
        p = madd(p, m, Lanes(repeating: -1.242_014_084_6e-1))
        p = madd(p, m, Lanes(repeating: 1.424_932_278_7e-1))
        p = madd(p, m, Lanes(repeating: -1.666_805_766_5e-1))
        p = madd(p, m, Lanes(repeating: 2.000_071_476_5e-1))
        p = madd(p, m, Lanes(repeating: -2.499_999_399_3e-1))
        p = madd(p, m, Lanes(repeating: 3.333_333_117_4e-1))
        var y = p * m * z
        y = madd(e, Lanes(repeating: -2.121_944_400_546_905_827_679e-4), y)
        y = madd(z, Lanes(repeating: -0.5), y)
        var r = m + y
        r = madd(e, Lanes(repeating: 0.693_359_375), r)
        r.replace(with: -.infinity, where: x .== 0)
        r.replace(with: .nan, where: x .< 0)
        r.replace(with: x, where: (x .!= x) .| (x .== .infinity))
        return r
    }

    /// tanh(x): Cephes' odd polynomial below |x| = 0.625, `1 - 2 / (e^2|x| + 1)` with x's sign
    /// above it (which reaches 1 without overflow: e^2|x| = inf gives 1).
    @_transparent
    public static func tanh(_ x: Lanes) -> Lanes {
        let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & ~signBit, to: Lanes.self)
        let z = a * a
        var p = Lanes(repeating: -5.704_988_727_45e-3)
        p = madd(p, z, Lanes(repeating: 2.063_908_879_54e-2))
        p = madd(p, z, Lanes(repeating: -5.373_971_555_31e-2))
        p = madd(p, z, Lanes(repeating: 1.333_144_220_36e-1))
        p = madd(p, z, Lanes(repeating: -3.333_328_194_22e-1))
        var y = 1 - 2 / (exp(a + a) + 1)
        y.replace(with: madd(a * z, p, a), where: a .< 0.625)
        // tanh(|x|) is never negative: x's sign bit gives tanh(x) (and -0 for -0).
        y = unsafeBitCast(unsafeBitCast(y, to: SIMD8<UInt32>.self) | (bits & signBit), to: Lanes.self)
        return y
    }

    /// 1 / (1 + e^-x): PyTorch's formula (e^-x = inf below about -88 gives 0; NaN stays NaN).
    @_transparent
    public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }

    /// Φ(x), the standard normal distribution function, with `e^(-x²/2)` that it is built
    /// from (gelu's gradient needs both). For x <= 0, Φ(x) = e^(-x²/2) Q(|x|), where Q (a
    /// Mills ratio) is smooth and positive: a degree-9 polynomial in |x| - 0.625 below 1.25, and
    /// degree-8 polynomials in 1/|x| from 1.25 to 3 and from 3 to 15 (least-squares fits to
    /// float64 erfc, relative error under 1e-8). For x > 0, Φ(x) = 1 - Φ(-x). No step subtracts
    /// nearly equal numbers, so the tail keeps its relative accuracy: e^(-x²/2) comes from x
    /// split as h + l with h of 12 significant bits, so that h² is exact and e^(-(2hl + l²)/2)
    /// a short series. gelu from it is within 6 ulp of float64 (5 seen on 2.2M inputs) while
    /// Φ(x) is a normal float32 (x above -13; VectorMathTests), the tail included, where
    /// PyTorch's vectorised erf (absolute error about 1e-7) loses all relative accuracy since
    /// 1 + erf cancels.
    @_transparent
    public static func normalCDF(_ x: Lanes) -> (cdf: Lanes, gaussian: Lanes) {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
        let h = unsafeBitCast(unsafeBitCast(a, to: SIMD8<UInt32>.self) & 0xFFFF_F000, to: Lanes.self)
        let b = (a - h) * (h + a) * -0.5  // -(a² - h²)/2, |b| < 0.06 below a = 15
        var eb = madd(b, Lanes(repeating: 1.0 / 24), Lanes(repeating: 1.0 / 6))
        eb = madd(eb, b, Lanes(repeating: 0.5))
        eb = madd(eb, b, Lanes(repeating: 1))
        eb = madd(eb, b, Lanes(repeating: 1))
        var gaussian = exp(h * h * -0.5) * eb
        let near = a .< 1.25, middle = a .< 3
        @inline(__always) func pick(_ p: Float, _ q: Float, _ r: Float) -> Lanes {
            Lanes(repeating: r).replacing(with: q, where: middle).replacing(with: p, where: near)
        }
        let w = a.replacing(with: 1 / a, where: .!near) - pick(0.625, 0.566_666_66, 0.2)
        var q = pick(-7.029_102_6e-05, 0, 0)
        q = madd(q, w, pick(2.482_758_7e-04, 0.060_612_086, -1.854_736_3))
        q = madd(q, w, pick(-7.498_209e-04, -0.082_621_38, 1.702_808_9))
        q = madd(q, w, pick(2.305_198_2e-03, 0.073_644_1, -0.375_753_52))
        q = madd(q, w, pick(-6.693_102_9e-03, -0.044_281_825, -0.343_645_81))
        q = madd(q, w, pick(0.018_050_002, -4.771_526_9e-03, 0.388_895_09))
        q = madd(q, w, pick(-0.044_747_397, 0.070_066_49, -0.121_816_09))
        q = madd(q, w, pick(0.100_164_09, -0.146_917_57, -0.171_179_98))
        q = madd(q, w, pick(-0.196_844_67, 0.230_429_23, 0.358_643_89))
        q = madd(q, w, pick(0.323_356_18, 0.184_137_7, 0.076_919_31))
        var tail = gaussian * q
        // Beyond 15 (and for infinities, where h - a is NaN) Φ(-|x|) is below float32's range.
        tail.replace(with: 0, where: a .> 15)
        gaussian.replace(with: 0, where: a .> 15)
        var cdf = (1 - tail).replacing(with: tail, where: x .<= 0)
        cdf.replace(with: x, where: x .!= x)
        return (cdf, gaussian)
    }
}
