/// Reordering elements along dimensions: `flip`, `fliplr`, `flipud`, `roll`, `rot90`. Each
/// result is a copy (as in PyTorch), and each backward is the same reordering undone.
extension Tensor {
    /// A layout of this tensor's storage read through `shape`/`strides`/`offset`, for a kernel
    /// to copy from. It may have negative strides, so it is never handed out.
    func layout(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// A fresh contiguous copy of `layout` (any strides, negative ones included).
    static func materialized(_ layout: Tensor) throws -> Tensor {
        let out = try Tensor.empty(layout.shape, layout.dtype)
        Kernels.convert(from: layout, into: out)
        return out
    }

    /// This tensor's elements read in reverse along each of `dims` (distinct, normalized).
    private func reversedLayout(_ dims: [Int]) -> Tensor {
        var newStrides = strides, offset = storageOffset
        for d in dims where ndim > 0 && shape[d] > 1 {
            offset &+= (shape[d] &- 1) &* strides[d]
            newStrides[d] = 0 &- strides[d]
        }
        return layout(shape: shape, strides: newStrides, offset: offset)
    }

    /// Normalizes `dims` and refuses a repeated one (PyTorch's dim_list_to_bitset).
    func distinctDims(_ dims: [Int]) throws -> [Int] {
        var seen = Set<Int>()
        return try dims.map { dim in
            let d = try Shape.normalize(dim: dim, ndim: ndim)
            guard seen.insert(d).inserted else {
                throw SwiftGradError.invalidArgument("dim \(d) appears multiple times in the list of dims")
            }
            return d
        }
    }

    /// The elements in reverse order along each of `dims` (`torch.flip`, FlipBackward0); a copy.
    /// - Throws: `.invalidArgument` for a dimension out of range or listed twice.
    public func flip(_ dims: [Int]) throws -> Tensor {
        let ds = try distinctDims(dims)
        return try Tensor.materialized(reversedLayout(ds))
            .recorded("FlipBackward0", input: self) { g, _ in Gradients(try g.flip(ds)) }
    }

    /// Columns in reverse order: `flip([1])` of a tensor of 2 or more dimensions (`torch.fliplr`).
    public func fliplr() throws -> Tensor {
        guard ndim >= 2 else { throw SwiftGradError.invalidArgument("Input must be >= 2-d.") }
        return try flip([1])
    }

    /// Rows in reverse order: `flip([0])` of a tensor of 1 or more dimensions (`torch.flipud`).
    public func flipud() throws -> Tensor {
        guard ndim >= 1 else { throw SwiftGradError.invalidArgument("Input must be >= 1-d.") }
        return try flip([0])
    }

    /// The elements shifted by `shifts[i]` along `dims[i]`, those pushed past the end coming back
    /// at the start (`torch.roll`, RollBackward0); with no dims, over the flattened tensor with
    /// one shift. Shifts may be negative or larger than the size.
    /// - Throws: `.invalidArgument` for no shifts, or counts of shifts and dims that differ.
    public func roll(shifts: [Int], dims: [Int] = []) throws -> Tensor {
        guard !shifts.isEmpty else { throw SwiftGradError.invalidArgument("`shifts` required") }
        guard (dims.isEmpty && shifts.count == 1) || dims.count == shifts.count else {
            throw SwiftGradError.invalidArgument("shifts and dimensions must align. shifts: \(shifts.count), dims:\(dims.count)")
        }
        let ds = try dims.map { try Shape.normalize(dim: $0, ndim: ndim) }
        // Each shift as the equivalent one in 0..<size, so that undoing it cannot overflow.
        let sizes = ds.isEmpty ? [count] : ds.map { ndim == 0 ? 1 : shape[$0] }
        let forward = zip(shifts, sizes).map { s, n in n == 0 ? 0 : ((s % n) + n) % n }
        let back = zip(forward, sizes).map { s, n in s == 0 ? 0 : n - s }
        let out: Tensor
        if ds.isEmpty {
            let flat = try noGrad { try contiguous() }
            let rolled = try Tensor.rolled(flat.layout(shape: [count], strides: [1], offset: flat.storageOffset),
                                           dim: 0, by: forward[0])
            out = Tensor(storage: rolled.storage, shape: shape)
        } else {
            var current = self
            for (d, s) in zip(ds, forward) { current = try Tensor.rolled(current, dim: d, by: s) }
            out = current
        }
        return try out.recorded("RollBackward0", input: self) { g, _ in Gradients(try g.roll(shifts: back, dims: ds)) }
    }

    /// A fresh copy of `x` rolled by `shift` (in 0..<size) along `d` (not recorded).
    private static func rolled(_ x: Tensor, dim d: Int, by s: Int) throws -> Tensor {
        let out = try Tensor.empty(x.shape, x.dtype)
        guard x.count > 0 else { return out }
        if x.ndim == 0 || s == 0 {
            Kernels.convert(from: x, into: out)
            return out
        }
        let n = x.shape[d]
        try noGrad {
            Kernels.convert(from: try x.slice(dim: d, start: 0, end: n - s), into: try out.slice(dim: d, start: s, end: n))
            Kernels.convert(from: try x.slice(dim: d, start: n - s, end: n), into: try out.slice(dim: d, start: 0, end: s))
        }
        return out
    }

    /// The tensor rotated by 90° `k` times in the plane of `dims`, from the first axis towards
    /// the second (`torch.rot90`, Rot90Backward0); k may be negative. A copy.
    /// - Throws: `.invalidArgument` unless `dims` names two different dimensions of a tensor of 2
    ///   or more dimensions.
    public func rot90(_ k: Int = 1, dims: [Int] = [0, 1]) throws -> Tensor {
        guard dims.count == 2 else {
            throw SwiftGradError.invalidArgument("expected total rotation dims == 2, but got dims = \(dims.count)")
        }
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("expected total dims >= 2, but got total dims = \(ndim)")
        }
        let (difference, overflow) = dims[0].subtractingReportingOverflow(dims[1])
        guard dims[0] != dims[1], overflow || difference.magnitude != UInt(ndim) else {
            throw SwiftGradError.invalidArgument("expected rotation dims to be different, but got dim0 = \(dims[0]) and dim1 = \(dims[1])")
        }
        let d0 = try Shape.normalize(dim: dims[0], ndim: ndim), d1 = try Shape.normalize(dim: dims[1], ndim: ndim)
        let turns = ((k % 4) + 4) % 4
        var view: Tensor
        switch turns {
        case 1: view = reversedLayout([d1])
        case 2: view = reversedLayout([d0, d1])
        case 3: view = reversedLayout([d0])
        default: view = self
        }
        if turns % 2 == 1 {
            var newShape = view.shape, newStrides = view.strides
            newShape.swapAt(d0, d1)
            newStrides.swapAt(d0, d1)
            view = layout(shape: newShape, strides: newStrides, offset: view.storageOffset)
        }
        return try Tensor.materialized(view)
            .recorded("Rot90Backward0", input: self) { g, _ in Gradients(try g.rot90(4 - turns, dims: [d0, d1])) }
    }

