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
        func run<T: FloatElement>(_: T.Type) {
            let x = pointer(T.self), y = out.pointer(T.self)
            Kernels.forEachLane(shape: shape, dim: d, operands: [(strides, storageOffset), (out.strides, 0)]) { off, step in
                let xs = step[0], ys = step[1]
                var peak = -T.infinity
                for i in 0..<length { peak = Swift.max(peak, x[off[0] &+ i &* xs]) }
                if !peak.isFinite { peak = peak.isNaN ? peak : 0 }
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
}
