import CBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scaled dot-product attention (`F.scaled_dot_product_attention`), PyTorch's math:
/// `softmax(q k^T * scale + mask) v`, with a row whose every score is masked (-inf) giving
/// zeros, as torch 2.15's CPU paths do (its `_safe_softmax`), not NaN.
///
/// The forward and the backward are fused kernels over the flattened batch (every leading
/// dimension, heads included), split across cores, each product an OpenBLAS GEMM. The
/// probabilities are kept for backward. With create_graph the backward is written in
/// differentiable ops instead (recomputing the probabilities from the saved inputs), so higher
/// orders work.
extension Tensor {
    /// `F.scaled_dot_product_attention(self, key, value, attn_mask, dropout_p, is_causal, scale,
    /// enable_gqa)`.
    ///
    /// ```swift
    /// let out = try q.scaledDotProductAttention(key: k, value: v, isCausal: true)
    /// ```
    /// - Parameters:
    ///   - key: `[..., S, E]`; `value`: `[..., S, Ev]`; `self` (the query): `[..., L, E]`. The
    ///     leading dimensions broadcast against each other.
    ///   - attnMask: bool (true: the position takes part) or floating (added to the scores),
    ///     broadcastable to `[..., L, S]`.
    ///   - dropoutP: probability of zeroing each attention weight (the rest scaled by
    ///     `1 / (1 - p)`); applied whenever it is positive, as PyTorch's function does.
    ///   - isCausal: attend to key positions `j <= i` only (a lower-triangular `[L, S]` mask).
    ///   - scale: the scores' factor; `1 / sqrt(E)` when nil.
    ///   - enableGQA: grouped-query attention: key and value heads (dimension -3) are repeated
    ///     to the query's number of heads.
    /// - Returns: `[..., L, Ev]`.
    /// - Throws: `SwiftGradError` with PyTorch's messages for mismatched dtypes, dimensions,
    ///   sizes, a mask of another dtype, a mask together with is_causal, a bad dropout_p.
    public func scaledDotProductAttention(key: Tensor, value: Tensor, attnMask: Tensor? = nil,
                                          dropoutP: Double = 0, isCausal: Bool = false,
                                          scale: Double? = nil, enableGQA: Bool = false) throws -> Tensor {
        let query = self
        guard query.dtype == key.dtype, key.dtype == value.dtype else {
            throw SwiftGradError.dtype("Expected query, key, and value to have the same dtype, but got query.dtype: \(query.dtype.cTypeName) key.dtype: \(key.dtype.cTypeName) and value.dtype: \(value.dtype.cTypeName) instead.")
        }
        guard query.ndim >= 2, key.ndim >= 2, value.ndim >= 2 else {
            throw SwiftGradError.shape("Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: \(query.ndim) key.dim: \(key.ndim) and value.dim: \(value.ndim) instead.")
        }
        if let mask = attnMask {
            guard mask.dtype == .bool || mask.dtype == .float32 || mask.dtype == query.dtype else {
                throw SwiftGradError.dtype("Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: \(mask.dtype.cTypeName) and  query.dtype: \(query.dtype.cTypeName) instead.")
            }
            guard !isCausal else {
                throw SwiftGradError.invalidArgument("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
            }
        }
        guard dropoutP >= 0, dropoutP <= 1 else {
            throw SwiftGradError.invalidArgument("dropout probability has to be between 0 and 1, but got \(Tensor.cppFormat(dropoutP))")
        }
        guard query.dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("expected scalar type Float but found \(query.dtype.scalarTypeName)")
        }
        if query.dtype != .float32 && query.dtype != .float64 {  // float16, bfloat16: in float32, rounded back
            let mask = try attnMask.map { $0.dtype == .bool ? $0 : try $0.to(.float32) }
            return try query.to(.float32).scaledDotProductAttention(
                key: key.to(.float32), value: value.to(.float32), attnMask: mask, dropoutP: dropoutP,
                isCausal: isCausal, scale: scale, enableGQA: enableGQA).to(query.dtype)
        }
        var key = key, value = value
        if enableGQA {
            guard query.ndim >= 3, key.ndim >= 3, value.ndim >= 3 else {
                let smallest = Swift.min(query.ndim, key.ndim, value.ndim)
                throw SwiftGradError.invalidArgument("Dimension out of range (expected to be in range of [-\(smallest), \(smallest - 1)], but got -3)")
            }
            let heads = query.shape[query.ndim - 3], keyHeads = key.shape[key.ndim - 3], valueHeads = value.shape[value.ndim - 3]
            guard keyHeads > 0, valueHeads > 0, heads % keyHeads == 0, heads % valueHeads == 0 else {
                throw SwiftGradError.invalidArgument("Number of heads in key and value must divide the number of heads in query")
            }
            key = try key.repeatedHeads(heads / keyHeads)
            value = try value.repeatedHeads(heads / valueHeads)
        }
        let L = query.shape[query.ndim - 2], E = query.shape[query.ndim - 1]
        let S = key.shape[key.ndim - 2], Ev = value.shape[value.ndim - 1]
        let batch = try Shape.broadcast(Array(query.shape.dropLast(2)),
                                        Shape.broadcast(Array(key.shape.dropLast(2)), Array(value.shape.dropLast(2))))
        // Every buffer's size, overflow-checked (broadcast views can name more elements than fit).
        var n = 1
        for size in batch + [Swift.max(L, S), Swift.max(S, 1), Swift.max(E, Ev, 1)] {
            let (product, overflow) = n.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw SwiftGradError.invalidArgument("scaled_dot_product_attention: the attention's size overflows")
            }
            n = product
        }
        n = Shape.count(batch)
        guard key.shape[key.ndim - 1] == E else {
            throw SwiftGradError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(n), \(E)] but got: [\(n), \(key.shape[key.ndim - 1])].")
        }
        guard value.shape[value.ndim - 2] == S else {
            throw SwiftGradError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(n), \(S)] but got: [\(n), \(value.shape[value.ndim - 2])].")
        }
        let scores = batch + [L, S]
        // The mask as a floating addend (bool: 0 where taking part, -inf elsewhere).
        var addend: Tensor? = nil
        if let mask = attnMask {
            let target = try Shape.broadcast(scores, mask.shape)
            guard target == scores else {
                throw SwiftGradError.shape("output with shape \(Shape.describe(scores)) doesn't match the broadcast shape \(Shape.describe(target))")
            }
            addend = mask.dtype == .bool ? try noGrad { try Tensor.maskAddend(mask, dtype: query.dtype) } : try mask.to(query.dtype)
        } else if isCausal {
            addend = try noGrad { try Tensor.maskAddend(Tensor.ones([L, S], dtype: .bool).tril(), dtype: query.dtype) }
        }
        for size in [L, S, E, Ev] where size > Int(Int32.max) {
            throw SwiftGradError.invalidArgument("scaled_dot_product_attention: size \(size) is too large")
        }
        let factor = scale ?? 1 / Double(E).squareRoot()
        var keep: Tensor? = nil  // dropout's factors: 0 or 1 / (1 - p)
        if dropoutP > 0 {
            keep = try noGrad {
                dropoutP == 1 ? try Tensor.zeros(scores, dtype: query.dtype)
                    : try Tensor.rand(scores, dtype: query.dtype).lt(1 - dropoutP).to(query.dtype).div(1 - dropoutP)
            }
        }
        let problem = AttentionProblem(batch: batch, L: L, S: S, E: E, Ev: Ev, scale: factor)
        let (out, probabilities) = try noGrad { try problem.forward(query, key, value, addend, keep) }
        var inputs = [query, key, value]
        if let addend { inputs.append(addend) }
        return try out.recorded("ScaledDotProductFlashAttentionForCpuBackward0", inputs: inputs, saving: inputs) { g, ctx in
            let saved = try inputs.indices.map { try ctx.saved($0) }
            let mask = inputs.count == 4 ? saved[3] : nil
            if !GradMode.isEnabled {
                let grads = try problem.backward(g, saved[0], saved[1], saved[2], mask, probabilities, keep,
                                                 wantMask: inputs.count == 4 && ctx.needsGrad(3))
                return Gradients(Array(grads.prefix(inputs.count)))
            }
            // create_graph: the same gradient through differentiable ops of the saved inputs.
            let wanted = inputs.indices.filter { ctx.needsGrad($0) }
            let y = try problem.differentiable(saved[0], saved[1], saved[2], mask, keep)
            let grads = try Autograd.grad([y], wanted.map { saved[$0] }, gradOutputs: [g], createGraph: true, allowUnused: true)
            var result = [Tensor?](repeating: nil, count: inputs.count)
            for (k, i) in wanted.enumerated() { result[i] = try grads[k] ?? saved[i].zerosLike() }
            return Gradients(result)
        }
    }

    /// Heads (dimension -3) each repeated `times` times in place (`repeat_interleave(times, -3)`).
    fileprivate func repeatedHeads(_ times: Int) throws -> Tensor {
        if times == 1 { return self }
        let d = ndim - 3
        var expanded = shape
        expanded.insert(times, at: d + 1)
        var merged = shape
        merged[d] = shape[d] * times
        return try unsqueeze(dim: d + 1).expand(expanded).reshape(merged)
    }

    /// 0 where `mask` is true, -inf where false, in `dtype`.
    fileprivate static func maskAddend(_ mask: Tensor, dtype: DType) throws -> Tensor {
        try Tensor.zeros([], dtype: dtype).maskedFill(mask.logicalNot(), -Double.infinity)
    }

    /// A Double as C++ streams print it (`2`, `0.5`), for PyTorch's messages.
    fileprivate static func cppFormat(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

/// The sizes of one attention call and its kernels. Operands are `[batch..., rows, cols]` tensors
/// whose batch dimensions broadcast to `batch`; `n` is the flattened batch.
private struct AttentionProblem {
    let batch: [Int]
    let L: Int, S: Int, E: Int, Ev: Int
    let scale: Double
    var n: Int { Shape.count(batch) }

    /// The storage offset of each flattened batch entry of `t` (contiguous), broadcast to `batch`.
    func offsets(_ t: Tensor) -> [Int] {
        let lead = batch.count - (t.ndim - 2)
        var strides = [Int](repeating: 0, count: batch.count)
        for d in 0..<(t.ndim - 2) where t.shape[d] != 1 { strides[lead + d] = t.strides[d] }
        var result = [Int](repeating: t.storageOffset, count: n)
        var index = [Int](repeating: 0, count: batch.count)
        for i in 0..<n {
            var offset = t.storageOffset
            for d in 0..<batch.count { offset &+= index[d] &* strides[d] }
            result[i] = offset
            var d = batch.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < batch[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// The mask's offsets per batch entry and its row and column strides (0 where broadcast).
    func maskLayout(_ m: Tensor) -> (offsets: [Int], rowStride: Int, colStride: Int) {
        var full = m
        if m.ndim < 2 {  // [S] or []: as [1, S] / [1, 1]
            let shape = [Int](repeating: 1, count: 2 - m.ndim) + m.shape
            let strides = [Int](repeating: 0, count: 2 - m.ndim) + m.strides
            full = m.aliased(shape: shape, strides: strides, offset: m.storageOffset)
        }
        let r = full.ndim - 2
        return (offsets(full), full.shape[r] == 1 ? 0 : full.strides[r], full.shape[r + 1] == 1 ? 0 : full.strides[r + 1])
    }

    /// How many threads to split `n` batch entries over, given the work per entry.
    func pieces() -> Int {
        let work = L &* S &* Swift.max(E &+ Ev, 1)
        if n < 2 || Parallel.cores == 1 || n &* work < 1 << 15 { return 1 }
        return Swift.min(Parallel.cores, n)
    }

    func split(_ body: (Range<Int>) -> Void) {
        Parallel.forRanges(n, pieces: pieces(), body)
    }

    /// The attention output `[batch, L, Ev]` and the probabilities `[batch, L, S]` (before dropout).
    func forward(_ q: Tensor, _ k: Tensor, _ v: Tensor, _ mask: Tensor?, _ keep: Tensor?) throws -> (Tensor, Tensor) {
        let q = try q.contiguous(), k = try k.contiguous(), v = try v.contiguous()
        let mask = try mask?.contiguous(), keep = try keep?.contiguous()
        let out = try Tensor.zeros(batch + [L, Ev], dtype: q.dtype)
        let p = try Tensor.zeros(batch + [L, S], dtype: q.dtype)
        if n == 0 || L == 0 || S == 0 { return (out, p) }
        if q.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return (out, p)

        func run<T: BLASFloat>(_: T.Type) {
            let oq = offsets(q), ok = offsets(k), ov = offsets(v)
            let layout = mask.map { maskLayout($0) }
            let pq = q.pointer(T.self), pk = k.pointer(T.self), pv = v.pointer(T.self)
            let pm = mask?.pointer(T.self), pd = keep?.pointer(T.self)
            let po = out.pointer(T.self), pp = p.pointer(T.self)
            let scale = T(self.scale), L = self.L, S = self.S, E = self.E, Ev = self.Ev
            split { range in
                // Dropped-out probabilities of one entry, when dropout is on.
                let dropped = pd == nil ? nil : UnsafeMutablePointer<T>.allocate(capacity: L * S)
                defer { dropped?.deallocate() }
                for b in range {
                    let scores = pp + b * L * S
                    if E > 0 {
                        T.blasGemm(false, true, L, S, E, scale, pq + oq[b], E, pk + ok[b], E, beta: false, scores, S)
                    }
                    for i in 0..<L {
                        let row = scores + i * S
                        if let pm, let layout {
                            let base = layout.offsets[b] &+ i &* layout.rowStride
                            for j in 0..<S { row[j] += pm[base &+ j &* layout.colStride] }
                        }
                        var peak = -T.infinity
                        var sawNaN = false
                        for j in 0..<S {
                            if row[j].isNaN { sawNaN = true }
                            peak = Swift.max(peak, row[j])
                        }
                        if sawNaN {
                            for j in 0..<S { row[j] = .nan }
                        } else if peak == -T.infinity {  // every position masked: zeros
                            for j in 0..<S { row[j] = 0 }
                        } else {
                            if peak == T.infinity { peak = 0 }
                            var total = 0.0
                            for j in 0..<S {
                                let e = T.exp(row[j] - peak)
                                row[j] = e
                                total += Double(e)
                            }
                            let inverse = 1 / total
                            for j in 0..<S { row[j] = T(Double(row[j]) * inverse) }
                        }
                    }
                    var weights = UnsafePointer(scores)
                    if let pd, let dropped {
                        let factors = pd + b * L * S
                        for x in 0..<(L * S) { dropped[x] = scores[x] * factors[x] }
                        weights = UnsafePointer(dropped)
                    }
                    if Ev > 0 {
                        T.blasGemm(false, false, L, Ev, S, 1, weights, S, pv + ov[b], Ev, beta: false, po + b * L * Ev, Ev)
                    }
                }
            }
        }
    }

    /// Gradients for query, key, value (in the broadcast batch shape: the engine sums them back
    /// to the inputs' shapes) and, when `wantMask`, for the mask addend.
    func backward(_ g: Tensor, _ q: Tensor, _ k: Tensor, _ v: Tensor, _ mask: Tensor?, _ p: Tensor,
                  _ keep: Tensor?, wantMask: Bool) throws -> [Tensor?] {
        let g = try g.contiguous(), q = try q.contiguous(), k = try k.contiguous(), v = try v.contiguous()
        let keep = try keep?.contiguous()
        let dq = try Tensor.zeros(batch + [L, E], dtype: q.dtype)
        let dk = try Tensor.zeros(batch + [S, E], dtype: q.dtype)
        let dv = try Tensor.zeros(batch + [S, Ev], dtype: q.dtype)
        let ds = try Tensor.zeros(batch + [L, S], dtype: q.dtype)
        if n > 0 && L > 0 && S > 0 && Ev > 0 {
            if q.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        }
        return [dq, dk, dv, wantMask ? ds : nil]

        func run<T: BLASFloat>(_: T.Type) {
            let oq = offsets(q), ok = offsets(k), ov = offsets(v), og = offsets(g)
            let pq = q.pointer(T.self), pk = k.pointer(T.self), pv = v.pointer(T.self), pg = g.pointer(T.self)
            let pp = p.pointer(T.self), pd = keep?.pointer(T.self)
            let pdq = dq.pointer(T.self), pdk = dk.pointer(T.self), pdv = dv.pointer(T.self), pds = ds.pointer(T.self)
            let scale = T(self.scale), L = self.L, S = self.S, E = self.E, Ev = self.Ev
            split { range in
                let dropped = pd == nil ? nil : UnsafeMutablePointer<T>.allocate(capacity: L * S)
                defer { dropped?.deallocate() }
                for b in range {
                    let probs = pp + b * L * S, grad = pds + b * L * S
                    var weights = UnsafePointer(probs)
                    if let pd, let dropped {
                        let factors = pd + b * L * S
                        for x in 0..<(L * S) { dropped[x] = probs[x] * factors[x] }
                        weights = UnsafePointer(dropped)
                    }
                    // dV = W^T dO; dW = dO V^T (into grad); dropout: dP = dW * factors.
                    T.blasGemm(true, false, S, Ev, L, 1, weights, S, pg + og[b], Ev, beta: false, pdv + b * S * Ev, Ev)
                    T.blasGemm(false, true, L, S, Ev, 1, pg + og[b], Ev, pv + ov[b], Ev, beta: false, grad, S)
                    if let pd {
                        let factors = pd + b * L * S
                        for x in 0..<(L * S) { grad[x] *= factors[x] }
                    }
                    // dS = P * (dP - sum(dP * P)) per row.
                    for i in 0..<L {
                        let pr = probs + i * S, gr = grad + i * S
                        var dot = 0.0
                        for j in 0..<S { dot += Double(pr[j]) * Double(gr[j]) }
                        for j in 0..<S { gr[j] = T(Double(pr[j]) * (Double(gr[j]) - dot)) }
                    }
                    if E > 0 {
                        T.blasGemm(false, false, L, E, S, scale, UnsafePointer(grad), S, pk + ok[b], E, beta: false, pdq + b * L * E, E)
                        T.blasGemm(true, false, S, E, L, scale, UnsafePointer(grad), S, pq + oq[b], E, beta: false, pdk + b * S * E, E)
                    }
                }
            }
        }
    }

    /// The same function in differentiable ops (for create_graph).
    func differentiable(_ q: Tensor, _ k: Tensor, _ v: Tensor, _ mask: Tensor?, _ keep: Tensor?) throws -> Tensor {
        var s = try q.matmul(k.transpose(-2, -1)).mul(scale)
        if let mask { s = try s.add(mask) }
        let dead = try noGrad { try s.amax(dims: [-1], keepdim: true).eq(-Double.infinity) }
        let zero = try Tensor.zeros([], dtype: q.dtype)
        var p = try Tensor.where(dead, zero, Tensor.where(dead, zero, s).softmax(dim: -1))
        if let keep { p = try p.mul(keep) }
        return try p.matmul(v)
    }
}
