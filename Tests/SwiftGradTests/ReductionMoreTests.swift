import Testing
@testable import SwiftGrad

/// The reductions family: scans, sorting and selection, quantiles, the other reductions, unique,
/// histograms, searching and torch.masked. Every backward against float64 finite differences;
/// second orders with gradgradcheck; values and tie-breaking against figures PyTorch 2.15 prints
/// for the same calls (quoted beside each); errors with PyTorch's messages.
@Suite struct ReductionMoreTests {
    private func doubles(_ t: Tensor) throws -> [Double] { try t.to(.float64).scalars(as: Double.self) }
    private func ints(_ t: Tensor) throws -> [Int64] { try t.scalars(as: Int64.self) }
    private func vector(_ values: [Double]) throws -> Tensor { try Tensor(values, shape: [values.count]) }
    private func float32(_ values: [Float]) throws -> Tensor { try Tensor(values, shape: [values.count]) }

    // MARK: Gradients against finite differences

    @Test func scanGradients() throws {
        try checkGradients([[3, 4]]) { try $0[0].cumsum(dim: 1) }
        try checkGradients([[3, 4]]) { try $0[0].cumsum(dim: 0) }
        try checkGradients([[]]) { try $0[0].cumsum(dim: 0) }
        try checkGradients([[3, 4]]) { try $0[0].cumprod(dim: 1) }
        try checkGradients([[4, 2]]) { try $0[0].cumprod(dim: 0) }
        try checkGradients([[3, 4]]) { try $0[0].logcumsumexp(dim: 1) }
        try checkGradients([[5]]) { try $0[0].mul(20).logcumsumexp(dim: 0) }
        try checkGradients([[3, 4]]) { try $0[0].cummax(dim: 1).values }
        try checkGradients([[3, 4]]) { try $0[0].cummin(dim: 0).values }
    }

    @Test func cumprodGradientWithZeros() throws {
        // Zeros in the input of cumprod, put there by a constant mask: the first zero of a lane
        // gets the products that skip it, later elements nothing.
        let mask = try Tensor([1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1] as [Double], shape: [3, 5])
        try checkGradients([[3, 5]]) { try $0[0].mul(mask).cumprod(dim: 1) }
        let column = try Tensor([0, 1, 1, 1] as [Double], shape: [4, 1])
        try checkGradients([[4, 3]]) { try $0[0].mul(column).cumprod(dim: 0) }
    }

    @Test func selectionGradients() throws {
        try checkGradients([[3, 5]]) { try $0[0].sort(dim: 1).values }
        try checkGradients([[3, 5]]) { try $0[0].sort(dim: 0, descending: true, stable: true).values }
        try checkGradients([[20]]) { try $0[0].sort().values }
        try checkGradients([[3, 5]]) { try $0[0].msort() }
        try checkGradients([[3, 6]]) { try $0[0].topk(2, dim: 1).values }
        try checkGradients([[70]]) { try $0[0].topk(1, largest: false).values }   // partial_sort path
        try checkGradients([[3, 5]]) { try $0[0].kthvalue(2, dim: 1, keepdim: true).values }
        try checkGradients([[4, 3]]) { try $0[0].median(dim: 0).values }
        try checkGradients([[4, 3]]) { try $0[0].median() }
        try checkGradients([[4, 3]]) { try $0[0].mode(dim: 1).values }
    }

    @Test func nanIgnoringGradients() throws {
        let holes = try Tensor([0, .nan, 0, 0, 0, .nan] as [Double], shape: [2, 3])
        try checkGradients([[2, 3]]) { try $0[0].add(holes).nanmedian(dim: 1).values }
        try checkGradients([[2, 3]]) { try $0[0].add(holes).nanmedian() }
        try checkGradients([[2, 3]]) { try $0[0].add(holes).nansum(dims: [1]) }
        try checkGradients([[2, 3]]) { try $0[0].add(holes).nanmean(dims: [0], keepdim: true) }
        try checkGradients([[2, 3]]) { try $0[0].add(holes).nanquantile(Tensor.scalar(0.4), dim: 1) }
    }

    @Test func quantileGradients() throws {
        // Gradients reach the input and, through the linear weights, q itself.
        try checkGradients([[3, 4], [2]]) { x in
            try x[0].quantile(x[1].sigmoid(), dim: 1, keepdim: true)
        }
        try checkGradients([[5]]) { try $0[0].quantile(Tensor.scalar(0.3)) }
        try checkGradients([[2, 5]]) { try $0[0].quantile(Tensor.scalar(0.3), dim: 1, interpolation: .midpoint) }
        try checkGradients([[2, 5]]) { try $0[0].quantile(Tensor.scalar(0.6), dim: 0, interpolation: .nearest) }
    }

