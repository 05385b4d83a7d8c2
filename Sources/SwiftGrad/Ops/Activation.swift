#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftGradVector

/// The activations of `torch.nn.functional` (elu, gelu, softplus, hardtanh, ...), each forward a
/// kernel of its own and each backward written in differentiable ops beside it, so gradients of
/// gradients work. Node names are PyTorch's (`EluBackward0`, `GeluBackward0`, ...); activations
/// that PyTorch composes of other ops (softsign, tanhshrink, softmin) are composed here too and
/// show the same nodes.

/// An elementwise function of a floating element with its parameters, generic over the element
/// so that each use compiles to its own float32 and float64 loops.
protocol ActivationFunction {
    func callAsFunction<T: FloatElement>(_ x: T) -> T
}

/// `F(x)` as a kernel's unary function.
struct ActivationMap<F: ActivationFunction, T: FloatElement>: UnaryFunction {
    let f: F
    @inline(__always) func callAsFunction(_ x: T) -> T { f(x) }
}

/// Φ(x) = erfc(-x / sqrt 2) / 2, the standard normal distribution function, in double (float32
/// input too: rounding x / sqrt 2 in float32 would cost erfc's tail up to 2 x² ulp). erfc keeps
/// the relative accuracy of the negative tail, where 1 + erf(x / sqrt 2) cancels.
@inline(__always) private func normalCDF<T: FloatElement>(_ x: T) -> T {
    T(0.5 * Glibc.erfc(-Double(x) * 0.7071067811865476))
}

/// `x > 0 ? x * scale : (exp(x * inputScale) - 1) * alpha * scale` (elu, selu, celu).
struct EluFunction: ActivationFunction {
    let alpha: Double, scale: Double, inputScale: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        x <= 0 ? T.expm1(x * T(inputScale)) * T(alpha * scale) : x * T(scale)
    }
}

/// `x * Phi(x)`, exactly (erf) or with PyTorch's tanh approximation.
struct GeluFunction: ActivationFunction {
    let tanhApproximation: Bool
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        if tanhApproximation {
            let inner = T(0.7978845608028654) * (x + T(0.044715) * x * x * x)
            return T(0.5) * x * (1 + T.tanh(inner))
        }
        // The product in double too, rounded once (a float32 Φ rounded before it cost up to 7
        // ulp where Φ is subnormal, below x = -13).
        return T(Double(x) * normalCDF(Double(x)))
    }
}

/// `x / (1 + exp(-x))`.
struct SiluFunction: ActivationFunction {
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x / (1 + T.exp(-x)) }
}

/// `x * tanh(log(1 + exp(x)))`.
struct MishFunction: ActivationFunction {
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x * T.tanh(T.log1p(T.exp(x))) }
}

/// `log(1 + exp(beta x)) / beta`, and `x` itself where `beta x > threshold`.
struct SoftplusFunction: ActivationFunction {
    let beta: Double, threshold: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        let z = x * T(beta)
        return z > T(threshold) ? x : T.log1p(T.exp(z)) / T(beta)
    }
}

/// `x - lambd` above lambd, `x + lambd` below -lambd, 0 between.
struct SoftshrinkFunction: ActivationFunction {
    let lambd: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        let l = T(lambd)
        return x > l ? x - l : (x < -l ? x + l : x * 0)
    }
}

/// `x` outside [-lambd, lambd], 0 inside.
struct HardshrinkFunction: ActivationFunction {
    let lambd: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        let l = T(lambd)
        return (x >= -l && x <= l) ? 0 : x
    }
}

/// `x` clamped into [low, high], NaN kept.
struct HardtanhFunction: ActivationFunction {
    let low: Double, high: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        x < T(low) ? T(low) : (x > T(high) ? T(high) : x)
    }
}

/// `x * min(max(x + 3, 0), 6) / 6`.
struct HardswishFunction: ActivationFunction {
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        x * Swift.min(Swift.max(x + 3, 0), 6) / 6
    }
}

/// `min(max(x + 3, 0), 6) / 6`.
struct HardsigmoidFunction: ActivationFunction {
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        Swift.min(Swift.max(x + 3, 0), 6) / 6
    }
}

/// `log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|))`, which overflows nowhere.
struct LogSigmoidFunction: ActivationFunction {
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
        Swift.min(x, 0) - T.log1p(T.exp(-Swift.abs(x)))
    }
}

/// `x > 0 ? x : x * slope`.
struct LeakyReluFunction: ActivationFunction {
    let slope: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x > 0 ? x : x * T(slope) }
}

