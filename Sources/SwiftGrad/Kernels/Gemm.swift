import CBLAS
import SwiftGradVector

// Matrix products on OpenBLAS, and float32 ones with a small inner size on a vector loop
// (SwiftGradVector's SmallInnerGemm.swift). A strided operand is passed as it lies in memory
// whenever one of its two matrix dimensions has stride 1 (a transposed view becomes a BLAS
// transpose flag); only other layouts are copied. int64 products, which BLAS has no routine for,
// and sizes past BLAS's 32-bit integers use a plain loop.

/// The matrices of one product operand as the kernels read them: `batch` matrices of `rows` x
/// `cols` elements of `tensor`'s storage, matrix i at `i * batchStride` from the tensor's first
/// element, with the given row and column strides. Built straight from a tensor's fields, so
/// that a product of matrices or a matrix and a vector needs no reshaped views of its operands.
struct MatrixBatch {
    let tensor: Tensor
    let batch: Int, rows: Int, cols: Int
    let batchStride: Int, rowStride: Int, colStride: Int

    private init(_ tensor: Tensor, batch: Int, rows: Int, cols: Int, batchStride: Int, rowStride: Int, colStride: Int) {
        self.tensor = tensor
        self.batch = batch
        self.rows = rows
        self.cols = cols
        self.batchStride = batchStride
        self.rowStride = rowStride
        self.colStride = colStride
    }

    /// The matrices of a [batch, rows, cols] tensor, a [rows, cols] one as a batch of one, or a
    /// [rows] one as one column.
    init(_ t: Tensor) {
        switch t.ndim {
        case 3:
            self.init(t, batch: t.shape[0], rows: t.shape[1], cols: t.shape[2],
                      batchStride: t.strides[0], rowStride: t.strides[1], colStride: t.strides[2])
        case 2:
            self.init(t, batch: 1, rows: t.shape[0], cols: t.shape[1], batchStride: 0,
                      rowStride: t.strides[0], colStride: t.strides[1])
        default:
            self.init(t, batch: 1, rows: t.count, cols: 1, batchStride: 0, rowStride: t.ndim == 1 ? t.strides[0] : 1,
                      colStride: 1)
        }
    }

    /// The same matrices in dense memory (for layouts BLAS cannot read).
    func dense() throws -> MatrixBatch { MatrixBatch(try noGrad { try tensor.clone() }) }

    /// In dtype `dtype`, converted when it differs.
    func converted(to dtype: DType) throws -> MatrixBatch {
        tensor.dtype == dtype ? self : MatrixBatch(try tensor.to(dtype, recording: false))
    }

    /// How BLAS reads these matrices: row-major with leading dimension `ld` (no transpose), or
    /// column-major, i.e. transposed; nil when neither fits.
    var blasLayout: (trans: Bool, ld: Int)? {
        if (colStride == 1 || cols == 1) && rowStride >= Swift.max(cols, 1) && rowStride <= Int(Int32.max) {
            return (false, Swift.max(rowStride, 1))
        }
        if (rowStride == 1 || rows == 1) && colStride >= Swift.max(rows, 1) && colStride <= Int(Int32.max) {
            return (true, Swift.max(colStride, 1))
        }
        return nil
    }
}

