#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random stream behind every `Generator`: xoshiro256** seeded through splitmix64, normal draws by the
/// Box-Muller transform. The same seed gives the same stream on every run and platform. Like
/// PyTorch's default CPU generator it starts from a fixed seed (67280421310721), so even an
/// unseeded program is reproducible.
public struct RandomGenerator {
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    private var state: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(seed: UInt64) { reseed(seed) }

    mutating func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The four state words (for saving and restoring the stream).
    var words: [UInt64] {
        get { [state.0, state.1, state.2, state.3] }
        set { state = (newValue[0], newValue[1], newValue[2], newValue[3]) }
    }

    mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// A uniform double in (0, 1].
    mutating func uniformOpenClosed() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Fills `buffer` with uniform draws in [0, 1).
    mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<buffer.count { buffer[i] = Double(next() >> 11) * 0x1.0p-53 }
    }

    /// Fills `buffer` with uniform integers in [low, low + span), unbiased (Lemire's method).
    mutating func fillIntegers(_ buffer: UnsafeMutableBufferPointer<Int64>, low: Int64, span: UInt64) {
        for i in 0..<buffer.count { buffer[i] = low &+ Int64(bitPattern: below(span)) }
    }

    /// A uniform integer in [0, span), unbiased (Lemire's method); span 0 means 2^64.
    mutating func below(_ span: UInt64) -> UInt64 {
        guard span != 0 else { return next() }
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold { product = next().multipliedFullWidth(by: span) }
        }
        return product.high
    }

    /// Fills `buffer` with standard normal draws.
    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>) {
        var i = 0
        while i < buffer.count {
            let radius = (-2 * log(uniformOpenClosed())).squareRoot()
            let angle = 2 * Double.pi * uniformOpenClosed()
            buffer[i] = radius * cos(angle)
            if i + 1 < buffer.count { buffer[i + 1] = radius * sin(angle) }
            i += 2
        }
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// A source of random numbers (`torch.Generator`). Ops draw from `Generator.default` unless
/// given another; each generator is locked, so one may be shared between threads.
///
/// ```swift
/// let g = Generator(seed: 42)
/// let a = try Tensor.randn([3], generator: g)   // the same draws on every run
/// ```
public final class Generator: @unchecked Sendable {
    private let state: Locked<RandomGenerator>
    private let seedValue: Locked<UInt64>

    public init(seed: UInt64 = RandomGenerator.defaultSeed) {
        state = Locked(RandomGenerator(seed: seed))
        seedValue = Locked(seed)
    }

    /// The global generator, seeded by `Tensor.manualSeed`.
    public static let `default` = Generator()

    /// Restarts the stream from `seed` (`Generator.manual_seed`).
    public func manualSeed(_ seed: UInt64) {
        seedValue.withLock { $0 = seed }
        state.withLock { $0.reseed(seed) }
    }

    /// The seed the stream last started from (`Generator.initial_seed`).
    public var initialSeed: UInt64 { seedValue.withLock { $0 } }

    /// Restarts the stream from a seed taken from the system's entropy and returns it
    /// (`Generator.seed`).
    @discardableResult
    public func seed() -> UInt64 {
        var fresh = SystemRandomNumberGenerator()
        let value = fresh.next() & 0x1F_FFFF_FFFF_FFFF  // PyTorch's seeds fit a double exactly
        manualSeed(value)
        return value
    }

    /// The stream's state as bytes (`Generator.get_state`): the seed and the four state words,
    /// little endian, 40 bytes.
    public var stateBytes: [UInt8] {
        let words = [initialSeed] + state.withLock { $0.words }
        return words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    /// Restores a state from `stateBytes` (`Generator.set_state`).
    /// - Throws: `.invalidArgument` for bytes of another length or an all-zero state.
    public func setState(_ bytes: [UInt8]) throws {
        guard bytes.count == 40 else {
            throw SwiftGradError.invalidArgument("RNG state must be a 40-byte torch.ByteTensor (swiftgrad's generator), got \(bytes.count) bytes")
        }
        let words = (0..<5).map { w in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[w * 8 + $1]) << (8 * $1) } }
        guard words[1...].contains(where: { $0 != 0 }) else {
            throw SwiftGradError.invalidArgument("RNG state is invalid: the state words are all zero")
        }
        seedValue.withLock { $0 = words[0] }
        state.withLock { $0.words = Array(words[1...]) }
    }

    func nextUniform() -> Double {
        state.withLock { Double($0.next() >> 11) * 0x1.0p-53 }
    }

    /// Runs `body` on the locked stream (for draws that take several steps).
    func withStream(_ body: (inout RandomGenerator) -> Void) {
        state.withLock { body(&$0) }
    }

    func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>) {
        state.withLock { $0.fillNormal(buffer) }
    }

    func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>) {
        state.withLock { $0.fillUniform(buffer) }
    }

    func fillIntegers(_ buffer: UnsafeMutableBufferPointer<Int64>, low: Int64, span: UInt64) {
        state.withLock { $0.fillIntegers(buffer, low: low, span: span) }
    }
}

