/// torch.linalg's norms and the functions built from the decompositions (pinv, matrix_rank,
/// cond, lstsq, matrix_power, multi_dot, matrix_exp, ...), and the BLAS-style products
/// (addmm, addmv, baddbmm, ...). Each backward is PyTorch's formula or, where the op is a
/// composition of differentiable ops, the composition's.
extension Tensor {
    // MARK: Norms

    /// `torch.linalg.vector_norm(x, ord, dim, keepdim)`: (sum |x|^ord)^(1/ord) over `dims` (all
    /// when empty); ord inf/-inf are the largest/smallest |x|, ord 0 counts the nonzeros
    /// (LinalgVectorNormBackward0). At zero the gradient is 0 (a subgradient), as PyTorch's;
    /// ord 0 has none, shared evenly among the extreme elements for +-infinity.
    public func linalgVectorNorm(ord: Double = 2, dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        let op = "linalg.vector_norm"
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\(op): Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
        if dims.isEmpty && ord == 2 && !keepdim {
            // The common case (W1's loop), without the bookkeeping of a reduction over chosen
            // dims; its gradient x (g / norm) in one pass over x.
            let out = try Tensor.scalarTensor(Kernels.sumOfSquares(self).squareRoot(), dtype)
            return try out.recorded("LinalgVectorNormBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
                let zero = try Tensor.zeros([], dtype: g.dtype), norm = try ctx.saved(1)
                return [try ctx.saved(0).mul(Tensor.where(norm.eq(0), zero, g.div(norm)))]
            }
        }
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        if count == 0 && (ord < 0 || ord.isInfinite) {
            let reducesEmpty = dims.isEmpty || dims.contains { shape[(try? Shape.normalize(dim: $0, ndim: ndim)) ?? 0] == 0 }
            if reducesEmpty {
                throw SwiftGradError.invalidArgument("\(op) cannot compute the \(formatPython(ord)) norm on an empty tensor because the operation does not have an identity")
            }
        }
        let out = try noGrad { () -> Tensor in
            if ord == 2 {
                // One pass summing squares, then the square root ([256, 512] float32 along dim 1,
                // from Python: 63 us by |x|, its square and a sum, 26 now). Float16 and bfloat16
                // in float32 up to the square root, as PyTorch's.
                let source = dtype.compute == dtype ? self : try to(dtype.compute, recording: false)
                let squares = try Kernels.accumulate(SumOfSquaresAccumulation.self, source, reduced: r.reduced, keptShape: r.kept)
                return try r.finish(squares.sqrt()).to(dtype, recording: false)
            }
            let magnitude = try abs()
            if ord == .infinity { return try magnitude.amax(dims: dims, keepdim: keepdim) }
            if ord == -.infinity { return try magnitude.amin(dims: dims, keepdim: keepdim) }
            if ord == 0 { return try magnitude.ne(0).to(dtype).sum(dims: dims, keepdim: keepdim) }
            if ord == 1 { return try magnitude.sum(dims: dims, keepdim: keepdim) }
            return try magnitude.pow(ord).sum(dims: dims, keepdim: keepdim).pow(1 / ord)
        }
        return try out.recorded("LinalgVectorNormBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            // ord 0 is piecewise constant: PyTorch gives no gradient at all (None), not zeros.
            if ord == 0 { return [nil] }
            let x = try ctx.saved(0)
            return [try Tensor.normBackward(g, x, ord, ctx.saved(1), r)]
        }
    }

    /// PyTorch's norm_backward.
    static func normBackward(_ gradIn: Tensor, _ x: Tensor, _ p: Double, _ normIn: Tensor, _ r: Reduction) throws -> Tensor {
        let grad = try r.unsqueezed(gradIn), norm = try r.unsqueezed(normIn)
        let zero = try Tensor.zeros([], dtype: x.dtype)
        if p == 0 { return try x.zerosLike() }
        if p == 1 { return try x.sign().mul(grad) }
        if p == 2 { return try grad.mul(Tensor.where(norm.eq(0), zero, x.div(norm))) }
        if p.isInfinite {
            let magnitude = try x.abs()
            let mask = try magnitude.eq(norm).logicalOr(magnitude.ne(magnitude)).to(x.dtype)
            let dims = r.reduced.enumerated().filter { $0.element }.map(\.offset)
            return try x.sign().mul(grad.div(mask.sum(dims: dims, keepdim: true)).mul(mask))
        }
        if p < 1 {
            let scaled = try x.sign().mul(Tensor.where(x.eq(0), zero, x.abs().pow(p - 1)))
            return try scaled.mul(grad).mul(norm.pow(1 - p))
        }
        let scaled = p < 2 ? try x.sign().mul(x.abs().pow(p - 1)) : try x.mul(x.abs().pow(p - 2))
        let scale = try Tensor.where(norm.eq(0), zero, grad.div(norm.pow(p - 1)))
        return try scaled.mul(scale)
    }

    /// Moves dimensions `d0`, `d1` to the end (for matrix functions over chosen dims).
    private func movingToEnd(_ d0: Int, _ d1: Int) throws -> Tensor {
        let rest = (0..<ndim).filter { $0 != d0 && $0 != d1 }
        return try permute(rest + [d0, d1])
    }

