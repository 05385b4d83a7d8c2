import SwiftGradVector

/// Elementwise kernels over strided, broadcast operands. Each is generic over its per-element
/// function (`UnaryFunction`, `BinaryFunction`, ...), so every use compiles to its own loop with
/// the function inlined: no per-element dynamic dispatch, and contiguous loops vectorise.
/// Contiguous work is split across cores when large (`Parallel`). Operands must already have the
/// dtypes the function takes (ops cast them first).
enum Kernels {
    /// `f` applied to every element of `a`, into a new contiguous tensor of `a`'s shape, or into
    /// `reused`: a dense tensor of that shape and `f`'s output dtype, which may be `a` itself
    /// (each element is read before it is written).
    @inline(__always)
    static func map<F: UnaryFunction>(_ a: Tensor, _ f: F, into reused: Tensor? = nil) throws -> Tensor {
        let out = try reused ?? Tensor.empty(a.shape, F.Output.dtype)
        let pa = a.pointer(F.Input.self), po = out.pointer(F.Output.self)
        if a.isContiguous {
            let base = pa + a.storageOffset
            Parallel.forRanges(a.count) { range in for i in range { po[i] = f(base[i]) } }
            return out
        }
        RowLoop(shape: a.shape, operandStrides: [out.strides, a.strides])
            .splittingOuter(elements: out.count, starts: [0, a.storageOffset]) { loop, starts in
                loop.forEachRow(starts: starts) { n, off, step in
                    let o = po + off[0], x = pa + off[1], sx = step[1]
                    for i in 0..<n { o[i] = f(x[i &* sx]) }
                }
            }
        return out
    }

    /// A float32 vector loop (SwiftGradVector's, at the processor's capability) over contiguous
    /// `a`, split across cores, into a new tensor of `a`'s shape or into `reused` (as `map`'s).
    static func mapFloat(_ a: Tensor, into reused: Tensor? = nil, _ loop: VectorLoops.Unary) throws -> Tensor {
        let out = try reused ?? Tensor.empty(a.shape, .float32)
        let x = UnsafePointer(a.pointer(Float.self) + a.storageOffset), po = out.pointer(Float.self)
        Parallel.forRanges(a.count) { range in loop(x + range.lowerBound, po + range.lowerBound, range.count) }
        return out
    }

    /// A float32 vector loop over contiguous `a` and `b` of one shape, into a new tensor or into
    /// `reused` (as `map`'s).
    static func zipFloat(_ a: Tensor, _ b: Tensor, _ loop: VectorLoops.Binary, into reused: Tensor? = nil) throws -> Tensor {
        let out = try reused ?? Tensor.empty(a.shape, .float32)
        let x = UnsafePointer(a.pointer(Float.self) + a.storageOffset), y = UnsafePointer(b.pointer(Float.self) + b.storageOffset)
        let po = out.pointer(Float.self)
        Parallel.forRanges(a.count) { range in
            loop(x + range.lowerBound, y + range.lowerBound, po + range.lowerBound, range.count)
        }
        return out
    }

    /// A float32 vector loop over contiguous `a`, `b` and `c` of one shape, into a new tensor.
    static func zip3Float(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ loop: VectorLoops.Ternary) throws -> Tensor {
        let out = try Tensor.empty(a.shape, .float32)
        let x = UnsafePointer(a.pointer(Float.self) + a.storageOffset), y = UnsafePointer(b.pointer(Float.self) + b.storageOffset)
        let z = UnsafePointer(c.pointer(Float.self) + c.storageOffset), po = out.pointer(Float.self)
        Parallel.forRanges(a.count) { r in
            loop(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, po + r.lowerBound, r.count)
        }
        return out
    }

