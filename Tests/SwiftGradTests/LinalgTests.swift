import Testing
@testable import SwiftGrad

/// torch.linalg: values checked by hand (or by an identity the result must satisfy), every
/// backward rule against float64 finite differences (inputs made well-conditioned, symmetric
/// or positive-definite inside the function where the op needs it; decompositions whose
/// factors are unique only up to signs are checked through sign-invariant products), a few
/// second derivatives, and the errors PyTorch raises.
@Suite struct LinalgTests {
    /// A well-conditioned square matrix from a random one: X + n I.
    static func conditioned(_ x: Tensor) throws -> Tensor {
        let n = x.shape[x.ndim - 1]
        return try x.add(Tensor.eye(n, dtype: x.dtype).mul(Double(n)))
    }

    /// A symmetric positive-definite matrix from a random one: X X^T + n I.
    static func spd(_ x: Tensor) throws -> Tensor {
        let n = x.shape[x.ndim - 1]
        return try x.matmul(x.mT).add(Tensor.eye(n, dtype: x.dtype).mul(Double(n)))
    }

    static func matrix(_ rows: [[Double]], _ dtype: DType = .float64) throws -> Tensor {
        try Tensor.fromDoubles(rows.flatMap { $0 }, [rows.count, rows[0].count], dtype)
    }

    // MARK: Values

    @Test func determinantsAndInverse() throws {
        let a = try Self.matrix([[4, 1], [2, 3]])
        expectClose(try a.linalgDet().scalars(as: Double.self), [10], tolerance: 1e-12)
        expectClose(try a.linalgInv().scalars(as: Double.self), [0.3, -0.1, -0.2, 0.4], tolerance: 1e-12)
        let s = try Self.matrix([[0, 1], [1, 0]]).linalgSlogdet()  // det -1
        expectClose(try s[0].scalars(as: Double.self), [-1], tolerance: 0)
        expectClose(try s[1].scalars(as: Double.self), [0], tolerance: 1e-12)
        #expect(try Self.matrix([[0, 1], [1, 0]]).logdet().item().isNaN)
        let batch = try Tensor.stack([a, a.mul(2)])
        expectClose(try batch.linalgDet().scalars(as: Double.self), [10, 40], tolerance: 1e-12)
        expectClose(try Tensor.zeros([0, 0], dtype: .float64).linalgDet().scalars(as: Double.self), [1], tolerance: 0)
    }

    @Test func solves() throws {
        let a = try Self.matrix([[2, 1], [1, 3]])
        let b = try Tensor.fromDoubles([3, 5], [2], .float64)
        // 2x + y = 3, x + 3y = 5: x = 0.8, y = 1.4
        expectClose(try a.linalgSolve(b).scalars(as: Double.self), [0.8, 1.4], tolerance: 1e-12)
        // x A = b^T: A symmetric, same answer
        expectClose(try a.linalgSolve(b.unsqueeze(dim: 0), left: false).scalars(as: Double.self), [0.8, 1.4], tolerance: 1e-12)
        let upper = try Self.matrix([[2, 1], [0, 4]])
        let x = try Tensor.solveTriangular(upper, Self.matrix([[4], [8]]), upper: true, left: true, unitriangular: false)
        expectClose(try x.scalars(as: Double.self), [1, 2], tolerance: 1e-12)  // 4y = 8, 2x + y = 4
        let l = try Self.matrix([[2, 0], [1, 1]])  // A = L L^T = [[4, 2], [2, 2]]
        expectClose(try Self.matrix([[4, 2], [2, 2]]).linalgCholesky().scalars(as: Double.self), [2, 0, 1, 1], tolerance: 1e-12)
        expectClose(try Self.matrix([[6], [4]]).choleskySolve(l).scalars(as: Double.self), [1, 1], tolerance: 1e-12)
        expectClose(try l.choleskyInverse().scalars(as: Double.self), [0.5, -0.5, -0.5, 1], tolerance: 1e-12)
    }

