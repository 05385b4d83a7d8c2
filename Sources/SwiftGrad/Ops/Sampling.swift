#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The samplers behind torch.distributions: standard gamma draws (Marsaglia and Tsang's
/// method, as PyTorch's CPU kernel, with its implicit reparameterisation gradient), Dirichlet
/// draws (normalised gammas), binomial draws (inversion for small means, Hormann's BTRS
/// otherwise) and Poisson draws (products of uniforms below a rate of 10, Hormann's PTRS
/// above). Each draws in double from one generator, element after element in row-major order,
/// and rounds to the input's dtype, so that a seed gives the same values for float32 and
/// float64 inputs.
extension Tensor {
    // MARK: Gamma

    /// Draws from Gamma(self, 1), one per element (`torch._standard_gamma`,
    /// StandardGammaBackward0). Results are at least the dtype's smallest normal number (a NaN
    /// draw, from a NaN or negative concentration, gives that number too, as PyTorch's
    /// `std::max` does). The gradient is the implicit reparameterisation one,
    /// `grad * _standard_gamma_grad(self, result)`.
    ///
    /// ```swift
    /// let alpha = try Tensor([0.5, 2.0] as [Double]).requiringGrad()
    /// let x = try alpha.standardGamma(generator: Generator(seed: 0))
    /// ```
    /// - Throws: `.dtype` for a dtype other than float32 and float64 ("gamma_cpu").
    public func standardGamma(generator: Generator = .default) throws -> Tensor {
        try Tensor.checkSamplingDType("gamma_cpu", dtype, allowingHalf: false)
        let alphas = try scalars(as: Double.self)
        let tiny = dtype == .float32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
        var draws = [Double](repeating: 0, count: alphas.count)
        generator.withStream { stream in
            var sampler = Sampler(stream: stream)
            for i in alphas.indices {
                let draw = sampler.gamma(alphas[i])
                let value = dtype == .float32 ? Double(Float(draw)) : draw
                draws[i] = value > tiny ? value : tiny
            }
            stream = sampler.stream
        }
        let out = try Tensor(draws, shape: shape).to(dtype, recording: false)
        return try out.recorded("StandardGammaBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            [try g.mul(Tensor.standardGammaGrad(ctx.saved(0), ctx.saved(1)))]
        }
    }

    /// d x / d alpha for a draw x of Gamma(alpha, 1), elementwise over broadcast operands
    /// (`torch._standard_gamma_grad`): -(dF/dalpha) / f, F and f the distribution's CDF and
    /// density, by PyTorch's three approximations (a series for x < 0.8, Rice's saddle point
    /// expansion for alpha > 8, a rational approximation otherwise). A NaN from the series
    /// gives 0, as PyTorch's. Not differentiable (its node throws, as PyTorch's).
    /// - Throws: `.dtype` for operands of different dtypes or other than float32 / float64.
    public static func standardGammaGrad(_ alpha: Tensor, _ x: Tensor) throws -> Tensor {
        try checkSamplingDType("_standard_gamma_grad_cpu", alpha.dtype, allowingHalf: false)
        try checkSameDType(x, as: alpha)
        let out = try pairwise(alpha, x) { a, v in SamplingMath.standardGammaGrad(alpha: a, x: v) }
            .to(alpha.dtype, recording: false)
        return try out.recorded("StandardGammaGradBackward0", input: alpha, x) { _, _ in
            throw SwiftGradError.autograd("the derivative for '_standard_gamma_grad' is not implemented.")
        }
    }

    // MARK: Dirichlet

