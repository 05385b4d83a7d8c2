/// Reductions over all elements or over given dimensions, each forward beside its backward.
/// Every dimensioned reduction goes through `Reduction`, which knows the reduced dimensions,
/// drops them from the result unless `keepdim`, and puts them back to broadcast a gradient.

/// Which dimensions a reduction removes, and how its result and gradients are reshaped.
struct Reduction {
    let inputShape: [Int]
    let reduced: [Bool]
    /// The input shape with reduced sizes set to 1.
    let kept: [Int]
    let keepdim: Bool
    /// Elements combined into each output element.
    let groupSize: Int

    /// - Parameter dims: dimensions to reduce (negative counts from the end); empty means all,
    ///   as in PyTorch.
    /// - Throws: `.invalidArgument` for a dimension out of range or listed twice.
    init(_ shape: [Int], dims: [Int], keepdim: Bool) throws {
        var reduced = [Bool].filled(dims.isEmpty, count: shape.count)
        for dim in dims {
            let d = try Shape.normalize(dim: dim, ndim: shape.count)
            if shape.isEmpty { continue }
            guard !reduced[d] else {
                throw SwiftGradError.invalidArgument("dim \(d) appears multiple times in the list of dims")
            }
            reduced[d] = true
        }
        self.inputShape = shape
        self.reduced = reduced
        self.keepdim = keepdim
        var kept = shape, group = 1
        for d in 0..<shape.count where reduced[d] {
            kept[d] = 1
            group &*= shape[d]
        }
        self.kept = kept
        self.groupSize = group
    }

    /// The shape of the result.
    var outputShape: [Int] { keepdim ? kept : zip(inputShape, reduced).filter { !$0.1 }.map(\.0) }

    /// A fresh contiguous result computed in the kept shape, relabelled to the output shape.
    func finish(_ keptResult: Tensor) -> Tensor {
        keepdim ? keptResult : Tensor(storage: keptResult.storage, shape: outputShape)
    }

    /// A tensor in the output shape, given back its reduced dimensions as size 1 (for
    /// broadcasting against the input).
    func unsqueezed(_ t: Tensor) throws -> Tensor { keepdim ? t : try t.reshape(kept) }

    /// A gradient in the output shape, broadcast back over the input.
    func expand(_ g: Tensor) throws -> Tensor { try unsqueezed(g).expand(inputShape) }
}

extension Tensor {
    /// The sum of all elements, a 0-d tensor (`torch.sum`, SumBackward0). Integer and bool
    /// tensors sum to int64.
    public func sum() throws -> Tensor {
        try Kernels.sumAll(self).recorded("SumBackward0", input: self) { g, ctx in
            [try g.expand(ctx.inputShape(0))]
        }
    }

