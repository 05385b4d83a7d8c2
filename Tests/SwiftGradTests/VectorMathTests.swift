import Foundation
import Testing
@testable import SwiftGrad

/// The vectorised float32 exp, tanh and sigmoid against float64 libm rounded to float32, over
/// float32 inputs spread across every exponent of their interesting range (a stride through the
/// bit patterns, both signs) and the special values: at most 2 ulp apart, NaN for NaN, the
/// limits at the infinities, and the tensor ops agree with the vector forms on a length that
/// leaves a tail.
@Suite struct VectorMathTests {
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

    func maxError(_ xs: [Float], _ vector: (SIMD8<Float>) -> SIMD8<Float>, _ reference: (Double) -> Double) -> (Int, Float) {
        var worst = (0, Float(0))
        for start in stride(from: 0, to: xs.count, by: 8) {
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<8 where start + j < xs.count { v[j] = xs[start + j] }
            let y = vector(v)
            for j in 0..<8 where start + j < xs.count {
                let want = Float(reference(Double(v[j])))
                let e = ulps(y[j], want)
                if e > worst.0 { worst = (e, v[j]) }
            }
        }
        return worst
    }

    @Test func expWithinTwoUlp() {
        let xs = samples(lo: 1e-30, hi: 103.9)
        let (e, at) = maxError(xs, VectorMath.exp, Foundation.exp)
        #expect(e <= 2, "exp: \(e) ulp at \(at)")
        let specials: [Float] = [0, -0.0, .infinity, -.infinity, 88.72283, 88.7229, -87.33, -100, -103.9, -104.5, 200, -200]
        for x in specials {
            let got = VectorMath.exp(SIMD8(repeating: x))[0]
            #expect(ulps(got, Float(Foundation.exp(Double(x)))) <= 2, "exp(\(x)) = \(got)")
        }
        #expect(VectorMath.exp(SIMD8(repeating: .nan))[0].isNaN)
    }

    @Test func tanhWithinTwoUlp() {
        let xs = samples(lo: 1e-30, hi: 20)
        let (e, at) = maxError(xs, VectorMath.tanh, Foundation.tanh)
        #expect(e <= 2, "tanh: \(e) ulp at \(at)")
        for x: Float in [0, -0.0, .infinity, -.infinity, 0.625, -0.625, 0.62499994, 9, 50] {
            let got = VectorMath.tanh(SIMD8(repeating: x))[0]
            #expect(got == Float(Foundation.tanh(Double(x))) || ulps(got, Float(Foundation.tanh(Double(x)))) <= 2, "tanh(\(x)) = \(got)")
            #expect(got.sign == x.sign, "tanh(\(x)) keeps the sign")
        }
        #expect(VectorMath.tanh(SIMD8(repeating: .nan))[0].isNaN)
    }

    @Test func sigmoidWithinTwoUlp() {
        // Below -88.72, e^-x overflows float32 and the result is 0, as PyTorch's.
        let xs = samples(lo: 1e-30, hi: 88.72)
        let (e, at) = maxError(xs, VectorMath.sigmoid) { 1 / (1 + Foundation.exp(-$0)) }
        #expect(e <= 2, "sigmoid: \(e) ulp at \(at)")
        #expect(VectorMath.sigmoid(SIMD8(repeating: -88.8))[0] == 0)
        #expect(VectorMath.sigmoid(SIMD8(repeating: -.infinity))[0] == 0)
        #expect(VectorMath.sigmoid(SIMD8(repeating: .infinity))[0] == 1)
        #expect(VectorMath.sigmoid(SIMD8(repeating: .nan))[0].isNaN)
    }

    /// The tensor ops take the vector loop for contiguous float32 and the scalar one otherwise;
    /// both agree within the bound, the tail included.
    @Test func tensorOpsUseTheVectorForms() throws {
        let x = try Tensor.randn([3, 37]).mul(6)
        for (op, reference) in [({ (t: Tensor) in try t.exp() }, Foundation.exp),
                                ({ (t: Tensor) in try t.tanh() }, Foundation.tanh),
                                ({ (t: Tensor) in try t.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) })] as [((Tensor) throws -> Tensor, (Double) -> Double)] {
            let dense = try op(x).scalars(as: Float.self)
            let strided = try op(x.t()).t().scalars(as: Float.self)  // non-contiguous: the scalar loop
            for (i, v) in try x.scalars(as: Float.self).enumerated() {
                let want = Float(reference(Double(v)))
                #expect(ulps(dense[i], want) <= 2)
                #expect(ulps(strided[i], want) <= 2)
            }
        }
    }
}
