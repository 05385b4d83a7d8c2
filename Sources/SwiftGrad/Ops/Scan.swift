#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scans along a dimension (cumsum, cumprod, cummax, cummin, logcumsumexp) and diff, each
/// forward beside its backward. Floating scans accumulate in double, as PyTorch's CPU kernels
/// do; integer and bool sums and products give int64. Each scan has a reversed form (from the
/// end of the dimension back), which the backward passes use instead of PyTorch's flip-scan-flip,
/// and which records the forward scan as its own backward, so gradients of gradients work.
extension Tensor {
    // MARK: cumsum

    /// Running sums along `dim` (`torch.cumsum`, CumsumBackward0); int64 for integer and bool
    /// input; float16 and bfloat16 accumulate in float32 (PyTorch's accumulation type for them)
    /// and round back. The gradient is the running sum of the gradient from the end.
    public func cumsum(dim: Int) throws -> Tensor { try runningSum(dim, reverse: false) }

    private func runningSum(_ dim: Int, reverse: Bool) throws -> Tensor {
        let lanes = try Lanes(self, dim: dim, dtype: dtype.isFloatingPoint ? dtype.compute : .int64)
        var out: Tensor
        switch dtype {
        case .float32: out = try Tensor.scanLanes(lanes, Accumulating<SumAccumulation, Float, Double>(), reverse: reverse)
        case .float64: out = try Tensor.scanLanes(lanes, Accumulating<SumAccumulation, Double, Double>(), reverse: reverse)
        case .float16, .bfloat16:
            out = try Tensor.scanLanes(lanes, Accumulating<SumAccumulation, Float, Float>(), reverse: reverse).to(dtype, recording: false)
        default: out = try Tensor.scanLanes(lanes, Accumulating<SumAccumulation, Int64, Int64>(), reverse: reverse)
        }
        let d = lanes.dim
        return try lanes.restore(out).recorded("CumsumBackward0", input: self) { g, _ in
            Gradients(try g.runningSum(d, reverse: !reverse))
        }
    }

    /// Runs `rule` along every lane (from the end when `reverse`), storing each partial result.
    /// Lanes are split across threads, and each thread runs four lanes side by side: a lane is
    /// one chain of dependent additions (or products), so one lane at a time waited on each
    /// step's latency ([256, 512] float32 `cumsum(1)`: 150 us on one thread, PyTorch's 75).
    private static func scanLanes<R: ScanRule>(_ lanes: Lanes, _ rule: R, reverse: Bool) throws -> Tensor {
        let n = lanes.length
        let out = try lanes.output(width: n, dtype: R.Element.dtype)
        let src = lanes.pointer(R.Element.self), dst = out.pointer(R.Element.self)
        Parallel.forRanges(lanes.count, work: lanes.count &* n) { range in
            var lane = range.lowerBound
            while lane &+ 4 <= range.upperBound {
                var a0 = rule.initial, a1 = rule.initial, a2 = rule.initial, a3 = rule.initial
                let x0 = src + lane &* n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n
                let y0 = dst + lane &* n, y1 = y0 + n, y2 = y1 + n, y3 = y2 + n
                for j in 0..<n {
                    let i = reverse ? n &- 1 &- j : j
                    a0 = rule.step(a0, x0[i])
                    a1 = rule.step(a1, x1[i])
                    a2 = rule.step(a2, x2[i])
                    a3 = rule.step(a3, x3[i])
                    y0[i] = rule.store(a0)
                    y1[i] = rule.store(a1)
                    y2[i] = rule.store(a2)
                    y3[i] = rule.store(a3)
                }
                lane &+= 4
            }
            while lane < range.upperBound {
                var running = rule.initial
                let x = src + lane &* n, y = dst + lane &* n
                for j in 0..<n {
                    let i = reverse ? n &- 1 &- j : j
                    running = rule.step(running, x[i])
                    y[i] = rule.store(running)
                }
                lane &+= 1
            }
        }
        return out
    }

    // MARK: cumprod

