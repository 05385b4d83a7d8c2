#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// More elementwise functions of one tensor (sinc, logit, frac, deg2rad, rad2deg, nan_to_num,
/// signbit, sgn, the isnan family, angle, round with decimals, erfinv), each forward beside its
/// backward rule. Floating functions of integer or bool input compute in float32.

/// sign(x) as PyTorch computes it for real numbers: (0 < x) - (x < 0), so NaN and -0.0 give +0.
enum SgnKernel: NumericUnaryKernel {
    @inline(__always) static func apply<T: NumericElement>(_ x: T) -> T {
        T.sub(T.zero < x ? T.one : T.zero, x < T.zero ? T.one : T.zero)
    }
}

extension Tensor {
    /// This tensor in the dtype a floating function of it computes in (for integers and bools,
    /// that of the default floating dtype), without recording.
    private func floatingOperand() throws -> Tensor { try to(floatingResult.compute, recording: false) }

    /// The dtype of a floating function's result: this tensor's when floating, else the default
    /// floating dtype (float16 and bfloat16 compute in float32 and round back).
    private var floatingResult: DType { dtype.isFloatingPoint ? dtype : DType.defaultFloating }

    /// sin(pi x) / (pi x), 1 at 0 (`torch.sinc`, SincBackward0). Its gradient is
    /// (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 at 0.
    public func sinc() throws -> Tensor {
        let x = try floatingOperand()
        let out = try (x.dtype == .float32 ? Kernels.map(x, Sinc<Float>()) : Kernels.map(x, Sinc<Double>()))
            .to(floatingResult, recording: false)
        return try out.recorded("SincBackward0", input: self, saving: self) { g, ctx in
            let x = try ctx.saved(0)
            let xPi = try x.mul(Double.pi), xSquaredPi = try x.mul(x).mul(Double.pi)
            let slope = try g.mul(xPi.mul(xPi.cos()).sub(xPi.sin())).div(xSquaredPi)
            return Gradients(try Tensor.where(xSquaredPi.eq(0), Tensor.zeros([], dtype: slope.dtype), slope))
        }
    }

    /// log(x / (1 - x)) (`torch.logit`, LogitBackward0). With `eps` (>= 0), x is first clamped
    /// into [eps, 1 - eps]; a negative eps is ignored, as in PyTorch. The gradient is
    /// 1 / (x (1 - x)) (+inf at 0 and 1); with eps it is 0 outside [eps, 1 - eps], without it NaN
    /// outside [0, 1].
    public func logit(eps: Double? = nil) throws -> Tensor {
        let x = try floatingOperand()
        let clamps = eps.map { !($0 < 0) } ?? false
        let e = eps ?? -1
        // The bounds as the kernel holds them: eps and 1 - eps in the element type.
        let lo: Double, hi: Double
        if x.dtype == .float32 {
            lo = Double(Float(e))
            hi = Double(1 - Float(e))
        } else {
            lo = e
            hi = 1 - e
        }
        let out = try (x.dtype == .float32
            ? Kernels.map(x, Logit<Float>(clamps: clamps, lo: Float(lo), hi: Float(hi)))
            : Kernels.map(x, Logit<Double>(clamps: clamps, lo: lo, hi: hi))).to(floatingResult, recording: false)
        return try out.recorded("LogitBackward0", input: self, saving: self) { g, ctx in
            let x = try ctx.saved(0)
            // dy / (x (1 - x)), dy * inf at 0 and 1 as PyTorch's kernel gives (+inf at -0.0 too):
            // a denominator of +0 there.
            let atEnds = try x.eq(0).logicalOr(x.eq(1))
            let denominator = try x.mul(x.rsub(1))
            let slope = try g.div(Tensor.where(atEnds, Tensor.zeros([], dtype: denominator.dtype), denominator))
            let inside = clamps ? try x.ge(lo).logicalAnd(x.le(hi)) : try x.ge(0).logicalAnd(x.le(1))
            let outside = try Tensor.full([], clamps ? 0 : .nan, dtype: slope.dtype)
            return Gradients(try Tensor.where(inside, slope, outside))
        }
    }

