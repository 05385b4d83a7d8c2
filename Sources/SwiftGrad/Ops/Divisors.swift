/// Greatest common divisor and least common multiple of integer tensors (`torch.gcd`,
/// `torch.lcm`), elementwise with broadcasting and type promotion, computed in the promoted
/// integer dtype as PyTorch's CPU kernels compute them (C++'s arithmetic, wraparound included).
/// Not differentiable (integer results).

extension Tensor {
    /// `gcd(|a|, |b|)` by Euclid's algorithm, as PyTorch's `calc_gcd`: `gcd(0, 0)` is 0 and the
    /// magnitudes wrap as C++'s `std::abs` does, so the most negative value of a dtype stays
    /// negative (`gcd(-2^63, 0)` is -2^63, `gcd(-2^63, 6)` is -2).
    @inline(__always)
    static func greatestCommonDivisor<T: IntegerTensorElement>(_ a: T, _ b: T) -> T {
        var a = a < 0 ? 0 &- a : a, b = b < 0 ? 0 &- b : b
        while a != 0 {
            let c = a
            a = b.remainderReportingOverflow(dividingBy: a).partialValue
            b = c
        }
        return b
    }

    /// `|a / gcd(a, b) * b|`, 0 when the gcd is 0, as PyTorch's `lcm_kernel`: narrower types than
    /// C's int compute in int (promotion) and wrap back; int32 and int64 wrap in themselves.
    /// (PyTorch divides -2^63 by a gcd of -1 with a trap; here the quotient wraps.)
    @inline(__always)
    static func leastCommonMultiple<T: IntegerTensorElement>(_ a: T, _ b: T) -> T {
        let g = greatestCommonDivisor(a, b)
        if g == 0 { return 0 }
        if T.bitWidth < 32 {
            let p = Int64(a) / Int64(g) * Int64(b)  // |p| < 2^31: exact
            return T(truncatingIfNeeded: p < 0 ? -p : p)
        }
        let p = a.dividedReportingOverflow(by: g).partialValue &* b
        return p < 0 ? 0 &- p : p
    }

    /// `f` over two operands promoted to one integer dtype and broadcast.
    /// - Throws: `.dtype` ("\"gcd_cpu\" not implemented for 'Bool'") unless the promoted dtype
    ///   is an integer type; `.shape` for shapes that do not broadcast.
    private static func integerBinary(_ a: Tensor, _ b: Tensor, kernel: String,
                                      _ f: (Tensor, Tensor, [Int]) throws -> Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        let dtype = TypePromotion.resultType(a, b)
        guard dtype.isIntegral else { throw kernelNotImplemented(kernel, dtype) }
        return try f(try a.to(dtype, recording: false), try b.to(dtype, recording: false), shape)
    }

    /// The greatest common divisor of `self` and `other`, elementwise (`torch.gcd`): never
    /// negative except for a dtype's most negative value (see above).
    ///
    /// ```swift
    /// try Tensor([12, -18, 0] as [Int64]).gcd(Tensor([8, 12, 0] as [Int64]))  // tensor([4, 6, 0])
    /// ```
    /// - Throws: `.dtype` for bool or floating operands ("\"gcd_cpu\" not implemented for
    ///   'Float'"); `.shape` for shapes that do not broadcast.
    public func gcd(_ other: Tensor) throws -> Tensor {
        try Tensor.integerBinary(self, other, kernel: "gcd_cpu") { x, y, shape in
            switch x.dtype {
            case .int64: return try Kernels.zip(x, y, shape: shape, GreatestCommonDivisor<Int64>())
            case .int32: return try Kernels.zip(x, y, shape: shape, GreatestCommonDivisor<Int32>())
            case .int16: return try Kernels.zip(x, y, shape: shape, GreatestCommonDivisor<Int16>())
            case .int8: return try Kernels.zip(x, y, shape: shape, GreatestCommonDivisor<Int8>())
            case .uint8: return try Kernels.zip(x, y, shape: shape, GreatestCommonDivisor<UInt8>())
            default: throw Tensor.kernelNotImplemented("gcd_cpu", x.dtype)
            }
        }
    }

    /// The least common multiple of `self` and `other`, elementwise (`torch.lcm`): 0 when
    /// either is 0; wraps around when it does not fit the dtype, as PyTorch's.
    ///
    /// ```swift
    /// try Tensor([4, -6, 0] as [Int64]).lcm(Tensor([6, 4, 5] as [Int64]))  // tensor([12, 12, 0])
    /// ```
    /// - Throws: as `gcd` ("\"lcm_cpu\" not implemented for 'Bool'").
    public func lcm(_ other: Tensor) throws -> Tensor {
        try Tensor.integerBinary(self, other, kernel: "lcm_cpu") { x, y, shape in
            switch x.dtype {
            case .int64: return try Kernels.zip(x, y, shape: shape, LeastCommonMultiple<Int64>())
            case .int32: return try Kernels.zip(x, y, shape: shape, LeastCommonMultiple<Int32>())
            case .int16: return try Kernels.zip(x, y, shape: shape, LeastCommonMultiple<Int16>())
            case .int8: return try Kernels.zip(x, y, shape: shape, LeastCommonMultiple<Int8>())
            case .uint8: return try Kernels.zip(x, y, shape: shape, LeastCommonMultiple<UInt8>())
            default: throw Tensor.kernelNotImplemented("lcm_cpu", x.dtype)
            }
        }
    }
}

struct GreatestCommonDivisor<T: IntegerTensorElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { Tensor.greatestCommonDivisor(a, b) }
}

struct LeastCommonMultiple<T: IntegerTensorElement>: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { Tensor.leastCommonMultiple(a, b) }
}
