/// Resizing (`F.interpolate`'s nearest, nearest-exact, linear, bilinear, bicubic and trilinear
/// modes; its area mode is adaptive average pooling). Every mode is separable: along each
/// spatial dimension, output position o is a weighted sum of a few input positions (one for
/// nearest, two for linear, four for cubic), with PyTorch's source-index formulas
/// (aten/src/ATen/native/UpSample.h: area_pixel_compute_source_index, nearest_idx). The op is
/// one node under PyTorch's name whose body selects those positions (index_select) and
/// weights them, last dimension first as PyTorch's kernels do, so its gradient (and the
/// gradient's gradient) follows from those ops.

extension Tensor {
    /// The source scale of a dimension: 1 / scale when a positive scale is given, else
    /// in / out (PyTorch's compute_scales_value).
    @inline(__always)
    fileprivate static func scaleValue<T: BinaryFloatingPoint>(_ scale: Double?, _ input: Int, _ output: Int) -> T {
        if let scale, scale > 0 { return T(1.0 / scale) }
        return T(input) / T(output)
    }

    /// floor(v) clamped to [-1, upper] (NaN: 0): a source position from a scale a C caller may
    /// have made extreme, converted without trapping; in range it is plain floor.
    @inline(__always)
    fileprivate static func floorIndex<T: BinaryFloatingPoint>(_ v: T, _ upper: Int) -> Int {
        if v.isNaN { return 0 }
        let f = v.rounded(.down)
        if f >= T(upper) { return upper }
        if f <= -1 { return -1 }
        return Int(f)
    }

    /// Checks a resize's input ([N, C] + k spatial dimensions, none empty) and output sizes.
    fileprivate func checkResize(_ outputSize: [Int], _ scales: [Double]) throws -> [Double?] {
        let k = outputSize.count
        guard (1...3).contains(k) else {
            throw SwiftGradError.invalidArgument("upsample: output_size must have 1, 2 or 3 entries, got \(k)")
        }
        guard scales.isEmpty || scales.count >= k else {
            throw SwiftGradError.invalidArgument("upsample: expected \(k) scales, got \(scales.count)")
        }
        let labels = k == 1 ? ["W"] : (k == 2 ? ["H", "W"] : ["D", "H", "W"])
        let inputs = ndim == k + 2 ? Array(shape.suffix(k)) : []
        if !inputs.isEmpty && (inputs.contains { $0 <= 0 } || outputSize.contains { $0 <= 0 }) {
            let i = zip(labels, inputs).map { "\($0): \($1)" }.joined(separator: ", ")
            let o = zip(labels, outputSize).map { "\($0): \($1)" }.joined(separator: ", ")
            throw SwiftGradError.invalidArgument("Input and output sizes should be greater than 0, but got input (\(i)) output (\(o))")
        }
        guard ndim == k + 2, count != 0 else {
            throw SwiftGradError.shape("Non-empty \(k + 2)D data tensor expected but got a tensor with sizes \(Shape.describe(shape))")
        }
        _ = try Shape.validate(Array(shape.prefix(2)) + outputSize, itemSize: dtype.itemSize)
        try PoolPlan.checkAxisLimit(outputSize)
        if outputSize.contains(where: { $0 > 1 << 20 }) { _ = try Tensor.empty(Array(shape.prefix(2)) + outputSize, dtype) }
        return (0..<k).map { i in scales.isEmpty || !(scales[i] > 0) ? nil : scales[i] }
    }

