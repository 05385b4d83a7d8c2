#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The optimizers' element-wise updates over contiguous buffers, in the order of operations
/// PyTorch's single-tensor implementations use (torch/optim/sgd.py, adam.py), with Python-float
/// hyperparameters rounded to the element type where PyTorch's kernels round them.
enum OptimizerKernels {
    /// SGD: d = ±g (+ weight_decay·p); with momentum, buf = momentum·buf + (1 − dampening)·d
    /// (buf = d on the first step) and d = d + momentum·buf (Nesterov) or buf; p −= lr·d.
    static func sgd<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ momentumBuffer: Tensor?, firstStep: Bool, _ o: Optimizer.Options
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let buf = momentumBuffer.map { $0.pointer(T.self) }
        let weightDecay = T(o.weightDecay), momentum = T(o.momentum), keep = T(1 - o.dampening), step = T(-o.lr)
        let decays = o.weightDecay != 0, nesterov = o.nesterov, maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if decays { d += weightDecay * p[i] }
                if let buf {
                    buf[i] = firstStep ? d : buf[i] * momentum + keep * d
                    d = nesterov ? d + momentum * buf[i] : buf[i]
                }
                p[i] += step * d
            }
        }
    }

    /// Adam and AdamW at step t: d = ±g (+ weight_decay·p for Adam; p ·= 1 − lr·weight_decay
    /// for AdamW); m = lerp(m, d, 1 − β1); v = β2·v + (1 − β2)·d²; v̂ = max(v̂, v) with amsgrad;
    /// p −= lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps).
    static func adam<T: BinaryFloatingPoint & TensorElement>(
        _: T.Type, _ param: Tensor, _ grad: Tensor, _ state: Optimizer.ParamState, _ o: Optimizer.Options, decoupled: Bool
    ) {
        let p = param.pointer(T.self) + param.storageOffset, g = grad.pointer(T.self) + grad.storageOffset
        let m = state.expAvg!.pointer(T.self), v = state.expAvgSq!.pointer(T.self)
        let vMax = state.maxExpAvgSq.map { $0.pointer(T.self) }
        let t = Double(state.step)
        let correction2Root = T((1 - pow(o.beta2, t)).squareRoot())
        let stepSize = T(-(o.lr / (1 - pow(o.beta1, t))))
        let weightDecay = T(o.weightDecay), shrink = T(1 - o.lr * o.weightDecay)
        let weight = T(1 - o.beta1), beta2 = T(o.beta2), oneMinusBeta2 = T(1 - o.beta2), eps = T(o.eps)
        let l2 = !decoupled && o.weightDecay != 0, decay = decoupled && o.weightDecay != 0
        let maximize = o.maximize
        Parallel.forRanges(param.count) { range in
            for i in range {
                var d = maximize ? -g[i] : g[i]
                if l2 { d += weightDecay * p[i] }
                if decay { p[i] *= shrink }
                // torch.lerp: start + w·(end − start) for w < 0.5, end − (end − start)·(1 − w) otherwise.
                m[i] = weight < 0.5 ? m[i] + weight * (d - m[i]) : d - (d - m[i]) * (1 - weight)
                v[i] = v[i] * beta2 + oneMinusBeta2 * d * d
                var second = v[i]
                if let vMax {
                    vMax[i] = Swift.max(vMax[i], v[i])
                    second = vMax[i]
                }
                let denominator = second.squareRoot() / correction2Root + eps
                p[i] += stepSize * (m[i] / denominator)  // addcdiv: p + value · (m / denom)
            }
        }
    }
}
