/// User-defined differentiable operations (PyTorch's `torch.autograd.Function`): a forward
/// computed without recording, and a backward rule the user supplies.
///
/// ```swift
/// let cube = try Autograd.function("Cube", inputs: [x], forward: { ctx, xs in
///     ctx.saveForBackward(xs)
///     return [try xs[0].pow(3)]
/// }, backward: { ctx, grads in
///     let x = try ctx.savedTensors()[0]
///     return [try grads[0].mul(x.pow(2).mul(3))]
/// })[0]
/// ```
public final class FunctionContext {
    /// Whether each input needs a gradient (`ctx.needs_input_grad`).
    public let needsInputGrad: [Bool]
    private var saved: [SavedTensor] = []
    private var pending: [Tensor] = []
    private var released = false
    weak var node: Node?

    init(needsInputGrad: [Bool]) { self.needsInputGrad = needsInputGrad }

    /// Keeps tensors for backward (`ctx.save_for_backward`); call it in forward.
    public func saveForBackward(_ tensors: [Tensor]) { pending = tensors }

    /// The saved tensors (`ctx.saved_tensors`), checked against in-place changes.
    /// - Throws: `.autograd` after the graph was freed, or when a saved tensor was modified.
    public func savedTensors() throws -> [Tensor] {
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        guard let node else { return pending }
        return try saved.map { try $0.unpack(for: node) }
    }

    /// Turns the tensors forward saved into saved values; a saved output is kept without its
    /// grad_fn (no reference cycle) and relinked when unpacked.
    func seal(outputs raw: [Tensor], wrapped: [Tensor], node: Node) {
        saved = pending.map { t in
            if let i = raw.firstIndex(where: { $0 === t }) { return SavedTensor(wrapped[i], isOutputOf: node) }
            return SavedTensor(t, isOutputOf: nil)
        }
        pending = []
        self.node = node
    }

    func release() {
        if !saved.isEmpty || node != nil {
            saved = []
            released = true
        }
    }
}

/// The node of a user-defined function; PyTorch names it `<name>Backward`.
final class FunctionNode: Node {
    typealias Backward = (FunctionContext, [Tensor]) throws -> [Tensor?]
    let context: FunctionContext
    private let backward: Backward
    private let metas: [(shape: [Int], dtype: DType)]

    init(name: String, nextEdges: [Edge?], outputs: [Tensor], context: FunctionContext, backward: @escaping Backward) {
        self.context = context
        self.backward = backward
        self.metas = outputs.map { ($0.shape, $0.dtype) }
        super.init(name: name + "Backward", edgeCount: nextEdges.count) { nextEdges[$0] }
    }

    override var outputCount: Int { metas.count }
    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { metas[index] }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        // Missing output gradients are zeros, as PyTorch's default (materialize_grads).
        let grads = try gradients.enumerated().map { i, g in try g ?? Tensor.zeros(metas[i].shape, dtype: metas[i].dtype) }
        let result = try backward(context, grads)
        guard result.count == edgeCount else {
            throw SwiftGradError.autograd("function \(name) returned an incorrect number of gradients (expected \(edgeCount), got \(result.count))")
        }
        return Gradients(result)
    }

    override func releaseSavedValues() { context.release() }
}

extension Autograd {
    /// Applies a user-defined differentiable function (`Function.apply`).
    /// - Parameters:
    ///   - name: names the node `<name>Backward`.
    ///   - forward: computes the outputs from the inputs, without recording; may save tensors.
    ///   - backward: given the gradients of the outputs, returns one gradient (or nil) per
    ///     input. Written with tensor ops, it is itself differentiable (create_graph).
    /// - Returns: the outputs, recorded as outputs of one node when an input requires grad.
    public static func function(_ name: String, inputs: [Tensor],
                                forward: (FunctionContext, [Tensor]) throws -> [Tensor],
                                backward: @escaping (FunctionContext, [Tensor]) throws -> [Tensor?]) throws -> [Tensor] {
        let needs = inputs.map { GradMode.isEnabled && $0.requiresGrad }
        let context = FunctionContext(needsInputGrad: needs)
        let raw = try noGrad { try forward(context, inputs) }
        guard needs.contains(true) else { return raw }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        // Each output is a fresh tensor over the forward's result, so that setting its grad_fn
        // leaves the forward's tensors (which may be inputs) alone.
        let wrapped = raw.map { Tensor(storage: $0.storage, shape: $0.shape, strides: $0.strides, offset: $0.storageOffset) }
        let node = FunctionNode(name: name, nextEdges: inputs.map(\.gradientEdge), outputs: wrapped,
                                context: context, backward: backward)
        if Engine.detectAnomaly { node.anomalyContext = anomalyContext }
        for (i, out) in wrapped.enumerated() where out.dtype.isFloatingPoint {
            out.gradFn = node
            out.outputNr = i
        }
        context.seal(outputs: raw, wrapped: wrapped, node: node)
        return wrapped
    }
}
