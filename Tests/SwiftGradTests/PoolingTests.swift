import Testing
@testable import SwiftGrad

/// The pooling family of Ops/Pooling.swift and Ops/Resizing.swift: every backward against float64
/// central finite differences (and float32 against float64), second orders through the
/// recorded backward ops, forward values worked out by hand, and PyTorch's errors.
@Suite struct PoolingTests {
    private func row(_ values: [Double], _ shape: [Int]) throws -> Tensor {
        try Tensor(values).reshape(shape)
    }

    // MARK: Forward values by hand

    @Test func maxPoolValuesAndIndices() throws {
        let x = try row([1, 3, 2, 5, 4], [1, 1, 5])
        let r = try x.maxPoolWithIndices(kernelSize: [2], padding: [0], dilation: [1])
        #expect(try r.values.scalars(as: Double.self) == [3, 5])
        #expect(try r.indices.scalars(as: Int64.self) == [1, 3])
        #expect(r.values.shape == [1, 1, 2])
        // ceil_mode adds the window starting at 4 (inside the input).
        let c = try x.maxPoolWithIndices(kernelSize: [2], padding: [0], dilation: [1], ceilMode: true)
        #expect(try c.values.scalars(as: Double.self) == [3, 5, 4])
        #expect(try c.indices.scalars(as: Int64.self) == [1, 3, 4])
        // Padding 1, stride 2, kernel 3: windows [-1, 1], [1, 3], [3, 5]: maxima 3, 5, 5.
        let p = try x.maxPoolWithIndices(kernelSize: [3], stride: [2], padding: [1], dilation: [1])
        #expect(try p.values.scalars(as: Double.self) == [3, 5, 5])
        #expect(try p.indices.scalars(as: Int64.self) == [1, 3, 3])
        // Dilation 2, kernel 2: positions {0, 2}, {1, 3}, {2, 4}.
        let d = try x.maxPoolWithIndices(kernelSize: [2], stride: [1], padding: [0], dilation: [2])
        #expect(try d.values.scalars(as: Double.self) == [2, 5, 4])
        #expect(try d.indices.scalars(as: Int64.self) == [2, 3, 4])
        // 2-d: flat index within the plane; NaN wins its window.
        let image = try row([1, 2, 3, 4, .nan, 0, 7, 8, 9, 1, 2, 3, 4, 5, 6, 0], [1, 4, 4])
        let m = try image.maxPoolWithIndices(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1])
        let mv = try m.values.scalars(as: Double.self)
        #expect(mv[0].isNaN && mv[1] == 8 && mv[2] == 9 && mv[3] == 6)
        #expect(try m.indices.scalars(as: Int64.self) == [4, 7, 8, 14])
        #expect(m.values.gradFn == nil)
        // Integers pool too (no gradient).
        let ints = try row([1, 3, 2, 5], [1, 1, 4]).to(.int32)
        let iv = try ints.maxPool(kernelSize: [2], padding: [0], dilation: [1])
        #expect(iv.dtype == .int32)
        #expect(try iv.scalars(as: Int32.self) == [3, 5])
    }

    @Test func averagePoolValues() throws {
        let x = try row([1, 2, 3, 4], [1, 1, 4])
        let included = try x.avgPool(kernelSize: [3], stride: [1], padding: [1])
        expectClose(try included.scalars(as: Double.self), [1, 2, 3, 7.0 / 3], tolerance: 1e-15)
        let excluded = try x.avgPool(kernelSize: [3], stride: [1], padding: [1], countIncludePad: false)
        expectClose(try excluded.scalars(as: Double.self), [1.5, 2, 3, 3.5], tolerance: 1e-15)
        let overridden = try x.avgPool(kernelSize: [2], padding: [0], divisorOverride: -4)
        #expect(try overridden.scalars(as: Double.self) == [-0.75, -1.75])
        // ceil_mode: the last window [3, 5) is cut at the input's end (padding 0): it counts 1.
        let ceil = try row([1, 2, 3, 4, 5], [1, 1, 5]).avgPool(kernelSize: [2], padding: [0], ceilMode: true)
        #expect(try ceil.scalars(as: Double.self) == [1.5, 3.5, 5])
        // Adaptive: 5 -> 3 windows [0, 2), [1, 4), [3, 5).
        let adaptive = try row([1, 2, 3, 4, 5], [1, 5]).adaptiveAvgPool(outputSize: [3])
        #expect(try adaptive.scalars(as: Double.self) == [1.5, 3, 4.5])
        let adaptiveMax = try row([1, 5, 3, 2, 4], [1, 5]).adaptiveMaxPool(outputSize: [3])
        #expect(try adaptiveMax.values.scalars(as: Double.self) == [5, 5, 4])
        #expect(try adaptiveMax.indices.scalars(as: Int64.self) == [1, 1, 4])
        // An output of ones is the mean, as in PyTorch.
        let x4 = try makeInputs([[2, 3, 4, 5]], dtype: .float64, positive: false, seed: 3)[0]
        #expect(try x4.adaptiveAvgPool(outputSize: [1, 1]).gradFn?.name == "MeanBackward1")
        #expect(try x4.adaptiveAvgPool(outputSize: [2, 2]).gradFn?.name == "AdaptiveAvgPool2DBackward0")
    }

    @Test func unpoolValues() throws {
        let values = try row([3, 5], [1, 1, 2])
        let indices = try Tensor.indexConstant([1, 3], shape: [1, 1, 2])
        let out = try values.maxUnpool(indices: indices, outputSize: [5])
        #expect(try out.scalars(as: Double.self) == [0, 3, 0, 5, 0])
        expectError(.invalidArgument("Found an invalid max index: 3 (output volumes are of size 3x1)")) {
            _ = try values.maxUnpool(indices: indices, outputSize: [3])
        }
    }

    @Test func resizeValues() throws {
        let x = try row([1, 2, 3], [1, 1, 3])
        // 3 -> 5: source floor(o * 0.6) = 0, 0, 1, 1, 2.
        #expect(try x.upsampleNearest(outputSize: [5]).scalars(as: Double.self) == [1, 1, 2, 2, 3])
        // nearest-exact: floor((o + 0.5) * 0.6) = 0, 0, 1, 2, 2.
        #expect(try x.upsampleNearest(outputSize: [5], exact: true).scalars(as: Double.self) == [1, 1, 2, 3, 3])
        // 2x: o / 2.
        #expect(try x.upsampleNearest(outputSize: [6]).scalars(as: Double.self) == [1, 1, 2, 2, 3, 3])
        // Linear with aligned corners: 3 -> 5 samples at 0, 0.5, 1, 1.5, 2.
        expectClose(try x.upsampleLinear(outputSize: [5], alignCorners: true).scalars(as: Double.self),
                    [1, 1.5, 2, 2.5, 3], tolerance: 1e-15)
        // Without: samples at (o + 0.5) * 0.6 - 0.5 = -0.2 (clamped to 0), 0.4, 1, 1.6, 2.2.
        expectClose(try x.upsampleLinear(outputSize: [5], alignCorners: false).scalars(as: Double.self),
                    [1, 1.4, 2, 2.6, 3], tolerance: 1e-14)
        // Bicubic of a linear ramp along W is the ramp (the kernel reproduces linear functions
        // away from the clamped edges); align_corners samples at o * 3 / 3.
        let ramp = try Tensor.arange(0, 16, dtype: .float64).reshape([1, 1, 4, 4])
        let cubic = try ramp.upsampleBicubic2d(outputSize: [4, 4], alignCorners: true)
        expectClose(try cubic.scalars(as: Double.self), try ramp.scalars(as: Double.self), tolerance: 1e-12)
        #expect(cubic.gradFn == nil)
        let grown = try x.requiringGrad().upsampleLinear(outputSize: [5], alignCorners: false)
        #expect(grown.gradFn?.name == "UpsampleLinear1DBackward0")
    }

    // MARK: Gradients

    @Test func maxPoolGradients() throws {
        try checkGradients([[2, 7]]) { try $0[0].maxPool(kernelSize: [3], stride: [2], padding: [1], dilation: [1], ceilMode: true) }
        try checkGradients([[1, 2, 5, 6]]) { try $0[0].maxPool(kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2]) }
        try checkGradients([[2, 4, 3, 5]]) { try $0[0].maxPool(kernelSize: [2, 2, 2], stride: [1, 2, 2], padding: [1, 0, 1], dilation: [1, 1, 1], ceilMode: true) }
        try checkGradients([[1, 2, 5, 7]]) { try $0[0].adaptiveMaxPool(outputSize: [3, 4]).values }
        try checkGradients([[2, 3, 4, 5]]) { try $0[0].adaptiveMaxPool(outputSize: [2, 3, 2]).values }
        try checkGradients([[2, 7]]) { try $0[0].adaptiveMaxPool(outputSize: [4]).values }
    }

    @Test func averagePoolGradients() throws {
        try checkGradients([[2, 9]]) { try $0[0].avgPool(kernelSize: [4], stride: [3], padding: [2], ceilMode: true) }
        try checkGradients([[1, 2, 6, 7]]) { try $0[0].avgPool(kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], ceilMode: true, countIncludePad: false) }
        try checkGradients([[2, 4, 5, 5]]) { try $0[0].avgPool(kernelSize: [2, 3, 4], stride: [1, 2, 2], padding: [0, 1, 2], divisorOverride: 3) }
        try checkGradients([[1, 3, 7, 5]]) { try $0[0].adaptiveAvgPool(outputSize: [3, 4]) }
        try checkGradients([[3, 4, 3, 5]]) { try $0[0].adaptiveAvgPool(outputSize: [2, 2, 3]) }
    }

    @Test func unpoolGradients() throws {
        // Non-overlapping windows: every index distinct, so the finite differences are exact.
        let pooled = try makeInputs([[1, 2, 4, 6]], dtype: .float64, positive: false, seed: 5)[0]
        let indices = try pooled.maxPoolWithIndices(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1]).indices
        try checkGradients([[1, 2, 2, 3]]) { try $0[0].maxUnpool(indices: indices, outputSize: [4, 6]) }
        let line = try makeInputs([[2, 6]], dtype: .float64, positive: false, seed: 6)[0]
        let lineIndices = try line.maxPoolWithIndices(kernelSize: [3], padding: [0], dilation: [1]).indices
        try checkGradients([[2, 2]]) { try $0[0].maxUnpool(indices: lineIndices, outputSize: [7]) }
    }

    @Test func resizeGradients() throws {
        try checkGradients([[1, 2, 3, 4]]) { try $0[0].upsampleNearest(outputSize: [5, 3]) }
        try checkGradients([[1, 2, 4]]) { try $0[0].upsampleNearest(outputSize: [7], scales: [1.7], exact: true) }
        try checkGradients([[1, 2, 4]]) { try $0[0].upsampleLinear(outputSize: [7], alignCorners: false) }
        try checkGradients([[1, 2, 3, 4]]) { try $0[0].upsampleLinear(outputSize: [5, 2], alignCorners: true) }
        try checkGradients([[1, 1, 2, 3, 2]]) { try $0[0].upsampleLinear(outputSize: [3, 4, 3], alignCorners: false, scales: [1.5, 1.3, 1.6]) }
        try checkGradients([[1, 2, 3, 4]]) { try $0[0].upsampleBicubic2d(outputSize: [5, 6], alignCorners: false) }
        try checkGradients([[1, 1, 4, 3]]) { try $0[0].upsampleBicubic2d(outputSize: [2, 5], alignCorners: true) }
        try checkGradients([[1, 2, 7, 6]]) { try $0[0].upsampleAntialiased2d(outputSize: [3, 4], alignCorners: false, cubic: false) }
        try checkGradients([[1, 1, 8, 5]]) { try $0[0].upsampleAntialiased2d(outputSize: [3, 7], alignCorners: true, cubic: true) }
    }

    @Test func antialiasValues() throws {
        // Halving [1, 2, 3, 4] (scale 2, support 2): output 0 is centred at 1 and weighs inputs
        // 0, 1, 2 by the widened triangle 1 - |x + 0.5 - 1| / 2: 0.75, 0.75, 0.25 (normalised by
        // 1.75): (0.75 + 1.5 + 0.75) / 1.75 = 12 / 7. Output 1 (centre 3): inputs 1, 2, 3 with
        // 0.25, 0.75, 0.75: (0.5 + 2.25 + 3) / 1.75 = 23 / 7.
        let x = try row([1, 2, 3, 4], [1, 1, 1, 4])
        let y = try x.upsampleAntialiased2d(outputSize: [1, 2], alignCorners: false, cubic: false)
        expectClose(try y.scalars(as: Double.self), [12.0 / 7, 23.0 / 7], tolerance: 1e-15)
        // Enlarging, the antialiased filter is plain bilinear interpolation.
        let up = try x.upsampleAntialiased2d(outputSize: [1, 7], alignCorners: false, cubic: false)
        let plain = try x.upsampleLinear(outputSize: [1, 7], alignCorners: false)
        expectClose(try up.scalars(as: Double.self), try plain.scalars(as: Double.self), tolerance: 1e-14)
        #expect(try x.requiringGrad().upsampleAntialiased2d(outputSize: [1, 2], alignCorners: false, cubic: true).gradFn?.name
                == "UpsampleBicubic2DAaBackward0")
    }

    @Test func secondOrders() throws {
        func inputs(_ shape: [Int], seed: UInt64 = 11) throws -> [Tensor] {
            try makeInputs([shape], dtype: .float64, positive: false, seed: seed)
        }
        try Autograd.gradgradcheck({ [try $0[0].maxPool(kernelSize: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [1, 1])] },
                                   try inputs([1, 2, 3, 4]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].avgPool(kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], ceilMode: true, countIncludePad: false)] },
                                   try inputs([1, 2, 4, 5]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].adaptiveAvgPool(outputSize: [2, 3, 2])] }, try inputs([1, 3, 4, 3]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].adaptiveMaxPool(outputSize: [3]).values] }, try inputs([2, 7]), atol: 1e-4, rtol: 1e-3)
        try Autograd.gradgradcheck({ [try $0[0].upsampleLinear(outputSize: [5, 3], alignCorners: false)] }, try inputs([1, 1, 3, 4]),
                                   atol: 1e-4, rtol: 1e-3)
        // The backward ops carry PyTorch's names.
        let x = try inputs([1, 2, 4, 4])[0]
        let g = try Autograd.grad([x.maxPool(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1]).mul(x.maxPool(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1])).sum()], [x], createGraph: true)[0]
        #expect(g?.gradFn != nil)
        let y = try x.avgPool(kernelSize: [2, 2], padding: [0, 0])
        let w = try Tensor.randn(y.shape, dtype: .float64).requiringGrad()
        let gx = try Autograd.grad([y.mul(w).sum()], [x], createGraph: true)[0]
        #expect(gx?.gradFn?.name == "AvgPool2DBackwardBackward0")
        let z = try x.maxPool(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1])
        let gz = try Autograd.grad([z.mul(w).sum()], [x], createGraph: true)[0]
        #expect(gz?.gradFn?.name == "MaxPool2DWithIndicesBackwardBackward0")
    }

    @Test func backwardOpMatchesTheGradient() throws {
        let x = try makeInputs([[2, 3, 6, 5]], dtype: .float64, positive: false, seed: 4)[0]
        let r = try x.maxPoolWithIndices(kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2], ceilMode: true)
        let g = try Tensor.randn(r.values.shape, dtype: .float64)
        let viaOp = try x.maxPoolWithIndicesBackward(grad: g, kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2],
                                                     ceilMode: true, indices: r.indices)
        let viaAutograd = try Autograd.grad([r.values.mul(g).sum()], [x])[0]!
        #expect(try viaOp.scalars(as: Double.self) == viaAutograd.scalars(as: Double.self))
        expectError(.shape("Expected gradOutput of shape [2, 3, 4, 5] but got [2, 3, 3, 3]")) {
            _ = try x.maxPoolWithIndicesBackward(grad: Tensor.zeros([2, 3, 3, 3], dtype: .float64), kernelSize: [3, 2], stride: [2, 1],
                                                 padding: [1, 1], dilation: [1, 2], ceilMode: true, indices: r.indices)
        }
    }

    // MARK: Errors (PyTorch's messages)

    @Test func errors() throws {
        let x = try Tensor.zeros([0, 1, 49])
        expectError(.invalidArgument("pad must be non-negative, but got pad: -1")) {
            _ = try x.maxPool(kernelSize: [2], stride: [50], padding: [-1], dilation: [1])
        }
        expectError(.invalidArgument("pad should be at most half of effective kernel size, but got pad=4, kernel_size=2 and dilation=1")) {
            _ = try x.maxPool(kernelSize: [2], stride: [50], padding: [4], dilation: [1])
        }
        expectError(.invalidArgument("pad should be at most half of effective kernel size, but got pad=4, kernel_size=3 and dilation=1")) {
            _ = try x.maxPool(kernelSize: [3, 2], stride: [50, 50], padding: [4, 4], dilation: [1, 1])
        }
        expectError(.invalidArgument("max_pool1d() stride must be greater than zero, but got 0")) {
            _ = try Tensor.zeros([3, 3, 3]).maxPool(kernelSize: [1], stride: [0], padding: [0], dilation: [1])
        }
        expectError(.invalidArgument("max_pool1d() Invalid computed output size: -2")) {
            _ = try Tensor.zeros([2, 2, 2]).maxPool(kernelSize: [5], stride: [1], padding: [0], dilation: [1])
        }
        expectError(.invalidArgument("effective kernel size overflows, but got kernel_size=8608480567731124087 and dilation=1250999896764")) {
            _ = try Tensor.zeros([1, 2, 3]).maxPool(kernelSize: [8608480567731124087], padding: [1250999896764], dilation: [1250999896764], ceilMode: true)
        }
        expectError(.invalidArgument("Given input size: (1x1x4). Calculated output size: (1x0x2). Output size is too small")) {
            _ = try Tensor.zeros([1, 1, 4]).maxPool(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1])
        }
        expectError(.shape("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 10]")) {
            _ = try Tensor.zeros([1, 0, 10]).maxPool(kernelSize: [1, 1], padding: [0, 0], dilation: [1, 1])
        }
        expectError(.shape("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 10, 0]")) {
            _ = try Tensor.zeros([1, 10, 0]).maxPool(kernelSize: [1], padding: [0], dilation: [1])
        }
        expectError(.invalidArgument("divisor must be not zero")) {
            _ = try Tensor.zeros([3, 3, 3]).avgPool(kernelSize: [2, 2], padding: [0, 0], divisorOverride: 0)
        }
        expectError(.invalidArgument("input image (T: 1 H: 4 W: 4) smaller than kernel size (kT: 2 kH: 2 kW: 2)")) {
            _ = try Tensor.zeros([1, 1, 4, 4]).avgPool(kernelSize: [2, 2, 2], padding: [0, 0, 0])
        }
        expectError(.dtype("\"max_pool2d\" not implemented for 'Bool'")) {
            _ = try Tensor.zeros([1, 4, 4], dtype: .bool).maxPool(kernelSize: [2, 2], padding: [0, 0], dilation: [1, 1])
        }
        expectError(.dtype("\"adaptive_avg_pool2d\" not implemented for 'Long'")) {
            _ = try Tensor.zeros([1, 4, 4], dtype: .int64).adaptiveAvgPool(outputSize: [2, 2])
        }
        expectError(.invalidArgument("Input and output sizes should be greater than 0, but got input (H: 4, W: 4) output (H: 0, W: 3)")) {
            _ = try Tensor.zeros([1, 1, 4, 4]).upsampleNearest(outputSize: [0, 3])
        }
        expectError(.shape("Non-empty 4D data tensor expected but got a tensor with sizes [1, 4, 4]")) {
            _ = try Tensor.zeros([1, 4, 4]).upsampleLinear(outputSize: [2, 2], alignCorners: false)
        }
        expectError(.invalidArgument("Found an invalid max index: 16 (output volumes are of size 4x4)")) {
            _ = try Tensor.zeros([1, 1, 2, 2]).maxUnpool(indices: Tensor.full([1, 1, 2, 2], 16, dtype: .int64), outputSize: [4, 4])
        }
    }
}