    /// Draws from Dirichlet(self) over the last dimension (`torch._sample_dirichlet`): gamma
    /// draws in double (at least the smallest normal double), divided by their sum, rounded
    /// to the dtype and kept in [smallest normal, largest value below 1] (a NaN gives the
    /// smallest normal, as PyTorch's clamp does). A 0-d input is one event of one component.
    /// Not differentiable here: Dirichlet.rsample differentiates through `_dirichlet_grad`.
    /// - Throws: `.dtype` for a dtype other than float32 and float64 ("dirichlet").
    public func sampleDirichlet(generator: Generator = .default) throws -> Tensor {
        try Tensor.checkSamplingDType("dirichlet", dtype, allowingHalf: false)
        let alphas = try scalars(as: Double.self)
        let width = shape.last ?? 1
        var draws = [Double](repeating: 0, count: alphas.count)
        generator.withStream { stream in
            var sampler = Sampler(stream: stream)
            for i in alphas.indices {
                let value = sampler.gamma(alphas[i])
                draws[i] = value > Double.leastNormalMagnitude ? value : Double.leastNormalMagnitude
            }
            stream = sampler.stream
        }
        let (low, high): (Double, Double) = dtype == .float32
            ? (Double(Float.leastNormalMagnitude), Double(Float(1).nextDown)) : (Double.leastNormalMagnitude, Double(1).nextDown)
        if width > 0 {
            for start in stride(from: 0, to: draws.count, by: width) {
                var total = 0.0
                for j in start..<(start + width) { total += draws[j] }
                for j in start..<(start + width) {
                    var ratio = draws[j] / total
                    if dtype == .float32 { ratio = Double(Float(ratio)) }
                    draws[j] = ratio > low ? Swift.min(ratio, high) : low
                }
            }
        }
        return try Tensor(draws, shape: shape).to(dtype, recording: false).recordedWithoutDerivative("_sample_dirichlet", inputs: [self])
    }

    /// The reparameterisation gradient of Beta draws used by Dirichlet.rsample, elementwise
    /// over broadcast operands (`torch._dirichlet_grad`): -(dF/dalpha) / f / (1 - x) for x drawn
    /// from Beta(alpha, total - alpha), by PyTorch's approximations (Taylor series near 0 and
    /// 1, a saddle point expansion when both parameters exceed 6, a rational correction to an
    /// analytic approximation otherwise). Not differentiable.
    /// - Throws: `.dtype` for operands of different dtypes or other than float32 / float64.
    public static func dirichletGrad(_ x: Tensor, _ alpha: Tensor, _ total: Tensor) throws -> Tensor {
        try checkSamplingDType("_dirichlet_grad_cpu", x.dtype, allowingHalf: false)
        try checkSameDType(alpha, as: x)
        try checkSameDType(total, as: x)
        let shape = try Shape.broadcast(Shape.broadcast(x.shape, alpha.shape), total.shape)
        let xs = try x.expand(shape).scalars(as: Double.self)
        let alphas = try alpha.expand(shape).scalars(as: Double.self)
        let totals = try total.expand(shape).scalars(as: Double.self)
        let values = xs.indices.map { SamplingMath.dirichletGrad(x: xs[$0], alpha: alphas[$0], total: totals[$0]) }
        return try Tensor(values, shape: shape).to(x.dtype, recording: false)
            .recordedWithoutDerivative("_dirichlet_grad", inputs: [x, alpha, total])
    }

    // MARK: Binomial and Poisson

    /// Draws from Binomial(count, prob), elementwise over broadcast operands (`torch.binomial`).
    /// A count of 0 or less, or a probability of 0 or less, gives 0; a probability of 1 or
    /// more gives the count; a NaN operand gives NaN, and an infinite count (with a
    /// probability strictly between 0 and 1) infinity, where PyTorch's kernel never returns.
    /// Not differentiable (its node throws, as PyTorch's).
    /// - Throws: `.dtype` for operands of different dtypes or other than float32 / float64.
    public static func binomial(count: Tensor, prob: Tensor, generator: Generator = .default) throws -> Tensor {
        guard count.dtype.isFloatingPoint else {
            throw SwiftGradError.invalidArgument("binomial only supports floating-point dtypes for count, got: \(count.dtype.scalarTypeName)")
        }
        try checkSamplingDType("binomial_cpu", count.dtype, allowingHalf: false)
        try checkSameDType(prob, as: count)
        let shape = try Shape.broadcast(count.shape, prob.shape)
        let counts = try count.expand(shape).scalars(as: Double.self)
        let probs = try prob.expand(shape).scalars(as: Double.self)
        var draws = [Double](repeating: 0, count: counts.count)
        generator.withStream { stream in
            var sampler = Sampler(stream: stream)
            for i in counts.indices { draws[i] = sampler.binomial(count: counts[i], prob: probs[i]) }
            stream = sampler.stream
        }
        return try Tensor(draws, shape: shape).to(count.dtype, recording: false)
            .recordedWithoutDerivative("binomial", inputs: [count, prob])
    }

