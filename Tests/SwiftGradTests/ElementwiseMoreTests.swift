import Foundation
import Testing
@testable import SwiftGrad

/// The elementwise family of Ops/Elementwise+More.swift and Elementwise+MoreUnary.swift: every
/// backward rule against float64 central finite differences (and float32 against float64), a
/// few second orders, and forward values worked out by hand (integer division and remainders,
/// rounding, the NaN conventions, PyTorch's errors).
@Suite struct ElementwiseMoreTests {
    // MARK: Gradients of the binary functions

    @Test func atan2AndHypotGradients() throws {
        try checkGradients([[4], [4]]) { try $0[0].atan2($0[1]) }
        try checkGradients([[2, 3], [3]]) { try $0[0].atan2($0[1]) }      // broadcast
        try checkGradients([[3], []]) { try $0[0].hypot($0[1]) }          // 0-d operand
        try checkGradients([[2, 1], [1, 3]]) { try $0[0].hypot($0[1]) }
    }

    @Test func copysignGradients() throws {
        try checkGradients([[5], [5]]) { try $0[0].copysign($0[1]) }
        try checkGradients([[5]]) { try $0[0].copysign(Tensor.scalar(-2.0)) }
        let x = try Tensor([1.5, -2] as [Double]).requiringGrad(), y = try Tensor([-1, 1] as [Double]).requiringGrad()
        try x.copysign(y).sum().backward()
        // d/dx = sign(y) * sign(x); other gets zeros, as PyTorch.
        #expect(try x.grad!.scalars(as: Double.self) == [-1, -1])
        #expect(try y.grad!.scalars(as: Double.self) == [0, 0])
        #expect(try x.copysign(y).gradFn!.name == "CopysignBackward0")
        #expect(try x.copysign(Tensor.scalar(1.0)).gradFn!.name == "CopysignBackward1")
    }

    @Test func fmaxFminGradients() throws {
        try checkGradients([[6], [6]]) { try $0[0].fmax($0[1]) }
        try checkGradients([[2, 3], [3]]) { try $0[0].fmin($0[1]) }
        // Ties share; a NaN operand hands the whole gradient to the other.
        let a = try Tensor([1, .nan, 2, 5] as [Double]).requiringGrad()
        let b = try Tensor([1, 3, .nan, 4] as [Double]).requiringGrad()
        try a.fmax(b).sum().backward()
        #expect(try a.grad!.scalars(as: Double.self) == [0.5, 0, 1, 1])
        #expect(try b.grad!.scalars(as: Double.self) == [0.5, 1, 0, 0])
        #expect(try a.fmax(b).scalars(as: Double.self).elementsEqual([1, 3, 2, 5]))
    }

    @Test func fmodAndRemainderGradients() throws {
        // Away from the jumps: |a| in [0.7, 2.7], b in [0.7, 2.7] or negated.
        try checkGradients([[6], [6]], positive: true) { try $0[0].fmod($0[1].neg().mul(1.3)) }
        try checkGradients([[6], [6]], positive: true) { try $0[0].neg().remainder($0[1].mul(0.7)) }
        try checkGradients([[2, 3], [3]], positive: true) { try $0[0].remainder($0[1]) }
        try checkGradients([[4]]) { try $0[0].fmod(Tensor.scalar(0.75)) }
        try checkGradients([[4]]) { try $0[0].remainder(Tensor.scalar(-0.75)) }
        let x = try Tensor([1.0] as [Double]).requiringGrad()
        #expect(try x.fmod(x).gradFn!.name == "FmodBackward1")
        #expect(try x.fmod(Tensor.scalar(2.0)).gradFn!.name == "FmodBackward0")
        #expect(try x.remainder(Tensor.scalar(2.0)).gradFn!.name == "RemainderBackward0")
    }

    @Test func roundingDivisionsHaveZeroGradientOrNone() throws {
        let x = try Tensor([1.5, -2.5] as [Double]).requiringGrad(), y = try Tensor([2, 2] as [Double]).requiringGrad()
        let q = try x.div(y, roundingMode: .floor)
        #expect(q.gradFn!.name == "DivBackward2")
        try q.sum().backward()
        #expect(try x.grad!.scalars(as: Double.self) == [0, 0])
        #expect(try y.grad!.scalars(as: Double.self) == [0, 0])
        // floor_divide, heaviside and remainder(number, tensor) have no derivative in PyTorch.
        for out in [try x.floorDivide(y), try x.heaviside(y), try Tensor.scalar(2.0).remainder(x)] {
            #expect(out.gradFn!.name == "NotImplemented")
            #expect(throws: SwiftGradError.self) { try out.sum().backward() }
        }
    }

