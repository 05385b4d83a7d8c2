import Foundation
import Testing
@testable import SwiftGrad

/// The samplers behind torch.distributions: moments of draws within five standard errors of the
/// distribution's, reproducibility from a generator, the implicit reparameterisation gradients
/// against central differences of the CDFs (the regularised incomplete gamma function of the
/// library, the incomplete beta function by Simpson's rule here), PyTorch's node names and
/// refusals.
@Suite struct SamplingTests {
    static let n = 20000

    /// Mean and unbiased variance of a tensor's values.
    static func moments(_ t: Tensor) throws -> (mean: Double, variance: Double) {
        let values = try t.scalars(as: Double.self)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance)
    }

    /// The sample mean within five standard errors sqrt(var / n), the sample variance within
    /// five of sqrt((mu4 - var^2) / n).
    static func expectMoments(_ t: Tensor, mean: Double, variance: Double, mu4: Double, _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (m, v) = try moments(t)
        let count = Double(t.count)
        #expect(abs(m - mean) <= 5 * (variance / count).squareRoot(), "\(what): mean \(m), expected \(mean)",
                sourceLocation: sourceLocation)
        #expect(abs(v - variance) <= 5 * ((mu4 - variance * variance) / count).squareRoot(),
                "\(what): variance \(v), expected \(variance)", sourceLocation: sourceLocation)
    }

    static func filled(_ value: Double, _ count: Int = n, dtype: DType = .float64) throws -> Tensor {
        try Tensor.full([count], value, dtype: dtype)
    }

    // MARK: Moments

    @Test func gammaMoments() throws {
        let generator = Generator(seed: 1)
        for dtype in [DType.float32, .float64] {
            for k in [0.2, 1.0, 5.0] {
                let x = try Self.filled(k, dtype: dtype).standardGamma(generator: generator)
                #expect(x.dtype == dtype)
                // Gamma(k, 1): mean k, variance k, fourth central moment 3k^2 + 6k.
                try Self.expectMoments(x, mean: k, variance: k, mu4: 3 * k * k + 6 * k, "gamma(\(k)) \(dtype)")
                #expect(try x.scalars(as: Double.self).allSatisfy { $0 > 0 })
            }
        }
    }

    @Test func dirichletMoments() throws {
        let alpha = try Tensor([1.0, 2.0, 4.0], shape: [1, 3]).expand([Self.n, 3])
        let x = try alpha.sampleDirichlet(generator: Generator(seed: 2))
        let sums = try x.sum(dims: [-1]).scalars(as: Double.self)
        #expect(sums.allSatisfy { abs($0 - 1) < 1e-12 })
        // Component i is Beta(a_i, 7 - a_i).
        for (i, a) in [1.0, 2.0, 4.0].enumerated() {
            let b = 7 - a
            let total = a + b
            let mu4 = 3 * a * b * (a * b * (total - 6) + 2 * total * total)
                / (pow(total, 4) * (total + 1) * (total + 2) * (total + 3))
            try Self.expectMoments(x.select(dim: 1, index: i), mean: a / total,
                                   variance: a * b / (total * total * (total + 1)), mu4: mu4, "dirichlet component \(i)")
        }
    }

    @Test func binomialAndPoissonMoments() throws {
        let generator = Generator(seed: 3)
        for (count, p) in [(10.0, 0.3), (100.0, 0.5), (60.0, 0.9)] {
            let x = try Tensor.binomial(count: Self.filled(count), prob: Tensor.scalar(p).to(.float64), generator: generator)
            let npq = count * p * (1 - p)
            try Self.expectMoments(x, mean: count * p, variance: npq, mu4: npq * (1 + 3 * (count - 2) * p * (1 - p)),
                                   "binomial(\(count), \(p))")
        }
        for rate in [3.0, 30.0] {
            let x = try Self.filled(rate).poisson(generator: generator)
            try Self.expectMoments(x, mean: rate, variance: rate, mu4: rate * (1 + 3 * rate), "poisson(\(rate))")
        }
    }

    @Test func oneSeedOneStream() throws {
        let alpha = try Tensor([0.5, 3.0, 9.0], shape: [3])
        let a = try alpha.standardGamma(generator: Generator(seed: 4))
        let b = try alpha.standardGamma(generator: Generator(seed: 4))
        #expect(try a.scalars(as: Double.self) == b.scalars(as: Double.self))
        let c = try Tensor([20.0, 2.0], shape: [2]).poisson(generator: Generator(seed: 5))
        let d = try Tensor([20.0, 2.0], shape: [2]).poisson(generator: Generator(seed: 5))
        #expect(try c.scalars(as: Double.self) == d.scalars(as: Double.self))
    }

    // MARK: Gradients

    /// d x / d alpha of standard gamma draws against -(dF/dalpha) / f, dF/dalpha by central
    /// differences of the library's igamma (float64, accurate to about 1e-15), f the density.
    @Test func standardGammaGradientMatchesTheCDF() throws {
        for a in [0.3, 1.0, 2.5, 7.0, 20.0] {
            let alpha = try Tensor.full([30], a, dtype: .float64).requiringGrad()
            let x = try alpha.standardGamma(generator: Generator(seed: 6))
            #expect(x.gradFn?.name == "StandardGammaBackward0")
            try x.sum().backward()
            let grad = try #require(alpha.grad).scalars(as: Double.self)
            let draws = try x.detach().scalars(as: Double.self)
            let step = 1e-5
            let upper = try Tensor.full([30], a + step, dtype: .float64).igamma(x.detach()).scalars(as: Double.self)
            let lower = try Tensor.full([30], a - step, dtype: .float64).igamma(x.detach()).scalars(as: Double.self)
            for i in 0..<30 {
                let density = exp((a - 1) * log(draws[i]) - draws[i] - lgamma(a))
                let want = -(upper[i] - lower[i]) / (2 * step) / density
                #expect(abs(grad[i] - want) <= 2e-3 * abs(want) + 1e-12, "alpha \(a), x \(draws[i]): \(grad[i]) vs \(want)")
            }
        }
    }

    /// The regularised incomplete beta function I_x(a, b), a, b >= 1, by Simpson's rule.
    static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let intervals = 4000
        let h = x / Double(intervals)
        var sum = 0.0
        for i in 0...intervals {
            let t = Double(i) * h
            let f = (t == 0 ? (a == 1 ? 1 : 0) : pow(t, a - 1)) * pow(1 - t, b - 1)
            sum += f * (i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2))
        }
        return sum * h / 3 * exp(lgamma(a + b) - lgamma(a) - lgamma(b))
    }

    @Test func dirichletGradientMatchesTheBetaCDF() throws {
        let points: [(Double, Double, Double)] = [(0.3, 2, 3), (0.6, 3, 4), (0.5, 10, 12), (0.9, 2, 1.5), (0.05, 1.5, 2)]
        for (x, a, b) in points {
            let step = 1e-4
            let logDensity: Double = (a - 1) * log(x) + (b - 1) * log(1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b)
            let difference: Double = Self.incompleteBeta(x, a + step, b) - Self.incompleteBeta(x, a - step, b)
            let want: Double = -difference / (2 * step) / exp(logDensity) / (1 - x)
            let got = try Tensor.dirichletGrad(Tensor([x]), Tensor([a]), Tensor([a + b])).item()
            #expect(abs(got - want) <= 1e-3 * abs(want), "x \(x), a \(a), b \(b): \(got) vs \(want)")
        }
    }

    @Test func standardGammaGradBroadcastsAndRoundsToTheDType() throws {
        let alpha = try Tensor([3.0, 10.0], shape: [2, 1])
        let x = try Tensor([1.0, 4.0, 9.5], shape: [3])
        let grad = try Tensor.standardGammaGrad(alpha, x)
        #expect(grad.shape == [2, 3])
        let narrow = try Tensor.standardGammaGrad(alpha.to(.float32), x.to(.float32))
        #expect(narrow.dtype == .float32)
        expectClose(try narrow.scalars(as: Double.self), try grad.scalars(as: Double.self), tolerance: 1e-6, "float32")
    }

    // MARK: Nodes and refusals

    @Test func secondOrderAndUndifferentiableSamplersThrow() throws {
        let alpha = try Tensor([1.5], shape: [1]).requiringGrad()
        let x = try alpha.standardGamma()
        let first = try Autograd.grad([x.sum()], [alpha], createGraph: true)[0]
        let g = try #require(first)
        #expect(throws: SwiftGradError.autograd("the derivative for '_standard_gamma_grad' is not implemented.")) {
            _ = try Autograd.grad([g.sum()], [alpha])
        }
        let prob = try Tensor([0.5], shape: [1]).requiringGrad()
        let draws = try Tensor.binomial(count: Tensor([5.0], shape: [1]), prob: prob)
        #expect(draws.gradFn?.name == "NotImplemented")
        #expect(throws: SwiftGradError.autograd("derivative for aten::binomial is not implemented")) {
            try draws.sum().backward()
        }
        let concentration = try Tensor([1.0, 2.0], shape: [2]).requiringGrad()
        #expect(throws: SwiftGradError.autograd("derivative for aten::_sample_dirichlet is not implemented")) {
            try concentration.sampleDirichlet().sum().backward()
        }
        let rate = try Tensor([3.0], shape: [1]).requiringGrad()
        let counts = try rate.poisson()
        #expect(counts.gradFn?.name == "PoissonBackward0")
        try counts.sum().backward()
        #expect(try #require(rate.grad).scalars(as: Double.self) == [0])
    }

    @Test func refusals() throws {
        let ints = try Tensor([1, 2] as [Int64], shape: [2])
        #expect(throws: SwiftGradError.dtype("\"gamma_cpu\" not implemented for 'Long'")) { try ints.standardGamma() }
        #expect(throws: SwiftGradError.dtype("\"dirichlet\" not implemented for 'Half'")) {
            try ints.to(.float16).sampleDirichlet()
        }
        #expect(throws: SwiftGradError.dtype("\"poisson_cpu\" not implemented for 'Long'")) { try ints.poisson() }
        #expect(throws: SwiftGradError.invalidArgument("invalid Poisson rate, expected rate to be non-negative")) {
            try Tensor([Double.nan], shape: [1]).poisson()
        }
        #expect(throws: SwiftGradError.invalidArgument("binomial only supports floating-point dtypes for count, got: Long")) {
            try Tensor.binomial(count: ints, prob: ints)
        }
        #expect(throws: SwiftGradError.dtype("Found dtype Float but expected Double")) {
            try Tensor.binomial(count: Tensor([3.0], shape: [1]), prob: Tensor([0.5], shape: [1]).to(.float32))
        }
        #expect(throws: SwiftGradError.dtype("Found dtype Double but expected Float")) {
            try Tensor.standardGammaGrad(Tensor([3.0], shape: [1]).to(.float32), Tensor([1.0], shape: [1]))
        }
        #expect(throws: SwiftGradError.self) {
            try Tensor.dirichletGrad(Tensor([0.5, 0.5], shape: [2]), Tensor([1.0, 1.0, 1.0], shape: [3]), Tensor([2.0], shape: [1]))
        }
    }

    @Test func valuesFixedByTheArguments() throws {
        #expect(try Self.filled(0, 3).standardGamma().scalars(as: Double.self) == [0x1p-1022, 0x1p-1022, 0x1p-1022])
        #expect(try Self.filled(0, 2, dtype: .float32).standardGamma().scalars(as: Double.self) == [0x1p-126, 0x1p-126])
        #expect(try Tensor([0.0, 0.0], shape: [2]).sampleDirichlet().scalars(as: Double.self) == [0.5, 0.5])
        let counts = try Tensor([5.0, 5.0, 0.0, 5.0, .infinity], shape: [5])
        let probs = try Tensor([0.0, 1.0, 0.5, -1.0, 0.5], shape: [5])
        #expect(try Tensor.binomial(count: counts, prob: probs).scalars(as: Double.self) == [0, 5, 0, 0, .infinity])
        #expect(try Tensor([0.0, .infinity], shape: [2]).poisson().scalars(as: Double.self) == [0, .infinity])
    }
}
