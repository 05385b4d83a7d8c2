import Foundation
import Testing
@testable import SwiftGrad

/// torch.nn.functional's activations, losses, distances, padding, dropout and embeddings: every
/// backward against float64 finite differences (and float32 against float64), a few second
/// derivatives with gradgradcheck, and forward values worked out by hand.
@Suite struct NNFunctionalTests {
    // ---- activations ----------------------------------------------------------------------

    @Test func activationGradients() throws {
        try checkGradients([[2, 5]]) { try $0[0].elu() }
        try checkGradients([[2, 5]]) { try $0[0].elu(alpha: 0.7, scale: 1.3, inputScale: 0.6) }
        try checkGradients([[7]]) { try $0[0].selu() }
        try checkGradients([[7]]) { try $0[0].celu(alpha: 2.5) }
        try checkGradients([[3, 4]]) { try $0[0].gelu() }
        try checkGradients([[3, 4]]) { try $0[0].gelu(tanhApproximation: true) }
        try checkGradients([[6]]) { try $0[0].silu() }
        try checkGradients([[6]]) { try $0[0].mish() }
        try checkGradients([[6]]) { try $0[0].softplus(beta: 2, threshold: 1.5) }
        try checkGradients([[6]]) { try $0[0].softsign() }
        try checkGradients([[6]]) { try $0[0].tanhshrink() }
        try checkGradients([[8]]) { try $0[0].softshrink(lambd: 0.3) }
        try checkGradients([[8]]) { try $0[0].hardshrink(lambd: 0.3) }
        try checkGradients([[8]]) { try $0[0].hardtanh(minVal: -0.4, maxVal: 0.7) }
        try checkGradients([[8]]) { try $0[0].mul(4).relu6() }
        try checkGradients([[8]]) { try $0[0].mul(3).hardswish() }
        try checkGradients([[8]]) { try $0[0].mul(3).hardsigmoid() }
        try checkGradients([[8]]) { try $0[0].logSigmoid() }
        try checkGradients([[8]]) { try $0[0].leakyRelu(negativeSlope: 0.2) }
        try checkGradients([[8]]) { try $0[0].threshold(0.1, value: -2) }
        try checkGradients([[8]]) { try $0[0].rrelu(lower: 0.1, upper: 0.3) }
        try checkGradients([[3, 4]]) { try $0[0].glu(dim: 1) }
        try checkGradients([[4, 3]]) { try $0[0].glu(dim: 0) }
        try checkGradients([[3, 4]]) { try $0[0].softmin(dim: 1) }
    }

    @Test func preluGradientsReachTheWeight() throws {
        try checkGradients([[2, 3, 4], [3]]) { try $0[0].prelu(weight: $0[1]) }
        try checkGradients([[2, 3], [1]]) { try $0[0].prelu(weight: $0[1]) }
        try checkGradients([[5], []]) { try $0[0].prelu(weight: $0[1]) }
    }