    /// Nearest-neighbour resizing of the last `outputSize.count` (1 to 3) dimensions of an
    /// [N, C, ...] tensor (`F.interpolate(mode="nearest")`, UpsampleNearest{1,2,3}DBackward0):
    /// output o reads input floor(o * s) with s = 1 / scale when a positive scale is given,
    /// else in / out, computed in float32 as PyTorch does (so 2x upsampling reads o / 2). With
    /// `exact` (`mode="nearest-exact"`, UpsampleNearestExact{1,2,3}DBackward0) it reads
    /// floor((o + 0.5) * s), the pixel whose centre is nearest.
    /// - Parameters:
    ///   - scales: one per spatial dimension (or none): non-positive entries mean none.
    /// - Throws: `.shape` for an input that is not [N, C] + k non-empty dimensions,
    ///   `.invalidArgument` for a size not above 0, `.dtype` for bool.
    public func upsampleNearest(outputSize: [Int], scales: [Double] = [], exact: Bool = false) throws -> Tensor {
        guard dtype != .bool else {
            throw SwiftGradError.dtype("\"upsample_nearest\(outputSize.count)d\" not implemented for 'Bool'")
        }
        let given = try checkResize(outputSize, scales)
        let k = outputSize.count
        var steps: [(dim: Int, index: Tensor)] = []
        for i in (0..<k).reversed() {
            let input = shape[2 + i], output = outputSize[i]
            let s: Float = Tensor.scaleValue(given[i], input, output)
            var index = [Int64](repeating: 0, count: output)
            for o in 0..<output {
                let source: Int
                if exact {
                    source = Tensor.floorIndex(Float((Double(o) + 0.5) * Double(s)), input - 1)
                } else if output == input {
                    source = o
                } else if output == 2 * input {
                    source = o >> 1
                } else {
                    source = Tensor.floorIndex(Float(o) * s, input - 1)
                }
                index[o] = Int64(Swift.max(source, 0))
            }
            steps.append((2 + i, try Tensor.indexConstant(index, shape: [output])))
        }
        let name = exact ? "UpsampleNearestExact\(k)DBackward0" : "UpsampleNearest\(k)DBackward0"
        return try Tensor.composite(name, [self]) { xs in
            var x = xs[0]
            for (d, index) in steps { x = try x.indexSelect(dim: d, index: index) }
            return x
        }
    }

    /// Linear resizing of the last `outputSize.count` dimensions of an [N, C, ...] tensor:
    /// `F.interpolate`'s linear (1), bilinear (2) and trilinear (3) modes
    /// (UpsampleLinear1DBackward0, UpsampleBilinear2DBackward0, UpsampleTrilinear3DBackward0).
    /// Output o samples the input at `s * o` with `alignCorners` (s = (in - 1) / (out - 1)),
    /// else at `s * (o + 0.5) - 0.5` clamped at 0 (s = 1 / scale or in / out), between its two
    /// neighbours, in the input's precision (float32 for float32, float16 and bfloat16).
    /// - Throws: as `upsampleNearest`; `.dtype` for non-floating input.
    public func upsampleLinear(outputSize: [Int], alignCorners: Bool, scales: [Double] = []) throws -> Tensor {
        let k = outputSize.count
        let name = k == 1 ? "UpsampleLinear1DBackward0" : (k == 2 ? "UpsampleBilinear2DBackward0" : "UpsampleTrilinear3DBackward0")
        let kernelName = k == 1 ? "upsample_linear1d" : (k == 2 ? "upsample_bilinear2d" : "upsample_trilinear3d")
        return try resampled(outputSize: outputSize, alignCorners: alignCorners, scales: scales, cubic: false,
                             name: name, kernelName: kernelName)
    }

    /// Bicubic resizing of the last two dimensions of an [N, C, H, W] tensor
    /// (`F.interpolate(mode="bicubic")`, UpsampleBicubic2DBackward0): the cubic convolution of
    /// four neighbours with A = -0.75, sampled as `upsampleLinear` (without the clamp at 0), the
    /// neighbours clamped to the edges.
    /// - Throws: as `upsampleLinear`, and for other than two output sizes.
    public func upsampleBicubic2d(outputSize: [Int], alignCorners: Bool, scales: [Double] = []) throws -> Tensor {
        guard outputSize.count == 2 else {
            throw SwiftGradError.invalidArgument("upsample_bicubic2d: output_size must have 2 entries, got \(outputSize.count)")
        }
        return try resampled(outputSize: outputSize, alignCorners: alignCorners, scales: scales, cubic: true,
                             name: "UpsampleBicubic2DBackward0", kernelName: "upsample_bicubic2d")
    }

