/// Ops with several results recorded as one node with one output per result, as PyTorch records
/// `split`, `unbind`, `qr`, `svd`, `eigh`, `lu`, `slogdet`: every result's `grad_fn` is the same
/// node, its `output_nr` the result's index. The node may save inputs and outputs (a saved
/// output leads back to the node under create_graph, as PyTorch's SavedVariable does).
final class MultiOutputNode: Node {
    /// Maps the gradients of the outputs (nil where an output got none) to one gradient (or
    /// nil) per input. Written in differentiable ops, so that create_graph records it.
    typealias Rule = (_ grads: [Tensor?], _ node: MultiOutputNode) throws -> Gradients

    private let rule: Rule
    private let metas: [(shape: [Int], dtype: DType)]
    private var saved: [(value: SavedTensor, outputNr: Int?)] = []
    private var released = false

    init(name: String, inputs: [Tensor], outputs: [Tensor], rule: @escaping Rule) {
        self.rule = rule
        self.metas = outputs.map { ($0.shape, $0.dtype) }
        super.init(name: name, edgeCount: inputs.count) { inputs[$0].gradientEdge }
    }

    override var outputCount: Int { metas.count }
    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { metas[index] }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        if gradients.allSatisfy({ $0 == nil }) { return Gradients(nils: edgeCount) }
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        var grads = [Tensor?].filled(nil, count: metas.count)
        for i in 0..<Swift.min(gradients.count, metas.count) {
            grads[i] = gradients[i]
            gradients[i] = nil
        }
        let result = try rule(grads, self)
        guard result.count == edgeCount else {
            throw SwiftGradError.internal("\(name) returned \(result.count) gradients for \(edgeCount) inputs")
        }
        return result
    }

    override func releaseSavedValues() {
        if !saved.isEmpty {
            saved = []
            released = true
        }
    }

    /// Whether forward input `index` needs a gradient.
    func needsGrad(_ index: Int) -> Bool { edge(index) != nil }

    /// The gradient of output `index`, zeros where it got none (as PyTorch's split_backward
    /// materialises the missing ones).
    func materialized(_ grads: [Tensor?], _ index: Int) throws -> Tensor {
        try grads[index] ?? Tensor.zeros(metas[index].shape, dtype: metas[index].dtype)
    }

    /// Saved value `index` (in the order given to `recordOutputs`), checked against in-place
    /// changes; a saved output leads back to this node under create_graph.
    func saved(_ index: Int) throws -> Tensor {
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        guard index < saved.count else {
            throw SwiftGradError.internal("\(name) read saved value \(index), which it did not save")
        }
        let entry = saved[index]
        let value = try entry.value.unpack(for: self)
        if let nr = entry.outputNr, value.gradFn === self { value.outputNr = nr }
        return value
    }

    fileprivate func save(_ tensors: [Tensor], outputs: [Tensor]) {
        saved = tensors.map { t in
            if let i = outputs.firstIndex(where: { $0 === t }) {
                return (SavedTensor(t, isOutputOf: self), i)
            }
            return (SavedTensor(t, isOutputOf: nil), nil)
        }
    }
}

extension Tensor {
    /// Records `outputs` (computed without recording) as the outputs of one node named `name`,
    /// when grad mode is on and an input requires grad. Only the outputs marked differentiable
    /// get the node as their grad_fn (PyTorch's output_differentiability); `saving` may name
    /// inputs and outputs. Returns the outputs (fresh tensors over the same storage).
    /// - Parameter rule: output gradients (nil where none) to one gradient (or nil) per input.
    /// - Throws: `.autograd` when an input is a view whose base was modified in place since.
    static func recordOutputs(_ name: String, inputs: [Tensor], outputs raw: [Tensor], differentiable: [Bool]? = nil,
                              saving: [Tensor],
                              rule: @escaping (_ grads: [Tensor?], _ node: MultiOutputNode) throws -> [Tensor?]) throws -> [Tensor] {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return raw }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        let outputs = raw.map { Tensor(storage: $0.storage, shape: $0.shape, strides: $0.strides, offset: $0.storageOffset) }
        let node = MultiOutputNode(name: name, inputs: inputs, outputs: outputs) { Gradients(try rule($0, $1)) }
        if Engine.detectAnomaly { node.anomalyContext = Autograd.anomalyContext }
        for (i, out) in outputs.enumerated() where out.dtype.isFloatingPoint && (differentiable?[i] ?? true) {
            out.gradFn = node
            out.outputNr = i
        }
        let savedTensors = saving.map { t in raw.firstIndex(where: { $0 === t }).map { outputs[$0] } ?? t }
        node.save(savedTensors, outputs: outputs)
        return outputs
    }

    /// Records fresh results `outputs` of one op (views included, recorded as they are) as the
    /// outputs of one node, when grad mode is on and an input requires grad, and returns them.
    /// The rule sees every output's gradient, zeros where it got none.
    /// - Parameters:
    ///   - name: the grad_fn name PyTorch prints (`SplitBackward0`).
    ///   - inputs: the op's tensor inputs, in the order the rule returns gradients.
    /// - Throws: `.autograd` when an input is a view whose base was modified in place since.
    static func recordedOutputs(_ name: String, inputs: [Tensor], outputs: [Tensor],
                                rule: @escaping (_ grads: [Tensor], _ node: MultiOutputNode) throws -> Gradients) throws -> [Tensor] {
        guard GradMode.isEnabled, !outputs.isEmpty, inputs.contains(where: \.requiresGrad) else { return outputs }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        let node = MultiOutputNode(name: name, inputs: inputs, outputs: outputs) { grads, node in
            try rule(try grads.indices.map { try node.materialized(grads, $0) }, node)
        }
        if Engine.detectAnomaly { node.anomalyContext = Autograd.anomalyContext }
        for (i, out) in outputs.enumerated() where out.dtype.isFloatingPoint {
            out.gradFn = node
            out.outputNr = i
        }
        return outputs
    }
}
