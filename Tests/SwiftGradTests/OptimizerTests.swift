import Testing
@testable import SwiftGrad

/// The optimizers in float32 against what PyTorch 2.x prints for the same three steps on
/// loss = sum(p³) from p = [0.5, -1, 1.5] (`torch.optim.Adam(params, lr=0.1)` and so on). The
/// values agree to the last bit because the kernels follow PyTorch's order of operations; the
/// C tests check the rules themselves against textbook formulas in float64.
@Suite struct OptimizerTests {
    private func run(_ algorithm: Optimizer.Algorithm, _ options: Optimizer.Options, steps: Int = 3) throws -> [Float] {
        let p = try Tensor([0.5, -1.0, 1.5] as [Float], shape: [3])
        try p.setRequiresGrad(true)
        let optimizer = try Optimizer(algorithm, params: [p], options: options)
        for _ in 0..<steps {
            try optimizer.zeroGrad()
            try p.pow(3).sum().backward()
            try optimizer.step()
        }
        return try p.scalars(as: Float.self)
    }

    @Test func adamMatchesPyTorch() throws {
        #expect(try run(.adam, .adam(lr: 0.1)) == [0.21322035789489746, -1.3002147674560547, 1.2022385597229004])
        #expect(try run(.adam, .adam(lr: 0.05, weightDecay: 0.1, maximize: true))
                == [0.6500855684280396, -0.850727379322052, 1.6502143144607544])
    }

    @Test func adamWWithAmsgradMatchesPyTorch() throws {
        #expect(try run(.adamW, .adam(lr: 0.1, beta1: 0.5, beta2: 0.9, weightDecay: 0.1, amsgrad: true))
                == [0.22070804238319397, -1.274285912513733, 1.1676491498947144])
    }

    @Test func nesterovSGDMatchesPyTorch() throws {
        #expect(try run(.sgd, .sgd(lr: 0.05, momentum: 0.8, weightDecay: 0.1, nesterov: true))
                == [0.27360832691192627, -2.8262829780578613, 0.13140350580215454])
    }

    @Test func stepBumpsTheVersionAndRecordsNothing() throws {
        let p = try Tensor([1, 2] as [Float], shape: [2])
        try p.setRequiresGrad(true)
        let optimizer = try Optimizer(.sgd, params: [p], options: .sgd(lr: 0.5))
        try p.sum().backward()
        let version = p.storage.version
        try optimizer.step()
        #expect(p.storage.version != version)
        #expect(p.isLeaf && p.requiresGrad)
        #expect(try p.scalars(as: Float.self) == [0.5, 1.5])
    }

    @Test func stateIsPerParameterAndOptionsPerGroup() throws {
        let a = try Tensor([1] as [Double], shape: [1]), b = try Tensor([1] as [Double], shape: [1])
        for t in [a, b] { try t.setRequiresGrad(true) }
        let optimizer = try Optimizer(.sgd, params: [a], options: .sgd(lr: 0.1, momentum: 0.5))
        var slow = Optimizer.Options.sgd(lr: 0.01, momentum: 0.5)
        slow.dampening = 0.5
        try optimizer.addParamGroup([b], options: slow)
        for _ in 0..<2 {
            try optimizer.zeroGrad()
            try a.add(b).sum().backward()
            try optimizer.step()
        }
        // a: buf 1, then 1.5 -> 1 - 0.1 - 0.15; b: buf 1, then 0.5 + 0.5 -> 1 - 0.01 - 0.01.
        #expect(try a.item() == 1 - 0.1 - 0.15)
        #expect(try b.item() == 1 - 0.01 - 0.01)
        #expect(try optimizer.option("dampening", group: 1) == 0.5)
        // The momentum buffers by hand: a's is 1, then 0.5 + 1; b's is 1, then 0.5 + 0.5 · 1.
        #expect(try optimizer.state("momentum_buffer", group: 0, index: 0)?.item() == 1.5)
        #expect(try optimizer.state("momentum_buffer", group: 1, index: 0)?.item() == 1.0)
        #expect(throws: SwiftGradError.invalidArgument("SGD has no option 'eps'; its options are lr, momentum, dampening, weight_decay, nesterov, maximize")) {
            try optimizer.setOption("eps", 1, group: 0)
        }
    }
}