    /// Antialiased bilinear or bicubic resizing of the last two dimensions of [N, C, H, W]
    /// (`F.interpolate(..., antialias=True)`, UpsampleBilinear2DAaBackward0 /
    /// UpsampleBicubic2DAaBackward0), PIL's method as PyTorch implements it: when shrinking by a
    /// factor s, the filter (triangle, or cubic with a = -0.5) is widened by s, and each
    /// output's weights over the input positions it covers are normalised to sum to 1.
    /// - Throws: as `upsampleBicubic2d`.
    public func upsampleAntialiased2d(outputSize: [Int], alignCorners: Bool, scales: [Double] = [], cubic: Bool) throws -> Tensor {
        guard outputSize.count == 2 else {
            throw SwiftGradError.invalidArgument("_upsample_\(cubic ? "bicubic" : "bilinear")2d_aa: output_size must have 2 entries, got \(outputSize.count)")
        }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"_upsample_\(cubic ? "bicubic" : "bilinear")2d_aa\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let given = try checkResize(outputSize, scales)
        let compute: DType = dtype == .float64 ? .float64 : .float32
        var steps: [(dim: Int, taps: [(index: Tensor, weight: Tensor)])] = []
        for i in [1, 0] {
            let input = shape[2 + i], output = outputSize[i]
            let (index, weight) = compute == .float64
                ? Tensor.antialiasTaps(Double.self, input: input, output: output, alignCorners: alignCorners, scale: given[i], cubic: cubic)
                : Tensor.antialiasTaps(Float.self, input: input, output: output, alignCorners: alignCorners, scale: given[i], cubic: cubic)
            let weightShape = [output] + [Int](repeating: 1, count: 1 - i)
            let taps = try (0..<index.count).map { j in
                (try Tensor.indexConstant(index[j], shape: [output]),
                 try Tensor.lossConstant(weight[j], shape: weightShape, dtype: compute))
            }
            steps.append((2 + i, taps))
        }
        let type = dtype
        return try Tensor.composite(cubic ? "UpsampleBicubic2DAaBackward0" : "UpsampleBilinear2DAaBackward0", [self]) { xs in
            var x = type == compute ? xs[0] : try xs[0].to(compute)
            for (d, taps) in steps {
                var sum: Tensor? = nil
                for (index, weight) in taps {
                    let term = try x.indexSelect(dim: d, index: index).mul(weight)
                    sum = try sum.map { try $0.add(term) } ?? term
                }
                x = sum ?? x
            }
            return type == compute ? x : try x.to(type)
        }
    }

    /// PyTorch's _compute_indices_min_size_weights_aa along one dimension, as taps: tap j of
    /// output o reads xmin + j (clamped into the input, with weight 0 past the window).
    fileprivate static func antialiasTaps<T: BinaryFloatingPoint>(_: T.Type, input: Int, output: Int, alignCorners: Bool,
                                                                  scale: Double?, cubic: Bool) -> (index: [[Int64]], weight: [[Double]]) {
        let s: T = alignCorners ? (output > 1 ? T(input - 1) / T(output - 1) : 0) : scaleValue(scale, input, output)
        let interp: T = cubic ? 4 : 2
        let support: T = s >= 1 ? interp * 0.5 * s : interp * 0.5
        // At most the input's size of taps (a huge support on a small input covers it all).
        let maxTaps = Swift.min(floorIndex((support.rounded(.up)) * 2 + 1, input), input)
        let invscale: T = s >= 1 ? 1 / s : 1
        func filter(_ v: T) -> T {
            let x = Swift.abs(v)
            if cubic {
                let a: T = -0.5
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
                return 0
            }
            return x < 1 ? 1 - x : 0
        }
        var index = [[Int64]](repeating: [Int64](repeating: 0, count: output), count: Swift.max(maxTaps, 1))
        var weight = [[Double]](repeating: [Double](repeating: 0, count: output), count: Swift.max(maxTaps, 1))
        for o in 0..<output {
            let center = s * (T(o) + 0.5)
            let xmin = Swift.max(floorIndex(center - support + 0.5, input), 0)
            let xsize = Swift.min(Swift.max(Swift.min(floorIndex(center + support + 0.5, input), input) - xmin, 0), maxTaps)
            var w = [T](repeating: 0, count: xsize)
            var total: T = 0
            for j in 0..<xsize {
                w[j] = filter((T(j + xmin) - center + 0.5) * invscale)
                total += w[j]
            }
            for j in 0..<Swift.max(maxTaps, 1) {
                index[j][o] = Int64(Swift.min(xmin + j, input - 1))
                weight[j][o] = j < xsize && total != 0 ? Double(w[j] / total) : 0
            }
        }
        return (index, weight)
    }

