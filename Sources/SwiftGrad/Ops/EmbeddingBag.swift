
/// `torch.nn.functional.embedding_bag`: sums, means or maxima of bags of rows of an embedding
/// table, without materialising the rows.
///
/// The sum and mean modes are one trilinear form `T(g, x, p) = sum_i c_i p_i <g[bag_i], x[idx_i]>`
/// over the positions `i` of the indices (`c_i`: 1, or 1 / the bag's size for the mean, 0 for
/// the padding index; `p_i`: the per-sample weights, or 1). Its three partial derivatives are the
/// three kernels here: the forward `gather` (`out[b] = sum c_i p_i x[idx_i]`), the weight's
/// gradient `scatter` (`out[idx_i] += c_i p_i g[bag_i]`) and the per-sample weights' gradient
/// `dot` (`c_i <g[bag_i], x[idx_i]>`). Each one's backward is the other two, so every order of
/// derivative is exact (PyTorch itself has no double backward here). The max mode records the
/// row that won each (bag, column) and is a gather at those rows, whose adjoint is a scatter.
extension Tensor {
    /// The bags of `F.embedding_bag` reduced over rows of the table `weight` [V, D]: a [B, D]
    /// result (PyTorch's `torch.embedding_bag(...)[0]`, EmbeddingBagBackward0).
    ///
    ///     // two bags of the rows 0, 2 and 1 of a 3 x 2 table
    ///     let out = try Tensor.embeddingBag(weight, indices: Tensor([0, 2, 1] as [Int64]),
    ///                                       offsets: Tensor([0, 2] as [Int64]), mode: 0)
    ///
    /// - Parameters:
    ///   - weight: the table, 2-d, floating.
    ///   - indices: int64 or int32; 1-d with `offsets` (bag `b` is
    ///     `indices[offsets[b] ..< offsets[b + 1]]`, the last bag running to the end), or 2-d
    ///     [B, N] without offsets (B bags of N indices).
    ///   - offsets: int64 or int32, 1-d, starting at 0, non-decreasing, at most the number of
    ///     indices; with `includeLastOffset` its last entry only closes the list (the last bag
    ///     still runs to the end of the indices, as PyTorch's CPU kernels do).
    ///   - mode: 0 sum, 1 mean, 2 max (PyTorch's mode numbers). Empty bags give zeros.
    ///   - perSampleWeights: weights of the indices' shape and the table's dtype, multiplying
    ///     each row in the sum (sum mode only).
    ///   - paddingIdx: a row excluded from every bag (and from the mean's count); negative
    ///     values count from the end. Its gradient is zero.
    ///   - scaleGradByFreq: divide each row's gradient by the number of times it occurs in
    ///     `indices` (not with max).
    /// - Returns: [B, D] in the table's dtype.
    /// - Throws: `.shape` and `.dtype` for operands of the wrong rank, size or dtype,
    ///   `.invalidArgument` for bad offsets, indices out of range, a bad mode or padding index,
    ///   with PyTorch's messages.
    public static func embeddingBag(_ weight: Tensor, indices: Tensor, offsets: Tensor?, mode: Int,
                                    perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false,
                                    paddingIdx: Int? = nil, scaleGradByFreq: Bool = false) throws -> Tensor {
        let plan = try EmbeddingBagPlan(weight: weight, indices: indices, offsets: offsets, mode: mode,
                                        perSampleWeights: perSampleWeights, includeLastOffset: includeLastOffset,
                                        paddingIdx: paddingIdx, scaleGradByFreq: scaleGradByFreq)
        if mode == 2 {
            return try bagMaxForward(weight, plan: plan)
        }
        return try bagGather(weight, perSampleWeights, plan: plan, scale: plan.forwardScale,
                             weightGradientScale: plan.backwardScale, name: "EmbeddingBagBackward0")
    }

    // MARK: - The recorded kernels

