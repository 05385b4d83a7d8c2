import Foundation
import Testing
@testable import SwiftGrad
import SwiftGradVector
#if SWIFTGRAD_AVX2
import CCPUFeatures
import SwiftGradVectorAVX2
#endif

/// The vectorised float32 exp, tanh and sigmoid against float64 libm rounded to float32, over
/// float32 inputs spread across every exponent of their interesting range (a stride through the
/// bit patterns, both signs) and the special values: at most 2 ulp apart, NaN for NaN, the
/// limits at the infinities, and the tensor ops agree with the vector forms on a length that
/// leaves a tail.
@Suite struct VectorMathTests {
    typealias Unary = SwiftGradVector.VectorLoops.Unary
    typealias Binary = SwiftGradVector.VectorLoops.Binary

    /// Distance in units in the last place between two finite float32 values of the same sign,
    /// counting the subnormals (the bit patterns of floats of one sign are ordered).
    func ulps(_ a: Float, _ b: Float) -> Int {
        if a == b { return 0 }
        func key(_ x: Float) -> Int64 {
            let bits = Int64(x.bitPattern & 0x7FFF_FFFF)
            return x.sign == .minus ? -bits : bits
        }
        return Int(abs(key(a) - key(b)))
    }

    /// Every float32 whose magnitude lies in [lo, hi], both signs, stepping through bit patterns.
    func samples(lo: Float, hi: Float, step: UInt32 = 2053) -> [Float] {
        var out: [Float] = []
        var bits = lo.bitPattern
        while bits <= hi.bitPattern {
            let x = Float(bitPattern: bits)
            out.append(x)
            out.append(-x)
            bits &+= step
        }
        return out
    }

    /// The loop sets to check: the baseline build's, and the AVX2 build's where this package
    /// was built with it and the processor runs it.
    var loopSets: [(String, SwiftGradVector.VectorLoops.Table)] {
        var sets = [("baseline", SwiftGradVector.VectorLoops.all)]
        #if SWIFTGRAD_AVX2
        if sgcpu_has_avx2_fma() { sets.append(("AVX2", SwiftGradVectorAVX2.VectorLoops.all)) }
        #endif
        return sets
    }

