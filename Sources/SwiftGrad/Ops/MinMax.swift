/// Maxima and minima: elementwise (maximum, minimum, clamp) and as reductions (max, min, amax,
/// amin, argmax, argmin), with PyTorch's conventions for ties: a full reduction splits the
/// gradient evenly among tied elements, a per-dimension max/min sends it to the one index it
/// returns (the first). NaN propagates.

/// Values and indices of a per-dimension max or min (`torch.return_types.max`).
public struct ValuesAndIndices {
    public let values: Tensor
    public let indices: Tensor
}

extension Tensor {
    /// The elementwise maximum, broadcasting (`torch.maximum`, MaximumBackward0). Where the two
    /// are equal each gets half the gradient.
    public func maximum(_ other: Tensor) throws -> Tensor {
        try Tensor.elementwiseExtremum(self, other, greater: true)
    }

    /// The elementwise minimum, broadcasting (`torch.minimum`, MinimumBackward0).
    public func minimum(_ other: Tensor) throws -> Tensor {
        try Tensor.elementwiseExtremum(self, other, greater: false)
    }

    private static func elementwiseExtremum(_ a: Tensor, _ b: Tensor, greater: Bool) throws -> Tensor {
        let common = TypePromotion.resultType(a, b), compute = common.compute
        let shape = try Shape.broadcast(a.shape, b.shape)
        let x = try a.to(compute, recording: false), y = try b.to(compute, recording: false)
        func run<Side: ExtremumSide>(_: Side.Type) throws -> Tensor {
            if compute == .float32, x.isContiguous, x.count == Shape.count(shape) {
                if y.isSingleValue {
                    let q = Float(y.doubleValue(atOffset: y.storageOffset))
                    return try floatClamp(x, lower: Side.larger ? q : -.infinity, upper: Side.larger ? .infinity : q,
                                          shape: shape)
                }
                if y.isContiguous, y.count == x.count {
                    return try floatZip(x, y, shape: shape, Side.larger ? CPUCapability.extrema.maximum : CPUCapability.extrema.minimum)
                }
            }
            switch compute {
            case .float32: return try Kernels.zip(x, y, shape: shape, Extremum<Float, Side>())
            case .float64: return try Kernels.zip(x, y, shape: shape, Extremum<Double, Side>())
            case .int64: return try Kernels.zip(x, y, shape: shape, Extremum<Int64, Side>())
            case .bool: return try Kernels.zip(x, y, shape: shape, BoolExtremum(greater: greater))
            default: throw SwiftGradError.internal("\(compute) extremum reached the kernel")
            }
        }
        var out = try greater ? run(Larger.self) : run(Smaller.self)
        if compute != common { out = try out.to(common, recording: false) }
        return try out.recorded(greater ? "MaximumBackward0" : "MinimumBackward0", inputs: [a, b], saving: [a, b]) { g, ctx in
            let p = try ctx.saved(0), q = try ctx.saved(1)
            // Half the gradient at ties, all of it to the winner elsewhere.
            let shared = try Tensor.where(p.eq(q), g.div(2), g)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            let aLoses = greater ? try p.lt(q) : try p.gt(q)
            let bLoses = greater ? try p.gt(q) : try p.lt(q)
            return [ctx.needsGrad(0) ? try Tensor.where(aLoses, zero, shared) : nil,
                    ctx.needsGrad(1) ? try Tensor.where(bLoses, zero, shared) : nil]
        }
    }

    /// `min(max(x, lower), upper)` of contiguous float32 `x` (`CPUCapability.extrema.clamp`: an
    /// infinite bound leaves its side open), into a new tensor of the broadcast `shape` (x's
    /// elements, perhaps with leading dimensions of 1 from the bounds' shapes). One core, from
    /// Python, [256, 512]: clamp(min=0) 85 us with the element-by-element kernel, 22 now, and
    /// clamp(-1, 1) 73 in two passes, 24 now (PyTorch 17-18).
    static func floatClamp(_ x: Tensor, lower: Float, upper: Float, shape: [Int]) throws -> Tensor {
        let out = try Tensor.empty(shape, .float32), loop = CPUCapability.extrema.clamp
        let px = UnsafePointer(x.pointer(Float.self) + x.storageOffset), po = out.pointer(Float.self)
        Parallel.forRanges(x.count) { range in
            loop(px + range.lowerBound, po + range.lowerBound, range.count, lower, upper)
        }
        return out
    }

