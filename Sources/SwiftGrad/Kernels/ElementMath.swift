#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C's libm for a floating element type `T` (float32 or float64), for kernels written once for
/// both: each function calls the float or the double form, chosen when the kernel is
/// specialised (the other branch folds away, as in `FloatMap`).
enum ElementMath<T: FloatElement> {
    @inline(__always) static var isFloat: Bool { T.self == Float.self }
    @inline(__always) static func f(_ x: T) -> Float { unsafeBitCast(x, to: Float.self) }
    @inline(__always) static func d(_ x: T) -> Double { unsafeBitCast(x, to: Double.self) }
    @inline(__always) static func t(_ x: Float) -> T { unsafeBitCast(x, to: T.self) }
    @inline(__always) static func t(_ x: Double) -> T { unsafeBitCast(x, to: T.self) }

    /// `Double` narrowed to `T` (round to nearest), as C++'s `static_cast<T>(double)`.
    @inline(__always) static func constant(_ x: Double) -> T { isFloat ? t(Float(x)) : t(x) }

    @inline(__always) static func fmod(_ a: T, _ b: T) -> T { isFloat ? t(fmodf(f(a), f(b))) : t(Glibc.fmod(d(a), d(b))) }
    @inline(__always) static func atan2(_ a: T, _ b: T) -> T { isFloat ? t(atan2f(f(a), f(b))) : t(Glibc.atan2(d(a), d(b))) }
    @inline(__always) static func hypot(_ a: T, _ b: T) -> T { isFloat ? t(hypotf(f(a), f(b))) : t(Glibc.hypot(d(a), d(b))) }
    @inline(__always) static func nextafter(_ a: T, _ b: T) -> T {
        isFloat ? t(nextafterf(f(a), f(b))) : t(Glibc.nextafter(d(a), d(b)))
    }
    @inline(__always) static func copysign(_ a: T, _ b: T) -> T {
        isFloat ? t(copysignf(f(a), f(b))) : t(Glibc.copysign(d(a), d(b)))
    }
    @inline(__always) static func fmax(_ a: T, _ b: T) -> T { isFloat ? t(fmaxf(f(a), f(b))) : t(Glibc.fmax(d(a), d(b))) }
    @inline(__always) static func fmin(_ a: T, _ b: T) -> T { isFloat ? t(fminf(f(a), f(b))) : t(Glibc.fmin(d(a), d(b))) }
    @inline(__always) static func log(_ x: T) -> T { isFloat ? t(logf(f(x))) : t(Glibc.log(d(x))) }
    @inline(__always) static func log1p(_ x: T) -> T { isFloat ? t(log1pf(f(x))) : t(Glibc.log1p(d(x))) }
    @inline(__always) static func exp(_ x: T) -> T { isFloat ? t(expf(f(x))) : t(Glibc.exp(d(x))) }
    @inline(__always) static func exp2(_ x: T) -> T { isFloat ? t(exp2f(f(x))) : t(Glibc.exp2(d(x))) }
    @inline(__always) static func sin(_ x: T) -> T { isFloat ? t(sinf(f(x))) : t(Glibc.sin(d(x))) }
    @inline(__always) static func erf(_ x: T) -> T { isFloat ? t(erff(f(x))) : t(Glibc.erf(d(x))) }
    @inline(__always) static func erfc(_ x: T) -> T { isFloat ? t(erfcf(f(x))) : t(Glibc.erfc(d(x))) }
    @inline(__always) static func sqrt(_ x: T) -> T { isFloat ? t(f(x).squareRoot()) : t(d(x).squareRoot()) }
    @inline(__always) static func trunc(_ x: T) -> T { isFloat ? t(truncf(f(x))) : t(Glibc.trunc(d(x))) }
    @inline(__always) static func floor(_ x: T) -> T { isFloat ? t(floorf(f(x))) : t(Glibc.floor(d(x))) }
    /// Rounds halves to even (C's `nearbyint` under the default rounding mode).
    @inline(__always) static func nearbyint(_ x: T) -> T { isFloat ? t(rintf(f(x))) : t(Glibc.rint(d(x))) }
}

// MARK: Binary functions of floating elements

/// A function of two floating elements, written once for float32 and float64.
protocol FloatBinaryKernel {
    static func apply<T: FloatElement>(_ a: T, _ b: T) -> T
}

/// A function of two int64 elements. Division-like kernels are called only with nonzero
/// divisors (their ops check first, as PyTorch raises ZeroDivisionError) and wrap on overflow
/// (`Int64.min / -1` is `Int64.min`, its remainder 0, as on PyTorch's CPU).
protocol IntegerBinaryKernel {
    static func apply(_ a: Int64, _ b: Int64) -> Int64
}

