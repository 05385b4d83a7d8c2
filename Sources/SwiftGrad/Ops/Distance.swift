/// Distances and normalisations of `torch.nn.functional`: normalize, cosine_similarity, pdist,
/// bilinear, local_response_norm, and the p-norm they share (any p, negative and 0 included).
/// Each is composed of differentiable ops as PyTorch's is (pdist is one node, PdistBackward0),
/// so gradients, and their gradients, follow.
extension Tensor {
    /// The vector p-norm over `dims` for any p: the positive ones (and infinity) through
    /// `norm`, p = 0 the count of non-zero elements (gradient 0), a negative p
    /// `(sum |x|^p)^(1/p)`, and -infinity the smallest magnitude.
    func anyNorm(p: Double, dims: [Int], keepdim: Bool) throws -> Tensor {
        if p > 0 { return try norm(p: p, dims: dims, keepdim: keepdim) }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
        if p == 0 {
            let count = try noGrad { try ne(0).to(dtype, recording: false).sum(dims: dims, keepdim: keepdim) }
            return try abs().mul(0).sum(dims: dims, keepdim: keepdim).add(count)
        }
        if p == -.infinity { return try abs().amin(dims: dims, keepdim: keepdim) }
        return try abs().pow(p).sum(dims: dims, keepdim: keepdim).pow(1 / p)
    }

    /// `input / max(||input||_p, eps)` along `dim` (`F.normalize`), composed as PyTorch's.
    public func normalize(p: Double = 2, dim: Int = 1, eps: Double = 1e-12) throws -> Tensor {
        if ndim == 0 {
            let d = try Shape.normalize(dim: dim, ndim: 1)
            return try reshape([1]).normalize(p: p, dim: d, eps: eps).reshape([])
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        return try div(anyNorm(p: p, dims: [d], keepdim: true).clamp(min: eps).expand(shape))
    }

    /// The cosine of the angle between `x1` and `x2` along `dim`, the two broadcast together
    /// (`F.cosine_similarity`): `sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps)))`, the
    /// norms clamped in the forward only, as PyTorch's.
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) throws -> Tensor {
        let shape = try Shape.broadcast(x1.shape, x2.shape)
        let common = TypePromotion.resultType(x1, x2)
        let floating = common.isFloatingPoint ? common : DType.defaultFloating
        var a = try x1.to(floating).expand(shape), b = try x2.to(floating).expand(shape)
        if shape.isEmpty {
            _ = try Shape.normalize(dim: dim, ndim: 1)
            a = try a.reshape([1])
            b = try b.reshape([1])
            return try cosineSimilarity(a, b, dim: 0, eps: eps).reshape([])
        }
        let d = try Shape.normalize(dim: dim, ndim: shape.count)
        let na = try a.norm(p: 2, dims: [d], keepdim: true).clampedWithoutGradient(min: eps)
        let nb = try b.norm(p: 2, dims: [d], keepdim: true).clampedWithoutGradient(min: eps)
        return try a.div(na).mul(b.div(nb)).sum(dims: [d])
    }

    /// The p-norm distances between every pair of rows i < j of an [N, M] tensor, in row-major
    /// order of the pairs (`F.pdist`, PdistBackward0).
    /// - Throws: `.shape` for a tensor that is not 2-d, `.invalidArgument` for a negative p,
    ///   `.dtype` for a non-floating tensor.
    public func pdist(p: Double = 2) throws -> Tensor {
        guard ndim == 2 else { throw SwiftGradError.shape("pdist only supports 2D tensors, got: \(ndim)D") }
        guard dtype.isFloatingPoint else { throw SwiftGradError.dtype("pdist only supports floating-point dtypes") }
        guard p >= 0 else { throw SwiftGradError.invalidArgument("pdist only supports non-negative p values") }
        let n = shape[0]
        var first: [Int64] = [], second: [Int64] = []
        if n > 1 {
            first.reserveCapacity(n * (n - 1) / 2)
            second.reserveCapacity(n * (n - 1) / 2)
            for i in 0..<n { for j in (i + 1)..<n { first.append(Int64(i)); second.append(Int64(j)) } }
        }
        let rowsI = try Tensor.indexConstant(first, shape: [first.count])
        let rowsJ = try Tensor.indexConstant(second, shape: [second.count])
        return try Tensor.composite("PdistBackward0", [self]) { xs in
            let difference = try xs[0].index([rowsI]).sub(xs[0].index([rowsJ]))
            return try difference.anyNorm(p: p, dims: [1], keepdim: false)
        }
    }

