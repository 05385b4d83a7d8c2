#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The losses of `torch.nn.functional` beyond mse/nll/cross-entropy/bce's simplest forms
/// (Loss.swift): weights, ignore_index, K-dimensional inputs, label smoothing, class-probability
/// targets, and the margin, embedding, Poisson, Gaussian and KL losses. Losses that PyTorch
/// computes in one kernel (smooth_l1, huber, soft_margin, bce_with_logits, nll, multi_margin,
/// multilabel_margin) are recorded as one node under its name (`Tensor.composite`); those that
/// PyTorch composes of other ops (l1, kl_div, margin_ranking, hinge, cosine_embedding, poisson,
/// gaussian, triplet) are composed here of the same ops, so gradients (targets included, where
/// PyTorch differentiates them) and node names follow.
extension Tensor {
    /// The elementwise loss reduced as asked.
    func lossReduced(_ reduction: LossReduction) throws -> Tensor {
        switch reduction {
        case .none: return self
        case .mean: return try mean()
        case .sum: return try sum()
        }
    }

    /// A tensor of `shape` holding `values` (row-major) in `dtype`.
    static func lossConstant(_ values: [Double], shape: [Int], dtype: DType) throws -> Tensor {
        let t = try values.withUnsafeBytes { try Tensor.fromBytes($0, shape: shape, dtype: .float64) }
        return try t.to(dtype, recording: false)
    }

    /// A tensor of `shape` holding the int64 `values` (row-major).
    static func indexConstant(_ values: [Int64], shape: [Int]) throws -> Tensor {
        try values.withUnsafeBytes { try Tensor.fromBytes($0, shape: shape, dtype: .int64) }
    }

    /// `value` clamped below at `low` in the forward, with the gradient of `value` itself: PyTorch's
    /// `clamp_min_` under no_grad on a clone (cosine_similarity, gaussian_nll_loss).
    func clampedWithoutGradient(min low: Double) throws -> Tensor {
        let shift = try noGrad { try clamp(min: low).sub(self) }
        return try add(shift)
    }

    private static func floatingLoss(_ name: String, _ tensors: Tensor...) throws {
        for t in tensors where !t.dtype.isFloatingPoint {
            throw SwiftGradError.dtype("\"\(name)\" not implemented for '\(t.dtype.scalarTypeName)'")
        }
    }

