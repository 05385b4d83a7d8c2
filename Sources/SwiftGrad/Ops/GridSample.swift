
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Spatial sampling (`torch.grid_sampler`, `F.grid_sample`, `F.affine_grid`), as spatial
/// transformer networks and optical-flow models use it.
///
/// Each output position reads the input at a point given by the grid in normalised coordinates
/// ([-1, 1] spans the input; x is the last input dimension). Along each axis the point becomes a
/// few taps (PyTorch's rules, `aten/src/ATen/native/GridSampler.h`): the coordinate is
/// unnormalised (`((c + 1) / 2) * (size - 1)` with align_corners, `((c + 1) * size - 1) / 2`
/// without), mapped by the padding mode (border clips to [0, size - 1], reflection folds about the
/// borders, or about the half-pixel borders without align_corners, then clips), and then
/// bilinear takes the two neighbours with weights `1 - t, t`, nearest the nearest one (ties to
/// even, `nearbyint`), bicubic the four around the *unpadded* coordinate with Keys' weights
/// (A = -0.75), padding each tap on its own. A tap outside the input reads 0. The weight of a
/// tap combination is the product of its axes' weights, so every mode and rank is one loop.
///
/// Gradients: the input's is the scatter of the output gradient with the same weights; the
/// grid's is the sum over channels of value x derivative of the weight, times the
/// unnormalisation's factor and the padding's derivative (0 where border clips, including at the
/// border itself, -1 where reflection folds), as PyTorch's kernels compute them. Nearest has a
/// zero grid gradient. The backward is not differentiated again here (see `gridSamplerBackward`).
extension Tensor {
    /// `torch.grid_sampler`: samples `input` [N, C, H, W] at `grid` [N, Ho, Wo, 2] (or
    /// [N, C, D, H, W] at [N, Do, Ho, Wo, 3]) giving [N, C, Ho, Wo] (or [N, C, Do, Ho, Wo]);
    /// GridSampler2DBackward0 / GridSampler3DBackward0.
    ///
    ///     // the identity grid of a 1 x 1 x 2 x 2 image reproduces it
    ///     let out = try Tensor.gridSampler(image, grid, interpolationMode: 0, paddingMode: 0,
    ///                                      alignCorners: true)
    ///
    /// - Parameters:
    ///   - interpolationMode: 0 bilinear (trilinear in 3-d), 1 nearest, 2 bicubic (tricubic in 3-d).
    ///   - paddingMode: 0 zeros, 1 border, 2 reflection.
    ///   - alignCorners: whether -1 and 1 are the centres of the corner pixels (true) or their
    ///     outer edges (false).
    /// - Throws: PyTorch's messages for mismatched batch sizes, a grid whose last size is not
    ///   the number of spatial dims, empty spatial dims, ranks other than 4 and 5, dtypes that
    ///   differ; `.dtype` for non-floating input; `.invalidArgument` for an unknown mode code.
    public static func gridSampler(_ input: Tensor, _ grid: Tensor, interpolationMode: Int, paddingMode: Int,
                                   alignCorners: Bool) throws -> Tensor {
        try checkGridSampler(input, grid)
        return input.ndim == 4
            ? try gridSampler2d(input, grid, interpolationMode: interpolationMode, paddingMode: paddingMode, alignCorners: alignCorners)
            : try gridSampler3d(input, grid, interpolationMode: interpolationMode, paddingMode: paddingMode, alignCorners: alignCorners)
    }

    /// `torch.grid_sampler_2d`: `gridSampler` for 4-d input and grid.
    public static func gridSampler2d(_ input: Tensor, _ grid: Tensor, interpolationMode: Int, paddingMode: Int,
                                     alignCorners: Bool) throws -> Tensor {
        try gridSamplerRanked(input, grid, spatial: 2, interpolationMode: interpolationMode,
                              paddingMode: paddingMode, alignCorners: alignCorners)
    }

    /// `torch.grid_sampler_3d`: `gridSampler` for 5-d input and grid.
    public static func gridSampler3d(_ input: Tensor, _ grid: Tensor, interpolationMode: Int, paddingMode: Int,
                                     alignCorners: Bool) throws -> Tensor {
        try gridSamplerRanked(input, grid, spatial: 3, interpolationMode: interpolationMode,
                              paddingMode: paddingMode, alignCorners: alignCorners)
    }

    /// PyTorch's `check_grid_sampler_common`.
    static func checkGridSampler(_ input: Tensor, _ grid: Tensor) throws {
        guard input.ndim > 0, grid.ndim > 0 else {
            throw SwiftGradError.shape("Dimension specified as 0 but tensor has no dimensions")
        }
        guard input.shape[0] == grid.shape[0] else {
            throw SwiftGradError.shape("grid_sampler(): expected grid and input to have same batch size, but got input with sizes \(input.shape) and grid with sizes \(grid.shape)")
        }
        guard grid.shape[grid.ndim - 1] == input.ndim - 2 else {
            throw SwiftGradError.shape("grid_sampler(): expected grid to have size \(input.ndim - 2) in last dimension, but got grid with sizes \(grid.shape)")
        }
        for i in 2..<Swift.max(2, input.ndim) where input.shape[i] <= 0 {
            throw SwiftGradError.shape("grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes \(input.shape) with dimension \(i) being empty")
        }
    }

