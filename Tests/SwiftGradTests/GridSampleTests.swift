import Testing
@testable import SwiftGrad

/// Spatial sampling (Ops/GridSample.swift): values worked out by hand, every backward (input and
/// grid, every mode, padding and align_corners, 2-d and 3-d) against float64 central finite
/// differences, second orders through the backward's node, affine_grid, hostile coordinates,
/// and PyTorch's errors.
@Suite struct GridSampleTests {
    /// A 1 x 1 x 2 x 3 image [[0, 1, 2], [10, 11, 12]].
    private func image() throws -> Tensor {
        try Tensor([0, 1, 2, 10, 11, 12] as [Double], shape: [1, 1, 2, 3])
    }

    private func grid(_ points: [(Double, Double)]) throws -> Tensor {
        try Tensor(points.flatMap { [$0.0, $0.1] }, shape: [1, 1, points.count, 2])
    }

    // MARK: Values by hand

    @Test func bilinearByHand() throws {
        // align_corners: x = -1, 0, 1 are columns 0, 1, 2; y = -1, 1 rows 0, 1.
        let g = try grid([(-1, -1), (0, 1), (1, 0), (0.5, -0.5), (-1.5, -1)])
        let out = try Tensor.gridSampler(image(), g, interpolationMode: 0, paddingMode: 0, alignCorners: true)
        #expect(out.shape == [1, 1, 1, 5])
        // (0.5, -0.5): column 1.5, row 0.25: 1.5 + 10 * 0.25; (-1.5, -1): column -0.5, half of column 0 (0) and outside.
        expectClose(try out.scalars(as: Double.self), [0, 11, 7, 4, 0], tolerance: 1e-15)
        // Border clips -0.5 to column 0; without align_corners, x = -1 is column -0.5.
        let border = try Tensor.gridSampler(image(), try grid([(-1.5, -1)]), interpolationMode: 0, paddingMode: 1, alignCorners: true)
        #expect(try border.scalars(as: Double.self) == [0])
        let unaligned = try Tensor.gridSampler(image(), try grid([(-1, -0.5), (1, 0.5)]), interpolationMode: 0, paddingMode: 0, alignCorners: false)
        // (-1, -0.5): column -0.5, row 0 -> half of 0; (1, 0.5): column 2.5, row 1 -> half of 12.
        expectClose(try unaligned.scalars(as: Double.self), [0, 6], tolerance: 1e-15)
        // Reflection without align_corners folds column -0.5 - 0.25 = -0.75 to -0.25, clipped to 0;
        // column 3.25 (x = 1.5) folds to 1.75: 1.75 of row 0.
        let reflected = try Tensor.gridSampler(image(), try grid([(1.5, -0.5)]), interpolationMode: 0, paddingMode: 2, alignCorners: false)
        expectClose(try reflected.scalars(as: Double.self), [1.75], tolerance: 1e-15)
    }

    @Test func nearestRoundsHalfToEven() throws {
        // align_corners, 3 columns: x = -0.5 is column 0.5 (-> 0), x = 0.5 column 1.5 (-> 2).
        let out = try Tensor.gridSampler(image(), try grid([(-0.5, -1), (0.5, 1), (0.2, 0.2)]), interpolationMode: 1,
                                         paddingMode: 0, alignCorners: true)
        #expect(try out.scalars(as: Double.self) == [0, 12, 11])
    }

