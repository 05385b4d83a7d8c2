/// More reductions, each forward beside its backward: any, all, count_nonzero, nansum, nanmean,
/// aminmax, var_mean, std_mean, dist, renorm and trace. Dimensioned ones go through `Reduction`
/// (an empty dims list means every dimension, as in PyTorch).
extension Tensor {
    // MARK: any, all, count_nonzero

    /// Whether any element over `dims` is non-zero (`torch.any`); a bool tensor (uint8 for
    /// uint8 input, as PyTorch). NaN counts as non-zero; an empty group gives false.
    public func any(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let result = try noGrad { try ne(0).sum(dims: dims, keepdim: keepdim).gt(0) }
        return dtype == .uint8 ? try result.to(.uint8, recording: false) : result
    }

    /// Whether every element over `dims` is non-zero (`torch.all`); a bool tensor (uint8 for
    /// uint8 input). An empty group gives true.
    public func all(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let result = try noGrad { try eq(0).sum(dims: dims, keepdim: keepdim).eq(0) }
        return dtype == .uint8 ? try result.to(.uint8, recording: false) : result
    }

    /// The number of non-zero elements over `dims` (`torch.count_nonzero`), int64.
    public func countNonzero(dims: [Int]) throws -> Tensor {
        try noGrad { try ne(0).sum(dims: dims) }
    }

    // MARK: nansum, nanmean

