import SwiftGradVector

/// Binary arithmetic: add, sub, mul, div, with broadcasting and type promotion. The scalar
/// forms wrap the scalar as PyTorch does (a 0-d "wrapped number") and share the same code and
/// backward rules. Gradients of broadcast operands arrive in the broadcast shape; the engine
/// sums them back to each operand's shape with the one shared helper, `sumToShape`.

/// An elementwise binary function on numeric elements, resolved statically in the kernels.
protocol ArithmeticKernel {
    static func apply<T: NumericElement>(_ a: T, _ b: T) -> T
    /// The same over dense float32 operands (`a op b`, `a op s`) in the processor's vector lanes,
    /// for a function whose loops in SwiftGrad's baseline lanes are slower than memory.
    static var floatLoops: (VectorLoops.Binary, VectorLoops.WithScalar)? { get }
}
extension ArithmeticKernel {
    static var floatLoops: (VectorLoops.Binary, VectorLoops.WithScalar)? { nil }
}

enum AddKernel: ArithmeticKernel {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.add(a, b) }
}
enum SubKernel: ArithmeticKernel {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.sub(a, b) }
}
enum MulKernel: ArithmeticKernel {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.mul(a, b) }
}
enum DivKernel: ArithmeticKernel {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.div(a, b) }
    static var floatLoops: (VectorLoops.Binary, VectorLoops.WithScalar)? {
        (CPUCapability.loops.div, CPUCapability.loops.divByScalar)
    }
}
enum PowKernel: ArithmeticKernel {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.pow(a, b) }
}

extension Tensor {
    /// The forward of every binary arithmetic op: result dtype, bool rules, broadcast, kernel.
    /// - Parameters:
    ///   - trueDivision: integer and bool operands compute in float32 (PyTorch's `/`).
    static func arithmetic<K: ArithmeticKernel>(_: K.Type, _ a: Tensor, _ b: Tensor,
                                                trueDivision: Bool = false) throws -> Tensor {
        var result = TypePromotion.resultType(a, b)
        if trueDivision && !result.isFloatingPoint { result = DType.defaultFloating }
        let shape = try Shape.broadcast(a.shape, b.shape)
        // Bool arithmetic computes in int64 and narrows back (True + True is True); float16 and
        // bfloat16 compute in float32, narrow integers in int64, and round back.
        let compute = result == .bool ? DType.int64 : result.compute
        // A Python scalar with a floating result: apply it as a constant rather than converting
        // it to a tensor of the compute dtype first.
        if compute == result, compute.isFloatingPoint, b.isWrappedNumber, a.shape == shape {
            return try map(K.self, a.to(compute, recording: false), scalar: b.doubleValue(atOffset: b.storageOffset),
                           reversed: false)
        }
        if compute == result, compute.isFloatingPoint, a.isWrappedNumber, b.shape == shape {
            return try map(K.self, b.to(compute, recording: false), scalar: a.doubleValue(atOffset: a.storageOffset),
                           reversed: true)
        }
        // Operands already of the compute dtype go to the kernel as they are (converting them
        // would return them, at the cost of a retain and release each on this per-op path).
        let out = a.dtype == compute && b.dtype == compute
            ? try zip(K.self, a, b, shape: shape)
            : try zip(K.self, try a.to(compute, recording: false), try b.to(compute, recording: false), shape: shape)
        return result != compute ? try out.to(result, recording: false) : out
    }

    /// `K` over two operands of one numeric dtype, broadcast to `shape`.
    @inline(__always)
    private static func zip<K: ArithmeticKernel>(_: K.Type, _ x: Tensor, _ y: Tensor, shape: [Int]) throws -> Tensor {
        switch x.dtype {
        case .float32 where x.isContiguous && y.isContiguous && x.shape == shape && y.shape == shape && K.floatLoops != nil:
            return try Kernels.zipFloat(x, y, K.floatLoops!.0)
        case .float32: return try Kernels.zip(x, y, shape: shape, ArithmeticPair<K, Float>())
        case .float64: return try Kernels.zip(x, y, shape: shape, ArithmeticPair<K, Double>())
        case .int64: return try Kernels.zip(x, y, shape: shape, ArithmeticPair<K, Int64>())
        default: throw SwiftGradError.internal("\(x.dtype) arithmetic reached the kernel")
        }
    }

    /// `self + other`, broadcasting (`torch.add`).
    public func add(_ other: Tensor) throws -> Tensor {
        try Tensor.arithmetic(AddKernel.self, self, other)
            .recorded("AddBackward0", input: self, other) { g, _ in [g, g] }
    }

    /// `self - other`, broadcasting (`torch.sub`).
    /// - Throws: `.dtype` when both operands are bool, as PyTorch refuses.
    public func sub(_ other: Tensor) throws -> Tensor {
        try Tensor.checkSubtraction(dtype, other.dtype)
        return try Tensor.arithmetic(SubKernel.self, self, other)
            .recorded("SubBackward0", input: self, other) { g, ctx in
                Gradients(g, ctx.needsGrad(1) ? try g.neg() : nil)
            }
    }

