
/// Reductions. Float32 data is summed in SIMD blocks of float lanes, and block totals in double,
/// so that sums of millions of elements stay accurate (PyTorch uses a cascade sum for the same
/// reason); float64 sums in double; int64 and bool sum in wrapping int64.
extension Kernels {
    private static let block = 4096

    /// The sum of `n` contiguous floats, blocked SIMD accumulation.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, count n: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < n {
            let end = Swift.min(i &+ block, n)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var j = i
            while j &+ 16 <= end {
                acc0 += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
                acc1 += UnsafeRawPointer(p + (j &+ 8)).loadUnaligned(as: SIMD8<Float>.self)
                j &+= 16
            }
            var partial = (acc0 + acc1).sum()
            while j < end { partial += p[j]; j &+= 1 }
            total += Double(partial)
            i = end
        }
        return total
    }

    /// The float32 input and float64 totals of a reduction the vector loops compute (`K`'s
    /// `widened`, elements `T` Float, totals `A` Double), and which it is; nil for any other. The
    /// checks are on types, so each specialisation keeps one branch.
    @inline(__always)
    static func widenedOperands<K: AccumulationKernel, T, A>(_: K.Type, _ x: UnsafePointer<T>, _ totals: UnsafeMutablePointer<A>)
        -> (UnsafePointer<Float>, UnsafeMutablePointer<Double>, WidenedReduction)? {
        guard let kind = K.widened, T.self == Float.self, A.self == Double.self else { return nil }
        return (UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(totals).assumingMemoryBound(to: Double.self), kind)
    }

    /// `count` rows of `n` contiguous floats, `stride` apart, each reduced by `kind` into its
    /// float64 total, `totalStride` apart (`CPUCapability.widened`).
    @inline(__always)
    static func widenedRows(_ kind: WidenedReduction, _ x: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ n: Int,
                            _ totals: UnsafeMutablePointer<Double>, _ totalStride: Int) {
        if kind == .products {
            CPUCapability.widened.products(x, count, stride, n, totals, totalStride)
        } else {
            CPUCapability.widened.sums(x, count, stride, n, totals, totalStride, kind == .squares)
        }
    }

    /// The sum of `n` contiguous doubles.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Double>, count n: Int) -> Double {
        var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
        var i = 0
        while i &+ 8 <= n {
            acc0 += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
            acc1 += UnsafeRawPointer(p + (i &+ 4)).loadUnaligned(as: SIMD4<Double>.self)
            i &+= 8
        }
        var total = (acc0 + acc1).sum()
        while i < n { total += p[i]; i &+= 1 }
        return total
    }

    /// The inner product of `n` floats read with strides, blocked SIMD accumulation when both
    /// strides are 1.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ sx: Int, _ y: UnsafePointer<Float>, _ sy: Int, count n: Int) -> Double {
        var total = 0.0
        if sx == 1 && sy == 1 {
            var i = 0
            while i < n {
                let end = Swift.min(i &+ block, n)
                var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
                var j = i
                while j &+ 16 <= end {
                    let a0 = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
                    let b0 = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<Float>.self)
                    let a1 = UnsafeRawPointer(x + (j &+ 8)).loadUnaligned(as: SIMD8<Float>.self)
                    let b1 = UnsafeRawPointer(y + (j &+ 8)).loadUnaligned(as: SIMD8<Float>.self)
                    acc0 = acc0.addingProduct(a0, b0)
                    acc1 = acc1.addingProduct(a1, b1)
                    j &+= 16
                }
                var partial = (acc0 + acc1).sum()
                while j < end { partial += x[j] * y[j]; j &+= 1 }
                total += Double(partial)
                i = end
            }
            return total
        }
        for i in 0..<n { total += Double(x[i &* sx]) * Double(y[i &* sy]) }
        return total
    }

    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ sx: Int, _ y: UnsafePointer<Double>, _ sy: Int, count n: Int) -> Double {
        var acc = SIMD4<Double>(), total = 0.0
        var i = 0
        if sx == 1 && sy == 1 {
            while i &+ 4 <= n {
                acc = acc.addingProduct(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self),
                                        UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self))
                i &+= 4
            }
            total = acc.sum()
        }
        while i < n { total += x[i &* sx] * y[i &* sy]; i &+= 1 }
        return total
    }

    @inline(__always)
    static func dot(_ x: UnsafePointer<Int64>, _ sx: Int, _ y: UnsafePointer<Int64>, _ sy: Int, count n: Int) -> Int64 {
        var total: Int64 = 0
        for i in 0..<n { total &+= x[i &* sx] &* y[i &* sy] }
        return total
    }

    /// The sum of every element of `a` as a new 0-d tensor: float tensors keep their dtype,
    /// int64 and bool give int64.
    static func sumAll(_ a: Tensor) throws -> Tensor {
        if a.dtype.compute != a.dtype {  // float16, bfloat16: in float32, rounded back; integers: int64
            let total = try sumAll(a.to(a.dtype.compute, recording: false))
            return a.dtype.isFloatingPoint ? try total.to(a.dtype, recording: false) : total
        }
        switch a.dtype {
        case .float32:
            let p = a.pointer(Float.self)
            var total = 0.0
            if a.isContiguous {
                let base = p + a.storageOffset
                total = Parallel.mapRanges(a.count) { r in sum(base + r.lowerBound, count: r.count) }.reduce(0, +)
            } else {
                forEachRow(of: a) { off, n, s in
                    if s == 1 { total += sum(p + off, count: n) } else { for i in 0..<n { total += Double(p[off &+ i &* s]) } }
                }
            }
            return try Tensor(scalar: Float(total))
        case .float64:
            let p = a.pointer(Double.self)
            var total = 0.0
            forEachRow(of: a) { off, n, s in
                if s == 1 { total += sum(p + off, count: n) } else { for i in 0..<n { total += p[off &+ i &* s] } }
            }
            return try Tensor(scalar: total)
        case .int64:
            let p = a.pointer(Int64.self)
            var total: Int64 = 0
            forEachRow(of: a) { off, n, s in for i in 0..<n { total &+= p[off &+ i &* s] } }
            return try Tensor(scalar: total)
        case .bool:
            let p = a.pointer(Bool.self)
            var total: Int64 = 0
            forEachRow(of: a) { off, n, s in for i in 0..<n where p[off &+ i &* s] { total &+= 1 } }
            return try Tensor(scalar: total)
        default:
            throw SwiftGradError.internal("sumAll reached the kernel with \(a.dtype)")
        }
    }

    /// The inner product of two 1-d tensors of one dtype (checked by the caller), as a 0-d tensor.
    static func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.dtype.compute != a.dtype && a.dtype != .bool {  // in float32 / int64, rounded back
            let compute = a.dtype.compute
            return try dot(a.to(compute, recording: false), b.to(compute, recording: false)).to(a.dtype, recording: false)
        }
        let n = a.count, sa = a.strides.first ?? 1, sb = b.strides.first ?? 1
        switch a.dtype {
        case .float32:
            let x = a.pointer(Float.self) + a.storageOffset, y = b.pointer(Float.self) + b.storageOffset
            return try Tensor(scalar: Float(dot(x, sa, y, sb, count: n)))
        case .float64:
            let x = a.pointer(Double.self) + a.storageOffset, y = b.pointer(Double.self) + b.storageOffset
            return try Tensor(scalar: dot(x, sa, y, sb, count: n))
        case .int64:
            let x = a.pointer(Int64.self) + a.storageOffset, y = b.pointer(Int64.self) + b.storageOffset
            return try Tensor(scalar: dot(x, sa, y, sb, count: n))
        default:
            throw SwiftGradError.dtype("\"dot\" not implemented for '\(a.dtype.scalarTypeName)'")
        }
    }

    /// The sum of squares of every element of a floating tensor, in double.
    static func sumOfSquares(_ a: Tensor) -> Double {
        var total = 0.0
        switch a.dtype {
        case .float32:
            let p = a.pointer(Float.self)
            forEachRow(of: a) { off, n, s in total += dot(p + off, s, p + off, s, count: n) }
        case .float64:
            let p = a.pointer(Double.self)
            forEachRow(of: a) { off, n, s in total += dot(p + off, s, p + off, s, count: n) }
        default:  // float16, bfloat16 (callers pass floating tensors)
            func run<T: TensorElement>(_: T.Type) {
                let p = a.pointer(T.self)
                forEachRow(of: a) { off, n, s in
                    for i in 0..<n { let v = p[off &+ i &* s].doubleValue; total += v * v }
                }
            }
            run(a.dtype.elementType)
        }
        return total
    }

    /// Combines `a`'s elements over the dimensions flagged in `reduced` with `K` (sum or
    /// product), into a new contiguous tensor of shape `keptShape` (the input shape with reduced
    /// sizes set to 1). Floats accumulate in double (float32 sums over an outer dimension with
    /// unit strides through partial sums of eight rows in float lanes); int64 and bool in int64.
    static func accumulate<K: AccumulationKernel>(_: K.Type, _ a: Tensor, reduced: [Bool], keptShape: [Int]) throws -> Tensor {
        if a.dtype.compute != a.dtype {  // float16, bfloat16: in float32, rounded back; integers: int64
            let out = try accumulate(K.self, a.to(a.dtype.compute, recording: false), reduced: reduced, keptShape: keptShape)
            return a.dtype.isFloatingPoint ? try out.to(a.dtype, recording: false) : out
        }
        var outStrides = Shape.contiguousStrides(keptShape)
        for d in 0..<reduced.count where reduced[d] { outStrides[d] = 0 }
        let loop = RowLoop(shape: a.shape, operandStrides: [outStrides, a.strides])
        let starts = [0, a.storageOffset]

        // Both inlined, so that the loops the threads run are specialised (a generic local function
        // called from the concurrent closure ran unspecialised, ten times slower).
        @inline(__always)
        func run<T: TensorElement, A: NumericElement>(_: T.Type, into acc: UnsafeMutablePointer<A>) {
            let p = a.pointer(T.self)
            // Floats to double, int64 and bool to int64, then the kernel's term (a closure here
            // would be called per element).
            @inline(__always) func widen(_ x: T) -> A { K.term(A(wide: x.wide)) }
            @inline(__always)
            func rows(_ loop: RowLoop, _ starts: [Int], into target: UnsafeMutablePointer<A>) {
                let sizes = loop.sizes, st = loop.strides  // st[d * 2 + k]: operand k (totals, input) along d
                if sizes.count == 2 && st[0] == 0 && st[2] == 1 && st[3] == 1 {
                    // A reduction over the outer of two dimensions, unit strides along the inner:
                    // four input rows per pass over the row of totals, so the totals are read and
                    // written a quarter as often.
                    let count = sizes[1], step = st[1], o = target + starts[0]
                    if case let (x, totals, kind)? = Kernels.widenedOperands(K.self, p + starts[1], o), kind != .products {
                        CPUCapability.widened.addRows(x, sizes[0], step, count, totals, kind == .squares)
                        return
                    }
                    var x = p + starts[1], r = 0
                    while r &+ 4 <= sizes[0] {
                        let x1 = x + step, x2 = x1 + step, x3 = x2 + step
                        for i in 0..<count {
                            o[i] = K.combine(o[i], K.combine(K.combine(widen(x[i]), widen(x1[i])),
                                                             K.combine(widen(x2[i]), widen(x3[i]))))
                        }
                        x = x3 + step
                        r &+= 4
                    }
                    while r < sizes[0] {
                        for i in 0..<count { o[i] = K.combine(o[i], widen(x[i])) }
                        x += step
                        r &+= 1
                    }
                    return
                }
                if sizes.count == 2 && st[2] == 0 && st[3] == 1,
                   case let (x, totals, kind)? = Kernels.widenedOperands(K.self, p + starts[1], target + starts[0]) {
                    // A float32 sum or product over the inner of two dimensions, unit stride
                    // along it: every row in one call.
                    Kernels.widenedRows(kind, x, sizes[0], st[1], sizes[1], totals, st[0])
                    return
                }
                loop.forEachRow(starts: starts) { n, off, step in
                    let o = target + off[0], x = p + off[1], so = step[0], sx = step[1]
                    if so == 0, sx == 1, case let (x, total, kind)? = Kernels.widenedOperands(K.self, x, o) {
                        Kernels.widenedRows(kind, x, 1, 0, n, total, 0)
                    } else if so == 0 {
                        // Four running totals, so that the loop is not one long dependency chain
                        // (and vectorises).
                        var s0: A = K.identity(), s1: A = K.identity(), s2: A = K.identity(), s3: A = K.identity()
                        var i = 0
                        while i &+ 4 <= n {
                            s0 = K.combine(s0, widen(x[i &* sx]))
                            s1 = K.combine(s1, widen(x[(i &+ 1) &* sx]))
                            s2 = K.combine(s2, widen(x[(i &+ 2) &* sx]))
                            s3 = K.combine(s3, widen(x[(i &+ 3) &* sx]))
                            i &+= 4
                        }
                        while i < n { s0 = K.combine(s0, widen(x[i &* sx])); i &+= 1 }
                        o[0] = K.combine(o[0], K.combine(K.combine(s0, s1), K.combine(s2, s3)))
                    } else if so == 1 && sx == 1 {
                        // A row of totals beside a row of input (a reduction over an outer
                        // dimension): unit strides, so that the loop vectorises.
                        if case let (x, totals, kind)? = Kernels.widenedOperands(K.self, x, o), kind != .products {
                            CPUCapability.widened.addRows(x, 1, 0, n, totals, kind == .squares)
                        } else {
                            for i in 0..<n { o[i] = K.combine(o[i], widen(x[i])) }
                        }
                    } else {
                        for i in 0..<n { o[i &* so] = K.combine(o[i &* so], widen(x[i &* sx])) }
                    }
                }
            }
            // Large inputs split across cores over the outermost merged dimension: each piece
            // writes its own totals when that dimension is kept; when it is reduced, pieces after
            // the first total into buffers of their own, combined in piece order afterwards (so
            // the result does not depend on timing).
            let outCount = Shape.count(keptShape), outer = loop.outerCount
            let pieces = Swift.min(Parallel.pieces(a.count), outer)
            let keptOuter = loop.outerStride(0) != 0
            if pieces <= 1 || (!keptOuter && outCount &* pieces > a.count) {
                rows(loop, starts, into: acc)
                return
            }
            let partials = keptOuter ? 0 : outCount * (pieces - 1)
            let buffer = UnsafeMutablePointer<A>.allocate(capacity: Swift.max(partials, 1))
            defer { buffer.deallocate() }
            buffer.initialize(repeating: K.identity(), count: partials)
            Parallel.run(pieces) { k in
                let part = loop.slicingOuter(outer * k / pieces ..< outer * (k + 1) / pieces, starts: starts)
                rows(part.loop, part.starts, into: keptOuter || k == 0 ? acc : buffer + (k - 1) * outCount)
            }
            for k in 0..<(keptOuter ? 0 : pieces - 1) {
                let partial = buffer + k * outCount
                for i in 0..<outCount { acc[i] = K.combine(acc[i], partial[i]) }
            }
        }

        func start<A: NumericElement>(_: A.Type, _ dtype: DType) throws -> Tensor {
            let out = try Tensor.empty(keptShape, dtype)
            let p = out.pointer(A.self)
            for i in 0..<out.count { p[i] = K.identity() }
            return out
        }
        switch a.dtype {
        case .float32 where K.isExactInFloat32:
            let out = try start(Float.self, .float32)
            run(Float.self, into: out.pointer(Float.self))
            return out
        case .float32:
            let wide = try start(Double.self, .float64)
            run(Float.self, into: wide.pointer(Double.self))
            return try wide.to(.float32, recording: false)
        case .float64:
            let out = try start(Double.self, .float64)
            run(Double.self, into: out.pointer(Double.self))
            return out
        case .int64:
            let out = try start(Int64.self, .int64)
            run(Int64.self, into: out.pointer(Int64.self))
            return out
        case .bool:
            let out = try start(Int64.self, .int64)
            run(Bool.self, into: out.pointer(Int64.self))
            return out
        default:
            throw SwiftGradError.internal("accumulate reached the kernel with \(a.dtype)")
        }
    }

    /// Calls `body(offsets, steps)` once for every 1-d lane of the index space `shape` along
    /// `dim`: `offsets[k]` is operand k's offset of the lane's first element and `steps[k]` its
    /// stride along the lane (whose length is `shape[dim]`). Operands give strides over `shape`.
    static func forEachLane(shape: [Int], dim: Int, operands: [(strides: [Int], offset: Int)],
                            _ body: (UnsafePointer<Int>, UnsafePointer<Int>) -> Void) {
        var outer = shape
        outer[dim] = 1
        let count = operands.count
        let steps = operands.map { $0.strides[dim] }
        var lane = [Int].filled(0, count: count)
        steps.withUnsafeBufferPointer { st in
            lane.withUnsafeMutableBufferPointer { ln in
                RowLoop(shape: outer, operandStrides: operands.map(\.strides))
                    .forEachRow(starts: operands.map(\.offset)) { n, off, step in
                        for i in 0..<n {
                            for k in 0..<count { ln[k] = off[k] &+ i &* step[k] }
                            body(UnsafePointer(ln.baseAddress!), st.baseAddress!)
                        }
                    }
            }
        }
    }

    /// Calls `body(offset, count, stride)` for each row of `a`'s elements.
    @inline(__always)
    private static func forEachRow(of a: Tensor, _ body: (Int, Int, Int) -> Void) {
        if a.isContiguous {
            if a.count > 0 { body(a.storageOffset, a.count, 1) }
            return
        }
        RowLoop(shape: a.shape, operandStrides: [a.strides])
            .forEachRow(starts: [a.storageOffset]) { n, off, step in body(off[0], n, step[0]) }
    }
}