/// `K(a, b)` for a floating binary kernel.
struct FloatPair<K: FloatBinaryKernel, T: FloatElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { K.apply(a, b) }
}

/// `K(a, b)` for an integer binary kernel.
struct IntegerPair<K: IntegerBinaryKernel>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Int64, _ b: Int64) -> Int64 { K.apply(a, b) }
}

enum Atan2Kernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.atan2(a, b) }
}
enum CopysignKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.copysign(a, b) }
}
enum HypotKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.hypot(a, b) }
}
enum NextafterKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.nextafter(a, b) }
}
/// C's fmax: the larger, ignoring a NaN (NaN only when both are).
enum FmaxKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.fmax(a, b) }
}
enum FminKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.fmin(a, b) }
}

/// C's fmod: the remainder of truncating division, with the dividend's sign.
enum FmodKernel: FloatBinaryKernel, IntegerBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.fmod(a, b) }
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 { a.remainderReportingOverflow(dividingBy: b).partialValue }
}

/// Python's %: the remainder of flooring division, with the divisor's sign.
enum RemainderKernel: FloatBinaryKernel, IntegerBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        var mod = ElementMath<T>.fmod(a, b)
        if mod != 0 && (b < 0) != (mod < 0) { mod += b }
        return mod
    }
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
    }
}

/// Python's //, as PyTorch computes it: `(a - fmod(a, b)) / b`, fixed up, so that
/// `a == (a // b) * b + a % b` holds despite rounding; IEEE division by zero (inf or NaN).
enum FloorDivideKernel: FloatBinaryKernel, IntegerBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        if b == 0 { return a / b }
        let mod = ElementMath<T>.fmod(a, b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        guard div != 0 else { return ElementMath<T>.copysign(0, a / b) }
        var floordiv = ElementMath<T>.floor(div)
        if div - floordiv > T(0.5) { floordiv += 1 }
        return floordiv
    }
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a.dividedReportingOverflow(by: b).partialValue
        guard (a < 0) != (b < 0) else { return quotient }
        return a.remainderReportingOverflow(dividingBy: b).partialValue != 0 ? quotient &- 1 : quotient
    }
}

/// Division rounded toward zero.
enum TruncDivideKernel: FloatBinaryKernel, IntegerBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { ElementMath<T>.trunc(a / b) }
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 { a.dividedReportingOverflow(by: b).partialValue }
}

/// log(e^a + e^b) = max + log1p(e^-|a - b|); equal infinities give themselves.
enum LogaddexpKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        if a.isInfinite && a == b { return a }
        let m = a < b ? b : a
        return m + ElementMath<T>.log1p(ElementMath<T>.exp(-Swift.abs(a - b)))
    }
}

/// log2(2^a + 2^b) = max + log1p(2^-|a - b|) / ln 2.
enum Logaddexp2Kernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        if a.isInfinite && a == b { return a }
        let m = a < b ? b : a
        return m + ElementMath<T>.log1p(ElementMath<T>.exp2(-Swift.abs(a - b))) * ElementMath<T>.constant(1 / 0.6931471805599453)
    }
}

/// x * log(y), 0 where x == 0 (unless y is NaN).
enum XlogyKernel: FloatBinaryKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T, _ y: T) -> T {
        if y.isNaN { return .nan }
        if x == 0 { return 0 }
        return x * ElementMath<T>.log(y)
    }
}

/// x * 2^e exactly, computed in double and narrowed (C's ldexp; the int64 exponent narrowed to
/// C's int as PyTorch's kernel passes it).
struct ScaleByPowerOfTwo<T: FloatElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ x: T, _ e: Int64) -> T {
        let scaled = Glibc.ldexp(Double(x), Int32(truncatingIfNeeded: e))
        return ElementMath<T>.constant(scaled)
    }
}

/// The Heaviside step: `values` where the input is 0, else 1 for positive and 0 for negative
/// (and NaN) input.
struct Heaviside<T: NumericElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a == T.zero ? b : (a > T.zero ? T.one : T.zero) }
}

/// Heaviside of bools: `values` where the input is false.
struct BoolHeaviside: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a ? true : b }
}

/// `start + weight * (end - start)`, computed from the nearer end with one fused multiply-add,
/// as PyTorch's vectorised CPU kernel does: `start + weight * d` for |weight| < 0.5, else
/// `end + (weight - 1) * d`.
struct Lerp<T: FloatElement>: TernaryFunction {
    @inline(__always) func callAsFunction(_ start: T, _ end: T, _ weight: T) -> T {
        let d = end - start
        return Swift.abs(weight) < T(0.5) ? start.addingProduct(weight, d) : end.addingProduct(weight - 1, d)
    }
}

/// `input + value * t1 * t2` (integer arithmetic wraps).
struct Addcmul<T: NumericElement>: TernaryFunction {
    let value: T
    @inline(__always) func callAsFunction(_ input: T, _ t1: T, _ t2: T) -> T {
        T.add(input, T.mul(T.mul(value, t1), t2))
    }
}

