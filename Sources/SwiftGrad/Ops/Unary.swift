/// Elementwise functions of one tensor, each forward beside its backward rule. Floating
/// functions of integer or bool input compute in float32, as PyTorch's do.

/// An elementwise function of floating elements, resolved statically in the kernels.
protocol FloatUnaryKernel {
    static func apply<T: FloatElement>(_ x: T) -> T
}

enum ExpKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.exp(x) } }
enum LogKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.log(x) } }
enum ReciprocalKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { 1 / x } }
enum SqrtKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.sqrt(x) } }
enum RsqrtKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { 1 / T.sqrt(x) } }
enum SinKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.sin(x) } }
enum CosKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.cos(x) } }
enum TanhKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.tanh(x) } }
enum Log1pKernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.log1p(x) } }
enum Expm1Kernel: FloatUnaryKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.expm1(x) } }
enum SigmoidKernel: FloatUnaryKernel {
    /// 1 / (1 + e^-x), written so that neither branch overflows.
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }
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
    /// max(x, 0), propagating NaN like PyTorch's threshold.
    @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T { x <= T.zero ? T.zero : x }
}

extension Tensor {
    /// The forward of a floating unary op.
    static func floatUnary<K: FloatUnaryKernel>(_: K.Type, _ a: Tensor) throws -> Tensor {
        switch a.dtype {
        case .float32: return try Kernels.map(a, FloatMap<K, Float>())
        case .float64: return try Kernels.map(a, FloatMap<K, Double>())
        case .int64, .bool: return try floatUnary(K.self, a.to(.float32, recording: false))
        }
    }

    /// The forward of a numeric unary op; bool input computes in int64.
    static func numericUnary<K: NumericUnaryKernel>(_: K.Type, _ a: Tensor, name: String) throws -> Tensor {
        switch a.dtype {
        case .float32: return try Kernels.map(a, NumericMap<K, Float>())
        case .float64: return try Kernels.map(a, NumericMap<K, Double>())
        case .int64: return try Kernels.map(a, NumericMap<K, Int64>())
        case .bool: throw SwiftGradError.dtype("\"\(name)\" not implemented for 'Bool'")
        }
    }