extension Tensor {
    /// Seeds the global generator (`torch.manual_seed`).
    public static func manualSeed(_ seed: UInt64) {
        Generator.default.manualSeed(seed)
    }

    /// A tensor of standard normal draws (`torch.randn`).
    ///
    /// ```swift
    /// Tensor.manualSeed(0)
    /// let a = try Tensor.randn([], requiresGrad: true)   // a 0-d scalar
    /// ```
    /// - Throws: `.dtype` for a non-floating dtype, `.invalidArgument` for a bad shape.
    public static func randn(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false,
                             generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"normal_kernel_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try drawn(shape, dtype, requiresGrad) { generator.fillNormal($0) }
    }

    /// A tensor of uniform draws in [0, 1) (`torch.rand`).
    public static func rand(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false,
                            generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"check_uniform_bounds\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try drawn(shape, dtype, requiresGrad) { generator.fillUniform($0) }
    }

    /// Normal draws with the given mean and standard deviation (`torch.normal(mean, std, size)`).
    /// - Throws: `.invalidArgument` for a negative standard deviation.
    public static func normal(mean: Double, std: Double, _ shape: [Int], dtype: DType = .float32,
                              generator: Generator = .default) throws -> Tensor {
        guard std >= 0 else { throw SwiftGradError.invalidArgument("normal expects std >= 0.0, but found std \(formatPython(std))") }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"normal_kernel_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try drawn(shape, dtype, false) { buffer in
            generator.fillNormal(buffer)
            for i in 0..<buffer.count { buffer[i] = mean + std * buffer[i] }
        }
    }

    /// Uniform integers in [low, high) (`torch.randint`), int64 by default.
    /// - Throws: `.invalidArgument` when low >= high.
    public static func randint(low: Int64 = 0, high: Int64, _ shape: [Int], dtype: DType = .int64,
                               generator: Generator = .default) throws -> Tensor {
        guard low < high else {
            throw SwiftGradError.invalidArgument("random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        let count = try Shape.validate(shape, itemSize: 8)
        let draws = try Storage.allocate(count: count, dtype: .int64)
        let span = UInt64(bitPattern: high &- low)
        draws.withMutableBuffer(Int64.self) { generator.fillIntegers($0, low: low, span: span) }
        return try Tensor(storage: draws, shape: shape).to(dtype, recording: false)
    }

    /// A random permutation of 0..<n (`torch.randperm`), by Fisher-Yates shuffling.
    /// - Throws: `.invalidArgument` for a negative n; `.dtype` for a dtype that cannot hold n - 1.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator = .default) throws -> Tensor {
        guard n >= 0 else { throw SwiftGradError.invalidArgument("n must be non-negative, got\(n)") }
        guard dtype != .bool else { throw SwiftGradError.dtype("\"randperm\" not implemented for 'Bool'") }
        if n > 0 { try dtype.checkFits(.integer(Int64(n - 1))) }
        let storage = try Storage.allocate(count: try Shape.validate([n], itemSize: 8), dtype: .int64)
        storage.withMutableBuffer(Int64.self) { values in
            for i in 0..<n { values[i] = Int64(i) }
            generator.withStream { stream in
                var i = n - 1
                while i > 0 {
                    values.swapAt(i, Int(stream.below(UInt64(i + 1))))
                    i -= 1
                }
            }
        }
        return try Tensor(storage: storage, shape: [n]).to(dtype, recording: false)
    }

    /// Normal draws with elementwise means and standard deviations (`torch.normal(mean, std)`
    /// with tensors or numbers, broadcast together). The result has no gradient to the mean or
    /// the standard deviation, as in PyTorch (whose NormalBackward gives zeros).
    /// - Throws: `.invalidArgument` for a negative standard deviation.
    public static func normal(mean: Tensor, std: Tensor, generator: Generator = .default) throws -> Tensor {
        let dtype = TypePromotion.resultType(mean, std)
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"normal_kernel_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let shape = try Shape.broadcast(mean.shape, std.shape)
        if try std.lt(0).sum().item() > 0 {
            throw SwiftGradError.invalidArgument("normal expects all elements of std >= 0.0")
        }
        let noise = try randn(shape, dtype: .float64, generator: generator)
        let out = try noGrad { try noise.mul(std.to(.float64, recording: false)).add(mean.to(.float64, recording: false)) }
            .to(dtype, recording: false)
        let name = mean.isWrappedNumber ? "NormalBackward2" : (std.isWrappedNumber ? "NormalBackward1" : "NormalBackward3")
        return try out.recorded(name, inputs: [mean, std]) { g, ctx in
            [ctx.needsGrad(0) ? try g.zerosLike() : nil, ctx.needsGrad(1) ? try g.zerosLike() : nil]
        }
    }

    /// Draws 1 with probability `self` (elementwise, in [0, 1]) and 0 otherwise, in this
    /// tensor's dtype (`torch.bernoulli`).
    /// - Throws: `.invalidArgument` for probabilities outside [0, 1].
    public func bernoulli(generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"bernoulli_tensor_cpu_p_\" not implemented for '\(dtype.scalarTypeName)'")
        }
        let p = try to(.float64, recording: false).contiguous()
        if try p.lt(0).logicalOr(p.gt(1)).sum().item() > 0 {
            throw SwiftGradError.invalidArgument("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        }
        let u = try Tensor.rand(shape, dtype: .float64, generator: generator)
        return try u.lt(p).to(dtype, recording: false).recorded("BernoulliBackward0", input: self) { g, _ in
            [try g.zerosLike()]
        }
    }

    /// `num_samples` indices drawn from each row's categorical distribution with weights `self`
    /// (1-d: one distribution; 2-d: one per row) (`torch.multinomial`), int64.
    /// - Throws: `.invalidArgument` for negative, infinite or NaN weights, a row summing to 0,
    ///   or more samples than nonzero weights without replacement.
    public func multinomial(_ numSamples: Int, replacement: Bool = false, generator: Generator = .default) throws -> Tensor {
        guard ndim == 1 || ndim == 2 else { throw SwiftGradError.invalidArgument("prob_dist must be 1 or 2 dim") }
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("multinomial only supports floating-point dtypes for input, got: \(dtype.scalarTypeName)")
        }
        guard numSamples > 0 else { throw SwiftGradError.invalidArgument("cannot sample n_sample <= 0 samples") }
        let categories = shape.last!
        guard replacement || numSamples <= categories else {
            throw SwiftGradError.invalidArgument("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        }
        let rows = ndim == 1 ? 1 : shape[0]
        let weights = try to(.float64, recording: false).reshape([rows, categories]).contiguous()
        let w = try weights.scalars(as: Double.self)
        // Through the tensor allocator, which refuses (rather than traps on) sizes it cannot give.
        let outShape = ndim == 1 ? [numSamples] : [rows, numSamples]
        _ = try Shape.validate(outShape, itemSize: 8)
        let result = try Tensor.empty(outShape, .int64)
        let out = result.pointer(Int64.self)
        for r in 0..<rows {
            var row = Array(w[(r * categories)..<((r + 1) * categories)])
            guard row.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw SwiftGradError.invalidArgument("probability tensor contains either `inf`, `nan` or element < 0")
            }
            guard row.contains(where: { $0 > 0 }) else { throw SwiftGradError.invalidArgument("invalid multinomial distribution (sum of probabilities <= 0)") }
            if !replacement && row.filter({ $0 > 0 }).count < numSamples {
                throw SwiftGradError.invalidArgument("invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)")
            }
            for k in 0..<numSamples {
                let total = row.reduce(0, +)
                var target = generator.nextUniform() * total
                var chosen = categories - 1
                for c in 0..<categories where row[c] > 0 {
                    if target < row[c] { chosen = c; break }
                    target -= row[c]
                }
                while row[chosen] == 0 { chosen -= 1 }  // rounding at the end of the row
                out[r * numSamples + k] = Int64(chosen)
                if !replacement { row[chosen] = 0 }
            }
        }
        return result
    }

    /// Fills a double buffer with `draw`, then narrows it to `dtype`: float32 and float64 tensors
    /// from one seed agree.
    private static func drawn(_ shape: [Int], _ dtype: DType, _ requiresGrad: Bool,
                              _ draw: (UnsafeMutableBufferPointer<Double>) -> Void) throws -> Tensor {
        let count = try Shape.validate(shape, itemSize: 8)
        let draws = try Storage.allocate(count: count, dtype: .float64)
        draws.withMutableBuffer(Double.self, draw)
        let result = try Tensor(storage: draws, shape: shape).to(dtype, recording: false)
        if requiresGrad { try result.setRequiresGrad(true) }
        return result
    }
}

