/// More indexing, each forward beside its backward: along one dimension by a vector of indices
/// (`index_select`, `index_add`, `index_copy`, `index_fill`, `index_reduce`), by flat positions
/// (`take`, `put`, `take_along_dim`), by boolean masks (`masked_select`, `masked_scatter`), by
/// advanced indices out of place (`index_put`, `_unsafe_masked_index`,
/// `_unsafe_masked_index_put_accumulate`), `nonzero_static` and `_chunk_cat`.
///
/// Every index is read and bounds-checked before any element is written, so that no index a C
/// caller passes can make a kernel read or write outside a tensor. Duplicate indices combine in
/// index order, as PyTorch's CPU kernels do. Backward rules are those of PyTorch's
/// derivatives.yaml, written in these ops themselves so that gradients of gradients work.

// MARK: - Reading index tensors

extension DType {
    /// Whether tensors of this dtype can hold indices: the integer dtypes (PyTorch takes int64
    /// and int32 indices; they are read as int64).
    var isIndexType: Bool { category == 1 }
}

extension Tensor {
    /// The elements of this integer tensor (an index) in row-major order.
    func int64Elements() throws -> [Int] {
        guard dtype == .int64 else { return try to(.int64, recording: false).int64Elements() }
        let p = pointer(Int64.self)
        var out = [Int]()
        out.reserveCapacity(count)
        if isContiguous {
            for i in 0..<count { out.append(Int(p[storageOffset &+ i])) }
        } else {
            for i in 0..<count { out.append(Int(p[offset(ofLinearIndex: i)])) }
        }
        return out
    }

    /// This tensor as a contiguous tensor of its own (a copy when it is not contiguous), outside
    /// the graph: kernels then address element `i` at `storageOffset + i`.
    func denseForKernel() throws -> Tensor {
        isContiguous ? self : try noGrad { try clone() }
    }

    /// A contiguous copy outside the graph, to be written by a kernel.
    func freshCopy() throws -> Tensor { try noGrad { try clone() } }
}

/// A shape seen as `[outer, size, inner]` around one dimension (a 0-d shape as [1, 1, 1]): the
/// layout of the along-dimension ops on contiguous tensors.
struct DimLayout {
    let outer: Int
    let size: Int
    let inner: Int

    init(_ shape: [Int], _ dim: Int) {
        guard !shape.isEmpty else {
            (outer, size, inner) = (1, 1, 1)
            return
        }
        outer = Shape.count(Array(shape[..<dim]))
        size = shape[dim]
        inner = Shape.count(Array(shape[(dim + 1)...]))
    }
}

/// The reductions of `index_reduce` and `scatter_reduce`.
enum IndexReduction: String {
    case sum, prod, mean, amax, amin

    /// The start of a group that does not include the tensor's own value.
    func identity<T: NumericElement>(_: T.Type) -> T {
        switch self {
        case .sum, .mean: return T.zero
        case .prod: return T.one
        case .amax: return T.lowest
        case .amin: return T.highest
        }
    }

    /// Combines the value so far with one more; NaN wins in amax and amin, as in PyTorch.
    @inline(__always)
    func combine<T: NumericElement>(_ a: T, _ b: T) -> T {
        switch self {
        case .sum, .mean: return T.add(a, b)
        case .prod: return T.mul(a, b)
        case .amax: return a != a ? a : ((b > a || b != b) ? b : a)
        case .amin: return a != a ? a : ((b < a || b != b) ? b : a)
        }
    }
}

// MARK: - Along one dimension

