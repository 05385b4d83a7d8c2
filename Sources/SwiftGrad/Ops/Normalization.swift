import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The normalisation layers: layer_norm, rms_norm, batch_norm, group_norm, instance_norm.
///
/// Forward kernels are fused: one pass over each row (layer and group norm) or channel (batch
/// norm) gathers the sum and sum of squares of the values shifted by the row's first element
/// (which keeps the variance free of cancellation when the mean is large against the spread),
/// accumulated in SIMD lanes of the element type over chunks of 4096 and in Double across
/// chunks; a second pass writes `x * a + c` with the row's (or channel's) scale and shift.
/// Rows and channels are split across cores.
///
/// Backward: a first-order gradient (the usual case) runs a fused kernel of its own. When the
/// gradient must itself be differentiable (create_graph), or a gradient arrives for the mean
/// or rstd outputs (native_group_norm's), the rule instead differentiates the op written in
/// differentiable ops (`NormReference`), as `Tensor.composite` does, so that double backward
/// and beyond are exact.
enum NormKernels {
    /// Sum and sum of squares of `p[0..<n] - shift`.
    @inline(__always)
    static func moments<T: FloatElement & SIMDScalar>(_ p: UnsafePointer<T>, _ n: Int, _ shift: T) -> (Double, Double) {
        var s = 0.0, q = 0.0
        var start = 0
        let sh = SIMD8<T>(repeating: shift)
        let raw = UnsafeRawPointer(p)
        while start < n {
            let end = Swift.min(n, start &+ 4096)
            var a0 = SIMD8<T>(), a1 = SIMD8<T>(), b0 = SIMD8<T>(), b1 = SIMD8<T>()
            var i = start
            while i &+ 16 <= end {
                let v0 = raw.loadUnaligned(fromByteOffset: i &* MemoryLayout<T>.stride, as: SIMD8<T>.self) - sh
                let v1 = raw.loadUnaligned(fromByteOffset: (i &+ 8) &* MemoryLayout<T>.stride, as: SIMD8<T>.self) - sh
                a0 += v0; b0 += v0 * v0
                a1 += v1; b1 += v1 * v1
                i &+= 16
            }
            var ts = Double((a0 + a1).sum()), tq = Double((b0 + b1).sum())
            while i < end {
                let v = Double(p[i] - shift)
                ts += v; tq += v * v
                i &+= 1
            }
            s += ts; q += tq
            start = end
        }
        return (s, q)
    }