    /// `f(a, b)` for every element of the broadcast shape `shape`, into a new contiguous tensor,
    /// or into `reused`: a dense tensor of `shape` and `f`'s output dtype, which may be an operand
    /// of that shape (each element is read before it is written).
    @inline(__always)
    static func zip<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, shape: [Int], _ f: F,
                                       into reused: Tensor? = nil) throws -> Tensor {
        let out = try reused ?? Tensor.empty(shape, F.Output.dtype)
        let pa = a.pointer(F.Left.self), pb = b.pointer(F.Right.self), po = out.pointer(F.Output.self)
        let n = out.count
        if a.isContiguous && b.isContiguous && a.shape == b.shape {
            let x = pa + a.storageOffset, y = pb + b.storageOffset
            Parallel.forRanges(n) { range in for i in range { po[i] = f(x[i], y[i]) } }
            return out
        }
        // One operand a single value (a scalar, or one broadcast from a scalar as backward's
        // expanded gradients are) and the other dense in the result's layout.
        if b.isSingleValue && a.isContiguous && a.count == n {
            let x = pa + a.storageOffset, y = pb[b.storageOffset]
            Parallel.forRanges(n) { range in for i in range { po[i] = f(x[i], y) } }
            return out
        }
        if a.isSingleValue && b.isContiguous && b.count == n {
            let x = pa[a.storageOffset], y = pb + b.storageOffset
            Parallel.forRanges(n) { range in for i in range { po[i] = f(x, y[i]) } }
            return out
        }
        RowLoop(shape: shape, operandStrides: [
            out.strides,
            Shape.expandedStrides(a.shape, a.strides, to: shape),
            Shape.expandedStrides(b.shape, b.strides, to: shape),
        ]).splittingOuter(elements: n, starts: [0, a.storageOffset, b.storageOffset]) { loop, starts in
            loop.forEachRow(starts: starts) { n, off, step in
                let o = po + off[0], x = pa + off[1], y = pb + off[2], sx = step[1], sy = step[2]
                for i in 0..<n { o[i] = f(x[i &* sx], y[i &* sy]) }
            }
        }
        return out
    }

    /// `f(c, a, b)` for every element of the broadcast shape `shape`, into a new tensor.
    @inline(__always)
    static func zip3<F: TernaryFunction>(_ c: Tensor, _ a: Tensor, _ b: Tensor, shape: [Int], _ f: F) throws -> Tensor {
        let out = try Tensor.empty(shape, F.Output.dtype)
        let pc = c.pointer(F.First.self), pa = a.pointer(F.Second.self), pb = b.pointer(F.Third.self)
        let po = out.pointer(F.Output.self)
        let n = out.count
        // The condition dense in the result's layout, each value dense or a single value (a
        // scalar, or one broadcast from it: `where(c, g, 0)` in backward rules): one loop over
        // the elements, split over the cores, for each pairing.
        @inline(__always) func dense(_ t: Tensor) -> Bool { t.isContiguous && t.count == n }
        if dense(c), dense(a) || a.isSingleValue, dense(b) || b.isSingleValue {
            let z = pc + c.storageOffset
            switch (dense(a), dense(b)) {
            case (true, true):
                let x = pa + a.storageOffset, y = pb + b.storageOffset
                Parallel.forRanges(n) { range in for i in range { po[i] = f(z[i], x[i], y[i]) } }
            case (true, false):
                let x = pa + a.storageOffset, y = pb[b.storageOffset]
                Parallel.forRanges(n) { range in for i in range { po[i] = f(z[i], x[i], y) } }
            case (false, true):
                let x = pa[a.storageOffset], y = pb + b.storageOffset
                Parallel.forRanges(n) { range in for i in range { po[i] = f(z[i], x, y[i]) } }
            case (false, false):
                let x = pa[a.storageOffset], y = pb[b.storageOffset]
                Parallel.forRanges(n) { range in for i in range { po[i] = f(z[i], x, y) } }
            }
            return out
        }
        RowLoop(shape: shape, operandStrides: [
            out.strides,
            Shape.expandedStrides(c.shape, c.strides, to: shape),
            Shape.expandedStrides(a.shape, a.strides, to: shape),
            Shape.expandedStrides(b.shape, b.strides, to: shape),
        ]).splittingOuter(elements: n, starts: [0, c.storageOffset, a.storageOffset, b.storageOffset]) { loop, starts in
            loop.forEachRow(starts: starts) { n, off, step in
                let o = po + off[0], z = pc + off[1], x = pa + off[2], y = pb + off[3]
                let sz = step[1], sx = step[2], sy = step[3]
                for i in 0..<n { o[i] = f(z[i &* sz], x[i &* sx], y[i &* sy]) }
            }
        }
        return out
    }

    /// `dst[i] = f(dst[i], src[i])` in place, `src` broadcast to `dst`'s shape.
    @inline(__always)
    static func update<F: BinaryFunction>(_ dst: Tensor, with src: Tensor, _ f: F) where F.Output == F.Left {
        let pd = dst.pointer(F.Left.self), ps = src.pointer(F.Right.self)
        if dst.isContiguous && src.isContiguous && dst.shape == src.shape {
            let o = pd + dst.storageOffset, x = ps + src.storageOffset
            Parallel.forRanges(dst.count) { range in for i in range { o[i] = f(o[i], x[i]) } }
            return
        }
        let loop = RowLoop.inMemoryOrder(shape: dst.shape, operandStrides: [
            dst.strides, Shape.expandedStrides(src.shape, src.strides, to: dst.shape),
        ])
        // A large dense destination (a copy being made: `contiguous()`, flip, a transpose's or a
        // broadcast's copy) is split across threads. (From Python, [256, 512] `flip(1)` took
        // 29-41 us on one core, PyTorch's 13-18 on two.)
        let starts = [dst.storageOffset, src.storageOffset], elements = dst.isContiguous ? dst.count : 0
        if loop.prefersTiles(for: 1) != loop.prefersTiles(for: 0) {
            // One side is transposed: go tile by tile (a transposing copy, `contiguous()` of a
            // transposed view, would otherwise miss the cache on every element).
            loop.splittingOuter(elements: elements, starts: starts) { loop, starts in
                loop.forEachTile(starts: starts) { rows, cols, off, rs, cs in
                    let o = pd + off[0], x = ps + off[1]
                    for r in 0..<rows {
                        let orow = o + r &* rs[0], xrow = x + r &* rs[1], so = cs[0], sx = cs[1]
                        for c in 0..<cols { orow[c &* so] = f(orow[c &* so], xrow[c &* sx]) }
                    }
                }
            }
            return
        }
        loop.splittingOuter(elements: elements, starts: starts) { loop, starts in
            loop.forEachRow(starts: starts) { n, off, step in
                let o = pd + off[0], x = ps + off[1], so = step[0], sx = step[1]
                if so == 1 && sx == 1 {
                    // Rows dense on both sides (`expand(...).contiguous()`, a slice's copy): a
                    // loop the compiler vectorises, as it cannot one with strides unknown to it.
                    for i in 0..<n { o[i] = f(o[i], x[i]) }
                } else if so == 1 && sx == -1 {
                    for i in 0..<n { o[i] = f(o[i], x[0 &- i]) }  // reversed rows (`flip`)
                } else {
                    for i in 0..<n { o[i &* so] = f(o[i &* so], x[i &* sx]) }
                }
            }
        }
    }

    /// Writes every element of `dst` (any layout) with `value` converted to its dtype.
    /// - Throws: `.invalidArgument` when `dst`'s dtype cannot hold `value` (PyTorch's check).
    static func fill(_ dst: Tensor, with value: Double) throws {
        try fill(dst, with: .real(value))
    }

    /// Writes every element of `dst` with `value` (a real, an integer or a bool) converted to
    /// its dtype, after PyTorch's overflow check (`DType.checkFits`).
    static func fill(_ dst: Tensor, with value: WideElement) throws {
        try dst.dtype.checkFits(value)
        func run<T: TensorElement>(_: T.Type) {
            let v = T(wide: value)
            let p = dst.pointer(T.self)
            if dst.isContiguous {
                let o = p + dst.storageOffset
                Parallel.forRanges(dst.count) { range in for i in range { o[i] = v } }
                return
            }
            RowLoop(shape: dst.shape, operandStrides: [dst.strides])
                .forEachRow(starts: [dst.storageOffset]) { n, off, step in
                    let o = p + off[0], s = step[0]
                    for i in 0..<n { o[i &* s] = v }
                }
        }
        switch dst.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        case .float16: run(Float16.self)
        case .bfloat16: run(BFloat16.self)
        case .int8: run(Int8.self)
        case .uint8: run(UInt8.self)
        case .int16: run(Int16.self)
        case .int32: run(Int32.self)
        }
    }

    /// Copies `src` into `dst` (same shape, any layouts), converting between dtypes as PyTorch's
    /// casts do (`Cast`).
    static func convert(from src: Tensor, into dst: Tensor) {
        func run<From: TensorElement>(_: From.Type) {
            switch dst.dtype {
            case .float32: update(dst, with: src, Cast<From, Float>())
            case .float64: update(dst, with: src, Cast<From, Double>())
            case .int64: update(dst, with: src, Cast<From, Int64>())
            case .bool: update(dst, with: src, Cast<From, Bool>())
            case .float16: update(dst, with: src, Cast<From, Float16>())
            case .bfloat16: update(dst, with: src, Cast<From, BFloat16>())
            case .int8: update(dst, with: src, Cast<From, Int8>())
            case .uint8: update(dst, with: src, Cast<From, UInt8>())
            case .int16: update(dst, with: src, Cast<From, Int16>())
            case .int32: update(dst, with: src, Cast<From, Int32>())
            }
        }
        switch src.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        case .float16: run(Float16.self)
        case .bfloat16: run(BFloat16.self)
        case .int8: run(Int8.self)
        case .uint8: run(UInt8.self)
        case .int16: run(Int16.self)
        case .int32: run(Int32.self)
        }
    }
}
