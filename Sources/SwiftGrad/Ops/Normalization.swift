
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
        Parallel.forRanges(count, work: count &* Swift.max(unitSize, 1), body)
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
                let first = (r % groups) &* k
                if inner == 1 {
                    switch (wp.map { $0 + first }, bp.map { $0 + first }) {
                    case let (w?, b?): for j in 0..<k { yr[j] = (xr[j] - m) * a * w[j] + b[j] }
                    case let (w?, nil): for j in 0..<k { yr[j] = (xr[j] - m) * a * w[j] }
                    case let (nil, b?): for j in 0..<k { yr[j] = (xr[j] - m) * a + b[j] }
                    case (nil, nil): for j in 0..<k { yr[j] = (xr[j] - m) * a }
                    }
                } else {
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

    /// sum(g * w) and sum(g * w * x) over n elements (w nil: ones), in SIMD lanes of T.
    @inline(__always)
    static func weightedSums<T: FloatElement & SIMDScalar>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>,
                                                          _ w: UnsafePointer<T>?, _ n: Int) -> (Double, Double) {
        let rg = UnsafeRawPointer(g), rx = UnsafeRawPointer(x), rw = w.map { UnsafeRawPointer($0) }
        let size = MemoryLayout<T>.stride
        var a0 = SIMD8<T>(), a1 = SIMD8<T>(), b0 = SIMD8<T>(), b1 = SIMD8<T>()
        var i = 0
        while i &+ 16 <= n {
            var g0 = rg.loadUnaligned(fromByteOffset: i &* size, as: SIMD8<T>.self)
            var g1 = rg.loadUnaligned(fromByteOffset: (i &+ 8) &* size, as: SIMD8<T>.self)
            if let rw {
                g0 *= rw.loadUnaligned(fromByteOffset: i &* size, as: SIMD8<T>.self)
                g1 *= rw.loadUnaligned(fromByteOffset: (i &+ 8) &* size, as: SIMD8<T>.self)
            }
            a0 += g0; a1 += g1
            b0 += g0 * rx.loadUnaligned(fromByteOffset: i &* size, as: SIMD8<T>.self)
            b1 += g1 * rx.loadUnaligned(fromByteOffset: (i &+ 8) &* size, as: SIMD8<T>.self)
            i &+= 16
        }
        var a = Double((a0 + a1).sum()), b = Double((b0 + b1).sum())
        while i < n {
            let gw = g[i] * (w?[i] ?? 1)
            a += Double(gw); b += Double(gw * x[i])
            i &+= 1
        }
        return (a, b)
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
        // Per-piece partial sums for dweight / dbias, added in piece order afterwards (the
        // same split for a given size, so the result is the same from run to run).
        var partials = [T](repeating: 0, count: wantParams ? pieces &* entries &* 2 : 0)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            // (An empty array may still have a base address: never write through it.)
            let partialBase = wantParams ? partialBuffer.baseAddress : nil
            let work: (Int) -> Void = { piece in
                let dwAcc = partialBase.map { $0 + piece &* entries &* 2 }
                let dbAcc = dwAcc.map { $0 + entries }
                var sg = [Double](repeating: 0, count: inner == 1 ? 0 : k), sgx = sg
                for r in (rows * piece / pieces) ..< (rows * (piece + 1) / pieces) {
                    let base = r &* length
                    let gr = gp + base, xr = xp + base
                    let m = Double(mp[r]), rs = Double(rp[r])
                    let first = (r % groups) &* k
                    let wr = wp.map { $0 + first }
                    // A = sum(g w), B = sum(g w x); C = sum(g w xhat) = rs (B - m A).
                    var aSum = 0.0, bSum = 0.0
                    if inner == 1 {
                        if let dwAcc, let dbAcc {
                            let tm = T(m), trs = T(rs)
                            let dw = dwAcc + first, db = dbAcc + first
                            for j in 0..<k {
                                let gj = gr[j]
                                dw[j] += gj * (xr[j] - tm) * trs
                                db[j] += gj
                            }
                        }
                        guard dxp != nil else { continue }
                        (aSum, bSum) = weightedSums(gr, xr, wr, k)
                    } else {
                        // Per affine entry: sum g and sum g*x over its inner elements.
                        for j in 0..<k {
                            let s = gradSums(gr + j &* inner, xr + j &* inner, inner)
                            sg[j] = s.0; sgx[j] = s.1
                        }
                        if let dwAcc, let dbAcc {
                            for j in 0..<k {
                                dwAcc[first &+ j] += T((sgx[j] - m * sg[j]) * rs)
                                dbAcc[first &+ j] += T(sg[j])
                            }
                        }
                        guard dxp != nil else { continue }
                        for j in 0..<k {
                            let w = wr.map { Double($0[j]) } ?? 1
                            aSum += w * sg[j]; bSum += w * sgx[j]
                        }
                    }
                    guard let dxp else { continue }
                    // dx = rs (g w - A/n - (x - mean) rs C/n); for rms norm (mean 0, no
                    // centring) dx = rs (g w - x rs^2 B/n). Written around g w and x - mean,
                    // so that a row of one element gets exactly 0.
                    let n = Double(length)
                    let ta: T, tc: T, tm = T(m), trs = T(rs)
                    if rmsOnly {
                        ta = 0
                        tc = T(rs * rs * bSum / n)
                    } else {
                        ta = T(aSum / n)
                        tc = T(rs * rs * (bSum - m * aSum) / n)
                    }
                    let dr = dxp + base
                    if inner == 1 {
                        if let wr {
                            for j in 0..<k { dr[j] = trs * ((gr[j] * wr[j] - ta) - (xr[j] - tm) * tc) }
                        } else {
                            for j in 0..<k { dr[j] = trs * ((gr[j] - ta) - (xr[j] - tm) * tc) }
                        }
                    } else {
                        for j in 0..<k {
                            let w = wr.map { $0[j] } ?? 1
                            let gs = gr + j &* inner, xs = xr + j &* inner, ds = dr + j &* inner
                            for i in 0..<inner { ds[i] = trs * ((gs[i] * w - ta) - (xs[i] - tm) * tc) }
                        }
                    }
                }
            }
            Parallel.run(pieces, work)
        }
        if wantParams {
            let dw = dweight?.pointer(T.self), db = dbias?.pointer(T.self)
            for e in 0..<entries {
                var w: T = 0, b: T = 0
                for p in 0..<pieces { w += partials[p &* entries &* 2 &+ e]; b += partials[p &* entries &* 2 &+ entries &+ e] }
                dw?[e] = w
                db?[e] = b
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

    /// y = (x - mean[c]) * scale[c] + shift[c] over x viewed as [n, channels, inner].
    static func channelAffine<T: FloatElement & SIMDScalar>(_: T.Type, x: Tensor, y: Tensor, mean: [Double], scale: [Double],
                                                           shift: [Double], n: Int, channels: Int, inner: Int) {
        let xp = UnsafePointer(x.pointer(T.self) + x.storageOffset), yp = y.pointer(T.self)
        forUnits(n &* channels, unitSize: inner) { range in
            for row in range {
                let c = row % channels
                let m = T(mean[c]), a = T(scale[c]), b = T(shift[c])
                let xs = xp + row &* inner, ys = yp + row &* inner
                for i in 0..<inner { ys[i] = (xs[i] - m) * a + b }
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

    /// dx = a[c] * ((g - b[c]) - (x - m[c]) * s[c]) over x viewed as [n, channels, inner]: the
    /// batch norm input gradient, around g and x - mean so that a channel of one value gets
    /// exactly 0.
    static func channelInputGrad<T: FloatElement & SIMDScalar>(_: T.Type, g: Tensor, x: Tensor, dx: Tensor,
                                                              a: [Double], b: [Double], m: [Double], s: [Double],
                                                              n: Int, channels: Int, inner: Int) {
        let gp = UnsafePointer(g.pointer(T.self) + g.storageOffset), xp = UnsafePointer(x.pointer(T.self) + x.storageOffset)
        let dp = dx.pointer(T.self)
        forUnits(n &* channels, unitSize: inner) { range in
            for row in range {
                let c = row % channels
                let ta = T(a[c]), tb = T(b[c]), tm = T(m[c]), ts = T(s[c])
                let off = row &* inner
                let gs = gp + off, xs = xp + off, ds = dp + off
                for i in 0..<inner { ds[i] = ta * ((gs[i] - tb) - (xs[i] - tm) * ts) }
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
                return try r.map { try $0.to(dtype) }  // mean and rstd in the input's dtype too, as PyTorch's
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

extension Tensor {
    /// A float64 tensor of `values` (shape [values.count]) in `dtype`.
    fileprivate static func channelValues(_ values: [Double], _ dtype: DType) throws -> Tensor {
        try values.withUnsafeBytes { try Tensor.fromBytes($0, shape: [values.count], dtype: .float64) }.to(dtype, recording: false)
    }

    /// This tensor's values as Doubles (contiguous order).
    fileprivate func doubles() throws -> [Double] {
        let c = try to(.float64, recording: false).contiguous()
        let p = UnsafePointer(c.pointer(Double.self) + c.storageOffset)
        return Array(UnsafeBufferPointer(start: p, count: c.count))
    }

    // ---- rms norm -----------------------------------------------------------------------------

    /// `F.rms_norm`: `x / sqrt(mean(x^2) + eps) * weight` over the last
    /// `normalizedShape.count` dimensions; `eps` nil is the dtype's machine epsilon
    /// (`torch.finfo(dtype).eps`), as PyTorch's. Recorded as one node under the name PyTorch's
    /// CPU composite prints for its last op (MulBackward0).
    /// - Throws: `.shape` when the trailing dimensions or the weight's shape differ from
    ///   `normalizedShape`; `.dtype` for integer input.
    public func rmsNorm(normalizedShape: [Int], weight: Tensor?, eps: Double?) throws -> Tensor {
        let k = normalizedShape.count
        guard k >= 1 else {
            throw SwiftGradError.shape("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []")
        }
        if let weight, weight.shape != normalizedShape {
            throw SwiftGradError.shape("Expected weight to be of same shape as normalized_shape, but got weight of shape \(Shape.describe(weight.shape)) and normalized_shape = \(Shape.describe(normalizedShape))")
        }
        guard ndim >= k, Array(shape[(ndim - k)...]) == normalizedShape else {
            throw SwiftGradError.shape("Given normalized_shape=\(Shape.describe(normalizedShape)), expected input with shape [*\(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(Shape.describe(shape))")
        }
        try requireNormDtype("rms_norm")
        try requireSameDtype([weight])
        let epsilon: Double
        switch dtype {
        case .float64: epsilon = eps ?? Double.ulpOfOne
        case .float16: epsilon = eps ?? 0.0009765625
        case .bfloat16: epsilon = eps ?? 0.0078125
        default: epsilon = eps ?? Double(Float.ulpOfOne)
        }
        let axis = ndim - k
        let rows = Shape.count(Array(shape[..<axis])), length = Shape.count(normalizedShape)
        let statShape = Array(shape[..<axis]) + [Int](repeating: 1, count: k)
        let dims = Array(axis..<ndim)
        let (y, rstd): (Tensor, Tensor) = try noGrad {
            if dtype != .float32 && dtype != .float64 {  // float16, bfloat16: in float32, rounded back
                let x32 = try to(.float32)
                let r = try x32.rmsNorm(normalizedShape: normalizedShape, weight: nil, eps: epsilon)
                var out = try r.to(dtype)
                if let weight { out = try out.mul(weight) }
                return (out, try Tensor.empty([0], .float32))
            }
            let x = try contiguous(), w = try weight?.contiguous()
            let y = try Tensor.empty(shape, dtype)
            let mean = try Tensor.empty(statShape, dtype), rstd = try Tensor.empty(statShape, dtype)
            if dtype == .float32 {
                NormKernels.rowsForward(Float.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: nil,
                                        rows: rows, k: length, inner: 1, groups: 1, eps: epsilon, rmsOnly: true)
            } else {
                NormKernels.rowsForward(Double.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: nil,
                                        rows: rows, k: length, inner: 1, groups: 1, eps: epsilon, rmsOnly: true)
            }
            return (y, rstd)
        }
        let inputs = [self] + (weight.map { [$0] } ?? [])
        let hasWeight = weight != nil
        return try y.recorded("MulBackward0", inputs: inputs, saving: inputs + [rstd]) { g, ctx in
            let saved = try inputs.indices.map { try ctx.saved($0) }
            let needs = inputs.indices.map { ctx.needsGrad($0) }
            if GradMode.isEnabled || (saved[0].dtype != .float32 && saved[0].dtype != .float64) {
                return Gradients(try NormReference.gradients(saved, needs: needs, grads: [g]) { xs in
                    let r = try xs[0].mul(xs[0]).mean(dims: dims, keepdim: true).add(epsilon).rsqrt()
                    var y = try xs[0].mul(r)
                    if hasWeight { y = try y.mul(xs[1]) }
                    return [y]
                })
            }
            let rstd = try ctx.saved(inputs.count)
            let x = try saved[0].contiguous(), gc = try g.contiguous()
            let w = hasWeight ? try saved[1].contiguous() : nil
            let mean = try Tensor.zeros(rstd.shape, dtype: x.dtype)
            let dx = needs[0] ? try Tensor.empty(x.shape, x.dtype) : nil
            let dw = hasWeight && needs[1] ? try Tensor.empty(normalizedShape, x.dtype) : nil
            if x.dtype == .float32 {
                NormKernels.rowsBackward(Float.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx, dweight: dw,
                                         dbias: nil, rows: rows, k: length, inner: 1, groups: 1, rmsOnly: true)
            } else {
                NormKernels.rowsBackward(Double.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx, dweight: dw,
                                         dbias: nil, rows: rows, k: length, inner: 1, groups: 1, rmsOnly: true)
            }
            return hasWeight ? Gradients(dx, dw) : Gradients(dx)
        }
    }

    // ---- batch norm ---------------------------------------------------------------------------

    /// `torch.native_batch_norm`: normalises each channel (dimension 1) over the batch and the
    /// spatial dimensions, then `* weight + bias` (each [C], optional). In training the
    /// statistics are the input's (biased variance), and `runningMean` / `runningVar`, when
    /// given, are updated in place: `(1 - momentum) * running + momentum * stat`, with the
    /// unbiased variance. In evaluation the running statistics are used. Returns the output,
    /// the saved mean and 1/sqrt(var + eps) ([C] in training, empty in evaluation);
    /// only the output is differentiable (NativeBatchNormBackward0).
    ///
    /// ```swift
    /// let y = try x.nativeBatchNorm(weight: w, bias: b, runningMean: rm, runningVar: rv,
    ///                               training: true, momentum: 0.1, eps: 1e-5)[0]
    /// ```
    /// - Throws: `.shape` for input of fewer than 2 dimensions or parameters of another size
    ///   than C; `.invalidArgument` for missing running statistics in evaluation or no
    ///   elements in training; `.dtype` for integer input or mixed dtypes.
    public func nativeBatchNorm(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                                training: Bool, momentum: Double, eps: Double) throws -> [Tensor] {
        guard ndim >= 2 else {
            throw SwiftGradError.shape("Dimension out of range (expected to be in range of [-\(Swift.max(ndim, 1)), \(Swift.max(ndim, 1) - 1)], but got 1)")
        }
        let channels = shape[1]
        for (name, t) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)] {
            if let t, t.count != channels {
                throw SwiftGradError.shape("\(name) should contain \(channels) elements not \(t.count)")
            }
        }
        try requireNormDtype("batch_norm")
        try requireSameDtype([weight, bias])
        for case let t? in [runningMean, runningVar] where !t.dtype.isFloatingPoint {
            throw SwiftGradError.dtype("\"batch_norm\" not implemented for '\(t.dtype.scalarTypeName)'")
        }
        if !training && (runningMean == nil || runningVar == nil) {
            throw SwiftGradError.invalidArgument("running_mean must be defined in evaluation mode")
        }
        let n = shape[0], inner = Shape.count(Array(shape[2...]))
        let total = n &* inner
        if training && count == 0 {
            throw SwiftGradError.invalidArgument("input tensor must have at least one element, but got input_sizes = \(Shape.describe(shape))")
        }
        let computeType: DType = dtype == .float64 ? .float64 : .float32
        // Per-channel statistics (Double): the batch's in training, the running ones in evaluation.
        let x = try noGrad { try to(computeType, recording: false).contiguous() }
        var mean: [Double], variance: [Double]
        if training {
            (mean, variance) = computeType == .float32
                ? NormKernels.channelMoments(Float.self, x: x, n: n, channels: channels, inner: inner)
                : NormKernels.channelMoments(Double.self, x: x, n: n, channels: channels, inner: inner)
        } else {
            mean = try runningMean!.doubles()
            variance = try runningVar!.doubles()
        }
        // Rounded through the compute type as PyTorch's kernels hold them.
        let rstd = variance.map { v -> Double in
            computeType == .float32 ? Double(1 / Float(v + eps).squareRoot()) : 1 / (v + eps).squareRoot()
        }
        let roundedMean = mean.map { computeType == .float32 ? Double(Float($0)) : $0 }
        let w = try weight?.doubles(), b = try bias?.doubles()
        let scale = (0..<channels).map { c -> Double in
            let s = rstd[c] * (w?[c] ?? 1)
            return computeType == .float32 ? Double(Float(s)) : s
        }
        let shift = b ?? [Double](repeating: 0, count: channels)
        let y: Tensor = try noGrad {
            let out = try Tensor.empty(shape, computeType)
            if computeType == .float32 {
                NormKernels.channelAffine(Float.self, x: x, y: out, mean: roundedMean, scale: scale, shift: shift,
                                          n: n, channels: channels, inner: inner)
            } else {
                NormKernels.channelAffine(Double.self, x: x, y: out, mean: roundedMean, scale: scale, shift: shift,
                                          n: n, channels: channels, inner: inner)
            }
            return try out.to(dtype, recording: false)
        }
        let saveMean = training ? try Tensor.channelValues(mean, dtype) : try Tensor.empty([0], dtype)
        let saveInvstd = training ? try Tensor.channelValues(rstd, dtype) : try Tensor.empty([0], dtype)
        if training {
            try noGrad {
                if let runningMean {
                    let values = try runningMean.doubles()
                    try runningMean.copy_(Tensor.channelValues((0..<channels).map { (1 - momentum) * values[$0] + momentum * mean[$0] }, runningMean.dtype))
                }
                if let runningVar {
                    let values = try runningVar.doubles()
                    let unbias = Double(total) / Double(total - 1)
                    try runningVar.copy_(Tensor.channelValues((0..<channels).map { (1 - momentum) * values[$0] + momentum * variance[$0] * unbias }, runningVar.dtype))
                }
            }
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        let weightIndex = weight == nil ? nil : 1, biasIndex = bias == nil ? nil : (weight == nil ? 1 : 2)
        let statShape = [1, channels] + [Int](repeating: 1, count: ndim - 2)
        let dims = [0] + Array(2..<ndim)
        return try Tensor.recordOutputs("NativeBatchNormBackward0", inputs: inputs, outputs: [y, saveMean, saveInvstd],
                                        differentiable: [true, false, false], saving: inputs) { grads, node in
            let saved = try inputs.indices.map { try node.saved($0) }
            let needs = inputs.indices.map { node.needsGrad($0) }
            guard let g = grads[0] else { return [Tensor?](repeating: nil, count: inputs.count) }
            if GradMode.isEnabled {
                return try NormReference.gradients(saved, needs: needs, grads: [g]) { xs in
                    var y: Tensor
                    if training {
                        y = try NormReference.standardize(xs[0], dims: dims, eps: eps).0
                    } else {
                        let m = try Tensor.channelValues(roundedMean, xs[0].dtype).reshape(statShape)
                        let r = try Tensor.channelValues(rstd, xs[0].dtype).reshape(statShape)
                        y = try xs[0].sub(m).mul(r)
                    }
                    if let i = weightIndex { y = try y.mul(xs[i].reshape(statShape)) }
                    if let i = biasIndex { y = try y.add(xs[i].reshape(statShape)) }
                    return [y]
                }
            }
            let x = try saved[0].to(computeType, recording: false).contiguous()
            let gc = try g.to(computeType, recording: false).contiguous()
            let (sg, sgx) = computeType == .float32
                ? NormKernels.channelGradSums(Float.self, g: gc, x: x, n: n, channels: channels, inner: inner)
                : NormKernels.channelGradSums(Double.self, g: gc, x: x, n: n, channels: channels, inner: inner)
            // sum(g * xhat) per channel.
            let gx = (0..<channels).map { rstd[$0] * (sgx[$0] - roundedMean[$0] * sg[$0]) }
            var result = [Tensor?](repeating: nil, count: inputs.count)
            if needs[0] {
                let count = Double(total)
                // dx = w rs ((g - sum(g)/count) - (x - mean) rs sum(g xhat)/count) in training,
                // w rs g in evaluation (the statistics are constants there).
                let a = (0..<channels).map { (w?[$0] ?? 1) * rstd[$0] }
                let b = training ? sg.map { $0 / count } : [Double](repeating: 0, count: channels)
                let s = training ? (0..<channels).map { rstd[$0] * gx[$0] / count } : [Double](repeating: 0, count: channels)
                let dx = try Tensor.empty(x.shape, computeType)
                if computeType == .float32 {
                    NormKernels.channelInputGrad(Float.self, g: gc, x: x, dx: dx, a: a, b: b, m: roundedMean, s: s,
                                                 n: n, channels: channels, inner: inner)
                } else {
                    NormKernels.channelInputGrad(Double.self, g: gc, x: x, dx: dx, a: a, b: b, m: roundedMean, s: s,
                                                 n: n, channels: channels, inner: inner)
                }
                result[0] = try dx.to(saved[0].dtype, recording: false)
            }
            if let i = weightIndex, needs[i] { result[i] = try Tensor.channelValues(gx, saved[i].dtype).reshape(saved[i].shape) }
            if let i = biasIndex, needs[i] { result[i] = try Tensor.channelValues(sg, saved[i].dtype).reshape(saved[i].shape) }
            return result
        }
    }

    /// `F.batch_norm`'s computation (`torch.batch_norm`): the output of `nativeBatchNorm`,
    /// running statistics updated in place in training.
    public func batchNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                          training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        // An empty input gives a copy (not a view: the gradient chain stays), as PyTorch's
        // at::batch_norm, whatever its dimensions.
        if count == 0 { return try clone() }
        return try nativeBatchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                            training: training, momentum: momentum, eps: eps)[0]
    }

    // ---- group norm ---------------------------------------------------------------------------

    /// `torch.native_group_norm`: the input seen as [n, c, hxw], its channels split into
    /// `group` groups, each (sample, group) normalised over its channels and positions, then
    /// `* weight + bias` per channel ([c] each, optional). Returns the output and the mean and
    /// rstd of each (sample, group), [n, group]; all three are differentiable
    /// (NativeGroupNormBackward0).
    /// - Throws: `.shape` when n * c * hxw is not the input's size, c is not divisible by
    ///   `group`, or the parameters are not [c]; `.dtype` for integer input or mixed dtypes.
    public func nativeGroupNorm(weight: Tensor?, bias: Tensor?, n: Int, c: Int, hxw: Int, group: Int, eps: Double) throws -> [Tensor] {
        let nc = n.multipliedReportingOverflow(by: c), nch = nc.partialValue.multipliedReportingOverflow(by: hxw)
        guard n >= 0, c >= 0, hxw >= 0, group > 0, !nc.overflow, !nch.overflow, nch.partialValue == count else {
            if group <= 0 {
                throw SwiftGradError.invalidArgument("Expected num groups to be positive, but got \(group)")
            }
            throw SwiftGradError.shape("Expected X.numel() == N * C * HxW to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)")
        }
        guard c % group == 0 else {
            throw SwiftGradError.shape("Expected number of channels in input to be divisible by num_groups, but got input of shape \(Shape.describe(shape)) and num_groups=\(group)")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.ndim != 1 || t.count != c {
                throw SwiftGradError.shape("Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(Shape.describe(t.shape)) and input of shape \(Shape.describe(shape))")
            }
        }
        try requireNormDtype("GroupNormKernelImpl")
        try requireSameDtype([weight, bias])
        let k = c / group, rows = n &* group
        let originalShape = shape
        let outputs: [Tensor] = try noGrad {
            if dtype != .float32 && dtype != .float64 {  // float16, bfloat16: in float32, rounded back
                let r = try to(.float32).nativeGroupNorm(weight: weight?.to(.float32), bias: bias?.to(.float32),
                                                         n: n, c: c, hxw: hxw, group: group, eps: eps)
                return try r.map { try $0.to(dtype) }
            }
            let x = try contiguous(), w = try weight?.contiguous(), b = try bias?.contiguous()
            let y = try Tensor.empty(shape, dtype)
            let mean = try Tensor.empty([n, group], dtype), rstd = try Tensor.empty([n, group], dtype)
            if dtype == .float32 {
                NormKernels.rowsForward(Float.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: b,
                                        rows: rows, k: k, inner: hxw, groups: group, eps: eps)
            } else {
                NormKernels.rowsForward(Double.self, x: x, y: y, mean: mean, rstd: rstd, weight: w, bias: b,
                                        rows: rows, k: k, inner: hxw, groups: group, eps: eps)
            }
            if k &* hxw == 0 {
                try Kernels.fill(mean, with: .nan)
                try Kernels.fill(rstd, with: .nan)
            }
            return [y, mean, rstd]
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        let weightIndex = weight == nil ? nil : 1, biasIndex = bias == nil ? nil : (weight == nil ? 1 : 2)
        return try Tensor.recordOutputs("NativeGroupNormBackward0", inputs: inputs, outputs: outputs,
                                        saving: inputs + [outputs[1], outputs[2]]) { grads, node in
            let saved = try inputs.indices.map { try node.saved($0) }
            let needs = inputs.indices.map { node.needsGrad($0) }
            let fast = !GradMode.isEnabled && grads[1] == nil && grads[2] == nil
                && (saved[0].dtype == .float32 || saved[0].dtype == .float64)
            if !fast {
                return try NormReference.gradients(saved, needs: needs, grads: grads) { xs in
                    let grouped = try xs[0].reshape([n, group, k &* hxw])
                    let (z, mean, rstd) = try NormReference.standardize(grouped, dims: [2], eps: eps)
                    var y = try z.reshape(originalShape)
                    let affine = [c] + [Int](repeating: 1, count: Swift.max(originalShape.count - 2, 0))
                    if let i = weightIndex { y = try y.mul(xs[i].reshape(affine)) }
                    if let i = biasIndex { y = try y.add(xs[i].reshape(affine)) }
                    return [y, try mean.reshape([n, group]), try rstd.reshape([n, group])]
                }
            }
            guard let g = grads[0] else { return [Tensor?](repeating: nil, count: inputs.count) }
            let mean = try node.saved(inputs.count), rstd = try node.saved(inputs.count + 1)
            let x = try saved[0].contiguous(), gc = try g.contiguous()
            let w = try weightIndex.map { try saved[$0].contiguous() }
            let dx = needs[0] ? try Tensor.empty(x.shape, x.dtype) : nil
            let dw = weightIndex.flatMap { needs[$0] } == true ? try Tensor.empty([c], x.dtype) : nil
            let db = biasIndex.flatMap { needs[$0] } == true ? try Tensor.empty([c], x.dtype) : nil
            if x.dtype == .float32 {
                NormKernels.rowsBackward(Float.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx,
                                         dweight: dw, dbias: db, rows: rows, k: k, inner: hxw, groups: group)
            } else {
                NormKernels.rowsBackward(Double.self, g: gc, x: x, mean: mean, rstd: rstd, weight: w, dx: dx,
                                         dweight: dw, dbias: db, rows: rows, k: k, inner: hxw, groups: group)
            }
            var result: [Tensor?] = [dx]
            if weightIndex != nil { result.append(dw) }
            if biasIndex != nil { result.append(db) }
            return result
        }
    }

    /// `F.group_norm`: `nativeGroupNorm` of the input as [N, C, *] in `numGroups` groups.
    /// - Throws: `.shape` for fewer than 2 dimensions, and `nativeGroupNorm`'s errors.
    public func groupNorm(numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        guard ndim >= 2 else {
            throw SwiftGradError.shape("Expected at least 2 dimensions for input tensor but received \(ndim)")
        }
        return try nativeGroupNorm(weight: weight, bias: bias, n: shape[0], c: shape[1],
                                   hxw: Shape.count(Array(shape[2...])), group: numGroups, eps: eps)[0]
    }

    // ---- instance norm ------------------------------------------------------------------------

    /// `torch.instance_norm`: each (sample, channel) normalised over its positions, as
    /// PyTorch computes it: batch norm of the input seen as [1, N*C, *] with the parameters and
    /// running statistics repeated N times; with `useInputStats` false, the running
    /// statistics are used instead. Running statistics, when given, are updated in place with
    /// the mean over the batch of the per-sample updates.
    /// - Throws: `.invalidArgument` when `useInputStats` is false without running statistics;
    ///   batch norm's errors.
    public func instanceNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                             useInputStats: Bool, momentum: Double, eps: Double) throws -> Tensor {
        if !useInputStats && (runningMean == nil || runningVar == nil) {
            throw SwiftGradError.invalidArgument("Expected running_mean and running_var to be defined when use_input_stats is false")
        }
        guard ndim >= 2 else {
            throw SwiftGradError.shape("Dimension out of range (expected to be in range of [-\(Swift.max(ndim, 1)), \(Swift.max(ndim, 1) - 1)], but got 1)")
        }
        let b = shape[0], c = shape[1]
        let folded = [1, b &* c] + Array(shape[2...])
        let x = try contiguous().view(folded)
        let repeated: (Tensor?) throws -> Tensor? = { t in try t.map { try $0.repeat([b]) } }
        let runMean = try noGrad { try repeated(runningMean) }, runVar = try noGrad { try repeated(runningVar) }
        let out = try x.batchNorm(runningMean: runMean, runningVar: runVar, weight: repeated(weight), bias: repeated(bias),
                                  training: useInputStats, momentum: momentum, eps: eps)
        try noGrad {
            if let runningMean, let runMean { try runningMean.copy_(runMean.view([b, c]).mean(dims: [0])) }
            if let runningVar, let runVar { try runningVar.copy_(runVar.view([b, c]).mean(dims: [0])) }
        }
        return try out.view(shape)
    }
}