    /// The sum over `dims`, keeping them as size 1 when `keepdim` (SumBackward1).
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        return try r.finish(try Kernels.accumulate(SumAccumulation.self, self, reduced: r.reduced, keptShape: r.kept))
            .recorded("SumBackward1", input: self) { g, _ in Gradients(try r.expand(g)) }
    }

    /// The mean of all elements (`torch.mean`, MeanBackward0).
    /// - Throws: `.dtype` for integer and bool tensors, as PyTorch.
    public func mean() throws -> Tensor {
        try checkFloating("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.scalarTypeName)")
        let n = Double(count)
        return try noGrad { try sum().div(n) }
            .recorded("MeanBackward0", input: self) { g, ctx in Gradients(try g.expand(ctx.inputShape(0)).div(n)) }
    }

    /// The mean over `dims` (MeanBackward1).
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try checkFloating("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.scalarTypeName)")
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        let n = Double(r.groupSize)
        return try noGrad { try sum(dims: dims, keepdim: keepdim).div(n) }
            .recorded("MeanBackward1", input: self) { g, _ in Gradients(try r.expand(g).div(n)) }
    }

    /// The product of all elements (`torch.prod`, ProdBackward0). The gradient of each element
    /// is the product of the others, exact when some elements are 0.
    public func prod() throws -> Tensor {
        let all = try Reduction(shape, dims: [], keepdim: false)
        return try prodReduction(all, name: "ProdBackward0")
    }

    /// The product over one dimension (ProdBackward1).
    public func prod(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try prodReduction(Reduction(shape, dims: [dim], keepdim: keepdim), name: "ProdBackward1")
    }

    private func prodReduction(_ r: Reduction, name: String) throws -> Tensor {
        let out = r.finish(try Kernels.accumulate(ProdAccumulation.self, self, reduced: r.reduced, keptShape: r.kept))
        return try out.recorded(name, inputs: [self], saving: [self], savingOutput: true) { g, ctx in
            let x = try ctx.saved(0), result = try ctx.saved(1)
            let expanded = try r.expand(g)
            // Without zeros, d(prod)/dx_i = prod / x_i (differentiable, for higher orders).
            if try x.eq(0).sum().item() == 0 {
                return [try expanded.mul(r.expand(result)).div(x)]
            }
            // With zeros, the product of the other elements of each group, computed directly.
            return [try expanded.mul(x.productOfOthers(r))]
        }
    }

    /// The divisor of a variance over groups of `n` elements: n - correction, but never below 0
    /// (a group of n <= correction elements then gives inf or nan, as in PyTorch).
    private static func varianceDivisor(_ n: Int, _ correction: Double) -> Double {
        Swift.max(0, Double(n) - correction)
    }

    /// Variance over `dims` with Bessel's `correction` (1: unbiased, PyTorch's default; any real
    /// number) (VarBackward0). A group of n <= correction elements gives inf or nan, as in PyTorch.
    public func variance(dims: [Int] = [], correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        try checkFloating("std and var only support floating point and complex dtypes")
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        let divisor = Tensor.varianceDivisor(r.groupSize, correction)
        let out = try noGrad { () -> Tensor in
            let centered = try sub(sum(dims: dims, keepdim: true).div(Double(r.groupSize)))
            return try centered.mul(centered).sum(dims: dims, keepdim: keepdim).div(divisor)
        }
        return try out.recorded("VarBackward0", input: self, saving: self) { g, ctx in
            // d var/dx_i = 2 (x_i - mean) / (n - correction).
            let x = try ctx.saved(0)
            let centered = try x.sub(x.sum(dims: dims, keepdim: true).div(Double(r.groupSize)))
            return [try r.expand(g).mul(centered).mul(2 / divisor)]
        }
    }

    /// Standard deviation over `dims` (StdBackward0); its gradient is 0 where it is 0.
    public func std(dims: [Int] = [], correction: Double = 1, keepdim: Bool = false) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        let out = try noGrad { try variance(dims: dims, correction: correction, keepdim: keepdim).sqrt() }
        return try out.recorded("StdBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            // d std = d var / (2 std), taken as 0 where std == 0.
            let x = try ctx.saved(0), result = try ctx.saved(1)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            let scaled = try Tensor.where(result.eq(0), zero, g.div(result.mul(2)))
            let divisor = Tensor.varianceDivisor(r.groupSize, correction)
            let centered = try x.sub(x.sum(dims: dims, keepdim: true).div(Double(r.groupSize)))
            return [try r.expand(scaled).mul(centered).mul(2 / divisor)]
        }
    }

    /// `log(sum(exp(x)))` over `dims`, computed stably by subtracting the maximum
    /// (`torch.logsumexp`, LogsumexpBackward0).
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        let source = dtype.isFloatingPoint ? self : try to(.float32, recording: false)
        let out = try noGrad { () -> Tensor in
            var peak = try source.amax(dims: dims, keepdim: true)
            // An all -inf (or infinite) group would give inf - inf = nan: shift by 0 there instead.
            peak = try Tensor.where(peak.abs().eq(.infinity), Tensor.zeros([], dtype: peak.dtype), peak)
            let total = try source.sub(peak).exp().sum(dims: dims, keepdim: true).log().add(peak)
            return r.finish(try total.contiguous())
        }
        return try out.recorded("LogsumexpBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            // d lse/dx_i = exp(x_i - lse), a softmax.
            let x = try ctx.saved(0), result = try ctx.saved(1)
            return [try r.expand(g).mul(x.sub(r.unsqueezed(result)).exp())]
        }
    }

    /// The vector p-norm over `dims` (all when empty) (`Tensor.norm`, which PyTorch computes as
    /// `torch.linalg.vector_norm`, LinalgVectorNormBackward0): `linalgVectorNorm`.
    public func norm(p: Double = 2, dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try linalgVectorNorm(ord: p, dims: dims, keepdim: keepdim)
    }

    /// The 2-norm of all elements (`Tensor.norm()`).
    public func norm() throws -> Tensor { try norm(p: 2) }

    /// For each element, the product of the other elements of its group in `r`, without
    /// division (so zeros are handled exactly). Not differentiable: used by prod's backward only
    /// where the input has zeros.
    fileprivate func productOfOthers(_ r: Reduction) throws -> Tensor {
        if dtype.compute != dtype {  // float16, bfloat16: in float32, rounded back
            return try to(dtype.compute, recording: false).productOfOthers(r).to(dtype, recording: false)
        }
        // Move the reduced dimensions last and flatten them into lanes.
        let keptDims = (0..<ndim).filter { !r.reduced[$0] }, reducedDims = (0..<ndim).filter { r.reduced[$0] }
        let order = keptDims + reducedDims
        let lanes = try noGrad { try self.permute(order).contiguous().reshape(keptDims.map { shape[$0] } + [r.groupSize]) }
        let out = try Tensor.empty(lanes.shape, lanes.dtype)
        func run<T: NumericElement>(_: T.Type) {
            let src = lanes.pointer(T.self), dst = out.pointer(T.self)
            let n = r.groupSize, groups = n == 0 ? 0 : lanes.count / n
            for lane in 0..<groups {
                let x = src + lane * n, y = dst + lane * n
                var prefix = T.one
                for i in 0..<n { y[i] = prefix; prefix = T.mul(prefix, x[i]) }
                var suffix = T.one
                for i in stride(from: n - 1, through: 0, by: -1) { y[i] = T.mul(y[i], suffix); suffix = T.mul(suffix, x[i]) }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        default: throw SwiftGradError.internal("productOfOthers of \(dtype)")
        }
        var inverse = [Int].filled(0, count: ndim)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return try noGrad { try out.reshape(order.map { shape[$0] }).permute(inverse) }
    }

    func checkFloating(_ message: @autoclosure () -> String) throws {
        guard dtype.isFloatingPoint else { throw SwiftGradError.dtype(message()) }
    }
}

extension Tensor {
    /// Sums this gradient, computed in a broadcast shape, back to `target`, the shape of the
    /// operand that was broadcast: over the leading dimensions `target` lacks and over those
    /// where it has size 1. The one helper every broadcasting op's gradient goes through (the
    /// engine calls it), itself differentiable.
    func sumToShape(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = ndim - target.count
        var dims = Array(0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        let summed = dims.isEmpty ? self : try sum(dims: dims, keepdim: true)
        return summed.shape == target ? summed : try summed.reshape(target)
    }
}
