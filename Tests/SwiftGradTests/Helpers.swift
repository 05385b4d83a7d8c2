import Testing
@testable import SwiftGrad

/// Builds inputs of `shapes`, draws reproducible values (shifted to [0.5, 2.5] when `positive`,
/// for functions like log), and returns them as leaves requiring grad.
func makeInputs(_ shapes: [[Int]], dtype: DType, positive: Bool, seed: UInt64) throws -> [Tensor] {
    let generator = Generator(seed: seed)
    return try shapes.map { shape in
        var t = try Tensor.randn(shape, dtype: .float64, generator: generator)
        if positive { t = try noGrad { try t.mul(t).add(0.5).pow(0.5).add(0.2) } }
        let converted = try t.to(dtype)
        try converted.setRequiresGrad(true)
        return converted
    }
}

/// L(inputs) = sum(f(inputs) * w) for fixed random weights w, so every output element gets a
/// different upstream gradient.
func weightedLoss(_ f: ([Tensor]) throws -> Tensor, _ inputs: [Tensor], weights: inout Tensor?) throws -> Tensor {
    let out = try f(inputs)
    if weights == nil || weights!.shape != out.shape {
        weights = try Tensor.randn(out.shape, dtype: .float64, generator: Generator(seed: 99)).to(out.dtype)
    }
    return try out.mul(weights!).sum()
}

/// Checks the gradients backward computes for `f` against central finite differences in
/// float64, and (for float32) against the float64 gradients.
func checkGradients(
    _ shapes: [[Int]], positive: Bool = false, seed: UInt64 = 1,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: @escaping ([Tensor]) throws -> Tensor
) throws {
    for dtype in [DType.float64, .float32] {
        try checkGradients(shapes, dtype: dtype, positive: positive, seed: seed, sourceLocation: sourceLocation, f)
    }
}

private func checkGradients(
    _ shapes: [[Int]], dtype: DType, positive: Bool, seed: UInt64,
    sourceLocation: SourceLocation, _ f: @escaping ([Tensor]) throws -> Tensor
) throws {
    // Reference: float64 analytic gradients checked by finite differences.
    let inputs = try makeInputs(shapes, dtype: .float64, positive: positive, seed: seed)
    var weights: Tensor?
    try weightedLoss(f, inputs, weights: &weights).backward()
    let h = 1e-6
    for (index, input) in inputs.enumerated() {
        let analytic = try #require(input.grad, "input \(index) got no gradient", sourceLocation: sourceLocation)
        let values = input.storage.pointer(Double.self)
        var numeric: [Double] = []
        for j in 0..<input.count {
            let saved = values[j]
            values[j] = saved + h
            let plus = try noGrad { try weightedLoss(f, inputs, weights: &weights).item() }
            values[j] = saved - h
            let minus = try noGrad { try weightedLoss(f, inputs, weights: &weights).item() }
            values[j] = saved
            numeric.append((plus - minus) / (2 * h))
        }
        expectClose(try analytic.scalars(as: Double.self), numeric, tolerance: 1e-5,
                    "d/d input \(index) (float64)", sourceLocation: sourceLocation)
        if dtype == .float32 {
            let narrow = try makeInputs(shapes, dtype: .float32, positive: positive, seed: seed)
            var w32: Tensor?
            try weightedLoss(f, narrow, weights: &w32).backward()
            let g32 = try #require(narrow[index].grad, sourceLocation: sourceLocation)
            #expect(g32.dtype == .float32, sourceLocation: sourceLocation)
            expectClose(try g32.scalars(as: Double.self), try analytic.scalars(as: Double.self), tolerance: 2e-3,
                        "d/d input \(index) (float32 vs float64)", sourceLocation: sourceLocation)
        }
    }
}

/// Elementwise closeness with a relative-and-absolute tolerance.
func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let ok = (a.isNaN && e.isNaN) || a == e || abs(a - e) <= tolerance * max(1, abs(e))
        #expect(ok, "\(what)[\(i)]: \(a) vs \(e)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw exactly `error`.
func expectError(_ error: SwiftGradError, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    #expect(throws: error, sourceLocation: sourceLocation) { try body() }
}

/// Checks that `make`'s tensors, and the graph nodes behind them, are freed once the caller
/// lets go of them: no reference cycles. (Weak references rather than the global live count,
/// which tests running in parallel would disturb.)
func expectFreed(sourceLocation: SourceLocation = #_sourceLocation, _ make: () throws -> [Tensor]) rethrows {
    var tensors: [WeakBox<Tensor>] = []
    var nodes: [WeakBox<Node>] = []
    try {
        for t in try make() {
            tensors.append(WeakBox(t))
            if let node = t.gradFn { nodes.append(WeakBox(node)) }
        }
    }()
    #expect(tensors.allSatisfy { $0.value == nil }, "a tensor outlived its owners", sourceLocation: sourceLocation)
    #expect(nodes.allSatisfy { $0.value == nil }, "a graph node outlived its tensors", sourceLocation: sourceLocation)
}

final class WeakBox<T: AnyObject> {
    weak var value: T?
    init(_ value: T) { self.value = value }
}
