import Testing
@testable import SwiftGrad

/// `Tensor.composite`: an op written in other ops, recorded as one node with PyTorch's name.
@Suite struct CompositeTests {
    /// x * sigmoid(y) + y: a composite of two inputs (one broadcast), as a test op.
    static func op(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        try Tensor.composite("TestCompositeBackward0", [x, y]) { t in try t[0].mul(t[1].sigmoid()).add(t[1]) }
    }

    @Test func oneNodeWithTheGivenName() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad(), y = try Tensor([0.5] as [Double]).requiringGrad()
        let out = try Self.op(x, y)
        #expect(out.gradFn?.name == "TestCompositeBackward0")
        // The forward is the body's value: 1 * s + 0.5, 2 * s + 0.5 with s = sigmoid(0.5).
        let s = 1 / (1 + Double.exp(-0.5))
        expectClose(try out.scalars(as: Double.self), [s + 0.5, 2 * s + 0.5], tolerance: 1e-15)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        try checkGradients([[2, 3], [3]]) { t in try Self.op(t[0], t[1]) }
    }

    @Test func secondOrderThroughTheSavedInputs() throws {
        let inputs = try makeInputs([[2, 3], [3]], dtype: .float64, positive: false, seed: 3)
        try Autograd.gradgradcheck({ t in [try Self.op(t[0], t[1])] }, inputs, atol: 1e-5, rtol: 1e-4)
    }

    @Test func onlyInputsThatRequireGradGetOne() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad(), y = try Tensor([0.5, -1] as [Double])
        try Self.op(x, y).sum().backward()
        expectClose(try x.grad!.scalars(as: Double.self), try y.sigmoid().scalars(as: Double.self), tolerance: 1e-15)
        #expect(y.grad == nil)
    }

    @Test func aBodyReturningItsInputRecordsANewTensor() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad()
        let out = try Tensor.composite("TestIdentityBackward0", [x]) { t in t[0] }
        #expect(out !== x && x.gradFn == nil && x.isLeaf)
        #expect(out.gradFn?.name == "TestIdentityBackward0")
        try out.sum().backward()
        expectClose(try x.grad!.scalars(as: Double.self), [1, 1], tolerance: 0)
    }

    @Test func aBodyNotDependingOnItsInputsHasZeroGradients() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad()
        let out = try Tensor.composite("TestConstantBackward0", [x]) { _ in try Tensor.ones([3], dtype: .float64) }
        try out.sum().backward()
        expectClose(try x.grad!.scalars(as: Double.self), [0, 0], tolerance: 0)
    }
}
