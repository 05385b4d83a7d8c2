/// Elementwise kernels over strided, broadcast operands. Each takes the per-element function as
/// a closure and is `@inline(__always)`, so that at every call site the compiler specialises the
/// loop for the element types and inlines the function: no per-element dynamic dispatch.
/// Operands must already have the dtype the closure expects (ops cast them first).
enum Kernels {
    /// `f` applied to every element of `a`, into a new contiguous tensor of `a`'s shape.
    @inline(__always)
    static func map<T: TensorElement, R: TensorElement>(_ a: Tensor, _ f: (T) -> R) throws -> Tensor {
        let out = try Tensor.empty(a.shape, R.dtype)
        let pa = a.storage.pointer(T.self), po = out.storage.pointer(R.self)
        if a.isContiguous {
            let base = pa + a.storageOffset
            for i in 0..<a.count { po[i] = f(base[i]) }
            return out
        }
        RowLoop(shape: a.shape, operandStrides: [out.strides, a.strides])
            .forEachRow(starts: [0, a.storageOffset]) { n, off, step in
                let o = po + off[0], x = pa + off[1], sx = step[1]
                for i in 0..<n { o[i] = f(x[i &* sx]) }
            }
        return out
    }

    /// `f(a, b)` for every element of the broadcast shape `shape`, into a new contiguous tensor.
    @inline(__always)
    static func zip<T: TensorElement, U: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, shape: [Int], _ f: (T, U) -> R
    ) throws -> Tensor {
        let out = try Tensor.empty(shape, R.dtype)
        let pa = a.storage.pointer(T.self), pb = b.storage.pointer(U.self), po = out.storage.pointer(R.self)
        let n = out.count
        if a.isContiguous && b.isContiguous && a.shape == b.shape {
            let x = pa + a.storageOffset, y = pb + b.storageOffset
            for i in 0..<n { po[i] = f(x[i], y[i]) }
            return out
        }
        if b.count == 1 && a.isContiguous && a.count == n {
            let x = pa + a.storageOffset, y = pb[b.storageOffset]
            for i in 0..<n { po[i] = f(x[i], y) }
            return out
        }
        if a.count == 1 && b.isContiguous && b.count == n {
            let x = pa[a.storageOffset], y = pb + b.storageOffset
            for i in 0..<n { po[i] = f(x, y[i]) }
            return out
        }
        RowLoop(shape: shape, operandStrides: [
            out.strides,
            Shape.expandedStrides(a.shape, a.strides, to: shape),
            Shape.expandedStrides(b.shape, b.strides, to: shape),
        ]).forEachRow(starts: [0, a.storageOffset, b.storageOffset]) { n, off, step in
            let o = po + off[0], x = pa + off[1], y = pb + off[2], sx = step[1], sy = step[2]
            for i in 0..<n { o[i] = f(x[i &* sx], y[i &* sy]) }
        }
        return out
    }

    /// `f(c, a, b)` for every element of the broadcast shape `shape`, into a new tensor.
    @inline(__always)
    static func zip3<C: TensorElement, T: TensorElement, R: TensorElement>(
        _ c: Tensor, _ a: Tensor, _ b: Tensor, shape: [Int], _ f: (C, T, T) -> R
    ) throws -> Tensor {
        let out = try Tensor.empty(shape, R.dtype)
        let pc = c.storage.pointer(C.self), pa = a.storage.pointer(T.self), pb = b.storage.pointer(T.self)
        let po = out.storage.pointer(R.self)
        RowLoop(shape: shape, operandStrides: [
            out.strides,
            Shape.expandedStrides(c.shape, c.strides, to: shape),
            Shape.expandedStrides(a.shape, a.strides, to: shape),
            Shape.expandedStrides(b.shape, b.strides, to: shape),
        ]).forEachRow(starts: [0, c.storageOffset, a.storageOffset, b.storageOffset]) { n, off, step in
            let o = po + off[0], z = pc + off[1], x = pa + off[2], y = pb + off[3]
            let sz = step[1], sx = step[2], sy = step[3]
            for i in 0..<n { o[i] = f(z[i &* sz], x[i &* sx], y[i &* sy]) }
        }
        return out
    }

    /// `dst[i] = f(dst[i], src[i])` in place, `src` broadcast to `dst`'s shape.
    @inline(__always)
    static func update<T: TensorElement, U: TensorElement>(
        _ dst: Tensor, with src: Tensor, _ f: (T, U) -> T
    ) {
        let pd = dst.storage.pointer(T.self), ps = src.storage.pointer(U.self)
        if dst.isContiguous && src.isContiguous && dst.shape == src.shape {
            let o = pd + dst.storageOffset, x = ps + src.storageOffset
            for i in 0..<dst.count { o[i] = f(o[i], x[i]) }
            return
        }
        RowLoop(shape: dst.shape, operandStrides: [
            dst.strides, Shape.expandedStrides(src.shape, src.strides, to: dst.shape),
        ]).forEachRow(starts: [dst.storageOffset, src.storageOffset]) { n, off, step in
            let o = pd + off[0], x = ps + off[1], so = step[0], sx = step[1]
            for i in 0..<n { o[i &* so] = f(o[i &* so], x[i &* sx]) }
        }
    }

    /// Writes every element of `dst` (any layout) with `value` converted to its dtype.
    /// - Throws: `.invalidArgument` when an int64 tensor cannot hold `value`.
    static func fill(_ dst: Tensor, with value: Double) throws {
        func run<T: TensorElement>(_ v: T) {
            let p = dst.storage.pointer(T.self)
            if dst.isContiguous {
                let o = p + dst.storageOffset
                for i in 0..<dst.count { o[i] = v }
                return
            }
            RowLoop(shape: dst.shape, operandStrides: [dst.strides])
                .forEachRow(starts: [dst.storageOffset]) { n, off, step in
                    let o = p + off[0], s = step[0]
                    for i in 0..<n { o[i &* s] = v }
                }
        }
        switch dst.dtype {
        case .float32: run(Float(value))
        case .float64: run(value)
        case .bool: run(value != 0 || value.isNaN)
        case .int64:
            guard let v = value.truncatedInt64 else {
                throw SwiftGradError.invalidArgument(
                    "value cannot be converted to type int64_t without overflow")
            }
            run(v)
        }
    }

    /// Copies `src` into `dst` (same shape, any layouts), converting between dtypes as PyTorch's
    /// casts do: floats truncate toward zero into int64 (NaN and out-of-range values become
    /// Int64.min, as x86 does), and anything non-zero (NaN included) is true.
    static func convert(from src: Tensor, into dst: Tensor) {
        switch (src.dtype, dst.dtype) {
        case (.float32, .float32): copy(src, dst, Float.self, Float.self) { $0 }
        case (.float64, .float64): copy(src, dst, Double.self, Double.self) { $0 }
        case (.int64, .int64): copy(src, dst, Int64.self, Int64.self) { $0 }
        case (.bool, .bool): copy(src, dst, Bool.self, Bool.self) { $0 }
        case (.float32, .float64): copy(src, dst, Float.self, Double.self) { Double($0) }
        case (.float64, .float32): copy(src, dst, Double.self, Float.self) { Float($0) }
        case (.int64, .float32): copy(src, dst, Int64.self, Float.self) { Float($0) }
        case (.int64, .float64): copy(src, dst, Int64.self, Double.self) { Double($0) }
        case (.bool, .float32): copy(src, dst, Bool.self, Float.self) { $0 ? 1 : 0 }
        case (.bool, .float64): copy(src, dst, Bool.self, Double.self) { $0 ? 1 : 0 }
        case (.bool, .int64): copy(src, dst, Bool.self, Int64.self) { $0 ? 1 : 0 }
        case (.float32, .int64): copy(src, dst, Float.self, Int64.self) { Double($0).truncatedInt64 ?? .min }
        case (.float64, .int64): copy(src, dst, Double.self, Int64.self) { $0.truncatedInt64 ?? .min }
        case (.float32, .bool): copy(src, dst, Float.self, Bool.self) { $0 != 0 || $0.isNaN }
        case (.float64, .bool): copy(src, dst, Double.self, Bool.self) { $0 != 0 || $0.isNaN }
        case (.int64, .bool): copy(src, dst, Int64.self, Bool.self) { $0 != 0 }
        }
    }

    @inline(__always)
    private static func copy<T: TensorElement, R: TensorElement>(
        _ src: Tensor, _ dst: Tensor, _: T.Type, _: R.Type, _ f: (T) -> R
    ) {
        update(dst, with: src) { (_: R, x: T) in f(x) }
    }
}