/// How `Kernels.accumulate` combines elements: sum, sum of squares, product, max or min.
protocol AccumulationKernel {
    static func identity<A: NumericElement>() -> A
    static func combine<A: NumericElement>(_ a: A, _ b: A) -> A
    /// What an element, widened to the totals' type, contributes: itself but for a sum of squares.
    static func term<A: NumericElement>(_ a: A) -> A
    /// Whether float32 gives the same result as float64 would (max, min: no rounding), so
    /// float32 input needs no float64 totals.
    static var isExactInFloat32: Bool { get }
    /// Which float32 vector loops into float64 totals (`CPUCapability.widened`) compute this
    /// reduction, if any do.
    static var widened: WidenedReduction? { get }
}

/// The float32 vector loops into float64 totals (`CPUCapability.widened`): sums of the
/// elements or of their float32 squares, or products (over the last dimension only).
enum WidenedReduction {
    case sums, squares, products
}

extension AccumulationKernel {
    @inline(__always) static func term<A: NumericElement>(_ a: A) -> A { a }
    static var isExactInFloat32: Bool { false }
    static var widened: WidenedReduction? { nil }
}

enum SumAccumulation: AccumulationKernel {
    static var widened: WidenedReduction? { .sums }
    @inline(__always) static func identity<A: NumericElement>() -> A { A.zero }
    @inline(__always) static func combine<A: NumericElement>(_ a: A, _ b: A) -> A { A.add(a, b) }
}

