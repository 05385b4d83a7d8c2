import CSwiftGrad
import SwiftGrad

// torch.optim's RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam over sg_optimizer handles
// (the handle's other functions are in Exports+Optim.swift).

@_cdecl("sg_rmsprop_default_options") @implementation
public func sg_rmsprop_default_options() -> sg_rmsprop_options {
    let o = Optimizer.Options.rmsprop()
    return sg_rmsprop_options(struct_size: MemoryLayout<sg_rmsprop_options>.size, lr: o.lr, alpha: o.alpha, eps: o.eps,
                              weight_decay: o.weightDecay, momentum: o.momentum, centered: o.centered,
                              maximize: o.maximize)
}

@_cdecl("sg_adagrad_default_options") @implementation
public func sg_adagrad_default_options() -> sg_adagrad_options {
    let o = Optimizer.Options.adagrad()
    return sg_adagrad_options(struct_size: MemoryLayout<sg_adagrad_options>.size, lr: o.lr, lr_decay: o.lrDecay,
                              weight_decay: o.weightDecay, initial_accumulator_value: o.initialAccumulatorValue,
                              eps: o.eps, maximize: o.maximize)
}

@_cdecl("sg_adadelta_default_options") @implementation
public func sg_adadelta_default_options() -> sg_adadelta_options {
    let o = Optimizer.Options.adadelta()
    return sg_adadelta_options(struct_size: MemoryLayout<sg_adadelta_options>.size, lr: o.lr, rho: o.rho, eps: o.eps,
                               weight_decay: o.weightDecay, maximize: o.maximize)
}

@_cdecl("sg_adamax_default_options") @implementation
public func sg_adamax_default_options() -> sg_adamax_options {
    let o = Optimizer.Options.adamax()
    return sg_adamax_options(struct_size: MemoryLayout<sg_adamax_options>.size, lr: o.lr, beta1: o.beta1,
                             beta2: o.beta2, eps: o.eps, weight_decay: o.weightDecay, maximize: o.maximize)
}

@_cdecl("sg_nadam_default_options") @implementation
public func sg_nadam_default_options() -> sg_nadam_options {
    let o = Optimizer.Options.nadam()
    return sg_nadam_options(struct_size: MemoryLayout<sg_nadam_options>.size, lr: o.lr, beta1: o.beta1, beta2: o.beta2,
                            eps: o.eps, weight_decay: o.weightDecay, momentum_decay: o.momentumDecay,
                            decoupled_weight_decay: o.decoupledWeightDecay, maximize: o.maximize)
}

@_cdecl("sg_radam_default_options") @implementation
public func sg_radam_default_options() -> sg_radam_options {
    let o = Optimizer.Options.radam()
    return sg_radam_options(struct_size: MemoryLayout<sg_radam_options>.size, lr: o.lr, beta1: o.beta1, beta2: o.beta2,
                            eps: o.eps, weight_decay: o.weightDecay, decoupled_weight_decay: o.decoupledWeightDecay,
                            maximize: o.maximize)
}

@_cdecl("sg_optimizer_rmsprop") @implementation
public func sg_optimizer_rmsprop(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                                 _ options: UnsafePointer<sg_rmsprop_options>?,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_rmsprop", .rmsprop, params, nParams, out) {
        let o = try readOptions(options, "sg_rmsprop_options", sg_rmsprop_default_options()) { $0.struct_size }
        return .rmsprop(lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weight_decay, momentum: o.momentum,
                        centered: o.centered, maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_adagrad") @implementation
public func sg_optimizer_adagrad(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                                 _ options: UnsafePointer<sg_adagrad_options>?,
                                 _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_adagrad", .adagrad, params, nParams, out) {
        let o = try readOptions(options, "sg_adagrad_options", sg_adagrad_default_options()) { $0.struct_size }
        return .adagrad(lr: o.lr, lrDecay: o.lr_decay, weightDecay: o.weight_decay,
                        initialAccumulatorValue: o.initial_accumulator_value, eps: o.eps, maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_adadelta") @implementation
public func sg_optimizer_adadelta(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                                  _ options: UnsafePointer<sg_adadelta_options>?,
                                  _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_adadelta", .adadelta, params, nParams, out) {
        let o = try readOptions(options, "sg_adadelta_options", sg_adadelta_default_options()) { $0.struct_size }
        return .adadelta(lr: o.lr, rho: o.rho, eps: o.eps, weightDecay: o.weight_decay, maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_adamax") @implementation
public func sg_optimizer_adamax(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                                _ options: UnsafePointer<sg_adamax_options>?,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_adamax", .adamax, params, nParams, out) {
        let o = try readOptions(options, "sg_adamax_options", sg_adamax_default_options()) { $0.struct_size }
        return .adamax(lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay,
                       maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_nadam") @implementation
public func sg_optimizer_nadam(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                               _ options: UnsafePointer<sg_nadam_options>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_nadam", .nadam, params, nParams, out) {
        let o = try readOptions(options, "sg_nadam_options", sg_nadam_default_options()) { $0.struct_size }
        return .nadam(lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay,
                      momentumDecay: o.momentum_decay, decoupledWeightDecay: o.decoupled_weight_decay,
                      maximize: o.maximize)
    }
}

@_cdecl("sg_optimizer_radam") @implementation
public func sg_optimizer_radam(_ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                               _ options: UnsafePointer<sg_radam_options>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    makeOptimizer("sg_optimizer_radam", .radam, params, nParams, out) {
        let o = try readOptions(options, "sg_radam_options", sg_radam_default_options()) { $0.struct_size }
        return .radam(lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay,
                      decoupledWeightDecay: o.decoupled_weight_decay, maximize: o.maximize)
    }
}
