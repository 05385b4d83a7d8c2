#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSwiftGrad
import SwiftGrad

// Sharing memory with other libraries: caller-owned buffers (sg_tensor_from_blob) and DLPack in
// both directions. Ownership always transfers on the call: whatever memory the caller hands over
// is given back through its release function exactly once, success or failure.

/// Memory handed over by a caller, described.
private struct Borrowed {
    var data: UnsafeMutableRawPointer?
    var shape: [Int]
    var strides: [Int]?
    var dtype: DType
}

/// `exportTensor` for the calls that take over memory: the result is a tensor over what
/// `describe` found, and `release` runs exactly once whatever happens (when the tensor goes, or
/// at once if any check fails).
private func exportBorrowed(_ name: StaticString, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                            release: @escaping () -> Void, _ describe: () throws -> Borrowed) -> sg_status {
    guard let out else {
        release()
        return fail(SG_ERR_INVALID_ARGUMENT, "\(name): out must not be NULL")
    }
    return exportTensor(name, out) {
        let memory: Borrowed
        do {
            memory = try describe()
        } catch {
            release()
            throw error
        }
        return try Tensor.wrapping(memory.data, shape: memory.shape, strides: memory.strides, dtype: memory.dtype,
                                   release: release)
    }
}

@_cdecl("sg_tensor_from_blob") @implementation
public func sg_tensor_from_blob(_ data: UnsafeMutableRawPointer?, _ shapePointer: UnsafePointer<Int64>?,
                                _ stridesPointer: UnsafePointer<Int64>?, _ ndim: Int, _ dtypeValue: sg_dtype,
                                _ freeData: sg_free_fn?, _ userData: UnsafeMutableRawPointer?,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportBorrowed("sg_tensor_from_blob", out, release: { if let freeData { freeData(userData) } }) {
        Borrowed(data: data, shape: try shape(shapePointer, ndim),
                 strides: stridesPointer == nil ? nil : try shape(stridesPointer, ndim, "strides"),
                 dtype: try dtype(dtypeValue))
    }
}

