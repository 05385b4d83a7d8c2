import CSwiftGrad
import SwiftGrad

/// A C callback's user data, freed (with its sg_free_fn) when the library lets go of it.
private final class UserData {
    let pointer: UnsafeMutableRawPointer?
    private let free: sg_free_fn?

    init(_ pointer: UnsafeMutableRawPointer?, _ free: sg_free_fn?) {
        self.pointer = pointer
        self.free = free
    }

    deinit { free?(pointer) }
}

/// The tensors of a C array of handles, with NULL entries as nil.
private func optionalTensors(_ list: UnsafePointer<OpaquePointer?>?, _ count: Int, _ argument: StaticString) throws -> [Tensor?] {
    try tensors(list, count, argument, allowNull: true)
}

/// Writes new handles into a caller's array of `tensors.count` entries (NULL for nil).
private func writeHandles(_ tensors: [Tensor?], _ out: UnsafeMutablePointer<OpaquePointer?>) {
    for (i, t) in tensors.enumerated() { out[i] = t.map { Handles.register($0) } }
}

/// A count from C (of inputs, outputs, array entries), refused when negative (a huge size_t) or
/// beyond any real use, before it sizes anything.
private func checkedCount(_ count: Int, _ argument: StaticString) throws -> Int {
    guard count >= 0, count <= 1 << 20 else {
        throw ABIError.invalidArgument("\(argument) \(UInt(bitPattern: count)) is too large")
    }
    return count
}

/// Checks an out-array and sets its entries to NULL, so that they are NULL on failure.
private func clearOutputs(_ name: StaticString, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ count: Int,
                          _ argument: StaticString) throws -> UnsafeMutablePointer<OpaquePointer?>? {
    guard count >= 0, count <= 1 << 24 else { throw ABIError.invalidArgument("\(argument) has too many entries") }
    guard count > 0 else { return out }
    guard let out else { throw ABIError.invalidArgument("\(argument) is NULL but \(count) results are expected") }
    for i in 0..<count { out[i] = nil }
    return out
}

/// A C sg_tensor_fn as a function of tensors.
private func function(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, outputs count: Int) throws -> Autograd.Function {
    guard let f else { throw ABIError.invalidArgument("f is NULL") }
    let count = try checkedCount(count, "n_outputs")
    return { inputs in
        try Handles.lending(inputs) { handles in
            var outs = [OpaquePointer?](repeating: nil, count: count)
            do {
                try callC("the function") { handles.withUnsafeBufferPointer { h in f(h.baseAddress, inputs.count, &outs, count, userData) } }
            } catch {
                for case let h? in outs { try? Handles.release(h) }
                throw error
            }
            return try outs.map { try Handles.takeTensor($0, "output") }
        }
    }
}

// MARK: backward and grad

@_cdecl("sg_autograd_backward") @implementation
public func sg_autograd_backward(_ outputs: UnsafePointer<OpaquePointer?>?, _ gradients: UnsafePointer<OpaquePointer?>?,
                                 _ nOutputs: Int, _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int,
                                 _ retainGraph: Bool, _ createGraph: Bool) -> sg_status {
    export("sg_autograd_backward") {
        let outs = try tensors(outputs, nOutputs, "outputs").map { $0! }
        let seeds = gradients == nil ? nil : try optionalTensors(gradients, nOutputs, "gradients")
        let targets = nInputs == 0 ? nil : try tensors(inputs, nInputs, "inputs").map { $0! }
        try Autograd.backward(outs, gradients: seeds, retainGraph: retainGraph, createGraph: createGraph, inputs: targets)
    }
}

@_cdecl("sg_autograd_grad") @implementation
public func sg_autograd_grad(_ outputs: UnsafePointer<OpaquePointer?>?, _ gradOutputs: UnsafePointer<OpaquePointer?>?,
                             _ nOutputs: Int, _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int,
                             _ retainGraph: Bool, _ createGraph: Bool, _ allowUnused: Bool,
                             _ grads: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_autograd_grad") {
        let out = try clearOutputs("sg_autograd_grad", grads, nInputs, "grads")
        let outs = try tensors(outputs, nOutputs, "outputs").map { $0! }
        let seeds = gradOutputs == nil ? nil : try optionalTensors(gradOutputs, nOutputs, "grad_outputs")
        let xs = try tensors(inputs, nInputs, "inputs").map { $0! }
        let result = try Autograd.grad(outs, xs, gradOutputs: seeds, retainGraph: retainGraph,
                                       createGraph: createGraph, allowUnused: allowUnused)
        if let out { writeHandles(result, out) }
    }
}