    @Test func otherReductionGradients() throws {
        try checkGradients([[3, 4]]) { try $0[0].aminmax(dim: 1).min }
        try checkGradients([[3, 4]]) { try $0[0].aminmax().max }
        try checkGradients([[3, 4]]) { x in let (v, m) = try x[0].varMean(dims: [1], correction: 0.5); return try v.add(m.mul(3)) }
        try checkGradients([[3, 4]]) { x in let (s, m) = try x[0].stdMean(dims: [], keepdim: true); return try s.add(m.mul(3)) }
        try checkGradients([[2, 3], [3]]) { try $0[0].dist($0[1], p: 3) }
        try checkGradients([[2, 3], [2, 3]]) { try $0[0].dist($0[1]) }
        try checkGradients([[3, 4]]) { try $0[0].renorm(p: 2, dim: 0, maxnorm: 0.5) }
        try checkGradients([[3, 4]]) { try $0[0].renorm(p: 1.5, dim: 1, maxnorm: 1.2) }
        try checkGradients([[3, 4]]) { try $0[0].trace() }
        try checkGradients([[4, 3], [1, 3]]) { try $0[0].diff(n: 2, dim: 0, prepend: $0[1]) }
        try checkGradients([[3, 4]]) { try $0[0].diff() }
    }

    @Test func normGradientsForEveryP() throws {
        for p in [0.5, -1, -0.5, 3, 1.5, -Double.infinity, Double.infinity] {
            try checkGradients([[3, 4]]) { try $0[0].norm(p: p, dims: [1]) }
            try checkGradients([[3, 4]]) { try $0[0].norm(p: p) }
        }
        // p = 0 counts the non-zero elements: no gradient at all, so x.grad stays unset (None
        // in torch 2.15).
        let x = try Tensor([0, -2, 2, 1] as [Double]).requiringGrad()
        try x.norm(p: 0).backward()
        #expect(x.grad == nil)
    }

