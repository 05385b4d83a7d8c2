/// A comparison of two elements, resolved statically in the kernels.
protocol ComparisonKernel {
    static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool
}

enum EqKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b } }
enum NeKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b } }
enum LtKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b } }
enum LeKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b } }
enum GtKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b } }
enum GeKernel: ComparisonKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b } }

extension Tensor {
    /// Elementwise comparison in the operands' common dtype, broadcasting; gives a bool tensor
    /// that never requires grad. Comparisons with NaN are false, except `ne`.
    static func compare<K: ComparisonKernel>(_: K.Type, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let common = TypePromotion.resultType(a, b)
        let compute = common == .bool ? DType.int64 : common.compute
        let shape = try Shape.broadcast(a.shape, b.shape)
        let x = try a.to(compute, recording: false), y = try b.to(compute, recording: false)
        switch compute {
        case .float32: return try Kernels.zip(x, y, shape: shape, ComparisonPair<K, Float>())
        case .float64: return try Kernels.zip(x, y, shape: shape, ComparisonPair<K, Double>())
        case .int64: return try Kernels.zip(x, y, shape: shape, ComparisonPair<K, Int64>())
        default: throw SwiftGradError.internal("\(compute) comparison reached the kernel")
        }
    }

    public func eq(_ other: Tensor) throws -> Tensor { try Tensor.compare(EqKernel.self, self, other) }
    public func ne(_ other: Tensor) throws -> Tensor { try Tensor.compare(NeKernel.self, self, other) }
    public func lt(_ other: Tensor) throws -> Tensor { try Tensor.compare(LtKernel.self, self, other) }
    public func le(_ other: Tensor) throws -> Tensor { try Tensor.compare(LeKernel.self, self, other) }
    public func gt(_ other: Tensor) throws -> Tensor { try Tensor.compare(GtKernel.self, self, other) }
    public func ge(_ other: Tensor) throws -> Tensor { try Tensor.compare(GeKernel.self, self, other) }

    /// Comparison with a Python-float scalar: in the tensor's dtype when floating, otherwise in
    /// float32 (PyTorch's promotion with a wrapped number).
    static func compare<K: ComparisonKernel>(_: K.Type, _ a: Tensor, scalar s: Double) throws -> Tensor {
        let x = try a.to(a.dtype == .float64 ? .float64 : .float32, recording: false)
        // float16 and bfloat16 compare with the scalar rounded to their dtype, as PyTorch does.
        let s = a.dtype == .float16 || a.dtype == .bfloat16 ? try Tensor.scalarTensor(s, a.dtype).item() : s
        if x.dtype == .float32 { return try Kernels.map(x, ComparisonWithScalar<K, Float>(scalar: Float(s))) }
        return try Kernels.map(x, ComparisonWithScalar<K, Double>(scalar: s))
    }

    public func eq(_ s: Double) throws -> Tensor { try Tensor.compare(EqKernel.self, self, scalar: s) }
    public func ne(_ s: Double) throws -> Tensor { try Tensor.compare(NeKernel.self, self, scalar: s) }
    public func lt(_ s: Double) throws -> Tensor { try Tensor.compare(LtKernel.self, self, scalar: s) }
    public func le(_ s: Double) throws -> Tensor { try Tensor.compare(LeKernel.self, self, scalar: s) }
    public func gt(_ s: Double) throws -> Tensor { try Tensor.compare(GtKernel.self, self, scalar: s) }
    public func ge(_ s: Double) throws -> Tensor { try Tensor.compare(GeKernel.self, self, scalar: s) }
}
