/// torch.linalg's factorizations and solvers on LAPACK (Kernels/Lapack.swift), each forward beside
/// its backward rule (PyTorch's FunctionsManual formulas, written in differentiable ops so that
/// gradients of gradients work). Batches of matrices are [..., m, n] as in PyTorch.
extension Tensor {
    /// The dtype PyTorch gives pivots and LAPACK info codes.
    static var lapackIndexDType: DType { .int32 }

    /// Runs `body` with the element type of a float32 or float64 tensor.
    static func withLapackType<R>(_ dtype: DType, _ op: String, _ body: (any LapackElement.Type) throws -> R) throws -> R {
        switch dtype {
        case .float32: return try body(Float.self)
        case .float64: return try body(Double.self)
        default:
            if dtype.isFloatingPoint {
                throw SwiftGradError.dtype("\(op): Low precision dtypes not supported. Got \(dtype.scalarTypeName)")
            }
            throw SwiftGradError.dtype("\(op): Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
    }

    // MARK: LU

    /// LU factorization with partial pivoting of [..., m, n] (LAPACK getrf), not recorded: the
    /// packed LU (row-major), the 1-based pivots [..., k] and the info codes [...].
    static func luFactorRaw(_ a: Tensor, _ op: String) throws -> (lu: Tensor, pivots: Tensor, info: Tensor) {
        let m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1], k = Swift.min(m, n)
        let m32 = try Kernels.lapackInt(m, op), n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(a)
        let batch = a.batchShape
        let pivots = try Tensor.zeros(batch + [k], dtype: .int64)
        let info = try Tensor.zeros(batch, dtype: .int64)
        func run<T: LapackElement>(_: T.Type) {
            let pp = pivots.pointer(Int64.self), ip = info.pointer(Int64.self)
            var ipiv = [Int32](repeating: 0, count: Swift.max(k, 1))
            Kernels.forEachMatrix(cm, T.self) { p, b in
                let code = T.getrf(m32, n32, p, Swift.max(m32, 1), &ipiv)
                for i in 0..<k { pp[b * k + i] = Int64(ipiv[i]) }
                ip[b] = Int64(code)
            }
        }
        try withLapackType(a.dtype, op) { run($0) }
        return (try Kernels.rowMajor(cm), pivots, info)
    }

    /// The permutation matrices P [..., m, m] of LAPACK pivots [..., k] (A = P L U).
    static func permutationFromPivots(_ pivots: Tensor, _ m: Int, _ dtype: DType) throws -> Tensor {
        let k = pivots.shape.last ?? 0
        let batch = Array(pivots.shape.dropLast())
        let count = Shape.count(batch)
        var values = [Double](repeating: 0, count: count * m * m)
        let pv = try noGrad { try pivots.to(.int64).contiguous() }
        for b in 0..<count {
            var perm = Array(0..<m)
            for i in 0..<k {
                let j = Int(pv.int64Value(atOffset: pv.storageOffset + b * k + i)) - 1
                guard j >= 0 && j < m else {
                    throw SwiftGradError.invalidArgument("lu_unpack: pivots must be between 1 and \(m), got \(j + 1)")
                }
                perm.swapAt(i, j)
            }
            // Row i of P^T A is row perm[i] of A: P[perm[i], i] = 1.
            for i in 0..<m { values[b * m * m + perm[i] * m + i] = 1 }
        }
        return try fromDoubles(values, batch + [m, m], dtype)
    }

    /// L (unit lower, [..., m, k]) and U (upper, [..., k, n]) of a packed LU, differentiably.
    func unpackedLU() throws -> (l: Tensor, u: Tensor) {
        let m = shape[ndim - 2], n = shape[ndim - 1], k = Swift.min(m, n)
        let lPart = try narrow(dim: -1, start: 0, length: k)
        let uPart = try narrow(dim: -2, start: 0, length: k)
        let eye = try Tensor.eye(m, k, dtype: dtype)
        return (try lPart.lowerTriangle(-1).add(eye), try uPart.upperTriangle())
    }

    /// `torch.linalg.lu_factor_ex(A)`: the packed LU factorization, pivots and info
    /// (LinalgLuFactorExBackward0). With `checkErrors` an info > 0 is not an error either (the
    /// factorization exists; U is singular), as in PyTorch.
    public func linalgLuFactorEx(pivot: Bool = true, checkErrors: Bool = false, op: String = "linalg.lu_factor_ex") throws -> [Tensor] {
        try checkMatrix(op)
        guard pivot else {
            throw SwiftGradError.invalidArgument("\(op): LU without pivoting is not implemented on the CPU")
        }
        let raw = try Tensor.luFactorRaw(self, op)
        let pivots = try noGrad { try raw.pivots.to(Tensor.lapackIndexDType) }
        let info = try noGrad { try raw.info.to(Tensor.lapackIndexDType) }
        let out = try Tensor.recordOutputs("LinalgLuFactorExBackward0", inputs: [self], outputs: [raw.lu, pivots, info],
                                           differentiable: [true, false, false], saving: [raw.lu, raw.pivots]) { grads, ctx in
            guard let g = grads[0] else { return [nil] }
            let lu = try ctx.saved(0), piv = try ctx.saved(1)
            let m = lu.shape[lu.ndim - 2], n = lu.shape[lu.ndim - 1], k = Swift.min(m, n)
            let (l, u) = try lu.unpackedLU()
            let p = try Tensor.permutationFromPivots(piv, m, lu.dtype)
            return [try Tensor.luBackward(gL: g.narrow(dim: -1, start: 0, length: k), gU: g.narrow(dim: -2, start: 0, length: k),
                                          p: p, l: l, u: u)]
        }
        return out
    }

    /// `torch.linalg.lu(A)`: P, L, U with A = P L U (LinalgLuBackward0).
    public func linalgLu(pivot: Bool = true) throws -> [Tensor] {
        let op = "linalg.lu"
        try checkMatrix(op)
        guard pivot else { throw SwiftGradError.invalidArgument("\(op): LU without pivoting is not implemented on the CPU") }
        let raw = try Tensor.luFactorRaw(self, op)
        let m = shape[ndim - 2]
        let (l, u) = try noGrad { try raw.lu.unpackedLU() }
        let p = try Tensor.permutationFromPivots(raw.pivots, m, dtype)
        return try Tensor.recordOutputs("LinalgLuBackward0", inputs: [self], outputs: [p, try l.contiguous(), try u.contiguous()],
                                        differentiable: [false, true, true], saving: [p, l, u]) { grads, ctx in
            [try Tensor.luBackward(gL: grads[1], gU: grads[2], p: ctx.saved(0), l: ctx.saved(1), u: ctx.saved(2))]
        }
    }

    /// PyTorch's linalg_lu_backward: the gradient of A = P L U from those of L and U.
    static func luBackward(gL: Tensor?, gU: Tensor?, p: Tensor, l: Tensor, u: Tensor) throws -> Tensor? {
        if gL == nil && gU == nil { return nil }
        let m = l.shape[l.ndim - 2], n = u.shape[u.ndim - 1], k = Swift.min(m, n)
        let lH = try l.mT, uH = try u.mT
        var gA: Tensor
        if m == n {
            var acc: Tensor? = nil
            if let gL { acc = try lH.matmul(gL).lowerTriangle(-1) }
            if let gU { let t = try gU.matmul(uH).upperTriangle(); acc = try acc.map { try $0.add(t) } ?? t }
            gA = try acc!.linalgSolveTriangular(uH, upper: false, left: false)
            gA = try lH.linalgSolveTriangular(gA, upper: true, left: true, unitriangular: true, asCoefficient: true)
        } else if m < n {
            let u1 = try u.narrow(dim: -1, start: 0, length: k)
            var acc: Tensor? = nil
            if let gL { acc = try lH.matmul(gL) }
            if let gU { let t = try gU.upperTriangle().matmul(uH); acc = try acc.map { try $0.sub(t) } ?? t.neg() }
            gA = try acc!.lowerTriangle(-1).linalgSolveTriangular(u1.mT, upper: false, left: false)
            if let gU {
                gA = try Tensor.cat([gA.add(gU.narrow(dim: -1, start: 0, length: k).upperTriangle()),
                                     gU.narrow(dim: -1, start: k, length: n - k)], dim: -1)
            }
            gA = try lH.linalgSolveTriangular(gA, upper: true, left: true, unitriangular: true, asCoefficient: true)
            if gU == nil {
                gA = try Tensor.cat([gA, Tensor.zeros(Array(u.shape.dropLast()) + [n - k], dtype: u.dtype)], dim: -1)
            }
        } else {
            let l1 = try l.narrow(dim: -2, start: 0, length: k)
            var acc: Tensor? = nil
            if let gU { acc = try gU.matmul(uH) }
            if let gL { let t = try lH.matmul(gL.lowerTriangle(-1)); acc = try acc.map { try $0.sub(t) } ?? t.neg() }
            gA = try l1.mT.linalgSolveTriangular(acc!.upperTriangle(), upper: true, left: true, unitriangular: true, asCoefficient: true)
            if let gL {
                gA = try Tensor.cat([gA.add(gL.narrow(dim: -2, start: 0, length: k).lowerTriangle(-1)),
                                     gL.narrow(dim: -2, start: k, length: m - k)], dim: -2)
            }
            gA = try gA.linalgSolveTriangular(uH, upper: false, left: false)
            if gL == nil {
                gA = try Tensor.cat([gA, Tensor.zeros(Array(l.shape.dropLast(2)) + [m - k, k], dtype: l.dtype)], dim: -2)
            }
        }
        return try p.matmul(gA)
    }

    // MARK: Triangular solves

    /// `torch.linalg.solve_triangular(A, B, upper=, left=, unitriangular=)` with `self` as A:
    /// X with A X = B (left) or X A = B, A triangular; batches broadcast
    /// (LinalgSolveTriangularBackward0). With `asCoefficient` false the receiver is B instead
    /// (`B.linalgSolveTriangular(A, ...)`), which reads better inside backward rules.
    public func linalgSolveTriangular(_ other: Tensor, upper: Bool, left: Bool = true, unitriangular: Bool = false,
                                      asCoefficient: Bool = false) throws -> Tensor {
        let a = asCoefficient ? self : other, b = asCoefficient ? other : self
        return try Tensor.solveTriangular(a, b, upper: upper, left: left, unitriangular: unitriangular)
    }

    public static func solveTriangular(_ a: Tensor, _ b: Tensor, upper: Bool, left: Bool, unitriangular: Bool,
                                op: String = "linalg.solve_triangular") throws -> Tensor {
        try a.checkLinalgFloating(op)
        guard a.dtype == b.dtype else {
            throw SwiftGradError.dtype("\(op): Expected A and B to have the same dtype, but found A of type \(a.dtype.scalarTypeName) and B of type \(b.dtype.scalarTypeName) instead")
        }
        guard a.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): The input tensor A must have at least 2 dimensions.") }
        guard b.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): The input tensor B must have at least 2 dimensions.") }
        try a.checkMatrix(op, square: true)
        let n = a.shape[a.ndim - 1]
        let bRows = b.shape[b.ndim - 2], bCols = b.shape[b.ndim - 1]
        guard (left ? bRows : bCols) == n else {
            throw SwiftGradError.shape("\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(a.shape[a.ndim - 2])x\(n) and \(bRows)x\(bCols))")
        }
        let batch = try Shape.broadcast(a.batchShape, b.batchShape)
        let ae = try noGrad { try a.expand(batch + [n, n]).contiguous() }
        let x = try noGrad { try b.expand(batch + [bRows, bCols]).clone() }
        let m32 = try Kernels.lapackInt(bRows, op), n32 = try Kernels.lapackInt(bCols, op), lda = try Kernels.lapackInt(Swift.max(n, 1), op)
        func run<T: LapackElement>(_: T.Type) {
            guard bRows > 0 && bCols > 0 else { return }
            let count = Shape.count(batch)
            let pa = ae.pointer(T.self) + ae.storageOffset, pb = x.pointer(T.self)
            for i in 0..<count {
                T.trsm(left, upper, false, unitriangular, m32, n32, pa + i * n * n, lda, pb + i * bRows * bCols, Swift.max(n32, 1))
            }
        }
        try withLapackType(a.dtype, op) { run($0) }
        return try x.recorded("LinalgSolveTriangularBackward0", input: a, b, saving: a, savingOutput: true) { g, ctx in
            let aa = try ctx.saved(0), xx = try ctx.saved(1)
            let gB = try Tensor.solveTriangular(aa.mT, g, upper: !upper, left: left, unitriangular: unitriangular)
            var gA: Tensor? = nil
            if ctx.needsGrad(0) {
                let full = left ? try gB.matmul(xx.mT).neg() : try xx.mT.matmul(gB).neg()
                gA = upper ? try full.upperTriangle(unitriangular ? 1 : 0) : try full.lowerTriangle(unitriangular ? -1 : 0)
            }
            return [gA, ctx.needsGrad(1) ? gB : nil]
        }
    }

    // MARK: General solves, inverse, determinants

    /// A X = B for square A [..., n, n] and B [..., n, k] of equal batch shape, via getrf/getrs;
    /// raises PyTorch's LinAlgError message when A is singular (LinalgSolveExBackward0).
    static func solveSquare(_ a: Tensor, _ b: Tensor, singular: @escaping (Int64) -> String) throws -> Tensor {
        let op = "linalg.solve"
        let n = a.shape[a.ndim - 1], k = b.shape[b.ndim - 1]
        let raw = try luFactorRaw(a, op)
        let infos = try raw.info.scalars(as: Int64.self)
        if let bad = infos.first(where: { $0 > 0 }) {
            throw SwiftGradError.invalidArgument(singular(bad))
        }
        let luCM = try Kernels.columnMajor(raw.lu)
        let x = try Kernels.columnMajor(b)  // [..., k, n]: each right-hand side a column
        let n32 = try Kernels.lapackInt(n, op), k32 = try Kernels.lapackInt(k, op)
        func run<T: LapackElement>(_: T.Type) {
            guard n > 0 && k > 0 else { return }
            let count = Shape.count(a.batchShape)
            let pl = luCM.pointer(T.self), px = x.pointer(T.self)
            let pv = raw.pivots.pointer(Int64.self)
            var ipiv = [Int32](repeating: 0, count: n)
            for i in 0..<count {
                for j in 0..<n { ipiv[j] = Int32(pv[i * n + j]) }
                _ = T.getrs(UInt8(ascii: "N"), n32, k32, pl + i * n * n, n32, ipiv, px + i * n * k, n32)
            }
        }
        try withLapackType(a.dtype, op) { run($0) }
        return try Kernels.rowMajor(x).recorded("LinalgSolveExBackward0", input: a, b, saving: a, savingOutput: true) { g, ctx in
            let aa = try ctx.saved(0), xx = try ctx.saved(1)
            let gB = try Tensor.solveSquare(aa.mT, g, singular: singular)
            return [ctx.needsGrad(0) ? try gB.matmul(xx.mT).neg() : nil, ctx.needsGrad(1) ? gB : nil]
        }
    }

    /// Whether B is a batch of vectors for A in torch.linalg.solve's rule.
    static func isVectorRHS(_ a: Tensor, _ b: Tensor) -> Bool {
        b.ndim == 1 || (b.ndim == a.ndim - 1 && b.shape == Array(a.shape.dropLast()))
    }

    /// `torch.linalg.solve(A, B, left=True)` with `self` as A: X with A X = B (or X A = B);
    /// B may be a vector or batch of vectors; batches broadcast.
    public func linalgSolve(_ b: Tensor, left: Bool = true, op: String = "linalg.solve") throws -> Tensor {
        let a = self
        try a.checkLinalgFloating(op)
        try a.checkMatrix(op, square: true)
        guard a.dtype == b.dtype else {
            throw SwiftGradError.dtype("\(op): Expected A and B to have the same dtype, but found A of type \(a.dtype.scalarTypeName) and B of type \(b.dtype.scalarTypeName) instead")
        }
        let vector = Tensor.isVectorRHS(a, b)
        let bm = vector ? try b.unsqueeze(dim: -1) : b
        let n = a.shape[a.ndim - 1]
        guard bm.ndim >= 2, (left ? bm.shape[bm.ndim - 2] : bm.shape[bm.ndim - 1]) == n else {
            let rows = bm.ndim >= 2 ? bm.shape[bm.ndim - 2] : 0, cols = bm.shape.last ?? 0
            throw SwiftGradError.shape("\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(n)x\(n) and \(rows)x\(cols))")
        }
        let batch = try Shape.broadcast(a.batchShape, bm.batchShape)
        let ae = try a.expand(batch + [n, n])
        let singular: (Int64) -> String = { _ in "torch.linalg.solve: The solver failed because the input matrix is singular." }
        var x: Tensor
        if left {
            x = try Tensor.solveSquare(ae, bm.expand(batch + Array(bm.shape.suffix(2))), singular: singular)
        } else {
            x = try Tensor.solveSquare(ae.mT, bm.expand(batch + Array(bm.shape.suffix(2))).mT, singular: singular).mT
        }
        return vector ? try x.squeeze(dim: -1) : x
    }

    /// `torch.linalg.inv(A)`: the inverse of square matrices (a solve against the identity).
    /// - Throws: PyTorch's LinAlgError message for a singular matrix.
    public func linalgInv() throws -> Tensor {
        let op = "linalg.inv"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let eye = try Tensor.eye(n, dtype: dtype).expand(shape)
        return try Tensor.solveSquare(self, eye, singular: { "linalg.inv: The diagonal element \($0) is zero, the inversion could not be completed because the input matrix is singular." })
    }

    /// `torch.linalg.inv_ex(A)`: (inverse, info); singular matrices give info > 0 and no error.
    public func linalgInvEx(checkErrors: Bool = false) throws -> [Tensor] {
        let op = "linalg.inv_ex"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let rawInfo = try Tensor.luFactorRaw(self, op).info
        let singular = try rawInfo.scalars(as: Int64.self).contains { $0 > 0 }
        let info = try noGrad { try rawInfo.to(Tensor.lapackIndexDType) }
        if singular && !checkErrors {
            // PyTorch returns whatever LAPACK left; an inverse does not exist. NaN says so.
            return [try Tensor.full(shape, .nan, dtype: dtype), info]
        }
        return [try linalgInv(), info]
    }

    /// `torch.linalg.solve_ex(A, B)`: (solution, info).
    public func linalgSolveEx(_ b: Tensor, left: Bool = true, checkErrors: Bool = false) throws -> [Tensor] {
        let op = "linalg.solve_ex"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let info = try noGrad { try Tensor.luFactorRaw(self, op).info.to(Tensor.lapackIndexDType) }
        return [try linalgSolve(b, left: left, op: op), info]
    }

    /// Determinants and log-determinants of LU factors: (det, sign, log|det|) per matrix.
    static func luDeterminants(_ raw: (lu: Tensor, pivots: Tensor, info: Tensor), _ n: Int) throws -> (det: [Double], sign: [Double], logabs: [Double]) {
        let lu = raw.lu, count = n == 0 ? Shape.count(lu.batchShape) : lu.count / (n * n)
        var det = [Double](), sign = [Double](), logabs = [Double]()
        let pv = raw.pivots.pointer(Int64.self)
        for b in 0..<count {
            var d = 1.0, s = 1.0, l = 0.0
            for i in 0..<n {
                let v = lu.doubleValue(atOffset: b * n * n + i * n + i)
                d *= v
                s *= v > 0 ? 1 : (v < 0 ? -1 : 0)
                l += Double.log(Swift.abs(v))
                if pv[b * n + i] != Int64(i + 1) { d = -d; s = -s }
            }
            det.append(d)
            sign.append(s)
            logabs.append(s == 0 ? -.infinity : l)
        }
        return (det, sign, logabs)
    }

    /// `torch.linalg.det(A)` (LinalgDetBackward0). The gradient is det(A) A^{-T}; for a
    /// singular matrix, the adjugate through the SVD, as PyTorch.
    public func linalgDet() throws -> Tensor {
        let op = "linalg.det"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let raw = try Tensor.luFactorRaw(self, op)
        let values = try Tensor.luDeterminants(raw, n).det
        // Computed in float64 from the factors, then rounded once, as LAPACK's float32 product is.
        let det = try Tensor.fromDoubles(values, batchShape, dtype)
        return try det.recorded("LinalgDetBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            let a = try ctx.saved(0), d = try ctx.saved(1)
            return [try Tensor.detBackward(g, d, a)]
        }
    }

    static func detBackward(_ g: Tensor, _ det: Tensor, _ a: Tensor) throws -> Tensor? {
        let n = a.shape[a.ndim - 1]
        if a.count == 0 { return try a.zerosLike() }
        let eps = a.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        let dets = try noGrad { try det.to(.float64).scalars(as: Double.self) }
        let scale = try g.mul(det).unsqueeze(dim: -1).unsqueeze(dim: -1)  // [..., 1, 1]
        if dets.allSatisfy({ Swift.abs($0) >= 100 * eps }) {
            let eye = try Tensor.eye(n, dtype: a.dtype)
            return try a.mT.linalgSolve(eye.mul(scale))
        }
        // The adjugate of a possibly singular A = U S V^T: U diag(prod_{j != i} S_j) V^T det(U V^T).
        let svd = try a.linalgSvd(fullMatrices: false)
        let u = svd[0], s = svd[1], vh = svd[2]
        let alpha = try u.linalgDet().mul(vh.linalgDet()).mul(g)
        let others = try Tensor.productOfOthers(s)
        let dd = try others.mul(alpha.unsqueeze(dim: -1))
        return try u.mul(dd.unsqueeze(dim: -2)).matmul(vh)
    }

    /// For x [..., n]: [..., n] with entry i the product of the entries other than i (no division,
    /// so zeros are fine).
    static func productOfOthers(_ x: Tensor) throws -> Tensor {
        let n = x.shape.last ?? 0
        let eye = try Tensor.eye(n, dtype: .bool)
        let rows = try x.unsqueeze(dim: -2).expand(Array(x.shape.dropLast()) + [n, n])
        return try Tensor.where(eye, Tensor.ones([], dtype: x.dtype), rows).prod(dim: -1)
    }

    /// `torch.linalg.slogdet(A)`: (sign, log|det|) (LinalgSlogdetBackward0); the gradient of
    /// log|det| is A^{-T}, the sign's is zero.
    public func linalgSlogdet() throws -> [Tensor] {
        let op = "linalg.slogdet"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let raw = try Tensor.luFactorRaw(self, op)
        let d = try Tensor.luDeterminants(raw, n)
        let sign = try Tensor.fromDoubles(d.sign, batchShape, dtype)
        let logabs = try Tensor.fromDoubles(d.logabs, batchShape, dtype)
        return try Tensor.recordOutputs("LinalgSlogdetBackward0", inputs: [self], outputs: [sign, logabs], saving: [self]) { grads, ctx in
            guard let g = grads[1] else { return [nil] }
            let a = try ctx.saved(0)
            let eye = try Tensor.eye(n, dtype: a.dtype)
            return [try a.mT.linalgSolve(eye.mul(g.unsqueeze(dim: -1).unsqueeze(dim: -1)))]
        }
    }

    /// `torch.logdet(A)`: log det A; NaN for a negative determinant, -inf for zero.
    public func logdet() throws -> Tensor {
        let parts = try linalgSlogdet()
        let negative = try noGrad { try parts[0].lt(0) }
        return try Tensor.where(negative, Tensor.full([], .nan, dtype: dtype), parts[1])
    }

    // MARK: Cholesky

    /// `torch.linalg.cholesky(A, upper=False)`: L lower with A = L L^T (or U = L^T)
    /// (LinalgCholeskyExBackward0).
    /// - Throws: PyTorch's LinAlgError message when A is not positive-definite.
    public func linalgCholesky(upper: Bool = false, op: String = "linalg.cholesky") throws -> Tensor {
        let r = try choleskyEx(upper: upper, op: op)
        let infos = try r.info.scalars(as: Int64.self)
        if let bad = infos.first(where: { $0 > 0 }) {
            let batch = infos.count > 1 || ndim > 2 ? " (Batch element \(infos.firstIndex(of: bad)!))" : ""
            throw SwiftGradError.invalidArgument("\(op):\(batch) The factorization could not be completed because the input is not positive-definite (the leading minor of order \(bad) is not positive-definite).")
        }
        return r.l
    }

    /// `torch.linalg.cholesky_ex(A)`: (L, info) without raising.
    public func linalgCholeskyEx(upper: Bool = false, checkErrors: Bool = false) throws -> [Tensor] {
        if checkErrors { return [try linalgCholesky(upper: upper, op: "linalg.cholesky_ex"), try Tensor.zeros(batchShape, dtype: Tensor.lapackIndexDType)] }
        let r = try choleskyEx(upper: upper, op: "linalg.cholesky_ex")
        return [r.l, try noGrad { try r.info.to(Tensor.lapackIndexDType) }]
    }

    private func choleskyEx(upper: Bool, op: String) throws -> (l: Tensor, info: Tensor) {
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(self)
        let info = try Tensor.zeros(batchShape, dtype: .int64)
        func run<T: LapackElement>(_: T.Type) {
            let ip = info.pointer(Int64.self)
            Kernels.forEachMatrix(cm, T.self) { p, b in
                ip[b] = Int64(T.potrf(UInt8(ascii: "L"), n32, p, Swift.max(n32, 1)))
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        let l = try noGrad { try Kernels.rowMajor(cm).lowerTriangle() }
        let recorded = try l.recorded("LinalgCholeskyExBackward0", input: self, savingOutput: true) { g, ctx in
            let l = try ctx.saved(0)
            return [try Tensor.choleskyBackward(g, l)]
        }
        return (upper ? try recorded.mT.contiguousRecorded() : recorded, info)
    }

    /// A contiguous copy when needed, keeping the graph (`contiguous()` through clone).
    func contiguousRecorded() throws -> Tensor { isContiguous ? self : try clone() }

    /// PyTorch's cholesky_backward for lower L.
    static func choleskyBackward(_ gL: Tensor, _ l: Tensor) throws -> Tensor {
        var gA = try l.mT.matmul(gL).lowerTriangle()
        gA = try gA.add(gA.lowerTriangle(-1).mT).mul(0.5)
        gA = try l.mT.linalgSolveTriangular(gA, upper: true, left: true, asCoefficient: true)
        gA = try gA.linalgSolveTriangular(l, upper: false, left: false)
        return gA
    }

    // MARK: QR

    /// `torch.linalg.qr(A, mode=)` via geqrf/orgqr as PyTorch (so the signs agree): Q, R for
    /// mode "reduced", "complete" or "r" (Q empty) (LinalgQrBackward0).
    public func linalgQr(mode: String = "reduced") throws -> [Tensor] {
        let op = "linalg.qr"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        guard ["reduced", "complete", "r"].contains(mode) else {
            throw SwiftGradError.invalidArgument("qr received unrecognized mode '\(mode)' but expected one of 'reduced' (default), 'r', or 'complete'")
        }
        let m = shape[ndim - 2], n = shape[ndim - 1], k = Swift.min(m, n)
        let batch = batchShape, count = Shape.count(batch)
        let qCols = mode == "complete" ? m : k, rRows = mode == "complete" ? m : k
        let m32 = try Kernels.lapackInt(m, op), n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(self)
        let qcm = try Tensor.zeros(batch + [qCols, m], dtype: dtype)  // column-major Q
        let r = try Tensor.zeros(batch + [rRows, n], dtype: dtype)
        func run<T: LapackElement>(_: T.Type) {
            var ws = LapackWorkspace<T>()
            var tau = [T](repeating: .zero, count: Swift.max(k, 1))
            let pa = cm.pointer(T.self), pq = qcm.pointer(T.self), pr = r.pointer(T.self)
            for b in 0..<count where m > 0 && n > 0 {
                let a = pa + b * m * n
                _ = T.geqrf(m32, n32, a, m32, &tau, &ws.work, -1)
                ws.adopt(query: ws.work[0])
                _ = T.geqrf(m32, n32, a, m32, &tau, &ws.work, Int32(ws.work.count))
                for i in 0..<Swift.min(rRows, m) {
                    for j in i..<n { pr[b * rRows * n + i * n + j] = a[j * m + i] }
                }
                if mode == "r" { continue }
                let q = pq + b * qCols * m
                for j in 0..<Swift.min(qCols, n) { for i in 0..<m { q[j * m + i] = a[j * m + i] } }
                let qc32 = Int32(qCols), k32 = Int32(k)
                _ = T.orgqr(m32, qc32, k32, q, m32, tau, &ws.work, -1)
                ws.adopt(query: ws.work[0])
                _ = T.orgqr(m32, qc32, k32, q, m32, tau, &ws.work, Int32(ws.work.count))
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        var q = try Kernels.rowMajor(qcm)
        if mode == "r" { q = try Tensor.zeros([0], dtype: dtype) }
        if k == 0 && mode == "complete" { q = try Tensor.eye(m, dtype: dtype).expand(batch + [m, m]).contiguous() }
        return try Tensor.recordOutputs("LinalgQrBackward0", inputs: [self], outputs: [q, r], saving: [q, r]) { grads, ctx in
            guard mode != "r" else {
                throw SwiftGradError.invalidArgument("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
            }
            guard mode == "reduced" || m <= n else {
                throw SwiftGradError.invalidArgument("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
            }
            return [try Tensor.qrBackward(grads[0], grads[1], ctx.saved(0), ctx.saved(1))]
        }
    }

    /// PyTorch's linalg_qr_backward.
    static func qrBackward(_ gQ: Tensor?, _ gR: Tensor?, _ q: Tensor, _ r: Tensor) throws -> Tensor? {
        let m = q.shape[q.ndim - 2], n = r.shape[r.ndim - 1]
        var gA: Tensor
        switch (gQ, gR) {
        case (nil, nil): return nil
        case let (gQ?, gR?): gA = try gR.matmul(r.mT).sub(q.mT.matmul(gQ))
        case let (gQ?, nil): gA = try q.mT.matmul(gQ).neg()
        case let (nil, gR?): gA = try gR.matmul(r.mT)
        }
        if m >= n {
            let t = try gA.upperTriangle()
            let eye = try Tensor.eye(t.shape[t.ndim - 1], dtype: t.dtype)
            let sym = try t.add(t.mT).mul(eye.neg().mul(0.5).add(1))  // halve the diagonal
            gA = try q.matmul(sym)
            if let gQ { gA = try gA.add(gQ) }
            return try gA.linalgSolveTriangular(r.mT, upper: false, left: false)
        }
        let neg = try gA.neg()
        gA = try q.matmul(neg.sub(neg.mT).lowerTriangle())
        gA = try gA.linalgSolveTriangular(r.narrow(dim: -1, start: 0, length: m).mT, upper: false, left: false)
        gA = try Tensor.cat([gA, Tensor.zeros(Array(r.shape.dropLast()) + [n - m], dtype: r.dtype)], dim: -1)
        if let gR { gA = try gA.add(q.matmul(gR)) }
        return gA
    }

    // MARK: SVD

    /// Raw SVD by gesdd: U [..., m, ucols], S [..., k], Vh [..., vrows, n]; jobz 'N' leaves U and
    /// Vh empty.
    static func svdRaw(_ a: Tensor, full: Bool, computeUV: Bool, _ op: String) throws -> (u: Tensor, s: Tensor, vh: Tensor) {
        let m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1], k = Swift.min(m, n)
        let batch = a.batchShape, count = Shape.count(batch)
        let ucols = full ? m : k, vrows = full ? n : k
        let m32 = try Kernels.lapackInt(m, op), n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(a)
        let s = try Tensor.zeros(batch + [k], dtype: a.dtype)
        let ucm = try Tensor.zeros(computeUV ? batch + [ucols, m] : [0], dtype: a.dtype)
        let vcm = try Tensor.zeros(computeUV ? batch + [n, vrows] : [0], dtype: a.dtype)
        var failed: Int32 = 0
        func run<T: LapackElement>(_: T.Type) {
            var ws = LapackWorkspace<T>()
            ws.iwork = [Int32](repeating: 0, count: Swift.max(8 * k, 1))
            let jobz = UInt8(ascii: computeUV ? (full ? "A" : "S") : "N")
            let pa = cm.pointer(T.self), ps = s.pointer(T.self)
            var dummy = [T](repeating: .zero, count: 1)
            for b in 0..<count where m > 0 && n > 0 {
                let a = pa + b * m * n, sp = ps + b * k
                let ldu = Int32(Swift.max(m, 1)), ldvt = Int32(Swift.max(vrows, 1))
                let up = computeUV ? ucm.pointer(T.self) + b * ucols * m : nil
                let vp = computeUV ? vcm.pointer(T.self) + b * n * vrows : nil
                dummy.withUnsafeMutableBufferPointer { d in
                    let u = up ?? d.baseAddress!, v = vp ?? d.baseAddress!
                    _ = T.gesdd(jobz, m32, n32, a, m32, sp, u, ldu, v, ldvt, &ws.work, -1, &ws.iwork)
                    ws.adopt(query: ws.work[0])
                    let info = T.gesdd(jobz, m32, n32, a, m32, sp, u, ldu, v, ldvt, &ws.work, Int32(ws.work.count), &ws.iwork)
                    if info != 0 { failed = info }
                }
            }
        }
        try withLapackType(a.dtype, op) { run($0) }
        if failed > 0 {
            throw SwiftGradError.invalidArgument("\(op): The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: \(failed - 1)).")
        }
        guard computeUV else { return (ucm, s, vcm) }
        var u = try Kernels.rowMajor(ucm), vh = try Kernels.rowMajor(vcm)
        if k == 0 {  // LAPACK writes nothing: PyTorch gives identities for the full factors
            if full && m > 0 { u = try Tensor.eye(m, dtype: a.dtype).expand(batch + [m, m]).contiguous() }
            if full && n > 0 { vh = try Tensor.eye(n, dtype: a.dtype).expand(batch + [n, n]).contiguous() }
        }
        return (u, s, vh)
    }

    /// `torch.linalg.svd(A, full_matrices=True)`: U, S, Vh with A = U diag(S) Vh (gesdd, as
    /// PyTorch's CPU default, so that the signs agree) (LinalgSvdBackward0).
    public func linalgSvd(fullMatrices: Bool = true) throws -> [Tensor] {
        let op = "linalg.svd"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        let raw = try Tensor.svdRaw(self, full: fullMatrices, computeUV: true, op)
        let k = raw.s.shape.last ?? 0
        return try Tensor.recordOutputs("LinalgSvdBackward0", inputs: [self], outputs: [raw.u, raw.s, raw.vh],
                                        saving: [raw.u, raw.s, raw.vh]) { grads, ctx in
            var u = try ctx.saved(0), vh = try ctx.saved(2)
            var gU = grads[0], gVh = grads[2]
            if fullMatrices {
                u = try u.narrow(dim: -1, start: 0, length: k)
                vh = try vh.narrow(dim: -2, start: 0, length: k)
                gU = try gU?.narrow(dim: -1, start: 0, length: k)
                gVh = try gVh?.narrow(dim: -2, start: 0, length: k)
            }
            return [try Tensor.svdBackward(gU, grads[1], gVh, u, ctx.saved(1), vh)]
        }
    }

    /// `torch.linalg.svdvals(A)`: the singular values, descending. Differentiable through the
    /// SVD (U diag(gS) Vh).
    public func linalgSvdvals() throws -> Tensor {
        let op = "linalg.svdvals"
        try checkLinalgFloating(op)
        try checkMatrix(op)
        guard GradMode.isEnabled && requiresGrad else {
            return try Tensor.svdRaw(self, full: false, computeUV: false, op).s
        }
        return try linalgSvd(fullMatrices: false)[1]
    }

    /// PyTorch's svd_backward (real case).
    static func svdBackward(_ gU: Tensor?, _ gS: Tensor?, _ gVh: Tensor?, _ u: Tensor, _ s: Tensor, _ vh: Tensor) throws -> Tensor? {
        if gU == nil && gS == nil && gVh == nil { return nil }
        let m = u.shape[u.ndim - 2], n = vh.shape[vh.ndim - 1]
        if gU == nil && gVh == nil {
            return m >= n ? try u.matmul(gS!.unsqueeze(dim: -1).mul(vh)) : try u.mul(gS!.unsqueeze(dim: -2)).matmul(vh)
        }
        let uhgU = try gU.map { g -> Tensor in let t = try u.mT.matmul(g); return try t.sub(t.mT) }
        let vhgV = try gVh.map { g -> Tensor in let t = try vh.matmul(g.mT); return try t.sub(t.mT) }
        let s2 = try s.mul(s)
        let k = s.shape.last ?? 0
        let eye = try Tensor.eye(k, dtype: s.dtype)
        let e = try s2.unsqueeze(dim: -2).sub(s2.unsqueeze(dim: -1)).add(eye)  // 1 on the diagonal
        var ret: Tensor
        if let uhgU, let vhgV {
            ret = try uhgU.mul(s.unsqueeze(dim: -2)).add(s.unsqueeze(dim: -1).mul(vhgV)).div(e)
        } else if let uhgU {
            ret = try uhgU.div(e).mul(s.unsqueeze(dim: -2))
        } else {
            ret = try s.unsqueeze(dim: -1).mul(vhgV!.div(e))
        }
        if let gS { ret = try ret.add(gS.diagEmbedded()) }
        var gA: Tensor
        if m > n, let gU {
            gA = try u.matmul(ret)
            let gUSinv = try gU.div(s.unsqueeze(dim: -2))
            gA = try gA.add(gUSinv).sub(u.matmul(u.mT.matmul(gUSinv)))
            gA = try gA.matmul(vh)
        } else if m < n, let gVh {
            gA = try ret.matmul(vh)
            let sinvgVh = try gVh.div(s.unsqueeze(dim: -1))
            gA = try gA.add(sinvgVh).sub(sinvgVh.matmul(vh.mT).matmul(vh))
            gA = try u.matmul(gA)
        } else {
            gA = try u.matmul(ret.matmul(vh))
        }
        return gA
    }

    // MARK: Symmetric eigendecomposition

    /// `torch.linalg.eigh(A, UPLO='L')`: eigenvalues ascending and orthonormal eigenvectors of a
    /// symmetric matrix, reading only the UPLO triangle (syevd, as PyTorch) (LinalgEighBackward0).
    public func linalgEigh(uplo: String = "L", computeVectors: Bool = true, op: String = "linalg.eigh") throws -> [Tensor] {
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        guard uplo == "L" || uplo == "U" || uplo == "l" || uplo == "u" else {
            throw SwiftGradError.invalidArgument("Expected UPLO argument to be 'L' or 'U', but got \(uplo)")
        }
        let n = shape[ndim - 1], batch = batchShape, count = Shape.count(batch)
        let n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(self)
        let w = try Tensor.zeros(batch + [n], dtype: dtype)
        var failed: Int32 = 0
        func run<T: LapackElement>(_: T.Type) {
            var ws = LapackWorkspace<T>()
            let pa = cm.pointer(T.self), pw = w.pointer(T.self)
            let jobz = UInt8(ascii: computeVectors ? "V" : "N"), ul = UInt8(ascii: uplo.uppercased() == "U" ? "U" : "L")
            for b in 0..<count where n > 0 {
                let a = pa + b * n * n
                _ = T.syevd(jobz, ul, n32, a, n32, pw + b * n, &ws.work, -1, &ws.iwork, -1)
                ws.adopt(query: ws.work[0], iquery: ws.iwork[0])
                let info = T.syevd(jobz, ul, n32, a, n32, pw + b * n, &ws.work, Int32(ws.work.count), &ws.iwork, Int32(ws.iwork.count))
                if info != 0 { failed = info }
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        if failed > 0 {
            throw SwiftGradError.invalidArgument("\(op): The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: \(failed)).")
        }
        let v = computeVectors ? try Kernels.rowMajor(cm) : try Tensor.zeros([0], dtype: dtype)
        return try Tensor.recordOutputs("LinalgEighBackward0", inputs: [self], outputs: [w, v], saving: [w, v]) { grads, ctx in
            guard computeVectors else {
                throw SwiftGradError.invalidArgument("linalg_eig_backward: torch.symeig(A, eigenvectors=False) is not differentiable. Use torch.linalg.eigvalsh(A) instead.")
            }
            return [try Tensor.eighBackward(grads[0], grads[1], ctx.saved(0), ctx.saved(1))]
        }
    }

    /// `torch.linalg.eigvalsh(A, UPLO='L')`: the eigenvalues, ascending; differentiable through
    /// the eigenvectors (V diag(gL) V^T).
    public func linalgEigvalsh(uplo: String = "L") throws -> Tensor {
        let needVectors = GradMode.isEnabled && requiresGrad
        return try linalgEigh(uplo: uplo, computeVectors: needVectors, op: "linalg.eigvalsh")[0]
    }

    /// PyTorch's linalg_eig_backward for the symmetric case.
    static func eighBackward(_ gL: Tensor?, _ gV: Tensor?, _ l: Tensor, _ v: Tensor) throws -> Tensor? {
        if gL == nil && gV == nil { return nil }
        guard let gV else { return try v.mul(gL!.unsqueeze(dim: -2)).matmul(v.mT) }
        var vhgV = try v.mT.matmul(gV)
        vhgV = try vhgV.sub(vhgV.mT).mul(0.5)
        let n = l.shape.last ?? 0
        let eye = try Tensor.eye(n, dtype: l.dtype)
        let e = try l.unsqueeze(dim: -2).sub(l.unsqueeze(dim: -1)).add(eye)
        var ret = try vhgV.div(e).mul(eye.neg().add(1))  // zero diagonal
        if let gL { ret = try ret.add(gL.diagEmbedded()) }
        return try v.matmul(ret.matmul(v.mT))
    }
}

extension Tensor {
    /// `torch.lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True)`: P, L, U of a
    /// packed LU factorization; L and U are differentiable in LU_data (LuUnpackBackward0 is the
    /// triangle split).
    public static func luUnpack(_ lu: Tensor, _ pivots: Tensor, unpackData: Bool = true, unpackPivots: Bool = true) throws -> [Tensor] {
        let op = "torch.lu_unpack"
        try lu.checkMatrix(op)
        guard pivots.dtype == .int32 || pivots.dtype == .int64 else {
            throw SwiftGradError.dtype("\(op): LU_pivots is expected to be a contiguous tensor of torch.int32 dtype. Note: this function is intended to be used with the output produced by torch.linalg.lu_factor")
        }
        let pivots = try noGrad { try pivots.to(.int64) }
        let m = lu.shape[lu.ndim - 2], n = lu.shape[lu.ndim - 1], k = Swift.min(m, n)
        guard pivots.shape == lu.batchShape + [k] else {
            throw SwiftGradError.shape("\(op): LU_pivots must have shape \(Shape.describe(lu.batchShape + [k])), got \(Shape.describe(pivots.shape))")
        }
        let empty = try Tensor.zeros([0], dtype: lu.dtype)
        let p = unpackPivots ? try permutationFromPivots(pivots, m, lu.dtype) : empty
        guard unpackData else { return [p, empty, empty] }
        let (l, u) = try lu.unpackedLU()
        return [p, l, u]
    }

    /// `torch.linalg.lu_solve(LU, pivots, B, left=True, adjoint=False)`: solves with A = P L U
    /// through triangular solves (differentiable in LU and B).
    public static func luSolve(_ lu: Tensor, _ pivots: Tensor, _ b: Tensor, left: Bool = true, adjoint: Bool = false) throws -> Tensor {
        let op = "linalg.lu_solve"
        try lu.checkLinalgFloating(op)
        try lu.checkMatrix(op, square: true, name: "LU")
        guard b.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): The input tensor B must have at least 2 dimensions.") }
        let n = lu.shape[lu.ndim - 1]
        guard (left ? b.shape[b.ndim - 2] : b.shape[b.ndim - 1]) == n else {
            throw SwiftGradError.shape("\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(n)x\(n) and \(b.shape[b.ndim - 2])x\(b.shape[b.ndim - 1]))")
        }
        let parts = try luUnpack(lu, pivots)
        let p = parts[0], l = parts[1], u = parts[2]
        switch (left, adjoint) {
        case (true, false):
            let y = try l.linalgSolveTriangular(p.mT.matmul(b), upper: false, unitriangular: true, asCoefficient: true)
            return try u.linalgSolveTriangular(y, upper: true, asCoefficient: true)
        case (true, true):
            let y = try u.mT.linalgSolveTriangular(b, upper: false, asCoefficient: true)
            return try p.matmul(l.mT.linalgSolveTriangular(y, upper: true, unitriangular: true, asCoefficient: true))
        case (false, false):
            let y = try b.linalgSolveTriangular(u, upper: true, left: false)
            return try y.linalgSolveTriangular(l, upper: false, left: false, unitriangular: true).matmul(p.mT)
        case (false, true):
            let y = try b.matmul(p).linalgSolveTriangular(l.mT, upper: true, left: false, unitriangular: true)
            return try y.linalgSolveTriangular(u.mT, upper: false, left: false)
        }
    }
}

extension Tensor {
    /// `torch.linalg.ldl_factor_ex(A, hermitian=False, check_errors=False)`: the Bunch-Kaufman
    /// factorization of symmetric matrices (LAPACK sytrf on the lower triangle): (LD, pivots,
    /// info), LD lower-triangular with D's blocks on its diagonal, pivots in LAPACK's
    /// convention (a negative pair marks a 2x2 block). Not differentiable, as in PyTorch.
    public func linalgLdlFactorEx(hermitian: Bool = false, checkErrors: Bool = false) throws -> [Tensor] {
        let op = "torch.linalg.ldl_factor_ex"
        try checkLinalgFloating(op)
        try checkMatrix(op, square: true)
        let n = shape[ndim - 1]
        let n32 = try Kernels.lapackInt(n, op)
        let cm = try Kernels.columnMajor(self)
        let pivots = try Tensor.zeros(batchShape + [n], dtype: .int64)
        let info = try Tensor.zeros(batchShape, dtype: .int64)
        func run<T: LapackElement>(_: T.Type) {
            var ws = LapackWorkspace<T>()
            var ipiv = [Int32](repeating: 0, count: Swift.max(n, 1))
            let pp = pivots.pointer(Int64.self), ip = info.pointer(Int64.self)
            Kernels.forEachMatrix(cm, T.self) { a, b in
                guard n > 0 else { return }
                _ = T.sytrf(UInt8(ascii: "L"), n32, a, n32, &ipiv, &ws.work, -1)
                ws.adopt(query: ws.work[0])
                ip[b] = Int64(T.sytrf(UInt8(ascii: "L"), n32, a, n32, &ipiv, &ws.work, Int32(ws.work.count)))
                for i in 0..<n { pp[b * n + i] = Int64(ipiv[i]) }
            }
        }
        try Tensor.withLapackType(dtype, op) { run($0) }
        if checkErrors, let bad = try info.scalars(as: Int64.self).first(where: { $0 != 0 }) {
            throw SwiftGradError.invalidArgument("\(op): The factorization could not be completed because the input is not invertible (the diagonal element \(bad) of D is zero).")
        }
        let ld = try noGrad { try Kernels.rowMajor(cm).lowerTriangle() }
        return [ld, try noGrad { try pivots.to(Tensor.lapackIndexDType) }, try noGrad { try info.to(Tensor.lapackIndexDType) }]
    }

    /// `torch.linalg.ldl_solve(LD, pivots, B, hermitian=False)`: X with A X = B from ldl_factor's
    /// output (LAPACK sytrs). The pivots are checked to be a valid LAPACK pivot sequence before
    /// LAPACK reads them. Not differentiable, as in PyTorch.
    public static func ldlSolve(_ ld: Tensor, _ pivots: Tensor, _ b: Tensor, hermitian: Bool = false) throws -> Tensor {
        let op = "torch.linalg.ldl_solve"
        try ld.checkLinalgFloating(op)
        try ld.checkMatrix(op, square: true, name: "LD")
        guard b.ndim >= 2 else { throw SwiftGradError.invalidArgument("\(op): Expected B to have at least 2 dimensions, but it has \(b.ndim) dimensions instead") }
        guard b.dtype == ld.dtype else {
            throw SwiftGradError.dtype("\(op): Expected LD and B to have the same dtype, but found LD of type \(ld.dtype.scalarTypeName) and B of type \(b.dtype.scalarTypeName) instead")
        }
        guard pivots.dtype == .int32 || pivots.dtype == .int64 else {
            throw SwiftGradError.dtype("\(op): Expected pivots to be integers. Got \(pivots.dtype.scalarTypeName)")
        }
        let pivots = try noGrad { try pivots.to(.int64) }
        let n = ld.shape[ld.ndim - 1], k = b.shape[b.ndim - 1]
        guard pivots.shape == ld.batchShape + [n] else {
            throw SwiftGradError.shape("\(op): Expected pivots of shape \(Shape.describe(ld.batchShape + [n])), got \(Shape.describe(pivots.shape))")
        }
        guard b.shape[b.ndim - 2] == n else {
            throw SwiftGradError.shape("\(op): Incompatible shapes of LD and B for the equation LD X = B (\(n)x\(n) and \(b.shape[b.ndim - 2])x\(k))")
        }
        // Batches broadcast (LD and its pivots together).
        let batch = try Shape.broadcast(ld.batchShape, b.batchShape)
        return try ldlSolveSameBatch(try ld.expand(batch + [n, n]), try pivots.expand(batch + [n]),
                                     try b.expand(batch + [n, k]), op)
    }

    private static func ldlSolveSameBatch(_ ld: Tensor, _ pivots: Tensor, _ b: Tensor, _ op: String) throws -> Tensor {
        let n = ld.shape[ld.ndim - 1], k = b.shape[b.ndim - 1]
        let count = Shape.count(ld.batchShape)
        let pv = try pivots.contiguous().scalars(as: Int64.self)
        for batch in 0..<count {
            var i = 0
            while i < n {
                let p = pv[batch * n + i]
                if p > 0 && p <= Int64(n) { i += 1; continue }
                guard p < 0, p >= -Int64(n), i + 1 < n, pv[batch * n + i + 1] == p else {
                    throw SwiftGradError.invalidArgument("\(op): pivots are not a valid LAPACK pivot sequence (entry \(i) is \(p))")
                }
                i += 2
            }
        }
        let n32 = try Kernels.lapackInt(n, op), k32 = try Kernels.lapackInt(k, op)
        let ldcm = try Kernels.columnMajor(ld), x = try Kernels.columnMajor(b)
        func run<T: LapackElement>(_: T.Type) {
            guard n > 0 && k > 0 else { return }
            var ipiv = [Int32](repeating: 0, count: n)
            let pa = ldcm.pointer(T.self), px = x.pointer(T.self)
            for batch in 0..<count {
                for i in 0..<n { ipiv[i] = Int32(pv[batch * n + i]) }
                _ = T.sytrs(UInt8(ascii: "L"), n32, k32, pa + batch * n * n, n32, ipiv, px + batch * n * k, n32)
            }
        }
        try Tensor.withLapackType(ld.dtype, op) { run($0) }
        return try Kernels.rowMajor(x)
    }
}
