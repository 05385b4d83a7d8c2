#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftGradVector

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
                if let looped = try Tensor.softmaxBackwardLoops(g, y, dim: d, log: false, reusing: ctx.disposableGradient(g)) {
                    return [looped]
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
                if let looped = try Tensor.softmaxBackwardLoops(g, y, dim: d, log: true, reusing: ctx.disposableGradient(g)) {
                    return [looped]
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
        if dtype == .float32 && isContiguous {
            if Tensor.elements(after: d, of: shape) == 1 {  // rows
                softmaxFloatRows(length: length, log: log, into: out)
            } else {
                let loop = CPUCapability.softmaxColumns.forward, stride = strides[d]
                let x = UnsafePointer(pointer(Float.self) + storageOffset), y = out.pointer(Float.self)
                Tensor.forEachColumnGroup(shape: shape, dim: d) { offset, columns in
                    loop(x + offset, y + offset, length, stride, columns, log)
                }
            }
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
    private func softmaxFloatRows(length: Int, log: Bool, into out: Tensor) {
        let rows = count / length, loop = CPUCapability.softmaxRows.forward
        let x = UnsafePointer(pointer(Float.self) + storageOffset), y = out.pointer(Float.self)
        Parallel.forRanges(rows, work: count &* Tensor.softmaxWork) { range in
            loop(x + range.lowerBound &* length, y + range.lowerBound &* length, range.count, length, log)
        }
    }

    /// Elementwise operations' worth of work per element of a softmax row pass, for the split.
    private static let softmaxWork = 4

    /// The product of the sizes after dimension d: the distance between a lane's elements in a
    /// contiguous tensor, and the lanes side by side in each block.
    private static func elements(after d: Int, of shape: [Int]) -> Int { Shape.count(Array(shape[(d + 1)...])) }

    /// Calls `body(offset, columns)` for each group of at most `VectorLoops.softmaxColumnGroup`
    /// columns of each [shape[d], inner] block of a contiguous tensor of `shape` (inner the
    /// elements after dimension d), offset the group's first element; split over the cores.
    private static func forEachColumnGroup(shape: [Int], dim d: Int, _ body: (Int, Int) -> Void) {
        let count = Shape.count(shape), inner = elements(after: d, of: shape), block = shape[d] * inner
        let group = VectorLoops.softmaxColumnGroup, groups = (inner + group - 1) / group
        Parallel.forRanges(count / block * groups, work: count &* softmaxWork) { range in
            for item in range {
                let first = item % groups * group
                body(item / groups * block + first, Swift.min(group, inner - first))
            }
        }
    }

    /// softmax's (or with `log` log_softmax's) backward in vector passes, over rows
    /// (`VectorLoops.softmaxBackwardRows`) when no element follows dimension d's (it is the
    /// last, or the rest are of size 1), else over groups of columns (`softmaxBackwardColumns`),
    /// written over `reused` when given, for contiguous float32 `g` and `y` of one shape when no
    /// graph is being recorded; nil otherwise (the rule then evaluates its formula in tensor
    /// ops, which create_graph records).
    private static func softmaxBackwardLoops(_ g: Tensor, _ y: Tensor, dim d: Int, log: Bool,
                                             reusing reused: Tensor?) throws -> Tensor? {
        guard !GradMode.isEnabled, g.dtype == .float32, y.dtype == .float32, y.ndim > 0,
              g.shape == y.shape, g.isContiguous, y.isContiguous, y.count > 0 else { return nil }
        let out = try reused ?? Tensor.empty(y.shape, .float32)
        let length = y.shape[d]
        let pg = UnsafePointer(g.pointer(Float.self) + g.storageOffset), py = UnsafePointer(y.pointer(Float.self) + y.storageOffset)
        let po = out.pointer(Float.self) + out.storageOffset
        if elements(after: d, of: y.shape) == 1 {
            let rows = y.count / length, loop = CPUCapability.softmaxRows.backward
            Parallel.forRanges(rows, work: y.count &* softmaxWork) { range in
                let offset = range.lowerBound &* length
                loop(pg + offset, py + offset, po + offset, range.count, length, log)
            }
        } else {
            let loop = CPUCapability.softmaxColumns.backward, stride = y.strides[d]
            forEachColumnGroup(shape: y.shape, dim: d) { offset, columns in
                loop(pg + offset, py + offset, po + offset, length, stride, columns, log)
            }
        }
        return out
    }
}
