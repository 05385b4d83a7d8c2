/// Scattering along a dimension: `scatter` (a tensor or a number written at `index`) and
/// `scatter_reduce` (sum, prod, mean, amax, amin), each forward beside its backward, and the
/// row-wise walk (`IndexRows`) that gather and scatter_add (Indexing.swift) run on. For
/// dim 1, element `[i][j]` of `index` sends `src[i][j]` to `out[i][index[i][j]]`. Every index
/// value is bounds-checked before anything is written; repeated targets combine in the
/// row-major order of `index`, as PyTorch's CPU kernels do (a plain scatter keeps the last).

/// Where each element of `index` goes (scatter) or reads (gather): the offset in a contiguous
/// tensor of the indexed tensor's shape, and the storage offset of the `src` element at the same
/// coordinates.
struct ScatterPlan {
    let targets: [Int]
    let sources: [Int]

    /// - Throws: PyTorch's errors for an index that is not int64, shapes that do not fit, and
    ///   an index value out of range.
    init(_ d: Int, destination: Tensor, index: Tensor, src: Tensor?) throws {
        try ScatterPlan.check(d, destination: destination, index: index, src: src)
        (targets, sources) = try ScatterPlan.offsets(d, indexed: destination, index: index, src: src)
    }

    /// PyTorch's checks of scatter's index and src, in its order: dtypes, then shapes.
    static func check(_ d: Int, destination: Tensor, index: Tensor, src: Tensor?) throws {
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("scatter(): Expected dtype int32/int64 for index")
        }
        if let src, src.dtype != destination.dtype {
            throw SwiftGradError.dtype("scatter(): Expected self.dtype to be equal to src.dtype")
        }
        let rank = Swift.max(destination.ndim, 1)
        func size(_ t: Tensor, _ k: Int) -> Int { t.ndim == 0 ? 1 : t.shape[k] }
        if index.count > 0 {
            guard Swift.max(index.ndim, 1) == rank else {
                throw SwiftGradError.invalidArgument("Index tensor must have the same number of dimensions as self tensor")
            }
            var wrong = (0..<rank).contains { k in k != d && size(index, k) > size(destination, k) }
            if let src, !wrong {
                guard Swift.max(src.ndim, 1) == rank else {
                    throw SwiftGradError.invalidArgument("Index tensor must have the same number of dimensions as src tensor")
                }
                wrong = (0..<rank).contains { k in size(index, k) > size(src, k) }
            }
            if wrong {
                let head = "Expected index \(Shape.describe(index.shape)) to be no larger than self \(Shape.describe(destination.shape)) apart from dimension \(d)"
                throw SwiftGradError.invalidArgument(src.map { head + " and to be no larger size than src \(Shape.describe($0.shape))" } ?? head)
            }
            if let src, src.ndim != index.ndim {
                throw SwiftGradError.invalidArgument("Index tensor must have the same number of dimensions as src tensor")
            }
        }
    }

    /// PyTorch's checks of gather's index (dtype, then shape; its messages).
    static func checkGathering(_ d: Int, from indexed: Tensor, index: Tensor) throws {
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("gather(): Expected dtype int32/int64 for index")
        }
        let rank = Swift.max(indexed.ndim, 1)
        func size(_ t: Tensor, _ k: Int) -> Int { t.ndim == 0 ? 1 : t.shape[k] }
        if index.count > 0 {
            guard Swift.max(index.ndim, 1) == rank else {
                throw SwiftGradError.invalidArgument("Index tensor must have the same number of dimensions as input tensor")
            }
            for k in 0..<rank where k != d && size(index, k) > size(indexed, k) {
                throw SwiftGradError.invalidArgument("Size does not match at dimension \(k) expected index \(Shape.describe(index.shape)) to be no larger than self \(Shape.describe(indexed.shape)) apart from dimension \(d)")
            }
        }
    }

    /// The offsets, after checking every index value against the size of dimension `d`.
    private static func offsets(_ d: Int, indexed: Tensor, index: Tensor, src: Tensor?) throws -> ([Int], [Int]) {
        let values = try index.int64Elements()
        let limit = indexed.ndim == 0 ? 1 : indexed.shape[d]
        for v in values where v < 0 || v >= limit {
            throw SwiftGradError.invalidArgument("index \(v) is out of bounds for dimension \(d) with size \(limit)")
        }
        let outStrides = Shape.contiguousStrides(indexed.shape)
        var targets = [Int](), sources = [Int]()
        targets.reserveCapacity(values.count)
        sources.reserveCapacity(src == nil ? 0 : values.count)
        var coordinates = [Int](repeating: 0, count: index.ndim)
        for v in values {
            var target = 0, source = src?.storageOffset ?? 0
            for k in 0..<index.ndim {
                if indexed.ndim > 0 { target &+= (k == d ? v : coordinates[k]) &* outStrides[k] }
                if let src { source &+= coordinates[k] &* src.strides[k] }
            }
            if index.ndim == 0 && indexed.ndim == 1 { target = v }  // a 0-d index counts as [1]
            targets.append(target)
            if src != nil { sources.append(source) }
            // The next coordinates in row-major order.
            var k = index.ndim - 1
            while k >= 0 {
                coordinates[k] += 1
                if coordinates[k] < index.shape[k] { break }
                coordinates[k] = 0
                k -= 1
            }
        }
        return (targets, sources)
    }
}

