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
        for i in 0..<buffer.count {
            var product = next().multipliedFullWidth(by: span)
            if product.low < span {
                let threshold = (0 &- span) % span
                while product.low < threshold { product = next().multipliedFullWidth(by: span) }
            }
            buffer[i] = low &+ Int64(bitPattern: product.high)
        }
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

    public init(seed: UInt64 = RandomGenerator.defaultSeed) {
        state = Locked(RandomGenerator(seed: seed))
    }

    /// The global generator, seeded by `Tensor.manualSeed`.
    public static let `default` = Generator()

    /// Restarts the stream from `seed` (`Generator.manual_seed`).
    public func manualSeed(_ seed: UInt64) { state.withLock { $0.reseed(seed) } }

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
