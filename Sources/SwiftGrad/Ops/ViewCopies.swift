/// The copying forms of views (`expand_copy`, `view_copy`, `permute_copy`, ...): the view's
/// elements in a fresh contiguous tensor, recorded as PyTorch records them (`<View>Backward0_copy`)
/// with the view's own backward. (`diagonal_copy`, `unfold_copy`, `as_strided_copy`,
/// `split_with_sizes_copy` and `unbind_copy` live beside their views.)
extension Tensor {
    /// A copy of `view` (computed from this tensor without recording), recorded under `name`
    /// with `backward` mapping the copy's gradient to this tensor's.
    private func copied(_ name: String, _ view: (Tensor) throws -> Tensor,
                        backward: @escaping (Tensor, [Int]) throws -> Tensor) throws -> Tensor {
        let out = try Tensor.materialized(try noGrad { try view(self) })
        let inputShape = shape
        return try out.recorded(name, inputs: [self]) { g, _ in Gradients(try backward(g, inputShape)) }
    }

    /// `expand(sizes)` as a copy (`torch.expand_copy`, ExpandBackward0_copy).
    public func expandCopy(_ sizes: [Int]) throws -> Tensor {
        try copied("ExpandBackward0_copy", { try $0.expand(sizes) }) { g, s in try g.sumToShape(s) }
    }

    /// A copy of the whole tensor (`torch.alias_copy`, AliasBackward0_copy).
    public func aliasCopy() throws -> Tensor {
        try copied("AliasBackward0_copy", { $0 }) { g, _ in g }
    }

    /// `narrow(dim, start, length)` as a copy (`torch.narrow_copy`, NarrowCopyBackward0).
    public func narrowCopy(dim: Int, start: Int, length: Int) throws -> Tensor {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("narrow() cannot be applied to a 0-dim tensor.") }
        guard length >= 0 else { throw SwiftGradError.invalidArgument("narrow(): length must be non-negative.") }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let size = shape[d]
        guard start >= -size, start <= size else {
            throw SwiftGradError.invalidArgument("start out of range (expected to be in range of [\(-size), \(size)], but got \(start))")
        }
        let s = start < 0 ? start + size : start
        guard s <= size - length else {
            throw SwiftGradError.invalidArgument("start (\(s)) + length (\(length)) exceeds dimension size (\(size)).")
        }
        return try copied("NarrowCopyBackward0", { try $0.slice(dim: d, start: s, end: s + length) }) { g, inputShape in
            try g.embedded(into: inputShape, name: "SliceBackwardBackward0") { try $0.slice(dim: d, start: s, end: s + length) }
        }
    }

    /// `view(sizes)` as a copy (`torch.view_copy`, ViewBackward0_copy).
    public func viewCopy(_ sizes: [Int]) throws -> Tensor {
        try copied("ViewBackward0_copy", { try $0.view(sizes) }) { g, s in try g.reshape(s) }
    }

    /// `permute(dims)` as a copy (`torch.permute_copy`, PermuteBackward0_copy).
    public func permuteCopy(_ dims: [Int]) throws -> Tensor {
        let permuted = try noGrad { try permute(dims) }
        let order = try dims.map { try Shape.normalize(dim: $0, ndim: ndim) }
        var inverse = [Int].filled(0, count: order.count)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return try copied("PermuteBackward0_copy", { _ in permuted }) { g, _ in try g.permute(inverse) }
    }

    /// `squeeze()` as a copy (`torch.squeeze_copy`, SqueezeBackward0_copy).
    public func squeezeCopy() throws -> Tensor {
        try copied("SqueezeBackward0_copy", { try $0.squeeze() }) { g, s in try g.reshape(s) }
    }

    /// `squeeze(dim:)` as a copy (`torch.squeeze_copy(x, dim)`, SqueezeBackward1_copy).
    public func squeezeCopy(dim: Int) throws -> Tensor {
        try copied("SqueezeBackward1_copy", { try $0.squeeze(dim: dim) }) { g, s in try g.reshape(s) }
    }

    /// `squeeze(dims:)` as a copy (`torch.squeeze_copy(x, (0, 2))`, SqueezeBackward2_copy).
    public func squeezeCopy(dims: [Int]) throws -> Tensor {
        try copied("SqueezeBackward2_copy", { try $0.squeeze(dims: dims) }) { g, s in try g.reshape(s) }
    }

    /// `unsqueeze(dim:)` as a copy (`torch.unsqueeze_copy`, UnsqueezeBackward0_copy).
    public func unsqueezeCopy(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim + 1)
        return try copied("UnsqueezeBackward0_copy", { try $0.unsqueeze(dim: d) }) { g, _ in try g.squeeze(dim: d) }
    }

    /// `transpose(dim0, dim1)` as a copy (`torch.transpose_copy`, TransposeBackward0_copy).
    public func transposeCopy(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try Shape.normalize(dim: dim0, ndim: ndim), b = try Shape.normalize(dim: dim1, ndim: ndim)
        return try copied("TransposeBackward0_copy", { try $0.transpose(a, b) }) { g, _ in try g.transpose(a, b) }
    }

    /// `t()` as a copy (`torch.t_copy`, TBackward0_copy).
    public func tCopy() throws -> Tensor {
        try copied("TBackward0_copy", { try $0.t() }) { g, _ in try g.t() }
    }
}
