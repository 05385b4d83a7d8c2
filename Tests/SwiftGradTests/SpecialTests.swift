import Foundation
import Testing
@testable import SwiftGrad

/// Special functions and window functions: every backward rule against float64 finite
/// differences, some second orders, values against closed forms, defining series and
/// identities, PyTorch's node names and errors.
@Suite struct SpecialTests {
    static let eulerGamma = 0.57721566490153286061

    /// A constant tensor of `values` in `like`'s dtype (an operand that does not require grad).
    static func constant(_ values: [Double], like t: Tensor) throws -> Tensor {
        try Tensor(values, shape: [values.count]).to(t.dtype)
    }

    /// sum over k of (x/2)^(2k + order) / (k! (k + order)!), times (-1)^k when `alternating`:
    /// I0, I1 (J0, J1 alternating).
    static func besselSeries(order: Int, _ x: Double, alternating: Bool = false) -> Double {
        var term = order == 0 ? 1.0 : x / 2, sum = term
        for k in 1..<80 {
            term *= (alternating ? -1 : 1) * (x / 2) * (x / 2) / (Double(k) * Double(k + order))
            sum += term
        }
        return sum
    }

    // MARK: Gradients against finite differences

    @Test func gammaFamilyGradients() throws {
        try checkGradients([[2, 3]], positive: true) { try $0[0].digamma() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].lgamma() }
        for n in 0...3 {
            try checkGradients([[4]], positive: true) { try $0[0].polygamma(n) }
        }
        for p in 1...3 {
            try checkGradients([[2, 2]], positive: true) { try $0[0].add(1.5).mvlgamma(p: p) }
        }
        try checkGradients([[]], positive: true) { try $0[0].add(2).mvlgamma(p: 2) }
    }

    @Test func gradientsInTheSecondArgumentOnly() throws {
        // PyTorch differentiates igamma, igammac and zeta in their second argument only.
        try checkGradients([[4]], positive: true) { t in try Self.constant([0.8, 1.5, 2.5, 4], like: t[0]).igamma(t[0]) }
        try checkGradients([[4]], positive: true) { t in try Self.constant([0.8, 1.5, 2.5, 4], like: t[0]).igammac(t[0]) }
        try checkGradients([[2, 1]], positive: true) { t in try Self.constant([1.5, 3], like: t[0]).igamma(t[0]) }
        try checkGradients([[4]], positive: true) { t in try Self.constant([2, 3, 2.5, 4], like: t[0]).zeta(t[0]) }
    }

    @Test func xlog1pyGradients() throws {
        try checkGradients([[3], [3]], positive: true) { try $0[0].xlog1py($0[1]) }
        try checkGradients([[2, 3], [3]], positive: true) { try $0[0].xlog1py($0[1]) }
        try checkGradients([[3]], positive: true) { try $0[0].xlog1py(Tensor.scalar(0.5)) }
        try checkGradients([[3]], positive: true) { try Tensor.scalar(2.0).xlog1py($0[0]) }
    }

    @Test func besselAndNormalGradients() throws {
        try checkGradients([[2, 3]]) { try $0[0].i0() }
        try checkGradients([[2, 3]]) { try $0[0].i0e() }
        try checkGradients([[2, 3]]) { try $0[0].i1() }
        try checkGradients([[2, 3]]) { try $0[0].i1e() }
        try checkGradients([[2, 3]]) { try $0[0].ndtr() }
        try checkGradients([[2, 3]]) { try $0[0].sigmoid().ndtri() }
        try checkGradients([[2, 3]]) { try $0[0].logNdtr() }
        try checkGradients([[2, 3]]) { try $0[0].erfcx() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].entr() }
        try checkGradients([[2, 3]]) { try $0[0].mul(3).besselJ0() }
        try checkGradients([[2, 3]]) { try $0[0].mul(3).besselJ1() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].mul(3).besselY0() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].mul(3).besselY1() }
        try checkGradients([[2, 3]]) { try $0[0].modifiedBesselI0() }
        try checkGradients([[2, 3]]) { try $0[0].modifiedBesselI1() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].modifiedBesselK0() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].modifiedBesselK1() }
    }

    @Test func secondOrders() throws {
        let x = try makeInputs([[5]], dtype: .float64, positive: true, seed: 7)
        for f in [{ (t: Tensor) in try t.digamma() }, { try $0.i1() }, { try $0.erfcx() }, { try $0.besselJ1() },
                  { try $0.i0e() }, { try $0.logNdtr() }, { try $0.mvlgamma(p: 2) }, { try $0.modifiedBesselK1() }] {
            try Autograd.gradgradcheck({ t in [try f(t[0])] }, x, atol: 1e-5, rtol: 1e-4)
        }
        let pair = try makeInputs([[4], [4]], dtype: .float64, positive: true, seed: 8)
        try Autograd.gradgradcheck({ t in [try t[0].xlog1py(t[1])] }, pair, atol: 1e-5, rtol: 1e-4)
        try Autograd.gradgradcheck({ t in [try Self.constant([1.5, 2, 3, 0.7, 1.1], like: t[0]).igamma(t[0])] }, x, atol: 1e-5, rtol: 1e-4)
    }

    /// The gradients PyTorch defines by a limit at the origin: 1/2 for i1, i1e, J1, and +inf
    /// for Y1; NaN stays NaN.
    @Test func gradientsAtTheOrigin() throws {
        for f in [{ (t: Tensor) in try t.i1() }, { try $0.i1e() }, { try $0.besselJ1() }, { try $0.modifiedBesselI1() }] {
            let x = try Tensor([0, -0.0, 1e-300, .nan] as [Double]).requiringGrad()
            try f(x).sum().backward()
            let g = try x.grad!.scalars(as: Double.self)
            #expect(g[0] == 0.5 && g[1] == 0.5 && g[2] == 0.5 && g[3].isNaN)
        }
        let x = try Tensor([0] as [Float]).requiringGrad()
        try x.besselY1().sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [.infinity])
    }

    // MARK: Values

    @Test func gammaValues() throws {
        let x = try Tensor([1, 0.5, 3] as [Double])
        expectClose(try x.digamma().scalars(as: Double.self),
                    [-Self.eulerGamma, -Self.eulerGamma - 2 * Foundation.log(2.0), 1.5 - Self.eulerGamma], tolerance: 1e-15)
        expectClose(try x.lgamma().scalars(as: Double.self), [0, 0.5 * Foundation.log(Double.pi), Foundation.log(2.0)], tolerance: 1e-15)
        // psi^(n)(1) = (-1)^(n+1) n! zeta(n + 1); PyTorch's trigamma is good to 5e-10.
        let one = try Tensor([1] as [Double])
        expectClose(try one.polygamma(1).scalars(as: Double.self), [Double.pi * Double.pi / 6], tolerance: 1e-9)
        expectClose(try one.polygamma(2).scalars(as: Double.self), [-2 * 1.2020569031595942854], tolerance: 1e-14)
        expectClose(try one.polygamma(3).scalars(as: Double.self), [6 * pow(Double.pi, 4) / 90], tolerance: 1e-14)
        // Reflection: digamma(1 - x) - digamma(x) = pi / tan(pi x).
        let y = try Tensor([-2.3, -0.7, 0.2] as [Double])
        let left = try y.rsub(1).digamma().sub(y.digamma()).scalars(as: Double.self)
        expectClose(left, [-2.3, -0.7, 0.2].map { Double.pi / Foundation.tan(Double.pi * $0) }, tolerance: 1e-13)
        // mvlgamma(x, 3) = 3/2 ln pi + lgamma(x) + lgamma(x - 1/2) + lgamma(x - 1).
        let z = try Tensor([2.5, 4] as [Double])
        expectClose(try z.mvlgamma(p: 3).scalars(as: Double.self),
                    [2.5, 4].map { 1.5 * Foundation.log(Double.pi) + Foundation.lgamma($0) + Foundation.lgamma($0 - 0.5) + Foundation.lgamma($0 - 1) },
                    tolerance: 1e-14)
        // Hurwitz zeta: zeta(2, 1) = pi^2/6, zeta(s, q) - zeta(s, q + 1) = q^-s.
        let s = try Tensor([2, 3.5] as [Double]), q = try Tensor([1, 0.3] as [Double])
        let difference = try s.zeta(q).sub(s.zeta(q.add(1))).scalars(as: Double.self)
        expectClose(difference, [1, Foundation.pow(0.3, -3.5)], tolerance: 1e-13)
        expectClose(try Tensor([2] as [Double]).zeta(Tensor([1] as [Double])).scalars(as: Double.self), [Double.pi * Double.pi / 6], tolerance: 1e-15)
        // P(1, x) = 1 - e^-x; P(1/2, x) = erf(sqrt x); P + Q = 1, in each of igamma's regimes.
        let a = try Tensor([1, 0.5, 30, 150, 3] as [Double]), xs = try Tensor([2, 0.7, 31, 160, 0.2] as [Double])
        let p = try a.igamma(xs).scalars(as: Double.self), c = try a.igammac(xs).scalars(as: Double.self)
        expectClose(Array(p[0..<2]), [1 - Foundation.exp(-2), Foundation.erf(Foundation.sqrt(0.7))], tolerance: 1e-15)
        expectClose(zip(p, c).map { $0 + $1 }, [1, 1, 1, 1, 1], tolerance: 1e-14)
    }

    @Test func besselValues() throws {
        let points = [0.25, 1.5, 4, 7.5, 9]
        let x = try Tensor(points)
        expectClose(try x.i0().scalars(as: Double.self), points.map { Self.besselSeries(order: 0, $0) }, tolerance: 1e-14)
        expectClose(try x.i1().neg().scalars(as: Double.self), points.map { -Self.besselSeries(order: 1, $0) }, tolerance: 1e-14)
        expectClose(try x.i0e().scalars(as: Double.self), points.map { Foundation.exp(-$0) * Self.besselSeries(order: 0, $0) }, tolerance: 1e-14)
        expectClose(try x.i1e().scalars(as: Double.self), points.map { Foundation.exp(-$0) * Self.besselSeries(order: 1, $0) }, tolerance: 1e-14)
        expectClose(try x.modifiedBesselI0().scalars(as: Double.self), points.map { Self.besselSeries(order: 0, $0) }, tolerance: 1e-14)
        // The Wronskian I0 K1 + I1 K0 = 1/x, and the scaled forms.
        let w = try x.i0().mul(x.modifiedBesselK1()).add(x.i1().mul(x.modifiedBesselK0())).scalars(as: Double.self)
        expectClose(w, points.map { 1 / $0 }, tolerance: 1e-14)
        expectClose(try x.scaledModifiedBesselK0().scalars(as: Double.self),
                    try x.modifiedBesselK0().mul(x.exp()).scalars(as: Double.self), tolerance: 1e-14)
        expectClose(try x.scaledModifiedBesselK1().scalars(as: Double.self),
                    try x.modifiedBesselK1().mul(x.exp()).scalars(as: Double.self), tolerance: 1e-14)
        // J0, J1 from their series where PyTorch's rational approximations are accurate (x <= 2),
        // and the Wronskian J1 Y0 - J0 Y1 = 2 / (pi x) everywhere (PyTorch's are good to 1e-6).
        let small = try Tensor([0.25, 1, 2] as [Double])
        expectClose(try small.besselJ0().scalars(as: Double.self), [0.25, 1, 2].map { Self.besselSeries(order: 0, $0, alternating: true) }, tolerance: 1e-14)
        expectClose(try small.besselJ1().scalars(as: Double.self), [0.25, 1, 2].map { Self.besselSeries(order: 1, $0, alternating: true) }, tolerance: 1e-14)
        let wj = try x.besselJ1().mul(x.besselY0()).sub(x.besselJ0().mul(x.besselY1())).scalars(as: Double.self)
        expectClose(wj, points.map { 2 / (Double.pi * $0) }, tolerance: 1e-6)
        // Ai(0) = 1 / (3^(2/3) Gamma(2/3)); j0(x) = sin(x) / x.
        expectClose(try Tensor([0] as [Double]).airyAi().scalars(as: Double.self),
                    [1 / (Foundation.pow(3, 2.0 / 3) * Foundation.tgamma(2.0 / 3))], tolerance: 1e-15)
        expectClose(try x.sphericalBesselJ0().scalars(as: Double.self), points.map { Foundation.sin($0) / $0 }, tolerance: 1e-15)
    }

    @Test func normalAndEntropyValues() throws {
        let points = [-3, -0.5, 0, 1.25, 4]
        let x = try Tensor(points)
        let cdf = points.map { 0.5 * Foundation.erfc(-$0 / 2.0.squareRoot()) }
        expectClose(try x.ndtr().scalars(as: Double.self), cdf, tolerance: 1e-14)
        expectClose(try x.logNdtr().scalars(as: Double.self), cdf.map { Foundation.log($0) }, tolerance: 1e-13)
        expectClose(try Tensor(cdf).ndtri().scalars(as: Double.self), points, tolerance: 1e-13)
        expectClose(try x.erfcx().scalars(as: Double.self), points.map { Foundation.exp($0 * $0) * Foundation.erfc($0) }, tolerance: 1e-13)
        expectClose(try Tensor([0.5, 0, -1, 2] as [Double]).entr().scalars(as: Double.self),
                    [0.5 * Foundation.log(2.0), 0, -.infinity, -2 * Foundation.log(2.0)], tolerance: 1e-15)
        expectClose(try Tensor([2, 0, 0] as [Double]).xlog1py(Tensor([Foundation.exp(1.0) - 1, -5, .nan] as [Double])).scalars(as: Double.self),
                    [2, 0, .nan], tolerance: 1e-15)
    }

    /// The polynomials against trigonometric identities (both the recurrence, n <= 6 or 8, and
    /// the closed forms PyTorch uses beyond), explicit forms and three-term recurrences.
    @Test func polynomialValues() throws {
        let theta = [0.3, 1.1, 2.5]
        let c = try Tensor(theta.map { Foundation.cos($0) })
        let shifted = try Tensor(theta.map { (Foundation.cos($0) + 1) / 2 })
        for n in 0...12 {
            let degree = try Tensor.full([], Double(n), dtype: .float64)
            let v = Double(n)
            let t = theta.map { Foundation.cos(v * $0) }
            let u = theta.map { Foundation.sin((v + 1) * $0) / Foundation.sin($0) }
            let third = theta.map { Foundation.cos((v + 0.5) * $0) / Foundation.cos($0 / 2) }
            let fourth = theta.map { Foundation.sin((v + 0.5) * $0) / Foundation.sin($0 / 2) }
            expectClose(try c.chebyshevPolynomialT(degree).scalars(as: Double.self), t, tolerance: 1e-12, "T\(n)")
            expectClose(try c.chebyshevPolynomialU(degree).scalars(as: Double.self), u, tolerance: 1e-12, "U\(n)")
            expectClose(try c.chebyshevPolynomialV(degree).scalars(as: Double.self), third, tolerance: 1e-12, "V\(n)")
            expectClose(try c.chebyshevPolynomialW(degree).scalars(as: Double.self), fourth, tolerance: 1e-12, "W\(n)")
            expectClose(try shifted.shiftedChebyshevPolynomialT(degree).scalars(as: Double.self), t, tolerance: 1e-12, "T*\(n)")
            expectClose(try shifted.shiftedChebyshevPolynomialU(degree).scalars(as: Double.self), u, tolerance: 1e-12, "U*\(n)")
            expectClose(try shifted.shiftedChebyshevPolynomialV(degree).scalars(as: Double.self), third, tolerance: 1e-12, "V*\(n)")
            expectClose(try shifted.shiftedChebyshevPolynomialW(degree).scalars(as: Double.self), fourth, tolerance: 1e-12, "W*\(n)")
        }
        let xs = [-1.3, 0.4, 2.2]
        let x = try Tensor(xs), three = try Tensor.scalar(3.0)
        expectClose(try x.hermitePolynomialH(three).scalars(as: Double.self), xs.map { 8 * $0 * $0 * $0 - 12 * $0 }, tolerance: 1e-14)
        expectClose(try x.hermitePolynomialHe(three).scalars(as: Double.self), xs.map { $0 * $0 * $0 - 3 * $0 }, tolerance: 1e-14)
        expectClose(try x.laguerrePolynomialL(three).scalars(as: Double.self), xs.map { (-$0 * $0 * $0 + 9 * $0 * $0 - 18 * $0 + 6) / 6 }, tolerance: 1e-14)
        expectClose(try x.legendrePolynomialP(three).scalars(as: Double.self), xs.map { (5 * $0 * $0 * $0 - 3 * $0) / 2 }, tolerance: 1e-14)
        // Three-term recurrences at degree 10: H_11 = 2x H_10 - 20 H_9, He_11 = x He_10 - 10 He_9,
        // 11 L_11 = (21 - x) L_10 - 10 L_9, 11 P_11 = 21 x P_10 - 10 P_9.
        func at(_ f: (Tensor) throws -> Tensor) throws -> [Double] { try f(x).scalars(as: Double.self) }
        let nine = try Tensor.scalar(9.0), ten = try Tensor.scalar(10.0), eleven = try Tensor.scalar(11.0)
        let (h9, h10, h11) = (try at { try $0.hermitePolynomialH(nine) }, try at { try $0.hermitePolynomialH(ten) }, try at { try $0.hermitePolynomialH(eleven) })
        expectClose(h11, xs.indices.map { 2 * xs[$0] * h10[$0] - 20 * h9[$0] }, tolerance: 1e-12)
        let (e9, e10, e11) = (try at { try $0.hermitePolynomialHe(nine) }, try at { try $0.hermitePolynomialHe(ten) }, try at { try $0.hermitePolynomialHe(eleven) })
        expectClose(e11, xs.indices.map { xs[$0] * e10[$0] - 10 * e9[$0] }, tolerance: 1e-12)
        let (l9, l10, l11) = (try at { try $0.laguerrePolynomialL(nine) }, try at { try $0.laguerrePolynomialL(ten) }, try at { try $0.laguerrePolynomialL(eleven) })
        expectClose(l11, xs.indices.map { ((21 - xs[$0]) * l10[$0] - 10 * l9[$0]) / 11 }, tolerance: 1e-12)
        let (p9, p10, p11) = (try at { try $0.legendrePolynomialP(nine) }, try at { try $0.legendrePolynomialP(ten) }, try at { try $0.legendrePolynomialP(eleven) })
        expectClose(p11, xs.indices.map { (21 * xs[$0] * p10[$0] - 10 * p9[$0]) / 11 }, tolerance: 1e-12)
        // The degree truncates toward zero; a negative one gives 0; Hermite is NaN past 128
        // (float32) or 512 (float64), as PyTorch's.
        expectClose(try x.legendrePolynomialP(Tensor.scalar(3.9)).scalars(as: Double.self), xs.map { (5 * $0 * $0 * $0 - 3 * $0) / 2 }, tolerance: 1e-14)
        #expect(try x.chebyshevPolynomialT(Tensor.scalar(-2.0)).scalars(as: Double.self) == [0, 0, 0])
        #expect(try Tensor([0.5] as [Float]).hermitePolynomialH(Tensor([129] as [Float])).scalars(as: Float.self)[0].isNaN)
        #expect(try Tensor([0.5] as [Double]).hermitePolynomialH(Tensor([129] as [Double])).scalars(as: Double.self)[0].isFinite)
    }

    @Test func windowValues() throws {
        func values(_ t: Tensor) throws -> [Double] { try t.scalars(as: Double.self) }
        for m in 2...7 {
            let n = (0..<m).map(Double.init)
            for sym in [true, false] {
                let length = Double(sym ? m - 1 : m)
                let hann = n.map { pow(Foundation.sin(Double.pi * $0 / length), 2) }
                expectClose(try values(Windows.hann(m, sym: sym, dtype: .float64)), hann, tolerance: 1e-15, "hann(\(m))")
                expectClose(try values(Windows.hamming(m, sym: sym, dtype: .float64)),
                            n.map { 0.54 - 0.46 * Foundation.cos(2 * Double.pi * $0 / length) }, tolerance: 1e-15)
                expectClose(try values(Windows.blackman(m, sym: sym, dtype: .float64)),
                            n.map { 0.42 - 0.5 * Foundation.cos(2 * Double.pi * $0 / length) + 0.08 * Foundation.cos(4 * Double.pi * $0 / length) },
                            tolerance: 1e-15)
                expectClose(try values(Windows.bartlett(m, sym: sym, dtype: .float64)),
                            n.map { 1 - Swift.abs(2 * $0 / length - 1) }, tolerance: 1e-15)
                let middle = Double(sym ? m - 1 : m) / 2
                expectClose(try values(Windows.gaussian(m, std: 1.5, sym: sym, dtype: .float64)),
                            n.map { Foundation.exp(-($0 - middle) * ($0 - middle) / (2 * 1.5 * 1.5)) }, tolerance: 1e-14)
                expectClose(try values(Windows.exponential(m, tau: 2, sym: sym, dtype: .float64)),
                            n.map { Foundation.exp(-Swift.abs($0 - middle) / 2) }, tolerance: 1e-14)
                let cosineLength = Double(sym ? m : m + 1)
                expectClose(try values(Windows.cosine(m, sym: sym, dtype: .float64)),
                            n.map { Foundation.sin(Double.pi * ($0 + 0.5) / cosineLength) }, tolerance: 1e-15)
                let beta = 2.5
                expectClose(try values(Windows.kaiser(m, beta: beta, sym: sym, dtype: .float64)),
                            n.map { Self.besselSeries(order: 0, beta * (1 - pow(2 * $0 / length - 1, 2)).squareRoot()) / Self.besselSeries(order: 0, beta) },
                            tolerance: 1e-14)
            }
        }
        #expect(try Windows.hann(0).shape == [0])
        #expect(try Windows.kaiser(1).scalars(as: Float.self) == [1])
        #expect(try Windows.hann(4).dtype == .float32)
        expectClose(try values(Windows.exponential(3, center: 0, sym: false, dtype: .float64)),
                    [1, Foundation.exp(-1), Foundation.exp(-2)], tolerance: 1e-15)
        expectClose(try values(Windows.generalCosine(3, coefficients: Tensor([0.5, 0.5] as [Double]), dtype: .float64)), [0, 1, 0], tolerance: 1e-15)
    }

    // MARK: Names, dtypes, errors

    @Test func nodeNamesAndWhatLeavesTheGraph() throws {
        let x = try Tensor([0.5, 1.5] as [Double]).requiringGrad()
        let named: [(String, Tensor)] = [
            ("DigammaBackward0", try x.digamma()), ("LgammaBackward0", try x.lgamma()),
            ("PolygammaBackward0", try x.polygamma(2)), ("MvlgammaBackward0", try x.add(1).mvlgamma(p: 2)),
            ("IgammaBackward0", try x.igamma(x)), ("IgammacBackward0", try x.igammac(x)),
            ("I0Backward0", try x.i0()), ("SpecialI0EBackward0", try x.i0e()), ("SpecialI1Backward0", try x.i1()),
            ("SpecialI1EBackward0", try x.i1e()), ("MulBackward1", try x.ndtr()), ("SpecialNdtriBackward0", try x.ndtri()),
            ("SpecialLogNdtrBackward0", try x.logNdtr()), ("SpecialErfcxBackward0", try x.erfcx()),
            ("SpecialEntrBackward0", try x.entr()), ("SpecialXlog1PyBackward0", try x.xlog1py(x)),
            ("SpecialXlog1PyBackward1", try Tensor.scalar(2.0).xlog1py(x)), ("SpecialXlog1PyBackward2", try x.xlog1py(Tensor.scalar(2.0))),
            ("SpecialZetaBackward0", try x.add(1).zeta(x)), ("SpecialZetaBackward1", try Tensor.scalar(2.0).zeta(x)),
            ("SpecialBesselJ0Backward0", try x.besselJ0()), ("SpecialBesselJ1Backward0", try x.besselJ1()),
            ("SpecialBesselY0Backward0", try x.besselY0()), ("SpecialBesselY1Backward0", try x.besselY1()),
            ("SpecialModifiedBesselI0Backward0", try x.modifiedBesselI0()), ("SpecialModifiedBesselI1Backward0", try x.modifiedBesselI1()),
            ("SpecialModifiedBesselK0Backward0", try x.modifiedBesselK0()), ("SpecialModifiedBesselK1Backward0", try x.modifiedBesselK1()),
        ]
        for (name, y) in named { #expect(y.gradFn?.name == name) }
        // ndtr is composed as PyTorch composes it: ((x / sqrt 2).erf() + 1) * 0.5.
        #expect(try x.ndtr().gradFn?.nextFunctions.first?.node?.name == "AddBackward1")
        for y in [try x.airyAi(), try x.scaledModifiedBesselK0(), try x.scaledModifiedBesselK1(), try x.sphericalBesselJ0(),
                  try x.chebyshevPolynomialT(x), try x.legendrePolynomialP(Tensor.scalar(2.0)), try x.hermitePolynomialH(x)] {
            #expect(!y.requiresGrad && y.gradFn == nil)
        }
    }

    @Test func integersComputeInFloat32() throws {
        let i = try Tensor([1, 2, 3] as [Int64])
        for y in [try i.digamma(), try i.i0(), try i.entr(), try i.polygamma(2), try i.mvlgamma(p: 1), try i.zeta(i),
                  try i.xlog1py(i), try i.chebyshevPolynomialT(i), try Tensor([true] as [Bool]).besselJ0()] {
            #expect(y.dtype == .float32)
        }
        #expect(try Tensor([1.5] as [Double]).i1e().dtype == .float64)
        #expect(try Tensor([1.5] as [Float]).xlog1py(Tensor([2] as [Double])).dtype == .float64)
    }

    /// Half precision as PyTorch's CPU kernels have it: the gamma family, i0-i1e, ndtr, entr,
    /// igamma and xlog1py compute in float32 and round back; the others refuse it.
    @Test func halfPrecision() throws {
        for dtype in [DType.float16, .bfloat16] {
            let x = try Tensor([0.5, 1.5] as [Double]).to(dtype)
            let values = try x.to(.float32)
            for (y, f) in [(try x.digamma(), { (t: Tensor) in try t.digamma() }), (try x.i0e(), { try $0.i0e() }),
                           (try x.polygamma(2), { try $0.polygamma(2) }), (try x.mvlgamma(p: 1), { try $0.mvlgamma(p: 1) }),
                           (try x.igamma(x), { try $0.igamma($0) }), (try x.xlog1py(x), { try $0.xlog1py($0) })] {
                #expect(y.dtype == dtype)
                // The float32 value rounded to the half type.
                #expect(try y.to(.float64).scalars(as: Double.self) == (try f(values).to(dtype).to(.float64).scalars(as: Double.self)))
            }
            expectError(.dtype("\"bessel_j0_cpu\" not implemented for '\(dtype.scalarTypeName)'")) { _ = try x.besselJ0() }
            expectError(.dtype("\"zeta_cpu\" not implemented for '\(dtype.scalarTypeName)'")) { _ = try x.zeta(x) }
            expectError(.dtype("\"chebyshev_polynomial_t_cpu\" not implemented for '\(dtype.scalarTypeName)'")) {
                _ = try x.chebyshevPolynomialT(x)
            }
        }
        let bytes = try Tensor([1, 2] as [Int64]).to(.uint8)
        #expect(try bytes.besselY0().dtype == .float32)
        expectError(.dtype("\"igamma_cpu\" not implemented for 'Byte'")) { _ = try bytes.igamma(bytes) }
    }

    @Test func errors() throws {
        let x = try Tensor([1.5, 2.5] as [Double])
        expectError(.invalidArgument("polygamma(n, x) does not support negative n.")) { _ = try x.polygamma(-1) }
        expectError(.invalidArgument("p has to be greater than or equal to 1")) { _ = try x.mvlgamma(p: 0) }
        let i = try Tensor([1, 2] as [Int64])
        expectError(.dtype("\"igamma_cpu\" not implemented for 'Long'")) { _ = try i.igamma(i) }
        expectError(.dtype("\"igammac_cpu\" not implemented for 'Bool'")) { _ = try Tensor([true] as [Bool]).igammac(Tensor([false] as [Bool])) }
        for (f, message) in [({ (a: Tensor, b: Tensor) in try a.igamma(b) }, "the derivative for 'igamma: input' is not implemented."),
                             ({ try $0.igammac($1) }, "the derivative for 'igammac: input' is not implemented."),
                             ({ try $0.zeta($1) }, "the derivative for 'zeta' is not implemented.")] {
            let a = try Tensor([2.5] as [Double]).requiringGrad()
            expectError(.autograd(message)) { try f(a, x).sum().backward() }
        }
        expectError(.invalidArgument("legendre_polynomial_p: degrees above 16777216 are not supported")) {
            _ = try x.legendrePolynomialP(Tensor.scalar(1e9))
        }
        #expect(throws: SwiftGradError.self) { _ = try Tensor([2] as [Double]).zeta(Tensor([-1e9 + 0.5] as [Double])) }
        #expect(throws: SwiftGradError.self) { _ = try x.zeta(Tensor([1, 2, 3] as [Double])) }
        expectError(.invalidArgument("general_cosine requires non-negative window length, got M=-2")) { _ = try Windows.hann(-2) }
        expectError(.invalidArgument("kaiser requires non-negative window length, got M=-1")) { _ = try Windows.kaiser(-1) }
        expectError(.dtype("blackman expects float32 or float64 dtypes, got: torch.int64")) { _ = try Windows.blackman(3, dtype: .int64) }
        expectError(.invalidArgument("Tau must be positive, got: -1.0 instead.")) { _ = try Windows.exponential(3, tau: -1) }
        expectError(.invalidArgument("Center must be None for symmetric windows")) { _ = try Windows.exponential(3, center: 1) }
        expectError(.invalidArgument("Standard deviation must be positive, got: 0.0 instead.")) { _ = try Windows.gaussian(3, std: 0) }
        expectError(.invalidArgument("beta must be non-negative, got: -0.5 instead.")) { _ = try Windows.kaiser(3, beta: -0.5) }
        expectError(.invalidArgument("Coefficients cannot be empty")) { _ = try Windows.generalCosine(3, coefficients: [Double]()) }
    }
}
