import Foundation
import Testing
@testable import SwiftGrad

/// The kernels' separate paths give the same answers as the plain ones: tiled copies of
/// transposed views, work split across cores, casts, and reductions with several accumulators.
@Suite struct KernelTests {
    /// Element (indices) of `t`, read through its strides.
    func element(_ t: Tensor, _ index: [Int]) -> Double {
        var offset = t.storageOffset
        for (i, s) in zip(index, t.strides) { offset += i * s }
        return t.doubleValue(atOffset: offset)
    }

    @Test func transposedCopiesGoTileByTileAndKeepEveryElement() throws {
        // Sizes that are not multiples of the tile, in 2-d and with a batch dimension.
        for shape in [[37, 45], [3, 70, 33], [8, 8]] {
            let a = try Tensor.arange(0, Double(Shape.count(shape)), dtype: .float32).reshape(shape)
            let t = try a.transpose(shape.count - 2, shape.count - 1)
            let c = try t.contiguous()
            #expect(c.isContiguous && c.shape == t.shape)
            let expected = try t.scalars(as: Float.self)  // reads through strides, element by element
            #expect(try c.scalars(as: Float.self) == expected)
            let last = t.shape.map { $0 - 1 }
            #expect(element(c, last) == element(a, Array(last[0..<(last.count - 2)]) + [last[last.count - 1], last[last.count - 2]]))
            // A cast on the way (float32 to float64) takes the same path.
            #expect(try t.to(.float64).scalars(as: Double.self) == expected.map(Double.init))
        }
    }

    /// float32 products with a small inner size (the vector loop where AVX2 runs, BLAS
    /// elsewhere), split over threads or not, with b as it is or transposed (packed first), and
    /// backward through them, against the same products in float64 (BLAS's dgemm).
    @Test func smallInnerProductsAgreeWithFloat64() throws {
        for (m, k, n) in [(256, 10, 512), (512, 16, 700), (300, 1, 33), (5, 3, 40), (1000, 2, 9), (37, 17, 64)] {
            let a = try Tensor.randn([m, k]), b = try Tensor.randn([k, n])
            let want = try a.to(.float64).matmul(b.to(.float64)).scalars(as: Double.self)
            for (layout, operand) in [("b", b), ("b stored transposed", try b.t().contiguous().t())] {
                let got = try a.matmul(operand).scalars(as: Float.self).map(Double.init)
                expectClose(got, want, tolerance: 1e-5, "[\(m), \(k)] @ [\(k), \(n)], \(layout)")
            }
            // Backward: d(a @ b)/da = g @ b^T (inner size n), d/db = a^T @ g (inner size m).
            let x = try a.detach().requiringGrad(), g = try Tensor.randn([n, m]).t()
            try x.matmul(b).backward(g)
            let gradWant = try g.to(.float64).matmul(b.to(.float64).t()).scalars(as: Double.self)
            // Inner size n: up to 700 float32 products of about 1 in each sum.
            expectClose(try x.grad!.scalars(as: Float.self).map(Double.init), gradWant, tolerance: 1e-4, "grad of a, [\(m), \(k)]")
        }
    }

    /// float32 softmax and log_softmax over the last dimension of contiguous tensors (the vector
    /// exp, over blocks of rows) agree with the same in float64: lengths around the eight-lane
    /// vector and past a block; rows from an offset; dim 0 of a transposed view (the general
    /// loop); infinities and NaN.
    @Test func floatSoftmaxRowsAgreeWithFloat64() throws {
        let ops: [(String, (Tensor, Int) throws -> Tensor)] = [("softmax", { try $0.softmax(dim: $1) }),
                                                               ("log_softmax", { try $0.logSoftmax(dim: $1) })]
        let inf = Float.infinity
        let special = try Tensor([0, -inf, 1, 2, -inf, -inf, -inf, -inf, inf, 0, 1, 2, .nan, 0, 1, 2, -200, 0, 80, 1] as [Float],
                                 shape: [5, 4])
        for (name, op) in ops {
            for length in [1, 2, 7, 8, 9, 10, 17, 100, 1000, 3000] {
                let x = try Tensor.randn([5, length]).mul(4)
                let want = try op(x.to(.float64), 1).scalars(as: Double.self)
                expectClose(try op(x, 1).scalars(as: Float.self).map(Double.init), want, tolerance: 1e-6, "\(name), length \(length)")
                expectClose(try op(x.t(), 0).t().contiguous().scalars(as: Float.self).map(Double.init), want, tolerance: 1e-6,
                            "\(name) over dim 0 of the transposed view, length \(length)")
                // Rows 1-4: contiguous, from an offset into the storage.
                expectClose(try op(x.narrow(dim: 0, start: 1, length: 4), 1).scalars(as: Float.self).map(Double.init),
                            Array(want[length...]), tolerance: 1e-6, "\(name) of rows 1-4, length \(length)")
            }
            expectClose(try op(special, 1).scalars(as: Float.self).map(Double.init),
                        try op(special.to(.float64), 1).scalars(as: Double.self), tolerance: 1e-6, "\(name), special values")
        }
    }

