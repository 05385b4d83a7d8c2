/// Joining tensors: cat along an existing dimension, stack along a new one. The gradient of
/// each input is its slice of the output's gradient.
extension Tensor {
    /// The tensors joined along `dim` (`torch.cat`, CatBackward0); their other sizes must match
    /// and their dtypes promote. 1-d empty tensors are skipped, as in PyTorch.
    /// - Throws: `.invalidArgument` for an empty list or 0-d tensors, `.shape` for mismatched sizes.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else { throw SwiftGradError.invalidArgument("torch.cat(): expected a non-empty list of Tensors") }
        if let i = tensors.firstIndex(where: { $0.ndim == 0 }) {
            throw SwiftGradError.invalidArgument("zero-dimensional tensor (at position \(i)) cannot be concatenated")
        }
        // Legacy rule: 1-d tensors with no elements do not take part.
        let parts = tensors.enumerated().filter { !($0.element.ndim == 1 && $0.element.count == 0) }
        guard let reference = parts.first?.element else { return try tensors[0].clone() }
        let d = try Shape.normalize(dim: dim, ndim: reference.ndim)
        var total = 0
        for (i, t) in parts {
            guard t.ndim == reference.ndim else {
                throw SwiftGradError.shape("Tensors must have same number of dimensions: got \(reference.ndim) and \(t.ndim)")
            }
            for k in 0..<t.ndim where k != d && t.shape[k] != reference.shape[k] {
                throw SwiftGradError.shape("Sizes of tensors must match except in dimension \(d). Expected size \(reference.shape[k]) but got size \(t.shape[k]) for tensor number \(i) in the list.")
            }
            total += t.shape[d]
        }
        let dtype = tensors.dropFirst().reduce(tensors[0].dtype) { DType.promote($0, $1.dtype) }
        var shape = reference.shape
        shape[d] = total
        let out = try Tensor.empty(shape, dtype)
        var start = 0
        var ranges: [(index: Int, start: Int, length: Int)] = []
        for (i, t) in parts {
            let length = t.shape[d]
            try noGrad { Kernels.convert(from: try t.to(dtype, recording: false), into: try out.slice(dim: d, start: start, end: start + length)) }
            ranges.append((i, start, length))
            start += length
        }
        return try out.recorded("CatBackward0", inputs: tensors) { g, _ in
            var grads = [Tensor?].filled(nil, count: tensors.count)
            for r in ranges { grads[r.index] = try g.narrow(dim: d, start: r.start, length: r.length) }
            return Gradients(grads)
        }
    }

    /// The tensors, all of one shape, stacked along a new dimension `dim` (`torch.stack`,
    /// StackBackward0).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw SwiftGradError.invalidArgument("stack expects a non-empty TensorList") }
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw SwiftGradError.shape("stack expects each tensor to be equal size, but got \(Shape.describe(first.shape)) at entry 0 and \(Shape.describe(t.shape)) at entry \(i)")
        }
        let d = try Shape.normalize(dim: dim, ndim: first.ndim + 1)
        let joined = try noGrad { try cat(tensors.map { try $0.unsqueeze(dim: d) }, dim: d) }
        return try joined.recorded("StackBackward0", inputs: tensors) { g, _ in
            Gradients(try (0..<tensors.count).map { try g.select(dim: d, index: $0) })
        }
    }
}