    private static func gridSamplerRanked(_ input: Tensor, _ grid: Tensor, spatial: Int, interpolationMode: Int,
                                          paddingMode: Int, alignCorners: Bool) throws -> Tensor {
        try checkGridSampler(input, grid)          // again for grid_sampler_2d/3d called directly
        guard input.ndim == spatial + 2, grid.ndim == input.ndim else {
            throw SwiftGradError.shape("grid_sampler(): expected \(spatial + 2)D input and grid with same number of dimensions, but got input with sizes \(input.shape) and grid with sizes \(grid.shape)")
        }
        guard input.dtype == grid.dtype else {
            throw SwiftGradError.dtype("expected scalar type \(input.dtype.scalarTypeName) but found \(grid.dtype.scalarTypeName)")
        }
        guard input.dtype.isFloatingPoint else {
            throw kernelNotImplemented(spatial == 2 ? "grid_sampler_2d_cpu_kernel_impl" : "grid_sampler3d_cpu", input.dtype)
        }
        guard (0...2).contains(interpolationMode) else {
            throw SwiftGradError.invalidArgument("grid_sampler(): unknown interpolation mode \(interpolationMode) (0 bilinear, 1 nearest, 2 bicubic)")
        }
        guard (0...2).contains(paddingMode) else {
            throw SwiftGradError.invalidArgument("grid_sampler(): unknown padding mode \(paddingMode) (0 zeros, 1 border, 2 reflection)")
        }
        let plan = try GridSamplePlan(input: input.shape, grid: grid.shape, mode: interpolationMode,
                                      padding: paddingMode, alignCorners: alignCorners)
        let out = try gridCompute(input.dtype, [input, grid]) { ops, T in
            T == .float64 ? try plan.forward(ops[0], ops[1], Double.self) : try plan.forward(ops[0], ops[1], Float.self)
        }
        let name = spatial == 2 ? "GridSampler2DBackward0" : "GridSampler3DBackward0"
        return try out.recorded(name, inputs: [input, grid], saving: [input, grid]) { g, ctx in
            let (gi, gg) = try gridSamplerBackward(g, try ctx.saved(0), try ctx.saved(1), plan: plan,
                                                   inputGrad: ctx.needsGrad(0), gridGrad: ctx.needsGrad(1))
            return [gi, gg]
        }
    }

    /// The gradients of `gridSampler` for the input and the grid (nil where not asked for),
    /// PyTorch's `grid_sampler_{2,3}d_backward`. Under create_graph both are recorded as the
    /// outputs of one GridSampler2DBackwardBackward0 (3D) node, whose rule is
    /// `gridSamplerDoubleBackward`.
    static func gridSamplerBackward(_ g: Tensor, _ input: Tensor, _ grid: Tensor, plan: GridSamplePlan,
                                    inputGrad: Bool, gridGrad: Bool) throws -> (Tensor?, Tensor?) {
        guard inputGrad || gridGrad else { return (nil, nil) }
        let recording = GradMode.isEnabled && (g.requiresGrad || input.requiresGrad || grid.requiresGrad)
        let both = recording || (inputGrad && gridGrad)
        let results = try gridCompute(input.dtype, [g, input, grid]) { (ops: [Tensor], T: DType) -> [Tensor] in
            T == .float64
                ? try plan.backward(ops[0], ops[1], ops[2], inputGrad: both || inputGrad, gridGrad: both || gridGrad, Double.self)
                : try plan.backward(ops[0], ops[1], ops[2], inputGrad: both || inputGrad, gridGrad: both || gridGrad, Float.self)
        }
        guard recording else { return (inputGrad ? results[0] : nil, gridGrad ? results[1] : nil) }
        let name = plan.rank == 2 ? "GridSampler2DBackwardBackward0" : "GridSampler3DBackwardBackward0"
        let outs = try Tensor.recordedOutputs(name, inputs: [g, input, grid], outputs: results) { grads, node in
            let (dg, dx, dgrid) = try gridSamplerDoubleBackward(g, input, grid, ggInput: grads[0], ggGrid: grads[1], plan: plan,
                                                                needs: (node.needsGrad(0), node.needsGrad(1), node.needsGrad(2)))
            return Gradients([dg, dx, dgrid])
        }
        return (inputGrad ? outs[0] : nil, gridGrad ? outs[1] : nil)
    }

