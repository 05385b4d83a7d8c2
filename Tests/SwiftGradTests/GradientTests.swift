import Testing
@testable import SwiftGrad

/// Every differentiable op's gradient against float64 central finite differences, and the
/// float32 gradient against the float64 one. Shapes include broadcasting and 0-d operands.
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
}
