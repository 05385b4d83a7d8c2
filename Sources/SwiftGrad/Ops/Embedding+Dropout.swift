/// Embeddings, one-hot encoding and the channel-wise and self-normalising dropouts of
/// `torch.nn.functional`.
extension Tensor {
    /// Rows `indices` of the table `self` [V, D], in the indices' shape followed by D
    /// (`F.embedding`, EmbeddingBackward0). The gradient adds each output row's gradient into
    /// its table row, except the row `paddingIdx` (which gets none), divided by how often the
    /// row is used when `scaleGradByFreq`.
    /// - Throws: `.shape` for a table that is not 2-d, `.dtype` for non-integer indices,
    ///   `.invalidArgument` for an index out of range.
    public func embedding(_ indices: Tensor, paddingIdx: Int = -1, scaleGradByFreq: Bool = false) throws -> Tensor {
        guard ndim == 2 else { throw SwiftGradError.shape("'weight' must be 2-D") }
        guard indices.dtype == .int64 else {
            throw SwiftGradError.dtype("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(indices.dtype.scalarTypeName) instead (while checking arguments for embedding)")
        }
        let rows = shape[0], width = shape[1]
        let values = try indices.contiguous().scalars(as: Int64.self)
        for v in values where v < 0 || v >= rows { throw SwiftGradError.invalidArgument("index out of range in self") }
        var uses = [Int: Int]()
        if scaleGradByFreq { for v in values { uses[Int(v), default: 0] += 1 } }
        let flat = try Tensor.indexConstant(values, shape: [values.count])
        let out = try noGrad { try index([flat]).reshape(indices.shape + [width]) }
        return try out.recorded("EmbeddingBackward0", input: self) { g, ctx in
            // Each row's factor: 0 for the padding row, 1 / uses with scale_grad_by_freq.
            let factors = values.map { v -> Double in
                if Int(v) == paddingIdx { return 0 }
                return scaleGradByFreq ? 1 / Double(uses[Int(v)] ?? 1) : 1
            }
            let scale = try Tensor.lossConstant(factors, shape: [values.count, 1], dtype: g.dtype)
            let rowsGradient = try g.reshape([values.count, width]).mul(scale)
            let target = try flat.reshape([values.count, 1]).expand([values.count, width]).contiguous()
            return [try Tensor.zeros(ctx.inputShape(0), dtype: g.dtype).scatterAdd(dim: 0, index: target, source: rowsGradient)]
        }
    }

