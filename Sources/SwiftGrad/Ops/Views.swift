extension Tensor {
    /// A view broadcasting size-1 dimensions (and new leading ones) to `sizes` without copying
    /// (`Tensor.expand`, ExpandBackward0); -1 keeps a size. Its gradient is summed back.
    /// - Throws: `.shape` with PyTorch's messages when a size cannot be expanded.
    public func expand(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= ndim else {
            throw SwiftGradError.shape("expand(\(dtype.legacyTypeName){\(Shape.describe(shape))}, size=\(Shape.describe(sizes))): the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(ndim))")
        }
        let lead = sizes.count - ndim
        var target = sizes, newStrides = [Int](repeating: 0, count: sizes.count)
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
        if target == shape { return self.recordedView() }
        _ = try Shape.validate(target)
        return aliased(shape: target, strides: newStrides, offset: storageOffset)
            .recorded("ExpandBackward0", inputs: [self]) { g, ctx in [try g.sumToShape(ctx.inputShape(0))] }
    }

    /// The same elements in another shape (`Tensor.reshape`); one size may be -1. A view when the
    /// tensor is contiguous (ViewBackward0), otherwise a copy (UnsafeViewBackward0).
    /// - Throws: `.shape` when the element counts differ.
    public func reshape(_ sizes: [Int]) throws -> Tensor {
        let target = try inferShape(sizes)
        let source = isContiguous ? self : try clone()
        let view = source.aliased(shape: target, strides: Shape.contiguousStrides(target), offset: source.storageOffset)
        return view.recorded(isContiguous ? "ViewBackward0" : "UnsafeViewBackward0", inputs: [source]) { g, ctx in
            [try g.reshape(ctx.inputShape(0))]
        }
    }

    /// Resolves a -1 in `sizes` against this tensor's element count.
    private func inferShape(_ sizes: [Int]) throws -> [Int] {
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

    /// A no-op view of the same shape (PyTorch returns a new view, still in the graph).
    private func recordedView() -> Tensor {
        aliased(shape: shape, strides: strides, offset: storageOffset)
            .recorded("ExpandBackward0", inputs: [self]) { g, _ in [g] }
    }
}
