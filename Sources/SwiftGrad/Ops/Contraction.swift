/// Products that contract dimensions: the cross product (`torch.linalg.cross`, `torch.cross`),
/// `torch.inner`, `torch.tensordot` and `torch.einsum`. tensordot and einsum are written in
/// differentiable ops (permute, reshape, diagonal, sum, mm/bmm), as PyTorch's are, so their
/// gradients of any order come from those ops' rules.
extension Tensor {
    /// The cross product of 3-vectors along `dim` (`torch.linalg.cross`, LinalgCrossBackward0);
    /// the operands have the same number of dimensions and broadcast in the others.
    /// - Throws: `.shape` when the numbers of dimensions differ, the size of `dim` is not 3, or
    ///   the shapes do not broadcast; `.dtype` when the dtypes differ.
    public func linalgCross(_ other: Tensor, dim: Int = -1) throws -> Tensor {
        guard ndim == other.ndim else {
            throw SwiftGradError.shape("linalg.cross: inputs must have the same number of dimensions.")
        }
        guard dtype == other.dtype else {
            throw SwiftGradError.dtype("expected scalar type \(dtype.scalarTypeName) but found \(other.dtype.scalarTypeName)")
        }
        let d = try Shape.normalize(dim: dim, ndim: ndim)
        guard ndim > 0, shape[d] == 3, other.shape[d] == 3 else {
            throw SwiftGradError.shape("linalg.cross: inputs dimension \(dim) must have length 3. Got \(ndim > 0 ? shape[d] : 1) and \(other.ndim > 0 ? other.shape[d] : 1)")
        }
        guard dtype != .bool else { throw SwiftGradError.dtype("\"linalg_cross\" not implemented for 'Bool'") }
        let common = try Shape.broadcast(shape, other.shape)
        let out = try noGrad { () -> Tensor in
            let a = try expand(common), b = try other.expand(common)
            func component(_ i: Int, _ j: Int) throws -> Tensor {
                try a.select(dim: d, index: i).mul(b.select(dim: d, index: j))
                    .sub(a.select(dim: d, index: j).mul(b.select(dim: d, index: i)))
            }
            return try Tensor.stack([component(1, 2), component(2, 0), component(0, 1)], dim: d)
        }
        return try out.recorded("LinalgCrossBackward0", input: self, other, saving: self, other) { g, ctx in
            [ctx.needsGrad(0) ? try ctx.saved(1).linalgCross(g, dim: d) : nil,
             ctx.needsGrad(1) ? try g.linalgCross(ctx.saved(0), dim: d) : nil]
        }
    }

    /// `torch.cross`: `linalgCross` along `dim`, or, when `dim` is nil, along the first
    /// dimension of size 3 of `self` (PyTorch's deprecated default).
    public func cross(_ other: Tensor, dim: Int? = nil) throws -> Tensor {
        if let dim { return try linalgCross(other, dim: dim) }
        guard let first = shape.firstIndex(of: 3) else {
            throw SwiftGradError.shape("no dimension of size 3 in input")
        }
        return try linalgCross(other, dim: first)
    }