// MARK: Hooks

@_cdecl("sg_tensor_register_hook") @implementation
public func sg_tensor_register_hook(_ t: OpaquePointer?, _ hook: sg_hook_fn?, _ userData: UnsafeMutableRawPointer?,
                                    _ freeUserData: sg_free_fn?, _ id: UnsafeMutablePointer<UInt64>?) -> sg_status {
    // Taken over first, so that it is freed exactly once whether or not the call succeeds.
    let data = UserData(userData, freeUserData)
    return export("sg_tensor_register_hook") {
        guard let hook else { throw ABIError.invalidArgument("hook is NULL") }
        let tensor = try Handles.tensor(t, "t")
        let handle = try tensor.registerHook { gradient in
            try Handles.lending([gradient]) { borrowed in
                var replacement: OpaquePointer?
                do {
                    try callC("the hook") { hook(borrowed[0], &replacement, data.pointer) }
                } catch {
                    if let replacement { try? Handles.release(replacement) }
                    throw error
                }
                return try replacement.map { try Handles.takeTensor($0, "replacement") }
            }
        }
        id?.pointee = UInt64(handle.id)
    }
}

@_cdecl("sg_tensor_remove_hook") @implementation
public func sg_tensor_remove_hook(_ t: OpaquePointer?, _ id: UInt64) -> sg_status {
    export("sg_tensor_remove_hook") {
        guard try Handles.tensor(t, "t").removeHook(id: Int(truncatingIfNeeded: id)) else {
            throw ABIError.invalidArgument("this tensor has no hook with id \(id)")
        }
    }
}

@_cdecl("sg_tensor_retain_grad") @implementation
public func sg_tensor_retain_grad(_ t: OpaquePointer?) -> sg_status {
    export("sg_tensor_retain_grad") { try Handles.tensor(t, "t").retainGrad() }
}

@_cdecl("sg_tensor_retains_grad") @implementation
public func sg_tensor_retains_grad(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_tensor_retains_grad", out) { try Handles.tensor(t, "t").retainsGrad }
}

// MARK: Custom functions

@_cdecl("sg_function_apply") @implementation
public func sg_function_apply(_ name: UnsafePointer<CChar>?, _ forward: sg_function_forward_fn?,
                              _ backward: sg_function_backward_fn?, _ userData: UnsafeMutableRawPointer?,
                              _ freeUserData: sg_free_fn?, _ inputs: UnsafePointer<OpaquePointer?>?, _ nInputs: Int,
                              _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                              _ nOutputs: UnsafeMutablePointer<Int>?) -> sg_status {
    let data = UserData(userData, freeUserData)
    return export("sg_function_apply") {
        let name = try string(name, "name")
        guard let forward, let backward else { throw ABIError.invalidArgument("forward and backward must not be NULL") }
        let capacity = try checkedCount(capacity, "capacity")
        let out = try clearOutputs("sg_function_apply", outputs, capacity, "outputs")
        guard let nOutputs else { throw ABIError.invalidArgument("n_outputs is NULL") }
        let xs = try tensors(inputs, nInputs, "inputs").map { $0! }
        let results = try Autograd.function(name, inputs: xs, forward: { ctx, args in
            try Handles.lending([ctx] + args) { handles in
                var outs = [OpaquePointer?](repeating: nil, count: capacity)
                var count = 0
                do {
                    try callC("the forward callback") {
                        Array(handles.dropFirst()).withUnsafeBufferPointer { h in
                            forward(handles[0], h.baseAddress, args.count, &outs, capacity, &count, data.pointer)
                        }
                    }
                    guard count >= 0, count <= capacity else {
                        throw SwiftGradError.callback("the forward callback reported \(count) outputs for room for \(capacity)")
                    }
                } catch {
                    for case let h? in outs { try? Handles.release(h) }
                    throw error
                }
                return try outs[..<count].map { try Handles.takeTensor($0, "output") }
            }
        }, backward: { ctx, grads in
            try Handles.lending([ctx] + grads) { handles in
                var outs = [OpaquePointer?](repeating: nil, count: xs.count)
                do {
                    try callC("the backward callback") {
                        Array(handles.dropFirst()).withUnsafeBufferPointer { h in
                            outs.withUnsafeMutableBufferPointer { o in
                                backward(handles[0], h.baseAddress, grads.count, o.baseAddress, xs.count, data.pointer)
                            }
                        }
                    }
                } catch {
                    for case let h? in outs { try? Handles.release(h) }
                    throw error
                }
                return try outs.map { try $0.map { try Handles.takeTensor($0, "grad_input") } }
            }
        })
        if let out { writeHandles(results, out) }
        nOutputs.pointee = results.count
    }
}