extension Tensor {
    /// Checks an index vector (at most one dimension) of an along-dimension op.
    private func checkIndexVector(_ index: Tensor, _ what: String) throws {
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("\(what)(): Expected dtype int32/int64 for index but got: \(index.dtype.scalarTypeName)")
        }
        guard index.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("\(what)(): Index is supposed to be a vector, but got dim: \(index.ndim) with type: Long and size: \(Shape.describe(index.shape))")
        }
    }

    /// The elements of `self` at positions `index` along `dim` (`torch.index_select`,
    /// IndexSelectBackward0): `out[i][j][k] = self[i][index[j]][k]` for dim 1. The result has
    /// `self`'s shape with dimension `dim` of `index`'s length.
    ///
    /// ```swift
    /// let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    /// try x.indexSelect(dim: 1, index: Tensor([2, 0] as [Int64]))   // [[3, 1], [6, 4]]
    /// ```
    /// - Throws: `.dtype` for a non-int64 index, `.invalidArgument` for an index of more than
    ///   one dimension or a value outside `0..<size` (PyTorch's messages).
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("index_select(): Expected dtype int32 or int64 for index")
        }
        guard index.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("index_select(): Index is supposed to be a vector")
        }
        let values = try index.int64Elements()
        if ndim == 0 {
            guard values.count == 1 else {
                throw SwiftGradError.invalidArgument("index_select(): Index to scalar can have only 1 value, got \(values.count) value(s)")
            }
        }
        let layout = DimLayout(shape, d)
        for v in values where v < 0 || v >= layout.size {
            throw SwiftGradError.invalidArgument(ndim > 1 ? "INDICES element is out of DATA bounds, id=\(v) axis_dim=\(layout.size)" : "index out of range in self")
        }
        var outShape = shape
        if ndim > 0 { outShape[d] = values.count }
        _ = try Shape.validate(outShape, itemSize: dtype.itemSize)
        let source = try denseForKernel()
        let out = try Tensor.empty(outShape, dtype)
        func run<T: TensorElement>(_: T.Type) {
            let x = source.pointer(T.self) + source.storageOffset, o = out.pointer(T.self)
            let n = values.count, inner = layout.inner
            if inner == 1 {
                // Along the last dimension: an element each, without a copy call per element
                // ([256, 512] along 1 by 512 indices took 427 us so, PyTorch's 94).
                for outer in 0..<layout.outer {
                    let row = x + outer &* layout.size, picked = o + outer &* n
                    for (j, v) in values.enumerated() { picked[j] = row[v] }
                }
                return
            }
            for outer in 0..<layout.outer {
                for (j, v) in values.enumerated() {
                    let from = x + (outer &* layout.size &+ v) &* inner, to = o + (outer &* n &+ j) &* inner
                    to.update(from: from, count: inner)
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        default: run(dtype.elementType)  // the narrow dtypes: a copy needs no arithmetic
        }
        return try out.recorded("IndexSelectBackward0", input: self, saving: index) { g, ctx in
            [try Tensor.zeros(ctx.inputShape(0), dtype: g.dtype).indexAdd(dim: d, index: ctx.saved(0), source: g)]
        }
    }

    /// Checks `source` against `self` for index_add / index_reduce (PyTorch's index_func_meta).
    private func checkIndexSource(_ d: Int, _ index: Tensor, _ source: Tensor, _ what: String) throws {
        try checkIndexVector(index, what)
        guard dtype == source.dtype else {
            throw SwiftGradError.dtype("\(what)(): self (\(dtype.scalarTypeName)) and source (\(source.dtype.scalarTypeName)) must have the same scalar type")
        }
        guard d == 0 || d < source.ndim else {
            throw SwiftGradError.invalidArgument("\(what)(): Indexing dim \(d) is out of bounds of the source tensor with dim \(source.ndim)")
        }
        let sourceSize = source.ndim == 0 ? 1 : source.shape[d]
        guard index.count == sourceSize else {
            throw SwiftGradError.invalidArgument("\(what)(): Number of indices (\(index.count)) should be equal to source.size(dim): (\(sourceSize)), for dim: \(d)")
        }
        var selfSizes = shape, sourceSizes = source.shape
        if ndim > 0 && source.ndim > 0 {
            selfSizes.remove(at: d)
            sourceSizes.remove(at: d)
        }
        guard selfSizes == sourceSizes else {
            throw SwiftGradError.shape("source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = \(Shape.describe(shape)) source.shape = \(Shape.describe(source.shape))")
        }
    }

    /// The index values of an along-dimension write, each checked to be in `0..<size`.
    private func checkedTargets(_ index: Tensor, size: Int, _ message: (Int) -> String) throws -> [Int] {
        let values = try index.int64Elements()
        for v in values where v < 0 || v >= size { throw SwiftGradError.invalidArgument(message(v)) }
        return values
    }

    /// A copy of `self` with `alpha * source` added at positions `index` along `dim`
    /// (`torch.index_add`, IndexAddBackward0): `out[i][index[j]][k] += alpha * source[i][j][k]`
    /// for dim 1, repeated indices adding up in order. `source` has `self`'s shape but for
    /// dimension `dim`, which has `index`'s length.
    /// - Throws: PyTorch's errors for an index that is not an int64 vector, a source of another
    ///   dtype or shape, and an index outside `0..<size` (negative indices are refused).
    public func indexAdd(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        try checkIndexSource(d, index, source, "index_add_")
        let layout = DimLayout(shape, d)
        let targets = try checkedTargets(index, size: layout.size) { v in
            ndim > 1 ? "index \(v) is out of bounds for dimension \(d) with size \(layout.size)" : "index out of range in self"
        }
        let out = try freshCopy(), src = try source.denseForKernel()
        func run<T: NumericElement>(_ scale: T) {
            let o = out.pointer(T.self), s = src.pointer(T.self) + src.storageOffset
            Tensor.combineSlices(o, s, layout, targets) { T.add($0, T.mul(scale, $1)) }
        }
        switch dtype {
        case .float32: run(Float(alpha))
        case .float64: run(alpha)
        case .int64: run(Int64(alpha.truncatedInt64 ?? 0))
        case .bool:
            // Bool addition is `or` (PyTorch adds in bool); alpha 0 adds nothing.
            let o = out.pointer(Bool.self), s = src.pointer(Bool.self) + src.storageOffset
            Tensor.combineSlices(o, s, layout, targets) { $0 || (alpha != 0 && $1) }
        default:
            // The narrow dtypes: computed in their compute dtype and rounded back.
            try noGrad {
                Kernels.convert(from: try to(dtype.compute).indexAdd(dim: d, index: index, source: source.to(dtype.compute), alpha: alpha),
                                into: out)
            }
        }
        return try out.recorded("IndexAddBackward0", input: self, source, saving: index) { g, ctx in
            guard ctx.needsGrad(1) else { return [g, nil] }
            var gs = try g.indexSelect(dim: d, index: ctx.saved(0))
            if gs.shape != ctx.inputShape(1) { gs = try gs.reshape(ctx.inputShape(1)) }
            if alpha != 1 { gs = try gs.mul(alpha) }
            return [ctx.needsGrad(0) ? g : nil, gs]
        }
    }

    /// `out[(o, target[j], i)] = f(out[...], src[(o, j, i)])` over `[outer, size, inner]`
    /// layouts, j in order (repeated targets combine in order). Inlined, so that `f` is too
    /// (called through a closure per element, index_add of [256, 512] took 495 us).
    @inline(__always)
    static func combineSlices<T>(_ out: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ layout: DimLayout,
                                 _ targets: [Int], _ f: (T, T) -> T) {
        let n = targets.count, inner = layout.inner, size = layout.size
        if inner == 1 {
            // One element a slice (along the last dimension): without the inner loop, whose
            // setup per element (the checks of its vector form) was most of the time (index_add
            // of [256, 512] along 1: 266 us -> 74 in a loop on its own).
            for outer in 0..<layout.outer {
                let to = out + outer &* size, from = src + outer &* n
                for (j, t) in targets.enumerated() { to[t] = f(to[t], from[j]) }
            }
            return
        }
        for outer in 0..<layout.outer {
            for (j, t) in targets.enumerated() {
                let to = out + (outer &* size &+ t) &* inner, from = src + (outer &* n &+ j) &* inner
                for i in 0..<inner { to[i] = f(to[i], from[i]) }
            }
        }
    }

    /// A copy of `self` with the slices of `source` written at positions `index` along `dim`
    /// (`torch.index_copy`, IndexCopyBackward0); with a repeated index the last write wins.
    public func indexCopy(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("index_copy_(): Expected a long tensor for index, but got \(index.dtype.scalarTypeName)")
        }
        guard index.ndim <= 1 else {
            throw SwiftGradError.invalidArgument("index_copy_(): Index should have dimension 1 or 0 (got \(index.ndim))")
        }
        guard dtype == source.dtype else {
            throw SwiftGradError.dtype("index_copy_(): self and source expected to have the same dtype, but got (self) \(dtype.scalarTypeName) and (source) \(source.dtype.scalarTypeName)")
        }
        let sourceSize = source.ndim == 0 ? 1 : source.shape[Swift.min(d, source.ndim - 1)]
        guard source.ndim == 0 || d < source.ndim, index.count == sourceSize else {
            throw SwiftGradError.invalidArgument("index_copy_(): Number of indices (\(index.count)) should be equal to source.size(dim) (\(sourceSize))")
        }
        var selfSizes = shape, sourceSizes = source.shape
        if ndim > 0 { selfSizes.remove(at: d) }
        if source.ndim > 0 { sourceSizes.remove(at: d) }
        guard selfSizes == sourceSizes else {
            throw SwiftGradError.shape("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: \(selfSizes.map(String.init).joined(separator: " ")) at dimension \(d) and source slice shape: \(sourceSizes.map(String.init).joined(separator: " ")) at dimension 0.")
        }
        let layout = DimLayout(shape, d)
        let targets = try checkedTargets(index, size: layout.size) { v in
            "index_copy_(): index \(v) is out of bounds for dimension \(d) with size \(layout.size)"
        }
        let out = try freshCopy(), src = try source.denseForKernel()
        func run<T: TensorElement>(_: T.Type) {
            Tensor.combineSlices(out.pointer(T.self), src.pointer(T.self) + src.storageOffset, layout, targets) { $1 }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        default: run(dtype.elementType)  // the narrow dtypes: a copy needs no arithmetic
        }
        return try out.recorded("IndexCopyBackward0", input: self, source, saving: index) { g, ctx in
            let index = try ctx.saved(0)
            return [ctx.needsGrad(0) ? try g.indexFill(dim: d, index: index, value: Tensor.scalar(0.0)) : nil,
                    ctx.needsGrad(1) ? try g.indexSelect(dim: d, index: index).reshape(ctx.inputShape(1)) : nil]
        }
    }

    /// A copy of `self` with `value` at positions `index` along `dim` (`torch.index_fill`).
    /// `value` is a wrapped number (IndexFillBackward0) or a 0-d tensor, which gets the sum of
    /// the gradient over the filled positions, each counted once (IndexFillBackward1). Negative
    /// indices count from the end.
    public func indexFill(dim: Int, index: Tensor, value: Tensor) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("index_fill_(): Expected dtype int64 for index.")
        }
        guard index.ndim <= 1 else { throw SwiftGradError.invalidArgument("Index has to be a vector/scalar") }
        guard value.ndim == 0 else {
            throw SwiftGradError.invalidArgument("index_fill_ only supports a 0-dimensional value tensor, but got tensor with \(value.ndim) dimension(s).")
        }
        let layout = DimLayout(shape, d)
        var targets = try index.int64Elements()
        for (k, v) in targets.enumerated() {
            guard v >= -layout.size, v < layout.size else {
                throw SwiftGradError.invalidArgument("index \(v) is out of bounds for dimension \(d) with size \(layout.size)")
            }
            if v < 0 { targets[k] = v + layout.size }
        }
        let out = try freshCopy()
        let fill = try value.to(dtype, recording: false)
        func run<T: TensorElement>(_: T.Type) {
            let o = out.pointer(T.self), v = fill.pointer(T.self)[fill.storageOffset]
            for outer in 0..<layout.outer {
                for t in targets {
                    let to = o + (outer &* layout.size &+ t) &* layout.inner
                    for i in 0..<layout.inner { to[i] = v }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .bool: run(Bool.self)
        default: run(dtype.elementType)  // the narrow dtypes: a copy needs no arithmetic
        }
        if value.isWrappedNumber {
            return try out.recorded("IndexFillBackward0", input: self, saving: index) { g, ctx in
                [try g.indexFill(dim: d, index: ctx.saved(0), value: Tensor.scalar(0.0))]
            }
        }
        return try out.recorded("IndexFillBackward1", input: self, value, saving: index) { g, ctx in
            let index = try ctx.saved(0)
            var unique: [Int64] = []
            for v in try index.int64Elements() {
                let w = Int64(v < 0 ? v + layout.size : v)
                if !unique.contains(w) { unique.append(w) }
            }
            return [ctx.needsGrad(0) ? try g.indexFill(dim: d, index: index, value: Tensor.scalar(0.0)) : nil,
                    ctx.needsGrad(1) ? try g.indexSelect(dim: d, index: Tensor(unique)).sum() : nil]
        }
    }

    /// `self` with the slices of `source` reduced into positions `index` along `dim`
    /// (`torch.index_reduce`, IndexReduceBackward0) by `reduce`: "prod", "mean", "amax" or
    /// "amin". With `includeSelf` false, the positions written start from the slices alone.
    /// Gradients are PyTorch's index_reduce_backward: amax/amin split the gradient evenly among
    /// the elements equal to the result; prod treats zeros exactly.
    public func indexReduce(dim: Int, index: Tensor, source: Tensor, reduce: String, includeSelf: Bool = true) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard let op = IndexReduction(rawValue: reduce), op != .sum else {
            throw SwiftGradError.invalidArgument("index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got \(reduce).")
        }
        try checkIndexSource(d, index, source, "index_reduce_")
        let layout = DimLayout(shape, d)
        let targets = try checkedTargets(index, size: layout.size) { _ in "index out of range in self" }
        let out = try freshCopy(), src = try source.denseForKernel()
        func run<T: NumericElement>(_: T.Type, floorDivide: Bool) {
            let o = out.pointer(T.self), s = src.pointer(T.self) + src.storageOffset
            let inner = layout.inner
            if !includeSelf {
                for outer in 0..<layout.outer {
                    for t in targets {
                        let to = o + (outer &* layout.size &+ t) &* inner
                        for i in 0..<inner { to[i] = op.identity(T.self) }
                    }
                }
            }
            Tensor.combineSlices(o, s, layout, targets) { op.combine($0, $1) }
            if op == .mean {
                var counts = [Int](repeating: includeSelf ? 1 : 0, count: layout.size)
                for t in targets { counts[t] += 1 }
                for outer in 0..<layout.outer {
                    for (t, c) in counts.enumerated() where c > 1 {
                        let to = o + (outer &* layout.size &+ t) &* inner
                        for i in 0..<inner { to[i] = Tensor.divide(to[i], c, floor: floorDivide) }
                    }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self, floorDivide: false)
        case .float64: run(Double.self, floorDivide: false)
        case .int64: run(Int64.self, floorDivide: true)
        case .bool: throw SwiftGradError.dtype("\"index_func_\" not implemented for 'Bool'")
        default:
            // The narrow dtypes: computed in their compute dtype and rounded back.
            try noGrad {
                Kernels.convert(from: try to(dtype.compute).indexReduce(dim: d, index: index, source: source.to(dtype.compute),
                                                                        reduce: reduce, includeSelf: includeSelf),
                                into: out)
            }
        }
        return try out.recorded("IndexReduceBackward0", inputs: [self, source], saving: [self, index, source], savingOutput: true) { g, ctx in
            let grads = try Tensor.indexReduceBackward(g, ctx.saved(0), d, ctx.saved(1), ctx.saved(2), op, includeSelf, ctx.saved(3))
            return [ctx.needsGrad(0) ? grads.0 : nil, ctx.needsGrad(1) ? grads.1 : nil]
        }
    }

    /// `a / count` for a mean: true division for floats, floor division for int64 (PyTorch's).
    @inline(__always)
    static func divide<T: NumericElement>(_ a: T, _ count: Int, floor: Bool) -> T {
        guard floor, let x = a as? Int64 else { return T.div(a, T(fromDouble: Double(count))) }
        let n = Int64(count), q = x / n
        return ((x % n != 0 && x < 0) ? q - 1 : q) as! T
    }

    /// PyTorch's index_reduce_backward (FunctionsManual.cpp), in differentiable ops.
    private static func indexReduceBackward(_ g: Tensor, _ x: Tensor, _ d: Int, _ index: Tensor, _ source: Tensor,
                                            _ op: IndexReduction, _ includeSelf: Bool, _ result: Tensor) throws -> (Tensor, Tensor) {
        var gradSelf: Tensor, gradSource: Tensor
        let zero = try Tensor.scalar(0.0)
        switch op {
        case .prod:
            let maskedSelf = try x.maskedFill(x.eq(0), 1)
            let maskedSelfResult = try maskedSelf.indexReduce(dim: d, index: index, source: source, reduce: "prod", includeSelf: includeSelf)
            gradSelf = try g.mul(maskedSelfResult).div(maskedSelf)
            let sourceZero = try source.eq(0)
            let zerosPerTarget = try x.zerosLike().indexAdd(dim: d, index: index, source: sourceZero.to(x.dtype)).indexSelect(dim: d, index: index)
            let singleZero = try sourceZero.logicalAnd(zerosPerTarget.eq(1))
            let maskedSource = try source.maskedFill(singleZero, 1)
            let maskedSourceResult = try x.indexReduce(dim: d, index: index, source: maskedSource, reduce: "prod", includeSelf: includeSelf)
            gradSource = try Tensor.where(singleZero,
                                          g.mul(maskedSourceResult).indexSelect(dim: d, index: index),
                                          g.mul(result).indexSelect(dim: d, index: index).div(source.maskedFill(sourceZero, 1)))
        case .mean:
            var n = try includeSelf ? g.onesLike() : g.zerosLike()
            n = try n.indexAdd(dim: d, index: index, source: source.onesLike().to(g.dtype))
            n = try n.maskedFill(n.eq(0), 1)
            gradSelf = try g.div(n)
            gradSource = try g.indexSelect(dim: d, index: index).div(n.indexSelect(dim: d, index: index))
        case .amax, .amin:
            let value = try result.indexSelect(dim: d, index: index)
            let selfIsResult = try x.eq(result).to(x.dtype), sourceIsResult = try source.eq(value).to(x.dtype)
            let distributed = try g.div(selfIsResult.indexAdd(dim: d, index: index, source: sourceIsResult))
            gradSelf = try selfIsResult.mul(distributed)
            gradSource = try sourceIsResult.mul(distributed.indexSelect(dim: d, index: index))
        case .sum:
            throw SwiftGradError.internal("index_reduce with sum")
        }
        if !includeSelf { gradSelf = try gradSelf.indexFill(dim: d, index: index, value: zero) }
        if gradSource.shape != source.shape { gradSource = try gradSource.reshape(source.shape) }
        return (gradSelf, gradSource)
    }
}