    /// x - trunc(x) (`torch.frac`, FracBackward0: the gradient passes unchanged).
    /// - Throws: `.dtype` for integer and bool tensors, as PyTorch refuses.
    public func frac() throws -> Tensor {
        let out: Tensor
        switch dtype {
        case .float32: out = try Kernels.map(self, Frac<Float>())
        case .float64: out = try Kernels.map(self, Frac<Double>())
        case .int64, .bool: throw Tensor.kernelNotImplemented("frac_cpu", dtype)
        default: throw SwiftGradError.dtype("\"frac\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("FracBackward0", input: self) { g, _ in Gradients(g) }
    }

    /// Degrees to radians, x * pi / 180 (`torch.deg2rad`, Deg2RadBackward0).
    public func deg2rad() throws -> Tensor {
        let factor = 0.017453292519943295
        return try Tensor.arithmetic(MulKernel.self, self, scalar: factor)
            .recorded("Deg2RadBackward0", input: self) { g, _ in Gradients(try g.mul(factor)) }
    }

    /// Radians to degrees, x * 180 / pi (`torch.rad2deg`, Rad2DegBackward0).
    public func rad2deg() throws -> Tensor {
        let factor = 57.29577951308232
        return try Tensor.arithmetic(MulKernel.self, self, scalar: factor)
            .recorded("Rad2DegBackward0", input: self) { g, _ in Gradients(try g.mul(factor)) }
    }

    /// NaN, +inf and -inf replaced by `nan` (default 0), `posinf` and `neginf` (default the
    /// dtype's largest and lowest finite values) (`torch.nan_to_num`, NanToNumBackward0: the
    /// gradient passes where x is finite). Integer and bool tensors come back as a copy.
    public func nanToNum(nan: Double? = nil, posinf: Double? = nil, neginf: Double? = nil) throws -> Tensor {
        let out: Tensor
        switch dtype {
        case .float32:
            out = try Kernels.map(self, NanToNum<Float>(nan: Float(nan ?? 0), posinf: posinf.map { Float($0) } ?? .greatestFiniteMagnitude,
                                                        neginf: neginf.map { Float($0) } ?? -.greatestFiniteMagnitude))
        case .float64:
            out = try Kernels.map(self, NanToNum<Double>(nan: nan ?? 0, posinf: posinf ?? .greatestFiniteMagnitude,
                                                         neginf: neginf ?? -.greatestFiniteMagnitude))
        case .int64, .bool:
            return try clone()
        default: throw SwiftGradError.dtype("\"nanToNum\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("NanToNumBackward0", input: self, saving: self) { g, ctx in
            Gradients(try g.mul(ctx.saved(0).isfinite()))
        }
    }

    /// Whether the sign bit is set (`torch.signbit`): true for negative numbers, -0.0 and
    /// negative NaNs; false for bools.
    public func signbit() throws -> Tensor {
        switch dtype {
        case .float32: return try Kernels.map(self, SignBit<Float>())
        case .float64: return try Kernels.map(self, SignBit<Double>())
        case .int64: return try Kernels.map(self, IntegerIsNegative())
        case .bool: return try Tensor.zeros(shape, dtype: .bool)
        default: return try to(dtype.compute, recording: false).signbit()  // float16, bfloat16, narrow integers: widened exactly
        }
    }

    /// The sign of each element (`torch.sgn`, SgnBackward0: gradient 0 for real tensors): -1, 0
    /// or 1, 0 for NaN; bools are copied.
    public func sgn() throws -> Tensor {
        guard dtype != .bool else { return try clone() }
        return try Tensor.numericUnary(SgnKernel.self, self, name: "sgn")
            .recorded("SgnBackward0", input: self) { g, _ in Gradients(try g.zerosLike()) }
    }

    /// A bool tensor from a floating predicate, with the constant `integers` for integer and bool
    /// tensors.
    private func floatingPredicate<F: UnaryFunction, D: UnaryFunction>(_ f: F, _ d: D, integers: Bool) throws -> Tensor
    where F.Input == Float, F.Output == Bool, D.Input == Double, D.Output == Bool {
        switch dtype {
        case .float32: return try Kernels.map(self, f)
        case .float64: return try Kernels.map(self, d)
        case .float16, .bfloat16: return try to(.float32, recording: false).floatingPredicate(f, d, integers: integers)
        default: return integers ? try Tensor.ones(shape, dtype: .bool) : try Tensor.zeros(shape, dtype: .bool)  // integers, bools
        }
    }

    /// Where each element is NaN (`torch.isnan`).
    public func isnan() throws -> Tensor { try floatingPredicate(IsNaN<Float>(), IsNaN<Double>(), integers: false) }

    /// Where each element is +-inf (`torch.isinf`).
    public func isinf() throws -> Tensor { try floatingPredicate(IsInf<Float>(), IsInf<Double>(), integers: false) }

    /// Where each element is finite (`torch.isfinite`); always true for integers and bools.
    public func isfinite() throws -> Tensor { try floatingPredicate(IsFinite<Float>(), IsFinite<Double>(), integers: true) }

    /// Where each element is +inf (`torch.isposinf`).
    public func isposinf() throws -> Tensor { try floatingPredicate(IsPosInf<Float>(), IsPosInf<Double>(), integers: false) }

    /// Where each element is -inf (`torch.isneginf`).
    public func isneginf() throws -> Tensor { try floatingPredicate(IsNegInf<Float>(), IsNegInf<Double>(), integers: false) }

    /// Where each element is real (`torch.isreal`): every element of a real dtype.
    public func isreal() throws -> Tensor { try Tensor.ones(shape, dtype: .bool) }

    /// The argument of each element as a complex number (`torch.angle`, AngleBackward0): pi for
    /// negative numbers, 0 otherwise, NaN for NaN. Its gradient is 0 for real tensors.
    public func angle() throws -> Tensor {
        let x = try floatingOperand()
        let out = try (x.dtype == .float32 ? Kernels.map(x, Angle<Float>()) : Kernels.map(x, Angle<Double>()))
            .to(floatingResult, recording: false)
        return try out.recorded("AngleBackward0", input: self) { g, _ in Gradients(try g.zerosLike()) }
    }

    /// Rounds to `decimals` decimal places, halves to even (`torch.round(decimals=)`,
    /// RoundBackward1: gradient 0), computed as PyTorch's CPU kernel does: x * 10^d rounded,
    /// then divided by 10^d (for negative d, x / 10^-d rounded, times 10^-d), in the tensor's
    /// dtype. Large |d| overflows 10^d to inf, and the result to NaN, as in PyTorch.
    /// - Throws: `.dtype` for integer and bool tensors, as PyTorch refuses.
    public func round(decimals: Int) throws -> Tensor {
        let scale = Glibc.pow(10.0, Double(decimals.magnitude))
        let negative = decimals < 0
        let out: Tensor
        switch dtype {
        case .float32: out = try Kernels.map(self, RoundDecimals<Float>(scale: Float(scale), negative: negative))
        case .float64: out = try Kernels.map(self, RoundDecimals<Double>(scale: scale, negative: negative))
        case .int64: throw Tensor.kernelNotImplemented("round_cpu", .int64)
        case .bool: throw Tensor.kernelNotImplemented("round_vml_cpu", .bool)
        default: throw SwiftGradError.dtype("\"round\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("RoundBackward1", input: self) { g, _ in Gradients(try g.zerosLike()) }
    }

    /// The inverse error function (`torch.erfinv`, ErfinvBackward0): +-inf at +-1, NaN outside
    /// [-1, 1]. Its gradient is sqrt(pi) / 2 * exp(erfinv(x)^2).
    public func erfinv() throws -> Tensor {
        let x = try floatingOperand()
        let out = try (x.dtype == .float32 ? Kernels.map(x, Erfinv<Float>()) : Kernels.map(x, Erfinv<Double>()))
            .to(floatingResult, recording: false)
        return try out.recorded("ErfinvBackward0", input: self, saving: self) { g, ctx in
            Gradients(try ctx.saved(0).erfinv().pow(2).exp().mul(Double.pi.squareRoot() / 2).mul(g))
        }
    }
}
