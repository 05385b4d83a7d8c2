import Testing
@testable import SwiftGrad

/// Reprs compared with what PyTorch 2.x prints for the same tensors.
@Suite struct PrintingTests {
    @Test func floatModes() throws {
        #expect(try Tensor.arange(0, 4).description == "tensor([0., 1., 2., 3.])")
        #expect(try Tensor([1.5, 2.25] as [Float]).description == "tensor([1.5000, 2.2500])")
        #expect(try Tensor([-1, 2] as [Float]).description == "tensor([-1.,  2.])")
        #expect(try Tensor(scalar: Float(3.14159)).description == "tensor(3.1416)")
        #expect(try Tensor(scalar: Float(-0.0)).description == "tensor(-0.)")
        // Scientific notation: a wide range, a large value or a tiny one.
        #expect(try Tensor([0.0001, 1000] as [Float]).description == "tensor([1.0000e-04, 1.0000e+03])")
        #expect(try Tensor([1e-5] as [Float]).description == "tensor([1.0000e-05])")
        #expect(try Tensor([123_456_789] as [Float]).description == "tensor([1.2346e+08])")
        #expect(try Tensor([1e-8, -1] as [Float]).description == "tensor([ 1.0000e-08, -1.0000e+00])")
        // Non-finite values, and all zeros.
        #expect(try Tensor([.nan, 1] as [Float]).description == "tensor([nan, 1.])")
        #expect(try Tensor([.infinity, 1.5] as [Float]).description == "tensor([   inf, 1.5000])")
        #expect(try Tensor([-.infinity, 0] as [Float]).description == "tensor([-inf, 0.])")
        #expect(try Tensor.zeros([2]).description == "tensor([0., 0.])")
    }

    @Test func dtypesAndShapes() throws {
        #expect(try Tensor.arange(0, 10, dtype: .int64).description == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])")
        #expect(try Tensor([-3, 12] as [Int64]).description == "tensor([-3, 12])")
        #expect(try Tensor([true, false] as [Bool]).description == "tensor([ True, False])")
        #expect(try Tensor(scalar: true).description == "tensor(True)")
        #expect(try Tensor(scalar: 2.0).description == "tensor(2., dtype=torch.float64)")
        #expect(try Tensor.zeros([2, 3], dtype: .float64).description ==
            "tensor([[0., 0., 0.],\n        [0., 0., 0.]], dtype=torch.float64)")
        #expect(try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]).description == "tensor([[1., 2.],\n        [3., 4.]])")
        #expect(try Tensor.arange(0, 8).reshape([2, 2, 2]).description ==
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])")
    }

    @Test func emptyTensors() throws {
        #expect(try Tensor.zeros([0]).description == "tensor([])")
        #expect(try Tensor.zeros([0, 3]).description == "tensor([], size=(0, 3))")
        #expect(try Tensor.zeros([0], dtype: .int64).description == "tensor([], dtype=torch.int64)")
        #expect(try Tensor.zeros([2, 0], dtype: .bool).description == "tensor([], size=(2, 0), dtype=torch.bool)")
    }

    @Test func lineWrapping() throws {
        #expect(try Tensor.arange(0, 30).description == """
            tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,
                    14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,
                    28., 29.])
            """)
        // The suffix moves to its own line when it would pass 80 columns.
        #expect(try Tensor.arange(0, 14, requiresGrad: true).description == """
            tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],
                   requires_grad=True)
            """)
    }

    @Test func summarisation() throws {
        #expect(try Tensor.arange(0, 2000).description == """
            tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,
                    1.9990e+03])
            """)
        #expect(try Tensor.arange(0, 1001, dtype: .int64).description ==
            "tensor([   0,    1,    2,  ...,  998,  999, 1000])")
        #expect(try Tensor.arange(0, 1200, dtype: .int64).reshape([40, 30]).description == """
            tensor([[   0,    1,    2,  ...,   27,   28,   29],
                    [  30,   31,   32,  ...,   57,   58,   59],
                    [  60,   61,   62,  ...,   87,   88,   89],
                    ...,
                    [1110, 1111, 1112,  ..., 1137, 1138, 1139],
                    [1140, 1141, 1142,  ..., 1167, 1168, 1169],
                    [1170, 1171, 1172,  ..., 1197, 1198, 1199]])
            """)
    }

    @Test func autogradSuffixes() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        #expect(try (x * x).description == "tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>)")
        #expect(try x.sum().description == "tensor(6., grad_fn=<SumBackward0>)")
        #expect(try (x + 1).description == "tensor([1., 2., 3., 4.], grad_fn=<AddBackward0>)")
        #expect(try (1 - x).description == "tensor([ 1.,  0., -1., -2.], grad_fn=<RsubBackward1>)")
        #expect(try (x / 4).description == "tensor([0.0000, 0.2500, 0.5000, 0.7500], grad_fn=<DivBackward0>)")
        #expect(try (-x).description == "tensor([-0., -1., -2., -3.], grad_fn=<NegBackward0>)")
        #expect(try (x ** 2).description == "tensor([0., 1., 4., 9.], grad_fn=<PowBackward0>)")
        #expect(try x.norm().description == "tensor(3.7417, grad_fn=<LinalgVectorNormBackward0>)")
        #expect(try dot(x, x).description == "tensor(14., grad_fn=<DotBackward0>)")
        #expect(try Tensor.zeros([3], dtype: .float64, requiresGrad: true).description ==
            "tensor([0., 0., 0.], dtype=torch.float64, requires_grad=True)")
    }

    @Test func printOptions() throws {
        var options = PrintOptions()
        options.precision = 2
        #expect(try Tensor([1.12345] as [Float]).repr(options: options) == "tensor([1.12])")
        options = PrintOptions()
        options.threshold = 5
        #expect(try Tensor.arange(0, 10, dtype: .int64).repr(options: options) == "tensor([0, 1, 2,  ..., 7, 8, 9])")
        options = PrintOptions()
        options.sciMode = true
        #expect(try Tensor([1.5] as [Float]).repr(options: options) == "tensor([1.5000e+00])")
    }
}
