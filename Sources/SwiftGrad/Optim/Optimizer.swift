/// PyTorch's optimizers over parameter groups: `torch.optim.SGD` (momentum, dampening,
/// Nesterov, weight decay), `Adam` (L2 weight decay, amsgrad) and `AdamW` (decoupled weight
/// decay), `RMSprop`, `Adagrad`, `Adadelta`, `Adamax`, `NAdam` and `RAdam` (Optimizer+More.swift),
/// with their update rules, defaults, validation messages and `maximize`.
///
///     let opt = try Optimizer(.adam, params: [w, b], options: .adam(lr: 1e-2))
///     for _ in 0..<100 {
///         try opt.zeroGrad()
///         try loss(w, b).backward()
///         try opt.step()
///     }
///
/// Each group has its own options, which may change between steps (learning-rate schedules);
/// per-parameter state (momentum buffers, moment estimates, step counts) lives here, created on
/// a parameter's first step with a gradient. Parameters are updated in place with grad mode off,
/// which bumps their version as any in-place write does.
public final class Optimizer {
    public enum Algorithm: Sendable {
        case sgd, adam, adamW, rmsprop, adagrad, adadelta, adamax, nadam, radam

        public var name: String {
            switch self {
            case .sgd: "SGD"
            case .adam: "Adam"
            case .adamW: "AdamW"
            case .rmsprop: "RMSprop"
            case .adagrad: "Adagrad"
            case .adadelta: "Adadelta"
            case .adamax: "Adamax"
            case .nadam: "NAdam"
            case .radam: "RAdam"
            }
        }
    }

    /// The hyperparameters of a group; each algorithm reads its own.
    public struct Options: Sendable, Equatable {
        public var lr: Double
        /// SGD.
        public var momentum = 0.0, dampening = 0.0, nesterov = false
        /// Adam and AdamW (`betas = (beta1, beta2)`), and the other Adam-like ones.
        public var beta1 = 0.9, beta2 = 0.999, eps = 1e-8, amsgrad = false
        /// RMSprop (its momentum is `momentum`).
        public var alpha = 0.99, centered = false
        /// Adagrad.
        public var lrDecay = 0.0, initialAccumulatorValue = 0.0
        /// Adadelta.
        public var rho = 0.9
        /// NAdam.
        public var momentumDecay = 4e-3
        /// NAdam and RAdam: weight decay as AdamW's instead of an L2 penalty.
        public var decoupledWeightDecay = false
        /// L2 penalty (SGD, Adam) or decoupled decay (AdamW).
        public var weightDecay = 0.0
        /// Ascend the objective instead of descending it.
        public var maximize = false

        public init(lr: Double) { self.lr = lr }

        /// `torch.optim.SGD`'s defaults (lr 1e-3).
        public static func sgd(lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                               weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) -> Options {
            var o = Options(lr: lr)
            o.momentum = momentum
            o.dampening = dampening
            o.weightDecay = weightDecay
            o.nesterov = nesterov
            o.maximize = maximize
            return o
        }

        /// `torch.optim.Adam`'s defaults.
        public static func adam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                                weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) -> Options {
            var o = Options(lr: lr)
            o.beta1 = beta1
            o.beta2 = beta2
            o.eps = eps
            o.weightDecay = weightDecay
            o.amsgrad = amsgrad
            o.maximize = maximize
            return o
        }