    @Test func decompositionsReconstruct() throws {
        let a = try makeInputs([[2, 4, 3]], dtype: .float64, positive: false, seed: 3)[0].detach()
        let qr = try a.linalgQr()
        expectClose(try qr[0].matmul(qr[1]).scalars(as: Double.self), try a.scalars(as: Double.self), tolerance: 1e-12)
        expectClose(try qr[0].mT.matmul(qr[0]).scalars(as: Double.self),
                    try Tensor.eye(3, dtype: .float64).expand([2, 3, 3]).contiguous().scalars(as: Double.self), tolerance: 1e-12)
        let svd = try a.linalgSvd(fullMatrices: false)
        let rebuilt = try svd[0].mul(svd[1].unsqueeze(dim: -2)).matmul(svd[2])
        expectClose(try rebuilt.scalars(as: Double.self), try a.scalars(as: Double.self), tolerance: 1e-12)
        let s = try svd[1].scalars(as: Double.self)
        #expect(s[0] >= s[1] && s[1] >= s[2])
        let sym = try Self.matrix([[2, 1], [1, 2]])  // eigenvalues 1 and 3
        let e = try sym.linalgEigh()
        expectClose(try e[0].scalars(as: Double.self), [1, 3], tolerance: 1e-12)
        let lu = try a.linalgLu()
        expectClose(try lu[0].matmul(lu[1]).matmul(lu[2]).scalars(as: Double.self), try a.scalars(as: Double.self), tolerance: 1e-12)
        let packed = try Self.matrix([[1, 2], [3, 4]]).linalgLuFactorEx()
        // getrf pivots row 2 first: LU = [[3, 4], [1/3, 2/3]], pivots [2, 2]
        expectClose(try packed[0].scalars(as: Double.self), [3, 4, 1.0 / 3, 2.0 / 3], tolerance: 1e-12)
        #expect(try packed[1].scalars(as: Int64.self) == [2, 2])
    }

    @Test func ldl() throws {
        let a = try Self.matrix([[4, 2], [2, 3]])
        let f = try a.linalgLdlFactorEx()
        // Bunch-Kaufman takes 1x1 pivots here: L21 = 2/4, D = (4, 3 - 2 * 0.5).
        expectClose(try f[0].scalars(as: Double.self), [4, 0, 0.5, 2], tolerance: 1e-12)
        #expect(try f[1].scalars(as: Int64.self) == [1, 2])
        let x = try Tensor.ldlSolve(f[0], f[1], Self.matrix([[8], [7]]))
        expectClose(try x.scalars(as: Double.self), [1.25, 1.5], tolerance: 1e-12)
        // An indefinite matrix with a zero diagonal needs a 2x2 block: the solve still agrees.
        let b = try Self.matrix([[0, 1, 2], [1, 0, 3], [2, 3, 1]])
        let g = try b.linalgLdlFactorEx()
        let rhs = try Self.matrix([[1], [2], [3]])
        expectClose(try Tensor.ldlSolve(g[0], g[1], rhs).scalars(as: Double.self),
                    try b.linalgSolve(rhs).scalars(as: Double.self), tolerance: 1e-12)
    }

    @Test func norms() throws {
        let x = try Tensor.fromDoubles([3, -4, 0], [3], .float64)
        expectClose(try x.linalgVectorNorm().scalars(as: Double.self), [5], tolerance: 1e-12)
        expectClose(try x.linalgVectorNorm(ord: 1).scalars(as: Double.self), [7], tolerance: 1e-12)
        expectClose(try x.linalgVectorNorm(ord: 0).scalars(as: Double.self), [2], tolerance: 0)
        expectClose(try x.linalgVectorNorm(ord: .infinity).scalars(as: Double.self), [4], tolerance: 0)
        expectClose(try x.linalgVectorNorm(ord: -.infinity).scalars(as: Double.self), [0], tolerance: 0)
        let m = try Self.matrix([[1, -2], [3, 4]])
        expectClose(try m.linalgMatrixNorm(ord: 1).scalars(as: Double.self), [6], tolerance: 1e-12)          // max column sum
        expectClose(try m.linalgMatrixNorm(ord: .infinity).scalars(as: Double.self), [7], tolerance: 1e-12)  // max row sum
        expectClose(try m.linalgMatrixNorm(ord: "fro").scalars(as: Double.self), [(30.0).squareRoot()], tolerance: 1e-12)
        let diag = try Self.matrix([[3, 0], [0, -2]])
        expectClose(try diag.linalgMatrixNorm(ord: "nuc").scalars(as: Double.self), [5], tolerance: 1e-12)
        expectClose(try diag.linalgCond().scalars(as: Double.self), [1.5], tolerance: 1e-12)
        #expect(try diag.linalgMatrixRank().scalars(as: Int64.self) == [2])
        #expect(try Self.matrix([[1, 2], [2, 4]]).linalgMatrixRank().scalars(as: Int64.self) == [1])
    }