    /// The gradients of `<gradInput, ggInput> + <gradGrid, ggGrid>` (the backward's outputs
    /// against their own gradients) for the output gradient, the input and the grid: with
    /// `W_t` the weight of tap t and `D_a` its derivative along grid coordinate a,
    /// `dg = sum_t ggInput[t] W_t + x[t] sum_a D_a ggGrid_a`, `dx[t] += g sum_a D_a ggGrid_a`,
    /// `dgrid_b = sum g (ggInput[t] D_b + x[t] sum_a D_ab ggGrid_a)` (`D_ab`: the second
    /// derivatives; bilinear's are products of first derivatives off the diagonal and 0 on it,
    /// nearest's all 0). Not differentiable again ("derivative for
    /// aten::grid_sampler_2d_double_backward is not implemented").
    static func gridSamplerDoubleBackward(_ g: Tensor, _ input: Tensor, _ grid: Tensor, ggInput: Tensor, ggGrid: Tensor,
                                          plan: GridSamplePlan, needs: (Bool, Bool, Bool)) throws -> (Tensor?, Tensor?, Tensor?) {
        let results = try gridCompute(input.dtype, [g, input, grid, ggInput, ggGrid]) { (ops: [Tensor], T: DType) -> [Tensor] in
            T == .float64 ? try plan.doubleBackward(ops[0], ops[1], ops[2], ops[3], ops[4], Double.self)
                          : try plan.doubleBackward(ops[0], ops[1], ops[2], ops[3], ops[4], Float.self)
        }
        let op = plan.rank == 2 ? "grid_sampler_2d_double_backward" : "grid_sampler_3d_double_backward"
        let inputs = [g, input, grid, ggInput, ggGrid]
        let dg = needs.0 ? try results[0].recordedWithoutDerivative(op, inputs: inputs) : nil
        let dx = needs.1 ? try results[1].recordedWithoutDerivative(op, inputs: inputs) : nil
        let dgrid = needs.2 ? try results[2].recordedWithoutDerivative(op, inputs: inputs) : nil
        return (dg, dx, dgrid)
    }

    /// Runs a kernel on contiguous copies of `operands` in the compute dtype (float64 for float64,
    /// float32 for the other floating dtypes) and returns its results in the operands' dtype,
    /// outside the graph.
    private static func gridCompute(_ dtype: DType, _ operands: [Tensor],
                                    _ body: ([Tensor], DType) throws -> [Tensor]) throws -> [Tensor] {
        let compute: DType = dtype == .float64 ? .float64 : .float32
        return try noGrad {
            let ops = try operands.map { try $0.to(compute, recording: false).denseForKernel() }
            return try body(ops, compute).map { try $0.to(dtype, recording: false) }
        }
    }

    private static func gridCompute(_ dtype: DType, _ operands: [Tensor],
                                    _ body: ([Tensor], DType) throws -> Tensor) throws -> Tensor {
        try gridCompute(dtype, operands) { (ops: [Tensor], T: DType) -> [Tensor] in [try body(ops, T)] }[0]
    }

    // MARK: - affine_grid

