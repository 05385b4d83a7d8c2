import CBLAS

/// LAPACK through OpenBLAS: the routines PyTorch calls for its CPU linear algebra (getrf, potrf,
/// geqrf/orgqr, gesdd, syevd, sytrf, the gels family), so that decompositions unique only up to
/// signs come out with the same signs. LAPACK is column-major: a batch of row-major [m, n]
/// matrices is handed over as the contiguous [batch, n, m] tensor of their transposes
/// (`Kernels.columnMajor`), which is each matrix in column-major order.
protocol LapackElement: FloatElement {
    static func getrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32
    static func getrs(_ trans: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    static func potrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
    static func geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ tau: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func orgqr(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ tau: UnsafePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func ormqr(_ side: UInt8, _ trans: UInt8, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Self>, _ lda: Int32, _ tau: UnsafePointer<Self>, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func gesdd(_ jobz: UInt8, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ s: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32
    static func syevd(_ jobz: UInt8, _ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ w: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32
    static func sytrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func sytrs(_ uplo: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func gelsy(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Self, _ rank: inout Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    static func gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ s: UnsafeMutablePointer<Self>, _ rcond: Self, _ rank: inout Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32
    static func gelss(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ s: UnsafeMutablePointer<Self>, _ rcond: Self, _ rank: inout Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    /// BLAS trsm on row-major matrices: op(A) X = alpha B (left) or X op(A) = alpha B, in place in B.
    static func trsm(_ left: Bool, _ upper: Bool, _ transpose: Bool, _ unit: Bool, _ m: Int32, _ n: Int32,
                     _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32)
}

// One Fortran character argument: a pointer to it (the hidden length is passed as 1).
@inline(__always) private func withChar<R>(_ c: UInt8, _ body: (UnsafePointer<CChar>) -> R) -> R {
    var value = CChar(bitPattern: c)
    return body(&value)
}

@inline(__always) private func withChars<R>(_ a: UInt8, _ b: UInt8, _ body: (UnsafePointer<CChar>, UnsafePointer<CChar>) -> R) -> R {
    withChar(a) { pa in withChar(b) { pb in body(pa, pb) } }
}

extension Float: LapackElement {
    static func getrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, lda = lda, info: Int32 = 0
        sgetrf_(&m, &n, a, &lda, ipiv, &info); return info
    }
    static func getrs(_ trans: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: Int32 = 0
        withChar(trans) { sgetrs_($0, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1) }; return info
    }
    static func potrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
        var n = n, lda = lda, info: Int32 = 0
        withChar(uplo) { spotrf_($0, &n, a, &lda, &info, 1) }; return info
    }
    static func geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ tau: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, lda = lda, lwork = lwork, info: Int32 = 0
        sgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info); return info
    }
    static func orgqr(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ tau: UnsafePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, k = k, lda = lda, lwork = lwork, info: Int32 = 0
        sorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, &info); return info
    }
    static func ormqr(_ side: UInt8, _ trans: UInt8, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ tau: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, k = k, lda = lda, ldc = ldc, lwork = lwork, info: Int32 = 0
        withChars(side, trans) { sormqr_($0, $1, &m, &n, &k, a, &lda, tau, c, &ldc, work, &lwork, &info, 1, 1) }; return info
    }
    static func gesdd(_ jobz: UInt8, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, lda = lda, ldu = ldu, ldvt = ldvt, lwork = lwork, info: Int32 = 0
        withChar(jobz) { sgesdd_($0, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1) }; return info
    }
    static func syevd(_ jobz: UInt8, _ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ w: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32 {
        var n = n, lda = lda, lwork = lwork, liwork = liwork, info: Int32 = 0
        withChars(jobz, uplo) { ssyevd_($0, $1, &n, a, &lda, w, work, &lwork, iwork, &liwork, &info, 1, 1) }; return info
    }
    static func sytrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var n = n, lda = lda, lwork = lwork, info: Int32 = 0
        withChar(uplo) { ssytrf_($0, &n, a, &lda, ipiv, work, &lwork, &info, 1) }; return info
    }
    static func sytrs(_ uplo: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: Int32 = 0
        withChar(uplo) { ssytrs_($0, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1) }; return info
    }
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, lwork = lwork, info: Int32 = 0
        withChar(UInt8(ascii: "N")) { sgels_($0, &m, &n, &nrhs, a, &lda, b, &ldb, work, &lwork, &info, 1) }; return info
    }
    static func gelsy(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Float, _ rank: inout Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        sgelsy_(&m, &n, &nrhs, a, &lda, b, &ldb, jpvt, &rcond, &rank, work, &lwork, &info); return info
    }
    static func gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ s: UnsafeMutablePointer<Float>, _ rcond: Float, _ rank: inout Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        sgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, &rank, work, &lwork, iwork, &info); return info
    }
    static func gelss(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ s: UnsafeMutablePointer<Float>, _ rcond: Float, _ rank: inout Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        sgelss_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, &rank, work, &lwork, &info); return info
    }
    static func trsm(_ left: Bool, _ upper: Bool, _ transpose: Bool, _ unit: Bool, _ m: Int32, _ n: Int32,
                     _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) {
        cblas_strsm(CblasRowMajor, left ? CblasLeft : CblasRight, upper ? CblasUpper : CblasLower,
                    transpose ? CblasTrans : CblasNoTrans, unit ? CblasUnit : CblasNonUnit, m, n, 1, a, lda, b, ldb)
    }
}

