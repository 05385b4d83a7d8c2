import CSwiftGrad
import SwiftGrad

// Exports for language bindings: calls that let a binding cross the C boundary less often.

@_cdecl("sg_tensor_free_many") @implementation
public func sg_tensor_free_many(_ tensors: UnsafePointer<OpaquePointer?>?, _ count: Int) -> sg_status {
    export("sg_tensor_free_many") {
        guard count >= 0, count <= 1 << 20 else {
            throw ABIError.invalidArgument("tensors count \(UInt(bitPattern: count)) is too large")
        }
        if count == 0 { return }
        guard let tensors else { throw ABIError.invalidArgument("tensors is NULL but its count is \(count)") }
        var firstBad: Int?
        for i in 0..<count {
            guard let handle = tensors[i] else { continue }
            do {
                try Handles.release(handle)
            } catch {
                if firstBad == nil { firstBad = i }
            }
        }
        if let firstBad {
            throw ABIError.invalidHandle(
                "argument 'tensors[\(firstBad)]' is not a live tensor handle (already freed, or not made by swiftgrad)")
        }
    }
}