extension Kernels {
    /// `out[i] = a[i] @ b[i]` for `a` of shape [batch, m, k] and `b` of [batch, k, n] (either may
    /// have batch stride 0), into a new contiguous [batch, m, n] tensor. Operands share a dtype.
    static func batchedMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try matmul(MatrixBatch(a), MatrixBatch(b), shape: [a.shape[0], a.shape[1], b.shape[2]])
    }

    /// `a @ b` for matrix batches of one dtype ([batch, m, k] and [batch, k, n], or batches of
    /// one), into a new contiguous tensor of `shape`, which holds batch * m * n elements.
    static func matmul(_ a: MatrixBatch, _ b: MatrixBatch, shape: [Int]) throws -> Tensor {
        let dtype = a.tensor.dtype, compute = dtype.compute
        if compute != dtype {  // float16, bfloat16, narrow integers: in float32 / int64, rounded back
            return try matmul(a.converted(to: compute), b.converted(to: compute), shape: shape)
                .to(dtype, recording: false)
        }
        let batch = Swift.max(a.batch, b.batch), m = a.rows, k = a.cols, n = b.cols
        // BLAS writes every element (beta = 0); only the other paths need zeros to start from.
        let viaBLAS = dtype.isFloatingPoint && batch > 0 && m > 0 && n > 0 && k > 0 && fitsInt32(m, n, k)
        let out = viaBLAS ? try Tensor.empty(shape, dtype) : try Tensor.zeros(shape, dtype: dtype)
        if batch == 0 || m == 0 || n == 0 || k == 0 { return out }
        switch dtype {
        case .float32, .float64:
            guard fitsInt32(m, n, k) else {
                try looped(a, b, out)
                return out
            }
            guard let x = a.blasLayout else { return try matmul(a.dense(), b, shape: shape) }
            guard let y = b.blasLayout else { return try matmul(a, b.dense(), shape: shape) }
            func run<T: BLASFloat>(_: T.Type) {
                let pa = a.tensor.pointer(T.self) + a.tensor.storageOffset
                let pb = b.tensor.pointer(T.self) + b.tensor.storageOffset, po = out.pointer(T.self)
                @inline(__always) func product(_ i: Int, parallel: Bool) {
                    if m == 1 {
                        // A row times a matrix (`v @ w`): the row of c is op(b)^T times a's row,
                        // BLAS's gemv on bands of c's columns. Through gemm, OpenBLAS packed b
                        // first: [256] @ [256, 512] took 52 us from Python, PyTorch's 23. (Only
                        // here: convolutions' products of one row stay with gemm, see `gemm`.)
                        let pbi = pb + i * b.batchStride, row = pa + i * a.batchStride, c = po + i * n
                        Parallel.forRanges(n, work: parallel ? n * k : 0) { band in
                            T.blasGemv(!y.trans, band.count, k, 1, y.trans ? pbi + band.lowerBound * y.ld : pbi + band.lowerBound,
                                       y.ld, row, x.trans ? x.ld : 1, beta: false, c + band.lowerBound, 1)
                        }
                        return
                    }
                    gemm(x.trans, y.trans, m, n, k, 1, pa + i * a.batchStride, x.ld, pb + i * b.batchStride, y.ld,
                         beta: false, po + i * m * n, n, parallel: parallel)
                }
                // Whole products to each thread when there are as many as threads, or when each
                // is too small for `gemm` to split (16 [64, 64] @ [64, 64] one after another
                // took 134 us from Python on one core, PyTorch's 63-78 on two).
                let perProduct = Double(m) * Double(n) * Double(k)
                let pieces = Swift.min(Parallel.cores, batch, Int(Swift.min(perProduct * Double(batch) / gemmGrain, 64)))
                if pieces > 1 && (batch >= Parallel.cores || perProduct < 2 * gemmGrain) {
                    Parallel.run(pieces) { p in
                        for i in batch * p / pieces ..< batch * (p + 1) / pieces { product(i, parallel: false) }
                    }
                } else {
                    for i in 0..<batch { product(i, parallel: true) }
                }
            }
            if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        case .int64:
            try looped(a, b, out)
        default:
            throw SwiftGradError.dtype("\"addmm_impl_cpu_\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return out
    }

    /// `c += a @ b` for one [m, k] and one [k, n] matrix into the contiguous [m, n] float
    /// tensor `c` of their dtype, through BLAS with beta = 1 (no product tensor, no second
    /// pass); false, with c untouched, for anything else (another dtype or layout, a batch).
    static func addProduct(_ a: MatrixBatch, _ b: MatrixBatch, into c: Tensor) throws -> Bool {
        let dtype = c.dtype, m = a.rows, k = a.cols, n = b.cols
        guard dtype == .float32 || dtype == .float64, a.tensor.dtype == dtype, b.tensor.dtype == dtype,
              a.batch == 1, b.batch == 1, c.isContiguous, c.shape == [m, n], b.rows == k,
              fitsInt32(m, n, k), let x = a.blasLayout, let y = b.blasLayout else { return false }
        if m == 0 || n == 0 || k == 0 { return true }
        func run<T: BLASFloat>(_: T.Type) {
            gemm(x.trans, y.trans, m, n, k, 1, a.tensor.pointer(T.self) + a.tensor.storageOffset, x.ld,
                 b.tensor.pointer(T.self) + b.tensor.storageOffset, y.ld, beta: true, c.pointer(T.self) + c.storageOffset, n)
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return true
    }

    private static func fitsInt32(_ values: Int...) -> Bool { values.allSatisfy { $0 <= Int(Int32.max) } }

    /// The product by a plain triple loop (any dtype, any strides).
    private static func looped(_ a: MatrixBatch, _ b: MatrixBatch, _ out: Tensor) throws {
        func run<T: NumericElement>(_: T.Type) {
            let pa = a.tensor.pointer(T.self) + a.tensor.storageOffset
            let pb = b.tensor.pointer(T.self) + b.tensor.storageOffset, po = out.pointer(T.self)
            let batch = Swift.max(a.batch, b.batch), m = a.rows, k = a.cols, n = b.cols
            for i in 0..<batch {
                let ab = i * a.batchStride, bb = i * b.batchStride
                for r in 0..<m {
                    for c in 0..<n {
                        var total = T.zero
                        for j in 0..<k {
                            total = T.add(total, T.mul(pa[ab + r * a.rowStride + j * a.colStride],
                                                       pb[bb + j * b.rowStride + c * b.colStride]))
                        }
                        po[(i * m + r) * n + c] = total
                    }
                }
            }
        }
        switch a.tensor.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        default: throw SwiftGradError.dtype("\"addmm_impl_cpu_\" not implemented for '\(a.tensor.dtype.scalarTypeName)'")
        }
    }
}

/// The float types with a BLAS GEMM. OpenBLAS runs with one thread of its own in this library
/// (Sources/CCPUFeatures sets it when the library loads): its worker threads wait for work
/// spinning on sched_yield for 2^28 cycles after every threaded call, and on two cores they took
/// a quarter of LeNet's training step from the threads doing the work (W5: 12.8-14.3 ms a step
/// with them, 10.7-11.6 ms without), and with several of ours calling it at once it serialised
/// on its thread server (attention's per-head products, 40 times slower). Large products are
/// split over the library's own threads instead (`Kernels.gemm`).
protocol BLASFloat: FloatElement {
    /// Row-major `c = alpha op(a) op(b) + (beta ? c : 0)` for c of [m, n] and inner size k, on the
    /// calling thread, through BLAS.
    static func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                         _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, beta: Bool,
                         _ c: UnsafeMutablePointer<Self>, _ ldc: Int)

    /// Row-major `y = alpha op(a) x + (beta ? y : 0)` for op(a) of [m, n] (`a` stored as its
    /// transpose when `trans`), x and y read with strides, on the calling thread, through BLAS.
    static func blasGemv(_ trans: Bool, _ m: Int, _ n: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                         _ x: UnsafePointer<Self>, _ incx: Int, beta: Bool, _ y: UnsafeMutablePointer<Self>, _ incy: Int)

    /// `blasGemm`'s product on the calling thread, by whichever kernel runs it fastest.
    static func gemmOnThread(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                             _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, beta: Bool,
                             _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
}

extension BLASFloat {
    static func gemmOnThread(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                             _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, beta: Bool,
                             _ c: UnsafeMutablePointer<Self>, _ ldc: Int) {
        blasGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta: beta, c, ldc)
    }
}

