/// Quantiles (`torch.quantile`, `torch.nanquantile`): per lane, the elements at ranks
/// q * (n - 1) of the sorted lane, interpolated. The ranks are found without recording; the
/// values are then gathered from the input itself and interpolated in differentiable ops, so
/// each quantile's gradient goes to the one or two elements it was interpolated from, weighted
/// as the interpolation (as PyTorch's: Gather and Lerp; q gets no gradient).

/// How a quantile between two elements is chosen (`interpolation=`); the raw values are the
/// C ABI's codes.
public enum QuantileInterpolation: Int, Sendable {
    case linear = 0, lower, higher, midpoint, nearest

    /// From PyTorch's name (`"linear"`, ...).
    /// - Throws: `.invalidArgument` for another name, with PyTorch's message.
    public init(name: String) throws {
        switch name {
        case "linear": self = .linear
        case "lower": self = .lower
        case "higher": self = .higher
        case "midpoint": self = .midpoint
        case "nearest": self = .nearest
        default:
            throw SwiftGradError.invalidArgument("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got \(name)")
        }
    }

    /// From a C code.
    /// - Throws: `.invalidArgument` for an unknown code.
    public init(code: Int) throws {
        guard let value = QuantileInterpolation(rawValue: code) else {
            throw SwiftGradError.invalidArgument("quantile() interpolation code must be 0 (linear), 1 (lower), 2 (higher), 3 (midpoint) or 4 (nearest), but got \(code)")
        }
        self = value
    }
}

extension Tensor {
    /// The q-th quantiles along `dim` (of the flattened tensor when nil) (`torch.quantile`).
    /// `q` is a 0-d or 1-d tensor of the input's dtype, or a wrapped number; a 1-d q puts its
    /// quantiles in a new first dimension. A lane holding NaN gives NaN.
    /// - Throws: `.invalidArgument` for an empty input, q out of [0, 1] or of more than one
    ///   dimension; `.dtype` for an integer input or a q of another dtype.
    public func quantile(_ q: Tensor, dim: Int? = nil, keepdim: Bool = false,
                         interpolation: QuantileInterpolation = .linear) throws -> Tensor {
        try quantiles(q, dim: dim, keepdim: keepdim, interpolation: interpolation, ignoreNaN: false)
    }

    /// As `quantile`, ignoring NaN (`torch.nanquantile`); NaN for a lane that is all NaN.
    public func nanquantile(_ q: Tensor, dim: Int? = nil, keepdim: Bool = false,
                            interpolation: QuantileInterpolation = .linear) throws -> Tensor {
        try quantiles(q, dim: dim, keepdim: keepdim, interpolation: interpolation, ignoreNaN: true)
    }

    private func quantiles(_ q: Tensor, dim: Int?, keepdim: Bool, interpolation: QuantileInterpolation,
                           ignoreNaN: Bool) throws -> Tensor {
        guard count > 0 else { throw SwiftGradError.invalidArgument("quantile() input tensor must be non-empty") }
        guard q.ndim <= 1 else { throw SwiftGradError.invalidArgument("quantile() q must be a scalar or 1D tensor") }
        guard dtype == .float32 || dtype == .float64 else {
            throw SwiftGradError.dtype("quantile() input tensor must be either float or double dtype")
        }
        guard q.dtype == dtype || q.isWrappedNumber else {
            throw SwiftGradError.dtype("quantile() q tensor must be same dtype as the input tensor")
        }
        // q in the input's dtype (as PyTorch converts a number q), read in double.
        let probabilities = try noGrad { try q.to(dtype, recording: false).to(.float64, recording: false).reshape([-1]).contiguous() }
        for i in 0..<probabilities.count {
            let p = probabilities.doubleValue(atOffset: probabilities.storageOffset + i)
            guard p >= 0, p <= 1 else {
                throw SwiftGradError.invalidArgument(q.ndim == 0
                    ? "quantile() q must be in the range [0, 1] but got \(formatPython(p))"
                    : "quantile() q values must be in the range [0, 1]")
            }
        }
        // The lanes reduced: the flattened tensor, or `dim` of this one (a 0-d one as [1]).
        var wrapped = 0
        if let dim { wrapped = try Shape.normalize(dim: dim, ndim: ndim) }
        let base = try dim == nil ? reshape([-1]) : (ndim == 0 ? reshape([1]) : self)
        let lanes = try Lanes(base, dim: dim == nil ? 0 : wrapped)
        var outShape: [Int] = []
        if dim != nil && ndim > 0 {
            outShape = shape
            if keepdim { outShape[wrapped] = 1 } else { outShape.remove(at: wrapped) }
        } else if keepdim {
            outShape = [Int].filled(1, count: ndim)
        }
        if q.ndim > 0 { outShape.insert(q.count, at: 0) }

        let picked: (below: Tensor, above: Tensor, scale: Tensor, offset: Tensor)
        if dtype == .float32 {
            picked = try Tensor.quantilePositions(lanes, probabilities, Float.self, interpolation, ignoreNaN)
        } else {
            picked = try Tensor.quantilePositions(lanes, probabilities, Double.self, interpolation, ignoreNaN)
        }
        let below = try lanes.restore(picked.below), laneDim = lanes.dim
        var values = try base.gather(dim: laneDim, index: below)
        if interpolation == .linear || interpolation == .midpoint {
            let above = try base.gather(dim: laneDim, index: lanes.restore(picked.above))
            // The weight is rank - floor(rank), with rank = q * scale: differentiable in q, as
            // PyTorch's (midpoint's 0.5 is a constant).
            var weights = try lanes.restore(picked.offset)
            if interpolation == .linear {
                var qShape = [Int].filled(1, count: base.ndim)
                qShape[laneDim] = probabilities.count
                let qAlong = try q.to(dtype).to(.float64).reshape(qShape)
                weights = try qAlong.mul(lanes.restore(picked.scale)).add(weights)
            }
            values = try values.add(above.sub(values).mul(weights.to(dtype)))
        }
        // The quantiles along `laneDim` go first, then the kept dimensions in order.
        let order = [laneDim] + (0..<base.ndim).filter { $0 != laneDim }
        return try values.permute(order).reshape(outShape)
    }