    @Test func activationSecondDerivatives() throws {
        let x = try makeInputs([[6]], dtype: .float64, positive: false, seed: 3)[0]
        try Autograd.gradgradcheck({ [try $0[0].elu(alpha: 1.5)] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].gelu()] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].gelu(tanhApproximation: true)] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].silu()] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].mish()] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].softplus(beta: 2)] }, [x])
        try Autograd.gradgradcheck({ [try $0[0].logSigmoid()] }, [x])
        let w = try makeInputs([[]], dtype: .float64, positive: false, seed: 4)[0]
        try Autograd.gradgradcheck({ [try $0[0].prelu(weight: $0[1])] }, [x, w])
    }

    @Test func activationValues() throws {
        let x = try Tensor([-2, -0.5, 0, 0.5, 2] as [Double])
        expectClose(try x.elu().scalars(as: Double.self), [exp(-2) - 1, exp(-0.5) - 1, 0, 0.5, 2], tolerance: 1e-12)
        expectClose(try x.hardtanh().scalars(as: Double.self), [-1, -0.5, 0, 0.5, 1], tolerance: 0)
        expectClose(try x.softshrink().scalars(as: Double.self), [-1.5, 0, 0, 0, 1.5], tolerance: 0)
        expectClose(try x.hardshrink().scalars(as: Double.self), [-2, 0, 0, 0, 2], tolerance: 0)
        expectClose(try x.hardsigmoid().scalars(as: Double.self), [1.0 / 6, 2.5 / 6, 0.5, 3.5 / 6, 5.0 / 6], tolerance: 1e-15)
        expectClose(try x.hardswish().scalars(as: Double.self), [-2.0 / 6, -0.5 * 2.5 / 6, 0, 0.5 * 3.5 / 6, 2 * 5.0 / 6], tolerance: 1e-15)
        expectClose(try x.leakyRelu(negativeSlope: 0.1).scalars(as: Double.self), [-0.2, -0.05, 0, 0.5, 2], tolerance: 1e-15)
        expectClose(try x.threshold(0.5, value: 9).scalars(as: Double.self), [9, 9, 9, 9, 2], tolerance: 0)
        expectClose(try x.gelu().scalars(as: Double.self), [-2 * 0.5 * erfc(2 / 2.0.squareRoot()), -0.5 * 0.5 * erfc(0.5 / 2.0.squareRoot()), 0,
                                                           0.5 * 0.5 * (1 + erf(0.5 / 2.0.squareRoot())), 2 * 0.5 * (1 + erf(2 / 2.0.squareRoot()))], tolerance: 1e-12)
        expectClose(try x.logSigmoid().scalars(as: Double.self), [-2, -0.5, 0, 0.5, 2].map { -log(1 + exp(-$0)) }, tolerance: 1e-12)
        // Far out, no overflow: log(sigmoid(-1000)) = -1000, softplus(1000) = 1000.
        #expect(try Tensor([-1000] as [Double]).logSigmoid().scalars(as: Double.self) == [-1000])
        #expect(try Tensor([1000] as [Double]).softplus().scalars(as: Double.self) == [1000])
        // glu: a * sigmoid(b) of the halves.
        let g = try Tensor([1, 2, 0, 100] as [Double]).glu()
        expectClose(try g.scalars(as: Double.self), [0.5, 2], tolerance: 1e-12)
        // The node names PyTorch prints.
        let leaf = try Tensor([1, -1] as [Double]).requiringGrad()
        #expect(try leaf.selu().gradFn?.name == "EluBackward0")
        #expect(try leaf.celu().gradFn?.name == "CeluBackward0")
        #expect(try leaf.relu6().gradFn?.name == "HardtanhBackward0")
        #expect(try leaf.softsign().gradFn?.name == "DivBackward0")
        #expect(try leaf.rrelu().gradFn?.name == "RreluWithNoiseBackward0")
    }

    @Test func activationErrors() throws {
        let ints = try Tensor([1, -2] as [Int64])
        expectError(.dtype("\"elu_cpu\" not implemented for 'Long'")) { _ = try ints.elu() }
        expectError(.invalidArgument("ZeroDivisionError: alpha cannot be 0 for CELU")) { _ = try Tensor([1.0]).celu(alpha: 0) }
        expectError(.invalidArgument("Halving dimension must be even, but dimension 0 is size 3")) { _ = try Tensor([1.0, 2, 3]).glu(dim: 0) }
        expectError(.invalidArgument("min_val cannot be greater than max_val")) { _ = try Tensor([1.0]).hardtanh(minVal: 1, maxVal: 0) }
        expectError(.invalidArgument("Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.")) {
            _ = try Tensor.zeros([2, 3]).prelu(weight: Tensor.zeros([2]))
        }
        // hardtanh keeps int64, as PyTorch's.
        let clamped = try ints.hardtanh()
        #expect(clamped.dtype == .int64)
        #expect(try clamped.scalars(as: Int64.self) == [1, -1])
    }

    // ---- losses ---------------------------------------------------------------------------

    @Test func elementwiseLossGradients() throws {
        for reduction in [LossReduction.none, .mean, .sum] {
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.l1Loss($0[0], $0[1], reduction: reduction) }
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.smoothL1Loss($0[0], $0[1], reduction: reduction, beta: 0.8) }
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.huberLoss($0[0], $0[1], reduction: reduction, delta: 0.6) }
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.softMarginLoss($0[0], $0[1], reduction: reduction) }
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.binaryCrossEntropyWithLogits($0[0], $0[1], reduction: reduction) }
            // weight and pos_weight are constants: PyTorch does not differentiate them.
            let weight = try Tensor([0.5, 2, 1, 1.5, 0.25, 3] as [Double], shape: [2, 3])
            let posWeight = try Tensor([2, 0.5, 1] as [Double])
            try checkGradients([[2, 3], [2, 3]]) {
                try Tensor.binaryCrossEntropyWithLogits($0[0], $0[1], weight: weight, posWeight: posWeight, reduction: reduction)
            }
            try checkGradients([[3, 4], [3, 4]], positive: true) { try Tensor.klDiv($0[0].log(), $0[1], reduction: reduction) }
            try checkGradients([[3, 4], [3, 4]]) { try Tensor.klDiv($0[0], $0[1], reduction: reduction, logTarget: true) }
            try checkGradients([[3, 4], [3, 4]], positive: true) {
                try Tensor.poissonNllLoss($0[0], $0[1], logInput: false, full: true, reduction: reduction)
            }
            try checkGradients([[3, 4], [3, 4], [3, 4]], positive: true) {
                try Tensor.gaussianNllLoss($0[0], $0[1], variance: $0[2], full: true, reduction: reduction)
            }
        }
    }

    @Test func binaryCrossEntropyWithWeight() throws {
        let weight = try Tensor([0.5, 2, 1] as [Double])
        try checkGradients([[2, 3], [2, 3]]) { xs in
            try Tensor.binaryCrossEntropy(xs[0].sigmoid(), xs[1].sigmoid(), weight: weight, reduction: .mean)
        }
        // By hand: -w (t log p + (1 - t) log(1 - p)).
        let p = try Tensor([0.25, 0.5, 0.9] as [Double]), t = try Tensor([1, 0, 1] as [Double])
        let loss = try Tensor.binaryCrossEntropy(p, t, weight: weight, reduction: .none).scalars(as: Double.self)
        expectClose(loss, [-0.5 * log(0.25), -2 * log(0.5), -log(0.9)], tolerance: 1e-12)
    }

    @Test func nllLossWeightsIgnoreIndexAndKDimensions() throws {
        // By hand: input [2, 3] log-probabilities, targets 2 and 0, weights [1, 2, 3].
        let input = try Tensor([-1, -2, -3, -4, -5, -6] as [Double], shape: [2, 3])
        let target = try Tensor([2, 0] as [Int64]), weight = try Tensor([1, 2, 3] as [Double])
        let none = try Tensor.nllLoss(input, target, weight: weight, ignoreIndex: -100, reduction: .none)
        #expect(try none.scalars(as: Double.self) == [9, 4])
        let mean = try Tensor.nllLoss(input, target, weight: weight, ignoreIndex: -100, reduction: .mean)
        #expect(try mean.item() == 13.0 / 4)
        let ignored = try Tensor.nllLoss(input, target, weight: weight, ignoreIndex: 0, reduction: .mean)
        #expect(try ignored.item() == 3)
        // Gradients, 2-d and K-dimensional.
        try checkGradients([[4, 3]]) { xs in
            try Tensor.nllLoss(xs[0], Tensor([0, 2, 1, 2] as [Int64]), weight: weight, ignoreIndex: 1, reduction: .mean)
        }
        let spatial = try Tensor([0, 1, 2, 2, 1, 0, 2, 1] as [Int64], shape: [2, 2, 2])
        try checkGradients([[2, 3, 2, 2]]) { xs in
            try Tensor.nllLoss(xs[0], spatial, weight: nil, ignoreIndex: -100, reduction: .sum)
        }
        let leaf = try Tensor.zeros([2, 3, 2, 2], dtype: .float64).requiringGrad()
        #expect(try Tensor.nllLoss(leaf, spatial, weight: nil, ignoreIndex: -100, reduction: .mean).gradFn?.name == "NllLoss2DBackward0")
        expectError(.invalidArgument("Target 3 is out of bounds.")) {
            _ = try Tensor.nllLoss(input, Tensor([3, 0] as [Int64]), weight: nil, ignoreIndex: -100, reduction: .mean)
        }
    }

    /// nll_loss's backward as PyTorch's nll_loss_backward: -weight[t] * g (over the total weight
    /// for the mean) at each counted element's class and 0 elsewhere, so ignored elements get 0
    /// even when every element is ignored and the mean is NaN; a counted element of weight 0 gets
    /// -0. An ignored element's loss is 0 whatever its input. The create_graph form (recorded
    /// ops) gives the same values. Expected values from PyTorch 2.15.
    @Test func nllLossIgnoredAndZeroWeightElementsAsPyTorch() throws {
        let inf = Double.infinity
        for dtype in [DType.float32, .float64] {
            let x = try Tensor([0.5, -inf, 1, 2, 3, 4, -1, -2, -3, 0.25, 0.75, 1.5] as [Double], shape: [3, 4]).to(dtype).requiringGrad()
            let allIgnored = try Tensor([-100, -100, -100] as [Int64])
            for (name, loss) in [("nll_loss", { try Tensor.nllLoss(x, allIgnored) }),
                                 ("cross_entropy", { try Tensor.crossEntropy(x, allIgnored) })] as [(String, () throws -> Tensor)] {
                let l = try loss()
                #expect(try l.item().isNaN, "\(name): the mean over no element is NaN")
                let g = try Autograd.grad([l], [x])[0]!
                #expect(try g.to(.float64).scalars(as: Double.self) == [Double](repeating: 0, count: 12), "\(name), \(dtype)")
            }
            // Row 0 ignored (its class-1 entry is -inf): loss 0 there, not NaN.
            let some = try Tensor([1, 2, 0] as [Int64])
            let none = try Tensor.nllLoss(x, some, weight: nil, ignoreIndex: 1, reduction: .none)
            #expect(try none.to(.float64).scalars(as: Double.self) == [0, 1, 3], "\(dtype)")
            let weight = try Tensor([0, 1, 1, 1] as [Double]).to(dtype)
            let target = try Tensor([0, 0, 1] as [Int64])
            for createGraph in [false, true] {
                let l = try Tensor.nllLoss(x, target, weight: weight, ignoreIndex: -100, reduction: .mean)
                #expect(try l.item() == -0.25)  // -x[2, 1] / 1
                let g = try Autograd.grad([l], [x], createGraph: createGraph)[0]!.to(.float64).scalars(as: Double.self)
                #expect(g == [0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0], "\(dtype), create_graph \(createGraph)")
                #expect(g[0].sign == .minus && g[4].sign == .minus, "a counted element of weight 0 gets -0")
                let s = try Tensor.nllLoss(x, Tensor([3, 2, 1] as [Int64]), weight: weight.mul(2), ignoreIndex: 2, reduction: .sum)
                let gs = try Autograd.grad([s.mul(3)], [x], createGraph: createGraph)[0]!.to(.float64).scalars(as: Double.self)
                #expect(gs == [0, 0, 0, -6, 0, 0, 0, 0, 0, -6, 0, 0], "\(dtype), sum, create_graph \(createGraph)")
            }
        }
    }

    @Test func crossEntropyForms() throws {
        let weight = try Tensor([0.5, 1, 2] as [Double])
        let target = try Tensor([0, 2, 1, 2] as [Int64])
        try checkGradients([[4, 3]]) { xs in
            try Tensor.crossEntropy(xs[0], target, weight: weight, ignoreIndex: 1, reduction: .mean, labelSmoothing: 0.2)
        }
        try checkGradients([[4, 3], [4, 3]]) { xs in
            try Tensor.crossEntropy(xs[0], xs[1].softmax(dim: 1), weight: weight, ignoreIndex: -100, reduction: .mean, labelSmoothing: 0.1)
        }
        // Label smoothing by hand on one row: (1 - e) * nll + e / C * sum(-log p).
        let logits = try Tensor([1, 2, 3] as [Double], shape: [1, 3])
        let logp = try logits.logSoftmax(dim: 1).scalars(as: Double.self)
        let smoothed = try Tensor.crossEntropy(logits, Tensor([1] as [Int64]), weight: nil, ignoreIndex: -100,
                                               reduction: .mean, labelSmoothing: 0.3).item()
        expectClose([smoothed], [0.7 * -logp[1] + 0.1 * -(logp[0] + logp[1] + logp[2])], tolerance: 1e-12)
        expectError(.invalidArgument("ignore_index is not supported for floating point target")) {
            _ = try Tensor.crossEntropy(logits, logits, weight: nil, ignoreIndex: 1, reduction: .mean, labelSmoothing: 0)
        }
    }

    @Test func marginAndEmbeddingLosses() throws {
        let signs = try Tensor([1, -1, 1, -1] as [Double])
        for reduction in [LossReduction.none, .mean] {
            try checkGradients([[4], [4]]) { try Tensor.marginRankingLoss($0[0], $0[1], signs, margin: 0.3, reduction: reduction) }
            try checkGradients([[4]]) { try Tensor.hingeEmbeddingLoss($0[0], signs, margin: 0.8, reduction: reduction) }
            try checkGradients([[4, 3], [4, 3]]) { try Tensor.cosineEmbeddingLoss($0[0], $0[1], signs, margin: -0.5, reduction: reduction) }
            try checkGradients([[4, 3], [4, 3], [4, 3]]) {
                try Tensor.tripletMarginLoss($0[0], $0[1], $0[2], margin: 2, swap: true, reduction: reduction)
            }
            try checkGradients([[4, 3], [4, 3], [3]]) { xs in
                try Tensor.multilabelSoftMarginLoss(xs[0], xs[1].sigmoid(), weight: xs[2], reduction: reduction)
            }
            try checkGradients([[4, 3]]) { xs in
                try Tensor.multiMarginLoss(xs[0], Tensor([0, 2, 1, 1] as [Int64]), p: 2, margin: 0.7,
                                           weight: Tensor([1, 2, 3] as [Double]), reduction: reduction)
            }
            try checkGradients([[2, 4]]) { xs in
                try Tensor.multilabelMarginLoss(xs[0], Tensor([3, 0, -1, 1, 1, 2, 3, -1] as [Int64], shape: [2, 4]), reduction: reduction)
            }
        }
        // multilabel_margin_loss by hand: x = [0.1, 0.2, 0.4, 0.8], targets {3, 0}:
        // sum over y in {3, 0}, i in {1, 2} of max(0, 1 - (x[y] - x[i])) / 4.
        let x = try Tensor([0.1, 0.2, 0.4, 0.8] as [Double], shape: [1, 4])
        let loss = try Tensor.multilabelMarginLoss(x, Tensor([3, 0, -1, 1] as [Int64], shape: [1, 4]), reduction: .sum).item()
        expectClose([loss], [((1 - 0.6) + (1 - 0.4) + (1 + 0.1) + (1 + 0.3)) / 4], tolerance: 1e-12)
        // multi_margin_loss by hand: x = [0.1, 0.2, 0.4, 0.8], y = 1, margin 1, p 1.
        let mm = try Tensor.multiMarginLoss(x, Tensor([1] as [Int64]), reduction: .sum).item()
        expectClose([mm], [((1 - 0.2 + 0.1) + (1 - 0.2 + 0.4) + (1 - 0.2 + 0.8)) / 4], tolerance: 1e-12)
    }

    // ---- distances, padding, rearrangements ---------------------------------------------------

    @Test func distanceGradients() throws {
        try checkGradients([[3, 4]]) { try $0[0].normalize(p: 2, dim: 1) }
        try checkGradients([[3, 4]]) { try $0[0].normalize(p: 0.5, dim: 0) }
        try checkGradients([[3, 4]], positive: true) { try $0[0].normalize(p: -1, dim: 1) }
        try checkGradients([[3, 4], [1, 4]]) { try Tensor.cosineSimilarity($0[0], $0[1], dim: 1) }
        try checkGradients([[4, 3]]) { try $0[0].pdist() }
        try checkGradients([[4, 3]]) { try $0[0].pdist(p: 1.5) }
        try checkGradients([[2, 3], [2, 3]]) { try Tensor.pairwiseDistance($0[0], $0[1], p: 3) }
        try checkGradients([[2, 3], [2, 4], [5, 3, 4], [5]]) { try Tensor.bilinear($0[0], $0[1], weight: $0[2], bias: $0[3]) }
        try checkGradients([[2, 5, 3]]) { try $0[0].localResponseNorm(size: 3, alpha: 0.5, beta: 0.75, k: 2) }
        try checkGradients([[1, 4, 2, 2]]) { try $0[0].localResponseNorm(size: 2) }
        let x = try makeInputs([[3, 4]], dtype: .float64, positive: false, seed: 5)[0]
        try Autograd.gradgradcheck({ [try $0[0].pdist()] }, [x])
    }

    @Test func distanceValues() throws {
        // Rows (0, 0), (3, 4), (6, 8): distances 5, 10, 5.
        let rows = try Tensor([0, 0, 3, 4, 6, 8] as [Double], shape: [3, 2])
        #expect(try rows.pdist().scalars(as: Double.self) == [5, 10, 5])
        expectClose(try Tensor.cosineSimilarity(rows.narrow(dim: 0, start: 1, length: 2), Tensor([4, -3] as [Double], shape: [1, 2])).scalars(as: Double.self),
                    [0, 0], tolerance: 1e-15)
        expectClose(try rows.normalize(dim: 1).scalars(as: Double.self), [0, 0, 0.6, 0.8, 0.6, 0.8], tolerance: 1e-15)
        // bilinear by hand: x1 = [1, 2], x2 = [3], W = [[[1], [10]]]: 1*1*3 + 2*10*3 = 63, + bias 1.
        let y = try Tensor.bilinear(Tensor([1, 2] as [Double], shape: [1, 2]), Tensor([3] as [Double], shape: [1, 1]),
                                    weight: Tensor([1, 10] as [Double], shape: [1, 2, 1]), bias: Tensor([1] as [Double]))
        #expect(y.shape == [1, 1])
        #expect(try y.item() == 64)
    }

    @Test func padding() throws {
        let x = try Tensor([1, 2, 3] as [Double], shape: [1, 3])
        #expect(try x.constantPadNd(pad: [2, -1], value: 7).scalars(as: Double.self) == [7, 7, 1, 2])
        #expect(try x.constantPadNd(pad: [0, 0, 1, 0]).shape == [2, 3])
        #expect(try x.pad([2, 1], mode: .reflect).scalars(as: Double.self) == [3, 2, 1, 2, 3, 2])
        #expect(try x.pad([2, 1], mode: .replicate).scalars(as: Double.self) == [1, 1, 1, 2, 3, 3])
        #expect(try x.pad([2, 1], mode: .circular).scalars(as: Double.self) == [2, 3, 1, 2, 3, 1])
        // Negative circular padding crops first, then wraps what is left (as PyTorch).
        #expect(try Tensor([1, 2, 3, 4] as [Double], shape: [1, 4]).pad([-1, 1], mode: .circular).scalars(as: Double.self) == [2, 3, 4, 2])
        try checkGradients([[2, 3]]) { try $0[0].constantPadNd(pad: [1, -1, 2, 0], value: 0.5) }
        try checkGradients([[1, 2, 4]]) { try $0[0].pad([3, 2], mode: .reflect) }
        try checkGradients([[1, 2, 3]]) { try $0[0].pad([4, -1], mode: .replicate) }
        try checkGradients([[1, 1, 3, 3]]) { try $0[0].pad([1, 2, 2, 0], mode: .circular) }
        let leaf = try Tensor.zeros([1, 2, 3], dtype: .float64).requiringGrad()
        #expect(try leaf.pad([1, 1], mode: .reflect).gradFn?.name == "ReflectionPad1DBackward0")
        expectError(.invalidArgument("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 2, 3]")) {
            _ = try leaf.pad([3, 3], mode: .reflect)
        }
        expectError(.invalidArgument("Length of pad must be even but instead it equals 3")) { _ = try x.constantPadNd(pad: [1, 1, 1]) }
        expectError(.invalidArgument("pad: unknown padding mode 7; expected 0 (reflect), 1 (replicate) or 2 (circular)")) {
            _ = try leaf.pad([1, 1], modeCode: 7)
        }
    }

    @Test func shuffles() throws {
        // pixel_shuffle of [1, 4, 1, 1] with r = 2: the 4 channels become a 2x2 block.
        let channels = try Tensor([1, 2, 3, 4] as [Double], shape: [1, 4, 1, 1])
        let shuffled = try channels.pixelShuffle(upscaleFactor: 2)
        #expect(shuffled.shape == [1, 1, 2, 2])
        #expect(try shuffled.scalars(as: Double.self) == [1, 2, 3, 4])
        #expect(try shuffled.pixelUnshuffle(downscaleFactor: 2).scalars(as: Double.self) == [1, 2, 3, 4])
        // channel_shuffle of 4 channels in 2 groups: 0 1 | 2 3 -> 0 2 1 3.
        let c = try Tensor([0, 1, 2, 3] as [Double], shape: [1, 4, 1])
        #expect(try c.channelShuffle(groups: 2).scalars(as: Double.self) == [0, 2, 1, 3])
        try checkGradients([[2, 8, 2, 3]]) { try $0[0].pixelShuffle(upscaleFactor: 2) }
        try checkGradients([[1, 2, 4, 6]]) { try $0[0].pixelUnshuffle(downscaleFactor: 2) }
        try checkGradients([[2, 6, 3]]) { try $0[0].channelShuffle(groups: 3) }
        expectError(.shape("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=5 is not divisible by 4")) {
            _ = try Tensor.zeros([5, 1, 1]).pixelShuffle(upscaleFactor: 2)
        }
    }

    // ---- embeddings, one-hot, dropout -------------------------------------------------------

    @Test func embedding() throws {
        let table = try Tensor([0, 1, 2, 3, 4, 5] as [Double], shape: [3, 2])
        let rows = try table.embedding(Tensor([2, 0, 2, 1] as [Int64], shape: [2, 2]))
        #expect(rows.shape == [2, 2, 2])
        #expect(try rows.scalars(as: Double.self) == [4, 5, 0, 1, 4, 5, 2, 3])
        // Gradient: rows add up (row 2 used twice), the padding row gets none, and with
        // scale_grad_by_freq each row's sum is divided by its count.
        let leaf = try Tensor.zeros([3, 2], dtype: .float64).requiringGrad()
        let indices = try Tensor([2, 0, 2, 1] as [Int64])
        try leaf.embedding(indices, paddingIdx: 0).sum().backward()
        #expect(try leaf.grad!.scalars(as: Double.self) == [0, 0, 1, 1, 2, 2])
        let scaled = try Tensor.zeros([3, 2], dtype: .float64).requiringGrad()
        try scaled.embedding(indices, scaleGradByFreq: true).sum().backward()
        #expect(try scaled.grad!.scalars(as: Double.self) == [1, 1, 1, 1, 1, 1])
        // (The padding row's gradient is 0 by definition, not the derivative: checked by hand above.)
        try checkGradients([[4, 3]]) { try $0[0].embedding(Tensor([3, 1, 1, 0] as [Int64], shape: [2, 2])) }
        // max_norm renormalises the used rows in place: (3, 4) has norm 5 > 1.
        let renormed = try Tensor([3, 4, 0.1, 0] as [Double], shape: [2, 2])
        try renormed.embeddingRenorm_(Tensor([0, 1] as [Int64]), maxNorm: 1)
        expectClose(try renormed.scalars(as: Double.self), [3 / (5 + 1e-7), 4 / (5 + 1e-7), 0.1, 0], tolerance: 1e-15)
        expectError(.invalidArgument("index out of range in self")) { _ = try table.embedding(Tensor([3] as [Int64])) }
    }

    @Test func oneHot() throws {
        let encoded = try Tensor([2, 0] as [Int64]).oneHot()
        #expect(encoded.shape == [2, 3])
        #expect(encoded.dtype == .int64)
        #expect(try encoded.scalars(as: Int64.self) == [0, 0, 1, 1, 0, 0])
        #expect(try Tensor([1] as [Int64]).oneHot(numClasses: 4).scalars(as: Int64.self) == [0, 1, 0, 0])
        expectError(.invalidArgument("Class values must be smaller than num_classes.")) { _ = try Tensor([4] as [Int64]).oneHot(numClasses: 3) }
        expectError(.invalidArgument("Class values must be non-negative.")) { _ = try Tensor([-1] as [Int64]).oneHot(numClasses: 3) }
    }

    @Test func dropouts() throws {
        let x = try Tensor.ones([40, 50, 2], dtype: .float64)
        // Evaluation and p = 0 give the input itself.
        #expect(try x.featureDropout(p: 0.5, training: false) === x)
        #expect(try x.alphaDropout(p: 0, training: true) === x)
        // Channel-wise: each (n, c) channel is all kept (scaled by 2) or all dropped.
        let y = try x.featureDropout(p: 0.5, training: true, generator: Generator(seed: 7))
        let values = try y.scalars(as: Double.self)
        var kept = 0
        for channel in 0..<(40 * 50) {
            let pair = [values[2 * channel], values[2 * channel + 1]]
            #expect(pair == [0, 0] || pair == [2, 2])
            if pair[0] == 2 { kept += 1 }
        }
        #expect(kept > 800 && kept < 1200)
        // Alpha dropout keeps a standard normal input's mean near 0 and variance near 1.
        let z = try Tensor.randn([20000], dtype: .float64, generator: Generator(seed: 3))
        let a = try z.alphaDropout(p: 0.3, training: true, generator: Generator(seed: 4))
        #expect(Swift.abs(try a.mean().item()) < 0.05)
        #expect(Swift.abs(try a.variance().item() - 1) < 0.05)
        expectError(.invalidArgument("Feature dropout requires at least 2 dimensions in the input")) {
            _ = try Tensor.ones([3]).featureDropout(p: 0.5, training: true)
        }
    }
}
