import Testing
@testable import SwiftGrad

/// Autograd semantics: leaves and results, retain_graph, saved-value release, grad mode,
/// in-place checks, long graphs and memory.
@Suite struct EngineTests {
    @Test func leavesAndResults() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        let c = try Tensor.arange(0, 3)
        let y = try x * c
        #expect(x.isLeaf && x.requiresGrad && x.gradFn == nil)
        #expect(!y.isLeaf && y.requiresGrad && y.gradFn?.name == "MulBackward0")
        #expect(c.isLeaf && !c.requiresGrad)
        // Ops on tensors that do not require grad record nothing.
        let z = try c * c
        #expect(z.isLeaf && !z.requiresGrad)
    }

    @Test func gradModeOffRecordsNothing() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        let y = try noGrad { try x * 2 }
        #expect(!y.requiresGrad && y.gradFn == nil)
        #expect(GradMode.isEnabled)
        // Grad mode is per thread and restored after a throwing body.
        #expect(throws: SwiftGradError.self) { try noGrad { _ = try x.dot(Tensor.zeros([2])) } }
        #expect(GradMode.isEnabled)
    }

    /// A matrix product's backward adds a leaf's gradient straight into its existing `.grad`
    /// (BLAS with beta = 1) when nothing stands between them, and gives the same values as the
    /// separate product and sum whenever something does: hooks, a second use of the leaf,
    /// create_graph, autograd.grad, backward(inputs:), a `.grad` that is not dense (anomaly mode:
    /// AutogradTests.anomalyModeNamesTheNode, the one test that sets it).
    @Test func productsAddIntoAnExistingGradExactlyWhenNothingStandsBetween() throws {
        for dtype in [DType.float32, .float64] {
            let x0 = try Tensor.randn([6, 5], dtype: dtype), w0 = try Tensor.randn([5, 4], dtype: dtype)
            let g = try Tensor.randn([6, 4], dtype: dtype), start = try Tensor.randn([5, 4], dtype: dtype)
            let startX = try Tensor.randn([6, 5], dtype: dtype)
            // References in float64: x^T g and g w^T added to the starting gradients.
            func wide(_ t: Tensor) throws -> Tensor { try t.to(.float64) }
            func values(_ t: Tensor) throws -> [Double] { try t.contiguous().to(.float64).scalars(as: Double.self) }
            let wantW = try wide(start).add(wide(x0).t().mm(wide(g))).scalars(as: Double.self)
            let wantX = try wide(startX).add(wide(g).mm(wide(w0).t())).scalars(as: Double.self)
            let tolerance = dtype == .float32 ? 1e-5 : 1e-12

            // How many gradients went straight into a .grad during `body` (on this thread).
            func taken(_ body: () throws -> Void) rethrows -> Int {
                let before = AccumulatorOffer.current.value.taken
                try body()
                return AccumulatorOffer.current.value.taken - before
            }
            func leaves() throws -> (Tensor, Tensor) {
                let x = try x0.clone().requiringGrad(), w = try w0.clone().requiringGrad()
                try x.setGrad(startX.clone())
                try w.setGrad(start.clone())
                return (x, w)
            }
            // Straight in: the same .grad tensors, their storage's version moved.
            var (x, w) = try leaves()
            let (gradX, gradW) = (x.grad!, w.grad!)
            let versions = (gradX.storage.version, gradW.storage.version)
            #expect(try taken { try x.mm(w).backward(g) } == 2)
            #expect(x.grad! === gradX && w.grad! === gradW)
            #expect(gradX.storage.version > versions.0 && gradW.storage.version > versions.1)
            expectClose(try values(w.grad!), wantW, tolerance: tolerance, "\(dtype) w")
            expectClose(try values(x.grad!), wantX, tolerance: tolerance, "\(dtype) x")

            // A hook on w sees its gradient (x^T g) and what it returns is accumulated.
            (x, w) = try leaves()
            var seen: Tensor?
            _ = try w.registerHook { grad in seen = grad; return try grad.mul(2) }
            #expect(try taken { try x.mm(w).backward(g) } == 1)  // x's
            let product = try wide(x0).t().mm(wide(g))
            expectClose(try values(try #require(seen)), try product.scalars(as: Double.self), tolerance: tolerance, "hook")
            expectClose(try values(w.grad!), try wide(start).add(product.mul(2)).scalars(as: Double.self),
                        tolerance: tolerance, "hook's result")

            // w used twice: both products summed, then added.
            (x, w) = try leaves()
            #expect(try taken { try x.mm(w).add(x.mm(w)).backward(g) } == 0)
            expectClose(try values(w.grad!), try wide(start).add(product.mul(2)).scalars(as: Double.self),
                        tolerance: tolerance, "two uses")

            // autograd.grad leaves .grad alone; backward(inputs: [x]) leaves w's alone.
            (x, w) = try leaves()
            var captured: Tensor?
            #expect(try taken { captured = try Autograd.grad([x.mm(w)], [w], gradOutputs: [g])[0] } == 0)
            expectClose(try values(try #require(captured)), try product.scalars(as: Double.self), tolerance: tolerance, "grad")
            #expect(try values(w.grad!) == values(start))
            #expect(try taken { try x.mm(w).backward(g, inputs: [x]) } == 1)  // x's
            #expect(try values(w.grad!) == values(start))
            expectClose(try values(x.grad!), wantX, tolerance: tolerance, "inputs: [x]")

            // create_graph: the sum is recorded (out of place), with the same values.
            (x, w) = try leaves()
            #expect(try taken { try x.mm(w).backward(g, createGraph: true) } == 0)
            #expect(w.grad!.gradFn != nil)
            expectClose(try values(w.grad!), wantW, tolerance: tolerance, "create_graph")
            try x.setGrad(nil)  // each .grad's graph leads back to its leaf: a cycle, as in PyTorch
            try w.setGrad(nil)

            // A transposed (non-dense) .grad: the separate sum, same values.
            (x, w) = try leaves()
            try w.setGrad(start.t().contiguous().t())
            #expect(try taken { try x.mm(w).backward(g) } == 1)  // x's
            expectClose(try values(w.grad!), wantW, tolerance: tolerance, "transposed .grad")
        }
    }

    @Test func retainGraphAllowsASecondBackward() throws {
        let x = try Tensor.arange(0, 4, requiresGrad: true)
        let y = try dot(x, x)
        try y.backward(retainGraph: true)
        try y.backward()
        #expect(try x.grad!.scalars(as: Float.self) == [0, 4, 8, 12])
        // The graph has now been freed.
        expectError(.autograd(Engine.backwardTwiceMessage)) { try y.backward() }
    }

    @Test func nodesThatSaveNothingCanBackwardTwice() throws {
        // As in PyTorch: SumBackward0 and AddBackward0 save no tensors.
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        let y = try (x + x).sum()
        try y.backward()
        try y.backward()
        #expect(try x.grad!.scalars(as: Float.self) == [4, 4, 4])
        // A scalar factor is saved (PyTorch wraps it in a tensor), so x * 2 cannot.
        let z = try (x * 2).sum()
        try z.backward()
        expectError(.autograd(Engine.backwardTwiceMessage)) { try z.backward() }
    }

    /// A backward pass started inside another (from a hook) gets its own node table: each
    /// thread reuses the table of its last finished pass, and the outer one is still in use.
    @Test func passesNestedInAHookAndAfterwardsAreIndependent() throws {
        let x = try Tensor([1, 2] as [Double], shape: [2]).requiringGrad()
        let w = try Tensor([3] as [Double], shape: [1]).requiringGrad()
        var inner: Tensor?
        let y = try x.mul(x)
        _ = try y.registerHook { g in
            // Hooks run without recording (create_graph is off): record z explicitly.
            let z = try GradMode.withEnabled(true) { try w.mul(w).mul(w).sum() }
            inner = try Autograd.grad([z], [w])[0]  // dz/dw = 3w^2 = 27, through a pass of its own
            return g
        }
        try y.sum().backward()
        #expect(try x.grad!.scalars(as: Double.self) == [2, 4])
        #expect(try inner!.scalars(as: Double.self) == [27])
        for _ in 0..<3 {  // later passes reuse the tables, cleared
            try x.setGrad(nil)
            try x.mul(x).mul(x).sum().backward()
            #expect(try x.grad!.scalars(as: Double.self) == [3, 12])
        }
    }

    @Test func overlappingPassesThroughTheSameNodes() async throws {
        // One pass at a time finds its entries through the nodes' own fields; a pass that
        // overlaps it (nested in a hook, or on another thread) uses its table, over the same nodes.
        let x = try Tensor([1, 2] as [Double], shape: [2]).requiringGrad()
        let shared = try x.mul(x)  // reached by every pass below
        let y = try shared.mul(3)
        var inner: [Double] = []
        _ = try y.registerHook { g in
            let total = try GradMode.withEnabled(true) { try shared.sum() }  // hooks run unrecorded
            inner = try Autograd.grad([total], [x], retainGraph: true)[0]!.scalars(as: Double.self)
            return g
        }
        try y.sum().backward(retainGraph: true)
        #expect(try x.grad!.scalars(as: Double.self) == [6, 12])  // 3 * 2x
        #expect(inner == [2, 4])  // 2x
        let allRight = await withTaskGroup(of: Bool.self) { group in
            for k in 1...6 {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        let g = try? Autograd.grad([shared.mul(Double(k)).sum()], [x], retainGraph: true)[0]
                        return (try? g?.scalars(as: Double.self)) == [2 * Double(k), 4 * Double(k)]
                    }
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            return all
        }
        #expect(allRight)
    }

    @Test func diamondGraphSumsBothPaths() throws {
        let x = try Tensor(scalar: Float(3)).requiringGrad()
        let a = try x * x, b = try x * 4
        let y = try a * b     // 4 x^3, dy/dx = 12 x^2 = 108
        try y.backward()
        #expect(try x.grad!.item() == 108)
    }

    @Test func longChainDoesNotRecurse() throws {
        let x = try Tensor(scalar: 1.0).requiringGrad()
        var y = x
        for _ in 0..<100_000 { y = try y + 1e-6 }
        try y.backward()
        #expect(try x.grad!.item() == 1)
    }

    @Test func backwardOnALeafAccumulatesIntoItself() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        try x.backward(try Tensor([1, 2, 3] as [Float]))
        #expect(try x.grad!.scalars(as: Float.self) == [1, 2, 3])
    }

    @Test func gradientIsAPrivateCopy() throws {
        // AddBackward0 passes the same gradient to both inputs; each leaf must own its .grad.
        let a = try Tensor.zeros([2], requiresGrad: true), b = try Tensor.zeros([2], requiresGrad: true)
        let seed = try Tensor.ones([2])
        try (a + b).backward(seed)
        try a.grad!.zero_()
        #expect(try b.grad!.scalars(as: Float.self) == [1, 1])
        #expect(try seed.scalars(as: Float.self) == [1, 1])
    }

    @Test func gradientMemoryIsReusedOnlyWhenNothingElseSeesIt() throws {
        // Backward adds into a gradient buffer, or keeps a gradient as .grad, only when no one
        // else holds it: here a hook keeps the leaf's incoming gradient, so .grad is a copy.
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        var seen: Tensor?
        try x.registerHook { g in seen = g; return nil }
        try (x * 2).sum().backward()
        try noGrad { _ = try seen!.fill_(7) }
        #expect(try x.grad!.scalars(as: Float.self) == [2, 2, 2])
        // A seed sent along two edges is summed into a new buffer, never into the seed.
        let y = try x * 1
        let seed = try Tensor.ones([3])
        try (y + y).backward(seed)
        #expect(try seed.scalars(as: Float.self) == [1, 1, 1])
        #expect(try x.grad!.scalars(as: Float.self) == [4, 4, 4])
        // x * 2 saves the scalar (as PyTorch does), and so does x / 2.
        let z = try (x / 2).sum()
        try z.backward()
        expectError(.autograd(Engine.backwardTwiceMessage)) { try z.backward() }
    }

    @Test func largeBlocksAreReusedAndZeroedWhenAsked() throws {
        let n = 1 << 20  // 4 MiB of float32: BlockCache memory
        do {
            let ones = try Tensor.ones([n])
            #expect(try ones.sum().item() == Double(n))
        }
        let zeros = try Tensor.zeros([n])  // served from the block the ones just freed
        #expect(try zeros.abs().sum().item() == 0)
    }

    @Test func inPlaceChecks() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        expectError(.autograd("a leaf Variable that requires grad is being used in an in-place operation.")) {
            _ = try x.zero_()
        }
        try noGrad { _ = try x.zero_() }    // allowed without grad mode, as in PyTorch
        // Overwriting a value saved for backward is caught at backward time.
        let w = try Tensor.arange(1, 4, requiresGrad: true)
        let y = try w * w
        try w.detach().fill_(2)
        expectError(.autograd("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")) {
            try y.sum().backward()
        }
        // zero_ on a result in the graph cuts its history: the gradient behind it is zero.
        let v = try Tensor.arange(1, 4, requiresGrad: true)
        let r = try v * 3
        try r.zero_()
        #expect(r.gradFn?.name == "ZeroBackward0")
        // A saved non-leaf is named by its forward op, as PyTorch 2.x words it.
        let c = try Tensor.arange(1, 4, requiresGrad: true).mul(1)
        let d = try c.sin()
        try c.detach().zero_()
        expectError(.autograd("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Mul, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")) {
            try d.sum().backward()
        }
        // A saved input is named by its grad_fn at backward time (PyTorch's SavedVariable reads
        // it then): here the in-place add that overwrote it. Message printed by torch 2.x.
        let e = try Tensor.arange(1, 4, requiresGrad: true).mul(1)
        let f = try e.sin()
        try e.add_(1)
        expectError(.autograd("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Add, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")) {
            try f.sum().backward()
        }
        // Writing through a view of a leaf that requires grad is writing into the leaf.
        let leaf = try Tensor.zeros([2, 2], requiresGrad: true)
        expectError(.autograd("a leaf Variable that requires grad is being used in an in-place operation.")) {
            _ = try leaf.select(dim: 0, index: 0).fill_(1)
        }
        try leaf.detach().fill_(3)   // a detached alias is not a view of the leaf: allowed
        try (r + v).sum().backward()
        #expect(try v.grad!.scalars(as: Float.self) == [1, 1, 1])
    }

    @Test func viewsOfABaseModifiedInPlaceAreNotDifferentiatedThroughStaleHistory() throws {
        let x = try Tensor.arange(1, 4, requiresGrad: true)
        let y = try x * 2
        let early = try y.select(dim: 0, index: 0)
        let usedBefore = try early * 5       // used before the write: its graph stays correct
        try y.mul_(3)                        // y's history is rewritten
        expectError(.autograd("this view was made before its base was modified by an in-place operation, and swiftgrad does not update the history of such views yet; take the view again after the in-place operation")) {
            _ = try early * 1
        }
        try (usedBefore + y.select(dim: 0, index: 1)).backward()
        // d/dx0 of 5 * (2 x0) = 10; d/dx1 of 3 * (2 x1) = 6.
        #expect(try x.grad!.scalars(as: Float.self) == [10, 6, 0])
        // In-place writes without recording do not make views stale.
        let z = try x * 1
        let v = try z.select(dim: 0, index: 2)
        try noGrad { _ = try z.fill_(4) }
        _ = try v * 1
    }

    @Test func requiresGradRules() throws {
        expectError(.autograd("Only Tensors of floating point and complex dtype can require gradients")) {
            try Tensor.arange(0, 3, dtype: .int64).setRequiresGrad(true)
        }
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        let y = try x * 2
        try y.setRequiresGrad(true)   // no-op on a non-leaf
        expectError(.autograd("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")) {
            try y.setRequiresGrad(false)
        }
    }

    @Test func settingGrad() throws {
        let x = try Tensor.arange(0, 3, requiresGrad: true)
        try x.setGrad(try Tensor.ones([3]))
        try (x * 2).sum().backward()
        #expect(try x.grad!.scalars(as: Float.self) == [3, 3, 3])
        expectError(.shape("assigned grad has data of a different size")) { try x.setGrad(try Tensor.ones([2])) }
        expectError(.dtype("assigned grad has data of a different type")) { try x.setGrad(try Tensor.ones([3], dtype: .float64)) }
        try x.setGrad(nil)
        #expect(x.grad == nil)
    }

    @Test func graphsAreFreedWithTheirTensors() throws {
        try expectFreed {
            let x = try Tensor.arange(0, 4, requiresGrad: true)
            let e = try (x * x).exp()          // exp saves its own output: must not form a cycle
            let y = try e.sum()
            try y.backward(retainGraph: true)
            let n = try x.norm()               // so does norm
            try n.backward()
            return [x, e, y, n, x.grad!]
        }
    }
}