/// An index along one dimension `d` (gather, scatter_add) walked a row at a time, its last
/// dimension being the row: each row's start in another tensor comes from one addition, and its
/// elements step by a stride, so no element needs an offset of its own (`gather(1, idx)` of
/// [256, 512] took 2.7 ms with per-element offsets, PyTorch's 107 us).
struct IndexRows {
    /// The index as contiguous int64, kept alive for `values`.
    private let index: Tensor
    let values: UnsafePointer<Int64>
    /// Rows of `n` elements; a 0-d index counts as one row of one.
    let rows: Int, n: Int
    private let shape: [Int], d: Int

    /// - Throws: an index value outside `0..<limit` (PyTorch's message), before anything is
    ///   written.
    init(_ index: Tensor, along d: Int, limit: Int) throws {
        self.index = index.dtype == .int64 && index.isContiguous ? index : try noGrad { try index.to(.int64).contiguous() }
        values = UnsafePointer(self.index.pointer(Int64.self) + self.index.storageOffset)
        shape = index.ndim == 0 ? [1] : index.shape
        self.d = d
        n = shape[shape.count - 1]
        rows = n == 0 ? 0 : index.count / n
        let all = UnsafeBufferPointer(start: values, count: index.count)
        // v < 0 or v > limit - 1 sets the sign bit of v | (limit - 1 - v): or-ed over all values,
        // a loop without branches that vectorises (a short-circuit test per value took half of
        // gather's time), split across threads (on one, a third of a [256, 512] gather's).
        let highest = Int64(limit) &- 1, p = values
        let signs = Parallel.mapRanges(index.count) { range -> Int64 in
            var signs: Int64 = 0
            for i in range { signs |= p[i] | (highest &- p[i]) }
            return signs
        }.reduce(0, |)
        if signs < 0, let v = all.first(where: { $0 < 0 || $0 >= limit }) {
            throw SwiftGradError.invalidArgument("index \(v) is out of bounds for dimension \(d) with size \(limit)")
        }
    }

    /// For a tensor laid out with `strides` (one per dimension of the index; none for a 0-d
    /// tensor) from `offset`: where each row starts and the stride from one element of a row to
    /// the next. For the `indexed` tensor the coordinate along `d` is left out, the index value
    /// giving it (the stride 0 when the row runs along `d`).
    func layout(_ strides: [Int], _ offset: Int, indexed: Bool) -> (starts: [Int], step: Int) {
        // An empty index may have another rank than the tensor (PyTorch checks none of its sizes).
        guard rows > 0 else { return ([], 0) }
        let strides = strides.isEmpty ? [0] : strides
        let last = shape.count - 1, skipped = indexed ? d : -1
        var starts = [Int](), coordinates = [Int](repeating: 0, count: last), start = offset
        starts.reserveCapacity(rows)
        for _ in 0..<rows {
            starts.append(start)
            var k = last - 1
            while k >= 0 {
                coordinates[k] += 1
                if k != skipped { start &+= strides[k] }
                if coordinates[k] < shape[k] { break }
                if k != skipped { start &-= shape[k] &* strides[k] }
                coordinates[k] = 0
                k -= 1
            }
        }
        return (starts, last == skipped ? 0 : strides[last])
    }

