/// A convolution of stride 1 and dilation 1 over planes (LeNet's, and most CNNs' 3x3 and 5x5
/// ones) in the wide column layout: each input plane is zero-padded to Hp x Wp (plus KW - 1
/// trailing zeros) and the output computed at Wp positions per row instead of OW, so that a
/// tap's row of the column matrix is one run of the padded plane, `plane[kh*Wp + kw ..< + OH*Wp]`:
/// one copy per tap where the compact layout takes one per tap and output row (im2col was twice
/// the GEMM's time in LeNet's second convolution). The Wp - OW extra positions of each row are
/// computed and dropped (forward), or given zero gradients (backward).
struct WideColumns {
    let IH: Int, IW: Int, OH: Int, OW: Int, KH: Int, KW: Int, ph: Int, pw: Int, Hp: Int, Wp: Int

    /// nil where the layout does not apply, or would compute more than half again the positions.
    init?(_ g: ConvGeometry) {
        guard g.big[0] == 1, g.small[0] == 1, g.kernel[0] == 1, g.stride[1] == 1, g.stride[2] == 1,
              g.dilation[1] == 1, g.dilation[2] == 1 else { return nil }
        (IH, IW, OH, OW) = (g.big[1], g.big[2], g.small[1], g.small[2])
        (KH, KW, ph, pw) = (g.kernel[1], g.kernel[2], g.padding[1], g.padding[2])
        (Hp, Wp) = (IH + 2 * ph, IW + 2 * pw)
        guard OH > 0, OW > 0, OH == Hp - KH + 1, OW == Wp - KW + 1, 2 * Wp <= 3 * OW else { return nil }
    }

    /// Positions of one sample in the wide layout.
    var width: Int { OH &* Wp }
    /// Elements of a padded plane, with the slack the last tap's run reads past it.
    var planeSize: Int { Hp &* Wp &+ KW &- 1 }

    /// `image` (IH x IW) into `plane`, zero-padded.
    @inline(__always)
    func pad<T: ConvElement>(_ image: UnsafePointer<T>, _ plane: UnsafeMutablePointer<T>) {
        plane.update(repeating: .zero, count: ph &* Wp)
        var dst = plane + ph &* Wp, src = image
        for _ in 0..<IH {
            dst.update(repeating: .zero, count: pw)
            (dst + pw).update(from: src, count: IW)
            (dst + (pw &+ IW)).update(repeating: .zero, count: pw)
            dst += Wp
            src += IW
        }
        dst.update(repeating: .zero, count: (Hp &- ph &- IH) &* Wp &+ KW &- 1)
    }

    /// The K rows of one channel's wide columns from its padded plane, `ld` apart.
    @inline(__always)
    func spread<T: ConvElement>(_ plane: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, ld: Int) {
        var row = cols
        for kh in 0..<KH {
            for kw in 0..<KW {
                row.update(from: plane + (kh &* Wp &+ kw), count: width)
                row += ld
            }
        }
    }

    /// The adjoint of `spread`: one channel's K rows of columns added into its padded plane.
    @inline(__always)
    func gather<T: ConvElement>(_ cols: UnsafePointer<T>, ld: Int, _ plane: UnsafeMutablePointer<T>) {
        var row = cols
        let n = width
        for kh in 0..<KH {
            for kw in 0..<KW {
                let dst = plane + (kh &* Wp &+ kw)
                for i in 0..<n { dst[i] = T.add(dst[i], row[i]) }
                row += ld
            }
        }
    }

    /// The interior of a padded plane added into `image` (IH x IW).
    @inline(__always)
    func unpad<T: ConvElement>(_ plane: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>) {
        var src = plane + (ph &* Wp &+ pw), dst = image
        for _ in 0..<IH {
            for i in 0..<IW { dst[i] = T.add(dst[i], src[i]) }
            src += Wp
            dst += IW
        }
    }

    /// One output plane (OH x OW) from its wide row, plus `bias` when given.
    @inline(__always)
    func compact<T: ConvElement>(_ wide: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, bias: T?) {
        var src = wide, dst = out
        for _ in 0..<OH {
            if let bias {
                for i in 0..<OW { dst[i] = T.add(src[i], bias) }
            } else {
                dst.update(from: src, count: OW)
            }
            src += Wp
            dst += OW
        }
    }

    /// One output plane's gradient (OH x OW) as a wide row, zero at the extra positions.
    @inline(__always)
    func widen<T: ConvElement>(_ g: UnsafePointer<T>, _ wide: UnsafeMutablePointer<T>) {
        var src = g, dst = wide
        for _ in 0..<OH {
            dst.update(from: src, count: OW)
            (dst + OW).update(repeating: .zero, count: Wp &- OW)
            src += OW
            dst += Wp
        }
    }
}

/// How a chunk's column matrix lays out its positions: compact (L per sample, im2col's) or wide
/// (see WideColumns), with the moves between it and the small side's [N, O, L] tensors.
enum ColumnLayout {
    case compact(ConvGeometry)
    case wide(ConvGeometry, WideColumns)

