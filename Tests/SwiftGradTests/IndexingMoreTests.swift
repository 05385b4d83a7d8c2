import Testing
@testable import SwiftGrad

/// The indexing family (Ops/Indexing+More.swift, Scatter.swift, Contraction.swift,
/// Integration.swift, Covariance.swift): forward values worked out by hand, every backward rule
/// against float64 finite differences, second orders with gradgradcheck, and the errors an
/// out-of-range index must give before anything is read or written.
@Suite struct IndexingMoreTests {
    func longs(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape) }
    func doubles(_ values: [Double], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(values, shape: shape) }

    // MARK: Forward values

    @Test func alongOneDimension() throws {
        // x = [[0, 1, 2], [3, 4, 5]]
        let x = try doubles([0, 1, 2, 3, 4, 5], [2, 3])
        #expect(try x.indexSelect(dim: 1, index: longs([2, 0, 2])).scalars(as: Double.self) == [2, 0, 2, 5, 3, 5])
        #expect(try x.indexSelect(dim: 0, index: longs([1])).shape == [1, 3])
        // index_add: column 1 gets 2 * (10 + 20) from the repeated index, column 0 gets 2 * 1.
        let source = try doubles([10, 20, 1, 30, 40, 2], [2, 3])
        #expect(try x.indexAdd(dim: 1, index: longs([1, 1, 0]), source: source, alpha: 2).scalars(as: Double.self)
                == [2, 61, 2, 7, 144, 5])
        // index_copy: the last write wins.
        #expect(try x.indexCopy(dim: 1, index: longs([1, 1, 0]), source: source).scalars(as: Double.self) == [1, 20, 2, 2, 40, 5])
        #expect(try x.indexFill(dim: 1, index: longs([-1]), value: Tensor.scalar(7.0)).scalars(as: Double.self) == [0, 1, 7, 3, 4, 7])
        // index_reduce along dim 1 with index [1, 1, 0].
        let prod = try x.indexReduce(dim: 1, index: longs([1, 1, 0]), source: source, reduce: "prod")
        #expect(try prod.scalars(as: Double.self) == [0, 200, 2, 6, 4 * 30 * 40, 5])
        let mean = try x.indexReduce(dim: 1, index: longs([1, 1, 0]), source: source, reduce: "mean", includeSelf: false)
        #expect(try mean.scalars(as: Double.self) == [1, 15, 2, 2, 35, 5])
        let amax = try x.indexReduce(dim: 1, index: longs([1, 1, 0]), source: source, reduce: "amax")
        #expect(try amax.scalars(as: Double.self) == [1, 20, 2, 3, 40, 5])
        // int64 means round down: (-10 + 1 + 2) / 3 = -7/3 -> -3.
        let ints = try longs([-10, 10, 10]).indexReduce(dim: 0, index: longs([0, 0, 1]), source: longs([1, 2, 4]), reduce: "mean")
        #expect(try ints.scalars(as: Int64.self) == [-3, 7, 10])
    }

    @Test func flatPositionsAndMasks() throws {
        let x = try doubles([0, 1, 2, 3, 4, 5], [2, 3])
        #expect(try x.take(longs([5, -6, 4], [3])).scalars(as: Double.self) == [5, 0, 4])
        #expect(try x.put(longs([0, 0, 5]), doubles([1, 2, 3]), accumulate: true).scalars(as: Double.self) == [3, 1, 2, 3, 4, 8])
        #expect(try x.put(longs([0, 0]), doubles([1, 2])).scalars(as: Double.self) == [2, 1, 2, 3, 4, 5])
        let mask = try Tensor([true, false, true])
        #expect(try x.maskedSelect(mask).scalars(as: Double.self) == [0, 2, 3, 5])
        #expect(try x.maskedScatter(mask, doubles([9, 8, 7, 6, 5])).scalars(as: Double.self) == [9, 1, 8, 7, 4, 6])
        #expect(try x.takeAlongDim(longs([2, 0], [2, 1]), dim: 1).scalars(as: Double.self) == [2, 3])
        #expect(try x.nonzeroStatic(size: 6, fillValue: -1).scalars(as: Int64.self)
                == [0, 1, 0, 2, 1, 0, 1, 1, 1, 2, -1, -1])
        #expect(try Tensor(scalar: 3.0).nonzero().shape == [1, 0])
    }

    @Test func scattering() throws {
        let x = try Tensor.zeros([2, 3], dtype: .float64)
        let index = try longs([2, 0, 1, 1], [2, 2])
        let src = try doubles([1, 2, 3, 4], [2, 2])
        #expect(try x.scatter(dim: 1, index: index, src: src).scalars(as: Double.self) == [2, 0, 1, 0, 4, 0])
        #expect(try x.scatter(dim: 1, index: index, src: Tensor.scalar(1.5)).scalars(as: Double.self) == [1.5, 0, 1.5, 0, 1.5, 0])
        let ones = try Tensor.ones([2, 3], dtype: .float64)
        #expect(try ones.scatterReduce(dim: 1, index: index, src: src, reduce: "sum").scalars(as: Double.self) == [3, 1, 2, 1, 8, 1])
        #expect(try ones.scatterReduce(dim: 1, index: index, src: src, reduce: "prod", includeSelf: false).scalars(as: Double.self)
                == [2, 1, 1, 1, 12, 1])
        #expect(try ones.scatterReduce(dim: 1, index: index, src: src, reduce: "mean").scalars(as: Double.self) == [1.5, 1, 1, 1, 8.0 / 3, 1])
        #expect(try ones.scatterReduce(dim: 1, index: index, src: src, reduce: "amin", includeSelf: false).scalars(as: Double.self)
                == [2, 1, 1, 1, 3, 1])
    }

    @Test func contractions() throws {
        let a = try doubles([1, 0, 0]), b = try doubles([0, 1, 0])
        #expect(try a.linalgCross(b).scalars(as: Double.self) == [0, 0, 1])
        #expect(try b.cross(a).scalars(as: Double.self) == [0, 0, -1])
        let m = try doubles([1, 2, 3, 4], [2, 2]), n = try doubles([5, 6, 7, 8], [2, 2])
        // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        #expect(try Tensor.einsum("ij,jk->ik", [m, n]).scalars(as: Double.self) == [19, 22, 43, 50])
        #expect(try Tensor.einsum("ij,jk", [m, n]).scalars(as: Double.self) == [19, 22, 43, 50])
        #expect(try Tensor.einsum("ii", [m]).scalars(as: Double.self) == [5])
        #expect(try Tensor.einsum("ii->i", [m]).scalars(as: Double.self) == [1, 4])
        #expect(try Tensor.einsum("ij->j", [m]).scalars(as: Double.self) == [4, 6])
        #expect(try Tensor.einsum("...j,...j->...", [m, n]).scalars(as: Double.self) == [17, 53])
        #expect(try m.tensordot(n, dimsA: [1], dimsB: [0]).scalars(as: Double.self) == [19, 22, 43, 50])
        #expect(try m.tensordot(n, dimsA: [0, 1], dimsB: [0, 1]).scalars(as: Double.self) == [70])
        // inner: rows of m against rows of n: [[17, 23], [39, 53]].
        #expect(try m.inner(n).scalars(as: Double.self) == [17, 23, 39, 53])
    }

    @Test func integrationAndStatistics() throws {
        let y = try doubles([1, 3, 7])
        #expect(try y.trapezoid().item() == 2 + 5)
        #expect(try y.trapezoid(dx: 2).item() == 14)
        #expect(try y.trapezoid(x: doubles([0, 1, 3])).item() == 2 + 10)
        #expect(try y.cumulativeTrapezoid().scalars(as: Double.self) == [2, 7])
        // Central differences inside, one-sided at the ends.
        let g = try doubles([1, 2, 4, 8]).gradient()
        #expect(g.count == 1)
        #expect(try g[0].scalars(as: Double.self) == [1, 1.5, 3, 4])
        let h = try doubles([0, 1, 4, 9]).gradient(spacing: [doubles([0, 1, 2, 3])], edgeOrder: 2)
        #expect(try h[0].scalars(as: Double.self) == [0, 2, 4, 6])
        // cov of [1, 2, 3] and [2, 4, 6]: var 1 and 4, covariance 2.
        let c = try doubles([1, 2, 3, 2, 4, 6], [2, 3]).cov()
        #expect(try c.scalars(as: Double.self) == [1, 2, 2, 4])
        #expect(try doubles([1, 2, 3, 3, 2, 1], [2, 3]).corrcoef().scalars(as: Double.self) == [1, -1, -1, 1])
        let chunked = try Tensor.chunkCat([doubles([1, 2, 3], [1, 3])], dim: 1, numChunks: 2)
        #expect(chunked.shape == [1, 2, 2])
        #expect(try chunked.scalars(as: Double.self) == [1, 2, 3, 0])
    }

    // MARK: Gradients against finite differences

    @Test func gradientsAlongOneDimension() throws {
        let index = try longs([2, 0, 2])
        try checkGradients([[2, 3]]) { try $0[0].indexSelect(dim: 1, index: index) }
        try checkGradients([[4, 2], [3, 2]]) { try $0[0].indexAdd(dim: 0, index: index, source: $0[1], alpha: -1.5) }
        try checkGradients([[4, 2], [2, 2]]) { try $0[0].indexCopy(dim: 0, index: self.longs([3, 1]), source: $0[1]) }
        try checkGradients([[2, 4], []]) { try $0[0].indexFill(dim: 1, index: self.longs([1, -1, 1]), value: $0[1]) }
        try checkGradients([[2, 4]]) { try $0[0].indexFill(dim: 1, index: index, value: Tensor.scalar(2.0)) }
        for reduce in ["prod", "mean", "amax", "amin"] {
            for includeSelf in [true, false] {
                try checkGradients([[3, 2], [4, 2]]) {
                    try $0[0].indexReduce(dim: 0, index: self.longs([2, 0, 2, 2]), source: $0[1], reduce: reduce, includeSelf: includeSelf)
                }
            }
        }
    }

    @Test func gradientsOfFlatMaskedAndAdvancedIndexing() throws {
        try checkGradients([[2, 3]]) { try $0[0].take(self.longs([5, 0, 5, -2], [2, 2])) }
        try checkGradients([[2, 3], [2, 2]]) { try $0[0].put(self.longs([5, 0, 5, -2], [2, 2]), $0[1], accumulate: true) }
        try checkGradients([[2, 3], [3]]) { try $0[0].put(self.longs([5, 0, 3]), $0[1]) }
        try checkGradients([[2, 3]]) { try $0[0].takeAlongDim(self.longs([2, 0, 1, 1], [2, 2]), dim: 1) }
        let mask = try Tensor([true, false, true, true], shape: [1, 4])
        try checkGradients([[3, 1]]) { try $0[0].maskedSelect(mask) }
        try checkGradients([[3, 4], [2, 5]]) { try $0[0].maskedScatter(mask, $0[1]) }
        try checkGradients([[3, 4], [2]]) { try $0[0].indexPut([self.longs([2, 0]), self.longs([1, 3])], $0[1]) }
        try checkGradients([[3, 4], [4]]) { try $0[0].indexPut([self.longs([2, 2, 0])], $0[1], accumulate: true) }
        let hidden = try Tensor([true, false, true, true, false, true], shape: [2, 3])
        let rows = try longs([0, 5], [2, 1]), cols = try longs([1, 2, -9], [1, 3])
        try checkGradients([[3, 4]]) { try $0[0].unsafeMaskedIndex(hidden, [rows, cols], fill: -1) }
        try checkGradients([[3, 4], [2, 3]]) { try $0[0].unsafeMaskedIndexPutAccumulate(hidden, [rows, cols], $0[1]) }
    }

    @Test func gradientsOfScatter() throws {
        // Plain scatter without repeated targets (with them, PyTorch's gradient is not the derivative).
        let distinct = try longs([2, 0, 1, 3, 0, 1], [2, 3])
        try checkGradients([[2, 4], [2, 3]]) { try $0[0].scatter(dim: 1, index: distinct, src: $0[1]) }
        try checkGradients([[2, 4]]) { try $0[0].scatter(dim: 1, index: distinct, src: Tensor.scalar(0.5)) }
        // A src larger than the index: its elements outside the index get no gradient.
        try checkGradients([[2, 4], [3, 4]]) { try $0[0].scatter(dim: 1, index: distinct, src: $0[1]) }
        let index = try longs([2, 0, 1, 3, 3, 1], [2, 3])
        for reduce in ["sum", "prod", "mean", "amax", "amin"] {
            for includeSelf in [true, false] {
                try checkGradients([[2, 4], [2, 3]]) {
                    try $0[0].scatterReduce(dim: 1, index: index, src: $0[1], reduce: reduce, includeSelf: includeSelf)
                }
            }
        }
    }

    @Test func gradientsOfContractions() throws {
        try checkGradients([[4, 3], [1, 3]]) { try $0[0].linalgCross($0[1]) }
        try checkGradients([[3, 2], [3, 2]]) { try $0[0].cross($0[1]) }
        try checkGradients([[2, 3], [4, 3]]) { try $0[0].inner($0[1]) }
        try checkGradients([[2, 3, 4], [4, 2, 5]]) { try $0[0].tensordot($0[1], dimsA: [0, 2], dimsB: [1, 0]) }
        try checkGradients([[2, 2, 3], [2, 3, 4]]) { try Tensor.einsum("bij,bjk->bik", $0) }
        try checkGradients([[3, 2, 3]]) { try Tensor.einsum("iji->j", $0) }
        try checkGradients([[2, 3], [3], [1, 2, 1]]) { try Tensor.einsum("ij,j,...i->...", $0) }
        try checkGradients([[2, 3], [3, 4], [4, 2]]) { try Tensor.einsum("ij,jk,ki", $0) }
    }

    @Test func gradientsOfIntegrationAndStatistics() throws {
        try checkGradients([[2, 4], [4]]) { try $0[0].trapezoid(x: $0[1]) }
        try checkGradients([[2, 4]]) { try $0[0].trapezoid(dx: 0.5, dim: 0) }
        try checkGradients([[2, 4], [2, 4]]) { try $0[0].cumulativeTrapezoid(x: $0[1]) }
        try checkGradients([[3, 4]]) { try $0[0].cumulativeTrapezoid(dx: 2, dim: 0) }
        for edgeOrder in [1, 2] {
            try checkGradients([[4, 3]]) { x in try Tensor.stack(x[0].gradient(spacing: [Tensor.scalar(0.5), Tensor.scalar(2.0)], edgeOrder: edgeOrder)) }
            try checkGradients([[4, 3], [4]]) { x in try x[0].gradient(spacing: [x[1].exp().runningSum(dim: 0)], dims: [0], edgeOrder: edgeOrder)[0] }
        }
        let weights = try longs([1, 3, 2])
        try checkGradients([[2, 3]]) { try $0[0].cov() }
        try checkGradients([[2, 3], [3]], positive: true) { try $0[0].cov(correction: 0, fweights: weights, aweights: $0[1]) }
        try checkGradients([[3, 4]]) { try $0[0].corrcoef() }
        try checkGradients([[2, 3], [2, 1]]) { try Tensor.chunkCat($0, dim: 1, numChunks: 2) }
    }

    @Test func secondOrders() throws {
        let index = try longs([2, 0, 1, 3, 3, 1], [2, 3])
        let cases: [(String, [[Int]], Autograd.Function)] = [
            ("index_select index_add", [[4, 2], [3, 2]], { x in
                [try x[0].indexAdd(dim: 0, index: self.longs([3, 0, 3]), source: x[1].mul(x[1])).indexSelect(dim: 0, index: self.longs([3, 1])).mul(x[0].indexSelect(dim: 0, index: self.longs([0, 3])))] }),
            ("index_reduce amax prod", [[3, 2], [4, 2]], { x in
                [try x[0].indexReduce(dim: 0, index: self.longs([2, 0, 2, 2]), source: x[1], reduce: "amax").mul(x[0]),
                 try x[0].indexReduce(dim: 0, index: self.longs([2, 0, 1, 2]), source: x[1], reduce: "prod")] }),
            ("scatter_reduce mean", [[2, 4], [2, 3]], { x in
                [try x[0].scatterReduce(dim: 1, index: index, src: x[1].mul(x[0].sum()), reduce: "mean", includeSelf: false)] }),
            ("take put masked", [[2, 3], [2]], { x in
                [try x[0].put(self.longs([1, 1]), x[1].mul(x[1]), accumulate: true).take(self.longs([1, 4])).mul(x[1]),
                 try x[0].maskedScatter(Tensor([true, false, true]), x[0].mul(x[0])).maskedSelect(Tensor([false, true, true]))] }),
            ("einsum cross", [[2, 3], [3, 3]], { x in
                [try Tensor.einsum("ij,jk,ik->i", [x[0], x[1], x[0]]), try x[0].linalgCross(x[1].narrow(dim: 0, start: 0, length: 2).mul(x[0]))] }),
            ("cov trapezoid gradient", [[3, 4]], { x in
                [try x[0].cov().mul(x[0].trapezoid(x: x[0].exp()).sum()),
                 try x[0].mul(x[0]).gradient(edgeOrder: 2)[1], try x[0].mul(x[0]).cumulativeTrapezoid()] }),
        ]
        for (name, shapes, f) in cases {
            do {
                try Autograd.gradgradcheck(f, try makeInputs(shapes, dtype: .float64, positive: false, seed: 5), atol: 1e-4, rtol: 1e-3)
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    // MARK: Errors: every index is checked before anything is read or written

    @Test func outOfRangeIndicesAreRefused() throws {
        let x = try doubles([0, 1, 2, 3, 4, 5], [2, 3])
        expectError(.invalidArgument("INDICES element is out of DATA bounds, id=3 axis_dim=3")) {
            _ = try x.indexSelect(dim: 1, index: self.longs([3]))
        }
        expectError(.invalidArgument("index out of range in self")) { _ = try self.doubles([1, 2]).indexSelect(dim: 0, index: self.longs([-1])) }
        expectError(.invalidArgument("index -1 is out of bounds for dimension 1 with size 3")) {
            _ = try x.indexAdd(dim: 1, index: self.longs([-1]), source: self.doubles([1, 1], [2, 1]))
        }
        expectError(.invalidArgument("index_copy_(): index 5 is out of bounds for dimension 1 with size 3")) {
            _ = try x.indexCopy(dim: 1, index: self.longs([5]), source: self.doubles([1, 1], [2, 1]))
        }
        expectError(.invalidArgument("index -4 is out of bounds for dimension 1 with size 3")) {
            _ = try x.indexFill(dim: 1, index: self.longs([-4]), value: Tensor.scalar(1.0))
        }
        expectError(.invalidArgument("index out of range in self")) {
            _ = try x.indexReduce(dim: 0, index: self.longs([2]), source: self.doubles([1, 1, 1], [1, 3]), reduce: "amax")
        }
        expectError(.invalidArgument("out of range: tried to access index 6 on a tensor of 6 elements.")) { _ = try x.take(self.longs([6])) }
        expectError(.invalidArgument("out of range: tried to access index -7 on a tensor of 6 elements.")) {
            _ = try x.put(self.longs([-7]), self.doubles([1]))
        }
        expectError(.invalidArgument("index 3 is out of bounds for dimension 1 with size 3")) {
            _ = try x.scatter(dim: 1, index: self.longs([3], [1, 1]), src: self.doubles([1], [1, 1]))
        }
        expectError(.invalidArgument("index -1 is out of bounds for dimension 1 with size 3")) {
            _ = try x.scatterReduce(dim: 1, index: self.longs([-1], [1, 1]), src: self.doubles([1], [1, 1]), reduce: "sum")
        }
        expectError(.invalidArgument("index 2 is out of bounds for dimension 0 with size 2")) {
            _ = try x.indexPut([self.longs([2])], self.doubles([1]))
        }
        // Advanced indexing names an index by its place among the index tensors (PyTorch 2.15:
        // x[:, idx] out of range is "dimension 0"; x[rows, idx] is "dimension 1").
        expectError(.invalidArgument("index 3 is out of bounds for dimension 0 with size 3")) {
            _ = try x.index([nil, self.longs([3])])
        }
        expectError(.invalidArgument("index -4 is out of bounds for dimension 1 with size 3")) {
            _ = try x.index([self.longs([0]), self.longs([-4])])
        }
        expectError(.invalidArgument("index 6 is out of bounds for dimension 0 with size 6")) { _ = try x.takeAlongDim(self.longs([6]), dim: nil) }
        // Nothing was written: the input is unchanged.
        #expect(try x.scalars(as: Double.self) == [0, 1, 2, 3, 4, 5])
    }

    @Test func malformedArgumentsAreRefused() throws {
        let x = try doubles([0, 1, 2, 3, 4, 5], [2, 3])
        expectError(.dtype("index_select(): Expected dtype int32 or int64 for index")) { _ = try x.indexSelect(dim: 0, index: self.doubles([0])) }
        expectError(.invalidArgument("Dimension out of range (expected to be in range of [-2, 1], but got 2)")) {
            _ = try x.indexSelect(dim: 2, index: self.longs([0]))
        }
        expectError(.dtype("index_add_(): self (Double) and source (Float) must have the same scalar type")) {
            _ = try x.indexAdd(dim: 0, index: self.longs([0]), source: Tensor.zeros([1, 3]))
        }
        expectError(.invalidArgument("index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum.")) {
            _ = try x.indexReduce(dim: 0, index: self.longs([0]), source: self.doubles([1, 1, 1], [1, 3]), reduce: "sum")
        }
        expectError(.invalidArgument("reduce argument must be either sum, prod, mean, amax or amin, got add")) {
            _ = try x.scatterReduce(dim: 0, index: self.longs([0], [1, 1]), src: self.doubles([1], [1, 1]), reduce: "add")
        }
        expectError(.invalidArgument("Expected index [1, 2] to be no larger than self [2, 3] apart from dimension 1 and to be no larger size than src [1, 1]")) {
            _ = try x.scatter(dim: 1, index: self.longs([0, 1], [1, 2]), src: self.doubles([1], [1, 1]))
        }
        expectError(.invalidArgument("Number of elements of source < number of ones in mask")) {
            _ = try x.maskedScatter(Tensor([true, true, false]), self.doubles([1, 2, 3]))
        }
        expectError(.dtype("masked_select: expected BoolTensor for mask")) { _ = try x.maskedSelect(self.longs([1, 0, 1])) }
        expectError(.invalidArgument("put_(): Expected source and index to have the same number of elements, but got source.numel() = 1, index.numel() = 2")) {
            _ = try x.put(self.longs([0, 1]), self.doubles([1]))
        }
        expectError(.shape("linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2")) {
            _ = try Tensor.zeros([3, 2]).linalgCross(Tensor.zeros([3, 2]))
        }
        expectError(.invalidArgument("einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3")) {
            _ = try Tensor.einsum("ij,jk->ik", [Tensor.zeros([2, 3]), Tensor.zeros([4, 3])])
        }
        expectError(.invalidArgument("einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]")) {
            _ = try Tensor.einsum("i1->i", [Tensor.zeros([2, 3])])
        }
        expectError(.invalidArgument("einsum(): fewer operands were provided than specified in the equation")) {
            _ = try Tensor.einsum("ij,jk", [Tensor.zeros([2, 3])])
        }
        expectError(.shape("contracted dimensions need to match, but first has size 3 in dim -1 and second has size 2 in dim 0")) {
            _ = try Tensor.zeros([2, 3]).tensordot(Tensor.zeros([2, 4]), dimsA: [-1], dimsB: [0])
        }
        expectError(.invalidArgument("torch.gradient only supports edge_order=1 and edge_order=2.")) {
            _ = try Tensor.zeros([5]).gradient(edgeOrder: 3)
        }
        expectError(.invalidArgument("cov(): fweights cannot be negative")) {
            _ = try x.cov(fweights: self.longs([1, -1, 1]))
        }
        expectError(.invalidArgument("_chunk_cat expects positive num_chunks")) { _ = try Tensor.chunkCat([x], dim: 0, numChunks: 0) }
        expectError(.invalidArgument("nonzero_static: 'size' must be an non-negative integer")) { _ = try x.nonzeroStatic(size: -1) }
    }

    @Test func graphsAreFreed() throws {
        try expectFreed {
            let x = try Tensor.randn([3, 4], dtype: .float64).requiringGrad()
            let y = try Tensor.einsum("ij,kj->ik", [x, x]).scatterReduce(dim: 1, index: self.longs([0, 2, 1], [1, 3]), src: x, reduce: "amax")
            try y.sum().backward()
            return [x, y]
        }
    }
}