    /// Sum of `g` and of `g * x` over n elements.
    @inline(__always)
    static func gradSums<T: FloatElement & SIMDScalar>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ n: Int) -> (Double, Double) {
        var s = 0.0, q = 0.0
        var start = 0
        let rg = UnsafeRawPointer(g), rx = UnsafeRawPointer(x)
        let w = MemoryLayout<T>.stride
        while start < n {
            let end = Swift.min(n, start &+ 4096)
            var a0 = SIMD8<T>(), a1 = SIMD8<T>(), b0 = SIMD8<T>(), b1 = SIMD8<T>()
            var i = start
            while i &+ 16 <= end {
                let g0 = rg.loadUnaligned(fromByteOffset: i &* w, as: SIMD8<T>.self)
                let g1 = rg.loadUnaligned(fromByteOffset: (i &+ 8) &* w, as: SIMD8<T>.self)
                let x0 = rx.loadUnaligned(fromByteOffset: i &* w, as: SIMD8<T>.self)
                let x1 = rx.loadUnaligned(fromByteOffset: (i &+ 8) &* w, as: SIMD8<T>.self)
                a0 += g0; b0 += g0 * x0
                a1 += g1; b1 += g1 * x1
                i &+= 16
            }
            var ts = Double((a0 + a1).sum()), tq = Double((b0 + b1).sum())
            while i < end {
                ts += Double(g[i]); tq += Double(g[i] * x[i])
                i &+= 1
            }
            s += ts; q += tq
            start = end
        }
        return (s, q)
    }

    /// Mean and 1/sqrt(var + eps) from shifted moments of n values.
    @inline(__always)
    static func stats(_ m: (Double, Double), _ n: Int, _ shift: Double, _ eps: Double) -> (mean: Double, variance: Double, rstd: Double) {
        let count = Double(n)
        let d = m.0 / count
        let variance = Swift.max(m.1 / count - d * d, 0)
        return (shift + d, variance, 1 / (variance + eps).squareRoot())
    }

    /// Splits `count` units of `unitSize` elements each across cores.
    @inline(__always)
    static func forUnits(_ count: Int, unitSize: Int, _ body: (Range<Int>) -> Void) {
        let pieces = Swift.min(Parallel.pieces(count &* Swift.max(unitSize, 1)), count)
        if pieces <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: pieces) { k in
            body(count * k / pieces ..< count * (k + 1) / pieces)
        }
    }

    // ---- rows: layer norm (inner = 1, groups = 1) and group norm --------------------------

    /// Normalises `rows` rows of `k * inner` contiguous elements each; the affine parameters
    /// have `groups * k` entries, row r using entries `(r % groups) * k ..< + k`, each over
    /// `inner` consecutive elements. Writes y, and mean and rstd per row.
    static func rowsForward<T: FloatElement & SIMDScalar>(
        _: T.Type, x: Tensor, y: Tensor, mean: Tensor, rstd: Tensor, weight: Tensor?, bias: Tensor?,
        rows: Int, k: Int, inner: Int, groups: Int, eps: Double, rmsOnly: Bool = false) {
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), yp = y.pointer(T.self)
        let mp = mean.pointer(T.self), rp = rstd.pointer(T.self)
        let wp = weight.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
        let bp = bias.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
        let length = k &* inner
        forUnits(rows, unitSize: length) { range in
            for r in range {
                let base = r &* length
                let xr = xp + base, yr = yp + base
                let st: (mean: Double, variance: Double, rstd: Double)
                if rmsOnly {
                    let q = moments(xr, length, 0).1
                    st = (0, q / Double(length), 1 / (q / Double(length) + eps).squareRoot())
                } else {
                    let shift = length > 0 ? xr[0] : 0
                    st = stats(moments(xr, length, shift), length, Double(shift), eps)
                }
                mp[r] = T(st.mean)
                rp[r] = T(st.rstd)
                // (x - mean) * rstd, then the affine map: a row of equal values gives exactly 0.
                let a = T(st.rstd), m = T(st.mean)
                if inner == 1 {
                    switch (wp, bp) {
                    case let (w?, b?): for j in 0..<k { yr[j] = (xr[j] - m) * a * w[j] + b[j] }
                    case let (w?, nil): for j in 0..<k { yr[j] = (xr[j] - m) * a * w[j] }
                    case let (nil, b?): for j in 0..<k { yr[j] = (xr[j] - m) * a + b[j] }
                    case (nil, nil): for j in 0..<k { yr[j] = (xr[j] - m) * a }
                    }
                } else {
                    let first = (r % groups) &* k
                    for j in 0..<k {
                        let w = wp.map { $0[first &+ j] } ?? 1, b = bp.map { $0[first &+ j] } ?? 0
                        let s = a * w
                        let xs = xr + j &* inner, ys = yr + j &* inner
                        for i in 0..<inner { ys[i] = (xs[i] - m) * s + b }
                    }
                }
            }
        }
    }

    /// The gradients of `rowsForward` for output gradient `g` (contiguous, x's shape): dx when
    /// `dx` is given, and the per-entry sums for dweight and dbias (length groups * k) when
    /// asked for.
    static func rowsBackward<T: FloatElement & SIMDScalar>(
        _: T.Type, g: Tensor, x: Tensor, mean: Tensor, rstd: Tensor, weight: Tensor?, dx: Tensor?,
        dweight: Tensor?, dbias: Tensor?, rows: Int, k: Int, inner: Int, groups: Int, rmsOnly: Bool = false) {
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), xp = UnsafePointer(x.pointer(T.self) + x.storageOffset)
        let mp = UnsafePointer(mean.pointer(T.self) + mean.storageOffset), rp = UnsafePointer(rstd.pointer(T.self) + rstd.storageOffset)
        let wp = weight.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
        let dxp = dx?.pointer(T.self)
        let length = k &* inner
        let entries = groups &* k
        let wantParams = dweight != nil || dbias != nil
        let pieces = Swift.max(1, Swift.min(Parallel.pieces(rows &* Swift.max(length, 1)), rows))
        // Per-piece partial sums for dweight / dbias (Double), added in piece order afterwards.
        var partials = [Double](repeating: 0, count: wantParams ? pieces &* entries &* 2 : 0)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            let partialBase = partialBuffer.baseAddress
            let work: (Int) -> Void = { piece in
                let dwAcc = partialBase.map { $0 + piece &* entries &* 2 }
                let dbAcc = dwAcc.map { $0 + entries }
                var sg = [Double](repeating: 0, count: k), sgx = [Double](repeating: 0, count: k)
                for r in (rows * piece / pieces) ..< (rows * (piece + 1) / pieces) {
                    let base = r &* length
                    let gr = gp + base, xr = xp + base
                    let m = Double(mp[r]), rs = Double(rp[r])
                    let first = (r % groups) &* k
                    // Per affine entry: sum g and sum g*x over its inner elements.
                    if inner == 1 {
                        for j in 0..<k { sg[j] = Double(gr[j]); sgx[j] = Double(gr[j] * xr[j]) }
                    } else {
                        for j in 0..<k {
                            let s = gradSums(gr + j &* inner, xr + j &* inner, inner)
                            sg[j] = s.0; sgx[j] = s.1
                        }
                    }
                    if let dwAcc, let dbAcc {
                        for j in 0..<k {
                            dwAcc[first &+ j] += (sgx[j] - m * sg[j]) * rs
                            dbAcc[first &+ j] += sg[j]
                        }
                    }
                    guard let dxp else { continue }
                    // A = sum(g w), B = sum(g w x); C = sum(g w xhat) = rs (B - m A).
                    var aSum = 0.0, bSum = 0.0
                    if let wp {
                        for j in 0..<k { let w = Double(wp[first &+ j]); aSum += w * sg[j]; bSum += w * sgx[j] }
                    } else {
                        for j in 0..<k { aSum += sg[j]; bSum += sgx[j] }
                    }
                    let n = Double(length)
                    let u: Double, v: Double
                    if rmsOnly {
                        // y = x rs w: dx = rs (g w - x rs^2 sum(g w x) / n).
                        u = -rs * rs * rs * bSum / n
                        v = 0
                    } else {
                        let c = rs * (bSum - m * aSum)
                        // dx = rs (g w - A/n - xhat C/n) = rs g w + x u + v.
                        u = -rs * rs * c / n
                        v = -rs * aSum / n + m * rs * rs * c / n
                    }
                    let dr = dxp + base
                    let tu = T(u), tv = T(v), trs = T(rs)
                    if inner == 1 {
                        if let wp {
                            let w = wp + first
                            for j in 0..<k { dr[j] = trs * gr[j] * w[j] + xr[j] * tu + tv }
                        } else {
                            for j in 0..<k { dr[j] = trs * gr[j] + xr[j] * tu + tv }
                        }
                    } else {
                        for j in 0..<k {
                            let s = trs * (wp.map { $0[first &+ j] } ?? 1)
                            let gs = gr + j &* inner, xs = xr + j &* inner, ds = dr + j &* inner
                            for i in 0..<inner { ds[i] = s * gs[i] + xs[i] * tu + tv }
                        }
                    }
                }
            }
            if pieces == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: pieces, execute: work) }
        }
        if wantParams {
            let dw = dweight?.pointer(T.self), db = dbias?.pointer(T.self)
            for e in 0..<entries {
                var w = 0.0, b = 0.0
                for p in 0..<pieces { w += partials[p &* entries &* 2 &+ e]; b += partials[p &* entries &* 2 &+ entries &+ e] }
                dw?[e] = T(w)
                db?[e] = T(b)
            }
        }
    }

    // ---- channels: batch norm ---------------------------------------------------------------

    /// Per channel c of x viewed as [n, channels, inner] (contiguous): mean and biased variance.
    static func channelMoments<T: FloatElement & SIMDScalar>(_: T.Type, x: Tensor, n: Int, channels: Int, inner: Int)
        -> (mean: [Double], variance: [Double]) {
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset)
        var mean = [Double](repeating: 0, count: channels), variance = [Double](repeating: 0, count: channels)
        mean.withUnsafeMutableBufferPointer { mb in
            variance.withUnsafeMutableBufferPointer { vb in
                let mp = mb.baseAddress!, vp = vb.baseAddress!
                forUnits(channels, unitSize: n &* inner) { range in
                    for c in range {
                        let shift = xp[c &* inner]
                        var s = 0.0, q = 0.0
                        for b in 0..<n {
                            let m = moments(xp + (b &* channels &+ c) &* inner, inner, shift)
                            s += m.0; q += m.1
                        }
                        let st = stats((s, q), n &* inner, Double(shift), 0)
                        mp[c] = st.mean
                        vp[c] = st.variance
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// y = x * scale[c] + shift[c] over x viewed as [n, channels, inner].
    static func channelAffine<T: FloatElement & SIMDScalar>(_: T.Type, x: Tensor, y: Tensor, scale: [Double], shift: [Double],
                                                           n: Int, channels: Int, inner: Int) {
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), yp = y.pointer(T.self)
        forUnits(n &* channels, unitSize: inner) { range in
            for row in range {
                let c = row % channels
                let a = T(scale[c]), b = T(shift[c])
                let xs = xp + row &* inner, ys = yp + row &* inner
                for i in 0..<inner { ys[i] = xs[i] * a + b }
            }
        }
    }

    /// Per channel: sum of g and of g * x over x viewed as [n, channels, inner].
    static func channelGradSums<T: FloatElement & SIMDScalar>(_: T.Type, g: Tensor, x: Tensor, n: Int, channels: Int, inner: Int)
        -> (sg: [Double], sgx: [Double]) {
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), xp = UnsafePointer(x.pointer(T.self) + x.storageOffset)
        var sg = [Double](repeating: 0, count: channels), sgx = [Double](repeating: 0, count: channels)
        sg.withUnsafeMutableBufferPointer { ab in
            sgx.withUnsafeMutableBufferPointer { bb in
                let ap = ab.baseAddress!, bp = bb.baseAddress!
                forUnits(channels, unitSize: n &* inner) { range in
                    for c in range {
                        var s = 0.0, q = 0.0
                        for b in 0..<n {
                            let off = (b &* channels &+ c) &* inner
                            let m = gradSums(gp + off, xp + off, inner)
                            s += m.0; q += m.1
                        }
                        ap[c] = s
                        bp[c] = q
                    }
                }
            }
        }
        return (sg, sgx)
    }

    /// dx = g * a[c] + x * u[c] + v[c] over x viewed as [n, channels, inner].
    static func channelInputGrad<T: FloatElement & SIMDScalar>(_: T.Type, g: Tensor, x: Tensor, dx: Tensor,
                                                              a: [Double], u: [Double], v: [Double], n: Int, channels: Int, inner: Int) {
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), xp = UnsafePointer(x.pointer(T.self) + x.storageOffset)
        let dp = dx.pointer(T.self)
        forUnits(n &* channels, unitSize: inner) { range in
            for row in range {
                let c = row % channels
                let ta = T(a[c]), tu = T(u[c]), tv = T(v[c])
                let off = row &* inner
                let gs = gp + off, xs = xp + off, ds = dp + off
                for i in 0..<inner { ds[i] = gs[i] * ta + xs[i] * tu + tv }
            }
        }
    }
}