    @Test func maskedGradients() throws {
        // Every row and column keeps an element, so that no result is -inf or NaN.
        let mask = try Tensor([true, false, true, true, true, true, false, false], shape: [2, 4])
        try checkGradients([[2, 4]]) { try $0[0].maskedSum(dims: [1], mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedProd(dims: [], mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedAmax(dims: [0], mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedAmin(dims: [], keepdim: true, mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedMean(dims: [0], mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedMedian(dim: 1, mask: mask.select(dim: 0, index: 0)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedLogsumexp(dims: [1], mask: mask.select(dim: 0, index: 0)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedNorm(ord: 3, dims: [1], mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedVar(dims: [1], mask: mask.select(dim: 0, index: 0)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedStd(dims: [], correction: 0, mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedCumsum(dim: 1, mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedCumprod(dim: 1, mask: mask) }
        try checkGradients([[2, 4]]) { try $0[0].maskedSoftmax(dim: 1, mask: mask.select(dim: 0, index: 0)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedLogSoftmax(dim: 0, mask: Tensor.ones([2, 4], dtype: .bool)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedSoftmin(dim: 1, mask: mask.select(dim: 0, index: 0)) }
        try checkGradients([[2, 4]]) { try $0[0].maskedNormalize(ord: 2, dim: 1, mask: mask) }
        try checkGradients([[2, 4], [4]]) { try $0[0].maskedLogaddexp($0[1], selfMask: mask, otherMask: nil) }
    }

    // MARK: Second order

    @Test func secondOrder() throws {
        let zeros = try Tensor([1, 0, 1, 1, 1, 0] as [Double], shape: [2, 3])
        let checks: [(([Tensor]) throws -> Tensor, [[Int]])] = [
            ({ try $0[0].cumsum(dim: 1) }, [[2, 3]]),
            ({ try $0[0].cumprod(dim: 1) }, [[2, 3]]),
            ({ try $0[0].mul(zeros).cumprod(dim: 1) }, [[2, 3]]),   // create_graph: the O(n^2) form
            ({ try $0[0].logcumsumexp(dim: 0) }, [[3, 2]]),
            ({ try $0[0].sort(dim: 1).values.mul($0[0]) }, [[2, 3]]),
            ({ try $0[0].quantile(Tensor.scalar(0.3), dim: 1).pow(2) }, [[2, 4]]),
            ({ try $0[0].renorm(p: 2, dim: 0, maxnorm: 0.5) }, [[2, 3]]),
            ({ try $0[0].norm(p: 3, dims: [1]) }, [[2, 3]]),
            ({ try $0[0].trace().mul($0[0].sum()) }, [[2, 3]]),
            ({ try $0[0].maskedLogaddexp($0[0].mul(2), selfMask: nil, otherMask: nil) }, [[3]]),
        ]
        for (f, shapes) in checks {
            let inputs = try makeInputs(shapes, dtype: .float64, positive: false, seed: 5)
            try Autograd.gradgradcheck({ [try f($0)] }, inputs, atol: 1e-4, rtol: 1e-3)
        }
    }

    // MARK: Values and PyTorch's choices among ties

    @Test func sortMatchesPyTorchOnTies() throws {
        let x = try float32([3, 1, 3, 2, 1, 3])
        // torch.sort(x): indices tensor([1, 4, 3, 0, 2, 5]); descending: tensor([0, 2, 5, 3, 1, 4]).
        #expect(try ints(x.sort().indices) == [1, 4, 3, 0, 2, 5])
        #expect(try ints(x.sort(descending: true).indices) == [0, 2, 5, 3, 1, 4])
        // 40 elements of 0, 1, 2 (random.seed(0); randint(0, 2)): PyTorch's introsort order, not
        // the stable one, for the first nine.
        let values: [Float] = [1, 1, 0, 1, 2, 1, 1, 1, 1, 1, 2, 0, 2, 0, 1, 0, 0, 2, 1, 2, 2, 2, 0, 1, 0, 2, 0, 2, 1, 1, 2, 0,
                               1, 1, 1, 2, 2, 0, 2, 1]
        let unstable = try ints(float32(values).sort().indices)
        #expect(Array(unstable.prefix(9)) == [22, 2, 37, 16, 15, 31, 13, 24, 26])
        #expect(try ints(float32(values).sort(stable: true).indices).prefix(3) == [2, 11, 13])
        // NaN last ascending, first descending.
        let n = try float32([2, .nan, 1, .nan, 2])
        #expect(try ints(n.sort().indices) == [2, 0, 4, 1, 3])
        #expect(try ints(n.sort(descending: true).indices) == [1, 3, 0, 4, 2])
        #expect(try ints(n.argsort()) == [2, 0, 4, 1, 3])
    }

    @Test func selectionMatchesPyTorchOnTies() throws {
        let x = try float32([3, 1, 3, 2, 1, 3])
        // torch.topk(x, 3): indices tensor([2, 0, 5]); largest=False: tensor([1, 4, 3]).
        #expect(try ints(x.topk(3).indices) == [2, 0, 5])
        #expect(try ints(x.topk(3, largest: false).indices) == [1, 4, 3])
        // torch.kthvalue(x, k) for k = 1, 2, 3, 6: indices 1, 4, 3, 5.
        #expect(try [1, 2, 3, 6].map { try ints(x.kthvalue($0).indices)[0] } == [1, 4, 3, 5])
        // torch.median(x, 0): values 2, indices 3; of [1, 2, 1, 2]: 1 at index 2.
        let m = try x.median(dim: 0)
        #expect(try doubles(m.values) == [2])
        #expect(try ints(m.indices) == [3])
        #expect(try ints(float32([1, 2, 1, 2]).median(dim: 0).indices) == [2])
        // torch.mode: [3, 1, 3, 2, 1, 3] -> 3 at 5; [1, 2, 2, 1] -> 1 at 3; [5, 4, 4, 5, 1] -> 4 at 2.
        #expect(try ints(x.mode().indices) == [5])
        let tied = try float32([1, 2, 2, 1]).mode()
        #expect(try doubles(tied.values) == [1])
        #expect(try ints(tied.indices) == [3])
        #expect(try ints(float32([5, 4, 4, 5, 1]).mode().indices) == [2])
        // cummax / cummin: later equal elements take the index; NaN propagates.
        let c = try x.cummax(dim: 0)
        #expect(try doubles(c.values) == [3, 3, 3, 3, 3, 3])
        #expect(try ints(c.indices) == [0, 0, 2, 2, 2, 5])
        #expect(try ints(x.cummin(dim: 0).indices) == [0, 1, 1, 1, 4, 4])
        #expect(try ints(float32([1, .nan, 3, .nan, 0]).cummax(dim: 0).indices) == [0, 1, 1, 3, 3])
        // With NaN: topk puts NaN first; median returns the first NaN; nanmedian ignores them.
        let n = try float32([1, .nan, 3, .nan, 0])
        #expect(try ints(n.topk(2).indices) == [1, 3])
        #expect(try ints(n.median(dim: 0).indices) == [1])
        let nm = try n.nanmedian(dim: 0)
        #expect(try doubles(nm.values) == [1])
        #expect(try ints(nm.indices) == [0])
        #expect(try doubles(n.median())[0].isNaN)
    }

    @Test func medianGradientIsSharedAmongTies() throws {
        // torch.median(tensor([2., 2., 2.])).backward() -> grad tensor([0.3333, 0.3333, 0.3333]).
        let x = try Tensor([2, 2, 2] as [Double]).requiringGrad()
        let y = try x.median()
        #expect(y.gradFn?.name == "MedianBackward0")
        try y.backward()
        expectClose(try doubles(x.grad!), [1.0 / 3, 1.0 / 3, 1.0 / 3], tolerance: 1e-15)
    }

    @Test func scanValues() throws {
        let x = try Tensor([1, 2, 3, 4] as [Double], shape: [2, 2])
        #expect(try doubles(x.cumsum(dim: 1)) == [1, 3, 3, 7])
        #expect(try doubles(x.cumprod(dim: 0)) == [1, 2, 3, 8])
        #expect(try ints(Tensor([true, false, true], shape: [3]).cumsum(dim: 0)) == [1, 1, 2])
        #expect(try Tensor([2, 3] as [Int64]).cumprod(dim: 0).dtype == .int64)
        // log(e^0 + e^0) = log 2; -inf + finite = the finite value; inf + inf = inf.
        let l = try vector([0, 0, -.infinity]).logcumsumexp(dim: 0)
        expectClose(try doubles(l), [0, 0.6931471805599453, 0.6931471805599453], tolerance: 1e-15)
        #expect(try doubles(vector([.infinity, .infinity]).logcumsumexp(dim: 0)) == [.infinity, .infinity])
        #expect(try doubles(vector([1, 4, 9, 16]).diff()) == [3, 5, 7])
        #expect(try doubles(vector([1, 4, 9, 16]).diff(n: 2)) == [2, 2])
        #expect(try vector([1, 4, 9, 16]).diff(n: 9).shape == [0])
        #expect(try Tensor([true, false, false, true], shape: [4]).diff().scalars(as: Bool.self) == [true, false, true])
        #expect(try x.cumsum(dim: 0).gradFn == nil)
    }

    @Test func quantileValues() throws {
        let x = try vector([1, 2, 3, 4, 5, 6])
        let q = try vector([0.1, 0.3, 0.5, 0.7, 0.9, 0.25, 0.75])
        // torch.quantile(tensor([1., ..., 6.]), q, interpolation=...):
        expectClose(try doubles(x.quantile(q)), [1.5, 2.5, 3.5, 4.5, 5.5, 2.25, 4.75], tolerance: 1e-12)
        #expect(try doubles(x.quantile(q, interpolation: .lower)) == [1, 2, 3, 4, 5, 2, 4])
        #expect(try doubles(x.quantile(q, interpolation: .higher)) == [2, 3, 4, 5, 6, 3, 5])
        #expect(try doubles(x.quantile(q, interpolation: .midpoint)) == [1.5, 2.5, 3.5, 4.5, 5.5, 2.5, 4.5])
        // nearest rounds q * 5 (in double, q being float32) half to even: 0.1 -> 0.50000001 -> 1, 2.5 -> 2.
        let x32 = try float32([1, 2, 3, 4, 5, 6]), q32 = try q.to(.float32)
        #expect(try doubles(x32.quantile(q32, interpolation: .nearest)) == [2, 3, 3, 4, 5, 2, 5])
        // NaN: quantile gives NaN, nanquantile skips it.
        let n = try vector([3, .nan, 3, 2])
        #expect(try doubles(n.quantile(Tensor.scalar(0.5)))[0].isNaN)
        #expect(try doubles(n.nanquantile(Tensor.scalar(0.5))) == [3])
        #expect(try doubles(n.nanquantile(vector([0, 1]))) == [2, 3])
        // Shapes: a 1-d q goes first, keepdim keeps the reduced dimension.
        #expect(try Tensor.zeros([3, 2, 1, 2], dtype: .float64).quantile(vector([0.2, 0.8]), dim: 2, keepdim: true).shape == [2, 3, 2, 1, 2])
        #expect(try Tensor.zeros([], dtype: .float64).quantile(vector([0.2, 0.8]), dim: 0, keepdim: true).shape == [2])
    }

    @Test func otherReductionValues() throws {
        let x = try Tensor([0, .nan, 0, 0, 1, 2] as [Double], shape: [3, 2])
        #expect(try x.any(dims: [1]).scalars(as: Bool.self) == [true, false, true])
        #expect(try x.all(dims: [1]).scalars(as: Bool.self) == [false, false, true])
        #expect(try x.all(dims: []).shape == [])
        #expect(try ints(x.countNonzero(dims: [0])) == [1, 2])
        #expect(try doubles(x.nansum(dims: [0])) == [1, 2])
        #expect(try doubles(x.nanmean(dims: [1])) == [0, 0, 1.5])
        #expect(try doubles(vector([.nan, .nan]).nanmean(dims: []))[0].isNaN)
        let (low, high) = try Tensor([1, 3, 1, 2, 2, 0] as [Double], shape: [2, 3]).aminmax(dim: 1)
        #expect(try doubles(low) == [1, 0])
        #expect(try doubles(high) == [3, 2])
        #expect(try ints(Tensor([[1, 2], [3, 4]] .flatMap { $0 } as [Int64], shape: [2, 2]).trace()) == [5])
        // torch.renorm([[3, 4], [0.3, 0.4]], 2, 0, 1): the first row (norm 5) scaled to 1 / (1 + 2e-8).
        let r = try Tensor([3, 4, 0.3, 0.4] as [Double], shape: [2, 2]).renorm(p: 2, dim: 0, maxnorm: 1)
        expectClose(try doubles(r), [3 / (5 + 1e-7), 4 / (5 + 1e-7), 0.3, 0.4], tolerance: 1e-15)
        // torch.norm(tensor([0., -2., 2., 1.]), p): 0 -> 3, -inf -> 0, inf -> 2, -1 -> 0, 0.5 -> 14.6569.
        let v = try vector([0, -2, 2, 1])
        #expect(try doubles(v.norm(p: 0)) == [3])
        #expect(try doubles(v.norm(p: -.infinity)) == [0])
        #expect(try doubles(v.norm(p: .infinity)) == [2])
        #expect(try doubles(v.norm(p: -1)) == [0])
        expectClose(try doubles(v.norm(p: 0.5)), [14.656854249492381], tolerance: 1e-12)
        expectClose(try doubles(vector([3, 4]).dist(vector([0, 0]), p: 1)), [7], tolerance: 1e-15)
    }

    @Test func uniqueValues() throws {
        // torch.unique(tensor([3., 1., 2., 3., 1., 5., -1., 2.]), return_inverse=True, return_counts=True)
        let u = try Tensor([3, 1, 2, 3, 1, 5, -1, 2] as [Double]).unique(returnInverse: true, returnCounts: true)
        #expect(u.count == 3)
        #expect(try doubles(u[0]) == [-1, 1, 2, 3, 5])
        #expect(try ints(u[1]) == [3, 1, 2, 3, 1, 4, 0, 2])
        #expect(try ints(u[2]) == [1, 2, 2, 2, 1])
        // NaN is never equal: tensor([1., nan, nan]), inverse [0, 1, 0, 2], counts [2, 1, 1].
        let n = try vector([1, .nan, 1, .nan]).unique(returnInverse: true, returnCounts: true)
        #expect(try ints(n[1]) == [0, 1, 0, 2])
        #expect(try ints(n[2]) == [2, 1, 1])
        // Slices: torch.unique(tensor([[1., 2.], [0., 5.], [1., 2.]]), dim=0, ...) -> [[0, 5], [1, 2]], [1, 0, 1], [1, 2].
        let rows = try Tensor([1, 2, 0, 5, 1, 2] as [Double], shape: [3, 2]).unique(returnInverse: true, returnCounts: true, dim: 0)
        #expect(try doubles(rows[0]) == [0, 5, 1, 2] && rows[0].shape == [2, 2])
        #expect(try ints(rows[1]) == [1, 0, 1])
        #expect(try ints(rows[2]) == [1, 2])
        // unique_consecutive(tensor([1., 1, 2, 2, 1, nan, nan])) -> [1, 2, 1, nan, nan], [0, 0, 1, 1, 2, 3, 4], [2, 2, 1, 1, 1].
        let c = try vector([1, 1, 2, 2, 1, .nan, .nan]).uniqueConsecutive(returnInverse: true, returnCounts: true)
        #expect(try ints(c[1]) == [0, 0, 1, 1, 2, 3, 4])
        #expect(try ints(c[2]) == [2, 2, 1, 1, 1])
        #expect(try Tensor(scalar: 3.0).unique(returnInverse: true)[1].shape == [])
    }

    @Test func histogramValues() throws {
        // torch.histc(tensor([0., 1., 2., 3., 10., -1., nan, 2.9999999]), bins=3, min=0, max=3) -> [1., 1., 3.]
        let h = try float32([0, 1, 2, 3, 10, -1, .nan, 2.9999999]).histc(bins: 3, min: 0, max: 3)
        #expect(try doubles(h) == [1, 1, 3])
        // min == max: the data's range; still equal: widened by 1.
        #expect(try doubles(vector([2, 2]).histc(bins: 2)) == [0, 2])
        let rows = try vector([1, 2, 1, 4]).reshape([4, 1])
        #expect(try doubles(rows.histogramBinEdges(dim: 0, bins: 3)) == [1, 2, 3, 4])
        #expect(try doubles(rows.histogramBinEdges(dim: 0, bins: 2, min: 0, max: 2)) == [0, 1, 2])
        let edges = try vector([0, 1.5, 3])
        // torch.histogram(tensor([0., 1., 2., 3., 10.]), bins=tensor([0., 1.5, 3.]), weight=[1, 2, 3, 4, 5]) -> [3., 7.]
        let hist = try vector([0, 1, 2, 3, 10]).reshape([5, 1]).histogramdd(bins: [edges], weight: vector([1, 2, 3, 4, 5]))
        #expect(try doubles(hist) == [3, 7])
        let density = try vector([0, 1, 2, 3, 10]).reshape([5, 1]).histogramdd(bins: [edges], density: true)
        expectClose(try doubles(density), [2.0 / 4 / 1.5, 2.0 / 4 / 1.5], tolerance: 1e-15)
        let plane = try Tensor([0.1, 0.1, 0.9, 0.9, 0.9, 0.1] as [Double], shape: [3, 2])
        #expect(try doubles(plane.histogramdd(bins: [vector([0, 0.5, 1]), vector([0, 0.5, 1])])) == [1, 0, 1, 1])
    }

    @Test func searchingValues() throws {
        let b = try vector([1, 2, 2, 3])
        #expect(try ints(Tensor.searchsorted(b, vector([0, 2, 2.5, 9]))) == [0, 1, 3, 4])
        #expect(try ints(Tensor.searchsorted(b, vector([0, 2, 2.5, 9]), right: true)) == [0, 3, 3, 4])
        // torch.searchsorted(tensor([3., 1., 2., 2.]), tensor([2., 0., 5., nan]), sorter=tensor([1, 2, 3, 0])) -> [1, 0, 4, 4]
        #expect(try ints(Tensor.searchsorted(vector([3, 1, 2, 2]), vector([2, 0, 5, .nan]),
                                             sorter: Tensor([1, 2, 3, 0] as [Int64]))) == [1, 0, 4, 4])
        let rowsSearched = try Tensor.searchsorted(Tensor([1, 2, 3, 2, 4, 6] as [Double], shape: [2, 3]),
                                                   Tensor([2.5, 1, 6, 0] as [Double], shape: [2, 2]), right: true)
        #expect(try ints(rowsSearched) == [2, 1, 3, 0])
        #expect(try ints(vector([0.5, 2, 7]).bucketize(vector([1, 2, 5]))) == [0, 1, 3])
        let narrow = try vector([0.5, 2, 7]).bucketize(vector([1, 2, 5]), outInt32: true)
        #expect(narrow.dtype == .int32)
        #expect(try ints(narrow.to(.int64)) == [0, 1, 3])
        #expect(try vector([1, .nan, 3]).isin(vector([3, .nan])).scalars(as: Bool.self) == [false, false, true])
        #expect(try Tensor([1, 2, 3] as [Int64]).isin(Tensor.scalar(Int64(2)), invert: true).scalars(as: Bool.self) == [true, false, true])
    }

    @Test func maskedValues() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [2, 3])
        let mask = try Tensor([true, false, true, false, false, false], shape: [2, 3])
        #expect(try doubles(x.maskedSum(dims: [1], mask: mask)) == [4, 0])
        #expect(try doubles(x.maskedProd(dims: [1], mask: mask)) == [3, 1])
        #expect(try doubles(x.maskedAmax(dims: [1], mask: mask)) == [3, -.infinity])
        let mean = try doubles(x.maskedMean(dims: [1], mask: mask))
        #expect(mean[0] == 2 && mean[1].isNaN)
        #expect(try x.maskedArgmax(dim: 1, mask: mask).dtype == .float64)
        #expect(try doubles(x.maskedArgmax(dim: 1, mask: mask)) == [2, 0])
        #expect(try doubles(x.maskedMedian(dim: 1, mask: mask))[0] == 1)
        #expect(try doubles(x.maskedVar(dims: [1], mask: mask))[0] == 2)
        let soft = try doubles(x.maskedSoftmax(dim: 1, mask: mask))
        #expect(soft[1] == 0 && soft[3].isNaN)
        #expect(try doubles(x.maskedLogaddexp(x, selfMask: mask, otherMask: mask))[1] == -.infinity)
        // A mask of fewer dimensions broadcasts.
        #expect(try doubles(x.maskedSum(dims: [], mask: Tensor([true, false, true], shape: [3]))) == [14])
    }

    @Test func narrowDtypesKeepTheirDtype() throws {
        // As torch 2.15 on [[3, 1, 2], [0, 2, 1]] of each dtype: sort, topk, median, mode,
        // cummax and unique keep it; cumsum and cumprod of integers give int64; any/all of uint8
        // give uint8; histc of float16 stays float16.
        let base = try Tensor([3, 1, 2, 0, 2, 1] as [Double], shape: [2, 3])
        for dtype in [DType.float16, .bfloat16, .int8, .uint8, .int16, .int32] {
            let x = try base.to(dtype)
            let sorted = try x.sort(dim: 1)
            #expect(sorted.values.dtype == dtype)
            #expect(try doubles(sorted.values) == [1, 2, 3, 0, 1, 2])
            #expect(try ints(sorted.indices) == [1, 2, 0, 0, 2, 1])
            #expect(try x.topk(2).values.dtype == dtype)
            #expect(try x.median(dim: 1).values.dtype == dtype && x.median().dtype == dtype)
            #expect(try doubles(x.mode(dim: 1).values) == [1, 0])
            #expect(try x.cummax(dim: 1).values.dtype == dtype)
            #expect(try x.unique()[0].dtype == dtype)
            #expect(try x.cumsum(dim: 1).dtype == (dtype.isFloatingPoint ? dtype : .int64))
            #expect(try doubles(x.cumprod(dim: 1)) == [3, 3, 6, 0, 0, 0])
            #expect(try x.any(dims: [1]).dtype == (dtype == .uint8 ? .uint8 : .bool))
            #expect(try x.maskedCumsum(dim: 1, mask: nil).dtype == dtype)
            #expect(try ints(Tensor.searchsorted(Tensor([1, 2] as [Double]).to(dtype), x)) == [2, 0, 1, 0, 1, 0])
        }
        #expect(try doubles(base.to(.bool).mode(dim: 1).values) == [1, 1])
        let halfHistogram = try base.to(.float16).histc(bins: 3)
        #expect(halfHistogram.dtype == .float16)
        #expect(try doubles(halfHistogram) == [1, 2, 3])
        expectError(.dtype("\"histogramdd\" not implemented for 'Half'")) {
            _ = try base.to(.float16).reshape([6, 1]).histogramBinEdges(dim: 0, bins: 2)
        }
        expectError(.dtype("quantile() input tensor must be either float or double dtype")) {
            _ = try base.to(.float16).quantile(Tensor.scalar(0.5))
        }
    }

    @Test func gradFnNames() throws {
        let x = try Tensor([3, 1, 2] as [Double]).requiringGrad()
        #expect(try x.cumsum(dim: 0).gradFn?.name == "CumsumBackward0")
        #expect(try x.cumprod(dim: 0).gradFn?.name == "CumprodBackward0")
        #expect(try x.cummax(dim: 0).values.gradFn?.name == "CummaxBackward0")
        #expect(try x.logcumsumexp(dim: 0).gradFn?.name == "LogcumsumexpBackward0")
        #expect(try x.sort().values.gradFn?.name == "SortBackward0")
        #expect(try x.sort(stable: true).values.gradFn?.name == "SortBackward1")
        #expect(try x.topk(1).values.gradFn?.name == "TopkBackward0")
        #expect(try x.kthvalue(1).values.gradFn?.name == "KthvalueBackward0")
        #expect(try x.median(dim: 0).values.gradFn?.name == "MedianBackward1")
        #expect(try x.nanmedian().gradFn?.name == "NanmedianBackward0")
        #expect(try x.mode().values.gradFn?.name == "ModeBackward0")
        #expect(try x.nansum(dims: []).gradFn?.name == "NansumBackward0")
        #expect(try x.aminmax().min.gradFn?.name == "AminmaxBackward0")
        #expect(try x.dist(x.detach()).gradFn?.name == "DistBackward0")
        #expect(try x.reshape([3, 1]).renorm(p: 2, dim: 0, maxnorm: 1).gradFn?.name == "RenormBackward0")
        #expect(try x.reshape([3, 1]).trace().gradFn?.name == "TraceBackward0")
        #expect(try x.norm(p: -.infinity).gradFn?.name == "LinalgVectorNormBackward0")
    }

    // MARK: Errors, in PyTorch's words

    @Test func errors() throws {
        let x = try Tensor.zeros([3, 4], dtype: .float32)
        expectError(.invalidArgument("selected index k out of range")) { _ = try x.topk(5) }
        expectError(.invalidArgument("kthvalue(): selected number k out of range for dimension 1")) { _ = try x.kthvalue(0) }
        expectError(.invalidArgument("median(): Expected reduction dim 0 to have non-zero size.")) {
            _ = try Tensor.zeros([0]).median(dim: 0)
        }
        expectError(.invalidArgument("mode(): Expected reduction dim 1 to have non-zero size.")) {
            _ = try Tensor.zeros([2, 0]).mode(dim: 1)
        }
        expectError(.invalidArgument("Dimension out of range (expected to be in range of [-2, 1], but got 2)")) {
            _ = try x.cumsum(dim: 2)
        }
        expectError(.dtype("\"logcumsumexp_out_cpu\" not implemented for 'Long'")) {
            _ = try Tensor([1, 2] as [Int64]).logcumsumexp(dim: 0)
        }
        expectError(.invalidArgument("quantile() q must be in the range [0, 1] but got 1.5")) {
            _ = try x.quantile(Tensor.scalar(1.5))
        }
        expectError(.invalidArgument("quantile() input tensor must be non-empty")) {
            _ = try Tensor.zeros([0]).quantile(Tensor.scalar(0.5))
        }
        expectError(.dtype("quantile() q tensor must be same dtype as the input tensor")) {
            _ = try x.quantile(Tensor([0.5] as [Double]))
        }
        expectError(.invalidArgument("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")) {
            _ = try Tensor.zeros([0]).aminmax()
        }
        expectError(.dtype("var_mean only support floating point and complex dtypes")) {
            _ = try Tensor([1, 2] as [Int64]).varMean(dims: [])
        }
        expectError(.invalidArgument("trace: expected a matrix, but got tensor with dim 1")) { _ = try Tensor.zeros([2]).trace() }
        expectError(.invalidArgument("renorm: non-positive-norm not supported")) { _ = try x.renorm(p: -1, dim: 0, maxnorm: 1) }
        expectError(.invalidArgument("diff expects input to be at least one-dimensional")) { _ = try Tensor(scalar: 1.0).diff() }
        expectError(.invalidArgument("order must be non-negative but got -1")) { _ = try x.diff(n: -1) }
        expectError(.invalidArgument("torch.histc: max must be larger than min")) { _ = try x.histc(bins: 5, min: 3, max: 1) }
        expectError(.invalidArgument("torch.histogram(): bins must be > 0, but got 0 for dimension 0")) { _ = try x.histc(bins: 0) }
        expectError(.invalidArgument("boundaries tensor must be 1 dimension, but got dim(2)")) { _ = try x.bucketize(x) }
        expectError(.invalidArgument("torch.searchsorted(): sorter index out of range")) {
            _ = try Tensor.searchsorted(Tensor.zeros([2]), Tensor.zeros([1]), sorter: Tensor([0, 5] as [Int64]))
        }
        expectError(.dtype("topk does not support bool dtypes on CPU")) { _ = try Tensor.ones([2], dtype: .bool).topk(1) }
        expectError(.dtype("Unsupported input type encountered for isin(): Bool")) {
            _ = try Tensor.ones([2], dtype: .bool).isin(Tensor.ones([2], dtype: .bool))
        }
        expectError(.invalidArgument("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")) {
            _ = try Tensor.zeros([2]).maskedSum(dims: [], mask: Tensor.ones([1, 2], dtype: .bool))
        }
        expectError(.invalidArgument("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got cubic")) {
            _ = try QuantileInterpolation(name: "cubic")
        }
    }

    @Test func lanesOfLargeSortsAreFreed() throws {
        try expectFreed {
            let x = try Tensor.randn([5, 300], dtype: .float32).requiringGrad()
            let s = try x.sort(dim: 1)
            try s.values.sum().backward()
            return [x, s.values, s.indices]
        }
    }
}