extension Float: BLASFloat {
    static func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                         _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, beta: Bool,
                         _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(Swift.max(lda, 1)), b, Int32(Swift.max(ldb, 1)),
                    beta ? 1 : 0, c, Int32(Swift.max(ldc, 1)))
    }

    static func blasGemv(_ trans: Bool, _ m: Int, _ n: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                         _ x: UnsafePointer<Float>, _ incx: Int, beta: Bool, _ y: UnsafeMutablePointer<Float>, _ incy: Int) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(trans ? n : m), Int32(trans ? m : n), alpha,
                    a, Int32(Swift.max(lda, 1)), x, Int32(incx), beta ? 1 : 0, y, Int32(incy))
    }

    /// A small inner size (1 to `VectorLoops.smallInnerLimit`) with at least eight columns goes
    /// to the vector loop (`CPUCapability.smallInnerGemm`), op(b) copied row-major first when it
    /// is b transposed; the rest to BLAS.
    static func gemmOnThread(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, beta: Bool,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        guard k > 0, k <= VectorLoops.smallInnerLimit, n >= 8, alpha == 1, let kernel = CPUCapability.smallInnerGemm else {
            return blasGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta: beta, c, ldc)
        }
        let aRow = transA ? 1 : lda, aColumn = transA ? lda : 1
        if !transB { return kernel(m, n, k, a, aRow, aColumn, b, ldb, beta, c, ldc) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k &* n) { rows in
            let packed = rows.baseAddress!
            for j in 0..<n {
                for p in 0..<k { packed[p &* n &+ j] = b[j &* ldb &+ p] }
            }
            kernel(m, n, k, a, aRow, aColumn, packed, n, beta, c, ldc)
        }
    }
}

