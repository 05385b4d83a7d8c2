import CSwiftGrad
import SwiftGrad

// The optimizers (torch.optim) over sg_optimizer handles.

/// A new optimizer handle: `algorithm` over `params` with `options`.
func makeOptimizer(_ name: StaticString, _ algorithm: Optimizer.Algorithm,
                           _ params: UnsafePointer<OpaquePointer?>?, _ count: Int,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?,
                           _ options: () throws -> Optimizer.Options) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): out must not be NULL") }
    out.pointee = nil
    return export(name) {
        let tensors = try tensors(params, count, "params").map { $0! }
        out.pointee = Handles.register(try Optimizer(algorithm, params: tensors, options: try options()))
    }
}

/// `options` read into the core's options, or the defaults when it is NULL.
/// - Throws: `invalidArgument` when its `struct_size` is not this library's sizeof.
func readOptions<Options>(_ options: UnsafePointer<Options>?, _ name: StaticString, _ defaults: Options,
                                  size: (Options) -> Int) throws -> Options {
    guard let options else { return defaults }
    let given = size(options.pointee)
    guard given == MemoryLayout<Options>.size else {
        throw ABIError.invalidArgument(
            "options->struct_size is \(UInt(bitPattern: given)), but this library's \(name) is \(MemoryLayout<Options>.size) bytes: start from its default_options() function")
    }
    return options.pointee
}

@_cdecl("sg_sgd_default_options") @implementation
public func sg_sgd_default_options() -> sg_sgd_options {
    let o = Optimizer.Options.sgd()
    return sg_sgd_options(struct_size: MemoryLayout<sg_sgd_options>.size, lr: o.lr, momentum: o.momentum,
                          dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov, maximize: o.maximize)
}

private func adamOptions(_ o: Optimizer.Options) -> sg_adam_options {
    sg_adam_options(struct_size: MemoryLayout<sg_adam_options>.size, lr: o.lr, beta1: o.beta1, beta2: o.beta2,
                    eps: o.eps, weight_decay: o.weightDecay, amsgrad: o.amsgrad, maximize: o.maximize)
}

@_cdecl("sg_adam_default_options") @implementation
public func sg_adam_default_options() -> sg_adam_options { adamOptions(.adam()) }

@_cdecl("sg_adamw_default_options") @implementation
public func sg_adamw_default_options() -> sg_adam_options { adamOptions(.adamW()) }

@_cdecl("sg_optimizer_sgd") @implementation
public func sg_optimizer_sgd(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                             _ options: UnsafePointer<sg_sgd_options>?,
                             _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_sgd", .sgd, params, nParams, out) {
        let o = try readOptions(options, "sg_sgd_options", sg_sgd_default_options()) { $0.struct_size }
        return .sgd(lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weight_decay,
                    nesterov: o.nesterov, maximize: o.maximize)
    }
}

/// Adam or AdamW from C options (NULL: the algorithm's defaults).
private func makeAdam(_ name: StaticString, _ algorithm: Optimizer.Algorithm, _ params: UnsafePointer<OpaquePointer?>?,
                      _ nParams: Int, _ options: UnsafePointer<sg_adam_options>?,
                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer(name, algorithm, params, nParams, out) {
        let defaults = algorithm == .adamW ? sg_adamw_default_options() : sg_adam_default_options()
        let o = try readOptions(options, "sg_adam_options", defaults) { $0.struct_size }
        return .adam(lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay,
                     amsgrad: o.amsgrad, maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_adam") @implementation
public func sg_optimizer_adam(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                              _ options: UnsafePointer<sg_adam_options>?,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeAdam("sg_optimizer_adam", .adam, params, nParams, options, out)
}

@_cdecl("sg_optimizer_adamw") @implementation
public func sg_optimizer_adamw(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                               _ options: UnsafePointer<sg_adam_options>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeAdam("sg_optimizer_adamw", .adamW, params, nParams, options, out)
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
