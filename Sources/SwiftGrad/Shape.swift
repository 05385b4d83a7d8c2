/// Shape arithmetic shared by every op. Shapes are `[Int]` (sizes) with row-major `[Int]` strides
/// counted in elements; a 0-d scalar has the empty shape.
public enum Shape {
    /// The largest number of dimensions (the C ABI's `SG_MAX_DIMS`).
    public static let maxDims = 64

    /// Validates sizes coming from outside and returns their element count.
    /// - Throws: `.invalidArgument` for too many dimensions, a negative size, or an element
    ///   or byte count that overflows `Int64`.
    public static func validate(_ shape: [Int], itemSize: Int = 8) throws -> Int {
        guard shape.count <= maxDims else {
            throw SwiftGradError.invalidArgument(
                "a tensor may have at most \(maxDims) dimensions, got \(shape.count)")
        }
        var count = 1
        for size in shape {
            guard size >= 0 else {
                throw SwiftGradError.invalidArgument(
                    "Trying to create tensor with negative dimension \(size): \(describe(shape))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw SwiftGradError.invalidArgument(
                    "the number of elements of a tensor of shape \(describe(shape)) overflows int64")
            }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else {
            throw SwiftGradError.outOfMemory(
                "a tensor of shape \(describe(shape)) needs more than 2^63 bytes")
        }
        _ = bytes
        return count
    }

    /// Element count of a shape already known to be valid.
    @inline(__always)
    static func count(_ shape: [Int]) -> Int {
        var n = 1
        for s in shape { n &*= s }
        return n
    }

    /// Row-major strides for a contiguous tensor of this shape. Small ranks are built from array
    /// literals: every op result needs strides, and `Array(repeating:count:)` costs a generic
    /// metadata lookup per call.
    private static let unitStrides = [1]

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        switch shape.count {
        case 0: return []
        case 1: return unitStrides
        case 2: return [Swift.max(shape[1], 1), 1]
        case 3:
            let s1 = Swift.max(shape[2], 1)
            return [s1 &* Swift.max(shape[1], 1), s1, 1]
        default:
            var strides = [Int].filled(1, count: shape.count)
            var running = 1
            for d in stride(from: shape.count - 1, through: 0, by: -1) {
                strides[d] = running
                running &*= Swift.max(shape[d], 1)
            }
            return strides
        }
    }

    /// NumPy/PyTorch broadcasting of two shapes.
    /// - Throws: `.shape` with PyTorch's message when a pair of sizes is neither equal nor 1.
    @inline(__always)
    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a }
        return try broadcastDifferent(a, b)
    }

    private static func broadcastDifferent(_ a: [Int], _ b: [Int]) throws -> [Int] {
        // Most often one shape is the result already (a scalar, a bias): return it without
        // building a new array.
        if isExpandable(b, to: a) { return a }
        if isExpandable(a, to: b) { return b }
        let n = Swift.max(a.count, b.count)
        var result = [Int].filled(1, count: n)
        for i in 0..<n {
            let sa = i >= n - a.count ? a[i - (n - a.count)] : 1
            let sb = i >= n - b.count ? b[i - (n - b.count)] : 1
            guard sa == sb || sa == 1 || sb == 1 else {
                throw SwiftGradError.shape(
                    "The size of tensor a (\(sa)) must match the size of tensor b (\(sb)) at non-singleton dimension \(i)")
            }
            result[i] = sa == 1 ? sb : sa
        }
        return result
    }

    /// Whether `shape` broadcasts to `target` (each trailing size equal or 1).
    static func isExpandable(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else { return false }
        let lead = target.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 && shape[i] != target[lead + i] {
            return false
        }
        return true
    }

    /// Strides that read a tensor of `shape`/`strides` as if expanded to `target`:
    /// broadcast dimensions get stride 0.
    static func expandedStrides(_ shape: [Int], _ strides: [Int], to target: [Int]) -> [Int] {
        let lead = target.count - shape.count
        var result = [Int].filled(0, count: target.count)
        for i in 0..<shape.count where shape[i] == target[lead + i] && shape[i] != 1 {
            result[lead + i] = strides[i]
        }
        return result
    }

    /// Wraps a possibly negative dimension index into `0..<ndim`.
    /// - Throws: `.invalidArgument` with PyTorch's "Dimension out of range" message.
    static func normalize(dim: Int, ndim: Int) throws -> Int {
        let rank = Swift.max(ndim, 1)  // PyTorch lets a 0-d tensor use dims 0 and -1
        guard dim >= -rank, dim < rank else {
            throw SwiftGradError.invalidArgument(
                "Dimension out of range (expected to be in range of [\(-rank), \(rank - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + rank : dim
    }

    /// `[2, 3]` as PyTorch prints sizes in messages.
    static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// `torch.Size([2, 3])`.
    static func torchSize(_ shape: [Int]) -> String { "torch.Size(\(describe(shape)))" }
}
