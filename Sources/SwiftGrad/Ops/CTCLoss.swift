
/// Connectionist temporal classification loss (`torch.nn.functional.ctc_loss`), forward beside
/// its backward, as PyTorch's native CPU kernels compute them (aten/src/ATen/native/LossCTC.cpp,
/// after Graves et al. 2006): the alpha recursion in log space gives each sequence's negative
/// log-likelihood, the beta recursion its gradient. The node is `CtcLossBackward0`; the
/// `zero_infinity` mask (WhereBackward0) and the reductions (DivBackward0 + MeanBackward0,
/// SumBackward0) are ordinary recorded ops after it, as in PyTorch.

/// The per-sequence facts of one CTC call, checked against the tensors' shapes.
struct CTCProblem {
    /// Time steps (log_probs' first dimension), batch and classes.
    let steps: Int, batch: Int, classes: Int
    let blank: Int
    let inputLengths: [Int], targetLengths: [Int]
    /// Where sequence b's labels start in the contiguous int64 targets; labels are consecutive.
    let targetOffsets: [Int]
    /// The longest target (the width of log_alpha is 2 * this + 1).
    let maxTarget: Int

    var alphaWidth: Int { 2 &* maxTarget &+ 1 }

    /// Target sequence b with a blank around and between each label (Graves' l').
    func primes(_ targets: UnsafePointer<Int64>, _ b: Int) -> [Int] {
        let length = targetLengths[b], offset = targetOffsets[b]
        var primes = [Int](repeating: blank, count: 2 &* length &+ 1)
        for i in 0..<length { primes[2 &* i &+ 1] = Int(targets[offset &+ i]) }
        return primes
    }

    /// Runs `body` for every sequence, over the kernel threads when the work is worth it.
    func forEachSequence(work: Int, _ body: (Int) -> Void) {
        let pieces = Swift.min(Parallel.cores, batch)
        if pieces <= 1 || work < 1 << 13 {
            for b in 0..<batch { body(b) }
            return
        }
        Parallel.run(pieces) { k in
            for b in batch * k / pieces ..< batch * (k + 1) / pieces { body(b) }
        }
    }
}

/// PyTorch's `std::log(std::exp(a - m) + std::exp(b - m) + std::exp(c - m)) + m` with m the
/// largest of the three (0 when all are -inf), in the same order of operations, bit for bit:
/// a -inf term, whose exp is exactly +0, is not computed, and three -inf terms give -inf
/// (PyTorch's log(0) + 0). NaN propagates as in PyTorch's (a NaN term is never -inf).
@inline(__always)
private func logSumExp3<F: FloatElement>(_ a: F, _ b: F, _ c: F) -> F {
    var m = a
    if b > m { m = b }
    if c > m { m = c }
    if m == -F.infinity { return -F.infinity }
    var sum: F = a == -F.infinity ? 0 : F.exp(a - m)
    sum += b == -F.infinity ? 0 : F.exp(b - m)
    sum += c == -F.infinity ? 0 : F.exp(c - m)
    return F.log(sum) + m
}

enum CTCKernels {
    /// The alpha recursion: `nll[b]` and `alpha[b, t, s]` for t < input_lengths[b] and
    /// s <= 2 * target_lengths[b] (row 0 is -inf beyond the first two states).
    /// `lp` is contiguous [T, N, C], `targets` contiguous int64 with values checked in [0, C).
    static func forward<F: FloatElement>(_ p: CTCProblem, lp: UnsafePointer<F>, targets: UnsafePointer<Int64>,
                                         nll: UnsafeMutablePointer<F>, alpha: UnsafeMutablePointer<F>) {
        let width = p.alphaWidth, rowStride = p.batch &* p.classes, steps = p.steps
        let work = p.batch &* steps &* width
        p.forEachSequence(work: work) { b in
            let a = alpha + b &* steps &* width
            for s in 0..<width { a[s] = -F.infinity }
            let inputLength = p.inputLengths[b], targetLength = p.targetLengths[b]
            if inputLength == 0 {
                let logLikelihood: F = targetLength == 0 ? 0 : -F.infinity
                nll[b] = -logLikelihood
                return
            }
            let primes = p.primes(targets, b)
            primes.withUnsafeBufferPointer { prime in
                let x = lp + b &* p.classes
                a[0] = x[p.blank]
                if targetLength > 0 { a[1] = x[prime[1]] }
                let states = 2 &* targetLength &+ 1
                for t in 1..<inputLength {
                    let previous = a + (t &- 1) &* width, current = a + t &* width
                    let row = x + t &* rowStride
                    for s in 0..<states {
                        let currentPrime = prime[s]
                        let la1 = previous[s]
                        let la2 = s > 0 ? previous[s &- 1] : -F.infinity
                        let la3 = s > 1 && prime[s &- 2] != currentPrime ? previous[s &- 2] : -F.infinity
                        current[s] = logSumExp3(la1, la2, la3) + row[currentPrime]
                    }
                }
                let last = a + (inputLength &- 1) &* width
                if targetLength == 0 {
                    nll[b] = -last[0]
                } else {
                    let l1 = last[2 &* targetLength], l2 = last[2 &* targetLength &- 1]
                    var m = l1 < l2 ? l2 : l1
                    if m == -F.infinity { m = 0 }
                    nll[b] = -(F.log(F.exp(l1 - m) + F.exp(l2 - m)) + m)
                }
            }
        }
    }

