/// In-place operations (`add_`, `mul_`, `copy_`, `fill_`, `zero_`, ...), with PyTorch's rules:
/// a leaf that requires grad may be modified only with grad mode off; the result must be
/// castable to the tensor's dtype and broadcast to its shape; every write bumps the storage
/// version, so a value saved for backward that is overwritten is caught. A non-leaf tensor in
/// the graph gets a new grad_fn (PyTorch's rebase_history).
extension Tensor {
    /// `self += other` (`add_`).
    @discardableResult public func add_(_ other: Tensor) throws -> Tensor { try arithmetic_(AddKernel.self, other) { try $0.add($1) } }
    /// `self -= other` (`sub_`).
    @discardableResult public func sub_(_ other: Tensor) throws -> Tensor { try arithmetic_(SubKernel.self, other) { try $0.sub($1) } }
    /// `self *= other` (`mul_`).
    @discardableResult public func mul_(_ other: Tensor) throws -> Tensor { try arithmetic_(MulKernel.self, other) { try $0.mul($1) } }
    /// `self /= other` (`div_`).
    @discardableResult public func div_(_ other: Tensor) throws -> Tensor { try arithmetic_(DivKernel.self, other, trueDivision: true) { try $0.div($1) } }

    @discardableResult public func add_(_ s: Double) throws -> Tensor { try add_(Tensor.scalar(s)) }
    @discardableResult public func sub_(_ s: Double) throws -> Tensor { try sub_(Tensor.scalar(s)) }
    @discardableResult public func mul_(_ s: Double) throws -> Tensor { try mul_(Tensor.scalar(s)) }
    @discardableResult public func div_(_ s: Double) throws -> Tensor { try div_(Tensor.scalar(s)) }

    /// Copies `source` (broadcast to this shape, converted to this dtype) into this tensor
    /// (`copy_`, CopyBackwards).
    @discardableResult
    public func copy_(_ source: Tensor) throws -> Tensor {
        guard (try? Shape.broadcast(shape, source.shape)) == shape else {
            throw SwiftGradError.shape("output with shape \(Shape.describe(shape)) doesn't match the broadcast shape \(Shape.describe((try? Shape.broadcast(shape, source.shape)) ?? source.shape))")
        }
        try checkInPlaceOnGraph(with: [source])
        let recording = GradMode.isEnabled && (requiresGrad || source.requiresGrad)
        let previous = gradientEdge
        try prepareInPlaceWrite()
        try noGrad { Kernels.convert(from: try source.to(dtype, recording: false).expand(shape), into: self) }
        if recording {
            // The new value does not depend on the old one: the old history gets zeros.
            rebase(OpNode(name: "CopyBackwards", nextEdges: [previous, source.gradientEdge], output: self) { g, ctx in
                [try g.zerosLike(), ctx.needsGrad(1) ? g : nil]
            })
        }
        return self
    }

    /// Fills this tensor with zeros in place (`Tensor.zero_()`) and returns it.
    /// - Throws: `.autograd` on a leaf that requires grad while grad mode is on, as PyTorch.
    @discardableResult
    public func zero_() throws -> Tensor { try overwrite("ZeroBackward0") { try Kernels.fill(self, with: .integer(0)) } }

    /// Fills this tensor with `value` in place (`Tensor.fill_`) and returns it.
    @discardableResult
    public func fill_(_ value: Double) throws -> Tensor { try fill_(Tensor.scalar(value)) }

