/// Repeating a tensor's elements: `repeat` and `tile` (whole copies side by side),
/// `repeat_interleave` (each element several times in a row) and `kron`.
extension Tensor {
    /// Copies of the tensor side by side: `repeats[i]` along dimension i, with leading
    /// dimensions of size 1 added when `repeats` is longer (`Tensor.repeat`, RepeatBackward0).
    /// - Throws: `.invalidArgument` when `repeats` has fewer entries than dimensions, for a
    ///   negative result size, or one that overflows.
    public func `repeat`(_ repeats: [Int]) throws -> Tensor {
        guard repeats.count >= ndim else {
            throw SwiftGradError.invalidArgument("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        }
        let lead = repeats.count - ndim
        let padded = [Int].filled(1, count: lead) + shape
        let paddedStrides = [Int].filled(0, count: lead) + strides
        var target: [Int] = []
        for (p, r) in zip(padded, repeats) {
            let (size, overflow) = p.multipliedReportingOverflow(by: r)
            guard !overflow else {
                throw SwiftGradError.invalidArgument("repeat: the size \(p) repeated \(r) times overflows")
            }
            target.append(size)
        }
        _ = try Shape.validate(target, itemSize: dtype.itemSize)
        // Read as [r0, p0, r1, p1, ...], each copy along r_i with stride 0, written densely.
        var layoutShape: [Int] = [], layoutStrides: [Int] = []
        for i in 0..<repeats.count {
            layoutShape += [repeats[i], padded[i]]
            layoutStrides += [0, paddedStrides[i]]
        }
        let copied = try Tensor.materialized(layout(shape: layoutShape, strides: layoutStrides, offset: storageOffset))
        let inputShape = shape
        return try Tensor(storage: copied.storage, shape: target).recorded("RepeatBackward0", input: self) { g, _ in
            Gradients(try Tensor.repeatBackward(g, padded: padded, repeats: repeats, inputShape: inputShape))
        }
    }

    /// The gradient of `repeat`: the sum of the copies. Each repeated dimension is summed on its
    /// own, the tensor seen as [before, repeats, size, after], so no more than 4 dimensions are
    /// ever needed.
    private static func repeatBackward(_ g: Tensor, padded: [Int], repeats: [Int], inputShape: [Int]) throws -> Tensor {
        var current = g, sizes = g.shape
        for i in 0..<repeats.count where repeats[i] != 1 {
            let before = Shape.count(Array(sizes[..<i])), after = Shape.count(Array(sizes[(i + 1)...]))
            current = try current.reshape([before, repeats[i], padded[i], after]).sum(dims: [1])
            sizes[i] = padded[i]
            current = try current.reshape(sizes)
        }
        return try current.reshape(inputShape)
    }

    /// `repeat` with `dims` padded with leading 1s to the number of dimensions (`torch.tile`).
    public func tile(_ dims: [Int]) throws -> Tensor {
        try `repeat`([Int].filled(1, count: Swift.max(ndim - dims.count, 0)) + dims)
    }

    /// Each element `repeats` times in a row along `dim` (nil: of the flattened tensor)
    /// (`torch.repeat_interleave(x, 2)`).
    /// - Parameter outputSize: the size of the result along `dim`, checked when given.
    /// - Throws: `.invalidArgument` for negative repeats or a wrong output size.
    public func repeatInterleave(_ repeats: Int, dim: Int? = nil, outputSize: Int? = nil) throws -> Tensor {
        let input = dim == nil ? try flatten() : self
        let d = try Shape.normalize(dim: dim ?? 0, ndim: input.ndim)
        guard repeats >= 0 else { throw SwiftGradError.invalidArgument("Repeats must be non-negative") }
        let column = try input.unsqueeze(dim: d + 1)
        let n = input.shape[d]
        let (total, overflow) = n.multipliedReportingOverflow(by: repeats)
        guard !overflow else { throw SwiftGradError.invalidArgument("repeat_interleave: \(n) elements repeated \(repeats) times overflow") }
        if let outputSize, outputSize != total {
            throw SwiftGradError.invalidArgument("repeat_interleave: Invalid output_size, expected \(total) but got \(outputSize)")
        }
        var expanded = column.shape
        expanded[d + 1] = repeats
        _ = try Shape.validate(expanded, itemSize: dtype.itemSize)
        return try column.expand(expanded).clone().flatten(start: d, end: d + 1)
    }

    /// Element i repeated `repeats[i]` times along `dim` (nil: of the flattened tensor); a
    /// one-element `repeats` applies to every element (`torch.repeat_interleave(x, r)`,
    /// IndexSelectBackward0).
    /// - Throws: `.dtype` unless `repeats` is int64, `.invalidArgument` for more than one
    ///   dimension, negative repeats, a length that differs from the size, or a wrong output size.
    public func repeatInterleave(_ repeats: Tensor, dim: Int? = nil, outputSize: Int? = nil) throws -> Tensor {
        let input = dim == nil ? try flatten() : self
        let d = try Shape.normalize(dim: dim ?? 0, ndim: input.ndim)
        let n = input.ndim == 0 ? 1 : input.shape[d]
        var counts = repeats
        if repeats.ndim == 0 || (repeats.ndim == 1 && repeats.count == 1) {
            counts = try repeats.reshape([1]).expand([n])
        } else if repeats.ndim == 1 {
            guard repeats.count == n else {
                throw SwiftGradError.invalidArgument("repeats must have the same size as input along dim, but got repeats.size(0) = \(repeats.count) and input.size(\(d)) = \(n)")
            }
        } else {
            throw SwiftGradError.invalidArgument("repeats must be 0-dim or 1-dim tensor")
        }
        let index = try Tensor.repeatInterleaveIndices(counts, outputSize: outputSize)
        var indices = [Tensor?].filled(nil, count: Swift.max(input.ndim, 1))
        indices[d] = index
        let source = input.ndim == 0 ? try input.reshape([1]) : input
        return try Tensor.composite("IndexSelectBackward0", [source]) { xs in try xs[0].index(indices) }
    }

    /// For counts `repeats` (1-d, int64), each index i repeated `repeats[i]` times: the int64
    /// indices `torch.repeat_interleave(repeats)` gives.
    /// - Throws: `.dtype` unless int64, `.invalidArgument` unless 1-d, for a negative count, a
    ///   total that overflows, or an `outputSize` other than the total.
    public static func repeatInterleaveIndices(_ repeats: Tensor, outputSize: Int? = nil) throws -> Tensor {
        guard repeats.dtype == .int64 else {
            throw SwiftGradError.dtype("\"repeat_interleave_cpu\" not implemented for '\(repeats.dtype.scalarTypeName)'")
        }
        guard repeats.ndim == 1 else { throw SwiftGradError.invalidArgument("repeat_interleave only accept 1D vector as repeat") }
        var counts: [Int] = [], total = 0
        counts.reserveCapacity(repeats.count)
        for i in 0..<repeats.count {
            let c = Int(repeats.int64Value(atOffset: repeats.offset(ofLinearIndex: i)))
            guard c >= 0 else { throw SwiftGradError.invalidArgument("repeats can not be negative") }
            let (sum, overflow) = total.addingReportingOverflow(c)
            guard !overflow else { throw SwiftGradError.invalidArgument("repeat_interleave: the total of repeats overflows") }
            total = sum
            counts.append(c)
        }
        if let outputSize, outputSize != total {
            throw SwiftGradError.invalidArgument("allocated size does not match required size")
        }
        let out = try Tensor.empty([total], .int64)
        let p = out.pointer(Int64.self)
        var k = 0
        for (i, c) in counts.enumerated() {
            for _ in 0..<c { p[k] = Int64(i); k += 1 }
        }
        return out
    }

    /// The Kronecker product: block (i, j, ...) of the result is `self[i, j, ...] * other`, the
    /// shorter shape padded with leading 1s (`torch.kron`); dtypes promote.
    public func kron(_ other: Tensor) throws -> Tensor {
        let rank = Swift.max(ndim, other.ndim)
        let a = [Int].filled(1, count: rank - ndim) + shape, b = [Int].filled(1, count: rank - other.ndim) + other.shape
        var aShape: [Int] = [], bShape: [Int] = [], result: [Int] = []
        for i in 0..<rank {
            aShape += [a[i], 1]
            bShape += [1, b[i]]
            let (size, overflow) = a[i].multipliedReportingOverflow(by: b[i])
            guard !overflow else { throw SwiftGradError.invalidArgument("kron: the result's size \(a[i]) x \(b[i]) overflows") }
            result.append(size)
        }
        return try reshape(aShape).mul(other.reshape(bShape)).unsafeView(result)
    }
}