extension Double: BLASFloat {
    static func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
                         _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, beta: Bool,
                         _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(Swift.max(lda, 1)), b, Int32(Swift.max(ldb, 1)),
                    beta ? 1 : 0, c, Int32(Swift.max(ldc, 1)))
    }

    static func blasGemv(_ trans: Bool, _ m: Int, _ n: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                         _ x: UnsafePointer<Double>, _ incx: Int, beta: Bool, _ y: UnsafeMutablePointer<Double>, _ incy: Int) {
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(trans ? n : m), Int32(trans ? m : n), alpha,
                    a, Int32(Swift.max(lda, 1)), x, Int32(incx), beta ? 1 : 0, y, Int32(incy))
    }
}

extension Kernels {
    /// Multiply-adds a thread at least, for a product split over threads.
    static let gemmGrain = Double(1 << 19)

    /// `blasGemm`, split over the library's threads when `parallel` and the product is large
    /// (2^19 multiply-adds a thread at least): each thread one `gemmOnThread` call on a band of
    /// c's columns (of its rows when c is taller than wide), bands a multiple of 16 wide. (With
    /// 2^21, benchmark W3's [256, 512] @ [512, 10] and its backward's [512, 256] @ [256, 10]
    /// ran on one thread: 64 and 60 us through OpenBLAS, 45 and 40 split in two.)
    static func gemm<T: BLASFloat>(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: T,
                                   _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int, beta: Bool,
                                   _ c: UnsafeMutablePointer<T>, _ ldc: Int, parallel: Bool = true) {
        // A product with one column of c (a matrix times a vector): BLAS's gemv, c's column =
        // op(a) times op(b)'s column (b's column 0, or its row 0 when stored transposed).
        // OpenBLAS 0.3.21's gemm packs for it as for any product: [256, 512] @ [512] took 43 us
        // so, PyTorch's 14. (A single row of c stays with gemm: through gemv's transposed form,
        // conv3d's weight gradient of one output channel summed 1,320 products with twice
        // torch's error, outside op_db's tolerance.)
        if n == 1 {
            return T.blasGemv(transA, m, k, alpha, a, lda, b, transB ? 1 : ldb, beta: beta, c, ldc)
        }
        let work = Double(m) * Double(n) * Double(k), byColumns = n >= m, extent = byColumns ? n : m
        let pieces = parallel ? Swift.min(Parallel.cores, Int(Swift.min(work / gemmGrain, 64)), extent / 16) : 1
        if pieces <= 1 {
            return T.gemmOnThread(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta: beta, c, ldc)
        }
        Parallel.run(pieces) { p in
            let lo = extent * p / pieces / 16 * 16, hi = p == pieces - 1 ? extent : extent * (p + 1) / pieces / 16 * 16
            if hi <= lo { return }
            if byColumns {
                // Columns lo..<hi of op(b): from column lo of b, or row lo of b stored transposed.
                let bBand = transB ? b + lo &* ldb : b + lo
                T.gemmOnThread(transA, transB, m, hi - lo, k, alpha, a, lda, bBand, ldb, beta: beta, c + lo, ldc)
            } else {
                let aBand = transA ? a + lo : a + lo &* lda
                T.gemmOnThread(transA, transB, hi - lo, n, k, alpha, aBand, lda, b, ldb, beta: beta, c + lo &* ldc, ldc)
            }
        }
    }
}