    /// `loop` over contiguous float32 `x` and `y` of one count into a new tensor of `shape`.
    private static func floatZip(_ x: Tensor, _ y: Tensor, shape: [Int], _ loop: CPUCapability.Binary) throws -> Tensor {
        let out = try Tensor.empty(shape, .float32), po = out.pointer(Float.self)
        let px = UnsafePointer(x.pointer(Float.self) + x.storageOffset), py = UnsafePointer(y.pointer(Float.self) + y.storageOffset)
        Parallel.forRanges(x.count) { range in
            loop(px + range.lowerBound, py + range.lowerBound, po + range.lowerBound, range.count)
        }
        return out
    }

    /// Clamps every element into [min, max] with number bounds (`torch.clamp(x, 0.5, 1)`);
    /// either may be nil. As `clamp(min:max:)` with wrapped numbers: the result is floating
    /// when the input is; an integer input gives float32.
    public func clamp(min lower: Double? = nil, max upper: Double? = nil) throws -> Tensor {
        try clamp(min: lower.map { try Tensor.scalar($0) }, max: upper.map { try Tensor.scalar($0) })
    }

    /// Clamps every element into [min, max] (`torch.clamp`); either bound may be nil, and each
    /// is a tensor (broadcast against this one) or a wrapped number (`Tensor.scalar`, PyTorch's
    /// Python number). The result has the promoted dtype of the input and the bounds: an int64
    /// tensor clamped by the numbers 0 and 1 stays int64, by 0.5 becomes float32. NaN in the
    /// input or a bound propagates.
    ///
    /// Gradients, as PyTorch 2.x's: with number bounds (ClampBackward1) the gradient passes
    /// strictly inside them and is 0 elsewhere, at the bounds too. With a tensor bound
    /// (ClampBackward0) it goes to whichever of input and bound the result is, shared evenly
    /// where they are equal; with both bounds, where min > max the result is max and max gets
    /// it, and where input, min and max are all equal the input gets it.
    /// - Throws: `.invalidArgument` when both bounds are nil, as PyTorch.
    public func clamp(min lower: Tensor?, max upper: Tensor?) throws -> Tensor {
        guard lower != nil || upper != nil else {
            throw SwiftGradError.invalidArgument("torch.clamp: At least one of 'min' or 'max' must not be None")
        }
        let bounds = [lower, upper].compactMap { $0 }
        let common = TypePromotion.resultType([self] + bounds)
        var result: Tensor
        let oneValueBounds = common == .float32 && dtype == .float32 && isContiguous && bounds.allSatisfy(\.isSingleValue)
        if oneValueBounds, let shape = try? bounds.reduce(self.shape, { try Shape.broadcast($0, $1.shape) }),
           Shape.count(shape) == count {
            // One pass with both bounds, each rounded to float32 once, as `to` rounds it.
            func bound(_ t: Tensor?, _ open: Float) -> Float { t.map { Float(wide: $0.wideValue(atOffset: $0.storageOffset)) } ?? open }
            result = try Tensor.floatClamp(self, lower: bound(lower, -.infinity), upper: bound(upper, .infinity), shape: shape)
        } else {
            result = try to(common, recording: false)
            try noGrad {
                if let lower { result = try result.maximum(lower) }
                if let upper { result = try result.minimum(upper) }
            }
        }
        if bounds.allSatisfy(\.isWrappedNumber) {
            return try result.recorded("ClampBackward1", inputs: [self], saving: [self, lower, upper]) { g, ctx in
                // Strictly inside the bounds.
                let x = try ctx.saved(0)
                var inside = try Tensor.ones(x.shape, dtype: .bool)
                if lower != nil { inside = try inside.mul(x.gt(ctx.saved(1))) }
                if upper != nil { inside = try inside.mul(x.lt(ctx.saved(2))) }
                return [try Tensor.where(inside, g, Tensor.zeros([], dtype: g.dtype))]
            }
        }
        return try result.recorded("ClampBackward0", inputs: [self] + bounds, saving: [self, lower, upper]) { g, ctx in
            let x = try ctx.saved(0)
            let zero = try Tensor.zeros([], dtype: g.dtype), half = try g.div(2)
            guard let lo = lower != nil ? try ctx.saved(1) : nil else {
                // max only: the input where below max, max where above, half each at a tie.
                let hi = try ctx.saved(2), tie = try x.eq(hi)
                return [try Tensor.where(x.gt(hi), zero, Tensor.where(tie, half, g)),
                        try Tensor.where(x.lt(hi), zero, Tensor.where(tie, half, g))]
            }
            guard let hi = upper != nil ? try ctx.saved(2) : nil else {
                let tie = try x.eq(lo)
                return [try Tensor.where(x.lt(lo), zero, Tensor.where(tie, half, g)),
                        try Tensor.where(x.gt(lo), zero, Tensor.where(tie, half, g))]
            }
            let crossed = try lo.gt(hi), ordered = try lo.lt(hi)
            let below = try x.lt(lo).logicalAnd(crossed.logicalNot())
            let above = try x.gt(hi).logicalAnd(crossed.logicalNot())
            let tieLow = try x.eq(lo).logicalAnd(ordered), tieHigh = try x.eq(hi).logicalAnd(ordered)
            let toInput = try Tensor.where(below.logicalOr(above).logicalOr(crossed), zero,
                                           Tensor.where(tieLow.logicalOr(tieHigh), half, g))
            let toLow = try Tensor.where(below, g, Tensor.where(tieLow, half, zero))
            let toHigh = try Tensor.where(above.logicalOr(crossed), g, Tensor.where(tieHigh, half, zero))
            return [toInput, toLow, toHigh]
        }
    }

