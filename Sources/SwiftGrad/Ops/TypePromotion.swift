/// PyTorch's result-type rules for operands of mixed dtypes. Operands fall in three classes:
/// tensors with dimensions, 0-d tensors, and wrapped numbers (Python scalars). Within a class
/// dtypes promote; across classes a lower class only matters when it is of a higher category
/// (bool < integral < floating): `int64 tensor * 2.5` is float32, `float32 tensor * float64 0-d`
/// stays float32. A wrapped floating number counts as the default dtype (`DType.defaultFloating`).
enum TypePromotion {
    /// The result dtype of an op on two operands.
    @inline(__always)
    static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        if a.dtype == b.dtype && !a.isWrappedNumber && !b.isWrappedNumber { return a.dtype }
        return resultType([a, b])
    }

    static func resultType(_ operands: Tensor...) -> DType { resultType(operands) }

    static func resultType(_ operands: [Tensor]) -> DType {
        var dimensioned: DType?, zeroDim: DType?, wrapped: DType?
        for t in operands {
            if t.isWrappedNumber {
                let d = t.dtype.isFloatingPoint ? DType.defaultFloating : t.dtype
                wrapped = wrapped.map { DType.promote($0, d) } ?? d
            } else if t.ndim == 0 {
                zeroDim = zeroDim.map { DType.promote($0, t.dtype) } ?? t.dtype
            } else {
                dimensioned = dimensioned.map { DType.promote($0, t.dtype) } ?? t.dtype
            }
        }
        return combine(dimensioned, combine(zeroDim, wrapped)) ?? DType.defaultFloating
    }

    private static func combine(_ higher: DType?, _ lower: DType?) -> DType? {
        guard let higher else { return lower }
        guard let lower else { return higher }
        if higher.isFloatingPoint { return higher }
        if higher == .bool || lower.isFloatingPoint { return DType.promote(higher, lower) }
        return higher
    }
}

extension Tensor {
    /// `torch.result_type(a, b)`: the dtype a binary op of `a` and `b` computes in.
    public static func resultType(_ a: Tensor, _ b: Tensor) -> DType { TypePromotion.resultType(a, b) }
}
