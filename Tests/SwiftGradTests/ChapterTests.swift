import Testing
@testable import SwiftGrad

/// The cells of D2L's "Automatic Differentiation" chapter, with the values and reprs the
/// notebook prints (PyTorch's output is the independent reference).
@Suite struct ChapterTests {
    @Test func simpleFunction() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        #expect(x.description == "tensor([0., 1., 2., 3.], requires_grad=True)")
        #expect(x.grad == nil)
        let y = try 2 * dot(x, x)
        #expect(y.description == "tensor(28., grad_fn=<MulBackward0>)")
        try y.backward()
        #expect(x.grad?.description == "tensor([ 0.,  4.,  8., 12.])")
        #expect(try (x.grad! .== 4 * x).description == "tensor([True, True, True, True])")
    }
}