/// The in-place random fills (`uniform_`, `normal_`, `cauchy_`, `exponential_`, `geometric_`,
/// `log_normal_`, `random_`, `bernoulli_`): each draws in double, converts to this tensor's dtype
/// and writes every element, without recording (the tensor becomes a constant, as in PyTorch).
/// Refused on a leaf that requires grad while grad mode is on.
extension Tensor {
    @discardableResult
    private func filled(_ name: String, _ draw: (UnsafeMutableBufferPointer<Double>) -> Void) throws -> Tensor {
        let values = try Tensor.drawn(shape, .float64, false, draw)
        return try overwrite(name) { noGrad { Kernels.convert(from: values, into: self) } }
    }

    private func checkFloating(_ kernel: String) throws {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\"\(kernel)\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// Uniform draws in [from, to) (`Tensor.uniform_`).
    @discardableResult
    public func uniform_(from a: Double = 0, to b: Double = 1, generator: Generator = .default) throws -> Tensor {
        try checkFloating("check_uniform_bounds")
        guard a <= b else {
            throw SwiftGradError.invalidArgument("uniform_ expects to return a [from, to) range, but found from=\(formatPython(a)) > to=\(formatPython(b))")
        }
        return try filled("UniformBackward0") { buffer in
            generator.fillUniform(buffer)
            for i in 0..<buffer.count { buffer[i] = a + (b - a) * buffer[i] }
        }
    }

    /// Normal draws (`Tensor.normal_`).
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator = .default) throws -> Tensor {
        try checkFloating("normal_kernel_cpu")
        guard std >= 0 else { throw SwiftGradError.invalidArgument("normal expects std >= 0.0, but found std \(formatPython(std))") }
        return try filled("NormalBackward0") { buffer in
            generator.fillNormal(buffer)
            for i in 0..<buffer.count { buffer[i] = mean + std * buffer[i] }
        }
    }

