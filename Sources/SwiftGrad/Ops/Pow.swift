extension Tensor {
    /// `self ** exponent`, broadcasting (`torch.pow`, PowBackward1).
    /// - Throws: `.invalidArgument` for an integer base with a negative integer exponent.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        if !TypePromotion.resultType(self, exponent).isFloatingPoint {
            try Tensor.checkIntegerExponents(exponent)
        }
        return try Tensor.arithmetic(PowKernel.self, self, exponent)
            .recorded("PowBackward1", input: self, exponent, saving: self, exponent,
                      savingOutput: exponent.requiresGrad) { g, ctx in
                let base = try ctx.saved(0), power = try ctx.saved(1)
                var grads: [Tensor?] = [nil, nil]
                if ctx.needsGrad(0) {
                    // d(a^b)/da = b * a^(b-1), taken as 0 where b == 0 (PyTorch's convention).
                    let slope = try power.mul(base.pow(power.sub(1)))
                    grads[0] = try g.mul(Tensor.where(power.eq(0), Tensor.zeros([], dtype: slope.dtype), slope))
                }
                if ctx.needsGrad(1) {
                    // d(a^b)/db = a^b * ln a, taken as 0 where a == 0 and b >= 0.
                    let slope = try ctx.saved(2).mul(base.log())
                    let zeroBase = try base.eq(0).mul(power.ge(0))
                    grads[1] = try g.mul(Tensor.where(zeroBase, Tensor.zeros([], dtype: slope.dtype), slope))
                }
                return Gradients(grads)
            }
    }

    /// `self ** exponent` with a Python-float exponent (PowBackward0).
    public func pow(_ exponent: Double) throws -> Tensor {
        try powValues(exponent)
            .recorded("PowBackward0", input: self, saving: self) { g, ctx in
                // d(x^e)/dx = e * x^(e-1); exactly 0 when e == 0, as PyTorch.
                if exponent == 0 { return [try g.zerosLike()] }
                return [try g.mul(ctx.saved(0).pow(exponent - 1).mul(exponent))]
            }
    }

    /// `pow(exponent)`'s values. A float32 or float64 tensor takes PyTorch's CPU kernel's
    /// shortcuts, with their roundings, signed zeros and infinities: a copy for 1, `x * x`,
    /// `x * x * x` and `1 / (x * x)` for 2, 3 and -2, sqrt, rsqrt and reciprocal for 0.5, -0.5
    /// and -1 (so `(-0.0) ** 0.5` is -0.0 and `(-inf) ** 0.5` NaN, as there). The rest, and other
    /// dtypes, through `pow` (a libm call per element: `x ** 2` of [256, 512] took 1.3 ms, PyTorch's
    /// 18 us).
    private func powValues(_ exponent: Double) throws -> Tensor {
        if dtype == .float32 || dtype == .float64 {
            switch exponent {
            case 1: return try noGrad { try clone() }
            case 2: return try Tensor.arithmetic(MulKernel.self, self, self)
            case 3: return try Tensor.arithmetic(MulKernel.self, Tensor.arithmetic(MulKernel.self, self, self), self)
            case -2: return try Tensor.floatUnary(ReciprocalKernel.self, Tensor.arithmetic(MulKernel.self, self, self))
            case 0.5: return try Tensor.floatUnary(SqrtKernel.self, self)
            case -0.5: return try Tensor.floatUnary(RsqrtKernel.self, self)
            case -1: return try Tensor.floatUnary(ReciprocalKernel.self, self)
            default: break
            }
        }
        return try Tensor.arithmetic(PowKernel.self, self, Tensor.scalar(exponent))
    }

    /// `base ** self` with a Python-float base (`torch.pow(base, self)`, PowBackward2).
    public func rpow(_ base: Double) throws -> Tensor {
        try Tensor.arithmetic(PowKernel.self, Tensor.scalar(base), self)
            .recorded("PowBackward2", input: self, saving: self, savingOutput: true) { g, ctx in
                // d(s^x)/dx = s^x * ln s, taken as 0 where s == 0 and x >= 0.
                let slope = try ctx.saved(1).mul(Double.log(base))
                guard base == 0 else { return [try g.mul(slope)] }
                let zero = try Tensor.zeros([], dtype: slope.dtype)
                return [try g.mul(Tensor.where(ctx.saved(0).ge(0), zero, slope))]
            }
    }

    private static func checkIntegerExponents(_ exponent: Tensor) throws {
        guard exponent.dtype.isIntegral else { return }
        let negative = try exponent.lt(0).sum()
        if negative.int64Value(atOffset: negative.storageOffset) > 0 {
            throw SwiftGradError.invalidArgument("Integers to negative integer powers are not allowed.")
        }
    }
}
