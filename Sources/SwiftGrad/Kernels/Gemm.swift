import CBLAS

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
            let m32 = Int32(m), n32 = Int32(n), k32 = Int32(k)
            for i in 0..<batch {
                let aOffset = a.storageOffset + i * a.strides[0], bOffset = b.storageOffset + i * b.strides[0]
                if a.dtype == .float32 {
                    cblas_sgemm(CblasRowMajor, x.trans, y.trans, m32, n32, k32, 1,
                                a.pointer(Float.self) + aOffset, x.ld,
                                b.pointer(Float.self) + bOffset, y.ld,
                                0, out.pointer(Float.self) + i * m * n, n32)
                } else {
                    cblas_dgemm(CblasRowMajor, x.trans, y.trans, m32, n32, k32, 1,
                                a.pointer(Double.self) + aOffset, x.ld,
                                b.pointer(Double.self) + bOffset, y.ld,
                                0, out.pointer(Double.self) + i * m * n, n32)
                }
            }
        case .int64:
            try looped(a, b, out)
        default:
            throw SwiftGradError.dtype("\"addmm_impl_cpu_\" not implemented for '\(a.dtype.scalarTypeName)'")
        }
        return out
    }

    /// How BLAS reads the matrices of a [batch, rows, cols] operand: row-major with leading
    /// dimension `ld` (no transpose), or column-major, i.e. transposed; nil when neither fits.
    private static func blasLayout(_ t: Tensor) -> (trans: CBLAS_TRANSPOSE, ld: Int32)? {
        let rows = t.shape[1], cols = t.shape[2], rs = t.strides[1], cs = t.strides[2]
        if (cs == 1 || cols == 1) && rs >= Swift.max(cols, 1) && rs <= Int(Int32.max) {
            return (CblasNoTrans, Int32(Swift.max(rs, 1)))
        }
        if (rs == 1 || rows == 1) && cs >= Swift.max(rows, 1) && cs <= Int(Int32.max) {
            return (CblasTrans, Int32(Swift.max(cs, 1)))
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

/// OpenBLAS (0.3.21, pthreads) with more than one thread of its own, called from several of ours
/// at once, serialises on its thread server: the 64 per-head products of a (16, 4, 128, 64)
/// attention, split over two cores, measured 40 times slower than with one BLAS thread per
/// caller. Our kernels that call BLAS from every core therefore ask OpenBLAS for one thread of
/// its own while they run (its count is process-wide in this version, which has no per-thread
/// setting), and give the previous count back when the last of them ends.
enum SingleThreadedBLAS {
    private static let state = Locked((users: 0, saved: Int32(1)))

    static func during(_ body: () -> Void) {
        state.withLock { s in
            if s.users == 0 {
                s.saved = openblas_get_num_threads()
                if s.saved > 1 { openblas_set_num_threads(1) }
            }
            s.users += 1
        }
        defer {
            state.withLock { s in
                s.users -= 1
                if s.users == 0 && s.saved > 1 { openblas_set_num_threads(s.saved) }
            }
        }
        body()
    }
}
