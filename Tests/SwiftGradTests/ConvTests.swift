import Testing
@testable import SwiftGrad

/// Convolutions, transposed convolutions, unfold and fold: values worked out by hand, every
/// gradient against float64 finite differences, second orders by gradgradcheck, the batch-chunked
/// kernels against one sample at a time, and PyTorch's errors.
@Suite struct ConvTests {
    func t(_ values: [Double], _ shape: [Int]) throws -> Tensor { try Tensor(values, shape: shape) }

    // MARK: values by hand

    @Test func conv1dByHand() throws {
        // y_i = x_i - x_{i+1} (cross-correlation with [1, -1]); padding 1 adds zeros at both ends.
        let x = try t([1, 2, 3, 4], [1, 1, 4]), w = try t([1, -1], [1, 1, 2])
        let y = try x.conv(weight: w, bias: nil, stride: [1], padding: [0], dilation: [1], groups: 1)
        #expect(y.shape == [1, 1, 3])
        expectClose(try y.scalars(as: Double.self), [-1, -1, -1], tolerance: 0)
        let padded = try x.conv(weight: w, bias: try t([10], [1]), stride: [1], padding: [1], dilation: [1], groups: 1)
        expectClose(try padded.scalars(as: Double.self), [9, 9, 9, 9, 14], tolerance: 0)
        // stride 2, dilation 2 over [1..7]: taps x_i and x_{i+2} at i = 0, 2, 4: x_i - x_{i+2} = -2.
        let long = try t([1, 2, 3, 4, 5, 6, 7], [1, 7])  // unbatched (C, L)
        let strided = try long.conv(weight: w, bias: nil, stride: [2], padding: [0], dilation: [2], groups: 1)
        #expect(strided.shape == [1, 3])
        expectClose(try strided.scalars(as: Double.self), [-2, -2, -2], tolerance: 0)
    }

    @Test func groupsKeepChannelsApart() throws {
        // Two channels, groups 2, weights [1] and [10]: each output channel sees its own input.
        let x = try t([1, 2, 3, 4], [1, 2, 2]), w = try t([1, 10], [2, 1, 1])
        let y = try x.conv(weight: w, bias: nil, stride: [1], padding: [0], dilation: [1], groups: 2)
        expectClose(try y.scalars(as: Double.self), [1, 2, 30, 40], tolerance: 0)
    }

    @Test func convTransposeByHand() throws {
        // Each input spreads the kernel [1, 10, 100] at stride 2: [1, 10, 100] + 2 * [_, _, 1, 10, 100].
        let x = try t([1, 2], [1, 1, 2]), w = try t([1, 10, 100], [1, 1, 3])
        let y = try x.convTranspose(weight: w, bias: nil, stride: [2], padding: [0], outputPadding: [0], groups: 1, dilation: [1])
        expectClose(try y.scalars(as: Double.self), [1, 10, 102, 20, 200], tolerance: 0)
        // padding 1 crops one at each end; output_padding 1 adds one position at the end (no
        // input reaches it past the cropped kernel: it is 0 plus the bias).
        let cropped = try x.convTranspose(weight: w, bias: try t([0.5], [1]), stride: [2], padding: [1], outputPadding: [1],
                                          groups: 1, dilation: [1])
        expectClose(try cropped.scalars(as: Double.self), [10.5, 102.5, 20.5, 200.5], tolerance: 0)
    }

