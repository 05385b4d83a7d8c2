/// Special functions (torch.special and the gamma-family functions of torch.*), each forward
/// beside its backward rule, with PyTorch's node names. The scalar math is in
/// Kernels/SpecialFunctions.swift. Functions of integer or bool input compute in float32, as
/// PyTorch's do. Where PyTorch defines no derivative (Airy Ai, the orthogonal polynomials, the
/// scaled K0 and K1, spherical j0) the result leaves the graph; where it refuses one (igamma and
/// igammac in their first argument, zeta in its first) backward raises its message.

/// A special function of one floating element.
protocol SpecialUnaryKernel {
    static func apply<T: SpecialFloat>(_ x: T) -> T
}

/// A special function of two floating elements.
protocol SpecialBinaryKernel {
    static func apply<T: SpecialFloat>(_ a: T, _ b: T) -> T
}

struct SpecialMap<K: SpecialUnaryKernel, T: SpecialFloat>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T { K.apply(x) }
}

struct SpecialZip<K: SpecialBinaryKernel, T: SpecialFloat>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { K.apply(a, b) }
}

enum DigammaKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.digamma(x) } }
enum LgammaKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { T.spLgamma(x) } }
enum I0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.i0(x) } }
enum I0eKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.i0e(x) } }
enum I1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.i1(x) } }
enum I1eKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.i1e(x) } }
enum NdtriKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.ndtri(x) } }
enum LogNdtrKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.logNdtr(x) } }
enum ErfcxKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.erfcx(x) } }
enum EntrKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.entr(x) } }
enum AiryAiKernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.airyAi(x) } }
enum BesselJ0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.besselJ0(x) } }
enum BesselJ1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.besselJ1(x) } }
enum BesselY0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.besselY0(x) } }
enum BesselY1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.besselY1(x) } }
enum ModifiedBesselI0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.modifiedBesselI0(x) } }
enum ModifiedBesselI1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.modifiedBesselI1(x) } }
enum ModifiedBesselK0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.modifiedBesselK0(x) } }
enum ModifiedBesselK1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.modifiedBesselK1(x) } }
enum ScaledModifiedBesselK0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.scaledModifiedBesselK0(x) } }
enum ScaledModifiedBesselK1Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.scaledModifiedBesselK1(x) } }
enum SphericalBesselJ0Kernel: SpecialUnaryKernel { static func apply<T: SpecialFloat>(_ x: T) -> T { SpecialMath.sphericalBesselJ0(x) } }

enum IgammaKernel: SpecialBinaryKernel { static func apply<T: SpecialFloat>(_ a: T, _ x: T) -> T { SpecialMath.igamma(a, x) } }
enum IgammacKernel: SpecialBinaryKernel { static func apply<T: SpecialFloat>(_ a: T, _ x: T) -> T { SpecialMath.igammac(a, x) } }
enum ZetaKernel: SpecialBinaryKernel { static func apply<T: SpecialFloat>(_ x: T, _ q: T) -> T { SpecialMath.zeta(x, q) } }
enum Xlog1pyKernel: SpecialBinaryKernel { static func apply<T: SpecialFloat>(_ x: T, _ y: T) -> T { SpecialMath.xlog1py(x, y) } }

/// An orthogonal polynomial p_n(x), the degree given as a floating element.
protocol PolynomialKernel: SpecialBinaryKernel {
    static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T
}
extension PolynomialKernel {
    @inline(__always) static func apply<T: SpecialFloat>(_ x: T, _ n: T) -> T {
        polynomial(x, SpecialMath.truncatedInt64(n))
    }
}
enum ChebyshevTKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.chebyshevT(x, n) } }
enum ChebyshevUKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.chebyshevU(x, n) } }
enum ChebyshevVKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.chebyshevV(x, n) } }
enum ChebyshevWKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.chebyshevW(x, n) } }
enum ShiftedChebyshevTKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.shiftedChebyshevT(x, n) } }
enum ShiftedChebyshevUKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.shiftedChebyshevU(x, n) } }
enum ShiftedChebyshevVKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.shiftedChebyshevV(x, n) } }
enum ShiftedChebyshevWKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.shiftedChebyshevW(x, n) } }
enum HermiteHKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.hermiteH(x, n) } }
enum HermiteHeKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.hermiteHe(x, n) } }
enum LaguerreLKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.laguerreL(x, n) } }
enum LegendrePKernel: PolynomialKernel { static func polynomial<T: SpecialFloat>(_ x: T, _ n: Int64) -> T { SpecialMath.legendreP(x, n) } }

