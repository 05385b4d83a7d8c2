import Foundation
import Testing
@testable import SwiftGrad

/// The CTC loss (Ops/CTCLoss.swift): values worked out by hand, its gradient against float64
/// finite differences (through log_softmax, where PyTorch's kernel gradient is the loss's own;
/// on raw inputs it differs from the loss's own by exp(log_probs) per upstream unit), the
/// reductions and zero_infinity, and that a second derivative is refused as PyTorch refuses it.
@Suite struct CTCTests {
    static let labels = try! Tensor([1, 2, 2, 0, 3, 1, 1, 0, 2, 0, 0, 0] as [Int64], shape: [3, 4])
    static let inputLengths = try! Tensor([6, 5, 4] as [Int64])
    static let targetLengths = try! Tensor([3, 3, 1] as [Int64])

    static func loss(_ x: Tensor, reduction: LossReduction, blank: Int = 0, zeroInfinity: Bool = false,
                     inputLengths: Tensor = inputLengths, normalise: Bool = true) throws -> Tensor {
        try Tensor.ctcLoss(normalise ? x.logSoftmax(dim: 2) : x, labels, inputLengths: inputLengths,
                           targetLengths: targetLengths, blank: blank, reduction: reduction, zeroInfinity: zeroInfinity)
    }

    @Test func handWorkedLossAndGradient() throws {
        // One label (1) in two steps of two classes: paths "1 b", "b 1", "1 1", p = 0.82.
        let lp = try Tensor([0.3, 0.7, 0.6, 0.4].map { Foundation.log($0) } as [Double], shape: [2, 1, 2]).requiringGrad()
        let loss = try Tensor.ctcLoss(lp, Tensor([1] as [Int64], shape: [1, 1]), inputLengths: [2], targetLengths: [1],
                                      reduction: .sum)
        expectClose([try loss.item()], [-Foundation.log(0.82)], tolerance: 1e-14)
        try loss.backward()
        // y - (alpha * beta summed per class) / (p * y); see Tests/C/test_ctc.c for the tables.
        let want = [0.3 - 0.036 / (0.82 * 0.3), 0.7 - 0.49 / (0.82 * 0.7), 0.6 - 0.252 / (0.82 * 0.6), 0.4 - 0.16 / (0.82 * 0.4)]
        expectClose(try lp.grad!.scalars(as: Double.self), want, tolerance: 1e-14)
        #expect(loss.gradFn?.name == "SumBackward0")
    }

    @Test func gradientsThroughLogSoftmax() throws {
        for reduction in [LossReduction.none, .mean, .sum] {
            try checkGradients([[6, 3, 5]]) { try Self.loss($0[0], reduction: reduction) }
        }
        try checkGradients([[6, 3, 5]]) { try Self.loss($0[0], reduction: .mean, blank: 4) }
        // Sequence 2 (one label in 0 steps) is impossible: its loss and gradient are 0.
        let impossible = try Tensor([6, 5, 0] as [Int64])
        try checkGradients([[6, 3, 5]]) {
            try Self.loss($0[0], reduction: .sum, zeroInfinity: true, inputLengths: impossible)
        }
    }

    @Test func unnormalisedInputsGetPyTorchsKernelGradient() throws {
        // PyTorch's kernel returns exp(lp) * g plus the loss's own gradient (which finite
        // differences of the loss as a function of lp alone give).
        let x = try makeInputs([[6, 3, 5]], dtype: .float64, positive: false, seed: 3)[0]
        let loss = try Self.loss(x, reduction: .sum, normalise: false)
        try loss.backward()
        let kernel = try x.grad!.scalars(as: Double.self)
        let values = x.storage.pointer(Double.self)
        let h = 1e-6
        for j in 0..<x.count {
            let saved = values[j]
            values[j] = saved + h
            let plus = try noGrad { try Self.loss(x, reduction: .sum, normalise: false).item() }
            values[j] = saved - h
            let minus = try noGrad { try Self.loss(x, reduction: .sum, normalise: false).item() }
            values[j] = saved
            // Steps at or beyond a sequence's length get 0 from the kernel, and the loss does not
            // depend on them.
            let t = j / 15, b = (j / 5) % 3
            let live = t < [6, 5, 4][b]
            let expected = (plus - minus) / (2 * h) + (live ? Foundation.exp(saved) : 0)
            #expect(abs(kernel[j] - expected) < 1e-6, "element \(j): \(kernel[j]) vs \(expected)")
        }
    }

