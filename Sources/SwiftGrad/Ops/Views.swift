/// Views: results that share the input's storage with another shape, strides or offset, so no
/// element is copied. Each records its backward beside it. Views that pick a part of the input
/// (select, slice) send their gradient back with `embedded(into:)`, which writes it into zeros
/// of the input's shape through the same view.
extension Tensor {
    /// The same elements in another shape, sharing storage (`Tensor.view`, ViewBackward0); one
    /// size may be -1.
    /// - Throws: `.shape` when the sizes do not match or the layout cannot be viewed that way.
    public func view(_ sizes: [Int]) throws -> Tensor {
        let target = try inferShape(sizes)
        guard let viewStrides = Tensor.viewStrides(shape, strides, target) else {
            throw SwiftGradError.shape("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        return try aliased(shape: target, strides: viewStrides, offset: storageOffset)
            .recorded("ViewBackward0", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// The same elements in another shape (`Tensor.reshape`); one size may be -1. A view when
    /// the layout allows it (ViewBackward0), otherwise a copy (UnsafeViewBackward0).
    /// - Throws: `.shape` when the element counts differ.
    public func reshape(_ sizes: [Int]) throws -> Tensor {
        let target = try inferShape(sizes)
        if let viewStrides = Tensor.viewStrides(shape, strides, target) {
            return try aliased(shape: target, strides: viewStrides, offset: storageOffset)
                .recorded("ViewBackward0", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
        }
        let copy = try noGrad { try clone() }
        return try Tensor(storage: copy.storage, shape: target)
            .recorded("UnsafeViewBackward0", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// A view of a fresh contiguous result in another shape (PyTorch's `_unsafe_view`,
    /// UnsafeViewBackward0), as matmul ends.
    func unsafeView(_ target: [Int]) throws -> Tensor {
        precondition(isContiguous, "unsafeView of a non-contiguous tensor")
        return try aliased(shape: target, strides: Shape.contiguousStrides(target), offset: storageOffset)
            .recorded("UnsafeViewBackward0", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// `reshape` to 1-d over dimensions `start...end` (`torch.flatten`).
    public func flatten(start: Int = 0, end: Int = -1) throws -> Tensor {
        if ndim == 0 { return try reshape([1]) }
        let s = try Shape.normalize(dim: start, ndim: ndim), e = try Shape.normalize(dim: end, ndim: ndim)
        guard s <= e else { throw SwiftGradError.invalidArgument("flatten() has invalid args: start_dim cannot come after end_dim") }
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// A view of the whole tensor (`x[...]`, AliasBackward0).
    public func alias() throws -> Tensor {
        try aliased(shape: shape, strides: strides, offset: storageOffset)
            .recorded("AliasBackward0", input: self) { g, _ in [g] }
    }

    /// Swaps two dimensions (`Tensor.transpose`, TransposeBackward0).
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try Shape.normalize(dim: dim0, ndim: ndim), b = try Shape.normalize(dim: dim1, ndim: ndim)
        if ndim == 0 { return try aliased(shape: shape, strides: strides, offset: storageOffset).recorded("TransposeBackward0", input: self) { g, _ in [g] } }
        var newShape = shape, newStrides = strides
        newShape.swapAt(a, b)
        newStrides.swapAt(a, b)
        return try aliased(shape: newShape, strides: newStrides, offset: storageOffset)
            .recorded("TransposeBackward0", input: self) { g, _ in Gradients(try g.transpose(a, b)) }
    }

    /// Reorders the dimensions (`Tensor.permute`, PermuteBackward0).
    /// - Throws: `.invalidArgument` unless `dims` is a permutation of the dimensions.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == ndim else {
            throw SwiftGradError.invalidArgument("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(ndim) is not equal to len(dims) = \(dims.count)")
        }
        var order = [Int](), seen = [Bool].filled(false, count: ndim)
        for dim in dims {
            let d = try Shape.normalize(dim: dim, ndim: ndim)
            guard !seen[d] else { throw SwiftGradError.invalidArgument("permute(): duplicate dims are not allowed.") }
            seen[d] = true
            order.append(d)
        }
        var inverse = [Int].filled(0, count: ndim)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return try aliased(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: storageOffset)
            .recorded("PermuteBackward0", input: self) { g, _ in Gradients(try g.permute(inverse)) }
    }

    /// The transpose of a matrix; a 0-d or 1-d tensor itself; for more dimensions, all of them
    /// reversed (`Tensor.T`).
    public var T: Tensor {
        get throws { try permute(Array((0..<ndim).reversed())) }
    }

    /// Removes every dimension of size 1 (`Tensor.squeeze()`, SqueezeBackward0).
    public func squeeze() throws -> Tensor {
        let keep = (0..<ndim).filter { shape[$0] != 1 }
        return try aliased(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: storageOffset)
            .recorded("SqueezeBackward0", input: self) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// Removes dimension `dim` if its size is 1 (`Tensor.squeeze(dim)`, SqueezeBackward1).
    public func squeeze(dim: Int) throws -> Tensor { try squeeze(dim: dim, nodeName: "SqueezeBackward1") }

    /// - Parameter nodeName: the grad_fn name; matmul's vector cases are recorded as PyTorch's
    ///   in-place squeeze (SqueezeBackward4).
    func squeeze(dim: Int, nodeName: String) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let keep = (0..<ndim).filter { $0 != d || shape[$0] != 1 }
        return try aliased(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: storageOffset)
            .recorded(nodeName, inputs: [self]) { g, ctx in Gradients(try g.reshape(ctx.inputShape(0))) }
    }

    /// Inserts a dimension of size 1 at `dim` (`Tensor.unsqueeze`, UnsqueezeBackward0).
    public func unsqueeze(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim + 1)
        var newShape = shape, newStrides = strides
        newShape.insert(1, at: d)
        newStrides.insert(d < ndim ? strides[d] * shape[d] : 1, at: d)
        return try aliased(shape: newShape, strides: newStrides, offset: storageOffset)
            .recorded("UnsqueezeBackward0", input: self) { g, _ in Gradients(try g.squeeze(dim: d)) }
    }

    /// The sub-tensor at `index` along `dim`, one dimension fewer (`Tensor.select`, `x[i]`,
    /// SelectBackward0). Negative indices count from the end.
    /// - Throws: `.invalidArgument` for an index out of range.
    public func select(dim: Int, index: Int) throws -> Tensor {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("select() cannot be applied to a 0-dim tensor.") }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard index >= -shape[d], index < shape[d] else {
            throw SwiftGradError.invalidArgument("select(): index \(index) out of range for tensor of size \(Shape.describe(shape)) at dimension \(d)")
        }
        let i = index < 0 ? index + shape[d] : index
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        return try aliased(shape: newShape, strides: newStrides, offset: storageOffset + i * strides[d])
            .recorded("SelectBackward0", input: self) { g, ctx in
                [try g.embedded(into: ctx.inputShape(0), name: "SelectBackwardBackward0") { try $0.select(dim: d, index: i) }]
            }
    }

    /// Elements `start..<end` by `step` along `dim`, as Python's slice (`x[a:b:c]`,
    /// SliceBackward0): bounds are clamped and may be negative; nil means the end.
    /// - Throws: `.invalidArgument` for a step that is not positive.
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("slice() cannot be applied to a 0-dim tensor.") }
        guard step > 0 else { throw SwiftGradError.invalidArgument("slice step must be positive") }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let size = shape[d]
        func clampIndex(_ i: Int?, _ fallback: Int) -> Int {
            guard let i else { return fallback }
            return Swift.min(Swift.max(i < 0 ? i + size : i, 0), size)
        }
        let lo = clampIndex(start, 0), hi = Swift.max(clampIndex(end, size), lo)
        var newShape = shape, newStrides = strides
        newShape[d] = hi > lo ? (hi - lo - 1) / step + 1 : 0  // no overflow for any step
        // With two or more elements the step is below the size, so the product fits; with
        // fewer the stride is never used.
        let (scaled, overflow) = strides[d].multipliedReportingOverflow(by: step)
        newStrides[d] = overflow ? strides[d] : scaled
        // An empty slice starts where PyTorch's does (x[3:] of a 3x4 tensor at offset 12, one
        // past the end), as long as that stays within the storage.
        let (skip, skipOverflow) = lo.multipliedReportingOverflow(by: strides[d])
        let start = newShape[d] > 0 || (!skipOverflow && skip >= 0 && storageOffset + skip <= storage.count) ? storageOffset + skip : storageOffset
        return try aliased(shape: newShape, strides: newStrides, offset: start)
            .recorded("SliceBackward0", input: self) { g, ctx in
                [try g.embedded(into: ctx.inputShape(0), name: "SliceBackwardBackward0") { try $0.slice(dim: d, start: lo, end: hi, step: step) }]
            }
    }

    /// `length` elements from `start` along `dim` (`Tensor.narrow`).
    public func narrow(dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let s = start < 0 ? start + shape[d] : start
        guard s >= 0, length >= 0, s + length <= shape[d] else {
            throw SwiftGradError.invalidArgument("start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])).")
        }
        return try slice(dim: d, start: s, end: s + length)
    }

    /// A view broadcasting size-1 dimensions (and new leading ones) to `sizes` without copying
    /// (`Tensor.expand`, ExpandBackward0); -1 keeps a size. Its gradient is summed back.
    /// - Throws: `.shape` with PyTorch's messages when a size cannot be expanded.
    public func expand(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= ndim else {
            throw SwiftGradError.shape("expand(\(dtype.legacyTypeName){\(Shape.describe(shape))}, size=\(Shape.describe(sizes))): the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(ndim))")
        }
        let lead = sizes.count - ndim
        var target = sizes, newStrides = [Int].filled(0, count: sizes.count)
        for i in 0..<sizes.count {
            if i < lead {
                guard sizes[i] >= 0 else {
                    throw SwiftGradError.shape("The expanded size of the tensor (\(sizes[i])) isn't allowed in a leading, non-existing dimension \(i)")
                }
                continue
            }
            let size = shape[i - lead]
            if sizes[i] == -1 { target[i] = size }
            if target[i] == size {
                newStrides[i] = strides[i - lead]
            } else if size == 1 && target[i] >= 0 {
                newStrides[i] = 0
            } else {
                throw SwiftGradError.shape("The expanded size of the tensor (\(sizes[i])) must match the existing size (\(size)) at non-singleton dimension \(i).  Target sizes: \(Shape.describe(sizes)).  Tensor sizes: \(Shape.describe(shape))")
            }
        }
        _ = try Shape.validate(target)
        return try aliased(shape: target, strides: newStrides, offset: storageOffset)
            .recorded("ExpandBackward0", input: self) { g, ctx in Gradients(try g.sumToShape(ctx.inputShape(0))) }
    }

    /// The gradient of a view that picks part of its input: zeros of the input's shape with this
    /// tensor written through `view`. Recorded as its own op, whose backward applies `view` again,
    /// so that gradients of gradients work.
    func embedded(into shape: [Int], name: String, _ view: @escaping (Tensor) throws -> Tensor) throws -> Tensor {
        let out = try Tensor.zeros(shape, dtype: dtype)
        try noGrad { Kernels.convert(from: self, into: try view(out)) }
        return try out.recorded(name, inputs: [self]) { g, _ in Gradients(try view(g)) }
    }

    /// Resolves a -1 in `sizes` against this tensor's element count.
    func inferShape(_ sizes: [Int]) throws -> [Int] {
        var target = sizes
        var inferred: Int?
        var known = 1
        for (i, size) in sizes.enumerated() {
            if size == -1 {
                guard inferred == nil else { throw SwiftGradError.shape("only one dimension can be inferred") }
                inferred = i
            } else if size < 0 {
                throw SwiftGradError.shape("invalid shape dimension \(size)")
            } else {
                let (product, overflow) = known.multipliedReportingOverflow(by: size)
                guard !overflow else { throw SwiftGradError.shape("shape '\(Shape.describe(sizes))' is invalid for input of size \(count)") }
                known = product
            }
        }
        if let i = inferred {
            guard known != 0, count % known == 0 else {
                throw SwiftGradError.shape("shape '\(Shape.describe(sizes))' is invalid for input of size \(count)")
            }
            target[i] = count / known
        } else if known != count {
            throw SwiftGradError.shape("shape '\(Shape.describe(sizes))' is invalid for input of size \(count)")
        }
        _ = try Shape.validate(target)
        return target
    }

    /// Strides that show a tensor of `oldShape`/`oldStrides` as `newShape` without copying, or
    /// nil when its layout does not allow it (PyTorch's computeStride): each run of dimensions
    /// that is contiguous in memory may be split or merged, never one that spans a gap.
    static func viewStrides(_ oldShape: [Int], _ oldStrides: [Int], _ newShape: [Int]) -> [Int]? {
        if oldShape.isEmpty { return [Int].filled(1, count: newShape.count) }
        let numel = Shape.count(oldShape)
        if numel == 0 { return oldShape == newShape ? oldStrides : Shape.contiguousStrides(newShape) }
        var newStrides = [Int].filled(0, count: newShape.count)
        var viewDim = newShape.count - 1
        var chunkBaseStride = oldStrides.last!
        var tensorNumel = 1, viewNumel = 1
        for tensorDim in stride(from: oldShape.count - 1, through: 0, by: -1) {
            tensorNumel *= oldShape[tensorDim]
            if tensorDim == 0 || (oldShape[tensorDim - 1] != 1 && oldStrides[tensorDim - 1] != tensorNumel * chunkBaseStride) {
                while viewDim >= 0 && (viewNumel < tensorNumel || newShape[viewDim] == 1) {
                    newStrides[viewDim] = viewNumel * chunkBaseStride
                    viewNumel *= newShape[viewDim]
                    viewDim -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if tensorDim > 0 {
                    chunkBaseStride = oldStrides[tensorDim - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewDim == -1 ? newStrides : nil
    }
}
