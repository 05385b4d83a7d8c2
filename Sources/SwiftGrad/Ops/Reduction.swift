extension Tensor {
    /// The sum of all elements, a 0-d tensor (`torch.sum`, SumBackward0). Integer and bool
    /// tensors sum to int64.
    public func sum() throws -> Tensor {
        try Kernels.sumAll(self).recorded("SumBackward0", inputs: [self]) { g, ctx in
            [try g.expand(ctx.inputShape(0))]
        }
    }

    /// The sum over `dims` (negative counts from the end), keeping them as size 1 when
    /// `keepdim` (`torch.sum(dim=..., keepdim=...)`, SumBackward1). An empty list sums over
    /// every dimension, as in PyTorch.
    /// - Throws: `.invalidArgument` for a dimension out of range or listed twice.
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let reduced = try reductionMask(dims)
        var kept = shape
        for d in 0..<ndim where reduced[d] { kept[d] = 1 }
        let summed = try Kernels.sum(self, reduced: reduced, keptShape: kept)
        // Dropping the reduced size-1 dimensions of a fresh result is a relabelling, not a view.
        let out = keepdim ? summed : Tensor(
            storage: summed.storage, shape: zip(shape, reduced).filter { !$0.1 }.map(\.0))
        return out.recorded("SumBackward1", inputs: [self]) { g, ctx in
            // Put the reduced dimensions back as size 1, then broadcast over them.
            let restored = keepdim ? g : try g.reshape(kept)
            return [try restored.expand(ctx.inputShape(0))]
        }
    }

    /// Which dimensions `dims` names, with PyTorch's checks.
    func reductionMask(_ dims: [Int]) throws -> [Bool] {
        var reduced = [Bool](repeating: dims.isEmpty, count: ndim)
        for dim in dims {
            let d = try Shape.normalize(dim: dim, ndim: ndim)
            if ndim == 0 { continue }
            guard !reduced[d] else {
                throw SwiftGradError.invalidArgument("dim \(d) appears multiple times in the list of dims")
            }
            reduced[d] = true
        }
        return reduced
    }

    /// Sums this gradient, computed in a broadcast shape, back to `target`, the shape of the
    /// operand that was broadcast: over the leading dimensions `target` lacks and over those
    /// where it has size 1. The one helper every broadcasting op's gradient goes through (the
    /// engine calls it), itself differentiable.
    func sumToShape(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = ndim - target.count
        var dims = Array(0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        let summed = dims.isEmpty ? self : try sum(dims: dims, keepdim: true)
        return summed.shape == target ? summed : try summed.reshape(target)
    }
}