@_cdecl("sg_function_ctx_save") @implementation
public func sg_function_ctx_save(_ ctx: OpaquePointer?, _ list: UnsafePointer<OpaquePointer?>?, _ count: Int) -> sg_status {
    export("sg_function_ctx_save") {
        try Handles.context(ctx, "ctx").saveForBackward(tensors(list, count, "tensors").map { $0! })
    }
}

@_cdecl("sg_function_ctx_saved_count") @implementation
public func sg_function_ctx_saved_count(_ ctx: OpaquePointer?, _ count: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_function_ctx_saved_count", count) { try Handles.context(ctx, "ctx").savedTensors().count }
}

@_cdecl("sg_function_ctx_saved") @implementation
public func sg_function_ctx_saved(_ ctx: OpaquePointer?, _ index: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_function_ctx_saved", out) {
        let saved = try Handles.context(ctx, "ctx").savedTensors()
        guard index >= 0, index < saved.count else {
            throw ABIError.invalidArgument("index \(UInt(bitPattern: index)) is out of range for \(saved.count) saved tensors")
        }
        return saved[index]
    }
}

@_cdecl("sg_function_ctx_needs_input_grad") @implementation
public func sg_function_ctx_needs_input_grad(_ ctx: OpaquePointer?, _ index: Int, _ out: UnsafeMutablePointer<Bool>?) -> sg_status {
    exportValue("sg_function_ctx_needs_input_grad", out) {
        let needs = try Handles.context(ctx, "ctx").needsInputGrad
        guard index >= 0, index < needs.count else {
            throw ABIError.invalidArgument("index \(UInt(bitPattern: index)) is out of range for \(needs.count) inputs")
        }
        return needs[index]
    }
}

// MARK: Checks and functional derivatives

@_cdecl("sg_gradcheck") @implementation
public func sg_gradcheck(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                         _ nInputs: Int, _ nOutputs: Int, _ eps: Double, _ atol: Double, _ rtol: Double) -> sg_status {
    export("sg_gradcheck") {
        try Autograd.gradcheck(function(f, userData, outputs: nOutputs), tensors(inputs, nInputs, "inputs").map { $0! },
                               eps: eps, atol: atol, rtol: rtol)
    }
}

@_cdecl("sg_gradgradcheck") @implementation
public func sg_gradgradcheck(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                             _ nInputs: Int, _ nOutputs: Int, _ eps: Double, _ atol: Double, _ rtol: Double) -> sg_status {
    export("sg_gradgradcheck") {
        try Autograd.gradgradcheck(function(f, userData, outputs: nOutputs), tensors(inputs, nInputs, "inputs").map { $0! },
                                   eps: eps, atol: atol, rtol: rtol)
    }
}

@_cdecl("sg_jacobian") @implementation
public func sg_jacobian(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                        _ nInputs: Int, _ nOutputs: Int, _ createGraph: Bool, _ jacobians: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_jacobian") {
        let out = try clearOutputs("sg_jacobian", jacobians, checkedCount(nInputs, "n_inputs") * checkedCount(nOutputs, "n_outputs"), "jacobians")
        let result = try Autograd.jacobian(function(f, userData, outputs: nOutputs), tensors(inputs, nInputs, "inputs").map { $0! },
                                           createGraph: createGraph)
        if let out { writeHandles(result.flatMap { $0 }, out) }
    }
}