/// The normalisation ops written in differentiable ops: what the rules differentiate when the
/// gradient must be differentiable itself (create_graph) or an output other than the first
/// gets a gradient.
enum NormReference {
    /// Differentiates `body` (the op in differentiable ops of `saved`) with output gradients
    /// `grads` (nil where none), for the inputs `needs` marks; `Tensor.composite`'s scheme for
    /// several outputs.
    static func gradients(_ saved: [Tensor], needs: [Bool], grads: [Tensor?],
                          _ body: ([Tensor]) throws -> [Tensor]) throws -> [Tensor?] {
        let createGraph = GradMode.isEnabled
        return try GradMode.withEnabled(true) {
            var xs = saved
            if !createGraph {
                for i in xs.indices where needs[i] { xs[i] = try saved[i].detach().requiringGrad() }
            }
            let ys = try body(xs)
            var outputs: [Tensor] = [], seeds: [Tensor] = []
            for (y, g) in zip(ys, grads) {
                if let g, y.requiresGrad { outputs.append(y); seeds.append(g) }
            }
            let wanted = xs.indices.filter { needs[$0] }
            var result = [Tensor?](repeating: nil, count: saved.count)
            if outputs.isEmpty || wanted.isEmpty {
                for i in wanted { result[i] = try saved[i].zerosLike() }
                return result
            }
            let grads = try Autograd.grad(outputs, wanted.map { xs[$0] }, gradOutputs: seeds,
                                          createGraph: createGraph, allowUnused: true)
            for (k, i) in wanted.enumerated() { result[i] = try grads[k] ?? saved[i].zerosLike() }
            return result
        }
    }

