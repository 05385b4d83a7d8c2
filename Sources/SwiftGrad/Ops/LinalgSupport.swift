/// What the linear-algebra ops share: the small differentiable matrix helpers their backward
/// rules are written in (transpose of the last two dimensions, triangular parts, diagonals).
/// Their several-output ops (qr, svd, eigh, lu, slogdet) record through `Tensor.recordOutputs`
/// (Autograd/MultiOutputNode.swift).
extension Tensor {
    // MARK: Matrix helpers (differentiable)

    /// The transpose of the last two dimensions (`.mT`).
    var mT: Tensor { get throws { try transpose(-2, -1) } }

    /// The lower triangle from diagonal `k` down (`tril(k)`), as a product with a constant mask.
    func lowerTriangle(_ k: Int = 0) throws -> Tensor { try mul(Tensor.triangleMask(shape, dtype, lower: true, k)) }

    /// The upper triangle from diagonal `k` up (`triu(k)`).
    func upperTriangle(_ k: Int = 0) throws -> Tensor { try mul(Tensor.triangleMask(shape, dtype, lower: false, k)) }

    /// A [rows, cols] mask of ones on the lower (j - i <= k) or upper (j - i >= k) triangle.
    static func triangleMask(_ shape: [Int], _ dtype: DType, lower: Bool, _ k: Int) throws -> Tensor {
        let rows = shape.count >= 2 ? shape[shape.count - 2] : 1, cols = shape.last ?? 1
        var values = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols where lower ? j - i <= k : j - i >= k { values[i * cols + j] = 1 }
        }
        return try Tensor.fromDoubles(values, [rows, cols], dtype)
    }

    /// A new tensor of `shape` holding `values` (row-major) in `dtype`.
    static func fromDoubles(_ values: [Double], _ shape: [Int], _ dtype: DType) throws -> Tensor {
        let t = try Tensor.empty(shape, .float64)
        let p = t.pointer(Double.self)
        for (i, v) in values.enumerated() { p[i] = v }
        return dtype == .float64 ? t : try noGrad { try t.to(dtype) }
    }

    /// The diagonal of the last two dimensions with `offset` as a view (`diagonal(offset, dim1,
    /// dim2)`, DiagonalBackward0); the diagonal becomes the last dimension.
    public func matrixDiagonal(offset: Int = 0, dim1: Int = -2, dim2: Int = -1) throws -> Tensor {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("diagonal dimensions requires ndim larger than 1, but got ndim = \(ndim)")
        }
        let d1 = try Shape.normalize(dim: dim1, ndim: ndim), d2 = try Shape.normalize(dim: dim2, ndim: ndim)
        guard d1 != d2 else {
            throw SwiftGradError.invalidArgument("diagonal dimensions cannot be identical \(dim1), \(dim2)")
        }
        var length: Int, start = storageOffset
        if offset >= 0 {
            length = Swift.max(Swift.min(shape[d1], shape[d2] - offset), 0)
            if length > 0 { start += offset * strides[d2] }
        } else {
            length = Swift.max(Swift.min(shape[d1] + offset, shape[d2]), 0)
            if length > 0 { start -= offset * strides[d1] }
        }
        var newShape: [Int] = [], newStrides: [Int] = []
        for d in 0..<ndim where d != d1 && d != d2 {
            newShape.append(shape[d])
            newStrides.append(strides[d])
        }
        newShape.append(length)
        newStrides.append(strides[d1] + strides[d2])
        return try aliased(shape: newShape, strides: newStrides, offset: start)
            .recorded("DiagonalBackward0", input: self) { g, ctx in
                [try g.embedded(into: ctx.inputShape(0), name: "DiagonalBackwardBackward0") {
                    try $0.matrixDiagonal(offset: offset, dim1: d1, dim2: d2)
                }]
            }
    }

    /// Vectors [..., n] as diagonal matrices [..., n, n] (`torch.diag_embed`, DiagEmbedBackward0).
    func diagEmbedded() throws -> Tensor {
        let n = shape.last ?? 1
        return try embedded(into: (ndim == 0 ? [] : Array(shape.dropLast())) + [n, n], name: "DiagEmbedBackward0") {
            try $0.matrixDiagonal()
        }
    }

    /// The sizes of a batch of matrices [..., m, n] past the batch, checked to be a matrix.
    func checkMatrix(_ op: String, square: Bool = false, name: String = "A") throws {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("\(op): The input tensor \(name) must have at least 2 dimensions.")
        }
        if square && shape[ndim - 1] != shape[ndim - 2] {
            throw SwiftGradError.invalidArgument("\(op): \(name) must be batches of square matrices, but they are \(shape[ndim - 2]) by \(shape[ndim - 1]) matrices")
        }
    }

    /// Checks a floating dtype for a LAPACK-backed op, with PyTorch's wording.
    func checkLinalgFloating(_ op: String) throws {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\(op): Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
    }

    /// The batch dimensions (all but the last two).
    var batchShape: [Int] { Array(shape.dropLast(2)) }
}

extension Tensor {
    /// A string option passed through the C ABI as its index in `names` (qr's mode, lstsq's
    /// driver, ...), checked.
    public static func linalgOption(_ code: Int, _ names: [String], _ what: String) throws -> String {
        guard code >= 0 && code < names.count else {
            throw SwiftGradError.invalidArgument("\(what): option code \(code) is not one of 0...\(names.count - 1) (\(names.joined(separator: ", ")))")
        }
        return names[code]
    }
}