    /// The sum of products over the last dimension of both (`torch.inner`); with a 0-d operand
    /// the plain product.
    public func inner(_ other: Tensor) throws -> Tensor {
        if ndim == 0 || other.ndim == 0 { return try mul(other) }
        guard shape[ndim - 1] == other.shape[other.ndim - 1] else {
            throw SwiftGradError.shape("inner() the last dimension must match on both input tensors but got shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        }
        return try tensordot(other, dimsA: [-1], dimsB: [-1])
    }

    /// Contracts dimensions `dimsA` of `self` with `dimsB` of `other`, pairwise
    /// (`torch.tensordot`): the result has the other dimensions of `self`, then those of
    /// `other`. A contracted size of 1 on one side broadcasts against the other, as in PyTorch.
    /// - Throws: `.dtype` when the dtypes differ, `.invalidArgument` for lists of different
    ///   lengths, a dimension out of range or listed twice, `.shape` for sizes that differ.
    public func tensordot(_ other: Tensor, dimsA: [Int], dimsB: [Int]) throws -> Tensor {
        guard dtype == other.dtype else { throw SwiftGradError.dtype("both inputs should have same dtype") }
        guard dimsA.count == dimsB.count else {
            throw SwiftGradError.invalidArgument("both dimension lists should have same length")
        }
        let da = try Tensor.distinctDims(dimsA, ndim), db = try Tensor.distinctDims(dimsB, other.ndim)
        var t1 = self, t2 = other
        var contracted = 1
        for i in 0..<da.count {
            let s1 = t1.shape[da[i]], s2 = t2.shape[db[i]]
            if s2 == 1 {
                t1 = try t1.sum(dims: [da[i]], keepdim: true)
            } else if s1 == 1 {
                t2 = try t2.sum(dims: [db[i]], keepdim: true)
            } else {
                guard s1 == s2 else {
                    throw SwiftGradError.shape("contracted dimensions need to match, but first has size \(s1) in dim \(dimsA[i]) and second has size \(s2) in dim \(dimsB[i])")
                }
                contracted *= s1
            }
        }
        let free1 = (0..<ndim).filter { !da.contains($0) }, free2 = (0..<other.ndim).filter { !db.contains($0) }
        let sizes1 = free1.map { shape[$0] }, sizes2 = free2.map { other.shape[$0] }
        _ = try Shape.validate(sizes1 + sizes2, itemSize: dtype.itemSize)
        let left = try t1.permute(free1 + da).reshape([Shape.count(sizes1), contracted])
        let right = try t2.permute(db + free2).reshape([contracted, Shape.count(sizes2)])
        return try left.mm(right).reshape(sizes1 + sizes2)
    }

    /// Dimensions wrapped into range, each at most once (PyTorch's dim_list_to_bitset); a 0-d
    /// tensor has none to name.
    static func distinctDims(_ dims: [Int], _ ndim: Int) throws -> [Int] {
        var seen: [Int] = []
        for dim in dims {
            guard ndim > 0 else {
                throw SwiftGradError.invalidArgument("Dimension specified as \(dim) but tensor has no dimensions")
            }
            let d = try Shape.normalize(dim: dim, ndim: ndim)
            guard !seen.contains(d) else {
                throw SwiftGradError.invalidArgument("dim \(d) appears multiple times in the list of dims")
            }
            seen.append(d)
        }
        return seen
    }

    /// The diagonal of dimensions `a` and `b` as a view, moved to the end (PyTorch's
    /// `diagonal(offset=0, dim1=a, dim2=b)`, DiagonalBackward0).
    func diagonalAlias(_ a: Int, _ b: Int) throws -> Tensor {
        let length = Swift.min(shape[a], shape[b])
        var newShape = shape, newStrides = strides
        for k in [Swift.max(a, b), Swift.min(a, b)] {
            newShape.remove(at: k)
            newStrides.remove(at: k)
        }
        newShape.append(length)
        newStrides.append(strides[a] + strides[b])
        return try aliased(shape: newShape, strides: newStrides, offset: storageOffset)
            .recorded("DiagonalBackward0", input: self) { g, ctx in
                [try g.embedded(into: ctx.inputShape(0), name: "DiagonalBackwardBackward0") { try $0.diagonalAlias(a, b) }]
            }
    }
}

// MARK: - einsum

extension Tensor {
    /// Einstein summation (`torch.einsum`): `"ij,jk->ik"` is a matrix product, `"ii->i"` a
    /// diagonal, `"...ij->...ji"` a batched transpose. Subscripts are letters (upper case first
    /// in the implicit output's order); `...` covers the leading dimensions not named, which
    /// broadcast across operands; a subscript of size 1 broadcasts too. Without `->`, the
    /// output is the ellipsis dimensions followed by the subscripts that appear once, sorted.
    /// Operands are contracted left to right by batched matrix products.
    /// - Throws: `.invalidArgument` with PyTorch's messages for a malformed equation, a wrong
    ///   number of operands or dimensions, sizes that do not broadcast; `.dtype` when the
    ///   operands' dtypes differ.
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        let spec = try EinsumEquation(equation, operands)
        return try spec.evaluate(operands)
    }
}

/// A parsed einsum equation: each operand's axes (letters 0..<52, and its ellipsis) and the
/// output's.
private struct EinsumEquation {
    /// An axis of the computation: a letter, or one of the ellipsis dimensions (counted from
    /// the first of the widest ellipsis).
    enum Axis: Hashable {
        case label(Int)
        case ellipsis(Int)
    }