    /// `self * other`, broadcasting (`torch.mul`).
    public func mul(_ other: Tensor) throws -> Tensor {
        let needSelf = other.requiresGrad, needOther = requiresGrad
        // The rule captures nothing (a capturing closure is allocated at every call, in
        // backward passes too): x * x shows as the one value saved twice.
        return try Tensor.arithmetic(MulKernel.self, self, other)
            .recorded("MulBackward0", input: self, other,
                      saving: needSelf ? self : nil, needOther ? other : nil) { g, ctx in
                if ctx.needsGrad(0) && ctx.needsGrad(1) && !GradMode.isEnabled {
                    if ctx.savedOneValueTwice,
                       let doubled = try Tensor.doubledProduct(g, ctx.saved(0), into: ctx.disposableGradient(g)) {
                        // x * x: both edges carry g x into x; one pass gives their sum, 2 (g x),
                        // which equals g x + g x exactly.
                        return Gradients(doubled, nil)
                    }
                    if let (toSelf, toOther) = try Tensor.crossProducts(g, ctx.saved(0), ctx.saved(1),
                                                                        into: ctx.disposableGradient(g)) {
                        return Gradients(toSelf, toOther)
                    }
                }
                return Gradients(ctx.needsGrad(0) ? try g.mul(ctx.saved(1)) : nil,
                                 ctx.needsGrad(1) ? try g.mul(ctx.saved(0)) : nil)
            }
    }

    /// `(g b, g a)`, both gradients of `a * b`, in one pass over the three operands (each
    /// product as the forward kernel rounds it), for dense float32 or float64 operands of one
    /// dtype and shape; nil otherwise. The first is written into `reused` when given (`g` itself,
    /// which each step reads before writing).
    private static func crossProducts(_ g: Tensor, _ a: Tensor, _ b: Tensor,
                                      into reused: Tensor?) throws -> (Tensor, Tensor)? {
        guard g.dtype == a.dtype, g.dtype == b.dtype, g.isContiguous, a.isContiguous, b.isContiguous,
              g.shape == a.shape, g.shape == b.shape else { return nil }
        switch g.dtype {
        case .float32: return try crossProducts(g, a, b, reused, Float.self)
        case .float64: return try crossProducts(g, a, b, reused, Double.self)
        default: return nil
        }
    }

    private static func crossProducts<T: FloatElement>(_ g: Tensor, _ a: Tensor, _ b: Tensor,
                                                       _ reused: Tensor?, _: T.Type) throws -> (Tensor, Tensor) {
        let toA = try reused ?? Tensor.empty(g.shape, g.dtype), toB = try Tensor.empty(g.shape, g.dtype)
        let pg = g.pointer(T.self) + g.storageOffset, pa = a.pointer(T.self) + a.storageOffset
        let pb = b.pointer(T.self) + b.storageOffset
        let outA = toA.pointer(T.self), outB = toB.pointer(T.self)
        Parallel.forRanges(g.count) { range in
            for i in range {
                let x = pg[i]
                outA[i] = T.mul(x, pb[i])
                outB[i] = T.mul(x, pa[i])
            }
        }
        return (toA, toB)
    }

    /// `2 (g x)` in one pass for float32 and float64 operands of one dtype (written into
    /// `reused` when given: `g` itself); nil otherwise.
    private static func doubledProduct(_ g: Tensor, _ x: Tensor, into reused: Tensor?) throws -> Tensor? {
        guard g.dtype == x.dtype, g.shape == x.shape else { return nil }
        switch g.dtype {
        case .float32: return try Kernels.zip(g, x, shape: x.shape, DoubledProduct<Float>(), into: reused)
        case .float64: return try Kernels.zip(g, x, shape: x.shape, DoubledProduct<Double>(), into: reused)
        default: return nil
        }
    }

    /// `self / other`, true division: integer operands give float32 (`torch.div`).
    public func div(_ other: Tensor) throws -> Tensor {
        try Tensor.arithmetic(DivKernel.self, self, other, trueDivision: true)
            .recorded("DivBackward0", input: self, other,
                      saving: other.requiresGrad ? self : nil, other) { g, ctx in
                let b = try ctx.saved(1)
                // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2.
                return Gradients(ctx.needsGrad(0) ? try g.div(b) : nil,
                                 ctx.needsGrad(1) ? try g.neg().mul(try ctx.saved(0).div(b).div(b)) : nil)
            }
    }

    // MARK: Scalar forms: the scalar behaves like a Python float (PyTorch's wrapped number).