    /// Rescales, in place and outside autograd, each row of the table `self` that `indices` use
    /// whose p-norm exceeds `maxNorm` to norm `maxNorm` (`torch.embedding_renorm_`, what
    /// `F.embedding(max_norm=)` does first): `row * maxNorm / (norm + 1e-7)`.
    /// - Throws: as `embedding`'s index checks.
    @discardableResult
    public func embeddingRenorm_(_ indices: Tensor, maxNorm: Double, normType: Double = 2) throws -> Tensor {
        guard ndim == 2 else { throw SwiftGradError.shape("'weight' must be 2-D") }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"embedding_renorm_cpu_\" not implemented for '\(dtype.scalarTypeName)'")
        }
        guard indices.dtype == .int64 else {
            throw SwiftGradError.dtype("Expected tensor for argument #2 'indices' to have one of the following scalar types: Long, Int; but got \(indices.dtype.scalarTypeName) instead (while checking arguments for embedding_renorm_)")
        }
        let rows = shape[0]
        let values = try indices.contiguous().scalars(as: Int64.self)
        for v in values where v < 0 || v >= rows { throw SwiftGradError.invalidArgument("index out of range in self") }
        try noGrad {
            for row in Set(values.map(Int.init)).sorted() {
                let line = try select(dim: 0, index: row)
                let norm = try line.anyNorm(p: normType, dims: [], keepdim: false).item()
                if norm > maxNorm {
                    storage.version &+= 1
                    let scaled = try line.mul(maxNorm / (norm + 1e-7))
                    Kernels.convert(from: scaled, into: line)
                }
            }
        }
        return self
    }

    /// One-hot encoding of int64 class indices: shape `self.shape + [numClasses]`, int64
    /// (`F.one_hot`); numClasses -1 takes the largest index + 1.
    /// - Throws: `.dtype` for non-int64 input; `.invalidArgument` for negative indices, indices
    ///   not below numClasses, or -1 with an empty tensor.
    public func oneHot(numClasses: Int = -1) throws -> Tensor {
        guard dtype == .int64 else {
            throw SwiftGradError.dtype("one_hot is only applicable to index tensor of type LongTensor.")
        }
        let values = try contiguous().scalars(as: Int64.self)
        var classes = numClasses
        if classes == -1 {
            guard let largest = values.max() else {
                throw SwiftGradError.invalidArgument("Can not infer total number of classes from empty tensor.")
            }
            guard largest < Int64.max else { throw SwiftGradError.invalidArgument("Class values must be smaller than num_classes.") }
            classes = Int(largest) + 1
        }
        guard classes >= 0 else { throw SwiftGradError.invalidArgument("num_classes should be positive") }
        if let smallest = values.min(), smallest < 0 {
            throw SwiftGradError.invalidArgument("Class values must be non-negative.")
        }
        if let largest = values.max(), largest >= classes {
            throw SwiftGradError.invalidArgument("Class values must be smaller than num_classes.")
        }
        let out = try Tensor.zeros(shape + [classes], dtype: .int64)
        let p = out.pointer(Int64.self)
        for (i, v) in values.enumerated() { p[i &* classes &+ Int(v)] = 1 }
        return out
    }

    /// Channel-wise dropout (`F.dropout2d`, `F.dropout3d`, the features of `F.feature_alpha_dropout`):
    /// one Bernoulli(1 - p) draw per [N, C] channel of a tensor of 2 or more dimensions. Plain
    /// dropout scales kept channels by 1 / (1 - p); with `alpha`, dropped channels take SELU's
    /// negative saturation, rescaled to keep mean and variance (as `alphaDropout`). Without
    /// `training`, or with p = 0, the input itself comes back.
    /// - Throws: `.invalidArgument` for p outside [0, 1] or fewer than 2 dimensions.
    public func featureDropout(p: Double, training: Bool, alpha: Bool = false, generator: Generator = .default) throws -> Tensor {
        guard p >= 0, p <= 1 else {
            throw SwiftGradError.invalidArgument("dropout probability has to be between 0 and 1, but got \(formatPython(p))")
        }
        return try dropoutWithNoise(p: p, training: training, alpha: alpha, feature: true, generator: generator)
    }

    /// Alpha dropout (`F.alpha_dropout`): each element dropped with probability p takes SELU's
    /// negative saturation, and the result is rescaled so that a standard normal input keeps
    /// mean 0 and variance 1. Without `training`, or with p = 0, the input itself comes back.
    /// - Throws: `.invalidArgument` for p outside [0, 1].
    public func alphaDropout(p: Double, training: Bool, generator: Generator = .default) throws -> Tensor {
        guard p >= 0, p <= 1 else {
            throw SwiftGradError.invalidArgument("dropout probability has to be between 0 and 1, but got \(formatPython(p))")
        }
        return try dropoutWithNoise(p: p, training: training, alpha: true, feature: false, generator: generator)
    }

    /// PyTorch's `_dropout_impl`: `x * noise` (+ `b` for alpha dropout) with Bernoulli noise
    /// per element, or per [N, C] channel with `feature`, broadcast over the input.
    private func dropoutWithNoise(p: Double, training: Bool, alpha: Bool, feature: Bool,
                                  generator: Generator) throws -> Tensor {
        if p == 0 || !training || count == 0 { return self }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("result type Float can't be cast to the desired output type \(dtype.scalarTypeName)")
        }
        if p == 1 { return try mul(Tensor.zeros([], dtype: dtype)) }
        var noiseShape = shape
        if feature {
            guard ndim >= 2 else {
                throw SwiftGradError.invalidArgument("Feature dropout requires at least 2 dimensions in the input")
            }
            noiseShape = [Int](repeating: 1, count: ndim)
            noiseShape[0] = shape[0]
            noiseShape[1] = shape[1]
        }
        let keep = try noGrad { try Tensor.rand(noiseShape, dtype: dtype, generator: generator).lt(1 - p).to(dtype) }
        if !alpha { return try mul(noGrad { try keep.div(1 - p) }) }
        let selu = 1.7580993408473766
        let a = 1 / ((selu * selu * p + 1) * (1 - p)).squareRoot()
        let b = try noGrad { try keep.sub(1).mul(selu * a).add(selu * a * p) }
        return try mul(noGrad { try keep.mul(a) }).add(b)
    }
}
