/// Splitting a tensor into pieces along a dimension: `split`, `chunk`, `tensor_split`,
/// `hsplit`/`vsplit`/`dsplit`, `unbind` and their unsafe and copying forms. The pieces of
/// `split`, `chunk` and `unbind` are views recorded as the outputs of one node (SplitBackward0,
/// UnbindBackward0: every piece's gradient goes back through it, a missing one as zeros), as in
/// PyTorch; `tensor_split`'s pieces are separate slices (SliceBackward0).
extension Tensor {
    /// The most pieces one call may make: as many as a C caller can receive (`exportTensorList`'s
    /// capacity limit). It keeps a hostile count (a million chunks of an empty dimension, unbind
    /// of an expanded dimension of 2^40) from making billions of tensors.
    static let maxPieces = 1 << 20

    static func checkPieceCount(_ count: Int, _ op: String) throws {
        guard count <= maxPieces else {
            throw SwiftGradError.invalidArgument("\(op): \(count) pieces are too many (at most \(maxPieces))")
        }
    }

    /// Pieces of `sizes` (already checked to sum to the size of `d`) along `d`. Views of this
    /// tensor, or with `unsafe`, aliases that autograd does not treat as views (PyTorch's
    /// unsafe_split).
    private func pieces(_ sizes: [Int], along d: Int, unsafe: Bool = false) -> [Tensor] {
        var start = 0
        return sizes.map { size in
            var newShape = shape
            newShape[d] = size
            let offset = storageOffset &+ (size > 0 ? start &* strides[d] : 0)
            start &+= size
            return unsafe
                ? Tensor(storage: storage, shape: newShape, strides: strides, offset: offset)
                : aliased(shape: newShape, strides: strides, offset: offset)
        }
    }

    /// The sizes `split(splitSize)` cuts dimension `d` into.
    private func splitSizes(_ splitSize: Int, _ d: Int) throws -> [Int] {
        guard splitSize >= 0 else {
            throw SwiftGradError.invalidArgument("split expects split_size be non-negative, but got split_size=\(splitSize)")
        }
        let n = shape[d]
        guard splitSize > 0 || n == 0 else {
            throw SwiftGradError.invalidArgument("split_size can only be 0 if dimension size is 0, but got dimension size of \(n)")
        }
        let count = n == 0 ? 1 : (n - 1) / splitSize + 1
        try Tensor.checkPieceCount(count, "split")
        var sizes = [Int].filled(splitSize, count: count)
        sizes[count - 1] = n - splitSize * (count - 1)
        return sizes
    }

    private func checkSplitSizes(_ sizes: [Int], _ d: Int) throws {
        guard !sizes.contains(where: { $0 < 0 }) else {
            throw SwiftGradError.invalidArgument("split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=\(Shape.describe(sizes))")
        }
        var total = 0, overflow = false
        for s in sizes where !overflow { (total, overflow) = total.addingReportingOverflow(s) }
        guard !overflow, total == shape[d] else {
            throw SwiftGradError.invalidArgument("split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(Shape.describe(sizes))")
        }
        try Tensor.checkPieceCount(sizes.count, "split_with_sizes")
    }

