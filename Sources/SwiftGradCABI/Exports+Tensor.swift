#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSwiftGrad
import SwiftGrad

// MARK: Queries

@_cdecl("sg_tensor_dtype") @implementation
public func sg_tensor_dtype(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<sg_dtype>?) -> sg_status {
    exportValue("sg_tensor_dtype", out) { sg_dtype(rawValue: UInt32(try Handles.tensor(t, "t").dtype.rawValue)) }
}

@_cdecl("sg_tensor_ndim") @implementation
public func sg_tensor_ndim(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_tensor_ndim", out) { try Handles.tensor(t, "t").ndim }
}

@_cdecl("sg_tensor_numel") @implementation
public func sg_tensor_numel(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> sg_status {
    exportValue("sg_tensor_numel", out) { Int64(try Handles.tensor(t, "t").count) }
}

@_cdecl("sg_tensor_shape") @implementation
public func sg_tensor_shape(_ t: OpaquePointer?, _ dims: UnsafeMutablePointer<Int64>?, _ capacity: Int,
                            _ ndim: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_tensor_shape", ndim) { try writeDims(Handles.tensor(t, "t").shape, dims, capacity, "dims") }
}

@_cdecl("sg_tensor_strides") @implementation
public func sg_tensor_strides(_ t: OpaquePointer?, _ strides: UnsafeMutablePointer<Int64>?, _ capacity: Int,
                              _ ndim: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_tensor_strides", ndim) { try writeDims(Handles.tensor(t, "t").strides, strides, capacity, "strides") }
}

/// Writes up to `capacity` of `values` into a caller's array and returns how many there are.
private func writeDims(_ values: [Int], _ buffer: UnsafeMutablePointer<Int64>?, _ capacity: Int,
                       _ argument: StaticString) throws -> Int {
    guard capacity >= 0 else { throw ABIError.invalidArgument("capacity \(UInt(bitPattern: capacity)) is too large") }
    let n = Swift.min(capacity, values.count)
    if n > 0 {
        guard let buffer else { throw ABIError.invalidArgument("\(argument) is NULL but capacity is \(capacity)") }
        for i in 0..<n { buffer[i] = Int64(values[i]) }
    }
    return values.count
}

@_cdecl("sg_tensor_is_contiguous") @implementation
public func sg_tensor_is_contiguous(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_tensor_is_contiguous", out) { try Handles.tensor(t, "t").isContiguous }
}

@_cdecl("sg_tensor_item") @implementation
public func sg_tensor_item(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> sg_status {
    exportValue("sg_tensor_item", out) { try Handles.tensor(t, "t").item() }
}

@_cdecl("sg_tensor_is_nonzero") @implementation
public func sg_tensor_is_nonzero(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_tensor_is_nonzero", out) { try Handles.tensor(t, "t").isNonzero() }
}

@_cdecl("sg_tensor_is_nonzero_r") @implementation
public func sg_tensor_is_nonzero_r(_ t: OpaquePointer?) -> Int32 {
    var truth = false
    return export("sg_tensor_is_nonzero_r") { truth = try Handles.tensor(t, "t").isNonzero() } == SG_OK ? (truth ? 1 : 0) : -1
}

@_cdecl("sg_tensor_copy_to") @implementation
public func sg_tensor_copy_to(_ t: OpaquePointer?, _ dst: UnsafeMutableRawPointer?, _ dstBytes: Int) -> sg_status {
    export("sg_tensor_copy_to") {
        let tensor = try Handles.tensor(t, "t")
        let needed = tensor.count * tensor.dtype.itemSize
        guard dstBytes >= needed else {
            throw ABIError.invalidArgument("the destination holds \(UInt(bitPattern: dstBytes)) bytes but the tensor needs \(needed)")
        }
        guard needed == 0 || dst != nil else { throw ABIError.invalidArgument("dst is NULL") }
        try tensor.withContiguousBytes { bytes in
            if let dst, let source = bytes.baseAddress { dst.copyMemory(from: source, byteCount: needed) }
        }
    }
}

@_cdecl("sg_tensor_to_string") @implementation
public func sg_tensor_to_string(_ t: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int,
                                _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_tensor_to_string") { try write(Handles.tensor(t, "t").description, buf, bufSize, needed) }
}

// MARK: Autograd

@_cdecl("sg_tensor_set_requires_grad") @implementation
public func sg_tensor_set_requires_grad(_ t: OpaquePointer?, _ requiresGrad: Bool) -> sg_status {
    export("sg_tensor_set_requires_grad") { try Handles.tensor(t, "t").setRequiresGrad(requiresGrad) }
}

@_cdecl("sg_tensor_requires_grad") @implementation
public func sg_tensor_requires_grad(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_tensor_requires_grad", out) { try Handles.tensor(t, "t").requiresGrad }
}

@_cdecl("sg_tensor_is_leaf") @implementation
public func sg_tensor_is_leaf(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_tensor_is_leaf", out) { try Handles.tensor(t, "t").isLeaf }
}

@_cdecl("sg_tensor_grad_fn_name") @implementation
public func sg_tensor_grad_fn_name(_ t: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int,
                                   _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_tensor_grad_fn_name") { try write(Handles.tensor(t, "t").gradFn?.name ?? "", buf, bufSize, needed) }
}

@_cdecl("sg_tensor_grad") @implementation
public func sg_tensor_grad(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_tensor_grad: out must not be NULL") }
    out.pointee = nil
    return export("sg_tensor_grad") {
        if let grad = try Handles.tensor(t, "t").grad { out.pointee = Handles.register(grad) }
    }
}

@_cdecl("sg_tensor_set_grad") @implementation
public func sg_tensor_set_grad(_ t: OpaquePointer?, _ grad: OpaquePointer?) -> sg_status {
    export("sg_tensor_set_grad") {
        let tensor = try Handles.tensor(t, "t")
        try tensor.setGrad(grad == nil ? nil : Handles.tensor(grad, "grad"))
    }
}

@_cdecl("sg_tensor_zero_grad") @implementation
public func sg_tensor_zero_grad(_ t: OpaquePointer?) -> sg_status {
    export("sg_tensor_zero_grad") { try Handles.tensor(t, "t").zeroGrad() }
}

@_cdecl("sg_tensor_detach") @implementation
public func sg_tensor_detach(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_tensor_detach", out) { try Handles.tensor(t, "t").detach() }
}

@_cdecl("sg_backward") @implementation
public func sg_backward(_ t: OpaquePointer?, _ gradient: OpaquePointer?, _ retainGraph: Bool) -> sg_status {
    export("sg_backward") {
        let tensor = try Handles.tensor(t, "t")
        let seed = gradient == nil ? nil : try Handles.tensor(gradient, "gradient")
        try tensor.backward(seed, retainGraph: retainGraph)
    }
}