    /// `out[i] = source[...index[i]...]` for the elements of `out` (contiguous, the index's
    /// shape) from `source` (any layout), copied as bits of the element's size.
    func gather(_ source: Tensor, into out: Tensor) {
        let (starts, step) = layout(source.strides, source.storageOffset, indexed: true)
        let along = source.ndim == 0 ? 0 : source.strides[d]
        let n = n, values = values
        func copy<Bits>(_: Bits.Type) {
            let s = UnsafeRawPointer(source.elements), o = out.elements.advanced(by: out.storageOffset &* MemoryLayout<Bits>.stride)
            let size = MemoryLayout<Bits>.stride
            Parallel.forRanges(rows, work: rows &* n) { range in
                for row in range {
                    let start = starts[row], v = values + row &* n, to = o + row &* n &* size
                    if step == 0 && along == 1 {
                        // Rows along a dimension of stride 1 (gather along the last dimension of
                        // a contiguous tensor): half the address arithmetic.
                        let from = s + start &* size
                        for j in 0..<n {
                            to.storeBytes(of: from.load(fromByteOffset: Int(v[j]) &* size, as: Bits.self), toByteOffset: j &* size, as: Bits.self)
                        }
                    } else {
                        for j in 0..<n {
                            let bits = s.load(fromByteOffset: (start &+ j &* step &+ Int(v[j]) &* along) &* size, as: Bits.self)
                            to.storeBytes(of: bits, toByteOffset: j &* size, as: Bits.self)
                        }
                    }
                }
            }
        }
        switch source.dtype.itemSize {
        case 1: copy(UInt8.self)
        case 2: copy(UInt16.self)
        case 4: copy(UInt32.self)
        default: copy(UInt64.self)
        }
    }

    /// `target[...index[i]...] += source[i]` for the elements of `source` at the index's
    /// coordinates, in the index's row-major order (repeated targets add up in that order).
    /// False, with nothing written, for a dtype without a loop here (bool, the narrow ones).
    func add(_ source: Tensor, into target: Tensor) -> Bool {
        func run<T: NumericElement>(_: T.Type) {
            let (targets, targetStep) = layout(target.strides, target.storageOffset, indexed: true)
            let (sources, sourceStep) = layout(source.strides, source.storageOffset, indexed: false)
            let along = target.ndim == 0 ? 0 : target.strides[d]
            let t = target.pointer(T.self), s = source.pointer(T.self), n = n, values = values
            // Along the last dimension, rows at different coordinates add into different rows
            // of the target, so they split across cores; otherwise they may meet, and run in
            // order.
            Parallel.forRanges(rows, pieces: d == shape.count - 1 ? Parallel.pieces(rows &* n) : 1) { range in
                for row in range {
                    let to = targets[row], from = sources[row], v = values + row &* n
                    for j in 0..<n {
                        let k = to &+ j &* targetStep &+ Int(v[j]) &* along
                        t[k] = T.add(t[k], s[from &+ j &* sourceStep])
                    }
                }
            }
        }
        switch target.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        default: return false
        }
        return true
    }
}