    @Test func reductionsAndGradFnNames() throws {
        let x = try makeInputs([[6, 3, 5]], dtype: .float64, positive: false, seed: 4)[0]
        let none = try Self.loss(x, reduction: .none)
        #expect(none.shape == [3] && none.gradFn?.name == "CtcLossBackward0")
        let perTarget = try none.scalars(as: Double.self)
        let mean = try Self.loss(x, reduction: .mean)
        expectClose([try mean.item()], [(perTarget[0] / 3 + perTarget[1] / 3 + perTarget[2] / 1) / 3], tolerance: 1e-14)
        #expect(mean.gradFn?.name == "MeanBackward0")
        expectClose([try Self.loss(x, reduction: .sum).item()], [perTarget.reduce(0, +)], tolerance: 1e-14)
        let masked = try Self.loss(x, reduction: .none, zeroInfinity: true)
        #expect(masked.gradFn?.name == "WhereBackward0")
        // Unbatched input [T, C] with 1-D targets: a 0-d loss.
        let single = try Tensor.ctcLoss(x.select(dim: 1, index: 0).logSoftmax(dim: 1), Tensor([1, 2, 2] as [Int64]),
                                        inputLengths: [6], targetLengths: [3], reduction: .none)
        #expect(single.shape == [] && single.gradFn?.name == "SqueezeBackward1")
        expectClose([try single.item()], [perTarget[0]], tolerance: 1e-14)
        // Concatenated targets give the padded targets' losses.
        let concatenated = try Tensor.ctcLoss(x.logSoftmax(dim: 2), Tensor([1, 2, 2, 3, 1, 1, 2] as [Int64]),
                                              inputLengths: Self.inputLengths, targetLengths: Self.targetLengths,
                                              reduction: .none)
        expectClose(try concatenated.scalars(as: Double.self), perTarget, tolerance: 1e-14)
    }

    @Test func impossibleAlignmentIsInfiniteUnlessZeroed() throws {
        let x = try makeInputs([[6, 3, 5]], dtype: .float64, positive: false, seed: 5)[0]
        // "2 2" needs three steps; two steps cannot hold it.
        let short = try Tensor([6, 2, 4] as [Int64])
        let none = try Self.loss(x, reduction: .none, inputLengths: short)
        #expect(try none.scalars(as: Double.self)[1] == .infinity)
        let zeroed = try Self.loss(x, reduction: .none, zeroInfinity: true, inputLengths: short)
        #expect(try zeroed.scalars(as: Double.self)[1] == 0)
        try zeroed.sum().backward()
        let g = try x.grad!.scalars(as: Double.self)
        #expect((0..<6).allSatisfy { t in (0..<5).allSatisfy { g[t * 15 + 5 + $0] == 0 } })
    }

    @Test func secondDerivativeIsRefusedAsInPyTorch() throws {
        let x = try makeInputs([[6, 3, 5]], dtype: .float64, positive: false, seed: 6)[0]
        let lp = try x.logSoftmax(dim: 2).detach().requiringGrad()
        let loss = try Self.loss(lp, reduction: .sum, normalise: false)
        let g = try Autograd.grad([loss], [lp], createGraph: true)[0]!
        #expect(g.gradFn?.name == "NotImplemented")
        expectError(.autograd("derivative for aten::_ctc_loss_backward is not implemented")) {
            _ = try Autograd.grad([g.sum()], [lp])
        }
        #expect(throws: SwiftGradError.self) {
            try Autograd.gradgradcheck({ xs in [try Self.loss(xs[0], reduction: .sum, normalise: false)] }, [lp])
        }
    }

    @Test func float32MatchesFloat64() throws {
        let x = try makeInputs([[6, 3, 5]], dtype: .float64, positive: false, seed: 7)[0]
        let x32 = try x.detach().to(.float32).requiringGrad()
        let l64 = try Self.loss(x, reduction: .none), l32 = try Self.loss(x32, reduction: .none)
        #expect(l32.dtype == .float32)
        expectClose(try l32.scalars(as: Double.self), try l64.scalars(as: Double.self), tolerance: 1e-5)
        try l64.sum().backward()
        try l32.sum().backward()
        expectClose(try x32.grad!.scalars(as: Double.self), try x.grad!.scalars(as: Double.self), tolerance: 1e-5)
    }

    @Test func errorsWithPyTorchsMessages() throws {
        let lp = try Tensor.zeros([5, 2, 4], dtype: .float64)
        let tg = try Tensor([1, 2, 2, 3, 1, 0] as [Int64], shape: [2, 3])
        let site = "(while checking arguments for ctc_loss_allocate_outputs)"
        expectError(.invalidArgument("Expected input_lengths to have value at most 5, but got value 6 \(site)")) {
            _ = try Tensor.ctcLoss(lp, tg, inputLengths: [6, 4], targetLengths: [3, 2])
        }
        expectError(.invalidArgument("blank must be in label range")) {
            _ = try Tensor.ctcLoss(lp, tg, inputLengths: [5, 4], targetLengths: [3, 2], blank: 4)
        }
        expectError(.shape("Expected tensor to have size 5 at dimension 0, but got size 3 for argument #2 'targets' \(site)")) {
            _ = try Tensor.ctcLoss(lp, Tensor([1, 2, 3] as [Int64]), inputLengths: [5, 4], targetLengths: [3, 2])
        }
        expectError(.dtype("\"ctc_loss_cpu\" not implemented for 'Half'")) {
            _ = try Tensor.ctcLoss(lp.to(.float16), tg, inputLengths: [5, 4], targetLengths: [3, 2])
        }
        expectError(.invalidArgument("ctc_loss: target 9 (sequence 1, position 0) is out of bounds for 4 classes")) {
            _ = try Tensor.ctcLoss(lp, Tensor([1, 2, 2, 9, 1, 0] as [Int64], shape: [2, 3]), inputLengths: [5, 4], targetLengths: [3, 2])
        }
        expectError(.dtype("input_lengths must be integral")) {
            _ = try Tensor.ctcLoss(lp, tg, inputLengths: Tensor([5, 4] as [Double]), targetLengths: Tensor([3, 2] as [Int64]))
        }
    }
}