@_cdecl("sg_tensor_data_ptr") @implementation
public func sg_tensor_data_ptr(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> sg_status {
    exportValue("sg_tensor_data_ptr", out) { try Handles.tensor(t, "t").dataPointer }
}

@_cdecl("sg_tensor_storage") @implementation
public func sg_tensor_storage(_ t: OpaquePointer?, _ data: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                              _ nbytes: UnsafeMutablePointer<Int>?, _ offset: UnsafeMutablePointer<Int64>?) -> sg_status {
    export("sg_tensor_storage") {
        let tensor = try Handles.tensor(t, "t")
        let extent = tensor.storageExtent
        data?.pointee = extent.base
        nbytes?.pointee = extent.bytes
        offset?.pointee = Int64(tensor.storageOffset)
    }
}

// MARK: DLPack

/// DLPack's description of a dtype.
private func dlType(_ dtype: DType) -> DLDataType {
    switch dtype {
    case .float32: DLDataType(code: UInt8(kDLFloat.rawValue), bits: 32, lanes: 1)
    case .float64: DLDataType(code: UInt8(kDLFloat.rawValue), bits: 64, lanes: 1)
    case .int64: DLDataType(code: UInt8(kDLInt.rawValue), bits: 64, lanes: 1)
    case .bool: DLDataType(code: UInt8(kDLBool.rawValue), bits: 8, lanes: 1)
    case .float16: DLDataType(code: UInt8(kDLFloat.rawValue), bits: 16, lanes: 1)
    case .bfloat16: DLDataType(code: UInt8(kDLBfloat.rawValue), bits: 16, lanes: 1)
    case .int8: DLDataType(code: UInt8(kDLInt.rawValue), bits: 8, lanes: 1)
    case .uint8: DLDataType(code: UInt8(kDLUInt.rawValue), bits: 8, lanes: 1)
    case .int16: DLDataType(code: UInt8(kDLInt.rawValue), bits: 16, lanes: 1)
    case .int32: DLDataType(code: UInt8(kDLInt.rawValue), bits: 32, lanes: 1)
    }
}

/// The dtype of a DLPack type, or nil for types swiftgrad lacks.
private func dtype(of type: DLDataType) -> DType? {
    guard type.lanes == 1 else { return nil }
    switch (UInt32(type.code), type.bits) {
    case (kDLFloat.rawValue, 32): return .float32
    case (kDLFloat.rawValue, 64): return .float64
    case (kDLInt.rawValue, 64): return .int64
    case (kDLBool.rawValue, 8): return .bool
    case (kDLFloat.rawValue, 16): return .float16
    case (kDLBfloat.rawValue, 16): return .bfloat16
    case (kDLInt.rawValue, 8): return .int8
    case (kDLUInt.rawValue, 8): return .uint8
    case (kDLInt.rawValue, 16): return .int16
    case (kDLInt.rawValue, 32): return .int32
    default: return nil
    }
}

/// A managed DLPack struct of type `M` followed by the shape and strides arrays, in one malloc
/// block; `manager_ctx` retains the tensor until the deleter runs.
private func exportDLPack<M>(_ tensor: Tensor, _ make: (DLTensor, UnsafeMutableRawPointer) -> M) throws -> UnsafeMutablePointer<M> {
    let ndim = tensor.shape.count
    let headerBytes = (MemoryLayout<M>.stride + 7) / 8 * 8
    guard let block = malloc(headerBytes + 2 * Swift.max(ndim, 1) * MemoryLayout<Int64>.stride) else {
        throw SwiftGradError.outOfMemory("cannot allocate a DLPack tensor")
    }
    let sizes = (block + headerBytes).bindMemory(to: Int64.self, capacity: 2 * Swift.max(ndim, 1))
    let strides = sizes + ndim
    for d in 0..<ndim {
        sizes[d] = Int64(tensor.shape[d])
        strides[d] = Int64(tensor.strides[d])
    }
    let dl = DLTensor(data: tensor.dataPointer, device: DLDevice(device_type: kDLCPU, device_id: 0), ndim: Int32(ndim),
                      dtype: dlType(tensor.dtype), shape: sizes, strides: strides, byte_offset: 0)
    let managed = block.bindMemory(to: M.self, capacity: 1)
    managed.initialize(to: make(dl, Unmanaged.passRetained(tensor).toOpaque()))
    return managed
}

/// The memory a DLPack tensor describes, checked.
private func borrowed(_ dl: DLTensor, readOnly: Bool) throws -> Borrowed {
    guard !readOnly else {
        throw ABIError.invalidArgument("the DLPack tensor is read-only, and swiftgrad tensors are writable")
    }
    guard dl.device.device_type.rawValue == kDLCPU.rawValue else {
        throw ABIError.invalidArgument("only CPU DLPack tensors can be imported, got device type \(dl.device.device_type.rawValue)")
    }
    guard let type = dtype(of: dl.dtype) else {
        throw ABIError.invalidArgument("DLPack dtype (code \(dl.dtype.code), bits \(dl.dtype.bits), lanes \(dl.dtype.lanes)) is not supported; swiftgrad has float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64 and bool")
    }
    guard dl.byte_offset <= UInt64(Int.max), dl.data != nil || dl.byte_offset == 0 else {
        throw ABIError.invalidArgument("byte_offset \(dl.byte_offset) is too large")
    }
    return Borrowed(data: dl.data.map { $0 + Int(dl.byte_offset) }, shape: try shape(dl.shape, Int(dl.ndim)),
                    strides: dl.strides == nil ? nil : try shape(dl.strides, Int(dl.ndim), "strides"), dtype: type)
}

@_cdecl("sg_to_dlpack") @implementation
public func sg_to_dlpack(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<DLManagedTensorVersioned>?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_to_dlpack: out must not be NULL") }
    out.pointee = nil
    return export("sg_to_dlpack") {
        out.pointee = try exportDLPack(try Handles.tensor(t, "t")) { dl, context in
            DLManagedTensorVersioned(
                version: DLPackVersion(major: UInt32(DLPACK_MAJOR_VERSION), minor: UInt32(DLPACK_MINOR_VERSION)),
                manager_ctx: context,
                deleter: { managed in
                    guard let managed else { return }
                    Unmanaged<Tensor>.fromOpaque(managed.pointee.manager_ctx).release()
                    free(managed)
                },
                flags: 0, dl_tensor: dl)
        }
    }
}

@_cdecl("sg_to_dlpack_unversioned") @implementation
public func sg_to_dlpack_unversioned(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<DLManagedTensor>?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_to_dlpack_unversioned: out must not be NULL") }
    out.pointee = nil
    return export("sg_to_dlpack_unversioned") {
        out.pointee = try exportDLPack(try Handles.tensor(t, "t")) { dl, context in
            DLManagedTensor(dl_tensor: dl, manager_ctx: context, deleter: { managed in
                guard let managed else { return }
                Unmanaged<Tensor>.fromOpaque(managed.pointee.manager_ctx).release()
                free(managed)
            })
        }
    }
}

@_cdecl("sg_from_dlpack") @implementation
public func sg_from_dlpack(_ managed: UnsafeMutablePointer<DLManagedTensorVersioned>?,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportBorrowed("sg_from_dlpack", out, release: { if let managed { managed.pointee.deleter?(managed) } }) {
        guard let managed else { throw ABIError.invalidArgument("managed is NULL") }
        let major = managed.pointee.version.major
        guard major == UInt32(DLPACK_MAJOR_VERSION) else {
            throw ABIError.invalidArgument("DLPack major version \(major) is not supported (swiftgrad reads version \(DLPACK_MAJOR_VERSION))")
        }
        let readOnly = managed.pointee.flags & UInt64(DLPACK_FLAG_BITMASK_READ_ONLY) != 0
        return try borrowed(managed.pointee.dl_tensor, readOnly: readOnly)
    }
}

@_cdecl("sg_from_dlpack_unversioned") @implementation
public func sg_from_dlpack_unversioned(_ managed: UnsafeMutablePointer<DLManagedTensor>?,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportBorrowed("sg_from_dlpack_unversioned", out, release: { if let managed { managed.pointee.deleter?(managed) } }) {
        guard let managed else { throw ABIError.invalidArgument("managed is NULL") }
        return try borrowed(managed.pointee.dl_tensor, readOnly: false)
    }
}
