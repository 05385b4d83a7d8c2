extension Tensor {
    /// Fills this tensor with zeros in place (`Tensor.zero_()`) and returns it.
    /// - Throws: `.autograd` on a leaf that requires grad while grad mode is on, as PyTorch.
    @discardableResult
    public func zero_() throws -> Tensor { try fill_(0, name: "ZeroBackward0") }

    /// Fills this tensor with `value` in place (`Tensor.fill_`) and returns it.
    @discardableResult
    public func fill_(_ value: Double) throws -> Tensor { try fill_(value, name: "FillBackward0") }

    private func fill_(_ value: Double, name: String) throws -> Tensor {
        try checkInPlaceOnGraph()
        try prepareInPlaceWrite()
        try Kernels.fill(self, with: value)
        if GradMode.isEnabled && requiresGrad {
            // The new value does not depend on the old one: the old history gets zeros.
            let node = OpNode(name: name, nextEdges: [gradientEdge], output: self) { g, _ in [try g.zerosLike()] }
            gradFn = node
            outputNr = 0
        }
        return self
    }

    /// `self += gradient` for gradient accumulation (no graph, same dtype and a shape that
    /// broadcasts to this one).
    func accumulate(_ gradient: Tensor) throws {
        precondition(!GradMode.isEnabled, "gradient accumulation runs without grad mode")
        storage.version &+= 1
        let g = try gradient.to(dtype, recording: false)
        switch dtype {
        case .float32: Kernels.update(self, with: g) { (a: Float, b: Float) in a + b }
        case .float64: Kernels.update(self, with: g) { (a: Double, b: Double) in a + b }
        case .int64, .bool: throw SwiftGradError.internal("gradient accumulation into \(dtype)")
        }
    }

    /// In-place writes on a non-leaf tensor in the graph are recorded by re-pointing its grad_fn
    /// (PyTorch's rebase_history). For a view of such a tensor the base's history would have to
    /// be rewritten too, which swiftgrad does not do yet: it refuses rather than give wrong
    /// gradients.
    private func checkInPlaceOnGraph() throws {
        if GradMode.isEnabled && requiresGrad && !isLeaf && isView {
            throw SwiftGradError.autograd(
                "an in-place operation on a view of a tensor that requires grad is not supported yet; use an out-of-place operation or clone() first")
        }
    }
}
