/// Sorting and selection along a dimension (sort, argsort, msort, topk, kthvalue, median,
/// nanmedian, mode), each forward beside its backward, with PyTorch's choice among equal values:
/// its CPU kernels run libstdc++'s unstable algorithms (reproduced in `LibstdcxxAlgorithms`) or,
/// for kthvalue, a quickselect of their own (reproduced here), and the index they return for
/// ties is theirs. NaN sorts as the largest value. Every selected value sends its gradient back
/// to the index returned with it.

extension Tensor {
    // MARK: sort

    /// The elements sorted along `dim` and where each came from (`torch.sort`, SortBackward0;
    /// SortBackward1 when `stable`). NaN sorts last (first when `descending`). With `stable`
    /// equal elements keep their order; without it they come in PyTorch's (libstdc++
    /// introsort's) order, which differs from the stable one for lanes of more than 16 elements.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> ValuesAndIndices {
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        let sorted: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: sorted = try Tensor.sortLanes(lanes, Float.self, descending: descending, stable: stable)
        case .float64: sorted = try Tensor.sortLanes(lanes, Double.self, descending: descending, stable: stable)
        default: sorted = try Tensor.sortLanes(lanes, Int64.self, descending: descending, stable: stable)
        }
        let indices = try lanes.restore(sorted.indices)
        var values = try lanes.restore(sorted.values).to(dtype, recording: false)
        let d = lanes.dim
        values = try values.recorded(stable ? "SortBackward1" : "SortBackward0", inputs: [self], saving: [indices]) { g, ctx in
            Gradients(try Tensor.selectionGradient(g, indices: ctx.saved(0), inputShape: ctx.inputShape(0), dim: d))
        }
        return ValuesAndIndices(values: values, indices: indices)
    }

    /// The indices that sort the elements along `dim` (`torch.argsort`): `sort(...).indices`.
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> Tensor {
        try noGrad { try sort(dim: dim, descending: descending, stable: stable).indices }
    }

    /// The elements sorted along the first dimension (`torch.msort`, SortBackward0).
    public func msort() throws -> Tensor { try sort(dim: 0).values }

    /// PyTorch's sort comparator on (value, index) pairs: NaN largest; descending reverses; when
    /// `stable`, ties broken by position, which makes the order total (and so the result unique).
    struct SortOrder<T: Comparable>: StrictOrder {
        let descending: Bool, stable: Bool
        @inline(__always) private func before(_ x: Keyed<T>, _ y: Keyed<T>) -> Bool {
            descending
                ? (isNaNValue(x.value) && !isNaNValue(y.value)) || x.value > y.value
                : (!isNaNValue(x.value) && isNaNValue(y.value)) || x.value < y.value
        }
        @inline(__always) func less(_ x: Keyed<T>, _ y: Keyed<T>) -> Bool {
            before(x, y) || (stable && !before(y, x) && x.index < y.index)
        }
    }

    /// Sorts each lane, the lanes split across threads. A lane of 64 or more elements is first
    /// ordered by radix keys (`RadixSorter`), whose order is the stable one: that is the result
    /// when `stable`, and also without it when no two keys are equal, since then every correct
    /// order is the same. A lane with equal elements (or -0.0 beside 0.0, or two NaN) goes on
    /// to libstdc++'s introsort, whose order among them PyTorch's is. ([256, 512] random
    /// float32 `sort(1)` from Python: 7.5 ms by introsort on one core; PyTorch's 3.4.)
    private static func sortLanes<T: TensorElement & RadixKeyed>(_ lanes: Lanes, _: T.Type, descending: Bool,
                                                              stable: Bool) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: n, dtype: T.dtype), indices = try lanes.output(width: n, dtype: .int64)
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        Parallel.forRanges(lanes.count, work: lanes.count &* n &* 16) { range in
            let buffer = UnsafeMutablePointer<Keyed<T>>.allocate(capacity: Swift.max(n, 1))
            defer { buffer.deallocate() }
            let sorter = LibstdcxxAlgorithms(a: buffer, order: SortOrder<T>(descending: descending, stable: stable))
            let radix = n >= 64 ? RadixSorter(capacity: n) : nil
            for lane in range {
                let x = src + lane * n, values = pv + lane * n, indices = pi + lane * n
                if let radix {
                    let keys = radix.keys
                    for i in 0..<n { keys[i] = descending ? ~x[i].radixKey : x[i].radixKey }
                    let order = radix.sort(n), sorted = radix.keys
                    var tied = false
                    if !stable {
                        for i in 1..<n where sorted[i] == sorted[i - 1] {
                            tied = true
                            break
                        }
                    }
                    if !tied {
                        for i in 0..<n {
                            values[i] = x[order[i]]
                            indices[i] = Int64(order[i])
                        }
                        continue
                    }
                }
                for i in 0..<n { (buffer + i).initialize(to: Keyed(value: x[i], index: Int64(i))) }
                sorter.sort(0, n)
                for i in 0..<n {
                    values[i] = buffer[i].value
                    indices[i] = buffer[i].index
                }
            }
        }
        return (values, indices)
    }

    // MARK: topk

    /// The `k` largest (or smallest) elements along `dim` and their indices (`torch.topk`,
    /// TopkBackward0), in order when `sorted`. NaN counts as the largest value. Ties as PyTorch
    /// (libstdc++'s partial_sort when k * 64 <= n, nth_element then sort otherwise).
    /// - Throws: `.invalidArgument` unless 0 <= k <= the size of `dim`.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> ValuesAndIndices {
        guard dtype != .bool else { throw SwiftGradError.dtype("topk does not support bool dtypes on CPU") }
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        guard k >= 0, k <= lanes.length else { throw SwiftGradError.invalidArgument("selected index k out of range") }
        let picked: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: picked = try Tensor.topkLanes(lanes, Float.self, k, largest: largest, sorted: sorted)
        case .float64: picked = try Tensor.topkLanes(lanes, Double.self, k, largest: largest, sorted: sorted)
        default: picked = try Tensor.topkLanes(lanes, Int64.self, k, largest: largest, sorted: sorted)
        }
        let indices = try lanes.restore(picked.indices), d = lanes.dim
        let values = try lanes.restore(picked.values).to(dtype, recording: false).recorded("TopkBackward0", input: self, saving: indices) { g, ctx in
            Gradients(try Tensor.selectionGradient(g, indices: ctx.saved(0), inputShape: ctx.inputShape(0), dim: d))
        }
        return ValuesAndIndices(values: values, indices: indices)
    }

    private static func topkLanes<T: TensorElement & Comparable>(_ lanes: Lanes, _: T.Type, _ k: Int, largest: Bool,
                                                              sorted: Bool) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: k, dtype: T.dtype), indices = try lanes.output(width: k, dtype: .int64)
        guard k > 0 else { return (values, indices) }
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        let buffer = UnsafeMutablePointer<Keyed<T>>.allocate(capacity: n)
        defer { buffer.deallocate() }
        let sorter = LibstdcxxAlgorithms(a: buffer, order: SortOrder<T>(descending: largest, stable: false))
        for lane in 0..<lanes.count {
            let x = src + lane * n
            for i in 0..<n { (buffer + i).initialize(to: Keyed(value: x[i], index: Int64(i))) }
            if k * 64 <= n {
                sorter.partialSort(0, k, n)
            } else {
                sorter.nthElement(0, k - 1, n)
                if sorted { sorter.sort(0, k - 1) }
            }
            for i in 0..<k {
                pv[lane * k + i] = buffer[i].value
                pi[lane * k + i] = buffer[i].index
            }
        }
        return (values, indices)
    }

    // MARK: kthvalue

    /// The k-th smallest element along `dim` (k from 1) and its index (`torch.kthvalue`,
    /// KthvalueBackward0). NaN counts as the largest value; ties as PyTorch's quickselect.
    /// - Throws: `.invalidArgument` for an empty dimension or k out of range.
    public func kthvalue(_ k: Int, dim: Int = -1, keepdim: Bool = false) throws -> ValuesAndIndices {
        if dtype == .bool { throw Tensor.notImplemented("kthvalue_cpu", dtype) }
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        guard lanes.length > 0 else {
            throw SwiftGradError.invalidArgument("kthvalue(): Expected reduction dim \(lanes.dim) to have non-zero size.")
        }
        guard k > 0, k <= lanes.length else {
            throw SwiftGradError.invalidArgument("kthvalue(): selected number k out of range for dimension \(lanes.dim)")
        }
        let picked: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: picked = try Tensor.kthLanes(lanes, Float.self, k)
        case .float64: picked = try Tensor.kthLanes(lanes, Double.self, k)
        default: picked = try Tensor.kthLanes(lanes, Int64.self, k)
        }
        return try selectedAlong(lanes, picked, keepdim: keepdim, name: "KthvalueBackward0")
    }

    /// The values and indices of a one-per-lane selection, in the reduced shape, the values
    /// recorded under `name` with the gradient going to the selected indices.
    private func selectedAlong(_ lanes: Lanes, _ picked: (values: Tensor, indices: Tensor), keepdim: Bool,
                               name: String) throws -> ValuesAndIndices {
        let keptIndices = lanes.reduced(picked.indices, keepdim: true), d = lanes.dim
        let indices = lanes.reduced(picked.indices, keepdim: keepdim)
        let values = try lanes.reduced(picked.values, keepdim: keepdim).to(dtype, recording: false)
            .recorded(name, inputs: [self], saving: [keptIndices]) { g, ctx in
            let kept = try g.reshape(ctx.saved(0).shape)
            return Gradients(try Tensor.selectionGradient(kept, indices: ctx.saved(0), inputShape: ctx.inputShape(0), dim: d))
        }
        return ValuesAndIndices(values: values, indices: indices)
    }

    private static func kthLanes<T: TensorElement & Comparable>(_ lanes: Lanes, _: T.Type, _ k: Int) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: 1, dtype: T.dtype), indices = try lanes.output(width: 1, dtype: .int64)
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        var keys = [T](), positions = [Int64]()
        keys.reserveCapacity(n)
        positions.reserveCapacity(n)
        for lane in 0..<lanes.count {
            keys.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            for i in 0..<n {
                keys.append(src[lane * n + i])
                positions.append(Int64(i))
            }
            quickSelect(&keys, &positions, k - 1)
            pv[lane] = keys[k - 1]
            pi[lane] = positions[k - 1]
        }
        return (values, indices)
    }

    /// PyTorch's `quick_select_template` (Sedgewick's partitioning with a median-of-three pivot)
    /// over `keys`, moving `positions` alongside, with NaN the largest.
    private static func quickSelect<T: Comparable>(_ keys: inout [T], _ positions: inout [Int64], _ k: Int) {
        @inline(__always) func greater(_ x: T, _ y: T) -> Bool { (isNaNValue(x) && !isNaNValue(y)) || x > y }
        @inline(__always) func swapAt(_ i: Int, _ j: Int) {
            keys.swapAt(i, j)
            positions.swapAt(i, j)
        }
        var left = 0, right = keys.count - 1
        while true {
            if right <= left { return }
            if right == left + 1 {
                if greater(keys[left], keys[right]) { swapAt(left, right) }
                return
            }
            let middle = (left + right) >> 1
            swapAt(middle, left + 1)
            if greater(keys[left + 1], keys[right]) { swapAt(left + 1, right) }
            if greater(keys[left], keys[right]) { swapAt(left, right) }
            if greater(keys[left + 1], keys[left]) { swapAt(left + 1, left) }
            var i = left + 1, j = right
            let pivot = keys[left]
            while true {
                repeat { i += 1 } while i < right && greater(pivot, keys[i])
                repeat { j -= 1 } while j > left && greater(keys[j], pivot)
                if j < i { break }
                swapAt(i, j)
            }
            swapAt(left, j)
            if j <= k { left = i }
            if j >= k { right = j - 1 }
        }
    }

    // MARK: median and nanmedian

    /// The median of all elements, the lower of the two middle ones for an even count
    /// (`torch.median()`, MedianBackward0); NaN if any element is NaN, and for an empty tensor.
    /// The gradient is shared evenly among the elements equal to the result.
    public func median() throws -> Tensor { try fullMedian(ignoreNaN: false) }

    /// As `median()` but ignoring NaN (`torch.nanmedian()`, NanmedianBackward0); NaN when every
    /// element is.
    public func nanmedian() throws -> Tensor { try fullMedian(ignoreNaN: true) }

    /// The median along `dim` and its index (`torch.median(dim)`, MedianBackward1): the element
    /// at position (n - 1) / 2 of the lane sorted stably; the first NaN, if there is one.
    public func median(dim: Int, keepdim: Bool = false) throws -> ValuesAndIndices {
        try medianAlong(dim, keepdim: keepdim, ignoreNaN: false)
    }

    /// As `median(dim:)` ignoring NaN (`torch.nanmedian(dim)`, NanmedianBackward1).
    public func nanmedian(dim: Int, keepdim: Bool = false) throws -> ValuesAndIndices {
        try medianAlong(dim, keepdim: keepdim, ignoreNaN: true)
    }

    private func fullMedian(ignoreNaN: Bool) throws -> Tensor {
        if dtype == .bool { throw Tensor.notImplemented("median_cpu", dtype) }
        if !dtype.isFloatingPoint && count == 0 {
            throw SwiftGradError.invalidArgument("median() operation does not have an identity for empty input tensor")
        }
        let flat = try noGrad { try reshape([-1]).to(dtype.orderingKey, recording: false).contiguous() }
        var value: Tensor
        switch flat.dtype {
        case .float32: value = try Tensor(scalar: Tensor.medianValue(flat, Float.self, ignoreNaN: ignoreNaN))
        case .float64: value = try Tensor(scalar: Tensor.medianValue(flat, Double.self, ignoreNaN: ignoreNaN))
        default: value = try Tensor(scalar: Tensor.medianValue(flat, Int64.self, ignoreNaN: ignoreNaN))
        }
        value = try value.to(dtype, recording: false)
        return try value.recorded(ignoreNaN ? "NanmedianBackward0" : "MedianBackward0", inputs: [self], saving: [self],
                                  savingOutput: true) { g, ctx in
            Gradients(try Tensor.evenlyDistributed(g, input: ctx.saved(0), value: ctx.saved(1)))
        }
    }

    /// The median value of a contiguous 1-d tensor as PyTorch's `median_impl` finds it
    /// (`std::nth_element`); NaN for an empty floating tensor.
    private static func medianValue<T: TensorElement & Comparable>(_ flat: Tensor, _: T.Type, ignoreNaN: Bool) -> T {
        var values = Array(UnsafeBufferPointer(start: flat.pointer(T.self) + flat.storageOffset, count: flat.count))
        let n = values.count
        let nanCount = values.reduce(0) { $0 + (isNaNValue($1) ? 1 : 0) }
        if n == 0 || (!ignoreNaN && nanCount > 0) { return T(fromDouble: .nan) }
        let k = ignoreNaN ? (n - nanCount - 1) / 2 : (n - 1) / 2
        return values.withUnsafeMutableBufferPointer { buffer -> T in
            let less: (T, T) -> Bool = ignoreNaN ? { $0 < $1 || (isNaNValue($1) && !isNaNValue($0)) } : { $0 < $1 }
            LibstdcxxAlgorithms(a: buffer.baseAddress!, less: less).nthElement(0, k, n)
            return buffer[k]
        }
    }

    /// PyTorch's `evenly_distribute_backward`: `g` shared among the elements equal to `value`
    /// (the NaN elements when `value` is NaN).
    static func evenlyDistributed(_ g: Tensor, input: Tensor, value: Tensor) throws -> Tensor {
        let nanValue = try value.ne(value).item() != 0
        let mask = nanValue ? try input.ne(input) : try input.eq(value)
        let share = try g.div(mask.sum().to(g.dtype))
        return try Tensor.where(mask, share, Tensor.zeros([], dtype: g.dtype))
    }

    private func medianAlong(_ dim: Int, keepdim: Bool, ignoreNaN: Bool) throws -> ValuesAndIndices {
        if dtype == .bool { throw Tensor.notImplemented("median_out", dtype) }
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        let name = ignoreNaN ? "nanmedian" : "median"
        guard lanes.length > 0 else {
            throw SwiftGradError.invalidArgument("\(name)(): Expected reduction dim \(lanes.dim) to have non-zero size.")
        }
        let picked: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: picked = try Tensor.medianLanes(lanes, Float.self, ignoreNaN: ignoreNaN)
        case .float64: picked = try Tensor.medianLanes(lanes, Double.self, ignoreNaN: ignoreNaN)
        default: picked = try Tensor.medianLanes(lanes, Int64.self, ignoreNaN: ignoreNaN)
        }
        return try selectedAlong(lanes, picked, keepdim: keepdim, name: ignoreNaN ? "NanmedianBackward1" : "MedianBackward1")
    }

    /// PyTorch's `median_with_indices_impl`: per lane, the first NaN (median), or
    /// `std::nth_element` over the positions ordered by (value, position), NaN last.
    private static func medianLanes<T: TensorElement & Comparable>(_ lanes: Lanes, _: T.Type, ignoreNaN: Bool) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: 1, dtype: T.dtype), indices = try lanes.output(width: 1, dtype: .int64)
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        var order = [Int](repeating: 0, count: n)
        for lane in 0..<lanes.count {
            let x = src + lane * n
            if !ignoreNaN, let nan = (0..<n).first(where: { isNaNValue(x[$0]) }) {
                pv[lane] = x[nan]
                pi[lane] = Int64(nan)
                continue
            }
            for i in 0..<n { order[i] = i }
            let nanCount = ignoreNaN ? (0..<n).reduce(0) { $0 + (isNaNValue(x[$1]) ? 1 : 0) } : 0
            let k = (n - nanCount - 1) / 2  // truncating, as C++: 0 when every element is NaN
            let less: (Int, Int) -> Bool = ignoreNaN
                ? { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) || (isNaNValue(x[$1]) && !isNaNValue(x[$0])) }
                : { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
            order.withUnsafeMutableBufferPointer { buffer in
                LibstdcxxAlgorithms(a: buffer.baseAddress!, less: less).nthElement(0, k, n)
            }
            pv[lane] = x[order[k]]
            pi[lane] = Int64(order[k])
        }
        return (values, indices)
    }

    // MARK: mode

    /// The most frequent value along `dim` and an index of it (`torch.mode`, ModeBackward0):
    /// the smallest of the most frequent values, at the index PyTorch's kernel reports
    /// (the last of its run after libstdc++'s `std::sort`).
    public func mode(dim: Int = -1, keepdim: Bool = false) throws -> ValuesAndIndices {
        let lanes = try Lanes(self, dim: dim, dtype: dtype.orderingKey)
        guard lanes.length > 0 else {
            throw SwiftGradError.invalidArgument("mode(): Expected reduction dim \(lanes.dim) to have non-zero size.")
        }
        let picked: (values: Tensor, indices: Tensor)
        switch lanes.data.dtype {
        case .float32: picked = try Tensor.modeLanes(lanes, Float.self)
        case .float64: picked = try Tensor.modeLanes(lanes, Double.self)
        default: picked = try Tensor.modeLanes(lanes, Int64.self)
        }
        return try selectedAlong(lanes, picked, keepdim: keepdim, name: "ModeBackward0")
    }

    private static func modeLanes<T: TensorElement & Comparable>(_ lanes: Lanes, _: T.Type) throws -> (values: Tensor, indices: Tensor) {
        let n = lanes.length
        let values = try lanes.output(width: 1, dtype: T.dtype), indices = try lanes.output(width: 1, dtype: .int64)
        let src = lanes.pointer(T.self), pv = values.pointer(T.self), pi = indices.pointer(Int64.self)
        let buffer = UnsafeMutablePointer<Keyed<T>>.allocate(capacity: n)
        defer { buffer.deallocate() }
        let sorter = LibstdcxxAlgorithms(a: buffer, less: { $0.value < $1.value })
        for lane in 0..<lanes.count {
            let x = src + lane * n
            for i in 0..<n { (buffer + i).initialize(to: Keyed(value: x[i], index: Int64(i))) }
            sorter.sort(0, n)
            var best = buffer[0], bestCount = 0, run = 0
            for i in 0..<n {
                run += 1
                if i == n - 1 || buffer[i].value != buffer[i + 1].value {
                    if run > bestCount {
                        best = buffer[i]
                        bestCount = run
                    }
                    run = 0
                }
            }
            pv[lane] = best.value
            pi[lane] = best.index
        }
        return (values, indices)
    }
}
