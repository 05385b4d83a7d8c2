import CBLAS
import Dispatch

/// Matrix products on OpenBLAS. A strided operand is passed as it lies in memory whenever one of
/// its two matrix dimensions has stride 1 (a transposed view becomes a BLAS transpose flag);
/// only other layouts are copied. int64 products, which BLAS has no routine for, and sizes past
/// BLAS's 32-bit integers use a plain loop.
extension Kernels {
    /// `out[i] = a[i] @ b[i]` for `a` of shape [batch, m, k] and `b` of [batch, k, n] (either may
    /// have batch stride 0), into a new contiguous [batch, m, n] tensor. Operands share a dtype.
    static func batchedMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let compute = a.dtype.compute
        if compute != a.dtype {  // float16, bfloat16, narrow integers: in float32 / int64, rounded back
            return try batchedMatmul(a.to(compute, recording: false), b.to(compute, recording: false))
                .to(a.dtype, recording: false)
        }
        let batch = a.shape[0], m = a.shape[1], k = a.shape[2], n = b.shape[2]
        // BLAS writes every element (beta = 0); only the other paths need zeros to start from.
        let viaBLAS = a.dtype.isFloatingPoint && batch > 0 && m > 0 && n > 0 && k > 0 && fitsInt32(m, n, k)
        let out = viaBLAS ? try Tensor.empty([batch, m, n], a.dtype) : try Tensor.zeros([batch, m, n], dtype: a.dtype)
        if batch == 0 || m == 0 || n == 0 || k == 0 { return out }
        switch a.dtype {
        case .float32, .float64:
            guard fitsInt32(m, n, k) else {
                try looped(a, b, out)
                return out
            }
            guard let x = blasLayout(a) else { return try batchedMatmul(a.denseMatrices(), b) }
            guard let y = blasLayout(b) else { return try batchedMatmul(a, b.denseMatrices()) }
            func run<T: BLASFloat>(_: T.Type) {
                for i in 0..<batch {
                    let aOffset = a.storageOffset + i * a.strides[0], bOffset = b.storageOffset + i * b.strides[0]
                    gemm(x.trans, y.trans, m, n, k, 1, a.pointer(T.self) + aOffset, x.ld, b.pointer(T.self) + bOffset, y.ld,
                         beta: false, out.pointer(T.self) + i * m * n, n)
                }
            }
            if a.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        case .int64:
            try looped(a, b, out)
        default:
            throw SwiftGradError.dtype("\"addmm_impl_cpu_\" not implemented for '\(a.dtype.scalarTypeName)'")
        }
        return out
    }

    /// How BLAS reads the matrices of a [batch, rows, cols] operand: row-major with leading
    /// dimension `ld` (no transpose), or column-major, i.e. transposed; nil when neither fits.
    private static func blasLayout(_ t: Tensor) -> (trans: Bool, ld: Int)? {
        let rows = t.shape[1], cols = t.shape[2], rs = t.strides[1], cs = t.strides[2]
        if (cs == 1 || cols == 1) && rs >= Swift.max(cols, 1) && rs <= Int(Int32.max) {
            return (false, Swift.max(rs, 1))
        }
        if (rs == 1 || rows == 1) && cs >= Swift.max(rows, 1) && cs <= Int(Int32.max) {
            return (true, Swift.max(cs, 1))
        }
        return nil
    }

    private static func fitsInt32(_ values: Int...) -> Bool { values.allSatisfy { $0 <= Int(Int32.max) } }

    /// The product by a plain triple loop (any dtype, any strides).
    private static func looped(_ a: Tensor, _ b: Tensor, _ out: Tensor) throws {
        func run<T: NumericElement>(_: T.Type) {
            let pa = a.pointer(T.self), pb = b.pointer(T.self), po = out.pointer(T.self)
            let batch = a.shape[0], m = a.shape[1], k = a.shape[2], n = b.shape[2]
            for i in 0..<batch {
                let ab = a.storageOffset + i * a.strides[0], bb = b.storageOffset + i * b.strides[0]
                for r in 0..<m {
                    for c in 0..<n {
                        var total = T.zero
                        for j in 0..<k {
                            total = T.add(total, T.mul(pa[ab + r * a.strides[1] + j * a.strides[2]],
                                                       pb[bb + j * b.strides[1] + c * b.strides[2]]))
                        }
                        po[(i * m + r) * n + c] = total
                    }
                }
            }
        }
        switch a.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        default: throw SwiftGradError.dtype("\"addmm_impl_cpu_\" not implemented for '\(a.dtype.scalarTypeName)'")
        }
    }
}

extension Tensor {
    /// A [batch, rows, cols] operand with each matrix dense (for layouts BLAS cannot read).
    fileprivate func denseMatrices() throws -> Tensor { try noGrad { try clone() } }
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
    /// calling thread.
    static func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                         _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, beta: Bool,
                         _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
}

extension Float: BLASFloat {
    static func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                         _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, beta: Bool,
                         _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(Swift.max(lda, 1)), b, Int32(Swift.max(ldb, 1)),
                    beta ? 1 : 0, c, Int32(Swift.max(ldc, 1)))
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
}

extension Kernels {
    /// `blasGemm`, split over the library's threads when `parallel` and the product is large
    /// (2^21 multiply-adds a thread at least): each thread one BLAS call on a band of c's columns
    /// (of its rows when c is taller than wide), bands a multiple of 16 wide.
    static func gemm<T: BLASFloat>(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: T,
                                   _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int, beta: Bool,
                                   _ c: UnsafeMutablePointer<T>, _ ldc: Int, parallel: Bool = true) {
        let work = Double(m) * Double(n) * Double(k), byColumns = n >= m, extent = byColumns ? n : m
        let pieces = parallel ? Swift.min(Parallel.cores, Int(Swift.min(work / Double(1 << 21), 64)), extent / 16) : 1
        if pieces <= 1 {
            return T.blasGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta: beta, c, ldc)
        }
        DispatchQueue.concurrentPerform(iterations: pieces) { p in
            let lo = extent * p / pieces / 16 * 16, hi = p == pieces - 1 ? extent : extent * (p + 1) / pieces / 16 * 16
            if hi <= lo { return }
            if byColumns {
                // Columns lo..<hi of op(b): from column lo of b, or row lo of b stored transposed.
                let bBand = transB ? b + lo &* ldb : b + lo
                T.blasGemm(transA, transB, m, hi - lo, k, alpha, a, lda, bBand, ldb, beta: beta, c + lo, ldc)
            } else {
                let aBand = transA ? a + lo : a + lo &* lda
                T.blasGemm(transA, transB, hi - lo, n, k, alpha, aBand, lda, b, ldb, beta: beta, c + lo &* ldc, ldc)
            }
        }
    }
}