    /// `|input - target|`, reduced (`F.l1_loss`), composed as PyTorch's (AbsBackward0,
    /// MeanBackward0); input and target broadcast.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try input.sub(target).abs().lossReduced(reduction)
    }

    /// `|d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta` for `d = input - target`, reduced
    /// (`F.smooth_l1_loss`, SmoothL1LossBackward0); beta = 0 is the l1 loss.
    /// - Throws: `.invalidArgument` for a negative beta.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                                    beta: Double = 1) throws -> Tensor {
        guard beta >= 0 else { throw SwiftGradError.invalidArgument("smooth_l1_loss does not support negative values for beta.") }
        if beta == 0 { return try l1Loss(input, target, reduction: reduction) }
        try floatingLoss("smooth_l1_cpu", input, target)
        return try composite("SmoothL1LossBackward0", [input, target]) { xs in
            let d = try xs[0].sub(xs[1]), a = try d.abs()
            return try Tensor.where(a.lt(beta), d.mul(d).mul(0.5 / beta), a.sub(0.5 * beta)).lossReduced(reduction)
        }
    }

    /// `|d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta)`, reduced (`F.huber_loss`,
    /// HuberLossBackward0).
    /// - Throws: `.invalidArgument` when delta is not positive.
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                                 delta: Double = 1) throws -> Tensor {
        guard delta > 0 else { throw SwiftGradError.invalidArgument("huber_loss does not support non-positive values for delta.") }
        try floatingLoss("huber_cpu", input, target)
        return try composite("HuberLossBackward0", [input, target]) { xs in
            let d = try xs[0].sub(xs[1]), a = try d.abs()
            return try Tensor.where(a.lt(delta), d.mul(d).mul(0.5), a.sub(0.5 * delta).mul(delta)).lossReduced(reduction)
        }
    }

    /// `log(1 + exp(-target * input))`, reduced (`F.soft_margin_loss`, SoftMarginLossBackward0).
    public static func softMarginLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try composite("SoftMarginLossBackward0", [input, target]) { xs in
            try xs[0].neg().mul(xs[1]).exp().log1p().lossReduced(reduction)
        }
    }

    /// Binary cross-entropy of probabilities, each element's loss times `weight` (broadcast to
    /// the input) when given (`F.binary_cross_entropy`, BinaryCrossEntropyBackward0). The
    /// weight gets no gradient, as in PyTorch.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor?,
                                          reduction: LossReduction) throws -> Tensor {
        guard let weight else { return try binaryCrossEntropy(input, target, reduction: reduction) }
        guard Shape.isExpandable(weight.shape, to: target.shape) else {
            throw SwiftGradError.shape("The size of tensor a (\(weight.shape.last ?? 1)) must match the size of tensor b (\(target.shape.last ?? 1)) at non-singleton dimension \(Swift.max(target.ndim - 1, 0))")
        }
        let w = weight.detach()
        _ = try noGrad { try binaryCrossEntropy(input, target, reduction: .none) }  // the checks, before recording
        return try composite("BinaryCrossEntropyBackward0", [input, target]) { xs in
            try binaryCrossEntropy(xs[0], xs[1], reduction: .none).mul(w).lossReduced(reduction)
        }
    }

    /// `(1 - t) x - log_weight * log(sigmoid(x))` with `log_weight = 1 + (pos_weight - 1) t`,
    /// times `weight`, reduced (`F.binary_cross_entropy_with_logits`,
    /// BinaryCrossEntropyWithLogitsBackward0); stable for any logit.
    /// - Throws: `.shape` when target and input sizes differ.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil,
                                                    reduction: LossReduction = .mean) throws -> Tensor {
        guard input.shape == target.shape else {
            throw SwiftGradError.shape("Target size (\(Shape.torchSize(target.shape))) must be the same as input size (\(Shape.torchSize(input.shape)))")
        }
        try floatingLoss("log_sigmoid_cpu", input)
        let w = weight?.detach(), pw = posWeight?.detach()
        if let w { _ = try Shape.broadcast(w.shape, input.shape) }
        if let pw { _ = try Shape.broadcast(pw.shape, input.shape) }
        return try composite("BinaryCrossEntropyWithLogitsBackward0", [input, target]) { xs in
            let x = xs[0], t = xs[1]
            var logSigmoid = try x.logSigmoid()
            if let pw { logSigmoid = try logSigmoid.mul(pw.sub(1).mul(t).add(1)) }
            var loss = try t.rsub(1).mul(x).sub(logSigmoid)
            if let w { loss = try loss.mul(w) }
            return try loss.lossReduced(reduction)
        }
    }

    /// The negative log-likelihood of class indices under log-probabilities (`F.nll_loss`,
    /// NllLossBackward0; NllLoss2DBackward0 for 4-d input): input [C], [N, C] or
    /// [N, C, d1, ...], target [], [N] or [N, d1, ...]. Each element's loss is
    /// `-weight[t] * input[..., t, ...]`, 0 where `t == ignoreIndex`; the mean divides by the
    /// summed weights of the targets counted (NaN when none is).
    /// - Throws: `.dtype` for a non-int64 target, `.shape` for mismatched shapes or a weight of
    ///   the wrong size, `.invalidArgument` for a target out of range.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int,
                               reduction: LossReduction) throws -> Tensor {
        try nllLoss(NllPlan(input, target, weight: weight, ignoreIndex: ignoreIndex), input, reduction: reduction)
    }

    /// `nllLoss` of `input` with its targets and weights already checked and gathered.
    private static func nllLoss(_ plan: NllPlan, _ input: Tensor, reduction: LossReduction) throws -> Tensor {
        try plan.loss(input, reduction: reduction)
            .recorded(input.ndim == 4 ? "NllLoss2DBackward0" : "NllLossBackward0", input: input) { g, ctx in
                [try plan.inputGradient(g, reduction: reduction, shape: ctx.inputShape(0), dtype: ctx.inputDType(0))]
            }
    }

    /// Cross-entropy of logits `input` against class indices or class probabilities
    /// (`F.cross_entropy`): `nll_loss(log_softmax(input, 1), ...)`, with PyTorch's label
    /// smoothing, weights and ignore_index. A target of the input's shape holds probabilities.
    /// - Throws: as `nllLoss`; `.invalidArgument` for label_smoothing outside [0, 1], or an
    ///   ignore_index with probability targets.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int,
                                    reduction: LossReduction, labelSmoothing: Double) throws -> Tensor {
        let classDim = input.ndim == 1 ? 0 : 1
        if input.shape == target.shape {
            guard target.dtype.isFloatingPoint else {
                throw SwiftGradError.dtype("Expected floating point type for target with class probabilities, got \(target.dtype.scalarTypeName)")
            }
            guard ignoreIndex < 0 else {
                throw SwiftGradError.invalidArgument("ignore_index is not supported for floating point target")
            }
            let classes = input.ndim == 0 ? 1 : input.shape[classDim]
            if let weight, weight.ndim != 1 || weight.count != classes {
                throw SwiftGradError.shape("cross_entropy: weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.describe(weight.shape))")
            }
            let logp = try input.logSoftmax(dim: classDim)
            var t = target
            if labelSmoothing > 0 {
                guard labelSmoothing <= 1 else {
                    throw SwiftGradError.invalidArgument("label_smoothing must be between 0.0 and 1.0. Got: \(formatPython(labelSmoothing))")
                }
                t = try t.mul(1 - labelSmoothing).add(labelSmoothing / Double(classes))
            }
            var product = try logp.mul(t)
            if let weight {
                var layout = [Int](repeating: 1, count: Swift.max(input.ndim, 1))
                layout[classDim] = classes
                product = try product.mul(input.ndim > 1 ? weight.detach().reshape(layout) : weight.detach())
            }
            switch reduction {
            case .none: return try product.sum(dims: [classDim]).neg()
            case .sum: return try product.sum().neg()
            case .mean:
                let rows = input.count / Swift.max(classes, 1)
                return try product.sum().neg().div(input.count == 0 ? Double.nan : Double(rows))
            }
        }
        let logp = try input.logSoftmax(dim: classDim)
        guard labelSmoothing > 0 else {
            return try nllLoss(logp, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        guard labelSmoothing <= 1 else {
            throw SwiftGradError.invalidArgument("label_smoothing must be between 0.0 and 1.0. Got: \(formatPython(labelSmoothing))")
        }
        let plan = try NllPlan(logp, target, weight: weight, ignoreIndex: ignoreIndex)
        let nll = try nllLoss(plan, logp, reduction: reduction)
        let classes = plan.classes
        var smooth: Tensor
        if let weight {
            var layout = [Int](repeating: 1, count: logp.ndim)
            layout[classDim] = classes
            smooth = try logp.mul(weight.detach().reshape(layout)).sum(dims: [classDim]).neg()
        } else {
            smooth = try logp.sum(dims: [classDim]).neg()
        }
        let ignored = try target.eq(Double(ignoreIndex))
        smooth = try Tensor.where(ignored, Tensor.zeros([], dtype: smooth.dtype), smooth)
        let reducedSmooth: Tensor
        switch reduction {
        case .none: reducedSmooth = smooth
        case .sum: reducedSmooth = try smooth.sum()
        case .mean:
            let counted = plan.valid.reduce(0) { $0 + ($1 ? 1 : 0) }
            let denominator = weight == nil ? Double(counted) : plan.totalWeight
            reducedSmooth = try smooth.sum().div(denominator)
        }
        return try nll.mul(1 - labelSmoothing).add(reducedSmooth.mul(labelSmoothing / Double(classes)))
    }

    /// `target * (log(target) - input)` (or `exp(target) * (target - input)` with `logTarget`),
    /// reduced (`F.kl_div`; batchmean is the sum divided by the batch, which the caller does).
    /// Composed as PyTorch's, so the target gets its gradient too; 0 log 0 is 0.
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                             logTarget: Bool = false) throws -> Tensor {
        let loss: Tensor
        if logTarget {
            loss = try target.exp().mul(target.sub(input))
        } else {
            // xlogy(t, t) - t * input, with log taken of 1 where t is 0 (0 log 0 = 0, and no
            // infinite factor reaches the gradient there).
            let zero = try target.eq(0)
            let safe = try Tensor.where(zero, Tensor.ones([], dtype: target.dtype), target)
            loss = try target.mul(safe.log()).sub(target.mul(input))
        }
        return try loss.lossReduced(reduction)
    }

    /// `max(0, -target * (input1 - input2) + margin)`, reduced (`F.margin_ranking_loss`).
    /// - Throws: `.shape` when the three tensors differ in dimensions.
    public static func marginRankingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                         reduction: LossReduction = .mean) throws -> Tensor {
        guard input1.ndim == input2.ndim, input1.ndim == target.ndim else {
            throw SwiftGradError.shape("margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: \(Shape.torchSize(input1.shape)), input2: \(Shape.torchSize(input2.shape)), target: \(Shape.torchSize(target.shape)) ")
        }
        return try target.neg().mul(input1.sub(input2)).add(margin).clamp(min: 0).lossReduced(reduction)
    }

    /// `input` where target is 1, `max(0, margin - input)` where it is -1 (summed where it is
    /// neither, as PyTorch's), reduced (`F.hinge_embedding_loss`).
    public static func hingeEmbeddingLoss(_ input: Tensor, _ target: Tensor, margin: Double = 1,
                                          reduction: LossReduction = .mean) throws -> Tensor {
        let zero = try Tensor.zeros([], dtype: input.dtype)
        let marginPart = try Tensor.where(target.ne(1), input.rsub(margin).clamp(min: 0), zero)
        let selfPart = try Tensor.where(target.ne(-1), input, zero)
        return try marginPart.add(selfPart).lossReduced(reduction)
    }

    /// `1 - cos(x1, x2)` where target is 1, `max(0, cos - margin)` where it is -1, reduced
    /// (`F.cosine_embedding_loss`, composed as PyTorch's with its 1e-12 in the magnitudes).
    /// - Throws: `.shape` for a target of more than 1 dimension or inputs of the wrong rank.
    public static func cosineEmbeddingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                           reduction: LossReduction = .mean) throws -> Tensor {
        guard target.ndim <= 1 else {
            throw SwiftGradError.shape("0D or 1D target tensor expected, multi-target not supported")
        }
        if target.ndim == 1 {
            guard input1.ndim == 2, input2.ndim == 2 else {
                throw SwiftGradError.shape("1D target tensor expects 2D input tensors, but found inputs with sizes \(Shape.describe(input1.shape)) and \(Shape.describe(input2.shape)).")
            }
        } else {
            guard input1.ndim == 1, input2.ndim == 1 else {
                throw SwiftGradError.shape("0D target tensor expects 1D input tensors, but found inputs with sizes \(Shape.describe(input1.shape)) and \(Shape.describe(input2.shape)).")
            }
        }
        let d = target.ndim
        let productSum = try input1.mul(input2).sum(dims: [d])
        let square1 = try input1.mul(input1).sum(dims: [d]).add(1e-12)
        let square2 = try input2.mul(input2).sum(dims: [d]).add(1e-12)
        let cos = try productSum.div(square1.mul(square2).sqrt())
        let zero = try Tensor.zeros([], dtype: cos.dtype)
        let positive = try Tensor.where(target.eq(1), cos.rsub(1), zero)
        let negative = try Tensor.where(target.eq(-1), cos.sub(margin).clamp(min: 0), zero)
        return try positive.add(negative).lossReduced(reduction)
    }

    /// The Poisson negative log-likelihood (`F.poisson_nll_loss`): `exp(input) - target * input`
    /// with `logInput`, else `input - target * log(input + eps)`; `full` adds Stirling's term
    /// `t log t - t + 0.5 log(2 pi t)` where t > 1.
    public static func poissonNllLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false,
                                      eps: Double = 1e-8, reduction: LossReduction = .mean) throws -> Tensor {
        var loss = logInput
            ? try input.exp().sub(target.mul(input))
            : try input.sub(target.mul(input.add(eps).log()))
        if full {
            let small = try target.le(1)
            let safe = try Tensor.where(small, Tensor.ones([], dtype: target.dtype), target)
            let stirling = try safe.mul(safe.log()).sub(safe).add(safe.mul(2 * Double.pi).log().mul(0.5))
            loss = try loss.add(Tensor.where(small, Tensor.zeros([], dtype: stirling.dtype), stirling))
        }
        return try loss.lossReduced(reduction)
    }

    /// The Gaussian negative log-likelihood `0.5 (log(var) + (input - target)^2 / var)` (+
    /// `0.5 log(2 pi)` with `full`), reduced (`F.gaussian_nll_loss`). `variance` has the input's
    /// shape, or one dimension less, or one mismatched dimension of size 1; it is clamped below
    /// at eps in the forward only, as PyTorch's.
    /// - Throws: `.invalidArgument` for a variance of the wrong size or with negative entries.
    public static func gaussianNllLoss(_ input: Tensor, _ target: Tensor, variance: Tensor, full: Bool = false,
                                       eps: Double = 1e-6, reduction: LossReduction = .mean) throws -> Tensor {
        let negative = try noGrad { try variance.lt(0).to(.int64, recording: false).sum().item() }
        guard negative == 0 else { throw SwiftGradError.invalidArgument("var has negative entry/entries") }
        var v = variance
        if v.shape != input.shape {
            if input.ndim >= 1 && Array(input.shape.dropLast()) == v.shape {
                v = try v.unsqueeze(dim: -1)
            } else if input.ndim == v.ndim,
                      zip(input.shape, v.shape).reduce(0, { $0 &+ ($1.0 != $1.1 ? $1.1 : 0) }) == 1 {
                // one mismatched dimension of size 1: broadcast
            } else {
                throw SwiftGradError.invalidArgument("var is of incorrect size")
            }
        }
        let clamped = try v.clampedWithoutGradient(min: eps)
        let d = try input.sub(target)
        var loss = try clamped.log().add(d.mul(d).div(clamped)).mul(0.5)
        if full { loss = try loss.add(0.5 * Glibc.log(2 * Double.pi)) }
        return try loss.lossReduced(reduction)
    }

    /// `||x1 - x2 + eps||_p` along the last dimension (`F.pairwise_distance`), composed as
    /// PyTorch's norm.
    public static func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6,
                                        keepdim: Bool = false) throws -> Tensor {
        let rank = Swift.max(x1.ndim, x2.ndim)
        let difference = try x1.sub(x2).add(eps)
        if rank == 0 { return try difference.abs() }
        return try difference.anyNorm(p: p, dims: [rank - 1], keepdim: keepdim)
    }

    /// `max(0, margin + d(a, p) - d(a, n))` with pairwise distances, reduced
    /// (`F.triplet_margin_loss`); with `swap`, d(a, n) is the smaller of d(a, n) and d(p, n).
    /// - Throws: `.shape` when the three tensors differ in dimensions.
    public static func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1,
                                         p: Double = 2, eps: Double = 1e-6, swap: Bool = false,
                                         reduction: LossReduction = .mean) throws -> Tensor {
        guard anchor.ndim == positive.ndim, positive.ndim == negative.ndim else {
            throw SwiftGradError.shape("The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor \(anchor.ndim)D, positive \(positive.ndim)D, and negative \(negative.ndim)D inputs")
        }
        let toPositive = try pairwiseDistance(anchor, positive, p: p, eps: eps)
        var toNegative = try pairwiseDistance(anchor, negative, p: p, eps: eps)
        if swap { toNegative = try toNegative.minimum(pairwiseDistance(positive, negative, p: p, eps: eps)) }
        return try toPositive.sub(toNegative).add(margin).clamp(min: 0).lossReduced(reduction)
    }

    /// `-(t log sigmoid(x) + (1 - t) log sigmoid(-x))`, times `weight`, averaged over the last
    /// (class) dimension, then reduced (`F.multilabel_soft_margin_loss`).
    public static func multilabelSoftMarginLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                reduction: LossReduction = .mean) throws -> Tensor {
        var loss = try target.mul(input.logSigmoid()).add(target.rsub(1).mul(input.neg().logSigmoid())).neg()
        if let weight { loss = try loss.mul(weight) }
        let classDim = Swift.max(input.ndim - 1, 0)
        let classes = input.ndim == 0 ? 1 : input.shape[classDim]
        if loss.ndim > 0 { loss = try loss.sum(dims: [classDim]) }
        return try loss.div(Double(classes)).lossReduced(reduction)
    }

    /// The multi-class hinge loss (`F.multi_margin_loss`, MultiMarginLossBackward0): for each
    /// row, `sum over j != y of max(0, margin - x[y] + x[j])^p * weight[y] / C`.
    /// - Throws: `.invalidArgument` for p other than 1 or 2, a target out of range; `.shape` for
    ///   mismatched shapes or a weight of the wrong size.
    public static func multiMarginLoss(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1,
                                       weight: Tensor? = nil, reduction: LossReduction = .mean) throws -> Tensor {
        guard p == 1 || p == 2 else { throw SwiftGradError.invalidArgument("only p == 1 and p == 2 supported") }
        guard target.dtype == .int64 else {
            throw SwiftGradError.dtype("expected scalar type Long but found \(target.dtype.scalarTypeName)")
        }
        try floatingLoss("multi_margin_loss_cpu", input)
        guard input.ndim <= 2, input.ndim == 2 ? input.shape[1] > 0 : true else {
            throw SwiftGradError.shape("Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(Shape.describe(input.shape))")
        }
        let rows = input.ndim == 2 ? input.shape[0] : 1
        let classes = input.ndim == 2 ? input.shape[1] : Swift.max(input.count, 1)
        guard target.count == rows, target.ndim <= 1 else {
            throw SwiftGradError.shape("inconsistent target size, expected \(rows) but got \(Shape.describe(target.shape))")
        }
        if let weight, weight.count != classes {
            throw SwiftGradError.shape("inconsistent weight size, expected \(classes) but got \(Shape.describe(weight.shape))")
        }
        let labels = try target.contiguous().scalars(as: Int64.self)
        for y in labels where y < 0 || y >= classes {
            throw SwiftGradError.invalidArgument("target out of range")
        }
        let index = try indexConstant(labels, shape: [rows, 1])
        var notTarget = [Double](repeating: 1, count: rows * classes)
        for (r, y) in labels.enumerated() { notTarget[r * classes + Int(y)] = 0 }
        let mask = try lossConstant(notTarget, shape: [rows, classes], dtype: input.dtype)
        let rowWeight = try weight.map { w in
            try w.detach().reshape([-1]).to(input.dtype, recording: false).gather(dim: 0, index: index.reshape([-1])).reshape([rows, 1])
        }
        let shape = target.shape
        return try composite("MultiMarginLossBackward0", [input]) { xs in
            let x = try xs[0].reshape([rows, classes])
            var z = try x.sub(x.gather(dim: 1, index: index)).add(margin).clamp(min: 0)
            if p == 2 { z = try z.mul(z) }
            if let rowWeight { z = try z.mul(rowWeight) }
            let loss = try z.mul(mask).sum(dims: [1]).div(Double(classes)).reshape(shape)
            return try loss.lossReduced(reduction)
        }
    }

    /// The multi-label hinge loss (`F.multilabel_margin_loss`, MultilabelMarginLossBackward0):
    /// each row's targets are the class indices before its first -1; the loss sums
    /// `max(0, 1 - (x[y] - x[i]))` over targets y and non-target classes i, divided by C.
    /// - Throws: `.shape` for mismatched shapes, `.invalidArgument` for a target out of range.
    public static func multilabelMarginLoss(_ input: Tensor, _ target: Tensor,
                                            reduction: LossReduction = .mean) throws -> Tensor {
        guard target.dtype == .int64 else {
            throw SwiftGradError.dtype("expected scalar type Long but found \(target.dtype.scalarTypeName)")
        }
        try floatingLoss("multilabel_margin_loss_forward_out_frame", input)
        guard input.ndim <= 2, input.shape == target.shape else {
            throw SwiftGradError.shape("inconsistent target size: \(Shape.describe(target.shape)) for input of size: \(Shape.describe(input.shape))")
        }
        let rows = input.ndim == 2 ? input.shape[0] : 1
        let classes = input.ndim == 2 ? input.shape[1] : (input.ndim == 0 ? 1 : input.count)
        let labels = try target.contiguous().scalars(as: Int64.self)
        var safe = [Int64](repeating: 0, count: rows * classes)
        var isTargetPosition = [Double](repeating: 0, count: rows * classes)  // [row, position]: a target entry
        var isTargetClass = [Double](repeating: 0, count: rows * classes)     // [row, class]: a target class
        for r in 0..<rows {
            for k in 0..<classes {
                let y = labels[r * classes + k]
                if y < 0 { break }
                guard y < classes else { throw SwiftGradError.invalidArgument("target index is out of bounds") }
                safe[r * classes + k] = y
                isTargetPosition[r * classes + k] = 1
                isTargetClass[r * classes + Int(y)] = 1
            }
        }
        let index = try indexConstant(safe, shape: [rows, classes])
        let positions = try lossConstant(isTargetPosition, shape: [rows, classes, 1], dtype: input.dtype)
        let others = try lossConstant(isTargetClass, shape: [rows, 1, classes], dtype: input.dtype).rsub(1)
        let outShape = input.ndim == 2 ? [rows] : []
        return try composite("MultilabelMarginLossBackward0", [input]) { xs in
            let x = try xs[0].reshape([rows, classes])
            let picked = try x.gather(dim: 1, index: index).unsqueeze(dim: 2)          // [rows, k, 1]
            let z = try picked.rsub(1).add(x.unsqueeze(dim: 1)).clamp(min: 0)          // [rows, k, i]
            let loss = try z.mul(positions).mul(others).sum(dims: [1, 2]).div(Double(classes)).reshape(outShape)
            return try loss.lossReduced(reduction)
        }
    }
}

