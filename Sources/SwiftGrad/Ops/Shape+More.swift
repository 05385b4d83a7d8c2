/// More shape operations, most of them views: `movedim`, `broadcast_to`, `broadcast_tensors`,
/// `atleast_1d/2d/3d`, `ravel`, `unflatten`, `squeeze` of several dimensions, the matrix
/// transposes (`t`, `H`, `mT`, `mH`), `unfold`, and `sum_to_size` and `positive`.
extension Tensor {
    /// The dimensions `source` moved to positions `destination`, the others keeping their order
    /// (`torch.movedim`, a PermuteBackward0 view).
    /// - Throws: `.invalidArgument` for lists of different lengths, repeated or out-of-range
    ///   dimensions.
    public func movedim(source: [Int], destination: [Int]) throws -> Tensor {
        guard source.count == destination.count else {
            throw SwiftGradError.invalidArgument("movedim: Invalid source or destination dims: source (\(Shape.describe(source)) dims) should contain the same number of dims as destination (\(Shape.describe(destination)) dims)")
        }
        let src = try source.map { try Shape.normalize(dim: $0, ndim: ndim) }
        let dst = try destination.map { try Shape.normalize(dim: $0, ndim: ndim) }
        guard Set(src).count == src.count else {
            throw SwiftGradError.invalidArgument("movedim: repeated dim in `source` (\(Shape.describe(source)))")
        }
        guard Set(dst).count == dst.count else {
            throw SwiftGradError.invalidArgument("movedim: repeated dim in `destination` (\(Shape.describe(destination)))")
        }
        if ndim == 0 { return try permute([]) }
        var order = [Int].filled(-1, count: ndim)
        for (s, d) in zip(src, dst) { order[d] = s }
        var rest = (0..<ndim).filter { !src.contains($0) }.makeIterator()
        for i in 0..<ndim where order[i] == -1 { order[i] = rest.next()! }
        return try permute(order)
    }

    /// `expand(shape)`, PyTorch's broadcasting name (`torch.broadcast_to`, ExpandBackward0).
    public func broadcastTo(_ shape: [Int]) throws -> Tensor { try expand(shape) }

    /// The tensors expanded to their common broadcast shape; those that have it already are
    /// returned as they are (`torch.broadcast_tensors`).
    /// - Throws: `.shape` when the shapes do not broadcast.
    public static func broadcastTensors(_ tensors: [Tensor]) throws -> [Tensor] {
        var target: [Int] = []
        for t in tensors { target = try Shape.broadcast(target, t.shape) }
        return try tensors.map { $0.shape == target ? $0 : try $0.expand(target) }
    }

    /// The tensor itself, or a 0-d tensor as shape [1] (`torch.atleast_1d`).
    public func atleast1d() throws -> Tensor {
        ndim == 0 ? try reshape([1]) : self
    }

    /// The tensor itself with at least 2 dimensions: 0-d as [1, 1], 1-d as a row (`torch.atleast_2d`).
    public func atleast2d() throws -> Tensor {
        switch ndim {
        case 0: return try reshape([1, 1])
        case 1: return try unsqueeze(dim: 0)
        default: return self
        }
    }

    /// The tensor itself with at least 3 dimensions: 0-d as [1, 1, 1], a vector of n as
    /// [1, n, 1], a matrix [m, n] as [m, n, 1] (`torch.atleast_3d`).
    public func atleast3d() throws -> Tensor {
        switch ndim {
        case 0: return try reshape([1, 1, 1])
        case 1: return try unsqueeze(dim: 0).unsqueeze(dim: -1)
        case 2: return try unsqueeze(dim: -1)
        default: return self
        }
    }

    /// The elements as a 1-d tensor: a view when contiguous, else of a contiguous copy
    /// (`torch.ravel`).
    public func ravel() throws -> Tensor { try contiguous().view([-1]) }