    @Test func unfoldAndFoldByHand() throws {
        let x = try t([1, 2, 3, 4, 5, 6], [1, 1, 2, 3])
        let cols = try x.im2col(kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1])
        #expect(cols.shape == [1, 4, 2])
        // Rows are the taps (0,0), (0,1), (1,0), (1,1); columns the two block positions.
        expectClose(try cols.scalars(as: Double.self), [1, 2, 2, 3, 4, 5, 5, 6], tolerance: 0)
        // fold sums them back: each pixel times the number of blocks covering it (1, 2, 1 per row).
        let back = try cols.col2im(outputSize: [2, 3], kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1])
        expectClose(try back.scalars(as: Double.self), [1, 4, 3, 4, 10, 6], tolerance: 0)
    }

    @Test func samePaddingPutsTheOddExtraOnTheRight() throws {
        // Kernel of 2: total padding 1, on the right: y_i = x_i + 10 x_{i+1}, last sees a zero.
        let x = try t([1, 2, 3], [1, 1, 3]), w = try t([1, 10], [1, 1, 2])
        let y = try x.conv(weight: w, bias: nil, stride: [1], padding: "same", dilation: [1], groups: 1)
        expectClose(try y.scalars(as: Double.self), [21, 32, 3], tolerance: 0)
        let valid = try x.conv(weight: w, bias: nil, stride: [1], padding: "valid", dilation: [1], groups: 1)
        expectClose(try valid.scalars(as: Double.self), [21, 32], tolerance: 0)
    }

    @Test func integerConvolutionMatchesFloat() throws {
        let x = try Tensor.randn([2, 4, 5, 5], dtype: .float64, generator: Generator(seed: 5)).mul(4).round()
        let w = try Tensor.randn([6, 2, 3, 3], dtype: .float64, generator: Generator(seed: 6)).mul(4).round()
        let exact = try x.conv(weight: w, bias: nil, stride: [1], padding: [1], dilation: [1], groups: 2)
        let integer = try x.to(.int64).conv(weight: w.to(.int64), bias: nil, stride: [1], padding: [1], dilation: [1], groups: 2)
        #expect(integer.dtype == .int64)
        expectClose(try integer.to(.float64).scalars(as: Double.self), try exact.scalars(as: Double.self), tolerance: 0)
    }

    @Test func batchedEqualsOneSampleAtATime() throws {
        // A batch runs as one GEMM over the samples side by side; one sample runs straight into
        // the output. Both must agree, for all three primitives.
        let g = Generator(seed: 11)
        let x = try Tensor.randn([3, 4, 6, 5], dtype: .float64, generator: g).requiringGrad()
        let w = try Tensor.randn([6, 2, 3, 2], dtype: .float64, generator: g).requiringGrad()
        let y = try x.conv(weight: w, bias: nil, stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2)
        let gy = try Tensor.randn(y.shape, dtype: .float64, generator: g)
        let grads = try Autograd.grad([y], [x, w], gradOutputs: [gy])
        var gwSum: Tensor? = nil
        for n in 0..<3 {
            let xn = try x.detach().narrow(dim: 0, start: n, length: 1).requiringGrad()
            let yn = try xn.conv(weight: w, bias: nil, stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2)
            expectClose(try yn.scalars(as: Double.self), try y.narrow(dim: 0, start: n, length: 1).scalars(as: Double.self), tolerance: 1e-12)
            let gn = try Autograd.grad([yn], [xn, w], gradOutputs: [try gy.narrow(dim: 0, start: n, length: 1)])
            expectClose(try gn[0]!.scalars(as: Double.self), try grads[0]!.narrow(dim: 0, start: n, length: 1).scalars(as: Double.self), tolerance: 1e-12)
            gwSum = try gwSum.map { try $0.add(gn[1]!) } ?? gn[1]!
        }
        expectClose(try gwSum!.scalars(as: Double.self), try grads[1]!.scalars(as: Double.self), tolerance: 1e-12)
    }

    // MARK: gradients against finite differences

    @Test func conv1dGradients() throws {
        try checkGradients([[2, 4, 9], [6, 2, 3], [6]]) { t in
            try t[0].conv(weight: t[1], bias: t[2], stride: [2], padding: [2], dilation: [2], groups: 2)
        }
    }

    @Test func conv2dGradients() throws {
        try checkGradients([[2, 3, 5, 6], [4, 3, 3, 2], [4]]) { t in
            try t[0].conv(weight: t[1], bias: t[2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 1)
        }
        // depthwise, unbatched
        try checkGradients([[3, 5, 5], [6, 1, 3, 3]]) { t in
            try t[0].conv(weight: t[1], bias: nil, stride: [1], padding: [1], dilation: [1], groups: 3)
        }
    }

    @Test func conv3dGradients() throws {
        try checkGradients([[1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [2]]) { t in
            try t[0].conv(weight: t[1], bias: t[2], stride: [1, 2, 1], padding: [1, 0, 1], dilation: [1, 1, 2], groups: 1)
        }
    }

    @Test func samePaddingGradients() throws {
        try checkGradients([[2, 2, 7, 6], [3, 2, 4, 3]]) { t in
            try t[0].conv(weight: t[1], bias: nil, stride: [1], padding: "same", dilation: [1, 2], groups: 1)
        }
    }

    @Test func convTransposeGradients() throws {
        try checkGradients([[2, 4, 3, 4], [4, 2, 3, 2], [4]]) { t in
            try t[0].convTranspose(weight: t[1], bias: t[2], stride: [2, 3], padding: [1, 0], outputPadding: [1, 2],
                                   groups: 2, dilation: [2, 1])
        }
        // output padding not smaller than the stride (allowed by dilation): the gradient of the
        // input is cropped from the longer convolution of the gradient.
        try checkGradients([[1, 2, 3], [2, 2, 2]]) { t in
            try t[0].convTranspose(weight: t[1], bias: nil, stride: [2], padding: [0], outputPadding: [2], groups: 1, dilation: [3])
        }
        try checkGradients([[1, 2, 2, 3, 2], [2, 1, 2, 1, 2]]) { t in
            try t[0].convTranspose(weight: t[1], bias: nil, stride: [1, 2, 1], padding: [0, 1, 0], outputPadding: [0, 1, 0],
                                   groups: 1, dilation: [1])
        }
    }

    @Test func unfoldFoldGradients() throws {
        try checkGradients([[2, 2, 5, 6]]) { t in
            try t[0].im2col(kernelSize: [2, 3], dilation: [1, 2], padding: [1, 1], stride: [2, 1])
        }
        try checkGradients([[2, 8, 12]]) { t in
            try t[0].col2im(outputSize: [5, 4], kernelSize: [2, 1], dilation: [1, 2], padding: [1, 0], stride: [2, 1])
        }
    }

    // MARK: second order

    @Test func secondOrder() throws {
        func inputs(_ shapes: [[Int]]) throws -> [Tensor] { try makeInputs(shapes, dtype: .float64, positive: false, seed: 9) }
        try Autograd.gradgradcheck({ t in
            [try t[0].conv(weight: t[1], bias: t[2], stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2)]
        }, try inputs([[2, 4, 5, 5], [4, 2, 2, 2], [4]]), atol: 1e-5, rtol: 1e-4)
        try Autograd.gradgradcheck({ t in
            [try t[0].convTranspose(weight: t[1], bias: t[2], stride: [2], padding: [1], outputPadding: [1], groups: 1, dilation: [1])]
        }, try inputs([[2, 3, 4], [3, 2, 3], [2]]), atol: 1e-5, rtol: 1e-4)
        try Autograd.gradgradcheck({ t in
            [try t[0].im2col(kernelSize: [2, 2], dilation: [1, 1], padding: [1, 0], stride: [1, 2])]
        }, try inputs([[1, 2, 3, 4]]), atol: 1e-5, rtol: 1e-4)
        try Autograd.gradgradcheck({ t in
            [try t[0].col2im(outputSize: [3, 3], kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1])]
        }, try inputs([[1, 4, 4]]), atol: 1e-5, rtol: 1e-4)
    }

    @Test func nodeNames() throws {
        let x = try Tensor.randn([1, 2, 4, 4], dtype: .float64).requiringGrad()
        let w = try Tensor.randn([2, 2, 3, 3], dtype: .float64).requiringGrad()
        let y = try x.conv(weight: w, bias: nil, stride: [1], padding: [1], dilation: [1], groups: 1)
        #expect(y.gradFn?.name == "ConvolutionBackward0")
        let ty = try x.convTranspose(weight: w, bias: nil, stride: [1], padding: [0], outputPadding: [0], groups: 1, dilation: [1])
        #expect(ty.gradFn?.name == "ConvolutionBackward0")
        let gw = try Autograd.grad([y.sum()], [w], createGraph: true)[0]!
        #expect(gw.gradFn?.name == "ConvolutionBackwardBackward0")
        #expect(try x.im2col(kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1]).gradFn?.name == "Im2ColBackward0")
        #expect(try x.select(dim: 0, index: 0).conv(weight: w, bias: nil, stride: [1], padding: [0], dilation: [1], groups: 1).gradFn?.name == "SqueezeBackward1")
    }

    // MARK: errors

    @Test func errors() throws {
        let x = try Tensor.zeros([2, 4, 5, 5]), w = try Tensor.zeros([6, 2, 3, 3])
        func message(_ body: () throws -> Tensor) -> String? {
            do { _ = try body(); return nil } catch let e as SwiftGradError { return e.message } catch { return "\(error)" }
        }
        #expect(message { try x.conv(weight: w, bias: nil, stride: [1], padding: [0], dilation: [1], groups: 3) }
                == "Given groups=3, weight of size [6, 2, 3, 3], expected input[2, 4, 5, 5] to have 6 channels, but got 4 channels instead")
        #expect(message { try x.conv(weight: w, bias: nil, stride: [2], padding: "same", dilation: [1], groups: 2) }
                == "padding='same' is not supported for strided convolutions")
        #expect(message { try x.conv(weight: w, bias: nil, stride: [1], padding: "full", dilation: [1], groups: 2) }
                == "Invalid padding string: 'full'")
        #expect(message { try x.conv(weight: w, bias: nil, stride: [0], padding: [0], dilation: [1], groups: 2) }
                == "non-positive stride is not supported")
        #expect(message { try x.conv(weight: w, bias: nil, stride: [1, 1, 1], padding: [0], dilation: [1], groups: 2) }
                == "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]")
        #expect(message { try x.conv(weight: try Tensor.zeros([6, 2, 9, 9]), bias: nil, stride: [1], padding: [0], dilation: [1], groups: 2) }
                == "Calculated padded input size per channel: (5 x 5). Kernel size: (9 x 9). Kernel size can't be greater than actual input size")
        #expect(message { try x.select(dim: 0, index: 0).select(dim: 0, index: 0).conv(weight: w, bias: nil, stride: [1], padding: [0], dilation: [1], groups: 2) }
                == "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]")
        #expect(message { try x.conv(weight: w.to(.float64), bias: nil, stride: [1], padding: [0], dilation: [1], groups: 2) }
                == "Input type (torch.FloatTensor) and weight type (torch.DoubleTensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor")
        #expect(message { try x.to(.bool).conv(weight: w.to(.bool), bias: nil, stride: [1], padding: [0], dilation: [1], groups: 2) }
                == "\"slow_conv2d_cpu\" not implemented for 'Bool'")
        #expect(message { try x.convTranspose(weight: try Tensor.zeros([4, 3, 3, 3]), bias: nil, stride: [1], padding: [0], outputPadding: [1], groups: 2, dilation: [1]) }
                == "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1")
        #expect(message { try x.im2col(kernelSize: [7, 7], dilation: [1, 1], padding: [0, 0], stride: [1, 1]) }
                == "Given input with spatial size (5, 5), kernel_size=(7, 7), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (-1, -1), but its components must be at least one.")
        #expect(message { try Tensor.zeros([2, 15, 16]).col2im(outputSize: [5, 5], kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1]) }
                == "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=15 and kernel_size=(2, 2).")
        #expect(message { try x.to(.int64).im2col(kernelSize: [2, 2], dilation: [1, 1], padding: [0, 0], stride: [1, 1]) }
                == "\"im2col_out_cpu\" not implemented for 'Long'")
    }
}