/// nll_loss: its target checked once (the class dimension, each element's class and weight,
/// their total), and its forward and backward as loops over the target's elements, as PyTorch's
/// kernels: element e of the target picks `input[n, t, r]` (n = e / inner, r = e % inner,
/// inner the size of the dimensions after the class one) and its loss is `-weight[t]` times
/// that, 0 where `t == ignoreIndex`; the mean divides the sum by the total weight of the
/// elements counted (NaN when there is none).
struct NllPlan {
    let classDim: Int
    let classes: Int
    /// Elements of the input after the class dimension, per sample.
    let inner: Int
    /// Each element's class, 0 where ignored.
    let targets: [Int64]
    /// Each element's class weight, 0 where ignored.
    let weights: [Double]
    let valid: [Bool]
    let totalWeight: Double
    let outShape: [Int]

    init(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int) throws {
        guard input.ndim >= 1 else { throw SwiftGradError.invalidArgument("Expected 1 or more dimensions (got \(input.ndim))") }
        guard target.dtype == .int64 else {
            throw SwiftGradError.dtype("expected scalar type Long but found \(target.dtype.scalarTypeName)")
        }
        if input.ndim != 1 && (target.ndim == 0 || input.shape[0] != target.shape[0]) {
            throw SwiftGradError.shape("Expected input batch_size (\(input.shape[0])) to match target batch_size (\(target.ndim == 0 ? 1 : target.shape[0])).")
        }
        classDim = input.ndim == 1 ? 0 : 1
        classes = input.shape[classDim]
        var expected = input.shape
        expected.remove(at: classDim)
        if input.ndim <= 2 {
            guard target.ndim <= 1, target.ndim == input.ndim - 1 || (input.ndim == 1 && target.count == 1) else {
                throw SwiftGradError.shape("0D or 1D target tensor expected, multi-target not supported")
            }
        } else if target.shape != expected {
            throw SwiftGradError.shape("Expected target size \(Shape.describe(expected)), got \(Shape.describe(target.shape))")
        }
        if let weight, weight.ndim != 1 || weight.count != classes {
            throw SwiftGradError.shape("weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.describe(weight.shape))")
        }
        let labels = try target.contiguous().scalars(as: Int64.self)
        let classWeights = try weight.map { try $0.to(.float64, recording: false).contiguous().scalars(as: Double.self) }
        var targets = [Int64](repeating: 0, count: labels.count)
        var weights = [Double](repeating: 0, count: labels.count)
        var valid = [Bool](repeating: false, count: labels.count)
        var total = 0.0
        for (i, y) in labels.enumerated() where y != Int64(ignoreIndex) {
            guard y >= 0, y < classes else { throw SwiftGradError.invalidArgument("Target \(y) is out of bounds.") }
            targets[i] = y
            valid[i] = true
            weights[i] = classWeights?[Int(y)] ?? 1
            total += weights[i]
        }
        self.targets = targets
        self.weights = weights
        self.valid = valid
        totalWeight = total
        inner = input.shape[(classDim + 1)...].reduce(1, *)
        outShape = input.ndim == 1 ? [] : expected
    }