    /// Each operand's dimensions, in order, as axes.
    var operandAxes: [[Axis]] = []
    /// The output's axes, then the contracted ones: the order of every intermediate tensor.
    var axes: [Axis] = []
    var outputCount = 0
    /// The size of each axis (the broadcast size over the operands).
    var sizes: [Axis: Int] = [:]

    static func labelIndex(_ c: Character) -> Int? {
        guard let ascii = c.asciiValue else { return nil }
        if ascii >= 65 && ascii <= 90 { return Int(ascii) - 65 }
        if ascii >= 97 && ascii <= 122 { return Int(ascii) - 97 + 26 }
        return nil
    }

    static func labelName(_ l: Int) -> Character {
        Character(UnicodeScalar(UInt8(l < 26 ? 65 + l : 97 + l - 26)))
    }

    init(_ equation: String, _ operands: [Tensor]) throws {
        let chars = Array(equation)
        guard !operands.isEmpty else {
            throw SwiftGradError.invalidArgument("einsum(): must provide at least one operand")
        }
        if let first = operands.first, let other = operands.first(where: { $0.dtype != first.dtype }) {
            throw SwiftGradError.dtype("expected scalar type \(first.dtype.scalarTypeName) but found \(other.dtype.scalarTypeName)")
        }
        // Left-hand side.
        var arrow: Int?
        for i in 0..<Swift.max(chars.count - 1, 0) where chars[i] == "-" && chars[i + 1] == ">" {
            arrow = i
            break
        }
        let lhsEnd = arrow ?? chars.count
        var terms: [[Int?]] = [[]]  // nil marks the ellipsis
        var ellipsisSeen = [false]
        var i = 0
        while i < lhsEnd {
            let c = chars[i]
            switch c {
            case " ":
                break
            case ".":
                let k = terms.count - 1
                guard !ellipsisSeen[k] else {
                    throw SwiftGradError.invalidArgument("einsum(): found '.' for operand \(k) for which an ellipsis was already found")
                }
                guard i + 2 < lhsEnd, chars[i + 1] == ".", chars[i + 2] == "." else {
                    throw SwiftGradError.invalidArgument("einsum(): found '.' for operand \(k) that is not part of any ellipsis")
                }
                ellipsisSeen[k] = true
                terms[k].append(nil)
                i += 2
            case ",":
                guard terms.count < operands.count else {
                    throw SwiftGradError.invalidArgument("einsum(): fewer operands were provided than specified in the equation")
                }
                terms.append([])
                ellipsisSeen.append(false)
            default:
                guard let l = EinsumEquation.labelIndex(c) else {
                    throw SwiftGradError.invalidArgument("einsum(): invalid subscript given at index \(i) in the equation string, subscripts must be in [a-zA-Z]")
                }
                terms[terms.count - 1].append(l)
            }
            i += 1
        }
        guard terms.count == operands.count else {
            throw SwiftGradError.invalidArgument(terms.count < operands.count
                ? "einsum(): more operands were provided than specified in the equation"
                : "einsum(): fewer operands were provided than specified in the equation")
        }
        // Dimensions of each operand, and the widest ellipsis.
        var ellipsisWidth = 0
        for (k, term) in terms.enumerated() {
            let labels = term.filter { $0 != nil }.count, n = operands[k].ndim
            if term.contains(where: { $0 == nil }) {
                guard n >= labels else {
                    throw SwiftGradError.invalidArgument("einsum(): the number of subscripts in the equation (\(labels)) is more than the number of dimensions (\(n)) for operand \(k)")
                }
                ellipsisWidth = Swift.max(ellipsisWidth, n - labels)
            } else {
                guard n == labels else {
                    throw SwiftGradError.invalidArgument("einsum(): the number of subscripts in the equation (\(labels)) does not match the number of dimensions (\(n)) for operand \(k) and no ellipsis was given")
                }
            }
        }
        var counts = [Int](repeating: 0, count: 52)
        for (k, term) in terms.enumerated() {
            let width = operands[k].ndim - term.filter { $0 != nil }.count
            var axesOfOperand: [Axis] = []
            for entry in term {
                if let l = entry {
                    axesOfOperand.append(.label(l))
                    counts[l] += 1
                } else {
                    for e in 0..<width { axesOfOperand.append(.ellipsis(ellipsisWidth - width + e)) }
                }
            }
            // Sizes: repeated letters within an operand must agree; across operands they broadcast.
            var own: [(axis: Axis, size: Int)] = []
            for (dim, axis) in axesOfOperand.enumerated() {
                let size = operands[k].shape[dim]
                if let previous = own.first(where: { $0.axis == axis })?.size {
                    if case .label(let l) = axis, previous != size {
                        throw SwiftGradError.invalidArgument("einsum(): subscript \(EinsumEquation.labelName(l)) is repeated for operand \(k) but the sizes don't match, \(size) != \(previous)")
                    }
                } else {
                    own.append((axis, size))
                }
            }
            for (axis, size) in own {
                guard let seen = sizes[axis] else { sizes[axis] = size; continue }
                if seen == size || size == 1 { continue }
                guard seen == 1 else {
                    switch axis {
                    case .label(let l):
                        throw SwiftGradError.invalidArgument("einsum(): subscript \(EinsumEquation.labelName(l)) has size \(size) for operand \(k) which does not broadcast with previously seen size \(seen)")
                    case .ellipsis(let e):
                        throw SwiftGradError.invalidArgument("einsum(): dimension \(e) covered by ellipsis in operand \(k)has size \(size) which does not broadcast with previously seen ellipsis with size \(seen) for the respective dimension")
                    }
                }
                sizes[axis] = size
            }
            operandAxes.append(axesOfOperand)
        }
        // The output.
        var output: [Axis] = []
        if let arrow {
            var ellipsisInOutput = false
            var j = arrow + 2
            while j < chars.count {
                let c = chars[j]
                if c == " " {
                } else if c == "." {
                    guard !ellipsisInOutput else {
                        throw SwiftGradError.invalidArgument("einsum(): found '.' for output but an ellipsis (...) was already found")
                    }
                    guard j + 2 < chars.count, chars[j + 1] == ".", chars[j + 2] == "." else {
                        throw SwiftGradError.invalidArgument("einsum(): found '.' for output that is not part of any ellipsis (...)")
                    }
                    ellipsisInOutput = true
                    for e in 0..<ellipsisWidth { output.append(.ellipsis(e)) }
                    j += 2
                } else if let l = EinsumEquation.labelIndex(c) {
                    guard !output.contains(.label(l)) else {
                        throw SwiftGradError.invalidArgument("einsum(): output subscript \(c) appears more than once in the output")
                    }
                    guard counts[l] > 0 else {
                        throw SwiftGradError.invalidArgument("einsum(): output subscript \(c) does not appear in the equation for any input operand")
                    }
                    output.append(.label(l))
                } else {
                    throw SwiftGradError.invalidArgument("einsum(): invalid subscript given at index \(j) in the equation string, subscripts must be in [a-zA-Z]")
                }
                j += 1
            }
        } else {
            output = (0..<ellipsisWidth).map { .ellipsis($0) } + (0..<52).filter { counts[$0] == 1 }.map { .label($0) }
        }
        let contracted = (0..<ellipsisWidth).map { Axis.ellipsis($0) }.filter { !output.contains($0) }
            + (0..<52).filter { counts[$0] > 0 && !output.contains(.label($0)) }.map { Axis.label($0) }
        axes = output + contracted
        outputCount = output.count
    }

