import Testing
@testable import SwiftGrad

/// Errors carry PyTorch's messages and the case that maps to the right C status.
@Suite struct ErrorTests {
    @Test func backwardErrors() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        expectError(.autograd("grad can be implicitly created only for scalar outputs")) { try (x * 2).backward() }
        expectError(.autograd("element 0 of tensors does not require grad and does not have a grad_fn")) {
            try Tensor.arange(0, 4).sum().backward()
        }
        // A non-scalar that does not require grad reports the missing grad_fn first.
        expectError(.autograd("element 0 of tensors does not require grad and does not have a grad_fn")) {
            try Tensor.arange(0, 4).backward()
        }
        expectError(.shape("Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4]).")) {
            try (x * 2).backward(try Tensor.ones([3]))
        }
    }

    @Test func shapeAndDtypeErrors() throws {
        let a = try Tensor.arange(0, 3), b = try Tensor.arange(0, 4)
        expectError(.shape("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0")) { _ = try a * b }
        expectError(.shape("The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1")) {
            _ = try Tensor.zeros([4, 2]) + Tensor.zeros([3])
        }
        expectError(.shape("1D tensors expected, but got 2D and 1D tensors")) { _ = try dot(Tensor.zeros([2, 2]), a) }
        expectError(.dtype("dot : expected both vectors to have same dtype, but found Float and Double")) {
            _ = try dot(a, Tensor.zeros([3], dtype: .float64))
        }
        expectError(.shape("inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively")) {
            _ = try dot(a, b)
        }
        expectError(.dtype("linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long")) {
            _ = try Tensor.arange(0, 3, dtype: .int64).norm()
        }
        expectError(.invalidArgument("a Tensor with 3 elements cannot be converted to Scalar")) { _ = try a.item() }
        expectError(.invalidArgument("Boolean value of Tensor with more than one value is ambiguous")) { _ = try a.isNonzero() }
        expectError(.invalidArgument("Boolean value of Tensor with no values is ambiguous")) {
            _ = try Tensor.zeros([0]).isNonzero()
        }
        #expect(try Tensor([Double.nan]).isNonzero() && !(try Tensor(scalar: -0.0).isNonzero())
                && (try Tensor([3] as [Int64], shape: [1, 1]).isNonzero()))
        let flags = try Tensor([true] as [Bool])
        expectError(.dtype("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")) {
            _ = try flags - flags
        }
        expectError(.dtype("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")) {
            _ = try -flags
        }
        expectError(.invalidArgument("Integers to negative integer powers are not allowed.")) {
            _ = try Tensor.arange(1, 3, dtype: .int64).pow(Tensor([-1] as [Int64]))
        }
    }

    @Test func creationErrors() throws {
        expectError(.invalidArgument("step must be nonzero")) { _ = try Tensor.arange(0, 4, step: 0) }
        expectError(.invalidArgument("upper bound and larger bound inconsistent with step sign")) { _ = try Tensor.arange(0, 4, step: -1) }
        expectError(.invalidArgument("unsupported range: nan -> 4.0")) { _ = try Tensor.arange(.nan, 4) }
        expectError(.invalidArgument("invalid size, possible overflow?")) { _ = try Tensor.arange(0, 1e300, step: 1e-300) }
        expectError(.invalidArgument("Trying to create tensor with negative dimension -1: [2, -1]")) { _ = try Tensor.zeros([2, -1]) }
        expectError(.invalidArgument("the number of elements of a tensor of shape [4611686018427387904, 4] overflows int64")) {
            _ = try Tensor.zeros([1 << 62, 4])
        }
        expectError(.invalidArgument("value cannot be converted to type int64_t without overflow")) {
            _ = try Tensor.full([2], .infinity, dtype: .int64)
        }
        expectError(.dtype("\"normal_kernel_cpu\" not implemented for 'Long'")) { _ = try Tensor.randn([2], dtype: .int64) }
        // An allocation that cannot succeed is an error, not a crash.
        #expect(throws: SwiftGradError.self) { _ = try Tensor.zeros([1 << 40, 1 << 20]) }
    }

    /// Arguments the ABI fuzzer found to trap (integer overflow) before they were handled.
    @Test func extremeArgumentsAreHandledNotTrapped() throws {
        let x = try Tensor.arange(0, 5, dtype: .float64)
        // var/std with any correction: the divisor max(0, n - correction) is computed in Double
        // (the squared deviations of 0...4 sum to 10).
        #expect(try x.variance(correction: -1e308).item().isFinite)
        #expect(try x.variance(correction: 1e300).item() == .infinity)
        #expect(try x.variance(correction: 0.5).item() == 10 / 4.5)
        // eye with an empty side and a huge other side.
        #expect(try Tensor.eye(0, Int.max).shape == [0, Int.max])
        // slices with steps far beyond the size.
        #expect(try x.slice(dim: 0, start: 1, step: Int.max).scalars(as: Double.self) == [1])
        #expect(try x.slice(dim: 0, start: 4, end: 2, step: Int.max).count == 0)
    }

    @Test func gradientAssignmentAndHooksFollowPyTorchsRules() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        expectError(.autograd("can't assign Variable as its own grad")) { try x.setGrad(x) }
        // An assigned gradient shares memory but not its graph (no cycles through .grad).
        let y = try Tensor.arange(0, 3, requiresGrad: true)
        let g = try y.mul(2)
        try x.setGrad(g)
        #expect(x.grad!.gradFn == nil && x.grad!.storage === g.storage)
        try y.setGrad(x)  // x.grad -> g, y.grad -> x: no cycle either
        // A hook may replace a gradient's values, not its size or type.
        let z = try Tensor.arange(0, 3, requiresGrad: true)
        try z.registerHook { _ in try Tensor.ones([7]) }
        expectError(.autograd("hook has changed the size of value")) { try z.mul(2).sum().backward() }
        let w = try Tensor.arange(0, 3, requiresGrad: true)
        try w.registerHook { g in try g.to(.float64) }
        expectError(.autograd("hook has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)")) {
            try w.mul(2).sum().backward()
        }
    }

    @Test func inPlaceOnItselfKeepsPyTorchsErrorAndLeaksNothing() throws {
        try expectFreed {
            let a = try Tensor.arange(1, 4, requiresGrad: true)
            let y = try a.mul(2)
            try y.mul_(y)
            expectError(.autograd("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Mul, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")) {
                try y.sum().backward()
            }
            return [a, y]
        }
    }
}
