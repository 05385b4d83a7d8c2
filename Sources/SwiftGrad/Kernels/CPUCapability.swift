#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCPUFeatures
import SwiftGradVector
#if SWIFTGRAD_AVX2
import SwiftGradVectorAVX2
#endif

/// The instruction set the vector loops run with, chosen once at load as PyTorch's CPU
/// dispatch does: AVX2 (with FMA) where the library was built with its AVX2 loops and the
/// processor and OS run them, else the x86-64 baseline. `SWIFTGRAD_CPU_CAPABILITY=default` (or
/// `avx2`, honoured only where it can run) in the environment overrides the choice, as
/// `ATEN_CPU_CAPABILITY` does PyTorch's; the tests use it to run both sets.
public enum CPUCapability: String, Sendable {
    case `default` = "DEFAULT"
    case avx2 = "AVX2"

    /// The capability in use (`torch.backends.cpu.get_cpu_capability()`).
    public static let current: CPUCapability = {
        let available: CPUCapability = builtWithAVX2 && sgcpu_has_avx2_fma() ? .avx2 : .default
        guard let asked = getenv("SWIFTGRAD_CPU_CAPABILITY").map({ String(cString: $0).lowercased() }) else {
            return available
        }
        return asked == "default" ? .default : available
    }()

    /// Whether this build has the AVX2 loops (the Makefile's builds on x86-64 do).
    public static var builtWithAVX2: Bool {
        #if SWIFTGRAD_AVX2
        return true
        #else
        return false
        #endif
    }

    /// The loop for products with a small inner size (`VectorLoops.smallInnerGemm`), with AVX2
    /// only: on the baseline, OpenBLAS still multiplies with its own AVX2 kernels, and the loop in
    /// two SSE registers without fused multiply-adds was not measured against them.
    static let smallInnerGemm: SwiftGradVector.VectorLoops.SmallInnerGemm? = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 { return SwiftGradVectorAVX2.VectorLoops.smallInnerGemm }
        #endif
        return nil
    }()

    /// softmax and log_softmax over rows, and their backward (`VectorLoops.softmaxRows`), in
    /// this capability's lanes: on the baseline too, where they replace scalar loops.
    static let softmaxRows: (forward: SwiftGradVector.VectorLoops.SoftmaxRows,
                             backward: SwiftGradVector.VectorLoops.SoftmaxBackwardRows) = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 {
            return (SwiftGradVectorAVX2.VectorLoops.softmaxRows, SwiftGradVectorAVX2.VectorLoops.softmaxBackwardRows)
        }
        #endif
        return (SwiftGradVector.VectorLoops.softmaxRows, SwiftGradVector.VectorLoops.softmaxBackwardRows)
    }()

    /// Float32 sums and products into float64 totals (`VectorLoops.rowSums`, `addRows`,
    /// `rowProducts`) in this capability's lanes; both builds give the same bits.
    static let widened: (sums: SwiftGradVector.VectorLoops.RowSums, addRows: SwiftGradVector.VectorLoops.AddRows,
                         products: SwiftGradVector.VectorLoops.RowProducts) = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 {
            return (SwiftGradVectorAVX2.VectorLoops.rowSums, SwiftGradVectorAVX2.VectorLoops.addRows,
                    SwiftGradVectorAVX2.VectorLoops.rowProducts)
        }
        #endif
        return (SwiftGradVector.VectorLoops.rowSums, SwiftGradVector.VectorLoops.addRows, SwiftGradVector.VectorLoops.rowProducts)
    }()

    /// Float32 clamp, maximum and minimum (SwiftGradVector's Extrema.swift) in this capability's
    /// lanes; both builds give the same bits.
    static let extrema: (clamp: SwiftGradVector.VectorLoops.Clamp, maximum: Binary, minimum: Binary) = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 {
            return (SwiftGradVectorAVX2.VectorLoops.clamp, SwiftGradVectorAVX2.VectorLoops.maximum,
                    SwiftGradVectorAVX2.VectorLoops.minimum)
        }
        #endif
        return (SwiftGradVector.VectorLoops.clamp, SwiftGradVector.VectorLoops.maximum, SwiftGradVector.VectorLoops.minimum)
    }()

    /// softmax and log_softmax over a dimension before the last, and their backward
    /// (`VectorLoops.softmaxColumns`), in this capability's lanes.
    static let softmaxColumns: (forward: SwiftGradVector.VectorLoops.SoftmaxColumns,
                                backward: SwiftGradVector.VectorLoops.SoftmaxBackwardColumns) = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 {
            return (SwiftGradVectorAVX2.VectorLoops.softmaxColumns, SwiftGradVectorAVX2.VectorLoops.softmaxBackwardColumns)
        }
        #endif
        return (SwiftGradVector.VectorLoops.softmaxColumns, SwiftGradVector.VectorLoops.softmaxBackwardColumns)
    }()

    typealias Unary = SwiftGradVector.VectorLoops.Unary
    typealias Binary = SwiftGradVector.VectorLoops.Binary

    /// The float32 vector loops of this capability.
    static let loops: SwiftGradVector.VectorLoops.Table = {
        #if SWIFTGRAD_AVX2
        if current == .avx2 { return SwiftGradVectorAVX2.VectorLoops.all }
        #endif
        return SwiftGradVector.VectorLoops.all
    }()

    /// `loops.log` with AVX2 only: on the baseline the eight-lane log measured slower than libm's
    /// logf (5.2 against 4.7 ms on 1.2M elements, one thread; with AVX2 1.5-1.7 ms), so its
    /// kernel keeps logf there.
    static let vectorLog: Unary? = current == .avx2 ? loops.log : nil
}