/// `x <= threshold ? value : x` (PyTorch's order: NaN stays NaN).
struct ThresholdFunction: ActivationFunction {
    let threshold: Double, value: Double
    @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x <= T(threshold) ? T(value) : x }
}

/// The parameters of selu: elu with these alpha and scale.
private let seluAlpha = 1.6732632423543772848170429916717
private let seluScale = 1.0507009873554804934193349852946

extension Tensor {
    /// The forward of an activation: `f` over the elements of a float32 or float64 tensor, or
    /// `vector` (a SwiftGradVector loop giving `f`'s float32 results in the processor's lanes)
    /// over contiguous float32.
    /// - Throws: `.dtype` for other dtypes, naming PyTorch's kernel (`"elu_cpu" not implemented
    ///   for 'Long'`).
    func activation<F: ActivationFunction>(_ f: F, kernel: String, vector: VectorLoops.Unary? = nil) throws -> Tensor {
        if let vector, dtype == .float32, isContiguous { return try Kernels.mapFloat(self, vector) }
        switch dtype {
        case .float32: return try Kernels.map(self, ActivationMap<F, Float>(f: f))
        case .float64: return try Kernels.map(self, ActivationMap<F, Double>(f: f))
        default: throw SwiftGradError.dtype("\"\(kernel)\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// `g` where `mask` holds, 0 elsewhere (recorded: a backward rule's building block).
    private static func keep(_ g: Tensor, where mask: Tensor) throws -> Tensor {
        try Tensor.where(mask, g, Tensor.zeros([], dtype: g.dtype))
    }

    /// 0 where `mask` holds, `g` elsewhere (recorded). PyTorch's threshold-style backward
    /// kernels test where the gradient stops, so a NaN input, failing every comparison, passes it.
    static func zeroed(_ g: Tensor, where mask: Tensor) throws -> Tensor {
        try Tensor.where(mask, Tensor.zeros([], dtype: g.dtype), g)
    }

    /// The exponential linear unit, `scale * (x > 0 ? x : alpha * (exp(x * inputScale) - 1))`
    /// (`F.elu`, and selu and celu with their parameters; EluBackward0).
    ///
    /// Its gradient is `scale` for x > 0 and `alpha * scale * inputScale * exp(x * inputScale)`
    /// for x <= 0 (at 0 the left side, as PyTorch's elu_backward).
    /// - Throws: `.dtype` for a non-floating tensor.
    public func elu(alpha: Double = 1, scale: Double = 1, inputScale: Double = 1) throws -> Tensor {
        try elu(alpha: alpha, scale: scale, inputScale: inputScale, node: "EluBackward0")
    }

    private func elu(alpha: Double, scale: Double, inputScale: Double, node: String) throws -> Tensor {
        // Contiguous float32 in SwiftGradVector's loop (libm's expm1f per element otherwise).
        try activation(EluFunction(alpha: alpha, scale: scale, inputScale: inputScale), kernel: "elu_cpu") {
            CPUCapability.loops.elu($0, $1, $2, Float(scale), Float(inputScale), Float(alpha * scale))
        }
            .recorded(node, inputs: [self], saving: [self]) { g, ctx in
                let x = try ctx.saved(0)
                // exp of the clamped argument: equal where it is used, finite where it is not, so
                // that no inf meets a zero gradient in a second derivative.
                let negative = try g.mul(x.clamp(max: 0).mul(inputScale).exp().mul(alpha * scale * inputScale))
                return [try Tensor.where(x.gt(0), g.mul(scale), negative)]
            }
    }

    /// The scaled elu, `elu(x, alpha = 1.6733, scale = 1.0507)` (`F.selu`, EluBackward0).
    public func selu() throws -> Tensor { try elu(alpha: seluAlpha, scale: seluScale, inputScale: 1) }

    /// `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` (`F.celu`, CeluBackward0).
    /// - Throws: `.invalidArgument` when alpha is 0, as PyTorch.
    public func celu(alpha: Double = 1) throws -> Tensor {
        guard alpha != 0 else { throw SwiftGradError.invalidArgument("ZeroDivisionError: alpha cannot be 0 for CELU") }
        return try elu(alpha: alpha, scale: 1, inputScale: 1 / alpha, node: "CeluBackward0")
    }

    /// The Gaussian error linear unit `x * Phi(x)` (`F.gelu`, GeluBackward0), exact or, with
    /// `tanhApproximation`, `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`. The gradient of
    /// each form is its own exact derivative.
    public func gelu(tanhApproximation: Bool = false) throws -> Tensor {
        // Contiguous float32 in SwiftGradVector's loops (libm's erfc or tanhf per element
        // otherwise).
        return try activation(GeluFunction(tanhApproximation: tanhApproximation), kernel: "GeluKernelImpl",
                              vector: tanhApproximation ? CPUCapability.loops.geluTanh : CPUCapability.loops.gelu)
            .recorded("GeluBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                if !tanhApproximation && !GradMode.isEnabled && g.dtype == .float32 && x.dtype == .float32
                    && g.shape == x.shape && g.isContiguous && x.isContiguous {
                    return [try Kernels.zipFloat(g, x, CPUCapability.loops.geluBackward)]
                }
                if tanhApproximation {
                    let k = 0.7978845608028654, c = 0.044715
                    let x2 = try x.mul(x)
                    let t = try x.mul(x2.mul(c).add(1)).mul(k).tanh()
                    let inner = try x2.mul(3 * c).add(1).mul(k)
                    let d = try t.add(1).mul(0.5).add(x.mul(0.5).mul(t.mul(t).rsub(1)).mul(inner))
                    return [try g.mul(d)]
                }
                let cdf = try x.mul(-0.7071067811865476).erfc().mul(0.5)
                let pdf = try x.mul(x).mul(-0.5).exp().mul(0.3989422804014327)
                return [try g.mul(cdf.add(x.mul(pdf)))]
            }
    }

    /// `x * sigmoid(x)` (`F.silu`, SiluBackward0); its gradient is `s (1 + x (1 - s))`.
    public func silu() throws -> Tensor {
        try activation(SiluFunction(), kernel: "silu_cpu", vector: CPUCapability.loops.silu)  // libm's expf per element otherwise
            .recorded("SiluBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                let s = try x.sigmoid()
                return [try g.mul(s.mul(x.mul(s.rsub(1)).add(1)))]
            }
    }

    /// `x * tanh(softplus(x))` (`F.mish`, MishBackward0); its gradient is
    /// `tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)`.
    public func mish() throws -> Tensor {
        try activation(MishFunction(), kernel: "mish_cpu")
            .recorded("MishBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                let t = try x.softplus().tanh()
                return [try g.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).rsub(1))))]
            }
    }

    /// `log(1 + exp(beta x)) / beta`, and `x` where `beta x > threshold` (`F.softplus`,
    /// SoftplusBackward0); its gradient is `sigmoid(beta x)`, and 1 past the threshold.
    public func softplus(beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        try activation(SoftplusFunction(beta: beta, threshold: threshold), kernel: "softplus_cpu") {
            CPUCapability.loops.softplus($0, $1, $2, Float(beta), Float(threshold))
        }
            .recorded("SoftplusBackward0", input: self, saving: self) { g, ctx in
                let z = try ctx.saved(0).mul(beta)
                return [try Tensor.where(z.gt(threshold), g, g.mul(z.sigmoid()))]
            }
    }

    /// `x / (1 + |x|)` (`F.softsign`), composed as PyTorch's (DivBackward0).
    public func softsign() throws -> Tensor { try div(abs().add(1)) }

    /// `x - tanh(x)` (`F.tanhshrink`), composed as PyTorch's (SubBackward0).
    public func tanhshrink() throws -> Tensor { try sub(tanh()) }

    /// Shrinks toward 0 by `lambd`: `x - lambd` above it, `x + lambd` below `-lambd`, 0 between
    /// (`F.softshrink`, SoftshrinkBackward0). The gradient is 1 outside [-lambd, lambd].
    /// - Throws: `.invalidArgument` for a negative lambd, `.dtype` for a non-floating tensor.
    public func softshrink(lambd: Double = 0.5) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"softshrink_check\" not implemented for '\(dtype.scalarTypeName)'")
        }
        guard lambd >= 0, lambd <= dtype.greatestFiniteMagnitude else {
            // The limit as C++ streams print it (6 significant digits).
            let limit = [DType.float16: "65504", .bfloat16: "3.38953e+38", .float32: "3.40282e+38"][dtype] ?? "1.79769e+308"
            throw SwiftGradError.invalidArgument("lambda must be in range [0, \(limit)] for input dtype \(dtype.scalarTypeName), but found \(formatPython(lambd))")
        }
        return try activation(SoftshrinkFunction(lambd: lambd), kernel: "softshrink_cpu")
            .recorded("SoftshrinkBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try Tensor.zeroed(g, where: x.ge(-lambd).logicalAnd(x.le(lambd)))]
            }
    }

    /// `x` outside [-lambd, lambd], 0 inside (`F.hardshrink`, HardshrinkBackward0); the
    /// gradient likewise passes outside only.
    public func hardshrink(lambd: Double = 0.5) throws -> Tensor {
        try activation(HardshrinkFunction(lambd: lambd), kernel: "hardshrink_cpu")
            .recorded("HardshrinkBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try Tensor.zeroed(g, where: x.ge(-lambd).logicalAnd(x.le(lambd)))]
            }
    }

    /// `x` clamped into [minVal, maxVal] (`F.hardtanh`, HardtanhBackward0). The gradient is 1
    /// strictly inside the bounds and 0 at and beyond them, as PyTorch's hardtanh_backward.
    /// An int64 tensor stays int64 (its bounds truncated), as in PyTorch.
    /// - Throws: `.invalidArgument` when minVal > maxVal; `.dtype` for bool.
    public func hardtanh(minVal: Double = -1, maxVal: Double = 1) throws -> Tensor {
        guard minVal <= maxVal else { throw SwiftGradError.invalidArgument("min_val cannot be greater than max_val") }
        if dtype == .bool { throw SwiftGradError.dtype("Bool inputs not supported for hardtanh") }
        if !dtype.isFloatingPoint {
            guard let low = minVal.truncatedInt64, let high = maxVal.truncatedInt64 else {
                throw SwiftGradError.invalidArgument("value cannot be converted to type int64_t without overflow")
            }
            return try clamp(min: Tensor.scalar(low), max: Tensor.scalar(high))
        }
        return try activation(HardtanhFunction(low: minVal, high: maxVal), kernel: "hardtanh_cpu")
            .recorded("HardtanhBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try Tensor.zeroed(g, where: x.le(minVal).logicalOr(x.ge(maxVal)))]
            }
    }

    /// `min(max(x, 0), 6)` (`F.relu6`: hardtanh(0, 6), HardtanhBackward0).
    public func relu6() throws -> Tensor { try hardtanh(minVal: 0, maxVal: 6) }

    /// `x * relu6(x + 3) / 6` (`F.hardswish`, HardswishBackward0); its gradient is 0 up to -3,
    /// `x / 3 + 0.5` strictly inside (-3, 3) and 1 from 3 on (PyTorch's CPU kernel's choices
    /// at the two kinks).
    public func hardswish() throws -> Tensor {
        try activation(HardswishFunction(), kernel: "hardswish_cpu", vector: CPUCapability.loops.hardswish)
            .recorded("HardswishBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                let middle = try Tensor.where(x.lt(3), g.mul(x.div(3).add(0.5)), g)
                return [try Tensor.where(x.le(-3), Tensor.zeros([], dtype: g.dtype), middle)]
            }
    }

    /// `relu6(x + 3) / 6` (`F.hardsigmoid`, HardsigmoidBackward0); its gradient is 1/6 (as
    /// float32 rounds it, as PyTorch's kernel) strictly inside (-3, 3), 0 elsewhere.
    public func hardsigmoid() throws -> Tensor {
        try activation(HardsigmoidFunction(), kernel: "hardsigmoid_cpu", vector: CPUCapability.loops.hardsigmoid)
            .recorded("HardsigmoidBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                // PyTorch's kernel multiplies by 1/6 rounded to float32, in every dtype.
                return [try Tensor.keep(g.mul(Double(Float(1) / 6)), where: x.gt(-3).logicalAnd(x.lt(3)))]
            }
    }

    /// `log(sigmoid(x))`, computed without overflow (`F.logsigmoid`, LogSigmoidBackward0); its
    /// gradient is `sigmoid(-x)`.
    public func logSigmoid() throws -> Tensor {
        try activation(LogSigmoidFunction(), kernel: "log_sigmoid_cpu")
            .recorded("LogSigmoidBackward0", input: self, saving: self) { g, ctx in
                [try g.mul(ctx.saved(0).neg().sigmoid())]
            }
    }

    /// `x > 0 ? x : negativeSlope * x` (`F.leaky_relu`, LeakyReluBackward0).
    public func leakyRelu(negativeSlope: Double = 0.01) throws -> Tensor {
        try leakyRelu(negativeSlope, node: "LeakyReluBackward0")
    }

    private func leakyRelu(_ slope: Double, node: String) throws -> Tensor {
        try activation(LeakyReluFunction(slope: slope), kernel: "leaky_relu_cpu")
            .recorded(node, inputs: [self], saving: [self]) { g, ctx in
                [try Tensor.where(ctx.saved(0).gt(0), g, g.mul(slope))]
            }
    }

    /// `x <= threshold ? value : x` (`F.threshold`, ThresholdBackward0); the gradient stops where
    /// x <= threshold (it passes at NaN, as PyTorch's). Integer tensors keep their dtype.
    public func threshold(_ threshold: Double, value: Double) throws -> Tensor {
        let out: Tensor
        if dtype.isFloatingPoint {
            out = try activation(ThresholdFunction(threshold: threshold, value: value), kernel: "threshold_cpu")
        } else if dtype == .int64 {
            out = try noGrad {
                try Tensor.where(gt(threshold), self, Tensor.full([], value.rounded(.towardZero), dtype: .int64))
            }
        } else {
            throw SwiftGradError.dtype("\"threshold_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("ThresholdBackward0", input: self, saving: self) { g, ctx in
            [try Tensor.zeroed(g, where: ctx.saved(0).le(threshold))]
        }
    }

    /// The parametric relu, `x > 0 ? x : weight * x` (`F.prelu`, PreluKernelBackward0), with one
    /// weight for all channels or one per channel (dimension 1 of the input).
    /// - Throws: `.invalidArgument` when the weight is not 0-d or 1-d, or its count is neither 1
    ///   nor the channel count; `.dtype` when the dtypes differ, as PyTorch refuses.
    public func prelu(weight: Tensor) throws -> Tensor {
        guard weight.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = \(weight.ndim)")
        }
        let channels = ndim >= 2 ? shape[1] : 1
        guard weight.count == 1 || weight.count == channels else {
            throw SwiftGradError.invalidArgument("Mismatch of parameter numbers and input channel size. Found parameter numbers = \(weight.count) and channel size = \(channels).")
        }
        guard dtype == weight.dtype else {
            throw SwiftGradError.dtype("prelu: Type promoting not supported. Got \(dtype.scalarTypeName) and \(weight.dtype.scalarTypeName)")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"prelu_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let rank = ndim
        return try Tensor.composite("PreluKernelBackward0", [self, weight]) { xs in
            let x = xs[0]
            var w = try xs[1].reshape([-1])
            if rank >= 2 {
                var layout = [Int](repeating: 1, count: rank)
                layout[1] = w.count
                w = try w.reshape(layout)
            } else {
                w = try w.reshape([])
            }
            return try Tensor.where(x.gt(0), x, x.mul(w))
        }
    }

    /// The randomized leaky relu (`F.rrelu`, RreluWithNoiseBackward0): in training, each
    /// non-positive element is scaled by its own uniform draw from [lower, upper] (the gradient
    /// by the same draw); otherwise by `(lower + upper) / 2`, as leaky_relu.
    /// - Throws: `.invalidArgument` when lower > upper (in training), as PyTorch.
    public func rrelu(lower: Double = 1.0 / 8, upper: Double = 1.0 / 3, training: Bool = false,
                      generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"leaky_relu_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        guard training else { return try leakyRelu((lower + upper) / 2, node: "RreluWithNoiseBackward0") }
        guard lower <= upper else {
            throw SwiftGradError.invalidArgument("Lower bound should be less than or equal to the upper bound")
        }
        let noise = try noGrad { () -> Tensor in
            let draw = try Tensor.rand(shape, dtype: dtype, generator: generator).mul(upper - lower).add(lower)
            return try Tensor.where(le(0), draw, Tensor.ones([], dtype: dtype))
        }
        return try Tensor.composite("RreluWithNoiseBackward0", [self]) { xs in try xs[0].mul(noise) }
    }

    /// The gated linear unit: the first half of `dim` times the sigmoid of the second
    /// (`F.glu`, GluBackward0).
    /// - Throws: `.invalidArgument` for a 0-d tensor or an odd size along `dim`.
    public func glu(dim: Int = -1) throws -> Tensor {
        guard ndim > 0 else {
            throw SwiftGradError.invalidArgument("glu does not support scalars because halving size must be even")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard shape[d] % 2 == 0 else {
            throw SwiftGradError.invalidArgument("Halving dimension must be even, but dimension \(d) is size \(shape[d])")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"glu_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let half = shape[d] / 2
        return try Tensor.composite("GluBackward0", [self]) { xs in
            try xs[0].narrow(dim: d, start: 0, length: half).mul(xs[0].narrow(dim: d, start: half, length: half).sigmoid())
        }
    }

    /// `softmax(-x)` along `dim` (`F.softmin`, SoftmaxBackward0).
    public func softmin(dim: Int) throws -> Tensor { try neg().softmax(dim: dim) }
}
