#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftGradVector

/// Elementwise functions of one tensor, each forward beside its backward rule. Floating
/// functions of integer or bool input compute in float32, as PyTorch's do.

/// An elementwise function of floating elements, given for float32 and float64 (usually C's
/// libm pair, `sinhf` and `sinh`), resolved statically in the kernels.
protocol FloatUnaryKernel {
    static func apply(_ x: Float) -> Float
    static func apply(_ x: Double) -> Double
    /// The vector loop over contiguous float32 buffers where the kernel has one (SwiftGradVector,
    /// at the processor's capability), else nil: the scalar form runs.
    static var floatLoop: VectorLoops.Unary? { get }
}

extension FloatUnaryKernel {
    static var floatLoop: VectorLoops.Unary? { nil }
}

enum ExpKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.exp(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.exp }
}
enum LogKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.log(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.vectorLog }
}
enum ReciprocalKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { 1 / x }
    @inline(__always) static func apply(_ x: Double) -> Double { 1 / x }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.reciprocal }
}
enum SqrtKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) static func apply(_ x: Double) -> Double { x.squareRoot() }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.sqrt }
}
enum RsqrtKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { 1 / x.squareRoot() }
    @inline(__always) static func apply(_ x: Double) -> Double { 1 / x.squareRoot() }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.rsqrt }
}
enum SinKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { sinf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.sin(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.sin }
}
enum CosKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { cosf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.cos(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.cos }
}
enum TanhKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.tanh(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.tanh }
}
enum Log1pKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.log1p(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.log1p }
}
enum Expm1Kernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { expm1f(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.expm1(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.expm1 }
}
enum SigmoidKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { sigmoid(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { sigmoid(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.sigmoid }

    /// 1 / (1 + e^-x), PyTorch's CPU formula: without a branch (a data-dependent branch on the
    /// sign cost 3x the exp on mixed-sign input), and e^-x overflowing to inf for x below about
    /// -88 (float32) gives 0, as PyTorch's.
    @inline(__always) private static func sigmoid<T: FloatElement>(_ x: T) -> T {
        1 / (1 + T.exp(-x))
    }
}

/// C's libm pairs for the functions below (`round` is `rint`: halves to even, as PyTorch's).
enum TanKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { tanf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.tan(x) }
}
enum SinhKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { sinhf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.sinh(x) }
}
enum CoshKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { coshf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.cosh(x) }
}
enum AsinKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { asinf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.asin(x) }
}
enum AcosKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { acosf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.acos(x) }
}
enum AtanKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { atanf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.atan(x) }
}
enum AsinhKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { asinhf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.asinh(x) }
}
enum AcoshKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { acoshf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.acosh(x) }
}
enum AtanhKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { atanhf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.atanh(x) }
}
enum ErfKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { erff(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.erf(x) }
    static var floatLoop: VectorLoops.Unary? { CPUCapability.loops.erf }
}
enum ErfcKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { erfcf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.erfc(x) }
}
enum Log2Kernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { log2f(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.log2(x) }
}
enum Log10Kernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { log10f(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.log10(x) }
}
enum Exp2Kernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { exp2f(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.exp2(x) }
}
enum FloorKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { floorf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.floor(x) }
}
enum CeilKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { ceilf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.ceil(x) }
}
enum RoundKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { rintf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.rint(x) }
}
enum TruncKernel: FloatUnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { truncf(x) }
    @inline(__always) static func apply(_ x: Double) -> Double { Glibc.trunc(x) }
}

/// An elementwise function of any numeric element (integers keep their dtype).
protocol NumericUnaryKernel {
    static func apply<T: NumericElement>(_ x: T) -> T
}

enum NegKernel: NumericUnaryKernel { @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T { -x } }
enum AbsKernel: NumericUnaryKernel {
    @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T { x < T.zero ? -x : x }
}
enum SignKernel: NumericUnaryKernel {
    @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T { x > T.zero ? T.one : (x < T.zero ? T.sub(T.zero, T.one) : T.mul(T.zero, x)) }
}
enum ReluKernel: NumericUnaryKernel {
    /// max(x, 0) as PyTorch's clamp_min(x, 0): NaN stays NaN, and -0.0 stays -0.0 (a tie keeps x).
    @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T { T.zero > x ? T.zero : x }
}

