/// The functional side of autograd (`torch.autograd`): gradients of several outputs with respect
/// to chosen inputs, without or with touching `.grad`, and for higher orders.
public enum Autograd {
    /// Back-propagates from `outputs` (`torch.autograd.backward`), accumulating into leaves'
    /// `.grad` (only into `inputs`' when given).
    /// - Parameters:
    ///   - gradients: one per output; nil means 1 and is allowed only for one-element outputs.
    ///   - retainGraph: keep saved values for another backward; defaults to `createGraph`.
    ///   - createGraph: record the backward pass for higher-order gradients.
    /// - Throws: `.autograd`/`.shape` with PyTorch's messages.
    public static func backward(_ outputs: [Tensor], gradients: [Tensor?]? = nil, retainGraph: Bool? = nil,
                                createGraph: Bool = false, inputs: [Tensor]? = nil) throws {
        let roots = try seeds(outputs, gradients)
        if let inputs {
            guard !inputs.isEmpty else { throw SwiftGradError.autograd("`inputs` argument to `backward()` cannot be empty.") }
            let grads = try Engine.run(roots: roots, targets: .only(inputs), keepGraph: retainGraph ?? createGraph,
                                       createGraph: createGraph)
            // Non-leaf inputs keep the gradient that reached them, as retain_grad would (and
            // when they do retain it, its hook has stored it already).
            for (t, g) in zip(inputs, grads) where !t.isLeaf && !t.retainsGrad {
                guard let g else { continue }
                try GradMode.withEnabled(createGraph) {
                    if createGraph || t.gradStore == nil {
                        t.gradStore = try t.gradStore.map { try $0.add(g) } ?? (createGraph ? g : g.detach().clone())
                    } else {
                        try t.gradStore!.accumulate(g)
                    }
                }
            }
        } else {
            try Engine.run(roots: roots, keepGraph: retainGraph ?? createGraph, createGraph: createGraph)
        }
    }

    /// The gradients of `outputs` with respect to `inputs` (`torch.autograd.grad`), returned
    /// rather than accumulated: no `.grad` changes.
    ///
    /// ```swift
    /// let x = try Tensor([1, 2] as [Double]).requiringGrad()
    /// let g = try Autograd.grad([x.pow(3).sum()], [x], createGraph: true)[0]!   // 3x^2
    /// let h = try Autograd.grad([g.sum()], [x])[0]!                              // 6x
    /// ```
    /// - Parameters:
    ///   - gradOutputs: one per output (nil: 1, for one-element outputs only).
    ///   - allowUnused: give nil for an input no output depends on, instead of failing.
    /// - Throws: `.autograd` when an input does not require grad, or is unused without
    ///   `allowUnused`.
    public static func grad(_ outputs: [Tensor], _ inputs: [Tensor], gradOutputs: [Tensor?]? = nil,
                            retainGraph: Bool? = nil, createGraph: Bool = false,
                            allowUnused: Bool = false) throws -> [Tensor?] {
        let roots = try seeds(outputs, gradOutputs)
        let grads = try Engine.run(roots: roots, targets: .capture(inputs), keepGraph: retainGraph ?? createGraph,
                                   createGraph: createGraph)
        if !allowUnused, let unused = grads.firstIndex(where: { $0 == nil }) {
            throw SwiftGradError.autograd("The differentiated Tensor at index \(unused) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
        }
        return grads
    }

    /// Each output's graph edge and seed gradient, with PyTorch's checks in PyTorch's order.
    private static func seeds(_ outputs: [Tensor], _ gradients: [Tensor?]?) throws -> [(edge: Edge, gradient: Tensor)] {
        guard !outputs.isEmpty else { throw SwiftGradError.invalidArgument("grad requires at least one output") }
        if let gradients, gradients.count != outputs.count {
            throw SwiftGradError.invalidArgument("grad can be implicitly created only for scalar outputs: got \(gradients.count) gradients for \(outputs.count) outputs")
        }
        return try outputs.enumerated().map { i, out in
            let seed: Tensor
            if let gradient = gradients?[i] {
                guard gradient.shape == out.shape else {
                    throw SwiftGradError.shape(
                        "Mismatch in shape: grad_output[\(i)] has a shape of \(Shape.torchSize(gradient.shape)) and output[\(i)] has a shape of \(Shape.torchSize(out.shape)).")
                }
                seed = gradient
            } else {
                if out.requiresGrad && out.count != 1 {
                    throw SwiftGradError.autograd("grad can be implicitly created only for scalar outputs")
                }
                seed = try Tensor.ones(out.shape, dtype: out.dtype)
            }
            guard let edge = out.gradientEdge else {
                throw SwiftGradError.autograd("element \(i) of tensors does not require grad and does not have a grad_fn")
            }
            try out.checkViewHistory()
            return (edge, seed)
        }
    }

    /// Whether backward passes check every gradient for NaN (`set_detect_anomaly`). Global, as
    /// PyTorch's; while on, each recorded op also keeps the calling thread's `anomalyContext`.
    public static var detectAnomaly: Bool {
        get { Engine.detectAnomaly }
        set { Engine.detectAnomaly = newValue }
    }

    final class ContextBox { var text: String? }
    private static let context = ThreadLocal { ContextBox() }

    /// Where the calling thread is, for anomaly reports (a binding sets its caller's traceback
    /// here while anomaly mode is on); attached to every node recorded meanwhile.
    public static var anomalyContext: String? {
        get { context.value.text }
        set { context.value.text = newValue }
    }
}