    /// For every lane and every probability q: the positions (in the lane) of the sorted elements
    /// below and above the rank, and the interpolation weight as q * scale + offset (scale the
    /// lane's n - 1, 0 where the rank is pinned; offset the rest, the weight itself for midpoint).
    /// Ranks are computed in double, as PyTorch does (so q = 0.1 in float32 is 0.100000001 and
    /// its nearest rank among 6 elements rounds up); scale and offset are float64.
    private static func quantilePositions<T: TensorElement & BinaryFloatingPoint>(
        _ lanes: Lanes, _ probabilities: Tensor, _: T.Type, _ interpolation: QuantileInterpolation, _ ignoreNaN: Bool
    ) throws -> (below: Tensor, above: Tensor, scale: Tensor, offset: Tensor) {
        let n = lanes.length, m = probabilities.count
        let below = try lanes.output(width: m, dtype: .int64), above = try lanes.output(width: m, dtype: .int64)
        let scales = try lanes.output(width: m, dtype: .float64), offsets = try lanes.output(width: m, dtype: .float64)
        let src = lanes.pointer(T.self), pq = probabilities.pointer(Double.self) + probabilities.storageOffset
        let pb = below.pointer(Int64.self), pa = above.pointer(Int64.self)
        let ps = scales.pointer(Double.self), po = offsets.pointer(Double.self)
        let buffer = UnsafeMutablePointer<Keyed<T>>.allocate(capacity: Swift.max(n, 1))
        defer { buffer.deallocate() }
        let sorter = LibstdcxxAlgorithms(a: buffer, less: { (!isNaNValue($0.value) && isNaNValue($1.value)) || $0.value < $1.value })
        for lane in 0..<lanes.count {
            let x = src + lane * n
            var nanCount = 0
            for i in 0..<n {
                (buffer + i).initialize(to: Keyed(value: x[i], index: Int64(i)))
                if isNaNValue(x[i]) { nanCount += 1 }
            }
            sorter.sort(0, n)
            for j in 0..<m {
                var rank: Double, scale = Double(ignoreNaN ? n - nanCount - 1 : n - 1)
                if ignoreNaN {
                    rank = pq[j] * scale
                    if rank < 0 {
                        rank = 0
                        scale = 0
                    }
                } else if nanCount > 0 {
                    rank = scale
                    scale = 0
                } else {
                    rank = pq[j] * scale
                }
                switch interpolation {
                case .lower: rank = rank.rounded(.down)
                case .higher: rank = rank.rounded(.up)
                case .nearest: rank = rank.rounded(.toNearestOrEven)
                case .linear, .midpoint: break
                }
                let low = Int(rank), high = Int(rank.rounded(.up))
                pb[lane * m + j] = buffer[low].index
                pa[lane * m + j] = buffer[high].index
                ps[lane * m + j] = scale
                po[lane * m + j] = interpolation == .midpoint ? 0.5 : (scale == 0 ? rank : 0) - Double(low)
            }
        }
        return (below, above, scales, offsets)
    }
}