/// A gradient computed from the output of the function and the incoming gradient `g`, in one
/// pass, as PyTorch's sigmoid_backward, tanh_backward and threshold_backward kernels compute it
/// (`g * (1 - y) * y`, `g * (1 - y * y)`, `y <= 0 ? 0 : g`), which the recorded form for
/// create_graph follows too.
protocol OutputGradient {
    static func apply<T: FloatElement>(_ g: T, _ y: T) -> T
    /// The same over contiguous float32 buffers, vectorised (SwiftGradVector, the same formula),
    /// where a transcendental-free loop would not vectorise as well by itself.
    static var floatLoop: VectorLoops.Binary? { get }
}
enum SigmoidGradient: OutputGradient {
    @inline(__always) static func apply<T: FloatElement>(_ g: T, _ y: T) -> T { g * (1 - y) * y }
    static var floatLoop: VectorLoops.Binary? { CPUCapability.loops.sigmoidBackward }
}
enum TanhGradient: OutputGradient {
    @inline(__always) static func apply<T: FloatElement>(_ g: T, _ y: T) -> T { g * (1 - y * y) }
    static var floatLoop: VectorLoops.Binary? { CPUCapability.loops.tanhBackward }
}
/// relu's: PyTorch's threshold_backward at 0, `y <= 0 ? 0 : g`. A zero gradient where the
/// output is 0 even for an infinite or NaN `g`, and `g` where the output is NaN.
enum ReluGradient: OutputGradient {
    @inline(__always) static func apply<T: FloatElement>(_ g: T, _ y: T) -> T { y <= 0 ? 0 : g }
    static var floatLoop: VectorLoops.Binary? { CPUCapability.loops.reluBackward }
}

/// `K(g, y)` as a kernel's binary function.
struct OutputGradientPair<K: OutputGradient, T: FloatElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ g: T, _ y: T) -> T { K.apply(g, y) }
}

extension Tensor {
    /// `K(self, output)` elementwise, self the gradient of `output` (same shape, or expanded to
    /// it); float16 and bfloat16 compute in float32 and round once at the end, as PyTorch's.
    /// The result is written over `self` when the rule passes it as `reused`
    /// (`OpNode.disposableGradient`) and it has the result's shape and dtype.
    func outputGradient<K: OutputGradient>(_: K.Type, output y: Tensor, reusing reused: Tensor? = nil) throws -> Tensor {
        let shape = try Shape.broadcast(shape, y.shape)
        let into = dtype == y.dtype && shape == self.shape ? reused : nil
        switch (dtype, y.dtype) {
        case (.float32, .float32) where shape == self.shape && shape == y.shape && isContiguous && y.isContiguous
                                        && K.floatLoop != nil:
            return try Kernels.zipFloat(self, y, K.floatLoop!, into: into)
        case (.float32, .float32): return try Kernels.zip(self, y, shape: shape, OutputGradientPair<K, Float>(), into: into)
        case (.float64, .float64): return try Kernels.zip(self, y, shape: shape, OutputGradientPair<K, Double>(), into: into)
        default:
            let common = DType.promote(dtype, y.dtype)
            return try to(.float32, recording: false)
                .outputGradient(K.self, output: y.to(.float32, recording: false)).to(common, recording: false)
        }
    }

    /// The forward of a floating unary op: float16 and bfloat16 compute in float32 and round
    /// back; integer and bool input computes in the default floating dtype (the result's).
    static func floatUnary<K: FloatUnaryKernel>(_: K.Type, _ a: Tensor) throws -> Tensor {
        switch a.dtype {
        case .float32 where a.isContiguous && K.floatLoop != nil: return try Kernels.mapFloat(a, K.floatLoop!)
        case .float32: return try Kernels.map(a, FloatMap<K, Float>())
        case .float64: return try Kernels.map(a, FloatMap<K, Double>())
        case .float16, .bfloat16:
            return try floatUnary(K.self, a.to(.float32, recording: false)).to(a.dtype, recording: false)
        default: return try floatUnary(K.self, a.to(DType.defaultFloating, recording: false))
        }
    }

