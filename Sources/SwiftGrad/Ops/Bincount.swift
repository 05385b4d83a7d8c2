/// `torch.bincount`: how often each non-negative integer occurs in a 1-d tensor, or the sum of
/// the weights at its occurrences, as PyTorch's CPU kernel (aten/src/ATen/native/SummaryOps.cpp)
/// counts: float32 weights sum in float32, any other weights are converted to float64 first and
/// sum in float64, in input order. Without weights the counts are int64.

extension Tensor {
    /// Counts of each value of this 1-d non-negative integer tensor: element `i` of the result
    /// is the number of elements equal to `i` (with weights: the sum of their weights). The
    /// result has `max(max + 1, minlength)` elements; an empty input gives `minlength` zeros
    /// (int64, whatever the weights).
    ///
    /// ```swift
    /// try Tensor([1, 3, 3] as [Int64]).bincount()                 // tensor([0, 1, 0, 2])
    /// try Tensor([1, 3, 3] as [Int64]).bincount(minlength: 6)     // tensor([0, 1, 0, 2, 0, 0])
    /// ```
    /// - Parameters:
    ///   - weights: a 1-d tensor of this tensor's length, or nil. The result is float32 for
    ///     float32 weights and float64 for any other (the weights' integers and halves converted).
    ///     Weights that require grad give a result whose backward throws (PyTorch's
    ///     `NotImplemented` node: bincount has no derivative).
    ///   - minlength: the least number of bins, at least 0.
    /// - Throws: `.dtype` for a bool or floating input ("\"bincount_cpu\" not implemented for
    ///   'Float'"); `.invalidArgument` for a negative minlength, an input that is not 1-d or has
    ///   a negative value, weights of another shape; `.outOfMemory` for a bin count that cannot
    ///   be allocated.
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) throws -> Tensor {
        guard dtype.isIntegral else { throw Tensor.kernelNotImplemented("bincount_cpu", dtype) }
        guard minlength >= 0 else { throw SwiftGradError.invalidArgument("minlength should be >= 0") }
        if ndim == 1 && count == 0 { return try Tensor.zeros([minlength], dtype: .int64) }
        guard ndim == 1 else { throw SwiftGradError.invalidArgument("bincount only supports 1-d non-negative integral inputs.") }
        let values = try noGrad { try to(.int64, recording: false).contiguous() }
        let p = values.pointer(Int64.self) + values.storageOffset
        var largest: Int64 = 0
        for i in 0..<count {
            guard p[i] >= 0 else { throw SwiftGradError.invalidArgument("bincount only supports 1-d non-negative integral inputs.") }
            largest = Swift.max(largest, p[i])
        }
        if let weights, weights.ndim != 1 || weights.shape[0] != count {
            throw SwiftGradError.invalidArgument("weights should be 1-d and have the same length as input")
        }
        guard largest < Int64.max else {
            throw SwiftGradError.outOfMemory("bincount: \(largest) + 1 bins cannot be allocated")
        }
        let bins = Swift.max(Int(largest) + 1, minlength)
        guard let weights else {
            let out = try Tensor.zeros([bins], dtype: .int64)
            let o = out.pointer(Int64.self)
            for i in 0..<count { o[Int(p[i])] &+= 1 }
            return out
        }
        func sum<T: FloatElement>(_: T.Type) throws -> Tensor {
            let w = try noGrad { try weights.to(T.dtype, recording: false).contiguous() }
            let out = try Tensor.zeros([bins], dtype: T.dtype)
            let o = out.pointer(T.self), pw = w.pointer(T.self) + w.storageOffset
            for i in 0..<count { o[Int(p[i])] += pw[i] }
            return out
        }
        let out = weights.dtype == .float32 ? try sum(Float.self) : try sum(Double.self)
        return try out.recordedWithoutDerivative("bincount", inputs: [weights])
    }
}
