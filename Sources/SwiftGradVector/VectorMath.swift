#if canImport(Glibc)
import Glibc
#endif

/// Float32 transcendentals eight lanes at a time, in Swift SIMD types (two SSE registers on the
/// x86-64 baseline; one AVX register in SwiftGradVectorAVX2, these files compiled for AVX2 and
/// FMA), for the unary kernels whose libm call was most of their time: `exp`, `expm1`, `log1p`,
/// `tanh`, `sigmoid`, `erf`, `sin`, `cos`.
/// Accuracy is checked against float64 libm over every float32 exponent (VectorMathTests): at
/// most 2 ulp, the bound PyTorch's vectorised kernels (SLEEF's u10 and its own tanh) keep.
/// gelu's Φ (`normalCDF`) is evaluated in float64 lanes, four to a `Wide`, two `Wide` per eight
/// floats, and gelu rounded to float32 once: within 1 ulp. The AVX2 build fuses the
/// polynomials' products and sums (`madd`), so its results may differ from the baseline's in the
/// last bit; both keep the bounds.
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

    /// Four float64 lanes: gelu's Φ is evaluated in them (`normalCDF`), two per `Lanes`.
    public typealias Wide = SIMD4<Double>

    /// `a * b + c` in float64 lanes, fused in the AVX2 build as `madd` on `Lanes`.
    @_transparent
    public static func madd(_ a: Wide, _ b: Wide, _ c: Wide) -> Wide {
        #if SWIFTGRAD_FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    /// Eight floats as two halves of four doubles (exact; cvtps2pd), and two halves back,
    /// each lane rounded to float32 once (cvtpd2ps).
    @_transparent
    public static func widen(_ x: Lanes) -> (low: Wide, high: Wide) { (Wide(x.lowHalf), Wide(x.highHalf)) }
    @_transparent
    public static func narrow(_ low: Wide, _ high: Wide) -> Lanes {
        Lanes(lowHalf: SIMD4<Float>(low), highHalf: SIMD4<Float>(high))
    }

    /// The float64 sum of `n` float32 terms, `chunk(i)` giving terms i..<i + 8 and `term(i)` term
    /// i (for the last few): each term widened exactly and added in sixteen float64 lanes (four
    /// independent chains, so that the loop is not bound by one addition's latency), the lanes
    /// then added pairwise. The one widening sum of the vector loops and SwiftGrad's reductions:
    /// float lanes are faster but lose the accuracy a cancelling sum needs (`VectorLoops.rowSum`).
    @inlinable @inline(__always)
    public static func widenedSum(_ n: Int, chunk: (Int) -> Lanes, term: (Int) -> Float) -> Double {
        widenedFold(n, product: false, chunk: chunk, term: term)
    }

    /// `widenedSum`, or with `product` the float64 product of the terms in the same lanes and
    /// order (a row of `prod`: four running products per chain instead of one).
    @inlinable @inline(__always)
    public static func widenedFold(_ n: Int, product: Bool, chunk: (Int) -> Lanes, term: (Int) -> Float) -> Double {
        @inline(__always) func combine(_ a: Wide, _ b: Wide) -> Wide { product ? a * b : a + b }
        @inline(__always) func combine(_ a: Double, _ b: Double) -> Double { product ? a * b : a + b }
        let start = Wide(repeating: product ? 1 : 0)
        var a0 = start, a1 = start, a2 = start, a3 = start
        var i = 0
        while i &+ 16 <= n {
            let first = widen(chunk(i)), second = widen(chunk(i &+ 8))
            a0 = combine(a0, first.low)
            a1 = combine(a1, first.high)
            a2 = combine(a2, second.low)
            a3 = combine(a3, second.high)
            i &+= 16
        }
        if i &+ 8 <= n {
            let last = widen(chunk(i))
            a0 = combine(a0, last.low)
            a1 = combine(a1, last.high)
            i &+= 8
        }
        let lanes = combine(combine(a0, a1), combine(a2, a3))
        var total = combine(combine(lanes[0], lanes[1]), combine(lanes[2], lanes[3]))
        while i < n {
            total = combine(total, Double(term(i)))
            i &+= 1
        }
        return total
    }

    /// `totals[0..<8] += v`, each lane widened exactly: a float64 running total per lane.
    @_transparent
    public static func addWidened(_ v: Lanes, into totals: UnsafeMutablePointer<Double>) {
        let halves = widen(v), low = UnsafeMutableRawPointer(totals), high = UnsafeMutableRawPointer(totals + 4)
        low.storeBytes(of: low.loadUnaligned(as: Wide.self) + halves.low, as: Wide.self)
        high.storeBytes(of: high.loadUnaligned(as: Wide.self) + halves.high, as: Wide.self)
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

    /// e^x - 1 without the cancellation near 0: x = n ln2 + r as in `exp`, e^r - 1 by its
    /// Taylor polynomial to r^8 (the next term is below 1e-10 of it for |r| <= ln2/2), then
    /// 2^n (e^r - 1) + (2^n - 1), exact for n <= 24; above, (1 + (e^r - 1)) 2^n - 1, with 2^n in
    /// two halves up to the overflow. Within 1 ulp (both builds). Signed zeros and NaN pass
    /// through, -inf gives -1, +inf gives inf.
    @_transparent
    public static func expm1(_ x: Lanes) -> Lanes {
        var xc = x
        xc.replace(with: -30, where: x .< -30)  // e^-30 - 1 rounds to -1
        xc.replace(with: 89, where: x .> 89)
        let magic = Lanes(repeating: 12_582_912)
        let t = madd(xc, Lanes(repeating: 1.442_695_040_888_963_4), magic)
        let n = t - magic
        let r = madd(n, Lanes(repeating: 2.121_944_400_546_905_827_679e-4), madd(n, Lanes(repeating: -0.693_359_375), xc))
        var p = Lanes(repeating: 1.0 / 40320)
        p = madd(p, r, Lanes(repeating: 1.0 / 5040))
        p = madd(p, r, Lanes(repeating: 1.0 / 720))
        p = madd(p, r, Lanes(repeating: 1.0 / 120))
        p = madd(p, r, Lanes(repeating: 1.0 / 24))
        p = madd(p, r, Lanes(repeating: 1.0 / 6))
        p = madd(p, r, Lanes(repeating: 0.5))
        p = madd(p, r * r, r)
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let n1 = ni &>> 1, n2 = ni &- n1
        let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: Lanes.self)
        let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: Lanes.self)
        let s = s1 * s2
        var y = madd(s, p, s - 1)
        y.replace(with: (p + 1) * s1 * s2 - 1, where: n .> 24)
        y.replace(with: x, where: (x .!= x) .| (x .== 0))
        return y
    }

    /// ln(1 + x) without the cancellation near 0: ln(u) x / (u - 1) for u = 1 + x rounded
    /// (Goldberg's correction of u's rounding), x itself where u rounds to 1. Within 2 ulp.
    /// -1 gives -inf, below it NaN; +inf stays inf, signed zeros and NaN pass through.
    @_transparent
    public static func log1p(_ x: Lanes) -> Lanes {
        let u = 1 + x
        var y = log(u) * (x / (u - 1))
        y.replace(with: x, where: (u .== 1) .| (x .== .infinity))
        return y
    }

    /// erf(x) in float32 lanes, within 1 ulp (VectorMathTests; scripts/fit_erf.py fits the two
    /// polynomials and checks them). For a = |x| (x's sign is put back):
    /// below 0.921875, `a + a P(a²)` (P(0) = 2/sqrt(pi) - 1, so that the rounding of the leading
    /// coefficient weighs an eighth of what it would in `a P`); above, `1 - e^(-a²) R(a)` with
    /// R(a) = erfc(a) e^(a²) as a polynomial in w = (a - 2) / (a + 2) and a clamped to 4, where
    /// erf rounds to 1. In that form an error in R moves erf by at most erfc(0.92) = 0.19 of it,
    /// so e^(-a²) from the rounded a² and `exp` keep float32 accuracy. Signed zeros and NaN pass
    /// through, ±inf gives ±1.
    @_transparent
    public static func erf(_ x: Lanes) -> Lanes {
        let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & ~signBit, to: Lanes.self)
        let z = a * a
        var p = Lanes(repeating: 8.370096e-05)
        p = madd(p, z, Lanes(repeating: -8.142703e-04))
        p = madd(p, z, Lanes(repeating: 5.2010324e-03))
        p = madd(p, z, Lanes(repeating: -2.6859399e-02))
        p = madd(p, z, Lanes(repeating: 1.1283696e-01))
        p = madd(p, z, Lanes(repeating: -3.7612635e-01))
        p = madd(p, z, Lanes(repeating: 1.2837917e-01))
        var b = a
        b.replace(with: 4, where: a .> 4)
        let w = (b - 2) / (b + 2)
        var r = Lanes(repeating: -9.331247e-04)
        r = madd(r, w, Lanes(repeating: -8.363909e-04))
        r = madd(r, w, Lanes(repeating: 6.992565e-03))
        r = madd(r, w, Lanes(repeating: 3.732137e-03))
        r = madd(r, w, Lanes(repeating: -7.897839e-02))
        r = madd(r, w, Lanes(repeating: 2.4165821e-01))
        r = madd(r, w, Lanes(repeating: -4.2718586e-01))
        r = madd(r, w, Lanes(repeating: 2.5539568e-01))
        var y = 1 - exp(-(b * b)) * r
        y.replace(with: madd(a, p, a), where: a .< 0.921875)
        return unsafeBitCast(unsafeBitCast(y, to: SIMD8<UInt32>.self) | (bits & signBit), to: Lanes.self)
    }

    /// sin(x) and cos(x), each lane in float64 and rounded to float32 once: within 1 ulp, and
    /// correctly rounded but where the value lies within about 1e-11 of its ulp from a tie.
    /// x = j π/2 + r with |r| <= π/4: j = round(x 2/π), r = x - j π/2 with π/2 in fdlibm's three
    /// parts of 33 bits, whose products with j are exact for |x| <= 2^20 (fused or not), and
    /// the first subtraction too (the two are within a factor of 2); sin r and cos r by their
    /// Taylor polynomials to r^13 and r^12 (the next terms are below 1e-13 of them), chosen and
    /// signed by j mod 4. Beyond 2^20 (and for ±inf), where three parts would not do, lanes go
    /// through libm's sinf and cosf one by one. sin keeps a zero's sign; NaN stays NaN.
    @_transparent
    public static func sin(_ x: Lanes) -> Lanes { sinCos(x, cosine: false) }

    @_transparent
    public static func cos(_ x: Lanes) -> Lanes { sinCos(x, cosine: true) }

    @usableFromInline @_transparent
    static func sinCos(_ x: Lanes, cosine: Bool) -> Lanes {
        if any((x .> 1_048_576) .| (x .< -1_048_576)) { return farSinCos(x, cosine: cosine) }
        let (low, high) = widen(x)
        return narrow(sinCos(low, cosine: cosine), sinCos(high, cosine: cosine))
    }

    /// `sinCos` for lanes of which some lie beyond 2^20 (or are infinite): those through libm,
    /// the others as usual. Out of line, so that the common path keeps its lanes in registers
    /// (with the lanes patched in place, sin took 30% longer on arguments all below 2^20).
    @usableFromInline @inline(never)
    static func farSinCos(_ x: Lanes, cosine: Bool) -> Lanes {
        let (low, high) = widen(x)
        var y = narrow(sinCos(low, cosine: cosine), sinCos(high, cosine: cosine))
        for i in 0..<8 where !(x[i] <= 1_048_576 && x[i] >= -1_048_576) && !x[i].isNaN {
            y[i] = cosine ? cosf(x[i]) : sinf(x[i])
        }
        return y
    }

    @usableFromInline @_transparent
    static func sinCos(_ x: Wide, cosine: Bool) -> Wide {
        // j = round(x 2/π), by adding 1.5 * 2^52: the sum's low mantissa bits are then j.
        let magic = Wide(repeating: 6_755_399_441_055_744)
        let t = madd(x, Wide(repeating: 0.636_619_772_367_581_4), magic)
        let j = t - magic
        var r = madd(j, Wide(repeating: -1.570_796_326_734_125_614_17), x)
        r = madd(j, Wide(repeating: -6.077_100_506_303_965_976_6e-11), r)
        r = madd(j, Wide(repeating: -2.022_266_248_711_166_455_8e-21), r)
        let z = r * r
        var s = Wide(repeating: 1.0 / 6_227_020_800)
        s = madd(s, z, Wide(repeating: -1.0 / 39_916_800))
        s = madd(s, z, Wide(repeating: 1.0 / 362_880))
        s = madd(s, z, Wide(repeating: -1.0 / 5040))
        s = madd(s, z, Wide(repeating: 1.0 / 120))
        s = madd(s, z, Wide(repeating: -1.0 / 6))
        let sine = r * madd(s, z, Wide(repeating: 1))         // r (1 + ...) keeps -0's sign
        var c = Wide(repeating: 1.0 / 479_001_600)
        c = madd(c, z, Wide(repeating: -1.0 / 3_628_800))
        c = madd(c, z, Wide(repeating: 1.0 / 40320))
        c = madd(c, z, Wide(repeating: -1.0 / 720))
        c = madd(c, z, Wide(repeating: 1.0 / 24))
        c = madd(c, z, Wide(repeating: -0.5))
        let cosineOfR = madd(c, z, Wide(repeating: 1))
        // Quadrant q = j mod 4 (j + 1 for cos) gives sin r, cos r, -sin r, -cos r. It is found
        // as m = q/4 = j/4 - floor(j/4), floor by the magic number again (j/4 - 3/8 is never a
        // tie), in float64 lanes: taken from t's bits as integers, it made the compiler split
        // the lanes and evaluate the polynomials one lane at a time (sin 600 us for [256, 512]).
        let quarter = (cosine ? j + 1 : j) * 0.25
        let m = quarter - ((quarter - 0.375 + magic) - magic)
        let v = sine.replacing(with: cosineOfR, where: (m .== 0.25) .| (m .== 0.75))
        return v.replacing(with: -v, where: m .>= 0.5)
    }

    /// 1 / (1 + e^-x): PyTorch's formula (e^-x = inf below about -88 gives 0; NaN stays NaN).
    @_transparent
    public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }

    /// e^x in float64 lanes, for x in [-708, 709] only (results in the normal range; outside
    /// it the result is garbage, and `normalCDF` replaces it): x = n ln2 + r with |r| <= ln2/2,
    /// e^r = 1 + r + r² P(r) with P of degree 8 (minimax, relative error 4.4e-16:
    /// scripts/fit_normal_cdf.py), 2^n built in the exponent bits.
    @usableFromInline @_transparent
    static func exp(_ x: Wide) -> Wide {
        // n = round(x / ln2), by adding 1.5 * 2^52: the sum's low mantissa bits are then n.
        let magic = Wide(repeating: 6_755_399_441_055_744)
        let t = madd(x, Wide(repeating: 1.442_695_040_888_963_4), magic)
        let n = t - magic
        // r = x - n ln2, ln2 in two parts, the first with 32 significant bits so that n ln2's
        // high part is exact (fdlibm's).
        let r = madd(n, Wide(repeating: -1.908_214_929_270_587_7e-10), madd(n, Wide(repeating: -0.693_147_180_369_123_8), x))
        var p = Wide(repeating: 2.749_363_176_788_133_5e-7)
        p = madd(p, r, Wide(repeating: 2.763_497_993_220_552e-6))
        p = madd(p, r, Wide(repeating: 2.480_187_745_559_848e-5))
        p = madd(p, r, Wide(repeating: 0.000_198_411_852_670_139_58))
        p = madd(p, r, Wide(repeating: 0.001_388_888_857_826_505_2))
        p = madd(p, r, Wide(repeating: 0.008_333_333_370_838_048))
        p = madd(p, r, Wide(repeating: 0.041_666_666_667_842_77))
        p = madd(p, r, Wide(repeating: 0.166_666_666_666_116_74))
        p = madd(p, r, Wide(repeating: 0.499_999_999_999_987_9))
        p = madd(p, r * r, r) + 1
        // 2^n: t's bits are those of 1.5 * 2^52 plus n, and shifting n + 1023 into the exponent
        // field pushes the rest out.
        let scale = unsafeBitCast((unsafeBitCast(t, to: SIMD4<Int64>.self) &+ 1023) &<< 52, to: Wide.self)
        return p * scale
    }

    /// Φ(x), the standard normal distribution function, with `e^(-x²/2)` that it is built
    /// from (gelu's gradient needs both), in float64 lanes: for a float32 x widened to float64
    /// (`widen`) and x Φ(x) rounded to float32 once at the end (`narrow`), gelu is within 1 ulp
    /// of float64, the negative tail and its subnormal results included, where PyTorch's
    /// vectorised erf (absolute error about 1e-7) loses all relative accuracy since 1 + erf
    /// cancels. It is correctly rounded but where x Φ(x) lies within about 3e-14 of a tie: 45
    /// of the 2.2e9 floats in [-13, 13] (44 in the AVX2 build), checked one by one when this
    /// was written (VectorMathTests checks a sample).
    ///
    /// For a = |x|, Φ(-a) = e^(-a²/2) Q(a), where Q (a scaled Mills ratio) is smooth and
    /// positive: one degree-16 polynomial in w = (a - 5)/(a + 5) + 0.2 on [0, 20], a minimax
    /// fit to Q in relative error (3e-14; scripts/fit_normal_cdf.py), whose value at a = 0 is
    /// just below 1/2, as Φ(-a) is for small a > 0 (so that x Φ(x) for x below 2^-125, whose
    /// x/2 can be a tie, rounds the way the exact value does). For x > 0, Φ(x) = 1 - Φ(-x). No
    /// step subtracts nearly equal numbers, so the tail keeps its relative accuracy; a² is exact
    /// in float64 for a float32 a, so e^(-a²/2) needs no split of a. Beyond a = 20 both Φ(-a)
    /// and e^(-a²/2) are 0 (g (Φ + x φ) then rounds to 0 in float32 for every finite g); -inf
    /// gives 0 and 0, +inf 1 and 0, NaN NaN.
    @_transparent
    public static func normalCDF(_ x: Wide) -> (cdf: Wide, gaussian: Wide) {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF, to: Wide.self)
        var gaussian = exp(a * (a * -0.5))
        let w = madd(a, Wide(repeating: 1.2), Wide(repeating: -4)) / (a + 5)
        var q = Wide(repeating: 8.338_810_671_144_443e-8)
        q = madd(q, w, Wide(repeating: -8.138_386_221_566_797e-8))
        q = madd(q, w, Wide(repeating: -8.608_824_502_006_508e-7))
        q = madd(q, w, Wide(repeating: 1.147_557_883_586_134_6e-6))
        q = madd(q, w, Wide(repeating: 6.874_015_275_046_182e-6))
        q = madd(q, w, Wide(repeating: -1.656_321_224_312_253_6e-5))
        q = madd(q, w, Wide(repeating: -4.335_822_215_082_067_5e-5))
        q = madd(q, w, Wide(repeating: 0.000_244_589_971_216_354_87))
        q = madd(q, w, Wide(repeating: -0.000_126_547_861_763_246_86))
        q = madd(q, w, Wide(repeating: -0.002_480_038_050_539_799_7))
        q = madd(q, w, Wide(repeating: 0.012_457_384_772_813_357))
        q = madd(q, w, Wide(repeating: -0.036_268_232_526_484_94))
        q = madd(q, w, Wide(repeating: 0.077_348_519_769_195_86))
        q = madd(q, w, Wide(repeating: -0.130_108_673_888_359_23))
        q = madd(q, w, Wide(repeating: 0.178_189_638_177_303_5))
        q = madd(q, w, Wide(repeating: -0.201_328_176_000_365_8))
        q = madd(q, w, Wide(repeating: 0.110_985_306_917_217_6))
        var tail = gaussian * q
        // Beyond 20 (and for infinities, where w and r are NaN) the results are 0.
        let far = a .> 20
        tail.replace(with: 0, where: far)
        gaussian.replace(with: 0, where: far)
        let cdf = (1 - tail).replacing(with: tail, where: x .<= 0)
        return (cdf, gaussian)
    }
}