/// psi^(n)(x) for a fixed order n.
struct PolygammaMap<T: SpecialFloat>: UnaryFunction {
    let n: Int
    @inline(__always) func callAsFunction(_ x: T) -> T { SpecialMath.polygamma(n, x) }
}

/// log Gamma_p(x) = p(p-1)/4 log(pi) + sum over j < p of log Gamma(x - j/2), summed as PyTorch
/// does: the arguments x + (-(p-1)/2 + j/2) in ascending j, in T, then the constant.
struct MvlgammaMap<T: SpecialFloat>: UnaryFunction {
    let p: Int
    let constant: T
    @inline(__always) func callAsFunction(_ x: T) -> T {
        var sum: T = 0
        for j in 0..<p { sum += T.spLgamma(T(0.5 - Double(p) / 2 + 0.5 * Double(j)) + x) }
        return sum + constant
    }
}

extension Tensor {
    /// The forward of a special function of one tensor. float16 and bfloat16 compute in float32
    /// and round back, unless `refusingHalf` names the kernel PyTorch has only for float and
    /// double; integers and bools compute in the default floating dtype.
    fileprivate static func specialUnary<K: SpecialUnaryKernel>(_: K.Type, _ a: Tensor, refusingHalf name: String? = nil) throws -> Tensor {
        switch a.dtype {
        case .float32: return try Kernels.map(a, SpecialMap<K, Float>())
        case .float64: return try Kernels.map(a, SpecialMap<K, Double>())
        case .float16, .bfloat16:
            try refuseHalf(a.dtype, name)
            return try specialUnary(K.self, a.to(.float32, recording: false)).to(a.dtype, recording: false)
        default: return try specialUnary(K.self, a.to(DType.defaultFloating, recording: false))
        }
    }

    /// PyTorch's refusal of a half-precision dtype by a kernel it compiles for float and double only.
    fileprivate static func refuseHalf(_ dtype: DType, _ name: String?) throws {
        guard let name, dtype == .float16 || dtype == .bfloat16 else { return }
        throw SwiftGradError.dtype("\"\(name)_cpu\" not implemented for '\(dtype.scalarTypeName)'")
    }

    /// The dtype a special function of two operands computes in: their promoted dtype, float32
    /// the default floating dtype for integers and bools unless `refusingIntegers` names the
    /// kernel that refuses them.
    fileprivate static func specialResultType(_ a: Tensor, _ b: Tensor, refusingIntegers name: String? = nil) throws -> DType {
        let result = TypePromotion.resultType(a, b)
        if result.isFloatingPoint { return result }
        if let name { throw SwiftGradError.dtype("\"\(name)_cpu\" not implemented for '\(result.scalarTypeName)'") }
        return DType.defaultFloating
    }

    /// The forward of a special function of two broadcast operands, in `dtype` (float16 and
    /// bfloat16 in float32, rounded back, unless `refusingHalf` names the kernel).
    fileprivate static func specialBinary<K: SpecialBinaryKernel>(_: K.Type, _ a: Tensor, _ b: Tensor, dtype: DType,
                                                                  refusingHalf name: String? = nil) throws -> Tensor {
        try refuseHalf(dtype, name)
        let shape = try Shape.broadcast(a.shape, b.shape)
        let compute = dtype.compute
        let x = try a.to(compute, recording: false), y = try b.to(compute, recording: false)
        switch compute {
        case .float32: return try Kernels.zip(x, y, shape: shape, SpecialZip<K, Float>()).to(dtype, recording: false)
        case .float64: return try Kernels.zip(x, y, shape: shape, SpecialZip<K, Double>())
        default: throw SwiftGradError.internal("a special function reached its kernel with \(dtype)")
        }
    }

    /// The floating dtype a function of one tensor computes in (float32 for half precision;
    /// for integers and bools that of the default floating dtype) and the dtype of its result.
    fileprivate var specialDTypes: (compute: DType, result: DType) {
        switch dtype {
        case .float64: return (.float64, .float64)
        case .float16, .bfloat16: return (.float32, dtype)
        case .float32: return (.float32, .float32)
        default: return (DType.defaultFloating.compute, DType.defaultFloating)
        }
    }

