extension Tensor {
    /// An op written in other differentiable ops and recorded as one node under the name PyTorch
    /// gives its backward (`"SiluBackward0"`), as PyTorch's composite ops are: the forward runs
    /// `body` without recording; backward runs `body` again with recording on and differentiates
    /// it. With create_graph the gradient is itself recorded (through the saved inputs), so
    /// higher orders work. It costs a second forward in backward: an op on a hot path gets a rule
    /// of its own instead.
    ///
    /// ```swift
    /// func silu() throws -> Tensor {
    ///     try Tensor.composite("SiluBackward0", [self]) { x in try x[0].mul(x[0].sigmoid()) }
    /// }
    /// ```
    /// - Parameters:
    ///   - inputs: the op's tensor inputs; those that require grad get gradients.
    ///   - body: the op, in differentiable ops of `inputs` (called with the same number of
    ///     tensors, in order).
    static func composite(_ name: String, _ inputs: [Tensor],
                          _ body: @escaping ([Tensor]) throws -> Tensor) throws -> Tensor {
        var out = try noGrad { try body(inputs) }
        // A body that hands back one of its inputs (an identity case) gets a new tensor over the
        // same memory: recording the input itself would make it its own grad_fn's output.
        if inputs.contains(where: { $0 === out }) { out = out.detach() }
        return try out.recorded(name, inputs: inputs, saving: inputs) { g, ctx in
            let saved = try inputs.indices.map { try ctx.saved($0) }
            let wanted = inputs.indices.filter { ctx.needsGrad($0) }
            let createGraph = GradMode.isEnabled
            return try GradMode.withEnabled(true) {
                var xs = saved
                // Without create_graph, differentiate fresh leaves: nothing of this second forward
                // outlives the call. With it, differentiate the saved inputs themselves, so that
                // the gradient depends on them in the graph.
                if !createGraph {
                    for i in wanted { xs[i] = try saved[i].detach().requiringGrad() }
                }
                let y = try body(xs)
                // A body whose result does not depend on the inputs (householder_product with no
                // reflectors) has zero gradients.
                guard y.requiresGrad else { return Gradients(try inputs.indices.map { try ctx.needsGrad($0) ? saved[$0].zerosLike() : nil }) }
                let grads = try Autograd.grad([y], wanted.map { xs[$0] }, gradOutputs: [g],
                                              createGraph: createGraph, allowUnused: true)
                var result = [Tensor?](repeating: nil, count: inputs.count)
                for (k, i) in wanted.enumerated() { result[i] = try grads[k] ?? saved[i].zerosLike() }
                return Gradients(result)
            }
        }
    }
}
