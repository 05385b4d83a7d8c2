import CBLAS

/// The loops behind convolution: im2col (the patches of the input as the columns of a matrix),
/// col2im (its adjoint: columns added back into an image) and the three products a convolution
/// reduces to, each one OpenBLAS GEMM per group over a chunk of the batch laid side by side:
///
///     forward             out[O, n*L]   = W[O, C*K]      @ cols[C*K, n*L]
///     transposed forward  cols[C*K, n*L] = W[O, C*K]^T   @ x[O, n*L]        then col2im
///     weight gradient     gW[O, C*K]   += g[O, n*L]      @ cols[C*K, n*L]^T
///
/// (per group, C and O divided by the groups). The "big" side is the convolution's input (the
/// transposed convolution's output), of C channels; the "small" side its output, of O channels
/// and L positions; K is the number of kernel taps. Putting several samples side by side makes
/// one large GEMM that OpenBLAS spreads over the cores; im2col, col2im and the rearrangements
/// are split over (sample, channel) pairs on the cores too. Everything is computed on dense
/// contiguous operands (the op layer makes them so). Spatial ranks below 3 are run as 3-d with
/// leading sizes of 1.
struct ConvGeometry {
    var batch: Int
    /// Channels of the big side (the convolution's input) and of the small side (its output).
    var bigChannels: Int, smallChannels: Int
    var groups: Int
    /// Three entries each (leading 1s for fewer spatial dimensions).
    var big: [Int], small: [Int], kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]

    init(batch: Int, bigChannels: Int, smallChannels: Int, groups: Int, big: [Int], small: [Int],
         kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]) {
        func three(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: 3 - v.count) + v }
        self.batch = batch
        self.bigChannels = bigChannels
        self.smallChannels = smallChannels
        self.groups = groups
        self.big = three(big, 1)
        self.small = three(small, 1)
        self.kernel = three(kernel, 1)
        self.stride = three(stride, 1)
        self.padding = three(padding, 0)
        self.dilation = three(dilation, 1)
    }

    var taps: Int { kernel[0] * kernel[1] * kernel[2] }
    var bigCount: Int { big[0] * big[1] * big[2] }
    var smallCount: Int { small[0] * small[1] * small[2] }
}

/// Element types the convolution kernels run on: float32 and float64 through BLAS, int64
/// through a plain loop (integer convolutions, which PyTorch also computes, slowly).
protocol ConvElement: NumericElement {
    /// `c = a·b + (beta ? c : 0)` on row-major matrices (`transA`: a is stored k×m), split over
    /// the library's threads when `parallel` allows and the product is large.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int,
                     beta: Bool, _ c: UnsafeMutablePointer<Self>, _ ldc: Int, parallel: Bool)
    /// Whether `count` elements from `p` are all finite (integers always are).
    static func allFinite(_ p: UnsafePointer<Self>, count: Int) -> Bool
}

extension ConvElement {
    /// The product by loops (integers; sizes past BLAS's 32-bit integers).
    static func loopGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                         _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int,
                         beta: Bool, _ c: UnsafeMutablePointer<Self>, _ ldc: Int) {
        for i in 0..<m {
            let row = c + i &* ldc
            if !beta { for j in 0..<n { row[j] = .zero } }
            for p in 0..<k {
                let av = transA ? a[p &* lda &+ i] : a[i &* lda &+ p]
                if transB {
                    for j in 0..<n { row[j] = add(row[j], mul(av, b[j &* ldb &+ p])) }
                } else {
                    let brow = b + p &* ldb
                    for j in 0..<n { row[j] = add(row[j], mul(av, brow[j])) }
                }
            }
        }
    }
}

private func fitsBLAS(_ values: Int...) -> Bool { values.allSatisfy { $0 <= Int(Int32.max) } }

extension Float: ConvElement {
    /// An OR over all elements (which vectorises) of whether the exponent is all ones.
    static func allFinite(_ p: UnsafePointer<Float>, count: Int) -> Bool {
        var nonFinite: UInt32 = 0
        for i in 0..<count { nonFinite |= p[i].bitPattern & 0x7F80_0000 == 0x7F80_0000 ? 1 : 0 }
        return nonFinite == 0
    }

    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                     beta: Bool, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, parallel: Bool) {
        if m == 0 || n == 0 { return }
        guard k > 0, fitsBLAS(m, n, k, lda, ldb, ldc) else {
            return loopGemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda, b, ldb, beta: beta, c, ldc)
        }
        Kernels.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta: beta, c, ldc, parallel: parallel)
    }
}

