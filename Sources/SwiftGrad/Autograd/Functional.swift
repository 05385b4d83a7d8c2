/// Higher-level derivatives built on `Autograd.grad` (`torch.autograd.functional`): Jacobians,
/// Hessians, and vector products with them. Functions map a list of tensors to a list of
/// tensors. Unless `createGraph`, results (and the returned function values) are detached.
extension Autograd {
    public typealias Function = ([Tensor]) throws -> [Tensor]

    /// Inputs as fresh leaves that require grad, so derivatives can be taken with respect to them.
    private static func leaves(_ inputs: [Tensor], _ createGraph: Bool) throws -> [Tensor] {
        try inputs.map { t in
            guard t.dtype.isFloatingPoint else {
                throw SwiftGradError.dtype("Only Tensors of floating point and complex dtype can require gradients")
            }
            // With create_graph the derivative must stay connected to the caller's graph.
            if createGraph && t.requiresGrad { return try t.alias() }
            return try t.detach().requiringGrad()
        }
    }

    private static func finish(_ tensors: [Tensor?], like shapes: [[Int]], dtypes: [DType], _ createGraph: Bool) throws -> [Tensor] {
        try tensors.enumerated().map { i, t in
            let value = try t ?? Tensor.zeros(shapes[i], dtype: dtypes[i])
            return createGraph ? value : value.detach()
        }
    }

    /// d outputs / d inputs (`jacobian`): result[o][i] has shape outputs[o].shape + inputs[i].shape.
    public static func jacobian(_ f: Function, _ inputs: [Tensor], createGraph: Bool = false) throws -> [[Tensor]] {
        let xs = try leaves(inputs, createGraph)
        let ys = try f(xs)
        return try ys.map { y in
            var rows: [[Tensor]] = xs.map { _ in [] }
            for k in 0..<y.count {
                let seed = try Tensor.zeros([y.count], dtype: y.dtype)
                try noGrad { _ = try seed.select(dim: 0, index: k).fill_(1) }
                let grads = y.requiresGrad
                    ? try grad([y], xs, gradOutputs: [seed.reshape(y.shape)], retainGraph: true,
                               createGraph: createGraph, allowUnused: true)
                    : [Tensor?].filled(nil, count: xs.count)
                for (i, g) in grads.enumerated() {
                    rows[i].append(try g ?? Tensor.zeros(xs[i].shape, dtype: xs[i].dtype))
                }
            }
            return try rows.enumerated().map { i, row in
                let stacked = row.isEmpty ? try Tensor.zeros([0] + xs[i].shape, dtype: xs[i].dtype) : try Tensor.stack(row)
                let shaped = try stacked.reshape(y.shape + xs[i].shape)
                return createGraph ? shaped : shaped.detach()
            }
        }
    }

    /// The Hessian of a scalar function (`hessian`): result[i][j] has shape
    /// inputs[i].shape + inputs[j].shape.
    public static func hessian(_ f: Function, _ inputs: [Tensor], createGraph: Bool = false) throws -> [[Tensor]] {
        let gradient: Function = { xs in
            let y = try f(xs)
            guard y.count == 1, y[0].count == 1 else {
                throw SwiftGradError.invalidArgument("The function given to hessian should return a single Tensor with a single element")
            }
            let g = try grad([y[0]], xs, createGraph: true, allowUnused: true)
            return try g.enumerated().map { i, t in try t ?? Tensor.zeros(xs[i].shape, dtype: xs[i].dtype) }
        }
        return try jacobian(gradient, inputs, createGraph: createGraph)
    }

    /// The function's values and `v^T J` (`vjp`), with one `v` per output.
    public static func vjp(_ f: Function, _ inputs: [Tensor], _ v: [Tensor], createGraph: Bool = false) throws -> (outputs: [Tensor], vjp: [Tensor]) {
        let xs = try leaves(inputs, createGraph)
        let ys = try f(xs)
        let g = try grad(ys, xs, gradOutputs: v, retainGraph: createGraph, createGraph: createGraph, allowUnused: true)
        return (ys.map { createGraph ? $0 : $0.detach() }, try finish(g, like: xs.map(\.shape), dtypes: xs.map(\.dtype), createGraph))
    }

    /// The function's values and `J v` (`jvp`), with one `v` per input, by the double-vjp trick:
    /// u -> J^T u is linear, so its own vjp with v is J v.
    public static func jvp(_ f: Function, _ inputs: [Tensor], _ v: [Tensor], createGraph: Bool = false) throws -> (outputs: [Tensor], jvp: [Tensor]) {
        let xs = try leaves(inputs, createGraph)
        let ys = try f(xs)
        let us = try ys.map { try Tensor.zeros($0.shape, dtype: $0.dtype).requiringGrad() }
        let transposed = try grad(ys, xs, gradOutputs: us, createGraph: true, allowUnused: true)
        let used = transposed.indices.filter { transposed[$0] != nil }
        let products = used.isEmpty ? [Tensor?].filled(nil, count: us.count)
            : try grad(used.map { transposed[$0]! }, us, gradOutputs: used.map { v[$0] }, createGraph: createGraph, allowUnused: true)
        return (ys.map { createGraph ? $0 : $0.detach() }, try finish(products, like: ys.map(\.shape), dtypes: ys.map(\.dtype), createGraph))
    }

    /// The scalar function's value and `H v` (`hvp`), with one `v` per input.
    public static func hvp(_ f: Function, _ inputs: [Tensor], _ v: [Tensor], createGraph: Bool = false) throws -> (output: Tensor, hvp: [Tensor]) {
        let xs = try leaves(inputs, createGraph)
        let y = try f(xs)
        guard y.count == 1, y[0].count == 1 else {
            throw SwiftGradError.invalidArgument("The function given to hvp should return a single Tensor with a single element")
        }
        let g = try grad([y[0]], xs, createGraph: true, allowUnused: true)
        let used = g.indices.filter { g[$0] != nil }
        var products = [Tensor?].filled(nil, count: xs.count)
        if !used.isEmpty {
            let dot = try used.map { try g[$0]!.mul(v[$0]).sum() }.dropFirst().reduce(try g[used[0]]!.mul(v[used[0]]).sum()) { try $0.add($1) }
            products = try grad([dot], xs, createGraph: createGraph, allowUnused: true)
        }
        return (createGraph ? y[0] : y[0].detach(), try finish(products, like: xs.map(\.shape), dtypes: xs.map(\.dtype), createGraph))
    }
}