        /// `torch.optim.AdamW`'s defaults: Adam's, with decoupled weight decay 1e-2.
        public static func adamW(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                                 weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) -> Options {
            adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize)
        }

        /// The option names of `algorithm`, as PyTorch's param_groups keys (betas split in two).
        public static func names(for algorithm: Algorithm) -> [String] {
            switch algorithm {
            case .sgd: ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]
            case .adam, .adamW: ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"]
            default: moreNames(for: algorithm)
            }
        }

        /// The option called `name` (booleans are 0 or 1).
        func value(_ name: String) -> Double? {
            switch name {
            case "lr": lr
            case "momentum": momentum
            case "dampening": dampening
            case "nesterov": nesterov ? 1 : 0
            case "beta1": beta1
            case "beta2": beta2
            case "eps": eps
            case "amsgrad": amsgrad ? 1 : 0
            case "weight_decay": weightDecay
            case "maximize": maximize ? 1 : 0
            default: moreValue(name)
            }
        }

        mutating func set(_ name: String, _ value: Double) {
            switch name {
            case "lr": lr = value
            case "momentum": momentum = value
            case "dampening": dampening = value
            case "nesterov": nesterov = value != 0
            case "beta1": beta1 = value
            case "beta2": beta2 = value
            case "eps": eps = value
            case "amsgrad": amsgrad = value != 0
            case "weight_decay": weightDecay = value
            case "maximize": maximize = value != 0
            default: setMore(name, value)
            }
        }

        /// PyTorch's checks, with its messages.
        func validate(for algorithm: Algorithm) throws {
            func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
                if !ok { throw SwiftGradError.invalidArgument(message()) }
            }
            try check(lr >= 0, "Invalid learning rate: \(lr)")
            switch algorithm {
            case .sgd:
                try check(momentum >= 0, "Invalid momentum value: \(momentum)")
                try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
                try check(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
            case .adam, .adamW:
                try check(eps >= 0, "Invalid epsilon value: \(eps)")
                try check(beta1 >= 0 && beta1 < 1, "Invalid beta parameter at index 0: \(beta1)")
                try check(beta2 >= 0 && beta2 < 1, "Invalid beta parameter at index 1: \(beta2)")
                try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            default:
                try validateMore(for: algorithm)
            }
        }
    }

    /// A parameter's state: SGD's momentum buffer, Adam's step count and moment estimates, and
    /// the other algorithms' buffers (Optimizer+More.swift).
    struct ParamState {
        var momentumBuffer: Tensor?
        var step = 0
        var expAvg: Tensor?
        var expAvgSq: Tensor?
        var maxExpAvgSq: Tensor?
        /// RMSprop, Adadelta: the running average of squared gradients; RMSprop centered: of gradients.
        var squareAvg: Tensor?
        var gradAvg: Tensor?
        /// Adagrad's sum of squared gradients, Adadelta's running average of squared updates,
        /// Adamax's exponentially weighted infinity norm.
        var sum: Tensor?
        var accDelta: Tensor?
        var expInf: Tensor?
        /// NAdam's product of momentum coefficients: a 0-d float32 tensor as PyTorch makes it,
        /// in the parameter's dtype once loaded (PyTorch's load_state_dict converts it so).
        var muProduct: Tensor?

        /// The tensor buffers (the float16/bfloat16 path widens and narrows each).
        static var buffers: [WritableKeyPath<ParamState, Tensor?>] {
            [\.momentumBuffer, \.expAvg, \.expAvgSq, \.maxExpAvgSq, \.squareAvg, \.gradAvg, \.sum, \.accDelta, \.expInf]
        }
    }

    /// Parameters sharing options.
    public struct ParamGroup {
        public fileprivate(set) var params: [Tensor]
        public var options: Options
        fileprivate var states: [ParamState?]
    }

    public let algorithm: Algorithm
    /// The options new groups get (PyTorch's `defaults`).
    public let defaults: Options
    public private(set) var groups: [ParamGroup] = []

    /// An optimizer over `params` (one group, the defaults), or over no parameters yet when
    /// `params` is empty and groups are added later.
    /// - Throws: `.invalidArgument` for options PyTorch refuses, or parameters that cannot be
    ///   optimized (see `addParamGroup`).
    public init(_ algorithm: Algorithm, params: [Tensor], options: Options) throws {
        try options.validate(for: algorithm)
        self.algorithm = algorithm
        self.defaults = options
        if !params.isEmpty { try addParamGroup(params) }
    }

    /// Adds a group of parameters with `options` (the defaults when nil), as
    /// `Optimizer.add_param_group`.
    /// - Throws: `.invalidArgument` for an empty list, a non-leaf or non-floating tensor, or a
    ///   tensor already in a group.
    public func addParamGroup(_ params: [Tensor], options: Options? = nil) throws {
        let options = options ?? defaults
        try options.validate(for: algorithm)
        guard !params.isEmpty else { throw SwiftGradError.invalidArgument("optimizer got an empty parameter list") }
        var seen = Set<ObjectIdentifier>()
        for group in groups { for p in group.params { seen.insert(ObjectIdentifier(p)) } }
        for p in params {
            guard p.isLeaf else { throw SwiftGradError.invalidArgument("can't optimize a non-leaf Tensor") }
            guard p.dtype.isFloatingPoint else {
                throw SwiftGradError.invalidArgument("optimizer can only optimize Tensors of floating point dtype, but one of the params is \(p.dtype)")
            }
            guard seen.insert(ObjectIdentifier(p)).inserted else {
                throw SwiftGradError.invalidArgument("some parameters appear in more than one parameter group")
            }
        }
        // Adagrad, as PyTorch's, makes its state (step 0, sum = initial_accumulator_value) at once.
        let states = try params.map { try initialState(for: $0, options: options) }
        groups.append(ParamGroup(params: params, options: options, states: states))
    }

    /// The parameters of group `group`.
    public func params(group: Int) throws -> [Tensor] {
        try checkGroup(group)
        return groups[group].params
    }

    /// The names of the per-parameter state of `algorithm`, as PyTorch's `optimizer.state[p]`
    /// keys.
    public static func stateNames(for algorithm: Algorithm) -> [String] {
        switch algorithm {
        case .sgd: ["momentum_buffer"]
        case .adam, .adamW: ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
        default: moreStateNames(for: algorithm)
        }
    }

    /// Whether parameter `index` of group `group` has state (it has been stepped, or state was
    /// loaded for it).
    public func hasState(group: Int, index: Int) throws -> Bool {
        try checkParam(group, index)
        return groups[group].states[index] != nil
    }

    /// State `name` of parameter `index` of group `group`: the optimizer's own tensor (its
    /// updates are seen through it), "step" as a float32 0-d tensor, or nil when there is none
    /// yet (before the parameter's first step, or SGD without momentum).
    public func state(_ name: String, group: Int, index: Int) throws -> Tensor? {
        try checkState(name, group, index)
        guard let state = groups[group].states[index] else { return nil }
        switch name {
        case "step": return try Tensor(scalar: Float(state.step))
        case "mu_product": return try state.muProduct.map { try $0.clone() }
        default: return state[keyPath: Self.stateBuffer(name)]
        }
    }

    /// Sets state `name` of parameter `index` of group `group` to a copy of `value` in the
    /// parameter's dtype (nil removes it), as `load_state_dict` does.
    /// - Throws: `.invalidArgument` for an unknown name, a step that is not a non-negative whole
    ///   number, or a buffer whose shape is not the parameter's.
    public func setState(_ name: String, _ value: Tensor?, group: Int, index: Int) throws {
        try checkState(name, group, index)
        let param = groups[group].params[index]
        var state = groups[group].states[index] ?? ParamState()
        if name == "step" {
            let step = try value.map { try $0.item() } ?? 0
            guard step >= 0, step == step.rounded(), step < 1e15 else {
                throw SwiftGradError.invalidArgument("step must be a non-negative whole number, got \(step)")
            }
            state.step = Int(step)
        } else if name == "mu_product" {
            state.muProduct = try value.map { v -> Tensor in
                guard v.count == 1 else {
                    throw SwiftGradError.shape("state 'mu_product' must have one element, not \(v.count)")
                }
                return try noGrad { try v.reshape([]).to(param.dtype).detach().clone() }
            }
        } else {
            let copy = try value.map { v -> Tensor in
                guard v.shape == param.shape else {
                    throw SwiftGradError.shape("state '\(name)' of a parameter of shape \(Shape.describe(param.shape)) cannot have shape \(Shape.describe(v.shape))")
                }
                return try noGrad { try v.to(param.dtype).detach().clone() }
            }
            state[keyPath: Self.stateBuffer(name)] = copy
        }
        groups[group].states[index] = state
    }

    private func checkParam(_ group: Int, _ index: Int) throws {
        try checkGroup(group)
        guard index >= 0, index < groups[group].params.count else {
            throw SwiftGradError.invalidArgument("index \(index) is out of range for a group of \(groups[group].params.count) parameters")
        }
    }

    private func checkState(_ name: String, _ group: Int, _ index: Int) throws {
        try checkParam(group, index)
        guard Self.stateNames(for: algorithm).contains(name) else {
            throw SwiftGradError.invalidArgument("\(algorithm.name) has no state '\(name)'; its state is \(Self.stateNames(for: algorithm).joined(separator: ", "))")
        }
    }

    /// Option `name` of group `group` (see `Options.names(for:)`).
    public func option(_ name: String, group: Int) throws -> Double {
        try checkGroup(group)
        guard Options.names(for: algorithm).contains(name), let value = groups[group].options.value(name) else {
            throw unknownOption(name)
        }
        return value
    }

    /// Sets option `name` of group `group`, validated as the constructor does.
    public func setOption(_ name: String, _ value: Double, group: Int) throws {
        try setOptions([(name, value)], group: group)
    }

    /// Sets several options of group `group` at once, validating only the result (so that, say,
    /// momentum and nesterov can be turned off together); on error nothing changes.
    public func setOptions(_ values: [(name: String, value: Double)], group: Int) throws {
        try checkGroup(group)
        var options = groups[group].options
        for (name, value) in values {
            guard Options.names(for: algorithm).contains(name) else { throw unknownOption(name) }
            options.set(name, value)
        }
        try options.validate(for: algorithm)
        groups[group].options = options
    }

    /// One optimization step over every parameter that has a gradient.
    /// - Throws: `.dtype`/`.shape` if a gradient no longer matches its parameter.
    public func step() throws {
        try noGrad {
            for g in groups.indices {
                let options = groups[g].options
                for (i, p) in groups[g].params.enumerated() {
                    guard let grad = p.grad else { continue }
                    var state = groups[g].states[i] ?? ParamState()
                    try update(p, gradient: grad, state: &state, options: options)
                    groups[g].states[i] = state
                }
            }
        }
    }

    /// Clears the gradients of every parameter: to nil (`set_to_none=True`, PyTorch's default)
    /// or to zeros.
    public func zeroGrad(setToNone: Bool = true) throws {
        for group in groups {
            for p in group.params {
                if setToNone { try p.setGrad(nil) } else { try p.zeroGrad() }
            }
        }
    }

    private func checkGroup(_ group: Int) throws {
        guard group >= 0, group < groups.count else {
            throw SwiftGradError.invalidArgument("param group \(group) is out of range for an optimizer with \(groups.count) groups")
        }
    }

    private func unknownOption(_ name: String) -> SwiftGradError {
        .invalidArgument("\(algorithm.name) has no option '\(name)'; its options are \(Options.names(for: algorithm).joined(separator: ", "))")
    }

    /// Updates `param` in place from `gradient`, on contiguous memory: the parameter's own when
    /// it is contiguous, else a copy written back afterwards.
    private func update(_ param: Tensor, gradient: Tensor, state: inout ParamState, options: Options) throws {
        guard gradient.dtype == param.dtype, gradient.shape == param.shape else {
            throw SwiftGradError.shape("the gradient of a parameter of shape \(Shape.describe(param.shape)) (\(param.dtype)) has shape \(Shape.describe(gradient.shape)) (\(gradient.dtype))")
        }
        if param.dtype != .float32 && param.dtype != .float64 {
            // float16, bfloat16: the update runs in float32 on copies of the parameter and its
            // state, which are rounded back (the state stays in the parameter's dtype, as PyTorch
            // keeps it).
            let wide = try param.to(.float32, recording: false).clone()
            var wideState = state
            for path in ParamState.buffers {
                wideState[keyPath: path] = try state[keyPath: path].map { try $0.to(.float32, recording: false).clone() }
            }
            try update(wide, gradient: gradient.to(.float32, recording: false), state: &wideState, options: options)
            noGrad { Kernels.convert(from: wide, into: param) }
            param.storage.version &+= 1
            for path in ParamState.buffers {
                state[keyPath: path] = try wideState[keyPath: path].map { try $0.to(param.dtype, recording: false) }
            }
            state.step = wideState.step
            state.muProduct = wideState.muProduct
            return
        }
        let target = param.isContiguous ? param : try param.contiguous()
        let grad = try gradient.contiguous()
        func buffer(_ existing: Tensor?) throws -> Tensor { try existing ?? param.zerosLike() }
        switch algorithm {
        case .sgd:
            let first = state.momentumBuffer == nil
            if options.momentum != 0 { state.momentumBuffer = try buffer(state.momentumBuffer) }
            switch param.dtype {
            case .float32: OptimizerKernels.sgd(Float.self, target, grad, state.momentumBuffer, firstStep: first, options)
            default: OptimizerKernels.sgd(Double.self, target, grad, state.momentumBuffer, firstStep: first, options)
            }
        case .adam, .adamW:
            state.step += 1
            state.expAvg = try buffer(state.expAvg)
            state.expAvgSq = try buffer(state.expAvgSq)
            if options.amsgrad { state.maxExpAvgSq = try buffer(state.maxExpAvgSq) }
            let decoupled = algorithm == .adamW
            switch param.dtype {
            case .float32: OptimizerKernels.adam(Float.self, target, grad, state, options, decoupled: decoupled)
            default: OptimizerKernels.adam(Double.self, target, grad, state, options, decoupled: decoupled)
            }
        default:
            try updateMore(target, grad, &state, options, buffer: buffer)
        }
        if target !== param { try param.copy_(target) } else { param.storage.version &+= 1 }
    }
}
