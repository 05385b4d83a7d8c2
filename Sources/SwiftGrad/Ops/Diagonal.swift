/// Diagonals: the `diagonal` view, `diag_embed` (its inverse, a copy), `diag`, `diagflat`, and
/// the scatters that write a tensor through a view of a copy (`diagonal_scatter`,
/// `select_scatter`, `slice_scatter`).
extension Tensor {
    /// The length of the diagonal `offset` of a `rows` x `cols` plane (0 when it misses it),
    /// without overflowing for any offset.
    private static func diagonalLength(_ rows: Int, _ cols: Int, offset: Int) -> Int {
        if offset >= 0 { return offset >= cols ? 0 : Swift.min(rows, cols - offset) }
        return offset <= -rows ? 0 : Swift.min(rows + offset, cols)
    }

    private func diagonalDims(_ dim1: Int, _ dim2: Int, ndim rank: Int) throws -> (Int, Int) {
        let d1 = try Shape.normalize(dim: dim1, ndim: rank), d2 = try Shape.normalize(dim: dim2, ndim: rank)
        guard d1 != d2 else {
            throw SwiftGradError.invalidArgument("diagonal dimensions cannot be identical \(dim1), \(dim2)")
        }
        return (d1, d2)
    }

    /// The view of the diagonal (not recorded).
    private func diagonalView(_ offset: Int, _ d1: Int, _ d2: Int) -> Tensor {
        let length = Tensor.diagonalLength(shape[d1], shape[d2], offset: offset)
        var start = storageOffset
        if length > 0 { start &+= offset >= 0 ? offset &* strides[d2] : (0 &- offset) &* strides[d1] }
        var newShape: [Int] = [], newStrides: [Int] = []
        for d in 0..<ndim where d != d1 && d != d2 {
            newShape.append(shape[d])
            newStrides.append(strides[d])
        }
        newShape.append(length)
        newStrides.append(strides[d1] &+ strides[d2])
        return aliased(shape: newShape, strides: newStrides, offset: start)
    }

    /// The gradient of a diagonal: zeros of `shape` with `g` on the diagonal.
    private static func diagonalBackward(_ g: Tensor, _ shape: [Int], _ offset: Int, _ d1: Int, _ d2: Int) throws -> Tensor {
        try g.embedded(into: shape, name: "DiagonalBackwardBackward0") { try $0.diagonal(offset: offset, dim1: d1, dim2: d2) }
    }

