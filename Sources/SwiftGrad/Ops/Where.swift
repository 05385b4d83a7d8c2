extension Tensor {
    /// Elements of `a` where `condition` is true and of `b` elsewhere, all three broadcast
    /// together (`torch.where`, WhereBackward0). The gradient goes to `a` where the condition
    /// holds and to `b` elsewhere.
    /// - Throws: `.dtype` when the condition is not bool, `.shape` when shapes do not broadcast.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard condition.dtype == .bool else {
            throw SwiftGradError.dtype("where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.scalarTypeName)")
        }
        let shape = try Shape.broadcast(condition.shape, Shape.broadcast(a.shape, b.shape))
        let common = TypePromotion.resultType(a, b)
        let x = try a.to(common, recording: false), y = try b.to(common, recording: false)
        let out: Tensor
        switch common {
        case .float32: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Float>())
        case .float64: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Double>())
        case .int64: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Int64>())
        case .bool: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Bool>())
        case .float16: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Float16>())
        case .bfloat16: out = try Kernels.zip3(condition, x, y, shape: shape, Select<BFloat16>())
        case .int8: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Int8>())
        case .uint8: out = try Kernels.zip3(condition, x, y, shape: shape, Select<UInt8>())
        case .int16: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Int16>())
        case .int32: out = try Kernels.zip3(condition, x, y, shape: shape, Select<Int32>())
        }
        return try out.recorded("WhereBackward0", input: a, b, saving: condition) { g, ctx in
            let c = try ctx.saved(0)
            let zero = try Tensor.zeros([], dtype: g.dtype)
            return [ctx.needsGrad(0) ? try Tensor.where(c, g, zero) : nil,
                    ctx.needsGrad(1) ? try Tensor.where(c, zero, g) : nil]
        }
    }
}