    /// Where element e's class sits in a contiguous tensor of the input's shape.
    @inline(__always)
    private func offset(_ e: Int) -> Int {
        ((e / inner) &* classes &+ Int(targets[e])) &* inner &+ e % inner
    }

    /// The dtype the loops compute and store in: float16 and bfloat16 go through float32, as in
    /// PyTorch's CPU kernels, and come back rounded.
    private static func computeDType(_ dtype: DType) -> DType { dtype == .float64 ? .float64 : .float32 }

    /// The loss of `input`, its sum taken in float64.
    func loss(_ input: Tensor, reduction: LossReduction) throws -> Tensor {
        let compute = NllPlan.computeDType(input.dtype)
        let x = try input.to(compute, recording: false).contiguous()
        let base = x.storageOffset
        func elementLoss(_ e: Int) -> Double { -weights[e] * x.doubleValue(atOffset: base &+ offset(e)) }
        let out: Tensor
        if reduction == .none {
            out = try Tensor.zeros(outShape, dtype: compute)
            for e in targets.indices where valid[e] { out.storeValue(elementLoss(e), atOffset: e) }
        } else {
            var sum = 0.0
            for e in targets.indices where valid[e] { sum += elementLoss(e) }
            out = try Tensor.zeros([], dtype: compute)
            out.storeValue(reduction == .mean ? sum / totalWeight : sum, atOffset: 0)
        }
        return try out.to(input.dtype, recording: false)
    }