    /// `torch.affine_grid_generator` (`F.affine_grid` after its Python checks): the grid
    /// [N, H, W, 2] (or [N, D, H, W, 3]) of the points `theta` [N, 2, 3] (or [N, 3, 4]) maps the
    /// output's normalised coordinates to, AffineGridGeneratorBackward0.
    ///
    /// The base grid holds, per output position, (x, y, 1) (or (x, y, z, 1)) with each
    /// coordinate PyTorch's `linspace(-1, 1, n)` (times (n - 1) / n without align_corners; 0 for
    /// n = 1); the result is that base times theta transposed, one batched matrix product, whose
    /// gradient for theta is `grad^T base` summed over positions.
    /// - Parameters:
    ///   - size: the output size, [N, C, H, W] or [N, C, D, H, W].
    /// - Throws: PyTorch's messages for a size of another length and a theta whose shape
    ///   does not fit (those of its batched product).
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool) throws -> Tensor {
        guard size.count == 4 || size.count == 5 else {
            throw SwiftGradError.invalidArgument("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
        }
        guard theta.dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"affine_grid_generator\" not implemented for '\(theta.dtype.scalarTypeName)'")
        }
        for s in size where s < 0 {
            throw SwiftGradError.invalidArgument("affine_grid_generator: negative size \(size)")
        }
        let spatial = Array(size[2...])                    // (H, W) or (D, H, W)
        let k = spatial.count                              // 2 or 3
        var positions = 1
        for s in spatial {
            let (p, overflow) = positions.multipliedReportingOverflow(by: s)
            guard !overflow, p <= 1 << 40 else { throw SwiftGradError.invalidArgument("affine_grid_generator: size \(size) is too large") }
            positions = p
        }
        let n = size[0]
        guard theta.ndim == 3 else {
            throw SwiftGradError.shape("batch2 must be a 3D tensor")
        }
        guard theta.shape[0] == n, theta.shape[2] == k + 1 else {
            throw SwiftGradError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(n), \(k + 1)] but got: [\(theta.shape[0]), \(theta.shape[2])].")
        }
        guard theta.shape[1] == k else {
            let (np, o1) = n.multipliedReportingOverflow(by: positions)
            let (total, o2) = np.multipliedReportingOverflow(by: theta.shape[1])
            let count = o1 || o2 ? "\(n) * \(positions) * \(theta.shape[1])" : "\(total)"
            throw SwiftGradError.shape("shape '\([n] + spatial + [k])' is invalid for input of size \(count)")
        }
        // The base grid, [1, positions, k + 1], in float64 then the theta's dtype (PyTorch builds
        // it in theta's dtype through linspace; values such as (2i - n + 1) / n round the same).
        func steps(_ n: Int) -> [Double] {
            guard n > 1 else { return [0] }
            var v = (0..<n).map { i in -1 + 2 * Double(i) / Double(n - 1) }
            v[n - 1] = 1
            if !alignCorners { v = v.map { $0 * Double(n - 1) / Double(n) } }
            return v
        }
        // Allocated as a tensor first: a size too large for memory is an error, not a trap, and
        // then no axis is longer than the grid (none is built for an empty grid).
        let baseTensor = try Tensor.empty([1, positions, k + 1], .float64)
        let base = baseTensor.pointer(Double.self)
        let axes = positions == 0 ? [] : spatial.reversed().map { steps($0) }    // x (last dim) first
        var p = 0
        var idx = [Int](repeating: 0, count: k)            // (d, h, w) counters, last fastest
        while p < positions {
            for a in 0..<k { base[p * (k + 1) + a] = axes[a][idx[k - 1 - a]] }
            base[p * (k + 1) + k] = 1
            p += 1
            var d = k - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < spatial[d] { break }
                idx[d] = 0
                d -= 1
            }
        }
        let baseGrid = try baseTensor.to(theta.dtype, recording: false)
        return try Tensor.composite("AffineGridGeneratorBackward0", [theta]) { t in
            try baseGrid.expand([n, positions, k + 1]).bmm(t[0].transpose(1, 2)).reshape([n] + spatial + [k])
        }
    }
}

/// One `grid_sampler` call's sizes and modes, shared by its forward and backward.
struct GridSamplePlan: Sendable {
    /// 2 or 3 spatial dimensions.
    let rank: Int
    let batch: Int, channels: Int
    /// The input's spatial sizes, x (the last dimension) first: (W, H) or (W, H, D).
    let inSize: [Int]
    /// Elements of one input plane (H * W or D * H * W) and output positions per batch entry.
    let plane: Int, positions: Int
    let mode: Int, padding: Int, alignCorners: Bool
    let outputShape: [Int]

    init(input: [Int], grid: [Int], mode: Int, padding: Int, alignCorners: Bool) throws {
        rank = input.count - 2
        batch = input[0]
        channels = input[1]
        inSize = Array(input[2...].reversed())
        plane = input[2...].reduce(1, *)                // validated non-empty, sizes of a real tensor
        positions = grid[1..<(grid.count - 1)].reduce(1, *)
        self.mode = mode
        self.padding = padding
        self.alignCorners = alignCorners
        outputShape = [batch, channels] + Array(grid[1..<(grid.count - 1)])
    }

    /// The most taps one position reads: 2^rank, 1 or 4^rank.
    var maxTaps: Int { mode == 0 ? 1 << rank : mode == 1 ? 1 : 1 << (2 * rank) }

    // MARK: Coordinates (PyTorch's GridSampler.h)

    /// grid_sampler_unnormalize(_set_grad): the coordinate in pixels and its derivative. The
    /// 2-d kernels compute it as PyTorch's vectorised CPU kernel does (`(c + 1) * scale - 0.5`),
    /// the 3-d ones as its scalar kernel (`((c + 1) * size - 1) / 2`): the two round differently,
    /// which decides nearest's ties.
    @inline(__always)
    static func unnormalize<T: PoolFloat>(_ c: T, _ size: Int, _ align: Bool, vectorised: Bool) -> (T, T) {
        if align {
            let m = T(size - 1)
            if vectorised {
                let scale = m / 2
                return ((c + 1) * scale, scale)
            }
            let half = (c + 1) / 2
            return (half * m, m / 2)
        }
        let s = T(size)
        if vectorised {
            let scale = s / 2
            return ((c + 1) * scale - T(0.5), scale)
        }
        let scaled = (c + 1) * s - 1
        return (scaled / 2, s / 2)
    }

    /// clip_coordinates_set_grad: the borders count as outside (gradient 0 there).
    @inline(__always)
    static func clip<T: PoolFloat>(_ x: T, _ size: Int) -> (T, T) {
        if x <= 0 { return (0, 0) }
        let hi = T(size - 1)
        if x >= hi { return (hi, 0) }
        if x.isNaN { return (hi, 0) }                  // std::min(size - 1, NaN) in the forward
        return (x, 1)
    }

