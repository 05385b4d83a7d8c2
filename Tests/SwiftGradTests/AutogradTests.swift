import Testing
@testable import SwiftGrad

/// The complete autograd: functional gradients, higher orders, hooks, retain_grad, custom
/// functions, gradcheck, the functional API, anomaly mode, graph pictures.
@Suite struct AutogradTests {
    func inputs(_ shapes: [[Int]], positive: Bool = false, seed: UInt64 = 3) throws -> [Tensor] {
        try makeInputs(shapes, dtype: .float64, positive: positive, seed: seed)
    }

    @Test func zeroGradZeroesInPlaceAndDetachesAGradientWithAGraph() throws {
        // Under create_graph the gradient carries a graph (CopyBackwards); zero_grad with
        // set_to_none=False detaches it, as PyTorch does, and zeroes the same memory.
        let x = try Tensor([3] as [Double]).requiringGrad()
        try x.mul(x).sum().backward(createGraph: true)
        let held = x.grad!
        #expect(held.gradFn != nil)
        #expect(try held.item() == 6)
        try x.zeroGrad()
        #expect(x.grad!.gradFn == nil)
        #expect(try held.item() == 0)
        #expect(try x.grad!.item() == 0)
    }

    @Test func functionalGradLeavesDotGradAlone() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad()
        let g = try Autograd.grad([x.pow(3).sum()], [x])[0]!
        #expect(try g.scalars(as: Double.self) == [3, 12])
        #expect(x.grad == nil)
    }

    @Test func secondAndThirdDerivatives() throws {
        let x = try Tensor([1, 2] as [Double]).requiringGrad()
        let first = try Autograd.grad([x.pow(3).sum()], [x], createGraph: true)[0]!    // 3 x^2
        #expect(first.gradFn != nil)
        let second = try Autograd.grad([first.sum()], [x], createGraph: true)[0]!      // 6 x
        let third = try Autograd.grad([second.sum()], [x])[0]!                          // 6
        #expect(try second.scalars(as: Double.self) == [6, 12])
        #expect(try third.scalars(as: Double.self) == [6, 6])
        // backward(create_graph:) leaves a differentiable .grad, as PyTorch (CopyBackwards).
        try x.pow(3).sum().backward(createGraph: true)
        #expect(x.grad?.gradFn?.name == "CopyBackwards")
        try x.setGrad(nil)  // that gradient's graph leads back to x: clearing it frees the cycle
    }

    /// Every op's backward rule is itself differentiable: second derivatives against finite
    /// differences of the first.
    @Test func everyOpIsTwiceDifferentiable() throws {
        let index = try Tensor([2, 0, 1] as [Int64]), target = try Tensor([1, 0] as [Int64])
        let cases: [(String, [[Int]], Bool, Autograd.Function)] = [
            ("add", [[2, 3], [3]], false, { [try $0[0].add($0[1])] }),
            ("mul", [[2, 3], [2, 1]], false, { [try $0[0].mul($0[1])] }),
            ("div", [[3], [3]], true, { [try $0[0].div($0[1])] }),
            ("pow", [[3], [3]], true, { [try $0[0].pow($0[1])] }),
            ("pow scalar", [[3]], false, { [try $0[0].pow(3)] }),
            ("rpow", [[3]], false, { [try $0[0].rpow(2)] }),
            ("exp log", [[3]], true, { [try $0[0].exp().add($0[0].log())] }),
            ("sqrt rsqrt reciprocal", [[3]], true, { [try $0[0].sqrt().add($0[0].rsqrt()).add($0[0].reciprocal())] }),
            ("trig", [[3]], false, { [try $0[0].sin().mul($0[0].cos()).add($0[0].tanh())] }),
            ("tan sinh cosh atan asinh erf erfc exp2", [[3]], false, { x in
                [try x[0].mul(0.5).tan().add(x[0].sinh()).add(x[0].cosh()).add(x[0].atan()).add(x[0].asinh())
                    .add(x[0].erf()).add(x[0].erfc().mul(x[0])).add(x[0].exp2())] }),
            ("asin acos atanh acosh log2 log10", [[3]], true, { x in
                let u = try x[0].tanh().mul(0.8)
                return [try u.asin().add(u.acos().mul(u)).add(u.atanh()).add(x[0].add(1).acosh()).add(x[0].log2()).add(x[0].log10())] }),
            ("floor ceil round trunc", [[3]], false, { x in
                [try x[0].floor().add(x[0].ceil()).add(x[0].round()).add(x[0].trunc()).mul(x[0]).mul(x[0])] }),
            ("sigmoid log1p expm1", [[3]], true, { [try $0[0].sigmoid().add($0[0].log1p()).add($0[0].expm1())] }),
            ("square abs relu", [[4]], false, { [try $0[0].square().add($0[0].abs().mul($0[0])).add($0[0].relu().mul($0[0]))] }),
            ("maximum where", [[4], [4]], false, { x in [try x[0].maximum(x[1]).add(Tensor.where(x[0].gt(0), x[0].mul(x[0]), x[1]))] }),
            ("sum mean", [[2, 3]], false, { [try $0[0].mul($0[0]).sum(dims: [1]).add($0[0].mean(dims: [1]))] }),
            ("prod", [[2, 3]], false, { [try $0[0].prod(dim: 1)] }),
            ("var std", [[2, 4]], false, { [try $0[0].variance(dims: [1]).add($0[0].std(dims: [1]))] }),
            ("norm", [[2, 3]], false, { [try $0[0].norm(p: 2, dims: [1]).add($0[0].norm(p: 3, dims: [1]))] }),
            ("logsumexp softmax", [[2, 3]], false, { [try $0[0].logsumexp(dims: [1]), try $0[0].softmax(dim: 1), try $0[0].logSoftmax(dim: 0)] }),
            ("max amax", [[2, 3]], false, { [try $0[0].max(dim: 1).values.mul($0[0].amax(dims: [1]))] }),
            ("matmul", [[2, 3], [3, 2]], false, { [try $0[0].matmul($0[1])] }),
            ("views", [[2, 3]], false, { [try $0[0].transpose(0, 1).reshape([6]).mul($0[0].flatten()).add($0[0].select(dim: 1, index: 2).sum())] }),
            ("indexing", [[3, 2]], false, { [try $0[0].index([index]).mul($0[0].gather(dim: 0, index: try Tensor([1, 2, 0, 1, 0, 2] as [Int64], shape: [3, 2])))] }),
            ("cat stack slice", [[2, 2], [2, 2]], false, { x in [try Tensor.cat([x[0], x[1].mul(x[0])]).slice(dim: 0, start: 1, step: 2).mul(Tensor.stack(x).sum(dims: [0]))] }),
            ("cross entropy", [[2, 3]], false, { [try Tensor.crossEntropy($0[0].mul($0[0]), target)] }),
            ("mse bce", [[3], [3]], false, { x in [try Tensor.mseLoss(x[0].mul(x[1]), x[1]), try Tensor.binaryCrossEntropy(x[0].sigmoid(), x[1].sigmoid())] }),
        ]
        for (name, shapes, positive, f) in cases {
            do {
                try Autograd.gradgradcheck(f, try inputs(shapes, positive: positive), atol: 1e-4, rtol: 1e-3)
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    @Test func backwardInputsAccumulatesOnlyThere() throws {
        let c = try Tensor([1] as [Double]).requiringGrad(), d = try Tensor([2] as [Double]).requiringGrad()
        let m = try c.mul(d)
        try m.mul(c).sum().backward(inputs: [c, m])
        #expect(try c.grad!.item() == 4)          // d(c^2 d)/dc = 2 c d
        #expect(d.grad == nil)
        #expect(try m.grad!.item() == 1)          // a non-leaf input keeps its gradient
    }

    @Test func unusedAndNonDifferentiableInputs() throws {
        let z = try Tensor([1] as [Double]).requiringGrad(), w = try Tensor([1] as [Double]).requiringGrad()
        expectError(.autograd("The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")) {
            _ = try Autograd.grad([z.mul(2).sum()], [z, w])
        }
        let grads = try Autograd.grad([z.mul(2).sum()], [z, w], allowUnused: true)
        #expect(try grads[0]!.item() == 2)
        #expect(grads[1] == nil)
        expectError(.autograd("One of the differentiated Tensors does not require grad")) {
            _ = try Autograd.grad([z.mul(2).sum()], [Tensor.ones([1])])
        }
    }

    /// Rules write their result over the gradient they receive only when nothing but the pass
    /// holds it: a gradient a hook kept stays as given, and the results are the same either way.
    @Test func keptGradientsStayIntact() throws {
        let c = try Tensor([1, 2] as [Double])
        for hooked in [false, true] {
            let x = try Tensor([1.5, -2] as [Double]).requiringGrad()
            let scaled = try x.mul(x).mul(3)
            var kept: Tensor?
            if hooked { try scaled.registerHook { g in kept = g; return nil } }
            try scaled.mul(c).sum().backward()
            if hooked { #expect(try kept!.scalars(as: Double.self) == [1, 2]) }   // c, not 3 c nor 6 x c
            #expect(try x.grad!.scalars(as: Double.self) == [9, -24])            // 6 x c
        }
    }

    @Test func hooks() throws {
        let a = try Tensor([1, 2] as [Double]).requiringGrad()
        let handle = try a.registerHook { g in try g.mul(10) }       // replaces the leaf's gradient
        let b = try a.mul(2)
        var seen: [Double] = []
        try b.registerHook { g in seen = try g.scalars(as: Double.self); return nil }   // observes
        try b.retainGrad()
        #expect(b.retainsGrad && !a.retainsGrad)
        try b.mul(b).sum().backward()
        #expect(seen == [4, 8])
        #expect(try b.grad!.scalars(as: Double.self) == [4, 8])
        #expect(try a.grad!.scalars(as: Double.self) == [80, 160])
        handle.remove()
        try a.zeroGrad()
        try a.mul(2).sum().backward()
        #expect(try a.grad!.scalars(as: Double.self) == [2, 2])
        // Hooks also apply to gradients returned by autograd.grad.
        let x = try Tensor([3] as [Double]).requiringGrad()
        try x.registerHook { g in try g.neg() }
        #expect(try Autograd.grad([x.mul(x).sum()], [x])[0]!.item() == -6)
        expectError(.autograd("cannot register a hook on a tensor that doesn't require gradient")) {
            try Tensor.ones([2]).registerHook { $0 }
        }
        expectError(.autograd("can't retain_grad on Tensor that has requires_grad=False")) {
            try Tensor.ones([2]).retainGrad()
        }
        // An error thrown by a hook comes out of backward.
        let y = try Tensor([1] as [Double]).requiringGrad()
        try y.registerHook { _ in throw SwiftGradError.callback("hook failed") }
        expectError(.callback("hook failed")) { try y.mul(2).sum().backward() }
    }

    @Test func customFunction() throws {
        let x = try Tensor([1, 2, 3] as [Double]).requiringGrad()
        var needs: [Bool] = []
        func cube(_ t: Tensor) throws -> Tensor {
            try Autograd.function("Cube", inputs: [t], forward: { ctx, xs in
                needs = ctx.needsInputGrad
                ctx.saveForBackward(xs)
                return [try xs[0].pow(3)]
            }, backward: { ctx, grads in
                let saved = try ctx.savedTensors()[0]
                return [try grads[0].mul(saved.pow(2).mul(3))]
            })[0]
        }
        let y = try cube(x)
        #expect(y.gradFn?.name == "CubeBackward" && needs == [true])
        // Differentiated twice: d/dx x^3 = 3x^2, d2 = 6x.
        let first = try Autograd.grad([y.sum()], [x], createGraph: true)[0]!
        #expect(try first.scalars(as: Double.self) == [3, 12, 27])
        let second = try Autograd.grad([first.sum()], [x])[0]!
        #expect(try second.scalars(as: Double.self) == [6, 12, 18])
        // The saved values are freed after a backward without retain_graph.
        let z = try cube(x)
        try z.sum().backward()
        expectError(.autograd(Engine.backwardTwiceMessage)) { try z.sum().backward() }
        try Autograd.gradcheck({ [try cube($0[0])] }, [x])
        try Autograd.gradgradcheck({ [try cube($0[0])] }, [x])
        // A function saving its own output, and returning two outputs.
        try x.setGrad(nil)
        let pair = try Autograd.function("ExpAndDouble", inputs: [x], forward: { ctx, xs in
            let e = try xs[0].exp()
            ctx.saveForBackward([e])
            return [e, try xs[0].mul(2)]
        }, backward: { ctx, grads in
            [try grads[0].mul(ctx.savedTensors()[0]).add(grads[1].mul(2))]
        })
        try pair[0].sum().add(pair[1].sum()).backward()
        expectClose(try x.grad!.scalars(as: Double.self), try x.detach().exp().add(2).scalars(as: Double.self), tolerance: 1e-12)
        // Wrong number of gradients is an error, not a crash.
        let bad = try Autograd.function("Bad", inputs: [x], forward: { _, xs in [try xs[0].mul(1)] }, backward: { _, g in [g[0], g[0]] })[0]
        expectError(.autograd("function BadBackward returned an incorrect number of gradients (expected 1, got 2)")) {
            try bad.sum().backward()
        }
    }

    @Test func gradcheckFindsAWrongRule() throws {
        let x = try makeInputs([[3]], dtype: .float64, positive: false, seed: 1)[0]
        try Autograd.gradcheck({ [try $0[0].mul($0[0]).sum()] }, [x])
        let wrong = { (xs: [Tensor]) throws -> [Tensor] in
            try Autograd.function("Wrong", inputs: xs, forward: { _, t in [try t[0].mul(t[0])] }, backward: { _, g in [g[0]] })
        }
        #expect(throws: SwiftGradError.self) { try Autograd.gradcheck(wrong, [x]) }
        do {
            try Autograd.gradcheck(wrong, [x])
        } catch let error as SwiftGradError {
            #expect(error.message.hasPrefix("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor("))
        }
    }

    @Test func gradgradcheckFindsARuleThatIsNotDifferentiable() throws {
        let x = try makeInputs([[3]], dtype: .float64, positive: false, seed: 2)[0]
        // Right first derivative (2x), computed outside the graph: its derivative is lost.
        let square = { (xs: [Tensor]) throws -> [Tensor] in
            try Autograd.function("DetachedSquare", inputs: xs, forward: { ctx, t in
                ctx.saveForBackward(t)
                return [try t[0].mul(t[0])]
            }, backward: { ctx, g in [try g[0].mul(ctx.savedTensors()[0].detach().mul(2))] })
        }
        try Autograd.gradcheck(square, [x])
        #expect(throws: SwiftGradError.self) { try Autograd.gradgradcheck(square, [x]) }
    }

    @Test func functionalJacobianHessianAndProducts() throws {
        let x = try Tensor([1, 2] as [Double])
        // f(x) = [x0^2 x1, 3 x1]: J = [[2 x0 x1, x0^2], [0, 3]].
        let f: Autograd.Function = { xs in [try Tensor.stack([xs[0].select(dim: 0, index: 0).pow(2).mul(xs[0].select(dim: 0, index: 1)), xs[0].select(dim: 0, index: 1).mul(3)])] }
        let j = try Autograd.jacobian(f, [x])[0][0]
        #expect(j.shape == [2, 2])
        #expect(try j.scalars(as: Double.self) == [4, 1, 0, 3])
        // g(x) = x0^2 x1: H = [[2 x1, 2 x0], [2 x0, 0]].
        let g: Autograd.Function = { xs in [try xs[0].select(dim: 0, index: 0).pow(2).mul(xs[0].select(dim: 0, index: 1))] }
        #expect(try Autograd.hessian(g, [x])[0][0].scalars(as: Double.self) == [4, 2, 2, 0])
        let v = try Tensor([1, -1] as [Double])
        #expect(try Autograd.vjp(f, [x], [v]).vjp[0].scalars(as: Double.self) == [4, -2])       // v^T J
        #expect(try Autograd.jvp(f, [x], [v]).jvp[0].scalars(as: Double.self) == [3, -3])       // J v
        let hv = try Autograd.hvp(g, [x], [v])
        #expect(try hv.output.item() == 2)
        #expect(try hv.hvp[0].scalars(as: Double.self) == [2, 2])                              // H v
        #expect(x.grad == nil && !x.requiresGrad)
    }

    @Test func anomalyModeNamesTheNode() throws {
        Autograd.detectAnomaly = true
        defer { Autograd.detectAnomaly = false }
        let q = try Tensor([0] as [Double]).requiringGrad()
        do {
            try q.sqrt().mul(0).sum().backward()
            Issue.record("no error")
        } catch let error as SwiftGradError {
            #expect(error.message.hasPrefix("Function 'SqrtBackward0' returned nan values in its 0th output.\nError detected in SqrtBackward0, the gradient of the forward operation Sqrt"))
        }
        // Every gradient is checked: none goes straight into a .grad (EngineTests).
        let w = try Tensor([1, 2] as [Double], shape: [2, 1]).requiringGrad()
        try w.setGrad(Tensor([10, 20] as [Double], shape: [2, 1]))
        let before = AccumulatorOffer.current.value.taken
        try Tensor([3, 4] as [Double], shape: [1, 2]).mm(w).sum().backward()
        #expect(AccumulatorOffer.current.value.taken == before)
        #expect(try w.grad!.scalars(as: Double.self) == [13, 24])
    }

    @Test func graphPicture() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        let u = try x.mul(x).detach()
        let z = try u.mul(x)
        let dot = z.graphDOT(title: "z")
        #expect(dot.hasPrefix("digraph swiftgrad {"))
        #expect(dot.contains("label=\"MulBackward0\\n[4]\""))
        #expect(dot.contains("label=\"leaf [4]\\nrequires_grad=True\""))
        #expect(dot.contains("shape=point"))           // u needs no gradient
        #expect(dot.contains("label=\"z\\n[4]\""))
    }

    @Test func perThreadGradModeAndLongChains() async throws {
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<4 {
                group.addTask {
                    GradMode.isEnabled = i % 2 == 0
                    defer { GradMode.isEnabled = true }
                    let x = try? Tensor([1] as [Double]).requiringGrad()
                    let recorded = (try? x?.mul(2).requiresGrad) ?? nil
                    return recorded == (i % 2 == 0)
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