    @Test func nextafterGradients() throws {
        try checkGradients([[5], [5]]) { try $0[0].nextafter($0[1]) }
    }

    @Test func logaddexpGradients() throws {
        try checkGradients([[5], [5]]) { try $0[0].logaddexp($0[1]) }
        try checkGradients([[2, 3], []]) { try $0[0].logaddexp2($0[1]) }
    }

    @Test func xlogyGradients() throws {
        try checkGradients([[5], [5]], positive: true) { try $0[0].xlogy($0[1]) }
        try checkGradients([[5]], positive: true) { try Tensor.scalar(1.5).xlogy($0[0]) }
        try checkGradients([[5]]) { try $0[0].xlogy(Tensor.scalar(2.5)) }
        // At x == 0 with y <= 0 the self gradient is 0 (PyTorch's convention), with y > 0 log y.
        let x = try Tensor([0, 0, 2] as [Double]).requiringGrad(), y = try Tensor([-1, 2, 3] as [Double])
        try x.xlogy(y).sum().backward()
        expectClose(try x.grad!.scalars(as: Double.self), [0, Foundation.log(2), Foundation.log(3)], tolerance: 1e-12)
        let names = [try x.xlogy(y), try Tensor.scalar(2.0).xlogy(x), try x.xlogy(Tensor.scalar(2.0))].map { $0.gradFn!.name }
        #expect(names == ["XlogyBackward0", "XlogyBackward1", "XlogyBackward2"])
        // A number other <= 0: 0 where x == 0.
        let z = try Tensor([0, 1] as [Double]).requiringGrad()
        try z.xlogy(Tensor.scalar(-1.0)).sum().backward()
        #expect(try z.grad!.scalars(as: Double.self)[0] == 0)
        #expect(try z.grad!.scalars(as: Double.self)[1].isNaN)
    }

    @Test func floatPowerAndLdexpGradients() throws {
        try checkGradients([[4], [4]], positive: true) { try $0[0].floatPower($0[1]) }
        try checkGradients([[4]]) { try $0[0].floatPower(Tensor.scalar(Int64(3))) }
        try checkGradients([[4]]) { try Tensor.scalar(1.7).floatPower($0[0]) }
        try checkGradients([[4], [4]]) { try $0[0].ldexp($0[1]) }
        try checkGradients([[2, 3], [3]]) { try $0[0].ldexp($0[1]) }
        let x = try Tensor([1, 2] as [Float]).requiringGrad()
        #expect(try x.floatPower(x).dtype == .float64)
        #expect(try x.ldexp(x).gradFn!.name == "LdexpBackward0")
    }

    @Test func lerpGradients() throws {
        try checkGradients([[5], [5], [5]]) { try $0[0].lerp($0[1], weight: $0[2]) }
        try checkGradients([[2, 3], [3], [2, 1]]) { try $0[0].lerp($0[1], weight: $0[2]) }
        try checkGradients([[5], [5]]) { try $0[0].lerp($0[1], weight: Tensor.scalar(0.3)) }
        try checkGradients([[5], [5]]) { try $0[0].lerp($0[1], weight: Tensor.scalar(0.8)) }
    }

    @Test func addcmulAndAddcdivGradients() throws {
        try checkGradients([[4], [4], [4]]) { try $0[0].addcmul($0[1], $0[2], value: 0.5) }
        try checkGradients([[2, 3], [3], [2, 1]]) { try $0[0].addcmul($0[1], $0[2]) }
        try checkGradients([[4], [4], [4]], positive: true) { try $0[0].addcdiv($0[1], $0[2], value: -1.5) }
        try checkGradients([[3], [2, 3], []], positive: true) { try $0[0].addcdiv($0[1], $0[2]) }
    }

