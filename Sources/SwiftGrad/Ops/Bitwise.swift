/// Bitwise operations (`torch.bitwise_and`, `bitwise_or`, `bitwise_xor`, `bitwise_not`,
/// `bitwise_left_shift`, `bitwise_right_shift`) on integer and bool tensors. Operands broadcast
/// and promote as in the arithmetic ops (a Python int on an int8 tensor converts to int8 by
/// truncation, as C++'s cast does), and every integer dtype computes in itself, with its own
/// width and wraparound, as PyTorch's C++ kernels do. Floating results are refused with
/// PyTorch's dispatch message ("\"bitwise_and_cpu\" not implemented for 'Float'"). Not
/// differentiable: the results are never floating, so never recorded.
///
/// Shifts follow PyTorch's CPU kernels (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp) for
/// amounts C++ leaves undefined: a negative amount or one of at least the width shifts left to 0
/// and right to the sign (`a >> (width - 1)` for signed types, 0 for unsigned ones).

/// A bitwise function, resolved statically in the kernels: its integer form, generic over the
/// element type, and its bool form (nil when PyTorch has none: the shifts).
protocol BitwiseKernel {
    /// PyTorch's kernel name in its dispatch message.
    static var kernelName: String { get }
    /// Whether the op takes bool operands.
    static var takesBool: Bool { get }
    static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T
    static func apply(_ a: Bool, _ b: Bool) -> Bool
}

enum BitwiseAndKernel: BitwiseKernel {
    static var kernelName: String { "bitwise_and_cpu" }
    static var takesBool: Bool { true }
    @inline(__always) static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T { a & b }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b }
}

enum BitwiseOrKernel: BitwiseKernel {
    static var kernelName: String { "bitwise_or_cpu" }
    static var takesBool: Bool { true }
    @inline(__always) static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T { a | b }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b }
}

enum BitwiseXorKernel: BitwiseKernel {
    static var kernelName: String { "bitwise_xor_cpu" }
    static var takesBool: Bool { true }
    @inline(__always) static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T { a ^ b }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a != b }
}

/// `a << b` in `a`'s type: 0 for a negative amount or one of at least the type's width (the
/// bits shifted out of the type are lost, as C++'s `static_cast<unsigned>(a) << b` cast back).
enum LeftShiftKernel: BitwiseKernel {
    static var kernelName: String { "lshift_cpu" }
    static var takesBool: Bool { false }
    @inline(__always) static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T {
        let amount = Int(truncatingIfNeeded: b)
        return amount < 0 || amount >= T.bitWidth ? 0 : a &<< amount
    }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a }  // unreachable: refused
}

/// `a >> b`, arithmetic for signed types: a negative amount or one of at least the width less
/// the sign bit gives `a >> (width - 1)` (0 or -1) for signed types, 0 for unsigned ones.
enum RightShiftKernel: BitwiseKernel {
    static var kernelName: String { "rshift_cpu" }
    static var takesBool: Bool { false }
    @inline(__always) static func apply<T: IntegerTensorElement>(_ a: T, _ b: T) -> T {
        let amount = Int(truncatingIfNeeded: b)
        let limit = T.isSigned ? T.bitWidth - 1 : T.bitWidth
        if amount < 0 || amount >= limit { return T.isSigned ? a &>> (T.bitWidth - 1) : 0 }
        return a &>> amount
    }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a }  // unreachable: refused
}

/// `K(a, b)` on integers of one type.
struct BitwisePair<K: BitwiseKernel, T: IntegerTensorElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { K.apply(a, b) }
}

/// `K(a, b)` on bools.
struct BoolBitwisePair<K: BitwiseKernel>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { K.apply(a, b) }
}

/// `~x` for integers, `!x` for bools.
struct BitwiseNot<T: IntegerTensorElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T { ~x }
}

extension Tensor {
    /// The forward of every binary bitwise op: the promoted dtype (refused unless integer, or
    /// bool for and/or/xor), the operands converted to it, `K` over the broadcast shape.
    static func bitwise<K: BitwiseKernel>(_: K.Type, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        let dtype = TypePromotion.resultType(a, b)
        guard dtype.isIntegral || (dtype == .bool && K.takesBool) else { throw kernelNotImplemented(K.kernelName, dtype) }
        let x = try a.to(dtype, recording: false), y = try b.to(dtype, recording: false)
        switch dtype {
        case .bool: return try Kernels.zip(x, y, shape: shape, BoolBitwisePair<K>())
        case .int64: return try Kernels.zip(x, y, shape: shape, BitwisePair<K, Int64>())
        case .int32: return try Kernels.zip(x, y, shape: shape, BitwisePair<K, Int32>())
        case .int16: return try Kernels.zip(x, y, shape: shape, BitwisePair<K, Int16>())
        case .int8: return try Kernels.zip(x, y, shape: shape, BitwisePair<K, Int8>())
        case .uint8: return try Kernels.zip(x, y, shape: shape, BitwisePair<K, UInt8>())
        case .float32, .float64, .float16, .bfloat16: throw kernelNotImplemented(K.kernelName, dtype)
        }
    }