    /// `torch.linalg.matrix_norm(A, ord, dim, keepdim)` for a numeric ord: 1/-1 (max/min
    /// column sum), inf/-inf (max/min row sum), 2/-2 (largest/smallest singular value).
    public func linalgMatrixNorm(ord: Double, dims: [Int] = [-2, -1], keepdim: Bool = false) throws -> Tensor {
        let op = "linalg.matrix_norm"
        try checkLinalgFloating(op)
        guard ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): The input tensor A must have at least 2 dimensions.") }
        guard dims.count == 2 else { throw SwiftGradError.invalidArgument("\(op): dim must be a 2-tuple. Got \(dims.map(String.init).joined(separator: " "))") }
        let d0 = try Shape.normalize(dim: dims[0], ndim: ndim), d1 = try Shape.normalize(dim: dims[1], ndim: ndim)
        guard d0 != d1 else { throw SwiftGradError.invalidArgument("\(op): dims must be different. Got (\(dims[0]), \(dims[1]))") }
        guard [1, -1, 2, -2, .infinity, -.infinity].contains(ord) else {
            throw SwiftGradError.invalidArgument("\(op): Order \(formatPython(ord)) not supported.")
        }
        if ord == 2 || ord == -2 {
            let s = try movingToEnd(d0, d1).linalgSvdvals()
            var result = ord == 2 ? try s.amax(dims: [-1]) : try s.amin(dims: [-1])
            if keepdim { result = try result.unsqueeze(dim: Swift.min(d0, d1)).unsqueeze(dim: Swift.max(d0, d1)) }
            return result
        }
        let (sumDim, maxDim) = ord.isInfinite ? (d1, d0) : (d0, d1)
        let sums = try abs().sum(dims: [sumDim], keepdim: true)
        var result = ord > 0 ? try sums.amax(dims: [maxDim], keepdim: true) : try sums.amin(dims: [maxDim], keepdim: true)
        if !keepdim { result = try result.squeeze(dim: Swift.max(d0, d1)).squeeze(dim: Swift.min(d0, d1)) }
        return result
    }

    /// `torch.linalg.matrix_norm(A, 'fro' | 'nuc', dim, keepdim)`.
    public func linalgMatrixNorm(ord: String, dims: [Int] = [-2, -1], keepdim: Bool = false) throws -> Tensor {
        let op = "linalg.matrix_norm"
        try checkLinalgFloating(op)
        guard ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): The input tensor A must have at least 2 dimensions.") }
        guard dims.count == 2 else { throw SwiftGradError.invalidArgument("\(op): dim must be a 2-tuple. Got \(dims.map(String.init).joined(separator: " "))") }
        let d0 = try Shape.normalize(dim: dims[0], ndim: ndim), d1 = try Shape.normalize(dim: dims[1], ndim: ndim)
        guard d0 != d1 else { throw SwiftGradError.invalidArgument("\(op): dims must be different. Got (\(dims[0]), \(dims[1]))") }
        switch ord {
        case "fro":
            return try linalgVectorNorm(ord: 2, dims: [d0, d1], keepdim: keepdim)
        case "nuc":
            var result = try movingToEnd(d0, d1).linalgSvdvals().sum(dims: [-1])
            if keepdim { result = try result.unsqueeze(dim: Swift.min(d0, d1)).unsqueeze(dim: Swift.max(d0, d1)) }
            return result
        default:
            throw SwiftGradError.invalidArgument("\(op): Order \(ord) not supported.")
        }
    }

    /// `torch.linalg.cond(A, p=None)`: the condition number; p nil or ±2 from the singular
    /// values, other p as norm(A) norm(A^{-1}).
    public func linalgCond(p: Double? = nil, pString: String? = nil) throws -> Tensor {
        let op = "linalg.cond"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        if pString == nil && (p == nil || p == 2 || p == -2) {
            let s = try linalgSvdvals()
            if (shape.last ?? 0) == 0 || shape[ndim - 2] == 0 { return try Tensor.zeros(batchShape, dtype: dtype) }
            let big = try s.amax(dims: [-1]), small = try s.amin(dims: [-1])
            return p == -2 ? try small.div(big) : try big.div(small)
        }
        try checkMatrix(op, square: true)
        let inverse = try linalgInv()
        if let pString {
            return try linalgMatrixNorm(ord: pString).mul(inverse.linalgMatrixNorm(ord: pString))
        }
        return try linalgMatrixNorm(ord: p!).mul(inverse.linalgMatrixNorm(ord: p!))
    }

    // MARK: Pseudo-inverse, rank, least squares

    /// The tolerance PyTorch's pinv and matrix_rank use, [..., 1] against singular values
    /// [..., k]: max(atol, rtol * sigma_max); rtol defaults to eps * max(m, n), or to 0 where atol
    /// is given and positive. atol and rtol are numbers (0-d) or tensors of the batch shape.
    static func rankTolerance(_ sMax: Tensor, atol: Tensor?, rtol: Tensor?, m: Int, n: Int) throws -> Tensor {
        let eps = sMax.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        let defaultRtol = try Tensor.full([], eps * Double(Swift.max(m, n)), dtype: sMax.dtype)
        let zero = try Tensor.zeros([], dtype: sMax.dtype)
        let a = try atol.map { try $0.to(sMax.dtype).unsqueeze(dim: -1) }
        var r = try rtol.map { try $0.to(sMax.dtype).unsqueeze(dim: -1) } ?? defaultRtol
        if rtol == nil, let a { r = try Tensor.where(a.gt(0), zero, defaultRtol) }
        let scaled = try sMax.mul(r)
        return try a.map { try scaled.maximum($0) } ?? scaled
    }

    /// `torch.linalg.pinv(A, atol=None, rtol=None, hermitian=False)` (LinalgPinvBackward0): the
    /// Moore-Penrose pseudo-inverse from the SVD (or eigh when hermitian), singular values
    /// below the tolerance dropped.
    public func linalgPinv(atol: Tensor? = nil, rtol: Tensor? = nil, hermitian: Bool = false) throws -> Tensor {
        let op = "linalg.pinv"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        let m = shape[ndim - 2], n = shape[ndim - 1]
        let out: Tensor = try noGrad {
            if count == 0 {
                var batch = batchShape
                for t in [atol, rtol] { if let t { batch = try Shape.broadcast(batch, t.shape) } }
                return try Tensor.zeros(batch + [n, m], dtype: dtype)
            }
            if hermitian {
                let e = try linalgEigh(uplo: "L")
                let s = e[0], u = e[1]
                let tol = try Tensor.rankTolerance(s.abs().amax(dims: [-1], keepdim: true), atol: atol, rtol: rtol, m: m, n: n)
                let sInv = try Tensor.where(s.abs().gt(tol), s.reciprocal(), Tensor.zeros([], dtype: dtype))
                return try u.mul(sInv.unsqueeze(dim: -2)).matmul(u.mT)
            }
            let svd = try linalgSvd(fullMatrices: false)
            let u = svd[0], s = svd[1], vh = svd[2]
            let tol = try Tensor.rankTolerance(s.narrow(dim: -1, start: 0, length: 1), atol: atol, rtol: rtol, m: m, n: n)
            let sInv = try Tensor.where(s.gt(tol), s.reciprocal(), Tensor.zeros([], dtype: dtype))
            return try vh.mT.mul(sInv.unsqueeze(dim: -2)).matmul(u.mT)
        }
        return try out.recorded("LinalgPinvBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            [try Tensor.pinvBackward(g, ctx.saved(1), ctx.saved(0))]
        }
    }

    /// PyTorch's pinv_backward.
    static func pinvBackward(_ grad: Tensor, _ pinvA: Tensor, _ a: Tensor) throws -> Tensor {
        let m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1]
        let pinvAh = try pinvA.mT, gradh = try grad.mT
        if m <= n {
            let k = try gradh.matmul(pinvA)
            let kpinvAh = try k.matmul(pinvAh)
            return try pinvA.matmul(k).mT.neg().add(kpinvAh)
                .sub(a.matmul(pinvA).matmul(kpinvAh))
                .add(pinvAh.matmul(pinvA).matmul(gradh.sub(k.matmul(a))))
        }
        let k = try pinvA.matmul(gradh)
        let pinvAhK = try pinvAh.matmul(k)
        return try k.matmul(pinvA).mT.neg()
            .add(gradh.sub(a.matmul(k)).matmul(pinvA).matmul(pinvAh))
            .add(pinvAhK)
            .sub(pinvAhK.matmul(pinvA).matmul(a))
    }

    /// `torch.linalg.matrix_rank(A, atol=None, rtol=None, hermitian=False)`: the number of
    /// singular values (|eigenvalues| when hermitian) above the tolerance, int64.
    public func linalgMatrixRank(atol: Tensor? = nil, rtol: Tensor? = nil, hermitian: Bool = false) throws -> Tensor {
        let op = "linalg.matrix_rank"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        let m = shape[ndim - 2], n = shape[ndim - 1]
        return try noGrad {
            if m == 0 || n == 0 {
                var batch = batchShape
                for t in [atol, rtol] { if let t { batch = try Shape.broadcast(batch, t.shape) } }
                return try Tensor.zeros(batch, dtype: .int64)
            }
            let s = hermitian ? try linalgEigvalsh().abs() : try linalgSvdvals()
            let tol = try Tensor.rankTolerance(s.amax(dims: [-1], keepdim: true), atol: atol, rtol: rtol, m: m, n: n)
            return try s.gt(tol).to(.int64).sum(dims: [-1])
        }
    }

    /// `torch.linalg.lstsq(A, B, rcond=None, driver=None)`: (solution, residuals, rank,
    /// singular_values) with LAPACK's gels / gelsy (default) / gelsd / gelss, as PyTorch on the
    /// CPU (LinalgLstsqBackward0, through the pseudo-inverse).
    public func linalgLstsq(_ b: Tensor, rcond: Double? = nil, driver: String? = nil) throws -> [Tensor] {
        let op = "torch.linalg.lstsq"
        let a = self
        try a.checkLinalgFloating("linalg.lstsq")
        guard a.dtype == b.dtype else {
            throw SwiftGradError.dtype("\(op): Expected input and other to have the same dtype, but got input's dtype \(a.dtype.scalarTypeName) and other's dtype \(b.dtype.scalarTypeName)")
        }
        guard a.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): input must have at least 2 dimensions.") }
        let drv = driver ?? "gelsy"
        guard ["gels", "gelsy", "gelsd", "gelss"].contains(drv) else {
            throw SwiftGradError.invalidArgument("\(op): parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
        }
        let vector = a.ndim == b.ndim + 1
        let bm = vector ? try b.unsqueeze(dim: -1) : b
        guard bm.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): other must have at least 1 dimension.") }
        let m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1], k = bm.shape[bm.ndim - 1]
        guard bm.shape[bm.ndim - 2] == m else {
            throw SwiftGradError.shape("\(op): input.size(-2) should match other.size(-2)")
        }
        let batch = try Shape.broadcast(a.batchShape, bm.batchShape), count = Shape.count(batch)
        let ae = try a.expand(batch + [m, n]), be = try bm.expand(batch + [m, k])
        let rows = Swift.max(m, n)
        let acm = try Kernels.columnMajor(ae)
        // B padded to max(m, n) rows, column-major.
        let bcm = try Tensor.zeros(batch + [k, rows], dtype: dtype)
        let bsrc = try Kernels.columnMajor(be)
        let kk = Swift.min(m, n)
        let sv = try Tensor.zeros(drv == "gelsd" || drv == "gelss" ? batch + [kk] : [0], dtype: dtype)
        var ranks = [Int64](repeating: Int64(kk), count: count)
        let eps = dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        let rc = rcond ?? eps * Double(rows)
        let m32 = try Kernels.lapackInt(m, op), n32 = try Kernels.lapackInt(n, op), k32 = try Kernels.lapackInt(k, op)
        let ld = Int32(Swift.max(rows, 1)), lda = Int32(Swift.max(m, 1))
        var failed: Int32 = 0
        func run<T: LapackElement>(_: T.Type) {
            let pb = bcm.pointer(T.self), ps = bsrc.pointer(T.self), pa = acm.pointer(T.self), psv = sv.pointer(T.self)
            for b in 0..<count {
                for c in 0..<k { for i in 0..<m { pb[b * k * rows + c * rows + i] = ps[b * k * m + c * m + i] } }
            }
            guard m > 0 && n > 0 && k > 0 else { return }
            var ws = LapackWorkspace<T>()
            var jpvt = [Int32](repeating: 0, count: n)
            var sbuf = [T](repeating: .zero, count: kk)
            for b in 0..<count {
                let ap = pa + b * m * n, bp = pb + b * k * rows
                var rank: Int32 = Int32(kk), info: Int32 = 0
                switch drv {
                case "gels":
                    _ = T.gels(m32, n32, k32, ap, lda, bp, ld, &ws.work, -1); ws.adopt(query: ws.work[0])
                    info = T.gels(m32, n32, k32, ap, lda, bp, ld, &ws.work, Int32(ws.work.count))
                case "gelsy":
                    for i in 0..<n { jpvt[i] = 0 }
                    _ = T.gelsy(m32, n32, k32, ap, lda, bp, ld, &jpvt, T(rc), &rank, &ws.work, -1); ws.adopt(query: ws.work[0])
                    info = T.gelsy(m32, n32, k32, ap, lda, bp, ld, &jpvt, T(rc), &rank, &ws.work, Int32(ws.work.count))
                case "gelsd":
                    _ = T.gelsd(m32, n32, k32, ap, lda, bp, ld, &sbuf, T(rc), &rank, &ws.work, -1, &ws.iwork)
                    ws.adopt(query: ws.work[0], iquery: ws.iwork[0])
                    info = T.gelsd(m32, n32, k32, ap, lda, bp, ld, &sbuf, T(rc), &rank, &ws.work, Int32(ws.work.count), &ws.iwork)
                    for i in 0..<kk { psv[b * kk + i] = sbuf[i] }
                default:
                    _ = T.gelss(m32, n32, k32, ap, lda, bp, ld, &sbuf, T(rc), &rank, &ws.work, -1); ws.adopt(query: ws.work[0])
                    info = T.gelss(m32, n32, k32, ap, lda, bp, ld, &sbuf, T(rc), &rank, &ws.work, Int32(ws.work.count))
                    for i in 0..<kk { psv[b * kk + i] = sbuf[i] }
                }
                if info != 0 { failed = info }
                ranks[b] = Int64(rank)
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        if failed > 0 {
            throw SwiftGradError.invalidArgument("\(op): The least squares solution could not be computed because the input matrix does not have full rank (error code: \(failed)).")
        }
        let full = try Kernels.rowMajor(bcm)  // [..., rows, k]
        var solution = try noGrad { try full.narrow(dim: -2, start: 0, length: n).contiguous() }
        var residuals = try Tensor.zeros([0], dtype: dtype)
        let fullRank = ranks.allSatisfy { $0 == Int64(n) }
        if m > n && drv != "gelsy" && (drv == "gels" || fullRank) {
            residuals = try noGrad { try full.narrow(dim: -2, start: n, length: m - n).square().sum(dims: [-2]) }
        }
        let rank = drv == "gels" ? try Tensor.zeros([0], dtype: .int64)
            : try Tensor.fromDoubles(ranks.map { Double($0) }, batch, .float64).to(.int64)
        if vector { solution = try noGrad { try solution.squeeze(dim: -1) } }
        let hasResiduals = residuals.count > 0
        let outs = try Tensor.recordOutputs("LinalgLstsqBackward0", inputs: [a, b], outputs: [solution, residuals, rank, sv],
                                            differentiable: [true, true, false, false], saving: [a, b, solution]) { grads, ctx in
            // In float64 (the pseudo-inverse of a float32 matrix loses digits), rounded once.
            let wide = DType.float64
            let aa = try ctx.saved(0).to(wide), bb = try ctx.saved(1).to(wide), x = try ctx.saved(2).to(wide)
            let bmat = vector ? try bb.unsqueeze(dim: -1) : bb
            let xmat = vector ? try x.unsqueeze(dim: -1) : x
            var gA: Tensor? = nil, gB: Tensor? = nil
            if let gX0 = try grads[0]?.to(wide) {
                let gX = vector ? try gX0.unsqueeze(dim: -1) : gX0
                let pinvA = try aa.linalgPinv()
                if ctx.needsGrad(0) { gA = try Tensor.pinvBackward(gX.matmul(bmat.mT), pinvA, aa) }
                if ctx.needsGrad(1) {
                    let t = try pinvA.mT.matmul(gX)
                    gB = vector ? try t.squeeze(dim: -1) : t
                }
            }
            if hasResiduals, let gL0 = try grads[1]?.to(wide) {
                let r = try aa.matmul(xmat).sub(bmat)
                let gL = try gL0.unsqueeze(dim: -2)
                if ctx.needsGrad(0) {
                    let t = try gL.mul(r).matmul(xmat.mT).mul(2)
                    gA = try gA.map { try $0.add(t) } ?? t
                }
                if ctx.needsGrad(1) {
                    var t = try gL.mul(r).mul(-2)
                    if vector { t = try t.squeeze(dim: -1) }
                    gB = try gB.map { try $0.add(t) } ?? t
                }
            }
            return [try gA?.to(a.dtype), try gB?.to(b.dtype)]
        }
        return outs
    }

    // MARK: Products and small compositions

    /// `torch.linalg.matrix_power(A, n)`: A^n by repeated squaring; n < 0 inverts first, n = 0
    /// is the identity.
    public func linalgMatrixPower(_ n: Int) throws -> Tensor {
        let op = "linalg.matrix_power"
        try checkMatrix(op, square: true)
        if n == 0 {
            // The identity, recorded (as PyTorch's copy) with a zero gradient.
            let size = shape[ndim - 1]
            return try Tensor.eye(size, dtype: dtype).expand(shape).contiguous()
                .recorded("CopyBackwards", input: self) { g, _ in [try g.zerosLike()] }
        }
        if n < 0 { try checkLinalgFloating(op) }
        var base = n < 0 ? try linalgInv() : self
        var e = n.magnitude
        var result: Tensor? = nil
        while true {
            if e & 1 == 1 { result = try result.map { try $0.matmul(base) } ?? base }
            e >>= 1
            if e == 0 { break }
            base = try base.matmul(base)
        }
        return result!
    }

    /// `torch.linalg.multi_dot(tensors)`: the chained matrix product; the first may be 1-d (a
    /// row) and the last 1-d (a column).
    public static func linalgMultiDot(_ tensors: [Tensor]) throws -> Tensor {
        let op = "multi_dot"
        guard tensors.count >= 2 else {
            throw SwiftGradError.invalidArgument("\(op)(): expected at least 2 tensors but got \(tensors.count)")
        }
        let first = tensors[0], last = tensors[tensors.count - 1]
        guard first.ndim == 1 || first.ndim == 2 else {
            throw SwiftGradError.invalidArgument("\(op)(): the first tensor must be 1D or 2D but got \(first.ndim)D")
        }
        guard last.ndim == 1 || last.ndim == 2 else {
            throw SwiftGradError.invalidArgument("\(op)(): the last tensor must be 1D or 2D but got \(last.ndim)D")
        }
        for (i, t) in tensors.enumerated().dropFirst().dropLast() where t.ndim != 2 {
            throw SwiftGradError.invalidArgument("\(op)(): tensor \(i) must be 2D but got \(t.ndim)D")
        }
        for t in tensors where t.dtype != first.dtype {
            throw SwiftGradError.dtype("\(op)(): all tensors must have be the same dtype but tensor 0 is \(first.dtype.scalarTypeName) and tensor \(tensors.firstIndex { $0 === t }!) \(t.dtype.scalarTypeName)")
        }
        var mats = tensors
        if first.ndim == 1 { mats[0] = try first.unsqueeze(dim: 0) }
        if last.ndim == 1 { mats[mats.count - 1] = try last.unsqueeze(dim: 1) }
        for i in 0..<(mats.count - 1) where mats[i].shape[1] != mats[i + 1].shape[0] {
            throw SwiftGradError.shape("\(op)(): tensors \(i) and \(i + 1) with shapes \(Shape.describe(tensors[i].shape)) and \(Shape.describe(tensors[i + 1].shape)) cannot be multiplied")
        }
        var result = mats[0]
        for t in mats.dropFirst() { result = try result.mm(t) }
        if first.ndim == 1 && last.ndim == 1 { return try result.reshape([]) }
        if first.ndim == 1 { return try result.squeeze(dim: 0) }
        if last.ndim == 1 { return try result.squeeze(dim: 1) }
        return result
    }

    /// `torch.linalg.vecdot(x, y, dim=-1)`: the dot product along `dim`, broadcasting.
    public func linalgVecdot(_ other: Tensor, dim: Int = -1) throws -> Tensor {
        guard dtype == other.dtype else {
            throw SwiftGradError.dtype("linalg.vecdot: Expected x and y to have the same dtype, but found x of type \(dtype.scalarTypeName) and y of type \(other.dtype.scalarTypeName) instead")
        }
        return try mul(other).sum(dims: [dim])
    }

    /// `torch.linalg.vander(x, N=None)`: [..., n] -> [..., n, N], column j is x^j (by repeated
    /// multiplication, as PyTorch's cumulative product); bool input counts as int64
    /// (LinalgVanderBackward0: d/dx sum_j g_j x^j = sum_{j >= 1} g_j j x^(j-1)).
    public func linalgVander(_ n: Int? = nil) throws -> Tensor {
        if ndim == 0 { return try reshape([1]).linalgVander(n) }
        if let n, n <= 1 { throw SwiftGradError.invalidArgument("N must be greater than 1.") }
        let columns = n ?? (shape.last ?? 0)
        // bool counts as int64; narrow types are computed in float32 / int64 and rounded back.
        let resultType = dtype == .bool ? DType.int64 : dtype
        let work: DType = resultType.isFloatingPoint ? (resultType == .float64 ? .float64 : .float32) : .int64
        _ = try Shape.validate(shape + [columns])
        let x = try noGrad { try to(work).contiguous() }
        let wide = try Tensor.empty(shape + [columns], work)
        func run<T: NumericElement>(_: T.Type) {
            let px = x.pointer(T.self) + x.storageOffset, po = wide.pointer(T.self)
            for i in 0..<x.count {
                var power = T.one
                for j in 0..<columns {
                    po[i * columns + j] = power
                    power = T.mul(power, px[i])
                }
            }
        }
        switch work {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: run(Int64.self)
        }
        let out = work == resultType ? wide : try noGrad { try wide.to(resultType) }
        return try out.recorded("LinalgVanderBackward0", input: self, saving: self) { g, ctx in
            let xx = try ctx.saved(0)
            guard columns > 1 else { return [try xx.zerosLike()] }
            let flat = xx.ndim == 0 ? try xx.reshape([1]) : xx
            let scale = try Tensor.arange(1, Double(columns), dtype: g.dtype)
            let lower = try flat.linalgVanderColumns(columns - 1)
            let gx = try g.narrow(dim: -1, start: 1, length: columns - 1).mul(scale).mul(lower).sum(dims: [-1])
            return [xx.ndim == 0 ? try gx.reshape([]) : gx]
        }
    }

    /// `linalgVander` with any column count (1 included), for the backward rule.
    private func linalgVanderColumns(_ columns: Int) throws -> Tensor {
        if columns == 1 { return try Tensor.ones(shape + [1], dtype: dtype) }
        return try linalgVander(columns)
    }

    /// `torch.linalg.tensorinv(A, ind=2)`.
    public func linalgTensorinv(ind: Int = 2) throws -> Tensor {
        guard ind > 0 else { throw SwiftGradError.invalidArgument("Expected a strictly positive integer for 'ind', but got \(ind)") }
        guard ind <= ndim else { throw SwiftGradError.invalidArgument("Expected a strictly positive integer for 'ind', but got \(ind)") }
        let outer = Array(shape[..<ind]), inner = Array(shape[ind...])
        let rows = Shape.count(outer), cols = Shape.count(inner)
        guard rows == cols else {
            throw SwiftGradError.invalidArgument("Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got \(cols) != \(rows)")
        }
        return try reshape([rows, cols]).linalgInv().reshape(inner + outer)
    }

    /// `torch.linalg.tensorsolve(A, B, dims=None)`.
    public func linalgTensorsolve(_ b: Tensor, dims: [Int]? = nil) throws -> Tensor {
        var a = self
        if let dims, !dims.isEmpty {
            let moved = try dims.map { try Shape.normalize(dim: $0, ndim: ndim) }
            let rest = (0..<ndim).filter { !moved.contains($0) }
            a = try permute(rest + moved)
        }
        guard b.ndim <= a.ndim else {
            throw SwiftGradError.invalidArgument("linalg.tensorsolve: Expected other.ndim (\(b.ndim)) to be at most self.ndim (\(a.ndim))")
        }
        let resultShape = Array(a.shape[b.ndim...])
        let rows = b.count, cols = Shape.count(resultShape)
        guard rows == cols else {
            throw SwiftGradError.invalidArgument("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got \(cols) != \(rows)")
        }
        return try a.reshape([rows, cols]).linalgSolve(b.reshape([rows])).reshape(resultShape)
    }

    /// `torch.cholesky_solve(B, L, upper=False)` with `self` as B: X = (L L^T)^{-1} B
    /// (CholeskySolveBackward0, PyTorch's formula: the gradient of L is not projected on a
    /// triangle).
    public func choleskySolve(_ l: Tensor, upper: Bool = false) throws -> Tensor {
        let b = self
        guard b.ndim >= 2 else { throw SwiftGradError.invalidArgument("b should have at least 2 dimensions, but has \(b.ndim) dimensions instead") }
        guard l.ndim >= 2 else { throw SwiftGradError.invalidArgument("u should have at least 2 dimensions, but has \(l.ndim) dimensions instead") }
        let x = try noGrad { () -> Tensor in
            if upper {
                let y = try Tensor.solveTriangular(l.mT, b, upper: false, left: true, unitriangular: false, op: "cholesky_solve")
                return try Tensor.solveTriangular(l, y, upper: true, left: true, unitriangular: false, op: "cholesky_solve")
            }
            let y = try Tensor.solveTriangular(l, b, upper: false, left: true, unitriangular: false, op: "cholesky_solve")
            return try Tensor.solveTriangular(l.mT, y, upper: true, left: true, unitriangular: false, op: "cholesky_solve")
        }
        return try x.recorded("CholeskySolveBackward0", input: b, l, saving: l, savingOutput: true) { g, ctx in
            let ll = try ctx.saved(0), xx = try ctx.saved(1)
            let gB = try g.choleskySolve(ll, upper: upper)
            var gL: Tensor? = nil
            if ctx.needsGrad(1) {
                var common = try gB.matmul(xx.mT)
                common = try common.add(common.mT)
                gL = upper ? try ll.matmul(common).neg() : try common.matmul(ll).neg()
            }
            return [gB, gL]
        }
    }

    /// `torch.cholesky_inverse(L, upper=False)`: (L L^T)^{-1} (CholeskyInverseBackward0).
    public func choleskyInverse(upper: Bool = false) throws -> Tensor {
        try checkLinalgFloating("cholesky_inverse")
        try checkMatrix("cholesky_inverse", square: true)
        let n = shape[ndim - 1]
        let eye = try Tensor.eye(n, dtype: dtype).expand(shape)
        let inverse = try noGrad { try eye.choleskySolve(self, upper: upper) }
        return try inverse.recorded("CholeskyInverseBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            let l = try ctx.saved(0), inv = try ctx.saved(1)
            let common = try inv.matmul(g.add(g.mT).matmul(inv))
            return [upper ? try l.matmul(common).neg() : try common.matmul(l).neg()]
        }
    }

    /// `torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)` with
    /// `self` as b: (solution, cloned_coefficient).
    public func triangularSolve(_ a: Tensor, upper: Bool = true, transpose: Bool = false, unitriangular: Bool = false) throws -> [Tensor] {
        let coefficient = transpose ? try a.mT : a
        let x = try Tensor.solveTriangular(coefficient, self, upper: transpose ? !upper : upper, left: true,
                                           unitriangular: unitriangular, op: "triangular_solve")
        return [x, try a.clone()]
    }

    /// `torch.linalg.householder_product(A, tau)`: the first n columns of H_1 ... H_k with
    /// H_i = I - tau_i v_i v_i^T (v_i from A's i-th column below the diagonal), written in
    /// differentiable ops.
    public func householderProduct(_ tau: Tensor) throws -> Tensor {
        let op = "torch.linalg.householder_product"
        try checkMatrix(op)
        let m = shape[ndim - 2], n = shape[ndim - 1], k = tau.shape.last ?? 0
        guard m >= n else { throw SwiftGradError.invalidArgument("\(op): input.shape[-2] must be greater than or equal to input.shape[-1]") }
        guard tau.ndim >= 1, n >= k else { throw SwiftGradError.invalidArgument("\(op): input.shape[-1] must be greater than or equal to tau.shape[-1]") }
        guard tau.ndim == ndim - 1 else { throw SwiftGradError.invalidArgument("\(op): Expected tau to have one dimension less than input, but got tau.ndim equal to \(tau.ndim) and input.ndim is equal to \(ndim)") }
        guard dtype == tau.dtype else { throw SwiftGradError.dtype("\(op): tau dtype \(tau.dtype.scalarTypeName) does not match input dtype \(dtype.scalarTypeName)") }
        return try Tensor.composite("LinalgHouseholderProductBackward0", [self, tau]) { x in
            try Tensor.reflectorProduct(x[0], x[1], columns: m).narrow(dim: -1, start: 0, length: n)
        }
    }

    /// H_1 ... H_k as a full [..., m, m] matrix (the first `columns` columns).
    static func reflectorProduct(_ a: Tensor, _ tau: Tensor, columns: Int) throws -> Tensor {
        let m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1], k = tau.shape.last ?? 0
        let v = try a.lowerTriangle(-1).add(Tensor.eye(m, n, dtype: a.dtype))
        var q = try Tensor.eye(m, dtype: a.dtype).expand(a.batchShape + [m, m])
        for i in 0..<k {
            let vi = try v.narrow(dim: -1, start: i, length: 1)  // [..., m, 1]
            let ti = try tau.narrow(dim: -1, start: i, length: 1).unsqueeze(dim: -1)  // [..., 1, 1]
            q = try q.sub(q.matmul(vi).mul(ti).matmul(vi.mT))
        }
        return q
    }

    /// `torch.geqrf(A)`: LAPACK's packed QR (a, tau). Not differentiable, as in PyTorch.
    public func geqrf() throws -> [Tensor] {
        let op = "geqrf"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        let m = shape[ndim - 2], n = shape[ndim - 1], k = Swift.min(m, n)
        let m32 = try Kernels.lapackInt(m, op), n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(self)
        let tau = try Tensor.zeros(batchShape + [k], dtype: dtype)
        func run<T: LapackElement>(_: T.Type) {
            var ws = LapackWorkspace<T>()
            let pt = tau.pointer(T.self)
            Kernels.forEachMatrix(cm, T.self) { p, b in
                guard m > 0 && n > 0 else { return }
                _ = T.geqrf(m32, n32, p, m32, pt + b * k, &ws.work, -1)
                ws.adopt(query: ws.work[0])
                _ = T.geqrf(m32, n32, p, m32, pt + b * k, &ws.work, Int32(ws.work.count))
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        return [try Kernels.rowMajor(cm), tau]
    }

    /// `torch.ormqr(A, tau, C, left=True, transpose=False)`: C multiplied by the Q of geqrf's
    /// packed reflectors, written in differentiable ops.
    public func ormqr(_ tau: Tensor, _ c: Tensor, left: Bool = true, transpose: Bool = false) throws -> Tensor {
        let op = "torch.ormqr"
        try checkMatrix(op)
        guard c.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): input must have at least 2 dimensions.") }
        let rows = left ? c.shape[c.ndim - 2] : c.shape[c.ndim - 1]
        guard shape[ndim - 2] == rows else {
            throw SwiftGradError.shape("\(op): other.shape[\(left ? -2 : -1)] must be equal to input.shape[-2]")
        }
        // No elements, no reflectors to apply: Q is the identity and, as in PyTorch, the result
        // does not depend on input and tau (they get no gradient).
        let q = count == 0 || tau.count == 0 ? try Tensor.eye(rows, dtype: dtype).expand(batchShape + [rows, rows])
            : try Tensor.reflectorProduct(self, tau, columns: rows)
        let qq = transpose ? try q.mT : q
        return left ? try qq.matmul(c) : try c.matmul(qq)
    }

    /// `torch.linalg.matrix_exp(A)` by scaling and squaring of a degree-18 Taylor polynomial in
    /// float64 (LinalgMatrixExpBackward0: the adjoint through exp of [[A^T, G], [0, A^T]]).
    public func linalgMatrixExp() throws -> Tensor {
        let op = "linalg.matrix_exp"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let out = try noGrad { () -> Tensor in
            if count == 0 { return try clone() }
            let a = try to(.float64).contiguous()
            let norms = try a.abs().sum(dims: [-2]).amax(dims: [-1]).scalars(as: Double.self)
            // Not finite: the exponential is not either (NaN, as the series gives).
            guard norms.allSatisfy(\.isFinite) else { return try Tensor.full(shape, .nan, dtype: dtype) }
            let largest = norms.max() ?? 0
            // Halvings until the norm is at most 1/2: log2(norm) + 1, at most ~1025 for a finite norm.
            var squarings = 0
            if largest > 0.5 { squarings = Swift.max(0, Int((Double.log(largest) / Double.log(2) + 1).rounded(.up))) }
            let scaled = try a.div(Double.pow(2, Double(squarings)))
            let eye = try Tensor.eye(n, dtype: .float64)
            var term = try eye.expand(a.shape)
            var sum = term
            for i in 1...18 {
                term = try term.matmul(scaled).div(Double(i))
                sum = try sum.add(term)
            }
            for _ in 0..<squarings { sum = try sum.matmul(sum) }
            return try sum.to(dtype)
        }
        return try out.recorded("LinalgMatrixExpBackward0", input: self, saving: self) { g, ctx in
            let a = try ctx.saved(0).mT
            let zero = try a.zerosLike()
            let top = try Tensor.cat([a, g], dim: -1), bottom = try Tensor.cat([zero, a], dim: -1)
            let big = try Tensor.cat([top, bottom], dim: -2).linalgMatrixExp()
            return [try big.narrow(dim: -2, start: 0, length: n).narrow(dim: -1, start: n, length: n)]
        }
    }

    /// `torch.cdist(x1, x2, p=2)`: p-norm distances between the rows of [..., P, M] and
    /// [..., R, M], [..., P, R].
    public static func cdist(_ x1: Tensor, _ x2: Tensor, p: Double = 2) throws -> Tensor {
        guard x1.ndim >= 2 else { throw SwiftGradError.invalidArgument("cdist only supports at least 2D tensors, X1 got: \(x1.ndim)D") }
        guard x2.ndim >= 2 else { throw SwiftGradError.invalidArgument("cdist only supports at least 2D tensors, X2 got: \(x2.ndim)D") }
        guard x1.shape.last == x2.shape.last else {
            throw SwiftGradError.shape("X1 and X2 must have the same number of columns. X1: \(x1.shape.last!) X2: \(x2.shape.last!)")
        }
        guard p >= 0 else { throw SwiftGradError.invalidArgument("cdist only supports non-negative p values") }
        guard x1.dtype.isFloatingPoint && x2.dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("cdist only supports floating-point dtypes, X1 got: \(x1.dtype.scalarTypeName)")
        }
        let diff = try x1.unsqueeze(dim: -2).sub(x2.unsqueeze(dim: -3))
        return try diff.linalgVectorNorm(ord: p, dims: [-1])
    }

    /// `torch.addmm(input, mat1, mat2, beta=1, alpha=1)`: beta input + alpha mat1 @ mat2 (input
    /// ignored, NaNs included, when beta is 0).
    public func addmm(_ m1: Tensor, _ m2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try Tensor.scaledSum(self, try m1.mm(m2), beta: beta, alpha: alpha, op: "addmm")
    }

    /// `torch.addmv(input, mat, vec, beta=1, alpha=1)`.
    public func addmv(_ mat: Tensor, _ vec: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try Tensor.scaledSum(self, try mat.mv(vec), beta: beta, alpha: alpha, op: "addmv")
    }

    /// `torch.addbmm(input, batch1, batch2, beta=1, alpha=1)`: the batch products summed.
    public func addbmm(_ b1: Tensor, _ b2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try Tensor.scaledSum(self, try b1.bmm(b2).sum(dims: [0]), beta: beta, alpha: alpha, op: "addbmm")
    }

    /// `torch.baddbmm(input, batch1, batch2, beta=1, alpha=1)`.
    public func baddbmm(_ b1: Tensor, _ b2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try Tensor.scaledSum(self, try b1.bmm(b2), beta: beta, alpha: alpha, op: "baddbmm")
    }

    /// `torch.addr(input, vec1, vec2, beta=1, alpha=1)`: beta input + alpha outer(vec1, vec2).
    public func addr(_ v1: Tensor, _ v2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        guard v1.ndim == 1 else { throw SwiftGradError.invalidArgument("addr: Expected 1-D argument vec1, but got \(v1.ndim)-D") }
        guard v2.ndim == 1 else { throw SwiftGradError.invalidArgument("addr: Expected 1-D argument vec2, but got \(v2.ndim)-D") }
        return try Tensor.scaledSum(self, try Tensor.outer(v1, v2), beta: beta, alpha: alpha, op: "addr")
    }

    static func scaledSum(_ input: Tensor, _ product: Tensor, beta: Double, alpha: Double, op: String) throws -> Tensor {
        guard Shape.isExpandable(input.shape, to: product.shape) else {
            throw SwiftGradError.shape("The expanded size of the tensor (\(product.shape.last ?? 0)) must match the existing size (\(input.shape.last ?? 0)) at non-singleton dimension \(product.ndim - 1).  Target sizes: \(Shape.describe(product.shape)).  Tensor sizes: \(Shape.describe(input.shape))")
        }
        let scaled = alpha == 1 ? product : try product.mul(alpha)
        if beta == 0 { return scaled }
        return try scaled.add(beta == 1 ? input : try input.mul(beta))
    }

    /// `torch.vdot(a, b)`: the dot product of two 1-d tensors.
    public static func vdot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.ndim == 1 && b.ndim == 1 else {
            throw SwiftGradError.shape("1D tensors expected, but got \(a.ndim)D and \(b.ndim)D tensors")
        }
        return try Tensor.dot(a, b)
    }
}

extension Tensor {
    /// `torch.linalg.matrix_sqrth(A)`: the symmetric square root of a symmetric positive
    /// (semi)definite matrix, V diag(sqrt(max(L, 0))) V^T from eigh of the lower triangle;
    /// differentiable through eigh.
    public func linalgMatrixSqrth() throws -> Tensor {
        let e = try linalgEigh(uplo: "L", op: "linalg.matrix_sqrth")
        return try e[1].mul(e[0].clamp(min: 0).sqrt().unsqueeze(dim: -2)).matmul(e[1].mT)
    }

    /// `torch.linalg.polar(A)`: (U, H) with A = U H, U [m, n] with orthonormal columns and H
    /// [n, n] symmetric positive-semidefinite, from the SVD A = W S Vh: U = W Vh, H = Vh^T S Vh.
    /// Both are independent of the SVD's signs; differentiable through the SVD.
    public func linalgPolar() throws -> [Tensor] {
        let op = "linalg.polar"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        let svd = try linalgSvd(fullMatrices: false)
        let w = svd[0], s = svd[1], vh = svd[2]
        return [try w.matmul(vh), try vh.mT.mul(s.unsqueeze(dim: -2)).matmul(vh)]
    }
}