    /// `out[b] = sum over i in bag b of c_i p_i x[idx_i]`, [B, D]; the gradient of x is
    /// `bagScatter` with `weightGradientScale` (the forward's scale divided by the rows'
    /// frequencies under scale_grad_by_freq), the gradient of p is `bagDot`.
    static func bagGather(_ x: Tensor, _ p: Tensor?, plan: EmbeddingBagPlan, scale: [Double],
                          weightGradientScale: [Double], name: String) throws -> Tensor {
        let out = try bagCompute(x.dtype, [x, p]) { ops, T in
            try T == .float64 ? plan.gather(ops[0], ops[1], scale: scale, Double.self)
                              : plan.gather(ops[0], ops[1], scale: scale, Float.self)
        }
        var inputs = [x]
        if let p { inputs.append(p) }
        return try out.recorded(name, inputs: inputs, saving: p == nil ? [] : [x, p]) { g, ctx in
            let gx = ctx.needsGrad(0)
                ? try bagScatter(g, p == nil ? nil : try ctx.saved(1), plan: plan, scale: weightGradientScale) : nil
            let gp = p != nil && ctx.needsGrad(1) ? try bagDot(g, try ctx.saved(0), plan: plan, scale: scale) : nil
            return p == nil ? [gx] : [gx, gp]
        }
    }

    /// `out[idx_i] += c_i p_i g[bag_i]`, [V, D].
    static func bagScatter(_ g: Tensor, _ p: Tensor?, plan: EmbeddingBagPlan, scale: [Double]) throws -> Tensor {
        let out = try bagCompute(g.dtype, [g, p]) { ops, T in
            try T == .float64 ? plan.scatter(ops[0], ops[1], scale: scale, Double.self)
                              : plan.scatter(ops[0], ops[1], scale: scale, Float.self)
        }
        var inputs = [g]
        if let p { inputs.append(p) }
        return try out.recorded("EmbeddingBagBackwardBackward0", inputs: inputs, saving: p == nil ? [] : [g, p]) { gg, ctx in
            let pSaved = p == nil ? nil : try ctx.saved(1)
            let dg = ctx.needsGrad(0)
                ? try bagGather(gg, pSaved, plan: plan, scale: scale, weightGradientScale: scale, name: "EmbeddingBagBackwardBackward0Backward0")
                : nil
            let dp = p != nil && ctx.needsGrad(1) ? try bagDot(try ctx.saved(0), gg, plan: plan, scale: scale) : nil
            return p == nil ? [dg] : [dg, dp]
        }
    }

    /// `out[i] = c_i <g[bag_i], x[idx_i]>`, [N] (the per-sample weights' gradient).
    static func bagDot(_ g: Tensor, _ x: Tensor, plan: EmbeddingBagPlan, scale: [Double]) throws -> Tensor {
        let out = try bagCompute(g.dtype, [g, x]) { ops, T in
            try T == .float64 ? plan.dot(ops[0]!, ops[1]!, scale: scale, Double.self)
                              : plan.dot(ops[0]!, ops[1]!, scale: scale, Float.self)
        }
        let shaped = try out.reshape(plan.indicesShape)
        return try shaped.recorded("EmbeddingBagPerSampleWeightsBackward0", input: g, x, saving: g, x) { gg, ctx in
            let flat = try gg.reshape([plan.count])
            let dg = ctx.needsGrad(0)
                ? try bagGather(try ctx.saved(1), flat, plan: plan, scale: scale, weightGradientScale: scale, name: "EmbeddingBagBackwardBackward0Backward0")
                : nil
            let dx = ctx.needsGrad(1) ? try bagScatter(try ctx.saved(0), flat, plan: plan, scale: scale) : nil
            return [dg, dx]
        }
    }

    /// The max mode's forward: each (bag, column) the largest of its rows' values (the first
    /// one on ties; a NaN met first stays), 0 for an empty bag; the winners kept in the plan.
    static func bagMaxForward(_ weight: Tensor, plan: EmbeddingBagPlan) throws -> Tensor {
        let out = try bagCompute(weight.dtype, [weight]) { ops, T in
            try T == .float64 ? plan.maxForward(ops[0]!, Double.self) : plan.maxForward(ops[0]!, Float.self)
        }
        return try out.recorded("EmbeddingBagBackward0", input: weight) { g, _ in
            Gradients(try bagMaxScatter(g, plan: plan))
        }
    }