    /// PyTorch's `_ctc_loss_backward` on the CPU: the beta recursion, the log-sum of
    /// alpha * beta per (t, class) and then `(exp(lp) - exp(collected + nll - lp)) * grad[b]`
    /// for t < input_lengths[b]; 0 beyond, and 0 for a whole sequence whose loss is +inf under
    /// zero_infinity. `grad` is written as contiguous [T, N, C].
    static func backward<F: FloatElement>(_ p: CTCProblem, lp: UnsafePointer<F>, targets: UnsafePointer<Int64>,
                                          nll: UnsafePointer<F>, alpha: UnsafePointer<F>, gradOut: UnsafePointer<F>,
                                          zeroInfinity: Bool, grad: UnsafeMutablePointer<F>) {
        let width = p.alphaWidth, rowStride = p.batch &* p.classes, steps = p.steps, classes = p.classes
        let work = p.batch &* steps &* (width &+ classes)
        p.forEachSequence(work: work) { b in
            let g = grad + b &* classes, x = lp + b &* classes
            let lossValue = nll[b]
            if zeroInfinity && lossValue == F.infinity {
                for t in 0..<steps { (g + t &* rowStride).update(repeating: 0, count: classes) }
                return
            }
            let inputLength = p.inputLengths[b], targetLength = p.targetLengths[b]
            for t in 0..<inputLength { (g + t &* rowStride).update(repeating: -F.infinity, count: classes) }
            let a = alpha + b &* steps &* width
            let states = 2 &* targetLength &+ 1
            if inputLength > 0 {
                let primes = p.primes(targets, b)
                let beta = UnsafeMutablePointer<F>.allocate(capacity: inputLength &* states)
                defer { beta.deallocate() }
                primes.withUnsafeBufferPointer { prime in
                    let lastT = inputLength &- 1
                    let lastBeta = beta + lastT &* states, lastAlpha = a + lastT &* width
                    let lastRow = x + lastT &* rowStride, lastGrad = g + lastT &* rowStride
                    lastBeta.update(repeating: -F.infinity, count: states)
                    lastBeta[2 &* targetLength] = lastRow[p.blank]
                    lastGrad[p.blank] = lastAlpha[2 &* targetLength] + lastBeta[2 &* targetLength]
                    if targetLength > 0 {
                        let c = prime[2 &* targetLength &- 1]
                        lastBeta[2 &* targetLength &- 1] = lastRow[c]
                        lastGrad[c] = lastAlpha[2 &* targetLength &- 1] + lastBeta[2 &* targetLength &- 1]
                    }
                    var t = inputLength &- 2
                    while t >= 0 {
                        let next = beta + (t &+ 1) &* states, current = beta + t &* states
                        let alphaRow = a + t &* width, row = x + t &* rowStride, gradRow = g + t &* rowStride
                        var s = 2 &* targetLength
                        while s >= 0 {
                            let c = prime[s]
                            let lb1 = next[s]
                            let lb2 = s < 2 &* targetLength ? next[s &+ 1] : -F.infinity
                            let lb3 = s < 2 &* targetLength &- 1 && prime[s &+ 2] != c ? next[s &+ 2] : -F.infinity
                            current[s] = logSumExp3(lb1, lb2, lb3) + row[c]
                            let logAlphaBeta = alphaRow[s] + current[s]
                            let collected = gradRow[c]
                            if collected == -F.infinity {
                                gradRow[c] = logAlphaBeta
                            } else if logAlphaBeta != -F.infinity {
                                // (adding exp(-inf) = 0 leaves log(exp(0)) + m = m unchanged)
                                let m = collected < logAlphaBeta ? logAlphaBeta : collected
                                gradRow[c] = F.log(F.exp(collected - m) + F.exp(logAlphaBeta - m)) + m
                            }
                            s &-= 1
                        }
                        t &-= 1
                    }
                }
            }
            let upstream = gradOut[b]
            // exp(collected + nll - lp) is exactly 0 for a class no state reached (collected
            // -inf) when nll and lp are finite; otherwise (inf - inf: NaN) it is computed.
            let finiteLoss = lossValue.isFinite
            for t in 0..<inputLength {
                let row = x + t &* rowStride, gradRow = g + t &* rowStride
                for c in 0..<classes {
                    let v = row[c], collected = gradRow[c]
                    if collected == -F.infinity && finiteLoss && v.isFinite {
                        gradRow[c] = (F.exp(v) - 0) * upstream
                    } else {
                        gradRow[c] = (F.exp(v) - F.exp(collected + lossValue - v)) * upstream
                    }
                }
            }
            for t in inputLength..<steps { (g + t &* rowStride).update(repeating: 0, count: classes) }
        }
    }
}

