import CSwiftGrad
import SwiftGrad

@_cdecl("sg_tensor_from_data") @implementation
public func sg_tensor_from_data(_ data: UnsafeRawPointer?, _ shapePointer: UnsafePointer<Int64>?, _ ndim: Int,
                                _ dtypeValue: sg_dtype, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_tensor_from_data", out) {
        let dims = try shape(shapePointer, ndim), type = try dtype(dtypeValue)
        let bytes = try Shape.validate(dims, itemSize: type.itemSize) * type.itemSize
        guard bytes == 0 || data != nil else { throw ABIError.invalidArgument("data is NULL but the tensor needs \(bytes) bytes") }
        return try Tensor.fromBytes(UnsafeRawBufferPointer(start: data, count: bytes), shape: dims, dtype: type)
    }
}

@_cdecl("sg_zeros") @implementation
public func sg_zeros(_ shapePointer: UnsafePointer<Int64>?, _ ndim: Int, _ dtypeValue: sg_dtype,
                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_zeros", out) { try Tensor.zeros(shape(shapePointer, ndim), dtype: dtype(dtypeValue)) }
}

@_cdecl("sg_ones") @implementation
public func sg_ones(_ shapePointer: UnsafePointer<Int64>?, _ ndim: Int, _ dtypeValue: sg_dtype,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_ones", out) { try Tensor.ones(shape(shapePointer, ndim), dtype: dtype(dtypeValue)) }
}

@_cdecl("sg_full") @implementation
public func sg_full(_ shapePointer: UnsafePointer<Int64>?, _ ndim: Int, _ value: Double, _ dtypeValue: sg_dtype,
                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_full", out) { try Tensor.full(shape(shapePointer, ndim), value, dtype: dtype(dtypeValue)) }
}

@_cdecl("sg_arange") @implementation
public func sg_arange(_ start: Double, _ end: Double, _ step: Double, _ dtypeValue: sg_dtype,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_arange", out) { try Tensor.arange(start, end, step: step, dtype: dtype(dtypeValue)) }
}

@_cdecl("sg_tensor_share") @implementation
public func sg_tensor_share(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_tensor_share", out) { try Handles.tensor(t, "t") }
}

@_cdecl("sg_tensor_free") @implementation
public func sg_tensor_free(_ t: OpaquePointer?) -> sg_status {
    guard let t else { return SG_OK }
    return export("sg_tensor_free") { try Handles.release(t) }
}

@_cdecl("sg_eye") @implementation
public func sg_eye(_ n: Int64, _ m: Int64, _ dtypeValue: sg_dtype, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_eye", out) { try Tensor.eye(Int(n), m < 0 ? nil : Int(m), dtype: dtype(dtypeValue)) }
}

@_cdecl("sg_logspace") @implementation
public func sg_logspace(_ start: Double, _ end: Double, _ steps: Int64, _ base: Double, _ dtypeValue: sg_dtype,
                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_logspace", out) {
        _ = try Shape.validate([Int(steps)])
        return try Tensor.logspace(start, end, steps: Int(steps), base: base, dtype: dtype(dtypeValue))
    }
}

@_cdecl("sg_linspace") @implementation
public func sg_linspace(_ start: Double, _ end: Double, _ steps: Int64, _ dtypeValue: sg_dtype,
                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_linspace", out) {
        _ = try Shape.validate([Int(steps)])
        return try Tensor.linspace(start, end, steps: Int(steps), dtype: dtype(dtypeValue))
    }
}