    /// reflect_coordinates_set_grad, with the parity taken in floating point (no integer
    /// conversion of a huge coordinate).
    @inline(__always)
    static func reflect<T: PoolFloat>(_ x: T, twiceLow: Int, twiceHigh: Int) -> (T, T) {
        if twiceLow == twiceHigh { return (0, 0) }
        let low = T(twiceLow) / 2, span = T(twiceHigh - twiceLow) / 2
        var v = x - low
        var sign: T = 1
        if v < 0 { sign = -1; v = -v }
        let extra = T(fmod(Double(v), Double(span)))
        let flips = (v / span).rounded(.down)
        let odd = fmod(Double(flips), 2) != 0
        return odd ? (span - extra + low, -sign) : (extra + low, sign)
    }

    /// safe_downgrade_to_int_range: a coordinate that is not finite or outside Int32 reads -100
    /// (outside the input).
    @inline(__always)
    static func downgrade<T: PoolFloat>(_ x: T) -> T {
        (x.isFinite && x <= T(Int32.max - 1) && x >= T(Int32.min)) ? x : -100
    }

    /// grid_sampler_compute_source_index(_set_grad) after the unnormalisation: the padding and
    /// its derivative.
    @inline(__always)
    func pad<T: PoolFloat>(_ x: T, _ size: Int) -> (T, T) {
        var x = x, grad: T = 1
        if padding == 1 {
            let (c, gc) = Self.clip(x, size)
            x = c; grad = gc
        } else if padding == 2 {
            let (r, gr) = alignCorners ? Self.reflect(x, twiceLow: 0, twiceHigh: 2 * (size - 1))
                                       : Self.reflect(x, twiceLow: -1, twiceHigh: 2 * size - 1)
            let (c, gc) = Self.clip(r, size)
            x = c; grad = gr * gc
        }
        return (Self.downgrade(x), grad)
    }

