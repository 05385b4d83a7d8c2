import CSwiftGrad
import SwiftGrad

// The optimizers (torch.optim) over sg_optimizer handles.

/// A new optimizer handle: `algorithm` over `params` with `options`.
private func makeOptimizer(_ name: StaticString, _ algorithm: Optimizer.Algorithm,
                           _ params: UnsafePointer<OpaquePointer?>?, _ count: Int, _ options: Optimizer.Options,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): out must not be NULL") }
    out.pointee = nil
    return export(name) {
        let tensors = try tensors(params, count, "params").map { $0! }
        out.pointee = Handles.register(try Optimizer(algorithm, params: tensors, options: options))
    }
}

@_cdecl("sg_optimizer_sgd") @implementation
public func sg_optimizer_sgd(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int, _ lr: Double,
                             _ momentum: Double, _ dampening: Double, _ weightDecay: Double, _ nesterov: Bool,
                             _ maximize: Bool, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_sgd", .sgd, params, nParams,
                  .sgd(lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                       nesterov: nesterov, maximize: maximize), out)
}

@_cdecl("sg_optimizer_adam") @implementation
public func sg_optimizer_adam(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int, _ lr: Double,
                              _ beta1: Double, _ beta2: Double, _ eps: Double, _ weightDecay: Double,
                              _ amsgrad: Bool, _ maximize: Bool, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_adam", .adam, params, nParams,
                  .adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                        amsgrad: amsgrad, maximize: maximize), out)
}

@_cdecl("sg_optimizer_adamw") @implementation
public func sg_optimizer_adamw(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int, _ lr: Double,
                               _ beta1: Double, _ beta2: Double, _ eps: Double, _ weightDecay: Double,
                               _ amsgrad: Bool, _ maximize: Bool, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_adamw", .adamW, params, nParams,
                  .adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                        amsgrad: amsgrad, maximize: maximize), out)
}

@_cdecl("sg_optimizer_add_param_group") @implementation
public func sg_optimizer_add_param_group(_ opt: OpaquePointer?, _ params: UnsafePointer<OpaquePointer?>?,
                                         _ nParams: Int) -> sg_status {
    export("sg_optimizer_add_param_group") {
        let optimizer = try Handles.optimizer(opt, "opt")
        try optimizer.addParamGroup(try tensors(params, nParams, "params").map { $0! })
    }
}

@_cdecl("sg_optimizer_param_group_count") @implementation
public func sg_optimizer_param_group_count(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_optimizer_param_group_count", out) { try Handles.optimizer(opt, "opt").groups.count }
}

@_cdecl("sg_optimizer_param_count") @implementation
public func sg_optimizer_param_count(_ opt: OpaquePointer?, _ group: Int, _ out: UnsafeMutablePointer<Int>?) -> sg_status {
    exportValue("sg_optimizer_param_count", out) { try Handles.optimizer(opt, "opt").params(group: group).count }
}

@_cdecl("sg_optimizer_param") @implementation
public func sg_optimizer_param(_ opt: OpaquePointer?, _ group: Int, _ index: Int,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_optimizer_param", out) {
        let params = try Handles.optimizer(opt, "opt").params(group: group)
        guard index >= 0, index < params.count else {
            throw ABIError.invalidArgument("index \(UInt(bitPattern: index)) is out of range for a group of \(params.count) parameters")
        }
        return params[index]
    }
}

@_cdecl("sg_optimizer_get_option") @implementation
public func sg_optimizer_get_option(_ opt: OpaquePointer?, _ group: Int, _ name: UnsafePointer<CChar>?,
                                    _ out: UnsafeMutablePointer<Double>?) -> sg_status {
    exportValue("sg_optimizer_get_option", out) {
        try Handles.optimizer(opt, "opt").option(try string(name, "name"), group: group)
    }
}

@_cdecl("sg_optimizer_set_option") @implementation
public func sg_optimizer_set_option(_ opt: OpaquePointer?, _ group: Int, _ name: UnsafePointer<CChar>?,
                                    _ value: Double) -> sg_status {
    export("sg_optimizer_set_option") {
        try Handles.optimizer(opt, "opt").setOption(try string(name, "name"), value, group: group)
    }
}

@_cdecl("sg_optimizer_set_options") @implementation
public func sg_optimizer_set_options(_ opt: OpaquePointer?, _ group: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                                     _ values: UnsafePointer<Double>?, _ count: Int) -> sg_status {
    export("sg_optimizer_set_options") {
        guard count >= 0, count <= 64 else { throw ABIError.invalidArgument("count \(UInt(bitPattern: count)) is too large") }
        guard count == 0 || (names != nil && values != nil) else {
            throw ABIError.invalidArgument("names or values is NULL but count is \(count)")
        }
        let pairs = try (0..<count).map { i in (name: try string(names![i], "name"), value: values![i]) }
        try Handles.optimizer(opt, "opt").setOptions(pairs, group: group)
    }
}

@_cdecl("sg_optimizer_get_state") @implementation
public func sg_optimizer_get_state(_ opt: OpaquePointer?, _ group: Int, _ index: Int, _ name: UnsafePointer<CChar>?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_optimizer_get_state: out must not be NULL") }
    out.pointee = nil
    return export("sg_optimizer_get_state") {
        let state = try Handles.optimizer(opt, "opt").state(try string(name, "name"), group: group, index: index)
        out.pointee = state.map { Handles.register($0) }
    }
}

@_cdecl("sg_optimizer_set_state") @implementation
public func sg_optimizer_set_state(_ opt: OpaquePointer?, _ group: Int, _ index: Int, _ name: UnsafePointer<CChar>?,
                                   _ value: OpaquePointer?) -> sg_status {
    export("sg_optimizer_set_state") {
        let tensor = value == nil ? nil : try Handles.tensor(value, "value")
        try Handles.optimizer(opt, "opt").setState(try string(name, "name"), tensor, group: group, index: index)
    }
}

@_cdecl("sg_optimizer_step") @implementation
public func sg_optimizer_step(_ opt: OpaquePointer?) -> sg_status {
    export("sg_optimizer_step") { try Handles.optimizer(opt, "opt").step() }
}

@_cdecl("sg_optimizer_zero_grad") @implementation
public func sg_optimizer_zero_grad(_ opt: OpaquePointer?, _ setToNone: Bool) -> sg_status {
    export("sg_optimizer_zero_grad") { try Handles.optimizer(opt, "opt").zeroGrad(setToNone: setToNone) }
}

@_cdecl("sg_optimizer_free") @implementation
public func sg_optimizer_free(_ opt: OpaquePointer?) -> sg_status {
    guard let opt else { return SG_OK }
    return export("sg_optimizer_free") { try Handles.release(opt, .optimizer, "opt") }
}
