import Testing
@testable import SwiftGrad

/// Every differentiable op's gradient against float64 central finite differences, and the
/// float32 gradient against the float64 one. Shapes include broadcasting and 0-d operands.
/// (One suite: the operator tests that an earlier stage kept apart are merged in.)
@Suite struct GradientTests {
    @Test func add() throws {
        try checkGradients([[3], [3]]) { try $0[0] + $0[1] }
        try checkGradients([[2, 3], [3]]) { try $0[0] + $0[1] }          // broadcast
        try checkGradients([[2, 1], [1, 3]]) { try $0[0] + $0[1] }       // both broadcast
        try checkGradients([[3], []]) { try $0[0] + $0[1] }              // 0-d operand
        try checkGradients([[3]]) { try $0[0] + 2.5 }
        try checkGradients([[3]]) { try 2.5 + $0[0] }
    }

    @Test func sub() throws {
        try checkGradients([[2, 3], [2, 3]]) { try $0[0] - $0[1] }
        try checkGradients([[4, 1], [3]]) { try $0[0] - $0[1] }
        try checkGradients([[3]]) { try $0[0] - 1.5 }
        try checkGradients([[3]]) { try 1.5 - $0[0] }
    }

    @Test func mul() throws {
        try checkGradients([[3], [3]]) { try $0[0] * $0[1] }
        try checkGradients([[2, 3], [2, 1]]) { try $0[0] * $0[1] }
        try checkGradients([[], [4]]) { try $0[0] * $0[1] }
        try checkGradients([[3]]) { try $0[0] * $0[0] }                   // same tensor twice
        try checkGradients([[3]]) { try 3 * $0[0] }
    }

    @Test func div() throws {
        try checkGradients([[3], [3]], positive: true) { try $0[0] / $0[1] }
        try checkGradients([[2, 3], [3]], positive: true) { try $0[0] / $0[1] }
        try checkGradients([[3]]) { try $0[0] / 4 }
        try checkGradients([[3]], positive: true) { try 2 / $0[0] }
    }

    @Test func pow() throws {
        try checkGradients([[3], [3]], positive: true) { try $0[0] ** $0[1] }
        try checkGradients([[2, 3], []], positive: true) { try $0[0] ** $0[1] }
        try checkGradients([[3]]) { try $0[0] ** 2 }
        try checkGradients([[3]]) { try $0[0] ** 3 }
        try checkGradients([[3]], positive: true) { try $0[0] ** 0.5 }
        try checkGradients([[3]]) { try 2 ** $0[0] }
    }

    @Test func unary() throws {
        try checkGradients([[5]]) { try -$0[0] }
        try checkGradients([[2, 3]]) { try $0[0].exp() }
        try checkGradients([[2, 3]], positive: true) { try $0[0].log() }
        try checkGradients([[4]], positive: true) { try $0[0].reciprocal() }
        try checkGradients([[4]], positive: true) { try $0[0].sqrt() }
    }

    @Test func reductions() throws {
        try checkGradients([[2, 3]]) { try $0[0].sum() }
        try checkGradients([[]]) { try $0[0].sum() }
        try checkGradients([[2, 3, 4]]) { try $0[0].sum(dims: [1]) }
        try checkGradients([[2, 3, 4]]) { try $0[0].sum(dims: [0, -1], keepdim: true) }
        try checkGradients([[2, 3]]) { try $0[0].norm() }
        try checkGradients([[]]) { try $0[0].norm() }
    }

    @Test func dot() throws {
        try checkGradients([[5], [5]]) { try SwiftGrad.dot($0[0], $0[1]) }
        try checkGradients([[4]]) { try SwiftGrad.dot($0[0], $0[0]) }
    }

    @Test func viewsConversionsAndSelection() throws {
        try checkGradients([[3, 1]]) { try $0[0].expand([2, 3, 4]) }
        try checkGradients([[2, 3]]) { try $0[0].reshape([3, -1]) }
        try checkGradients([[2, 3]]) { try $0[0].clone() }
        try checkGradients([[4], [4]]) { x in
            try Tensor.where(x[0].gt(0), x[0] * 3, x[1])
        }
    }

    @Test func composite() throws {
        // A small "model": softplus-like smooth loss through several ops and broadcasts.
        try checkGradients([[3, 2], [2], []]) { x in
            let z = try x[0] * x[1] + x[2]
            return try (z.exp() + 1).log().sum(dims: [0])
        }
    }