    /// The largest element (`torch.max()`, MaxBackward1); ties share the gradient evenly.
    public func max() throws -> Tensor { try fullExtremum(greater: true) }

    /// The smallest element (`torch.min()`, MinBackward1).
    public func min() throws -> Tensor { try fullExtremum(greater: false) }

    private func fullExtremum(greater: Bool) throws -> Tensor {
        let name = greater ? "max" : "min"
        guard count > 0 else {
            throw SwiftGradError.invalidArgument("\(name)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        }
        let value = try extremum(dims: [], keepdim: false, greater: greater)
        return try value.recorded(greater ? "MaxBackward1" : "MinBackward1", inputs: [self], saving: [self], savingOutput: true) { g, ctx in
            [try ctx.saved(0).evenlyDistribute(g, ctx.saved(1), Reduction(ctx.inputShape(0), dims: [], keepdim: false))]
        }
    }

    /// The maximum over `dims` (all when empty) (`torch.amax`, AmaxBackward0); ties share the
    /// gradient evenly.
    public func amax(dims: [Int], keepdim: Bool = false) throws -> Tensor { try dimensionedExtremum(dims, keepdim, greater: true) }

    /// The minimum over `dims` (`torch.amin`, AminBackward0).
    public func amin(dims: [Int], keepdim: Bool = false) throws -> Tensor { try dimensionedExtremum(dims, keepdim, greater: false) }

    private func dimensionedExtremum(_ dims: [Int], _ keepdim: Bool, greater: Bool) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        return try extremum(dims: dims, keepdim: keepdim, greater: greater)
            .recorded(greater ? "AmaxBackward0" : "AminBackward0", inputs: [self], saving: [self], savingOutput: true) { g, ctx in
                [try ctx.saved(0).evenlyDistribute(g, ctx.saved(1), r)]
            }
    }

    /// The max or min over `dims` without recording, in this tensor's dtype.
    private func extremum(dims: [Int], keepdim: Bool, greater: Bool) throws -> Tensor {
        let r = try Reduction(shape, dims: dims, keepdim: keepdim)
        if r.groupSize == 0 && count == 0 && !shape.isEmpty {
            throw SwiftGradError.invalidArgument("\(greater ? "amax" : "amin")(): Expected reduction dim to have non-zero size.")
        }
        let kept = greater
            ? try Kernels.accumulate(MaxAccumulation.self, self, reduced: r.reduced, keptShape: r.kept)
            : try Kernels.accumulate(MinAccumulation.self, self, reduced: r.reduced, keptShape: r.kept)
        return r.finish(try kept.to(dtype, recording: false))
    }

    /// The gradient of a max/min reduction whose result is `result`: `g` split evenly among the
    /// elements equal to it (NaN counts as equal to a NaN result).
    fileprivate func evenlyDistribute(_ g: Tensor, _ result: Tensor, _ r: Reduction) throws -> Tensor {
        let value = try r.unsqueezed(result)
        let hits = try eq(value).add(ne(self).mul(value.ne(value))).to(g.dtype)
        return try hits.mul(r.unsqueezed(g).div(hits.sum(dims: (0..<ndim).filter { r.reduced[$0] }, keepdim: true)))
    }

    /// The maximum along `dim` and its index (`torch.max(dim=)`, MaxBackward0). With ties, the
    /// first index wins and takes the whole gradient.
    public func max(dim: Int, keepdim: Bool = false) throws -> ValuesAndIndices { try extremumAlong(dim, keepdim, greater: true) }

    /// The minimum along `dim` and its index (`torch.min(dim=)`, MinBackward0).
    public func min(dim: Int, keepdim: Bool = false) throws -> ValuesAndIndices { try extremumAlong(dim, keepdim, greater: false) }

    /// The index of the maximum along `dim`, or in the flattened tensor when nil (`torch.argmax`).
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try reshape([-1]).extremumAlong(0, false, greater: true, name: "argmax").indices }
        return try extremumAlong(dim, keepdim, greater: true, name: "argmax").indices
    }

    /// The index of the minimum along `dim`, or in the flattened tensor when nil (`torch.argmin`).
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try reshape([-1]).extremumAlong(0, false, greater: false, name: "argmin").indices }
        return try extremumAlong(dim, keepdim, greater: false, name: "argmin").indices
    }

    private func extremumAlong(_ dim: Int, _ keepdim: Bool, greater: Bool, name: String? = nil) throws -> ValuesAndIndices {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let r = try Reduction(shape, dims: [dim], keepdim: keepdim)
        let opName = name ?? (greater ? "max" : "min")
        guard ndim == 0 || shape[d] > 0 else {
            throw SwiftGradError.invalidArgument("\(opName)(): Expected reduction dim \(d) to have non-zero size.")
        }
        let values = try Tensor.empty(r.kept, dtype), indices = try Tensor.empty(r.kept, .int64)
        if ndim == 0 {
            Kernels.convert(from: self, into: values)
            indices.pointer(Int64.self)[0] = 0
        } else {
            let length = shape[d]
            // Generic over the element type and the direction, so that each specialisation
            // compares inline (with the comparisons passed as closures, two calls per element:
            // argmax(1) of [256, 512] took 738 us, PyTorch's 88). `x != x` is true for a NaN only.
            func scan<T: TensorElement & Comparable, Side: ExtremumSide>(_: T.Type, _: Side.Type) {
                let x = pointer(T.self), v = values.pointer(T.self), ix = indices.pointer(Int64.self)
                Kernels.forEachLane(shape: shape, dim: d, operands: [
                    (strides, storageOffset),
                    (Shape.expandedStrides(r.kept, values.strides, to: shape), 0),
                ]) { off, step in
                    var best = x[off[0]], at = 0
                    if best == best {
                        for i in 1..<length {
                            let candidate = x[off[0] &+ i &* step[0]]
                            if candidate != candidate { best = candidate; at = i; break }
                            if Side.larger ? candidate > best : candidate < best { best = candidate; at = i }
                        }
                    }
                    v[off[1]] = best
                    ix[off[1]] = Int64(at)
                }
            }
            func scan<T: TensorElement & Comparable>(_: T.Type) {
                if greater { scan(T.self, Larger.self) } else { scan(T.self, Smaller.self) }
            }
            switch dtype {
            case .float32: scan(Float.self)
            case .float64: scan(Double.self)
            case .int64: scan(Int64.self)
            case .bool:  // as 0 and 1 (false < true)
                let picked = try to(.uint8, recording: false).extremumAlong(dim, true, greater: greater, name: name)
                Kernels.convert(from: picked.values, into: values)
                Kernels.convert(from: picked.indices, into: indices)
            case .float16: scan(Float16.self)
            case .bfloat16: scan(BFloat16.self)
            case .int8: scan(Int8.self)
            case .uint8: scan(UInt8.self)
            case .int16: scan(Int16.self)
            case .int32: scan(Int32.self)
            }
        }
        let finishedIndices = r.finish(indices)
        let finishedValues = try r.finish(values).recorded(greater ? "MaxBackward0" : "MinBackward0", inputs: [self],
                                                       saving: [finishedIndices]) { g, ctx in
            // The whole gradient to the selected index of each lane.
            let index = try r.unsqueezed(ctx.saved(0)), upstream = try r.unsqueezed(g)
            return [try Tensor.zeros(ctx.inputShape(0), dtype: g.dtype).scatterAdd(dim: d, index: index, source: upstream)]
        }
        return ValuesAndIndices(values: finishedValues, indices: finishedIndices)
    }
}
