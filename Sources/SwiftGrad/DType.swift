#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element type of a tensor. Raw values are those of the C ABI's `sg_dtype` (append-only).
///
/// Kernels exist for float32, float64, int64 and bool; the other dtypes are storage types whose
/// operations compute in their `compute` dtype (float16 and bfloat16 in float32, the narrow
/// integers in int64) and round the result back, as PyTorch's CPU kernels do.
public enum DType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case float32 = 0
    case float64 = 1
    case int64 = 2
    case bool = 3
    case float16 = 4
    case bfloat16 = 5
    case int8 = 6
    case uint8 = 7
    case int16 = 8
    case int32 = 9

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .bool, .int8, .uint8: return 1
        case .float16, .bfloat16, .int16: return 2
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// Whether the dtype is an integer type (bool is not).
    public var isIntegral: Bool {
        switch self {
        case .int64, .int8, .uint8, .int16, .int32: return true
        default: return false
        }
    }

    /// The dtype an operation on this dtype computes in: itself for float32, float64, int64
    /// and bool; float32 for float16 and bfloat16; int64 for the narrow integers.
    public var compute: DType {
        switch self {
        case .float16, .bfloat16: return .float32
        case .int8, .uint8, .int16, .int32: return .int64
        default: return self
        }
    }

    /// The Swift type of an element, for generic kernels (opened at the call site).
    var elementType: any TensorElement.Type {
        switch self {
        case .float32: return Float.self
        case .float64: return Double.self
        case .int64: return Int64.self
        case .bool: return Bool.self
        case .float16: return Float16.self
        case .bfloat16: return BFloat16.self
        case .int8: return Int8.self
        case .uint8: return UInt8.self
        case .int16: return Int16.self
        case .int32: return Int32.self
        }
    }

    /// The name PyTorch prints: `torch.float32`.
    public var description: String {
        switch self {
        case .float32: return "torch.float32"
        case .float64: return "torch.float64"
        case .int64: return "torch.int64"
        case .bool: return "torch.bool"
        case .float16: return "torch.float16"
        case .bfloat16: return "torch.bfloat16"
        case .int8: return "torch.int8"
        case .uint8: return "torch.uint8"
        case .int16: return "torch.int16"
        case .int32: return "torch.int32"
        }
    }

    /// The scalar-type name PyTorch uses in error messages: `Float`, `Double`, `Long`, `Bool`,
    /// `Half`, `BFloat16`, `Char`, `Byte`, `Short`, `Int`.
    public var scalarTypeName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        case .bool: return "Bool"
        case .float16: return "Half"
        case .bfloat16: return "BFloat16"
        case .int8: return "Char"
        case .uint8: return "Byte"
        case .int16: return "Short"
        case .int32: return "Int"
        }
    }

    /// Type category used by PyTorch's promotion: bool < integral < floating.
    var category: Int {
        isFloatingPoint ? 2 : (self == .bool ? 0 : 1)
    }

    private static let defaultFloatingStore = Locked(DType.float32)

    /// The default floating dtype (`torch.set_default_dtype`, float32 unless changed): what a
    /// Python float counts as in type promotion, and the result dtype of floating functions
    /// (sin, true division, ...) of integer and bool tensors. Global, as PyTorch's.
    public static var defaultFloating: DType {
        get { defaultFloatingStore.withLock { $0 } }
        set { defaultFloatingStore.withLock { $0 = newValue } }
    }

    /// `torch.can_cast`: whether PyTorch casts `from` to `to` implicitly (the in-place and `out=`
    /// rule): never floating to integral or bool, nor anything but bool to bool.
    public static func canCast(from: DType, to: DType) -> Bool {
        if from.isFloatingPoint && !to.isFloatingPoint { return false }
        if from != .bool && to == .bool { return false }
        return true
    }

    /// `torch.promote_types`: the smallest dtype both convert to without losing their kind.
    /// bool < uint8, int8 < int16 < int32 < int64 < float16, bfloat16 < float32 < float64, where
    /// uint8 with int8 is int16 and float16 with bfloat16 is float32.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        switch (a.isFloatingPoint, b.isFloatingPoint) {
        case (true, false): return a
        case (false, true): return b
        case (true, true):
            if (a == .float16 && b == .bfloat16) || (a == .bfloat16 && b == .float16) { return .float32 }
            return a.floatRank >= b.floatRank ? a : b
        case (false, false):
            if (a == .uint8 && b == .int8) || (a == .int8 && b == .uint8) { return .int16 }
            return a.integerRank >= b.integerRank ? a : b
        }
    }

    private var floatRank: Int {
        switch self {
        case .float64: return 3
        case .float32: return 2
        default: return 1  // float16, bfloat16
        }
    }

    /// Wider signed integers rank higher; uint8 ranks with int8 (their promotion is int16).
    private var integerRank: Int { itemSize }
}

