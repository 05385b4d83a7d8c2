extension Tensor {
    /// This tensor converted to `dtype` (`Tensor.to(dtype)`, ToCopyBackward0); the tensor itself
    /// when it already has that dtype. Differentiable between floating dtypes; a conversion to
    /// int64 or bool leaves the graph, as in PyTorch.
    public func to(_ dtype: DType) throws -> Tensor { try to(dtype, recording: true) }

    /// - Parameter recording: false inside other ops' forward computations, which record
    ///   themselves.
    @inline(__always)
    func to(_ target: DType, recording: Bool) throws -> Tensor {
        if dtype == target { return self }
        return try converted(to: target, recording: recording)
    }

    private func converted(to target: DType, recording: Bool) throws -> Tensor {
        let out = try Tensor.empty(shape, target)
        Kernels.convert(from: self, into: out)
        guard recording, target.isFloatingPoint else { return out }
        return try out.recorded("ToCopyBackward0", input: self) { g, ctx in Gradients(try g.to(ctx.inputDType(0))) }
    }

    /// A contiguous copy with its own storage (`torch.clone`, CloneBackward0).
    public func clone() throws -> Tensor {
        let out = try Tensor.empty(shape, dtype)
        Kernels.convert(from: self, into: out)
        return try out.recorded("CloneBackward0", input: self) { g, _ in [g] }
    }

    /// This tensor when it is contiguous, otherwise a contiguous copy (`Tensor.contiguous()`).
    public func contiguous() throws -> Tensor { isContiguous ? self : try clone() }
}