    /// Fills this tensor with `value`, a 0-d tensor or a wrapped number (`Tensor.fill_`), and
    /// returns it. A number is checked against the dtype as PyTorch checks it (an integer -1
    /// fills a uint8 tensor with 255, 300 is refused). In the graph the tensor's new value has
    /// gradient 0 to its old one (FillBackward2); a 0-d tensor value that requires grad gets the
    /// sum of the gradient (FillBackward3).
    /// - Throws: `.invalidArgument` when the value does not fit or is not 0-d.
    @discardableResult
    public func fill_(_ value: Tensor) throws -> Tensor {
        guard value.ndim == 0 else {
            throw SwiftGradError.invalidArgument("fill_ only supports 0-dimension value tensor but got tensor with \(value.ndim) dimensions.")
        }
        if value.isWrappedNumber { try dtype.checkFits(value.wideValue(atOffset: value.storageOffset)) }
        if value.isWrappedNumber || !value.requiresGrad {
            return try overwrite(value.isWrappedNumber ? "FillBackward2" : "FillBackward3") {
                try noGrad { Kernels.convert(from: try value.expand(shape), into: self) }
            }
        }
        try checkInPlaceOnGraph(with: [value])
        let previous = gradientEdge
        try prepareInPlaceWrite()
        try noGrad { Kernels.convert(from: try value.expand(shape), into: self) }
        if GradMode.isEnabled {
            rebase(OpNode(name: "FillBackward3", nextEdges: [previous, value.gradientEdge], output: self) { g, _ in
                Gradients(try g.zerosLike(), try g.sum())
            })
        }
        return self
    }

    /// The in-place form of an out-of-place op (`abs_`, `clamp_`, `index_add_`, ...: the op
    /// table's `inplace` names): `op` of this tensor's value, written into it. The result must
    /// have this shape and a dtype castable to this one (PyTorch's messages otherwise). In grad
    /// mode the op reads a snapshot linked to the old history (so that the values it saves keep
    /// the old contents), and a recorded result's node becomes this tensor's grad_fn, as
    /// PyTorch's in-place ops rebase their history onto their own node (ExpBackward0 for exp_).
    /// - Throws: the op's errors; `.shape` / `.dtype` for a result that does not fit;
    ///   `.autograd` on a leaf that requires grad while grad mode is on.
    @discardableResult
    public func inPlace(_ op: (Tensor) throws -> Tensor) throws -> Tensor { try inPlace(promoting: [], op) }

    /// `inPlace` for an op whose result dtype is its operands' promoted type (the bitwise ops):
    /// that type is checked against this tensor's dtype before the op runs, so that
    /// `int_tensor.bitwise_and_(2.5)` gives PyTorch's cast error, not the op's own refusal of
    /// a floating dtype.
    @discardableResult
    public func inPlace(promoting others: [Tensor], _ op: (Tensor) throws -> Tensor) throws -> Tensor {
        if !others.isEmpty {
            let promoted = TypePromotion.resultType([self] + others)
            guard promoted.category <= dtype.category else { throw castError(promoted) }
        }
        let grad = GradMode.isEnabled
        let value = try op(grad ? try clone() : self)
        guard value.shape == shape else {
            throw SwiftGradError.shape("output with shape \(Shape.describe(shape)) doesn't match the broadcast shape \(Shape.describe(value.shape))")
        }
        guard value.dtype.category <= dtype.category else { throw castError(value.dtype) }
        let recorded = grad && value.requiresGrad && value.gradFn != nil
        try checkInPlaceOnGraph(with: recorded ? [value] : [])
        try prepareInPlaceWrite()
        if value !== self {
            try noGrad { Kernels.convert(from: try value.to(dtype, recording: false), into: self) }
        }
        if recorded {
            rebase(value.gradFn!)
            outputNr = value.outputNr
        }
        return self
    }

    /// PyTorch's error for a result of dtype `result` written into this tensor.
    private func castError(_ result: DType) -> SwiftGradError {
        .dtype("result type \(result.scalarTypeName) can't be cast to the desired output type \(dtype.scalarTypeName)")
    }

    /// Overwrites this tensor in place with values that do not depend on it (fill_, zero_,
    /// the random fills), by `write`, and returns it: in the graph its new value has gradient 0
    /// to its old one (a node named `name`, PyTorch's).
    /// - Throws: `.autograd` on a leaf that requires grad while grad mode is on, as PyTorch.
    @discardableResult
    func overwrite(_ name: String, _ write: () throws -> Void) throws -> Tensor {
        try checkInPlaceOnGraph(with: [])
        let previous = gradientEdge
        try prepareInPlaceWrite()
        try write()
        if GradMode.isEnabled && requiresGrad {
            rebase(OpNode(name: name, nextEdges: [previous], output: self) { g, _ in Gradients(try g.zerosLike()) })
        }
        return self
    }