// MARK: - Flat positions

extension Tensor {
    /// Flat (row-major) positions in `0..<count`, negative ones counting from the end.
    private func checkedFlatPositions(_ index: Tensor) throws -> [Int] {
        var values = try index.int64Elements()
        for (k, v) in values.enumerated() {
            guard v >= -count, v < count else {
                throw SwiftGradError.invalidArgument("out of range: tried to access index \(v) on a tensor of \(count) elements.")
            }
            if v < 0 { values[k] = v + count }
        }
        return values
    }

    /// The elements at flat (row-major) positions `index`, in `index`'s shape (`torch.take`,
    /// TakeBackward0). Negative positions count from the end.
    /// - Throws: `.dtype` for a non-int64 index, `.invalidArgument` for a position out of range.
    public func take(_ index: Tensor) throws -> Tensor {
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("take(): Expected a long tensor for index, but got \(index.dtype.scalarTypeName)")
        }
        guard !(count == 0 && index.count != 0) else {
            throw SwiftGradError.invalidArgument("take(): tried to take from an empty tensor")
        }
        let positions = try checkedFlatPositions(index)
        let out = try Tensor.empty(index.shape, dtype)
        Kernels.copyElements(from: self, at: positions.map { offset(ofLinearIndex: $0) }, into: out, offsets: Array(0..<out.count))
        return try out.recorded("TakeBackward0", input: self, saving: index) { g, ctx in
            [try Tensor.zeros(ctx.inputShape(0), dtype: g.dtype).put(ctx.saved(0), g, accumulate: true)]
        }
    }

    /// A copy of `self` with `source`'s elements written (or added, with `accumulate`) at flat
    /// positions `index` (`torch.put`, PutBackward0). `source` and `index` have the same number
    /// of elements, matched in row-major order; with accumulate, repeated positions add up.
    public func put(_ index: Tensor, _ source: Tensor, accumulate: Bool = false) throws -> Tensor {
        guard index.dtype.isIndexType else {
            throw SwiftGradError.dtype("put_(): Expected a long tensor for index, but got \(index.dtype.scalarTypeName)")
        }
        guard dtype == source.dtype else {
            throw SwiftGradError.dtype("put_(): self and source expected to have the same dtype, but got self.dtype = \(dtype.scalarTypeName) and source.dtype = \(source.dtype.scalarTypeName)")
        }
        guard source.count == index.count else {
            throw SwiftGradError.invalidArgument("put_(): Expected source and index to have the same number of elements, but got source.numel() = \(source.count), index.numel() = \(index.count)")
        }
        guard !(count == 0 && index.count != 0) else {
            throw SwiftGradError.invalidArgument("put_(): Tried to put elements into an empty tensor")
        }
        let positions = try checkedFlatPositions(index)
        let out = try freshCopy()
        let from = (0..<source.count).map { source.offset(ofLinearIndex: $0) }
        if accumulate {
            try Kernels.accumulateElements(from: source, at: from, into: out, offsets: positions)
        } else {
            Kernels.copyElements(from: source, at: from, into: out, offsets: positions)
        }
        let sourceShape = source.shape
        return try out.recorded("PutBackward0", input: self, source, saving: index) { g, ctx in
            let index = try ctx.saved(0)
            return [ctx.needsGrad(0) ? (accumulate ? g : try g.put(index, Tensor.zeros(sourceShape, dtype: g.dtype))) : nil,
                    ctx.needsGrad(1) ? try g.take(index).reshape(sourceShape) : nil]
        }
    }

    /// The elements picked by `indices` along `dim`, `self` and `indices` broadcast against
    /// each other in the other dimensions (`torch.take_along_dim`, through gather). Indices
    /// wrap modulo the size of `dim`, as PyTorch 2.x's do. Without `dim`, the flattened tensor
    /// at the flattened indices.
    public func takeAlongDim(_ indices: Tensor, dim: Int?) throws -> Tensor {
        guard let dim else {
            guard indices.dtype.isIndexType else {
                throw SwiftGradError.dtype("gather(): Expected dtype int64 for index")
            }
            for v in try indices.int64Elements() where v < 0 || v >= count {
                throw SwiftGradError.invalidArgument("index \(v) is out of bounds for dimension 0 with size \(count)")
            }
            return try reshape([-1]).gather(dim: 0, index: indices.reshape([-1]))
        }
        guard ndim == indices.ndim else {
            throw SwiftGradError.invalidArgument("torch.take_along_dim(): input and indices should have the same number of dimensions, but got \(ndim) dimensions for input, and \(indices.ndim) dimensions for indices")
        }
        guard indices.dtype.isIndexType else {
            throw SwiftGradError.dtype("torch.take_along_dim(): dtype of indices should be Long but got \(indices.dtype.scalarTypeName)")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        if ndim == 0 { return try gather(dim: 0, index: indices) }
        var selfSizes = shape
        selfSizes[d] = indices.shape[d]
        let indexShape = try Shape.broadcast(selfSizes, indices.shape)
        var indicesSizes = indices.shape
        indicesSizes[d] = shape[d]
        let selfShape = try Shape.broadcast(indicesSizes, shape)
        let size = shape[d]
        var values = try indices.int64Elements()
        if size > 0 {
            for k in values.indices {
                let r = values[k] % size
                values[k] = r < 0 ? r + size : r
            }
        }
        let wrapped = try Tensor(values.map { Int64($0) }, shape: indices.shape)
        return try expand(selfShape).gather(dim: d, index: wrapped.expand(indexShape))
    }
}