    /// `x1^T W x2 + b` for each pair of rows (`F.bilinear`): x1 [..., in1], x2 [..., in2],
    /// weight [out, in1, in2], bias [out] (optional), giving [..., out].
    /// - Throws: `.shape` for inputs whose dimensions or sizes do not match the weight.
    public static func bilinear(_ x1: Tensor, _ x2: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard x1.ndim == x2.ndim else {
            throw SwiftGradError.shape("bilinear(): input dimensions do not match: got \(x1.ndim) and \(x2.ndim)")
        }
        guard x1.ndim >= 1 else { throw SwiftGradError.shape("bilinear(): input must have at least one dimension") }
        guard Array(x1.shape.dropLast()) == Array(x2.shape.dropLast()) else {
            throw SwiftGradError.shape("bilinear(): input batch dimensions do not match: got \(Shape.describe(Array(x1.shape.dropLast()))) and \(Shape.describe(Array(x2.shape.dropLast())))")
        }
        guard weight.ndim == 3 else {
            throw SwiftGradError.shape("bilinear(): weight must be three-dimensional, but got \(weight.ndim)")
        }
        guard x1.shape.last! == weight.shape[1] else {
            throw SwiftGradError.shape("bilinear(): input1 size does not match weight size: got \(x1.shape.last!) but expected \(weight.shape[1])")
        }
        guard x2.shape.last! == weight.shape[2] else {
            throw SwiftGradError.shape("bilinear(): input2 size does not match weight size: got \(x2.shape.last!) but expected \(weight.shape[2])")
        }
        let out = weight.shape[0], in1 = weight.shape[1], in2 = weight.shape[2]
        if let bias, bias.ndim != 1 || bias.shape[0] != out {
            throw SwiftGradError.shape("bilinear(): bias size does not match weight size: got \(bias.shape.last ?? 0) but expected \(out)")
        }
        let batch = Array(x1.shape.dropLast())
        let a = try x1.reshape([-1, in1]), b = try x2.reshape([-1, in2])
        // (a @ W') viewed [B, out, in2], times b, summed over in2: W' is W as [in1, out * in2].
        let projected = try a.matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2])).reshape([-1, out, in2])
        var y = try projected.mul(b.unsqueeze(dim: 1)).sum(dims: [2])
        if let bias { y = try y.add(bias) }
        return try y.reshape(batch + [out])
    }

    /// Local response normalisation over channels (`F.local_response_norm`):
    /// `x / (k + alpha * mean of x^2 over a window of `size` channels)^beta`, the window padded
    /// with zeros (size / 2 before, (size - 1) / 2 after) and always divided by `size`, as
    /// PyTorch's average pooling does. Input [N, C, ...] of 3 or more dimensions.
    /// - Throws: `.shape` for fewer than 3 dimensions.
    public func localResponseNorm(size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) throws -> Tensor {
        guard ndim >= 3 else {
            throw SwiftGradError.shape("Expected 3D or higher dimensionality input (got \(ndim) dimensions)")
        }
        guard size > 0 else { throw SwiftGradError.invalidArgument("local_response_norm: size must be positive, got \(size)") }
        if count == 0 { return self }
        let channels = shape[1]
        let squares = try mul(self)
        let padded = try squares.constantPadNd(pad: [Int](repeating: 0, count: 2 * (ndim - 2)) + [size / 2, (size - 1) / 2], value: 0)
        var window = try padded.narrow(dim: 1, start: 0, length: channels)
        if size > 1 {
            for s in 1..<size { window = try window.add(padded.narrow(dim: 1, start: s, length: channels)) }
        }
        let divisor = try window.div(Double(size)).mul(alpha).add(k).pow(beta)
        return try div(divisor)
    }
}