    /// The forward of a numeric unary op; narrow dtypes compute in float32 or int64 and come
    /// back to their dtype; bool is refused.
    static func numericUnary<K: NumericUnaryKernel>(_: K.Type, _ a: Tensor, name: String) throws -> Tensor {
        switch a.dtype {
        case .float32: return try Kernels.map(a, NumericMap<K, Float>())
        case .float64: return try Kernels.map(a, NumericMap<K, Double>())
        case .int64: return try Kernels.map(a, NumericMap<K, Int64>())
        case .bool: throw SwiftGradError.dtype("\"\(name)\" not implemented for 'Bool'")
        default:
            return try numericUnary(K.self, a.to(a.dtype.compute, recording: false), name: name).to(a.dtype, recording: false)
        }
    }

    /// `-self` (`torch.neg`).
    /// - Throws: `.dtype` for bool tensors, as PyTorch refuses.
    public func neg() throws -> Tensor {
        guard dtype != .bool else {
            throw SwiftGradError.dtype("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        return try Tensor.numericUnary(NegKernel.self, self, name: "neg")
            .recorded("NegBackward0", input: self) { g, _ in Gradients(try g.neg()) }
    }

    /// `e ** self` (`torch.exp`).
    public func exp() throws -> Tensor {
        try Tensor.floatUnary(ExpKernel.self, self)
            .recorded("ExpBackward0", input: self, savingOutput: true) { g, ctx in Gradients(try g.mul(ctx.saved(0))) }
    }

    /// The natural logarithm (`torch.log`); log(0) = -inf, log of a negative is nan.
    public func log() throws -> Tensor {
        try Tensor.floatUnary(LogKernel.self, self)
            .recorded("LogBackward0", input: self, saving: self) { g, ctx in Gradients(try g.div(ctx.saved(0))) }
    }

    /// `log(1 + self)`, accurate near 0 (`torch.log1p`).
    public func log1p() throws -> Tensor {
        try Tensor.floatUnary(Log1pKernel.self, self)
            .recorded("Log1PBackward0", input: self, saving: self) { g, ctx in Gradients(try g.div(ctx.saved(0).add(1))) }
    }

    /// `exp(self) - 1`, accurate near 0 (`torch.expm1`).
    public func expm1() throws -> Tensor {
        try Tensor.floatUnary(Expm1Kernel.self, self)
            .recorded("Expm1Backward0", input: self, savingOutput: true) { g, ctx in Gradients(try g.mul(ctx.saved(0).add(1))) }
    }

    /// `1 / self` (`torch.reciprocal`); integer input gives float32.
    public func reciprocal() throws -> Tensor {
        try Tensor.floatUnary(ReciprocalKernel.self, self)
            .recorded("ReciprocalBackward0", input: self, savingOutput: true) { g, ctx in
                // d(1/x)/dx = -1/x^2 = -out^2.
                let out = try ctx.saved(0)
                return [try g.neg().mul(out.mul(out))]
            }
    }

    /// The square root (`torch.sqrt`); sqrt'(0) = inf, as in PyTorch.
    public func sqrt() throws -> Tensor {
        try Tensor.floatUnary(SqrtKernel.self, self)
            .recorded("SqrtBackward0", input: self, savingOutput: true) { g, ctx in
                // d(sqrt x)/dx = 1 / (2 sqrt x).
                [try g.div(ctx.saved(0).mul(2))]
            }
    }

    /// `1 / sqrt(self)` (`torch.rsqrt`).
    public func rsqrt() throws -> Tensor {
        try Tensor.floatUnary(RsqrtKernel.self, self)
            .recorded("RsqrtBackward0", input: self, savingOutput: true) { g, ctx in
                // d(x^-1/2)/dx = -1/2 x^-3/2 = -out^3 / 2.
                let out = try ctx.saved(0)
                return [try g.mul(out.pow(3)).mul(-0.5)]
            }
    }

    /// `torch.sin`.
    public func sin() throws -> Tensor {
        try Tensor.floatUnary(SinKernel.self, self)
            .recorded("SinBackward0", input: self, saving: self) { g, ctx in Gradients(try g.mul(ctx.saved(0).cos())) }
    }

    /// `torch.cos`.
    public func cos() throws -> Tensor {
        try Tensor.floatUnary(CosKernel.self, self)
            .recorded("CosBackward0", input: self, saving: self) { g, ctx in Gradients(try g.mul(ctx.saved(0).sin().neg())) }
    }

    /// `torch.tanh`.
    public func tanh() throws -> Tensor {
        try Tensor.floatUnary(TanhKernel.self, self)
            .recorded("TanhBackward0", input: self, savingOutput: true) { g, ctx in
                // d tanh/dx = 1 - tanh^2: in one pass, or in recorded ops for create_graph.
                let out = try ctx.saved(0)
                if GradMode.isEnabled { return [try g.mul(out.mul(out).rsub(1))] }
                return [try g.outputGradient(TanhGradient.self, output: out, reusing: ctx.disposableGradient(g))]
            }
    }

    /// The logistic function `1 / (1 + e^-x)` (`torch.sigmoid`), stable for large |x|.
    public func sigmoid() throws -> Tensor {
        try Tensor.floatUnary(SigmoidKernel.self, self)
            .recorded("SigmoidBackward0", input: self, savingOutput: true) { g, ctx in
                // d sigmoid/dx = s (1 - s): in one pass, or in recorded ops for create_graph.
                let out = try ctx.saved(0)
                if GradMode.isEnabled { return [try g.mul(out.rsub(1)).mul(out)] }
                return [try g.outputGradient(SigmoidGradient.self, output: out, reusing: ctx.disposableGradient(g))]
            }
    }

    /// `max(self, 0)` (`torch.relu`). Its gradient at 0 is 0, as PyTorch's.
    public func relu() throws -> Tensor {
        try (dtype == .float32 && isContiguous ? Tensor.floatClamp(self, lower: 0, upper: .infinity, shape: shape)
                                                : Tensor.numericUnary(ReluKernel.self, self, name: "relu"))
            .recorded("ReluBackward0", input: self, savingOutput: true) { g, ctx in
                let out = try ctx.saved(0)
                if GradMode.isEnabled { return [try Tensor.zeroed(g, where: out.le(0))] }
                return [try g.outputGradient(ReluGradient.self, output: out, reusing: ctx.disposableGradient(g))]
            }
    }

    /// `|self|` (`torch.abs`). Its gradient at 0 is 0 (sign(0) = 0), as PyTorch's.
    public func abs() throws -> Tensor {
        try Tensor.numericUnary(AbsKernel.self, self, name: "abs")
            .recorded("AbsBackward0", input: self, saving: self) { g, ctx in Gradients(try g.mul(ctx.saved(0).sign())) }
    }

    /// -1, 0 or 1 by the sign of each element (`torch.sign`); its gradient is 0.
    public func sign() throws -> Tensor {
        try Tensor.numericUnary(SignKernel.self, self, name: "sign")
            .recorded("SignBackward0", input: self) { g, _ in Gradients(try g.zerosLike()) }
    }

    /// `torch.tan`; its gradient is 1 + tan^2.
    public func tan() throws -> Tensor {
        try Tensor.floatUnary(TanKernel.self, self)
            .recorded("TanBackward0", input: self, savingOutput: true) { g, ctx in
                let out = try ctx.saved(0)
                return [try g.mul(out.mul(out).add(1))]
            }
    }

    /// `torch.sinh`.
    public func sinh() throws -> Tensor {
        try Tensor.floatUnary(SinhKernel.self, self)
            .recorded("SinhBackward0", input: self, saving: self) { g, ctx in Gradients(try g.mul(ctx.saved(0).cosh())) }
    }

    /// `torch.cosh`.
    public func cosh() throws -> Tensor {
        try Tensor.floatUnary(CoshKernel.self, self)
            .recorded("CoshBackward0", input: self, saving: self) { g, ctx in Gradients(try g.mul(ctx.saved(0).sinh())) }
    }

    /// `torch.asin`: nan outside [-1, 1]; its gradient 1 / sqrt(1 - x^2) is inf at +-1.
    public func asin() throws -> Tensor {
        try Tensor.floatUnary(AsinKernel.self, self)
            .recorded("AsinBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).rsub(1).rsqrt())]
            }
    }

    /// `torch.acos`: nan outside [-1, 1]; its gradient is -1 / sqrt(1 - x^2).
    public func acos() throws -> Tensor {
        try Tensor.floatUnary(AcosKernel.self, self)
            .recorded("AcosBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).rsub(1).rsqrt().neg())]
            }
    }

    /// `torch.atan`; its gradient is 1 / (1 + x^2).
    public func atan() throws -> Tensor {
        try Tensor.floatUnary(AtanKernel.self, self)
            .recorded("AtanBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.div(x.mul(x).add(1))]
            }
    }

    /// `torch.asinh`; its gradient is 1 / sqrt(x^2 + 1).
    public func asinh() throws -> Tensor {
        try Tensor.floatUnary(AsinhKernel.self, self)
            .recorded("AsinhBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).add(1).rsqrt())]
            }
    }

    /// `torch.acosh`: nan below 1; its gradient is 1 / sqrt(x^2 - 1).
    public func acosh() throws -> Tensor {
        try Tensor.floatUnary(AcoshKernel.self, self)
            .recorded("AcoshBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).sub(1).rsqrt())]
            }
    }

    /// `torch.atanh`: +-inf at +-1, nan outside; its gradient is 1 / (1 - x^2).
    public func atanh() throws -> Tensor {
        try Tensor.floatUnary(AtanhKernel.self, self)
            .recorded("AtanhBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.div(x.mul(x).rsub(1))]
            }
    }

    /// The error function (`torch.erf`); its gradient is 2 / sqrt(pi) * exp(-x^2).
    public func erf() throws -> Tensor {
        try Tensor.floatUnary(ErfKernel.self, self)
            .recorded("ErfBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).neg().exp().mul(2 / Double.pi.squareRoot()))]
            }
    }

    /// `1 - erf(self)`, accurate where erf is near 1 (`torch.erfc`).
    public func erfc() throws -> Tensor {
        try Tensor.floatUnary(ErfcKernel.self, self)
            .recorded("ErfcBackward0", input: self, saving: self) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.mul(x).neg().exp().mul(-2 / Double.pi.squareRoot()))]
            }
    }

    /// The base-2 logarithm (`torch.log2`); its gradient is 1 / (x ln 2).
    public func log2() throws -> Tensor {
        try Tensor.floatUnary(Log2Kernel.self, self)
            .recorded("Log2Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.div(ctx.saved(0).mul(0.6931471805599453)))
            }
    }

    /// The base-10 logarithm (`torch.log10`); its gradient is 1 / (x ln 10).
    public func log10() throws -> Tensor {
        try Tensor.floatUnary(Log10Kernel.self, self)
            .recorded("Log10Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.div(ctx.saved(0).mul(2.302585092994046)))
            }
    }

    /// `2 ** self` (`torch.exp2`); its gradient is 2^x ln 2.
    public func exp2() throws -> Tensor {
        try Tensor.floatUnary(Exp2Kernel.self, self)
            .recorded("Exp2Backward0", input: self, savingOutput: true) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).mul(0.6931471805599453)))
            }
    }

    /// The forward of floor, ceil, round and trunc: floating tensors round elementwise (their
    /// gradient is 0 everywhere, as PyTorch defines it), integer tensors are already whole and
    /// come back as a copy, as in PyTorch.
    static func rounding<K: FloatUnaryKernel>(_: K.Type, _ a: Tensor, name: String, backward: String) throws -> Tensor {
        if a.dtype.isFloatingPoint {
            return try floatUnary(K.self, a).recorded(backward, inputs: [a]) { g, _ in Gradients(try g.zerosLike()) }
        }
        guard a.dtype != .bool else { throw SwiftGradError.dtype("\"\(name)_vml_cpu\" not implemented for 'Bool'") }
        return try a.clone()
    }

    /// The largest whole number not above each element (`torch.floor`).
    public func floor() throws -> Tensor { try Tensor.rounding(FloorKernel.self, self, name: "floor", backward: "FloorBackward0") }

    /// The smallest whole number not below each element (`torch.ceil`).
    public func ceil() throws -> Tensor { try Tensor.rounding(CeilKernel.self, self, name: "ceil", backward: "CeilBackward0") }

    /// The nearest whole number, halves to even (`torch.round`: round(0.5) = 0, round(1.5) = 2).
    public func round() throws -> Tensor { try Tensor.rounding(RoundKernel.self, self, name: "round", backward: "RoundBackward0") }

    /// The whole part, rounding toward zero (`torch.trunc`).
    public func trunc() throws -> Tensor { try Tensor.rounding(TruncKernel.self, self, name: "trunc", backward: "TruncBackward0") }

    /// `self ** 2` (`torch.square`, which PyTorch computes as pow: PowBackward0).
    public func square() throws -> Tensor {
        dtype == .bool ? try to(.int64).pow(2) : try pow(2)
    }
}
