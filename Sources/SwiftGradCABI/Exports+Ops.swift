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