    /// Running products along `dim` (`torch.cumprod`, CumprodBackward0); int64 for integer and
    /// bool input; float16 and bfloat16 accumulate in float32. The gradient is exact where the input has zeros (PyTorch's O(n) formula for a
    /// first derivative, its O(n^2) one, itself differentiable, under create_graph).
    public func cumprod(dim: Int) throws -> Tensor {
        let lanes = try Lanes(self, dim: dim, dtype: dtype.isFloatingPoint ? dtype.compute : .int64)
        let out: Tensor
        switch dtype {
        case .float32: out = try Tensor.scanLanes(lanes, Accumulating<ProdAccumulation, Float, Double>(), reverse: false)
        case .float64: out = try Tensor.scanLanes(lanes, Accumulating<ProdAccumulation, Double, Double>(), reverse: false)
        case .float16, .bfloat16:
            out = try Tensor.scanLanes(lanes, Accumulating<ProdAccumulation, Float, Float>(), reverse: false).to(dtype, recording: false)
        default: out = try Tensor.scanLanes(lanes, Accumulating<ProdAccumulation, Int64, Int64>(), reverse: false)
        }
        let d = lanes.dim
        return try lanes.restore(out).recorded("CumprodBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            Gradients(try Tensor.cumprodGradient(g, input: ctx.saved(0), output: ctx.saved(1), dim: d))
        }
    }

    /// PyTorch's `cumprod_backward`.
    private static func cumprodGradient(_ g: Tensor, input x: Tensor, output y: Tensor, dim d: Int) throws -> Tensor {
        let length = x.ndim == 0 ? 1 : x.shape[d]
        if x.count <= 1 || length == 1 { return g }
        let w = try y.mul(g)
        if try x.eq(0).sum().item() == 0 {
            // dx_k = sum_{j >= k} g_j y_j / x_k.
            return try w.runningSum(d, reverse: true).div(x)
        }
        if !GradMode.isEnabled { return try noGrad { try cumprodGradientWithZeros(g, input: x, output: y, dim: d) } }
        // Under create_graph: dx_k = sum_{j >= k} g_j prod_{i <= j, i != k} x_i, slice by slice.
        var slices: [Tensor] = []
        var onesShape = x.shape
        onesShape[d] = 1
        let ones = try Tensor.ones([1], dtype: g.dtype).expand(onesShape)
        for k in 0..<length {
            let omitted: Tensor
            if k == 0 {
                omitted = try Tensor.cat([ones, x.slice(dim: d, start: 1).cumprod(dim: d)], dim: d)
            } else {
                let untilK = try x.slice(dim: d, start: 0, end: k).prod(dim: d, keepdim: true)
                if k == length - 1 {
                    omitted = untilK
                } else {
                    let fromK = try x.slice(dim: d, start: k + 1).cumprod(dim: d)
                    omitted = try Tensor.cat([untilK, untilK.expand(fromK.shape).mul(fromK)], dim: d)
                }
            }
            slices.append(try g.slice(dim: d, start: k).mul(omitted).sum(dims: [d]))
        }
        return try Tensor.stack(slices, dim: d)
    }

    /// The first-order gradient of cumprod where the input has zeros, lane by lane in O(n): before
    /// the first zero z the usual sum / x_k, at z the products that skip it, after z nothing.
    private static func cumprodGradientWithZeros(_ g: Tensor, input x: Tensor, output y: Tensor, dim d: Int) throws -> Tensor {
        // float16 and bfloat16 in float32.
        let work = g.dtype.compute
        let gl = try Lanes(g, dim: d, dtype: work), xl = try Lanes(x, dim: d, dtype: work)
        let yl = try Lanes(y, dim: d, dtype: work)
        let n = xl.length
        let out = try xl.output(width: n, dtype: work)
        func run<T: TensorElement & BinaryFloatingPoint>(_: T.Type) {
            let pg = gl.pointer(T.self), px = xl.pointer(T.self), py = yl.pointer(T.self), po = out.pointer(T.self)
            for lane in 0..<xl.count {
                let gs = pg + lane * n, xs = px + lane * n, ys = py + lane * n, os = po + lane * n
                let z = (0..<n).first { xs[$0] == 0 } ?? n
                // Before the first zero: sum_{j >= k} g_j y_j / x_k (y_j is 0 from z on).
                var tail = 0.0
                for k in stride(from: n - 1, through: 0, by: -1) {
                    tail += Double(gs[k]) * Double(ys[k])
                    os[k] = k < z ? T(tail / Double(xs[k])) : 0
                }
                guard z < n else { continue }
                // At the first zero: y_{z-1} * sum_{z <= j < z2} g_j prod_{z < i <= j} x_i.
                var total = 0.0, product = 1.0
                var j = z
                while j < n {
                    if j > z {
                        if xs[j] == 0 { break }
                        product *= Double(xs[j])
                    }
                    total += Double(gs[j]) * product
                    j += 1
                }
                os[z] = T(total * (z > 0 ? Double(ys[z - 1]) : 1))
            }
        }
        if work == .float32 { run(Float.self) } else { run(Double.self) }
        return try xl.restore(out).to(g.dtype, recording: false)
    }