/// `input + value * t1 / t2`.
struct Addcdiv<T: FloatElement>: TernaryFunction {
    let value: T
    @inline(__always) func callAsFunction(_ input: T, _ t1: T, _ t2: T) -> T { input + value * t1 / t2 }
}

// MARK: Unary functions of floating elements

/// sin(pi x) / (pi x), 1 at 0.
struct Sinc<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T {
        if x == 0 { return 1 }
        let product = ElementMath<T>.constant(Double.pi) * x
        return ElementMath<T>.sin(product) / product
    }
}

/// log(x / (1 - x)), with x first clamped into [lo, hi] when `clamps` (PyTorch's logit eps).
struct Logit<T: FloatElement>: UnaryFunction {
    let clamps: Bool
    let lo: T, hi: T
    @inline(__always) func callAsFunction(_ x: T) -> T {
        let v = clamps ? (x < lo ? lo : (x > hi ? hi : x)) : x
        return v == 1 ? .infinity : ElementMath<T>.log(v / (1 - v))
    }
}

/// x - trunc(x).
struct Frac<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T { x - ElementMath<T>.trunc(x) }
}

/// NaN, +inf and -inf replaced by the given values.
struct NanToNum<T: FloatElement>: UnaryFunction {
    let nan: T, posinf: T, neginf: T
    @inline(__always) func callAsFunction(_ x: T) -> T {
        x.isNaN ? nan : (x == .infinity ? posinf : (x == -.infinity ? neginf : x))
    }
}

/// The argument of a real number: pi for negative numbers, 0 otherwise, NaN for NaN.
struct Angle<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T {
        if x.isNaN { return x }
        return x < 0 ? ElementMath<T>.constant(Double.pi) : 0
    }
}

/// Rounds to `decimals` places as PyTorch's CPU kernel: `nearbyint(x * 10^d) / 10^d`, or
/// `nearbyint(x / 10^-d) * 10^-d` for negative d, with 10^|d| computed in double and narrowed.
struct RoundDecimals<T: FloatElement>: UnaryFunction {
    let scale: T
    let negative: Bool
    @inline(__always) func callAsFunction(_ x: T) -> T {
        negative ? ElementMath<T>.nearbyint(x / scale) * scale : ElementMath<T>.nearbyint(x * scale) / scale
    }
}

/// The inverse error function: the rational first approximation of Gary L. Pavlis's erfinv
/// (PyTorch's starting point too), refined by two Newton steps: on erf(x) = y in the central
/// range, and on erfc(x) = 1 - |y| in the tails, where erf(x) rounds to 1 and would stall the
/// steps (1 - |y| is exact there). Agrees with PyTorch 2.15 to an ulp or two over [-1, 1].
/// +-inf at +-1, NaN outside [-1, 1].
struct Erfinv<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ y: T) -> T {
        typealias M = ElementMath<T>
        let c = M.constant
        let magnitude = Swift.abs(y)
        if magnitude > 1 { return .nan }
        if magnitude == 1 { return M.copysign(.infinity, y) }
        let slope = 2 / c(Double.pi.squareRoot())
        if magnitude <= c(0.7) {
            let z = y * y
            let num = ((c(-0.140543331) * z + c(0.914624893)) * z + c(-1.645349621)) * z + c(0.886226899)
            let den = (((c(0.012229801) * z + c(-0.329097515)) * z + c(1.442710462)) * z + c(-2.118377725)) * z + 1
            var x = y * num / den
            x = x - (M.erf(x) - y) / (slope * M.exp(-x * x))
            x = x - (M.erf(x) - y) / (slope * M.exp(-x * x))
            return x
        }
        let tail = 1 - magnitude
        let z = M.sqrt(-M.log(tail / 2))
        let num = ((c(1.641345311) * z + c(3.429567803)) * z + c(-1.624906493)) * z + c(-1.970840454)
        let den = (c(1.637067800) * z + c(3.543889200)) * z + 1
        var x = num / den
        x = x + (M.erfc(x) - tail) / (slope * M.exp(-x * x))
        x = x + (M.erfc(x) - tail) / (slope * M.exp(-x * x))
        return M.copysign(x, y)
    }
}

/// Floating predicates (bool results).
struct IsNaN<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isNaN }
}
struct IsInf<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isInfinite }
}
struct IsFinite<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isFinite }
}
struct IsPosInf<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x == .infinity }
}
struct IsNegInf<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x == -.infinity }
}
/// The sign bit (true for -0.0 and negative NaNs).
struct SignBit<T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> Bool { x.sign == .minus }
}
struct IntegerIsNegative: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: Int64) -> Bool { x < 0 }
}