@_cdecl("sg_hessian") @implementation
public func sg_hessian(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                       _ nInputs: Int, _ createGraph: Bool, _ hessians: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_hessian") {
        let out = try clearOutputs("sg_hessian", hessians, checkedCount(nInputs, "n_inputs") * nInputs, "hessians")
        let result = try Autograd.hessian(function(f, userData, outputs: 1), tensors(inputs, nInputs, "inputs").map { $0! },
                                          createGraph: createGraph)
        if let out { writeHandles(result.flatMap { $0 }, out) }
    }
}

@_cdecl("sg_vjp") @implementation
public func sg_vjp(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                   _ nInputs: Int, _ v: UnsafePointer<OpaquePointer?>?, _ nOutputs: Int, _ createGraph: Bool,
                   _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ vjps: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_vjp") {
        let outs = try clearOutputs("sg_vjp", outputs, nOutputs, "outputs"), results = try clearOutputs("sg_vjp", vjps, nInputs, "vjps")
        let r = try Autograd.vjp(function(f, userData, outputs: nOutputs), tensors(inputs, nInputs, "inputs").map { $0! },
                                 tensors(v, nOutputs, "v").map { $0! }, createGraph: createGraph)
        if let outs { writeHandles(r.outputs, outs) }
        if let results { writeHandles(r.vjp, results) }
    }
}

@_cdecl("sg_jvp") @implementation
public func sg_jvp(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                   _ nInputs: Int, _ v: UnsafePointer<OpaquePointer?>?, _ nOutputs: Int, _ createGraph: Bool,
                   _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ jvps: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_jvp") {
        let outs = try clearOutputs("sg_jvp", outputs, nOutputs, "outputs"), results = try clearOutputs("sg_jvp", jvps, nOutputs, "jvps")
        let r = try Autograd.jvp(function(f, userData, outputs: nOutputs), tensors(inputs, nInputs, "inputs").map { $0! },
                                 tensors(v, nInputs, "v").map { $0! }, createGraph: createGraph)
        if let outs { writeHandles(r.outputs, outs) }
        if let results { writeHandles(r.jvp, results) }
    }
}

@_cdecl("sg_hvp") @implementation
public func sg_hvp(_ f: sg_tensor_fn?, _ userData: UnsafeMutableRawPointer?, _ inputs: UnsafePointer<OpaquePointer?>?,
                   _ nInputs: Int, _ v: UnsafePointer<OpaquePointer?>?, _ createGraph: Bool,
                   _ output: UnsafeMutablePointer<OpaquePointer?>?, _ hvps: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    export("sg_hvp") {
        let out = try clearOutputs("sg_hvp", output, 1, "output"), results = try clearOutputs("sg_hvp", hvps, nInputs, "hvps")
        let r = try Autograd.hvp(function(f, userData, outputs: 1), tensors(inputs, nInputs, "inputs").map { $0! },
                                 tensors(v, nInputs, "v").map { $0! }, createGraph: createGraph)
        if let out { writeHandles([r.output], out) }
        if let results { writeHandles(r.hvp, results) }
    }
}

// MARK: Anomaly mode and graph pictures

@_cdecl("sg_set_detect_anomaly") @implementation
public func sg_set_detect_anomaly(_ enabled: Bool) -> sg_status {
    export("sg_set_detect_anomaly") { Autograd.detectAnomaly = enabled }
}

@_cdecl("sg_is_anomaly_enabled") @implementation
public func sg_is_anomaly_enabled() -> Bool { Autograd.detectAnomaly }

@_cdecl("sg_set_anomaly_context") @implementation
public func sg_set_anomaly_context(_ context: UnsafePointer<CChar>?) -> sg_status {
    export("sg_set_anomaly_context") { Autograd.anomalyContext = context.map { String(cString: $0) } }
}

@_cdecl("sg_graph_to_dot") @implementation
public func sg_graph_to_dot(_ t: OpaquePointer?, _ title: UnsafePointer<CChar>?, _ buf: UnsafeMutablePointer<CChar>?,
                            _ bufSize: Int, _ needed: UnsafeMutablePointer<Int>?) -> sg_status {
    export("sg_graph_to_dot") {
        let dot = try Handles.tensor(t, "t").graphDOT(title: title.map { String(cString: $0) } ?? "output")
        try write(dot, buf, bufSize, needed)
    }
}