extension Double: ConvElement {
    /// An OR over all elements (which vectorises) of whether the exponent is all ones.
    static func allFinite(_ p: UnsafePointer<Double>, count: Int) -> Bool {
        var nonFinite: UInt64 = 0
        for i in 0..<count { nonFinite |= p[i].bitPattern & 0x7FF0_0000_0000_0000 == 0x7FF0_0000_0000_0000 ? 1 : 0 }
        return nonFinite == 0
    }

    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
                     beta: Bool, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, parallel: Bool) {
        if m == 0 || n == 0 { return }
        guard k > 0, fitsBLAS(m, n, k, lda, ldb, ldc) else {
            return loopGemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda, b, ldb, beta: beta, c, ldc)
        }
        Kernels.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta: beta, c, ldc, parallel: parallel)
    }
}

extension Int64: ConvElement {
    static func allFinite(_ p: UnsafePointer<Int64>, count: Int) -> Bool { true }

    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Int64>, _ lda: Int, _ b: UnsafePointer<Int64>, _ ldb: Int,
                     beta: Bool, _ c: UnsafeMutablePointer<Int64>, _ ldc: Int, parallel: Bool) {
        loopGemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda, b, ldb, beta: beta, c, ldc)
    }
}

/// How a convolution walks its batch. A batch of at least one sample per core is split into
/// `parts` contiguous runs of samples, one per core, each walked in chunks whose column matrix
/// (2^16 elements, 256 KiB of float32) stays in that core's L2 cache beside OpenBLAS's packed
/// copy of it, from im2col to the GEMM, with OpenBLAS running in the calling thread. A smaller
/// batch is one run whose chunks (2^20 elements) OpenBLAS spreads over the cores itself, the
/// loops around it split by (sample, channel). (LeNet's conv1, (256, 1, 28, 28) by (6, 1, 5, 5),
/// forward and weight gradient: 2.4 times faster split by samples than with the shared chunks;
/// chunks of 2^16 elements then 1.1-1.6 times faster than 2^18 for LeNet's two convolutions,
/// 2^15 and 2^17 no faster.) A split chunk's GEMM also stays within 10^6 multiply-adds per
/// group where one sample allows: OpenBLAS multiplies products up to 100^3 without packing its
/// operands (its small-matrix kernels), and the packed path took twice the time in LeNet's conv2.
struct ConvSplit {
    let parts: Int, chunk: Int

    /// `positions`: a sample's positions in the column layout (ColumnLayout.positions).
    init(_ g: ConvGeometry, positions: Int) {
        let perSample = Swift.max(1, g.bigChannels * g.taps * positions)
        let cores = Swift.min(Parallel.cores, g.batch)
        if cores > 1 && g.batch * perSample >= 1 << 16 {
            parts = cores
            let gemmPerSample = Swift.max(1, (g.smallChannels / Swift.max(1, g.groups)) * perSample / Swift.max(1, g.groups))
            let bySize = Swift.min((1 << 16) / perSample, Swift.max(1, 1_000_000 / gemmPerSample))
            chunk = Swift.max(1, Swift.min((g.batch + cores - 1) / cores, bySize))
        } else {
            parts = 1
            chunk = Swift.max(1, Swift.min(g.batch, (1 << 20) / perSample))
        }
    }

    /// Whether the loops inside a chunk may split over the cores (only when the batch is not).
    var spread: Bool { parts == 1 }

    /// Calls `body(part, start, count)` for the chunks of `batch` samples, the parts concurrently.
    func forEachChunk(batch: Int, _ body: (_ part: Int, _ start: Int, _ count: Int) -> Void) {
        func run(_ p: Int) {
            let end = batch * (p + 1) / parts
            for start in stride(from: batch * p / parts, to: end, by: chunk) {
                body(p, start, Swift.min(chunk, end - start))
            }
        }
        Parallel.run(parts, run)
    }
}