    @Test func clampMinMaxGradients() throws {
        try checkGradients([[6], [6]]) { try $0[0].clampMin($0[1]) }
        try checkGradients([[2, 3], [3]]) { try $0[0].clampMax($0[1]) }
        try checkGradients([[6]]) { try $0[0].clampMin(Tensor.scalar(0.1)) }
        try checkGradients([[6]]) { try $0[0].clampMax(Tensor.scalar(-0.1)) }
        // A tie shares the gradient with a tensor bound; with a number bound it is 0 (x > min).
        let x = try Tensor([0.5, 1] as [Double]).requiringGrad(), m = try Tensor([0.5, 2] as [Double]).requiringGrad()
        try x.clampMin(m).sum().backward()
        #expect(try x.grad!.scalars(as: Double.self) == [0.5, 0])
        #expect(try m.grad!.scalars(as: Double.self) == [0.5, 1])
        let v = try Tensor([0.5, 1] as [Double]).requiringGrad()
        try v.clampMin(Tensor.scalar(0.5)).sum().backward()
        #expect(try v.grad!.scalars(as: Double.self) == [0, 1])
    }

    @Test func rsubAndRdivGradients() throws {
        try checkGradients([[4], [4]]) { try $0[0].rsub($0[1], alpha: Tensor.scalar(2.5)) }
        try checkGradients([[2, 3], [3]]) { try $0[0].rsub($0[1], alpha: Tensor.scalar(Int64(1))) }
        try checkGradients([[4]]) { try $0[0].rsub(Tensor.scalar(3.0), alpha: Tensor.scalar(-2.0)) }
        try checkGradients([[4], [4]], positive: true) { try $0[0].rdiv($0[1]) }
    }

    // MARK: Gradients of the unary functions

    @Test func unaryGradients() throws {
        try checkGradients([[6]]) { try $0[0].sinc() }
        try checkGradients([[6]]) { try $0[0].sigmoid().logit() }
        try checkGradients([[6]]) { try $0[0].sigmoid().logit(eps: 0.3) }   // 0 where clamped
        try checkGradients([[6]]) { try $0[0].mul(3.7).frac() }
        try checkGradients([[6]]) { try $0[0].deg2rad() }
        try checkGradients([[6]]) { try $0[0].rad2deg() }
        try checkGradients([[6]]) { try $0[0].nanToNum() }
        try checkGradients([[6]]) { try $0[0].tanh().erfinv() }
        try checkGradients([[6]]) { try $0[0].sgn() }                        // 0
        try checkGradients([[6]]) { try $0[0].angle() }                      // 0
        try checkGradients([[6]]) { try $0[0].round(decimals: 1) }           // 0
    }

    @Test func gradientsAtTheEdges() throws {
        // sinc'(0) = 0; nan_to_num passes the gradient only where x is finite; logit' is NaN
        // outside [0, 1] without eps and +inf at 0 and 1 (also at -0.0, as PyTorch's kernel).
        let zero = try Tensor([0] as [Double]).requiringGrad()
        try zero.sinc().sum().backward()
        #expect(try zero.grad!.scalars(as: Double.self) == [0])
        let x = try Tensor([0, .nan, .infinity, -.infinity] as [Double]).requiringGrad()
        try x.nanToNum().sum().backward()
        #expect(try x.grad!.scalars(as: Double.self) == [1, 0, 0, 0])
        let p = try Tensor([-0.0, 1, 1.5] as [Double]).requiringGrad()
        try p.logit().sum().backward()
        let pg = try p.grad!.scalars(as: Double.self)
        #expect(pg[0] == .infinity && pg[1] == .infinity && pg[2].isNaN)
    }