    /// Each operand with its repeated letters reduced to diagonals, permuted to `axes` and given
    /// size-1 dimensions for the axes it lacks; then contracted pairwise, left to right.
    func evaluate(_ operands: [Tensor]) throws -> Tensor {
        let rank = axes.count
        var aligned: [Tensor] = [], present: [Set<Axis>] = []
        for (k, operand) in operands.enumerated() {
            var t = operand, labels = operandAxes[k]
            // Repeated letters: take diagonals until each appears once.
            while let (p, q) = EinsumEquation.firstRepeat(labels) {
                t = try t.diagonalAlias(p, q)
                let axis = labels[p]
                labels.remove(at: q)
                labels.remove(at: p)
                labels.append(axis)
            }
            let order = axes.compactMap { labels.firstIndex(of: $0) }
            let shape = axes.map { axis in labels.firstIndex(of: axis).map { t.shape[$0] } ?? 1 }
            t = try t.permute(order).reshape(shape)
            aligned.append(t)
            present.append(Set(labels))
        }
        // Sum right away the contracted axes that only one operand has.
        for k in aligned.indices {
            let alone = (outputCount..<rank).filter { a in
                present[k].contains(axes[a]) && !present.indices.contains { $0 != k && present[$0].contains(axes[a]) }
            }
            if !alone.isEmpty { aligned[k] = try aligned[k].sum(dims: alone, keepdim: true) }
        }
        var result = aligned[0]
        var have = present[0]
        for k in aligned.indices.dropFirst() {
            let later = present[(k + 1)...].reduce(into: Set<Axis>()) { $0.formUnion($1) }
            let sumDims = (outputCount..<rank).filter { a in
                !later.contains(axes[a]) && (have.contains(axes[a]) || present[k].contains(axes[a]))
            }
            result = try EinsumEquation.sumProduct(result, aligned[k], sumDims: sumDims)
            have.formUnion(present[k])
        }
        let leftover = (outputCount..<rank).filter { result.shape[$0] != 1 }
        if !leftover.isEmpty { result = try result.sum(dims: leftover, keepdim: true) }
        let outputShape = Array(result.shape[..<outputCount])
        return result.shape == outputShape ? result : try result.reshape(outputShape)
    }

