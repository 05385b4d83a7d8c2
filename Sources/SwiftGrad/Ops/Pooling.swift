
/// Pooling over 1 to 3 trailing spatial dimensions (`torch.nn.functional`'s max_pool, avg_pool,
/// adaptive_avg_pool, adaptive_max_pool, max_unpool), each forward beside its backward.
///
/// Every pooling op is a set of windows over the input's last k dimensions, the same for every
/// leading "plane" (batch and channel): per spatial dimension, output position o reads the input
/// positions lo[o], lo[o] + step, ... below hi[o] (already clipped to the input). A `PoolPlan`
/// holds them; the kernels below loop over planes in parallel. Max pooling keeps the flat
/// index of the maximum inside its plane (PyTorch's `indices`); its backward adds the gradient
/// at those indices, and the backward of that is a gather at the same indices. Average pooling
/// is linear: its backward spreads each gradient over its window, and the backward of that is
/// the average pooling again. As in PyTorch, 1-d pooling runs as 2-d pooling of the input with
/// a dimension of size 1 inserted (so its grad_fn is SqueezeBackward1).

/// The windows of one spatial dimension.
struct PoolAxis {
    var inSize: Int
    var outSize: Int
    /// Window of output o: lo[o], lo[o] + step, ... < hi[o], inside the input.
    var lo: [Int]
    var hi: [Int]
    var step: Int
    /// Each window's share of an average's divisor (the divisor is their product).
    var share: [Int]

    /// A dimension of size 1 with one window (the leading axes of a lower-dimensional pooling).
    static let unit = PoolAxis(inSize: 1, outSize: 1, lo: [0], hi: [1], step: 1, share: [1])

    /// An axis of an empty pooling: sizes only.
    static func sizes(_ input: Int, _ output: Int) -> PoolAxis {
        PoolAxis(inSize: input, outSize: output, lo: [], hi: [], step: 1, share: [])
    }
}

/// The windows of a pooling op over the last `axes.count` (1 to 3) dimensions of a tensor.
struct PoolPlan {
    /// The leading dimensions (batch, channels), pooled independently.
    var leading: [Int]
    /// Three axes (depth, height, width): lower-dimensional pools start with `.unit` axes.
    var axes: [PoolAxis]
    var spatial: Int
    /// A divisor for every window instead of the shares' product (avg_pool's divisor_override).
    var divisorOverride: Int?

    var planes: Int { leading.reduce(1, &*) }
    /// Whether input or output has no elements: the kernels then do nothing (and the axes
    /// hold no windows, so that a huge size of an empty tensor allocates nothing).
    var isEmpty: Bool { leading.contains(0) || axes.contains { $0.inSize == 0 || $0.outSize == 0 } }
    var inPlane: Int { axes.reduce(1) { $0 &* $1.inSize } }
    var outPlane: Int { axes.reduce(1) { $0 &* $1.outSize } }

    /// The most windows along one dimension: their bounds are listed per output position (24
    /// bytes each), so an absurd size must be refused before the lists are made.
    static let maxAxisOutputs = 1 << 24

    static func checkAxisLimit(_ outputs: [Int]) throws {
        if let big = outputs.first(where: { $0 > maxAxisOutputs }) {
            throw SwiftGradError.invalidArgument("pooling and resizing: an output size of \(big) along one dimension is more than swiftgrad supports (\(maxAxisOutputs))")
        }
    }

    /// Whether a pooling of `input` (leading + spatial sizes) to `outputs` has no work, and
    /// otherwise checks that its output can be allocated before windows are listed per output.
    static func isEmpty(_ input: [Int], _ outputs: [Int], dtype: DType) throws -> Bool {
        let leading = Array(input[..<(input.count - outputs.count)])
        _ = try Shape.validate(leading + outputs, itemSize: dtype.itemSize)
        if input.contains(0) || outputs.contains(0) { return true }
        try checkAxisLimit(outputs)
        if outputs.contains(where: { $0 > 1 << 20 }) { _ = try Tensor.empty(leading + outputs, dtype) }
        return false
    }
    var inShape: [Int] { leading + axes.suffix(spatial).map(\.inSize) }
    var outShape: [Int] { leading + axes.suffix(spatial).map(\.outSize) }

    init(leading: [Int], spatialAxes: [PoolAxis], divisorOverride: Int? = nil) {
        self.leading = leading
        spatial = spatialAxes.count
        axes = [PoolAxis](repeating: .unit, count: 3 - spatialAxes.count) + spatialAxes
        self.divisorOverride = divisorOverride
    }
}

/// Elements max pooling compares: NaN counts as larger than everything (PyTorch propagates it).
protocol PoolOrdered: TensorElement, Comparable {
    static var poolLowest: Self { get }
    var poolIsNaN: Bool { get }
}

extension Float: PoolOrdered {
    static var poolLowest: Float { -.infinity }
    var poolIsNaN: Bool { isNaN }
}
extension Double: PoolOrdered {
    static var poolLowest: Double { -.infinity }
    var poolIsNaN: Bool { isNaN }
}
extension Int64: PoolOrdered {
    static var poolLowest: Int64 { .min }
    var poolIsNaN: Bool { false }
}
extension Int32: PoolOrdered {
    static var poolLowest: Int32 { .min }
    var poolIsNaN: Bool { false }
}
extension Int16: PoolOrdered {
    static var poolLowest: Int16 { .min }
    var poolIsNaN: Bool { false }
}
extension Int8: PoolOrdered {
    static var poolLowest: Int8 { .min }
    var poolIsNaN: Bool { false }
}
extension UInt8: PoolOrdered {
    static var poolLowest: UInt8 { .min }
    var poolIsNaN: Bool { false }
}

/// Elements average pooling sums.
protocol PoolFloat: TensorElement, BinaryFloatingPoint {}
extension Float: PoolFloat {}
extension Double: PoolFloat {}

// MARK: - Kernels

enum PoolKernels {
    /// Calls `body` for ranges of planes, in parallel when the work is large.
    static func forPlanes(_ planes: Int, work: Int, _ body: (Range<Int>) -> Void) {
        guard work > 0 else { return }
        Parallel.forRanges(planes, work: work, body)
    }