extension Tensor {
    /// The CTC loss of log-probabilities `logProbs` ([T, N, C], or [T, C] unbatched) against
    /// `targets` (padded [N, S], or the N target sequences concatenated in 1-D), each sequence
    /// b reading its first `inputLengths[b]` steps and `targetLengths[b]` labels
    /// (`torch.nn.functional.ctc_loss`).
    ///
    ///     let loss = try Tensor.ctcLoss(logits.logSoftmax(dim: 2), targets,
    ///                                   inputLengths: Tensor([50, 48] as [Int64]),
    ///                                   targetLengths: Tensor([30, 25] as [Int64]))
    ///
    /// A target that no alignment of its input can produce (longer than the input, once repeated
    /// labels take a blank between them) has an infinite loss; `zeroInfinity` makes it 0 and its
    /// gradient 0. `mean` divides each loss by its target length (at least 1), then averages.
    ///
    /// The gradient is PyTorch's kernel's, `exp(lp) - (alpha * beta summed per class) / p / exp(lp)`,
    /// which is the gradient of the loss through a log_softmax that produced `logProbs`: it
    /// equals the loss's own gradient only up to a term that log_softmax's backward removes
    /// (for log-probabilities that do not sum to 1 over the classes the two differ). It is not
    /// differentiable again (PyTorch: "derivative for aten::_ctc_loss_backward is not implemented").
    ///
    /// - Parameters:
    ///   - logProbs: float32 or float64 log-probabilities, not empty.
    ///   - targets: label indices (converted to int64 as PyTorch converts them), in [0, C).
    ///   - inputLengths, targetLengths: N integer lengths each (any integer dtype, any shape).
    ///   - blank: the blank label, in [0, C).
    /// - Returns: the N losses (`none`; 0-d for unbatched input) or their mean or sum.
    /// - Throws: PyTorch's errors for lengths out of range, wrong dims, a blank out of range or a
    ///   non-floating input; `.invalidArgument` for a label outside [0, C) (PyTorch's CPU kernel
    ///   does not check and reads out of bounds).
    public static func ctcLoss(_ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor,
                               blank: Int = 0, reduction: LossReduction = .mean,
                               zeroInfinity: Bool = false) throws -> Tensor {
        guard inputLengths.dtype.isIntegral else { throw SwiftGradError.dtype("input_lengths must be integral") }
        guard targetLengths.dtype.isIntegral else { throw SwiftGradError.dtype("target_lengths must be integral") }
        return try ctcLoss(logProbs, targets, inputLengths: inputLengths.int64List(), targetLengths: targetLengths.int64List(),
                           blank: blank, reduction: reduction, zeroInfinity: zeroInfinity)
    }