    /// PyTorch's node name for a function of two operands, by which one is a Python number:
    /// `...Backward0` for two tensors, `...Backward1` for a number first, `...Backward2` second.
    fileprivate static func nodeName(_ stem: String, _ a: Tensor, _ b: Tensor) -> String {
        a.isWrappedNumber ? stem + "Backward1" : b.isWrappedNumber ? stem + "Backward2" : stem + "Backward0"
    }

    /// Whether any element of this floating tensor satisfies `bad` (for the arguments a kernel
    /// would take unboundedly long on), without recording.
    fileprivate func anyElement(_ bad: (Tensor) throws -> Tensor) throws -> Bool {
        guard count > 0 else { return false }
        return try noGrad { try bad(self).to(.int64).sum().item() > 0 }
    }

    // MARK: The gamma family

    /// The digamma function psi(x) = d/dx ln Gamma(x) (`torch.digamma`, DigammaBackward0): -inf
    /// at +0, +inf at -0, NaN at the negative integers. Its gradient is polygamma(1, x).
    public func digamma() throws -> Tensor {
        try Tensor.specialUnary(DigammaKernel.self, self)
            .recorded("DigammaBackward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).polygamma(1)))
            }
    }

    /// ln |Gamma(x)| (`torch.lgamma`, LgammaBackward0); its gradient is digamma(x).
    public func lgamma() throws -> Tensor {
        try Tensor.specialUnary(LgammaKernel.self, self)
            .recorded("LgammaBackward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).digamma()))
            }
    }

    /// The n-th derivative of digamma (`torch.polygamma(n, x)`, PolygammaBackward0); its
    /// gradient is polygamma(n + 1, x).
    ///
    /// ```swift
    /// try Tensor(1.0).polygamma(1)   // pi^2 / 6
    /// ```
    /// - Throws: `.invalidArgument` for negative n, or for float64 x below -2^24 that is not
    ///   whole (PyTorch's series would need -x terms).
    public func polygamma(_ n: Int) throws -> Tensor {
        guard n >= 0 else { throw SwiftGradError.invalidArgument("polygamma(n, x) does not support negative n.") }
        let (compute, result) = specialDTypes
        let x = try to(compute, recording: false)
        if n >= 2 { try Tensor.checkZetaArgument(x, name: "polygamma") }
        let out = compute == .float32 ? try Kernels.map(x, PolygammaMap<Float>(n: n)).to(result, recording: false)
                                      : try Kernels.map(x, PolygammaMap<Double>(n: n))
        return try out.recorded("PolygammaBackward0", input: self, saving: self) { g, ctx in
            // n + 1 wraps at Int.max as PyTorch's int64 does (and is then refused as negative).
            Gradients(try g.mul(ctx.saved(0).polygamma(n &+ 1)))
        }
    }

    /// The multivariate log-gamma function of dimension p (`torch.mvlgamma`,
    /// MvlgammaBackward0): p(p-1)/4 ln pi + sum over j < p of ln Gamma(x - j/2).
    /// - Throws: `.invalidArgument` for p < 1; `.outOfMemory` when PyTorch's intermediate of
    ///   p values per element would exceed 2^31 values.
    public func mvlgamma(p: Int) throws -> Tensor {
        guard p >= 1 else { throw SwiftGradError.invalidArgument("p has to be greater than or equal to 1") }
        let (work, overflow) = Swift.max(count, 1).multipliedReportingOverflow(by: p)
        guard !overflow, work <= 1 << 31 else {
            throw SwiftGradError.outOfMemory("mvlgamma: p = \(p) needs \(p) values for each of \(count) elements; swiftgrad refuses more than 2^31")
        }
        let (compute, result) = specialDTypes
        let x = try to(compute, recording: false)
        let constant = Double(p) * Double(p - 1) * Double.log(Double.pi) / 4
        let out = compute == .float32 ? try Kernels.map(x, MvlgammaMap<Float>(p: p, constant: Float(constant))).to(result, recording: false)
                                      : try Kernels.map(x, MvlgammaMap<Double>(p: p, constant: constant))
        return try out.recorded("MvlgammaBackward0", input: self, saving: self) { g, ctx in
            // sum over j of digamma(x - j/2), through the same arguments as the forward.
            let x = try ctx.saved(0)
            let offsets = try Tensor.arange(0.5 - Double(p) / 2, 0.5, step: 0.5, dtype: x.dtype)
            return [try g.mul(offsets.add(x.unsqueeze(dim: -1)).digamma().sum(dims: [-1]))]
        }
    }

