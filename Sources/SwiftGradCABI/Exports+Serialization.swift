import CSwiftGrad
import SwiftGrad

// Named tensors (sg_tensor_dict) and safetensors files.

@_cdecl("sg_tensor_dict_new") @implementation
public func sg_tensor_dict_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_tensor_dict_new: out must not be NULL") }
    out.pointee = Handles.register(TensorDictionary())
    return SG_OK
}

@_cdecl("sg_tensor_dict_free") @implementation
public func sg_tensor_dict_free(_ dict: OpaquePointer?) -> sg_status {
    guard let dict else { return SG_OK }
    return export("sg_tensor_dict_free") { try Handles.release(dict, .tensorDict, "dict") }
}

@_cdecl("sg_tensor_dict_set") @implementation
public func sg_tensor_dict_set(_ dict: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ t: OpaquePointer?) -> sg_status {
    export("sg_tensor_dict_set") {
        try Handles.tensorDict(dict, "dict").set(try string(name, "name"), try Handles.tensor(t, "t"))
    }
}

@_cdecl("sg_tensor_dict_get") @implementation
public func sg_tensor_dict_get(_ dict: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_tensor_dict_get", out) {
        let key = try string(name, "name")
        guard let t = try Handles.tensorDict(dict, "dict")[key] else { throw ABIError.invalidArgument("no tensor named '\(key)'") }
        return t
    }
}

@_cdecl("sg_tensor_dict_count") @implementation
public func sg_tensor_dict_count(_ dict: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_tensor_dict_count", out) { try Handles.tensorDict(dict, "dict").count }
}

@_cdecl("sg_tensor_dict_name") @implementation
public func sg_tensor_dict_name(_ dict: OpaquePointer?, _ index: Int, _ buf: UnsafeMutablePointer<CChar>?,
                                _ bufSize: Int, _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_tensor_dict_name") {
        try write(try Handles.tensorDict(dict, "dict").entry(at: index).name, buf, bufSize, needed)
    }
}

@_cdecl("sg_tensor_dict_at") @implementation
public func sg_tensor_dict_at(_ dict: OpaquePointer?, _ index: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_tensor_dict_at", out) { try Handles.tensorDict(dict, "dict").entry(at: index).tensor }
}

@_cdecl("sg_tensor_dict_set_metadata") @implementation
public func sg_tensor_dict_set_metadata(_ dict: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                        _ value: UnsafePointer<CChar>?) -> sg_status {
    export("sg_tensor_dict_set_metadata") {
        try Handles.tensorDict(dict, "dict").setMetadata(try string(key, "key"), value.map { String(cString: $0) })
    }
}

@_cdecl("sg_tensor_dict_metadata_count") @implementation
public func sg_tensor_dict_metadata_count(_ dict: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_tensor_dict_metadata_count", out) { try Handles.tensorDict(dict, "dict").metadata.count }
}

@_cdecl("sg_tensor_dict_metadata_key") @implementation
public func sg_tensor_dict_metadata_key(_ dict: OpaquePointer?, _ index: Int, _ buf: UnsafeMutablePointer<CChar>?,
                                        _ bufSize: Int, _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_tensor_dict_metadata_key") {
        let metadata = try Handles.tensorDict(dict, "dict").metadata
        guard index >= 0, index < metadata.count else {
            throw ABIError.invalidArgument("index \(UInt(bitPattern: index)) is out of range for \(metadata.count) metadata entries")
        }
        try write(metadata[index].key, buf, bufSize, needed)
    }
}

@_cdecl("sg_tensor_dict_metadata") @implementation
public func sg_tensor_dict_metadata(_ dict: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                                    _ bufSize: Int, _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_tensor_dict_metadata") {
        let name = try string(key, "key")
        guard let value = try Handles.tensorDict(dict, "dict").metadata(name) else {
            throw ABIError.invalidArgument("no metadata named '\(name)'")
        }
        try write(value, buf, bufSize, needed)
    }
}

@_cdecl("sg_save_safetensors") @implementation
public func sg_save_safetensors(_ dict: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> sg_status {
    export("sg_save_safetensors") { try Safetensors.save(try Handles.tensorDict(dict, "dict"), to: try string(path, "path")) }
}

@_cdecl("sg_load_safetensors") @implementation
public func sg_load_safetensors(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_load_safetensors: out must not be NULL") }
    out.pointee = nil
    return export("sg_load_safetensors") { out.pointee = Handles.register(try Safetensors.load(from: try string(path, "path"))) }
}

@_cdecl("sg_safetensors_serialize") @implementation
public func sg_safetensors_serialize(_ dict: OpaquePointer?, _ buf: UnsafeMutableRawPointer?, _ bufSize: Int,
                                     _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_safetensors_serialize") {
        guard bufSize >= 0 else { throw ABIError.invalidArgument("buf_size \(UInt(bitPattern: bufSize)) is too large") }
        guard bufSize == 0 || buf != nil else { throw ABIError.invalidArgument("buf is NULL but buf_size is \(bufSize)") }
        let bytes = try Safetensors.serialize(try Handles.tensorDict(dict, "dict"))
        needed?.pointee = bytes.count
        guard let buf, bufSize > 0 else { return }
        guard bufSize >= bytes.count else {
            throw ABIError.invalidArgument("buf holds \(bufSize) bytes but the serialized tensors need \(bytes.count)")
        }
        bytes.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
}

@_cdecl("sg_safetensors_deserialize") @implementation
public func sg_safetensors_deserialize(_ data: UnsafeRawPointer?, _ dataBytes: Int,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_safetensors_deserialize: out must not be NULL") }
    out.pointee = nil
    return export("sg_safetensors_deserialize") {
        guard dataBytes >= 0 else { throw ABIError.invalidArgument("data_bytes \(UInt(bitPattern: dataBytes)) is too large") }
        guard dataBytes == 0 || data != nil else { throw ABIError.invalidArgument("data is NULL but data_bytes is \(dataBytes)") }
        out.pointee = Handles.register(try Safetensors.deserialize(UnsafeRawBufferPointer(start: data, count: dataBytes)))
    }
}
