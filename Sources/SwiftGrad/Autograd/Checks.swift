/// Gradient checking (`torch.autograd.gradcheck` / `gradgradcheck`): analytical gradients from
/// backward compared with central finite differences. Use float64 inputs.
extension Autograd {
    /// Compares the Jacobians backward computes for `f` at `inputs` with finite differences
    /// (step `eps`); they match when |analytical - numerical| <= atol + rtol * |numerical|.
    /// Only inputs that require grad are checked.
    /// - Throws: `.autograd` describing the first mismatch, in PyTorch's words.
    public static func gradcheck(_ f: Function, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                                 rtol: Double = 1e-3) throws {
        let outputs = try f(inputs)
        let checked = inputs.indices.filter { inputs[$0].requiresGrad }
        for (o, output) in outputs.enumerated() where output.dtype.isFloatingPoint {
            for i in checked {
                let numerical = try numericalJacobian(f, inputs, input: i, output: o, eps: eps)
                let analytical = try analyticalJacobian(inputs, input: i, output: output)
                let close = try noGrad { () -> Bool in
                    let tolerance = try numerical.abs().mul(rtol).add(atol)
                    return try analytical.to(.float64).sub(numerical).abs().le(tolerance).to(.int64).sum().item() == Double(numerical.count)
                }
                guard close else {
                    throw SwiftGradError.autograd("Jacobian mismatch for output \(o) with respect to input \(i),\nnumerical:\(numerical)\nanalytical:\(analytical)\n")
                }
            }
        }
    }

    /// gradcheck of the gradient itself: checks second derivatives by differentiating
    /// `(inputs, v) -> d(f(inputs) . v)/d inputs` with random upstream gradients `v`.
    public static func gradgradcheck(_ f: Function, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                                     rtol: Double = 1e-3, generator: Generator = Generator(seed: 0)) throws {
        let outputs = try noGrad { try f(inputs) }
        let upstream = try outputs.map { try Tensor.randn($0.shape, dtype: $0.dtype, generator: generator).requiringGrad() }
        let n = inputs.count
        let gradients: Function = { all in
            let xs = Array(all[..<n]), vs = Array(all[n...])
            let ys = try f(xs)
            let differentiable = xs.indices.filter { xs[$0].requiresGrad }
            let g = try grad(ys, differentiable.map { xs[$0] }, gradOutputs: vs, createGraph: true, allowUnused: true)
            return try g.enumerated().map { k, t in try t ?? Tensor.zeros(xs[differentiable[k]].shape, dtype: xs[differentiable[k]].dtype) }
        }
        try gradcheck(gradients, inputs + upstream, eps: eps, atol: atol, rtol: rtol)
    }

    /// d output[o] / d input[i] by central differences: [input numel, output numel], float64.
    private static func numericalJacobian(_ f: Function, _ inputs: [Tensor], input i: Int, output o: Int, eps: Double) throws -> Tensor {
        let x = inputs[i]
        var columns: [Tensor] = []
        for k in 0..<x.count {
            let offset = x.offset(ofLinearIndex: k)
            let original = x.doubleValue(atOffset: offset)
            // Evaluated with grad mode as the caller has it: under gradgradcheck the function
            // computes a gradient itself. The result is copied: it may share storage with an
            // input that the next perturbation changes.
            func evaluate(_ value: Double) throws -> Tensor {
                x.writeElement(value, atOffset: offset)
                let out = try f(inputs)[o].detach()
                return try noGrad { try out.to(.float64).reshape([-1]).clone() }
            }
            let plus = try evaluate(original + eps), minus = try evaluate(original - eps)
            x.writeElement(original, atOffset: offset)
            columns.append(try noGrad { try plus.sub(minus).div(2 * eps) })
        }
        return columns.isEmpty ? try Tensor.zeros([0, 0], dtype: .float64) : try noGrad { try Tensor.stack(columns) }
    }

    /// d output / d input[i] by backward with one-hot upstream gradients: [input numel, output numel].
    private static func analyticalJacobian(_ inputs: [Tensor], input i: Int, output: Tensor) throws -> Tensor {
        var rows: [Tensor] = []
        for k in 0..<output.count {
            let seed = try Tensor.zeros([output.count], dtype: output.dtype)
            try noGrad { _ = try seed.select(dim: 0, index: k).fill_(1) }
            let g = output.requiresGrad
                ? try grad([output], [inputs[i]], gradOutputs: [seed.reshape(output.shape)], retainGraph: true, allowUnused: true)[0]
                : nil
            rows.append(try (g ?? Tensor.zeros(inputs[i].shape, dtype: inputs[i].dtype)).reshape([-1]))
        }
        return rows.isEmpty ? try Tensor.zeros([inputs[i].count, 0], dtype: inputs[i].dtype)
            : try noGrad { try Tensor.stack(rows, dim: 1) }
    }
}

extension Tensor {
    /// Writes one element without bumping the version (gradcheck's temporary perturbations).
    func writeElement(_ value: Double, atOffset offset: Int) {
        func write<T: TensorElement>(_: T.Type) { pointer(T.self)[offset] = T(wide: .real(value)) }
        write(dtype.elementType)
    }
}
