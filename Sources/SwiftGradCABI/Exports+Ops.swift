import CSwiftGrad
import SwiftGrad

/// The shape shared by every export of the form `sg_op(a, b, out)`.
@inline(__always)
private func binary(_ name: StaticString, _ a: OpaquePointer?, _ b: OpaquePointer?,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ op: (Tensor, Tensor) throws -> Tensor) -> sg_status {
    exportTensor(name, out) { try op(Handles.tensor(a, "a"), Handles.tensor(b, "b")) }
}

/// The shape shared by every export of the form `sg_op(a, out)` and `sg_op_scalar(a, s, out)`.
@inline(__always)
private func unary(_ name: StaticString, _ a: OpaquePointer?,
                   _ out: UnsafeMutablePointer<OpaquePointer?>?, _ op: (Tensor) throws -> Tensor) -> sg_status {
    exportTensor(name, out) { try op(Handles.tensor(a, "a")) }
}

@_cdecl("sg_add") @implementation
public func sg_add(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_add", a, b, out) { try $0.add($1) } }
@_cdecl("sg_sub") @implementation
public func sg_sub(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_sub", a, b, out) { try $0.sub($1) } }
@_cdecl("sg_mul") @implementation
public func sg_mul(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_mul", a, b, out) { try $0.mul($1) } }
@_cdecl("sg_div") @implementation
public func sg_div(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_div", a, b, out) { try $0.div($1) } }
@_cdecl("sg_pow") @implementation
public func sg_pow(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_pow", a, b, out) { try $0.pow($1) } }
@_cdecl("sg_dot") @implementation
public func sg_dot(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_dot", a, b, out) { try Tensor.dot($0, $1) } }

@_cdecl("sg_add_scalar") @implementation
public func sg_add_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_add_scalar", a, out) { try $0.add(s) } }
@_cdecl("sg_sub_scalar") @implementation
public func sg_sub_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sub_scalar", a, out) { try $0.sub(s) } }
@_cdecl("sg_rsub_scalar") @implementation
public func sg_rsub_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_rsub_scalar", a, out) { try $0.rsub(s) } }
@_cdecl("sg_mul_scalar") @implementation
public func sg_mul_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_mul_scalar", a, out) { try $0.mul(s) } }
@_cdecl("sg_div_scalar") @implementation
public func sg_div_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_div_scalar", a, out) { try $0.div(s) } }
@_cdecl("sg_rdiv_scalar") @implementation
public func sg_rdiv_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_rdiv_scalar", a, out) { try $0.rdiv(s) } }
@_cdecl("sg_pow_scalar") @implementation
public func sg_pow_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_pow_scalar", a, out) { try $0.pow(s) } }
@_cdecl("sg_rpow_scalar") @implementation
public func sg_rpow_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_rpow_scalar", a, out) { try $0.rpow(s) } }

@_cdecl("sg_neg") @implementation
public func sg_neg(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_neg", a, out) { try $0.neg() } }
@_cdecl("sg_exp") @implementation
public func sg_exp(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_exp", a, out) { try $0.exp() } }
@_cdecl("sg_log") @implementation
public func sg_log(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_log", a, out) { try $0.log() } }
@_cdecl("sg_clone") @implementation
public func sg_clone(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_clone", a, out) { try $0.clone() } }
@_cdecl("sg_sum") @implementation
public func sg_sum(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sum", a, out) { try $0.sum() } }
@_cdecl("sg_norm") @implementation
public func sg_norm(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_norm", a, out) { try $0.norm() } }

@_cdecl("sg_to_dtype") @implementation
public func sg_to_dtype(_ a: OpaquePointer?, _ dtypeValue: sg_dtype, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_to_dtype", a, out) { try $0.to(dtype(dtypeValue)) }
}

@_cdecl("sg_sum_dims") @implementation
public func sg_sum_dims(_ a: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_sum_dims", a, out) { try $0.sum(dims: shape(dims, ndims, "dims"), keepdim: keepdim) }
}

@_cdecl("sg_eq") @implementation
public func sg_eq(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_eq", a, b, out) { try $0.eq($1) } }
@_cdecl("sg_ne") @implementation
public func sg_ne(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_ne", a, b, out) { try $0.ne($1) } }
@_cdecl("sg_lt") @implementation
public func sg_lt(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_lt", a, b, out) { try $0.lt($1) } }
@_cdecl("sg_le") @implementation
public func sg_le(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_le", a, b, out) { try $0.le($1) } }
@_cdecl("sg_gt") @implementation
public func sg_gt(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_gt", a, b, out) { try $0.gt($1) } }
@_cdecl("sg_ge") @implementation
public func sg_ge(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_ge", a, b, out) { try $0.ge($1) } }
@_cdecl("sg_eq_scalar") @implementation
public func sg_eq_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_eq_scalar", a, out) { try $0.eq(s) } }
@_cdecl("sg_ne_scalar") @implementation
public func sg_ne_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_ne_scalar", a, out) { try $0.ne(s) } }
@_cdecl("sg_lt_scalar") @implementation
public func sg_lt_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_lt_scalar", a, out) { try $0.lt(s) } }
@_cdecl("sg_le_scalar") @implementation
public func sg_le_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_le_scalar", a, out) { try $0.le(s) } }
@_cdecl("sg_gt_scalar") @implementation
public func sg_gt_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_gt_scalar", a, out) { try $0.gt(s) } }
@_cdecl("sg_ge_scalar") @implementation
public func sg_ge_scalar(_ a: OpaquePointer?, _ s: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_ge_scalar", a, out) { try $0.ge(s) } }

@_cdecl("sg_zero_") @implementation
public func sg_zero_(_ t: OpaquePointer?) -> sg_status {
    export("sg_zero_") { _ = try Handles.tensor(t, "t").zero_() }
}

// MARK: Model operators

@_cdecl("sg_sqrt") @implementation
public func sg_sqrt(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sqrt", a, out) { try $0.sqrt() } }
@_cdecl("sg_rsqrt") @implementation
public func sg_rsqrt(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_rsqrt", a, out) { try $0.rsqrt() } }
@_cdecl("sg_reciprocal") @implementation
public func sg_reciprocal(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_reciprocal", a, out) { try $0.reciprocal() } }
@_cdecl("sg_sin") @implementation
public func sg_sin(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sin", a, out) { try $0.sin() } }
@_cdecl("sg_cos") @implementation
public func sg_cos(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_cos", a, out) { try $0.cos() } }
@_cdecl("sg_tanh") @implementation
public func sg_tanh(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_tanh", a, out) { try $0.tanh() } }
@_cdecl("sg_sigmoid") @implementation
public func sg_sigmoid(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sigmoid", a, out) { try $0.sigmoid() } }
@_cdecl("sg_relu") @implementation
public func sg_relu(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_relu", a, out) { try $0.relu() } }
@_cdecl("sg_abs") @implementation
public func sg_abs(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_abs", a, out) { try $0.abs() } }
@_cdecl("sg_sign") @implementation
public func sg_sign(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_sign", a, out) { try $0.sign() } }
@_cdecl("sg_square") @implementation
public func sg_square(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_square", a, out) { try $0.square() } }
@_cdecl("sg_log1p") @implementation
public func sg_log1p(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_log1p", a, out) { try $0.log1p() } }
@_cdecl("sg_expm1") @implementation
public func sg_expm1(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_expm1", a, out) { try $0.expm1() } }
@_cdecl("sg_squeeze") @implementation
public func sg_squeeze(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_squeeze", a, out) { try $0.squeeze() } }
@_cdecl("sg_contiguous") @implementation
public func sg_contiguous(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_contiguous", a, out) { try $0.contiguous() } }
@_cdecl("sg_mean") @implementation
public func sg_mean(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_mean", a, out) { try $0.mean() } }
@_cdecl("sg_prod") @implementation
public func sg_prod(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_prod", a, out) { try $0.prod() } }
@_cdecl("sg_max") @implementation
public func sg_max(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_max", a, out) { try $0.max() } }
@_cdecl("sg_min") @implementation
public func sg_min(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_min", a, out) { try $0.min() } }
@_cdecl("sg_nonzero") @implementation
public func sg_nonzero(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_nonzero", a, out) { try $0.nonzero() } }
@_cdecl("sg_maximum") @implementation
public func sg_maximum(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_maximum", a, b, out) { try $0.maximum($1) } }
@_cdecl("sg_minimum") @implementation
public func sg_minimum(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_minimum", a, b, out) { try $0.minimum($1) } }
@_cdecl("sg_matmul") @implementation
public func sg_matmul(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_matmul", a, b, out) { try $0.matmul($1) } }
@_cdecl("sg_mm") @implementation
public func sg_mm(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_mm", a, b, out) { try $0.mm($1) } }
@_cdecl("sg_mv") @implementation
public func sg_mv(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_mv", a, b, out) { try $0.mv($1) } }
@_cdecl("sg_bmm") @implementation
public func sg_bmm(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_bmm", a, b, out) { try $0.bmm($1) } }
@_cdecl("sg_outer") @implementation
public func sg_outer(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { binary("sg_outer", a, b, out) { try Tensor.outer($0, $1) } }

@_cdecl("sg_alias") @implementation
public func sg_alias(_ a: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status { unary("sg_alias", a, out) { try $0.alias() } }

@_cdecl("sg_clamp") @implementation
public func sg_clamp(_ a: OpaquePointer?, _ min: UnsafePointer<Double>?, _ max: UnsafePointer<Double>?,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_clamp", a, out) { try $0.clamp(min: min?.pointee, max: max?.pointee) }
}

@_cdecl("sg_where") @implementation
public func sg_where(_ condition: OpaquePointer?, _ a: OpaquePointer?, _ b: OpaquePointer?,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_where", out) {
        try Tensor.where(Handles.tensor(condition, "condition"), Handles.tensor(a, "a"), Handles.tensor(b, "b"))
    }
}

@_cdecl("sg_masked_fill") @implementation
public func sg_masked_fill(_ a: OpaquePointer?, _ mask: OpaquePointer?, _ value: Double,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    binary("sg_masked_fill", a, mask, out) { try $0.maskedFill($1, value) }
}

// MARK: Views

@_cdecl("sg_reshape") @implementation
public func sg_reshape(_ a: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ ndim: Int,
                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_reshape", a, out) { try $0.reshape(shape(sizes, ndim)) }
}

@_cdecl("sg_view") @implementation
public func sg_view(_ a: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ ndim: Int,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_view", a, out) { try $0.view(shape(sizes, ndim)) }
}

@_cdecl("sg_transpose") @implementation
public func sg_transpose(_ a: OpaquePointer?, _ dim0: Int64, _ dim1: Int64,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_transpose", a, out) { try $0.transpose(Int(dim0), Int(dim1)) }
}

@_cdecl("sg_permute") @implementation
public func sg_permute(_ a: OpaquePointer?, _ order: UnsafePointer<Int64>?, _ ndims: Int,
                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_permute", a, out) { try $0.permute(dims(order, ndims)) }
}

@_cdecl("sg_expand") @implementation
public func sg_expand(_ a: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ ndim: Int,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_expand", a, out) { try $0.expand(shape(sizes, ndim)) }
}

@_cdecl("sg_squeeze_dim") @implementation
public func sg_squeeze_dim(_ a: OpaquePointer?, _ dim: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_squeeze_dim", a, out) { try $0.squeeze(dim: Int(dim)) }
}

@_cdecl("sg_unsqueeze") @implementation
public func sg_unsqueeze(_ a: OpaquePointer?, _ dim: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_unsqueeze", a, out) { try $0.unsqueeze(dim: Int(dim)) }
}

@_cdecl("sg_flatten") @implementation
public func sg_flatten(_ a: OpaquePointer?, _ start: Int64, _ end: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_flatten", a, out) { try $0.flatten(start: Int(start), end: Int(end)) }
}

@_cdecl("sg_select") @implementation
public func sg_select(_ a: OpaquePointer?, _ dim: Int64, _ index: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_select", a, out) { try $0.select(dim: Int(dim), index: Int(index)) }
}

@_cdecl("sg_slice") @implementation
public func sg_slice(_ a: OpaquePointer?, _ dim: Int64, _ start: Int64, _ end: Int64, _ step: Int64,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_slice", a, out) { try $0.slice(dim: Int(dim), start: Int(start), end: Int(end), step: Int(step)) }
}

// MARK: Reductions

@_cdecl("sg_mean_dims") @implementation
public func sg_mean_dims(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_mean_dims", a, out) { try $0.mean(dims: dims(list, ndims), keepdim: keepdim) }
}

@_cdecl("sg_prod_dim") @implementation
public func sg_prod_dim(_ a: OpaquePointer?, _ dim: Int64, _ keepdim: Bool, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_prod_dim", a, out) { try $0.prod(dim: Int(dim), keepdim: keepdim) }
}

/// The shape shared by sg_max_dim and sg_min_dim: two new handles, both NULL on failure.
private func extremumAlong(_ name: StaticString, _ a: OpaquePointer?, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                           _ indices: UnsafeMutablePointer<OpaquePointer?>?, _ op: (Tensor) throws -> ValuesAndIndices) -> sg_status {
    values?.pointee = nil
    indices?.pointee = nil
    guard let values, let indices else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): values and indices must not be NULL") }
    return export(name) {
        let result = try op(Handles.tensor(a, "a"))
        values.pointee = Handles.register(result.values)
        indices.pointee = Handles.register(result.indices)
    }
}

@_cdecl("sg_max_dim") @implementation
public func sg_max_dim(_ a: OpaquePointer?, _ dim: Int64, _ keepdim: Bool, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                       _ indices: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    extremumAlong("sg_max_dim", a, values, indices) { try $0.max(dim: Int(dim), keepdim: keepdim) }
}

@_cdecl("sg_min_dim") @implementation
public func sg_min_dim(_ a: OpaquePointer?, _ dim: Int64, _ keepdim: Bool, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                       _ indices: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    extremumAlong("sg_min_dim", a, values, indices) { try $0.min(dim: Int(dim), keepdim: keepdim) }
}

@_cdecl("sg_amax") @implementation
public func sg_amax(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_amax", a, out) { try $0.amax(dims: dims(list, ndims), keepdim: keepdim) }
}

@_cdecl("sg_amin") @implementation
public func sg_amin(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_amin", a, out) { try $0.amin(dims: dims(list, ndims), keepdim: keepdim) }
}

@_cdecl("sg_argmax") @implementation
public func sg_argmax(_ a: OpaquePointer?, _ dim: UnsafePointer<Int64>?, _ keepdim: Bool,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_argmax", a, out) { try $0.argmax(dim: dim.map { Int($0.pointee) }, keepdim: keepdim) }
}

@_cdecl("sg_argmin") @implementation
public func sg_argmin(_ a: OpaquePointer?, _ dim: UnsafePointer<Int64>?, _ keepdim: Bool,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_argmin", a, out) { try $0.argmin(dim: dim.map { Int($0.pointee) }, keepdim: keepdim) }
}

@_cdecl("sg_var") @implementation
public func sg_var(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ correction: Int64, _ keepdim: Bool,
                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_var", a, out) { try $0.variance(dims: dims(list, ndims), correction: Int(correction), keepdim: keepdim) }
}

@_cdecl("sg_std") @implementation
public func sg_std(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ correction: Int64, _ keepdim: Bool,
                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_std", a, out) { try $0.std(dims: dims(list, ndims), correction: Int(correction), keepdim: keepdim) }
}

@_cdecl("sg_norm_dims") @implementation
public func sg_norm_dims(_ a: OpaquePointer?, _ p: Double, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_norm_dims", a, out) { try $0.norm(p: p, dims: dims(list, ndims), keepdim: keepdim) }
}

@_cdecl("sg_logsumexp") @implementation
public func sg_logsumexp(_ a: OpaquePointer?, _ list: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Bool,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_logsumexp", a, out) { try $0.logsumexp(dims: dims(list, ndims), keepdim: keepdim) }
}

@_cdecl("sg_softmax") @implementation
public func sg_softmax(_ a: OpaquePointer?, _ dim: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_softmax", a, out) { try $0.softmax(dim: Int(dim)) }
}

@_cdecl("sg_log_softmax") @implementation
public func sg_log_softmax(_ a: OpaquePointer?, _ dim: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_log_softmax", a, out) { try $0.logSoftmax(dim: Int(dim)) }
}

// MARK: Joining and indexing

@_cdecl("sg_cat") @implementation
public func sg_cat(_ list: UnsafePointer<OpaquePointer?>?, _ count: Int, _ dim: Int64,
                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_cat", out) { try Tensor.cat(tensors(list, count, "tensors").map { $0! }, dim: Int(dim)) }
}

@_cdecl("sg_stack") @implementation
public func sg_stack(_ list: UnsafePointer<OpaquePointer?>?, _ count: Int, _ dim: Int64,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_stack", out) { try Tensor.stack(tensors(list, count, "tensors").map { $0! }, dim: Int(dim)) }
}

@_cdecl("sg_index") @implementation
public func sg_index(_ a: OpaquePointer?, _ list: UnsafePointer<OpaquePointer?>?, _ count: Int,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    unary("sg_index", a, out) { try $0.index(tensors(list, count, "indices", allowNull: true)) }
}

@_cdecl("sg_index_put_") @implementation
public func sg_index_put_(_ t: OpaquePointer?, _ list: UnsafePointer<OpaquePointer?>?, _ count: Int,
                          _ values: OpaquePointer?, _ accumulate: Bool) -> sg_status {
    export("sg_index_put_") {
        try Handles.tensor(t, "t").indexPut_(tensors(list, count, "indices", allowNull: true),
                                             Handles.tensor(values, "values"), accumulate: accumulate)
    }
}

@_cdecl("sg_gather") @implementation
public func sg_gather(_ a: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    binary("sg_gather", a, index, out) { try $0.gather(dim: Int(dim), index: $1) }
}

@_cdecl("sg_scatter_add") @implementation
public func sg_scatter_add(_ a: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ src: OpaquePointer?,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_scatter_add", out) {
        try Handles.tensor(a, "a").scatterAdd(dim: Int(dim), index: Handles.tensor(index, "index"), source: Handles.tensor(src, "src"))
    }
}

// MARK: In place

/// The shape shared by the in-place exports: `t` is modified, nothing is returned.
@inline(__always)
private func inPlace(_ name: StaticString, _ t: OpaquePointer?, _ op: (Tensor) throws -> Void) -> sg_status {
    export(name) { try op(Handles.tensor(t, "t")) }
}

@_cdecl("sg_add_") @implementation
public func sg_add_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> sg_status { inPlace("sg_add_", t) { try $0.add_(Handles.tensor(other, "other")) } }
@_cdecl("sg_sub_") @implementation
public func sg_sub_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> sg_status { inPlace("sg_sub_", t) { try $0.sub_(Handles.tensor(other, "other")) } }
@_cdecl("sg_mul_") @implementation
public func sg_mul_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> sg_status { inPlace("sg_mul_", t) { try $0.mul_(Handles.tensor(other, "other")) } }
@_cdecl("sg_div_") @implementation
public func sg_div_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> sg_status { inPlace("sg_div_", t) { try $0.div_(Handles.tensor(other, "other")) } }
@_cdecl("sg_add_scalar_") @implementation
public func sg_add_scalar_(_ t: OpaquePointer?, _ s: Double) -> sg_status { inPlace("sg_add_scalar_", t) { try $0.add_(s) } }
@_cdecl("sg_sub_scalar_") @implementation
public func sg_sub_scalar_(_ t: OpaquePointer?, _ s: Double) -> sg_status { inPlace("sg_sub_scalar_", t) { try $0.sub_(s) } }
@_cdecl("sg_mul_scalar_") @implementation
public func sg_mul_scalar_(_ t: OpaquePointer?, _ s: Double) -> sg_status { inPlace("sg_mul_scalar_", t) { try $0.mul_(s) } }
@_cdecl("sg_div_scalar_") @implementation
public func sg_div_scalar_(_ t: OpaquePointer?, _ s: Double) -> sg_status { inPlace("sg_div_scalar_", t) { try $0.div_(s) } }
@_cdecl("sg_copy_") @implementation
public func sg_copy_(_ t: OpaquePointer?, _ src: OpaquePointer?) -> sg_status { inPlace("sg_copy_", t) { try $0.copy_(Handles.tensor(src, "src")) } }
@_cdecl("sg_fill_") @implementation
public func sg_fill_(_ t: OpaquePointer?, _ value: Double) -> sg_status { inPlace("sg_fill_", t) { try $0.fill_(value) } }

// MARK: Losses

/// The shape shared by the loss exports.
@inline(__always)
private func loss(_ name: StaticString, _ input: OpaquePointer?, _ target: OpaquePointer?, _ r: sg_reduction,
                  _ out: UnsafeMutablePointer<OpaquePointer?>?, _ op: (Tensor, Tensor, LossReduction) throws -> Tensor) -> sg_status {
    exportTensor(name, out) { try op(Handles.tensor(input, "input"), Handles.tensor(target, "target"), reduction(r)) }
}

@_cdecl("sg_mse_loss") @implementation
public func sg_mse_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ r: sg_reduction, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    loss("sg_mse_loss", input, target, r, out) { try Tensor.mseLoss($0, $1, reduction: $2) }
}
@_cdecl("sg_nll_loss") @implementation
public func sg_nll_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ r: sg_reduction, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    loss("sg_nll_loss", input, target, r, out) { try Tensor.nllLoss($0, $1, reduction: $2) }
}
@_cdecl("sg_cross_entropy") @implementation
public func sg_cross_entropy(_ input: OpaquePointer?, _ target: OpaquePointer?, _ r: sg_reduction, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    loss("sg_cross_entropy", input, target, r, out) { try Tensor.crossEntropy($0, $1, reduction: $2) }
}
@_cdecl("sg_binary_cross_entropy") @implementation
public func sg_binary_cross_entropy(_ input: OpaquePointer?, _ target: OpaquePointer?, _ r: sg_reduction, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    loss("sg_binary_cross_entropy", input, target, r, out) { try Tensor.binaryCrossEntropy($0, $1, reduction: $2) }
}