    /// Cauchy draws, median + sigma * tan(pi (u - 1/2)) (`Tensor.cauchy_`).
    @discardableResult
    public func cauchy_(median: Double = 0, sigma: Double = 1, generator: Generator = .default) throws -> Tensor {
        try checkFloating("cauchy_cpu")
        guard sigma > 0 else { throw SwiftGradError.invalidArgument("cauchy_ expects sigma > 0.0, but found sigma=\(formatPython(sigma))") }
        return try filled("CauchyBackward0") { buffer in
            generator.fillUniform(buffer)
            for i in 0..<buffer.count { buffer[i] = median + sigma * Glibc.tan(Double.pi * (buffer[i] - 0.5)) }
        }
    }

    /// Exponential draws with rate lambda, -log(1 - u) / lambda (`Tensor.exponential_`).
    @discardableResult
    public func exponential_(lambda: Double = 1, generator: Generator = .default) throws -> Tensor {
        try checkFloating("exponential_cpu")
        guard lambda > 0 else {
            throw SwiftGradError.invalidArgument("exponential_ expects lambda > 0.0, but found lambda=\(formatPython(lambda))")
        }
        return try filled("ExponentialBackward0") { buffer in
            generator.fillUniform(buffer)
            for i in 0..<buffer.count { buffer[i] = -Glibc.log1p(-buffer[i]) / lambda }
        }
    }