    @Test func productsAndCompositions() throws {
        let a = try Self.matrix([[1, 2], [3, 4]])
        expectClose(try a.linalgMatrixPower(2).scalars(as: Double.self), [7, 10, 15, 22], tolerance: 1e-12)
        expectClose(try a.linalgMatrixPower(-1).scalars(as: Double.self), [-2, 1, 1.5, -0.5], tolerance: 1e-12)
        expectClose(try a.linalgMatrixPower(0).scalars(as: Double.self), [1, 0, 0, 1], tolerance: 0)
        let eye = try Tensor.eye(2, dtype: .float64)
        expectClose(try eye.addmm(a, a, beta: 2, alpha: 0.5).scalars(as: Double.self), [5.5, 5, 7.5, 13], tolerance: 1e-12)
        let v = try Tensor.fromDoubles([2, 3], [2], .float64)
        expectClose(try v.linalgVander(3).scalars(as: Double.self), [1, 2, 4, 1, 3, 9], tolerance: 0)
        expectClose(try Tensor.linalgMultiDot([v, a, v]).scalars(as: Double.self), [2 * 8 + 3 * 18], tolerance: 1e-12)
        let pinv = try Self.matrix([[1, 0], [0, 0]]).linalgPinv()
        expectClose(try pinv.scalars(as: Double.self), [1, 0, 0, 0], tolerance: 1e-12)
        // exp of a nilpotent matrix: I + N
        expectClose(try Self.matrix([[0, 1], [0, 0]]).linalgMatrixExp().scalars(as: Double.self), [1, 1, 0, 1], tolerance: 1e-12)
        let d = try Tensor.cdist(Self.matrix([[0, 0]]), Self.matrix([[3, 4], [0, 1]]))
        expectClose(try d.scalars(as: Double.self), [5, 1], tolerance: 1e-12)
        let ls = try Self.matrix([[1, 0], [0, 1], [1, 1]]).linalgLstsq(Self.matrix([[1], [1], [0]]), driver: "gelsd")
        // normal equations: [[2, 1], [1, 2]] x = [1, 1] -> x = [1/3, 1/3]; residual (2/3)^2 * 3
        expectClose(try ls[0].scalars(as: Double.self), [1.0 / 3, 1.0 / 3], tolerance: 1e-12)
        expectClose(try ls[1].scalars(as: Double.self), [4.0 / 3], tolerance: 1e-12)
    }

    // MARK: Gradients

    @Test func gradientsOfDeterminants() throws {
        try checkGradients([[3, 3]]) { try Self.conditioned($0[0]).linalgDet() }
        try checkGradients([[2, 3, 3]]) { try Self.conditioned($0[0]).linalgSlogdet()[1] }
        try checkGradients([[3, 3]]) { try Self.spd($0[0]).logdet() }
        // A singular input: the gradient is the adjugate (through the SVD).
        try checkGradients([[3, 1]]) { x in try x[0].matmul(x[0].mT).linalgDet() }
    }

    @Test func gradientsOfSolvers() throws {
        try checkGradients([[3, 3]]) { try Self.conditioned($0[0]).linalgInv() }
        try checkGradients([[3, 3], [3, 2]]) { try Self.conditioned($0[0]).linalgSolve($0[1]) }
        try checkGradients([[2, 3, 3], [3]]) { try Self.conditioned($0[0]).linalgSolve($0[1]) }
        try checkGradients([[3, 3], [2, 3]]) { try Self.conditioned($0[0]).linalgSolve($0[1], left: false) }
        try checkGradients([[3, 3], [3, 2]]) { x in
            try Tensor.solveTriangular(Self.conditioned(x[0]), x[1], upper: true, left: true, unitriangular: false)
        }
        try checkGradients([[3, 3], [2, 3]]) { x in
            try Tensor.solveTriangular(Self.conditioned(x[0]), x[1], upper: false, left: false, unitriangular: true)
        }
        try checkGradients([[3, 2], [3, 3]]) { x in try x[0].choleskySolve(Self.spd(x[1]).linalgCholesky()) }
        try checkGradients([[3, 3]]) { x in try Self.spd(x[0]).linalgCholesky().choleskyInverse() }
        try checkGradients([[4, 2], [4, 1]]) { try $0[0].linalgLstsq($0[1], driver: "gelsd")[0] }
        try checkGradients([[4, 2], [4, 1]]) { try $0[0].linalgLstsq($0[1], driver: "gels")[1] }
        try checkGradients([[3, 4]]) { try $0[0].linalgPinv() }
        try checkGradients([[3, 3]]) { try Self.conditioned($0[0]).linalgMatrixPower(-2) }
        try checkGradients([[3, 3]]) { try $0[0].mul(0.3).linalgMatrixExp() }
    }

