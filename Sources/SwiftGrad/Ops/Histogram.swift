#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Histograms (histc, histogram, histogramdd), as PyTorch's CPU kernels compute them: edges by
/// `linspace` in the input's dtype, histc's bin by linear interpolation in that dtype, the others
/// by binary search over the edges; elements outside the edges (and NaN) are skipped and the last
/// bin includes its right edge. float32 and float64 input (histc also float16 and bfloat16,
/// computed in float32); not differentiable.
extension Tensor {
    /// The histogram of the elements in `bins` equal bins between `min` and `max`
    /// (`torch.histc`); when min == max, the data's minimum and maximum (widened by 1 each way
    /// if still equal). The input's dtype.
    /// - Throws: `.invalidArgument` for bins <= 0, a non-finite range or min > max; `.dtype` for
    ///   integer and bool input.
    public func histc(bins: Int = 100, min lowest: Double = 0, max highest: Double = 0) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw Tensor.notImplemented("histogram_cpu", dtype) }
        if dtype.compute != dtype {  // float16, bfloat16
            return try noGrad { try to(dtype.compute).histc(bins: bins, min: lowest, max: highest).to(dtype) }
        }
        guard bins > 0 else {
            throw SwiftGradError.invalidArgument("torch.histogram(): bins must be > 0, but got \(bins) for dimension 0")
        }
        var left = lowest, right = highest
        if left == right && count > 0 {
            let (low, high) = try noGrad { try aminmax() }
            left = try low.item()
            right = try high.item()
        }
        if left == right {
            left -= 1
            right += 1
        }
        guard left.isFinite, right.isFinite else {
            throw SwiftGradError.invalidArgument("torch.histc: range of [\(cppFormat(left)), \(cppFormat(right))] is not finite")
        }
        guard left < right else { throw SwiftGradError.invalidArgument("torch.histc: max must be larger than min") }
        let flat = try noGrad { try reshape([-1]).contiguous() }
        let hist = try Tensor.zeros([bins], dtype: dtype)
        func run<T: TensorElement & BinaryFloatingPoint>(_: T.Type) {
            let x = flat.pointer(T.self) + flat.storageOffset, h = hist.pointer(T.self)
            let first = T(left), last = T(right), width = T(bins)
            for i in 0..<flat.count {
                let element = x[i]
                guard element >= first && element <= last else { continue }
                // PyTorch's LINEAR_INTERPOLATION, in the input's precision.
                let scaled = (element - first) * width / (last - first)
                var position = scaled.isFinite ? Int(scaled) : bins
                if position >= bins { position = bins - 1 }
                if position < 0 { position = 0 }
                h[position] += 1
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return hist
    }

    /// The `bins + 1` equal-width edges torch.histogram and torch.histogramdd use for column
    /// `dim` of a 2-d (M, N) tensor: `linspace(min, max)` where min and max are the given range
    /// or the column's minimum and maximum (0 and 1 when empty), widened by 0.5 each way when
    /// equal. The input's dtype.
    /// - Throws: `.invalidArgument` for bins <= 0, an input that is not 2-d, a non-finite range or
    ///   min > max; `.dtype` for integer and bool input.
    public func histogramBinEdges(dim: Int, bins: Int, min lowest: Double? = nil, max highest: Double? = nil) throws -> Tensor {
        guard dtype == .float32 || dtype == .float64 else { throw Tensor.notImplemented("histogramdd", dtype) }
        guard ndim == 2 else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: expected a 2-dimensional (M, N) input, but got \(ndim) dimensions")
        }
        guard dim >= 0, dim < shape[1] else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: column \(dim) is out of range for an input of \(shape[1]) columns")
        }
        let d = dim
        guard bins > 0 else {
            throw SwiftGradError.invalidArgument("torch.histogram(): bins must be > 0, but got \(bins) for dimension \(d)")
        }
        _ = try Shape.validate([bins, 2], itemSize: dtype.itemSize)  // bins + 1 edges fit
        guard (lowest == nil) == (highest == nil) else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: range needs both a minimum and a maximum")
        }
        var left = 0.0, right = 1.0
        if let lowest, let highest {
            left = lowest
            right = highest
        } else if count > 0 {
            let (low, high) = try noGrad { try select(dim: 1, index: d).aminmax() }
            left = try low.item()
            right = try high.item()
        }
        guard left.isFinite, right.isFinite else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: dimension \(d)'s range [\(cppFormat(left)), \(cppFormat(right))] is not finite")
        }
        guard left <= right else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: min should not exceed max, but got min \(cppFormat(left)) max \(cppFormat(right)) for dimension \(d)")
        }
        if left == right {
            left -= 0.5
            right += 0.5
        }
        return try Tensor.linspace(left, right, steps: bins + 1, dtype: dtype)
    }

    /// The N-dimensional histogram of the rows of an (M, N) tensor (a tensor of more dimensions
    /// is read as M rows of its last dimension) over the given bin edges, one increasing 1-d
    /// tensor per column (`torch.histogramdd`, and `torch.histogram` with N = 1). Each row adds
    /// its `weight` (1 without one) to its bin; with `density` the result is divided by its total
    /// and by each bin's volume. The input's dtype, shape [edges[0].count - 1, ...].
    /// - Throws: `.invalidArgument` for fewer than 2 dimensions, a wrong number of edge tensors,
    ///   edge tensors that are not 1-d and non-empty, or a weight of the wrong shape; `.dtype`
    ///   for integer input or edges and weight of another dtype.
    public func histogramdd(bins: [Tensor], weight: Tensor? = nil, density: Bool = false) throws -> Tensor {
        guard dtype == .float32 || dtype == .float64 else { throw Tensor.notImplemented("histogramdd", dtype) }
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: input tensor should have at least 2 dimensions, but got \(ndim)")
        }
        let n = shape[ndim - 1], m = count / Swift.max(n, 1)
        guard bins.count == n else {
            throw SwiftGradError.invalidArgument("torch.histogramdd: expected \(n) sequences of bin edges for a \(n)-dimensional histogram but got \(bins.count)")
        }
        for (d, edges) in bins.enumerated() {
            guard edges.dtype == dtype else {
                throw SwiftGradError.dtype("torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype \(dtype) and bins for dimension \(d) with dtype \(edges.dtype)")
            }
            guard edges.ndim == 1 else {
                throw SwiftGradError.invalidArgument("torch.histogramdd: bins tensor should have one dimension, but got \(edges.ndim) dimensions in the bins tensor for dimension \(d)")
            }
            guard edges.count > 0 else {
                throw SwiftGradError.invalidArgument("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension \(d)")
            }
        }
        if let weight {
            guard weight.dtype == dtype else {
                throw SwiftGradError.dtype("torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(\(dtype)), and weight(\(weight.dtype))")
            }
            let expected = Array(shape.dropLast()), given = weight.ndim == 0 ? [1] : weight.shape
            guard expected == given else {
                throw SwiftGradError.invalidArgument("torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape \(Shape.describe(shape)) and weight with shape \(Shape.describe(weight.shape))")
            }
        }
        let histShape = bins.map { $0.count - 1 }
        _ = try Shape.validate(histShape, itemSize: dtype.itemSize)
        let hist = try Tensor.zeros(histShape, dtype: dtype)
        let rows = try noGrad { try reshape([m, n]).contiguous() }
        let edges = try bins.map { e in try noGrad { try e.contiguous() } }
        let weights = try weight.map { w in try noGrad { try w.reshape([m]).contiguous() } }
        let histStrides = Shape.contiguousStrides(histShape)
        // With a dimension of one edge (no bin) there is nowhere to count anything.
        let empty = histShape.contains(0)
        func run<T: TensorElement & BinaryFloatingPoint>(_: T.Type) {
            guard !empty else { return }
            let x = rows.pointer(T.self) + rows.storageOffset, h = hist.pointer(T.self)
            let edgePointers = edges.map { $0.pointer(T.self) + $0.storageOffset }
            let w = weights.map { $0.pointer(T.self) + $0.storageOffset }
            rowLoop: for i in 0..<m {
                var offset = 0
                for d in 0..<n {
                    let element = x[i * n + d], e = edgePointers[d], count = edges[d].count
                    guard element >= e[0] && element <= e[count - 1] else { continue rowLoop }
                    // std::upper_bound(edges, element) - 1; the last bin includes its right edge.
                    var low = 0, high = count
                    while low < high {
                        let mid = low + (high - low) / 2
                        if element < e[mid] { high = mid } else { low = mid + 1 }
                    }
                    var position = low - 1
                    if position == count - 1 { position -= 1 }
                    offset += histStrides[d] * position
                }
                h[offset] += w.map { $0[i] } ?? 1
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        guard density else { return hist }
        return try noGrad { () -> Tensor in
            var result = try hist.div(hist.sum())
            for (d, e) in edges.enumerated() {
                var lengthShape = [Int].filled(1, count: n)
                lengthShape[d] = e.count - 1
                let lengths = try e.narrow(dim: 0, start: 1, length: e.count - 1).sub(e.narrow(dim: 0, start: 0, length: e.count - 1))
                result = try result.div(lengths.reshape(lengthShape))
            }
            return result
        }
    }
}

/// A double as C++'s default stream output prints it (`%g`), for PyTorch's messages.
func cppFormat(_ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
    return String(cString: buffer)
}