    /// The elements (i, i + offset) of dimensions `dim1` and `dim2`, as a view whose last
    /// dimension runs along the diagonal and which drops those two (`torch.diagonal`,
    /// DiagonalBackward0). A positive offset is above the main diagonal, a negative one below.
    /// - Throws: `.invalidArgument` for dimensions out of range or identical.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        let (d1, d2) = try diagonalDims(dim1, dim2, ndim: ndim)
        return try diagonalView(offset, d1, d2).recorded("DiagonalBackward0", input: self) { g, ctx in
            Gradients(try Tensor.diagonalBackward(g, ctx.inputShape(0), offset, d1, d2))
        }
    }

    /// `diagonal` as a copy (`torch.diagonal_copy`, DiagonalBackward0_copy).
    public func diagonalCopy(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        let (d1, d2) = try diagonalDims(dim1, dim2, ndim: ndim)
        return try Tensor.materialized(diagonalView(offset, d1, d2)).recorded("DiagonalBackward0_copy", input: self) { g, ctx in
            Gradients(try Tensor.diagonalBackward(g, ctx.inputShape(0), offset, d1, d2))
        }
    }

    /// A tensor with one more dimension whose diagonals (`offset`, in the plane of `dim1` and
    /// `dim2` of the result) hold the last dimension of this one, zeros elsewhere
    /// (`torch.diag_embed`, DiagEmbedBackward0).
    /// - Throws: `.invalidArgument` for a 0-d tensor, dimensions out of range or identical, or
    ///   a size that overflows.
    public func diagEmbed(offset: Int = 0, dim1: Int = -2, dim2: Int = -1) throws -> Tensor {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("Dimension specified as -1 but tensor has no dimensions") }
        let (d1, d2) = try diagonalDims(dim1, dim2, ndim: ndim + 1)
        let (length, overflow) = shape[ndim - 1].addingReportingOverflow(Int(truncatingIfNeeded: offset.magnitude))
        guard !overflow, offset != Int.min else {
            throw SwiftGradError.invalidArgument("diag_embed: offset \(offset) makes the result's size overflow")
        }
        var newShape = Array(shape.dropLast())
        newShape.insert(length, at: Swift.min(d1, d2))
        newShape.insert(length, at: Swift.max(d1, d2))
        _ = try Shape.validate(newShape, itemSize: dtype.itemSize)
        let out = try Tensor.zeros(newShape, dtype: dtype)
        Kernels.convert(from: self, into: out.diagonalView(offset, d1, d2))
        return try out.recorded("DiagEmbedBackward0", input: self) { g, _ in
            Gradients(try g.diagonal(offset: offset, dim1: d1, dim2: d2))
        }
    }

    /// A 1-d tensor as the diagonal `diagonal` of a square matrix, or the diagonal of a matrix
    /// as a 1-d copy (`torch.diag`).
    /// - Throws: `.invalidArgument` for other numbers of dimensions.
    public func diag(_ diagonal: Int = 0) throws -> Tensor {
        switch ndim {
        case 1: return try diagEmbed(offset: diagonal, dim1: 0, dim2: 1)
        case 2: return try diagonalCopy(offset: diagonal, dim1: 0, dim2: 1)
        default: throw SwiftGradError.invalidArgument("diag(): Supports 1D or 2D tensors. Got \(ndim)D")
        }
    }

    /// The flattened tensor as the diagonal `offset` of a square matrix (`torch.diagflat`).
    public func diagflat(offset: Int = 0) throws -> Tensor {
        try contiguous().view([-1]).diag(offset)
    }

    // MARK: scatters

    /// A copy of this tensor with `src` written through `view` of the copy (the forward of the
    /// *_scatter ops). `src` must have the view's shape; it is converted to this dtype.
    private func scattered(_ src: Tensor, through view: (Tensor) throws -> Tensor) throws -> Tensor {
        let out = try Tensor.materialized(self)
        let slice = try noGrad { try view(out) }
        guard slice.shape == src.shape else {
            throw SwiftGradError.shape("expected src to have a size equal to the slice of self. src size = \(Shape.describe(src.shape)), slice size = \(Shape.describe(slice.shape))")
        }
        Kernels.convert(from: src, into: slice)
        return out
    }

    /// The gradients of a scatter: the output's gradient with the written part zeroed (for the
    /// input, through `scatter`), and the written part (for `src`, in its dtype).
    private static func scatterGradients(_ g: Tensor, _ ctx: OpNode, srcShape: [Int],
                                         scatter: (Tensor, Tensor) throws -> Tensor,
                                         view: (Tensor) throws -> Tensor) throws -> Gradients {
        let input = ctx.needsGrad(0) ? try scatter(g, try Tensor.zeros(srcShape, dtype: g.dtype)) : nil
        let src = ctx.needsGrad(1) ? try view(g).to(ctx.inputDType(1)) : nil
        return Gradients(input, src)
    }

    /// A copy of this tensor with `src` written on the diagonal `offset` of dimensions `dim1`
    /// and `dim2` (`torch.diagonal_scatter`, DiagonalScatterBackward0).
    /// - Throws: `.shape` unless `src` has the diagonal's shape, and `diagonal`'s errors.
    public func diagonalScatter(_ src: Tensor, offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        let (d1, d2) = try diagonalDims(dim1, dim2, ndim: ndim)
        let srcShape = src.shape
        return try scattered(src) { $0.diagonalView(offset, d1, d2) }
            .recorded("DiagonalScatterBackward0", input: self, src) { g, ctx in
                try Tensor.scatterGradients(g, ctx, srcShape: srcShape,
                                            scatter: { try $0.diagonalScatter($1, offset: offset, dim1: d1, dim2: d2) },
                                            view: { try $0.diagonal(offset: offset, dim1: d1, dim2: d2) })
            }
    }

    /// A copy of this tensor with `src` written at `index` along `dim`
    /// (`torch.select_scatter`, SelectScatterBackward0).
    public func selectScatter(_ src: Tensor, dim: Int, index: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let srcShape = src.shape
        let i = index < 0 && ndim > 0 ? index &+ shape[d] : index
        return try scattered(src) { try $0.select(dim: d, index: index) }
            .recorded("SelectScatterBackward0", input: self, src) { g, ctx in
                try Tensor.scatterGradients(g, ctx, srcShape: srcShape,
                                            scatter: { try $0.selectScatter($1, dim: d, index: i) },
                                            view: { try $0.select(dim: d, index: i) })
            }
    }

    /// A copy of this tensor with `src` written into the slice `start..<end` by `step` of `dim`
    /// (Python slice bounds: nil for the ends, negative from the end, clamped)
    /// (`torch.slice_scatter`, SliceScatterBackward0).
    public func sliceScatter(_ src: Tensor, dim: Int = 0, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let srcShape = src.shape
        return try scattered(src) { try $0.slice(dim: dim, start: start, end: end, step: step) }
            .recorded("SliceScatterBackward0", input: self, src) { g, ctx in
                try Tensor.scatterGradients(g, ctx, srcShape: srcShape,
                                            scatter: { try $0.sliceScatter($1, dim: dim, start: start, end: end, step: step) },
                                            view: { try $0.slice(dim: dim, start: start, end: end, step: step) })
            }
    }
}