extension Kernels {
    /// `into[offsets[i]] += from[at[i]]` in order (storage offsets; same dtype; bool adds as `or`).
    static func accumulateElements(from source: Tensor, at sourceOffsets: [Int], into target: Tensor, offsets: [Int]) throws {
        if source.dtype == .bool {
            let s = source.pointer(Bool.self), t = target.pointer(Bool.self)
            for (from, to) in Swift.zip(sourceOffsets, offsets) { t[to] = t[to] || s[from] }
            return
        }
        try addElements(from: source, at: sourceOffsets, into: target, offsets: offsets)
    }
}

// MARK: - Masks

extension Tensor {
    /// The elements where `mask` is true, `self` and `mask` broadcast together, as a 1-d tensor
    /// in row-major order (`torch.masked_select`, MaskedSelectBackward0).
    /// - Throws: `.dtype` for a mask that is not bool, `.shape` when the shapes do not broadcast.
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        try maskedSelect(mask, recordedAs: "MaskedSelectBackward0")
    }

    /// `maskedSelect`, its node named `node` (indexing by a mask of the tensor's own shape,
    /// `x[mask]`, is the same selection, recorded as IndexBackward0).
    func maskedSelect(_ mask: Tensor, recordedAs node: String) throws -> Tensor {
        guard mask.dtype == .bool else { throw SwiftGradError.dtype("masked_select: expected BoolTensor for mask") }
        let common = try Shape.broadcast(shape, mask.shape)
        let x = try expand(common).denseForKernel(), m = try mask.expand(common).denseForKernel()
        let maskBytes = UnsafeRawPointer(m.elements) + m.storageOffset, n = x.count
        @inline(__always) func bit(_ i: Int) -> Int { nonzeroBit(maskBytes.load(fromByteOffset: i, as: UInt8.self)) }
        var found = 0
        for i in 0..<n { found &+= bit(i) }
        let out = try Tensor.empty([found], dtype)
        // Every element is written at the next free place, which moves on only when the mask
        // holds there: no branch to mispredict (a list of picked offsets, then a copy by them,
        // took 904 us for [256, 512] half selected; PyTorch's 392). Writes stop when the result
        // is full, so each lands inside it.
        func compact<Bits: FixedWidthInteger>(_: Bits.Type) {
            let from = UnsafeRawPointer(x.elements).assumingMemoryBound(to: Bits.self) + x.storageOffset
            let to = UnsafeMutableRawPointer(out.elements).assumingMemoryBound(to: Bits.self)
            var written = 0
            for i in 0..<n {
                if written == found { break }
                to[written] = from[i]
                written &+= bit(i)
            }
        }
        switch dtype.itemSize {
        case 1: compact(UInt8.self)
        case 2: compact(UInt16.self)
        case 4: compact(UInt32.self)
        default: compact(UInt64.self)
        }
        return try out.recorded(node, input: self, saving: mask) { g, ctx in
            let mask = try ctx.saved(0)
            let target = try Shape.broadcast(ctx.inputShape(0), mask.shape)
            return [try Tensor.zeros(target, dtype: g.dtype).maskedScatter(mask, g)]
        }
    }

    /// `self` and `mask` broadcast together, with the elements of `source` (in row-major order)
    /// written where `mask` is true (`torch.masked_scatter`, MaskedScatterBackward0).
    /// - Throws: `.dtype` for a non-bool mask or a source of another dtype, `.invalidArgument`
    ///   when `source` has fewer elements than `mask` has true values.
    public func maskedScatter(_ mask: Tensor, _ source: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw SwiftGradError.dtype("masked_scatter_ only supports boolean masks, but got mask with dtype \(mask.dtype.scalarTypeName)")
        }
        guard dtype == source.dtype else {
            throw SwiftGradError.dtype("masked_scatter: expected self and source to have same dtypes but got\(dtype.scalarTypeName) and \(source.dtype.scalarTypeName)")
        }
        let common = try Shape.broadcast(shape, mask.shape)
        let m = try mask.expand(common).denseForKernel()
        let mp = m.pointer(Bool.self) + m.storageOffset
        var positions: [Int] = []
        for i in 0..<m.count where mp[i] { positions.append(i) }
        guard positions.count <= source.count else {
            throw SwiftGradError.invalidArgument("Number of elements of source < number of ones in mask")
        }
        let out = try Tensor.empty(common, dtype)
        try noGrad { Kernels.convert(from: try expand(common), into: out) }
        let from = (0..<positions.count).map { source.offset(ofLinearIndex: $0) }
        Kernels.copyElements(from: source, at: from, into: out, offsets: positions)
        return try out.recorded("MaskedScatterBackward0", input: self, source, saving: mask) { g, ctx in
            let mask = try ctx.saved(0)
            var gradSource: Tensor?
            if ctx.needsGrad(1) {
                let sourceShape = ctx.inputShape(1)
                var selected = try g.maskedSelect(mask)
                let missing = Shape.count(sourceShape) - selected.count
                if missing > 0 { selected = try Tensor.cat([selected, Tensor.zeros([missing], dtype: g.dtype)]) }
                gradSource = try selected.reshape(sourceShape)
            }
            return [ctx.needsGrad(0) ? try g.maskedFill(mask, 0) : nil, gradSource]
        }
    }

    /// The coordinates of the first `size` non-zero elements, `[size, ndim]` int64, rows past
    /// the last non-zero element filled with `fillValue` (`torch.nonzero_static`).
    public func nonzeroStatic(size: Int, fillValue: Int = -1) throws -> Tensor {
        guard size >= 0 else { throw SwiftGradError.invalidArgument("nonzero_static: 'size' must be an non-negative integer") }
        let rank = ndim
        // Allocated as a tensor (a size too large to allocate is an error, not a trap).
        _ = try Shape.validate([size, rank])
        let out = try Tensor.empty([size, rank], .int64)
        let rows = out.pointer(Int64.self)
        rows.update(repeating: Int64(fillValue), count: out.count)
        var found = 0, position = 0
        while found < size && position < count {
            if doubleValue(atOffset: offset(ofLinearIndex: position)) != 0 {
                var rest = position
                for k in stride(from: rank - 1, through: 0, by: -1) {
                    rows[found &* rank &+ k] = Int64(rest % shape[k])
                    rest /= shape[k]
                }
                found += 1
            }
            position += 1
        }
        return out
    }
}