    static func firstRepeat(_ labels: [Axis]) -> (Int, Int)? {
        for p in 0..<labels.count {
            for q in (p + 1)..<Swift.max(labels.count, p + 1) where labels[q] == labels[p] { return (p, q) }
        }
        return nil
    }

    /// `sum over sumDims of left * right` for two tensors of the same rank whose sizes are
    /// equal or 1 (PyTorch's sumproduct_pair): batch, left-only, right-only and contracted
    /// dimensions go to one `bmm`.
    static func sumProduct(_ leftIn: Tensor, _ rightIn: Tensor, sumDims: [Int]) throws -> Tensor {
        var left = leftIn, right = rightIn
        let rank = left.ndim
        // A summed dimension that only one side has is summed on that side first.
        for d in sumDims {
            if left.shape[d] != 1 && right.shape[d] == 1 {
                left = try left.sum(dims: [d], keepdim: true)
            } else if right.shape[d] != 1 && left.shape[d] == 1 {
                right = try right.sum(dims: [d], keepdim: true)
            }
        }
        var batch: [Int] = [], leftOnly: [Int] = [], rightOnly: [Int] = [], summed: [Int] = [], rest: [Int] = []
        for d in 0..<rank {
            let l = left.shape[d] != 1, r = right.shape[d] != 1
            if sumDims.contains(d) {
                if l && r { summed.append(d) } else { rest.append(d) }
            } else if l && r {
                batch.append(d)
            } else if l {
                leftOnly.append(d)
            } else if r {
                rightOnly.append(d)
            } else {
                rest.append(d)
            }
        }
        // The product's sizes, checked (sizes of 0 elsewhere may leave huge ones in operands).
        _ = try Shape.validate(batch.map { left.shape[$0] } + leftOnly.map { left.shape[$0] } + rightOnly.map { right.shape[$0] },
                               itemSize: left.dtype.itemSize)
        func size(_ t: Tensor, _ dims: [Int]) -> Int { Shape.count(dims.map { t.shape[$0] }) }
        let b = size(left, batch), lo = size(left, leftOnly), ro = size(right, rightOnly), s = size(left, summed)
        let l3 = try left.permute(batch + leftOnly + summed + rightOnly + rest).reshape([b, lo, s])
        let r3 = try right.permute(batch + summed + rightOnly + leftOnly + rest).reshape([b, s, ro])
        let product = try l3.bmm(r3)
        let order = batch + leftOnly + rightOnly + summed + rest
        let unflattened = batch.map { left.shape[$0] } + leftOnly.map { left.shape[$0] } + rightOnly.map { right.shape[$0] }
            + [Int](repeating: 1, count: summed.count + rest.count)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return try product.reshape(unflattened).permute(inverse)
    }
}