/// The sum of squares of a 2-norm, without a tensor of squares. Float32 elements are squared in
/// float32 where the vector loops read them (the bits of `x * x` and then a sum), in the float64
/// totals elsewhere (strided rows; no less accurate).
enum SumOfSquaresAccumulation: AccumulationKernel {
    static var widened: WidenedReduction? { .squares }
    @inline(__always) static func identity<A: NumericElement>() -> A { A.zero }
    @inline(__always) static func term<A: NumericElement>(_ a: A) -> A { A.mul(a, a) }
    @inline(__always) static func combine<A: NumericElement>(_ a: A, _ b: A) -> A { A.add(a, b) }
}

enum ProdAccumulation: AccumulationKernel {
    static var widened: WidenedReduction? { .products }
    @inline(__always) static func identity<A: NumericElement>() -> A { A.one }
    @inline(__always) static func combine<A: NumericElement>(_ a: A, _ b: A) -> A { A.mul(a, b) }
}

/// Max, propagating NaN: once a NaN is seen it stays.
enum MaxAccumulation: AccumulationKernel {
    static var isExactInFloat32: Bool { true }
    @inline(__always) static func identity<A: NumericElement>() -> A { A.lowest }
    @inline(__always) static func combine<A: NumericElement>(_ a: A, _ b: A) -> A { (b > a || b != b) ? b : a }
}

/// Min, propagating NaN.
enum MinAccumulation: AccumulationKernel {
    static var isExactInFloat32: Bool { true }
    @inline(__always) static func identity<A: NumericElement>() -> A { A.highest }
    @inline(__always) static func combine<A: NumericElement>(_ a: A, _ b: A) -> A { (b < a || b != b) ? b : a }
}
