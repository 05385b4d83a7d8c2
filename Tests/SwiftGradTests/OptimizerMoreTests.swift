import Foundation
import Testing
@testable import SwiftGrad

/// RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam against steps computed by hand, on one
/// float64 parameter p = 1 with the constant gradient 2 (loss = 2p), so that each step's
/// arithmetic is short enough to do on paper (written out in the comments). The Python tests
/// compare eight steps of each against PyTorch; the C tests the rules on a changing gradient.
@Suite struct OptimizerMoreTests {
    /// p after each of `steps` steps from p = 1 with gradient 2.
    private func run(_ algorithm: Optimizer.Algorithm, _ options: Optimizer.Options, steps: Int = 2,
                     dtype: DType = .float64) throws -> [Double] {
        let p = try Tensor([1.0] as [Double], shape: [1]).to(dtype)
        try p.setRequiresGrad(true)
        let optimizer = try Optimizer(algorithm, params: [p], options: options)
        var trace: [Double] = []
        for _ in 0..<steps {
            try optimizer.zeroGrad()
            try p.mul(2).sum().backward()
            try optimizer.step()
            trace.append(try p.item())
        }
        return trace
    }

    private func expectClose(_ got: [Double], _ want: [Double], tolerance: Double = 1e-15,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, sourceLocation: sourceLocation)
        for (a, b) in zip(got, want) {
            #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(got) != \(want)", sourceLocation: sourceLocation)
        }
    }

    @Test func rmsprop() throws {
        // alpha 0.5: v1 = 0.5 * 4 = 2, p1 = 1 - 0.1 * 2 / sqrt(2) = 1 - 0.1 sqrt(2);
        // v2 = 0.5 * 2 + 2 = 3, p2 = p1 - 0.2 / sqrt(3).
        let p1 = 1 - 0.1 * 2.0.squareRoot()
        expectClose(try run(.rmsprop, .rmsprop(lr: 0.1, alpha: 0.5, eps: 0)), [p1, p1 - 0.2 / 3.0.squareRoot()])
        // Centered: mean g1 = 1, v1 - 1 = 1: p1 = 1 - 0.1 * 2 / 1 = 0.8; g2 mean 1.5, v2 = 3:
        // sqrt(3 - 2.25) = sqrt(0.75), p2 = 0.8 - 0.2 / sqrt(0.75).
        expectClose(try run(.rmsprop, .rmsprop(lr: 0.1, alpha: 0.5, eps: 0, centered: true)),
                    [0.8, 0.8 - 0.2 / 0.75.squareRoot()])
        // Momentum 0.5: b1 = 2 / sqrt(2) = sqrt(2), p1 = 1 - 0.1 sqrt(2); b2 = sqrt(2)/2 + 2/sqrt(3).
        let b2 = 2.0.squareRoot() / 2 + 2 / 3.0.squareRoot()
        expectClose(try run(.rmsprop, .rmsprop(lr: 0.1, alpha: 0.5, eps: 0, momentum: 0.5)), [p1, p1 - 0.1 * b2])
        // maximize: the same steps upwards.
        expectClose(try run(.rmsprop, .rmsprop(lr: 0.1, alpha: 0.5, eps: 0, maximize: true)),
                    [2 - p1, 2 - p1 + 0.2 / 3.0.squareRoot()])
    }

    @Test func adagrad() throws {
        // sum1 = 4, p1 = 1 - 0.1 * 2 / 2 = 0.9; lr_decay 1: clr2 = 0.1 / 2, sum2 = 8,
        // p2 = 0.9 - 0.05 * 2 / sqrt(8).
        expectClose(try run(.adagrad, .adagrad(lr: 0.1, lrDecay: 1, eps: 0)), [0.9, 0.9 - 0.1 / 8.0.squareRoot()])
        // initial_accumulator_value 5: sum1 = 9, p1 = 1 - 0.1 * 2 / 3.
        expectClose(try run(.adagrad, .adagrad(lr: 0.1, initialAccumulatorValue: 5, eps: 0), steps: 1), [1 - 0.2 / 3])
        // weight decay 1: gradient 2 + p = 3, sum1 = 9, p1 = 1 - 0.1 * 3 / 3 = 0.9.
        expectClose(try run(.adagrad, .adagrad(lr: 0.1, weightDecay: 1, eps: 0), steps: 1), [0.9])
    }

    @Test func adagradHasStateFromTheStart() throws {
        let p = try Tensor([1, 2] as [Double], shape: [2])
        try p.setRequiresGrad(true)
        let optimizer = try Optimizer(.adagrad, params: [p], options: .adagrad(initialAccumulatorValue: 0.25))
        #expect(try optimizer.hasState(group: 0, index: 0))
        #expect(try optimizer.state("step", group: 0, index: 0)?.item() == 0)
        #expect(try optimizer.state("sum", group: 0, index: 0)?.scalars(as: Double.self) == [0.25, 0.25])
    }

    @Test func adadelta() throws {
        // rho 0.5, eps 0.01: v1 = 2, delta1 = sqrt(0.01) / sqrt(2.01) * 2, u1 = 0.5 delta1^2;
        // v2 = 3, delta2 = sqrt(u1 + 0.01) / sqrt(3.01) * 2.
        let delta1 = 0.1 / 2.01.squareRoot() * 2
        let delta2 = (0.5 * delta1 * delta1 + 0.01).squareRoot() / 3.01.squareRoot() * 2
        expectClose(try run(.adadelta, .adadelta(lr: 1, rho: 0.5, eps: 0.01)), [1 - delta1, 1 - delta1 - delta2])
    }

    @Test func adamax() throws {
        // beta1 = beta2 = 0.5: m1 = 1, u1 = 2, p1 = 1 - 0.1 / 0.5 * 1 / 2 = 0.9;
        // m2 = 1.5, u2 = max(1, 2) = 2, p2 = 0.9 - 0.1 / 0.75 * 1.5 / 2 = 0.8.
        expectClose(try run(.adamax, .adamax(lr: 0.1, beta1: 0.5, beta2: 0.5, eps: 0)), [0.9, 0.8])
    }

    @Test func nadam() throws {
        // momentum_decay 0 keeps mu = beta1 / 2 = 0.25 (beta1 0.5), a product 0.25 then 0.0625.
        // Step 1: m = 1, v = 0.5 * 4 = 2 (beta2 0.5), v / (1 - 0.5) = 4, denom 2;
        // p1 = 1 - 0.1 * 0.75 / 0.75 * 2 / 2 - 0.1 * 0.25 / (1 - 0.0625) * 1 / 2.
        let p1 = 1 - 0.1 - 0.1 * 0.25 / 0.9375 / 2
        // Step 2: m = 1.5, v = 3, v / 0.75 = 4, denom 2; mu product 0.0625, next 0.015625;
        // p2 = p1 - 0.1 * 0.75 / 0.9375 * 2 / 2 - 0.1 * 0.25 / (1 - 0.015625) * 1.5 / 2.
        let p2 = p1 - 0.1 * 0.75 / 0.9375 - 0.1 * 0.25 / 0.984375 * 0.75
        expectClose(try run(.nadam, .nadam(lr: 0.1, beta1: 0.5, beta2: 0.5, eps: 0, momentumDecay: 0)), [p1, p2])
        // Decoupled weight decay 1: p *= 1 - 0.1 first (the gradient is still 2).
        let q1 = 0.9 - 0.1 - 0.1 * 0.25 / 0.9375 / 2
        expectClose(try run(.nadam, .nadam(lr: 0.1, beta1: 0.5, beta2: 0.5, eps: 0, weightDecay: 1, momentumDecay: 0,
                                           decoupledWeightDecay: true), steps: 1), [q1])
    }

    @Test func nadamKeepsItsProductInFloat32() throws {
        let p = try Tensor([1] as [Double], shape: [1])
        try p.setRequiresGrad(true)
        let optimizer = try Optimizer(.nadam, params: [p], options: .nadam())
        try p.sum().backward()
        try optimizer.step()
        let mu = 0.9 * (1 - 0.5 * pow(0.96, 4e-3))
        let product = try #require(try optimizer.state("mu_product", group: 0, index: 0))
        #expect(product.dtype == .float32)
        #expect(try product.item() == Double(Float(mu)))
        // Loaded state takes the parameter's dtype, as PyTorch's load_state_dict converts it.
        try optimizer.setState("mu_product", Tensor(scalar: Float(0.5)), group: 0, index: 0)
        #expect(try optimizer.state("mu_product", group: 0, index: 0)?.dtype == .float64)
        #expect(throws: SwiftGradError.shape("state 'mu_product' must have one element, not 2")) {
            try optimizer.setState("mu_product", Tensor([1, 2] as [Double], shape: [2]), group: 0, index: 0)
        }
    }

    @Test func radam() throws {
        // With the default betas rho_t < 5 for the first steps: plain momentum, m-hat = 2
        // for a constant gradient, p_t = 1 - 0.1 * 2 t.
        expectClose(try run(.radam, .radam(lr: 0.1), steps: 3), [0.8, 0.6, 0.4], tolerance: 1e-14)
        // Decoupled decay 0.5: p1 = 1 * (1 - 0.05) - 0.2.
        expectClose(try run(.radam, .radam(lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true), steps: 1), [0.75])
        // L2 decay 0.5: the gradient is 2.5, p1 = 1 - 0.25.
        expectClose(try run(.radam, .radam(lr: 0.1, weightDecay: 0.5), steps: 1), [0.75])
    }

    @Test func radamRectifiedStep() throws {
        // beta1 0, beta2 0.8: rho_inf = 9; at t = 1, rho = 9 - 2 * 0.8 / 0.2 = 1 (plain step:
        // p1 = 1 - 0.1 * 2 = 0.8); ... at t = 7, rho_7 = 9 - 14 * 0.8^7 / (1 - 0.8^7) > 5 and
        // the step is lr * g * sqrt(1 - 0.8^7) / sqrt(v7) * r with v7 = 4 (1 - 0.8^7).
        let trace = try run(.radam, .radam(lr: 0.1, beta1: 0, beta2: 0.8, eps: 0), steps: 7)
        let b7 = pow(0.8, 7.0), rho7 = 9 - 14 * b7 / (1 - b7)
        let r = ((rho7 - 4) * (rho7 - 2) * 9 / (5 * 7 * rho7)).squareRoot()
        let step7 = 0.1 * 2 * (1 - b7).squareRoot() / (4 * (1 - b7)).squareRoot() * r
        expectClose(Array(trace.prefix(6)), [0.8, 0.6, 0.4, 0.2, 0.0, -0.2], tolerance: 1e-14)
        expectClose([trace[6]], [-0.2 - step7], tolerance: 1e-14)
    }

    @Test func halfPrecisionRunsInFloat32() throws {
        // bfloat16 parameters step in float32 and round back: Adamax's steps above (m / u =
        // 1/2, then 3/4), from the rounded parameter.
        let trace = try run(.adamax, .adamax(lr: 0.1, beta1: 0.5, beta2: 0.5, eps: 0), dtype: .bfloat16)
        let p1 = BFloat16Check.round(1 + Float(-(0.1 / 0.5)) * 0.5)
        let p2 = BFloat16Check.round(p1 + Float(-(0.1 / 0.75)) * 0.75)
        #expect(p1 != 0.9 && p2 != p1 - 0.1)  // the rounding is visible
        expectClose(trace, [Double(p1), Double(p2)], tolerance: 0)
    }

    @Test func optionsAndChecks() throws {
        let p = try Tensor([1] as [Double], shape: [1])
        try p.setRequiresGrad(true)
        #expect(throws: SwiftGradError.invalidArgument("Invalid rho value: 1.5")) {
            try Optimizer(.adadelta, params: [p], options: .adadelta(rho: 1.5))
        }
        #expect(throws: SwiftGradError.invalidArgument("Invalid alpha value: -1.0")) {
            try Optimizer(.rmsprop, params: [p], options: .rmsprop(alpha: -1))
        }
        let optimizer = try Optimizer(.nadam, params: [p], options: .nadam())
        #expect(try optimizer.option("momentum_decay", group: 0) == 4e-3)
        try optimizer.setOptions([("decoupled_weight_decay", 1), ("weight_decay", 0.5)], group: 0)
        #expect(try optimizer.option("decoupled_weight_decay", group: 0) == 1)
        #expect(Optimizer.stateNames(for: .rmsprop) == ["step", "square_avg", "momentum_buffer", "grad_avg"])
        #expect(throws: SwiftGradError.invalidArgument("NAdam has no option 'alpha'; its options are lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay, maximize")) {
            try optimizer.setOption("alpha", 1, group: 0)
        }
    }
}

/// bfloat16 rounding (to nearest even) of a float32 value, written out: keep the top 16 bits.
private enum BFloat16Check {
    static func round(_ x: Float) -> Float {
        let bits = x.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        return Float(bitPattern: rounded)
    }
}