    /// The shared body of add_/sub_/mul_/div_. Without recording it writes in place; with
    /// recording it computes `op(snapshot, other)` with the usual node (the snapshot keeps the
    /// original value for rules that need it, linked to the old history) and takes over that
    /// node as this tensor's grad_fn.
    private func arithmetic_<K: ArithmeticKernel>(_ kernel: K.Type, _ other: Tensor, trueDivision: Bool = false,
                                                  _ op: (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
        var result = TypePromotion.resultType(self, other)
        if trueDivision && !result.isFloatingPoint { result = DType.defaultFloating }
        guard result.category <= dtype.category else {
            throw SwiftGradError.dtype("result type \(result.scalarTypeName) can't be cast to the desired output type \(dtype.scalarTypeName)")
        }
        let target = try Shape.broadcast(shape, other.shape)
        guard target == shape else {
            throw SwiftGradError.shape("output with shape \(Shape.describe(shape)) doesn't match the broadcast shape \(Shape.describe(target))")
        }
        try checkInPlaceOnGraph(with: [other])
        if GradMode.isEnabled && (requiresGrad || other.requiresGrad) {
            let snapshot = try clone()
            let value = try op(snapshot, other)
            try prepareInPlaceWrite()
            try noGrad { Kernels.convert(from: try value.to(dtype, recording: false), into: self) }
            rebase(value.gradFn!)
            (value.gradFn as? OpNode)?.holdSavedValuesAsOutput(self)  // `other` may be self
            return self
        }
        try prepareInPlaceWrite()
        if result == dtype && (dtype == .float32 || dtype == .float64 || dtype == .int64) {
            let y = try other.to(dtype, recording: false)
            switch dtype {
            case .float32: Kernels.update(self, with: y, ArithmeticPair<K, Float>())
            case .float64: Kernels.update(self, with: y, ArithmeticPair<K, Double>())
            default: Kernels.update(self, with: y, ArithmeticPair<K, Int64>())
            }
        } else {
            Kernels.convert(from: try Tensor.arithmetic(K.self, self, other, trueDivision: trueDivision), into: self)
        }
        return self
    }

    /// Makes `node` this tensor's grad_fn after an in-place write.
    private func rebase(_ node: Node) {
        gradFn = node
        outputNr = 0
        historyVersion &+= 1
    }

    /// `self += gradient` for gradient accumulation (no graph, same dtype and a shape that
    /// broadcasts to this one).
    func accumulate(_ gradient: Tensor) throws {
        precondition(!GradMode.isEnabled, "gradient accumulation runs without grad mode")
        storage.version &+= 1
        let g = try gradient.to(dtype, recording: false)
        switch dtype {
        case .float32: Kernels.update(self, with: g, ArithmeticPair<AddKernel, Float>())
        case .float64: Kernels.update(self, with: g, ArithmeticPair<AddKernel, Double>())
        default:
            // float16/bfloat16 in float32, rounded back; integers (an integer tensor given a
            // history by an in-place write of a differentiable value, as PyTorch's fill_ gives
            // one) in int64, wrapped back.
            Kernels.convert(from: try Tensor.arithmetic(AddKernel.self, self, g), into: self)
        }
    }

    /// Writing through a view of a leaf that requires grad is writing into the leaf (PyTorch's
    /// leaf error). Any other write that would be recorded on a view would also have to rewrite
    /// the base's history, which swiftgrad does not do yet: it refuses rather than give wrong
    /// gradients.
    private func checkInPlaceOnGraph(with others: [Tensor]) throws {
        guard GradMode.isEnabled, let base else { return }
        if base.isLeaf && base.leafRequiresGrad {
            throw SwiftGradError.autograd("a leaf Variable that requires grad is being used in an in-place operation.")
        }
        if requiresGrad || others.contains(where: \.requiresGrad) {
            throw SwiftGradError.autograd(
                "an in-place operation on a view that takes part in autograd is not supported yet; use an out-of-place operation, or clone() the view first")
        }
    }
}
