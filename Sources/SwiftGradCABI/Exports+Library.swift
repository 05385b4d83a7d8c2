#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSwiftGrad
import SwiftGrad

private let versionString = strdup("\(SG_VERSION_MAJOR).\(SG_VERSION_MINOR).\(SG_VERSION_PATCH)")!

private let statusNames: [UnsafeMutablePointer<CChar>] = ([
    "SG_OK", "SG_ERR_INVALID_ARGUMENT", "SG_ERR_INVALID_HANDLE", "SG_ERR_SHAPE", "SG_ERR_DTYPE",
    "SG_ERR_AUTOGRAD", "SG_ERR_OUT_OF_MEMORY", "SG_ERR_INTERNAL", "SG_ERR_CALLBACK", "SG_ERR_IO", "SG_ERR_FORMAT",
    "SG_UNKNOWN_STATUS",
] as [String]).map { strdup($0)! }

@_cdecl("sg_version") @implementation
public func sg_version() -> UInt32 {
    UInt32(SG_VERSION_MAJOR) * 1_000_000 + UInt32(SG_VERSION_MINOR) * 1_000 + UInt32(SG_VERSION_PATCH)
}

@_cdecl("sg_version_string") @implementation
public func sg_version_string() -> UnsafePointer<CChar>! { UnsafePointer(versionString) }

@_cdecl("sg_last_error") @implementation
public func sg_last_error() -> UnsafePointer<CChar>! { lastErrorPointer }

@_cdecl("sg_status_string") @implementation
public func sg_status_string(_ status: sg_status) -> UnsafePointer<CChar>! {
    let index = Int(status.rawValue)
    return UnsafePointer(statusNames[index < statusNames.count - 1 ? index : statusNames.count - 1])
}

@_cdecl("sg_live_tensor_count") @implementation
public func sg_live_tensor_count() -> Int64 { Int64(Tensor.liveCount) }

@_cdecl("sg_manual_seed") @implementation
public func sg_manual_seed(_ seed: UInt64) -> sg_status {
    export("sg_manual_seed") { Tensor.manualSeed(seed) }
}

@_cdecl("sg_set_grad_enabled") @implementation
public func sg_set_grad_enabled(_ enabled: Bool, _ previous: UnsafeMutablePointer<Bool>?) -> sg_status {
    export("sg_set_grad_enabled") {
        previous?.pointee = GradMode.isEnabled
        GradMode.isEnabled = enabled
    }
}

@_cdecl("sg_is_grad_enabled") @implementation
public func sg_is_grad_enabled() -> Bool { GradMode.isEnabled }

@_cdecl("sg_set_last_error") @implementation
public func sg_set_last_error(_ message: UnsafePointer<CChar>?) {
    _ = fail(SG_OK, message.map { String(cString: $0) } ?? "")
}
