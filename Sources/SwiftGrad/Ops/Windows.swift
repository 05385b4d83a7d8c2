/// Window functions (torch.signal.windows): creation functions of a length M, computed as
/// PyTorch composes them from linspace, arange and elementwise ops in the requested dtype, so
/// that the values agree. `sym: false` gives the periodic window for spectral analysis (the
/// symmetric window of M + 1 points without its last). They take no tensor, so nothing is
/// recorded.
public enum Windows {
    /// PyTorch's checks common to every window; `name` is the function PyTorch reports.
    /// - Throws: `.invalidArgument` for a negative length, `.dtype` for a dtype other than
    ///   float32 and float64.
    static func check(_ name: String, _ m: Int, _ dtype: DType) throws {
        guard m >= 0 else {
            throw SwiftGradError.invalidArgument("\(name) requires non-negative window length, got M=\(m)")
        }
        guard dtype == .float32 || dtype == .float64 else {
            throw SwiftGradError.dtype("\(name) expects float32 or float64 dtypes, got: \(dtype)")
        }
    }

    /// M evenly spaced points from start to end (start alone when M is 1).
    private static func points(_ start: Double, _ end: Double, _ m: Int, _ dtype: DType) throws -> Tensor {
        try Tensor.linspace(start, end, steps: m, dtype: dtype)
    }

    /// The general cosine window w_n = sum over i of (-1)^i a_i cos(2 pi i n / N), with
    /// N = M - 1 (symmetric) or M (periodic).
    ///
    /// ```swift
    /// try Windows.generalCosine(5, coefficients: [0.5, 0.5])   // the Hann window
    /// ```
    /// - Throws: `.invalidArgument` for a negative M or (when M > 1) no coefficients; `.dtype`
    ///   for a dtype other than float32 and float64.
    public static func generalCosine(_ m: Int, coefficients: [Double], sym: Bool = true,
                                     dtype: DType = .float32) throws -> Tensor {
        try check("general_cosine", m, dtype)
        return try generalCosineChecked(m, coefficients, sym, dtype)
    }

