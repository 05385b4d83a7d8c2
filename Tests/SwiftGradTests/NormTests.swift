import Foundation
import Testing
@testable import SwiftGrad

/// The normalisation layers (Ops/Normalization.swift): every backward (the fused first-order
/// kernels) against float64 finite differences, float32 against float64, second derivatives
/// (the create_graph path) with gradgradcheck, values and running statistics worked out by
/// hand, and PyTorch's errors.
@Suite struct NormTests {
    // ---- gradients --------------------------------------------------------------------------

    @Test func layerNormGradients() throws {
        try checkGradients([[3, 4], [4], [4]]) { try $0[0].layerNorm(normalizedShape: [4], weight: $0[1], bias: $0[2], eps: 1e-5) }
        try checkGradients([[2, 3, 5]]) { try $0[0].layerNorm(normalizedShape: [3, 5], weight: nil, bias: nil, eps: 0.1) }
        try checkGradients([[2, 2, 3], [2, 3]]) { try $0[0].layerNorm(normalizedShape: [2, 3], weight: $0[1], bias: nil, eps: 1e-5) }
        try checkGradients([[4, 3], [3]]) { try $0[0].layerNorm(normalizedShape: [3], weight: nil, bias: $0[1], eps: 1e-5) }
        // Rows long enough for the SIMD loops and several pieces (the parallel split).
        try checkGradients([[3, 37], [37], [37]], seed: 3) { try $0[0].layerNorm(normalizedShape: [37], weight: $0[1], bias: $0[2], eps: 1e-5) }
        // A non-contiguous input.
        try checkGradients([[5, 3]]) { try $0[0].t().layerNorm(normalizedShape: [5], weight: nil, bias: nil, eps: 1e-5) }
    }

    @Test func rmsNormGradients() throws {
        try checkGradients([[3, 4], [4]]) { try $0[0].rmsNorm(normalizedShape: [4], weight: $0[1], eps: nil) }
        try checkGradients([[2, 3, 19]]) { try $0[0].rmsNorm(normalizedShape: [3, 19], weight: nil, eps: 0.5) }
    }

