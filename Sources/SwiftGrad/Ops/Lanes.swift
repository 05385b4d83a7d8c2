/// The 1-d lanes of a tensor along one dimension, copied so that each lane is contiguous: the
/// layout sorting, selection and scan kernels work in. Results computed lane by lane go back to
/// the input's layout with `restore`.

/// A tensor's lanes along `dim`: `count` lanes of `length` elements, lane after lane in `data`
/// (the input with `dim` moved last, contiguous). A 0-d tensor is one lane of one element.
struct Lanes {
    /// The dimension, normalized (0 for a 0-d tensor).
    let dim: Int
    let inputShape: [Int]
    /// The input's shape without `dim`.
    let outerShape: [Int]
    let length: Int
    let count: Int
    /// Contiguous, `outerShape + [length]`.
    let data: Tensor

    /// - Parameter dtype: converts the elements first (nil keeps them).
    /// - Throws: `.invalidArgument` for a dimension out of range.
    init(_ t: Tensor, dim: Int, dtype: DType? = nil) throws {
        let d = try Shape.normalize(dim: dim, ndim: t.ndim)
        self.dim = d
        inputShape = t.shape
        if t.ndim == 0 {
            outerShape = []
            length = 1
        } else {
            outerShape = (0..<t.ndim).filter { $0 != d }.map { t.shape[$0] }
            length = t.shape[d]
        }
        count = Shape.count(outerShape)
        data = try noGrad { () -> Tensor in
            var moved = t
            if t.ndim == 0 {
                moved = try t.reshape([1])
            } else if d != t.ndim - 1 {
                moved = try t.permute((0..<t.ndim).filter { $0 != d } + [d])
            }
            if let dtype { moved = try moved.to(dtype, recording: false) }
            return try moved.contiguous()
        }
    }

    /// The first element of the first lane.
    func pointer<T: TensorElement>(_: T.Type) -> UnsafePointer<T> {
        UnsafePointer(data.pointer(T.self) + data.storageOffset)
    }

    /// A new contiguous tensor for per-lane results, `width` elements per lane.
    func output(width: Int, dtype: DType) throws -> Tensor {
        try Tensor.empty(outerShape + [width], dtype)
    }

    /// A result made by `output(width:dtype:)` with its lanes put back along `dim`: the input's
    /// shape with `dim` of size `width` (0-d when the input is 0-d and `width` is 1). A fresh
    /// tensor, not a view.
    func restore(_ result: Tensor) throws -> Tensor {
        if inputShape.isEmpty && result.count == 1 { return Tensor(storage: result.storage, shape: []) }
        let n = inputShape.count
        if n == 0 { return Tensor(storage: result.storage, shape: [result.count]) }
        var inverse = [Int].filled(0, count: n)
        for (i, d) in ((0..<n).filter { $0 != dim } + [dim]).enumerated() { inverse[d] = i }
        return try noGrad {
            let permuted = try result.permute(inverse)
            if permuted.isContiguous { return Tensor(storage: result.storage, shape: permuted.shape) }
            return try permuted.clone()
        }
    }

    /// The shape of a one-element-per-lane result: the input's with `dim` removed, or kept as
    /// size 1 when `keepdim`.
    func reducedShape(keepdim: Bool) -> [Int] {
        if inputShape.isEmpty { return [] }
        var shape = inputShape
        if keepdim { shape[dim] = 1 } else { shape.remove(at: dim) }
        return shape
    }

    /// A one-element-per-lane result (`output(width: 1, ...)`) in `reducedShape(keepdim:)`.
    func reduced(_ result: Tensor, keepdim: Bool) -> Tensor {
        Tensor(storage: result.storage, shape: reducedShape(keepdim: keepdim))
    }
}

extension DType {
    /// The dtype sorting, selection and searching kernels compare in, exactly for every dtype:
    /// float16 and bfloat16 widen to float32, the narrow integers and bool to int64 (the
    /// conversions preserve order, and values convert back unchanged).
    var orderingKey: DType { self == .bool ? .int64 : compute }
}

/// 1 for a non-zero bit pattern, 0 for zero, as arithmetic: the top bit of v | -v. For the
/// compacting loops (nonzero, masked_select), which add it to a count or a place per element:
/// written `v != 0 ? 1 : 0`, the compiler made it a branch, mispredicted on about every other
/// element of a mask half true.
@inline(__always)
func nonzeroBit<Bits: FixedWidthInteger & UnsignedInteger>(_ v: Bits) -> Int {
    Int(truncatingIfNeeded: (v | (0 &- v)) >> (Bits.bitWidth &- 1))
}

/// Whether a value is NaN, for any comparable element (never for integers).
@inline(__always)
func isNaNValue<T: Comparable>(_ x: T) -> Bool { x != x }

/// A value and the position it came from: what PyTorch's sorting kernels move around.
struct Keyed<T> {
    var value: T
    var index: Int64
}

extension Tensor {
    /// The gradient of an op that picks elements along `dim` (sort, topk, kthvalue, median,
    /// mode): `g` (in the kept layout of `indices`) added at those indices into zeros of the
    /// input's shape. Differentiable (a scatter-add, whose own gradient is a gather).
    static func selectionGradient(_ g: Tensor, indices: Tensor, inputShape: [Int], dim: Int) throws -> Tensor {
        try Tensor.zeros(inputShape, dtype: g.dtype).scatterAdd(dim: dim, index: indices, source: g)
    }

    /// `"name" not implemented for 'Bool'`, PyTorch's refusal of a dtype by a kernel.
    static func notImplemented(_ name: String, _ dtype: DType) -> SwiftGradError {
        .dtype("\"\(name)\" not implemented for '\(dtype.scalarTypeName)'")
    }
}