    /// The forward of `a <op> s` (`s <op> a` when `reversed`) for a Python-float scalar:
    /// floating tensors keep their dtype, integer and bool tensors compute in float32.
    static func arithmetic<K: ArithmeticKernel>(_: K.Type, _ a: Tensor, scalar s: Double,
                                                reversed: Bool = false) throws -> Tensor {
        switch a.dtype {
        case .float32, .float64: return try map(K.self, a, scalar: s, reversed: reversed)
        case .float16, .bfloat16:  // in float32, rounded back
            return try map(K.self, try a.to(.float32, recording: false), scalar: s, reversed: reversed)
                .to(a.dtype, recording: false)
        default: return try map(K.self, try a.to(.float32, recording: false), scalar: s, reversed: reversed)
        }
    }

    /// `K` between a floating tensor and a scalar.
    @inline(__always)
    private static func map<K: ArithmeticKernel>(_: K.Type, _ x: Tensor, scalar s: Double, reversed: Bool,
                                                 into reused: Tensor? = nil) throws -> Tensor {
        switch (x.dtype == .float32, reversed) {
        case (true, false) where x.isContiguous && K.floatLoops != nil:
            let withScalar = K.floatLoops!.1
            return try Kernels.mapFloat(x, into: reused) { withScalar($0, Float(s), $1, $2) }
        case (true, false): return try Kernels.map(x, ArithmeticWithScalar<K, Float>(scalar: Float(s)), into: reused)
        case (true, true): return try Kernels.map(x, ArithmeticWithScalarOnLeft<K, Float>(scalar: Float(s)), into: reused)
        case (false, false): return try Kernels.map(x, ArithmeticWithScalar<K, Double>(scalar: s), into: reused)
        case (false, true): return try Kernels.map(x, ArithmeticWithScalarOnLeft<K, Double>(scalar: s), into: reused)
        }
    }

    /// `self + s`.
    public func add(_ s: Double) throws -> Tensor {
        try Tensor.arithmetic(AddKernel.self, self, scalar: s).recorded("AddBackward0", input: self) { g, _ in [g] }
    }

    /// `self - s`.
    public func sub(_ s: Double) throws -> Tensor {
        try Tensor.checkSubtraction(dtype, nil)
        return try Tensor.arithmetic(SubKernel.self, self, scalar: s).recorded("SubBackward0", input: self) { g, _ in [g] }
    }

    /// `self * s`.
    public func mul(_ s: Double) throws -> Tensor {
        try Tensor.arithmetic(MulKernel.self, self, scalar: s)
            .recorded("MulBackward0", input: self, savingScalar: s) { g, ctx in
                if g.isSingleValue && g.count > 1 && !GradMode.isEnabled {
                    // One value broadcast (sum's gradient): scaled once, and broadcast again.
                    return Gradients(try g.asStrided([], [], storageOffset: g.storageOffset).mul(ctx.scalar).expand(g.shape))
                }
                return Gradients(try Tensor.overwrittenGradient(MulKernel.self, g, ctx) ?? g.mul(ctx.scalar))
            }
    }

    /// `g <op> s` for the backward rule of an op with the Python scalar `s` (`ctx.scalar`),
    /// written over `g` when the node allows it (`OpNode.disposableGradient`): that spares a
    /// tensor per node of every backward pass. Nil when it does not (the rule then runs `g`'s
    /// own op, recorded under create_graph).
    private static func overwrittenGradient<K: ArithmeticKernel>(_: K.Type, _ g: Tensor, _ ctx: OpNode) throws -> Tensor? {
        guard let reused = ctx.disposableGradient(g), g.dtype == .float32 || g.dtype == .float64 else { return nil }
        return try map(K.self, g, scalar: ctx.scalar, reversed: false, into: reused)
    }

    /// `self / s`.
    public func div(_ s: Double) throws -> Tensor {
        try Tensor.arithmetic(DivKernel.self, self, scalar: s)
            .recorded("DivBackward0", input: self, savingScalar: s) { g, ctx in
                Gradients(try Tensor.overwrittenGradient(DivKernel.self, g, ctx) ?? g.div(ctx.scalar))
            }
    }

    /// `s - self` (`torch.rsub`).
    public func rsub(_ s: Double) throws -> Tensor {
        try Tensor.checkSubtraction(nil, dtype)
        return try Tensor.arithmetic(SubKernel.self, self, scalar: s, reversed: true)
            .recorded("RsubBackward1", input: self) { g, _ in Gradients(try g.neg()) }
    }

    /// `s / self`, computed as PyTorch does: `reciprocal(self) * s`.
    public func rdiv(_ s: Double) throws -> Tensor { try reciprocal().mul(s) }

    /// PyTorch refuses `-` on bool operands (a nil dtype is a Python float).
    private static func checkSubtraction(_ a: DType?, _ b: DType?) throws {
        if a == .bool && b == .bool {
            throw SwiftGradError.dtype("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        }
        if a == .bool || b == .bool {
            throw SwiftGradError.dtype("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
    }
}

/// `(a b) 2`, the sum of two equal products `a b + a b` (exact: doubling does not round).
struct DoubledProduct<T: FloatElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a * b * 2 }
}