    @Test func bicubicByHand() throws {
        // Keys' kernel (A = -0.75) at column 3.3 of a ramp 0, 1, ..., 7: taps 2, 3, 4, 5 weighted
        // by k(1.3), k(0.3), k(0.7), k(1.7), with k(s) = (A + 2)|s|^3 - (A + 3)|s|^2 + 1 for
        // |s| <= 1 and A|s|^3 - 5A|s|^2 + 8A|s| - 4A for 1 < |s| < 2. The weights sum to 1 (a
        // constant image comes back unchanged).
        let a = -0.75
        func k(_ s: Double) -> Double {
            s <= 1 ? (a + 2) * s * s * s - (a + 3) * s * s + 1 : a * s * s * s - 5 * a * s * s + 8 * a * s - 4 * a
        }
        let weights = [k(1.3), k(0.3), k(0.7), k(1.7)]
        let ramp = try Tensor((0..<8).map(Double.init), shape: [1, 1, 1, 8])
        let x = 3.3 / 7 * 2 - 1
        let out = try Tensor.gridSampler(ramp, try grid([(x, 0)]), interpolationMode: 2, paddingMode: 1, alignCorners: true)
        expectClose(try out.scalars(as: Double.self), [2 * weights[0] + 3 * weights[1] + 4 * weights[2] + 5 * weights[3]], tolerance: 1e-12)
        let flat = try Tensor([Double](repeating: 2.5, count: 8), shape: [1, 1, 1, 8])
        let same = try Tensor.gridSampler(flat, try grid([(x, 0)]), interpolationMode: 2, paddingMode: 1, alignCorners: true)
        expectClose(try same.scalars(as: Double.self), [2.5], tolerance: 1e-14)
    }

    @Test func gridGradientByHand() throws {
        // d out / d x at (0.5, -0.5) with align_corners: the row-0.25 blend's slope along
        // columns (1 per column) times (3 - 1) / 2 columns per unit; along y: 10 per row times 1/2.
        let g = try grid([(0.5, -0.5)]).requiringGrad()
        let out = try Tensor.gridSampler(image(), g, interpolationMode: 0, paddingMode: 0, alignCorners: true)
        #expect(out.gradFn?.name == "GridSampler2DBackward0")
        try out.sum().backward()
        expectClose(try g.grad!.scalars(as: Double.self), [1, 5], tolerance: 1e-15)
        // Border: a point clipped at the border (and exactly on it) has no grid gradient.
        for x in [-1.0, -1.7] {
            let h = try grid([(x, 0)]).requiringGrad()
            try Tensor.gridSampler(image(), h, interpolationMode: 0, paddingMode: 1, alignCorners: true).sum().backward()
            #expect(try h.grad!.scalars(as: Double.self)[0] == 0)
        }
    }

    // MARK: Gradients against finite differences

    @Test func gradientsEveryMode2d() throws {
        for mode in 0...2 {
            for padding in 0...2 {
                for align in [false, true] {
                    try checkGradients([[2, 2, 3, 4], [2, 3, 2, 2]], seed: UInt64(7 + mode * 6 + padding * 2 + (align ? 1 : 0))) { t in
                        try Tensor.gridSampler(t[0], t[1].mul(0.9), interpolationMode: mode, paddingMode: padding, alignCorners: align)
                    }
                }
            }
        }
    }

    @Test func gradientsEveryMode3d() throws {
        for mode in 0...2 {
            for padding in 0...2 {
                for align in [false, true] {
                    try checkGradients([[1, 2, 2, 3, 3], [1, 2, 1, 2, 3]], seed: UInt64(40 + mode * 6 + padding * 2 + (align ? 1 : 0))) { t in
                        try Tensor.gridSampler(t[0], t[1].mul(0.9), interpolationMode: mode, paddingMode: padding, alignCorners: align)
                    }
                }
            }
        }
    }