    /// The input's gradient from the loss's `g`: `-weight[t] * g` (divided by the total weight
    /// for the mean) at each counted element's class, 0 elsewhere, as PyTorch's
    /// nll_loss_backward (so an ignored element's gradient is 0 even when the mean is NaN). In
    /// recorded ops when a graph is being made (create_graph), else in one loop.
    func inputGradient(_ g: Tensor, reduction: LossReduction, shape: [Int], dtype: DType) throws -> Tensor {
        let divisor = reduction == .mean ? totalWeight : 1
        if GradMode.isEnabled {
            var indexShape = outShape
            indexShape.insert(1, at: Swift.min(classDim, indexShape.count))
            let index = try Tensor.indexConstant(targets, shape: indexShape)
            let coefficients = try Tensor.lossConstant(targets.indices.map { valid[$0] ? -weights[$0] / divisor : 0 },
                                                       shape: outShape, dtype: g.dtype)
            let upstream = reduction == .none ? g : try g.expand(outShape)
            let source = try Tensor.where(Tensor(valid, shape: outShape), upstream.mul(coefficients), Tensor.zeros([], dtype: g.dtype))
            // Written, not added: each element has one place, and a -0 stays -0 as PyTorch's.
            return try Tensor.zeros(shape, dtype: dtype).scatter(dim: classDim, index: index, src: source.reshape(indexShape))
        }
        let compute = NllPlan.computeDType(dtype)
        let upstream = try g.to(.float64, recording: false).contiguous()
        let out = try Tensor.zeros(shape, dtype: compute)
        for e in targets.indices where valid[e] {
            let ge = upstream.doubleValue(atOffset: upstream.storageOffset &+ (reduction == .none ? e : 0))
            out.storeValue(-weights[e] * (ge / divisor), atOffset: offset(e))
        }
        return try out.to(dtype, recording: false)
    }
}