/// A Swift type that can be the element of a tensor.
public protocol TensorElement {
    static var dtype: DType { get }
    /// The element as a Double (bool: 0 or 1).
    var doubleValue: Double { get }
    /// Converts a double that the caller has checked to be representable.
    init(fromDouble value: Double)
    /// The element on its way to another element type (`Cast`).
    var wide: WideElement { get }
    /// An element converted from another one, as PyTorch's casts (C++'s `static_cast`) convert.
    init(wide: WideElement)
}

/// An element on its way from one element type to another: a real number, an integer or a
/// truth value, as C++'s `static_cast` sees its source.
public enum WideElement {
    case real(Double)
    case integer(Int64)
    case flag(Bool)
}

/// A floating element: its conversions from a real number, an integer or a bool.
protocol FloatingTensorElement: TensorElement {
    init(rounding value: Double)
    init(rounding value: Int64)
}

extension FloatingTensorElement {
    @inline(__always) public init(wide: WideElement) {
        switch wide {
        case .real(let d): self.init(rounding: d)
        case .integer(let i): self.init(rounding: i)
        case .flag(let b): self.init(rounding: b ? 1 : 0 as Int64)
        }
    }
}

/// An integer element: real numbers truncate toward zero through int64 (NaN and out-of-range
/// values become Int64.min, as x86 does), wider integers wrap, as C++'s casts do.
protocol IntegerTensorElement: TensorElement, FixedWidthInteger {}

extension IntegerTensorElement {
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self.init(truncatingIfNeeded: Int64(value)) }
    @inline(__always) public var wide: WideElement { .integer(Int64(truncatingIfNeeded: self)) }
    @inline(__always) public init(wide: WideElement) {
        switch wide {
        case .real(let d):
            // x86's conversions: to 64 bits for int64, to 32 bits for narrower types (whose
            // casts go through a 32-bit conversion); NaN and out-of-range give the minimum.
            if Self.bitWidth == 64 {
                self.init(truncatingIfNeeded: d.truncatedInt64 ?? .min)
            } else {
                let t = d.rounded(.towardZero)
                self.init(truncatingIfNeeded: t >= -2_147_483_648 && t < 2_147_483_648 ? Int32(t) : Int32.min)
            }
        case .integer(let i): self.init(truncatingIfNeeded: i)
        case .flag(let b): self = b ? 1 : 0
        }
    }
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

extension Float: FloatingTensorElement {
    public static var dtype: DType { .float32 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Float(value) }
    @inline(__always) public var wide: WideElement { .real(Double(self)) }
    @inline(__always) init(rounding value: Double) { self = Float(value) }
    @inline(__always) init(rounding value: Int64) { self = Float(value) }
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

extension Double: FloatingTensorElement {
    public static var dtype: DType { .float64 }
    public var doubleValue: Double { self }
    public init(fromDouble value: Double) { self = value }
    @inline(__always) public var wide: WideElement { .real(self) }
    @inline(__always) init(rounding value: Double) { self = value }
    @inline(__always) init(rounding value: Int64) { self = Double(value) }
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

extension Int64: IntegerTensorElement {
    public static var dtype: DType { .int64 }
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
    @inline(__always) public var wide: WideElement { .flag(self) }
    @inline(__always) public init(wide: WideElement) {
        switch wide {
        case .real(let d): self = d != 0 || d.isNaN
        case .integer(let i): self = i != 0
        case .flag(let b): self = b
        }
    }
}

extension Float16: FloatingTensorElement {
    public static var dtype: DType { .float16 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Float16(Float(value)) }
    @inline(__always) public var wide: WideElement { .real(Double(self)) }
    /// Through float32, as c10::Half's constructor takes a float.
    @inline(__always) init(rounding value: Double) { self = Float16(Float(value)) }
    @inline(__always) init(rounding value: Int64) { self = Float16(Float(value)) }
}

extension Int8: IntegerTensorElement { public static var dtype: DType { .int8 } }
extension UInt8: IntegerTensorElement { public static var dtype: DType { .uint8 } }
extension Int16: IntegerTensorElement { public static var dtype: DType { .int16 } }
extension Int32: IntegerTensorElement { public static var dtype: DType { .int32 } }

/// bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 mantissa bits), rounded to
/// nearest even from float32 as c10::BFloat16 rounds, NaN kept NaN.
public struct BFloat16: FloatingTensorElement, Equatable, Comparable, CustomStringConvertible, Sendable {
    public var bits: UInt16