    /// (x - mean) * rstd, mean and rstd over `dims` (kept), in differentiable ops.
    static func standardize(_ x: Tensor, dims: [Int], eps: Double) throws -> (Tensor, Tensor, Tensor) {
        let mean = try x.mean(dims: dims, keepdim: true)
        let centered = try x.sub(mean)
        let variance = try centered.mul(centered).mean(dims: dims, keepdim: true)
        let rstd = try variance.add(eps).rsqrt()
        return (try centered.mul(rstd), mean, rstd)
    }
}

extension Tensor {
    /// PyTorch's check that the floating kernels `name` run on this dtype.
    fileprivate func requireNormDtype(_ name: String) throws {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"\(name)\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// The affine parameters must share the input's dtype (PyTorch's CPU kernels refuse mixed ones).
    fileprivate func requireSameDtype(_ others: [Tensor?]) throws {
        for case let t? in others where t.dtype != dtype {
            throw SwiftGradError.dtype("mixed dtype (CPU): all inputs must share same datatype.")
        }
    }

    // ---- layer norm ---------------------------------------------------------------------------

    /// `torch.native_layer_norm`: normalises over the last `normalizedShape.count` dimensions
    /// (which must equal `normalizedShape`), then scales by `weight` and shifts by `bias` (both
    /// of shape `normalizedShape`, optional). Returns the output, the mean and the reciprocal
    /// standard deviation (1/sqrt(var + eps), biased variance), the last two of the input's
    /// shape with the normalised dimensions kept as 1. Only the output is differentiable
    /// (NativeLayerNormBackward0).
    ///
    /// ```swift
    /// let (y, mean, rstd) = try x.nativeLayerNorm(normalizedShape: [256], weight: w, bias: b, eps: 1e-5)
    /// ```
    /// - Throws: `.shape` when the trailing dimensions or the parameters' shapes differ from
    ///   `normalizedShape` (PyTorch's messages); `.dtype` for integer input or mixed dtypes.
    public func nativeLayerNorm(normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> [Tensor] {
        let k = normalizedShape.count
        guard k >= 1 else {
            throw SwiftGradError.shape("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.shape != normalizedShape {
                throw SwiftGradError.shape("Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(Shape.describe(t.shape)) and normalized_shape = \(Shape.describe(normalizedShape))")
            }
        }
        guard ndim >= k, Array(shape[(ndim - k)...]) == normalizedShape else {
            throw SwiftGradError.shape("Given normalized_shape=\(Shape.describe(normalizedShape)), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(Shape.describe(shape))")
        }
        try requireNormDtype("LayerNormKernelImpl")
        try requireSameDtype([weight, bias])
        let axis = ndim - k
        let statShape = Array(shape[..<axis]) + [Int](repeating: 1, count: k)
        let rows = Shape.count(Array(shape[..<axis])), length = Shape.count(normalizedShape)
        let outputs: [Tensor] = try noGrad {
            if dtype != .float32 && dtype != .float64 {  // float16, bfloat16: in float32, rounded back
                let r = try to(.float32).nativeLayerNorm(normalizedShape: normalizedShape, weight: weight?.to(.float32),
                                                         bias: bias?.to(.float32), eps: eps)
                return [try r[0].to(dtype), r[1], r[2]]
            }
            let x = try contiguous(), w = try weight?.contiguous(), b = try bias?.contiguous()
            let y = try Tensor.empty(shape, dtype)
            let mean = try Tensor.empty(statShape, dtype), rstd = try Tensor.empty(statShape, dtype)
            if dtype == .float32 {
                NormKernels.rowsForward(Float.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: b,
                                        rows: rows, k: length, inner: 1, groups: 1, eps: eps)
            } else {
                NormKernels.rowsForward(Double.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: b,
                                        rows: rows, k: length, inner: 1, groups: 1, eps: eps)
            }
            if length == 0 {  // the statistics of nothing, as PyTorch's
                try Kernels.fill(mean, with: .nan)
                try Kernels.fill(rstd, with: .nan)
            }
            return [y, mean, rstd]
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        let weightIndex = weight == nil ? nil : 1, biasIndex = bias == nil ? nil : (weight == nil ? 1 : 2)
        let dims = Array(axis..<ndim)
        return try Tensor.recordOutputs("NativeLayerNormBackward0", inputs: inputs, outputs: outputs,
                                        differentiable: [true, false, false],
                                        saving: inputs + [outputs[1], outputs[2]]) { grads, node in
            let saved = try inputs.indices.map { try node.saved($0) }
            let needs = inputs.indices.map { node.needsGrad($0) }
            guard let g = grads[0] else { return [Tensor?](repeating: nil, count: inputs.count) }
            let body: ([Tensor]) throws -> [Tensor] = { xs in
                var (y, _, _) = try NormReference.standardize(xs[0], dims: dims, eps: eps)
                if let i = weightIndex { y = try y.mul(xs[i]) }
                if let i = biasIndex { y = try y.add(xs[i]) }
                return [y]
            }
            if GradMode.isEnabled || (saved[0].dtype != .float32 && saved[0].dtype != .float64) {
                return try NormReference.gradients(saved, needs: needs, grads: [g], body)
            }
            let mean = try node.saved(inputs.count), rstd = try node.saved(inputs.count + 1)
            let x = try saved[0].contiguous(), gc = try g.contiguous()
            let w = try weightIndex.map { try saved[$0].contiguous() }
            let dx = needs[0] ? try Tensor.empty(x.shape, x.dtype) : nil
            let dw = weightIndex.flatMap { needs[$0] } == true ? try Tensor.empty(normalizedShape, x.dtype) : nil
            let db = biasIndex.flatMap { needs[$0] } == true ? try Tensor.empty(normalizedShape, x.dtype) : nil
            if x.dtype == .float32 {
                NormKernels.rowsBackward(Float.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx,
                                         dweight: dw, dbias: db, rows: rows, k: length, inner: 1, groups: 1)
            } else {
                NormKernels.rowsBackward(Double.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx,
                                         dweight: dw, dbias: db, rows: rows, k: length, inner: 1, groups: 1)
            }
            var result: [Tensor?] = [dx]
            if weightIndex != nil { result.append(dw) }
            if biasIndex != nil { result.append(db) }
            return result
        }
    }

    /// `F.layer_norm`: the output of `nativeLayerNorm` (NativeLayerNormBackward0).
    public func layerNorm(normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        try nativeLayerNorm(normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)[0]
    }
}