extension Tensor {
    /// `cross_entropy(linear(input, linearWeight, linearBias), target, ...)`
    /// (`F.linear_cross_entropy`): input [in] or [N, in], linearWeight [C, *K, in], linearBias
    /// [C, *K] or nil; the logits [N, C, *K] (or [C]) go to `crossEntropy` with the remaining
    /// arguments. (PyTorch's chunked evaluation computes the same values in pieces.)
    /// - Throws: `.shape` for inputs of the wrong rank or sizes, and `crossEntropy`'s errors.
    public static func linearCrossEntropy(_ input: Tensor, _ linearWeight: Tensor, _ target: Tensor,
                                          linearBias: Tensor?, weight: Tensor?, reduction: LossReduction,
                                          ignoreIndex: Int, labelSmoothing: Double) throws -> Tensor {
        guard input.ndim == 1 || input.ndim == 2 else {
            throw SwiftGradError.shape("expected input with dimensionality 1 or 2, got \(input.ndim)")
        }
        guard linearWeight.ndim >= 2 else {
            throw SwiftGradError.shape("expected linear_weight with dimensionality at least 2, got \(linearWeight.ndim)")
        }
        let inFeatures = input.shape.last!
        guard inFeatures == linearWeight.shape.last! else {
            throw SwiftGradError.shape("expected equal input and linear_weight last dimensions (in_features), got \(inFeatures) and \(linearWeight.shape.last!), respectively")
        }
        let classes = linearWeight.shape[0]
        let outFeatures = Array(linearWeight.shape.dropFirst().dropLast())
        if let linearBias, linearBias.shape != [classes] + outFeatures {
            throw SwiftGradError.shape("expected linear_bias shape \(Shape.describe([classes] + outFeatures)), got \(Shape.describe(linearBias.shape))")
        }
        let batch = Array(input.shape.dropLast())
        if !outFeatures.isEmpty && batch.isEmpty {
            throw SwiftGradError.shape("K-dimensional loss defined by linear_weight shape \(Shape.describe(linearWeight.shape)) requires batched input, (N, \(inFeatures)), got unbatched input with shape \(Shape.describe(input.shape))")
        }
        let rows = linearWeight.count / Swift.max(inFeatures, 1)
        let flatWeight = try linearWeight.reshape([rows, inFeatures])
        var logits = try input.matmul(flatWeight.transpose(0, 1))
        if let linearBias { logits = try logits.add(linearBias.reshape([rows])) }
        logits = try logits.reshape(batch + [classes] + outFeatures)
        return try crossEntropy(logits, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                                labelSmoothing: labelSmoothing)
    }
}
