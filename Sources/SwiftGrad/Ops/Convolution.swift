/// Convolutions over 1, 2 and 3 spatial dimensions (torch.convolution, F.conv1d/2d/3d,
/// F.conv_transpose1d/2d/3d) and the patch rearrangements F.unfold (im2col) and F.fold (col2im).
///
/// Three differentiable primitives, each a set of GEMMs (Kernels/Convolution.swift), carry the
/// math; each one's backward is written in the others, so every order of derivative works:
///
///     y  = conv(x, W)            dx = convT(g, W)           dW = weightGrad(x, g)
///     y  = convT(x, W)           dx = conv(g, W)            dW = weightGrad(g, x)
///     gW = weightGrad(x, gy)     dx = convT(gy, G)          dgy = conv(x, G)
///
/// (`convT` is the adjoint of `conv` in its input, `weightGrad` the adjoint in its weight).
/// PyTorch names the node of both convolutions ConvolutionBackward0, and that of a gradient
/// taken with create_graph ConvolutionBackwardBackward0.

/// The hyperparameters of one convolution, expanded to one entry per spatial dimension.
struct ConvSpec {
    var stride: [Int], padding: [Int], dilation: [Int], groups: Int
}

extension Tensor {
    // MARK: - the primitives (batched, checked inputs)

    /// The dtype the kernels compute a dtype in (float16/bfloat16 in float32, the narrow
    /// integers in int64), and the operand made dense in it.
    private func convOperand() throws -> Tensor {
        try noGrad {
            let t = dtype.compute == dtype ? self : try to(dtype.compute, recording: false)
            return try t.contiguous()
        }
    }

    /// `[N, C, *big]` by `[O, C/G, *k]` into `[N, O, *small]` with `small` given (conv: computed
    /// from big; a gradient may ask for fewer positions).
    private static func convGeometry(_ bigShape: [Int], _ weightShape: [Int], _ smallShape: [Int], _ s: ConvSpec) -> ConvGeometry {
        ConvGeometry(batch: bigShape[0], bigChannels: bigShape[1], smallChannels: weightShape[0], groups: s.groups,
                     big: Array(bigShape[2...]), small: Array(smallShape[2...]), kernel: Array(weightShape[2...]),
                     stride: s.stride, padding: s.padding, dilation: s.dilation)
    }

    /// The output positions of a convolution along each dimension.
    private static func convOutputSizes(big: [Int], kernel: [Int], _ s: ConvSpec) -> [Int] {
        big.indices.map { (big[$0] + 2 * s.padding[$0] - s.dilation[$0] * (kernel[$0] - 1) - 1) / s.stride[$0] + 1 }
    }

    /// Checks that the kernels' work fits in memory arithmetic: columns of C*K*L per sample.
    private static func checkConvWork(_ channels: Int, _ kernel: [Int], _ positions: [Int]) throws {
        var total = channels
        for v in kernel + positions {
            let (p, o) = total.multipliedReportingOverflow(by: Swift.max(v, 0))
            guard !o, p <= Int(Int32.max) * 64 else {
                throw SwiftGradError.outOfMemory("convolution: the patch matrix of \(channels) channels, kernel \(Shape.describe(kernel)) over \(Shape.describe(positions)) positions is too large")
            }
            total = p
        }
    }

    /// The dims a bias gradient sums over: the batch and the spatial dimensions.
    private static func biasDims(_ ndim: Int) -> [Int] { [0] + Array(2..<ndim) }

