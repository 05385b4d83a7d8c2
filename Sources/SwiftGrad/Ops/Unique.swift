/// unique and unique_consecutive: the distinct elements (or slices along a dimension), with
/// optionally, for each input element (slice), the index of its unique value, and the count of
/// each unique value. As PyTorch's CPU kernels: the result is sorted even when `sorted` is false,
/// and NaN is never equal to anything, so each NaN is a unique value of its own. Not
/// differentiable (PyTorch has no derivative for them either).
extension Tensor {
    /// The sorted distinct elements of the flattened tensor, or the distinct slices along `dim`
    /// in lexicographic order (`torch.unique`), followed by the inverse indices when
    /// `returnInverse` (the input's shape, or the size of `dim`) and the counts when
    /// `returnCounts`.
    /// - Throws: `.invalidArgument` for a dimension out of range.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false,
                       dim: Int? = nil) throws -> [Tensor] {
        try distinct(consecutive: false, returnInverse: returnInverse, returnCounts: returnCounts, dim: dim)
    }

    /// The elements (slices along `dim`) with consecutive repeats collapsed
    /// (`torch.unique_consecutive`), with inverse indices and counts as `unique`.
    public func uniqueConsecutive(returnInverse: Bool = false, returnCounts: Bool = false, dim: Int? = nil) throws -> [Tensor] {
        try distinct(consecutive: true, returnInverse: returnInverse, returnCounts: returnCounts, dim: dim)
    }

    private func distinct(consecutive: Bool, returnInverse: Bool, returnCounts: Bool, dim: Int?) throws -> [Tensor] {
        // The input as rows: one element per row (dim nil) or one slice along `dim` per row.
        let rows: Tensor, d: Int?
        if let dim, ndim > 0 {
            let wrapped = try Shape.normalize(dim: dim, ndim: ndim)
            d = wrapped
            rows = try noGrad {
                try permute([wrapped] + (0..<ndim).filter { $0 != wrapped }).contiguous()
                    .reshape([shape[wrapped], count / Swift.max(shape[wrapped], 1)])
            }
        } else {
            if let dim { _ = try Shape.normalize(dim: dim, ndim: ndim) }
            d = nil
            rows = try noGrad { try reshape([count, 1]).contiguous() }
        }
        let keys = try rows.to(dtype.orderingKey, recording: false)
        let grouped: (order: [Int], group: [Int], groups: Int)
        switch keys.dtype {
        case .float32: grouped = Tensor.groupRows(keys, Float.self, sort: !consecutive)
        case .float64: grouped = Tensor.groupRows(keys, Double.self, sort: !consecutive)
        default: grouped = Tensor.groupRows(keys, Int64.self, sort: !consecutive)
        }
        // The first row of each group, in group order.
        var firsts = [Int].filled(0, count: grouped.groups), counts = [Int64].filled(0, count: grouped.groups)
        for (position, row) in grouped.order.enumerated() {
            let g = grouped.group[position]
            if counts[g] == 0 { firsts[g] = row }
            counts[g] += 1
        }
        var inverse = [Int64].filled(0, count: grouped.order.count)
        for (position, row) in grouped.order.enumerated() { inverse[row] = Int64(grouped.group[position]) }

        let picked = try noGrad { try rows.index([Tensor(firsts.map(Int64.init), shape: [firsts.count])]) }
        var values: Tensor
        if let d {
            let slicedShape = [grouped.groups] + (0..<ndim).filter { $0 != d }.map { shape[$0] }
            var inverseOrder = [Int].filled(0, count: ndim)
            for (i, axis) in ([d] + (0..<ndim).filter { $0 != d }).enumerated() { inverseOrder[axis] = i }
            values = try noGrad { try picked.reshape(slicedShape).permute(inverseOrder).contiguous() }
        } else {
            values = try noGrad { try picked.reshape([grouped.groups]) }
        }
        values = Tensor(storage: try noGrad { try values.contiguous() }.storage, shape: values.shape)
        var results = [values]
        if returnInverse {
            results.append(try Tensor(inverse, shape: d == nil ? shape : [shape[d!]]))
        }
        if returnCounts { results.append(try Tensor(counts, shape: [counts.count])) }
        return results
    }

    /// Groups the rows of a contiguous 2-d tensor: the row order (sorted as PyTorch's kernels
    /// sort them, or as they come), the group of each row in that order, and the group count.
    /// Rows are equal when every element is `==` (so never when holding NaN).
    private static func groupRows<T: TensorElement & Comparable>(_ rows: Tensor, _: T.Type, sort: Bool) -> (order: [Int], group: [Int], groups: Int) {
        let n = rows.shape[0], width = rows.ndim > 1 ? rows.shape[1] : 1
        let p = rows.pointer(T.self) + rows.storageOffset
        var order = Array(0..<n)
        if sort, width == 1, T.self == Int64.self, n >= 256 {
            // Integers: equal ones are alike, so the order among them does not matter.
            order = radixOrder(UnsafeRawPointer(p).assumingMemoryBound(to: Int64.self), n)
        } else if sort {
            order.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                if width == 1 {
                    // Elements: in torch.sort's order (NaN last, equal ones as its introsort
                    // leaves them, which decides which NaN gets which inverse index).
                    LibstdcxxAlgorithms(a: base, order: ElementOrder(p: UnsafePointer(p))).sort(0, n)
                    return
                }
                // Slices: lexicographically, as `_unique_dim_cpu_template`.
                LibstdcxxAlgorithms(a: base) { a, b in
                    for i in 0..<width {
                        let x = p[a * width + i], y = p[b * width + i]
                        if x < y { return true }
                        if x > y { return false }
                    }
                    return false
                }.sort(0, n)
            }
        }
        var group = [Int].filled(0, count: n), groups = 0
        for position in 0..<n {
            if position > 0 {
                let a = order[position - 1], b = order[position]
                var same = true
                for i in 0..<width where !(p[a * width + i] == p[b * width + i]) {
                    same = false
                    break
                }
                if !same { groups += 1 }
            }
            group[position] = groups
        }
        return (order, group, n == 0 ? 0 : groups + 1)
    }

    /// The positions 0..<n in ascending order of the integers at `p`, by `RadixSorter` (two
    /// passes for values in [0, 512)); unique's integers need no particular order among equal
    /// values. (libstdc++'s introsort, which unique keeps for floats, where NaN and the tie order
    /// of torch.sort matter, took 10.6 ms for 131,072 int64 in [0, 512); PyTorch's unique 2.1.)
    private static func radixOrder(_ p: UnsafePointer<Int64>, _ n: Int) -> [Int] {
        let sorter = RadixSorter(capacity: n)
        let keys = sorter.keys
        for i in 0..<n { keys[i] = p[i].radixKey }
        return Array(UnsafeBufferPointer(start: sorter.sort(n), count: n))
    }
}

/// Positions in a buffer ordered by their elements as torch.sort orders them: NaN last.
private struct ElementOrder<T: Comparable>: StrictOrder {
    let p: UnsafePointer<T>
    @inline(__always) func less(_ a: Int, _ b: Int) -> Bool { (!isNaNValue(p[a]) && isNaNValue(p[b])) || p[a] < p[b] }
}
