#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PyTorch's `torch.masked` reductions and normalizations on strided tensors: the masked-out
/// elements are replaced by the operation's identity (0 for sums, 1 for products, -inf for
/// maxima, NaN for the median, ...) and the ordinary operation runs on the result, as PyTorch's
/// `torch/masked/_ops.py` composes them. So they are written in differentiable ops, and the
/// gradient reaches only the masked-in elements. A mask is a bool tensor (other dtypes are
/// converted) broadcastable to the input; nil means every element.
extension Tensor {
    /// The mask broadcast to this tensor's shape, as bool (`_input_mask`).
    /// - Throws: `.invalidArgument` for a mask of more dimensions or that does not broadcast.
    func canonicalMask(_ mask: Tensor) throws -> Tensor {
        guard mask.ndim <= ndim else {
            throw SwiftGradError.invalidArgument("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        }
        return try noGrad { try mask.to(.bool, recording: false).expand(shape) }
    }

    /// This tensor with the masked-out elements replaced by `fill` (`_combine_input_and_mask`).
    private func masked(_ mask: Tensor?, fill: Double) throws -> Tensor {
        try masked(mask, identity: Tensor.full([], fill, dtype: dtype))
    }

    /// This tensor with the masked-out elements replaced by the 0-d `identity`.
    private func masked(_ mask: Tensor?, identity: Tensor) throws -> Tensor {
        guard let mask else { return self }
        return try Tensor.where(canonicalMask(mask), self, identity)
    }

    /// The identity of max (`lowest`) or min for this dtype, as PyTorch's `_reduction_identity`:
    /// -inf or inf, the integer type's smallest or largest value.
    private func extremeIdentity(lowest: Bool, _ name: String) throws -> Tensor {
        switch dtype {
        case .float32, .float64, .float16, .bfloat16: return try Tensor.full([], lowest ? -.infinity : .infinity, dtype: dtype)
        case .int64: return try Tensor(scalar: lowest ? Int64.min : Int64.max)
        case .int32: return try Tensor.full([], lowest ? Double(Int32.min) : Double(Int32.max), dtype: dtype)
        case .int16: return try Tensor.full([], lowest ? Double(Int16.min) : Double(Int16.max), dtype: dtype)
        case .int8: return try Tensor.full([], lowest ? Double(Int8.min) : Double(Int8.max), dtype: dtype)
        case .uint8: return try Tensor.full([], lowest ? 0 : 255, dtype: dtype)
        case .bool: throw SwiftGradError.dtype("identity of \(name) on torch.bool input")
        }
    }

    /// The dimensions of a masked reduction, sorted, each checked (`_canonical_dim`); every
    /// dimension when `dims` is empty.
    private func canonicalDims(_ dims: [Int]) throws -> [Int] {
        _ = try Reduction(shape, dims: dims, keepdim: false)
        if dims.isEmpty { return Array(0..<ndim) }
        return try dims.map { try Shape.normalize(dim: $0, ndim: ndim) }.sorted()
    }

    // MARK: Reductions

    /// The sum of the masked-in elements over `dims` (`torch.masked.sum`).
    public func maskedSum(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, fill: 0).sum(dims: dims, keepdim: keepdim)
    }

    /// The product of the masked-in elements over `dims` (`torch.masked.prod`), one dimension
    /// at a time from the last.
    public func maskedProd(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        var result = try masked(mask, fill: 1)
        if dtype == .bool { result = try result.to(.int64) }
        for d in try canonicalDims(dims).reversed() { result = try result.prod(dim: d, keepdim: keepdim) }
        return result
    }

    /// The largest masked-in element over `dims` (`torch.masked.amax`); -inf where none is.
    public func maskedAmax(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: true, "amax")).amax(dims: dims, keepdim: keepdim)
    }

    /// The smallest masked-in element over `dims` (`torch.masked.amin`); inf where none is.
    public func maskedAmin(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: false, "amin")).amin(dims: dims, keepdim: keepdim)
    }

    /// The index of the largest masked-in element along `dim` (of the flattened tensor when nil)
    /// (`torch.masked.argmax`), in this tensor's dtype as PyTorch returns it.
    public func maskedArgmax(dim: Int?, keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: true, "argmax")).argmax(dim: dim, keepdim: keepdim).to(dtype)
    }

    /// The index of the smallest masked-in element along `dim` (`torch.masked.argmin`), in this
    /// tensor's dtype.
    public func maskedArgmin(dim: Int?, keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: false, "argmin")).argmin(dim: dim, keepdim: keepdim).to(dtype)
    }

    /// The mean of the masked-in elements over `dims` (`torch.masked.mean`): their sum divided by
    /// their count (NaN where there are none).
    /// - Throws: `.dtype` for integer and bool input.
    public func maskedMean(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("mean(): Could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype)")
        }
        let present = try mask.map { try canonicalMask($0) } ?? Tensor.ones(shape, dtype: .bool)
        let count = try noGrad { try present.sum(dims: dims, keepdim: keepdim) }
        return try maskedSum(dims: dims, keepdim: keepdim, mask: mask).div(count)
    }

    /// The median of the masked-in elements along `dim` (`torch.masked.median`), by nanmedian
    /// with the masked-out elements NaN: NaN where none is masked in. Integer input is
    /// computed in float32 and converted back.
    /// - Throws: `.invalidArgument` for integer input with a lane where nothing is masked in.
    public func maskedMedian(dim: Int = -1, keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let source = dtype.isFloatingPoint ? self : try to(.float32)
        let result = try source.masked(mask, fill: .nan).nanmedian(dim: d, keepdim: keepdim).values
        if dtype.isFloatingPoint { return result }
        guard try result.ne(result).sum().item() == 0 else {
            throw SwiftGradError.invalidArgument("masked median expects no fully masked out rows if dtype is not floating point")
        }
        return try result.to(dtype)
    }

    /// log(sum(exp)) of the masked-in elements over `dims` (`torch.masked.logsumexp`); -inf
    /// where none is. Integer input computes in float32 and, as PyTorch's, converts back.
    public func maskedLogsumexp(dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        let result = try masked(mask, identity: extremeIdentity(lowest: true, "logsumexp")).logsumexp(dims: dims, keepdim: keepdim)
        return dtype.isFloatingPoint ? result : try result.to(dtype)
    }

    /// The vector `ord`-norm of the masked-in elements over `dims` (`torch.masked.norm`).
    public func maskedNorm(ord: Double = 2, dims: [Int], keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try masked(mask, fill: ord == -.infinity ? .infinity : 0).norm(p: ord, dims: dims, keepdim: keepdim)
    }

    /// The variance of the masked-in elements over `dims` with Bessel's `correction`
    /// (`torch.masked.var`): PyTorch's formula, the sum of squared deviations from the masked
    /// mean divided by max(0, count - correction). Integer input computes in float32.
    public func maskedVar(dims: [Int], correction: Double = 1, keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try maskedVariance(dims: dims, correction: correction, keepdim: keepdim, mask: mask, root: false)
    }

    /// The standard deviation of the masked-in elements (`torch.masked.std`), the square root
    /// of `maskedVar`.
    public func maskedStd(dims: [Int], correction: Double = 1, keepdim: Bool = false, mask: Tensor?) throws -> Tensor {
        try maskedVariance(dims: dims, correction: correction, keepdim: keepdim, mask: mask, root: true)
    }

    private func maskedVariance(dims: [Int], correction: Double, keepdim: Bool, mask: Tensor?, root: Bool) throws -> Tensor {
        guard dtype != .bool else {  // PyTorch's formula subtracts the mean from the input
            throw SwiftGradError.dtype("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        let source = dtype.isFloatingPoint ? self : try to(.float32)
        let present = try mask.map { try canonicalMask($0) } ?? Tensor.ones(shape, dtype: .bool)
        var count = try noGrad { try present.sum(dims: dims, keepdim: true) }
        let mean = try source.maskedSum(dims: dims, keepdim: true, mask: mask).div(count)
        let deviation = try source.sub(mean)
        let total = try deviation.mul(deviation).maskedSum(dims: dims, keepdim: keepdim, mask: mask)
        if !keepdim { count = try count.reshape(total.shape) }
        var divisor = try count.to(total.dtype)
        if correction != 0 {
            divisor = try divisor.sub(correction).maximum(Tensor.zeros([], dtype: total.dtype))
        }
        let variance = try total.div(divisor)
        return root ? try variance.sqrt() : variance
    }

    // MARK: Scans and normalizations

    /// Running sums of the masked-in elements along `dim` (`torch.masked.cumsum`), in this
    /// tensor's dtype (PyTorch sums integers in their own type: wrapping, as here).
    /// - Throws: `.dtype` for bool input.
    public func maskedCumsum(dim: Int, mask: Tensor?) throws -> Tensor {
        if dtype == .bool { throw Tensor.notImplemented("cumsum_out_cpu", dtype) }
        return try masked(mask, fill: 0).cumsum(dim: dim).to(dtype)
    }

    /// Running products of the masked-in elements along `dim` (`torch.masked.cumprod`), in this
    /// tensor's dtype.
    /// - Throws: `.dtype` for bool input.
    public func maskedCumprod(dim: Int, mask: Tensor?) throws -> Tensor {
        if dtype == .bool { throw Tensor.notImplemented("cumprod_out_cpu", dtype) }
        return try masked(mask, fill: 1).cumprod(dim: dim).to(dtype)
    }

    /// softmax over the masked-in elements along `dim` (`torch.masked.softmax`): 0 at the
    /// masked-out ones, NaN in a lane where none is masked in.
    public func maskedSoftmax(dim: Int, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: true, "softmax")).softmax(dim: dim)
    }

    /// log_softmax over the masked-in elements along `dim` (`torch.masked.log_softmax`).
    public func maskedLogSoftmax(dim: Int, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: true, "log_softmax")).logSoftmax(dim: dim)
    }

    /// softmin (softmax of the negation) over the masked-in elements along `dim`
    /// (`torch.masked.softmin`).
    public func maskedSoftmin(dim: Int, mask: Tensor?) throws -> Tensor {
        try masked(mask, identity: extremeIdentity(lowest: false, "softmin")).neg().softmax(dim: dim)
    }

    /// The masked-in elements divided by their `ord`-norm along `dim`, at least `eps`
    /// (`torch.masked.normalize`); 0 at the masked-out ones.
    public func maskedNormalize(ord: Double, dim: Int, eps: Double = 1e-12, mask: Tensor?) throws -> Tensor {
        let norm = try maskedNorm(ord: ord, dims: [dim], keepdim: true, mask: mask)
        let denominator = try norm.maximum(Tensor.full([], eps, dtype: norm.dtype))
        return try masked(mask, fill: 0).div(denominator)
    }

    /// log(exp(self) + exp(other)) with each operand's masked-out elements taken as -inf
    /// (`torch.masked.logaddexp`), broadcast; -inf where both are masked out.
    public func maskedLogaddexp(_ other: Tensor, selfMask: Tensor?, otherMask: Tensor?) throws -> Tensor {
        let a = try masked(selfMask, identity: extremeIdentity(lowest: true, "logaddexp"))
        let b = try other.masked(otherMask, identity: other.extremeIdentity(lowest: true, "logaddexp"))
        return try a.logAddExpBroadcast(b)
    }

    /// PyTorch's logaddexp, elementwise and broadcast (LogaddexpBackward0): the larger operand
    /// plus log1p(exp(-|a - b|)), and the operand itself when both are the same infinity. The
    /// gradient of each operand is g / (1 + exp(other - self)), as PyTorch's (NaN where both are
    /// -inf).
    fileprivate func logAddExpBroadcast(_ other: Tensor) throws -> Tensor {
        let common = TypePromotion.resultType(self, other)
        guard common.isFloatingPoint else { throw Tensor.notImplemented("logaddexp_cpu", common) }
        let shape = try Shape.broadcast(self.shape, other.shape)
        let work = common.compute  // float16 and bfloat16 in float32
        let x = try noGrad { try to(work, recording: false).expand(shape).contiguous() }
        let y = try noGrad { try other.to(work, recording: false).expand(shape).contiguous() }
        var out = try Tensor.empty(shape, work)
        func run<T: TensorElement & BinaryFloatingPoint>(_: T.Type, _ log1pExp: (T) -> T) {
            let px = x.pointer(T.self) + x.storageOffset, py = y.pointer(T.self) + y.storageOffset, po = out.pointer(T.self)
            for i in 0..<out.count {
                let a = px[i], b = py[i]
                if a.isInfinite && a == b {
                    po[i] = a
                } else {
                    po[i] = Swift.max(a, b) + log1pExp(-Swift.abs(a - b))
                }
            }
        }
        if work == .float32 {
            run(Float.self) { Glibc.log1pf(Glibc.expf($0)) }
        } else {
            run(Double.self) { Glibc.log1p(Glibc.exp($0)) }
        }
        out = try out.to(common, recording: false)
        return try out.recorded("LogaddexpBackward0", input: self, other, saving: self, other) { g, ctx in
            let a = try ctx.saved(0), b = try ctx.saved(1)
            return [ctx.needsGrad(0) ? try g.div(b.sub(a).exp().add(1)) : nil,
                    ctx.needsGrad(1) ? try g.div(a.sub(b).exp().add(1)) : nil]
        }
    }
}