    /// Convolution of batched `x` [N, C, *big] by `w` [O, C/G, *k] (+ bias [O]): ConvolutionBackward0.
    static func convPrimitive(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: ConvSpec) throws -> Tensor {
        let kernel = Array(w.shape[2...])
        let small = convOutputSizes(big: Array(x.shape[2...]), kernel: kernel, s)
        let outShape = [x.shape[0], w.shape[0]] + small
        _ = try Shape.validate(outShape, itemSize: x.dtype.itemSize)
        try checkConvWork(x.shape[1], kernel, small)
        let geo = convGeometry(x.shape, w.shape, outShape, s)
        var out = try Kernels.convolutionForward(x.convOperand(), w.convOperand(), bias: bias?.convOperand(), geo, outShape: outShape)
        if out.dtype != x.dtype { out = try out.to(x.dtype, recording: false) }
        let bigShape = x.shape
        let inputs = bias.map { [x, w, $0] } ?? [x, w], hasBias = bias != nil
        return try out.recorded("ConvolutionBackward0", inputs: inputs, saving: [x, w]) { g, ctx in
            let x = try ctx.saved(0), w = try ctx.saved(1)
            var grads: [Tensor?] = [
                ctx.needsGrad(0) ? try convTransposePrimitive(g, w, nil, s, bigShape: bigShape) : nil,
                ctx.needsGrad(1) ? try convWeightGradient(x, g, s, kernel: kernel) : nil,
            ]
            if hasBias { grads.append(ctx.needsGrad(2) ? try g.sum(dims: biasDims(g.ndim)) : nil) }
            return Gradients(grads)
        }
    }

    /// Transposed convolution of batched `x` [N, O, *small] by `w` [O, C/G, *k] (+ bias [C])
    /// into `[N, C, *big]` with `bigShape` given: ConvolutionBackward0.
    static func convTransposePrimitive(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: ConvSpec, bigShape: [Int]) throws -> Tensor {
        let kernel = Array(w.shape[2...])
        let outShape = [x.shape[0], w.shape[1] * s.groups] + Array(bigShape[2...])
        _ = try Shape.validate(outShape, itemSize: x.dtype.itemSize)
        try checkConvWork(outShape[1], kernel, Array(x.shape[2...]))
        let geo = convGeometry(outShape, w.shape, x.shape, s)
        var out = try Kernels.convolutionTransposeForward(x.convOperand(), w.convOperand(), bias: bias?.convOperand(), geo, outShape: outShape)
        if out.dtype != x.dtype { out = try out.to(x.dtype, recording: false) }
        let smallShape = x.shape
        let inputs = bias.map { [x, w, $0] } ?? [x, w], hasBias = bias != nil
        return try out.recorded("ConvolutionBackward0", inputs: inputs, saving: [x, w]) { g, ctx in
            let x = try ctx.saved(0), w = try ctx.saved(1)
            var grads: [Tensor?] = [
                ctx.needsGrad(0) ? try convPrimitive(g, w, nil, s).cropped(to: smallShape) : nil,
                ctx.needsGrad(1) ? try convWeightGradient(g, x, s, kernel: kernel) : nil,
            ]
            if hasBias { grads.append(ctx.needsGrad(2) ? try g.sum(dims: biasDims(g.ndim)) : nil) }
            return Gradients(grads)
        }
    }

    /// The weight gradient `sum_n gy_n @ im2col(x_n)^T` of a convolution of `x` [N, C, *big]
    /// with output gradient `gy` [N, O, *small], of shape [O, C/G, *kernel]:
    /// ConvolutionBackwardBackward0 (bilinear, its backward is the two others).
    static func convWeightGradient(_ x: Tensor, _ gy: Tensor, _ s: ConvSpec, kernel: [Int]) throws -> Tensor {
        let weightShape = [gy.shape[1], x.shape[1] / s.groups] + kernel
        try checkConvWork(x.shape[1], kernel, Array(gy.shape[2...]))
        let geo = convGeometry(x.shape, weightShape, gy.shape, s)
        var out = try Kernels.convolutionWeightGradient(x.convOperand(), gy.convOperand(), geo, weightShape: weightShape)
        if out.dtype != x.dtype { out = try out.to(x.dtype, recording: false) }
        let bigShape = x.shape, smallShape = gy.shape
        return try out.recorded("ConvolutionBackwardBackward0", input: x, gy, saving: x, gy) { g, ctx in
            let x = try ctx.saved(0), gy = try ctx.saved(1)
            return Gradients(
                ctx.needsGrad(0) ? try convTransposePrimitive(gy, g, nil, s, bigShape: bigShape) : nil,
                ctx.needsGrad(1) ? try convPrimitive(x, g, nil, s).cropped(to: smallShape) : nil)
        }
    }