    // MARK: cummax and cummin

    /// The running maximum along `dim` and the index where each was reached (`torch.cummax`,
    /// CummaxBackward0). A later equal element takes over the index; NaN propagates, and each
    /// later NaN takes the index. The gradient goes to those indices.
    public func cummax(dim: Int) throws -> ValuesAndIndices { try runningExtremum(dim, greater: true) }

    /// The running minimum along `dim` and its indices (`torch.cummin`, CumminBackward0).
    public func cummin(dim: Int) throws -> ValuesAndIndices { try runningExtremum(dim, greater: false) }

    private func runningExtremum(_ dim: Int, greater: Bool) throws -> ValuesAndIndices {
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        let scanned: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: scanned = try Tensor.extremumLanes(lanes, Float.self, greater: greater)
        case .float64: scanned = try Tensor.extremumLanes(lanes, Double.self, greater: greater)
        default: scanned = try Tensor.extremumLanes(lanes, Int64.self, greater: greater)
        }
        let indices = try lanes.restore(scanned.indices), d = lanes.dim
        var values = try lanes.restore(scanned.values).to(dtype, recording: false)
        values = try values.recorded(greater ? "CummaxBackward0" : "CumminBackward0", inputs: [self], saving: [indices]) { g, ctx in
            Gradients(try Tensor.selectionGradient(g, indices: ctx.saved(0), inputShape: ctx.inputShape(0), dim: d))
        }
        return ValuesAndIndices(values: values, indices: indices)
    }

    /// PyTorch's `cummax_cummin_helper`.
    private static func extremumLanes<T: TensorElement & Comparable>(_ lanes: Lanes, _: T.Type, greater: Bool) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: n, dtype: T.dtype), indices = try lanes.output(width: n, dtype: .int64)
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        for lane in 0..<lanes.count where n > 0 {
            let x = src + lane * n
            var best = x[0], at: Int64 = 0
            for i in 0..<n {
                let current = x[i]
                if isNaNValue(current) || (!isNaNValue(best) && (greater ? current >= best : current <= best)) {
                    best = current
                    at = Int64(i)
                }
                pv[lane * n + i] = best
                pi[lane * n + i] = at
            }
        }
        return (values, indices)
    }

    // MARK: logcumsumexp

    /// `log(cumsum(exp(x)))` along `dim`, computed stably (`torch.logcumsumexp`,
    /// LogcumsumexpBackward0).
    /// - Throws: `.dtype` for integer and bool input, as PyTorch.
    public func logcumsumexp(dim: Int) throws -> Tensor { try logRunningSumExp(dim, reverse: false) }

    private func logRunningSumExp(_ dim: Int, reverse: Bool) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw Tensor.notImplemented("logcumsumexp_out_cpu", dtype) }
        let lanes = try Lanes(self, dim: dim, dtype: dtype.compute)
        let out: Tensor
        switch dtype {
        case .float32: out = try Tensor.scanLanes(lanes, LogAddingExp<Float, Double>(), reverse: reverse)
        case .float64: out = try Tensor.scanLanes(lanes, LogAddingExp<Double, Double>(), reverse: reverse)
        default:  // float16, bfloat16: accumulated in float32
            out = try Tensor.scanLanes(lanes, LogAddingExp<Float, Float>(), reverse: reverse).to(dtype, recording: false)
        }
        let d = lanes.dim
        return try lanes.restore(out).recorded("LogcumsumexpBackward0", input: self, saving: self, savingOutput: true) { g, ctx in
            Gradients(try Tensor.logcumsumexpGradient(g, input: ctx.saved(0), output: ctx.saved(1), dim: d, reverse: reverse))
        }
    }

    /// PyTorch's `_log_add_exp_helper`: log(exp(x) + exp(y)), exact for infinities; NaN in y
    /// propagates. In double, or in float32 (the accumulation type of float16 and bfloat16).
    @inline(__always)
    static func logAddExp<A: FloatElement>(_ x: A, _ y: A) -> A {
        let low = y.isNaN ? y : Swift.min(x, y), high = y.isNaN ? y : Swift.max(x, y)
        if low != high || low.isFinite { return A.log1p(A.exp(low - high)) + high }
        return x
    }

    /// PyTorch's `logcumsumexp_backward`: the gradient's positive and negative parts summed in
    /// log space by the scan in the other direction (so large inputs do not overflow).
    private static func logcumsumexpGradient(_ g: Tensor, input x: Tensor, output y: Tensor, dim d: Int, reverse: Bool) throws -> Tensor {
        if g.ndim == 0 || g.count == 0 { return g }
        // The dtype's lowest finite value (numeric_limits::lowest), which log(0) is replaced by.
        let lowestValue: Double
        switch g.dtype {
        case .float64: lowestValue = -Double.greatestFiniteMagnitude
        case .float16: lowestValue = -65504
        case .bfloat16: lowestValue = Double(Float(bitPattern: 0xFF7F_0000))
        default: lowestValue = Double(-Float.greatestFiniteMagnitude)
        }
        let lowest = try Tensor.full([], lowestValue, dtype: g.dtype)
        let logMagnitude = try g.abs().log()
        let logPositive = try Tensor.where(g.gt(0), logMagnitude, lowest)
        let logNegative = try Tensor.where(g.lt(0), logMagnitude, lowest)
        let positive = try logPositive.sub(y).logRunningSumExp(d, reverse: !reverse).add(x).exp()
        let negative = try logNegative.sub(y).logRunningSumExp(d, reverse: !reverse).add(x).exp()
        return try positive.sub(negative)
    }

    // MARK: diff

    /// The n-th forward difference along `dim` (`torch.diff`), after `prepend` and `append` are
    /// concatenated along it; for bool tensors, logical xor. Written in differentiable ops (as
    /// PyTorch's, SubBackward0). n larger than the size gives an empty result.
    /// - Throws: `.invalidArgument` for a 0-d input, a negative n, or prepend/append shapes that
    ///   differ from the input's outside `dim`.
    public func diff(n: Int = 1, dim: Int = -1, prepend: Tensor? = nil, append: Tensor? = nil) throws -> Tensor {
        guard ndim >= 1 else { throw SwiftGradError.invalidArgument("diff expects input to be at least one-dimensional") }
        guard n >= 0 else { throw SwiftGradError.invalidArgument("order must be non-negative but got \(n)") }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        for other in [prepend, append].compactMap({ $0 }) {
            guard other.ndim == ndim else {
                throw SwiftGradError.invalidArgument("diff expects prepend or append to be the same dimension as input")
            }
            for i in 0..<ndim where i != d && other.shape[i] != shape[i] {
                throw SwiftGradError.invalidArgument("diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(\(i)) = \(shape[i]), but got tensor.size(\(i)) = \(other.shape[i])")
            }
        }
        if n == 0 { return try clone() }
        var result = self
        if prepend != nil || append != nil {
            result = try Tensor.cat([prepend, self, append].compactMap { $0 }, dim: d)
        }
        var length = result.shape[d] - 1
        for _ in 0..<Swift.min(n, result.shape[d]) {
            let later = try result.narrow(dim: d, start: 1, length: length)
            let earlier = try result.narrow(dim: d, start: 0, length: length)
            result = result.dtype == .bool ? try later.logicalXor(earlier) : try later.sub(earlier)
            length -= 1
        }
        return result
    }
}