    /// softmax's and log_softmax's backward over the last dimension of contiguous float32
    /// tensors (one vector pass per row, the rows split over threads when there are many) agree
    /// with the backward in float64, and with the recorded formula that create_graph uses; the
    /// incoming gradient fresh from mul's backward (written over) or held by the caller (not).
    @Test func floatSoftmaxBackwardRowsAgreeWithFloat64() throws {
        let ops: [(String, (Tensor) throws -> Tensor)] = [("softmax", { try $0.softmax(dim: -1) }),
                                                          ("log_softmax", { try $0.logSoftmax(dim: -1) })]
        for (name, op) in ops {
            for (rows, length) in [(5, 1), (5, 7), (5, 8), (5, 10), (3, 17), (4, 1000), (120, 1000)] {
                let x = try Tensor.randn([rows, length]).mul(3).requiringGrad()
                let x64 = try x.detach().to(.float64).requiringGrad()
                let weights = try Tensor.randn([rows, length])
                let held = try Tensor.randn([rows, length]), heldValues = try held.scalars(as: Float.self)
                let grads = try Autograd.grad([op(x).mul(weights).sum()], [x])[0]!
                let want = try Autograd.grad([op(x64).mul(weights.to(.float64)).sum()], [x64])[0]!.scalars(as: Double.self)
                expectClose(try grads.scalars(as: Float.self).map(Double.init), want, tolerance: 1e-5,
                            "\(name) [\(rows), \(length)], fresh gradient")
                let recorded = try Autograd.grad([op(x).mul(weights).sum()], [x], createGraph: true)[0]!
                expectClose(try recorded.scalars(as: Float.self).map(Double.init), want, tolerance: 1e-5,
                            "\(name) [\(rows), \(length)], recorded formula")
                let fromHeld = try Autograd.grad([op(x)], [x], gradOutputs: [held])[0]!
                let wantHeld = try Autograd.grad([op(x64)], [x64], gradOutputs: [held.to(.float64)])[0]!.scalars(as: Double.self)
                expectClose(try fromHeld.scalars(as: Float.self).map(Double.init), wantHeld, tolerance: 1e-5,
                            "\(name) [\(rows), \(length)], gradient held by the caller")
                #expect(try held.scalars(as: Float.self) == heldValues, "\(name): the caller's gradient is left as it was")
            }
        }
    }