    /// The leading `shape` of each dimension (a convolution's gradient may cover positions
    /// beyond the ones used).
    fileprivate func cropped(to target: [Int]) throws -> Tensor {
        var t = self
        for d in 0..<ndim where t.shape[d] > target[d] { t = try t.narrow(dim: d, start: 0, length: target[d]) }
        return t
    }

    // MARK: - checking arguments as PyTorch does

    /// PyTorch's name of a dtype's C type, as its bias message prints it.
    private static func cTypeName(_ dtype: DType) -> String {
        switch dtype {
        case .float32: return "float"
        case .float64: return "double"
        case .int64: return "long int"
        case .bool: return "bool"
        case .float16: return "c10::Half"
        case .bfloat16: return "c10::BFloat16"
        case .int8: return "signed char"
        case .uint8: return "unsigned char"
        case .int16: return "short int"
        case .int32: return "int"
        }
    }

    /// A per-dimension parameter: one value for every dimension, or one per dimension.
    private static func expand(_ values: [Int], _ name: String, _ dims: Int) throws -> [Int] {
        if values.count == 1 { return [Int](repeating: values[0], count: dims) }
        guard values.count == dims else {
            throw SwiftGradError.invalidArgument("expected \(name) to be a single integer value or a list of \(dims) values to match the convolution dimensions, but got \(name)=\(Shape.describe(values))")
        }
        return values
    }

