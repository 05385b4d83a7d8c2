/// Operators for Swift users. They throw (shape and dtype errors are recoverable), so
/// expressions read `let y = try 2 * dot(x, x)`. Elementwise comparisons use the pointwise
/// spelling of Swift's SIMD types (`.==`, `.<`), since `==` must return Bool.

precedencegroup TensorPowerPrecedence {
    higherThan: MultiplicationPrecedence
    associativity: right
}
infix operator **: TensorPowerPrecedence

public func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
public func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
public func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
public func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
public func ** (a: Tensor, b: Tensor) throws -> Tensor { try a.pow(b) }

public func + (a: Tensor, s: Double) throws -> Tensor { try a.add(s) }
public func - (a: Tensor, s: Double) throws -> Tensor { try a.sub(s) }
public func * (a: Tensor, s: Double) throws -> Tensor { try a.mul(s) }
public func / (a: Tensor, s: Double) throws -> Tensor { try a.div(s) }
public func ** (a: Tensor, s: Double) throws -> Tensor { try a.pow(s) }

public func + (s: Double, a: Tensor) throws -> Tensor { try a.add(s) }
public func - (s: Double, a: Tensor) throws -> Tensor { try a.rsub(s) }
public func * (s: Double, a: Tensor) throws -> Tensor { try a.mul(s) }
public func / (s: Double, a: Tensor) throws -> Tensor { try a.rdiv(s) }
public func ** (s: Double, a: Tensor) throws -> Tensor { try a.rpow(s) }

public prefix func - (a: Tensor) throws -> Tensor { try a.neg() }

infix operator .==: ComparisonPrecedence
infix operator .!=: ComparisonPrecedence
infix operator .<: ComparisonPrecedence
infix operator .<=: ComparisonPrecedence
infix operator .>: ComparisonPrecedence
infix operator .>=: ComparisonPrecedence

public func .== (a: Tensor, b: Tensor) throws -> Tensor { try a.eq(b) }
public func .!= (a: Tensor, b: Tensor) throws -> Tensor { try a.ne(b) }
public func .< (a: Tensor, b: Tensor) throws -> Tensor { try a.lt(b) }
public func .<= (a: Tensor, b: Tensor) throws -> Tensor { try a.le(b) }
public func .> (a: Tensor, b: Tensor) throws -> Tensor { try a.gt(b) }
public func .>= (a: Tensor, b: Tensor) throws -> Tensor { try a.ge(b) }
public func .== (a: Tensor, s: Double) throws -> Tensor { try a.eq(s) }
public func .!= (a: Tensor, s: Double) throws -> Tensor { try a.ne(s) }
public func .< (a: Tensor, s: Double) throws -> Tensor { try a.lt(s) }
public func .<= (a: Tensor, s: Double) throws -> Tensor { try a.le(s) }
public func .> (a: Tensor, s: Double) throws -> Tensor { try a.gt(s) }
public func .>= (a: Tensor, s: Double) throws -> Tensor { try a.ge(s) }

extension Tensor {
    /// The value of a one-element tensor (`Tensor.item()`); bool gives 0 or 1.
    /// - Throws: `.invalidArgument` for any other number of elements.
    public func item() throws -> Double {
        guard count == 1 else {
            throw SwiftGradError.invalidArgument("a Tensor with \(count) elements cannot be converted to Scalar")
        }
        return doubleValue(atOffset: offset(ofLinearIndex: 0))
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
