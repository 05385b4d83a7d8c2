/// Joining tensors into grids: `hstack`, `vstack`, `dstack`, `column_stack` (cat after
/// making the tensors 1-, 2- or 3-d), `meshgrid`, `block_diag`, `cartesian_prod` and
/// `combinations`.
extension Tensor {
    private static func nonEmpty(_ tensors: [Tensor], _ op: String) throws {
        guard !tensors.isEmpty else { throw SwiftGradError.invalidArgument("\(op) expects a non-empty TensorList") }
    }

    /// The tensors joined column-wise: 1-d ones end to end, others along dimension 1
    /// (`torch.hstack`).
    public static func hstack(_ tensors: [Tensor]) throws -> Tensor {
        try nonEmpty(tensors, "hstack")
        let parts = try tensors.map { try $0.atleast1d() }
        return try cat(parts, dim: parts[0].ndim == 1 ? 0 : 1)
    }

    /// The tensors, made at least 2-d (a vector as a row), joined along dimension 0
    /// (`torch.vstack`, `torch.row_stack`).
    public static func vstack(_ tensors: [Tensor]) throws -> Tensor {
        try nonEmpty(tensors, "vstack")
        return try cat(try tensors.map { try $0.atleast2d() }, dim: 0)
    }

    /// The tensors, made at least 3-d, joined along dimension 2 (`torch.dstack`).
    public static func dstack(_ tensors: [Tensor]) throws -> Tensor {
        try nonEmpty(tensors, "dstack")
        return try cat(try tensors.map { try $0.atleast3d() }, dim: 2)
    }

    /// The tensors as columns: 0-d and 1-d ones as single columns, others as they are, joined
    /// along dimension 1 (`torch.column_stack`).
    public static func columnStack(_ tensors: [Tensor]) throws -> Tensor {
        try nonEmpty(tensors, "column_stack")
        return try cat(try tensors.map { $0.ndim <= 1 ? try $0.reshape([$0.count, 1]) : $0 }, dim: 1)
    }

    /// Coordinate grids: for 0-d or 1-d tensors of n0, n1, ... elements, tensors of shape
    /// [n0, n1, ...] where the k-th varies along dimension k (`torch.meshgrid`, indexing "ij"),
    /// or with `cartesian` the first two dimensions swapped (indexing "xy"). Each is an
    /// expanded view of its input.
    /// - Throws: `.invalidArgument` for no tensors or one of more than 1 dimension, `.dtype`
    ///   for mixed dtypes.
    public static func meshgrid(_ tensors: [Tensor], cartesian: Bool = false) throws -> [Tensor] {
        try nonEmpty(tensors, "meshgrid")
        for t in tensors where t.ndim > 1 {
            throw SwiftGradError.invalidArgument("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of shape \(Shape.describe(t.shape))")
        }
        guard tensors.allSatisfy({ $0.dtype == tensors[0].dtype }) else {
            throw SwiftGradError.dtype("meshgrid expects all tensors to have the same dtype")
        }
        guard tensors.count <= Shape.maxDims else {
            throw SwiftGradError.invalidArgument("meshgrid: \(tensors.count) tensors make more than \(Shape.maxDims) dimensions")
        }
        let swap = cartesian && tensors.count >= 2
        // Position of tensor k's dimension in the grid.
        let position = (0..<tensors.count).map { k in swap && k < 2 ? 1 - k : k }
        var grid = [Int].filled(0, count: tensors.count)
        for (k, t) in tensors.enumerated() { grid[position[k]] = t.count }
        _ = try Shape.validate(grid)
        return try tensors.enumerated().map { k, t in
            var viewShape = [Int].filled(1, count: tensors.count)
            viewShape[position[k]] = t.count
            return try t.view(viewShape).expand(grid)
        }
    }

    /// A block-diagonal matrix of the tensors (0-d as 1x1, 1-d as a row), zeros elsewhere
    /// (`torch.block_diag`, BlockDiagBackward0); dtypes promote.
    /// - Throws: `.invalidArgument` for a tensor of more than 2 dimensions.
    public static func blockDiag(_ tensors: [Tensor]) throws -> Tensor {
        if tensors.isEmpty { return try Tensor.zeros([1, 0]) }  // as PyTorch
        for (i, t) in tensors.enumerated() where t.ndim > 2 {
            throw SwiftGradError.invalidArgument("torch.block_diag: Input tensors must have 2 or fewer dimensions. Input \(i) has \(t.ndim) dimensions")
        }
        let blocks = tensors.map { t -> [Int] in
            switch t.ndim {
            case 0: return [1, 1]
            case 1: return [1, t.shape[0]]
            default: return t.shape
            }
        }
        var rows = 0, cols = 0
        for b in blocks {
            let (r, o1) = rows.addingReportingOverflow(b[0]), (c, o2) = cols.addingReportingOverflow(b[1])
            guard !o1, !o2 else { throw SwiftGradError.invalidArgument("torch.block_diag: the result's size overflows") }
            (rows, cols) = (r, c)
        }
        let dtype = tensors.dropFirst().reduce(tensors.first?.dtype ?? .float32) { DType.promote($0, $1.dtype) }
        let out = try Tensor.zeros([rows, cols], dtype: dtype)
        var placed: [(row: Int, col: Int)] = []
        var r = 0, c = 0
        try noGrad {
            for (t, b) in zip(tensors, blocks) {
                placed.append((r, c))
                let block = try out.slice(dim: 0, start: r, end: r + b[0]).slice(dim: 1, start: c, end: c + b[1])
                Kernels.convert(from: try t.reshape(b), into: block)
                r += b[0]
                c += b[1]
            }
        }
        let shapes = tensors.map(\.shape)
        return try out.recorded("BlockDiagBackward0", inputs: tensors) { g, ctx in
            Gradients(try (0..<shapes.count).map { i -> Tensor? in
                guard ctx.needsGrad(i) else { return nil }
                let b = blocks[i], at = placed[i]
                return try g.slice(dim: 0, start: at.row, end: at.row + b[0]).slice(dim: 1, start: at.col, end: at.col + b[1])
                    .reshape(shapes[i]).to(ctx.inputDType(i))
            })
        }
    }

