/// More elementwise functions of two or three tensors (atan2, copysign, fmax, fmod, remainder,
/// floor division, division with rounding, hypot, nextafter, heaviside, logaddexp, xlogy,
/// float_power, ldexp, lerp, addcmul, addcdiv, clamp_min/max, rsub, reversed division), each
/// forward beside its backward rule, with PyTorch's node names and formulas (derivatives.yaml).
/// Operands broadcast and promote as in the arithmetic ops; a wrapped number (`Tensor.scalar`,
/// PyTorch's Python number) selects PyTorch's Scalar overload where its node name differs.

/// How `div(_:roundingMode:)` rounds the quotient (`torch.div(rounding_mode=)`).
public enum RoundingMode: Sendable {
    /// Toward zero (`"trunc"`).
    case trunc
    /// Toward negative infinity (`"floor"`), as Python's `//`.
    case floor
}

extension Tensor {
    // MARK: Forward helpers

    /// PyTorch's message for a kernel that has no case for a dtype.
    static func kernelNotImplemented(_ kernel: String, _ dtype: DType) -> SwiftGradError {
        .dtype("\"\(kernel)\" not implemented for '\(dtype.scalarTypeName)'")
    }

    /// The dtype of a floating function of two operands: their promoted dtype, integers and bools
    /// computing in float32 (PyTorch's int-to-float promotion).
    static func floatingResultType(_ a: Tensor, _ b: Tensor) -> DType {
        let t = TypePromotion.resultType(a, b)
        return t.isFloatingPoint ? t : DType.defaultFloating
    }

    /// The promoted dtype of an op defined only for floating dtypes.
    /// - Throws: `.dtype` (PyTorch's "not implemented for 'Long'") for an integer or bool result.
    static func floatingOnlyResultType(_ a: Tensor, _ b: Tensor, kernel: String) throws -> DType {
        let t = TypePromotion.resultType(a, b)
        guard t.isFloatingPoint else { throw kernelNotImplemented(kernel, t) }
        return t
    }