    // MARK: Conventions at kinks, as PyTorch

    @Test func normGradientAtZeroIsZero() throws {
        let x = try Tensor.zeros([3], dtype: .float32, requiresGrad: true)
        try x.norm().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [0, 0, 0])
    }

    @Test func powGradientWithZeroExponentIsZero() throws {
        let x = try Tensor([0, 2] as [Float]).requiringGrad()
        try x.pow(0).sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [0, 0])
        // d(a^b)/db at a == 0 and b >= 0 is taken as 0, not -inf * 0 = nan.
        let a = try Tensor([0] as [Float]).requiringGrad(), b = try Tensor([2] as [Float]).requiringGrad()
        try (a ** b).sum().backward()
        #expect(try b.grad!.scalars(as: Float.self) == [0])
        #expect(try a.grad!.scalars(as: Float.self) == [0])
    }

    @Test func sqrtGradientAtZeroIsInfinite() throws {
        let x = try Tensor([0] as [Float]).requiringGrad()
        try x.sqrt().sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [.infinity])
    }

    @Test func conversionGradientIsCastBack() throws {
        let x = try Tensor([1, 2, 3] as [Double]).requiringGrad()
        let y = try x.to(.float32)
        #expect(y.gradFn?.name == "ToCopyBackward0")
        try (y * Tensor([0.5, 0.25, 2] as [Float])).sum().backward()
        #expect(x.grad?.dtype == .float64)
        #expect(try x.grad!.scalars(as: Double.self) == [0.5, 0.25, 2])
        // Conversions to integer types leave the graph, as in PyTorch.
        #expect(!(try x.to(.int64)).requiresGrad)
    }

    @Test func mixedDtypeGradientsKeepEachInputsDtype() throws {
        let a = try Tensor([1, 2] as [Float]).requiringGrad()
        let b = try Tensor([3, 4] as [Double]).requiringGrad()
        let y = try a * b
        #expect(y.dtype == .float64)
        try y.sum().backward()
        #expect(a.grad?.dtype == .float32 && b.grad?.dtype == .float64)
        #expect(try a.grad!.scalars(as: Float.self) == [3, 4])
        #expect(try b.grad!.scalars(as: Double.self) == [1, 2])
    }

    @Test func elementwise() throws {
        for shape in [[5], [2, 3], []] as [[Int]] {
            try checkGradients([shape]) { try $0[0].sin() }
            try checkGradients([shape]) { try $0[0].cos() }
            try checkGradients([shape]) { try $0[0].tanh() }
            try checkGradients([shape]) { try $0[0].sigmoid() }
            try checkGradients([shape]) { try $0[0].relu() }
            try checkGradients([shape]) { try $0[0].abs() }
            try checkGradients([shape]) { try $0[0].square() }
            try checkGradients([shape]) { try $0[0].expm1() }
            try checkGradients([shape], positive: true) { try $0[0].log1p() }
            try checkGradients([shape], positive: true) { try $0[0].rsqrt() }
            try checkGradients([shape]) { try $0[0].clamp(min: -0.5, max: 0.7) }
            try checkGradients([shape]) { try $0[0].clamp(min: 0.1) }
            try checkGradients([shape]) { try $0[0].mul(0.5).tan() }
            try checkGradients([shape]) { try $0[0].sinh().add($0[0].cosh()).add($0[0].atan()).add($0[0].asinh()) }
            try checkGradients([shape]) { try $0[0].erf().add($0[0].erfc().mul(2)).add($0[0].exp2()) }
            try checkGradients([shape]) { x in let u = try x[0].tanh().mul(0.8); return try u.asin().add(u.acos().mul(2)).add(u.atanh()) }
            try checkGradients([shape], positive: true) { try $0[0].add(1).acosh().add($0[0].log2()).add($0[0].log10()) }
        }
    }

    @Test func maximumMinimumWhereMaskedFill() throws {
        try checkGradients([[2, 3], [3]]) { try $0[0].maximum($0[1]) }
        try checkGradients([[2, 3], [2, 1]]) { try $0[0].minimum($0[1]) }
        try checkGradients([[4], [4]]) { x in try Tensor.where(x[0].gt(x[1]), x[0], x[1].mul(2)) }
        try checkGradients([[2, 3]]) { x in try x[0].maskedFill(x[0].gt(0.3), 1.5) }
        // A 0-d tensor value gets the gradient where the mask is true; the input broadcasts to the mask.
        try checkGradients([[3], []]) { x in
            try x[0].maskedFill(Tensor([true, false, true, false, false, true], shape: [2, 3]), x[1])
        }
    }

    @Test func reductionsOverDims() throws {
        for (shape, dims) in [([2, 3, 4], [1]), ([2, 3, 4], [0, 2]), ([5], [0]), ([3, 4], [-1])] as [([Int], [Int])] {
            for keepdim in [false, true] {
                try checkGradients([shape]) { try $0[0].sum(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].mean(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].variance(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].std(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].logsumexp(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].amax(dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].norm(p: 2, dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].norm(p: 3, dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].norm(p: 1, dims: dims, keepdim: keepdim) }
                try checkGradients([shape]) { try $0[0].max(dim: dims[0], keepdim: keepdim).values }
                try checkGradients([shape]) { try $0[0].min(dim: dims[0], keepdim: keepdim).values }
                try checkGradients([shape]) { try $0[0].prod(dim: dims[0], keepdim: keepdim) }
            }
        }
        try checkGradients([[2, 3]]) { try $0[0].mean() }
        try checkGradients([[2, 3]]) { try $0[0].prod() }
        try checkGradients([[2, 3]]) { try $0[0].max() }
        try checkGradients([[2, 3]]) { try $0[0].min() }
        try checkGradients([[2, 3]]) { try $0[0].variance() }
        try checkGradients([[2, 3]]) { try $0[0].norm(p: .infinity) }
    }

    @Test func softmax() throws {
        for dim in [0, 1, -1] {
            try checkGradients([[3, 4]]) { try $0[0].softmax(dim: dim) }
            try checkGradients([[3, 4]]) { try $0[0].logSoftmax(dim: dim) }
        }
        try checkGradients([[2, 3, 2]]) { try $0[0].softmax(dim: 1) }
    }

    @Test func views() throws {
        try checkGradients([[2, 3]]) { try $0[0].transpose(0, 1).mul(Tensor.arange(0, 6).reshape([3, 2]).to(.float64).to($0[0].dtype)) }
        try checkGradients([[2, 3, 4]]) { try $0[0].permute([2, 0, 1]).reshape([4, 6]) }
        try checkGradients([[2, 1, 3]]) { try $0[0].squeeze() }
        try checkGradients([[2, 1, 3]]) { try $0[0].squeeze(dim: 1) }
        try checkGradients([[2, 3]]) { try $0[0].unsqueeze(dim: 1).expand([2, 4, 3]) }
        try checkGradients([[2, 3, 4]]) { try $0[0].flatten(start: 1) }
        try checkGradients([[4, 3]]) { try $0[0].select(dim: 0, index: -1) }
        try checkGradients([[6, 2]]) { try $0[0].slice(dim: 0, start: 1, end: 6, step: 2) }
        try checkGradients([[3, 4]]) { try $0[0].transpose(0, 1).reshape([-1]) }   // reshape of a non-contiguous view copies
        try checkGradients([[3, 4]]) { try $0[0].T.narrow(dim: 1, start: 1, length: 2) }
    }

    @Test func linearAlgebra() throws {
        try checkGradients([[2, 3], [3, 4]]) { try $0[0].mm($0[1]) }
        try checkGradients([[3, 2], [3, 4]]) { try $0[0].transpose(0, 1).mm($0[1]) }   // transposed operand
        try checkGradients([[2, 3], [3]]) { try $0[0].mv($0[1]) }
        try checkGradients([[2, 2, 3], [2, 3, 2]]) { try $0[0].bmm($0[1]) }
        try checkGradients([[3], [4]]) { try Tensor.outer($0[0], $0[1]) }
        // matmul's rank rules: 1x1, 1x2, 2x1, batched and broadcast batched.
        try checkGradients([[3], [3]]) { try $0[0].matmul($0[1]) }
        try checkGradients([[3], [3, 2]]) { try $0[0].matmul($0[1]) }
        try checkGradients([[2, 3], [3]]) { try $0[0].matmul($0[1]) }
        try checkGradients([[2, 2, 3], [3, 2]]) { try $0[0].matmul($0[1]) }
        try checkGradients([[2, 1, 2, 3], [3, 3, 2]]) { try $0[0].matmul($0[1]) }
        try checkGradients([[3], [2, 3, 2]]) { try $0[0].matmul($0[1]) }
    }

    @Test func indexingAndJoining() throws {
        let rows = try Tensor([2, 0, 2] as [Int64]), cols = try Tensor([1, 1, 0] as [Int64])
        try checkGradients([[3, 2]]) { try $0[0].index([rows]) }                   // repeated rows accumulate
        try checkGradients([[3, 2]]) { try $0[0].index([rows, cols]) }
        try checkGradients([[3, 2, 2]]) { try $0[0].index([nil, try Tensor([1, 0] as [Int64])]) }
        try checkGradients([[3, 2, 4]]) { try $0[0].index([rows, nil, try Tensor([3, 0, 1] as [Int64])]) }
        try checkGradients([[3, 2]]) { x in try x[0].index([try x[0].detach().gt(0)]) }
        let index = try Tensor([0, 2, 1, 1] as [Int64], shape: [2, 2])
        try checkGradients([[2, 3]]) { try $0[0].gather(dim: 1, index: index) }
        try checkGradients([[2, 3], [2, 2]]) { try $0[0].scatterAdd(dim: 1, index: index, source: $0[1]) }
        try checkGradients([[2, 3], [1, 3], [2, 3]]) { try Tensor.cat($0, dim: 0) }
        try checkGradients([[2, 3], [2, 1]]) { try Tensor.cat($0, dim: 1) }
        try checkGradients([[2, 3], [2, 3]]) { try Tensor.stack($0, dim: 1) }
    }

    @Test func losses() throws {
        let target = try Tensor([2, 0, 1] as [Int64])
        try checkGradients([[3, 4], [3, 4]]) { try Tensor.mseLoss($0[0], $0[1]) }
        try checkGradients([[3, 4], [3, 4]]) { try Tensor.mseLoss($0[0], $0[1], reduction: .sum) }
        try checkGradients([[3, 4]]) { try Tensor.crossEntropy($0[0], target) }
        try checkGradients([[3, 4]]) { try Tensor.crossEntropy($0[0], target, reduction: .none) }
        try checkGradients([[3, 4]]) { try Tensor.nllLoss($0[0].logSoftmax(dim: 1), target, reduction: .sum) }
        try checkGradients([[5], [5]]) { x in try Tensor.binaryCrossEntropy(x[0].sigmoid(), x[1].sigmoid()) }
    }

    @Test func inPlaceOnResults() throws {
        // y = x * 3; y.add_(x); y.mul_(x): y = (3x + x) x = 4 x^2.
        try checkGradients([[4]]) { x in
            let y = try x[0].mul(3)
            try y.add_(x[0])
            try y.mul_(x[0])
            return y
        }
        try checkGradients([[4], [4]]) { x in
            let y = try x[0].mul(1)
            try y.copy_(x[1])
            return try y.mul(x[0])
        }
    }

    // MARK: Conventions at kinks, as PyTorch

    @Test func kinks() throws {
        let x = try Tensor([-1, 0, 2] as [Float]).requiringGrad()
        try x.relu().sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [0, 0, 1])          // relu'(0) = 0
        try x.zeroGrad()
        try x.abs().sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [-1, 0, 1])         // abs'(0) = 0
        // A full max splits the gradient evenly between ties; a per-dim max gives it to one index.
        let t = try Tensor([3, 1, 3] as [Float]).requiringGrad()
        try t.max().backward()
        #expect(try t.grad!.scalars(as: Float.self) == [0.5, 0, 0.5])
        try t.zeroGrad()
        let m = try t.max(dim: 0)
        #expect(try m.indices.item() == 0)
        try m.values.backward()
        #expect(try t.grad!.scalars(as: Float.self) == [1, 0, 0])
        // maximum of equal values shares the gradient.
        let a = try Tensor([2] as [Float]).requiringGrad(), b = try Tensor([2] as [Float]).requiringGrad()
        try a.maximum(b).sum().backward()
        #expect(try a.grad!.item() == 0.5 && b.grad!.item() == 0.5)
        // prod with a zero: the gradient there is the product of the others.
        let p = try Tensor([2, 0, 3] as [Float]).requiringGrad()
        try p.prod().backward()
        #expect(try p.grad!.scalars(as: Float.self) == [0, 6, 0])
    }
}