    /// The wide layout where it applies. `finite`: whether the operand its extra positions meet
    /// in a product is finite (a zero gradient there times an infinite input would add a NaN).
    init(_ g: ConvGeometry, finite: () -> Bool) {
        if let w = WideColumns(g), finite() { self = .wide(g, w) } else { self = .compact(g) }
    }

    var geometry: ConvGeometry {
        switch self { case .compact(let g), .wide(let g, _): return g }
    }

    /// Positions of one sample.
    var positions: Int {
        switch self { case .compact(let g): return g.smallCount; case .wide(_, let w): return w.width }
    }

    /// Whether a one-sample chunk can use the small side's tensor in place (compact only).
    var sharesSmallSide: Bool {
        if case .compact = self { return true }
        return false
    }

    /// The columns of samples `start..<start+count` of `x` ([N, C, big]).
    func columns<T: ConvElement>(_ x: UnsafePointer<T>, start: Int, count: Int, _ cols: UnsafeMutablePointer<T>, spread: Bool) {
        switch self {
        case .compact(let g):
            Kernels.im2colChunk(g, x, start: start, count: count, cols, spread: spread)
        case .wide(let g, let w):
            let C = g.bigChannels, K = g.taps, area = g.bigCount, ld = count &* w.width
            Kernels.convParallel(count * C, work: count * C * K * w.width, spread: spread) { item in
                let j = item / C, c = item % C
                withUnsafeTemporaryAllocation(of: T.self, capacity: w.planeSize) { buffer in
                    let plane = buffer.baseAddress!
                    let image: Int = ((start &+ j) &* C &+ c) &* area
                    w.pad(x + image, plane)
                    let row: Int = c &* K &* ld &+ j &* w.width
                    w.spread(UnsafePointer(plane), cols + row, ld: ld)
                }
            }
        }
    }

    /// The columns added back into samples `start..<start+count` of `image` ([N, C, big]).
    func addColumns<T: ConvElement>(_ cols: UnsafePointer<T>, start: Int, count: Int, into image: UnsafeMutablePointer<T>,
                                    spread: Bool) {
        let g = geometry, C = g.bigChannels, K = g.taps, area = g.bigCount, L = positions, ld = count &* L
        Kernels.convParallel(count * C, work: count * C * K * L, spread: spread) { item in
            let j = item / C, c = item % C
            let rowOffset: Int = c &* K &* ld &+ j &* L, planeOffset: Int = ((start &+ j) &* C &+ c) &* area
            let src = cols + rowOffset, dst = image + planeOffset
            switch self {
            case .compact(let g):
                Kernels.col2imChannel(g, cols: src, ld: ld, image: dst)
            case .wide(_, let w):
                withUnsafeTemporaryAllocation(of: T.self, capacity: w.planeSize) { buffer in
                    let plane = buffer.baseAddress!
                    plane.update(repeating: .zero, count: w.planeSize)
                    w.gather(src, ld: ld, plane)
                    w.unpad(UnsafePointer(plane), dst)
                }
            }
        }
    }

    /// Small-side samples `start..<start+count` of `src` ([N, O, L]) side by side in `side`
    /// ([O, count * positions]).
    func gather<T: ConvElement>(_ src: UnsafePointer<T>, _ side: UnsafeMutablePointer<T>, channels O: Int, start: Int,
                                count: Int, spread: Bool) {
        switch self {
        case .compact(let g):
            Kernels.arrange(UnsafeMutablePointer(mutating: src), side, channels: O, length: g.smallCount, start: start,
                            count: count, gather: true, spread: spread)
        case .wide(let g, let w):
            let L = g.smallCount, ld = count &* w.width
            Kernels.convParallel(count * O, work: count * O * w.width, spread: spread) { item in
                let j = item / O, o = item % O
                let from: Int = ((start &+ j) &* O &+ o) &* L, to: Int = o &* ld &+ j &* w.width
                w.widen(src + from, side + to)
            }
        }
    }

    /// The inverse of `gather`, adding `bias[o]` (when given) on the way.
    func scatter<T: ConvElement>(_ side: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, channels O: Int, start: Int,
                                 count: Int, bias: UnsafePointer<T>?, spread: Bool) {
        switch self {
        case .compact(let g):
            Kernels.arrange(dst, UnsafeMutablePointer(mutating: side), channels: O, length: g.smallCount, start: start,
                            count: count, gather: false, bias: bias, spread: spread)
        case .wide(let g, let w):
            let L = g.smallCount, ld = count &* w.width
            Kernels.convParallel(count * O, work: count * O * w.width, spread: spread) { item in
                let j = item / O, o = item % O
                let from: Int = o &* ld &+ j &* w.width, to: Int = ((start &+ j) &* O &+ o) &* L
                w.compact(side + from, dst + to, bias: bias?[o])
            }
        }
    }
}
