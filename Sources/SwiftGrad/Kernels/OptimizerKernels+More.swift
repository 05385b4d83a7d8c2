#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element-wise updates of RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam over
/// contiguous buffers, in the order of operations of PyTorch's single-tensor implementations
/// (torch/optim/rmsprop.py, ...), Python-float hyperparameters rounded to the element type where
/// PyTorch's kernels round them. In each, d = ±g (maximize) + weight_decay·p (an L2 penalty,
/// unless NAdam's and RAdam's decoupled decay, p ·= 1 − lr·weight_decay, is chosen); the state
/// buffers are the parameter's dtype, contiguous, at offset 0.
extension OptimizerKernels {
    /// torch.lerp(start, end, weight): start + w·(end − start) for w < 0.5, end − (end − start)·(1 − w) otherwise.
    @inline(__always)
    static func lerp<T: BinaryFloatingPoint>(_ start: T, _ end: T, _ weight: T) -> T {
        weight < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
    }

    /// RMSprop: v = α·v + (1 − α)·d²; centered: ḡ = lerp(ḡ, d, 1 − α), avg = √(v − ḡ²), else
    /// √v; avg += eps; with momentum, buf = momentum·buf + d/avg and p −= lr·buf, else p −= lr·d/avg.
    static func rmsprop<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let v = state.squareAvg!.pointer(T.self)
        let mean = o.centered ? state.gradAvg!.pointer(T.self) : nil
        let buf = o.momentum > 0 ? state.momentumBuffer!.pointer(T.self) : nil
        let alpha = T(o.alpha), oneMinusAlpha = T(1 - o.alpha), eps = T(o.eps), momentum = T(o.momentum)
        let weightDecay = T(o.weightDecay), decays = o.weightDecay != 0, maximize = o.maximize, step = T(-o.lr)
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decays { d += weightDecay * p[i] }
                v[i] = v[i] * alpha + oneMinusAlpha * d * d
                var avg: T
                if let mean {
                    mean[i] = lerp(mean[i], d, oneMinusAlpha)
                    avg = (v[i] + -1 * mean[i] * mean[i]).squareRoot()
                } else {
                    avg = v[i].squareRoot()
                }
                avg += eps
                if let buf {
                    buf[i] = buf[i] * momentum + d / avg
                    p[i] += step * buf[i]
                } else {
                    p[i] += step * (d / avg)
                }
            }
        }
    }

    /// Adagrad at step t: clr = lr / (1 + (t − 1)·lr_decay); sum += d²; p −= clr·d / (√sum + eps).
    static func adagrad<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ sum: Tensor, step: Int, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let s = sum.pointer(T.self)
        let clr = T(-(o.lr / (1 + Double(step - 1) * o.lrDecay))), eps = T(o.eps)
        let weightDecay = T(o.weightDecay), decays = o.weightDecay != 0, maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decays { d += weightDecay * p[i] }
                s[i] += d * d
                p[i] += clr * (d / (s[i].squareRoot() + eps))
            }
        }
    }

    /// Adadelta: v = ρ·v + (1 − ρ)·d²; δ = √(u + eps) / √(v + eps) · d; u = ρ·u + (1 − ρ)·δ²;
    /// p −= lr·δ.
    static func adadelta<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let v = state.squareAvg!.pointer(T.self), u = state.accDelta!.pointer(T.self)
        let rho = T(o.rho), oneMinusRho = T(1 - o.rho), eps = T(o.eps), step = T(-o.lr)
        let weightDecay = T(o.weightDecay), decays = o.weightDecay != 0, maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decays { d += weightDecay * p[i] }
                v[i] = v[i] * rho + oneMinusRho * d * d
                let std = (v[i] + eps).squareRoot()
                let delta = (u[i] + eps).squareRoot() / std * d
                u[i] = u[i] * rho + oneMinusRho * delta * delta
                p[i] += step * delta
            }
        }
    }

    /// Adamax at step t: m = lerp(m, d, 1 − β1); u = max(β2·u, |d| + eps) (NaN propagating, as
    /// torch.maximum); p −= lr / (1 − β1^t) · m / u.
    static func adamax<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let m = state.expAvg!.pointer(T.self), u = state.expInf!.pointer(T.self)
        let weight = T(1 - o.beta1), beta2 = T(o.beta2), eps = T(o.eps)
        let clr = T(-(o.lr / (1 - pow(o.beta1, Double(state.step)))))
        let weightDecay = T(o.weightDecay), decays = o.weightDecay != 0, maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decays { d += weightDecay * p[i] }
                m[i] = lerp(m[i], d, weight)
                let decayed = u[i] * beta2, bound = d.magnitude + eps
                u[i] = decayed.isNaN || bound.isNaN ? .nan : Swift.max(decayed, bound)
                p[i] += clr * (m[i] / u[i])
            }
        }
    }

    /// NAdam at step t with μ_t, μ_{t+1} and the product Π = μ_1⋯μ_t (`product`, as stored):
    /// m = lerp(m, d, 1 − β1); v = β2·v + (1 − β2)·d²; denom = √(v / (1 − β2^t)) + eps;
    /// p −= lr(1 − μ_t)/(1 − Π) · d/denom + lr·μ_{t+1}/(1 − Π·μ_{t+1}) · m/denom.
    static func nadam<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options,
        product: Double, mu: Double, muNext: Double
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let m = state.expAvg!.pointer(T.self), v = state.expAvgSq!.pointer(T.self)
        let gradStep = T(-o.lr * (1.0 - mu) / (1.0 - product))
        let momentumStep = T((-o.lr * muNext) / (1.0 - product * muNext))
        let correction2 = T(1 - pow(o.beta2, Double(state.step)))
        let weight = T(1 - o.beta1), beta2 = T(o.beta2), oneMinusBeta2 = T(1 - o.beta2), eps = T(o.eps)
        let weightDecay = T(o.weightDecay), shrink = T(1 - o.lr * o.weightDecay)
        let l2 = !o.decoupledWeightDecay && o.weightDecay != 0, decay = o.decoupledWeightDecay && o.weightDecay != 0
        let maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decay { p[i] *= shrink }
                if l2 { d += weightDecay * p[i] }
                m[i] = lerp(m[i], d, weight)
                v[i] = v[i] * beta2 + oneMinusBeta2 * d * d
                let denominator = (v[i] / correction2).squareRoot() + eps
                p[i] += gradStep * (d / denominator)
                p[i] += momentumStep * (m[i] / denominator)
            }
        }
    }

    /// RAdam at step t: m = lerp(m, d, 1 − β1); v = β2·v + (1 − β2)·d²; m̂ = m / (1 − β1^t);
    /// ρ∞ = 2/(1 − β2) − 1, ρ_t = ρ∞ − 2t·β2^t/(1 − β2^t); when ρ_t > 5,
    /// p −= m̂·lr·√(1 − β2^t)/(√v + eps)·r_t with r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)),
    /// otherwise p −= m̂·lr.
    static func radam<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let m = state.expAvg!.pointer(T.self), v = state.expAvgSq!.pointer(T.self)
        let t = Double(state.step)
        let correction1 = 1 - pow(o.beta1, t), correction2 = 1 - pow(o.beta2, t)
        let rhoInf = 2 / (1 - o.beta2) - 1
        let rhoT = rhoInf - 2 * t * pow(o.beta2, t) / correction2
        let rectified = rhoT > 5.0
        let rect = T(((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)).squareRoot())
        let correction1T = T(correction1), lr = T(o.lr), correction2Root = T(correction2.squareRoot())
        let weight = T(1 - o.beta1), beta2 = T(o.beta2), oneMinusBeta2 = T(1 - o.beta2), eps = T(o.eps)
        let weightDecay = T(o.weightDecay), shrink = T(1 - o.lr * o.weightDecay)
        let l2 = !o.decoupledWeightDecay && o.weightDecay != 0, decay = o.decoupledWeightDecay && o.weightDecay != 0
        let maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decay { p[i] *= shrink }
                if l2 { d += weightDecay * p[i] }
                m[i] = lerp(m[i], d, weight)
                v[i] = v[i] * beta2 + oneMinusBeta2 * d * d
                let corrected = m[i] / correction1T
                if rectified {
                    let adaptive = correction2Root / (v[i].squareRoot() + eps)
                    p[i] -= corrected * lr * adaptive * rect
                } else {
                    p[i] -= corrected * lr
                }
            }
        }
    }
}
