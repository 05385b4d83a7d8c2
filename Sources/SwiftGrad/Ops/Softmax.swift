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

    /// `softmaxLanes` over the last dimension of a contiguous float32 tensor, with the
    /// exponentials from the vector loop. Rows go in blocks of about 2,048 elements: `x - max` of
    /// each row is written into the output, the block exponentiated there in place by one call
    /// (eight lanes at a time across rows, so that short rows waste no lanes), and each row
    /// finished from its sum, in double as in the general loop. (A classifier's [256, 10]
    /// log_softmax took 30 us with libm's expf per element; the vector loop row by row, each
    /// row's last two elements in a padded vector, was no faster.)
    private func softmaxFloatRows(log: Bool, into out: Tensor) {
        let length = shape[ndim - 1], rows = count / length, exp = CPUCapability.loops.exp
        let x = pointer(Float.self) + storageOffset, y = out.pointer(Float.self)
        let blockRows = Swift.max(1, 2048 / length)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: blockRows) { peaks in
            var first = 0
            while first < rows {
                let last = Swift.min(rows, first + blockRows)
                for r in first..<last {
                    let row = x + r * length, result = y + r * length
                    let peak = Tensor.shift(length) { row[$0] }
                    peaks[r - first] = peak
                    for i in 0..<length { result[i] = row[i] - peak }
                }
                exp(y + first * length, y + first * length, (last - first) * length)
                for r in first..<last {
                    let row = x + r * length, result = y + r * length, peak = peaks[r - first]
                    var total = 0.0
                    for i in 0..<length { total += Double(result[i]) }
                    if log {
                        let logTotal = Float(Glibc.log(total))
                        for i in 0..<length { result[i] = (row[i] - peak) - logTotal }
                    } else {
                        let scale = 1 / total
                        for i in 0..<length { result[i] = Float(Double(result[i]) * scale) }
                    }
                }
                first = last
            }
        }
    }
}