    /// `ctcLoss` with the lengths as integers (PyTorch's `int[]` overload).
    public static func ctcLoss(_ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int],
                               blank: Int = 0, reduction: LossReduction = .mean,
                               zeroInfinity: Bool = false) throws -> Tensor {
        guard logProbs.count > 0 else { throw SwiftGradError.invalidArgument("log_probs tensor must not be empty") }
        guard logProbs.dtype == .float32 || logProbs.dtype == .float64 else {
            throw kernelNotImplemented("ctc_loss_cpu", logProbs.dtype)
        }
        let batched = logProbs.ndim == 3
        let input = batched ? logProbs : try logProbs.unsqueeze(dim: 1)
        let labels = try noGrad { try targets.to(.int64, recording: false).contiguous() }
        let problem = try checkCTC(input, labels, inputLengths, targetLengths, blank: blank)
        var losses = try ctcNegativeLogLikelihood(input, labels, problem, zeroInfinity: zeroInfinity)
        if zeroInfinity {
            losses = try Tensor.where(losses.eq(Double.infinity), Tensor.zeros([], dtype: losses.dtype), losses)
        }
        switch reduction {
        case .mean:
            let divisor = try Tensor(targetLengths.map { Double(Swift.max($0, 1)) }).to(losses.dtype, recording: false)
            return try losses.div(divisor).mean()
        case .sum:
            return try losses.sum()
        case .none:
            return batched ? losses : try losses.squeeze(dim: 0)
        }
    }

    /// The elements of an integer tensor, flattened, as Ints.
    private func int64List() throws -> [Int] {
        try noGrad { try to(.int64, recording: false).contiguous().scalars(as: Int64.self).map { Int($0) } }
    }

    /// PyTorch's argument checks (ctc_loss_allocate_outputs, in its order and words), then the
    /// bounds of every label that a length reaches.
    private static func checkCTC(_ logProbs: Tensor, _ targets: Tensor, _ inputLengths: [Int], _ targetLengths: [Int],
                                 blank: Int) throws -> CTCProblem {
        let site = "(while checking arguments for ctc_loss_allocate_outputs)"
        guard logProbs.ndim == 3 else {
            throw SwiftGradError.shape("Expected 3-dimensional tensor, but got \(logProbs.ndim)-dimensional tensor for argument #1 'log_probs' \(site)")
        }
        guard targets.ndim >= 1 && targets.ndim <= 2 else {
            throw SwiftGradError.shape("Expected 1 to 2 dimensions, but got \(targets.ndim)-dimensional tensor for argument #2 'targets' \(site)")
        }
        let steps = logProbs.shape[0], batch = logProbs.shape[1], classes = logProbs.shape[2]
        guard blank >= 0 && blank < classes else { throw SwiftGradError.invalidArgument("blank must be in label range") }
        guard inputLengths.count == batch else { throw SwiftGradError.shape("input_lengths must be of size batch_size") }
        guard targetLengths.count == batch else { throw SwiftGradError.shape("target_lengths must be of size batch_size") }
        var offsets = [Int](repeating: 0, count: batch)
        var maxTarget = 0
        func checkLength(_ length: Int) throws {
            guard length >= 0 else {
                throw SwiftGradError.invalidArgument("Expected target_lengths to have value at least 0, but got value \(length) \(site)")
            }
        }
        if targets.ndim == 1 {
            var position = 0
            var overflow = false
            for b in 0..<batch {
                try checkLength(targetLengths[b])
                offsets[b] = position
                let (sum, o) = position.addingReportingOverflow(targetLengths[b])
                overflow = overflow || o
                position = sum
                maxTarget = Swift.max(maxTarget, targetLengths[b])
            }
            guard !overflow, targets.shape[0] == position else {
                throw SwiftGradError.shape("Expected tensor to have size \(overflow ? "larger than \(Int.max)" : "\(position)") at dimension 0, but got size \(targets.shape[0]) for argument #2 'targets' \(site)")
            }
        } else {
            let width = targets.shape[1]
            for b in 0..<batch {
                try checkLength(targetLengths[b])
                offsets[b] = b &* width
                maxTarget = Swift.max(maxTarget, targetLengths[b])
            }
            guard targets.shape[0] == batch else {
                throw SwiftGradError.shape("Expected tensor to have size \(batch) at dimension 0, but got size \(targets.shape[0]) for argument #2 'targets' \(site)")
            }
            guard width >= maxTarget else {
                throw SwiftGradError.shape("Expected tensor to have size at least \(maxTarget) at dimension 1, but got size \(width) for argument #2 'targets' \(site)")
            }
        }
        for length in inputLengths {
            guard length >= 0 else {
                throw SwiftGradError.invalidArgument("Expected input_lengths to have value at least 0, but got value \(length) \(site)")
            }
            guard length <= steps else {
                throw SwiftGradError.invalidArgument("Expected input_lengths to have value at most \(steps), but got value \(length) \(site)")
            }
        }
        // PyTorch reads log_probs[t, b, label] unchecked; a label outside [0, C) is refused here.
        let labels = targets.pointer(Int64.self) + targets.storageOffset
        for b in 0..<batch {
            for i in 0..<targetLengths[b] {
                let label = labels[offsets[b] &+ i]
                guard label >= 0 && label < Int64(classes) else {
                    throw SwiftGradError.invalidArgument("ctc_loss: target \(label) (sequence \(b), position \(i)) is out of bounds for \(classes) classes")
                }
            }
        }
        // log_alpha holds N * T * (2 * max_target + 1) elements.
        let (width, o1) = maxTarget.multipliedReportingOverflow(by: 2)
        let (cells, o2) = batch.multipliedReportingOverflow(by: steps)
        let (total, o3) = cells.multipliedReportingOverflow(by: width &+ 1)
        guard !o1, !o2, !o3, total < Int.max / 8 else {
            throw SwiftGradError.outOfMemory("ctc_loss: log_alpha of \(batch) x \(steps) x (2 * \(maxTarget) + 1) elements is too large")
        }
        return CTCProblem(steps: steps, batch: batch, classes: classes, blank: blank, inputLengths: inputLengths,
                          targetLengths: targetLengths, targetOffsets: offsets, maxTarget: maxTarget)
    }

    /// PyTorch's `_ctc_loss`: the N negative log-likelihoods, recorded as CtcLossBackward0 (which
    /// saves log_alpha for the backward). `labels` is contiguous int64, checked.
    private static func ctcNegativeLogLikelihood(_ logProbs: Tensor, _ labels: Tensor, _ problem: CTCProblem,
                                                 zeroInfinity: Bool) throws -> Tensor {
        let dtype = logProbs.dtype
        let x = try noGrad { try logProbs.contiguous() }
        let nll = try Tensor.empty([problem.batch], dtype)
        let alpha = try Tensor.empty([problem.batch, problem.steps, problem.alphaWidth], dtype)
        let targets = UnsafePointer(labels.pointer(Int64.self) + labels.storageOffset)
        func run<F: FloatElement>(_: F.Type) {
            CTCKernels.forward(problem, lp: UnsafePointer(x.pointer(F.self) + x.storageOffset), targets: targets,
                               nll: nll.pointer(F.self), alpha: alpha.pointer(F.self))
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return try nll.recorded("CtcLossBackward0", inputs: [logProbs], saving: [logProbs, labels, alpha],
                                savingOutput: true) { g, ctx in
            let lp = try ctx.saved(0), targets = try ctx.saved(1), alpha = try ctx.saved(2), nll = try ctx.saved(3)
            let grad = try ctcBackward(g, lp, targets, nll, alpha, problem, zeroInfinity: zeroInfinity)
            return [try grad.recordedWithoutDerivative("_ctc_loss_backward", inputs: [g, lp])]
        }
    }

    /// PyTorch's `_ctc_loss_backward` (not differentiable) for the saved forward values.
    static func ctcBackward(_ g: Tensor, _ logProbs: Tensor, _ labels: Tensor, _ nll: Tensor, _ alpha: Tensor,
                            _ problem: CTCProblem, zeroInfinity: Bool) throws -> Tensor {
        try noGrad {
            let dtype = logProbs.dtype
            let x = try logProbs.contiguous(), upstream = try g.to(dtype, recording: false).contiguous()
            let losses = try nll.contiguous(), a = try alpha.contiguous(), targets = try labels.contiguous()
            let grad = try Tensor.empty(logProbs.shape, dtype)
            func run<F: FloatElement>(_: F.Type) {
                CTCKernels.backward(problem, lp: UnsafePointer(x.pointer(F.self) + x.storageOffset),
                                    targets: UnsafePointer(targets.pointer(Int64.self) + targets.storageOffset),
                                    nll: UnsafePointer(losses.pointer(F.self) + losses.storageOffset),
                                    alpha: UnsafePointer(a.pointer(F.self) + a.storageOffset),
                                    gradOut: UnsafePointer(upstream.pointer(F.self) + upstream.storageOffset),
                                    zeroInfinity: zeroInfinity, grad: grad.pointer(F.self))
            }
            if dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return grad
        }
    }
}
