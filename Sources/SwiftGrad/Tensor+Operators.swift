/// Operators for Swift users. They throw (shape and dtype errors are recoverable), so
/// expressions read `let y = try 2 * dot(x, x)`. Elementwise comparisons use the pointwise
/// spelling of Swift's SIMD types (`.==`, `.<`), since `==` must return Bool.

precedencegroup TensorPowerPrecedence {
    higherThan: MultiplicationPrecedence
    associativity: right
}
infix operator **: TensorPowerPrecedence

infix operator .==: ComparisonPrecedence
infix operator .!=: ComparisonPrecedence
infix operator .<: ComparisonPrecedence
infix operator .<=: ComparisonPrecedence
infix operator .>: ComparisonPrecedence
infix operator .>=: ComparisonPrecedence

/// The operators, as static members (mlx-swift's shape). A scalar operand may be of any Swift
/// numeric type, with PyTorch's rules for Python numbers: a floating scalar behaves like a
/// Python float (it never changes a floating tensor's dtype and makes an integer tensor
/// float32), an integer scalar like a Python int (integer tensors stay integer: `i * 2` is
/// int64, `i ** 2` too).
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
    public static func ** (a: Tensor, b: Tensor) throws -> Tensor { try a.pow(b) }

    public static func + <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.add(Double(s)) }
    public static func + <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.add(Double(s)) : a.add(Tensor.integerScalar(s))
    }
    public static func - <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.sub(Double(s)) }
    public static func - <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.sub(Double(s)) : a.sub(Tensor.integerScalar(s))
    }
    public static func * <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.mul(Double(s)) }
    public static func * <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.mul(Double(s)) : a.mul(Tensor.integerScalar(s))
    }
    public static func / <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.div(Double(s)) }
    public static func / <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.div(Double(s)) : a.div(Tensor.integerScalar(s))
    }
    public static func ** <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.pow(Double(s)) }
    public static func ** <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.pow(Double(s)) : a.pow(Tensor.integerScalar(s))
    }

    public static func + <S: BinaryFloatingPoint>(s: S, a: Tensor) throws -> Tensor { try a.add(Double(s)) }
    public static func + <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try a + s }
    public static func - <S: BinaryFloatingPoint>(s: S, a: Tensor) throws -> Tensor { try a.rsub(Double(s)) }
    public static func - <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.rsub(Double(s)) : Tensor.integerScalar(s).sub(a)
    }
    public static func * <S: BinaryFloatingPoint>(s: S, a: Tensor) throws -> Tensor { try a.mul(Double(s)) }
    public static func * <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor { try a * s }
    public static func / <S: BinaryFloatingPoint>(s: S, a: Tensor) throws -> Tensor { try a.rdiv(Double(s)) }
    public static func / <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.rdiv(Double(s)) : Tensor.integerScalar(s).div(a)
    }
    public static func ** <S: BinaryFloatingPoint>(s: S, a: Tensor) throws -> Tensor { try a.rpow(Double(s)) }
    public static func ** <S: BinaryInteger>(s: S, a: Tensor) throws -> Tensor {
        try a.dtype.isFloatingPoint ? a.rpow(Double(s)) : Tensor.integerScalar(s).pow(a)
    }

    public static prefix func - (a: Tensor) throws -> Tensor { try a.neg() }

    public static func .== (a: Tensor, b: Tensor) throws -> Tensor { try a.eq(b) }
    public static func .== <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.eq(Double(s)) }
    public static func .== <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.eq(Double(s)) }
    public static func .!= (a: Tensor, b: Tensor) throws -> Tensor { try a.ne(b) }
    public static func .!= <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.ne(Double(s)) }
    public static func .!= <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.ne(Double(s)) }
    public static func .< (a: Tensor, b: Tensor) throws -> Tensor { try a.lt(b) }
    public static func .< <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.lt(Double(s)) }
    public static func .< <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.lt(Double(s)) }
    public static func .<= (a: Tensor, b: Tensor) throws -> Tensor { try a.le(b) }
    public static func .<= <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.le(Double(s)) }
    public static func .<= <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.le(Double(s)) }
    public static func .> (a: Tensor, b: Tensor) throws -> Tensor { try a.gt(b) }
    public static func .> <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.gt(Double(s)) }
    public static func .> <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.gt(Double(s)) }
    public static func .>= (a: Tensor, b: Tensor) throws -> Tensor { try a.ge(b) }
    public static func .>= <S: BinaryFloatingPoint>(a: Tensor, s: S) throws -> Tensor { try a.ge(Double(s)) }
    public static func .>= <S: BinaryInteger>(a: Tensor, s: S) throws -> Tensor { try a.ge(Double(s)) }

    /// A Swift integer as a 0-d int64 tensor (wrapping values beyond Int64, as a C cast does).
    static func integerScalar<S: BinaryInteger>(_ s: S) throws -> Tensor {
        try Tensor(scalar: Int64(truncatingIfNeeded: s))
    }
}

extension Tensor {
    /// The value of a one-element tensor (`Tensor.item()`); bool gives 0 or 1.
    /// - Throws: `.invalidArgument` for any other number of elements.
    public func item() throws -> Double {
        guard count == 1 else {
            throw SwiftGradError.invalidArgument("a Tensor with \(count) elements cannot be converted to Scalar")
        }
        return doubleValue(atOffset: offset(ofLinearIndex: 0))
    }

    /// The truth of a one-element tensor (`torch.is_nonzero`, Python's `bool(t)`): nonzero is
    /// true, NaN included.
    /// - Throws: `.invalidArgument` for no elements or more than one, with PyTorch's message.
    public func isNonzero() throws -> Bool {
        guard count == 1 else {
            throw SwiftGradError.invalidArgument(
                "Boolean value of Tensor with \(count == 0 ? "no values" : "more than one value") is ambiguous")
        }
        return doubleValue(atOffset: offset(ofLinearIndex: 0)) != 0
    }

    /// The elements in row-major order as `T`: exact when `T` is the tensor's element type,
    /// converted (as `Tensor.to` would) otherwise.
    public func scalars<T: TensorElement>(as _: T.Type = T.self) throws -> [T] {
        let source = try to(T.dtype, recording: false).contiguous()
        let p = source.pointer(T.self) + source.storageOffset
        return Array(UnsafeBufferPointer(start: p, count: source.count))
    }
}

extension Tensor {
    /// Calls `body` with the elements' bytes in row-major order (the tensor's own memory when it
    /// is contiguous, a temporary copy otherwise).
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let source = isContiguous ? self : try noGrad { try clone() }
        let start = source.storage.base + source.storageOffset * dtype.itemSize
        return try body(UnsafeRawBufferPointer(start: start, count: source.count * dtype.itemSize))
    }
}