    /// The taps of one coordinate along one axis: input indices (-1: outside, reads 0), their
    /// weights and the weights' derivatives for the normalised coordinate. Returns the count.
    /// Bilinear and bicubic weights come from the coordinate in float64 (the pixel coordinate
    /// in float32 is off by up to an ulp of the input's size, which a grid gradient multiplies
    /// by the channel sums: PyTorch's float32 results stray that far from its float64 ones);
    /// nearest rounds in the element type, as PyTorch, whose ties that decides.
    @inline(__always)
    func taps<T: PoolFloat>(_ c: T, axis: Int, _ index: UnsafeMutablePointer<Int>, _ w: UnsafeMutablePointer<T>,
                            _ dw: UnsafeMutablePointer<T>, second ddw: UnsafeMutablePointer<T>? = nil) -> Int {
        let size = inSize[axis]
        @inline(__always) func clamp(_ i: Int) -> Int { i >= 0 && i < size ? i : -1 }
        if mode == 1 {
            let (u, _) = Self.unnormalize(c, size, alignCorners, vectorised: rank == 2)
            let (x, _) = pad(u, size)
            index[0] = clamp(Int(x.rounded(.toNearestOrEven))); w[0] = 1; dw[0] = 0
            if let ddw { ddw[0] = 0 }
            return 1
        }
        let (u, mult) = Self.unnormalize(Double(c), size, alignCorners, vectorised: rank == 2)
        if mode == 0 {
            let (x, g) = pad(u, size)
            let f = x.rounded(.down)
            let i0 = Int(f)
            index[0] = clamp(i0); w[0] = T((f + 1) - x); dw[0] = T(-mult * g)
            index[1] = clamp(i0 &+ 1); w[1] = T(x - f); dw[1] = T(mult * g)
            if let ddw { ddw[0] = 0; ddw[1] = 0 }
            return 2
        }
        let f = u.rounded(.down)
        let t = u - f
        let a = -0.75
        // get_cubic_upsample_coefficients: Keys' kernel at distances t + 1, t, 1 - t, 2 - t.
        @inline(__always) func conv1(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
        @inline(__always) func conv2(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        w[0] = T(conv2(t + 1)); w[1] = T(conv1(t)); w[2] = T(conv1(1 - t)); w[3] = T(conv2(2 - t))
        // get_cubic_coefficients_grad (minus the derivatives in t).
        var x = -1 - t
        dw[0] = T(-((-3 * a * x - 10 * a) * x - 8 * a) * mult)
        x = -t
        dw[1] = T(-((-3 * (a + 2) * x - 2 * (a + 3)) * x) * mult)
        x = 1 - t
        dw[2] = T(-((3 * (a + 2) * x - 2 * (a + 3)) * x) * mult)
        x = 2 - t
        dw[3] = T(-((3 * a * x - 10 * a) * x + 8 * a) * mult)
        if let ddw {
            // The kernel's second derivatives: 6 A x - 10 A and 6 (A + 2) x - 2 (A + 3).
            let m2 = mult * mult
            ddw[0] = T((6 * a * (t + 1) - 10 * a) * m2)
            ddw[1] = T((6 * (a + 2) * t - 2 * (a + 3)) * m2)
            ddw[2] = T((6 * (a + 2) * (1 - t) - 2 * (a + 3)) * m2)
            ddw[3] = T((6 * a * (2 - t) - 10 * a) * m2)
        }
        for i in 0..<4 {
            let (p, _) = pad(f - 1 + Double(i), size)
            index[i] = p >= 0 && p < Double(size) ? Int(p) : -1
        }
        return 4
    }

    /// The taps of one output position over all axes, in-bounds combinations only: offsets into
    /// an input plane, weights, and (when `derivatives`) the weight's derivatives for each grid
    /// coordinate (`d + axis * stride`). Returns the count.
    @inline(__always)
    func combine<T: PoolFloat>(_ coords: UnsafePointer<T>, scratch: UnsafeMutablePointer<Int>, scratchT: UnsafeMutablePointer<T>,
                               offset: UnsafeMutablePointer<Int>, weight: UnsafeMutablePointer<T>,
                               d: UnsafeMutablePointer<T>, derivatives: Bool) -> Int {
        // Per axis: 4 indices at scratch[4a], 4 weights at scratchT[8a], 4 derivatives at scratchT[8a + 4].
        var counts = (0, 0, 0)
        counts.0 = taps(coords[0], axis: 0, scratch, scratchT, scratchT + 4)
        counts.1 = taps(coords[1], axis: 1, scratch + 4, scratchT + 8, scratchT + 12)
        let w = inSize[0], hw = inSize[0] &* inSize[1]
        let stride = maxTaps
        var n = 0
        if rank == 2 {
            for j in 0..<counts.1 {
                let iy = scratch[4 + j]
                if iy < 0 { continue }
                let wy = scratchT[8 + j], dy = scratchT[12 + j]
                for i in 0..<counts.0 {
                    let ix = scratch[i]
                    if ix < 0 { continue }
                    let wx = scratchT[i]
                    offset[n] = iy &* w &+ ix
                    weight[n] = wx * wy
                    if derivatives {
                        d[n] = scratchT[4 + i] * wy
                        d[n &+ stride] = wx * dy
                    }
                    n &+= 1
                }
            }
            return n
        }
        counts.2 = taps(coords[2], axis: 2, scratch + 8, scratchT + 16, scratchT + 20)
        for k in 0..<counts.2 {
            let iz = scratch[8 + k]
            if iz < 0 { continue }
            let wz = scratchT[16 + k], dz = scratchT[20 + k]
            for j in 0..<counts.1 {
                let iy = scratch[4 + j]
                if iy < 0 { continue }
                let wy = scratchT[8 + j], dy = scratchT[12 + j]
                for i in 0..<counts.0 {
                    let ix = scratch[i]
                    if ix < 0 { continue }
                    let wx = scratchT[i]
                    offset[n] = iz &* hw &+ iy &* w &+ ix
                    weight[n] = wx * wy * wz
                    if derivatives {
                        d[n] = scratchT[4 + i] * wy * wz
                        d[n &+ stride] = wx * dy * wz
                        d[n &+ 2 &* stride] = wx * wy * dz
                    }
                    n &+= 1
                }
            }
        }
        return n
    }

    /// Runs `body` with per-thread scratch buffers for `combine`.
    @inline(__always)
    private func withScratch<T: PoolFloat, R>(_: T.Type, _ body: (UnsafeMutablePointer<Int>, UnsafeMutablePointer<T>,
                                                                   UnsafeMutablePointer<Int>, UnsafeMutablePointer<T>,
                                                                   UnsafeMutablePointer<T>) -> R) -> R {
        let taps = maxTaps
        let si = UnsafeMutablePointer<Int>.allocate(capacity: 12)
        let st = UnsafeMutablePointer<T>.allocate(capacity: 24)
        let off = UnsafeMutablePointer<Int>.allocate(capacity: taps)
        let w = UnsafeMutablePointer<T>.allocate(capacity: taps)
        let d = UnsafeMutablePointer<T>.allocate(capacity: taps * 3)
        defer { si.deallocate(); st.deallocate(); off.deallocate(); w.deallocate(); d.deallocate() }
        return body(si, st, off, w, d)
    }

    // MARK: Kernels (contiguous operands of element type T)

    func forward<T: PoolFloat>(_ input: Tensor, _ grid: Tensor, _: T.Type) throws -> Tensor {
        let out = try Tensor.empty(outputShape, T.dtype)
        guard out.count > 0 else { return out }
        let ip = UnsafePointer(input.pointer(T.self) + input.storageOffset)
        let gp = UnsafePointer(grid.pointer(T.self) + grid.storageOffset)
        let op = out.pointer(T.self)
        let c = channels, plane = plane, positions = positions, rank = rank
        Parallel.forRanges(batch &* positions, work: batch &* positions &* c &* maxTaps) { range in
            withScratch(T.self) { si, st, off, w, d in
                for q in range {
                    let n = q / positions, p = q - n &* positions
                    let taps = combine(gp + q &* rank, scratch: si, scratchT: st, offset: off, weight: w, d: d, derivatives: false)
                    var src = ip + n &* c &* plane
                    var dst = op + (n &* c &* positions &+ p)
                    if taps == 4 {
                        let o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3]
                        let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3]
                        for _ in 0..<c {
                            dst.pointee = src[o0] * w0 + src[o1] * w1 + src[o2] * w2 + src[o3] * w3
                            src += plane; dst += positions
                        }
                    } else {
                        for _ in 0..<c {
                            var s: T = 0
                            for t in 0..<taps { s += src[off[t]] * w[t] }
                            dst.pointee = s
                            src += plane; dst += positions
                        }
                    }
                }
            }
        }
        return out
    }