// MARK: - Advanced indexing out of place

extension Tensor {
    /// A copy of `self` with `values` (broadcast to the indexed shape) written at the positions
    /// advanced indexing with `indices` picks, or added there with `accumulate`
    /// (`torch.index_put`, IndexPutBackward0). See `index(_:)` for the indices.
    /// - Throws: `.dtype` unless `values` has `self`'s dtype, `.shape` when `values` does not
    ///   broadcast to the indexed shape, and the errors of `index(_:)`.
    public func indexPut(_ indices: [Tensor?], _ values: Tensor, accumulate: Bool = false) throws -> Tensor {
        guard dtype == values.dtype else {
            throw SwiftGradError.dtype("Index put requires the source and destination dtypes match, got \(dtype.scalarTypeName) for the destination and \(values.dtype.scalarTypeName) for the source.")
        }
        let plan = try AdvancedIndex(self, indices)
        guard Shape.isExpandable(values.shape, to: plan.resultShape) else {
            throw SwiftGradError.shape("shape mismatch: value tensor of shape \(Shape.describe(values.shape)) cannot be broadcast to indexing result of shape \(Shape.describe(plan.resultShape))")
        }
        let out = try freshCopy()
        let source = try values.expand(plan.resultShape)
        if accumulate && dtype == .bool {
            // Bool addition is `or`: add as int64 and compare with zero.
            let counts = try to(.int64, recording: false).freshCopy()
            try plan.scatterAdd(source.to(.int64, recording: false), into: counts)
            try noGrad { Kernels.convert(from: try counts.ne(0), into: out) }
        } else if accumulate {
            try plan.scatterAdd(source, into: out)
        } else {
            try plan.scatter(source, into: out)
        }
        let saved = indices.compactMap { $0 }
        let slots = indices.map { $0 != nil }
        let valuesShape = values.shape
        return try out.recorded("IndexPutBackward0", inputs: [self, values], saving: saved) { g, ctx in
            var restored: [Tensor?] = []
            var k = 0
            for present in slots {
                if present { restored.append(try ctx.saved(k)); k += 1 } else { restored.append(nil) }
            }
            var gradSelf: Tensor?
            if ctx.needsGrad(0) {
                gradSelf = accumulate ? g : try g.indexPut(restored, Tensor.zeros(valuesShape, dtype: g.dtype))
            }
            return [gradSelf, ctx.needsGrad(1) ? try g.index(restored) : nil]
        }
    }