    @Test func gradientsOfDecompositions() throws {
        try checkGradients([[3, 3]]) { try Self.spd($0[0]).linalgCholesky() }
        try checkGradients([[3, 3]]) { try Self.spd($0[0]).linalgCholesky(upper: true) }
        try checkGradients([[4, 3]]) { x in let qr = try x[0].linalgQr(); return try qr[0].add(qr[1].sum()) }
        try checkGradients([[3, 4]]) { x in let qr = try x[0].linalgQr(); return try qr[0].sum().add(qr[1]) }
        // U_ij V_ij is independent of each singular pair's sign.
        try checkGradients([[4, 3]]) { x in
            let svd = try x[0].linalgSvd(fullMatrices: false)
            return try svd[0].narrow(dim: -2, start: 0, length: 3).mul(svd[2].mT).add(svd[1])
        }
        try checkGradients([[3, 4]]) { x in
            let svd = try x[0].linalgSvd(fullMatrices: false)
            return try svd[0].mul(svd[2].mT.narrow(dim: -2, start: 0, length: 3)).add(svd[1])
        }
        try checkGradients([[3, 3]]) { x in
            let e = try x[0].add(x[0].mT).linalgEigh()
            return try e[1].mul(e[1]).add(e[0])  // squares: sign-invariant
        }
        try checkGradients([[3, 3]]) { try $0[0].add($0[0].mT).linalgEigvalsh() }
        try checkGradients([[3, 3]]) { x in let lu = try x[0].linalgLu(); return try lu[1].add(lu[2]) }
        try checkGradients([[4, 2]]) { x in let lu = try x[0].linalgLu(); return try lu[1].sum().add(lu[2]) }
        try checkGradients([[2, 4]]) { x in let lu = try x[0].linalgLu(); return try lu[1].add(lu[2].sum()) }
        try checkGradients([[3, 3]]) { try $0[0].linalgLuFactorEx()[0] }
        try checkGradients([[3, 3]]) { try Self.spd($0[0]).linalgMatrixSqrth() }
        try checkGradients([[4, 3]]) { x in let p = try x[0].linalgPolar(); return try p[0].add(p[1].sum()) }
        try checkGradients([[4, 3], [3]]) { x in try x[0].householderProduct(x[1].mul(0.5)) }
    }

    @Test func gradientsOfNorms() throws {
        for ord in [1.0, 2, 3, 0.5, .infinity, -.infinity, -1] {
            try checkGradients([[2, 3]], positive: true) { try $0[0].linalgVectorNorm(ord: ord, dims: [1]) }
        }
        try checkGradients([[3, 3]]) { try $0[0].linalgMatrixNorm(ord: "nuc") }
        try checkGradients([[3, 4]]) { try $0[0].linalgMatrixNorm(ord: 2) }
        try checkGradients([[3, 4]]) { try $0[0].linalgMatrixNorm(ord: -1) }
        try checkGradients([[3, 3]]) { try Self.conditioned($0[0]).linalgCond() }
        try checkGradients([[3, 2], [4, 2]]) { try Tensor.cdist($0[0], $0[1], p: 2) }
        try checkGradients([[2, 3]]) { try $0[0].linalgVander(4) }
        // The subgradient at zero is 0.
        let zero = try Tensor.zeros([3], dtype: .float64).requiringGrad()
        try zero.linalgVectorNorm().backward()
        expectClose(try #require(zero.grad).scalars(as: Double.self), [0, 0, 0], tolerance: 0)
    }

    @Test func secondDerivatives() throws {
        let x = try makeInputs([[3, 3]], dtype: .float64, positive: false, seed: 5)
        try Autograd.gradgradcheck({ xs in [try Self.conditioned(xs[0]).linalgDet()] }, x)
        try Autograd.gradgradcheck({ xs in [try Self.conditioned(xs[0]).linalgInv()] }, x)
        try Autograd.gradgradcheck({ xs in [try Self.spd(xs[0]).linalgCholesky()] }, x)
        let y = try makeInputs([[3, 3], [3, 2]], dtype: .float64, positive: false, seed: 6)
        try Autograd.gradgradcheck({ xs in [try Self.conditioned(xs[0]).linalgSolve(xs[1])] }, y)
    }

    // MARK: Errors

    @Test func errors() throws {
        let singular = try Self.matrix([[1, 2], [2, 4]])
        expectError(.invalidArgument("linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.")) {
            _ = try singular.linalgInv()
        }
        expectError(.invalidArgument("torch.linalg.solve: The solver failed because the input matrix is singular.")) {
            _ = try singular.linalgSolve(Tensor.ones([2], dtype: .float64))
        }
        expectError(.invalidArgument("linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).")) {
            _ = try singular.linalgCholesky()
        }
        expectError(.invalidArgument("linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices")) {
            _ = try Tensor.zeros([2, 3], dtype: .float64).linalgDet()
        }
        expectError(.invalidArgument("linalg.det: The input tensor A must have at least 2 dimensions.")) {
            _ = try Tensor.zeros([2], dtype: .float64).linalgDet()
        }
        expectError(.dtype("linalg.det: Expected a floating point or complex tensor as input. Got Long")) {
            _ = try Tensor.zeros([2, 2], dtype: .int64).linalgDet()
        }
        expectError(.invalidArgument("linalg.qr: option code 7 is not one of 0...2 (reduced, complete, r)")) {
            _ = try Tensor.linalgOption(7, ["reduced", "complete", "r"], "linalg.qr")
        }
        // inv_ex reports instead of raising.
        let ex = try singular.linalgInvEx()
        #expect(try ex[1].scalars(as: Int64.self) == [2])
    }
}