    public init(bits: UInt16) { self.bits = bits }

    public init(_ value: Float) {
        guard !value.isNaN else { bits = 0x7FC0; return }
        let raw = value.bitPattern
        let roundingBias = ((raw >> 16) & 1) &+ 0x7FFF
        bits = UInt16(truncatingIfNeeded: (raw &+ roundingBias) >> 16)
    }

    public var float: Float { Float(bitPattern: UInt32(bits) << 16) }
    public var isNaN: Bool { float.isNaN }

    public static var dtype: DType { .bfloat16 }
    public var doubleValue: Double { Double(float) }
    public init(fromDouble value: Double) { self.init(Float(value)) }
    @inline(__always) public var wide: WideElement { .real(Double(float)) }
    @inline(__always) init(rounding value: Double) { self.init(Float(value)) }
    @inline(__always) init(rounding value: Int64) { self.init(Float(value)) }
    public var description: String { float.description }
    public static func < (a: BFloat16, b: BFloat16) -> Bool { a.float < b.float }
    public static func == (a: BFloat16, b: BFloat16) -> Bool { a.float == b.float }
}

extension DType {
    /// The C++ type name PyTorch's overflow message uses ("value cannot be converted to type
    /// uint8_t without overflow").
    var overflowTypeName: String {
        switch self {
        case .float32: return "float"
        case .float64: return "double"
        case .int64: return "int64_t"
        case .bool: return "bool"
        case .float16: return "c10::Half"
        case .bfloat16: return "c10::BFloat16"
        case .int8: return "int8_t"
        case .uint8: return "uint8_t"
        case .int16: return "int16_t"
        case .int32: return "int"
        }
    }

    /// The largest finite value of a floating dtype.
    var greatestFiniteMagnitude: Double {
        switch self {
        case .float16: return 65504
        case .bfloat16: return Double(Float(bitPattern: 0x7F7F_0000))
        case .float32: return Double(Float.greatestFiniteMagnitude)
        default: return .greatestFiniteMagnitude
        }
    }

    /// The range of an integer dtype.
    var integerRange: ClosedRange<Int64> {
        switch self {
        case .int8: return Int64(Int8.min)...Int64(Int8.max)
        case .uint8: return 0...255
        case .int16: return Int64(Int16.min)...Int64(Int16.max)
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        default: return Int64.min...Int64.max
        }
    }

    /// Checks that a number (a Python number: real, integer or bool) fits this dtype, as
    /// PyTorch's `fill_`, `full` and `tensor` check (c10::overflows): reals must be within a
    /// floating dtype's range (infinities and NaN allowed) or an integer dtype's (no NaN or
    /// infinity); integers must be within the range, where unsigned dtypes let negative values
    /// down to -max wrap.
    /// - Throws: `.invalidArgument` "value cannot be converted to type ... without overflow".
    func checkFits(_ value: WideElement) throws {
        let fits: Bool
        switch (value, isFloatingPoint) {
        case (.flag, _): fits = true
        case (.real(let d), true): fits = d.isNaN || d.isInfinite || Swift.abs(d) <= greatestFiniteMagnitude
        case (.integer, true): fits = true
        case (.real(let d), false):
            guard self != .bool else { fits = true; break }
            let range = integerRange
            fits = d.isFinite && d >= Double(range.lowerBound) && d <= Double(range.upperBound)
                && (self != .int64 || d < 9_223_372_036_854_775_808.0)
        case (.integer(let i), false):
            guard self != .bool else { fits = true; break }
            let range = integerRange
            fits = range.contains(i) || (self == .uint8 && i < 0 && i >= -range.upperBound)
        }
        guard fits else {
            throw SwiftGradError.invalidArgument("value cannot be converted to type \(overflowTypeName) without overflow")
        }
    }
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