    /// softmax and log_softmax of contiguous float32 tensors over a dimension before the last
    /// (vector passes over groups of up to 256 columns, split over threads) agree with the
    /// float64 ops, forward and backward (gradient fresh, held by the caller, and recorded):
    /// groups with a tail, a single group, a size-1 rest (the row loop), and columns holding a
    /// NaN, an infinity or only -inf.
    @Test func floatSoftmaxOverEarlierDimensionsAgreesWithFloat64() throws {
        let ops: [(String, (Tensor, Int) throws -> Tensor)] = [("softmax", { try $0.softmax(dim: $1) }),
                                                               ("log_softmax", { try $0.logSoftmax(dim: $1) })]
        let cases: [([Int], Int)] = [([7, 3, 600], 1), ([64, 1000], 0), ([5, 37, 11], 0), ([5, 37, 11], 1), ([4, 9, 1], 1),
                                     ([2, 300, 3], 0)]
        for (name, op) in ops {
            for (shape, dim) in cases {
                var values = try Tensor.randn(shape).mul(3).scalars(as: Float.self)
                if shape == [64, 1000] {  // column 3: a NaN; column 5: +inf; column 7: only -inf
                    values[10 * 1000 + 3] = .nan
                    values[20 * 1000 + 5] = .infinity
                    for r in 0..<64 { values[r * 1000 + 7] = -.infinity }
                }
                let x = try Tensor(values, shape: shape).requiringGrad()
                let x64 = try x.detach().to(.float64).requiringGrad()
                let what = "\(name) of \(shape) over \(dim)"
                expectClose(try op(x, dim).scalars(as: Float.self).map(Double.init), try op(x64, dim).scalars(as: Double.self),
                            tolerance: 2e-6, what)
                guard values.allSatisfy(\.isFinite) else { continue }
                let weights = try Tensor.randn(shape)
                let grads = try Autograd.grad([op(x, dim).mul(weights).sum()], [x])[0]!
                let want = try Autograd.grad([op(x64, dim).mul(weights.to(.float64)).sum()], [x64])[0]!.scalars(as: Double.self)
                expectClose(try grads.scalars(as: Float.self).map(Double.init), want, tolerance: 1e-5, "\(what), fresh gradient")
                let recorded = try Autograd.grad([op(x, dim).mul(weights).sum()], [x], createGraph: true)[0]!
                expectClose(try recorded.scalars(as: Float.self).map(Double.init), want, tolerance: 1e-5, "\(what), recorded")
                let held = try Tensor.randn(shape), heldValues = try held.scalars(as: Float.self)
                let fromHeld = try Autograd.grad([op(x, dim)], [x], gradOutputs: [held])[0]!
                let wantHeld = try Autograd.grad([op(x64, dim)], [x64], gradOutputs: [held.to(.float64)])[0]!.scalars(as: Double.self)
                expectClose(try fromHeld.scalars(as: Float.self).map(Double.init), wantHeld, tolerance: 1e-5, "\(what), held")
                #expect(try held.scalars(as: Float.self) == heldValues, "\(what): the caller's gradient is left as it was")
            }
        }
    }