    /// torch.convolution: the checks of PyTorch's `_convolution` (check_shape_forward) on a
    /// batched input, then the primitive. `bigShape` is the transposed convolution's output
    /// shape (from output_padding).
    private static func checkedConvolution(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, stride: [Int], padding: [Int],
                                           dilation: [Int], transposed: Bool, outputPadding: [Int], groups: Int) throws -> Tensor {
        let D = weight.ndim - 2
        guard D >= 1 else { throw SwiftGradError.invalidArgument("weight should have at least three dimensions") }
        guard D <= 3 else {
            throw SwiftGradError.invalidArgument("convolution: only 1, 2 and 3 spatial dimensions are supported, got a weight of size \(Shape.describe(weight.shape))")
        }
        let stride = try expand(stride, "stride", D), padding = try expand(padding, "padding", D)
        let dilation = try expand(dilation, "dilation", D), outputPadding = try expand(outputPadding, "output_padding", D)
        guard !padding.contains(where: { $0 < 0 }) else { throw SwiftGradError.invalidArgument("negative padding is not supported") }
        guard !outputPadding.contains(where: { $0 < 0 }) else { throw SwiftGradError.invalidArgument("negative output_padding is not supported") }
        guard !stride.contains(where: { $0 <= 0 }) else { throw SwiftGradError.invalidArgument("non-positive stride is not supported") }
        guard !dilation.contains(where: { $0 <= 0 }) else { throw SwiftGradError.invalidArgument("non-positive dilation is not supported") }
        guard groups > 0 else { throw SwiftGradError.invalidArgument("non-positive groups is not supported") }
        if let bias, bias.dtype != input.dtype {
            throw SwiftGradError.dtype("Input type (\(cTypeName(input.dtype))) and bias type (\(cTypeName(bias.dtype))) should be the same")
        }
        if weight.dtype != input.dtype {
            if input.dtype.isFloatingPoint {
                throw SwiftGradError.dtype("Input type (torch.\(input.dtype.scalarTypeName)Tensor) and weight type (torch.\(weight.dtype.scalarTypeName)Tensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor")
            }
            throw SwiftGradError.dtype("expected scalar type \(input.dtype.scalarTypeName) but found \(weight.dtype.scalarTypeName)")
        }
        guard input.dtype != .bool else {
            let kernel = transposed ? "slow_conv_transpose\(Swift.max(D, 2))d_out_cpu" : (D == 3 ? "compute_columns3d" : "slow_conv2d_cpu")
            throw SwiftGradError.dtype("\"\(kernel)\" not implemented for 'Bool'")
        }
        let ws = weight.shape
        guard input.ndim == weight.ndim else {
            throw SwiftGradError.shape("Expected \(weight.ndim)-dimensional input for \(weight.ndim)-dimensional weight \(Shape.describe(ws)), but got \(input.ndim)-dimensional input of size \(Shape.describe(input.shape)) instead")
        }
        guard ws[0] >= groups else {
            throw SwiftGradError.shape("Given groups=\(groups), expected weight to be at least \(groups) at dimension 0, but got weight of size \(Shape.describe(ws)) instead")
        }
        guard ws[0] % groups == 0 else {
            throw SwiftGradError.shape("Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(Shape.describe(ws))] instead")
        }
        let spec = ConvSpec(stride: stride, padding: padding, dilation: dilation, groups: groups)
        let big = Array(input.shape[2...]), kernel = Array(ws[2...])
        if !transposed {
            let (channels, o) = ws[1].multipliedReportingOverflow(by: groups)
            guard !o, input.shape[1] == channels else {
                throw SwiftGradError.shape("Given groups=\(groups), weight of size \(Shape.describe(ws)), expected input\(Shape.describe(input.shape)) to have \(ws[1] &* groups) channels, but got \(input.shape[1]) channels instead")
            }
            if let bias, bias.ndim != 1 || bias.shape[0] != ws[0] {
                throw SwiftGradError.shape("Given weight of size \(Shape.describe(ws)), expected bias to be 1-dimensional with \(ws[0]) elements, but got bias of size \(Shape.describe(bias.shape)) instead")
            }
            var padded: [Int] = [], extent: [Int] = []
            for d in 0..<D {
                let (p2, o1) = padding[d].multipliedReportingOverflow(by: 2)
                let (pi, o2) = big[d].addingReportingOverflow(p2)
                let (span, o3) = dilation[d].multipliedReportingOverflow(by: kernel[d] - 1)
                guard !o1, !o2, !o3, span < Int.max else {
                    throw SwiftGradError.invalidArgument("convolution: padding or dilation too large")
                }
                padded.append(pi)
                extent.append(span + 1)
            }
            if zip(padded, extent).contains(where: { $0 < $1 }) {
                throw SwiftGradError.shape("Calculated padded input size per channel: (\(padded.map(String.init).joined(separator: " x "))). Kernel size: (\(extent.map(String.init).joined(separator: " x "))). Kernel size can't be greater than actual input size")
            }
            return try convPrimitive(input, weight, bias, spec)
        }
        guard input.shape[1] == ws[0] else {
            throw SwiftGradError.shape("Given transposed=1, weight of size \(Shape.describe(ws)), expected input\(Shape.describe(input.shape)) to have \(ws[0]) channels, but got \(input.shape[1]) channels instead")
        }
        let (outChannels, o) = ws[1].multipliedReportingOverflow(by: groups)
        guard !o else { throw SwiftGradError.invalidArgument("convolution: groups too large") }
        if let bias, bias.ndim != 1 || bias.shape[0] != outChannels {
            throw SwiftGradError.shape("Given transposed=1, weight of size \(Shape.describe(ws)), expected bias to be 1-dimensional with \(outChannels) elements, but got bias of size \(Shape.describe(bias.shape)) instead")
        }
        if (0..<D).contains(where: { outputPadding[$0] >= stride[$0] && outputPadding[$0] >= dilation[$0] }) {
            let names = D == 3 ? ["depth", "height", "width"] : ["height", "width"]
            // PyTorch runs 1-d as 2-d of height 1: its message has a height of 0 padding, 1 stride.
            func listed(_ label: String, _ v: [Int], _ fill: Int) -> String {
                let values = D == 1 ? [fill] + v : v
                return zip(names, values).map { "\(label)_\($0): \($1)" }.joined(separator: " ")
            }
            throw SwiftGradError.invalidArgument("output padding must be smaller than either stride or dilation, but got \(listed("output_padding", outputPadding, 0)) \(listed("stride", stride, 1)) \(listed("dilation", dilation, 1))")
        }
        var outSizes: [Int] = []
        for d in 0..<D {
            // (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
            let (a, o1) = (big[d] - 1).multipliedReportingOverflow(by: stride[d])
            let (b, o2) = dilation[d].multipliedReportingOverflow(by: kernel[d] - 1)
            let (c, o3) = padding[d].multipliedReportingOverflow(by: 2)
            guard !o1, !o2, !o3, a < Int.max / 4, b < Int.max / 4, c < Int.max / 4 else {
                throw SwiftGradError.invalidArgument("conv_transpose: output size too large")
            }
            let (size, o4) = (a - c + b).addingReportingOverflow(outputPadding[d])
            guard !o4, size < Int.max else { throw SwiftGradError.invalidArgument("conv_transpose: output size too large") }
            outSizes.append(size + 1)
        }
        if outSizes.contains(where: { $0 <= 0 }) {
            throw SwiftGradError.shape("Given input size per channel: (\(big.map(String.init).joined(separator: " x "))). Calculated output size per channel: (\(outSizes.map(String.init).joined(separator: " x "))). Output size is too small")
        }
        return try convTransposePrimitive(input, weight, bias, spec, bigShape: [input.shape[0], outChannels] + outSizes)
    }