    /// Draws from Poisson(self), one per element (`torch.poisson`, PoissonBackward0 with a zero
    /// gradient, as PyTorch's). An infinite rate gives infinity.
    /// - Throws: `.invalidArgument` for a negative or NaN rate; `.dtype` for a dtype that is
    ///   not floating ("poisson_cpu"; float16 and bfloat16 are taken, as PyTorch takes them).
    public func poisson(generator: Generator = .default) throws -> Tensor {
        try Tensor.checkSamplingDType("poisson_cpu", dtype, allowingHalf: true)
        let rates = try scalars(as: Double.self)
        guard rates.allSatisfy({ $0 >= 0 }) else {
            throw SwiftGradError.invalidArgument("invalid Poisson rate, expected rate to be non-negative")
        }
        var draws = [Double](repeating: 0, count: rates.count)
        generator.withStream { stream in
            var sampler = Sampler(stream: stream)
            for i in rates.indices { draws[i] = sampler.poisson(rates[i]) }
            stream = sampler.stream
        }
        return try Tensor(draws, shape: shape).to(dtype, recording: false)
            .recorded("PoissonBackward0", input: self) { g, _ in [try g.zerosLike()] }
    }

    // MARK: Helpers

    private static func checkSamplingDType(_ kernel: String, _ dtype: DType, allowingHalf: Bool) throws {
        switch dtype {
        case .float32, .float64: return
        case .float16 where allowingHalf, .bfloat16 where allowingHalf: return
        default: throw kernelNotImplemented(kernel, dtype)
        }
    }

    private static func checkSameDType(_ other: Tensor, as first: Tensor) throws {
        guard other.dtype == first.dtype else {
            throw SwiftGradError.dtype("Found dtype \(other.dtype.scalarTypeName) but expected \(first.dtype.scalarTypeName)")
        }
    }

    /// f(a, b) over the broadcast operands, in double, as a float64 tensor.
    private static func pairwise(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        let xs = try a.expand(shape).scalars(as: Double.self)
        let ys = try b.expand(shape).scalars(as: Double.self)
        return try Tensor(xs.indices.map { f(xs[$0], ys[$0]) }, shape: shape)
    }
}

/// Uniform and normal draws in double from one locked stream, as PyTorch's samplers take them:
/// uniforms in [0, 1), normals by the Box-Muller transform with the second value of each pair
/// kept for the next call.
private struct Sampler {
    var stream: RandomGenerator
    private var spareNormal: Double?

    init(stream: RandomGenerator) { self.stream = stream }

    mutating func uniform() -> Double { Double(stream.next() >> 11) * 0x1.0p-53 }

    mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let radius = (-2 * log(stream.uniformOpenClosed())).squareRoot()
        let angle = 2 * Double.pi * stream.uniformOpenClosed()
        spareNormal = radius * sin(angle)
        return radius * cos(angle)
    }

    /// One Gamma(alpha, 1) draw by Marsaglia and Tsang's acceptance-rejection method, alpha
    /// below 1 boosted by one and the draw scaled by U^(1/alpha).
    /// Every path ends with probability one: a NaN alpha (or a negative one, whose constants
    /// are NaN) is accepted as soon as the cheap squeeze test passes, and gives NaN.
    mutating func gamma(_ alphaIn: Double) -> Double {
        var alpha = alphaIn
        var scale = 1.0
        if alpha < 1 {
            if alpha == 0 { return 0 }
            scale *= pow(1 - uniform(), 1 / alpha)
            alpha += 1
        }
        let d = alpha - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, y = 0.0
            repeat {
                x = normal()
                y = 1 + c * x
            } while y <= 0
            let v = y * y * y
            let u = 1 - uniform()
            let xx = x * x
            if u < 1 - 0.0331 * xx * xx { return scale * d * v }
            if log(u) < 0.5 * xx + d * (1 - v + log(v)) { return scale * d * v }
        }
    }

    mutating func binomial(count: Double, prob: Double) -> Double {
        if count.isNaN || prob.isNaN { return .nan }
        if count <= 0 || prob <= 0 { return 0 }
        if prob >= 1 { return count }
        if count.isInfinite { return .infinity }
        if prob <= 0.5 {
            return count * prob >= 10 ? btrs(count: count, prob: prob) : binomialInversion(count: count, prob: prob)
        }
        let q = 1 - prob
        return count - (count * q >= 10 ? btrs(count: count, prob: q) : binomialInversion(count: count, prob: q))
    }

    /// The number of geometric waiting times that fit in count trials.
    private mutating func binomialInversion(count: Double, prob: Double) -> Double {
        let logQ = log1p(-prob)
        var total = 0.0
        var successes = 0.0
        while true {
            total += ceil(log(uniform()) / logQ)
            if total > count { return successes }
            successes += 1
        }
    }

    /// Hormann's transformed rejection with squeeze (BTRS), as PyTorch (after TensorFlow)
    /// writes it, for count * prob >= 10 and prob <= 1/2.
    private mutating func btrs(count: Double, prob: Double) -> Double {
        let spq = (count * prob * (1 - prob)).squareRoot()
        let b = 1.15 + 2.53 * spq
        let a = -0.0873 + 0.0248 * b + 0.01 * prob
        let c = count * prob + 0.5
        let vr = 0.92 - 4.2 / b
        let r = prob / (1 - prob)
        let alpha = (2.83 + 5.1 / b) * spq
        let m = floor((count + 1) * prob)
        while true {
            let u = uniform() - 0.5
            var v = uniform()
            let us = 0.5 - abs(u)
            let k = floor((2 * a / us + b) * u + c)
            if k < 0 || k > count { continue }
            if us >= 0.07 && v <= vr { return k }
            v = log(v * alpha / (a / (us * us) + b))
            let bound = (m + 0.5) * log((m + 1) / (r * (count - m + 1)))
                + (count + 1) * log((count - m + 1) / (count - k + 1))
                + (k + 0.5) * log(r * (count - k + 1) / (k + 1))
                + SamplingMath.stirlingTail(m) + SamplingMath.stirlingTail(count - m)
                - SamplingMath.stirlingTail(k) - SamplingMath.stirlingTail(count - k)
            if v <= bound { return k }
        }
    }

    /// A Poisson(rate) draw, rate >= 0: Hormann's PTRS for rates of 10 and more, the count of
    /// uniforms whose product stays above e^-rate below.
    mutating func poisson(_ rate: Double) -> Double {
        if rate == 0 { return 0 }
        if rate.isInfinite { return .infinity }
        if rate < 10 {
            let limit = exp(-rate)
            var product = 1.0
            var k = 0.0
            while true {
                product *= uniform()
                if product > limit { k += 1 } else { return k }
            }
        }
        let sqrtRate = rate.squareRoot()
        let logRate = log(rate)
        let b = 0.931 + 2.53 * sqrtRate
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = floor((2 * a / us + b) * u + rate + 0.43)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(inverseAlpha) - log(a / (us * us) + b) <= -rate + k * logRate - lgamma(k + 1) {
                return k
            }
        }
    }
}