    @Test func secondOrders() throws {
        for (shapes, modes) in [([[1, 2, 3, 4], [1, 2, 2, 2]], [0, 2]), ([[1, 1, 2, 3, 3], [1, 1, 2, 2, 3]], [0, 2])] {
            for mode in modes {
                for padding in 0...2 {
                    let xs = try makeInputs(shapes, dtype: .float64, positive: false, seed: UInt64(3 + mode + padding))
                    try Autograd.gradgradcheck({ t in
                        [try Tensor.gridSampler(t[0], t[1].mul(0.8), interpolationMode: mode, paddingMode: padding, alignCorners: padding == 1)]
                    }, xs)
                }
            }
        }
        // The backward's outputs are one node; a third order is refused as PyTorch does.
        let xs = try makeInputs([[1, 1, 2, 3], [1, 2, 2, 2]], dtype: .float64, positive: false, seed: 9)
        let y = try Tensor.gridSampler(xs[0], xs[1], interpolationMode: 0, paddingMode: 0, alignCorners: false)
        let grads = try Autograd.grad([y.sum()], xs, createGraph: true)
        #expect(grads[0]?.gradFn?.name == "GridSampler2DBackwardBackward0")
        let second = try Autograd.grad([try #require(grads[1]).sum()], [xs[1]], createGraph: true)
        #expect(throws: SwiftGradError.autograd("derivative for aten::grid_sampler_2d_double_backward is not implemented")) {
            _ = try Autograd.grad([try #require(second[0]).sum()], [xs[1]])
        }
    }

    @Test func affineGrid() throws {
        // Identity theta, 2 x 3 output, align_corners: x in {-1, 0, 1}, y in {-1, 1}.
        let theta = try Tensor([1, 0, 0, 0, 1, 0] as [Double], shape: [1, 2, 3])
        let grid = try Tensor.affineGrid(theta, size: [1, 1, 2, 3], alignCorners: true)
        #expect(grid.shape == [1, 2, 3, 2])
        #expect(try grid.scalars(as: Double.self) == [-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1])
        // Without align_corners the points are the pixel centres: x in {-2/3, 0, 2/3}; a unit axis is 0.
        let centres = try Tensor.affineGrid(theta, size: [1, 1, 1, 3], alignCorners: false)
        expectClose(try centres.scalars(as: Double.self), [-2.0 / 3, 0, 0, 0, 2.0 / 3, 0], tolerance: 1e-15)
        // Sampling an image through the identity grid with align_corners gives the image back.
        let back = try Tensor.gridSampler(image(), grid, interpolationMode: 0, paddingMode: 0, alignCorners: true)
        expectClose(try back.scalars(as: Double.self), try image().scalars(as: Double.self), tolerance: 1e-15)
        try checkGradients([[2, 2, 3]]) { t in try Tensor.affineGrid(t[0], size: [2, 1, 3, 4], alignCorners: false) }
        try checkGradients([[1, 3, 4]]) { t in try Tensor.affineGrid(t[0], size: [1, 1, 2, 3, 2], alignCorners: true) }
        let t = try makeInputs([[2, 2, 3]], dtype: .float64, positive: false, seed: 4)
        let y = try Tensor.affineGrid(t[0], size: [2, 1, 3, 4], alignCorners: false)
        #expect(y.gradFn?.name == "AffineGridGeneratorBackward0")
        expectError(.invalidArgument("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")) {
            _ = try Tensor.affineGrid(theta, size: [1, 1, 3], alignCorners: false)
        }
        expectError(.shape("Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [1, 3].")) {
            _ = try Tensor.affineGrid(theta, size: [2, 1, 3, 3], alignCorners: false)
        }
    }

    @Test func hostileCoordinatesDoNotTrap() throws {
        // NaN, infinities and coordinates beyond Int range read zeros (or the padding's border),
        // never index out of bounds, in every mode.
        let bad: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e300, 4e9, -4e9, 1e18]
        let g = try Tensor(bad.flatMap { [$0, 0.3] } + bad.flatMap { [0.3, $0] }, shape: [1, 2, bad.count, 2]).requiringGrad()
        let x = try makeInputs([[1, 2, 3, 4]], dtype: .float64, positive: false, seed: 1)[0]
        for mode in 0...2 {
            for padding in 0...2 {
                for align in [false, true] {
                    let y = try Tensor.gridSampler(x, g, interpolationMode: mode, paddingMode: padding, alignCorners: align)
                    try y.sum().backward()
                    #expect(y.shape == [1, 2, 2, bad.count])
                }
            }
        }
        let g3 = try Tensor(bad.flatMap { [$0, 0.3, -$0] }, shape: [1, 1, 1, bad.count, 3])
        let x3 = try makeInputs([[1, 1, 2, 2, 2]], dtype: .float32, positive: false, seed: 1)[0]
        for mode in 0...2 {
            for padding in 0...2 {
                _ = try Tensor.gridSampler(x3, try g3.to(.float32), interpolationMode: mode, paddingMode: padding, alignCorners: false)
            }
        }
    }

    @Test func reducedFloatsAndEmpty() throws {
        let x = try makeInputs([[1, 2, 3, 4], [1, 2, 2, 2]], dtype: .float64, positive: false, seed: 2)
        let want = try Tensor.gridSampler(x[0], x[1], interpolationMode: 0, paddingMode: 1, alignCorners: false)
        let half = try Tensor.gridSampler(x[0].to(.float16), x[1].to(.float16), interpolationMode: 0, paddingMode: 1, alignCorners: false)
        #expect(half.dtype == .float16)
        expectClose(try half.scalars(as: Double.self), try want.scalars(as: Double.self), tolerance: 1e-2)
        // Empty batch, channels and output positions.
        let empty = try Tensor.gridSampler(try Tensor.zeros([0, 2, 3, 3], dtype: .float64), try Tensor.zeros([0, 2, 2, 2], dtype: .float64),
                                           interpolationMode: 0, paddingMode: 0, alignCorners: false)
        #expect(empty.shape == [0, 2, 2, 2])
        let none = try Tensor.gridSampler(try Tensor.zeros([1, 0, 3, 3]), try Tensor.zeros([1, 2, 2, 2]),
                                          interpolationMode: 0, paddingMode: 0, alignCorners: false)
        #expect(none.shape == [1, 0, 2, 2])
    }

    @Test func errorsAsPyTorch() throws {
        let x = try Tensor.zeros([1, 2, 3, 3]), g = try Tensor.zeros([1, 2, 2, 2])
        expectError(.shape("grid_sampler(): expected grid and input to have same batch size, but got input with sizes [1, 2, 3, 3] and grid with sizes [2, 2, 2, 2]")) {
            _ = try Tensor.gridSampler(x, try Tensor.zeros([2, 2, 2, 2]), interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.shape("grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [1, 2, 2, 3]")) {
            _ = try Tensor.gridSampler(x, try Tensor.zeros([1, 2, 2, 3]), interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.shape("grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes [1, 2, 0, 3] with dimension 2 being empty")) {
            _ = try Tensor.gridSampler(try Tensor.zeros([1, 2, 0, 3]), g, interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.shape("grid_sampler(): expected 5D input and grid with same number of dimensions, but got input with sizes [1, 2, 3, 3] and grid with sizes [1, 2, 2, 2]")) {
            _ = try Tensor.gridSampler3d(x, g, interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.dtype("expected scalar type Float but found Double")) {
            _ = try Tensor.gridSampler(x, try g.to(.float64), interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.dtype("\"grid_sampler_2d_cpu_kernel_impl\" not implemented for 'Long'")) {
            _ = try Tensor.gridSampler(try x.to(.int64), try g.to(.int64), interpolationMode: 0, paddingMode: 0, alignCorners: false)
        }
        expectError(.invalidArgument("grid_sampler(): unknown interpolation mode 3 (0 bilinear, 1 nearest, 2 bicubic)")) {
            _ = try Tensor.gridSampler(x, g, interpolationMode: 3, paddingMode: 0, alignCorners: false)
        }
        expectError(.invalidArgument("grid_sampler(): unknown padding mode -1 (0 zeros, 1 border, 2 reflection)")) {
            _ = try Tensor.gridSampler(x, g, interpolationMode: 0, paddingMode: -1, alignCorners: false)
        }
    }
}