    /// Runs `body` on a batched input: an unbatched one (one dimension fewer) gets a batch of 1
    /// and loses it again, as PyTorch's conv1d/2d/3d and conv_transpose1d/2d/3d accept.
    private func batchedForConv(_ weight: Tensor, name: String, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        let D = weight.ndim - 2
        guard ndim == D + 1 || ndim == D + 2 else {
            throw SwiftGradError.shape("Expected \(D + 1)D (unbatched) or \(D + 2)D (batched) input to \(name)\(D)d, but got input of size: \(Shape.describe(shape))")
        }
        if ndim == D + 2 { return try body(self) }
        return try body(unsqueeze(dim: 0)).squeeze(dim: 0)
    }

    /// Checks the weight's rank and the per-dimension lists before the input's rank, in
    /// PyTorch's order (its Python signature expands integers to one per dimension first).
    private static func checkLists(_ weight: Tensor, _ lists: [(String, [Int])]) throws {
        let D = weight.ndim - 2
        guard D >= 1 else { throw SwiftGradError.invalidArgument("weight should have at least three dimensions") }
        for (name, values) in lists { _ = try expand(values, name, D) }
    }

    // MARK: - public API

    /// `torch.convolution`: the general convolution of a batched input [N, C, *spatial] (1 to 3
    /// spatial dimensions) by a weight [O, C/groups, *kernel] (transposed: [C, O/groups,
    /// *kernel]), with an optional bias. Each list has one entry, or one per spatial dimension.
    /// - Throws: PyTorch's errors for non-positive stride, dilation or groups, negative padding,
    ///   mismatched dtypes, channels or bias, a kernel larger than the padded input.
    public func convolution(weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int], dilation: [Int],
                            transposed: Bool, outputPadding: [Int], groups: Int) throws -> Tensor {
        try Tensor.checkedConvolution(self, weight, bias, stride: stride, padding: padding, dilation: dilation,
                                      transposed: transposed, outputPadding: outputPadding, groups: groups)
    }

    /// F.conv1d / conv2d / conv3d (by the weight's rank): convolution of [N, C, *spatial] or an
    /// unbatched [C, *spatial] by [O, C/groups, *kernel], zero padding `padding` on both sides.
    ///
    /// ```swift
    /// let y = try x.conv(weight: w, bias: b, stride: [1], padding: [1], dilation: [1], groups: 1)
    /// ```
    /// - Throws: as `convolution`; an input of the wrong rank.
    public func conv(weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int], dilation: [Int], groups: Int) throws -> Tensor {
        try Tensor.checkLists(weight, [("stride", stride), ("padding", padding), ("dilation", dilation)])
        return try batchedForConv(weight, name: "conv") { x in
            try Tensor.checkedConvolution(x, weight, bias, stride: stride, padding: padding, dilation: dilation,
                                          transposed: false, outputPadding: [0], groups: groups)
        }
    }

    /// F.conv1d/2d/3d with `padding` a string: "valid" (no padding) or "same" (the output as
    /// large as the input; PyTorch's rule: dilation*(k-1) in total per dimension, the larger half
    /// on the right, through an explicit zero pad of the input when the halves differ).
    /// - Throws: "Invalid padding string", 'same' with a stride other than 1.
    public func conv(weight: Tensor, bias: Tensor?, stride: [Int], padding: String, dilation: [Int], groups: Int) throws -> Tensor {
        guard padding == "same" || padding == "valid" else {
            throw SwiftGradError.invalidArgument("Invalid padding string: '\(padding)'")
        }
        try Tensor.checkLists(weight, [("stride", stride), ("dilation", dilation)])
        if padding == "valid" {
            return try conv(weight: weight, bias: bias, stride: stride, padding: [0], dilation: dilation, groups: groups)
        }
        let D = weight.ndim - 2
        let strides = try Tensor.expand(stride, "stride", D), dilations = try Tensor.expand(dilation, "dilation", D)
        guard !strides.contains(where: { $0 != 1 }) else {
            throw SwiftGradError.invalidArgument("padding='same' is not supported for strided convolutions")
        }
        var left: [Int] = [], extra: [Int] = []
        for d in 0..<D {
            let (total, o) = dilations[d].multipliedReportingOverflow(by: weight.shape[d + 2] - 1)
            guard !o, dilations[d] > 0 else {
                throw SwiftGradError.invalidArgument(o ? "convolution: dilation too large" : "non-positive dilation is not supported")
            }
            left.append(total / 2)
            extra.append(total - 2 * (total / 2))
        }
        return try batchedForConv(weight, name: "conv") { x in
            var input = x
            if extra.contains(where: { $0 != 0 }) {
                // F.pad's order: (left, right) pairs from the last dimension backwards.
                let pad = (0..<D).reversed().flatMap { [0, extra[$0]] }
                input = try x.constantPadNd(pad: pad, value: 0)
            }
            return try Tensor.checkedConvolution(input, weight, bias, stride: strides, padding: left, dilation: dilations,
                                                 transposed: false, outputPadding: [0], groups: groups)
        }
    }

    /// F.conv_transpose1d / 2d / 3d (by the weight's rank): the adjoint of a convolution in its
    /// input, of [N, C, *spatial] or an unbatched [C, *spatial] by a weight [C, O/groups,
    /// *kernel]; `outputPadding` adds positions at the end of each dimension.
    /// - Throws: as `convolution`; output padding not smaller than stride or dilation.
    public func convTranspose(weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int], outputPadding: [Int],
                              groups: Int, dilation: [Int]) throws -> Tensor {
        try Tensor.checkLists(weight, [("stride", stride), ("padding", padding), ("output_padding", outputPadding), ("dilation", dilation)])
        return try batchedForConv(weight, name: "conv_transpose") { x in
            try Tensor.checkedConvolution(x, weight, bias, stride: stride, padding: padding, dilation: dilation,
                                          transposed: true, outputPadding: outputPadding, groups: groups)
        }
    }

    // MARK: - unfold / fold

    /// Checks F.unfold / F.fold's 2-d hyperparameters (PyTorch's messages).
    private static func checkPatchArguments(kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]) throws {
        for (name, v) in [("kernel_size", kernelSize), ("dilation", dilation), ("padding", padding), ("stride", stride)] where v.count != 2 {
            throw SwiftGradError.invalidArgument("It is expected \(name) equals to 2, but got size \(v.count)")
        }
        guard kernelSize[0] > 0, kernelSize[1] > 0 else {
            throw SwiftGradError.invalidArgument("kernel size should be greater than zero, but got kernel_height: \(kernelSize[0]) kernel_width: \(kernelSize[1])")
        }
        guard stride[0] > 0, stride[1] > 0 else {
            throw SwiftGradError.invalidArgument("stride should be greater than zero, but got stride_height: \(stride[0]) stride_width: \(stride[1])")
        }
        guard dilation[0] > 0, dilation[1] > 0 else {
            throw SwiftGradError.invalidArgument("dilation should be greater than zero, but got dilation_height: \(dilation[0]) dilation_width: \(dilation[1])")
        }
        guard padding[0] >= 0, padding[1] >= 0 else {
            throw SwiftGradError.invalidArgument("padding should be non-negative, but got pad_height: \(padding[0]) pad_width: \(padding[1])")
        }
        for v in kernelSize + dilation + padding + stride where v > Int(Int32.max) {
            throw SwiftGradError.invalidArgument("unfold/fold: argument \(v) too large")
        }
    }

    /// The number of sliding blocks along each of two dimensions of `size` (at least one each).
    private static func blocks(_ size: [Int], kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]) -> [Int] {
        (0..<2).map { (size[$0] + 2 * padding[$0] - (dilation[$0] * (kernelSize[$0] - 1) + 1)) / stride[$0] + 1 }
    }

    /// Unfolds [N, C, H, W] (or unbatched [C, H, W]) into its sliding blocks, [N, C*kh*kw, L]
    /// (`F.unfold`, torch's im2col; Im2ColBackward0, whose backward is `fold`).
    /// - Throws: a wrong rank, non-positive kernel size, stride or dilation, negative padding,
    ///   no block fitting; integer input ("im2col_out_cpu" not implemented).
    public func im2col(kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]) throws -> Tensor {
        try Tensor.checkPatchArguments(kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
        guard (ndim == 3 && shape[0] > 0 && shape[1] > 0 && shape[2] > 0) || (ndim == 4 && shape[1] > 0 && shape[2] > 0 && shape[3] > 0) else {
            throw SwiftGradError.shape("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: \(Shape.describe(shape))")
        }
        guard dtype.isFloatingPoint else { throw SwiftGradError.dtype("\"im2col_out_cpu\" not implemented for '\(dtype.scalarTypeName)'") }
        if ndim == 3 { return try unsqueeze(dim: 0).im2col(kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride).squeeze(dim: 0) }
        let size = Array(shape[2...])
        let counts = Tensor.blocks(size, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
        guard counts[0] >= 1, counts[1] >= 1 else {
            throw SwiftGradError.shape("Given input with spatial size \(Tensor.tuple(size)), kernel_size=\(Tensor.tuple(kernelSize)), dilation=\(Tensor.tuple(dilation)), padding=\(Tensor.tuple(padding)), calculated shape of the array of sliding blocks as \(Tensor.tuple(counts)), but its components must be at least one.")
        }
        try Tensor.checkConvWork(shape[1], kernelSize, counts)
        _ = try Shape.validate([shape[0], shape[1] * kernelSize[0] * kernelSize[1], counts[0] * counts[1]], itemSize: dtype.itemSize)
        let geo = ConvGeometry(batch: shape[0], bigChannels: shape[1], smallChannels: 0, groups: 1, big: size, small: counts,
                               kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
        var out = try Kernels.im2col(convOperand(), geo)
        if out.dtype != dtype { out = try out.to(dtype, recording: false) }
        return try out.recorded("Im2ColBackward0", input: self) { g, _ in
            Gradients(try g.col2im(outputSize: size, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride))
        }
    }

    /// Sums sliding blocks [N, C*kh*kw, L] (or unbatched [C*kh*kw, L]) back into an image
    /// [N, C, *outputSize] (`F.fold`, torch's col2im; Col2ImBackward0, whose backward is `unfold`).
    /// - Throws: a wrong rank, a channel count not divisible by the kernel's size, a block count
    ///   that does not match outputSize; integer input.
    public func col2im(outputSize: [Int], kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]) throws -> Tensor {
        guard outputSize.count == 2 else {
            throw SwiftGradError.invalidArgument("It is expected output_size equals to 2, but got size \(outputSize.count)")
        }
        try Tensor.checkPatchArguments(kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
        guard (ndim == 2 && shape[0] > 0 && shape[1] > 0) || (ndim == 3 && shape[1] > 0 && shape[2] > 0) else {
            throw SwiftGradError.shape("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: \(Shape.describe(shape))")
        }
        guard outputSize[0] > 0, outputSize[1] > 0, outputSize.allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw SwiftGradError.invalidArgument("Expected output spatial size to be positive, but got: output_size=\(Tensor.tuple(outputSize)).")
        }
        guard dtype.isFloatingPoint else { throw SwiftGradError.dtype("\"col2im_out_cpu\" not implemented for '\(dtype.scalarTypeName)'") }
        if ndim == 2 { return try unsqueeze(dim: 0).col2im(outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride).squeeze(dim: 0) }
        let taps = kernelSize[0] * kernelSize[1]
        guard shape[1] % taps == 0 else {
            throw SwiftGradError.shape("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=\(shape[1]) and kernel_size=\(Tensor.tuple(kernelSize)).")
        }
        let counts = Tensor.blocks(outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
        guard counts[0] >= 1, counts[1] >= 1 else {
            throw SwiftGradError.shape("Given output_size=\(Tensor.tuple(outputSize)), kernel_size=\(Tensor.tuple(kernelSize)), dilation=\(Tensor.tuple(dilation)), padding=\(Tensor.tuple(padding)), stride=\(Tensor.tuple(stride)), calculated shape of the array of sliding blocks as \(Tensor.tuple(counts)), which is too small (non-positive)")
        }
        guard shape[2] == counts[0] * counts[1] else {
            throw SwiftGradError.shape("Given output_size=\(Tensor.tuple(outputSize)), kernel_size=\(Tensor.tuple(kernelSize)), dilation=\(Tensor.tuple(dilation)), padding=\(Tensor.tuple(padding)), stride=\(Tensor.tuple(stride)), expected size of input's dimension 2 to match the calculated number of sliding blocks \(counts[0]) * \(counts[1]) = \(counts[0] * counts[1]), but got input.size(2)=\(shape[2]).")
        }
        let channels = shape[1] / taps
        let outShape = [shape[0], channels] + outputSize
        _ = try Shape.validate(outShape, itemSize: dtype.itemSize)
        let geo = ConvGeometry(batch: shape[0], bigChannels: channels, smallChannels: 0, groups: 1, big: outputSize, small: counts,
                               kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
        var out = try Kernels.col2im(convOperand(), geo, outShape: outShape)
        if out.dtype != dtype { out = try out.to(dtype, recording: false) }
        return try out.recorded("Col2ImBackward0", input: self) { g, _ in
            Gradients(try g.im2col(kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride))
        }
    }

    /// `(a, b)`, as PyTorch prints an IntArrayRef in these messages.
    private static func tuple(_ v: [Int]) -> String { "(" + v.map(String.init).joined(separator: ", ") + ")" }
}