    /// `self & other`, elementwise with broadcasting (`torch.bitwise_and`): bits of integers,
    /// logical and of bools.
    ///
    /// ```swift
    /// try Tensor([12, 10] as [Int64]).bitwiseAnd(Tensor.scalar(6 as Int64))  // tensor([4, 2])
    /// ```
    /// - Throws: `.dtype` for a floating result ("\"bitwise_and_cpu\" not implemented for
    ///   'Float'"); `.shape` for shapes that do not broadcast.
    public func bitwiseAnd(_ other: Tensor) throws -> Tensor { try Tensor.bitwise(BitwiseAndKernel.self, self, other) }

    /// `self | other`, elementwise (`torch.bitwise_or`), as `bitwiseAnd`.
    public func bitwiseOr(_ other: Tensor) throws -> Tensor { try Tensor.bitwise(BitwiseOrKernel.self, self, other) }

    /// `self ^ other`, elementwise (`torch.bitwise_xor`), as `bitwiseAnd`; bools give `!=`.
    public func bitwiseXor(_ other: Tensor) throws -> Tensor { try Tensor.bitwise(BitwiseXorKernel.self, self, other) }

    /// `self << other`, elementwise (`torch.bitwise_left_shift`), integers only: bits shifted
    /// beyond the dtype's width are lost; a negative amount or one of at least the width gives 0.
    /// - Throws: `.dtype` for a bool or floating result ("\"lshift_cpu\" not implemented for
    ///   'Bool'").
    public func bitwiseLeftShift(_ other: Tensor) throws -> Tensor { try Tensor.bitwise(LeftShiftKernel.self, self, other) }

    /// `self >> other`, elementwise (`torch.bitwise_right_shift`), integers only: arithmetic
    /// (sign-filling) for signed dtypes; a negative amount or one of at least the width less the
    /// sign bit gives 0 or -1 (the sign) for signed dtypes, 0 for uint8.
    /// - Throws: `.dtype` for a bool or floating result ("\"rshift_cpu\" not implemented for
    ///   'Bool'").
    public func bitwiseRightShift(_ other: Tensor) throws -> Tensor { try Tensor.bitwise(RightShiftKernel.self, self, other) }

    /// `~self`: the complement of every bit of an integer tensor, `not` of a bool tensor
    /// (`torch.bitwise_not`).
    /// - Throws: `.dtype` for a floating tensor ("\"bitwise_not_cpu\" not implemented for
    ///   'Float'").
    public func bitwiseNot() throws -> Tensor {
        switch dtype {
        case .bool: return try Kernels.map(self, LogicalNot())
        case .int64: return try Kernels.map(self, BitwiseNot<Int64>())
        case .int32: return try Kernels.map(self, BitwiseNot<Int32>())
        case .int16: return try Kernels.map(self, BitwiseNot<Int16>())
        case .int8: return try Kernels.map(self, BitwiseNot<Int8>())
        case .uint8: return try Kernels.map(self, BitwiseNot<UInt8>())
        case .float32, .float64, .float16, .bfloat16: throw Tensor.kernelNotImplemented("bitwise_not_cpu", dtype)
        }
    }
}

/// Swift spellings: `a & b`, `a | b`, `a ^ b`, `a << b`, `a >> b`, `~a`, with tensors or Swift
/// integers (a Python int: `int8Tensor & 3` stays int8) on either side.
extension Tensor {
    public static func & (a: Tensor, b: Tensor) throws -> Tensor { try a.bitwiseAnd(b) }
    public static func | (a: Tensor, b: Tensor) throws -> Tensor { try a.bitwiseOr(b) }
    public static func ^ (a: Tensor, b: Tensor) throws -> Tensor { try a.bitwiseXor(b) }
    public static func << (a: Tensor, b: Tensor) throws -> Tensor { try a.bitwiseLeftShift(b) }
    public static func >> (a: Tensor, b: Tensor) throws -> Tensor { try a.bitwiseRightShift(b) }
    public static prefix func ~ (a: Tensor) throws -> Tensor { try a.bitwiseNot() }

    public static func & <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.bitwiseAnd(Tensor.pythonInt(s)) }
    public static func | <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.bitwiseOr(Tensor.pythonInt(s)) }
    public static func ^ <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.bitwiseXor(Tensor.pythonInt(s)) }
    public static func << <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.bitwiseLeftShift(Tensor.pythonInt(s)) }
    public static func >> <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.bitwiseRightShift(Tensor.pythonInt(s)) }
    public static func & <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try Tensor.pythonInt(s).bitwiseAnd(a) }
    public static func | <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try Tensor.pythonInt(s).bitwiseOr(a) }
    public static func ^ <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try Tensor.pythonInt(s).bitwiseXor(a) }
    public static func << <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try Tensor.pythonInt(s).bitwiseLeftShift(a) }
    public static func >> <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try Tensor.pythonInt(s).bitwiseRightShift(a) }

    /// A Swift integer as a wrapped number (a Python int), wrapping values beyond Int64.
    private static func pythonInt<S: BinaryInteger>(_ s: S) throws -> Tensor {
        try Tensor.scalar(Int64(truncatingIfNeeded: s))
    }
}
