/// Float32 transcendentals eight lanes at a time, in Swift SIMD types (two SSE registers on the
/// x86-64 baseline the library is built for; one AVX register where the target has it), for the
/// unary kernels whose libm call was most of their time: `exp`, `tanh`, `sigmoid`. Accuracy is
/// checked against float64 libm over every float32 exponent (VectorMathTests): at most 2 ulp,
/// the bound PyTorch's vectorised kernels (SLEEF's u10 and its own tanh) keep.
enum VectorMath {
    typealias Lanes = SIMD8<Float>

    /// Eight floats from (or to) `p`, which need not be aligned.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }

    /// e^x: x = n ln2 + r with |r| <= ln2/2, e^r by Cephes' degree-6 polynomial, 2^n built in the
    /// exponent bits in two halves so that results down to the subnormals (n to -150) and up to
    /// the overflow (n = 128) need no special case. NaN stays NaN, -inf gives 0, +inf gives inf.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        // Clamped by selects (the standard library's pointwiseMin/Max are calls, not inlined).
        var xc = x
        xc.replace(with: -104, where: x .< -104)
        xc.replace(with: 89, where: x .> 89)
        // n = round(x / ln2), by adding 1.5 * 2^23: the sum's low mantissa bits are then n.
        let magic = Lanes(repeating: 12_582_912)
        let t = xc * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        // r = x - n ln2, ln2 in two parts so that n ln2's high part is exact (Cephes).
        let r = (xc - n * 0.693_359_375) - n * -2.121_944_400_546_905_827_679e-4
        var p = Lanes(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let n1 = ni &>> 1, n2 = ni &- n1
        let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: Lanes.self)
        let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: Lanes.self)
        var y = p * s1 * s2
        y.replace(with: x, where: x .!= x)
        return y
    }

    /// tanh(x): Cephes' odd polynomial below |x| = 0.625, `1 - 2 / (e^2|x| + 1)` with x's sign
    /// above it (which reaches 1 without overflow: e^2|x| = inf gives 1).
    @inline(__always)
    static func tanh(_ x: Lanes) -> Lanes {
        let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & ~signBit, to: Lanes.self)
        let z = a * a
        var p = Lanes(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        var y = 1 - 2 / (exp(a + a) + 1)
        y.replace(with: a + a * z * p, where: a .< 0.625)
        // tanh(|x|) is never negative: x's sign bit gives tanh(x) (and -0 for -0).
        y = unsafeBitCast(unsafeBitCast(y, to: SIMD8<UInt32>.self) | (bits & signBit), to: Lanes.self)
        return y
    }

    /// 1 / (1 + e^-x): PyTorch's formula (e^-x = inf below about -88 gives 0; NaN stays NaN).
    @inline(__always)
    static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }
}

extension Kernels {
    /// `K(x)` over a contiguous float32 tensor, eight elements at a time through the kernel's
    /// vector form, the tail (fewer than eight) through a padded vector, into a new tensor.
    static func mapFloatLanes<K: FloatUnaryKernel>(_ a: Tensor, _: K.Type) throws -> Tensor {
        let out = try Tensor.empty(a.shape, .float32)
        let base = UnsafePointer(a.pointer(Float.self) + a.storageOffset), po = out.pointer(Float.self)
        Parallel.forRanges(a.count) { range in
            var i = range.lowerBound
            let end = range.upperBound
            while i &+ 8 <= end {
                VectorMath.store(K.apply(VectorMath.load(base + i)), po + i)
                i &+= 8
            }
            if i < end {
                var v = VectorMath.Lanes(repeating: 0)
                for j in 0..<(end &- i) { v[j] = base[i &+ j] }
                let y = K.apply(v)
                for j in 0..<(end &- i) { po[i &+ j] = y[j] }
            }
        }
        return out
    }
}
