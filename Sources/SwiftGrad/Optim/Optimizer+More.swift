#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The optimizers beyond SGD and Adam: `torch.optim.RMSprop` (alpha, momentum, centered),
/// `Adagrad` (lr_decay, initial_accumulator_value), `Adadelta` (rho), `Adamax`, `NAdam`
/// (momentum_decay, decoupled_weight_decay) and `RAdam` (decoupled_weight_decay): their
/// defaults, option names, PyTorch's checks and per-parameter state, and the dispatch of a step
/// to their kernels (Kernels/OptimizerKernels+More.swift).
///
///     let opt = try Optimizer(.rmsprop, params: [w], options: .rmsprop(lr: 1e-2, momentum: 0.9))
extension Optimizer.Options {
    /// `torch.optim.RMSprop`'s defaults.
    public static func rmsprop(lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                               momentum: Double = 0, centered: Bool = false, maximize: Bool = false) -> Self {
        var o = Self(lr: lr)
        o.alpha = alpha
        o.eps = eps
        o.weightDecay = weightDecay
        o.momentum = momentum
        o.centered = centered
        o.maximize = maximize
        return o
    }

    /// `torch.optim.Adagrad`'s defaults.
    public static func adagrad(lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                               initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) -> Self {
        var o = Self(lr: lr)
        o.lrDecay = lrDecay
        o.weightDecay = weightDecay
        o.initialAccumulatorValue = initialAccumulatorValue
        o.eps = eps
        o.maximize = maximize
        return o
    }

    /// `torch.optim.Adadelta`'s defaults.
    public static func adadelta(lr: Double = 1.0, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
                                maximize: Bool = false) -> Self {
        var o = Self(lr: lr)
        o.rho = rho
        o.eps = eps
        o.weightDecay = weightDecay
        o.maximize = maximize
        return o
    }

    /// `torch.optim.Adamax`'s defaults.
    public static func adamax(lr: Double = 2e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                              weightDecay: Double = 0, maximize: Bool = false) -> Self {
        var o = adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, maximize: maximize)
        o.lr = lr
        return o
    }

    /// `torch.optim.NAdam`'s defaults.
    public static func nadam(lr: Double = 2e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                             weightDecay: Double = 0, momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false,
                             maximize: Bool = false) -> Self {
        var o = adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, maximize: maximize)
        o.momentumDecay = momentumDecay
        o.decoupledWeightDecay = decoupledWeightDecay
        return o
    }

    /// `torch.optim.RAdam`'s defaults.
    public static func radam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                             weightDecay: Double = 0, decoupledWeightDecay: Bool = false, maximize: Bool = false) -> Self {
        var o = adam(lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, maximize: maximize)
        o.decoupledWeightDecay = decoupledWeightDecay
        return o
    }

    static func moreNames(for algorithm: Optimizer.Algorithm) -> [String] {
        switch algorithm {
        case .rmsprop: ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"]
        case .adagrad: ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"]
        case .adadelta: ["lr", "rho", "eps", "weight_decay", "maximize"]
        case .adamax: ["lr", "beta1", "beta2", "eps", "weight_decay", "maximize"]
        case .nadam: ["lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"]
        case .radam: ["lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay", "maximize"]
        case .sgd, .adam, .adamW: []
        }
    }

    func moreValue(_ name: String) -> Double? {
        switch name {
        case "alpha": alpha
        case "centered": centered ? 1 : 0
        case "lr_decay": lrDecay
        case "initial_accumulator_value": initialAccumulatorValue
        case "rho": rho
        case "momentum_decay": momentumDecay
        case "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0
        default: nil
        }
    }

    mutating func setMore(_ name: String, _ value: Double) {
        switch name {
        case "alpha": alpha = value
        case "centered": centered = value != 0
        case "lr_decay": lrDecay = value
        case "initial_accumulator_value": initialAccumulatorValue = value
        case "rho": rho = value
        case "momentum_decay": momentumDecay = value
        case "decoupled_weight_decay": decoupledWeightDecay = value != 0
        default: break
        }
    }

    /// PyTorch's checks for these algorithms, in its order, with its messages (a NaN fails
    /// each, as PyTorch's `0.0 <= x` does).
    func validateMore(for algorithm: Optimizer.Algorithm) throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw SwiftGradError.invalidArgument(message()) }
        }
        func checkBetas() throws {
            try check(beta1 >= 0 && beta1 < 1, "Invalid beta parameter at index 0: \(beta1)")
            try check(beta2 >= 0 && beta2 < 1, "Invalid beta parameter at index 1: \(beta2)")
        }
        // lr >= 0 was checked by validate(for:).
        switch algorithm {
        case .rmsprop:
            try check(eps >= 0, "Invalid epsilon value: \(eps)")
            try check(momentum >= 0, "Invalid momentum value: \(momentum)")
            try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            try check(alpha >= 0, "Invalid alpha value: \(alpha)")
        case .adagrad:
            try check(lrDecay >= 0, "Invalid lr_decay value: \(lrDecay)")
            try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            try check(initialAccumulatorValue >= 0, "Invalid initial_accumulator_value value: \(initialAccumulatorValue)")
            try check(eps >= 0, "Invalid epsilon value: \(eps)")
        case .adadelta:
            try check(rho >= 0 && rho <= 1, "Invalid rho value: \(rho)")
            try check(eps >= 0, "Invalid epsilon value: \(eps)")
            try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        case .adamax, .nadam, .radam:
            try check(eps >= 0, "Invalid epsilon value: \(eps)")
            try checkBetas()
            try check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
            if algorithm == .nadam {
                try check(momentumDecay >= 0, "Invalid momentum_decay value: \(momentumDecay)")
            }
        case .sgd, .adam, .adamW:
            break
        }
    }
}