    /// Max over each window, with the flat index (in the plane) of the first maximum (NaN wins).
    static func max<T: PoolOrdered>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                    _ indices: UnsafeMutablePointer<Int64>, _ plan: PoolPlan) {
        guard !plan.isEmpty else { return }
        let (ad, ah, aw) = (plan.axes[0], plan.axes[1], plan.axes[2])
        let (H, W) = (ah.inSize, aw.inSize)
        let inPlane = plan.inPlane, outPlane = plan.outPlane
        forPlanes(plan.planes, work: plan.planes &* inPlane) { range in
            for p in range {
                let src = x + p &* inPlane
                var o = p &* outPlane
                for od in 0..<ad.outSize {
                    let d0 = ad.lo[od], d1 = ad.hi[od]
                    for oh in 0..<ah.outSize {
                        let h0 = ah.lo[oh], h1 = ah.hi[oh]
                        for ow in 0..<aw.outSize {
                            let w0 = aw.lo[ow], w1 = aw.hi[ow]
                            var best = T.poolLowest
                            var bestIndex = (d0 &* H &+ h0) &* W &+ w0
                            var d = d0
                            while d < d1 {
                                var h = h0
                                while h < h1 {
                                    let row = (d &* H &+ h) &* W
                                    var w = w0
                                    while w < w1 {
                                        // Selects rather than a branch: which element wins is
                                        // unpredictable on real data.
                                        let v = src[row &+ w]
                                        let take = v > best || v.poolIsNaN
                                        best = take ? v : best
                                        bestIndex = take ? row &+ w : bestIndex
                                        w &+= aw.step
                                    }
                                    h &+= ah.step
                                }
                                d &+= ad.step
                            }
                            out[o] = best
                            indices[o] = Int64(bestIndex)
                            o &+= 1
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(o, first, nd, nh, nw, divisor)` for every window `o` of one plane, in output
    /// order: `first` is the offset of its first element in the plane, `nd`, `nh`, `nw` its taps
    /// along depth, height and width (none when the window is empty), `divisor` the average's
    /// divisor. The axes are read from raw tables made once per call (Swift arrays check bounds
    /// on every read, which cost LeNet's 2x2 average pooling half its time).
    @inline(__always)
    private static func forEachWindow(_ t: WindowTables, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let (td, th, tw) = (t.d, t.h, t.w)
        var o = 0
        for od in 0..<td.count {
            let nd = td.taps[od], shareD = td.share[od]
            for oh in 0..<th.count {
                let nh = nd == 0 ? 0 : th.taps[oh], rowFirst = (td.lo[od] &* t.H &+ th.lo[oh]) &* t.W
                let shareDH = shareD &* th.share[oh]
                for ow in 0..<tw.count {
                    let nw = nh == 0 ? 0 : tw.taps[ow]
                    body(o, rowFirst &+ tw.lo[ow], nd, nh, nw, t.override ?? shareDH &* tw.share[ow])
                    o &+= 1
                }
            }
        }
    }

    /// A plan's three axes as raw tables (made once per kernel call, freed with `free`).
    private struct WindowTables {
        let d: AxisTable, h: AxisTable, w: AxisTable
        let H: Int, W: Int, override: Int?

        init(_ plan: PoolPlan) {
            d = AxisTable(plan.axes[0])
            h = AxisTable(plan.axes[1])
            w = AxisTable(plan.axes[2])
            (H, W, override) = (plan.axes[1].inSize, plan.axes[2].inSize, plan.divisorOverride)
        }

        func free() { d.free(); h.free(); w.free() }
    }

    /// One axis' windows in raw memory: first index, number of taps, divisor share per output.
    private struct AxisTable {
        let lo: UnsafeMutablePointer<Int>, taps: UnsafeMutablePointer<Int>, share: UnsafeMutablePointer<Int>
        let count: Int

        init(_ axis: PoolAxis) {
            let n = axis.outSize
            count = n
            lo = .allocate(capacity: Swift.max(3 &* n, 1))
            taps = lo + n
            share = lo + 2 &* n
            for o in 0..<n {
                lo[o] = axis.lo[o]
                let extent = axis.hi[o] &- axis.lo[o]
                taps[o] = extent <= 0 ? 0 : (extent &- 1) / axis.step &+ 1
                share[o] = axis.share[o]
            }
        }

        func free() { lo.deallocate() }
    }

    /// Strides between taps along depth, height and width, in elements of a plane.
    private static func tapStrides(_ plan: PoolPlan) -> (Int, Int, Int) {
        let (ad, ah, aw) = (plan.axes[0], plan.axes[1], plan.axes[2])
        return (ad.step &* ah.inSize &* aw.inSize, ah.step &* aw.inSize, aw.step)
    }

    /// A 1-d or 2-d pooling whose windows are all whole (kernel taps, every `stride` inputs,
    /// never clipped by padding or the end), as in LeNet's and most CNNs' pools: its sizes,
    /// for loops without per-window tables (2.5 times faster on LeNet's 2x2 average pooling).
    private struct WholeWindows {
        let kh: Int, kw: Int, sh: Int, sw: Int, H: Int, W: Int, OH: Int, OW: Int, divisor: Int
        /// A 2x2 kernel with stride 2 (disjoint windows).
        var isTwoByTwo: Bool { kh == 2 && kw == 2 && sh == 2 && sw == 2 }

        init?(_ plan: PoolPlan) {
            let (ad, ah, aw) = (plan.axes[0], plan.axes[1], plan.axes[2])
            guard ad.inSize == 1, ad.outSize == 1, ah.step == 1, aw.step == 1,
                  let (kh, sh) = WholeWindows.whole(ah), let (kw, sw) = WholeWindows.whole(aw) else { return nil }
            (self.kh, self.kw, self.sh, self.sw) = (kh, kw, sh, sw)
            (H, W, OH, OW) = (ah.inSize, aw.inSize, ah.outSize, aw.outSize)
            divisor = plan.divisorOverride ?? kh &* kw
        }

        /// The kernel and stride of an axis whose windows are all whole, with shares equal to
        /// their taps; nil otherwise.
        private static func whole(_ a: PoolAxis) -> (Int, Int)? {
            guard a.outSize > 0, a.lo[0] == 0 else { return nil }
            let k = a.hi[0], stride = a.outSize > 1 ? a.lo[1] : 1
            guard k > 0, stride > 0 else { return nil }
            for o in 0..<a.outSize where a.lo[o] != o &* stride || a.hi[o] != o &* stride &+ k || a.share[o] != k {
                return nil
            }
            return (k, stride)
        }
    }

    /// Average over each window: the sum divided by the product of the shares (or the override).
    static func average<T: PoolFloat>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ plan: PoolPlan) {
        guard !plan.isEmpty else { return }
        if let u = WholeWindows(plan) {
            let inPlane = plan.inPlane, outPlane = plan.outPlane, divisor = T(u.divisor)
            forPlanes(plan.planes, work: plan.planes &* Swift.max(inPlane, outPlane)) { range in
                for p in range {
                    let src = x + p &* inPlane
                    var o = out + p &* outPlane
                    if u.isTwoByTwo {
                        // The common 2x2 pool with stride 2, in loops the compiler vectorises
                        // (the same sums, in the same order, as the general loop's).
                        for oh in 0..<u.OH {
                            let r0 = src + 2 &* oh &* u.W, r1 = r0 + u.W
                            for ow in 0..<u.OW {
                                let j = 2 &* ow
                                o[ow] = (((r0[j] + r0[j &+ 1]) + r1[j]) + r1[j &+ 1]) / divisor
                            }
                            o += u.OW
                        }
                        continue
                    }
                    for oh in 0..<u.OH {
                        let row = src + oh &* u.sh &* u.W
                        for ow in 0..<u.OW {
                            var sum: T = 0
                            var r = row + ow &* u.sw
                            for _ in 0..<u.kh {
                                for j in 0..<u.kw { sum += r[j] }
                                r += u.W
                            }
                            o[ow] = sum / divisor
                        }
                        o += u.OW
                    }
                }
            }
            return
        }
        let inPlane = plan.inPlane, outPlane = plan.outPlane, (sd, sh, sw) = tapStrides(plan)
        let tables = WindowTables(plan)
        defer { tables.free() }
        forPlanes(plan.planes, work: plan.planes &* Swift.max(inPlane, outPlane)) { range in
            for p in range {
                let src = x + p &* inPlane, dst = out + p &* outPlane
                forEachWindow(tables) { o, first, nd, nh, nw, divisor in
                    if nw == 0 { dst[o] = 0; return }
                    var sum: T = 0
                    var pd = src + first
                    for _ in 0..<nd {
                        var ph = pd
                        for _ in 0..<nh {
                            var pw = ph
                            for _ in 0..<nw { sum += pw.pointee; pw += sw }
                            ph += sh
                        }
                        pd += sd
                    }
                    dst[o] = sum / T(divisor)
                }
            }
        }
    }

    /// The adjoint of `average`: each output gradient, divided like the average, added over its
    /// window. `gradIn` starts zeroed.
    static func averageBackward<T: PoolFloat>(_ g: UnsafePointer<T>, _ gradIn: UnsafeMutablePointer<T>, _ plan: PoolPlan) {
        guard !plan.isEmpty else { return }
        if let u = WholeWindows(plan) {
            let inPlane = plan.inPlane, outPlane = plan.outPlane, divisor = T(u.divisor)
            forPlanes(plan.planes, work: plan.planes &* Swift.max(inPlane, outPlane)) { range in
                for p in range {
                    let dst = gradIn + p &* inPlane
                    var src = g + p &* outPlane
                    if u.isTwoByTwo {
                        // Disjoint windows: each input gradient is written once (it starts zeroed).
                        for oh in 0..<u.OH {
                            let r0 = dst + 2 &* oh &* u.W, r1 = r0 + u.W
                            for ow in 0..<u.OW {
                                let v = src[ow] / divisor, j = 2 &* ow
                                r0[j] = v; r0[j &+ 1] = v; r1[j] = v; r1[j &+ 1] = v
                            }
                            src += u.OW
                        }
                        continue
                    }
                    for oh in 0..<u.OH {
                        let row = dst + oh &* u.sh &* u.W
                        for ow in 0..<u.OW {
                            let v = src[ow] / divisor
                            var r = row + ow &* u.sw
                            for _ in 0..<u.kh {
                                for j in 0..<u.kw { r[j] += v }
                                r += u.W
                            }
                        }
                        src += u.OW
                    }
                }
            }
            return
        }
        let inPlane = plan.inPlane, outPlane = plan.outPlane, (sd, sh, sw) = tapStrides(plan)
        let tables = WindowTables(plan)
        defer { tables.free() }
        forPlanes(plan.planes, work: plan.planes &* Swift.max(inPlane, outPlane)) { range in
            for p in range {
                let dst = gradIn + p &* inPlane, src = g + p &* outPlane
                forEachWindow(tables) { o, first, nd, nh, nw, divisor in
                    if nw == 0 { return }
                    let v = src[o] / T(divisor)
                    var pd = dst + first
                    for _ in 0..<nd {
                        var ph = pd
                        for _ in 0..<nh {
                            var pw = ph
                            for _ in 0..<nw { pw.pointee += v; pw += sw }
                            ph += sh
                        }
                        pd += sd
                    }
                }
            }
        }
    }

    /// `out[p][indices[p][i]] += g[p][i]` (checked indices) into a zeroed `out` [planes, inPlane].
    static func scatterAdd<T: PoolFloat>(_ g: UnsafePointer<T>, _ indices: UnsafePointer<Int64>,
                                         _ out: UnsafeMutablePointer<T>, planes: Int, outPlane: Int, inPlane: Int) {
        forPlanes(planes, work: planes &* Swift.max(inPlane, outPlane)) { range in
            for p in range {
                let dst = out + p &* inPlane
                let base = p &* outPlane
                for i in base..<(base &+ outPlane) { dst[Int(indices[i])] += g[i] }
            }
        }
    }

    /// `out[p][indices[p][i]] = x[p][i]` (checked indices, later ones win) into a zeroed `out`.
    static func scatterAssign<T: TensorElement>(_ x: UnsafePointer<T>, _ indices: UnsafePointer<Int64>,
                                                _ out: UnsafeMutablePointer<T>, planes: Int, outPlane: Int, inPlane: Int) {
        for p in 0..<planes {
            let dst = out + p &* inPlane
            let base = p &* outPlane
            for i in base..<(base &+ outPlane) { dst[Int(indices[i])] = x[i] }
        }
    }
}

// MARK: - Plans

extension PoolPlan {
    /// PyTorch's pooling_output_shape: the number of windows of a pooling, or nil on overflow.
    static func outputSize(_ input: Int, kernel: Int, pad: Int, stride: Int, dilation: Int, ceilMode: Bool) -> Int? {
        let (extent, o1) = dilation.multipliedReportingOverflow(by: kernel &- 1)
        let (twoPads, o2) = pad.multipliedReportingOverflow(by: 2)
        guard !o1, !o2, stride > 0 else { return nil }
        var (numerator, o3) = input.addingReportingOverflow(twoPads)
        guard !o3 else { return nil }
        (numerator, o3) = numerator.subtractingReportingOverflow(extent)
        guard !o3 else { return nil }
        (numerator, o3) = numerator.subtractingReportingOverflow(1)
        guard !o3 else { return nil }
        if ceilMode { (numerator, o3) = numerator.addingReportingOverflow(stride - 1); guard !o3 else { return nil } }
        // div_rtn: division rounding toward negative infinity.
        var q = numerator / stride
        if numerator % stride != 0 && numerator < 0 { q -= 1 }
        var out = q + 1
        if ceilMode {
            let (last, o4) = (out - 1).multipliedReportingOverflow(by: stride)
            let (edge, o5) = input.addingReportingOverflow(pad)
            if o4 || o5 { return nil }
            if last >= edge { out -= 1 }
        }
        return out
    }

    /// a + b, clamped to Int's range (window ends of extreme parameters; they are then clipped
    /// to the input).
    @inline(__always)
    private static func clampedSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }

    /// The windows of max or average pooling along one dimension (sizes already checked).
    static func slidingAxis(input: Int, output: Int, kernel: Int, stride: Int, pad: Int, dilation: Int,
                            countIncludePad: Bool = true) -> PoolAxis {
        var lo = [Int](), hi = [Int](), share = [Int]()
        lo.reserveCapacity(output); hi.reserveCapacity(output); share.reserveCapacity(output)
        for o in 0..<output {
            let (offset, overflow) = o.multipliedReportingOverflow(by: stride)
            let start = overflow ? Int.max : clampedSum(offset, -pad)
            if dilation == 1 {
                // Average pooling's windows (max pooling's with dilation 1 are the same).
                let end = Swift.min(clampedSum(start, kernel), clampedSum(input, pad))
                let s = Swift.max(start, 0), e = Swift.min(end, input)
                lo.append(Swift.min(s, input)); hi.append(Swift.max(e, 0))
                share.append(countIncludePad ? Swift.max(clampedSum(end, start == Int.min ? Int.max : -start), 0) : Swift.max(e - s, 0))
            } else {
                // The first tap at or after 0 (PyTorch steps there one dilation at a time).
                var s = start
                if s < 0 {
                    let (shift, overflow) = ((-(s + 1)) / dilation + 1).multipliedReportingOverflow(by: dilation)
                    s = overflow ? Int.max : clampedSum(s, shift)
                }
                let e = Swift.min(clampedSum(start, clampedSum((kernel - 1) * dilation, 1)), input)
                lo.append(Swift.min(s, input)); hi.append(Swift.max(e, 0)); share.append(1)
            }
        }
        // A step beyond the input takes one tap anyway; clamped, stepping cannot overflow.
        return PoolAxis(inSize: input, outSize: output, lo: lo, hi: hi, step: Swift.min(dilation, Swift.max(input, 1)), share: share)
    }

    /// The windows of adaptive pooling: output o covers [floor(o in / out), ceil((o + 1) in / out)).
    static func adaptiveAxis(input: Int, output: Int) throws -> PoolAxis {
        guard !input.multipliedReportingOverflow(by: output + 1).overflow else {
            throw SwiftGradError.invalidArgument("adaptive pooling: input size \(input) and output size \(output) are too large")
        }
        var lo = [Int](), hi = [Int](), share = [Int]()
        lo.reserveCapacity(output); hi.reserveCapacity(output); share.reserveCapacity(output)
        for o in 0..<output {
            let s = (o * input) / output
            let e = ((o + 1) * input + output - 1) / output
            lo.append(s); hi.append(e); share.append(e - s)
        }
        return PoolAxis(inSize: input, outSize: output, lo: lo, hi: hi, step: 1, share: share)
    }
}

// MARK: - Ops

extension Tensor {
    fileprivate static func spatialName(_ k: Int) -> String { "\(k)D" }

    /// The input as a contiguous tensor that kernels of `compute` dtype read: float16 and
    /// bfloat16 computed as float32.
    fileprivate func poolOperand(_ compute: DType) throws -> Tensor {
        try noGrad { dtype == compute ? try denseForKernel() : try to(compute, recording: false).denseForKernel() }
    }

    /// Checks the counts of pooling parameters (1 to 3 spatial dimensions, every list as long).
    fileprivate static func checkPoolLists(_ name: String, _ k: Int, _ lists: [(String, [Int])]) throws {
        guard (1...3).contains(k) else {
            throw SwiftGradError.invalidArgument("\(name): kernel_size must have 1, 2 or 3 entries, got \(k)")
        }
        for (label, list) in lists where list.count != k {
            throw SwiftGradError.invalidArgument("\(name): \(label) must have \(k) entries (one per spatial dimension), got \(list.count)")
        }
    }

    /// Checks the input of a 2-d or 3-d pooling (PyTorch's messages) and returns its leading dims.
    fileprivate func poolLeading(_ k: Int, _ name: String) throws -> [Int] {
        let sizes = Shape.describe(shape)
        if k == 2 {
            let ok = (ndim == 3 && shape[0] != 0 && shape[1] != 0 && shape[2] != 0)
                || (ndim == 4 && shape[1] != 0 && shape[2] != 0 && shape[3] != 0)
            guard ok else {
                throw SwiftGradError.shape("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:\(sizes)")
            }
        } else if k == 3 {
            guard ndim == 4 || ndim == 5 else {
                throw SwiftGradError.shape("non-empty 4D or 5D (batch mode) tensor expected for input")
            }
            for i in 0..<ndim where !(ndim == 5 && i == 0) && shape[i] == 0 {
                throw SwiftGradError.shape("\(name): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(sizes) with dimension \(i) being empty")
            }
        }
        return Array(shape[..<(ndim - k)])
    }

    /// The plan of max or average pooling, with PyTorch's checks and messages.
    fileprivate func slidingPlan(_ name: String, kernel: [Int], stride strideIn: [Int], padding: [Int],
                                 dilation: [Int], ceilMode: Bool, countIncludePad: Bool = true,
                                 divisorOverride: Int? = nil, average: Bool) throws -> PoolPlan {
        let k = kernel.count
        let stride = strideIn.isEmpty ? kernel : strideIn
        try Tensor.checkPoolLists(name, k, [("stride", stride), ("padding", padding), ("dilation", dilation)])
        // PyTorch's order: the output-size checks of each dimension (stride, padding), then the
        // kernel, stride and dilation signs, then the input, then the output's size.
        guard stride.allSatisfy({ $0 != 0 }) else { throw SwiftGradError.invalidArgument("stride should not be zero") }
        for i in 0..<k {
            let (extent, overflow) = dilation[i].multipliedReportingOverflow(by: kernel[i] &- 1)
            guard !overflow, extent < Int.max else {
                throw SwiftGradError.invalidArgument("effective kernel size overflows, but got kernel_size=\(kernel[i]) and dilation=\(dilation[i])")
            }
            guard padding[i] >= 0 else { throw SwiftGradError.invalidArgument("pad must be non-negative, but got pad: \(padding[i])") }
            guard padding[i] <= (extent + 1) / 2 else {
                throw SwiftGradError.invalidArgument("pad should be at most half of effective kernel size, but got pad=\(padding[i]), kernel_size=\(kernel[i]) and dilation=\(dilation[i])")
            }
        }
        let labels = k == 3 ? ["T", "H", "W"] : ["H", "W"]
        guard kernel.allSatisfy({ $0 > 0 }) else {
            throw SwiftGradError.invalidArgument("kernel size should be greater than zero, but got " + zip(labels, kernel).map { "k\($0): \($1)" }.joined(separator: " "))
        }
        guard stride.allSatisfy({ $0 > 0 }) else {
            throw SwiftGradError.invalidArgument("stride should be greater than zero, but got " + zip(labels, stride).map { "d\($0): \($1)" }.joined(separator: " "))
        }
        guard dilation.allSatisfy({ $0 > 0 }) else {
            throw SwiftGradError.invalidArgument("dilation should be greater than zero, but got " + zip(labels, dilation).map { "dilation\($0): \($1)" }.joined(separator: " "))
        }
        let leading = try poolLeading(k, name)
        var outputs = [Int]()
        for i in 0..<k {
            let input = shape[ndim - k + i]
            guard let out = PoolPlan.outputSize(input, kernel: kernel[i], pad: padding[i], stride: stride[i],
                                                dilation: dilation[i], ceilMode: ceilMode) else {
                throw SwiftGradError.invalidArgument("\(name): invalid computed output size (overflow)")
            }
            outputs.append(out)
        }
        if average && k == 3 {
            let ins = Array(shape.suffix(3))
            guard ins[0] >= kernel[0], ins[1] >= kernel[1], ins[2] >= kernel[2] else {
                throw SwiftGradError.invalidArgument("input image (T: \(ins[0]) H: \(ins[1]) W: \(ins[2])) smaller than kernel size (kT: \(kernel[0]) kH: \(kernel[1]) kW: \(kernel[2]))")
            }
        }
        guard outputs.allSatisfy({ $0 >= 1 }) else {
            let planes = ndim > k ? shape[ndim - k - 1] : 1
            let ins = shape.suffix(k).map(String.init).joined(separator: "x")
            let outs = outputs.map(String.init).joined(separator: "x")
            throw SwiftGradError.invalidArgument("Given input size: (\(planes)x\(ins)). Calculated output size: (\(planes)x\(outs)). Output size is too small")
        }
        let empty = try PoolPlan.isEmpty(shape, outputs, dtype: dtype)
        let axes = (0..<k).map { i in
            empty ? PoolAxis.sizes(shape[ndim - k + i], outputs[i]) : PoolPlan.slidingAxis(input: shape[ndim - k + i], output: outputs[i], kernel: kernel[i], stride: stride[i],
                                 pad: padding[i], dilation: average ? 1 : dilation[i], countIncludePad: countIncludePad)
        }
        return PoolPlan(leading: leading, spatialAxes: axes, divisorOverride: divisorOverride)
    }

    /// The 1-d form of a pooling: the input with a dimension of size 1 inserted before its last,
    /// pooled in 2-d, and that dimension removed again (PyTorch's way, SqueezeBackward1).
    fileprivate func checkPool1dInput(_ name: String) throws {
        guard (ndim == 2 && shape[0] != 0 && shape[1] != 0) || (ndim == 3 && shape[1] != 0 && shape[2] != 0) else {
            throw SwiftGradError.shape("\(name): Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:\(Shape.describe(shape))")
        }
    }

    // MARK: max pooling

    /// Max pooling over the last `kernelSize.count` (1 to 3) dimensions (`F.max_pool1d/2d/3d`
    /// with `return_indices=True`, MaxPool2DWithIndicesBackward0 / MaxPool3DWithIndicesBackward0):
    /// windows of `kernelSize` taken every `stride` (empty: the kernel size) over the input
    /// padded by `padding` on both sides (never read), with `dilation` between taps; `ceilMode`
    /// rounds the number of windows up as long as the last one starts inside the input or its
    /// left padding. The indices are each maximum's flat position in its input plane (the
    /// spatial dimensions), the first maximum in window order, NaN counting as the largest.
    /// - Throws: `.invalidArgument` for a bad kernel, stride, padding or dilation, or an output
    ///   with no window; `.shape` for an input of the wrong rank or an empty non-batch
    ///   dimension; `.dtype` for bool (PyTorch's messages).
    public func maxPoolWithIndices(kernelSize: [Int], stride: [Int] = [], padding: [Int], dilation: [Int],
                                   ceilMode: Bool = false) throws -> ValuesAndIndices {
        let k = kernelSize.count
        try Tensor.checkPoolLists("max_pool", k, [("padding", padding), ("dilation", dilation)])
        guard dtype != .bool else { throw SwiftGradError.dtype("\"max_pool\(k)d\" not implemented for 'Bool'") }
        if k == 1 {
            try checkPool1dInput("max_pool1d")
            guard stride.count <= 1 else { throw SwiftGradError.invalidArgument("max_pool1d: stride must have 1 entry, got \(stride.count)") }
            guard kernelSize[0] > 0 else { throw SwiftGradError.invalidArgument("max_pool1d() kernel_size must be greater than zero, but got \(kernelSize[0])") }
            if let s = stride.first, s <= 0 { throw SwiftGradError.invalidArgument("max_pool1d() stride must be greater than zero, but got \(s)") }
            guard dilation[0] > 0 else { throw SwiftGradError.invalidArgument("max_pool1d() dilation must be greater than zero, but got \(dilation[0])") }
            let s = stride.first ?? kernelSize[0]
            let (extent, overflow) = dilation[0].multipliedReportingOverflow(by: kernelSize[0] - 1)
            guard !overflow, extent < Int.max else {
                throw SwiftGradError.invalidArgument("effective kernel size overflows, but got kernel_size=\(kernelSize[0]) and dilation=\(dilation[0])")
            }
            guard padding[0] >= 0 else { throw SwiftGradError.invalidArgument("pad must be non-negative, but got pad: \(padding[0])") }
            guard padding[0] <= (extent + 1) / 2 else {
                throw SwiftGradError.invalidArgument("pad should be at most half of effective kernel size, but got pad=\(padding[0]), kernel_size=\(kernelSize[0]) and dilation=\(dilation[0])")
            }
            if let out = PoolPlan.outputSize(shape[ndim - 1], kernel: kernelSize[0], pad: padding[0], stride: s,
                                             dilation: dilation[0], ceilMode: ceilMode), out < 1 {
                throw SwiftGradError.invalidArgument("max_pool1d() Invalid computed output size: \(out)")
            }
            let r = try unsqueeze(dim: ndim - 1).maxPoolWithIndices(
                kernelSize: [1, kernelSize[0]], stride: [1, s], padding: [0, padding[0]], dilation: [1, dilation[0]], ceilMode: ceilMode)
            return ValuesAndIndices(values: try r.values.squeeze(dim: r.values.ndim - 2),
                                    indices: try noGrad { try r.indices.squeeze(dim: r.indices.ndim - 2) })
        }
        let plan = try slidingPlan(k == 2 ? "max_pool2d" : "max_pool3d_with_indices_out_cpu_template()", kernel: kernelSize,
                                   stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode, average: false)
        return try maxPooled(plan, name: "MaxPool\(k)DWithIndicesBackward0")
    }

    /// `maxPoolWithIndices`' values alone (`F.max_pool1d/2d/3d`).
    public func maxPool(kernelSize: [Int], stride: [Int] = [], padding: [Int], dilation: [Int], ceilMode: Bool = false) throws -> Tensor {
        try maxPoolWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).values
    }

    /// Runs the max kernel over `plan` and records the values under `name`.
    fileprivate func maxPooled(_ plan: PoolPlan, name: String) throws -> ValuesAndIndices {
        let outShape = plan.outShape
        let indices = try Tensor.empty(outShape, .int64)
        let ip = indices.pointer(Int64.self)
        let values: Tensor
        func run<T: PoolOrdered>(_ x: Tensor, _: T.Type) throws -> Tensor {
            let out = try Tensor.empty(outShape, x.dtype)
            PoolKernels.max(UnsafePointer(x.pointer(T.self) + x.storageOffset), out.pointer(T.self), ip, plan)
            return out
        }
        switch dtype {
        case .float32: values = try run(poolOperand(.float32), Float.self)
        case .float64: values = try run(poolOperand(.float64), Double.self)
        case .float16, .bfloat16: values = try run(poolOperand(.float32), Float.self).to(dtype, recording: false)
        case .int64: values = try run(poolOperand(.int64), Int64.self)
        case .int32: values = try run(poolOperand(.int32), Int32.self)
        case .int16: values = try run(poolOperand(.int16), Int16.self)
        case .int8: values = try run(poolOperand(.int8), Int8.self)
        case .uint8: values = try run(poolOperand(.uint8), UInt8.self)
        case .bool: throw SwiftGradError.dtype("\"max_pool\" not implemented for 'Bool'")
        }
        let k = plan.spatial
        let backwardName = String(name.dropLast("Backward0".count)) + "BackwardBackward0"
        let recordedValues = try values.recorded(name, inputs: [self], saving: [self, indices]) { g, ctx in
            [try Tensor.maxPoolScatter(g, input: ctx.saved(0), indices: ctx.saved(1), spatial: k, name: backwardName)]
        }
        return ValuesAndIndices(values: recordedValues, indices: indices)
    }

    /// The gradient of a max pooling: each output gradient added at its index in the input's
    /// plane, recorded under `name` with the gather at the same indices as its own backward
    /// (and zero for the input, which it depends on only through the indices).
    static func maxPoolScatter(_ g: Tensor, input: Tensor, indices: Tensor, spatial k: Int, name: String) throws -> Tensor {
        let inShape = input.shape
        let leading = Array(inShape[..<(inShape.count - k)])
        let planes = leading.reduce(1, &*), inPlane = inShape.suffix(k).reduce(1, &*)
        guard g.shape == indices.shape, g.ndim == inShape.count, Array(g.shape[..<(g.ndim - k)]) == leading else {
            throw SwiftGradError.shape("max_pool backward: gradient \(Shape.describe(g.shape)) and indices \(Shape.describe(indices.shape)) do not fit the input \(Shape.describe(inShape))")
        }
        guard indices.dtype == .int64 else {
            throw SwiftGradError.dtype("max_pool backward: indices must be int64, got \(indices.dtype.scalarTypeName)")
        }
        let outPlane = g.shape.suffix(k).reduce(1, &*)
        let idx = try indices.denseForKernel()
        let ip = UnsafePointer(idx.pointer(Int64.self) + idx.storageOffset)
        for i in 0..<idx.count where ip[i] < 0 || Int(ip[i]) >= inPlane {
            throw SwiftGradError.invalidArgument("Found an invalid max index: \(ip[i]) (output volumes are of size \(inShape.suffix(k).map(String.init).joined(separator: "x")))")
        }
        func run<T: PoolFloat>(_ gd: Tensor, _: T.Type) throws -> Tensor {
            let out = try Tensor.zeros(inShape, dtype: gd.dtype)
            PoolKernels.scatterAdd(UnsafePointer(gd.pointer(T.self) + gd.storageOffset), ip, out.pointer(T.self),
                                   planes: planes, outPlane: outPlane, inPlane: inPlane)
            return out
        }
        let result: Tensor
        switch g.dtype {
        case .float32: result = try run(g.poolOperand(.float32), Float.self)
        case .float64: result = try run(g.poolOperand(.float64), Double.self)
        case .float16, .bfloat16: result = try run(g.poolOperand(.float32), Float.self).to(g.dtype, recording: false)
        default: throw SwiftGradError.dtype("\"max_pool_backward\" not implemented for '\(g.dtype.scalarTypeName)'")
        }
        return try result.recorded(name, inputs: [g, input], saving: [indices]) { gg, ctx in
            [ctx.needsGrad(0) ? try Tensor.planeGather(gg, indices: ctx.saved(0), spatial: k) : nil,
             ctx.needsGrad(1) ? try Tensor.zeros(ctx.inputShape(1), dtype: gg.dtype) : nil]
        }
    }

    /// `x[plane][indices[plane][i]]` for the planes of the last `k` dimensions (PyTorch's
    /// max_pool_double_backward): a differentiable gather.
    static func planeGather(_ x: Tensor, indices: Tensor, spatial k: Int) throws -> Tensor {
        let leading = Array(x.shape[..<(x.ndim - k)])
        let planes = leading.reduce(1, &*)
        let flatX = try x.reshape([planes, x.shape.suffix(k).reduce(1, &*)])
        let flatI = try indices.reshape([planes, indices.shape.suffix(k).reduce(1, &*)])
        return try flatX.gather(dim: 1, index: flatI).reshape(indices.shape)
    }

    /// PyTorch's `max_pool2d_with_indices_backward` (`max_pool3d_with_indices_backward` for 3
    /// spatial dims): `grad` added at `indices` in zeros shaped like the input, after checking
    /// that both fit the pooling's parameters (MaxPool2DWithIndicesBackwardBackward0).
    /// - Throws: as `maxPoolWithIndices`, `.shape` when grad or indices do not have the
    ///   pooling's output shape, `.invalidArgument` for an index outside its plane.
    public func maxPoolWithIndicesBackward(grad: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int],
                                           dilation: [Int], ceilMode: Bool, indices: Tensor) throws -> Tensor {
        let k = kernelSize.count
        try Tensor.checkPoolLists("max_pool_backward", k, [("padding", padding), ("dilation", dilation)])
        guard k >= 2 else { throw SwiftGradError.invalidArgument("max_pool_with_indices_backward: takes 2 or 3 spatial dimensions, got 1") }
        let plan = try slidingPlan(k == 2 ? "max_pool2d" : "max_pool3d_with_indices_backward", kernel: kernelSize, stride: stride,
                                   padding: padding, dilation: dilation, ceilMode: ceilMode, average: false)
        guard grad.shape == plan.outShape else {
            throw SwiftGradError.shape("Expected gradOutput of shape \(Shape.describe(plan.outShape)) but got \(Shape.describe(grad.shape))")
        }
        guard indices.shape == plan.outShape else {
            throw SwiftGradError.shape("Expected indices of shape \(Shape.describe(plan.outShape)) but got \(Shape.describe(indices.shape))")
        }
        guard grad.dtype == dtype else {
            throw SwiftGradError.dtype("expected grad_output and input to have the same dtype, but got \(grad.dtype.scalarTypeName) and \(dtype.scalarTypeName)")
        }
        return try Tensor.maxPoolScatter(grad, input: self, indices: indices, spatial: k,
                                         name: "MaxPool\(k)DWithIndicesBackwardBackward0")
    }

    // MARK: average pooling

    /// Average pooling over the last `kernelSize.count` (1 to 3) dimensions (`F.avg_pool1d/2d/3d`,
    /// AvgPool2DBackward0 / AvgPool3DBackward0): windows of `kernelSize` every `stride` (empty:
    /// the kernel size) over the input zero-padded by `padding`; each window's sum is divided by
    /// `divisorOverride` when given, else by the window's size counting the padding
    /// (`countIncludePad`) or only the input positions it covers. A window cut by the right edge
    /// in ceil mode counts only up to the padding's end.
    /// - Throws: as `maxPoolWithIndices`, and `.invalidArgument` for a zero divisor override;
    ///   `.dtype` for non-floating input.
    public func avgPool(kernelSize: [Int], stride: [Int] = [], padding: [Int], ceilMode: Bool = false,
                        countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        let k = kernelSize.count
        try Tensor.checkPoolLists("avg_pool", k, [("padding", padding)])
        guard dtype.isFloatingPoint else { throw SwiftGradError.dtype("\"avg_pool\(k == 3 ? 3 : 2)d\" not implemented for '\(dtype.scalarTypeName)'") }
        if let d = divisorOverride, d == 0 { throw SwiftGradError.invalidArgument("divisor must be not zero") }
        if k == 1 {
            try checkPool1dInput("avg_pool1d")
            guard stride.count <= 1 else { throw SwiftGradError.invalidArgument("avg_pool1d: stride must have 1 entry, got \(stride.count)") }
            let s = stride.first ?? kernelSize[0]
            let out = try unsqueeze(dim: ndim - 1).avgPool(kernelSize: [1, kernelSize[0]], stride: [1, s], padding: [0, padding[0]],
                                                           ceilMode: ceilMode, countIncludePad: countIncludePad,
                                                           divisorOverride: divisorOverride)
            return try out.squeeze(dim: out.ndim - 2)
        }
        if k == 3 && !(ndim == 4 || ndim == 5) {
            throw SwiftGradError.shape("non-empty 4D or 5D (batch mode) tensor expected for input")
        }
        let plan = try slidingPlan(k == 2 ? "avg_pool2d" : "avg_pool3d()", kernel: kernelSize, stride: stride, padding: padding,
                                   dilation: [Int](repeating: 1, count: k), ceilMode: ceilMode,
                                   countIncludePad: countIncludePad, divisorOverride: divisorOverride, average: true)
        return try averaged(plan, name: "AvgPool\(k)DBackward0")
    }

    /// Adaptive average pooling to `outputSize` over the last `outputSize.count` (1 to 3)
    /// dimensions (`F.adaptive_avg_pool1d/2d/3d`, AdaptiveAvgPool2DBackward0 / 3D): output o
    /// averages input positions floor(o in / out) up to ceil((o + 1) in / out). An output of
    /// all ones is the mean over the spatial dimensions (MeanBackward1), as in PyTorch.
    /// - Throws: `.invalidArgument` for a negative output size, `.shape` for an input of the
    ///   wrong rank or an empty non-batch dimension, `.dtype` for non-floating input.
    public func adaptiveAvgPool(outputSize: [Int]) throws -> Tensor {
        let k = outputSize.count
        guard (1...3).contains(k) else {
            throw SwiftGradError.invalidArgument("adaptive_avg_pool: output_size must have 1, 2 or 3 entries, got \(k)")
        }
        guard outputSize.allSatisfy({ $0 >= 0 }) else {
            throw SwiftGradError.invalidArgument("adaptive_avg_pool\(k)d: elements of output_size must be greater than or equal to 0 but received {\(outputSize.map(String.init).joined(separator: ", "))}")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"adaptive_avg_pool\(k == 3 ? "3d_cpu" : "2d")\" not implemented for '\(dtype.scalarTypeName)'")
        }
        if k == 1 {
            guard ndim == 2 || ndim == 3 else {
                throw SwiftGradError.shape("adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got \(Shape.describe(shape))")
            }
            let out = try unsqueeze(dim: ndim - 1).adaptiveAvgPool(outputSize: [1, outputSize[0]])
            return try out.squeeze(dim: out.ndim - 2)
        }
        guard ndim == k + 1 || ndim == k + 2 else {
            throw SwiftGradError.shape("adaptive_avg_pool\(k)d(): Expected \(k + 1)D or \(k + 2)D tensor, but got \(Shape.describe(shape))")
        }
        for i in 1..<ndim where shape[i] == 0 {
            throw SwiftGradError.shape("adaptive_avg_pool\(k)d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(Shape.describe(shape)) with dimension \(i) being empty")
        }
        if outputSize.allSatisfy({ $0 == 1 }) {
            return try mean(dims: Array((ndim - k)..<ndim), keepdim: true)
        }
        let leading = Array(shape[..<(ndim - k)])
        let empty = try PoolPlan.isEmpty(shape, outputSize, dtype: dtype)
        let axes = try (0..<k).map {
            empty ? PoolAxis.sizes(shape[ndim - k + $0], outputSize[$0]) : try PoolPlan.adaptiveAxis(input: shape[ndim - k + $0], output: outputSize[$0])
        }
        return try averaged(PoolPlan(leading: leading, spatialAxes: axes), name: "AdaptiveAvgPool\(k)DBackward0")
    }

    /// Runs the average kernel over `plan` and records it under `name`, its backward the
    /// adjoint kernel (recorded in turn, with the average as its backward).
    fileprivate func averaged(_ plan: PoolPlan, name: String) throws -> Tensor {
        let out = try Tensor.poolAverage(self, plan, adjoint: false)
        let backwardName = String(name.dropLast("Backward0".count)) + "BackwardBackward0"
        return try out.recorded(name, inputs: [self], saving: [self]) { g, ctx in
            [try Tensor.poolAverageBackward(g, input: ctx.saved(0), plan, name: backwardName)]
        }
    }

    /// The gradient of an average pooling, recorded under `name` with the average pooling as
    /// its backward for the gradient (and zero for the input).
    static func poolAverageBackward(_ g: Tensor, input: Tensor, _ plan: PoolPlan, name: String) throws -> Tensor {
        let out = try poolAverage(g, plan, adjoint: true)
        return try out.recorded(name, inputs: [g, input]) { gg, ctx in
            [ctx.needsGrad(0) ? try Tensor.poolAverage(gg, plan, adjoint: false) : nil,
             ctx.needsGrad(1) ? try Tensor.zeros(ctx.inputShape(1), dtype: gg.dtype) : nil]
        }
    }

    /// The average kernel (or its adjoint) over `plan`, outside the graph.
    static func poolAverage(_ x: Tensor, _ plan: PoolPlan, adjoint: Bool) throws -> Tensor {
        let expected = adjoint ? plan.outShape : plan.inShape
        guard x.shape == expected else {
            throw SwiftGradError.shape("pooling: expected a tensor of shape \(Shape.describe(expected)), got \(Shape.describe(x.shape))")
        }
        let resultShape = adjoint ? plan.inShape : plan.outShape
        func run<T: PoolFloat>(_ xd: Tensor, _: T.Type) throws -> Tensor {
            let p = UnsafePointer(xd.pointer(T.self) + xd.storageOffset)
            if adjoint {
                let out = try Tensor.zeros(resultShape, dtype: xd.dtype)
                PoolKernels.averageBackward(p, out.pointer(T.self), plan)
                return out
            }
            let out = try Tensor.empty(resultShape, xd.dtype)
            PoolKernels.average(p, out.pointer(T.self), plan)
            return out
        }
        switch x.dtype {
        case .float32: return try run(x.poolOperand(.float32), Float.self)
        case .float64: return try run(x.poolOperand(.float64), Double.self)
        case .float16, .bfloat16: return try run(x.poolOperand(.float32), Float.self).to(x.dtype, recording: false)
        default: throw SwiftGradError.dtype("\"avg_pool2d\" not implemented for '\(x.dtype.scalarTypeName)'")
        }
    }

    // MARK: adaptive max pooling

    /// Adaptive max pooling to `outputSize` over the last `outputSize.count` (1 to 3) dimensions
    /// (`F.adaptive_max_pool1d/2d/3d`, AdaptiveMaxPool2DBackward0 / 3D): the windows of
    /// `adaptiveAvgPool`, with the flat index of each maximum in its plane.
    /// - Throws: `.invalidArgument` for a negative output size, `.shape` for an input of the
    ///   wrong rank or an empty non-batch dimension, `.dtype` for non-floating input.
    public func adaptiveMaxPool(outputSize: [Int]) throws -> ValuesAndIndices {
        let k = outputSize.count
        guard (1...3).contains(k) else {
            throw SwiftGradError.invalidArgument("adaptive_max_pool: output_size must have 1, 2 or 3 entries, got \(k)")
        }
        guard outputSize.allSatisfy({ $0 >= 0 }) else {
            throw SwiftGradError.invalidArgument("Trying to create tensor with negative dimension \(outputSize.first { $0 < 0 } ?? -1): \(Shape.describe(Array(shape.prefix(Swift.max(ndim - k, 0))) + outputSize))")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"adaptive_max_pool\(k == 3 ? "3d_cpu" : "2d")\" not implemented for '\(dtype.scalarTypeName)'")
        }
        if k == 1 {
            guard ndim == 2 || ndim == 3 else {
                throw SwiftGradError.shape("adaptive_max_pool1d(): Expected 2D or 3D tensor, but got \(Shape.describe(shape))")
            }
            let r = try unsqueeze(dim: ndim - 1).adaptiveMaxPool(outputSize: [1, outputSize[0]])
            return ValuesAndIndices(values: try r.values.squeeze(dim: r.values.ndim - 2),
                                    indices: try noGrad { try r.indices.squeeze(dim: r.indices.ndim - 2) })
        }
        guard ndim == k + 1 || ndim == k + 2 else {
            throw SwiftGradError.shape("adaptive_max_pool\(k)d(): Expected \(k + 1)D or \(k + 2)D tensor, but got: \(Shape.describe(shape))")
        }
        for i in 1..<ndim where shape[i] == 0 {
            throw SwiftGradError.shape("adaptive_max_pool\(k)d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(Shape.describe(shape)) with dimension \(i) being empty")
        }
        let leading = Array(shape[..<(ndim - k)])
        let empty = try PoolPlan.isEmpty(shape, outputSize, dtype: dtype)
        let axes = try (0..<k).map {
            empty ? PoolAxis.sizes(shape[ndim - k + $0], outputSize[$0]) : try PoolPlan.adaptiveAxis(input: shape[ndim - k + $0], output: outputSize[$0])
        }
        return try maxPooled(PoolPlan(leading: leading, spatialAxes: axes), name: "AdaptiveMaxPool\(k)DBackward0")
    }

    // MARK: max unpooling

    /// The partial inverse of max pooling (`F.max_unpool1d/2d/3d`, MaxUnpool2DBackward0 / 3D):
    /// zeros of the leading dimensions + `outputSize`, with each value of `self` written at its
    /// index in its plane (later ones win). The gradient gathers at the same indices.
    /// - Throws: `.shape` when `indices` does not have `self`'s shape or the input has the wrong
    ///   rank, `.dtype` for non-int64 indices, `.invalidArgument` for an index outside the
    ///   output plane (PyTorch's "Found an invalid max index").
    public func maxUnpool(indices: Tensor, outputSize: [Int]) throws -> Tensor {
        let k = outputSize.count
        guard (1...3).contains(k) else {
            throw SwiftGradError.invalidArgument("max_unpool: output_size must have 1, 2 or 3 entries, got \(k)")
        }
        guard indices.dtype == .int64 else {
            throw SwiftGradError.dtype("elements in indices should be type int64 but got: \(indices.dtype.scalarTypeName)")
        }
        guard shape == indices.shape else {
            throw SwiftGradError.shape("Expected shape of indices to be same as that of the input tensor (\(Shape.describe(shape))) but got indices tensor with shape: \(Shape.describe(indices.shape))")
        }
        guard outputSize.allSatisfy({ $0 >= 0 }) else {
            throw SwiftGradError.invalidArgument("max_unpool\(k)d: output_size must be non-negative, got \(Shape.describe(outputSize))")
        }
        if k == 1 {
            guard ndim == 2 || ndim == 3 else {
                throw SwiftGradError.shape("max_unpool1d: Expected 2D or 3D tensor, but got \(Shape.describe(shape))")
            }
            // As PyTorch: a trailing dimension of size 1, unpooled in 2-d.
            let out = try unsqueeze(dim: ndim).maxUnpool(indices: noGrad { try indices.unsqueeze(dim: ndim) },
                                                         outputSize: [outputSize[0], 1])
            return try out.squeeze(dim: out.ndim - 1)
        }
        guard ndim == k + 1 || ndim == k + 2 else {
            throw SwiftGradError.shape(k == 2 ? "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with \(ndim) dimensions."
                                              : "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with \(ndim) dimensions.")
        }
        for i in 1..<ndim where shape[i] == 0 {
            throw SwiftGradError.shape("max_unpooling\(k)d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got \(Shape.describe(shape)) with dimension \(i) being empty.")
        }
        let leading = Array(shape[..<(ndim - k)])
        let outShape = leading + outputSize
        _ = try Shape.validate(outShape, itemSize: dtype.itemSize)
        let planes = leading.reduce(1, &*), inPlane = outputSize.reduce(1, &*), outPlane = shape.suffix(k).reduce(1, &*)
        let idx = try indices.denseForKernel()
        let ip = UnsafePointer(idx.pointer(Int64.self) + idx.storageOffset)
        for i in 0..<idx.count where ip[i] < 0 || Int(ip[i]) >= inPlane {
            throw SwiftGradError.invalidArgument("Found an invalid max index: \(ip[i]) (output volumes are of size \(outputSize.map(String.init).joined(separator: "x")))")
        }
        let x = try denseForKernel()
        let out = try Tensor.zeros(outShape, dtype: dtype)
        func run<T: TensorElement>(_: T.Type) {
            PoolKernels.scatterAssign(UnsafePointer(x.pointer(T.self) + x.storageOffset), ip, out.pointer(T.self),
                                      planes: planes, outPlane: outPlane, inPlane: inPlane)
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .float16: run(Float16.self)
        case .bfloat16: run(BFloat16.self)
        case .int64: run(Int64.self)
        case .int32: run(Int32.self)
        case .int16: run(Int16.self)
        case .int8: run(Int8.self)
        case .uint8: run(UInt8.self)
        case .bool: run(Bool.self)
        }
        return try out.recorded("MaxUnpool\(k)DBackward0", inputs: [self], saving: [indices]) { g, ctx in
            [try Tensor.planeGather(g, indices: ctx.saved(0), spatial: k)]
        }
    }
}