    /// Integer indices clamped into `-size...size-1` of their dimension (PyTorch's
    /// _unsafe_masked_index clamps them so that entries the mask hides may be out of range).
    private func clampedIndices(_ indices: [Tensor?]) throws -> [Tensor?] {
        guard indices.count <= ndim else {
            throw SwiftGradError.invalidArgument("too many indices for tensor of dimension \(ndim) (got \(indices.count))")
        }
        return try indices.enumerated().map { k, index in
            guard let index else { return nil }
            guard index.dtype.isIndexType else {
                throw SwiftGradError.dtype("_unsafe_masked_index found unexpected index type \(index.dtype.scalarTypeName)")
            }
            let size = shape[k]
            let values = try index.int64Elements().map { Int64(Swift.min(Swift.max($0, -size), size - 1)) }
            return try Tensor(values, shape: index.shape)
        }
    }

    /// `where(mask, self[indices], fill)` without reading `self` where `mask` is false: indices
    /// are clamped into range first (`torch._unsafe_masked_index`, UnsafeMaskedIndexBackward0).
    public func unsafeMaskedIndex(_ mask: Tensor, _ indices: [Tensor?], fill: Double) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw SwiftGradError.dtype("masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.scalarTypeName)")
        }
        let clamped = try clampedIndices(indices)
        let out = try noGrad { () -> Tensor in
            if count == 0 {
                var sizes = shape
                for (k, index) in indices.enumerated() where index != nil && sizes[k] == 0 { sizes[k] = 1 }
                return try Tensor.full(sizes, fill, dtype: dtype).index(clamped)
            }
            return try index(clamped).maskedFill(mask.logicalNot(), fill)
        }
        return try out.recorded("UnsafeMaskedIndexBackward0", inputs: [self], saving: [mask] + indices.compactMap { $0 }) { g, ctx in
            let mask = try ctx.saved(0)
            var restored: [Tensor?] = []
            var k = 1
            for index in indices {
                if index != nil { restored.append(try ctx.saved(k)); k += 1 } else { restored.append(nil) }
            }
            return [try Tensor.zeros(ctx.inputShape(0), dtype: g.dtype).unsafeMaskedIndexPutAccumulate(mask, restored, g)]
        }
    }

    /// `index_put(indices, values.masked_fill(~mask, 0), accumulate=True)` with the indices
    /// clamped into range (`torch._unsafe_masked_index_put_accumulate`, the backward of
    /// `unsafeMaskedIndex`; UnsafeMaskedIndexPutAccumulateBackward0).
    public func unsafeMaskedIndexPutAccumulate(_ mask: Tensor, _ indices: [Tensor?], _ values: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw SwiftGradError.dtype("masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.scalarTypeName)")
        }
        let clamped = try clampedIndices(indices)
        let out = try noGrad { () -> Tensor in
            if count == 0 { return try clone() }
            return try indexPut(clamped, values.maskedFill(mask.logicalNot(), 0), accumulate: true)
        }
        return try out.recorded("UnsafeMaskedIndexPutAccumulateBackward0", inputs: [self, values],
                                saving: [mask] + indices.compactMap { $0 }) { g, ctx in
            let mask = try ctx.saved(0)
            var restored: [Tensor?] = []
            var k = 1
            for index in indices {
                if index != nil { restored.append(try ctx.saved(k)); k += 1 } else { restored.append(nil) }
            }
            return [ctx.needsGrad(0) ? g : nil,
                    ctx.needsGrad(1) ? try g.unsafeMaskedIndex(mask, restored, fill: 0) : nil]
        }
    }
}

