#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

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
    private let state: Mutex<RandomGenerator>

    public init(seed: UInt64 = RandomGenerator.defaultSeed) {
        state = Mutex(RandomGenerator(seed: seed))
    }

    /// The global generator, seeded by `Tensor.manualSeed`.
    public static let `default` = Generator()

    /// Restarts the stream from `seed` (`Generator.manual_seed`).
    public func manualSeed(_ seed: UInt64) { state.withLock { $0.reseed(seed) } }

    func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>) {
        state.withLock { $0.fillNormal(buffer) }
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
        let count = try Shape.validate(shape, itemSize: dtype.itemSize)
        let result = try Tensor.empty(shape, dtype)
        // Draw in double, then narrow: float32 and float64 tensors from one seed agree.
        let draws = try Storage(count: count, dtype: .float64)
        draws.withMutableBuffer(Double.self) { generator.fillNormal($0) }
        Kernels.convert(from: Tensor(storage: draws, shape: shape), into: result)
        if requiresGrad { try result.setRequiresGrad(true) }
        return result
    }
}