    @Test func secondOrders() throws {
        func inputs(_ shapes: [[Int]], positive: Bool = false) throws -> [Tensor] {
            try makeInputs(shapes, dtype: .float64, positive: positive, seed: 7)
        }
        try Autograd.gradgradcheck({ [try $0[0].atan2($0[1])] }, try inputs([[3], [3]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].hypot($0[1])] }, try inputs([[3], [3]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].logaddexp($0[1])] }, try inputs([[3], [3]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].xlogy($0[1])] }, try inputs([[3], [3]], positive: true), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].lerp($0[1], weight: $0[2])] }, try inputs([[3], [3], [3]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].addcdiv($0[1], $0[2], value: 2)] }, try inputs([[3], [3], [3]], positive: true),
                                   atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].sinc()] }, try inputs([[4]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].tanh().erfinv()] }, try inputs([[4]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].sigmoid().logit()] }, try inputs([[4]]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].ldexp($0[1])] }, try inputs([[3], [3]]), atol: 1e-4, rtol: 1e-3)
    }

    // MARK: Forward values

    @Test func integerDivisionFollowsPython() throws {
        let a = try Tensor([7, -7, 7, -7, .min] as [Int64]), b = try Tensor([2, 2, -2, -2, -1] as [Int64])
        // Python: 7 // 2 = 3, -7 // 2 = -4, 7 // -2 = -4, -7 // -2 = 3; % takes the divisor's sign;
        // fmod and trunc take the dividend's. Int64.min / -1 wraps to Int64.min, remainder 0.
        #expect(try a.floorDivide(b).scalars(as: Int64.self) == [3, -4, -4, 3, .min])
        #expect(try a.remainder(b).scalars(as: Int64.self) == [1, 1, -1, -1, 0])
        #expect(try a.fmod(b).scalars(as: Int64.self) == [1, -1, 1, -1, 0])
        #expect(try a.div(b, roundingMode: .trunc).scalars(as: Int64.self) == [3, -3, -3, 3, .min])
        #expect(try a.div(b, roundingMode: .floor).dtype == .int64)
        expectError(.invalidArgument("ZeroDivisionError")) { _ = try a.remainder(Tensor([1, 0, 1, 1, 1] as [Int64])) }
        expectError(.invalidArgument("ZeroDivisionError")) { _ = try a.fmod(Tensor.scalar(Int64(0))) }
        // An empty result divides nothing.
        #expect(try Tensor([] as [Int64]).floorDivide(Tensor.scalar(Int64(0))).count == 0)
        expectError(.dtype("\"remainder_cpu\" not implemented for 'Bool'")) {
            _ = try Tensor([true]).remainder(Tensor([true]))
        }
    }

    @Test func floatingDivisionFollowsPython() throws {
        let a = try Tensor([7.5, -7.5, 3, -3, 1] as [Double]), b = try Tensor([2, 2, 0, 0, -Double.infinity] as [Double])
        // -7.5 // 2 = -4 and -7.5 % 2 = 0.5; division by zero is IEEE's; 1 // -inf = -1.
        #expect(try a.floorDivide(b).scalars(as: Double.self) == [3, -4, .infinity, -.infinity, -1])
        let r = try a.remainder(b).scalars(as: Double.self)
        #expect(r[0] == 1.5 && r[1] == 0.5 && r[2].isNaN && r[3].isNaN)
        #expect(try a.fmod(Tensor.scalar(2.0)).scalars(as: Double.self) == [1.5, -1.5, 1, -1, 1])
        // An integer tensor with a float number divides in float32.
        #expect(try Tensor([7] as [Int64]).fmod(Tensor.scalar(2.5)).dtype == .float32)
    }

    @Test func roundWithDecimals() throws {
        // 2.675 is stored a little below (float32 2.67499995, float64 2.67499999999999982), but
        // x * 100 rounds to 267.5 in either dtype (the error is below half an ulp of 267.5),
        // which rounds to even, 268: 2.68 where Python's decimal-exact round gives 2.67.
        // PyTorch's kernel scales in the element type and so does this.
        #expect(try Tensor([2.675] as [Float]).round(decimals: 2).scalars(as: Float.self) == [Float(268) / 100])
        #expect(try Tensor([2.675] as [Double]).round(decimals: 2).scalars(as: Double.self) == [2.68])
        // 0.125 * 100 = 12.5 exactly: to even, 12.
        #expect(try Tensor([0.125] as [Double]).round(decimals: 2).scalars(as: Double.self) == [0.12])
        #expect(try Tensor([1250, -151, 2.5] as [Float]).round(decimals: -2).scalars(as: Float.self) == [1200, -200, 0])
        // 10^40 overflows float32: x * inf / inf is NaN.
        #expect(try Tensor([1.5] as [Float]).round(decimals: 40).scalars(as: Float.self)[0].isNaN)
        expectError(.dtype("\"round_cpu\" not implemented for 'Long'")) { _ = try Tensor([1] as [Int64]).round(decimals: 1) }
    }

    @Test func unaryValues() throws {
        let s = try Tensor([0, 0.5, 1, -0.5] as [Double]).sinc().scalars(as: Double.self)
        expectClose(s, [1, 2 / Double.pi, 0, 2 / Double.pi], tolerance: 1e-15)
        // erfinv inverts erf, in both branches of the approximation.
        let ys = [0.3, -0.6, 0.85, -0.999] as [Double]
        let back = try Tensor(ys.map { Foundation.erf($0) }).erfinv().scalars(as: Double.self)
        expectClose(back, ys, tolerance: 1e-12)
        // In the tails erf(x) rounds to 1; the result still satisfies erfc(x) = 1 - y.
        for y in [1 - 1e-10, 1 - 3e-7] {
            let tail = 1 - y                                            // exact (Sterbenz)
            let x = try Tensor([y, -y] as [Double]).erfinv().scalars(as: Double.self)
            #expect(Swift.abs(Foundation.erfc(x[0]) / tail - 1) < 1e-13 && x[1] == -x[0])
        }
        let edges = try Tensor([1, -1, 1.5] as [Double]).erfinv().scalars(as: Double.self)
        #expect(edges[0] == .infinity && edges[1] == -.infinity && edges[2].isNaN)
        // logit with eps clamps into [eps, 1 - eps]: logit(0.2) = log(1/4).
        expectClose(try Tensor([0.01, 0.99] as [Double]).logit(eps: 0.2).scalars(as: Double.self),
                    [Foundation.log(0.25), -Foundation.log(0.25)], tolerance: 1e-15)
        let special = try Tensor([.nan, .infinity, -.infinity, -0.0, 2] as [Float])
        #expect(try special.nanToNum().scalars(as: Float.self) == [0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0, 2])
        #expect(try special.nanToNum(nan: 1, posinf: 1e300, neginf: -3).scalars(as: Float.self) == [1, .infinity, -3, 0, 2])
        #expect(try special.signbit().scalars(as: Bool.self) == [false, false, true, true, false])
        #expect(try special.sgn().scalars(as: Float.self) == [0, 1, -1, 0, 1])
        #expect(try special.isfinite().scalars(as: Bool.self) == [false, false, false, true, true])
        #expect(try special.isposinf().scalars(as: Bool.self) == [false, true, false, false, false])
        #expect(try special.isneginf().scalars(as: Bool.self) == [false, false, true, false, false])
        #expect(try special.isinf().scalars(as: Bool.self) == [false, true, true, false, false])
        #expect(try special.isnan().scalars(as: Bool.self) == [true, false, false, false, false])
        let angles = try special.angle().scalars(as: Float.self)
        #expect(angles[0].isNaN && angles[1] == 0 && angles[2] == Float(Double.pi) && angles[3] == 0)
        #expect(try Tensor([-3, 0, 4] as [Int64]).angle().dtype == .float32)
        #expect(try Tensor([-3, 0, 4] as [Int64]).signbit().scalars(as: Bool.self) == [true, false, false])
        #expect(try Tensor([-3, 0, 4] as [Int64]).isfinite().scalars(as: Bool.self) == [true, true, true])
        #expect(try Tensor([2.75, -2.75] as [Double]).frac().scalars(as: Double.self) == [0.75, -0.75])
        expectError(.dtype("\"frac_cpu\" not implemented for 'Long'")) { _ = try Tensor([1] as [Int64]).frac() }
        #expect(try Tensor([180] as [Int64]).deg2rad().scalars(as: Float.self) == [Float(Double.pi)])
    }

    @Test func binaryValues() throws {
        let h = try Tensor([1, -2, 0, 0, .nan] as [Double]).heaviside(Tensor([5, 5, 7, 8, 9] as [Double]))
        let hv = try h.scalars(as: Double.self)
        #expect(Array(hv[0..<4]) == [1, 0, 7, 8] && hv[4] == 0)
        expectError(.dtype("heaviside is not yet implemented for tensors with different dtypes.")) {
            _ = try Tensor([1] as [Float]).heaviside(Tensor([1] as [Double]))
        }
        // logaddexp keeps equal infinities and is exact far apart.
        let l = try Tensor([.infinity, -.infinity, 100] as [Double]).logaddexp(Tensor([.infinity, -.infinity, 0] as [Double]))
        #expect(try l.scalars(as: Double.self) == [.infinity, -.infinity, 100])
        expectClose(try Tensor([3] as [Double]).logaddexp2(Tensor([3] as [Double])).scalars(as: Double.self), [4], tolerance: 1e-15)
        // xlogy: 0 at x == 0 unless y is NaN.
        let xl = try Tensor([0, 0, 2] as [Double]).xlogy(Tensor([0, .nan, 1] as [Double])).scalars(as: Double.self)
        #expect(xl[0] == 0 && xl[1].isNaN && xl[2] == 0)
        #expect(try Tensor([1, 0] as [Float]).nextafter(Tensor([2, -1] as [Float])).scalars(as: Float.self)
                == [Float(1).nextUp, -Float.leastNonzeroMagnitude])
        #expect(try Tensor([3] as [Int64]).ldexp(Tensor([2] as [Int64])).scalars(as: Float.self) == [12])
        // A floating self with an integer exponent is scaled exactly: 2^200 alone overflows
        // float32, 1e-30 * 2^200 (about 1.6e30) does not. A float exponent goes through 2.0^e.
        let scaled = try Tensor([1e-30] as [Float]).ldexp(Tensor([200] as [Int64])).scalars(as: Float.self)[0]
        #expect(scaled == Float(Foundation.ldexp(Double(Float(1e-30)), 200)))
        #expect(try Tensor([1e-30] as [Float]).ldexp(Tensor([200] as [Float])).scalars(as: Float.self)[0] == .infinity)
        expectError(.dtype("\"ldexp_cpu_exp\" not implemented for 'Bool'")) {
            _ = try Tensor([1] as [Float]).ldexp(Tensor([true]))
        }
        expectError(.dtype("\"clamp_min_scalar_cpu\" not implemented for 'Bool'")) {
            _ = try Tensor([true]).clampMin(Tensor.scalar(true))
        }
        #expect(try Tensor([7] as [Int64]).addcmul(Tensor([7] as [Int64]), Tensor([2] as [Int64]), value: 2.5)
                    .scalars(as: Int64.self) == [35])                       // value truncated to 2
        expectError(.invalidArgument("value cannot be converted to type int64_t without overflow")) {
            _ = try Tensor([1] as [Int64]).addcmul(Tensor([1] as [Int64]), Tensor([1] as [Int64]), value: .nan)
        }
        #expect(throws: SwiftGradError.self) { _ = try Tensor([1] as [Int64]).addcdiv(Tensor([1] as [Int64]), Tensor([true])) }
        // lerp takes the nearer end: exact at both ends.
        let ends = try Tensor([2, 2] as [Double]).lerp(Tensor([5, 5] as [Double]), weight: Tensor([0, 1] as [Double]))
        #expect(try ends.scalars(as: Double.self) == [2, 5])
        expectError(.dtype("expected dtype float for `end` but got dtype double")) {
            _ = try Tensor([1] as [Float]).lerp(Tensor([1] as [Double]), weight: Tensor.scalar(0.5))
        }
        expectError(.dtype("\"lerp_kernel_scalar\" not implemented for 'Long'")) {
            _ = try Tensor([1] as [Int64]).lerp(Tensor([1] as [Int64]), weight: Tensor.scalar(0.5))
        }
        // rsub: other - alpha * self, with PyTorch's alpha checks.
        #expect(try Tensor([1, 2] as [Int64]).rsub(Tensor.scalar(Int64(10)), alpha: Tensor.scalar(Int64(3)))
                    .scalars(as: Int64.self) == [7, 4])
        expectError(.invalidArgument("For integral input tensors, argument alpha must not be a floating point number.")) {
            _ = try Tensor([1] as [Int64]).rsub(Tensor.scalar(Int64(1)), alpha: Tensor.scalar(2.0))
        }
        expectError(.invalidArgument("Boolean alpha only supported for Boolean results.")) {
            _ = try Tensor([1] as [Int64]).rsub(Tensor.scalar(Int64(1)), alpha: Tensor.scalar(true))
        }
        #expect(try Tensor([2] as [Int64]).rdiv(Tensor.scalar(Int64(1))).scalars(as: Float.self) == [0.5])
        #expect(try Tensor([1, .nan] as [Float]).fmin(Tensor([.nan, .nan] as [Float])).scalars(as: Float.self)[0] == 1)
        #expect(try Tensor([true, false]).fmax(Tensor([false, false])).scalars(as: Bool.self) == [true, false])
        #expect(try Tensor([true]).clampMin(Tensor.scalar(Int64(0))).dtype == .int64)
    }
}
