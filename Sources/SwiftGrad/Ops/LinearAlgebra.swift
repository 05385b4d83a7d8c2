extension Tensor {
    /// The inner product of two 1-d tensors (`torch.dot`, DotBackward0).
    ///
    /// ```swift
    /// let x = try Tensor.arange(0, 4)
    /// try Tensor.dot(x, x)   // tensor(14.)
    /// ```
    /// - Throws: `.shape` unless both are 1-d of one length, `.dtype` unless they share a dtype.
    public static func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.ndim == 1 && b.ndim == 1 else {
            throw SwiftGradError.shape("1D tensors expected, but got \(a.ndim)D and \(b.ndim)D tensors")
        }
        guard a.dtype == b.dtype else {
            throw SwiftGradError.dtype("dot : expected both vectors to have same dtype, but found \(a.dtype.scalarTypeName) and \(b.dtype.scalarTypeName)")
        }
        guard a.count == b.count else {
            throw SwiftGradError.shape("inconsistent tensor size, expected tensor [\(a.count)] and src [\(b.count)] to have the same number of elements, but got \(a.count) and \(b.count) elements respectively")
        }
        return try Kernels.dot(a, b)
            .recorded("DotBackward0", inputs: [a, b],
                      saving: [b.requiresGrad ? a : nil, a.requiresGrad ? b : nil]) { g, ctx in
                [ctx.needsGrad(0) ? try g.mul(ctx.saved(1)) : nil,
                 ctx.needsGrad(1) ? try g.mul(ctx.saved(0)) : nil]
            }
    }

    /// `Tensor.dot(self, other)`.
    public func dot(_ other: Tensor) throws -> Tensor { try Tensor.dot(self, other) }

    /// The 2-norm of all elements, a 0-d tensor (`Tensor.norm()`, LinalgVectorNormBackward0).
    /// The sum of squares accumulates in double, so float32 input neither overflows nor loses
    /// precision early. The gradient is `x / norm`, and 0 where the norm is 0 (PyTorch's
    /// convention for the kink at the origin).
    /// - Throws: `.dtype` for integer and bool tensors.
    public func norm() throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
        let value = Kernels.sumOfSquares(self).squareRoot()
        let out = dtype == .float32 ? try Tensor(scalar: Float(value)) : try Tensor(scalar: value)
        return out.recorded("LinalgVectorNormBackward0", inputs: [self], saving: [self], savingOutput: true) { g, ctx in
            let x = try ctx.saved(0), norm = try ctx.saved(1)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            return [try x.mul(Tensor.where(norm.eq(0), zero, g.div(norm)))]
        }
    }
}

/// `torch.dot(a, b)`.
public func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.dot(a, b) }
