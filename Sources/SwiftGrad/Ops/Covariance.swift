/// Covariance and correlation matrices (`torch.cov`, `torch.corrcoef`), written as PyTorch's
/// Correlation.cpp in differentiable ops, so that gradients reach the input and the weights.
extension Tensor {
    /// The covariance of the variables in the rows of `self` (a 1-d tensor is one variable),
    /// observed in its columns (`torch.cov`), with Bessel's `correction`, integer frequency
    /// weights `fweights` and floating observation weights `aweights`. A single variable gives
    /// a 0-d result. Degrees of freedom <= 0 give inf/nan, as in PyTorch.
    /// - Throws: `.invalidArgument` for more than two dimensions, weights of the wrong shape or
    ///   negative weights, weights summing to zero; `.dtype` for bool input or weights of the
    ///   wrong kind.
    public func cov(correction: Int = 1, fweights: Tensor? = nil, aweights: Tensor? = nil) throws -> Tensor {
        guard ndim <= 2 else {
            throw SwiftGradError.invalidArgument("cov(): expected input to have two or fewer dimensions but got an input with \(ndim) dimensions")
        }
        guard dtype != .bool else { throw SwiftGradError.dtype("cov(): bool dtype is not supported for input") }
        var input = ndim < 2 ? try reshape([1, -1]) : self
        let observations = input.shape[1]
        var w: Tensor?
        if let fweights {
            guard fweights.ndim <= 1 else {
                throw SwiftGradError.invalidArgument("cov(): expected fweights to have one or fewer dimensions but got fweights with \(fweights.ndim) dimensions")
            }
            guard fweights.dtype.isIndexType else {
                throw SwiftGradError.dtype("cov(): expected fweights to have integral dtype but got fweights with \(fweights.dtype.scalarTypeName) dtype")
            }
            guard fweights.count == observations else {
                throw SwiftGradError.invalidArgument("cov(): expected fweights to have the same numel as there are observations in the input but got \(fweights.count) != \(observations)")
            }
            let smallest = try fweights.scalars(as: Int64.self).min() ?? 0
            guard observations == 0 || smallest >= 0 else {
                throw SwiftGradError.invalidArgument("cov(): fweights cannot be negative")
            }
            w = fweights
        }
        if let aweights {
            guard aweights.ndim <= 1 else {
                throw SwiftGradError.invalidArgument("cov(): expected aweights to have one or fewer dimensions but got aweights with \(aweights.ndim) dimensions")
            }
            guard aweights.dtype.isFloatingPoint else {
                throw SwiftGradError.dtype("cov(): expected aweights to have floating point dtype but got aweights with \(aweights.dtype.scalarTypeName) dtype")
            }
            guard aweights.count == observations else {
                throw SwiftGradError.invalidArgument("cov(): expected aweights to have the same numel as there are observations in the input but got \(aweights.count) != \(observations)")
            }
            let negative = try aweights.scalars(as: Double.self).contains { $0 < 0 }
            guard observations == 0 || !negative else {
                throw SwiftGradError.invalidArgument("cov(): aweights cannot be negative")
            }
            w = try w.map { try $0.mul(aweights) } ?? aweights
        }
        let wSum = try w?.sum() ?? Tensor(scalar: Int64(observations))
        if w != nil, try wSum.item() == 0 {
            throw SwiftGradError.invalidArgument("cov(): weights sum to zero, can't be normalized")
        }
        let average = try (w.map { try input.mul($0) } ?? input).sum(dims: [1]).div(wSum)
        var normFactor: Tensor
        if w == nil {
            let (degrees, overflow) = observations.subtractingReportingOverflow(correction)
            guard !overflow else { throw SwiftGradError.invalidArgument("cov(): correction \(correction) is out of range") }
            normFactor = try Tensor(scalar: Int64(degrees))
        } else if correction == 0 {
            normFactor = wSum
        } else if let aweights, let w {
            if fweights == nil && observations == 1 && correction == 1 {
                normFactor = try Tensor(scalar: Int64(0))
            } else {
                normFactor = try wSum.sub(w.mul(aweights).sum().mul(Tensor.scalar(Int64(correction))).div(wSum))
            }
        } else {
            normFactor = try wSum.sub(Tensor.scalar(Int64(correction)))
        }
        if try normFactor.item() <= 0 {
            // PyTorch warns ("degrees of freedom is <= 0") and divides by zero.
            normFactor = try normFactor.zerosLike()
        }
        if observations == 1 && (fweights != nil) != (aweights != nil) {
            // PyTorch zeroes the centred input here (one observation equals its weighted mean).
            input = try Tensor.zeros(input.shape, dtype: input.dtype.isFloatingPoint ? input.dtype : .float32)
        } else {
            input = try input.sub(average.unsqueeze(dim: 1))
        }
        let weighted = try w.map { try input.mul($0) } ?? input
        return try input.mm(weighted.transpose(0, 1)).div(normFactor).squeeze()
    }

    /// The Pearson correlation coefficients of the variables in the rows of `self`
    /// (`torch.corrcoef`): the covariance normalised by the standard deviations, clipped to
    /// [-1, 1]. A single variable gives `c / c` (1, or nan for a constant variable).
    public func corrcoef() throws -> Tensor {
        guard ndim <= 2 else {
            throw SwiftGradError.invalidArgument("corrcoef(): expected input to have two or fewer dimensions but got an input with \(ndim) dimensions")
        }
        var c = try cov()
        if c.ndim == 0 { return try c.div(c) }
        let stddev = try c.diagonalAlias(0, 1).sqrt()
        c = try c.div(stddev.reshape([-1, 1]))
        c = try c.div(stddev.reshape([1, -1]))
        return try c.clamp(min: -1, max: 1)
    }
}