/// One scan of `Tensor.scanLanes`: the running value's start, each step over an element, and
/// the element stored for it. (Types rather than closures, so that the threads' loops are
/// specialised: closures were left as two calls per element, cumsum 150 -> 305 us.)
private protocol ScanRule {
    associatedtype Element: TensorElement
    associatedtype Running
    var initial: Running { get }
    func step(_ running: Running, _ x: Element) -> Running
    func store(_ running: Running) -> Element
}

/// A running sum or product (`K`) of `T` elements in `A` (double for float32, as PyTorch's CPU
/// kernels; int64 wrapping), each partial result converted back to `T`.
private struct Accumulating<K: AccumulationKernel, T: TensorElement, A: NumericElement>: ScanRule {
    var initial: A { K.identity() }
    @inline(__always) func step(_ running: A, _ x: T) -> A { K.combine(running, A(wide: x.wide)) }
    @inline(__always) func store(_ running: A) -> T { T(wide: running.wide) }
}

/// log(cumsum(exp(x))) of `T` elements in `A`, one `logAddExp` a step.
private struct LogAddingExp<T: TensorElement, A: FloatElement>: ScanRule {
    var initial: A { -A.infinity }
    @inline(__always) func step(_ running: A, _ x: T) -> A { Tensor.logAddExp(A(wide: x.wide), running) }
    @inline(__always) func store(_ running: A) -> T { T(wide: running.wide) }
}