    /// `out[b, d] = x[winner[b, d], d]` (0 where the bag was empty).
    static func bagMaxGather(_ x: Tensor, plan: EmbeddingBagPlan) throws -> Tensor {
        let out = try bagCompute(x.dtype, [x]) { ops, T in
            try T == .float64 ? plan.maxGather(ops[0]!, Double.self) : plan.maxGather(ops[0]!, Float.self)
        }
        return try out.recorded("EmbeddingBagBackwardBackward0Backward0", input: x) { gg, _ in
            Gradients(try bagMaxScatter(gg, plan: plan))
        }
    }

    /// `out[winner[b, d], d] += g[b, d]`, [V, D].
    static func bagMaxScatter(_ g: Tensor, plan: EmbeddingBagPlan) throws -> Tensor {
        let out = try bagCompute(g.dtype, [g]) { ops, T in
            try T == .float64 ? plan.maxScatter(ops[0]!, Double.self) : plan.maxScatter(ops[0]!, Float.self)
        }
        return try out.recorded("EmbeddingBagBackwardBackward0", input: g) { gg, _ in
            Gradients(try bagMaxGather(gg, plan: plan))
        }
    }

    /// Runs a kernel on contiguous copies of `operands` in the compute dtype of `dtype`
    /// (float64 for float64, float32 for the other floating dtypes) and returns its result in
    /// `dtype`, outside the graph.
    private static func bagCompute(_ dtype: DType, _ operands: [Tensor?],
                                   _ body: ([Tensor?], DType) throws -> Tensor) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"embedding_bag\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let compute: DType = dtype == .float64 ? .float64 : .float32
        return try noGrad {
            let ops = try operands.map { op -> Tensor? in
                guard let op else { return nil }
                return try op.to(compute, recording: false).denseForKernel()
            }
            return try body(ops, compute).to(dtype, recording: false)
        }
    }
}

/// The bags of one `embedding_bag` call, validated: the rows each position reads, the bags'
/// boundaries and the per-position factors, and (max mode) the winning rows. Shared by the
/// forward and every backward of the call; immutable once the forward has run.
final class EmbeddingBagPlan: @unchecked Sendable {
    /// Rows of the table (V) and its width (D).
    let rows: Int, width: Int
    /// The indices as rows, flattened.
    let index: [Int]
    /// The indices' shape (the per-sample weights' gradient has it).
    let indicesShape: [Int]
    /// Bag b covers positions `bounds[b] ..< bounds[b + 1]`.
    let bounds: [Int]
    /// The forward's factor per position: 0 for the padding row, 1 / (bag size without padding)
    /// for the mean, else 1.
    let forwardScale: [Double]
    /// The table gradient's factor per position: forwardScale divided by the row's frequency
    /// in the indices under scale_grad_by_freq.
    let backwardScale: [Double]
    /// Max mode: the winning row of each (bag, column), -1 for an empty bag.
    private(set) var winners: [Int64] = []

    var count: Int { index.count }
    var bags: Int { bounds.count - 1 }