extension Optimizer {
    static func moreStateNames(for algorithm: Algorithm) -> [String] {
        switch algorithm {
        case .rmsprop: ["step", "square_avg", "momentum_buffer", "grad_avg"]
        case .adagrad: ["step", "sum"]
        case .adadelta: ["step", "square_avg", "acc_delta"]
        case .adamax: ["step", "exp_avg", "exp_inf"]
        case .nadam: ["step", "mu_product", "exp_avg", "exp_avg_sq"]
        case .radam: ["step", "exp_avg", "exp_avg_sq"]
        case .sgd, .adam, .adamW: []
        }
    }

    /// Where the buffer called `name` (a name of `stateNames(for:)` other than "step" and
    /// "mu_product") lives in a parameter's state.
    static func stateBuffer(_ name: String) -> WritableKeyPath<ParamState, Tensor?> {
        switch name {
        case "momentum_buffer": \.momentumBuffer
        case "exp_avg": \.expAvg
        case "exp_avg_sq": \.expAvgSq
        case "square_avg": \.squareAvg
        case "grad_avg": \.gradAvg
        case "sum": \.sum
        case "acc_delta": \.accDelta
        case "exp_inf": \.expInf
        default: \.maxExpAvgSq
        }
    }

    /// The state a parameter has before its first step: none, except Adagrad's (step 0 and a
    /// sum filled with initial_accumulator_value, made when the group is added, as PyTorch does).
    func initialState(for param: Tensor, options: Options) throws -> ParamState? {
        guard algorithm == .adagrad else { return nil }
        var state = ParamState()
        state.sum = try Tensor.full(param.shape, options.initialAccumulatorValue, dtype: param.dtype)
        return state
    }

    /// One step of the algorithms of this file on a contiguous float32 or float64 parameter.
    func updateMore(_ param: Tensor, _ grad: Tensor, _ state: inout ParamState, _ options: Options,
                    buffer: (Tensor?) throws -> Tensor) throws {
        state.step += 1
        let step = state.step
        let double = param.dtype == .float64
        switch algorithm {
        case .rmsprop:
            state.squareAvg = try buffer(state.squareAvg)
            if options.momentum > 0 { state.momentumBuffer = try buffer(state.momentumBuffer) }
            if options.centered { state.gradAvg = try buffer(state.gradAvg) }
            if double {
                OptimizerKernels.rmsprop(Double.self, param, grad, state, options)
            } else {
                OptimizerKernels.rmsprop(Float.self, param, grad, state, options)
            }
        case .adagrad:
            state.sum = try buffer(state.sum)
            if double {
                OptimizerKernels.adagrad(Double.self, param, grad, state.sum!, step: step, options)
            } else {
                OptimizerKernels.adagrad(Float.self, param, grad, state.sum!, step: step, options)
            }
        case .adadelta:
            state.squareAvg = try buffer(state.squareAvg)
            state.accDelta = try buffer(state.accDelta)
            if double {
                OptimizerKernels.adadelta(Double.self, param, grad, state, options)
            } else {
                OptimizerKernels.adadelta(Float.self, param, grad, state, options)
            }
        case .adamax:
            state.expAvg = try buffer(state.expAvg)
            state.expInf = try buffer(state.expInf)
            if double {
                OptimizerKernels.adamax(Double.self, param, grad, state, options)
            } else {
                OptimizerKernels.adamax(Float.self, param, grad, state, options)
            }
        case .nadam:
            state.expAvg = try buffer(state.expAvg)
            state.expAvgSq = try buffer(state.expAvgSq)
            // mu_t = beta1 (1 - 0.96^(t psi) / 2); the product is PyTorch's 0-d tensor, float32
            // until a load converts it (mu_product *= mu computes in its dtype).
            let t = Double(step)
            let mu = options.beta1 * (1.0 - 0.5 * pow(0.96, t * options.momentumDecay))
            let muNext = options.beta1 * (1.0 - 0.5 * pow(0.96, (t + 1) * options.momentumDecay))
            let product = try (state.muProduct ?? Tensor(scalar: Float(1))).mul(mu)
            state.muProduct = product
            let value = try product.item()
            if double {
                OptimizerKernels.nadam(Double.self, param, grad, state, options, product: value, mu: mu, muNext: muNext)
            } else {
                OptimizerKernels.nadam(Float.self, param, grad, state, options, product: value, mu: mu, muNext: muNext)
            }
        case .radam:
            state.expAvg = try buffer(state.expAvg)
            state.expAvgSq = try buffer(state.expAvgSq)
            if double {
                OptimizerKernels.radam(Double.self, param, grad, state, options)
            } else {
                OptimizerKernels.radam(Float.self, param, grad, state, options)
            }
        case .sgd, .adam, .adamW:
            break
        }
    }
}