extension Kernels {
    /// Runs `body(i)` for `0..<items`, split over the cores when allowed and the items hold
    /// enough work.
    static func convParallel(_ items: Int, work: Int, spread: Bool = true, _ body: (Int) -> Void) {
        let pieces = (!spread || work < 1 << 15 || Parallel.cores == 1) ? 1 : Swift.min(Parallel.cores, items)
        if pieces <= 1 {
            for i in 0..<items { body(i) }
            return
        }
        Parallel.run(pieces) { p in
            for i in (items * p / pieces)..<(items * (p + 1) / pieces) { body(i) }
        }
    }

    /// For tap offset `off` (`k*dilation - padding`) along an axis of `size` inputs: the output
    /// positions `lo..<hi` whose input `o*stride + off` lies inside.
    @inline(__always)
    private static func validRange(count: Int, stride: Int, off: Int, size: Int) -> (Int, Int) {
        // o*stride + off >= 0  <=>  o >= ceil(-off / stride);  o*stride + off <= size - 1.
        let lo = off >= 0 ? 0 : (-off + stride - 1) / stride
        let top = size - 1 - off
        let hi = top < 0 ? 0 : Swift.min(count, top / stride + 1)
        return (Swift.min(lo, hi), hi)
    }

    /// Copies `n` elements, 16 bytes at a time with a last overlapping piece (runs of
    /// im2col are a row of the output long, 10 to 30 elements in LeNet, where a loop per element
    /// or a memcpy call cost more than the copy).
    @inline(__always)
    private static func copyRun<T>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ n: Int) {
        let bytes = n &* MemoryLayout<T>.stride
        if bytes < 16 {
            for i in 0..<n { dst[i] = src[i] }
            return
        }
        let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
        var offset = 0
        while offset &+ 16 <= bytes {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD4<UInt32>.self), toByteOffset: offset, as: SIMD4<UInt32>.self)
            offset &+= 16
        }
        if offset < bytes {
            let last = bytes &- 16
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: SIMD4<UInt32>.self), toByteOffset: last, as: SIMD4<UInt32>.self)
        }
    }

    /// Writes the K rows of channel `c`'s patches: `cols[(c*K + tap) * ld + l]` for the small
    /// side's positions l, from one channel's image `image` (big side, dense).
    @inline(__always)
    private static func im2colChannel<T: ConvElement>(_ g: ConvGeometry, image: UnsafePointer<T>,
                                                     cols: UnsafeMutablePointer<T>, ld: Int) {
        let (ID, IH, IW) = (g.big[0], g.big[1], g.big[2])
        let (OD, OH, OW) = (g.small[0], g.small[1], g.small[2])
        var row = cols
        for kd in 0..<g.kernel[0] {
            for kh in 0..<g.kernel[1] {
                for kw in 0..<g.kernel[2] {
                    let offD = kd &* g.dilation[0] &- g.padding[0]
                    let offH = kh &* g.dilation[1] &- g.padding[1]
                    let offW = kw &* g.dilation[2] &- g.padding[2]
                    let (lo, hi) = validRange(count: OW, stride: g.stride[2], off: offW, size: IW)
                    let sw = g.stride[2]
                    var dst = row
                    for od in 0..<OD {
                        let id = od &* g.stride[0] &+ offD
                        for oh in 0..<OH {
                            let ih = oh &* g.stride[1] &+ offH
                            if id < 0 || id >= ID || ih < 0 || ih >= IH {
                                for ow in 0..<OW { dst[ow] = .zero }
                            } else {
                                let src = image + ((id &* IH &+ ih) &* IW &+ offW)
                                for ow in 0..<lo { dst[ow] = .zero }
                                if sw == 1 {
                                    copyRun(dst + lo, src + lo, hi &- lo)
                                } else {
                                    for ow in lo..<hi { dst[ow] = src[ow &* sw] }
                                }
                                for ow in hi..<OW { dst[ow] = .zero }
                            }
                            dst += OW
                        }
                    }
                    row += ld
                }
            }
        }
    }

    /// Adds channel `c`'s K rows of `cols` back into its image (the adjoint of im2colChannel).
    @inline(__always)
    static func col2imChannel<T: ConvElement>(_ g: ConvGeometry, cols: UnsafePointer<T>, ld: Int,
                                                     image: UnsafeMutablePointer<T>) {
        let (ID, IH, IW) = (g.big[0], g.big[1], g.big[2])
        let (OD, OH, OW) = (g.small[0], g.small[1], g.small[2])
        var row = cols
        for kd in 0..<g.kernel[0] {
            for kh in 0..<g.kernel[1] {
                for kw in 0..<g.kernel[2] {
                    let offD = kd &* g.dilation[0] &- g.padding[0]
                    let offH = kh &* g.dilation[1] &- g.padding[1]
                    let offW = kw &* g.dilation[2] &- g.padding[2]
                    let (lo, hi) = validRange(count: OW, stride: g.stride[2], off: offW, size: IW)
                    let sw = g.stride[2]
                    var src = row
                    for od in 0..<OD {
                        let id = od &* g.stride[0] &+ offD
                        for oh in 0..<OH {
                            let ih = oh &* g.stride[1] &+ offH
                            if id >= 0 && id < ID && ih >= 0 && ih < IH {
                                let dst = image + ((id &* IH &+ ih) &* IW &+ offW)
                                for ow in lo..<hi { dst[ow &* sw] = T.add(dst[ow &* sw], src[ow]) }
                            }
                            src += OW
                        }
                    }
                    row += ld
                }
            }
        }
    }

    /// The patches of samples `start..<start+count` of `x` ([N, C, big], dense) into `cols`
    /// ([C*K, count*L]).
    static func im2colChunk<T: ConvElement>(_ g: ConvGeometry, _ x: UnsafePointer<T>, start: Int, count: Int,
                                                    _ cols: UnsafeMutablePointer<T>, spread: Bool) {
        let C = g.bigChannels, K = g.taps, L = g.smallCount, ld = count &* L, area = g.bigCount
        convParallel(count * C, work: count * C * K * L, spread: spread) { item in
            let j = item / C, c = item % C
            let imageOffset: Int = ((start &+ j) &* C &+ c) &* area
            let colOffset: Int = c &* K &* ld &+ j &* L
            im2colChannel(g, image: x + imageOffset, cols: cols + colOffset, ld: ld)
        }
    }

    /// `dst[c, j*L + l] = src[start + j, c, l]`: samples side by side (and back when `gather` is false).
    /// Scattering back, `bias[c]` (when given) is added on the way.
    static func arrange<T: ConvElement>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                                channels: Int, length L: Int, start: Int, count: Int, gather: Bool,
                                                bias: UnsafePointer<T>? = nil, spread: Bool) {
        let ld = count &* L
        convParallel(count * channels, work: count * channels * L, spread: spread) { item in
            let j = item / channels, c = item % channels
            let batchedOffset: Int = ((start &+ j) &* channels &+ c) &* L
            let sideOffset: Int = c &* ld &+ j &* L
            let batched = src + batchedOffset, side = dst + sideOffset
            if gather {
                side.update(from: batched, count: L)
            } else if let bias {
                let b = bias[c]
                for l in 0..<L { batched[l] = T.add(side[l], b) }
            } else {
                batched.update(from: side, count: L)
            }
        }
    }

    /// Adds `bias[c]` to each of `channels` rows of L values.
    private static func addBias<T: ConvElement>(_ rows: UnsafeMutablePointer<T>, _ bias: UnsafePointer<T>, channels: Int,
                                                length L: Int, spread: Bool) {
        convParallel(channels, work: channels * L, spread: spread) { c in
            let row = rows + c &* L, b = bias[c]
            for l in 0..<L { row[l] = T.add(row[l], b) }
        }
    }

    /// The convolution of dense `x` [N, C, big] by dense `w` [O, C/G, kernel] (+ dense `bias`
    /// [O]) into a new [N, O, small] tensor.
    static func convolutionForward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ g: ConvGeometry, outShape: [Int]) throws -> Tensor {
        let out = try Tensor.empty(outShape, x.dtype)
        func run<T: ConvElement>(_: T.Type) throws {
            let C = g.bigChannels, O = g.smallChannels, G = g.groups, K = g.taps, L = g.smallCount
            let Cg = C / G, Og = O / G, CKg = Cg * K
            if g.batch == 0 || O == 0 || L == 0 { return }
            let layout = ColumnLayout(g) { true }         // the wide layout's extra outputs are dropped
            let P = layout.positions
            let split = ConvSplit(g, positions: P), nb = split.chunk, spread = split.spread
            let cols = try Tensor.empty([split.parts * C * K * nb * P], x.dtype)
            let side = nb > 1 || !layout.sharesSmallSide ? try Tensor.empty([split.parts * O * nb * P], x.dtype) : nil
            let px = x.pointer(T.self) + x.storageOffset, pw = w.pointer(T.self) + w.storageOffset, po = out.pointer(T.self)
            let pb: UnsafePointer<T>? = bias.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
            split.forEachChunk(batch: g.batch) { part, start, count in
                let ld = count * P, pc = cols.pointer(T.self) + part * C * K * nb * P
                layout.columns(UnsafePointer(px), start: start, count: count, pc, spread: spread)
                let direct = count == 1 && layout.sharesSmallSide
                let dst = direct ? po + start * O * L : side!.pointer(T.self) + part * O * nb * P
                for grp in 0..<G {
                    T.gemm(transA: false, transB: false, m: Og, n: ld, k: CKg, pw + grp * Og * CKg, CKg,
                           pc + grp * CKg * ld, ld, beta: false, dst + grp * Og * ld, ld, parallel: spread)
                }
                if !direct {
                    layout.scatter(UnsafePointer(dst), po, channels: O, start: start, count: count, bias: pb, spread: spread)
                } else if let pb {
                    addBias(dst, pb, channels: O, length: L, spread: spread)
                }
            }
        }
        switch try convKernelType(x.dtype) {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: try run(Int64.self)
        }
        return out
    }

    /// The transposed convolution of dense `x` [N, O, small] by dense `w` [O, C/G, kernel]
    /// (+ dense `bias` [C]) into a new [N, C, big] tensor: col2im of W^T x.
    static func convolutionTransposeForward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ g: ConvGeometry, outShape: [Int]) throws -> Tensor {
        let out = try Tensor.empty(outShape, x.dtype)
        func run<T: ConvElement>(_: T.Type) throws {
            let C = g.bigChannels, O = g.smallChannels, G = g.groups, K = g.taps, L = g.smallCount
            let Cg = C / G, Og = O / G, CKg = Cg * K, area = g.bigCount
            // Every plane starts at its bias (or zero); the columns are added into it.
            let po = out.pointer(T.self)
            let pb: UnsafePointer<T>? = bias.map { UnsafePointer($0.pointer(T.self) + $0.storageOffset) }
            convParallel(g.batch * C, work: g.batch * C * area) { item in
                po.advanced(by: item &* area).update(repeating: pb?[item % C] ?? .zero, count: area)
            }
            if g.batch == 0 || C == 0 || L == 0 || area == 0 { return }
            let px = x.pointer(T.self) + x.storageOffset, pw = w.pointer(T.self) + w.storageOffset
            // The wide layout's extra positions carry zeros, which meet the weight.
            let layout = ColumnLayout(g) { T.allFinite(pw, count: w.count) }
            let P = layout.positions
            let split = ConvSplit(g, positions: P), nb = split.chunk, spread = split.spread
            let cols = try Tensor.empty([split.parts * C * K * nb * P], x.dtype)
            let side = nb > 1 || !layout.sharesSmallSide ? try Tensor.empty([split.parts * O * nb * P], x.dtype) : nil
            split.forEachChunk(batch: g.batch) { part, start, count in
                let ld = count * P, pc = cols.pointer(T.self) + part * C * K * nb * P
                let direct = count == 1 && layout.sharesSmallSide
                let src = direct ? px + start * O * L : side!.pointer(T.self) + part * O * nb * P
                if !direct { layout.gather(UnsafePointer(px), src, channels: O, start: start, count: count, spread: spread) }
                for grp in 0..<G {
                    T.gemm(transA: true, transB: false, m: CKg, n: ld, k: Og, pw + grp * Og * CKg, CKg,
                           src + grp * Og * ld, ld, beta: false, pc + grp * CKg * ld, ld, parallel: spread)
                }
                layout.addColumns(UnsafePointer(pc), start: start, count: count, into: po, spread: spread)
            }
        }
        switch try convKernelType(x.dtype) {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: try run(Int64.self)
        }
        return out
    }

    /// The gradient of the convolution's weight: `sum over samples of g_n @ im2col(x_n)^T`, for
    /// dense `x` [N, C, big] and `gy` [N, O, small], into a new [O, C/G, kernel] tensor. Split
    /// over the cores by samples, each part sums into its own copy, added up at the end in part
    /// order (so the result does not depend on timing).
    static func convolutionWeightGradient(_ x: Tensor, _ gy: Tensor, _ g: ConvGeometry, weightShape: [Int]) throws -> Tensor {
        let out = try Tensor.zeros(weightShape, dtype: x.dtype)
        func run<T: ConvElement>(_: T.Type) throws {
            let C = g.bigChannels, O = g.smallChannels, G = g.groups, K = g.taps, L = g.smallCount
            let Cg = C / G, Og = O / G, CKg = Cg * K, size = out.count
            if g.batch == 0 || L == 0 || size == 0 { return }
            let px = x.pointer(T.self) + x.storageOffset, pg = gy.pointer(T.self) + gy.storageOffset, po = out.pointer(T.self)
            // The wide layout's extra positions get zero gradients, which meet the input.
            let layout = ColumnLayout(g) { T.allFinite(px, count: x.count) }
            let P = layout.positions
            let split = ConvSplit(g, positions: P), nb = split.chunk, spread = split.spread
            let cols = try Tensor.empty([split.parts * C * K * nb * P], x.dtype)
            let side = nb > 1 || !layout.sharesSmallSide ? try Tensor.empty([split.parts * O * nb * P], x.dtype) : nil
            let partials = split.parts > 1 ? try Tensor.zeros([(split.parts - 1) * size], dtype: x.dtype) : nil
            split.forEachChunk(batch: g.batch) { part, start, count in
                let ld = count * P, pc = cols.pointer(T.self) + part * C * K * nb * P
                let sum = part == 0 ? po : partials!.pointer(T.self) + (part - 1) * size
                layout.columns(UnsafePointer(px), start: start, count: count, pc, spread: spread)
                let direct = count == 1 && layout.sharesSmallSide
                let src = direct ? pg + start * O * L : side!.pointer(T.self) + part * O * nb * P
                if !direct { layout.gather(UnsafePointer(pg), src, channels: O, start: start, count: count, spread: spread) }
                for grp in 0..<G {
                    T.gemm(transA: false, transB: true, m: Og, n: CKg, k: ld, src + grp * Og * ld, ld,
                           pc + grp * CKg * ld, ld, beta: true, sum + grp * Og * CKg, CKg, parallel: spread)
                }
            }
            if let partials {
                let pp = partials.pointer(T.self)
                for part in 0..<(split.parts - 1) {
                    for i in 0..<size { po[i] = T.add(po[i], pp[part * size + i]) }
                }
            }
        }
        switch try convKernelType(x.dtype) {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: try run(Int64.self)
        }
        return out
    }

    /// im2col of dense `x` [N, C, big] into a new [N, C*K, L] tensor (F.unfold).
    static func im2col(_ x: Tensor, _ g: ConvGeometry) throws -> Tensor {
        let K = g.taps, L = g.smallCount, C = g.bigChannels
        let out = try Tensor.empty([g.batch, C * K, L], x.dtype)
        func run<T: ConvElement>(_: T.Type) throws {
            let px = x.pointer(T.self) + x.storageOffset, po = out.pointer(T.self), area = g.bigCount
            convParallel(g.batch * C, work: out.count) { item in
                im2colChannel(g, image: px + item * area, cols: po + item * K * L, ld: L)
            }
        }
        switch try convKernelType(x.dtype) {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: try run(Int64.self)
        }
        return out
    }

    /// col2im of dense `cols` [N, C*K, L] into a new [N, C, big] tensor (F.fold).
    static func col2im(_ cols: Tensor, _ g: ConvGeometry, outShape: [Int]) throws -> Tensor {
        let K = g.taps, L = g.smallCount, C = g.bigChannels
        let out = try Tensor.zeros(outShape, dtype: cols.dtype)
        func run<T: ConvElement>(_: T.Type) throws {
            let pc = cols.pointer(T.self) + cols.storageOffset, po = out.pointer(T.self), area = g.bigCount
            convParallel(g.batch * C, work: cols.count) { item in
                col2imChannel(g, cols: pc + item * K * L, ld: L, image: po + item * area)
            }
        }
        switch try convKernelType(cols.dtype) {
        case .float32: try run(Float.self)
        case .float64: try run(Double.self)
        default: try run(Int64.self)
        }
        return out
    }

    /// The dtype itself when the kernels run on it (float32, float64, int64).
    private static func convKernelType(_ dtype: DType) throws -> DType {
        guard dtype == .float32 || dtype == .float64 || dtype == .int64 else {
            throw SwiftGradError.dtype("convolution kernels run on float32, float64 and int64, not '\(dtype.scalarTypeName)'")
        }
        return dtype
    }
}