/// The scalar approximations behind the gamma and Dirichlet reparameterisation gradients, in
/// double, after PyTorch's ATen/native/Distributions.h.
enum SamplingMath {
    /// log(k!) minus Stirling's approximation of it: tabulated for k <= 9, a series beyond.
    static func stirlingTail(_ k: Double) -> Double {
        let table: [Double] = [0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                               0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                               0.00925546218271273, 0.00833056343336287]
        if k <= 9 { return table[k > 0 ? Int(k) : 0] }
        let square = (k + 1) * (k + 1)
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / square) / square) / (k + 1)
    }

    /// The digamma function as PyTorch's samplers compute it: reflection for negative x,
    /// recurrence up to 10, then the asymptotic series.
    static func digamma(_ xIn: Double) -> Double {
        var x = xIn
        if x == 0 { return .infinity }
        var reflection = 0.0
        if x < 0 {
            if x == floor(x) { return .infinity }
            reflection = -Double.pi / tan(Double.pi * x)
            x = 1 - x
        }
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        if x == 10 { return result + 2.25175258906672110764 + reflection }
        var series = 0.0
        if x < 1e17 {
            let z = 1 / (x * x)
            let coefficients = [8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                                -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                                8.33333333333333333333E-2]
            series = z * coefficients.reduce(0) { $0 * z + $1 }
        }
        return result + log(x) - 0.5 / x - series + reflection
    }

    /// -(dF/dalpha) / f at x for Gamma(alpha, 1).
    static func standardGammaGrad(alpha: Double, x: Double) -> Double {
        if x < 0.8 {
            // Series of the lower incomplete gamma function and of its alpha derivative.
            var numerator = 1.0
            var denominator = alpha
            var series1 = numerator / denominator
            var series2 = numerator / (denominator * denominator)
            for i in 1...5 {
                numerator *= -x / Double(i)
                denominator += 1
                series1 += numerator / denominator
                series2 += numerator / (denominator * denominator)
            }
            let powXAlpha = pow(x, alpha)
            let density = pow(x, alpha - 1) * exp(-x)
            let cdf = powXAlpha * series1
            let cdfAlpha = (log(x) - digamma(alpha)) * cdf - powXAlpha * series2
            let result = -cdfAlpha / density
            return result.isNaN ? 0 : result
        }
        if alpha > 8 {
            if 0.9 * alpha <= x && x <= 1.1 * alpha {
                let numerator1 = 1 + 24 * alpha * (1 + 12 * alpha)
                let numerator2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x)
                let denominator = 1244160 * (alpha * alpha) * (alpha * alpha)
                return numerator1 * numerator2 / denominator
            }
            let denominator = (8 * alpha).squareRoot()
            let term2 = denominator / (alpha - x)
            let term3 = pow(x - alpha - alpha * log(x / alpha), -1.5)
            let term23 = x < alpha ? term2 - term3 : term2 + term3
            let term1 = log(x / alpha) * term23 - (2 / alpha).squareRoot() * (alpha + x) / ((alpha - x) * (alpha - x))
            let stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha))
            return -stirling * x * term1 / denominator
        }
        // A rational function of u = log(x / alpha) and v = log(alpha).
        let u = log(x / alpha)
        let v = log(alpha)
        let table: [[Double]] = [
            [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
            [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
            [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07],
        ]
        let inV = (0..<8).map { table[0][$0] + u * (table[1][$0] + u * table[2][$0]) }
        let p = inV[0] + v * (inV[1] + v * (inV[2] + v * inV[3]))
        let q = inV[4] + v * (inV[5] + v * (inV[6] + v * inV[7]))
        return exp(p / q)
    }

    /// Taylor series of the Beta(alpha, beta) gradient in alpha for x near 0.
    private static func betaGradAlphaSmall(x: Double, alpha: Double, beta: Double) -> Double {
        let factor = digamma(alpha) - digamma(alpha + beta) - log(x)
        var numerator = 1.0
        var series = numerator / alpha * (factor + 1 / alpha)
        for i in 1...10 {
            let n = Double(i)
            numerator *= (n - beta) * x / n
            let denominator = alpha + n
            series += numerator / denominator * (factor + 1 / denominator)
        }
        let result = x * pow(1 - x, -beta) * series
        return result.isNaN ? 0 : result
    }

    /// Taylor series of the Beta(alpha, beta) gradient in beta for x near 0.
    private static func betaGradBetaSmall(x: Double, alpha: Double, beta: Double) -> Double {
        let factor = digamma(alpha + beta) - digamma(beta)
        var numerator = 1.0, betas = 1.0, derivative = 0.0
        var series = factor / alpha
        for i in 1...8 {
            let n = Double(i)
            numerator *= -x / n
            derivative = derivative * (beta - n) + betas
            betas *= beta - n
            series += numerator / (alpha + n) * (derivative + factor * betas)
        }
        let result = -pow(1 - x, 1 - beta) * series
        return result.isNaN ? 0 : result
    }

    /// Rice's saddle point expansion of the Beta gradient in alpha, for large alpha and beta.
    private static func betaGradAlphaMid(x: Double, alpha: Double, beta: Double) -> Double {
        let total = alpha + beta
        let mean = alpha / total
        let std = (alpha * beta / (total + 1)).squareRoot() / total
        if mean - 0.1 * std <= x && x <= mean + 0.1 * std {
            // Near the mean, a polynomial avoids the expansion's singularity.
            let b2 = beta * beta
            let poly = 47 * x * b2 * b2 + alpha * ((43 + 20 * (16 + 27 * beta) * x) * b2 * beta
                + alpha * (3 * (59 + 180 * beta - 90 * x) * b2
                + alpha * ((453 + 1620 * beta * (1 - x) - 455 * x) * beta
                + alpha * (8 * (1 - x) * (135 * beta - 11)))))
            let prefactorNumerator = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
            let prefactorDenominator = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
            return prefactorNumerator / (1 - x) * poly / prefactorDenominator
        }
        let prefactor = -x / (2 * alpha * beta / total).squareRoot()
        let stirling = (1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha))
            * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
            / (1 + 1 / (12 * total) + 1 / (288 * total * total))
        let term1Numerator = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta)
        let axbx = alpha * (x - 1) + beta * x
        let term1Denominator = (2 * alpha / beta).squareRoot() * pow(total, 1.5) * axbx * axbx
        let term1 = term1Numerator / term1Denominator
        let term2 = 0.5 * log(alpha / (total * x))
        let term3 = (8 * alpha * beta / total).squareRoot() / (beta * x + alpha * (x - 1))
        let term4Base = beta * log(beta / (total * (1 - x))) + alpha * log(alpha / (total * x))
        let term4 = pow(term4Base, -1.5)
        let term1234 = term1 + term2 * (term3 + (x < mean ? term4 : -term4))
        return stirling * prefactor * term1234
    }

    private static let dirichletCoefficients: [[[[Double]]]] = [
        [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
          [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
          [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
         [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
          [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
          [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
         [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
          [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
          [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
        [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
          [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
          [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
         [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
          [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
          [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
         [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
          [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
          [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]],
    ]

    /// -(dF/dalpha) / f / (1 - x) for x drawn from Beta(alpha, total - alpha).
    static func dirichletGrad(x: Double, alpha: Double, total: Double) -> Double {
        let beta = total - alpha
        let boundary = total * x * (1 - x)
        if x <= 0.5 && boundary < 2.5 { return betaGradAlphaSmall(x: x, alpha: alpha, beta: beta) }
        if x >= 0.5 && boundary < 0.75 { return -betaGradBetaSmall(x: 1 - x, alpha: beta, beta: alpha) }
        if alpha > 6 && beta > 6 { return betaGradAlphaMid(x: x, alpha: alpha, beta: beta) }
        let u = log(x)
        let a = log(alpha) - u
        let b = log(total) - a
        let powersU = [1, u, u * u]
        let powersA = [1, a, a * a]
        var p = 0.0, q = 0.0
        for i in 0..<3 {
            for j in 0..<3 {
                let ua = powersU[i] * powersA[j]
                let cp = dirichletCoefficients[0][i][j], cq = dirichletCoefficients[1][i][j]
                p += ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
                q += ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
            }
        }
        let approximation = x * (digamma(total) - digamma(alpha)) / beta
        return p / q * approximation
    }
}