    /// The taps (input positions and weights) of linear or cubic resampling along one dimension.
    fileprivate static func resamplingTaps<T: BinaryFloatingPoint>(_: T.Type, input: Int, output: Int, alignCorners: Bool,
                                                                   scale: Double?, cubic: Bool) -> (index: [[Int64]], weight: [[Double]]) {
        let s: T = alignCorners ? (output > 1 ? T(input - 1) / T(output - 1) : 0) : scaleValue(scale, input, output)
        let taps = cubic ? 4 : 2
        var index = [[Int64]](repeating: [Int64](repeating: 0, count: output), count: taps)
        var weight = [[Double]](repeating: [Double](repeating: 0, count: output), count: taps)
        for o in 0..<output {
            var real: T = alignCorners ? s * T(o) : s * (T(o) + 0.5) - 0.5
            if !cubic && !alignCorners && real < 0 { real = 0 }
            let i0 = floorIndex(real, input - 1)
            let t = Swift.min(Swift.max(real - T(i0), 0), 1)
            if cubic {
                let a: T = -0.75
                func near(_ x: T) -> T { ((a + 2) * x - (a + 3)) * x * x + 1 }
                func far(_ x: T) -> T { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
                let coefficients = [far(t + 1), near(t), near(1 - t), far(2 - t)]
                for j in 0..<4 {
                    index[j][o] = Int64(Swift.max(Swift.min(i0 - 1 + j, input - 1), 0))
                    weight[j][o] = Double(coefficients[j])
                }
            } else {
                index[0][o] = Int64(i0)
                index[1][o] = Int64(i0 + (i0 < input - 1 ? 1 : 0))
                weight[0][o] = Double(1 - t)
                weight[1][o] = Double(t)
            }
        }
        return (index, weight)
    }

    fileprivate func resampled(outputSize: [Int], alignCorners: Bool, scales: [Double], cubic: Bool,
                               name: String, kernelName: String) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"\(cubic ? "compute_indices_weights_cubic" : "compute_indices_weights_linear")\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let given = try checkResize(outputSize, scales)
        let k = outputSize.count
        let compute: DType = dtype == .float64 ? .float64 : .float32
        var steps: [(dim: Int, taps: [(index: Tensor, weight: Tensor)])] = []
        for i in (0..<k).reversed() {
            let input = shape[2 + i], output = outputSize[i]
            let (index, weight) = compute == .float64
                ? Tensor.resamplingTaps(Double.self, input: input, output: output, alignCorners: alignCorners, scale: given[i], cubic: cubic)
                : Tensor.resamplingTaps(Float.self, input: input, output: output, alignCorners: alignCorners, scale: given[i], cubic: cubic)
            let weightShape = [output] + [Int](repeating: 1, count: k - 1 - i)
            let taps = try (0..<index.count).map { j in
                (try Tensor.indexConstant(index[j], shape: [output]),
                 try Tensor.lossConstant(weight[j], shape: weightShape, dtype: compute))
            }
            steps.append((2 + i, taps))
        }
        let type = dtype
        return try Tensor.composite(name, [self]) { xs in
            var x = type == compute ? xs[0] : try xs[0].to(compute)
            for (d, taps) in steps {
                var sum: Tensor? = nil
                for (index, weight) in taps {
                    let term = try x.indexSelect(dim: d, index: index).mul(weight)
                    sum = try sum.map { try $0.add(term) } ?? term
                }
                x = sum!
            }
            return type == compute ? x : try x.to(type)
        }
    }
}