    /// The input's gradient [N, C, spatial] and the grid's [N, spatial out, rank] (each a zero
    /// tensor when not asked for).
    func backward<T: PoolFloat>(_ g: Tensor, _ input: Tensor, _ grid: Tensor, inputGrad: Bool, gridGrad: Bool,
                                _: T.Type) throws -> [Tensor] {
        let gi = try Tensor.zeros(inputGrad ? input.shape : [0], dtype: T.dtype)
        let gg = try Tensor.zeros(gridGrad ? grid.shape : [0], dtype: T.dtype)
        let ip = UnsafePointer(input.pointer(T.self) + input.storageOffset)
        let gp = UnsafePointer(grid.pointer(T.self) + grid.storageOffset)
        let go = UnsafePointer(g.pointer(T.self) + g.storageOffset)
        let gip = gi.pointer(T.self), ggp = gg.pointer(T.self)
        let c = channels, plane = plane, positions = positions, rank = rank, stride = maxTaps
        let derivatives = gridGrad && mode != 1
        // The output positions of batch entries `ns`, channels `cs`, the grid gradient's sums
        // over those channels written to `gridOut` (laid out as the grid).
        func slice(_ ns: Range<Int>, _ cs: Range<Int>, _ gridOut: UnsafeMutablePointer<T>) {
            withScratch(T.self) { si, st, off, w, d in
                for n in ns {
                    for p in 0..<positions {
                        let q = n &* positions &+ p
                        let taps = combine(gp + q &* rank, scratch: si, scratchT: st, offset: off, weight: w, d: d,
                                           derivatives: derivatives)
                        var src = ip + (n &* c &+ cs.lowerBound) &* plane
                        var dst = gip + (n &* c &+ cs.lowerBound) &* plane
                        var gOut = go + ((n &* c &+ cs.lowerBound) &* positions &+ p)
                        // Sums over channels and taps in float64: their terms cancel (they
                        // are often far larger than the sum).
                        var gx = 0.0, gy = 0.0, gz = 0.0
                        for _ in cs {
                            let gv = gOut.pointee
                            if inputGrad {
                                for t in 0..<taps { dst[off[t]] += gv * w[t] }
                                dst += plane
                            }
                            if derivatives {
                                for t in 0..<taps {
                                    let v = Double(src[off[t]]) * Double(gv)
                                    gx += v * Double(d[t])
                                    gy += v * Double(d[t &+ stride])
                                    if rank == 3 { gz += v * Double(d[t &+ 2 &* stride]) }
                                }
                                src += plane
                            }
                            gOut += positions
                        }
                        if gridGrad {
                            let out = gridOut + q &* rank
                            out[0] = T(gx); out[1] = T(gy)
                            if rank == 3 { out[2] = T(gz) }
                        }
                    }
                }
            }
        }
        let work = batch &* positions &* c &* maxTaps
        let pieces = Swift.min(Parallel.cores, Swift.max(1, work / (1 << 15)))
        if pieces > 1 && batch < pieces && c >= pieces {
            // Few batch entries: pieces own channel ranges (no two write the same input
            // gradient) and sum the grid gradient over their channels apart, added in piece order.
            let partials = try Tensor.zeros(gridGrad ? [pieces] + grid.shape : [0], dtype: T.dtype)
            let pp = partials.pointer(T.self), size = gridGrad ? grid.count : 0
            Parallel.run(pieces) { k in
                slice(0..<batch, c * k / pieces ..< c * (k + 1) / pieces, pp + k &* size)
            }
            for k in 0..<pieces {
                for i in 0..<size { ggp[i] += pp[k &* size &+ i] }
            }
        } else {
            // Each piece owns whole batch entries: no two write the same input gradient.
            Parallel.forRanges(batch, work: work) { range in slice(range, 0..<c, ggp) }
        }
        return [gi, gg]
    }