    /// The sum over `dims` treating NaN as zero (`torch.nansum`, NansumBackward0); int64 for
    /// integer and bool input. NaN elements get no gradient.
    public func nansum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        guard dtype.isFloatingPoint else { return try noGrad { try sum(dims: dims, keepdim: keepdim) } }
        let out = try noGrad { try Tensor.where(ne(self), Tensor.zeros([], dtype: dtype), self).sum(dims: dims, keepdim: keepdim) }
        return try out.recorded("NansumBackward0", input: self, saving: self) { g, ctx in
            let x = try ctx.saved(0)
            return Gradients(try Tensor.where(x.ne(x), Tensor.zeros([], dtype: g.dtype), r.expand(g)))
        }
    }

    /// The mean over `dims` of the elements that are not NaN (`torch.nanmean`): nansum divided
    /// by their count, in differentiable ops as PyTorch's (DivBackward0). NaN where every
    /// element of a group is NaN.
    /// - Throws: `.dtype` for integer and bool input.
    public func nanmean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("nanmean(): expected input to have floating point or complex dtype but got \(dtype.scalarTypeName)")
        }
        let present = try noGrad { try eq(self).sum(dims: dims, keepdim: keepdim).to(dtype, recording: false) }
        return try nansum(dims: dims, keepdim: keepdim).div(present)
    }

    // MARK: aminmax

    /// The minimum and maximum over `dim` (every dimension when nil) (`torch.aminmax`,
    /// AminmaxBackward0 for each); ties share the gradient evenly, as amin and amax.
    /// - Throws: `.invalidArgument` when reducing an empty dimension.
    public func aminmax(dim: Int? = nil, keepdim: Bool = false) throws -> (min: Tensor, max: Tensor) {
        var dims: [Int] = []
        if let dim {
            let d = try Shape.normalize(dim: dim, ndim: ndim)
            if ndim > 0 && shape[d] == 0 {
                throw SwiftGradError.invalidArgument("aminmax: Expected reduction dim \(d) to have non-zero size.")
            }
            dims = [d]
        } else if count == 0 {
            throw SwiftGradError.invalidArgument("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
        }
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        let low = try noGrad { try amin(dims: dims, keepdim: keepdim) }
        let high = try noGrad { try amax(dims: dims, keepdim: keepdim) }
        func record(_ result: Tensor) throws -> Tensor {
            try result.recorded("AminmaxBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                Gradients(try Tensor.sharedAmongExtrema(g, input: ctx.saved(0), result: ctx.saved(1), r))
            }
        }
        return (try record(low), try record(high))
    }

    /// `g` split evenly among the elements of each group equal to the group's extremum `result`
    /// (NaN counting as equal to a NaN result), the gradient of amax, amin and aminmax.
    static func sharedAmongExtrema(_ g: Tensor, input x: Tensor, result: Tensor, _ r: Reduction) throws -> Tensor {
        let value = try r.unsqueezed(result)
        let hits = try x.eq(value).logicalOr(x.ne(x).logicalAnd(value.ne(value))).to(g.dtype)
        let reduced = (0..<x.ndim).filter { r.reduced[$0] }
        return try hits.mul(r.unsqueezed(g).div(hits.sum(dims: reduced, keepdim: true)))
    }

    // MARK: var_mean, std_mean

    /// The variance and the mean over `dims` (`torch.var_mean`); see `variance`.
    /// - Throws: `.dtype` for integer and bool input.
    public func varMean(dims: [Int], correction: Double = 1, keepdim: Bool = false) throws -> (variance: Tensor, mean: Tensor) {
        try checkFloating("var_mean only support floating point and complex dtypes")
        return (try variance(dims: dims, correction: correction, keepdim: keepdim), try mean(dims: dims, keepdim: keepdim))
    }

    /// The standard deviation and the mean over `dims` (`torch.std_mean`); see `std`.
    /// - Throws: `.dtype` for integer and bool input.
    public func stdMean(dims: [Int], correction: Double = 1, keepdim: Bool = false) throws -> (std: Tensor, mean: Tensor) {
        try checkFloating("std_mean only support floating point and complex dtypes")
        return (try std(dims: dims, correction: correction, keepdim: keepdim), try mean(dims: dims, keepdim: keepdim))
    }

    // MARK: dist, renorm, trace

    /// The p-norm of `self - other`, broadcast (`torch.dist`, DistBackward0); p as in `norm`.
    public func dist(_ other: Tensor, p: Double = 2) throws -> Tensor {
        try Tensor.composite("DistBackward0", [self, other]) { xs in try xs[0].sub(xs[1]).norm(p: p, dims: []) }
    }

    /// Each slice along `dim` whose p-norm exceeds `maxnorm` scaled down to norm `maxnorm`
    /// (`torch.renorm`, RenormBackward0): multiplied by maxnorm / (norm + 1e-7), as PyTorch.
    /// - Throws: `.invalidArgument` for p <= 0, maxnorm < 0 or fewer than 2 dimensions; `.dtype`
    ///   for integer and bool input.
    public func renorm(p: Double, dim: Int, maxnorm: Double) throws -> Tensor {
        guard maxnorm >= 0 else {
            throw SwiftGradError.invalidArgument("renorm: expected maxnorm to be >= 0 but got \(formatPython(maxnorm))")
        }
        guard p > 0 else { throw SwiftGradError.invalidArgument("renorm: non-positive-norm not supported") }
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("renorm: input needs at least 2 dimensions, got \(ndim) dimensions")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let others = (0..<ndim).filter { $0 != d }
        return try Tensor.composite("RenormBackward0", [self]) { xs in
            let norm = try xs[0].norm(p: p, dims: others, keepdim: true)
            let one = try Tensor.ones([], dtype: norm.dtype)
            let factor = try Tensor.where(norm.gt(maxnorm), norm.add(1e-7).reciprocal().mul(maxnorm), one)
            return try xs[0].mul(factor)
        }
    }

    /// The sum of the main diagonal of a matrix (`torch.trace`, TraceBackward0); int64 for
    /// integer input. The gradient is the upstream value on the diagonal.
    /// - Throws: `.invalidArgument` unless 2-d; `.dtype` for bool.
    public func trace() throws -> Tensor {
        guard ndim == 2 else { throw SwiftGradError.invalidArgument("trace: expected a matrix, but got tensor with dim \(ndim)") }
        if dtype == .bool { throw Tensor.notImplemented("trace", dtype) }
        let out = try noGrad { try mul(Tensor.eye(shape[0], shape[1], dtype: dtype)).sum() }
        return try out.recorded("TraceBackward0", input: self) { g, ctx in
            let size = ctx.inputShape(0)
            return Gradients(try Tensor.eye(size[0], size[1], dtype: g.dtype).mul(g))
        }
    }
}

extension ValuesAndIndices {
    /// Two results that go out through the C ABI's pair of outputs: (min, max) of aminmax,
    /// (variance, mean) of var_mean, (std, mean) of std_mean.
    public init(_ pair: (Tensor, Tensor)) { self.init(values: pair.0, indices: pair.1) }
}