    private func splitDim(_ dim: Int) throws -> Int {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("split expects at least a 1-dimensional tensor") }
        return try Shape.normalize(dim: dim, ndim: ndim)
    }

    /// Pieces recorded under `name`, whose gradient is the pieces' gradients joined along `d`.
    private func recordedPieces(_ name: String, _ pieces: [Tensor], _ d: Int) throws -> [Tensor] {
        try Tensor.recordedOutputs(name, inputs: [self], outputs: pieces) { grads, _ in
            Gradients(try Tensor.cat(grads, dim: d))
        }
    }

    /// Views of `splitSize` elements along `dim` (the last one smaller when the size does not
    /// divide), as `torch.split(x, 2)` (SplitBackward0).
    /// - Throws: `.invalidArgument` for a 0-d tensor, a negative size, or a size of 0 for a
    ///   dimension that is not empty.
    public func split(_ splitSize: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim)
        return try recordedPieces("SplitBackward0", pieces(try splitSizes(splitSize, d), along: d), d)
    }

    /// Views of the given sizes along `dim`, which must sum to its size (`torch.split(x, [1, 3])`,
    /// `split_with_sizes`, SplitWithSizesBackward0).
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim)
        try checkSplitSizes(sizes, d)
        return try recordedPieces("SplitWithSizesBackward0", pieces(sizes, along: d), d)
    }

    /// `split` whose pieces autograd does not treat as views of the input
    /// (`torch.unsafe_split`, UnsafeSplitBackward0).
    public func unsafeSplit(_ splitSize: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim)
        return try recordedPieces("UnsafeSplitBackward0", pieces(try splitSizes(splitSize, d), along: d, unsafe: true), d)
    }

    /// `split(sizes:)` whose pieces autograd does not treat as views
    /// (`torch.unsafe_split_with_sizes`, UnsafeSplitWithSizesBackward0).
    public func unsafeSplit(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim)
        try checkSplitSizes(sizes, d)
        return try recordedPieces("UnsafeSplitWithSizesBackward0", pieces(sizes, along: d, unsafe: true), d)
    }

    /// `split(sizes:)` with each piece a copy (`torch.split_with_sizes_copy`,
    /// SplitWithSizesBackward0_copy).
    public func splitWithSizesCopy(_ sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim)
        try checkSplitSizes(sizes, d)
        let copies = try noGrad { try pieces(sizes, along: d).map { try $0.clone() } }
        return try recordedPieces("SplitWithSizesBackward0_copy", copies, d)
    }

    /// The sizes `chunk(chunks)` cuts dimension `d` into: pieces of ceil(size / chunks), so that
    /// there may be fewer than `chunks`; an empty dimension gives `chunks` empty pieces.
    private func chunkSizes(_ chunks: Int, _ dim: Int) throws -> (sizes: [Int], dim: Int) {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("chunk expects at least a 1-dimensional tensor") }
        guard chunks > 0 else {
            throw SwiftGradError.invalidArgument("chunk expects `chunks` to be greater than 0, got: \(chunks)")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let n = shape[d]
        if n == 0 {
            try Tensor.checkPieceCount(chunks, "chunk")
            return ([Int].filled(0, count: chunks), d)
        }
        return (try splitSizes((n - 1) / chunks + 1, d), d)
    }

    /// At most `chunks` views of equal size along `dim`, the last smaller when the size does not
    /// divide (`torch.chunk`, SplitBackward0).
    /// - Throws: `.invalidArgument` for a 0-d tensor or `chunks` below 1.
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        let (sizes, d) = try chunkSizes(chunks, dim)
        let name = shape[d] == 0 ? "SplitWithSizesBackward0" : "SplitBackward0"
        return try recordedPieces(name, pieces(sizes, along: d), d)
    }

    /// `chunk` whose pieces autograd does not treat as views (`torch.unsafe_chunk`,
    /// UnsafeSplitBackward0).
    public func unsafeChunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        let (sizes, d) = try chunkSizes(chunks, dim)
        let name = shape[d] == 0 ? "UnsafeSplitWithSizesBackward0" : "UnsafeSplitBackward0"
        return try recordedPieces(name, pieces(sizes, along: d, unsafe: true), d)
    }

    // MARK: tensor_split

    private func tensorSplitDim(_ dim: Int) throws -> Int {
        guard ndim > 0 else {
            throw SwiftGradError.invalidArgument("tensor_split expected at least a 1-dimensional tensor, but got a tensor with \(ndim) dims")
        }
        return try Shape.normalize(dim: dim, ndim: ndim)
    }

    /// `sections` slices along `dim` whose sizes differ by at most one, the larger first
    /// (`torch.tensor_split(x, 3)`, each a SliceBackward0 view).
    /// - Throws: `.invalidArgument` for a 0-d tensor or `sections` below 1.
    public func tensorSplit(sections: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try tensorSplitDim(dim)
        guard sections > 0 else {
            throw SwiftGradError.invalidArgument("number of sections must be larger than 0, got \(sections)")
        }
        try Tensor.checkPieceCount(sections, "tensor_split")
        let n = shape[d], small = n / sections, larger = n % sections
        var start = 0
        return try (0..<sections).map { i in
            let size = small + (i < larger ? 1 : 0)
            defer { start += size }
            return try slice(dim: d, start: start, end: start + size)
        }
    }

    /// Slices along `dim` cut before each index, as Python slices `[:i0], [i0:i1], ..., [ik:]`
    /// (negative indices count from the end; out of range ones clamp, giving empty pieces)
    /// (`torch.tensor_split(x, [1, 3])`).
    public func tensorSplit(indices: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try tensorSplitDim(dim)
        try Tensor.checkPieceCount(indices.count + 1, "tensor_split")
        var start = 0
        var result: [Tensor] = []
        for index in indices {
            result.append(try slice(dim: d, start: start, end: index))
            start = index
        }
        result.append(try slice(dim: d, start: start, end: nil))
        return result
    }

    /// `tensor_split` with its sections or indices in an int64 tensor: 0-d for a number of
    /// sections, 1-d for indices.
    /// - Throws: `.dtype` unless int64, `.invalidArgument` for more than one dimension.
    public func tensorSplit(_ indicesOrSections: Tensor, dim: Int = 0) throws -> [Tensor] {
        _ = try tensorSplitDim(dim)
        guard indicesOrSections.dtype == .int64 else {
            throw SwiftGradError.dtype("tensor_split expected tensor_indices_or_sections to have dtype of long, but got \(indicesOrSections.dtype.scalarTypeName)")
        }
        guard indicesOrSections.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with \(indicesOrSections.ndim) dims")
        }
        if indicesOrSections.ndim == 1 { try Tensor.checkPieceCount(indicesOrSections.count + 1, "tensor_split") }
        let values = (0..<indicesOrSections.count).map {
            Int(indicesOrSections.int64Value(atOffset: indicesOrSections.offset(ofLinearIndex: $0)))
        }
        if indicesOrSections.ndim == 0 { return try tensorSplit(sections: values[0], dim: dim) }
        return try tensorSplit(indices: values, dim: dim)
    }

    /// The dimension `hsplit`/`vsplit`/`dsplit` cut, after checking the tensor has enough.
    private func directionalSplitDim(_ op: String, minDims: Int, dim: Int) throws -> Int {
        guard ndim >= minDims else {
            throw SwiftGradError.invalidArgument("torch.\(op) requires a tensor with at least \(minDims) dimension, but got a tensor with \(ndim) dimensions!")
        }
        return dim
    }

    private func directionalSplit(_ op: String, minDims: Int, dim: Int, sections: Int) throws -> [Tensor] {
        let d = try directionalSplitDim(op, minDims: minDims, dim: dim)
        guard sections != 0, shape[d] % sections == 0 else {
            throw SwiftGradError.invalidArgument("torch.\(op) attempted to split along dimension \(d), but the size of the dimension \(shape[d]) is not divisible by the split_size \(sections)!")
        }
        return try tensorSplit(sections: sections, dim: d)
    }

    /// `sections` equal pieces along the columns: dimension 1, or 0 of a 1-d tensor
    /// (`torch.hsplit`); the size must divide.
    public func hsplit(sections: Int) throws -> [Tensor] {
        try directionalSplit("hsplit", minDims: 1, dim: ndim == 1 ? 0 : 1, sections: sections)
    }

    /// `tensorSplit(indices:)` along the columns (`torch.hsplit(x, [1, 3])`).
    public func hsplit(indices: [Int]) throws -> [Tensor] {
        try tensorSplit(indices: indices, dim: directionalSplitDim("hsplit", minDims: 1, dim: ndim == 1 ? 0 : 1))
    }

    /// `sections` equal pieces along dimension 0 of a tensor of 2 or more dimensions
    /// (`torch.vsplit`).
    public func vsplit(sections: Int) throws -> [Tensor] {
        try directionalSplit("vsplit", minDims: 2, dim: 0, sections: sections)
    }

    /// `tensorSplit(indices:)` along dimension 0 (`torch.vsplit(x, [1, 3])`).
    public func vsplit(indices: [Int]) throws -> [Tensor] {
        try tensorSplit(indices: indices, dim: directionalSplitDim("vsplit", minDims: 2, dim: 0))
    }

    /// `sections` equal pieces along dimension 2 of a tensor of 3 or more dimensions
    /// (`torch.dsplit`).
    public func dsplit(sections: Int) throws -> [Tensor] {
        try directionalSplit("dsplit", minDims: 3, dim: 2, sections: sections)
    }

    /// `tensorSplit(indices:)` along dimension 2 (`torch.dsplit(x, [1, 3])`).
    public func dsplit(indices: [Int]) throws -> [Tensor] {
        try tensorSplit(indices: indices, dim: directionalSplitDim("dsplit", minDims: 3, dim: 2))
    }

    // MARK: unbind

    private func unbindPieces(_ dim: Int) throws -> (pieces: [Tensor], dim: Int) {
        guard ndim > 0 else { throw SwiftGradError.invalidArgument("Dimension specified as \(dim) but tensor has no dimensions") }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        try Tensor.checkPieceCount(shape[d], "unbind")
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        let pieces = (0..<shape[d]).map { i in
            aliased(shape: newShape, strides: newStrides, offset: storageOffset &+ i &* strides[d])
        }
        return (pieces, d)
    }

    /// The slices at each index along `dim`, one dimension fewer, as views (`torch.unbind`,
    /// UnbindBackward0).
    /// - Throws: `.invalidArgument` for a 0-d tensor or a dimension out of range.
    public func unbind(dim: Int = 0) throws -> [Tensor] {
        let (pieces, d) = try unbindPieces(dim)
        return try Tensor.recordedOutputs("UnbindBackward0", inputs: [self], outputs: pieces) { grads, _ in
            Gradients(try Tensor.stack(grads, dim: d))
        }
    }

    /// `unbind` with each slice a copy (`torch.unbind_copy`, UnbindBackward0_copy).
    public func unbindCopy(dim: Int = 0) throws -> [Tensor] {
        let (pieces, d) = try unbindPieces(dim)
        let copies = try noGrad { try pieces.map { try $0.clone() } }
        return try Tensor.recordedOutputs("UnbindBackward0_copy", inputs: [self], outputs: copies) { grads, _ in
            Gradients(try Tensor.stack(grads, dim: d))
        }
    }
}
