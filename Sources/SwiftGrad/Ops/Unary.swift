#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An elementwise function of floating elements, resolved statically in the kernels.
protocol FloatUnaryKernel {
    static func apply<T: FloatElement>(_ x: T) -> T
}

enum ExpKernel: FloatUnaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.exp(x) }
}
enum LogKernel: FloatUnaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.log(x) }
}
enum ReciprocalKernel: FloatUnaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { 1 / x }
}
enum SqrtKernel: FloatUnaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.sqrt(x) }
}

extension Tensor {
    /// The forward of a floating unary op: integer and bool inputs compute in float32, as
    /// PyTorch's `exp`/`log` do.
    static func floatUnary<K: FloatUnaryKernel>(_: K.Type, _ a: Tensor) throws -> Tensor {
        switch a.dtype {
        case .float32: return try Kernels.map(a) { (x: Float) in K.apply(x) }
        case .float64: return try Kernels.map(a) { (x: Double) in K.apply(x) }
        case .int64, .bool: return try floatUnary(K.self, a.to(.float32, recording: false))
        }
    }

    /// `e ** self` (`torch.exp`).
    public func exp() throws -> Tensor {
        try Tensor.floatUnary(ExpKernel.self, self)
            .recorded("ExpBackward0", inputs: [self], savingOutput: true) { g, ctx in
                [try g.mul(ctx.saved(0))]
            }
    }

    /// The natural logarithm (`torch.log`); log(0) = -inf, log of a negative is nan.
    public func log() throws -> Tensor {
        try Tensor.floatUnary(LogKernel.self, self)
            .recorded("LogBackward0", inputs: [self], saving: [self]) { g, ctx in
                [try g.div(ctx.saved(0))]
            }
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
}
