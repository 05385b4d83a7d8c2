/// Searching sorted sequences (searchsorted, bucketize) and membership (isin). The results are
/// int64 indices or bools: not differentiable. Operands promote to a common dtype first, as in
/// PyTorch, so an int64 tensor can be searched for float values.
extension Tensor {
    /// For each element of `values`, the index where it would be inserted into the last
    /// dimension of `sortedSequence` to keep it sorted (`torch.searchsorted`): the first
    /// position whose boundary is >= the value (> when `right`). `sortedSequence` is 1-d, or
    /// has the leading dimensions of `values` (one sequence per row); `sorter`, if given, holds
    /// the indices that sort each row of it. int64 (int32 when `outInt32`), the shape of `values`.
    /// - Throws: `.invalidArgument` for mismatched shapes or a sorter out of range; `.dtype` for
    ///   bool operands or a non-int64 sorter.
    public static func searchsorted(_ sortedSequence: Tensor, _ values: Tensor, outInt32: Bool = false,
                                    right: Bool = false, sorter: Tensor? = nil) throws -> Tensor {
        let leadingMatch = sortedSequence.ndim == values.ndim && sortedSequence.ndim > 0
            && Array(sortedSequence.shape.dropLast()) == Array(values.shape.dropLast())
        guard sortedSequence.ndim == 1 || leadingMatch else {
            throw SwiftGradError.invalidArgument("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor \(Shape.describe(sortedSequence.shape)) and input value tensor \(Shape.describe(values.shape))")
        }
        if let sorter {
            guard sorter.dtype == .int64 else {
                throw SwiftGradError.dtype("torch.searchsorted(): sorter must be a tensor of long dtype but got dtype \(sorter.dtype.scalarTypeName)")
            }
            guard sorter.shape == sortedSequence.shape else {
                throw SwiftGradError.invalidArgument("torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor \(Shape.describe(sortedSequence.shape))and got sorter tensor \(Shape.describe(sorter.shape))")
            }
        }
        let common = TypePromotion.resultType(sortedSequence, values)
        if common == .bool { throw Tensor.notImplemented("searchsorted_out_cpu", .bool) }
        // Compared exactly in float32, float64 or int64 (float16, bfloat16 and narrow integers widen).
        let key = common.orderingKey
        let boundaries = try noGrad { try sortedSequence.to(common, recording: false).to(key, recording: false).contiguous() }
        let searched = try noGrad { try values.to(common, recording: false).to(key, recording: false).contiguous() }
        let order = try sorter.map { s in try noGrad { try s.contiguous() } }
        let width = sortedSequence.shape.last ?? 0
        if let order {
            let p = order.pointer(Int64.self) + order.storageOffset
            for i in 0..<order.count where p[i] < 0 || p[i] >= Int64(width) {
                throw SwiftGradError.invalidArgument("torch.searchsorted(): sorter index out of range")
            }
        }
        let out = try Tensor.empty(values.shape, .int64)
        let rowLength = values.shape.last ?? 1
        func run<T: TensorElement & Comparable>(_: T.Type) {
            let bd = boundaries.pointer(T.self) + boundaries.storageOffset
            let vs = searched.pointer(T.self) + searched.storageOffset
            let sortIndex = order.map { $0.pointer(Int64.self) + $0.storageOffset }
            let po = out.pointer(Int64.self)
            for i in 0..<searched.count {
                let row = sortedSequence.ndim == 1 ? 0 : i / Swift.max(rowLength, 1)
                po[i] = Int64(Tensor.bound(bd + row * width, sortIndex.map { $0 + row * width }, width, vs[i], upper: right))
            }
        }
        switch key {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: run(Int64.self)
        }
        return outInt32 ? try out.to(.int32, recording: false) : out
    }

    /// PyTorch's `cus_lower_bound` / `cus_upper_bound`: the first position in the row whose
    /// boundary is not below `value` (lower) or is above it (upper), NaN comparing as PyTorch's.
    private static func bound<T: Comparable>(_ row: UnsafePointer<T>, _ sorter: UnsafePointer<Int64>?, _ count: Int,
                                             _ value: T, upper: Bool) -> Int {
        var start = 0, end = count
        while start < end {
            let mid = start + ((end - start) >> 1)
            let boundary = sorter.map { row[Int($0[mid])] } ?? row[mid]
            let before = upper ? !(boundary > value) : !(boundary >= value)
            if before { start = mid + 1 } else { end = mid }
        }
        return start
    }

    /// The index of the bucket of each element given sorted 1-d `boundaries`
    /// (`torch.bucketize`): `searchsorted(boundaries, self, right:)`.
    /// - Throws: `.invalidArgument` unless `boundaries` is 1-d.
    public func bucketize(_ boundaries: Tensor, outInt32: Bool = false, right: Bool = false) throws -> Tensor {
        guard boundaries.ndim == 1 else {
            throw SwiftGradError.invalidArgument("boundaries tensor must be 1 dimension, but got dim(\(boundaries.ndim))")
        }
        return try Tensor.searchsorted(boundaries, self, outInt32: outInt32, right: right)
    }

    /// Whether each element is one of `testElements` (`torch.isin`), a bool tensor of this shape
    /// (negated when `invert`). NaN is never found. `assumeUnique` only promises that both hold
    /// distinct values; the result does not depend on it.
    public func isin(_ testElements: Tensor, assumeUnique: Bool = false, invert: Bool = false) throws -> Tensor {
        let common = TypePromotion.resultType(self, testElements)
        guard common != .bool else {
            throw SwiftGradError.dtype("Unsupported input type encountered for isin(): Bool")
        }
        // Compared exactly in float32, float64 or int64.
        let key = common.orderingKey
        let elements = try noGrad { try to(common, recording: false).to(key, recording: false).contiguous() }
        let tests = try noGrad { try testElements.to(common, recording: false).to(key, recording: false).contiguous() }
        let out = try Tensor.empty(shape, .bool)
        func run<T: TensorElement & Comparable>(_: T.Type) {
            let pe = elements.pointer(T.self) + elements.storageOffset
            let pt = tests.pointer(T.self) + tests.storageOffset
            var sorted = (0..<tests.count).map { pt[$0] }.filter { !isNaNValue($0) }
            sorted.sort()
            let po = out.pointer(Bool.self)
            sorted.withUnsafeBufferPointer { buffer in
                for i in 0..<elements.count {
                    let v = pe[i]
                    var found = false
                    if let base = buffer.baseAddress, !isNaNValue(v) {
                        let at = Tensor.bound(base, nil, buffer.count, v, upper: false)
                        found = at < buffer.count && buffer[at] == v
                    }
                    po[i] = found != invert
                }
            }
        }
        switch key {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: run(Int64.self)
        }
        return out
    }
}
