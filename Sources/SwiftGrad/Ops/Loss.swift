/// Loss functions (`torch.nn.functional`), each with its own node and backward.

/// How a loss combines its elementwise values: PyTorch's `reduction=` argument.
public enum LossReduction: Int32, Sendable {
    case none = 0, mean = 1, sum = 2
}

extension Tensor {
    /// `(input - target)^2`, reduced (`mse_loss`, MseLossBackward0).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        let out = try noGrad { () -> Tensor in
            let d = try input.sub(target)
            return try d.mul(d).reduced(reduction)
        }
        return try out.recorded("MseLossBackward0", input: input, target, saving: input, target) { g, ctx in
            // d/d input = 2 (input - target) * g (/ n for mean).
            let diff = try ctx.saved(0).sub(ctx.saved(1))
            let scaled = try diff.mul(lossScale(g, reduction, count: diff.count)).mul(2)
            return [ctx.needsGrad(0) ? scaled : nil, ctx.needsGrad(1) ? try scaled.neg() : nil]
        }
    }

    /// The negative log-likelihood of class indices `target` under log-probabilities `input`
    /// of shape [N, C] (or [C] with a 0-d target) (`nll_loss` with PyTorch's defaults: no
    /// weight, ignore_index -100; NllLossBackward0).
    /// - Throws: `.invalidArgument` for a target out of range or of the wrong dtype or shape.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try nllLoss(input, target, weight: nil, ignoreIndex: -100, reduction: reduction)
    }

    /// `nll_loss(log_softmax(input, 1), target)` (`cross_entropy` with class-index targets and
    /// PyTorch's defaults).
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try crossEntropy(input, target, weight: nil, ignoreIndex: -100, reduction: reduction, labelSmoothing: 0)
    }

    /// `-(t log(p) + (1 - t) log(1 - p))` for probabilities `input` (`binary_cross_entropy`,
    /// BinaryCrossEntropyBackward0). Logs are clamped at -100, as PyTorch's, so p = 0 or 1 gives
    /// a finite loss.
    /// - Throws: `.invalidArgument` when an input is outside [0, 1]; `.shape` for mismatched shapes.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        guard input.shape == target.shape else {
            throw SwiftGradError.shape("Using a target size (\(Shape.torchSize(target.shape))) that is different to the input size (\(Shape.torchSize(input.shape))) is deprecated. Please ensure they have the same size.")
        }
        let outside = try noGrad { try input.lt(0).add(input.gt(1)).sum().item() }
        guard outside == 0 else {
            throw SwiftGradError.invalidArgument("all elements of input should be between 0 and 1")
        }
        let out = try noGrad { () -> Tensor in
            let logP = try input.log().clamp(min: -100), logQ = try input.rsub(1).log().clamp(min: -100)
            return try target.mul(logP).add(target.rsub(1).mul(logQ)).neg().reduced(reduction)
        }
        return try out.recorded("BinaryCrossEntropyBackward0", input: input, target, saving: input, target) { g, ctx in
            // d/dp = (p - t) / (p (1 - p)), with p (1 - p) kept above 1e-12 as PyTorch does.
            let p = try ctx.saved(0), t = try ctx.saved(1)
            let denominator = try p.mul(p.rsub(1)).clamp(min: 1e-12)
            let scale = try lossScale(g, reduction, count: p.count)
            var grads: [Tensor?] = [nil, nil]
            if ctx.needsGrad(0) { grads[0] = try p.sub(t).div(denominator).mul(scale) }
            if ctx.needsGrad(1) {
                // d/dt = log(1 - p) - log(p).
                grads[1] = try p.rsub(1).log().clamp(min: -100).sub(p.log().clamp(min: -100)).mul(scale)
            }
            return Gradients(grads)
        }
    }

    /// The elementwise loss reduced as asked.
    private func reduced(_ reduction: LossReduction) throws -> Tensor {
        switch reduction {
        case .none: return self
        case .mean: return try mean()
        case .sum: return try sum()
        }
    }

    /// The upstream gradient of a reduced loss, scaled per element (1/n for mean).
    private static func lossScale(_ g: Tensor, _ reduction: LossReduction, count: Int) throws -> Tensor {
        reduction == .mean ? try g.div(Double(Swift.max(count, 1))) : g
    }
}
