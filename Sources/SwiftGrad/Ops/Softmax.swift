#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// softmax and log_softmax along one dimension, computed stably: each lane subtracts its
/// maximum before exponentiating, so no finite input overflows.
extension Tensor {
    /// `exp(x) / sum(exp(x))` along `dim` (`torch.softmax`, SoftmaxBackward0).
    public func softmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        return try softmaxLanes(d, log: false, name: "softmax")
            .recorded("SoftmaxBackward0", input: self, savingOutput: true) { g, ctx in
                // dx = (g - sum(g * y)) * y along the dimension.
                let y = try ctx.saved(0)
                if let rows = try Tensor.softmaxBackwardRows(g, y, dim: d, log: false, reusing: ctx.disposableGradient(g)) {
                    return [rows]
                }
                return [try g.sub(g.mul(y).sum(dims: [d], keepdim: true)).mul(y)]
            }
    }

    /// `x - log(sum(exp(x)))` along `dim` (`torch.log_softmax`, LogSoftmaxBackward0).
    public func logSoftmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        return try softmaxLanes(d, log: true, name: "log_softmax")
            .recorded("LogSoftmaxBackward0", input: self, savingOutput: true) { g, ctx in
                // dx = g - exp(y) * sum(g) along the dimension.
                let y = try ctx.saved(0)
                if let rows = try Tensor.softmaxBackwardRows(g, y, dim: d, log: true, reusing: ctx.disposableGradient(g)) {
                    return [rows]
                }
                return [try g.sub(y.exp().mul(g.sum(dims: [d], keepdim: true)))]
            }
    }

    private func softmaxLanes(_ d: Int, log: Bool, name: String) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"\(name)_lastdim_kernel_impl\" not implemented for '\(dtype.scalarTypeName)'")
        }
        if dtype != .float32 && dtype != .float64 {  // float16, bfloat16: in float32, rounded back
            return try to(.float32, recording: false).softmaxLanes(d, log: log, name: name).to(dtype, recording: false)
        }
        let out = try Tensor.empty(shape, dtype)
        if count == 0 { return out }
        if ndim == 0 {
            try Kernels.fill(out, with: log ? 0 : 1)
            return out
        }
        let length = shape[d]
        if dtype == .float32 && d == ndim - 1 && isContiguous {
            softmaxFloatRows(log: log, into: out)
            return out
        }
        func run<T: FloatElement>(_: T.Type) {
            let x = pointer(T.self), y = out.pointer(T.self)
            Kernels.forEachLane(shape: shape, dim: d, operands: [(strides, storageOffset), (out.strides, 0)]) { off, step in
                let xs = step[0], ys = step[1]
                let peak = Tensor.shift(length) { x[off[0] &+ $0 &* xs] }
                var total = 0.0
                for i in 0..<length { total += Double(T.exp(x[off[0] &+ i &* xs] - peak)) }
                if log {
                    // (x - max) - log(sum), as PyTorch's kernel: adding the two first would round
                    // log(sum) away against a large max, and the largest entry would lose it.
                    let logTotal = T(Glibc.log(total))
                    for i in 0..<length { y[off[1] &+ i &* ys] = (x[off[0] &+ i &* xs] - peak) - logTotal }
                } else {
                    let scale = 1 / total
                    for i in 0..<length { y[off[1] &+ i &* ys] = T(Double(T.exp(x[off[0] &+ i &* xs] - peak)) * scale) }
                }
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// What a lane's `length` elements are shifted by before they are exponentiated: their
    /// maximum, or 0 when that is infinite (a NaN stays NaN).
    @inline(__always)
    private static func shift<T: FloatElement>(_ length: Int, _ element: (Int) -> T) -> T {
        var peak = -T.infinity
        for i in 0..<length { peak = Swift.max(peak, element(i)) }
        return peak.isFinite || peak.isNaN ? peak : 0
    }

    /// `softmaxLanes` over the last dimension of a contiguous float32 tensor in vector passes
    /// (`VectorLoops.softmaxRows`: each row's maximum and sum, `exp` over blocks of rows), the
    /// rows split over the cores when there are many. One core, [64, 1000] log_softmax: 190 us
    /// with scalar loops around the vector `exp`, 62 us now, PyTorch's 88.
    private func softmaxFloatRows(log: Bool, into out: Tensor) {
        let length = shape[ndim - 1], rows = count / length, loop = CPUCapability.softmaxRows.forward
        let x = UnsafePointer(pointer(Float.self) + storageOffset), y = out.pointer(Float.self)
        Parallel.forRanges(rows, work: count &* Tensor.softmaxWork) { range in
            loop(x + range.lowerBound &* length, y + range.lowerBound &* length, range.count, length, log)
        }
    }

    /// Elementwise operations' worth of work per element of a softmax row pass, for the split.
    private static let softmaxWork = 4

    /// softmax's (or with `log` log_softmax's) backward over the last dimension in one vector
    /// pass per row (`VectorLoops.softmaxBackwardRows`), written over `reused` when given, for
    /// contiguous float32 `g` and `y` of one shape when no graph is being recorded; nil
    /// otherwise (the rule then evaluates its formula in tensor ops, which create_graph records).
    private static func softmaxBackwardRows(_ g: Tensor, _ y: Tensor, dim d: Int, log: Bool,
                                            reusing reused: Tensor?) throws -> Tensor? {
        guard !GradMode.isEnabled, g.dtype == .float32, y.dtype == .float32, y.ndim > 0, d == y.ndim - 1,
              g.shape == y.shape, g.isContiguous, y.isContiguous, y.count > 0 else { return nil }
        let out = try reused ?? Tensor.empty(y.shape, .float32)
        let length = y.shape[d], rows = y.count / length, loop = CPUCapability.softmaxRows.backward
        let pg = UnsafePointer(g.pointer(Float.self) + g.storageOffset), py = UnsafePointer(y.pointer(Float.self) + y.storageOffset)
        let po = out.pointer(Float.self) + out.storageOffset
        Parallel.forRanges(rows, work: y.count &* softmaxWork) { range in
            let offset = range.lowerBound &* length
            loop(pg + offset, py + offset, po + offset, range.count, length, log)
        }
        return out
    }
}
