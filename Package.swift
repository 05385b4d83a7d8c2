// swift-tools-version:6.0
import PackageDescription

// Layering: SwiftGrad (pure Swift core) <- SwiftGradCABI (@_cdecl exports) <- include/swiftgrad.h.
// CBLAS is OpenBLAS (matmul). CThreadLocal gives the core C thread-local variables (Swift has none;
// pthread_getspecific is a call per read, on every op). CParallel is the worker pool large kernels
// split their work over. CSmallBlockCache is the shipped library's
// per-thread cache of small allocations in front of malloc (enabled by the Makefile's release
// flags, which route the library's malloc and free through it). CSwiftGrad is a module map over
// include/swiftgrad.h only, so that every export is declared with `@_cdecl ... @implementation`
// and the compiler checks it against the header's prototype.
//
// SwiftGradVector holds the float32 vector loops (exp, tanh, sigmoid, ...), compiled for the x86-64
// baseline. With SWIFTGRAD_AVX2=1 in the environment (the Makefile's builds set it on x86-64) the
// same files are compiled a second time, as SwiftGradVectorAVX2, for AVX2 and FMA, and SwiftGrad
// picks one set at load from what the processor has (CCPUFeatures). That second build needs a
// compiler flag (-target-cpu), which SwiftPM refuses in a package depended on by version, so a
// plain `swift build` and packages using swiftgrad through SwiftPM get the baseline loops only.
// Both builds take their square roots from CSquareRoots, C with the processor's vector square
// root (Swift's squareRoot() does not vectorise on Linux).
let avx2: Bool = {
    #if arch(x86_64)
    return Context.environment["SWIFTGRAD_AVX2"] == "1"
    #else
    return false
    #endif
}()

var package = Package(
    name: "swiftgrad",
    products: [
        .library(name: "SwiftGrad", targets: ["SwiftGrad"]),
        .library(name: "swiftgrad", type: .dynamic, targets: ["SwiftGradCABI"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CThreadLocal"),
        .target(name: "CParallel"),
        .target(name: "CSmallBlockCache", dependencies: ["CThreadLocal"]),
        .target(name: "CCPUFeatures"),
        .target(name: "CSquareRoots"),
        .target(name: "SwiftGradVector", dependencies: ["CSquareRoots"]),
        .target(
            name: "SwiftGrad",
            dependencies: ["CBLAS", "CThreadLocal", "CParallel", "CCPUFeatures", "SwiftGradVector"] + (avx2 ? ["SwiftGradVectorAVX2"] : []),
            swiftSettings: avx2 ? [.define("SWIFTGRAD_AVX2")] : []
        ),
        .systemLibrary(name: "CSwiftGrad", path: "Sources/CSwiftGrad"),
        .target(name: "SwiftGradCABI", dependencies: ["SwiftGrad", "CSwiftGrad", "CSmallBlockCache"], exclude: ["swiftgrad.map"]),
        .testTarget(
            name: "SwiftGradTests",
            dependencies: ["SwiftGrad", "SwiftGradVector"] + (avx2 ? ["SwiftGradVectorAVX2", "CCPUFeatures"] : []),
            swiftSettings: avx2 ? [.define("SWIFTGRAD_AVX2")] : []
        ),
    ],
    swiftLanguageModes: [.v5]
)

if avx2 {
    package.targets.append(.target(name: "SwiftGradVectorAVX2", dependencies: ["CSquareRoots"], swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"]), .define("SWIFTGRAD_FMA")]))
}

// `make docs` builds the DocC documentation of the SwiftGrad module with swift-docc-plugin; the
// plugin is a dependency only then (SWIFTGRAD_DOCS=1), so a package depending on swiftgrad
// resolves nothing extra.
if Context.environment["SWIFTGRAD_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
