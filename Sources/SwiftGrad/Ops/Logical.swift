/// Logical operations (`torch.logical_and`, `logical_or`, `logical_xor`, `logical_not`): each
/// operand is read as a truth value (nonzero is true, NaN too), the result is a bool tensor that
/// never requires grad, and the operands broadcast.

/// A logical function of two truth values, resolved statically in the kernels.
protocol LogicalKernel {
    static func apply(_ a: Bool, _ b: Bool) -> Bool
}

enum LogicalAndKernel: LogicalKernel { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b } }
enum LogicalOrKernel: LogicalKernel { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b } }
enum LogicalXorKernel: LogicalKernel { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a != b } }

/// `K(a, b)` for a logical kernel.
struct LogicalPair<K: LogicalKernel>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { K.apply(a, b) }
}

/// `!x`.
struct LogicalNot: UnaryFunction {
    @inline(__always) func callAsFunction(_ x: Bool) -> Bool { !x }
}

extension Tensor {
    static func logical<K: LogicalKernel>(_: K.Type, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        return try Kernels.zip(a.to(.bool, recording: false), b.to(.bool, recording: false), shape: shape, LogicalPair<K>())
    }

    /// `self and other`, elementwise (`torch.logical_and`).
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try Tensor.logical(LogicalAndKernel.self, self, other) }

    /// `self or other`, elementwise (`torch.logical_or`).
    public func logicalOr(_ other: Tensor) throws -> Tensor { try Tensor.logical(LogicalOrKernel.self, self, other) }

    /// `self xor other`, elementwise (`torch.logical_xor`).
    public func logicalXor(_ other: Tensor) throws -> Tensor { try Tensor.logical(LogicalXorKernel.self, self, other) }

    /// `not self`, elementwise (`torch.logical_not`).
    public func logicalNot() throws -> Tensor { try Kernels.map(to(.bool, recording: false), LogicalNot()) }
}
