/// Ops with several results recorded as one node with one output per result, as PyTorch records
/// `split`, `unbind` and their kin (every piece's `grad_fn` is the same SplitBackward0, its
/// `output_nr` the piece's index).
final class MultiOutputNode: Node {
    /// Maps the gradients of every output (a missing one is zeros, as PyTorch's split_backward
    /// materialises it) to one gradient (or nil) per input. Written in differentiable ops, so
    /// that create_graph records it.
    typealias Rule = (_ grads: [Tensor], _ node: MultiOutputNode) throws -> Gradients

    private let rule: Rule
    private let metas: [(shape: [Int], dtype: DType)]

    init(name: String, inputs: [Tensor], outputs: [Tensor], rule: @escaping Rule) {
        self.rule = rule
        self.metas = outputs.map { ($0.shape, $0.dtype) }
        super.init(name: name, edgeCount: inputs.count) { inputs[$0].gradientEdge }
    }

    override var outputCount: Int { metas.count }
    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { metas[index] }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        var grads: [Tensor] = []
        grads.reserveCapacity(metas.count)
        for i in metas.indices {
            let g = i < gradients.count ? gradients[i] : nil
            grads.append(try g ?? Tensor.zeros(metas[i].shape, dtype: metas[i].dtype))
            if i < gradients.count { gradients[i] = nil }
        }
        let result = try rule(grads, self)
        guard result.count == edgeCount else {
            throw SwiftGradError.internal("\(name) returned \(result.count) gradients for \(edgeCount) inputs")
        }
        return result
    }
}

extension Tensor {
    /// Records fresh results `outputs` of one op as the outputs of one node (when grad mode is on
    /// and an input requires grad) and returns them.
    /// - Parameters:
    ///   - name: the grad_fn name PyTorch prints (`SplitBackward0`).
    ///   - inputs: the op's tensor inputs, in the order the rule returns gradients.
    ///   - rule: the backward rule (see `MultiOutputNode.Rule`).
    /// - Throws: `.autograd` when an input is a view whose base was modified in place since.
    static func recordedOutputs(_ name: String, inputs: [Tensor], outputs: [Tensor],
                                rule: @escaping MultiOutputNode.Rule) throws -> [Tensor] {
        guard GradMode.isEnabled, !outputs.isEmpty, inputs.contains(where: \.requiresGrad) else { return outputs }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        let node = MultiOutputNode(name: name, inputs: inputs, outputs: outputs, rule: rule)
        if Engine.detectAnomaly { node.anomalyContext = Autograd.anomalyContext }
        for (i, out) in outputs.enumerated() {
            out.gradFn = node
            out.outputNr = i
        }
        return outputs
    }
}