    /// The double backward's three results (see `Tensor.gridSamplerDoubleBackward`):
    /// [output gradient's, input's, grid's].
    func doubleBackward<T: PoolFloat>(_ g: Tensor, _ input: Tensor, _ grid: Tensor, _ ggI: Tensor, _ ggG: Tensor,
                                      _: T.Type) throws -> [Tensor] {
        let dgT = try Tensor.zeros(g.shape, dtype: T.dtype)
        let dxT = try Tensor.zeros(input.shape, dtype: T.dtype)
        let dgridT = try Tensor.zeros(grid.shape, dtype: T.dtype)
        let ip = UnsafePointer(input.pointer(T.self) + input.storageOffset)
        let gp = UnsafePointer(grid.pointer(T.self) + grid.storageOffset)
        let go = UnsafePointer(g.pointer(T.self) + g.storageOffset)
        let ggi = UnsafePointer(ggI.pointer(T.self) + ggI.storageOffset)
        let ggg = UnsafePointer(ggG.pointer(T.self) + ggG.storageOffset)
        let dgp = dgT.pointer(T.self), dxp = dxT.pointer(T.self), dgridp = dgridT.pointer(T.self)
        let c = channels, plane = plane, positions = positions, rank = rank
        let w0 = inSize[0], hw = inSize[0] &* inSize[1]
        Parallel.forRanges(batch, work: batch &* positions &* c &* maxTaps &* 4) { range in
            // Per axis a: 4 indices, weights, derivatives, second derivatives.
            let idx = UnsafeMutablePointer<Int>.allocate(capacity: 12)
            let w = UnsafeMutablePointer<T>.allocate(capacity: 12)
            let dw = UnsafeMutablePointer<T>.allocate(capacity: 12)
            let ddw = UnsafeMutablePointer<T>.allocate(capacity: 12)
            defer { idx.deallocate(); w.deallocate(); dw.deallocate(); ddw.deallocate() }
            for n in range {
                for p in 0..<positions {
                    let q = n &* positions &+ p
                    var count = [1, 1, 1]
                    idx[8] = 0; w[8] = 1; dw[8] = 0; ddw[8] = 0
                    for a in 0..<rank {
                        count[a] = taps(gp[q &* rank &+ a], axis: a, idx + 4 * a, w + 4 * a, dw + 4 * a, second: ddw + 4 * a)
                    }
                    var gg: [T] = [0, 0, 0]
                    for a in 0..<rank { gg[a] = ggg[q &* rank &+ a] }
                    var db: [T] = [0, 0, 0]
                    for kz in 0..<count[2] {
                        let iz = idx[8 + kz]
                        if iz < 0 { continue }
                        for ky in 0..<count[1] {
                            let iy = idx[4 + ky]
                            if iy < 0 { continue }
                            for kx in 0..<count[0] {
                                let ix = idx[kx]
                                if ix < 0 { continue }
                                let o = iz &* hw &+ iy &* w0 &+ ix
                                let ws = [w[kx], w[4 + ky], w[8 + kz]]
                                let ds = [dw[kx], dw[4 + ky], dw[8 + kz]]
                                let dds = [ddw[kx], ddw[4 + ky], ddw[8 + kz]]
                                let weight = ws[0] * ws[1] * ws[2]
                                // D_a and sum_a D_ab gg_a.
                                var d: [T] = [0, 0, 0], h: [T] = [0, 0, 0]
                                for a in 0..<rank {
                                    var v = ds[a]
                                    for e in 0..<3 where e != a { v *= ws[e] }
                                    d[a] = v
                                }
                                for b in 0..<rank {
                                    var s: T = 0
                                    for a in 0..<rank {
                                        var v: T = a == b ? dds[a] : ds[a] * ds[b]
                                        for e in 0..<3 where e != a && e != b { v *= ws[e] }
                                        s += v * gg[a]
                                    }
                                    h[b] = s
                                }
                                var directional: T = 0
                                for a in 0..<rank { directional += d[a] * gg[a] }
                                var xo = n &* c &* plane &+ o
                                var go_ = n &* c &* positions &+ p
                                for _ in 0..<c {
                                    let gv = go[go_], xv = ip[xo], yv = ggi[xo]
                                    dgp[go_] += yv * weight + xv * directional
                                    dxp[xo] += gv * directional
                                    for b in 0..<rank { db[b] += gv * (yv * d[b] + xv * h[b]) }
                                    xo &+= plane
                                    go_ &+= positions
                                }
                            }
                        }
                    }
                    for b in 0..<rank { dgridp[q &* rank &+ b] = db[b] }
                }
            }
        }
        return [dgT, dxT, dgridT]
    }
}