    func run(_ loop: Unary, _ xs: [Float]) -> [Float] {
        var ys = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in ys.withUnsafeMutableBufferPointer { loop(x.baseAddress!, $0.baseAddress!, xs.count) } }
        return ys
    }

    /// One value through the loop's tail path (a padded vector) and eight through its main path.
    func single(_ loop: Unary, _ x: Float) -> (Float, Float) {
        (run(loop, [x])[0], run(loop, [Float](repeating: x, count: 8))[3])
    }

    func maxError(_ xs: [Float], _ loop: Unary, _ reference: (Double) -> Double) -> (Int, Float) {
        var worst = (0, Float(0))
        for (x, y) in zip(xs, run(loop, xs)) {
            let e = ulps(y, Float(reference(Double(x))))
            if e > worst.0 { worst = (e, x) }
        }
        return worst
    }

    /// sqrt, rsqrt (1 / sqrt, two roundings, as PyTorch's) and reciprocal in lanes give the scalar
    /// operations' bits, signed zeros, infinities, NaN and subnormals included, in the
    /// main loop and in the tail.
    @Test func rootsAndReciprocalsMatchTheScalarOperations() {
        var xs: [Float] = [0, -0.0, 1, -1, 2, 0.25, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                           -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1.5e19, 3.3, 7.77]
        xs += samples(lo: 1e-30, hi: 1e30, step: 1 << 20)
        for (name, loops) in loopSets {
            for (what, loop, scalar) in [("sqrt", loops.sqrt, { (x: Float) in x.squareRoot() }),
                                         ("rsqrt", loops.rsqrt, { (x: Float) in 1 / x.squareRoot() }),
                                         ("reciprocal", loops.reciprocal, { (x: Float) in 1 / x })] {
                for (x, y) in zip(xs, run(loop, xs)) {
                    let want = scalar(x)
                    #expect(y.bitPattern == want.bitPattern || (y.isNaN && want.isNaN), "\(name) \(what)(\(x)): \(y) vs \(want)")
                }
                let (tail, main) = single(loop, -0.0)
                #expect(tail.bitPattern == scalar(-0.0).bitPattern && main.bitPattern == scalar(-0.0).bitPattern, "\(name) \(what)(-0)")
            }
        }
    }

    /// Division in lanes, of two buffers and by one number, gives the scalar division's bits for
    /// every pairing of signed zeros, infinities, NaN, subnormals and ordinary values, in the main
    /// loop and in the tail (19 values: two vectors and a tail of three).
    @Test func divisionMatchesTheScalarDivision() {
        let specials: [Float] = [0, -0.0, 1, -1, 3, 0.1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                                 -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1.5e-39,
                                 7.77, -2.5e30, 1e-30, 6, 1 / 3]
        for (name, loops) in loopSets {
            for d in specials {
                let ds = [Float](repeating: d, count: specials.count)
                var pairwise = [Float](repeating: 0, count: specials.count), scaled = pairwise
                specials.withUnsafeBufferPointer { a in
                    ds.withUnsafeBufferPointer { b in
                        pairwise.withUnsafeMutableBufferPointer { loops.div(a.baseAddress!, b.baseAddress!, $0.baseAddress!, a.count) }
                    }
                    scaled.withUnsafeMutableBufferPointer { loops.divByScalar(a.baseAddress!, d, $0.baseAddress!, a.count) }
                }
                for (i, x) in specials.enumerated() {
                    let want = x / d
                    for (what, y) in [("div", pairwise[i]), ("divByScalar", scaled[i])] {
                        #expect(y.bitPattern == want.bitPattern || (y.isNaN && want.isNaN), "\(name) \(what)(\(x), \(d)): \(y) vs \(want)")
                    }
                }
            }
        }
    }

    @Test func expWithinTwoUlp() {
        let xs = samples(lo: 1e-30, hi: 103.9)
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.exp, Foundation.exp)
            #expect(e <= 2, "\(name) exp: \(e) ulp at \(at)")
            let specials: [Float] = [0, -0.0, .infinity, -.infinity, 88.72283, 88.7229, -87.33, -100, -103.9, -104.5, 200, -200]
            for x in specials {
                let (tail, main) = single(loops.exp, x)
                #expect(ulps(tail, Float(Foundation.exp(Double(x)))) <= 2, "\(name) exp(\(x)) = \(tail)")
                #expect(tail.bitPattern == main.bitPattern)
            }
            #expect(single(loops.exp, .nan).0.isNaN && single(loops.exp, .nan).1.isNaN)
        }
    }

    @Test func logWithinTwoUlp() {
        // Every positive float from the smallest subnormal up, through the bit patterns.
        var xs: [Float] = []
        var bits: UInt32 = 1
        while bits < Float.infinity.bitPattern {
            xs.append(Float(bitPattern: bits))
            bits &+= 2053
        }
        xs += [1, 2, 0.5, 0.70710677, 0.7071068, 1.4142135, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.log, Foundation.log)
            #expect(e <= 2, "\(name) log: \(e) ulp at \(at)")
            #expect(single(loops.log, 0).0 == -.infinity && single(loops.log, -0.0).0 == -.infinity)
            #expect(single(loops.log, .infinity).0 == .infinity)
            #expect(single(loops.log, -1).0.isNaN && single(loops.log, -.infinity).0.isNaN)
            #expect(single(loops.log, .nan).0.isNaN)
            #expect(single(loops.log, 1).0 == 0)
        }
    }

    @Test func tanhWithinTwoUlp() {
        let xs = samples(lo: 1e-30, hi: 20)
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.tanh, Foundation.tanh)
            #expect(e <= 2, "\(name) tanh: \(e) ulp at \(at)")
            for x: Float in [0, -0.0, .infinity, -.infinity, 0.625, -0.625, 0.62499994, 9, 50] {
                let (got, main) = single(loops.tanh, x)
                #expect(got == Float(Foundation.tanh(Double(x))) || ulps(got, Float(Foundation.tanh(Double(x)))) <= 2, "\(name) tanh(\(x)) = \(got)")
                #expect(got.sign == x.sign, "tanh(\(x)) keeps the sign")
                #expect(got.bitPattern == main.bitPattern)
            }
            #expect(single(loops.tanh, .nan).0.isNaN)
        }
    }

    /// erf within 1 ulp of float64 libm from the subnormals up to where it rounds to 1 (3.92),
    /// both sides of the split between its two forms, and ±1 beyond; signed zeros kept.
    @Test func erfWithinOneUlp() {
        let xs = samples(lo: 1e-30, hi: 5) + [0.921875, 0.92187494, 0.9218751, 3.92, 4, 4.0000005, 1e-40, -1e-40,
                                              .leastNonzeroMagnitude, .leastNormalMagnitude]
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.erf, Foundation.erf)
            #expect(e <= 1, "\(name) erf: \(e) ulp at \(at)")
            for (x, want): (Float, Float) in [(0, 0), (-0.0, -0.0), (.infinity, 1), (-.infinity, -1), (10, 1), (-10, -1)] {
                let (tail, main) = single(loops.erf, x)
                #expect(tail.bitPattern == want.bitPattern && main.bitPattern == want.bitPattern, "\(name) erf(\(x)) = \(tail)")
            }
            #expect(single(loops.erf, .nan).0.isNaN && single(loops.erf, .nan).1.isNaN)
        }
    }

    /// sin and cos within 1 ulp of float64 libm up to 2^20 and past it (where the lanes hand over
    /// to libm's sinf and cosf), at the floats nearest multiples of π/2 (where the reduction
    /// cancels most) and next to them; sin keeps a zero's sign, the infinities give NaN.
    @Test func sinAndCosWithinOneUlp() {
        var xs = samples(lo: 1e-30, hi: 3e6)
        for k in stride(from: 1, to: 1_300_000, by: 331) {
            let v = Float(Double(k) * Double.pi / 2)
            xs += [v, v.nextUp, v.nextDown, -v]
        }
        xs += [1_048_576, 1_048_576.1, -1_048_577, 1e7, -1e30, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for (name, loops) in loopSets {
            for (what, loop, reference) in [("sin", loops.sin, Foundation.sin as (Double) -> Double), ("cos", loops.cos, Foundation.cos)] {
                let (e, at) = maxError(xs, loop, reference)
                #expect(e <= 1, "\(name) \(what): \(e) ulp at \(at)")
                for x: Float in [.infinity, -.infinity, .nan] {
                    let (tail, main) = single(loop, x)
                    #expect(tail.isNaN && main.isNaN, "\(name) \(what)(\(x))")
                }
            }
            for (x, sine, cosine): (Float, Float, Float) in [(0, 0, 1), (-0.0, -0.0, 1)] {
                let (s, sMain) = single(loops.sin, x), (c, cMain) = single(loops.cos, x)
                #expect(s.bitPattern == sine.bitPattern && sMain.bitPattern == sine.bitPattern, "\(name) sin(\(x)) = \(s)")
                #expect(c == cosine && cMain == cosine, "\(name) cos(\(x)) = \(c)")
            }
        }
    }

    @Test func sigmoidWithinTwoUlp() {
        // Below -88.72, e^-x overflows float32 and the result is 0, as PyTorch's.
        let xs = samples(lo: 1e-30, hi: 88.72)
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.sigmoid) { 1 / (1 + Foundation.exp(-$0)) }
            #expect(e <= 2, "\(name) sigmoid: \(e) ulp at \(at)")
            #expect(single(loops.sigmoid, -88.8).0 == 0)
            #expect(single(loops.sigmoid, -.infinity).0 == 0)
            #expect(single(loops.sigmoid, .infinity).0 == 1)
            #expect(single(loops.sigmoid, .nan).0.isNaN)
        }
    }

    /// expm1 within 1 ulp and log1p within 2 of float64 libm, from the subnormals to the
    /// overflow, with their special values: signed zeros kept, expm1(-inf) = -1, log1p(-1) =
    /// -inf and NaN below, infinities and NaN through.
    @Test func expm1AndLog1pAgainstFloat64() {
        for (name, loops) in loopSets {
            let (e1, at1) = maxError(samples(lo: 1e-30, hi: 89), loops.expm1, Foundation.expm1)
            #expect(e1 <= 1, "\(name) expm1: \(e1) ulp at \(at1)")
            let (e2, at2) = maxError(samples(lo: 1e-30, hi: 1) + samples(lo: 1, hi: 3e38).filter { $0 > 0 }, loops.log1p,
                                     Foundation.log1p)
            #expect(e2 <= 2, "\(name) log1p: \(e2) ulp at \(at2)")
            for (loop, x, want) in [(loops.expm1, Float(0), Float(0)), (loops.expm1, -0.0, -0.0), (loops.expm1, -.infinity, -1),
                                    (loops.expm1, .infinity, .infinity), (loops.expm1, 88.73, .infinity), (loops.expm1, 1e-40, 1e-40),
                                    (loops.log1p, -0.0, -0.0), (loops.log1p, -1, -.infinity), (loops.log1p, .infinity, .infinity),
                                    (loops.log1p, -1e-40, -1e-40)] {
                let (tail, main) = single(loop, x)
                #expect(tail.bitPattern == want.bitPattern && main.bitPattern == want.bitPattern, "\(name) at \(x): \(tail), \(main)")
            }
            #expect(single(loops.log1p, -1.5).0.isNaN && single(loops.expm1, .nan).0.isNaN && single(loops.log1p, .nan).0.isNaN)
        }
    }

    /// elu (selu's parameters) within 2 ulp and softplus (beta 1 and 2) within 4 of their
    /// float64 formulas, in lanes; NaN through; softplus is x above its threshold.
    @Test func eluAndSoftplusAgainstFloat64() {
        let xs = samples(lo: 1e-30, hi: 80)
        let alpha = 1.6732632423543772, scale = 1.0507009873554805
        for (name, loops) in loopSets {
            let elu: Unary = { loops.elu($0, $1, $2, Float(scale), 1, Float(alpha * scale)) }
            let (e1, at1) = maxError(xs, elu) { $0 <= 0 ? Foundation.expm1($0) * alpha * scale : $0 * scale }
            #expect(e1 <= 2, "\(name) elu: \(e1) ulp at \(at1)")
            for beta in [1.0, 2.0] {
                let softplus: Unary = { loops.softplus($0, $1, $2, Float(beta), 20) }
                let (e2, at2) = maxError(xs.filter { $0 * Float(beta) > -87 }, softplus) {
                    $0 * beta > 20 ? $0 : Foundation.log1p(Foundation.exp($0 * beta)) / beta
                }
                #expect(e2 <= 4, "\(name) softplus(beta \(beta)): \(e2) ulp at \(at2)")
                #expect(single(softplus, .nan).0.isNaN && single(softplus, 30).0 == 30)
            }
            #expect(single(elu, .nan).0.isNaN && single(elu, -.infinity).0 == Float(-alpha * scale))
        }
    }

    /// lerp with one weight in lanes: the scalar fused multiply-add's bits from the nearer end
    /// (start for |w| < 0.5, end otherwise), in the main loop and the tail.
    @Test func lerpMatchesTheScalarFusedMultiplyAdd() {
        let a = Array(samples(lo: 1e-3, hi: 1e3, step: 1 << 19).dropLast(3))  // a tail of 5
        let b = a.reversed().map { $0 * 0.75 + 1 }
        for (name, loops) in loopSets {
            for w: Float in [0, 0.3, -0.49, 0.5, 0.7, 1, 2.5, -3, .nan] {
                var out = [Float](repeating: 0, count: a.count)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        out.withUnsafeMutableBufferPointer { loops.lerp(pa.baseAddress!, pb.baseAddress!, w, $0.baseAddress!, a.count) }
                    }
                }
                for i in a.indices {
                    let small = abs(w) < 0.5
                    let want = (small ? a[i] : b[i]).addingProduct(small ? w : w - 1, b[i] - a[i])
                    #expect(out[i].bitPattern == want.bitPattern || (out[i].isNaN && want.isNaN), "\(name) lerp(\(a[i]), \(b[i]), \(w))")
                }
            }
        }
    }

    /// lerp with a weight per element: the same bits as with each weight alone, main loop and
    /// tail (three lengths), the weights spanning both ends' ranges, ±0.5 and NaN.
    @Test func lerpWithWeightsMatchesOneWeightAtATime() {
        let a = Array(samples(lo: 1e-3, hi: 1e3, step: 1 << 19).dropLast(3))
        let b = a.reversed().map { $0 * 0.75 + 1 }
        let choices: [Float] = [0, 0.3, -0.49, 0.5, -0.5, 0.4999, 0.7, 1, 2.5, -3, .nan, -0.0]
        let w = a.indices.map { choices[$0 % choices.count] }
        for (name, loops) in loopSets {
            for n in [a.count, 16, 7] {
                var out = [Float](repeating: 0, count: n)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        w.withUnsafeBufferPointer { pw in
                            out.withUnsafeMutableBufferPointer {
                                loops.lerpWeights(pa.baseAddress!, pb.baseAddress!, pw.baseAddress!, $0.baseAddress!, n)
                            }
                        }
                    }
                }
                for i in 0..<n {
                    var want: Float = 0
                    withUnsafePointer(to: a[i]) { pa in
                        withUnsafePointer(to: b[i]) { pb in loops.lerp(pa, pb, w[i], &want, 1) }
                    }
                    #expect(out[i].bitPattern == want.bitPattern || (out[i].isNaN && want.isNaN), "\(name) lerp(\(a[i]), \(b[i]), \(w[i]))")
                }
            }
        }
    }

    /// silu, x / (1 + e^-x) in PyTorch's order: within 3 ulp of float64 (the formula rounds
    /// three times; PyTorch's own float32 kernel is 2.03 ulp off at x = -16.76), -0.0 where e^-x
    /// overflows float32, NaN at -inf (-inf / inf) as PyTorch's.
    @Test func siluWithinThreeUlp() {
        let xs = samples(lo: 1e-30, hi: 88.6)
        for (name, loops) in loopSets {
            let (e, at) = maxError(xs, loops.silu) { $0 / (1 + Foundation.exp(-$0)) }
            #expect(e <= 3, "\(name) silu: \(e) ulp at \(at)")
            let (tail, main) = single(loops.silu, -88.8)
            #expect(tail == 0 && tail.sign == .minus && main.bitPattern == tail.bitPattern, "\(name) silu(-88.8)")
            #expect(single(loops.silu, .infinity).0 == .infinity)
            #expect(single(loops.silu, -.infinity).0.isNaN && single(loops.silu, .nan).0.isNaN)
        }
    }

    /// gelu keeps its relative accuracy everywhere, the negative tail included (where PyTorch's
    /// vectorised erf, absolute error ~1e-7, loses it: 1 + erf(x) cancels), and its subnormal
    /// results below x = -13: Φ is evaluated in float64 lanes and x Φ(x) rounded to float32
    /// once, so it is within 1 ulp of float64 and correctly rounded but where x Φ(x) lies within
    /// about 3e-14 of a tie (45 of the 2.2e9 floats in [-13, 13], 44 with AVX2, when this was
    /// written).
    @Test func geluWithinOneUlp() {
        let xs = samples(lo: 1e-30, hi: 20)
        let cdf = { (x: Double) in 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) }
        for (name, loops) in loopSets {
            var worst = (0, Float(0)), incorrect = 0
            for (x, y) in zip(xs, run(loops.gelu, xs)) {
                let e = ulps(y, Float(Double(x) * cdf(Double(x))))
                if e > worst.0 { worst = (e, x) }
                if e != 0 { incorrect += 1 }
            }
            #expect(worst.0 <= 1, "\(name) gelu: \(worst.0) ulp at \(worst.1)")
            #expect(incorrect <= xs.count / 100_000, "\(name) gelu: \(incorrect) of \(xs.count) not correctly rounded")
            // -inf Φ(-inf) is -inf 0: NaN, as PyTorch's; +inf gives +inf, as PyTorch's float64.
            #expect(single(loops.gelu, -.infinity).0.isNaN && single(loops.gelu, -.infinity).1.isNaN)
            #expect(single(loops.gelu, .infinity).0 == .infinity)
            #expect(single(loops.gelu, -30).0 == 0)
            #expect(single(loops.gelu, 30).0 == 30)
            #expect(single(loops.gelu, .nan).0.isNaN)
            #expect(single(loops.gelu, 0).0.bitPattern == Float(0).bitPattern)
            #expect(single(loops.gelu, -0.0).0.bitPattern == Float(-0.0).bitPattern)
            // The least subnormal: x Φ(x) = x/2 + x (Φ(x) - 1/2) is just above the tie x/2 (which
            // float64 rounds to even), so it rounds up: to x for x > 0 and to -0 for x < 0.
            let least = Float.leastNonzeroMagnitude
            #expect(single(loops.gelu, least).0 == least && single(loops.gelu, least).1 == least)
            #expect(single(loops.gelu, -least).0.bitPattern == Float(-0.0).bitPattern)
            // The gradient g (Φ(x) + x φ(x)) against float64, in float64 lanes and rounded once:
            // within half an ulp of the size of its terms (the sum crosses zero near x = -0.75),
            // and within 1 ulp of the float64 value where the terms cancel in fewer than 10 bits.
            let g = xs.map { 1 + $0 / 64 }
            var out = [Float](repeating: 0, count: xs.count)
            g.withUnsafeBufferPointer { gp in xs.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer {
                loops.geluBackward(gp.baseAddress!, xp.baseAddress!, $0.baseAddress!, xs.count)
            } } }
            var worstGradient = 0.0, worstGradientUlp = 0
            for i in xs.indices {
                let x = Double(xs[i]), cdf = 0.5 * Foundation.erfc(-x / 2.0.squareRoot())
                let pdfTerm = x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
                let want = Double(g[i]) * (cdf + pdfTerm), scale = Double(g[i]) * (Swift.abs(cdf) + Swift.abs(pdfTerm))
                if scale < Double(Float.leastNormalMagnitude) { continue }
                worstGradient = Swift.max(worstGradient, Swift.abs(Double(out[i]) - want) / (scale * Double(Float.ulpOfOne)))
                if Swift.abs(want) >= scale / 1024 { worstGradientUlp = Swift.max(worstGradientUlp, ulps(out[i], Float(want))) }
            }
            #expect(worstGradient <= 0.51, "\(name) gelu backward: \(worstGradient) ulp of its terms")
            #expect(worstGradientUlp <= 1, "\(name) gelu backward: \(worstGradientUlp) ulp")
            // The tanh form, PyTorch's formula (whose 1 + tanh cancels below zero as PyTorch's
            // does): within 4 ulp of 0.5 |x| of the formula in float64.
            var worstTanh = 0.0
            for (x, y) in zip(xs, run(loops.geluTanh, xs)) where Swift.abs(x) < 1e30 {
                let v = Double(x), want = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
                worstTanh = Swift.max(worstTanh, Swift.abs(Double(y) - want) / (0.5 * Swift.abs(v) * Double(Float.ulpOfOne)))
            }
            #expect(worstTanh <= 4, "\(name) gelu tanh: \(worstTanh)")
        }
    }

    /// The backward loops compute the scalar kernels' formulas exactly (no fused operations),
    /// in both builds.
    @Test func backwardLoopsMatchTheScalarFormula() {
        let xs = samples(lo: 1e-6, hi: 30, step: 40_009)
        let sets = loopSets
        let g = xs.map { $0 / 7 }, y = run(sets[0].1.sigmoid, xs)
        for (name, loops) in sets {
            for (loop, formula) in [(loops.sigmoidBackward, { (g: Float, y: Float) in g * (1 - y) * y }),
                                    (loops.tanhBackward, { (g: Float, y: Float) in g * (1 - y * y) })] {
                var out = [Float](repeating: 0, count: xs.count)
                g.withUnsafeBufferPointer { gp in y.withUnsafeBufferPointer { yp in out.withUnsafeMutableBufferPointer {
                    loop(gp.baseAddress!, yp.baseAddress!, $0.baseAddress!, xs.count)
                } } }
                #expect(out.map(\.bitPattern) == zip(g, y).map { formula($0, $1).bitPattern }, "\(name) backward loop")
            }
        }
    }

    /// relu's backward loop is PyTorch's threshold_backward at 0 (ReluGradient's scalar rule) bit
    /// for bit: 0 where the output is 0, -0 or negative, even for an infinite or NaN gradient;
    /// the gradient where the output is positive or NaN. Every length from 0 to 19 (the tail
    /// path), and written over the gradient, as the backward rule calls it.
    @Test func reluBackwardLoopIsThresholdBackward() {
        let special: [Float] = [0, -0.0, 1.5, -2, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        var gs: [Float] = [], ys: [Float] = []
        for g in special { for y in special { gs.append(g); ys.append(y) } }
        for (name, loops) in loopSets {
            for n in 0...19 {
                let g = Array(gs.prefix(n)), y = Array(ys.suffix(n))
                let want = zip(g, y).map { ReluGradient.apply($0, $1).bitPattern }
                var out = g
                y.withUnsafeBufferPointer { yp in out.withUnsafeMutableBufferPointer {
                    loops.reluBackward(UnsafePointer($0.baseAddress!), yp.baseAddress!, $0.baseAddress!, n)
                } }
                #expect(out.map(\.bitPattern) == want, "\(name), \(n) elements")
            }
            var out = [Float](repeating: 7, count: gs.count)
            gs.withUnsafeBufferPointer { gp in ys.withUnsafeBufferPointer { yp in out.withUnsafeMutableBufferPointer {
                loops.reluBackward(gp.baseAddress!, yp.baseAddress!, $0.baseAddress!, gs.count)
            } } }
            #expect(out.map(\.bitPattern) == zip(gs, ys).map { ReluGradient.apply($0, $1).bitPattern }, "\(name), all")
            let k = special.count  // out[i * k + j] has g = special[i], y = special[j]
            #expect(out[6 * k + 0] == 0 && out[4 * k + 1] == 0 && out[2 * k + 6] == 1.5 && out[6 * k + 2].isNaN)
        }
    }

    /// The small-inner-size product loop against a float64 triple loop, in both builds: row
    /// counts 1-9 (four-row blocks and the spare rows of the last), column counts around the
    /// 16- and 8-column blocks and the one-by-one tail, inner sizes 1-16, a read in either
    /// layout, padded leading dimensions (left untouched), written over c and added to it.
    @Test func smallInnerGemmIsTheProduct() {
        var builds: [(String, SwiftGradVector.VectorLoops.SmallInnerGemm)] = [("baseline", SwiftGradVector.VectorLoops.smallInnerGemm)]
        #if SWIFTGRAD_AVX2
        if sgcpu_has_avx2_fma() { builds.append(("AVX2", SwiftGradVectorAVX2.VectorLoops.smallInnerGemm)) }
        #endif
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Float {  // in [-1, 1), a fixed sequence
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
        for (name, gemm) in builds {
            for m in 1...9 {
                for n in [1, 7, 8, 9, 15, 16, 17, 24, 33] {
                    for k in [1, 2, 3, 10, 16] {
                        for transA in [false, true] {
                            for accumulate in [false, true] {
                                let lda = (transA ? m : k) + 3, ldb = n + 2, ldc = n + 5
                                let a = (0..<((transA ? k : m) * lda)).map { _ in uniform() }
                                let b = (0..<(k * ldb)).map { _ in uniform() }
                                let c0 = (0..<(m * ldc)).map { _ in uniform() }
                                let aRow = transA ? 1 : lda, aColumn = transA ? lda : 1
                                var c = c0
                                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                                    gemm(m, n, k, pa.baseAddress!, aRow, aColumn, pb.baseAddress!, ldb, accumulate, pc.baseAddress!, ldc)
                                } } }
                                var worst = 0.0
                                for i in 0..<m {
                                    for j in 0..<ldc {
                                        let got = Double(c[i * ldc + j])
                                        guard j < n else {
                                            #expect(c[i * ldc + j] == c0[i * ldc + j], "\(name): padding written at [\(i), \(j)]")
                                            continue
                                        }
                                        var want = accumulate ? Double(c0[i * ldc + j]) : 0, scale = abs(want)
                                        for p in 0..<k {
                                            let product = Double(a[i * aRow + p * aColumn]) * Double(b[p * ldb + j])
                                            want += product
                                            scale += abs(product)
                                        }
                                        worst = max(worst, abs(got - want) / max(scale, 1e-30))
                                    }
                                }
                                #expect(worst <= 1e-6, "\(name): m \(m) n \(n) k \(k) transA \(transA) accumulate \(accumulate): \(worst)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The softmax row loops in both builds against the formulas in float64: row lengths around
    /// the eight lanes and the block of rows (2,048 elements), several rows, rows of infinities,
    /// NaN and -inf only; the backward written over its incoming gradient too.
    @Test func softmaxRowsAgreeWithFloat64() {
        var builds: [(String, SwiftGradVector.VectorLoops.SoftmaxRows, SwiftGradVector.VectorLoops.SoftmaxBackwardRows)] =
            [("baseline", SwiftGradVector.VectorLoops.softmaxRows, SwiftGradVector.VectorLoops.softmaxBackwardRows)]
        #if SWIFTGRAD_AVX2
        if sgcpu_has_avx2_fma() {
            builds.append(("AVX2", SwiftGradVectorAVX2.VectorLoops.softmaxRows, SwiftGradVectorAVX2.VectorLoops.softmaxBackwardRows))
        }
        #endif
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func uniform() -> Float {  // in [-1, 1), a fixed sequence
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
        func close(_ got: Float, _ want: Double) -> Bool {
            (got.isNaN && want.isNaN) || Double(got) == want || Swift.abs(Double(got) - want) <= 2e-6 * Swift.max(1, Swift.abs(want))
        }
        let inf = Float.infinity
        var cases: [(rows: Int, length: Int, x: [Float])] = [(1, 4, [0, -inf, 1, 2]), (1, 4, [-inf, -inf, -inf, -inf]),
                                                             (1, 4, [inf, 0, 1, 2]), (1, 9, [0, 1, 2, .nan, 4, 5, 6, 7, 8]),
                                                             (2, 3, [-200, 0, 80, 1, 1, 1])]
        for length in [1, 2, 7, 8, 9, 10, 17, 255, 1000, 2047, 2048, 2049, 3000] {
            for rows in [1, 3, 300] where rows * length <= 300_000 {
                cases.append((rows, length, (0..<(rows * length)).map { _ in 8 * uniform() }))
            }
        }
        for (name, forward, backward) in builds {
            for (rows, n, x) in cases {
                let g = (0..<(rows * n)).map { _ in uniform() }
                for log in [false, true] {
                    var y = [Float](repeating: 0, count: rows * n)
                    forward(x, &y, rows, n, log)
                    var grad = [Float](repeating: 0, count: rows * n), inPlace = g
                    backward(g, y, &grad, rows, n, log)
                    inPlace.withUnsafeMutableBufferPointer { p in backward(p.baseAddress!, y, p.baseAddress!, rows, n, log) }
                    #expect(inPlace.map(\.bitPattern) == grad.map(\.bitPattern), "\(name): the backward written over its gradient differs")
                    var worst = (forward: 0, backward: 0)
                    for r in 0..<rows {
                        let row = x[(r * n)..<((r + 1) * n)].map(Double.init), peak = row.max()!
                        let shift = peak.isFinite ? peak : 0
                        let total = row.reduce(0.0) { $0 + Foundation.exp($1 - shift) }
                        let out = y[(r * n)..<((r + 1) * n)].map(Double.init), gr = g[(r * n)..<((r + 1) * n)].map(Double.init)
                        let gTotal = gr.reduce(0, +), dot = zip(gr, out).reduce(0.0) { $0 + $1.0 * $1.1 }
                        for i in 0..<n {
                            let want = log ? (row[i] - shift) - Foundation.log(total) : Foundation.exp(row[i] - shift) / total
                            if !close(y[r * n + i], want) { worst.forward += 1 }
                            // The backward from the loop's own output y, in float64.
                            let wantGrad = log ? gr[i] - Foundation.exp(out[i]) * gTotal : (gr[i] - dot) * out[i]
                            if !close(grad[r * n + i], wantGrad) && !(Swift.abs(Double(grad[r * n + i]) - wantGrad) <= 1e-5) {
                                worst.backward += 1
                            }
                        }
                    }
                    #expect(worst.forward == 0 && worst.backward == 0,
                            "\(name) log \(log), \(rows) x \(n): \(worst.forward) forward and \(worst.backward) backward values off")
                }
            }
        }
    }

    /// The tensor ops take the vector loop for contiguous float32 and the scalar one otherwise;
    /// both agree within the bound, the tail included (gelu's scalar kernel: libm's erfc and the
    /// product in double, rounded once).
    @Test func tensorOpsUseTheVectorForms() throws {
        let x = try Tensor.randn([3, 37]).mul(6)
        for (op, reference, bound) in [({ (t: Tensor) in try t.exp() }, Foundation.exp, 2),
                                       ({ (t: Tensor) in try t.abs().log() }, { Foundation.log(Swift.abs($0)) }, 2),
                                       ({ (t: Tensor) in try t.tanh() }, Foundation.tanh, 2),
                                       ({ (t: Tensor) in try t.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }, 2),
                                       ({ (t: Tensor) in try t.gelu() }, { $0 * 0.5 * Foundation.erfc(-$0 / 2.0.squareRoot()) }, 1)]
                as [((Tensor) throws -> Tensor, (Double) -> Double, Int)] {
            let dense = try op(x).scalars(as: Float.self)
            let strided = try op(x.t()).t().scalars(as: Float.self)  // non-contiguous: the scalar loop
            for (i, v) in try x.scalars(as: Float.self).enumerated() {
                let want = Float(reference(Double(v)))
                #expect(ulps(dense[i], want) <= bound)
                #expect(ulps(strided[i], want) <= bound)
            }
        }
    }
}
