/// Elementwise functions as values. The kernels are generic over them, so every use compiles to
/// its own specialised loop with the function inlined, on every thread a kernel is split across.
/// (A closure handed to another thread would be called through a pointer for every element.)
protocol UnaryFunction {
    associatedtype Input: TensorElement
    associatedtype Output: TensorElement
    func callAsFunction(_ x: Input) -> Output
}

/// A function of two elements.
protocol BinaryFunction {
    associatedtype Left: TensorElement
    associatedtype Right: TensorElement
    associatedtype Output: TensorElement
    func callAsFunction(_ a: Left, _ b: Right) -> Output
}

/// A function of three elements.
protocol TernaryFunction {
    associatedtype First: TensorElement
    associatedtype Second: TensorElement
    associatedtype Third: TensorElement
    associatedtype Output: TensorElement
    func callAsFunction(_ a: First, _ b: Second, _ c: Third) -> Output
}

/// `K(x)` for a floating unary kernel (exp, log, ...): its float32 or float64 form, chosen when
/// the kernel is specialised (the other branch folds away).
struct FloatMap<K: FloatUnaryKernel, T: FloatElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T {
        if T.self == Float.self { return unsafeBitCast(K.apply(unsafeBitCast(x, to: Float.self)), to: T.self) }
        return unsafeBitCast(K.apply(unsafeBitCast(x, to: Double.self)), to: T.self)
    }
}

/// `K(x)` for a numeric unary kernel (neg, abs, relu, ...).
struct NumericMap<K: NumericUnaryKernel, T: NumericElement>: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T { K.apply(x) }
}

/// `K(a, b)` for an arithmetic kernel.
struct ArithmeticPair<K: ArithmeticKernel, T: NumericElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { K.apply(a, b) }
}

/// `K(x, s)` with a constant `s`.
struct ArithmeticWithScalar<K: ArithmeticKernel, T: NumericElement>: UnaryFunction {
    let scalar: T
    @inline(__always) func callAsFunction(_ x: T) -> T { K.apply(x, scalar) }
}

/// `K(s, x)` with a constant `s` on the left. A type of its own rather than a flag: the flag's
/// two branches, different for sub and div, kept their loops from vectorising (`x - 1` of
/// [256, 512] took 65 us, `x + 1` 17).
struct ArithmeticWithScalarOnLeft<K: ArithmeticKernel, T: NumericElement>: UnaryFunction {
    let scalar: T
    @inline(__always) func callAsFunction(_ x: T) -> T { K.apply(scalar, x) }
}

/// `K(a, b)` for a comparison kernel.
struct ComparisonPair<K: ComparisonKernel, T: TensorElement & Comparable>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { K.apply(a, b) }
}

/// `K(x, s)` with a constant `s`.
struct ComparisonWithScalar<K: ComparisonKernel, T: TensorElement & Comparable>: UnaryFunction {
    let scalar: T
    @inline(__always) func callAsFunction(_ x: T) -> Bool { K.apply(x, scalar) }
}

/// The larger (`Side` Larger) or smaller (Smaller) of two elements, NaN winning (the first's
/// when both are), as PyTorch's maximum and minimum. (Written as selects without branches, the
/// SSE2 build still ran it one element at a time, and slower; dense float32 operands of one
/// size, or against one value, a clamp's case, have vector loops: `CPUCapability.extrema`.)
struct Extremum<T: NumericElement, Side: ExtremumSide>: BinaryFunction {
    @inline(__always) func callAsFunction(_ p: T, _ q: T) -> T {
        if p != p { return p }
        if q != q { return q }
        return Side.larger ? (p >= q ? p : q) : (p <= q ? p : q)
    }
}

/// Which of two elements `Extremum` keeps.
protocol ExtremumSide {
    static var larger: Bool { get }
}
enum Larger: ExtremumSide { static var larger: Bool { true } }
enum Smaller: ExtremumSide { static var larger: Bool { false } }

/// Logical or (maximum) or and (minimum) of bools.
struct BoolExtremum: BinaryFunction {
    let greater: Bool
    @inline(__always) func callAsFunction(_ p: Bool, _ q: Bool) -> Bool { greater ? (p || q) : (p && q) }
}

/// `c ? a : b`.
struct Select<T: TensorElement>: TernaryFunction {
    @inline(__always) func callAsFunction(_ c: Bool, _ a: T, _ b: T) -> T { c ? a : b }
}

/// PyTorch's casts between element types, as the update `dst = cast(src)`: floats truncate
/// toward zero into integers (through int64: NaN and out-of-range values become Int64.min, as
/// x86 does, then wrap), wider integers wrap into narrower ones, anything non-zero (NaN
/// included) is true, bools are 0 or 1, and float16/bfloat16 round from float32 (see
/// `TensorElement.init(wide:)`). Each specialisation folds to its one conversion.
struct Cast<From: TensorElement, To: TensorElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_: To, _ x: From) -> To {
        if From.self == To.self { return unsafeBitCast(x, to: To.self) }
        return To(wide: x.wide)
    }
}