    /// The regularized lower incomplete gamma function P(self, other) (`torch.igamma`,
    /// `torch.special.gammainc`, IgammaBackward0). Differentiable in `other` only, as in
    /// PyTorch.
    /// - Throws: `.dtype` for integer or bool operands, as PyTorch refuses them.
    public func igamma(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.specialResultType(self, other, refusingIntegers: "igamma")
        return try Tensor.specialBinary(IgammaKernel.self, self, other, dtype: dtype)
            .recorded("IgammaBackward0", input: self, other, saving: self, other) { g, ctx in
                if ctx.needsGrad(0) {
                    throw SwiftGradError.autograd("the derivative for 'igamma: input' is not implemented.")
                }
                return Gradients(nil, try g.mul(Tensor.igammaDensity(ctx.saved(0), ctx.saved(1))))
            }
    }

    /// The regularized upper incomplete gamma function Q(self, other) = 1 - P (`torch.igammac`,
    /// `torch.special.gammaincc`, IgammacBackward0). Differentiable in `other` only.
    public func igammac(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.specialResultType(self, other, refusingIntegers: "igammac")
        return try Tensor.specialBinary(IgammacKernel.self, self, other, dtype: dtype)
            .recorded("IgammacBackward0", input: self, other, saving: self, other) { g, ctx in
                if ctx.needsGrad(0) {
                    throw SwiftGradError.autograd("the derivative for 'igammac: input' is not implemented.")
                }
                return Gradients(nil, try g.neg().mul(Tensor.igammaDensity(ctx.saved(0), ctx.saved(1))))
            }
    }

    /// dP(a, x)/dx = x^(a-1) e^-x / Gamma(a), as PyTorch writes it.
    private static func igammaDensity(_ a: Tensor, _ x: Tensor) throws -> Tensor {
        try a.sub(1).mul(x.log()).sub(x).sub(a.lgamma()).exp()
    }

    /// The Hurwitz zeta function zeta(self, other) = sum over k >= 0 of (other + k)^-self
    /// (`torch.special.zeta`, SpecialZetaBackward0). Differentiable in `other` only, as in
    /// PyTorch.
    /// - Throws: `.invalidArgument` for float64 q below -2^24 that is not whole.
    public func zeta(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.specialResultType(self, other)
        if dtype == .float64 { try Tensor.checkZetaArgument(other.to(dtype, recording: false), name: "zeta") }
        let out = try Tensor.specialBinary(ZetaKernel.self, self, other, dtype: dtype, refusingHalf: "zeta")
        return try out.recorded(Tensor.nodeName("SpecialZeta", self, other), inputs: [self, other],
                                saving: [self, other]) { g, ctx in
            if ctx.needsGrad(0) { throw SwiftGradError.autograd("the derivative for 'zeta' is not implemented.") }
            let x = try ctx.saved(0)
            return Gradients(nil, try g.mul(x.neg()).mul(x.add(1).zeta(ctx.saved(1))))
        }
    }

    /// zeta(x, q) sums -q terms for a negative q that is not whole; only float64 holds such a
    /// q below -2^24 (float32 values there are whole).
    fileprivate static func checkZetaArgument(_ q: Tensor, name: String) throws {
        guard q.dtype == .float64 else { return }
        let smallest = SpecialMath.zetaSmallestQ
        if try q.anyElement({ try $0.lt(smallest).logicalAnd($0.ne($0.floor())) }) {
            throw SwiftGradError.invalidArgument("\(name): arguments below \(Int(smallest)) that are not whole would need more terms of the series than swiftgrad sums")
        }
    }

    // MARK: Modified Bessel functions of the first kind

    /// The modified Bessel function of the first kind of order 0 (`torch.i0`, I0Backward0);
    /// its gradient is i1(x).
    public func i0() throws -> Tensor {
        try Tensor.specialUnary(I0Kernel.self, self)
            .recorded("I0Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).i1()))
            }
    }

