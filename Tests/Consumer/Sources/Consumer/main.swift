// D2L's "Automatic Differentiation" chapter and a linear regression trained with SGD, through
// the SwiftGrad product only, from a package that depends on swiftgrad. Exits non-zero when a
// result is not what the hand derivation says.
import Foundation
import SwiftGrad

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        print("FAILED: \(message())")
        exit(1)
    }
}

// The chapter: y = 2 x.x, so dy/dx = 4x.
let x = try Tensor.arange(0, 4, requiresGrad: true)
let y = try 2 * dot(x, x)
try y.backward()
print("y = \(y)")
print("x.grad = \(x.grad!)")
check(try y.item() == 28, "y = \(y), expected 28")
check(try x.grad!.scalars(as: Float.self) == [0, 4, 8, 12], "x.grad = \(x.grad!), expected 4x = [0, 4, 8, 12]")

// Linear regression from scratch (D2L 3.4): y = X w + b with w = [2, -3.4], b = 4.2, fitted by SGD.
Tensor.manualSeed(0)
let features = try Tensor.randn([256, 2])
let trueW = try Tensor([2.0, -3.4] as [Float], shape: [2, 1])
let labels = try features.matmul(trueW) + 4.2
let w = try Tensor.zeros([2, 1], requiresGrad: true)
let b = try Tensor.zeros([1], requiresGrad: true)
let optimizer = try Optimizer(.sgd, params: [w, b], options: .sgd(lr: 0.1))
var losses: [Double] = []
for _ in 0..<200 {
    try optimizer.zeroGrad()
    let residual = try features.matmul(w) + b - labels
    let loss = try (residual * residual).mean()
    try loss.backward()
    try optimizer.step()
    losses.append(try loss.item())
}
let fitted = try w.scalars(as: Float.self) + b.scalars(as: Float.self)
print("trained: loss \(losses[0]) -> \(losses[losses.count - 1]); w = \(fitted[0..<2]), b = \(fitted[2])")
check(abs(fitted[0] - 2) < 1e-3 && abs(fitted[1] + 3.4) < 1e-3 && abs(fitted[2] - 4.2) < 1e-3,
      "w, b = \(fitted), expected [2, -3.4], 4.2")
print("SwiftGrad \(PackageVersion.string) from a dependent package: the chapter and a training loop work")