extension Double: LapackElement {
    static func getrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, lda = lda, info: Int32 = 0
        dgetrf_(&m, &n, a, &lda, ipiv, &info); return info
    }
    static func getrs(_ trans: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: Int32 = 0
        withChar(trans) { dgetrs_($0, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1) }; return info
    }
    static func potrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
        var n = n, lda = lda, info: Int32 = 0
        withChar(uplo) { dpotrf_($0, &n, a, &lda, &info, 1) }; return info
    }
    static func geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ tau: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, lda = lda, lwork = lwork, info: Int32 = 0
        dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info); return info
    }
    static func orgqr(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ tau: UnsafePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, k = k, lda = lda, lwork = lwork, info: Int32 = 0
        dorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, &info); return info
    }
    static func ormqr(_ side: UInt8, _ trans: UInt8, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ tau: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, k = k, lda = lda, ldc = ldc, lwork = lwork, info: Int32 = 0
        withChars(side, trans) { dormqr_($0, $1, &m, &n, &k, a, &lda, tau, c, &ldc, work, &lwork, &info, 1, 1) }; return info
    }
    static func gesdd(_ jobz: UInt8, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int32, _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, lda = lda, ldu = ldu, ldvt = ldvt, lwork = lwork, info: Int32 = 0
        withChar(jobz) { dgesdd_($0, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1) }; return info
    }
    static func syevd(_ jobz: UInt8, _ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ w: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32 {
        var n = n, lda = lda, lwork = lwork, liwork = liwork, info: Int32 = 0
        withChars(jobz, uplo) { dsyevd_($0, $1, &n, a, &lda, w, work, &lwork, iwork, &liwork, &info, 1, 1) }; return info
    }
    static func sytrf(_ uplo: UInt8, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var n = n, lda = lda, lwork = lwork, info: Int32 = 0
        withChar(uplo) { dsytrf_($0, &n, a, &lda, ipiv, work, &lwork, &info, 1) }; return info
    }
    static func sytrs(_ uplo: UInt8, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: Int32 = 0
        withChar(uplo) { dsytrs_($0, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1) }; return info
    }
    static func gels(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, lwork = lwork, info: Int32 = 0
        withChar(UInt8(ascii: "N")) { dgels_($0, &m, &n, &nrhs, a, &lda, b, &ldb, work, &lwork, &info, 1) }; return info
    }
    static func gelsy(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Double, _ rank: inout Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        dgelsy_(&m, &n, &nrhs, a, &lda, b, &ldb, jpvt, &rcond, &rank, work, &lwork, &info); return info
    }
    static func gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ s: UnsafeMutablePointer<Double>, _ rcond: Double, _ rank: inout Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32, _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        dgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, &rank, work, &lwork, iwork, &info); return info
    }
    static func gelss(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ s: UnsafeMutablePointer<Double>, _ rcond: Double, _ rank: inout Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        var m = m, n = n, nrhs = nrhs, lda = lda, ldb = ldb, rcond = rcond, lwork = lwork, info: Int32 = 0
        dgelss_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, &rank, work, &lwork, &info); return info
    }
    static func trsm(_ left: Bool, _ upper: Bool, _ transpose: Bool, _ unit: Bool, _ m: Int32, _ n: Int32,
                     _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) {
        cblas_dtrsm(CblasRowMajor, left ? CblasLeft : CblasRight, upper ? CblasUpper : CblasLower,
                    transpose ? CblasTrans : CblasNoTrans, unit ? CblasUnit : CblasNonUnit, m, n, 1, a, lda, b, ldb)
    }
}

/// A growable LAPACK workspace, sized by the routine's own query (lwork = -1).
struct LapackWorkspace<T: LapackElement> {
    var work: [T] = [T.zero]
    var iwork: [Int32] = [0]

    /// Grows `work` to the optimal size a query wrote into work[0] (and `iwork` to iwork[0]).
    mutating func adopt(query: T, iquery: Int32 = 0) {
        let size = Swift.max(1, Int(query.doubleValue.rounded(.up)))
        if work.count < size { work = [T](repeating: .zero, count: size) }
        let isize = Swift.max(1, Int(iquery))
        if iwork.count < isize { iwork = [Int32](repeating: 0, count: isize) }
    }
}

extension Kernels {
    /// LAPACK's integers are 32-bit: sizes past them are refused with PyTorch-like wording.
    static func lapackInt(_ value: Int, _ op: String) throws -> Int32 {
        guard let v = Int32(exactly: value) else {
            throw SwiftGradError.invalidArgument("\(op): the matrix dimension \(value) is too large for LAPACK's 32-bit integers")
        }
        return v
    }

    /// The matrices of a [..., m, n] tensor as a new contiguous [..., n, m] tensor: each matrix in
    /// column-major order, ready for LAPACK to overwrite. Not recorded.
    static func columnMajor(_ a: Tensor) throws -> Tensor {
        try noGrad { try a.transpose(-2, -1).clone() }
    }

    /// The row-major [..., m, n] tensor of a column-major [..., n, m] buffer, made contiguous.
    static func rowMajor(_ cm: Tensor) throws -> Tensor {
        try noGrad { try cm.transpose(-2, -1).contiguous() }
    }

    /// Runs `body` on each matrix of a contiguous batch tensor (element pointer, batch index).
    static func forEachMatrix<T: TensorElement>(_ t: Tensor, _: T.Type, _ body: (UnsafeMutablePointer<T>, Int) throws -> Void) rethrows {
        let rows = t.shape[t.ndim - 2], cols = t.shape[t.ndim - 1]
        let size = rows * cols
        let batch = size == 0 ? Shape.count(Array(t.shape.dropLast(2))) : t.count / size
        let base = t.pointer(T.self) + t.storageOffset
        for b in 0..<batch { try body(base + b * size, b) }
    }
}