    // MARK: triangles

    /// Zeros the elements of the last two dimensions on one side of diagonal `k`: above it
    /// (columns j > i + k) for the lower triangle, below it (j < i + k) for the upper one.
    private func triangle(lower: Bool, _ k: Int, _ op: String, _ name: String) throws -> Tensor {
        guard ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): input tensor must have at least 2 dimensions") }
        let rows = shape[ndim - 2], cols = shape[ndim - 1]
        let out = try Tensor.materialized(self)
        if out.count > 0 {
            // `out` is contiguous, so each row's zeroed columns are one run of bytes, and zero
            // is all zero bits in every dtype. (A view and a fill per row took 129 us for
            // [256, 512] float32; PyTorch's tril 28.)
            let item = dtype.itemSize, base = out.dataPointer
            for matrix in 0..<(out.count / (rows * cols)) {
                for i in 0..<rows {
                    // The lower triangle keeps columns up to i + k, the upper one from i + k on.
                    let edge = Tensor.clampedColumn(i, k, plus: lower ? 1 : 0, columns: cols)
                    let (start, end) = lower ? (edge, cols) : (0, edge)
                    guard end > start else { continue }
                    (base + ((matrix * rows + i) * cols + start) * item)
                        .initializeMemory(as: UInt8.self, repeating: 0, count: (end - start) * item)
                }
            }
        }
        return try out.recorded(name, inputs: [self]) { g, _ in
            Gradients(lower ? try g.tril(k) : try g.triu(k))
        }
    }

    /// `i + k + extra` clamped to `0...columns`, without overflowing for any k.
    private static func clampedColumn(_ i: Int, _ k: Int, plus extra: Int, columns: Int) -> Int {
        let (sum, overflow) = i.addingReportingOverflow(k)
        if overflow { return k > 0 ? columns : 0 }
        let (total, overflow2) = sum.addingReportingOverflow(extra)
        if overflow2 { return columns }
        return Swift.min(Swift.max(total, 0), columns)
    }

    /// The lower triangle of the last two dimensions: elements with column <= row + `diagonal`,
    /// the others zero (`torch.tril`, TrilBackward0).
    /// - Throws: `.invalidArgument` for fewer than 2 dimensions.
    public func tril(_ diagonal: Int = 0) throws -> Tensor {
        try triangle(lower: true, diagonal, "tril", "TrilBackward0")
    }

    /// The upper triangle of the last two dimensions: elements with column >= row + `diagonal`,
    /// the others zero (`torch.triu`, TriuBackward0).
    public func triu(_ diagonal: Int = 0) throws -> Tensor {
        try triangle(lower: false, diagonal, "triu", "TriuBackward0")
    }
}
