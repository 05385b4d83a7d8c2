#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element type of a tensor. Raw values are those of the C ABI's `sg_dtype`.
public enum DType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case float32 = 0
    case float64 = 1
    case int64 = 2
    case bool = 3

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The Swift type of an element, for generic kernels (opened at the call site).
    var elementType: any TensorElement.Type {
        switch self {
        case .float32: return Float.self
        case .float64: return Double.self
        case .int64: return Int64.self
        case .bool: return Bool.self
        }
    }

    /// The name PyTorch prints: `torch.float32`.
    public var description: String {
        switch self {
        case .float32: return "torch.float32"
        case .float64: return "torch.float64"
        case .int64: return "torch.int64"
        case .bool: return "torch.bool"
        }
    }

    /// The scalar-type name PyTorch uses in error messages: `Float`, `Double`, `Long`, `Bool`.
    public var scalarTypeName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        case .bool: return "Bool"
        }
    }

    /// Type category used by PyTorch's promotion: bool < integral < floating.
    var category: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32, .float64: return 2
        }
    }

    /// `torch.promote_types` restricted to these four dtypes, which form a chain.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        a.rank >= b.rank ? a : b
    }

    private var rank: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32: return 2
        case .float64: return 3
        }
    }
}

/// A Swift type that can be the element of a tensor.
public protocol TensorElement {
    static var dtype: DType { get }
    /// The element as a Double (bool: 0 or 1).
    var doubleValue: Double { get }
    /// Converts a double that the caller has checked to be representable.
    init(fromDouble value: Double)
}

/// Elements with arithmetic: float32, float64 and int64 (internal: the kernels' vocabulary, not
/// API; public members here would collide with swift-numerics' on Float and Double). Integer arithmetic wraps on overflow,
/// as PyTorch's does, instead of trapping.
protocol NumericElement: TensorElement, Comparable {
    static var zero: Self { get }
    static var one: Self { get }
    /// The identity of max: -inf for floats, the most negative integer for int64.
    static var lowest: Self { get }
    /// The identity of min: +inf for floats, the largest integer for int64.
    static var highest: Self { get }
    static func add(_ a: Self, _ b: Self) -> Self
    static func sub(_ a: Self, _ b: Self) -> Self
    static func mul(_ a: Self, _ b: Self) -> Self
    /// Division; for int64 truncating, and 0 for a zero divisor (ops never divide integers: `/`
    /// is true division in float).
    static func div(_ a: Self, _ b: Self) -> Self
    /// Power; for int64 by repeated squaring, wrapping (ops refuse negative integer exponents).
    static func pow(_ a: Self, _ b: Self) -> Self
    static prefix func - (_ a: Self) -> Self
}

/// Floating-point elements, with the math functions kernels need.
protocol FloatElement: NumericElement, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
}

extension Float: TensorElement {
    public static var dtype: DType { .float32 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Float(value) }
}

extension Float: FloatElement {
    static var one: Float { 1 }
    static var lowest: Float { -.infinity }
    static var highest: Float { .infinity }
    @inline(__always) static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func div(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) static func cos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) static func expm1(_ x: Float) -> Float { expm1f(x) }
}

extension Double: TensorElement {
    public static var dtype: DType { .float64 }
    public var doubleValue: Double { self }
    public init(fromDouble value: Double) { self = value }
}

extension Double: FloatElement {
    static var one: Double { 1 }
    static var lowest: Double { -.infinity }
    static var highest: Double { .infinity }
    @inline(__always) static func add(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) static func mul(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func div(_ a: Double, _ b: Double) -> Double { a / b }
    @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
}

extension Int64: TensorElement {
    public static var dtype: DType { .int64 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Int64(value) }
}

extension Int64: NumericElement {
    static var one: Int64 { 1 }
    static var lowest: Int64 { .min }
    static var highest: Int64 { .max }
    @inline(__always) static func add(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) static func sub(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
    @inline(__always) static func mul(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) static func div(_ a: Int64, _ b: Int64) -> Int64 {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
    @inline(__always) static prefix func - (_ a: Int64) -> Int64 { 0 &- a }
    static func pow(_ a: Int64, _ b: Int64) -> Int64 {
        if b < 0 { return a == 1 ? 1 : (a == -1 ? (b & 1 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1, base = a, e = b
        while e > 0 {
            if e & 1 == 1 { result &*= base }
            base &*= base
            e >>= 1
        }
        return result
    }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    public var doubleValue: Double { self ? 1 : 0 }
    public init(fromDouble value: Double) { self = value != 0 }
}

extension Double {
    /// This value as an Int64 when it is finite and in range (fractions truncate toward zero, as
    /// a C cast does), or nil.
    var truncatedInt64: Int64? {
        guard isFinite, self >= -9_223_372_036_854_775_808.0, self < 9_223_372_036_854_775_808.0 else {
            return nil
        }
        return Int64(self)
    }
}