extension Tensor {
    /// A copy of `self` with the elements of `src` written at `index` along `dim`
    /// (`torch.scatter`, ScatterBackward0): `out[i][index[i][j]] = src[i][j]` for dim 1. A
    /// wrapped number `src` (a Python scalar) is written at every indexed position instead
    /// (`scatter.value`, ScatterBackward1). With a repeated index the last write wins.
    ///
    /// ```swift
    /// let onehot = try Tensor.zeros([2, 3]).scatter(dim: 1, index: Tensor([2, 0] as [Int64], shape: [2, 1]),
    ///                                              src: Tensor.scalar(1.0))   // [[0, 0, 1], [1, 0, 0]]
    /// ```
    /// - Throws: `.dtype` for a non-int64 index or a `src` tensor of another dtype,
    ///   `.invalidArgument` for an index larger than `self` (apart from `dim`) or `src`, or an
    ///   index value outside `0..<size`.
    public func scatter(dim: Int, index: Tensor, src: Tensor) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        let isValue = src.isWrappedNumber
        if isValue {
            let plan = try ScatterPlan(d, destination: self, index: index, src: nil)
            let out = try freshCopy()
            let value = try src.to(dtype, recording: false)
            Kernels.copyElements(from: value, at: [Int](repeating: value.storageOffset, count: plan.targets.count),
                                 into: out, offsets: plan.targets)
            return try out.recorded("ScatterBackward1", input: self, saving: index) { g, ctx in
                [try g.scatter(dim: d, index: ctx.saved(0), src: Tensor.scalar(0.0))]
            }
        }
        let plan = try ScatterPlan(d, destination: self, index: index, src: src)
        let out = try freshCopy()
        Kernels.copyElements(from: src, at: plan.sources, into: out, offsets: plan.targets)
        return try out.recorded("ScatterBackward0", input: self, src, saving: index) { g, ctx in
            let index = try ctx.saved(0)
            return [ctx.needsGrad(0) ? try g.scatter(dim: d, index: index, src: Tensor.scalar(0.0)) : nil,
                    ctx.needsGrad(1) ? try g.gather(dim: d, index: index).padded(to: ctx.inputShape(1)) : nil]
        }
    }

    /// `self` with the elements of `src` reduced into positions `index` along `dim`
    /// (`torch.scatter_reduce`, ScatterReduceBackward0) by `reduce`: "sum", "prod", "mean",
    /// "amax" or "amin"; with `includeSelf` false, each position written starts from the
    /// scattered elements alone. A mean of int64 rounds down, as PyTorch's. Gradients are
    /// PyTorch's scatter_reduce_backward: amax/amin share the gradient evenly among the
    /// elements equal to the result, prod treats zeros exactly.
    public func scatterReduce(dim: Int, index: Tensor, src: Tensor, reduce: String, includeSelf: Bool = true) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        // PyTorch also takes "max" and "min" (undocumented) for amax and amin.
        guard let op = IndexReduction(rawValue: reduce == "max" ? "amax" : reduce == "min" ? "amin" : reduce) else {
            throw SwiftGradError.invalidArgument("reduce argument must be either sum, prod, mean, amax or amin, got \(reduce)")
        }
        let plan = try ScatterPlan(d, destination: self, index: index, src: src)
        let out: Tensor
        if dtype == .bool {
            guard op != .mean else {
                throw SwiftGradError.dtype("\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
            }
            // On 0 and 1, sum and amax are `or`, prod and amin are `and`.
            out = try noGrad {
                try to(.int64).scatterReduce(dim: d, index: index, src: src.to(.int64), reduce: reduce, includeSelf: includeSelf).ne(0)
            }
            return out
        }
        if dtype.compute != dtype {
            // The narrow dtypes: computed in their compute dtype and rounded back.
            let wide = try noGrad {
                try to(dtype.compute).scatterReduce(dim: d, index: index, src: src.to(dtype.compute), reduce: reduce, includeSelf: includeSelf)
            }
            return try wide.to(dtype, recording: false).recorded("ScatterReduceBackward0", inputs: [self, src],
                                                                 saving: [self, index, src], savingOutput: true) { g, ctx in
                let grads = try Tensor.scatterReduceBackward(g, ctx.saved(0), d, ctx.saved(1), ctx.saved(2), op, includeSelf, ctx.saved(3))
                return [ctx.needsGrad(0) ? grads.0 : nil, ctx.needsGrad(1) ? grads.1 : nil]
            }
        }
        out = try freshCopy()
        func run<T: NumericElement>(_: T.Type, floorDivide: Bool) {
            let o = out.pointer(T.self), s = src.pointer(T.self)
            if !includeSelf {
                for t in plan.targets { o[t] = op.identity(T.self) }
            }
            for (t, f) in zip(plan.targets, plan.sources) { o[t] = op.combine(o[t], s[f]) }
            if op == .mean {
                var counts = [Int](repeating: includeSelf ? 1 : 0, count: out.count)
                for t in plan.targets { counts[t] += 1 }
                for (t, c) in counts.enumerated() where c > 1 { o[t] = Tensor.divide(o[t], c, floor: floorDivide) }
            }
        }
        switch dtype {
        case .float32: run(Float.self, floorDivide: false)
        case .float64: run(Double.self, floorDivide: false)
        case .int64: run(Int64.self, floorDivide: true)
        default: break  // bool and the narrow dtypes returned above
        }
        return try out.recorded("ScatterReduceBackward0", inputs: [self, src], saving: [self, index, src], savingOutput: true) { g, ctx in
            let grads = try Tensor.scatterReduceBackward(g, ctx.saved(0), d, ctx.saved(1), ctx.saved(2), op, includeSelf, ctx.saved(3))
            return [ctx.needsGrad(0) ? grads.0 : nil, ctx.needsGrad(1) ? grads.1 : nil]
        }
    }

    /// PyTorch's scatter_reduce_backward (FunctionsManual.cpp), in differentiable ops.
    private static func scatterReduceBackward(_ g: Tensor, _ x: Tensor, _ d: Int, _ index: Tensor, _ src: Tensor,
                                              _ op: IndexReduction, _ includeSelf: Bool, _ result: Tensor) throws -> (Tensor, Tensor) {
        var gradSelf: Tensor, gradSrc: Tensor
        switch op {
        case .sum:
            gradSelf = g
            gradSrc = try g.gather(dim: d, index: index)
        case .prod:
            let maskedSelf = try x.maskedFill(x.eq(0), 1)
            let maskedSelfResult = try maskedSelf.scatterReduce(dim: d, index: index, src: src, reduce: "prod", includeSelf: includeSelf)
            gradSelf = try g.mul(maskedSelfResult).div(maskedSelf)
            let srcZero = try src.eq(0)
            let zerosPerTarget = try x.zerosLike().scatterAdd(dim: d, index: index, source: srcZero.to(x.dtype)).gather(dim: d, index: index)
            let singleZero = try srcZero.padded(to: index.shape, cropping: true).logicalAnd(zerosPerTarget.eq(1))
            let croppedSrc = try src.padded(to: index.shape, cropping: true)
            let maskedSrc = try croppedSrc.maskedFill(singleZero, 1).padded(to: src.shape)
            let maskedSrcResult = try x.scatterReduce(dim: d, index: index, src: maskedSrc, reduce: "prod", includeSelf: includeSelf)
            gradSrc = try Tensor.where(singleZero,
                                       g.mul(maskedSrcResult).gather(dim: d, index: index),
                                       g.mul(result).gather(dim: d, index: index).div(croppedSrc.maskedFill(srcZero.padded(to: index.shape, cropping: true), 1)))
        case .mean:
            var n = try includeSelf ? g.onesLike() : g.zerosLike()
            n = try n.scatterAdd(dim: d, index: index, source: Tensor.ones(src.shape, dtype: g.dtype))
            n = try n.maskedFill(n.eq(0), 1)
            gradSelf = try g.div(n)
            gradSrc = try g.gather(dim: d, index: index).div(n.gather(dim: d, index: index))
        case .amax, .amin:
            let value = try result.gather(dim: d, index: index)
            let croppedSrc = try src.padded(to: index.shape, cropping: true)
            let selfIsResult = try x.eq(result).to(x.dtype), srcIsResult = try croppedSrc.eq(value).to(x.dtype)
            let distributed = try g.div(selfIsResult.scatterAdd(dim: d, index: index, source: srcIsResult))
            gradSelf = try selfIsResult.mul(distributed)
            gradSrc = try srcIsResult.mul(distributed.gather(dim: d, index: index))
        }
        if !includeSelf { gradSelf = try gradSelf.scatter(dim: d, index: index, src: Tensor.scalar(0.0)) }
        return (gradSelf, try gradSrc.padded(to: src.shape))
    }

    /// This tensor (the gradient of the part of `src` that `index` covers, its leading corner)
    /// written into zeros of `shape`, or, with `cropping`, the leading corner of this tensor of
    /// `shape`; itself when the shapes agree. Differentiable both ways.
    func padded(to target: [Int], cropping: Bool = false) throws -> Tensor {
        if shape == target { return self }
        let corner = cropping ? target : shape
        func crop(_ t: Tensor) throws -> Tensor {
            var view = t
            for (k, size) in corner.enumerated() where view.shape[k] != size {
                view = try view.slice(dim: k, start: 0, end: size)
            }
            return view
        }
        if cropping { return try crop(self) }
        return try embedded(into: target, name: "SliceBackwardBackward0", crop)
    }
}
