// swift-tools-version:6.0
import PackageDescription

// A package outside swiftgrad that depends on it as a user's package would (by path here; by
// URL and version in a real project) and uses only its `SwiftGrad` product. `make test-packaging`
// builds and runs it (Tests/Consumer is not part of the swiftgrad package itself).
let package = Package(
    name: "Consumer",
    dependencies: [
        .package(name: "swiftgrad", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [.product(name: "SwiftGrad", package: "swiftgrad")]),
    ]
)
