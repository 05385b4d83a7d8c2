import Testing
@testable import SwiftGrad

/// The cells of D2L's "Automatic Differentiation" chapter, checked against what the notebook
/// (PyTorch) prints.
@Suite struct ChapterTests {
    @Test func simpleFunctionAndItsGradient() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        #expect(x.description == "tensor([0., 1., 2., 3.], requires_grad=True)")
        #expect(x.grad == nil)
        let y = try 2 * dot(x, x)
        #expect(y.description == "tensor(28., grad_fn=<MulBackward0>)")
        try y.backward()
        #expect(x.grad?.description == "tensor([ 0.,  4.,  8., 12.])")
        #expect(try (x.grad! .== 4 * x).description == "tensor([True, True, True, True])")
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        try (2 * dot(x, x)).backward()
        // Without zeroing, a second function's gradient adds to the first (4x + 1).
        try x.sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [1, 5, 9, 13])
        try x.grad!.zero_()
        try x.sum().backward()
        #expect(x.grad?.description == "tensor([1., 1., 1., 1.])")
    }

    @Test func backwardForNonScalarVariables() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        let y = try x * x
        try y.sum().backward()
        #expect(x.grad?.description == "tensor([0., 2., 4., 6.])")
        // The same gradient through an explicit vector-Jacobian product.
        try x.zeroGrad()
        try (x * x).backward(try Tensor.ones([4]))
        #expect(x.grad?.description == "tensor([0., 2., 4., 6.])")
    }

    @Test func detachingComputation() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        let y = try x * x
        let u = y.detach()
        let z = try u * x
        try z.sum().backward()
        #expect(x.description == "tensor([0., 1., 2., 3.], requires_grad=True)")
        #expect(y.description == "tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>)")
        #expect(u.description == "tensor([0., 1., 4., 9.])")
        #expect(try (x.grad! .== u).description == "tensor([True, True, True, True])")
        // The detached tensor shares memory and never requires grad.
        #expect(u.storage === y.storage)
        #expect(!u.requiresGrad && u.isLeaf)
        // Differentiating y itself still works: dy/dx = 2x.
        try x.zeroGrad()
        try y.sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [0, 2, 4, 6])
    }

    /// def f(a): b = a * 2; while b.norm() < 1000: b = b * 2; if b.sum() > 0: c = b else c = 100 * b
    static func f(_ a: Tensor) throws -> Tensor {
        var b = try a * 2
        while try b.norm().item() < 1000 { b = try b * 2 }
        return try b.sum().item() > 0 ? b : 100 * b
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func controlFlowGradientIsTheLinearFactor(seed: UInt64) throws {
        let a = try Tensor.randn([], requiresGrad: true, generator: Generator(seed: seed))
        let d = try Self.f(a)
        try d.backward()
        let grad = try a.grad!.item(), ratio = try (d / a).item()
        // f is piecewise linear: d = k * a with k = 2^m or 100 * 2^m, and the gradient is k.
        var k = 2.0
        while abs(try a.item()) * k < 1000 { k *= 2 }
        if try a.item() <= 0 { k *= 100 }
        #expect(grad == k)
        if try a.item() > 0 {
            // b = 2^m * a is exact in float32, so d / a == a.grad exactly, as the notebook shows.
            #expect(try (a.grad! .== d / a).description == "tensor(True)")
        } else {
            // 100 * b rounds in float32, so d / a can be one ulp from k (PyTorch likewise).
            #expect(abs(ratio - k) <= k * Double(Float.ulpOfOne))
        }
    }
}
