/// Products of vectors and matrices, each forward beside its backward. `matmul` follows all of
/// PyTorch's rank rules by composing the differentiable primitives below.
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
            .recorded("DotBackward0", input: a, b,
                      saving: b.requiresGrad ? a : nil, a.requiresGrad ? b : nil) { g, ctx in
                [ctx.needsGrad(0) ? try g.mul(ctx.saved(1)) : nil,
                 ctx.needsGrad(1) ? try g.mul(ctx.saved(0)) : nil]
            }
    }

    /// `Tensor.dot(self, other)`.
    public func dot(_ other: Tensor) throws -> Tensor { try Tensor.dot(self, other) }

    /// The product of two matrices (`torch.mm`, MmBackward0).
    /// - Throws: `.shape` unless [n, k] x [k, m]; `.dtype` unless the dtypes match.
    public func mm(_ other: Tensor) throws -> Tensor {
        guard ndim == 2 else { throw SwiftGradError.shape("self must be a matrix") }
        guard other.ndim == 2 else { throw SwiftGradError.shape("mat2 must be a matrix") }
        try Tensor.checkProduct(self, other, "mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))", shape[1] == other.shape[0])
        let out = try Kernels.matmul(MatrixBatch(self), MatrixBatch(other), shape: [shape[0], other.shape[1]])
            .recorded("MmBackward0", input: self, other,
                      saving: other.requiresGrad ? self : nil, requiresGrad ? other : nil) { g, ctx in
                // d(A B) = dA B + A dB: dA = G B^T, dB = A^T G; each added straight into the
                // leaf's .grad when the engine offers it (one pass over it fewer).
                func product(_ a: Tensor, _ b: Tensor, input: Int) throws -> Tensor? {
                    let added = try ctx.addToAccumulator(forInput: input) {
                        try Kernels.addProduct(MatrixBatch(a), MatrixBatch(b), into: $0)
                    }
                    return added ? nil : try a.mm(b)
                }
                return [ctx.needsGrad(0) ? try product(g, ctx.saved(1).transpose(0, 1), input: 0) : nil,
                        ctx.needsGrad(1) ? try product(ctx.saved(0).transpose(0, 1), g, input: 1) : nil]
            }
        out.gradFn?.wantsAccumulators = true
        return out
    }

    /// A matrix times a vector (`torch.mv`, MvBackward0).
    public func mv(_ vector: Tensor) throws -> Tensor {
        guard ndim == 2, vector.ndim == 1 else {
            throw SwiftGradError.shape("vector + matrix @ vector expected, got 1, \(ndim), \(vector.ndim)")
        }
        try Tensor.checkProduct(self, vector, "size mismatch, got input (\(shape[0])), mat (\(shape[0])x\(shape[1])), vec (\(vector.shape[0]))", shape[1] == vector.shape[0])
        return try Kernels.matmul(MatrixBatch(self), MatrixBatch(vector), shape: [shape[0]])
            .recorded("MvBackward0", input: self, vector,
                      saving: vector.requiresGrad ? self : nil, requiresGrad ? vector : nil) { g, ctx in
                [ctx.needsGrad(0) ? try Tensor.outer(g, ctx.saved(1)) : nil,
                 ctx.needsGrad(1) ? try ctx.saved(0).transpose(0, 1).mv(g) : nil]
            }
    }

    /// Batched matrix product of [b, n, k] and [b, k, m] tensors (`torch.bmm`, BmmBackward0).
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard ndim == 3 else { throw SwiftGradError.shape("batch1 must be a 3D tensor") }
        guard other.ndim == 3 else { throw SwiftGradError.shape("batch2 must be a 3D tensor") }
        guard shape[0] == other.shape[0] else {
            throw SwiftGradError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        }
        try Tensor.checkProduct(self, other, "Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].", shape[2] == other.shape[1])
        return try Kernels.batchedMatmul(self, other)
            .recorded("BmmBackward0", input: self, other,
                      saving: other.requiresGrad ? self : nil, requiresGrad ? other : nil) { g, ctx in
                [ctx.needsGrad(0) ? try g.bmm(ctx.saved(1).transpose(1, 2)) : nil,
                 ctx.needsGrad(1) ? try ctx.saved(0).transpose(1, 2).bmm(g) : nil]
            }
    }

    /// The outer product of two vectors (`torch.outer`): `a[i] * b[j]`.
    public static func outer(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.ndim == 1, b.ndim == 1 else {
            throw SwiftGradError.shape("outer: expected 1-D tensors, but got \(a.ndim)D and \(b.ndim)D tensors")
        }
        return try a.reshape([a.count, 1]).mul(b)
    }

    /// The matrix product with PyTorch's rank rules (`torch.matmul`, `@`): 1-d . 1-d is a dot
    /// product, 2-d x 2-d a matrix product, a 1-d operand is treated as a row (left) or column
    /// (right) vector and its dimension removed again, and anything with more dimensions is a
    /// batch of matrices whose batch dimensions broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let a = self, b = other
        guard a.ndim > 0, b.ndim > 0 else {
            throw SwiftGradError.shape("both arguments to matmul need to be at least 1D, but they are \(a.ndim)D and \(b.ndim)D")
        }
        switch (a.ndim, b.ndim) {
        case (1, 1): return try Tensor.dot(a, b)
        case (2, 1): return try a.mv(b)
        case (1, 2): return try a.unsqueeze(dim: 0).mm(b).squeeze(dim: 0, nodeName: "SqueezeBackward4")
        case (2, 2): return try a.mm(b)
        default: break
        }
        // Batched: make both at least 2-d, broadcast the batch dimensions, multiply as 3-d.
        let left = a.ndim == 1 ? try a.unsqueeze(dim: 0) : a
        let right = b.ndim == 1 ? try b.unsqueeze(dim: 1) : b
        let n = left.shape[left.ndim - 2], k = left.shape[left.ndim - 1]
        let k2 = right.shape[right.ndim - 2], m = right.shape[right.ndim - 1]
        guard k == k2 else {
            throw SwiftGradError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(Shape.count(Array(right.shape.dropLast(2)))), \(k)] but got: [\(Shape.count(Array(right.shape.dropLast(2)))), \(k2)].")
        }
        let batch = try Shape.broadcast(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2)))
        // The result shape, without the dimensions of 1-d operands.
        let outputShape = batch + (a.ndim > 1 ? [n] : []) + (b.ndim > 1 ? [m] : [])
        if right.ndim == 2 {
            // [..., n, k] @ [k, m]: fold the batch into the rows of one matrix product.
            // (The row count is spelled out: -1 cannot be inferred when k is 0.)
            return try left.reshape([Shape.count(Array(left.shape.dropLast())), k]).mm(right).unsafeView(outputShape)
        }
        let batchCount = Shape.count(batch)
        let x = try left.expand(batch + [n, k]).reshape([batchCount, n, k])
        let y = try right.expand(batch + [k, m]).reshape([batchCount, k, m])
        return try x.bmm(y).unsafeView(outputShape)
    }

    private static func checkProduct(_ a: Tensor, _ b: Tensor, _ shapeMessage: @autoclosure () -> String, _ fits: Bool) throws {
        guard a.dtype == b.dtype else {
            throw SwiftGradError.dtype("expected m1 and m2 to have the same dtype, but got: \(a.dtype.cTypeName) != \(b.dtype.cTypeName)")
        }
        guard fits else { throw SwiftGradError.shape(shapeMessage()) }
    }
}

extension DType {
    /// The C type names PyTorch uses in some messages: `float`, `double`, `long int`, `bool`.
    var cTypeName: String {
        switch self {
        case .float32: return "float"
        case .float64: return "double"
        case .int64: return "long int"
        case .bool: return "bool"
        case .float16: return "c10::Half"
        case .bfloat16: return "c10::BFloat16"
        case .int8: return "signed char"
        case .uint8: return "unsigned char"
        case .int16: return "short int"
        case .int32: return "int"
        }
    }
}

/// `torch.dot(a, b)`.
public func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.dot(a, b) }
