/// Tensors made of one value or of nothing yet: `torch.fill` (the out-of-place `fill_`, with its
/// gradients) and `torch.empty_strided` (a tensor of a given layout).

extension Tensor {
    /// A tensor of this one's shape and dtype with every element `value` (`torch.fill`), a
    /// wrapped number (checked against the dtype as `fill_` checks it: 300 does not fit uint8)
    /// or a 0-d tensor. The result has gradient 0 to this tensor (FillBackward0 for a number); a
    /// 0-d tensor value gets the sum of the gradient (FillBackward1).
    ///
    /// ```swift
    /// try Tensor([1, 2] as [Double]).fill(Tensor.scalar(7.0))  // tensor([7., 7.], dtype=torch.float64)
    /// ```
    /// - Throws: `.invalidArgument` for a value with dimensions ("fill_ only supports
    ///   0-dimension value tensor but got tensor with 1 dimensions.") or one the dtype cannot
    ///   hold; `.autograd` for a value that requires grad filling an integer or bool tensor
    ///   ("Autograd not support dtype: Long", as PyTorch).
    public func fill(_ value: Tensor) throws -> Tensor {
        guard value.ndim == 0 else {
            throw SwiftGradError.invalidArgument("fill_ only supports 0-dimension value tensor but got tensor with \(value.ndim) dimensions.")
        }
        if value.isWrappedNumber { try dtype.checkFits(value.wideValue(atOffset: value.storageOffset)) }
        let out = try Tensor.empty(shape, dtype)
        try noGrad { Kernels.convert(from: try value.expand(shape), into: out) }
        if value.isWrappedNumber {
            return try out.recorded("FillBackward0", input: self) { g, _ in Gradients(try g.zerosLike()) }
        }
        if GradMode.isEnabled && value.requiresGrad && !dtype.isFloatingPoint {
            // PyTorch records FillBackward1 on the integer result and refuses it so.
            throw SwiftGradError.autograd("Autograd not support dtype: \(dtype.scalarTypeName)")
        }
        return try out.recorded("FillBackward1", input: self, value) { g, ctx in
            Gradients(ctx.needsGrad(0) ? try g.zerosLike() : nil, ctx.needsGrad(1) ? try g.sum() : nil)
        }
    }

    /// A tensor with the sizes `size` and the element strides `stride` over a new zeroed
    /// storage just large enough for them (`torch.empty_strided`; PyTorch leaves the values
    /// unset). As PyTorch, a negative stride is replaced by the contiguous stride after the next
    /// dimension's, and a storage that would need more than 2^63 bytes is refused.
    ///
    /// ```swift
    /// try Tensor.emptyStrided([2, 3], strides: [1, 2]).strides  // [1, 2]
    /// ```
    /// - Throws: `.invalidArgument` for a negative size ("Trying to create tensor with negative
    ///   dimension -3: [2, -3]"), strides of another length, or a storage size that overflows
    ///   (PyTorch's "Storage size calculation overflowed with sizes=[2, 3] and strides=[1, -2]");
    ///   `.outOfMemory` when the storage cannot be allocated.
    public static func emptyStrided(_ size: [Int], strides stride: [Int], dtype: DType = .float32) throws -> Tensor {
        _ = try Shape.validate(size, itemSize: 1)  // sizes and numel; the bytes are the storage's
        guard size.count == stride.count else {
            throw SwiftGradError.invalidArgument("dimensionality of sizes (\(size.count)) must match dimensionality of strides (\(stride.count))")
        }
        let elements = try storageElements(size, stride, itemSize: dtype.itemSize)
        var strides = stride
        for d in stride.indices.reversed() where strides[d] < 0 {
            strides[d] = d == strides.count - 1 ? 1 : Swift.max(size[d + 1], 1) &* strides[d + 1]
        }
        let storage = try Storage.allocate(count: elements, dtype: dtype, zeroed: true)
        return Tensor(storage: storage, shape: size, strides: strides)
    }

    /// The elements a storage needs for this layout: 0 when a size is 0, else one more than
    /// the last element's offset, as PyTorch's `computeStorageNbytes` (in unsigned 64-bit
    /// arithmetic, so that a negative stride on a dimension longer than 1 overflows).
    private static func storageElements(_ size: [Int], _ stride: [Int], itemSize: Int) throws -> Int {
        if size.contains(0) { return 0 }
        var total: UInt64 = 1, overflowed = false
        for (s, st) in zip(size, stride) {
            let (span, spanOverflow) = st.multipliedReportingOverflow(by: s - 1)
            overflowed = overflowed || spanOverflow || span < 0
            let (sum, sumOverflow) = total.addingReportingOverflow(UInt64(truncatingIfNeeded: span))
            overflowed = overflowed || sumOverflow
            total = sum
        }
        let (bytes, bytesOverflow) = total.multipliedReportingOverflow(by: UInt64(itemSize))
        guard !overflowed, !bytesOverflow, bytes <= UInt64(Int64.max) else {
            throw SwiftGradError.invalidArgument("Storage size calculation overflowed with sizes=\(Shape.describe(size)) and strides=\(Shape.describe(stride))")
        }
        return Int(total)
    }
}
