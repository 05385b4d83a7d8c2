/// Numerical integration and differentiation of sampled functions: the trapezoid rule
/// (`torch.trapezoid`/`trapz`, `torch.cumulative_trapezoid`) and finite differences
/// (`torch.gradient`), written as PyTorch's are (Integration.cpp, ReduceOps.cpp) in
/// differentiable ops.
extension Tensor {
    /// The integral of `self` (samples of y) along `dim` by the trapezoid rule
    /// (`torch.trapezoid`): with sample points `x` (1-d, of the size of `dim`, or broadcasting
    /// against `self`), otherwise with a constant spacing `dx`. No samples integrate to 0.
    /// - Throws: `.dtype` for bool input, `.shape` when a 1-d `x` has another length.
    public func trapezoid(x: Tensor? = nil, dx: Double = 1, dim: Int = -1) throws -> Tensor {
        guard ndim > 0 else {
            throw SwiftGradError.invalidArgument("Dimension specified as \(dim) but tensor has no dimensions")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        if shape[d] == 0 {
            var sizes = shape
            sizes.remove(at: d)
            return try Tensor.zeros(sizes, dtype: dtype)
        }
        guard dtype != .bool, x?.dtype != .bool else {
            throw SwiftGradError.dtype(x == nil ? "trapezoid: received a bool input for `y`, but bool is not supported"
                                                : "trapezoid: received a bool input for `x` or `y`, but bool is not supported")
        }
        guard let x else {
            // dx * (sum(y) - (y[0] + y[-1]) / 2).
            return try sum(dims: [d]).sub(select(dim: d, index: 0).add(select(dim: d, index: -1)).mul(0.5)).mul(dx)
        }
        let spacing = try sampleSpacing(x, d, "trapezoid")
        let left = try slice(dim: d, start: 0, end: -1), right = try slice(dim: d, start: 1)
        return try left.add(right).mul(spacing).sum(dims: [d]).div(2.0)
    }

    /// The running integral of `self` along `dim` by the trapezoid rule, one element fewer
    /// than `self` along `dim` (`torch.cumulative_trapezoid`); see `trapezoid`.
    public func cumulativeTrapezoid(x: Tensor? = nil, dx: Double = 1, dim: Int = -1) throws -> Tensor {
        guard dtype != .bool, x?.dtype != .bool else {
            throw SwiftGradError.dtype(x == nil ? "cumulative_trapezoid: received a bool input for `y`, but bool is not supported"
                                                : "cumulative_trapezoid: received a bool input for `x` or `y`, but bool is not supported")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let left = try slice(dim: d, start: 0, end: -1), right = try slice(dim: d, start: 1)
        guard let x else {
            return try left.add(right).mul(dx / 2).runningSum(dim: d)
        }
        let spacing = try sampleSpacing(x, d, "cumulative_trapezoid")
        return try left.add(right).mul(spacing).runningSum(dim: d).div(2.0)
    }

    /// The differences of sample points `x` along `d`, shaped to broadcast against `self`.
    private func sampleSpacing(_ x: Tensor, _ d: Int, _ name: String) throws -> Tensor {
        var viewed = x
        if x.ndim == 1 {
            guard x.shape[0] == shape[d] else {
                throw SwiftGradError.shape("\(name): There must be one `x` value for each sample point")
            }
            var sizes = [Int](repeating: 1, count: ndim)
            sizes[d] = x.shape[0]
            viewed = try x.reshape(sizes)
        } else if x.ndim < ndim {
            viewed = try x.reshape([Int](repeating: 1, count: ndim - x.ndim) + x.shape)
        }
        return try viewed.slice(dim: d, start: 1).sub(viewed.slice(dim: d, start: 0, end: -1))
    }

    /// The running sum along `dim` (PyTorch's cumsum, CumsumBackward0, for the integrals
    /// here); integers sum to int64. Its gradient is the running sum from the end.
    func runningSum(dim: Int, reverse: Bool = false) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        // Integers sum in int64 (PyTorch's result dtype); float16 and bfloat16 in float32.
        let work: DType = dtype == .bool ? .int64 : dtype.compute
        let source = try to(work, recording: false).denseForKernel()
        let out = try Tensor.empty(shape, source.dtype)
        let layout = DimLayout(shape, d)
        func run<T: NumericElement>(_: T.Type) {
            let x = source.pointer(T.self) + source.storageOffset, o = out.pointer(T.self)
            let (size, inner) = (layout.size, layout.inner)
            for outer in 0..<layout.outer {
                for i in 0..<inner {
                    var total = T.zero
                    for s in 0..<size {
                        let j = reverse ? size - 1 - s : s
                        let at = (outer &* size &+ j) &* inner &+ i
                        total = T.add(total, x[at])
                        o[at] = total
                    }
                }
            }
        }
        switch source.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: run(Int64.self)
        }
        let result = dtype.isFloatingPoint ? try out.to(dtype, recording: false) : out
        return try result.recorded("CumsumBackward0", input: self) { g, _ in
            Gradients(try g.runningSum(dim: d, reverse: !reverse))
        }
    }