    /// The cartesian product of 1-d tensors: every combination of one element of each, as
    /// rows (`torch.cartesian_prod`); one tensor is returned as it is.
    /// - Throws: `.invalidArgument` unless every tensor is 1-d.
    public static func cartesianProd(_ tensors: [Tensor]) throws -> Tensor {
        for t in tensors where t.ndim != 1 {
            throw SwiftGradError.invalidArgument("Expect a 1D vector, but got shape \(Shape.describe(t.shape))")
        }
        if tensors.count == 1 { return tensors[0] }
        return try stack(try meshgrid(tensors).map { try $0.flatten() }, dim: 1)
    }

    /// Every combination of `r` elements of a 1-d tensor, in lexicographic order of positions,
    /// as rows (`torch.combinations`, IndexBackward0); `withReplacement` allows an element more
    /// than once.
    /// - Throws: `.invalidArgument` unless 1-d, for a negative `r`, or too many combinations.
    public func combinations(r: Int = 2, withReplacement: Bool = false) throws -> Tensor {
        guard ndim == 1 else { throw SwiftGradError.invalidArgument("Expect a 1D vector, but got shape \(Shape.describe(shape))") }
        guard r >= 0 else { throw SwiftGradError.invalidArgument("Expect a non-negative number, but got \(r)") }
        if r == 0 { return try Tensor.empty([0], dtype) }
        let n = count
        // The number of combinations, C(n, r) or C(n + r - 1, r), computed step by step (each
        // partial product is itself a binomial coefficient, so the divisions are exact).
        let (top, overflow) = withReplacement ? n.addingReportingOverflow(r - 1) : (n, false)
        guard !overflow else {
            throw SwiftGradError.invalidArgument("combinations: too many combinations of \(n) elements taken \(r) at a time")
        }
        var total = top >= r && n > 0 ? 1 : 0
        if total > 0 {
            for i in 0..<Swift.min(r, top - r) {
                let (p, overflow) = total.multipliedReportingOverflow(by: top - i)
                guard !overflow, p / (i + 1) <= 1 << 40 else {
                    throw SwiftGradError.invalidArgument("combinations: too many combinations of \(n) elements taken \(r) at a time")
                }
                total = p / (i + 1)
            }
        }
        _ = try Shape.validate([total, r], itemSize: 8)
        let positions = try Tensor.empty([total, r], .int64)
        let p = positions.pointer(Int64.self)
        if total > 0 {
            var current = [Int].filled(0, count: r)
            if !withReplacement { for j in 0..<r { current[j] = j } }
            for row in 0..<total {
                for j in 0..<r { p[row * r + j] = Int64(current[j]) }
                // The next combination: bump the last position that can still grow.
                var j = r - 1
                while j >= 0 {
                    let limit = withReplacement ? n - 1 : n - r + j
                    if current[j] < limit { break }
                    j -= 1
                }
                if j < 0 { break }
                current[j] += 1
                for k in (j + 1)..<r { current[k] = withReplacement ? current[j] : current[k - 1] + 1 }
            }
        }
        // The rows are gathered directly (advanced indexing would hold several index arrays
        // as large as the result); the gradient adds each row's elements back at their positions.
        let source = try contiguous(), out = try Tensor.empty([total, r], dtype)
        func copy<T: TensorElement>(_: T.Type) {
            let s = source.pointer(T.self), o = out.pointer(T.self)
            for i in 0..<(total * r) { o[i] = s[Int(p[i])] }
        }
        copy(dtype.elementType)
        return try out.recorded("IndexBackward0", input: self, saving: positions) { g, ctx in
            let flat = try ctx.saved(0).reshape([-1])
            return [try Tensor.zeros([n], dtype: g.dtype).scatterAdd(dim: 0, index: flat, source: try g.reshape([-1]))]
        }
    }
}