    /// e^-|x| I0(x) (`torch.special.i0e`, SpecialI0EBackward0); its gradient is
    /// i1e(x) - sgn(x) i0e(x).
    public func i0e() throws -> Tensor {
        try Tensor.specialUnary(I0eKernel.self, self)
            .recorded("SpecialI0EBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.i1e().sub(x.sign().mul(ctx.saved(1))))]
            }
    }

    /// The modified Bessel function of the first kind of order 1 (`torch.special.i1`,
    /// SpecialI1Backward0); its gradient I0(x) - I1(x)/x is 1/2 where |x| <= epsilon.
    public func i1() throws -> Tensor {
        try Tensor.specialUnary(I1Kernel.self, self)
            .recorded("SpecialI1Backward0", input: self, saving: self, savingOutput: true) { g, ctx in
                [try Tensor.dividedByXBackward(g, ctx.saved(0)) { safe in
                    try safe.i0().sub(ctx.saved(1).mul(safe.reciprocal()))
                }]
            }
    }

    /// e^-|x| I1(x) (`torch.special.i1e`, SpecialI1EBackward0); its gradient
    /// i0e(x) - i1e(x) (sgn(x) + 1/x) is 1/2 where |x| <= epsilon.
    public func i1e() throws -> Tensor {
        try Tensor.specialUnary(I1eKernel.self, self)
            .recorded("SpecialI1EBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                [try Tensor.dividedByXBackward(g, ctx.saved(0)) { safe in
                    try safe.i0e().sub(ctx.saved(1).mul(safe.sign().add(safe.reciprocal())))
                }]
            }
    }

    /// PyTorch's i1_backward and its kin: the slope of a function with a removable 0/0 at the
    /// origin, evaluated at x moved off |x| <= epsilon, and the limit 1/2 there.
    private static func dividedByXBackward(_ g: Tensor, _ x: Tensor, _ slope: (Tensor) throws -> Tensor) throws -> Tensor {
        let eps: Double
        switch x.dtype {
        case .float64: eps = Double.ulpOfOne
        case .float16: eps = 0x1p-10  // std::numeric_limits<T>::epsilon() of each type
        case .bfloat16: eps = 0x1p-7
        default: eps = Double(Float.ulpOfOne)
        }
        let tiny = try x.abs().le(eps)  // false for NaN, whose gradient is NaN
        let safe = try Tensor.where(tiny, Tensor.full([], eps, dtype: x.dtype), x)
        return try g.mul(Tensor.where(tiny, Tensor.full([], 0.5, dtype: x.dtype), slope(safe)))
    }

    // MARK: The normal distribution, erfcx, entropy

    /// The standard normal distribution function (`torch.special.ndtr`), composed as PyTorch
    /// composes it: (1 + erf(x / sqrt 2)) / 2, whose last node is MulBackward1.
    public func ndtr() throws -> Tensor {
        try scaledByNumber(0.70710678118654752440).erf().shiftedByNumber(1).scaledByNumber(0.5)
    }

    /// `self * s` recorded as PyTorch's mul.Scalar (MulBackward1), for composite functions.
    private func scaledByNumber(_ s: Double) throws -> Tensor {
        try Tensor.arithmetic(MulKernel.self, self, scalar: s)
            .recorded("MulBackward1", input: self, savingScalar: s) { g, ctx in Gradients(try g.mul(ctx.scalar)) }
    }

    /// `self + s` recorded as PyTorch's add.Scalar (AddBackward1), for composite functions.
    private func shiftedByNumber(_ s: Double) throws -> Tensor {
        try Tensor.arithmetic(AddKernel.self, self, scalar: s).recorded("AddBackward1", input: self) { g, _ in [g] }
    }

    /// The inverse of the standard normal distribution function (`torch.special.ndtri`,
    /// SpecialNdtriBackward0): -inf at 0, inf at 1, NaN outside. Its gradient is
    /// sqrt(2 pi) e^(y^2 / 2).
    public func ndtri() throws -> Tensor {
        try Tensor.specialUnary(NdtriKernel.self, self, refusingHalf: "ndtri")
            .recorded("SpecialNdtriBackward0", input: self, savingOutput: true) { g, ctx in
                let y = try ctx.saved(0)
                return [try g.mul(Double.pi / 2 * 2.0.squareRoot() * (2 / Double.pi.squareRoot()))
                    .mul(y.square().mul(0.5).exp())]
            }
    }

    /// log(ndtr(x)), accurate far into the lower tail (`torch.special.log_ndtr`,
    /// SpecialLogNdtrBackward0).
    public func logNdtr() throws -> Tensor {
        try Tensor.specialUnary(LogNdtrKernel.self, self, refusingHalf: "log_ndtr")
            .recorded("SpecialLogNdtrBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                let x = try ctx.saved(0), y = try ctx.saved(1)
                return [try g.mul(2 / Double.pi.squareRoot() * 2.0.squareRoot() * 0.25)
                    .mul(y.add(x.pow(2).mul(0.5)).neg().exp())]
            }
    }

    /// The scaled complementary error function e^(x^2) erfc(x) (`torch.special.erfcx`,
    /// SpecialErfcxBackward0); its gradient is 2 x erfcx(x) - 2/sqrt(pi).
    public func erfcx() throws -> Tensor {
        try Tensor.specialUnary(ErfcxKernel.self, self, refusingHalf: "erfcx")
            .recorded("SpecialErfcxBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                [try ctx.saved(0).mul(2).mul(ctx.saved(1)).sub(2 / Double.pi.squareRoot()).mul(g)]
            }
    }

    /// -x ln x elementwise, 0 at 0 and -inf below (`torch.special.entr`, SpecialEntrBackward0);
    /// its gradient is -(1 + ln x).
    public func entr() throws -> Tensor {
        try Tensor.specialUnary(EntrKernel.self, self)
            .recorded("SpecialEntrBackward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).log().add(1).neg()))
            }
    }

    /// self * ln(1 + other), 0 where self is 0 unless other is NaN (`torch.special.xlog1py`,
    /// SpecialXlog1PyBackward0/1/2 as PyTorch names its overloads).
    public func xlog1py(_ other: Tensor) throws -> Tensor {
        let dtype = try Tensor.specialResultType(self, other)
        return try Tensor.specialBinary(Xlog1pyKernel.self, self, other, dtype: dtype)
            .recorded(Tensor.nodeName("SpecialXlog1Py", self, other), inputs: [self, other], saving: [self, other]) { g, ctx in
                let x = try ctx.saved(0), y = try ctx.saved(1)
                var grads: [Tensor?] = [nil, nil]
                if ctx.needsGrad(0) {
                    grads[0] = try g.xlog1py(y).maskedFill(x.eq(0).logicalAnd(y.le(-1)), 0)
                }
                if ctx.needsGrad(1) { grads[1] = try g.mul(x).div(y.add(1)) }
                return Gradients(grads)
            }
    }

    // MARK: Airy and Bessel functions

    /// The Airy function Ai(x) (`torch.special.airy_ai`; not differentiable, as in PyTorch).
    public func airyAi() throws -> Tensor { try Tensor.specialUnary(AiryAiKernel.self, self, refusingHalf: "airy_ai") }

    /// The Bessel function of the first kind of order 0 (`torch.special.bessel_j0`,
    /// SpecialBesselJ0Backward0); its gradient is -J1(x).
    public func besselJ0() throws -> Tensor {
        try Tensor.specialUnary(BesselJ0Kernel.self, self, refusingHalf: "bessel_j0")
            .recorded("SpecialBesselJ0Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).besselJ1().neg()))
            }
    }

    /// The Bessel function of the first kind of order 1 (`torch.special.bessel_j1`,
    /// SpecialBesselJ1Backward0); its gradient J0(x) - J1(x)/x is 1/2 where |x| <= epsilon.
    public func besselJ1() throws -> Tensor {
        try Tensor.specialUnary(BesselJ1Kernel.self, self, refusingHalf: "bessel_j1")
            .recorded("SpecialBesselJ1Backward0", input: self, saving: self, savingOutput: true) { g, ctx in
                [try Tensor.dividedByXBackward(g, ctx.saved(0)) { safe in
                    try safe.besselJ0().sub(ctx.saved(1).mul(safe.reciprocal()))
                }]
            }
    }

    /// The Bessel function of the second kind of order 0 (`torch.special.bessel_y0`,
    /// SpecialBesselY0Backward0): -inf at 0, NaN below. Its gradient is -Y1(x).
    public func besselY0() throws -> Tensor {
        try Tensor.specialUnary(BesselY0Kernel.self, self, refusingHalf: "bessel_y0")
            .recorded("SpecialBesselY0Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).besselY1().neg()))
            }
    }

    /// The Bessel function of the second kind of order 1 (`torch.special.bessel_y1`,
    /// SpecialBesselY1Backward0); its gradient Y0(x) - Y1(x)/x is +inf at 0.
    public func besselY1() throws -> Tensor {
        try Tensor.specialUnary(BesselY1Kernel.self, self, refusingHalf: "bessel_y1")
            .recorded("SpecialBesselY1Backward0", input: self, saving: self, savingOutput: true) { g, ctx in
                let x = try ctx.saved(0)
                let slope = try x.besselY0().sub(ctx.saved(1).mul(x.reciprocal()))
                return [try g.mul(Tensor.where(x.eq(0), Tensor.full([], .infinity, dtype: x.dtype), slope))]
            }
    }

    /// I0(x) (`torch.special.modified_bessel_i0`, SpecialModifiedBesselI0Backward0).
    public func modifiedBesselI0() throws -> Tensor {
        try Tensor.specialUnary(ModifiedBesselI0Kernel.self, self, refusingHalf: "modified_bessel_i0")
            .recorded("SpecialModifiedBesselI0Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).modifiedBesselI1()))
            }
    }

    /// I1(x) (`torch.special.modified_bessel_i1`, SpecialModifiedBesselI1Backward0).
    public func modifiedBesselI1() throws -> Tensor {
        try Tensor.specialUnary(ModifiedBesselI1Kernel.self, self, refusingHalf: "modified_bessel_i1")
            .recorded("SpecialModifiedBesselI1Backward0", input: self, saving: self, savingOutput: true) { g, ctx in
                [try Tensor.dividedByXBackward(g, ctx.saved(0)) { safe in
                    try safe.i0().sub(ctx.saved(1).mul(safe.reciprocal()))
                }]
            }
    }

    /// The modified Bessel function of the second kind of order 0
    /// (`torch.special.modified_bessel_k0`, SpecialModifiedBesselK0Backward0): inf at 0, NaN
    /// below. Its gradient is -K1(x).
    public func modifiedBesselK0() throws -> Tensor {
        try Tensor.specialUnary(ModifiedBesselK0Kernel.self, self, refusingHalf: "modified_bessel_k0")
            .recorded("SpecialModifiedBesselK0Backward0", input: self, saving: self) { g, ctx in
                Gradients(try g.mul(ctx.saved(0).modifiedBesselK1().neg()))
            }
    }

    /// K1(x) (`torch.special.modified_bessel_k1`, SpecialModifiedBesselK1Backward0); its
    /// gradient is -(K0(x) + K1(x)/x).
    public func modifiedBesselK1() throws -> Tensor {
        try Tensor.specialUnary(ModifiedBesselK1Kernel.self, self, refusingHalf: "modified_bessel_k1")
            .recorded("SpecialModifiedBesselK1Backward0", input: self, saving: self, savingOutput: true) { g, ctx in
                let x = try ctx.saved(0)
                return [try g.mul(x.modifiedBesselK0().add(ctx.saved(1).mul(x.reciprocal())).neg())]
            }
    }

    /// e^x K0(x) (`torch.special.scaled_modified_bessel_k0`; not differentiable, as in PyTorch).
    public func scaledModifiedBesselK0() throws -> Tensor { try Tensor.specialUnary(ScaledModifiedBesselK0Kernel.self, self, refusingHalf: "scaled_modified_bessel_k0") }

    /// e^x K1(x) (`torch.special.scaled_modified_bessel_k1`; not differentiable).
    public func scaledModifiedBesselK1() throws -> Tensor { try Tensor.specialUnary(ScaledModifiedBesselK1Kernel.self, self, refusingHalf: "scaled_modified_bessel_k1") }

    /// sin(x) / x (`torch.special.spherical_bessel_j0`; not differentiable, as in PyTorch).
    public func sphericalBesselJ0() throws -> Tensor { try Tensor.specialUnary(SphericalBesselJ0Kernel.self, self, refusingHalf: "spherical_bessel_j0") }

    // MARK: Orthogonal polynomials (not differentiable, as in PyTorch)

    /// The forward of a polynomial of degree `n` (truncated toward zero) at self.
    /// - Throws: `.invalidArgument` for a degree above 2^24 where PyTorch runs a recurrence of
    ///   that many steps (`bounded`: Hermite's, which are NaN above degree 512, are not).
    private func polynomial<K: PolynomialKernel>(_: K.Type, _ n: Tensor, name: String, bounded: Bool = false) throws -> Tensor {
        let dtype = try Tensor.specialResultType(self, n)
        try Tensor.refuseHalf(dtype, name)
        if !bounded {
            let limit = Double(orthogonalPolynomialLargestDegree)
            if try n.to(dtype, recording: false).anyElement({ try $0.gt(limit).logicalAnd($0.lt(0x1p63)) }) {
                throw SwiftGradError.invalidArgument("\(name): degrees above \(orthogonalPolynomialLargestDegree) are not supported")
            }
        }
        return try Tensor.specialBinary(K.self, self, n, dtype: dtype, refusingHalf: name)
    }

    /// The Chebyshev polynomial of the first kind T_n(self) (`torch.special.chebyshev_polynomial_t`).
    public func chebyshevPolynomialT(_ n: Tensor) throws -> Tensor { try polynomial(ChebyshevTKernel.self, n, name: "chebyshev_polynomial_t") }
    /// U_n(self) (`torch.special.chebyshev_polynomial_u`).
    public func chebyshevPolynomialU(_ n: Tensor) throws -> Tensor { try polynomial(ChebyshevUKernel.self, n, name: "chebyshev_polynomial_u") }
    /// V_n(self) (`torch.special.chebyshev_polynomial_v`).
    public func chebyshevPolynomialV(_ n: Tensor) throws -> Tensor { try polynomial(ChebyshevVKernel.self, n, name: "chebyshev_polynomial_v") }
    /// W_n(self) (`torch.special.chebyshev_polynomial_w`).
    public func chebyshevPolynomialW(_ n: Tensor) throws -> Tensor { try polynomial(ChebyshevWKernel.self, n, name: "chebyshev_polynomial_w") }
    /// T*_n(self) = T_n(2 self - 1) (`torch.special.shifted_chebyshev_polynomial_t`).
    public func shiftedChebyshevPolynomialT(_ n: Tensor) throws -> Tensor { try polynomial(ShiftedChebyshevTKernel.self, n, name: "shifted_chebyshev_polynomial_t") }
    /// U*_n(self) (`torch.special.shifted_chebyshev_polynomial_u`).
    public func shiftedChebyshevPolynomialU(_ n: Tensor) throws -> Tensor { try polynomial(ShiftedChebyshevUKernel.self, n, name: "shifted_chebyshev_polynomial_u") }
    /// V*_n(self) (`torch.special.shifted_chebyshev_polynomial_v`).
    public func shiftedChebyshevPolynomialV(_ n: Tensor) throws -> Tensor { try polynomial(ShiftedChebyshevVKernel.self, n, name: "shifted_chebyshev_polynomial_v") }
    /// W*_n(self) (`torch.special.shifted_chebyshev_polynomial_w`).
    public func shiftedChebyshevPolynomialW(_ n: Tensor) throws -> Tensor { try polynomial(ShiftedChebyshevWKernel.self, n, name: "shifted_chebyshev_polynomial_w") }
    /// The physicists' Hermite polynomial H_n(self) (`torch.special.hermite_polynomial_h`);
    /// NaN above degree 128 in float32 and 512 in float64, as PyTorch's.
    public func hermitePolynomialH(_ n: Tensor) throws -> Tensor { try polynomial(HermiteHKernel.self, n, name: "hermite_polynomial_h", bounded: true) }
    /// The probabilists' Hermite polynomial He_n(self) (`torch.special.hermite_polynomial_he`).
    public func hermitePolynomialHe(_ n: Tensor) throws -> Tensor { try polynomial(HermiteHeKernel.self, n, name: "hermite_polynomial_he", bounded: true) }
    /// The Laguerre polynomial L_n(self) (`torch.special.laguerre_polynomial_l`).
    public func laguerrePolynomialL(_ n: Tensor) throws -> Tensor { try polynomial(LaguerreLKernel.self, n, name: "laguerre_polynomial_l") }
    /// The Legendre polynomial P_n(self) (`torch.special.legendre_polynomial_p`).
    public func legendrePolynomialP(_ n: Tensor) throws -> Tensor { try polynomial(LegendrePKernel.self, n, name: "legendre_polynomial_p") }
}