    /// `K` over two operands converted to the floating dtype `dtype`, broadcast.
    static func floatBinary<K: FloatBinaryKernel>(_: K.Type, _ a: Tensor, _ b: Tensor, in dtype: DType) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        let x = try a.to(dtype, recording: false), y = try b.to(dtype, recording: false)
        switch dtype {
        case .float32: return try Kernels.zip(x, y, shape: shape, FloatPair<K, Float>())
        case .float64: return try Kernels.zip(x, y, shape: shape, FloatPair<K, Double>())
        case .int64, .bool: throw SwiftGradError.internal("a floating kernel was called for \(dtype)")
        default: throw SwiftGradError.dtype("\"floatBinary\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// The forward of fmod, remainder and the rounding divisions: in the promoted dtype, floating
    /// by `K`'s floating form, int64 by its integer form.
    /// - Throws: `.invalidArgument` ("ZeroDivisionError", PyTorch's CPU message) for an integer
    ///   divisor with a zero in it (when the result is not empty); `.dtype` for bool operands.
    static func divisionLike<K: FloatBinaryKernel & IntegerBinaryKernel>(_: K.Type, _ a: Tensor, _ b: Tensor,
                                                                         kernel: String) throws -> Tensor {
        let dtype = TypePromotion.resultType(a, b)
        switch dtype {
        case .float32, .float64:
            return try floatBinary(K.self, a, b, in: dtype)
        case .int64:
            let shape = try Shape.broadcast(a.shape, b.shape)
            let divisor = try b.to(.int64, recording: false)
            if Shape.count(shape) > 0, try divisor.containsZero() {
                throw SwiftGradError.invalidArgument("ZeroDivisionError")
            }
            return try Kernels.zip(a.to(.int64, recording: false), divisor, shape: shape, IntegerPair<K>())
        case .bool:
            throw kernelNotImplemented(kernel, .bool)
        default: throw SwiftGradError.dtype("\"divisionLike\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// Whether an int64 tensor has a zero element.
    private func containsZero() throws -> Bool {
        let dense = try noGrad { try contiguous() }
        let p = dense.pointer(Int64.self) + dense.storageOffset
        for i in 0..<dense.count where p[i] == 0 { return true }
        return false
    }

    /// Records a node that refuses to differentiate (PyTorch's `NotImplemented` node, for ops
    /// without a derivative formula such as floor_divide): backward through it throws.
    func recordedWithoutDerivative(_ op: String, inputs: @autoclosure () -> [Tensor]) throws -> Tensor {
        try recorded("NotImplemented", inputs: inputs()) { _, _ in
            throw SwiftGradError.autograd("derivative for aten::\(op) is not implemented")
        }
    }

    /// The value of a wrapped number (or any one-element tensor) as a Double.
    var wrappedValue: Double { doubleValue(atOffset: storageOffset) }

    // MARK: Two-argument functions

    /// The angle of the point (other, self), in (-pi, pi] (`torch.atan2`, Atan2Backward0).
    /// Integer operands compute in float32. Gradients: other / (self^2 + other^2) and
    /// -self / (self^2 + other^2).
    public func atan2(_ other: Tensor) throws -> Tensor {
        try Tensor.floatBinary(Atan2Kernel.self, self, other, in: Tensor.floatingResultType(self, other))
            .recorded("Atan2Backward0", input: self, other, saving: self, other) { g, ctx in
                let a = try ctx.saved(0).to(g.dtype), b = try ctx.saved(1).to(g.dtype)
                let recip = try a.mul(a).add(b.mul(b)).reciprocal()
                return Gradients(ctx.needsGrad(0) ? try g.mul(b).mul(recip) : nil,
                                 ctx.needsGrad(1) ? try g.mul(a.neg()).mul(recip) : nil)
            }
    }

    /// |self| with the sign of `other` (`torch.copysign`): CopysignBackward0, or CopysignBackward1
    /// for a wrapped-number `other`. The gradient of self is `result / self` (0 where self is 0);
    /// `other` gets zeros.
    public func copysign(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.floatBinary(CopysignKernel.self, self, other, in: Tensor.floatingResultType(self, other))
        if other.isWrappedNumber {
            return try out.recorded("CopysignBackward1", input: self, saving: self, savingOutput: true) { g, ctx in
                Gradients(try Tensor.copysignGradient(g, ctx.saved(0), ctx.saved(1)))
            }
        }
        return try out.recorded("CopysignBackward0", input: self, other, saving: self, savingOutput: true) { g, ctx in
            Gradients(ctx.needsGrad(0) ? try Tensor.copysignGradient(g, ctx.saved(0), ctx.saved(1)) : nil,
                      ctx.needsGrad(1) ? try Tensor.zeros(ctx.inputShape(1), dtype: g.dtype) : nil)
        }
    }

    private static func copysignGradient(_ g: Tensor, _ x: Tensor, _ result: Tensor) throws -> Tensor {
        let zero = try Tensor.zeros([], dtype: g.dtype)
        return try g.mul(Tensor.where(x.eq(0), zero, result.div(x)))
    }

    /// The elementwise maximum ignoring NaN (`torch.fmax`, FmaxBackward0): NaN only where both
    /// are NaN. Integer and bool operands give maximum. Ties share the gradient; where one
    /// operand is NaN the other takes it.
    public func fmax(_ other: Tensor) throws -> Tensor { try Tensor.nanIgnoringExtremum(self, other, greater: true) }

    /// The elementwise minimum ignoring NaN (`torch.fmin`, FminBackward0).
    public func fmin(_ other: Tensor) throws -> Tensor { try Tensor.nanIgnoringExtremum(self, other, greater: false) }

    private static func nanIgnoringExtremum(_ a: Tensor, _ b: Tensor, greater: Bool) throws -> Tensor {
        let dtype = TypePromotion.resultType(a, b)
        guard dtype.isFloatingPoint else { return greater ? try a.maximum(b) : try a.minimum(b) }
        let out = greater ? try floatBinary(FmaxKernel.self, a, b, in: dtype) : try floatBinary(FminKernel.self, a, b, in: dtype)
        return try out.recorded(greater ? "FmaxBackward0" : "FminBackward0", inputs: [a, b], saving: [a, b]) { g, ctx in
            let p = try ctx.saved(0), q = try ctx.saved(1)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            let shared = try Tensor.where(p.eq(q), g.div(2), g)
            let qIsNaN = try q.isnan()
            // self keeps its share where it wins (or ties) or other is NaN; other keeps its
            // share unless self strictly wins or other is NaN.
            let selfKeeps = try (greater ? p.ge(q) : p.le(q)).logicalOr(qIsNaN)
            let selfWins = try (greater ? p.gt(q) : p.lt(q)).logicalOr(qIsNaN)
            return Gradients(ctx.needsGrad(0) ? try Tensor.where(selfKeeps, shared, zero) : nil,
                             ctx.needsGrad(1) ? try Tensor.where(selfWins, zero, shared) : nil)
        }
    }

    /// The remainder of truncating division, with the dividend's sign (`torch.fmod`, C's fmod):
    /// FmodBackward1, or FmodBackward0 for a wrapped-number divisor. Integer operands stay
    /// integer. Gradients: 1 for self, -trunc(self / other) for other.
    /// - Throws: `.invalidArgument` ("ZeroDivisionError") for an integer division by zero,
    ///   `.dtype` for bool operands.
    public func fmod(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.divisionLike(FmodKernel.self, self, other, kernel: "fmod_cpu")
        if other.isWrappedNumber {
            return try out.recorded("FmodBackward0", input: self) { g, _ in Gradients(g) }
        }
        return try out.recorded("FmodBackward1", inputs: [self, other],
                                saving: other.requiresGrad ? [self, other] : []) { g, ctx in
            Gradients(ctx.needsGrad(0) ? g : nil,
                      ctx.needsGrad(1) ? try g.neg().mul(ctx.saved(0).div(ctx.saved(1), roundingMode: .trunc)) : nil)
        }
    }

    /// The remainder of flooring division, with the divisor's sign (`torch.remainder`, Python's
    /// `%`): RemainderBackward1, RemainderBackward0 for a wrapped-number divisor. A wrapped-number
    /// dividend (`torch.remainder(2, x)`) has no derivative in PyTorch: backward through it
    /// throws. Gradients: 1 for self, -floor(self / other) for other.
    /// - Throws: as `fmod`.
    public func remainder(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.divisionLike(RemainderKernel.self, self, other, kernel: "remainder_cpu")
        if isWrappedNumber && !other.isWrappedNumber {
            return try out.recordedWithoutDerivative("remainder", inputs: [other])
        }
        if other.isWrappedNumber {
            return try out.recorded("RemainderBackward0", input: self) { g, _ in Gradients(g) }
        }
        return try out.recorded("RemainderBackward1", inputs: [self, other],
                                saving: other.requiresGrad ? [self, other] : []) { g, ctx in
            Gradients(ctx.needsGrad(0) ? g : nil,
                      ctx.needsGrad(1) ? try g.neg().mul(ctx.saved(0).div(ctx.saved(1), roundingMode: .floor)) : nil)
        }
    }

    /// Python's `//` (`torch.floor_divide`): the quotient rounded down, computed as PyTorch does
    /// so that `a == (a // b) * b + a % b`. Integer operands stay integer. PyTorch defines no
    /// derivative: backward through it throws.
    /// - Throws: as `fmod` ("div_floor_cpu" for bools).
    public func floorDivide(_ other: Tensor) throws -> Tensor {
        try Tensor.divisionLike(FloorDivideKernel.self, self, other, kernel: "div_floor_cpu")
            .recordedWithoutDerivative("floor_divide", inputs: [self, other])
    }

    /// `self / other` rounded toward zero or down (`torch.div(rounding_mode=)`, DivBackward2):
    /// integer operands stay integer. The gradient is 0 for both operands.
    /// - Throws: as `fmod` ("div_trunc_cpu" or "div_floor_cpu" for bools).
    public func div(_ other: Tensor, roundingMode: RoundingMode) throws -> Tensor {
        let out = roundingMode == .trunc
            ? try Tensor.divisionLike(TruncDivideKernel.self, self, other, kernel: "div_trunc_cpu")
            : try Tensor.divisionLike(FloorDivideKernel.self, self, other, kernel: "div_floor_cpu")
        return try out.recorded("DivBackward2", input: self, other) { g, ctx in
            Gradients(ctx.needsGrad(0) ? try g.zerosLike() : nil, ctx.needsGrad(1) ? try g.zerosLike() : nil)
        }
    }

    /// sqrt(self^2 + other^2) without overflow (`torch.hypot`, HypotBackward0); floating only.
    /// Gradients: self / result and other / result.
    public func hypot(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.floatingOnlyResultType(self, other, kernel: "hypot_cpu")
        return try Tensor.floatBinary(HypotKernel.self, self, other, in: dtype)
            .recorded("HypotBackward0", input: self, other, saving: self, other, savingOutput: true) { g, ctx in
                let out = try ctx.saved(2)
                return Gradients(ctx.needsGrad(0) ? try g.mul(ctx.saved(0)).div(out) : nil,
                                 ctx.needsGrad(1) ? try g.mul(ctx.saved(1)).div(out) : nil)
            }
    }

    /// The next representable value after self toward other (`torch.nextafter`,
    /// NextafterBackward0); floating only. The gradient passes to self where the two differ;
    /// other gets zeros.
    public func nextafter(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.floatingOnlyResultType(self, other, kernel: "nextafter_cpu")
        return try Tensor.floatBinary(NextafterKernel.self, self, other, in: dtype)
            .recorded("NextafterBackward0", input: self, other, saving: self, other) { g, ctx in
                let zero = try Tensor.zeros([], dtype: g.dtype)
                return Gradients(ctx.needsGrad(0) ? try Tensor.where(ctx.saved(0).ne(ctx.saved(1)), g, zero) : nil,
                                 ctx.needsGrad(1) ? try Tensor.zeros(ctx.inputShape(1), dtype: g.dtype) : nil)
            }
    }

    /// The Heaviside step (`torch.heaviside`): `values` where self is 0, 1 where it is positive,
    /// 0 where negative; any dtype. PyTorch defines no derivative: backward through it throws.
    /// - Throws: `.dtype` when the two dtypes differ, as PyTorch refuses.
    public func heaviside(_ values: Tensor) throws -> Tensor {
        guard dtype == values.dtype else {
            throw SwiftGradError.dtype("heaviside is not yet implemented for tensors with different dtypes.")
        }
        let shape = try Shape.broadcast(self.shape, values.shape)
        let out: Tensor
        switch dtype {
        case .float32: out = try Kernels.zip(self, values, shape: shape, Heaviside<Float>())
        case .float64: out = try Kernels.zip(self, values, shape: shape, Heaviside<Double>())
        case .int64: out = try Kernels.zip(self, values, shape: shape, Heaviside<Int64>())
        case .bool: out = try Kernels.zip(self, values, shape: shape, BoolHeaviside())
        default: throw SwiftGradError.dtype("\"heaviside\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recordedWithoutDerivative("heaviside", inputs: [self, values])
    }

    /// log(e^self + e^other) without overflow (`torch.logaddexp`, LogaddexpBackward0); floating
    /// only. Gradients: 1 / (1 + e^(other - self)) and 1 / (1 + e^(self - other)).
    public func logaddexp(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.floatingOnlyResultType(self, other, kernel: "logaddexp_cpu")
        return try Tensor.floatBinary(LogaddexpKernel.self, self, other, in: dtype)
            .recorded("LogaddexpBackward0", input: self, other, saving: self, other) { g, ctx in
                let a = try ctx.saved(0), b = try ctx.saved(1)
                return Gradients(ctx.needsGrad(0) ? try g.div(b.sub(a).exp().add(1)) : nil,
                                 ctx.needsGrad(1) ? try g.div(a.sub(b).exp().add(1)) : nil)
            }
    }

    /// log2(2^self + 2^other) (`torch.logaddexp2`, Logaddexp2Backward0); floating only.
    /// Gradients: 1 / (1 + 2^(other - self)) and 1 / (1 + 2^(self - other)).
    public func logaddexp2(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.floatingOnlyResultType(self, other, kernel: "logaddexp2_cpu")
        return try Tensor.floatBinary(Logaddexp2Kernel.self, self, other, in: dtype)
            .recorded("Logaddexp2Backward0", input: self, other, saving: self, other) { g, ctx in
                let a = try ctx.saved(0), b = try ctx.saved(1)
                return Gradients(ctx.needsGrad(0) ? try g.div(b.sub(a).rpow(2).add(1)) : nil,
                                 ctx.needsGrad(1) ? try g.div(a.sub(b).rpow(2).add(1)) : nil)
            }
    }

    /// self * log(other), 0 where self is 0 (unless other is NaN) (`torch.xlogy`). Either
    /// operand may be a wrapped number: XlogyBackward0 for two tensors, XlogyBackward1 for a
    /// number self, XlogyBackward2 for a number other. Integer operands compute in float32.
    /// The gradient of self is log(other), taken as 0 where self is 0 and other <= 0 (PyTorch's
    /// convention); of other, self / other.
    public func xlogy(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.floatBinary(XlogyKernel.self, self, other, in: Tensor.floatingResultType(self, other))
        if isWrappedNumber && !other.isWrappedNumber {
            return try out.recorded("XlogyBackward1", input: other, saving: other, savingScalar: wrappedValue) { g, ctx in
                Gradients(try g.mul(ctx.scalar).div(ctx.saved(0)))
            }
        }
        if other.isWrappedNumber && !isWrappedNumber {
            return try out.recorded("XlogyBackward2", input: self, saving: self, savingScalar: other.wrappedValue) { g, ctx in
                let s = try ctx.scalar, slope = try g.xlogy(Tensor.scalar(s))
                guard !(s > 0) else { return Gradients(slope) }
                return Gradients(try Tensor.where(ctx.saved(0).eq(0), Tensor.zeros([], dtype: slope.dtype), slope))
            }
        }
        return try out.recorded("XlogyBackward0", input: self, other, saving: self, other) { g, ctx in
            let a = try ctx.saved(0), b = try ctx.saved(1)
            var selfGrad: Tensor?
            if ctx.needsGrad(0) {
                let slope = try g.xlogy(b)
                let undefined = try a.eq(0).logicalAnd(b.le(0))
                selfGrad = try Tensor.where(undefined, Tensor.zeros([], dtype: slope.dtype), slope)
            }
            return Gradients(selfGrad, ctx.needsGrad(1) ? try g.mul(a).div(b) : nil)
        }
    }

    /// self ** exponent in float64 whatever the operands' dtypes (`torch.float_power`), recorded
    /// as PyTorch records it: the conversion to float64, then pow (PowBackward1; PowBackward0
    /// for a wrapped-number exponent, PowBackward2 for a wrapped-number base).
    public func floatPower(_ exponent: Tensor) throws -> Tensor {
        if exponent.isWrappedNumber && !isWrappedNumber {
            return try to(.float64).pow(exponent.wrappedValue)
        }
        if isWrappedNumber && !exponent.isWrappedNumber {
            return try exponent.to(.float64).rpow(wrappedValue)
        }
        return try to(.float64).pow(exponent.to(.float64))
    }

    /// self * 2^other (`torch.ldexp`, LdexpBackward0). A floating self with an integer exponent
    /// is scaled exactly, in double, and keeps its dtype (PyTorch's ldexp kernel, so 1e-30 * 2^200
    /// is finite in float32); otherwise the result is self * 2.0^other, with that product's dtype
    /// (integer operands give float32). Gradients: 2^other and result * ln 2.
    /// - Throws: `.dtype` for a floating self with a bool exponent, as PyTorch refuses.
    public func ldexp(_ other: Tensor) throws -> Tensor {
        let out: Tensor
        if dtype.isFloatingPoint && !other.dtype.isFloatingPoint {
            guard other.dtype.isIntegral else { throw Tensor.kernelNotImplemented("ldexp_cpu_exp", other.dtype) }
            let shape = try Shape.broadcast(self.shape, other.shape)
            let exponent = try other.to(.int64, recording: false)
            switch dtype {
            case .float32: out = try Kernels.zip(self, exponent, shape: shape, ScaleByPowerOfTwo<Float>())
            case .float64: out = try Kernels.zip(self, exponent, shape: shape, ScaleByPowerOfTwo<Double>())
            default:  // float16, bfloat16: in float32, rounded back
                out = try Kernels.zip(self.to(.float32, recording: false), exponent, shape: shape, ScaleByPowerOfTwo<Float>())
                    .to(dtype, recording: false)
            }
        } else {
            out = try noGrad { try self.mul(Tensor.arithmetic(PowKernel.self, Tensor.scalar(2.0), other)) }
        }
        return try out.recorded("LdexpBackward0", input: self, other, saving: other, savingOutput: true) { g, ctx in
            Gradients(ctx.needsGrad(0) ? try g.mul(ctx.saved(0).rpow(2)) : nil,
                      ctx.needsGrad(1) ? try g.mul(ctx.saved(1)).mul(0.6931471805599453) : nil)
        }
    }

    /// self + weight * (end - self) (`torch.lerp`), computed from the nearer end as PyTorch's
    /// CPU kernel does. LerpBackward1 for a tensor weight, LerpBackward0 for a wrapped number.
    /// The result has self's dtype. Gradients: 1 - weight, weight, and end - self for a tensor
    /// weight.
    /// - Throws: `.dtype` when end's dtype differs from self's, or a weight with dimensions has
    ///   another dtype (PyTorch's messages), or self is not floating.
    public func lerp(_ end: Tensor, weight: Tensor) throws -> Tensor {
        guard end.dtype == dtype else {
            throw SwiftGradError.dtype("expected dtype \(dtype.cTypeName) for `end` but got dtype \(end.dtype.cTypeName)")
        }
        guard weight.ndim == 0 || weight.dtype == dtype else {
            throw SwiftGradError.dtype("expected dtype \(dtype.cTypeName) for `weight` but got dtype \(weight.dtype.cTypeName)")
        }
        guard dtype.isFloatingPoint else {
            throw Tensor.kernelNotImplemented(weight.isWrappedNumber ? "lerp_kernel_scalar" : "lerp_kernel_tensor", dtype)
        }
        let shape = try Shape.broadcast(Shape.broadcast(self.shape, end.shape), weight.shape)
        let out: Tensor
        switch dtype {
        case .float32 where weight.isSingleValue && shape == self.shape && end.shape == shape && isContiguous && end.isContiguous:
            // One weight: SwiftGradVector's loop (fused multiply-adds in vector lanes).
            let w = try weight.to(.float32, recording: false)
            let value = w.pointer(Float.self)[w.storageOffset]
            out = try Kernels.zipFloat(self, end) { a, b, o, n in CPUCapability.loops.lerp(a, b, value, o, n) }
        case .float32 where weight.dtype == .float32 && [self, end, weight].allSatisfy({ $0.shape == shape && $0.isContiguous }):
            // A weight per element, dense as the ends: SwiftGradVector's loop, as above.
            out = try Kernels.zip3Float(self, end, weight, CPUCapability.loops.lerpWeights)
        case .float32: out = try Kernels.zip3(self, end, weight.to(dtype, recording: false), shape: shape, Lerp<Float>())
        case .float64: out = try Kernels.zip3(self, end, weight.to(dtype, recording: false), shape: shape, Lerp<Double>())
        default:  // float16, bfloat16: in float32, rounded back
            out = try Kernels.zip3(to(.float32, recording: false), end.to(.float32, recording: false),
                                   weight.to(.float32, recording: false), shape: shape, Lerp<Float>()).to(dtype, recording: false)
        }
        if weight.isWrappedNumber {
            return try out.recorded("LerpBackward0", input: self, end, savingScalar: weight.wrappedValue) { g, ctx in
                let s = try ctx.scalar
                return Gradients(ctx.needsGrad(0) ? try g.mul(1 - s) : nil, ctx.needsGrad(1) ? try g.mul(s) : nil)
            }
        }
        return try out.recorded("LerpBackward1", inputs: [self, end, weight], saving: [self, end, weight]) { g, ctx in
            let w = try ctx.saved(2)
            return Gradients([ctx.needsGrad(0) ? try g.mul(w.rsub(1)) : nil,
                              ctx.needsGrad(1) ? try g.mul(w) : nil,
                              ctx.needsGrad(2) ? try g.mul(ctx.saved(1).sub(ctx.saved(0))) : nil])
        }
    }

    /// self + value * tensor1 * tensor2 (`torch.addcmul`, AddcmulBackward0), the three broadcast
    /// and promoted; with an integer result, value is truncated to an integer as PyTorch does.
    /// Gradients: 1, value * tensor2, value * tensor1.
    /// - Throws: `.dtype` for a bool result; `.invalidArgument` when value does not fit int64
    ///   for an integer result.
    public func addcmul(_ tensor1: Tensor, _ tensor2: Tensor, value: Double = 1) throws -> Tensor {
        let dtype = TypePromotion.resultType([self, tensor1, tensor2])
        let shape = try Shape.broadcast(Shape.broadcast(self.shape, tensor1.shape), tensor2.shape)
        let x = try to(dtype, recording: false)
        let p = try tensor1.to(dtype, recording: false), q = try tensor2.to(dtype, recording: false)
        let out: Tensor
        switch dtype {
        case .float32: out = try Kernels.zip3(x, p, q, shape: shape, Addcmul<Float>(value: Float(value)))
        case .float64: out = try Kernels.zip3(x, p, q, shape: shape, Addcmul<Double>(value: value))
        case .int64: out = try Kernels.zip3(x, p, q, shape: shape, Addcmul<Int64>(value: try Tensor.integerValue(value)))
        case .bool: throw Tensor.kernelNotImplemented("addcmul_cpu_out", .bool)
        default: throw SwiftGradError.dtype("\"addcmul\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("AddcmulBackward0", inputs: [self, tensor1, tensor2], saving: [tensor1, tensor2],
                                savingScalar: value) { g, ctx in
            let value = try ctx.scalar
            return Gradients([ctx.needsGrad(0) ? g : nil,
                              ctx.needsGrad(1) ? try g.mul(ctx.saved(1).mul(value)) : nil,
                              ctx.needsGrad(2) ? try g.mul(ctx.saved(0).mul(value)) : nil])
        }
    }

    /// A Scalar converted to int64 as PyTorch's `Scalar::to<int64_t>` does: truncated.
    private static func integerValue(_ value: Double) throws -> Int64 {
        guard let v = Int64(exactly: value.rounded(.towardZero)) else {
            throw SwiftGradError.invalidArgument("value cannot be converted to type int64_t without overflow")
        }
        return v
    }

    /// self + value * tensor1 / tensor2 (`torch.addcdiv`, AddcdivBackward0), the three broadcast
    /// and promoted. Gradients: 1, value / tensor2, -value * tensor1 / tensor2^2.
    /// - Throws: `.invalidArgument` when tensor1 and tensor2 are both integer or bool, with
    ///   PyTorch's message.
    public func addcdiv(_ tensor1: Tensor, _ tensor2: Tensor, value: Double = 1) throws -> Tensor {
        if !tensor1.dtype.isFloatingPoint && !tensor2.dtype.isFloatingPoint {
            throw SwiftGradError.invalidArgument("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        }
        let dtype = TypePromotion.resultType([self, tensor1, tensor2])
        let shape = try Shape.broadcast(Shape.broadcast(self.shape, tensor1.shape), tensor2.shape)
        let x = try to(dtype, recording: false)
        let p = try tensor1.to(dtype, recording: false), q = try tensor2.to(dtype, recording: false)
        let out: Tensor
        switch dtype {
        case .float32: out = try Kernels.zip3(x, p, q, shape: shape, Addcdiv<Float>(value: Float(value)))
        case .float64: out = try Kernels.zip3(x, p, q, shape: shape, Addcdiv<Double>(value: value))
        case .int64, .bool: throw SwiftGradError.internal("addcdiv reached an integer result")
        default: throw SwiftGradError.dtype("\"addcdiv\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try out.recorded("AddcdivBackward0", inputs: [self, tensor1, tensor2], saving: [tensor1, tensor2],
                                savingScalar: value) { g, ctx in
            let p = try ctx.saved(0), q = try ctx.saved(1), value = try ctx.scalar
            return Gradients([ctx.needsGrad(0) ? g : nil,
                              ctx.needsGrad(1) ? try g.mul(q.rdiv(value)) : nil,
                              ctx.needsGrad(2) ? try g.neg().mul(p.mul(value).div(q.mul(q))) : nil])
        }
    }

    /// max(self, min) elementwise, NaN propagating (`torch.clamp_min`): ClampMinBackward0 for a
    /// wrapped-number bound (the gradient passes where self > min), ClampMinBackward1 for a
    /// tensor bound (to whichever is the result, shared at ties). The dtype promotes.
    /// - Throws: `.dtype` for a bool result with a number bound, as PyTorch refuses.
    public func clampMin(_ min: Tensor) throws -> Tensor { try Tensor.clampOneSide(self, min, lower: true) }

    /// min(self, max) elementwise (`torch.clamp_max`, ClampMaxBackward0/1).
    public func clampMax(_ max: Tensor) throws -> Tensor { try Tensor.clampOneSide(self, max, lower: false) }

    private static func clampOneSide(_ x: Tensor, _ bound: Tensor, lower: Bool) throws -> Tensor {
        if bound.isWrappedNumber && TypePromotion.resultType(x, bound) == .bool {
            throw kernelNotImplemented(lower ? "clamp_min_scalar_cpu" : "clamp_max_scalar_cpu", .bool)
        }
        let out = try noGrad { lower ? try x.maximum(bound) : try x.minimum(bound) }
        let name = lower ? "ClampMin" : "ClampMax"
        if bound.isWrappedNumber {
            return try out.recorded("\(name)Backward0", inputs: [x], saving: [x, bound]) { g, ctx in
                let a = try ctx.saved(0), b = try ctx.saved(1)
                return Gradients(try Tensor.where(lower ? a.gt(b) : a.lt(b), g, Tensor.zeros([], dtype: g.dtype)))
            }
        }
        return try out.recorded("\(name)Backward1", inputs: [x, bound], saving: [x, bound]) { g, ctx in
            let a = try ctx.saved(0), b = try ctx.saved(1)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            let shared = try Tensor.where(a.eq(b), g.div(2), g)
            // The input loses where it is beyond the bound, the bound where the input is inside.
            return Gradients(ctx.needsGrad(0) ? try Tensor.where(lower ? a.lt(b) : a.gt(b), zero, shared) : nil,
                             ctx.needsGrad(1) ? try Tensor.where(lower ? a.gt(b) : a.lt(b), zero, shared) : nil)
        }
    }

    /// other - alpha * self (`torch.rsub`): RsubBackward0, RsubBackward1 for a wrapped-number
    /// other. `alpha` is a number (a one-element tensor, usually `Tensor.scalar`): a bool alpha
    /// needs a bool result, a floating alpha a floating one, as PyTorch checks.
    /// - Throws: `.dtype` for bool operands (PyTorch's `-` messages), `.invalidArgument` for an
    ///   alpha of the wrong kind or not one element.
    public func rsub(_ other: Tensor, alpha: Tensor) throws -> Tensor {
        guard alpha.count == 1 else {
            throw SwiftGradError.invalidArgument("rsub: alpha must be a number, got a tensor of \(alpha.count) elements")
        }
        if dtype == .bool && other.dtype == .bool {
            throw SwiftGradError.dtype("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        }
        if dtype == .bool || other.dtype == .bool {
            throw SwiftGradError.dtype("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        let common = TypePromotion.resultType(self, other)
        if alpha.dtype == .bool {
            throw SwiftGradError.invalidArgument("Boolean alpha only supported for Boolean results.")
        }
        if alpha.dtype.isFloatingPoint && !common.isFloatingPoint {
            throw SwiftGradError.invalidArgument("For integral input tensors, argument alpha must not be a floating point number.")
        }
        let a = alpha.doubleValue(atOffset: alpha.storageOffset)
        let scale = alpha.dtype.isFloatingPoint ? try Tensor.scalar(a) : try Tensor.scalar(alpha.int64Value(atOffset: alpha.storageOffset))
        let out = try noGrad {
            try other.to(common, recording: false).sub(self.to(common, recording: false).mul(scale))
        }
        if other.isWrappedNumber {
            return try out.recorded("RsubBackward1", input: self, savingScalar: a) { g, ctx in Gradients(try g.mul(-ctx.scalar)) }
        }
        return try out.recorded("RsubBackward0", input: self, other, savingScalar: a) { g, ctx in
            Gradients(ctx.needsGrad(0) ? try g.mul(-ctx.scalar) : nil, ctx.needsGrad(1) ? g : nil)
        }
    }

    /// other / self, computed as PyTorch's `Tensor.__rdiv__`: `reciprocal(self) * other`
    /// (ReciprocalBackward0 and MulBackward0); other may be a wrapped number.
    public func rdiv(_ other: Tensor) throws -> Tensor { try reciprocal().mul(other) }
}

extension Tensor {
    /// Mantissa and exponent (`torch.frexp`, FrexpBackward0): self = mantissa * 2^exponent with
    /// |mantissa| in [0.5, 1) and an int32 exponent; zeros, infinities and NaN are their own
    /// mantissa with exponent 0, as C's frexp. The mantissa's gradient is grad / 2^exponent;
    /// the exponent has none.
    /// - Throws: `.invalidArgument` for a tensor that is not floating (PyTorch's message).
    public func frexp() throws -> ValuesAndIndices {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.invalidArgument("torch.frexp() only supports floating-point dtypes")
        }
        let source = try noGrad { try contiguous() }
        let exponent = try Tensor.empty(shape, .int32)
        let e = exponent.pointer(Int32.self)
        func split<T: BinaryFloatingPoint & TensorElement>(_ input: Tensor, _: T.Type) throws -> Tensor {
            let mantissa = try Tensor.empty(shape, input.dtype)
            let x = input.pointer(T.self), m = mantissa.pointer(T.self)
            for i in 0..<count {
                let v = x[i]
                if v.isFinite && v != 0 {
                    // significand in [1, 2): the mantissa is half of it, the exponent one more.
                    let half = v.significand / 2
                    m[i] = v.sign == .minus ? -half : half
                    e[i] = Int32(truncatingIfNeeded: Int(v.exponent) + 1)
                } else {
                    m[i] = v
                    e[i] = 0
                }
            }
            return mantissa
        }
        let mantissa: Tensor
        switch dtype {
        case .float32: mantissa = try split(source, Float.self)
        case .float64: mantissa = try split(source, Double.self)
        default:  // float16, bfloat16: exactly, through float32
            mantissa = try split(source.to(.float32, recording: false), Float.self).to(dtype, recording: false)
        }
        let recorded = try mantissa.recorded("FrexpBackward0", input: self, saving: exponent) { g, ctx in
            [try g.div(ctx.saved(0).exp2()).to(g.dtype)]
        }
        return ValuesAndIndices(values: recorded, indices: exponent)
    }
}