    /// The general cosine window with its coefficients in a tensor of at most one dimension
    /// (any dtype), for callers that hold them as one (the C ABI).
    /// - Throws: as `generalCosine(_:coefficients:sym:dtype:)`, and `.invalidArgument` for a
    ///   tensor of more than one dimension.
    public static func generalCosine(_ m: Int, coefficients a: Tensor, sym: Bool = true,
                                     dtype: DType = .float32) throws -> Tensor {
        try check("general_cosine", m, dtype)
        if m <= 1 { return try generalCosineChecked(m, [], sym, dtype) }
        guard a.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("general_cosine: the coefficients must be a 1-d tensor, got \(a.ndim) dimensions")
        }
        return try generalCosineChecked(m, a.scalars(as: Double.self), sym, dtype)
    }

    private static func generalCosineChecked(_ m: Int, _ a: [Double], _ sym: Bool, _ dtype: DType) throws -> Tensor {
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        if m == 1 { return try Tensor.ones([1], dtype: dtype) }
        guard !a.isEmpty else { throw SwiftGradError.invalidArgument("Coefficients cannot be empty") }
        let constant = 2 * Double.pi / Double(sym ? m - 1 : m)
        let k = try points(0, Double(m - 1) * constant, m, dtype)
        let signed = a.enumerated().map { i, w in i % 2 == 0 ? w : -w }
        let weights = try Tensor(signed, shape: [signed.count]).to(dtype, recording: false)
        let orders = try Tensor.arange(0, Double(a.count), dtype: dtype)
        return try weights.unsqueeze(dim: -1).mul(orders.unsqueeze(dim: -1).mul(k).cos()).sum(dims: [0])
    }

    /// The general Hamming window alpha - (1 - alpha) cos(2 pi n / N).
    public static func generalHamming(_ m: Int, alpha: Double = 0.54, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try generalCosine(m, coefficients: [alpha, 1 - alpha], sym: sym, dtype: dtype)
    }

    /// The Hamming window (general Hamming with alpha 0.54).
    public static func hamming(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try generalHamming(m, sym: sym, dtype: dtype)
    }

    /// The Hann window sin^2(pi n / N).
    public static func hann(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try generalHamming(m, alpha: 0.5, sym: sym, dtype: dtype)
    }

    /// The Blackman window 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N).
    public static func blackman(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check("blackman", m, dtype)
        return try generalCosineChecked(m, [0.42, 0.5, 0.08], sym, dtype)
    }

    /// Nuttall's minimum 4-term Blackman-Harris window.
    public static func nuttall(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try generalCosine(m, coefficients: [0.3635819, 0.4891775, 0.1365995, 0.0106411], sym: sym, dtype: dtype)
    }

    /// The Bartlett (triangular) window 1 - |2n/N - 1|.
    public static func bartlett(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check("bartlett", m, dtype)
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        if m == 1 { return try Tensor.ones([1], dtype: dtype) }
        let constant = 2 / Double(sym ? m - 1 : m)
        return try points(-1, -1 + Double(m - 1) * constant, m, dtype).abs().rsub(1)
    }

    /// The cosine (sine) window sin(pi (n + 1/2) / M), as SciPy defines it.
    public static func cosine(_ m: Int, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check("cosine", m, dtype)
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        let constant = Double.pi / (!sym && m > 1 ? Double(m) + 1 : Double(m))
        return try points(0.5 * constant, (0.5 + Double(m - 1)) * constant, m, dtype).sin()
    }

    /// The exponential (Poisson) window exp(-|n - center| / tau); the center defaults to the
    /// middle of the window.
    /// - Throws: `.invalidArgument` for tau <= 0 or a center given for a symmetric window.
    public static func exponential(_ m: Int, center: Double? = nil, tau: Double = 1, sym: Bool = true,
                                   dtype: DType = .float32) throws -> Tensor {
        try check("exponential", m, dtype)
        guard tau > 0 else { throw SwiftGradError.invalidArgument("Tau must be positive, got: \(formatPython(tau)) instead.") }
        guard !(sym && center != nil) else { throw SwiftGradError.invalidArgument("Center must be None for symmetric windows") }
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        let c = center ?? Double(!sym && m > 1 ? m : m - 1) / 2
        let constant = 1 / tau
        return try points(-c * constant, (-c + Double(m - 1)) * constant, m, dtype).abs().neg().exp()
    }

    /// The Gaussian window exp(-(n - N/2)^2 / (2 std^2)).
    /// - Throws: `.invalidArgument` for std <= 0.
    public static func gaussian(_ m: Int, std: Double = 1, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check("gaussian", m, dtype)
        guard std > 0 else { throw SwiftGradError.invalidArgument("Standard deviation must be positive, got: \(formatPython(std)) instead.") }
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        let start = -Double(!sym && m > 1 ? m : m - 1) / 2
        let constant = 1 / (std * 2.0.squareRoot())
        return try points(start * constant, (start + Double(m - 1)) * constant, m, dtype).pow(2).neg().exp()
    }

    /// The Kaiser window I0(beta sqrt(1 - (2n/N - 1)^2)) / I0(beta), its parameters taken in
    /// the window's dtype as PyTorch takes them.
    /// - Throws: `.invalidArgument` for a negative beta.
    public static func kaiser(_ m: Int, beta: Double = 12, sym: Bool = true, dtype: DType = .float32) throws -> Tensor {
        try check("kaiser", m, dtype)
        guard beta >= 0 else { throw SwiftGradError.invalidArgument("beta must be non-negative, got: \(formatPython(beta)) instead.") }
        if m == 0 { return try Tensor.zeros([0], dtype: dtype) }
        if m == 1 { return try Tensor.ones([1], dtype: dtype) }
        let b = try Tensor.full([], beta, dtype: dtype)
        let start = try b.neg()
        let constant = try b.mul(2).div(Double(sym ? m - 1 : m))
        let end = try b.minimum(start.add(constant.mul(Double(m - 1))))
        let k = try points(start.item(), end.item(), m, dtype)
        return try b.mul(b).sub(k.pow(2)).sqrt().i0().div(b.i0())
    }
}