    /// Geometric draws: the number of Bernoulli(p) trials up to the first success
    /// (`Tensor.geometric_`), any numeric dtype.
    @discardableResult
    public func geometric_(p: Double, generator: Generator = .default) throws -> Tensor {
        guard dtype != .bool else { throw SwiftGradError.dtype("\"geometric_cpu\" not implemented for 'Bool'") }
        guard p > 0, p < 1 else { throw SwiftGradError.invalidArgument("geometric_ expects p to be in (0, 1), but got p=\(formatPython(p))") }
        return try filled("GeometricBackward0") { buffer in
            for i in 0..<buffer.count {
                buffer[i] = Glibc.ceil(Glibc.log(1 - generator.nextUniform()) / Glibc.log1p(-p))
                if buffer[i] < 1 { buffer[i] = 1 }
            }
        }
    }

    /// Log-normal draws, exp(mean + std * z) (`Tensor.log_normal_`).
    @discardableResult
    public func logNormal_(mean: Double = 1, std: Double = 2, generator: Generator = .default) throws -> Tensor {
        try checkFloating("log_normal_cpu")
        guard std > 0 else { throw SwiftGradError.invalidArgument("log_normal_ expects std > 0.0, but found std=\(formatPython(std))") }
        return try filled("LogNormalBackward0") { buffer in
            generator.fillNormal(buffer)
            for i in 0..<buffer.count { buffer[i] = Glibc.exp(mean + std * buffer[i]) }
        }
    }

    /// Uniform integers in [from, to) (`Tensor.random_`); without `to`, up to the dtype's
    /// largest integer that its values hold exactly (2^24 for float32, 2^53 for float64, the
    /// maximum for integers, 1 for bool).
    @discardableResult
    public func random_(from: Int64 = 0, to: Int64? = nil, generator: Generator = .default) throws -> Tensor {
        let upper: Int64
        if let to {
            upper = to
        } else {
            switch dtype {
            case .float32: upper = (1 << 24) + 1
            case .float64: upper = (1 << 53) + 1
            case .float16: upper = (1 << 11) + 1
            case .bfloat16: upper = (1 << 8) + 1
            case .bool: upper = 2
            default: upper = dtype.integerRange.upperBound == .max ? .max : dtype.integerRange.upperBound + 1
            }
        }
        guard from < upper else {
            throw SwiftGradError.invalidArgument("random_ expects 'from' to be less than 'to', but got from=\(from) >= to=\(upper)")
        }
        try dtype.checkFits(.integer(from))
        try dtype.checkFits(.integer(upper - 1))
        let draws = try Tensor.randint(low: from, high: upper, shape, generator: generator)
        let name = to != nil ? (from != 0 ? "RandomBackward0" : "RandomBackward1") : "RandomBackward2"
        return try overwrite(name) { noGrad { Kernels.convert(from: draws, into: self) } }
    }

    /// 1 with probability `p` (a number or a tensor broadcast to this shape), else 0
    /// (`Tensor.bernoulli_`).
    @discardableResult
    public func bernoulli_(p: Tensor, generator: Generator = .default) throws -> Tensor {
        let probability = try p.to(.float64, recording: false).expand(shape)
        if try probability.lt(0).logicalOr(probability.gt(1)).sum().item() > 0 {
            throw SwiftGradError.invalidArgument("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        }
        let u = try Tensor.rand(shape, dtype: .float64, generator: generator)
        let draws = try u.lt(probability)
        return try overwrite(p.isWrappedNumber ? "BernoulliBackward2" : "BernoulliBackward1") {
            noGrad { Kernels.convert(from: draws, into: self) }
        }
    }
}