// MARK: - _chunk_cat

extension Tensor {
    /// PyTorch's `_chunk_cat`: each tensor is split into `numChunks` chunks along `dim` (zero
    /// padded to equal chunks), the dimensions after `dim` are flattened, and chunk i of every
    /// tensor is concatenated: the result is `shape[..<dim] + [numChunks, total]`.
    public static func chunkCat(_ tensors: [Tensor], dim: Int, numChunks: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw SwiftGradError.invalidArgument("_chunk_cat expects a non-empty input tensor list")
        }
        guard numChunks >= 1 else { throw SwiftGradError.invalidArgument("_chunk_cat expects positive num_chunks") }
        guard tensors.allSatisfy({ $0.dtype == first.dtype }) else {
            throw SwiftGradError.dtype("_chunk_cat expects all input tensors with the same dtype")
        }
        guard first.ndim > 0 else { throw SwiftGradError.invalidArgument("_chunk_cat expects dim < ndim for all input tensors") }
        let d = try Shape.normalize(dim: dim, ndim: first.ndim)
        for t in tensors {
            guard d < t.ndim else { throw SwiftGradError.invalidArgument("_chunk_cat expects dim < ndim for all input tensors") }
            guard t.count > 0 else { throw SwiftGradError.invalidArgument("_chunk_cat expects non-empty tensor") }
            guard Array(t.shape[..<d]) == Array(first.shape[..<d]) else {
                throw SwiftGradError.shape("_chunk_cat expects same sizes of 0,...,dim-1 dimensions for all tensors")
            }
        }
        let parts = try tensors.map { t -> Tensor in
            let chunk = t.shape[d] / numChunks + (t.shape[d] % numChunks == 0 ? 0 : 1)  // no overflow
            let padding = chunk * numChunks - t.shape[d]
            var padded = t
            if padding > 0 {
                var padShape = t.shape
                padShape[d] = padding
                padded = try Tensor.cat([t, Tensor.zeros(padShape, dtype: t.dtype)], dim: d)
            }
            return try padded.reshape(Array(t.shape[..<d]) + [numChunks, -1])
        }
        return try Tensor.cat(parts, dim: d + 1)
    }
}