    /// The derivative of `self` (samples of a function) along each dimension in `dims` (all
    /// when empty) by second-order central differences inside and one-sided differences of
    /// order `edgeOrder` (1 or 2) at the ends (`torch.gradient`). `spacing` is empty (unit
    /// spacing) or has one entry per dimension: a 0-d tensor for a constant spacing, or a 1-d
    /// tensor of the coordinates of the samples.
    /// - Throws: `.invalidArgument` for an edge order other than 1 and 2, a spacing list of the
    ///   wrong length, coordinates that are not 1-d or not one per sample, repeated dimensions,
    ///   or a dimension with fewer than `edgeOrder + 1` samples.
    public func gradient(spacing: [Tensor] = [], dims: [Int] = [], edgeOrder: Int = 1) throws -> [Tensor] {
        guard dtype != .bool else { throw SwiftGradError.dtype("torch.gradient does not support bool input.") }
        let directions = dims.isEmpty ? Array(0..<ndim) : try Tensor.distinctDims(dims, ndim)
        if !spacing.isEmpty && spacing.count != directions.count {
            throw SwiftGradError.invalidArgument(dims.isEmpty
                ? "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = \(ndim)', since dim argument was not given, but got a list of length \(spacing.count)"
                : "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of length \(spacing.count) and a dim argument of length \(dims.count).")
        }
        guard edgeOrder == 1 || edgeOrder == 2 else {
            throw SwiftGradError.invalidArgument("torch.gradient only supports edge_order=1 and edge_order=2.")
        }
        for d in directions where shape[d] < edgeOrder + 1 {
            throw SwiftGradError.invalidArgument("torch.gradient expected each dimension size to be at least edge_order+1")
        }
        return try directions.enumerated().map { i, d in
            let h = spacing.isEmpty ? nil : spacing[i]
            if let h, h.ndim > 0 {
                guard h.ndim == 1 else {
                    throw SwiftGradError.invalidArgument("torch.gradient expected each element of spacing to have one dimension, but got an element with \(h.ndim) dimensions!")
                }
                guard h.count == shape[d] else {
                    throw SwiftGradError.invalidArgument("torch.gradient expected each element of spacing to have one coordinate per sample along its dimension, but got \(h.count) coordinates for dimension \(d) of size \(shape[d])")
                }
                return try gradientAlong(d, coordinates: h, edgeOrder: edgeOrder)
            }
            return try gradientAlong(d, step: try h?.item() ?? 1, edgeOrder: edgeOrder)
        }
    }

    /// PyTorch's gradient_helper_float: constant spacing `step` along `d`.
    private func gradientAlong(_ d: Int, step: Double, edgeOrder: Int) throws -> Tensor {
        func part(_ start: Int, _ end: Int?) throws -> Tensor { try slice(dim: d, start: start, end: end) }
        let center = try part(2, nil).sub(part(0, -2)).div(step)
        let prepend: Tensor, append: Tensor
        if edgeOrder == 1 {
            prepend = try part(1, 2).sub(part(0, 1)).div(step)
            append = try part(-1, nil).sub(part(-2, -1)).div(step)
        } else {
            prepend = try part(0, 1).mul(-1.5).add(part(1, 2).mul(2)).sub(part(2, 3).mul(0.5)).div(step)
            append = try part(-3, -2).mul(0.5).sub(part(-2, -1).mul(2)).add(part(-1, nil).mul(1.5)).div(step)
        }
        return try Tensor.cat([prepend, center.div(2.0), append], dim: d)
    }

    /// PyTorch's gradient_helper: sample coordinates (1-d) along `d`.
    private func gradientAlong(_ d: Int, coordinates: Tensor, edgeOrder: Int) throws -> Tensor {
        func part(_ start: Int, _ end: Int?) throws -> Tensor { try slice(dim: d, start: start, end: end) }
        var shapeAlong = [Int](repeating: 1, count: ndim)
        shapeAlong[d] = -1
        let dx = try coordinates.slice(dim: 0, start: 1).sub(coordinates.slice(dim: 0, start: 0, end: -1))
        let dx1 = try dx.slice(dim: 0, start: 0, end: -1), dx2 = try dx.slice(dim: 0, start: 1)
        let a = try dx2.neg().div(dx1.mul(dx1.add(dx2))).reshape(shapeAlong)
        let b = try dx2.sub(dx1).div(dx1.mul(dx2)).reshape(shapeAlong)
        let c = try dx1.div(dx2.mul(dx1.add(dx2))).reshape(shapeAlong)
        let center = try a.mul(part(0, -2)).add(b.mul(part(1, -1))).add(c.mul(part(2, nil)))
        let prepend: Tensor, append: Tensor
        let first = try dx.select(dim: 0, index: 0), last = try dx.select(dim: 0, index: -1)
        if edgeOrder == 1 {
            prepend = try part(1, 2).sub(part(0, 1)).div(first)
            append = try part(-1, nil).sub(part(-2, -1)).div(last)
        } else {
            let second = try dx.select(dim: 0, index: 1), beforeLast = try dx.select(dim: 0, index: -2)
            let a0 = try first.mul(2.0).add(second).div(first.mul(first.add(second))).neg()
            let b0 = try first.add(second).div(first.mul(second))
            let c0 = try first.neg().div(second.mul(first.add(second)))
            prepend = try a0.mul(part(0, 1)).add(b0.mul(part(1, 2))).add(c0.mul(part(2, 3)))
            let a1 = try last.div(beforeLast.mul(last.add(beforeLast)))
            let b1 = try last.add(beforeLast).div(last.mul(beforeLast)).neg()
            let c1 = try last.mul(2).add(beforeLast).div(last.mul(last.add(beforeLast)))
            append = try a1.mul(part(-3, -2)).add(b1.mul(part(-2, -1))).add(c1.mul(part(-1, nil)))
        }
        return try Tensor.cat([prepend, center, append], dim: d)
    }
}
