/// `as_strided`: a view of a tensor's storage with any sizes, strides and offset, checked against
/// the storage so that no caller can read outside it; its copy, and `as_strided_scatter`.
///
/// The gradient of a view that may read any element of the storage, some of them several times:
/// the output's gradient is added into a buffer laid out like the storage (at the positions the
/// view reads) and read back through the input's layout. Where the input itself reads a storage
/// element more than once (an expanded input), that element's gradient is shared out equally, as
/// PyTorch's as_strided_backward does.

/// Sizes, strides and offset of a strided layout over a storage.
struct StridedGeometry {
    let shape: [Int]
    let strides: [Int]
    let offset: Int

    var count: Int { Shape.count(shape) }

    /// One past the last storage position read (`offset` when nothing is read). Strides are
    /// non-negative and the geometry was checked against a storage, so nothing overflows.
    var end: Int {
        guard count > 0 else { return offset }
        var last = offset
        for (size, stride) in zip(shape, strides) { last &+= (size &- 1) &* stride }
        return last &+ 1
    }

    /// The same layout moved `delta` positions earlier.
    func shifted(by delta: Int) -> StridedGeometry {
        StridedGeometry(shape: shape, strides: strides, offset: offset &- delta)
    }

    /// The storage position of each element, in row-major order.
    var positions: [Int] {
        var result = [Int](), index = [Int].filled(0, count: shape.count)
        let n = count
        result.reserveCapacity(n)
        var position = offset
        for _ in 0..<n {
            result.append(position)
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                position &+= strides[d]
                if index[d] < shape[d] { break }
                position &-= shape[d] &* strides[d]
                index[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// Whether two elements share a storage position.
    var overlaps: Bool { Set(positions).count != count }
}

extension Tensor {
    var geometry: StridedGeometry { StridedGeometry(shape: shape, strides: strides, offset: storageOffset) }

    /// Checks a layout against a storage of `storageCount` elements, with PyTorch's messages.
    /// A layout with no elements must still lie inside the storage along its other dimensions
    /// (PyTorch allows any offset there): views of it (a slice along another dimension) compute
    /// offsets from those sizes and strides.
    /// - Throws: `.invalidArgument` for lengths that differ, negative strides or offset, sizes
    ///   whose span overflows, or a span that leaves the storage.
    static func checkStrided(_ size: [Int], _ stride: [Int], _ offset: Int, storageCount: Int, itemSize: Int) throws {
        guard size.count == stride.count else { throw SwiftGradError.invalidArgument("mismatch in length of strides and shape") }
        guard !stride.contains(where: { $0 < 0 }) else {
            throw SwiftGradError.invalidArgument("as_strided: Negative strides are not supported at the moment, got strides: \(Shape.describe(stride))")
        }
        guard offset >= 0 else { throw SwiftGradError.invalidArgument("Tensor: invalid storage offset \(offset)") }
        let overflowed = SwiftGradError.invalidArgument("Storage size calculation overflowed with sizes=\(Shape.describe(size)) and strides=\(Shape.describe(stride))")
        guard !size.contains(where: { $0 < 0 }) else { throw overflowed }
        _ = try Shape.validate(size, itemSize: itemSize)
        // The position of the last element (along the dimensions that have elements).
        var last = offset
        for (s, t) in zip(size, stride) where s > 0 {
            let (step, o1) = (s - 1).multipliedReportingOverflow(by: t)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { throw overflowed }
            last = sum
        }
        let (elements, o3) = last.addingReportingOverflow(1)
        let (bytes, o4) = elements.multipliedReportingOverflow(by: itemSize)
        guard !o3, !o4 else { throw overflowed }
        if size.contains(0) {
            guard last <= storageCount else {
                throw SwiftGradError.invalidArgument("setStorage: sizes \(Shape.describe(size)), strides \(Shape.describe(stride)), storage offset \(offset): an empty view reaching position \(last) is out of bounds for storage of \(storageCount) elements")
            }
            return
        }
        guard elements <= storageCount else {
            throw SwiftGradError.invalidArgument("setStorage: sizes \(Shape.describe(size)), strides \(Shape.describe(stride)), storage offset \(offset), and itemsize \(itemSize) requiring a storage size of \(bytes) are out of bounds for storage of size \(storageCount &* itemSize)")
        }
    }

    /// A view of this tensor's storage with the given sizes, strides and offset (nil: this
    /// tensor's offset) (`torch.as_strided`, AsStridedBackward0). It may read elements outside
    /// this tensor's own layout, never outside its storage.
    /// - Throws: `.invalidArgument` when the layout is malformed or leaves the storage.
    public func asStrided(_ size: [Int], _ stride: [Int], storageOffset offset: Int? = nil) throws -> Tensor {
        let view = try asStridedView(size, stride, offset)
        let input = geometry, output = view.geometry
        return try view.recorded("AsStridedBackward0", input: self) { g, _ in
            Gradients(try Tensor.asStridedBackward(g, input: input, output: output))
        }
    }

    /// `asStrided` as a copy (`torch.as_strided_copy`, AsStridedBackward0_copy).
    public func asStridedCopy(_ size: [Int], _ stride: [Int], storageOffset offset: Int? = nil) throws -> Tensor {
        let view = try asStridedView(size, stride, offset)
        let input = geometry, output = view.geometry
        return try Tensor.materialized(view).recorded("AsStridedBackward0_copy", input: self) { g, _ in
            Gradients(try Tensor.asStridedBackward(g, input: input, output: output))
        }
    }

    private func asStridedView(_ size: [Int], _ stride: [Int], _ offset: Int?) throws -> Tensor {
        let start = offset ?? storageOffset
        try Tensor.checkStrided(size, stride, start, storageCount: storage.count, itemSize: dtype.itemSize)
        return aliased(shape: size, strides: stride, offset: start)
    }

    /// The gradient of a view with layout `output` of a tensor with layout `input` (both over
    /// one storage): `g` added into the storage positions `output` reads, read back through
    /// `input`, divided where `input` reads a position several times.
    static func asStridedBackward(_ g: Tensor, input: StridedGeometry, output: StridedGeometry) throws -> Tensor {
        if input.count == 0 || output.count == 0 { return try Tensor.zeros(input.shape, dtype: g.dtype) }
        let base = Swift.min(input.offset, output.offset)
        let length = Swift.max(input.end, output.end) - base
        let from = output.shifted(by: base), to = input.shifted(by: base)
        let counts = to.overlaps ? try stridedTransfer(try Tensor.ones(to.shape, dtype: g.dtype), scatter: to, gather: to, length: length) : nil
        return try stridedLinear(g, scatter: from, gather: to, length: length, counts: counts)
    }

    /// `x` added into a zero buffer of `length` at the positions of `scatter`, read back through
    /// `gather` (not recorded).
    private static func stridedTransfer(_ x: Tensor, scatter: StridedGeometry, gather: StridedGeometry, length: Int) throws -> Tensor {
        let buffer = try Tensor.zeros([length], dtype: x.dtype)
        try Kernels.addElements(from: x, at: (0..<x.count).map { x.offset(ofLinearIndex: $0) }, into: buffer, offsets: scatter.positions)
        return try materialized(buffer.layout(shape: gather.shape, strides: gather.strides, offset: gather.offset))
    }

    /// The linear map `x -> transfer(x) / counts` (counts: how often the gathering layout reads
    /// each element, nil for once), recorded with its adjoint `y -> transfer back(y / counts)`,
    /// so that gradients of any order exist.
    private static func stridedLinear(_ x: Tensor, scatter: StridedGeometry, gather: StridedGeometry, length: Int,
                                      counts: Tensor?, countsFirst: Bool = false) throws -> Tensor {
        var out = try noGrad { () throws -> Tensor in
            let input = countsFirst && counts != nil ? try x.div(counts!) : x
            let moved = try stridedTransfer(input, scatter: scatter, gather: gather, length: length)
            return !countsFirst && counts != nil ? try moved.div(counts!) : moved
        }
        out = try out.recorded(countsFirst ? "AsStridedBackward0" : "AsStridedBackwardBackward0", inputs: [x]) { g, _ in
            Gradients(try stridedLinear(g, scatter: gather, gather: scatter, length: length, counts: counts, countsFirst: !countsFirst))
        }
        return out
    }

    /// A copy of this tensor with `src` written through the layout `size`/`stride`/`offset` of
    /// the copy's storage (nil offset: 0) (`torch.as_strided_scatter`, AsStridedScatterBackward0).
    /// - Throws: `.invalidArgument` when the layout leaves the copy's storage, `.shape` unless
    ///   `src` has the layout's shape.
    public func asStridedScatter(_ src: Tensor, _ size: [Int], _ stride: [Int], storageOffset offset: Int? = nil) throws -> Tensor {
        let out = try Tensor.materialized(self)
        let start = offset ?? 0
        try Tensor.checkStrided(size, stride, start, storageCount: out.storage.count, itemSize: dtype.itemSize)
        guard size == src.shape else {
            throw SwiftGradError.shape("expected src to have a size equal to the slice of self. src size = \(Shape.describe(src.shape)), slice size = \(Shape.describe(size))")
        }
        Kernels.convert(from: src, into: out.layout(shape: size, strides: stride, offset: start))
        let srcShape = src.shape
        return try out.recorded("AsStridedScatterBackward0", input: self, src) { g, ctx in
            // The layout indexes a dense copy from offset 0, as the forward's.
            let dense = g.isContiguous && g.storageOffset == 0 ? g : try g.clone()
            let input = ctx.needsGrad(0)
                ? try dense.asStridedScatter(try Tensor.zeros(srcShape, dtype: g.dtype), size, stride, storageOffset: start) : nil
            let source = ctx.needsGrad(1) ? try dense.asStrided(size, stride, storageOffset: start).to(ctx.inputDType(1)) : nil
            return Gradients(input, source)
        }
    }
}