    @Test func parallelRunCallsEveryPieceOnceFromAnyCaller() throws {
        // Each k in 0..<count exactly once, whatever the count; nested calls (run serially inside
        // a piece) and calls from several threads at once (one on the pool, the others alone).
        func hits(_ count: Int, _ run: (Int, (Int) -> Void) -> Void) -> [Int] {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(count, 1))
            defer { counts.deallocate() }
            counts.initialize(repeating: 0, count: Swift.max(count, 1))
            run(count) { k in counts[k] += 1 }
            return Array(UnsafeBufferPointer(start: counts, count: count))
        }
        for count in [0, 1, 2, 3, 7, 100] {
            #expect(hits(count) { Parallel.run($0, $1) } == [Int](repeating: 1, count: count))
        }
        let nested = hits(6) { count, body in
            Parallel.run(2) { outer in Parallel.run(3) { inner in body(outer * 3 + inner) } }
        }
        #expect(nested == [Int](repeating: 1, count: 6))
        let callers = 4
        let perCaller = UnsafeMutablePointer<[Int]>.allocate(capacity: callers)
        defer { perCaller.deinitialize(count: callers).deallocate() }
        perCaller.initialize(repeating: [], count: callers)
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            var all: [Int] = []
            for _ in 0..<50 { all += hits(9 + c) { Parallel.run($0, $1) } }
            perCaller[c] = all
        }
        for c in 0..<callers {
            #expect(perCaller[c] == [Int](repeating: 1, count: 50 * (9 + c)))
        }
    }

    @Test func largeElementwiseWorkSplitAcrossCoresMatchesSmallWork() throws {
        let n = 4 * Parallel.grain  // split across cores
        let x = try Tensor.arange(0, Double(n), dtype: .float64)
        let y = try x.mul(2).add(1)                           // scalar path
        let z = try x.add(x)                                  // tensor path
        let e = try x.div(Double(n)).exp()                    // unary path
        let yv = try y.scalars(as: Double.self), zv = try z.scalars(as: Double.self), ev = try e.scalars(as: Double.self)
        for i in [0, 1, n / 2 - 1, n / 2, n / 2 + 1, n - 1] {
            #expect(yv[i] == Double(2 * i + 1))
            #expect(zv[i] == Double(2 * i))
            #expect(ev[i] == Double.exp(Double(i) / Double(n)))
        }
        // Sums split across cores: exact for these integers.
        #expect(try x.sum().item() == Double(n) * Double(n - 1) / 2)
        let f = try x.to(.float32)
        #expect(try f.sum().item() == Double(n) * Double(n - 1) / 2)
        // In-place updates split too.
        try noGrad { _ = try x.add_(x) }
        #expect(try x.scalars(as: Double.self)[n - 1] == Double(2 * (n - 1)))
    }

    @Test func castsFollowPyTorch() throws {
        let values: [Double] = [-2.7, -0.5, 0, 0.5, 2.7, .nan, .infinity, 1e30]
        let d = try Tensor(values)
        #expect(try d.to(.int64).scalars(as: Int64.self) == [-2, 0, 0, 0, 2, .min, .min, .min])
        #expect(try d.to(.bool).scalars(as: Bool.self) == [true, true, false, true, true, true, true, true])
        #expect(try d.to(.float32).to(.int64).scalars(as: Int64.self) == [-2, 0, 0, 0, 2, .min, .min, .min])
        let b = try Tensor([true, false, true])
        #expect(try b.to(.float32).scalars(as: Float.self) == [1, 0, 1])
        #expect(try b.to(.int64).scalars(as: Int64.self) == [1, 0, 1])
        // int64 to float32 rounds once (not through float64).
        let big = try Tensor([Int64(16_777_217), Int64(9_007_199_254_740_993)])
        #expect(try big.to(.float32).scalars(as: Float.self) == [Float(Int64(16_777_217)), Float(Int64(9_007_199_254_740_993))])
    }

    /// float32 sums over the last dimension, an outer one, and both of a 3-d tensor (partial
    /// sums in float lanes, totals in float64), small and split over cores, row and column
    /// counts that leave remainders of four, eight and sixteen, and a transposed view (the
    /// general loop), against the float64 sum of the same values: within 1e-6 of the sum of
    /// their magnitudes (a dropped or repeated element is off by about one).
    @Test func floatSumsOverDimensionsAgreeWithFloat64() throws {
        func check(_ x: Tensor, _ dims: [Int], _ what: String) throws {
            let got = try x.sum(dims: dims).scalars(as: Float.self)
            let wide = try x.to(.float64)
            let want = try wide.sum(dims: dims).scalars(as: Double.self)
            let scale = try wide.abs().sum(dims: dims).scalars(as: Double.self)
            #expect(got.count == want.count)
            for (i, (g, w)) in zip(got, want).enumerated() {
                #expect(Swift.abs(Double(g) - w) <= 1e-6 * scale[i], "\(what)[\(i)]: \(g) vs \(w)")
            }
        }
        for shape in [[5, 1003], [7, 13], [3, 17, 6], [1, 4], [9, 1], [11, 4100], [700, 600]] {
            let x = try Tensor.randn(shape)
            for dims in [[shape.count - 1], [0], Array(0..<(shape.count - 1))] {
                try check(x, dims, "sum over \(dims) of \(shape)")
            }
            try check(x.transpose(0, shape.count - 1), [0], "sum over dim 0 of the transposed \(shape)")
        }
        // Rows that are not contiguous with each other, into totals side by side (sum over the
        // last dimension) and into one total (over both, which do not merge into one).
        let wide = try Tensor.randn([4100, 10])
        for length in [1, 6, 9] {
            let part = try wide.narrow(dim: 1, start: 1, length: length)
            try check(part, [1], "sum over dim 1 of \(length) of 10 columns")
            try check(part, [0, 1], "sum of \(length) of 10 columns")
        }
    }

    /// maximum, minimum, clamp and relu keep a NaN from either side (the first's when both are)
    /// and otherwise the larger or smaller element, the first at a tie; where picks over every pairing of dense values
    /// and single values (split over cores), and through the general loop (transposed operands):
    /// all against element-by-element picks, bit for bit.
    @Test func selectsAgreeWithElementByElementPicks() throws {
        let n = 3 * Parallel.grain + 5
        let av = (0..<n).map { i -> Float in i % 97 == 0 ? .nan : Float((i * 7919) % 1000) / 500 - 1 }
        let bv = (0..<n).map { i -> Float in i % 89 == 0 ? -.nan : Float((i * 104_729) % 1000) / 500 - 1 }
        let a = try Tensor(av), b = try Tensor(bv)
        func bits(_ t: Tensor) throws -> [UInt32] { try t.scalars(as: Float.self).map(\.bitPattern) }
        func pick(_ larger: Bool) -> [UInt32] {
            zip(av, bv).map { p, q in (p.isNaN ? p : (q.isNaN ? q : (larger ? (p >= q ? p : q) : (p <= q ? p : q)))).bitPattern }
        }
        #expect(try bits(a.maximum(b)) == pick(true))
        #expect(try bits(a.minimum(b)) == pick(false))
        #expect(try bits(a.clamp(min: 0.25)) == av.map { ($0.isNaN ? $0 : Swift.max($0, 0.25)).bitPattern })
        #expect(try bits(a.clamp(max: -0.25)) == av.map { ($0.isNaN ? $0 : Swift.min($0, -0.25)).bitPattern })
        #expect(try a.clamp(min: .nan).scalars(as: Float.self).allSatisfy(\.isNaN))
        // Both bounds in one pass; crossed bounds give max everywhere (NaN aside), as PyTorch's.
        #expect(try bits(a.clamp(min: -0.5, max: 0.5)) == av.map { ($0.isNaN ? $0 : Swift.min(Swift.max($0, -0.5), 0.5)).bitPattern })
        #expect(try bits(a.clamp(min: 0.5, max: -0.5)) == av.map { ($0.isNaN ? $0 : -0.5).bitPattern })
        #expect(try bits(a.clamp(min: Tensor.full([], 0.25, dtype: .float64), max: Tensor.full([], 1, dtype: .int64)))
                == bits(a.clamp(min: 0.25, max: 1)))
        // An int64 bound rounds to float32 once, as `to(.float32)`: through a double first,
        // 2^60 + 2^36 + 1 would round twice, to 2^60.
        let v: Int64 = 1 << 60 + 1 << 36 + 1
        #expect(Float(v) != Float(Double(v)))
        #expect(try a.clamp(min: Tensor([v]), max: nil).scalars(as: Float.self).allSatisfy { $0.isNaN || $0 == Float(v) })
        // A tie keeps the input: -0.0 stays -0.0 under clamp(min=0) and relu, as in PyTorch.
        let signed = try Tensor([Float(-0.0), 0, -1, 2, .nan])
        for clamped in [try signed.relu(), try signed.clamp(min: 0)] {
            #expect(try clamped.scalars(as: Float.self).prefix(4).map(\.bitPattern) == [Float(-0.0), 0, 0, 2].map(\.bitPattern))
            #expect(try clamped.scalars(as: Float.self)[4].isNaN)
        }
        // A single value of more dimensions broadcasts the result's shape.
        let raised = try a.maximum(Tensor.zeros([1, 1], dtype: .float32))
        #expect(raised.shape == [1, n])
        #expect(try bits(raised) == av.map { ($0.isNaN ? $0 : ($0 >= 0 ? $0 : 0)).bitPattern })
        let cv = av.map { $0 > 0 }, c = try Tensor(cv)
        let single = try Tensor.full([], 0.5, dtype: .float32), broadcast = try Tensor.full([1], -2, dtype: .float32).expand([n])
        for (x, xv) in [(a, av), (single, [Float](repeating: 0.5, count: n))] {
            for (y, yv) in [(b, bv), (broadcast, [Float](repeating: -2, count: n))] {
                let want = (0..<n).map { (cv[$0] ? xv[$0] : yv[$0]).bitPattern }
                #expect(try bits(Tensor.where(c, x, y)) == want)
            }
        }
        let rows = 5, columns = n / 5  // a transposed layout: the general loop
        let shaped = { (t: Tensor) throws -> Tensor in try t.narrow(dim: 0, start: 0, length: rows * columns).reshape([columns, rows]).t() }
        let general = try Tensor.where(shaped(c), shaped(a), shaped(b)).contiguous()
        let want = try Tensor.where(shaped(c).contiguous(), shaped(a).contiguous(), shaped(b).contiguous())
        #expect(try bits(general) == bits(want))
    }

    @Test func rowSumsWithSeveralAccumulatorsMatchAPlainSum() throws {
        let x = try Tensor.randn([5, 1003], dtype: .float64, generator: Generator(seed: 4))
        let rows = try x.sum(dims: [1]).scalars(as: Double.self)
        let values = try x.scalars(as: Double.self)
        for r in 0..<5 {
            let plain = values[(r * 1003)..<((r + 1) * 1003)].reduce(0, +)
            #expect(abs(rows[r] - plain) <= 1e-12 * max(1, abs(plain)))
        }
        let maxima = try x.amax(dims: [1]).scalars(as: Double.self)
        for r in 0..<5 { #expect(maxima[r] == values[(r * 1003)..<((r + 1) * 1003)].max()!) }
    }

    /// Sigmoid's and tanh's backward run in one pass unless the graph of the backward is
    /// recorded (create_graph); both forms give the same gradients, float32 and float64, and
    /// float16 (computed in float32) within its precision. With an expanded incoming gradient
    /// (the backward of sum) the gradient is the derivative, worked out here in float64.
    @Test func fusedSigmoidAndTanhBackwardEqualTheRecordedForm() throws {
        let derivatives: [(Tensor) throws -> Tensor] = [{ try $0.sigmoid() }, { try $0.tanh() }]
        let formulas: [(Double) -> Double] = [{ let s = 1 / (1 + Foundation.exp(-$0)); return s * (1 - s) },
                                              { let t = Foundation.tanh($0); return 1 - t * t }]
        for dtype in [DType.float32, .float64, .float16] {
            for (op, formula) in zip(derivatives, formulas) {
                let x = try Tensor.randn([5, 7]).mul(3).to(dtype)
                try x.setRequiresGrad(true)
                let weights = try Tensor.randn([7]).to(dtype)
                let fused = try Autograd.grad([op(x).mul(weights).sum()], [x])[0]!
                let recorded = try Autograd.grad([op(x).mul(weights).sum()], [x], createGraph: true)[0]!
                let tolerance = dtype == .float16 ? 5e-3 : 0
                expectClose(try fused.to(.float64).scalars(as: Double.self), try recorded.to(.float64).scalars(as: Double.self),
                            tolerance: tolerance, "\(dtype)")
                let plain = try Autograd.grad([op(x).sum()], [x])[0]!
                let want = try x.to(.float64).scalars(as: Double.self).map(formula)
                expectClose(try plain.to(.float64).scalars(as: Double.self), want,
                            tolerance: dtype == .float64 ? 1e-12 : (dtype == .float32 ? 1e-6 : 5e-3), "\(dtype) derivative")
            }
        }
    }

    /// A small storage whose last tensor goes is handed out again by the same thread, with the
    /// new dtype and count, version 0 and (when asked) zeros; one still referenced is not.
    @Test func smallStoragesAreHandedOutAgain() throws {
        var first: Tensor? = try Tensor.full([3], 5, dtype: .float64)
        try first!.add_(1)
        #expect(first!.storage.version == 1)
        let address = ObjectIdentifier(first!.storage)
        var kept: Tensor? = try Tensor.full([2], 1, dtype: .float64)
        let keptAddress = ObjectIdentifier(kept!.storage)
        let alias = kept!.detach()  // shares the storage: not kept by the pool when `kept` goes
        kept = nil
        first = nil
        let again = try Tensor.zeros([6], dtype: .int32)  // 3 words, as 3 float64
        #expect(ObjectIdentifier(again.storage) == address)
        #expect(again.storage.version == 0 && again.dtype == .int32 && again.storage.count == 6)
        #expect(try again.scalars(as: Int32.self) == [0, 0, 0, 0, 0, 0])
        let other = try Tensor.zeros([2], dtype: .float64)
        #expect(ObjectIdentifier(other.storage) != keptAddress)
        #expect(try alias.scalars(as: Double.self) == [1, 1])
    }
}
