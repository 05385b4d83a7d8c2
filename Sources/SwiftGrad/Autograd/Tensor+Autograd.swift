extension Tensor {
    /// Whether gradients flow to or through this tensor: a leaf the user marked, or the result
    /// of an op recorded in the graph.
    public var requiresGrad: Bool { gradFn != nil || leafRequiresGrad }

    /// True when the tensor was not computed by a recorded op (PyTorch's `is_leaf`).
    public var isLeaf: Bool { gradFn == nil }

    /// The gradient accumulated by backward passes (PyTorch's `.grad`), nil until one runs.
    public var grad: Tensor? { gradStore }

    /// `requires_grad_(flag)`: marks a leaf as one whose gradient is accumulated.
    /// - Throws: `.autograd` for a non-floating dtype, or when turning it off on a non-leaf.
    public func setRequiresGrad(_ flag: Bool) throws {
        if !isLeaf {
            guard flag else {
                throw SwiftGradError.autograd(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            }
            return
        }
        if flag && !dtype.isFloatingPoint {
            throw SwiftGradError.autograd("Only Tensors of floating point and complex dtype can require gradients")
        }
        if flag && accumulator == nil {
            let node = AccumulateGrad(self)
            node.grad = gradStore  // a gradient assigned before
            accumulator = node
        }
        leafRequiresGrad = flag
    }

    /// `requires_grad_()`, returning the tensor itself for chaining.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) throws -> Tensor {
        try setRequiresGrad(flag)
        return self
    }

    /// Sets or clears `.grad`. The gradient is kept as an alias of its memory without its own
    /// graph or `.grad`, so that no assignment can make tensors hold each other in a cycle
    /// (PyTorch keeps the tensor itself, graph included).
    /// - Throws: `.dtype` or `.shape` when the gradient does not match this tensor, `.autograd` for
    ///   the tensor itself.
    public func setGrad(_ gradient: Tensor?) throws {
        if let gradient {
            // As PyTorch refuses (it would also be a reference cycle).
            guard gradient !== self else { throw SwiftGradError.autograd("can't assign Variable as its own grad") }
            guard gradient.dtype == dtype else {
                throw SwiftGradError.dtype("assigned grad has data of a different type")
            }
            guard gradient.shape == shape else {
                throw SwiftGradError.shape("assigned grad has data of a different size")
            }
        }
        gradStore = gradient?.detach()
    }

    /// Fills `.grad` with zeros in place when there is one (what PyTorch's `zero_grad` does with
    /// set_to_none=False). A gradient that carries a graph (from create_graph) is first replaced
    /// by a graph-free alias of its memory, as PyTorch detaches it.
    public func zeroGrad() throws {
        guard var g = gradStore else { return }
        if g.gradFn != nil {
            g = g.detach()
            gradStore = g
        }
        try noGrad { _ = try g.zero_() }
    }

    /// A tensor sharing this one's memory that is outside every graph (`detach()`).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset)
    }

    /// Back-propagates from this tensor (`backward(gradient, retain_graph, create_graph)`).
    ///
    /// - Parameters:
    ///   - gradient: the gradient of some scalar with respect to this tensor, of its shape. Nil
    ///     means 1 and is allowed only for one-element tensors.
    ///   - retainGraph: keep saved values for another backward; defaults to `createGraph`.
    ///   - createGraph: record the backward pass, so gradients can be differentiated again.
    /// - Throws: `.autograd` with PyTorch's messages: non-scalar without gradient, a tensor that
    ///   does not require grad, a second backward through freed saved values.
    ///   - inputs: accumulate only into these tensors' `.grad` (all leaves when nil).
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false,
                         inputs: [Tensor]? = nil) throws {
        try Autograd.backward([self], gradients: [gradient], retainGraph: retainGraph,
                              createGraph: createGraph, inputs: inputs)
    }

    /// A copy of a first gradient kept under create_graph (PyTorch copies it: CopyBackwards).
    func copiedForAccumulation() throws -> Tensor {
        try Tensor.zeros(shape, dtype: dtype).copy_(self)
    }

    /// Where this tensor's gradient goes: its grad_fn, or the accumulator of a leaf that
    /// requires grad, or nowhere. Only reads, so threads sharing a leaf as an operand need no
    /// lock.
    var gradientEdge: Edge? {
        if let gradFn { return Edge(node: gradFn, inputNr: outputNr) }
        guard leafRequiresGrad, let accumulator else { return nil }
        return Edge(node: accumulator, inputNr: 0)
    }

    /// Records `self` (a fresh op result) in the graph when grad mode is on and an input requires
    /// grad, and returns it. This is the one place ops attach backward rules.
    ///
    /// - Parameters:
    ///   - name: the grad_fn name PyTorch prints (`MulBackward0`).
    ///   - inputs: the op's tensor inputs, in the order the rule returns gradients; evaluated
    ///     only in grad mode.
    ///   - saving: values the rule reads back with `ctx.saved(i)`; evaluated only when recording.
    ///     Any node that saves something refuses a second backward once its values are freed.
    ///   - savingOutput: also save this output, after the others (for rules written in terms of
    ///     the result, like exp's). It is kept without its grad_fn, so no reference cycle forms.
    ///   - savingScalar: a Python scalar the rule uses (`x * 2`), read back as `ctx.scalar`.
    ///     PyTorch saves it as a tensor: like saved values, it makes a second backward fail once
    ///     freed. Rules read it from the node rather than capture it: a capturing rule is a
    ///     closure allocated at every call, in backward passes and under no_grad too.
    ///   - rule: the backward rule, returning one gradient (or nil) per input.
    /// - Throws: `.autograd` when an input is a view whose base was modified in place (with
    ///   recording) after the view was made: its history is stale.
    @inline(__always)
    func recorded(_ name: String, inputs: @autoclosure () -> [Tensor], saving: @autoclosure () -> [Tensor?] = [],
                  savingOutput: Bool = false, savingScalar: Double? = nil,
                  rule: @escaping OpNode.Rule) throws -> Tensor {
        // The input list is built only in grad mode: backward rules run their ops without it.
        // Only floating results are differentiable (an integer or bool result never requires
        // grad in PyTorch, whatever its inputs).
        guard GradMode.isEnabled, dtype.isFloatingPoint else { return self }
        let inputs = inputs()
        guard inputs.contains(where: \.requiresGrad) else { return self }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        let node = OpNode(name: name, inputs: inputs, output: self, rule: rule)
        node.save(saving(), output: self, savingOutput: savingOutput, scalar: savingScalar)
        return attached(node)
    }

    /// `recorded` for an op of one or two tensor inputs (`b` nil for one) that saves nothing,
    /// or (the next two forms) one or two values, nil ones included, before the optional output.
    /// Written with the inputs and saved values one by one rather than as arrays: most ops have
    /// one or two of each, and the arrays were two allocations and their teardown per op.
    @inline(__always)
    func recorded(_ name: String, input a: Tensor, _ b: Tensor? = nil, savingOutput: Bool = false,
                  savingScalar: Double? = nil, rule: @escaping OpNode.Rule) throws -> Tensor {
        try recorded(name, a, b, nil, nil, savedCount: 0, savingOutput, savingScalar, rule)
    }

    @inline(__always)
    func recorded(_ name: String, input a: Tensor, _ b: Tensor? = nil, saving s0: Tensor?, savingOutput: Bool = false,
                  savingScalar: Double? = nil, rule: @escaping OpNode.Rule) throws -> Tensor {
        try recorded(name, a, b, s0, nil, savedCount: 1, savingOutput, savingScalar, rule)
    }

    @inline(__always)
    func recorded(_ name: String, input a: Tensor, _ b: Tensor? = nil, saving s0: Tensor?, _ s1: Tensor?,
                  savingOutput: Bool = false, savingScalar: Double? = nil, rule: @escaping OpNode.Rule) throws -> Tensor {
        try recorded(name, a, b, s0, s1, savedCount: 2, savingOutput, savingScalar, rule)
    }

    @inline(__always)
    private func recorded(_ name: String, _ a: Tensor, _ b: Tensor?, _ s0: Tensor?, _ s1: Tensor?, savedCount: Int,
                          _ savingOutput: Bool, _ savingScalar: Double?, _ rule: @escaping OpNode.Rule) throws -> Tensor {
        guard GradMode.isEnabled, dtype.isFloatingPoint, a.requiresGrad || b?.requiresGrad == true else { return self }
        if a.base != nil { try a.checkViewHistory() }
        if let b, b.base != nil { try b.checkViewHistory() }
        let node = OpNode(name: name, edgeCount: b == nil ? 1 : 2, output: self, rule: rule) {
            $0 == 0 ? a.gradientEdge : b.unsafelyUnwrapped.gradientEdge
        }
        node.save(s0, s1, count: savedCount, output: self, savingOutput: savingOutput, scalar: savingScalar)
        return attached(node)
    }

    /// Makes `node` this fresh result's grad_fn, and returns the result.
    @inline(__always)
    private func attached(_ node: OpNode) -> Tensor {
        if Engine.detectAnomaly { node.anomalyContext = Autograd.anomalyContext }
        gradFn = node
        outputNr = 0
        return self
    }

    /// PyTorch regenerates the grad_fn of a view whose base was modified in place; swiftgrad
    /// does not yet, so using such a view in autograd is refused rather than differentiated
    /// through its old history.
    func checkViewHistory() throws {
        guard let base, requiresGrad, base.historyVersion != baseHistoryVersion else { return }
        throw SwiftGradError.autograd("this view was made before its base was modified by an in-place operation, and swiftgrad does not update the history of such views yet; take the view again after the in-place operation")
    }

    /// Checks that an in-place operation on this tensor is allowed and marks the write: bumps
    /// the storage version so saved copies of it are known to be stale.
    /// - Throws: `.autograd` for a leaf that requires grad while grad mode is on.
    func prepareInPlaceWrite() throws {
        if GradMode.isEnabled && isLeaf && leafRequiresGrad {
            throw SwiftGradError.autograd("a leaf Variable that requires grad is being used in an in-place operation.")
        }
        storage.version &+= 1
    }
}