    /// `-self` (`torch.neg`).
    /// - Throws: `.dtype` for bool tensors, as PyTorch refuses.
    public func neg() throws -> Tensor {
        guard dtype != .bool else {
            throw SwiftGradError.dtype("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        return try Tensor.numericUnary(NegKernel.self, self, name: "neg")
            .recorded("NegBackward0", inputs: [self]) { g, _ in Gradients(try g.neg()) }
    }

    /// `e ** self` (`torch.exp`).
    public func exp() throws -> Tensor {
        try Tensor.floatUnary(ExpKernel.self, self)
            .recorded("ExpBackward0", inputs: [self], savingOutput: true) { g, ctx in Gradients(try g.mul(ctx.saved(0))) }
    }

    /// The natural logarithm (`torch.log`); log(0) = -inf, log of a negative is nan.
    public func log() throws -> Tensor {
        try Tensor.floatUnary(LogKernel.self, self)
            .recorded("LogBackward0", inputs: [self], saving: [self]) { g, ctx in Gradients(try g.div(ctx.saved(0))) }
    }

    /// `log(1 + self)`, accurate near 0 (`torch.log1p`).
    public func log1p() throws -> Tensor {
        try Tensor.floatUnary(Log1pKernel.self, self)
            .recorded("Log1PBackward0", inputs: [self], saving: [self]) { g, ctx in Gradients(try g.div(ctx.saved(0).add(1))) }
    }

    /// `exp(self) - 1`, accurate near 0 (`torch.expm1`).
    public func expm1() throws -> Tensor {
        try Tensor.floatUnary(Expm1Kernel.self, self)
            .recorded("Expm1Backward0", inputs: [self], savingOutput: true) { g, ctx in Gradients(try g.mul(ctx.saved(0).add(1))) }
    }

    /// `1 / self` (`torch.reciprocal`); integer input gives float32.
    public func reciprocal() throws -> Tensor {
        try Tensor.floatUnary(ReciprocalKernel.self, self)
            .recorded("ReciprocalBackward0", inputs: [self], savingOutput: true) { g, ctx in
                // d(1/x)/dx = -1/x^2 = -out^2.
                let out = try ctx.saved(0)
                return [try g.neg().mul(out.mul(out))]
            }
    }

    /// The square root (`torch.sqrt`); sqrt'(0) = inf, as in PyTorch.
    public func sqrt() throws -> Tensor {
        try Tensor.floatUnary(SqrtKernel.self, self)
            .recorded("SqrtBackward0", inputs: [self], savingOutput: true) { g, ctx in
                // d(sqrt x)/dx = 1 / (2 sqrt x).
                [try g.div(ctx.saved(0).mul(2))]
            }
    }

    /// `1 / sqrt(self)` (`torch.rsqrt`).
    public func rsqrt() throws -> Tensor {
        try Tensor.floatUnary(RsqrtKernel.self, self)
            .recorded("RsqrtBackward0", inputs: [self], savingOutput: true) { g, ctx in
                // d(x^-1/2)/dx = -1/2 x^-3/2 = -out^3 / 2.
                let out = try ctx.saved(0)
                return [try g.mul(out.pow(3)).mul(-0.5)]
            }
    }

    /// `torch.sin`.
    public func sin() throws -> Tensor {
        try Tensor.floatUnary(SinKernel.self, self)
            .recorded("SinBackward0", inputs: [self], saving: [self]) { g, ctx in Gradients(try g.mul(ctx.saved(0).cos())) }
    }

    /// `torch.cos`.
    public func cos() throws -> Tensor {
        try Tensor.floatUnary(CosKernel.self, self)
            .recorded("CosBackward0", inputs: [self], saving: [self]) { g, ctx in Gradients(try g.mul(ctx.saved(0).sin().neg())) }
    }

    /// `torch.tanh`.
    public func tanh() throws -> Tensor {
        try Tensor.floatUnary(TanhKernel.self, self)
            .recorded("TanhBackward0", inputs: [self], savingOutput: true) { g, ctx in
                // d tanh/dx = 1 - tanh^2.
                let out = try ctx.saved(0)
                return [try g.mul(out.mul(out).rsub(1))]
            }
    }

    /// The logistic function `1 / (1 + e^-x)` (`torch.sigmoid`), stable for large |x|.
    public func sigmoid() throws -> Tensor {
        try Tensor.floatUnary(SigmoidKernel.self, self)
            .recorded("SigmoidBackward0", inputs: [self], savingOutput: true) { g, ctx in
                // d sigmoid/dx = s (1 - s).
                let out = try ctx.saved(0)
                return [try g.mul(out.mul(out.rsub(1)))]
            }
    }

    /// `max(self, 0)` (`torch.relu`). Its gradient at 0 is 0, as PyTorch's.
    public func relu() throws -> Tensor {
        try Tensor.numericUnary(ReluKernel.self, self, name: "relu")
            .recorded("ReluBackward0", inputs: [self], savingOutput: true) { g, ctx in
                [try g.mul(ctx.saved(0).gt(0))]
            }
    }

    /// `|self|` (`torch.abs`). Its gradient at 0 is 0 (sign(0) = 0), as PyTorch's.
    public func abs() throws -> Tensor {
        try Tensor.numericUnary(AbsKernel.self, self, name: "abs")
            .recorded("AbsBackward0", inputs: [self], saving: [self]) { g, ctx in Gradients(try g.mul(ctx.saved(0).sign())) }
    }

    /// -1, 0 or 1 by the sign of each element (`torch.sign`); its gradient is 0.
    public func sign() throws -> Tensor {
        try Tensor.numericUnary(SignKernel.self, self, name: "sign")
            .recorded("SignBackward0", inputs: [self]) { g, _ in Gradients(try g.zerosLike()) }
    }

    /// `self ** 2` (`torch.square`, which PyTorch computes as pow: PowBackward0).
    public func square() throws -> Tensor {
        dtype == .bool ? try to(.int64).pow(2) : try pow(2)
    }
}