    init(weight: Tensor, indices: Tensor, offsets: Tensor?, mode: Int, perSampleWeights: Tensor?,
         includeLastOffset: Bool, paddingIdx: Int?, scaleGradByFreq: Bool) throws {
        let op = "(while checking arguments for embedding_bag)"
        guard weight.ndim == 2 else {
            throw SwiftGradError.shape("weight has to be a 2D Tensor, but got Tensor of dimension \(weight.ndim)")
        }
        guard weight.dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, BFloat16, Float, Double; but got \(weight.dtype.legacyTypeName) instead \(op)")
        }
        for t in [indices, offsets].compactMap({ $0 }) where t.dtype != .int64 && t.dtype != .int32 {
            throw SwiftGradError.dtype("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(t.dtype.legacyTypeName) instead \(op)")
        }
        guard (0...2).contains(mode) else { throw SwiftGradError.invalidArgument("mode has to be one of sum, mean or max") }
        if mode == 2 && scaleGradByFreq {
            throw SwiftGradError.invalidArgument("max mode does not support scaling the gradient by the frequency")
        }
        rows = weight.shape[0]
        width = weight.shape[1]
        indicesShape = indices.shape
        // The bags' starts, as PyTorch's Python front end and _embedding_bag see them.
        var starts: [Int]
        switch indices.ndim {
        case 2:
            if offsets != nil {
                throw SwiftGradError.invalidArgument("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>")
            }
            let (b, n) = (indices.shape[0], indices.shape[1])
            guard n != 0 else { throw SwiftGradError.invalidArgument("step must be nonzero") }
            starts = (0..<b).map { $0 &* n }
        case 1:
            guard let offsets else { throw SwiftGradError.invalidArgument("offsets has to be a 1D Tensor but got None") }
            guard offsets.ndim == 1 else { throw SwiftGradError.shape("offsets has to be a 1D Tensor") }
            starts = try offsets.scalars(as: Int64.self).map { Int(truncatingIfNeeded: $0) }
            if includeLastOffset {
                guard !starts.isEmpty else {
                    throw SwiftGradError.invalidArgument("include_last_offset: number of offset should be at least 1")
                }
            }
        default:
            throw SwiftGradError.shape("input has to be 1D or 2D Tensor, but got Tensor of dimension \(indices.ndim)")
        }
        let n = indices.count
        if let psw = perSampleWeights {
            guard mode == 0 else {
                throw SwiftGradError.invalidArgument("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='\(mode == 1 ? "mean" : "max")'). Please open a feature request on GitHub.")
            }
            guard psw.shape == indices.shape else {
                throw SwiftGradError.shape("embedding_bag: If per_sample_weights (\(Shape.torchSize(psw.shape))) is not None, then it must have the same shape as the input (\(Shape.torchSize(indices.shape)))")
            }
            guard psw.dtype == weight.dtype else {
                throw SwiftGradError.dtype("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type \(weight.dtype.legacyTypeName) does not equal \(psw.dtype.legacyTypeName) \(op)")
            }
        }
        var padding = -1
        if let paddingIdx {
            guard paddingIdx >= -rows && paddingIdx < rows else {
                throw SwiftGradError.invalidArgument("padding_idx must be within the number of embeddings, -\(rows) through \(rows - 1), but got \(paddingIdx)")
            }
            padding = paddingIdx < 0 ? paddingIdx + rows : paddingIdx
        }
        if let first = starts.first {
            guard first == 0 else {
                throw SwiftGradError.invalidArgument("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got \(first)")
            }
            let last = starts[starts.count - 1]
            guard last <= n else {
                throw SwiftGradError.invalidArgument("offsets[-1] can not be greater than input's length \(n) but got offsets[-1] of \(last)")
            }
            for k in 1..<starts.count where starts[k] < starts[k - 1] {
                throw SwiftGradError.invalidArgument("embedding_bag: offsets must be non-decreasing, but offsets[\(k)] = \(starts[k]) is less than offsets[\(k - 1)] = \(starts[k - 1])")
            }
        }
        if includeLastOffset { starts.removeLast() }
        bounds = starts + [n]
        let values = try indices.scalars(as: Int64.self)
        // PyTorch's message depends on the kernel it takes: the fast sum/mean path of float32
        // (and the reduced floats) without padding, or the generic one.
        let fastPath = mode != 2 && weight.dtype != .float64 && paddingIdx == nil
        var index = [Int](repeating: 0, count: n)
        for (i, v) in values.enumerated() {
            guard v >= 0 && v < Int64(rows) else {
                throw SwiftGradError.invalidArgument(fastPath
                    ? "Index \(i) of input takes value \(v) which is not in the valid range [0, \(rows))"
                    : "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be \(v)")
            }
            index[i] = Int(v)
        }
        self.index = index
        var forward = [Double](repeating: 1, count: n)
        let bagCount = bounds.count - 1
        for b in 0..<bagCount {
            var size = 0
            for i in bounds[b]..<bounds[b + 1] {
                if index[i] == padding { forward[i] = 0 } else { size += 1 }
            }
            if mode == 1 && size > 0 {
                let f = 1 / Double(size)
                for i in bounds[b]..<bounds[b + 1] where forward[i] != 0 { forward[i] = f }
            }
        }
        forwardScale = forward
        if scaleGradByFreq {
            var uses = [Int](repeating: 0, count: rows)
            for r in index { uses[r] += 1 }
            backwardScale = (0..<n).map { forward[$0] / Double(uses[index[$0]]) }
        } else {
            backwardScale = forward
        }
    }

    // MARK: Kernels (contiguous operands of element type T)

    func gather<T: PoolFloat>(_ x: Tensor?, _ p: Tensor?, scale: [Double], _: T.Type) throws -> Tensor {
        guard let x else { throw SwiftGradError.internal("embedding_bag: no table") }
        let out = try Tensor.zeros([bags, width], dtype: T.dtype)
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), op = out.pointer(T.self)
        let pp = p.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
        let d = width
        scale.withUnsafeBufferPointer { c in
            bounds.withUnsafeBufferPointer { bounds in
                index.withUnsafeBufferPointer { index in
                    Parallel.forRanges(bags, work: count &* d) { range in
                        for b in range {
                            let row = op + b &* d
                            for i in bounds[b]..<bounds[b &+ 1] where c[i] != 0 {
                                var w = T(c[i])
                                if let pp { w *= pp[i] }
                                let src = xp + index[i] &* d
                                for j in 0..<d { row[j] += w * src[j] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func scatter<T: PoolFloat>(_ g: Tensor?, _ p: Tensor?, scale: [Double], _: T.Type) throws -> Tensor {
        guard let g else { throw SwiftGradError.internal("embedding_bag: no gradient") }
        let out = try Tensor.zeros([rows, width], dtype: T.dtype)
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), op = out.pointer(T.self)
        let pp = p.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
        let d = width, v = rows
        scale.withUnsafeBufferPointer { c in
            bounds.withUnsafeBufferPointer { bounds in
                index.withUnsafeBufferPointer { index in
                    // Each piece owns a range of the table's rows: no two write the same row.
                    let pieces = Swift.min(Parallel.cores, Swift.max(1, count &* d / (1 << 15)), Swift.max(v, 1))
                    let body = { (k: Int) in
                        let lo = v * k / pieces, hi = v * (k + 1) / pieces
                        for b in 0..<(bounds.count - 1) {
                            let src = gp + b &* d
                            for i in bounds[b]..<bounds[b &+ 1] where c[i] != 0 {
                                let r = index[i]
                                guard r >= lo && r < hi else { continue }
                                var w = T(c[i])
                                if let pp { w *= pp[i] }
                                let dst = op + r &* d
                                for j in 0..<d { dst[j] += w * src[j] }
                            }
                        }
                    }
                    Parallel.run(pieces, body)
                }
            }
        }
        return out
    }

    func dot<T: PoolFloat>(_ g: Tensor, _ x: Tensor, scale: [Double], _: T.Type) throws -> Tensor {
        let out = try Tensor.zeros([count], dtype: T.dtype)
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset)
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), op = out.pointer(T.self)
        let d = width
        scale.withUnsafeBufferPointer { c in
            bounds.withUnsafeBufferPointer { bounds in
                index.withUnsafeBufferPointer { index in
                    Parallel.forRanges(bags, work: count &* d) { range in
                        for b in range {
                            let row = gp + b &* d
                            for i in bounds[b]..<bounds[b &+ 1] where c[i] != 0 {
                                let src = xp + index[i] &* d
                                var s: T = 0
                                for j in 0..<d { s += row[j] * src[j] }
                                op[i] = T(c[i]) * s
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func maxForward<T: PoolFloat>(_ x: Tensor, _: T.Type) throws -> Tensor {
        let out = try Tensor.zeros([bags, width], dtype: T.dtype)
        let d = width
        var won = [Int64](repeating: -1, count: bags &* d)
        if T.self == Float.self {
            // The winners in Int32 lanes beside the Float ones, widened afterwards.
            guard rows <= Int(Int32.max) else {
                throw SwiftGradError.invalidArgument("embedding_bag: max mode supports tables of at most \(Int32.max) rows, got \(rows)")
            }
            var narrow = [Int32](repeating: -1, count: bags &* d)
            narrow.withUnsafeMutableBufferPointer { arg in
                maxKernelFloat(UnsafePointer(x.pointer(Float.self) + x.storageOffset), out.pointer(Float.self), arg.baseAddress!)
            }
            for k in 0..<won.count { won[k] = Int64(narrow[k]) }
        } else {
            won.withUnsafeMutableBufferPointer { arg in
                maxKernelDouble(UnsafePointer(x.pointer(Double.self) + x.storageOffset), out.pointer(Double.self), arg.baseAddress!)
            }
        }
        winners = won
        return out
    }

    /// The max mode's forward over SIMD8 lanes: a lane takes a row's value when it is greater
    /// (so the first of equal values, and a NaN met first, stay), with the row's number in the
    /// matching lane of `arg` (Int32 lanes for Float, Int64 for Double: the comparison's mask
    /// selects both). A branch per element costs a misprediction on random data; the blend
    /// does not (10x faster measured at 64 columns). `block` blends 8 columns; the concrete
    /// kernels below give it with concrete SIMD types (the generic `.>` of SIMD compares lane
    /// by lane through memory, 25x slower).
    @inline(__always)
    private func maxKernel<T: PoolFloat, A: FixedWidthInteger>(
        _ xp: UnsafePointer<T>, _ op: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<A>,
        block: (_ src: UnsafePointer<T>, _ row: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<A>, _ r: A) -> Void
    ) {
        let d = width, blocks = width / 8
        forwardScale.withUnsafeBufferPointer { c in
            bounds.withUnsafeBufferPointer { bounds in
                index.withUnsafeBufferPointer { index in
                    Parallel.forRanges(bags, work: count &* d) { range in
                        for b in range {
                            let row = op + b &* d, a = arg + b &* d
                            var first = true
                            for i in bounds[b]..<bounds[b &+ 1] where c[i] != 0 {
                                let r = A(truncatingIfNeeded: index[i]), src = xp + index[i] &* d
                                if first {
                                    for j in 0..<d { row[j] = src[j]; a[j] = r }
                                    first = false
                                    continue
                                }
                                for k in 0..<blocks { block(src + 8 &* k, row + 8 &* k, a + 8 &* k, r) }
                                for j in (blocks &* 8)..<d where src[j] > row[j] { row[j] = src[j]; a[j] = r }
                            }
                        }
                    }
                }
            }
        }
    }

    private func maxKernelFloat(_ xp: UnsafePointer<Float>, _ op: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>) {
        maxKernel(xp, op, arg) { src, row, a, r in
            let v = UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self)
            let o = UnsafeRawPointer(row).loadUnaligned(as: SIMD8<Float>.self)
            let av = UnsafeRawPointer(a).loadUnaligned(as: SIMD8<Int32>.self)
            let m = v .> o
            UnsafeMutableRawPointer(row).storeBytes(of: o.replacing(with: v, where: m), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(a).storeBytes(of: av.replacing(with: r, where: m), as: SIMD8<Int32>.self)
        }
    }

    private func maxKernelDouble(_ xp: UnsafePointer<Double>, _ op: UnsafeMutablePointer<Double>, _ arg: UnsafeMutablePointer<Int64>) {
        maxKernel(xp, op, arg) { src, row, a, r in
            let v = UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Double>.self)
            let o = UnsafeRawPointer(row).loadUnaligned(as: SIMD8<Double>.self)
            let av = UnsafeRawPointer(a).loadUnaligned(as: SIMD8<Int64>.self)
            let m = v .> o
            UnsafeMutableRawPointer(row).storeBytes(of: o.replacing(with: v, where: m), as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(a).storeBytes(of: av.replacing(with: r, where: m), as: SIMD8<Int64>.self)
        }
    }

    func maxGather<T: PoolFloat>(_ x: Tensor, _: T.Type) throws -> Tensor {
        let out = try Tensor.zeros([bags, width], dtype: T.dtype)
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), op = out.pointer(T.self)
        let d = width
        winners.withUnsafeBufferPointer { won in
            for b in 0..<bags {
                for j in 0..<d {
                    let r = won[b &* d &+ j]
                    if r >= 0 { op[b &* d &+ j] = xp[Int(r) &* d &+ j] }
                }
            }
        }
        return out
    }

    func maxScatter<T: PoolFloat>(_ g: Tensor, _: T.Type) throws -> Tensor {
        let out = try Tensor.zeros([rows, width], dtype: T.dtype)
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), op = out.pointer(T.self)
        let d = width
        winners.withUnsafeBufferPointer { won in
            for b in 0..<bags {
                for j in 0..<d {
                    let r = won[b &* d &+ j]
                    if r >= 0 { op[Int(r) &* d &+ j] += gp[b &* d &+ j] }
                }
            }
        }
        return out
    }
}