    @Test func batchNormGradients() throws {
        // Training: the batch's statistics.
        try checkGradients([[4, 3], [3], [3]]) {
            try $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true, momentum: 0.1, eps: 1e-5)
        }
        try checkGradients([[3, 2, 21]]) {
            try $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true, momentum: 0.1, eps: 0.5)
        }
        try checkGradients([[2, 3, 2, 3], [3]]) {
            try $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: $0[1], training: true, momentum: 0.1, eps: 1e-5)
        }
        // Evaluation: fixed running statistics (fresh each call, so the checks see one function).
        try checkGradients([[4, 3, 2], [3], [3]]) { x in
            let rm = try Tensor([0.5, -1, 2] as [Double]).to(x[0].dtype), rv = try Tensor([1.5, 0.25, 4] as [Double]).to(x[0].dtype)
            return try x[0].batchNorm(runningMean: rm, runningVar: rv, weight: x[1], bias: x[2], training: false, momentum: 0.1, eps: 1e-5)
        }
    }

    @Test func groupAndInstanceNormGradients() throws {
        try checkGradients([[2, 4, 3], [4], [4]]) { try $0[0].groupNorm(numGroups: 2, weight: $0[1], bias: $0[2], eps: 1e-5) }
        try checkGradients([[3, 6]]) { try $0[0].groupNorm(numGroups: 3, weight: nil, bias: nil, eps: 1e-5) }
        try checkGradients([[2, 3, 2, 2], [3]]) { try $0[0].groupNorm(numGroups: 1, weight: $0[1], bias: nil, eps: 0.5) }
        // native_group_norm's mean and rstd are differentiable too.
        try checkGradients([[2, 4, 3]]) { x in
            let r = try x[0].nativeGroupNorm(weight: nil, bias: nil, n: 2, c: 4, hxw: 3, group: 2, eps: 1e-5)
            return try r[0].sum().add(r[1].mul(r[2]).sum())
        }
        try checkGradients([[2, 3, 5], [3], [3]]) {
            try $0[0].instanceNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], useInputStats: true, momentum: 0.1, eps: 1e-5)
        }
    }

    @Test func secondDerivatives() throws {
        let inputs = try makeInputs([[3, 5], [5], [5]], dtype: .float64, positive: false, seed: 4).map { try $0.requiringGrad() }
        try Autograd.gradgradcheck({ [try $0[0].layerNorm(normalizedShape: [5], weight: $0[1], bias: $0[2], eps: 1e-5)] }, inputs)
        try Autograd.gradgradcheck({ [try $0[0].rmsNorm(normalizedShape: [5], weight: $0[1], eps: nil)] }, Array(inputs[..<2]))
        let images = try makeInputs([[3, 4, 2], [4], [4]], dtype: .float64, positive: false, seed: 5).map { try $0.requiringGrad() }
        try Autograd.gradgradcheck({
            [try $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true, momentum: 0.1, eps: 1e-5)]
        }, images)
        try Autograd.gradgradcheck({ [try $0[0].groupNorm(numGroups: 2, weight: $0[1], bias: $0[2], eps: 1e-5)] }, images)
        try Autograd.gradgradcheck({ x in
            let r = try x[0].nativeGroupNorm(weight: x[1], bias: x[2], n: 3, c: 4, hxw: 2, group: 2, eps: 1e-5)
            return [r[0], r[1], r[2]]
        }, images)
    }

    // ---- values worked out by hand ----------------------------------------------------------

    @Test func layerNormValues() throws {
        // [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
        let x = try Tensor([1, 2, 3, 4] as [Double]).reshape([1, 4])
        let r = try x.nativeLayerNorm(normalizedShape: [4], weight: nil, bias: nil, eps: 0)
        let s = 1 / 1.25.squareRoot()
        expectClose(try r[0].scalars(as: Double.self), [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s], tolerance: 1e-12)
        #expect(r[1].shape == [1, 1] && r[2].shape == [1, 1])
        expectClose(try r[1].scalars(as: Double.self), [2.5], tolerance: 1e-12)
        expectClose(try r[2].scalars(as: Double.self), [s], tolerance: 1e-12)
        // A large offset does not cancel the variance away (shifted sums).
        let big = try Tensor([1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4] as [Double]).reshape([1, 4])
        expectClose(try big.nativeLayerNorm(normalizedShape: [4], weight: nil, bias: nil, eps: 0)[2].scalars(as: Double.self), [s], tolerance: 1e-9)
        // rms_norm of [3, 4]: sqrt(mean(9, 16)) = sqrt(12.5).
        let v = try Tensor([3, 4] as [Double]).rmsNorm(normalizedShape: [2], weight: nil, eps: 0)
        expectClose(try v.scalars(as: Double.self), [3 / 12.5.squareRoot(), 4 / 12.5.squareRoot()], tolerance: 1e-12)
    }

    @Test func batchNormRunningStatistics() throws {
        // One channel holding 1 and 3: mean 2, biased variance 1, unbiased 2.
        let x = try Tensor([1, 3] as [Double]).reshape([2, 1])
        let rm = try Tensor([0] as [Double]), rv = try Tensor([1] as [Double])
        let y = try x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true, momentum: 0.1, eps: 0)
        expectClose(try y.scalars(as: Double.self), [-1, 1], tolerance: 1e-12)
        expectClose(try rm.scalars(as: Double.self), [0.2], tolerance: 1e-12)   // 0.9 * 0 + 0.1 * 2
        expectClose(try rv.scalars(as: Double.self), [1.1], tolerance: 1e-12)   // 0.9 * 1 + 0.1 * 2
        // Evaluation uses them: (x - 0.2) / sqrt(1.1).
        let e = try x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false, momentum: 0.1, eps: 0)
        expectClose(try e.scalars(as: Double.self), [0.8 / 1.1.squareRoot(), 2.8 / 1.1.squareRoot()], tolerance: 1e-12)
        let native = try x.nativeBatchNorm(weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: false, momentum: 0.1, eps: 0)
        #expect(native[1].shape == [0] && native[2].shape == [0])
        // Instance norm: the running update is the batch mean of the per-sample updates.
        let z = try Tensor([1, 3, 5, 9] as [Double]).reshape([2, 1, 2])
        let im = try Tensor([0] as [Double]), iv = try Tensor([1] as [Double])
        _ = try z.instanceNorm(runningMean: im, runningVar: iv, weight: nil, bias: nil, useInputStats: true, momentum: 0.5, eps: 0)
        // Samples: means 2 and 7, unbiased variances 2 and 8.
        expectClose(try im.scalars(as: Double.self), [(1 + 3.5) / 2], tolerance: 1e-12)
        expectClose(try iv.scalars(as: Double.self), [(1.5 + 4.5) / 2], tolerance: 1e-12)
    }

    @Test func groupNormValues() throws {
        // Two groups of two channels, one position: each group is [a, b] -> [-1, 1] for a < b.
        let x = try Tensor([1, 5, 2, 0] as [Double]).reshape([1, 4])
        let r = try x.nativeGroupNorm(weight: nil, bias: nil, n: 1, c: 4, hxw: 1, group: 2, eps: 0)
        expectClose(try r[0].scalars(as: Double.self), [-1, 1, 1, -1], tolerance: 1e-12)
        expectClose(try r[1].scalars(as: Double.self), [3, 1], tolerance: 1e-12)
        expectClose(try r[2].scalars(as: Double.self), [0.5, 1], tolerance: 1e-12)
        #expect(try x.nativeGroupNorm(weight: nil, bias: nil, n: 1, c: 4, hxw: 1, group: 2, eps: 0)[1].shape == [1, 2])
    }

    // ---- errors -----------------------------------------------------------------------------

    @Test func errors() throws {
        let x = try Tensor.zeros([2, 3])
        #expect(throws: SwiftGradError.shape("Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]")) {
            try x.layerNorm(normalizedShape: [4], weight: nil, bias: nil, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.shape("Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and normalized_shape = [3]")) {
            try x.layerNorm(normalizedShape: [3], weight: Tensor.ones([4]), bias: nil, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.dtype("\"LayerNormKernelImpl\" not implemented for 'Long'")) {
            try Tensor.zeros([2, 3], dtype: .int64).layerNorm(normalizedShape: [3], weight: nil, bias: nil, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.shape("running_mean should contain 3 elements not 4")) {
            try x.batchNorm(runningMean: Tensor.zeros([4]), runningVar: Tensor.ones([4]), weight: nil, bias: nil, training: true, momentum: 0.1, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.invalidArgument("running_mean must be defined in evaluation mode")) {
            try x.nativeBatchNorm(weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: false, momentum: 0.1, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.shape("Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3] and num_groups=2")) {
            try x.groupNorm(numGroups: 2, weight: nil, bias: nil, eps: 1e-5)
        }
        #expect(throws: SwiftGradError.self) { try x.nativeGroupNorm(weight: nil, bias: nil, n: 2, c: 3, hxw: Int.max, group: 1, eps: 1e-5) }
        #expect(throws: SwiftGradError.self) { try x.nativeGroupNorm(weight: nil, bias: nil, n: 2, c: 3, hxw: 1, group: 0, eps: 1e-5) }
        #expect(throws: SwiftGradError.invalidArgument("Expected running_mean and running_var to be defined when use_input_stats is false")) {
            try x.instanceNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, useInputStats: false, momentum: 0.1, eps: 1e-5)
        }
    }
}
