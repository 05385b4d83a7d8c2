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

@_cdecl("sg_last_status") @implementation
public func sg_last_status() -> sg_status { lastStatus }

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

@_cdecl("sg_set_default_dtype") @implementation
public func sg_set_default_dtype(_ value: sg_dtype) -> sg_status {
    export("sg_set_default_dtype") {
        let d = try dtype(value)
        guard d.isFloatingPoint else { throw SwiftGradError.dtype("only floating-point types are supported as the default type") }
        DType.defaultFloating = d
    }
}

@_cdecl("sg_get_default_dtype") @implementation
public func sg_get_default_dtype(_ out: UnsafeMutablePointer<sg_dtype>?) -> sg_status {
    exportValue("sg_get_default_dtype", out) { sg_dtype(rawValue: UInt32(DType.defaultFloating.rawValue)) }
}

@_cdecl("sg_promote_types") @implementation
public func sg_promote_types(_ a: sg_dtype, _ b: sg_dtype, _ out: UnsafeMutablePointer<sg_dtype>?) -> sg_status {
    exportValue("sg_promote_types", out) { sg_dtype(rawValue: UInt32(DType.promote(try dtype(a), try dtype(b)).rawValue)) }
}

@_cdecl("sg_result_type") @implementation
public func sg_result_type(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<sg_dtype>?) -> sg_status {
    exportValue("sg_result_type", out) {
        sg_dtype(rawValue: UInt32(Tensor.resultType(try Handles.tensor(a, "a"), try Handles.tensor(b, "b")).rawValue))
    }
}

@_cdecl("sg_can_cast") @implementation
public func sg_can_cast(_ from: sg_dtype, _ to: sg_dtype, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_can_cast", out) { DType.canCast(from: try dtype(from), to: try dtype(to)) }
}

@_cdecl("sg_set_num_threads") @implementation
public func sg_set_num_threads(_ n: Int64) -> sg_status {
    export("sg_set_num_threads") { try Threads.set(Int(n)) }
}

@_cdecl("sg_get_num_threads") @implementation
public func sg_get_num_threads() -> Int64 { Int64(Threads.count) }

private let capabilityNames = [CPUCapability.default, .avx2].map { strdup($0.rawValue)! }

@_cdecl("sg_cpu_capability") @implementation
public func sg_cpu_capability() -> UnsafePointer<CChar>! {
    UnsafePointer(capabilityNames[CPUCapability.current == .avx2 ? 1 : 0])
}

@_cdecl("sg_set_print_options") @implementation
public func sg_set_print_options(_ precision: Int64, _ threshold: Int64, _ edgeItems: Int64, _ lineWidth: Int64,
                                 _ sciMode: Int64) -> sg_status {
    export("sg_set_print_options") {
        // Bounds that keep every width computation far from overflowing.
        let limit: Int64 = 1 << 30
        guard (0...64).contains(precision) else { throw SwiftGradError.invalidArgument("precision must be in [0, 64], got \(precision)") }
        guard (0...limit).contains(threshold) || threshold == Int64.max else {
            throw SwiftGradError.invalidArgument("threshold must be non-negative, got \(threshold)")
        }
        guard (0...limit).contains(edgeItems) else { throw SwiftGradError.invalidArgument("edgeitems must be in [0, 2^30], got \(edgeItems)") }
        guard (1...limit).contains(lineWidth) else { throw SwiftGradError.invalidArgument("linewidth must be in [1, 2^30], got \(lineWidth)") }
        guard (-1...1).contains(sciMode) else { throw SwiftGradError.invalidArgument("sci_mode must be -1, 0 or 1, got \(sciMode)") }
        var options = PrintOptions()
        options.precision = Int(precision)
        options.threshold = Int(threshold)
        options.edgeItems = Int(edgeItems)
        options.lineWidth = Int(lineWidth)
        options.sciMode = sciMode < 0 ? nil : sciMode == 1
        PrintOptions.current = options
    }
}

@_cdecl("sg_get_print_options") @implementation
public func sg_get_print_options(_ precision: UnsafeMutablePointer<Int64>?, _ threshold: UnsafeMutablePointer<Int64>?,
                                 _ edgeItems: UnsafeMutablePointer<Int64>?, _ lineWidth: UnsafeMutablePointer<Int64>?,
                                 _ sciMode: UnsafeMutablePointer<Int64>?) -> sg_status {
    export("sg_get_print_options") {
        let o = PrintOptions.current
        precision?.pointee = Int64(o.precision)
        threshold?.pointee = Int64(o.threshold)
        edgeItems?.pointee = Int64(o.edgeItems)
        lineWidth?.pointee = Int64(o.lineWidth)
        sciMode?.pointee = o.sciMode.map { $0 ? 1 : 0 } ?? -1
    }
}

@_cdecl("sg_set_last_error") @implementation
public func sg_set_last_error(_ message: UnsafePointer<CChar>?) {
    _ = fail(SG_OK, message.map { String(cString: $0) } ?? "")
}