    /// Dimension `dim` split into `sizes`, whose product must be its size (one of them may be
    /// -1, inferred) (`torch.unflatten`, a ViewBackward0 view).
    /// - Throws: `.invalidArgument` for empty sizes, more than one -1 or sizes that do not
    ///   multiply to the dimension's size.
    public func unflatten(dim: Int, sizes: [Int]) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard !sizes.isEmpty else { throw SwiftGradError.invalidArgument("unflatten: sizes must be non-empty") }
        let n = ndim == 0 ? 1 : shape[d]
        let mismatch = SwiftGradError.invalidArgument("unflatten: Provided sizes \(Shape.describe(sizes)) don't multiply up to the size of dim \(dim) (\(n)) in the input tensor")
        var target = sizes, inferred: Int?, known = 1
        for (i, s) in sizes.enumerated() {
            if s == -1 {
                guard inferred == nil else { throw SwiftGradError.invalidArgument("only one dimension can be inferred") }
                inferred = i
                continue
            }
            guard s >= 0 else { throw SwiftGradError.invalidArgument("invalid shape dimension \(s)") }
            let (product, overflow) = known.multipliedReportingOverflow(by: s)
            guard !overflow else { throw mismatch }
            known = product
        }
        if let i = inferred {
            guard known != 0, n % known == 0 else { throw mismatch }
            target[i] = n / known
        } else if known != n {
            throw mismatch
        }
        let newShape = ndim == 0 ? target : Array(shape[..<d]) + target + Array(shape[(d + 1)...])
        return try view(newShape)
    }

    /// Removes those of `dims` that have size 1 (`torch.squeeze(x, (0, 2))`, SqueezeBackward2);
    /// an empty list removes nothing.
    /// - Throws: `.invalidArgument` for a dimension out of range or listed twice.
    public func squeeze(dims: [Int]) throws -> Tensor {
        let ds = Set(try distinctDims(dims))
        let keep = (0..<ndim).filter { !ds.contains($0) || shape[$0] != 1 }
        return try aliased(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: storageOffset)
            .recorded("SqueezeBackward2", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// The transpose of a matrix; a 0-d or 1-d tensor as it is (`Tensor.t`, TBackward0).
    /// - Throws: `.invalidArgument` for more than 2 dimensions.
    public func t() throws -> Tensor {
        guard ndim <= 2 else {
            throw SwiftGradError.invalidArgument("t() expects a tensor with <= 2 dimensions, but self is \(ndim)D")
        }
        let reversed = ndim == 2 ? [1, 0] : Array(0..<ndim)
        return try aliased(shape: reversed.map { shape[$0] }, strides: reversed.map { strides[$0] }, offset: storageOffset)
            .recorded("TBackward0", input: self) { g, _ in Gradients(try g.t()) }
    }

    /// The conjugate transpose of a matrix, for real tensors its transpose (`Tensor.H`).
    /// - Throws: `.invalidArgument` unless 2-d.
    public func conjugateTranspose() throws -> Tensor {
        guard ndim == 2 else {
            throw SwiftGradError.invalidArgument("tensor.H is only supported on matrices (2-D tensors). Got \(ndim)-D tensor."
                + (ndim > 2 ? " For batches of matrices, consider using tensor.mH" : ""))
        }
        return try transpose(0, 1)
    }

    /// The last two dimensions swapped (`Tensor.mT`, TransposeBackward0).
    /// - Throws: `.invalidArgument` for fewer than 2 dimensions.
    public func matrixTranspose() throws -> Tensor {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("tensor.mT is only supported on matrices or batches of matrices. Got \(ndim)-D tensor.")
        }
        return try transpose(-2, -1)
    }

    /// The conjugate of `matrixTranspose`, for real tensors the same (`Tensor.mH`,
    /// `torch.adjoint`).
    public func adjoint() throws -> Tensor {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("tensor.mH is only supported on matrices or batches of matrices. Got \(ndim)-D tensor.")
        }
        return try transpose(-2, -1)
    }

    /// Sums to `size`, which must broadcast to this shape: over the leading dimensions it lacks
    /// and those where it has size 1 (`Tensor.sum_to_size`); the tensor itself when it has that
    /// shape.
    /// - Throws: `.shape` when `size` does not broadcast to this shape.
    public func sumToSize(_ size: [Int]) throws -> Tensor {
        guard Shape.isExpandable(size, to: shape) else {
            throw SwiftGradError.shape("size {\(Shape.describe(size))} is not expandable to size {\(Shape.describe(shape))}.")
        }
        return try sumToShape(size)
    }

    /// The tensor itself (`torch.positive`, unary plus).
    /// - Throws: `.dtype` for bool tensors, as PyTorch.
    public func positive() throws -> Tensor {
        guard dtype != .bool else { throw SwiftGradError.dtype("The `+` operator, on a bool tensor is not supported.") }
        return self
    }

    // MARK: unfold

    /// Every window of `size` elements along `dimension`, starting `step` apart, as a view with
    /// the windows along `dimension` and a new last dimension of size `size` (`Tensor.unfold`,
    /// UnfoldBackward0). A 0-d tensor counts as one element.
    /// - Throws: `.invalidArgument` for a size beyond the dimension's or negative, or a step
    ///   below 1.
    public func unfold(dimension: Int, size: Int, step: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dimension, ndim: ndim)
        let inputShape = shape
        return try unfoldView(d, size, step).recorded("UnfoldBackward0", input: self) { g, _ in
            Gradients(try Tensor.unfoldBackward(g, inputShape, d, size, step))
        }
    }

    /// `unfold` as a copy (`torch.unfold_copy`, UnfoldBackward0_copy).
    public func unfoldCopy(dimension: Int, size: Int, step: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dimension, ndim: ndim)
        let inputShape = shape
        return try Tensor.materialized(unfoldView(d, size, step)).recorded("UnfoldBackward0_copy", input: self) { g, _ in
            Gradients(try Tensor.unfoldBackward(g, inputShape, d, size, step))
        }
    }

    private func unfoldView(_ d: Int, _ size: Int, _ step: Int) throws -> Tensor {
        let available = ndim == 0 ? 1 : shape[d]
        guard size <= available else {
            throw SwiftGradError.invalidArgument("maximum size for tensor at dimension \(d) is \(available) but size is \(size)")
        }
        guard size >= 0 else { throw SwiftGradError.invalidArgument("size is \(size) but must be >= 0") }
        guard step > 0 else { throw SwiftGradError.invalidArgument("step is \(step) but must be > 0") }
        if ndim == 0 { return aliased(shape: [size], strides: [1], offset: storageOffset) }
        var newShape = shape, newStrides = strides
        newShape[d] = (shape[d] - size) / step + 1
        // With two or more windows the step is below the size, so the product fits.
        let (scaled, overflow) = strides[d].multipliedReportingOverflow(by: step)
        newStrides[d] = overflow ? strides[d] : scaled
        newShape.append(size)
        newStrides.append(strides[d])
        return aliased(shape: newShape, strides: newStrides, offset: storageOffset)
    }

    /// The gradient of `unfold`: each window's gradient added back where it was read (windows
    /// that overlap sum). Recorded, with `unfold` as its own backward (UnfoldBackwardBackward0).
    static func unfoldBackward(_ g: Tensor, _ inputShape: [Int], _ d: Int, _ size: Int, _ step: Int) throws -> Tensor {
        if inputShape.isEmpty {
            // A 0-d input: one window of size 0 or 1.
            return try g.sum()
        }
        let out = try Tensor.zeros(inputShape, dtype: g.dtype)
        let windows = g.shape[d]
        if windows > 0 && g.count > 0 {
            try noGrad {
                for k in 0..<size {
                    let target = try out.slice(dim: d, start: k, end: k + (windows - 1) * step + 1, step: step)
                    try target.accumulate(try g.select(dim: -1, index: k))
                }
            }
        }
        return try out.recorded("UnfoldBackwardBackward0", input: g) { gg, _ in
            Gradients(try gg.unfold(dimension: d, size: size, step: step))
        }
    }
}
