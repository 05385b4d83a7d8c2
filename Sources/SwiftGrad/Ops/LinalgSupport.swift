/// What the linear-algebra ops share: a node for ops with several differentiable outputs
/// (qr, svd, eigh, lu, slogdet), and the small differentiable matrix helpers their backward
/// rules are written in (transpose of the last two dimensions, triangular parts, diagonals).
final class MultiOutputNode: Node {
    /// Maps the output gradients (nil where an output got none) to one gradient per input.
    typealias Rule = (_ grads: [Tensor?], _ ctx: MultiOutputNode) throws -> [Tensor?]

    private let rule: Rule
    private let metas: [(shape: [Int], dtype: DType)]
    private var saved: [(value: SavedTensor, outputNr: Int?)] = []
    private var released = false

    init(name: String, inputs: [Tensor], outputs: [Tensor], rule: @escaping Rule) {
        self.rule = rule
        self.metas = outputs.map { ($0.shape, $0.dtype) }
        super.init(name: name, edgeCount: inputs.count) { inputs[$0].gradientEdge }
    }

    override var outputCount: Int { metas.count }
    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { metas[index] }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        if gradients.allSatisfy({ $0 == nil }) { return Gradients(nils: edgeCount) }
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        let result = try rule(gradients, self)
        guard result.count == edgeCount else {
            throw SwiftGradError.internal("\(name) returned \(result.count) gradients for \(edgeCount) inputs")
        }
        return Gradients(result)
    }

    override func releaseSavedValues() {
        if !saved.isEmpty {
            saved = []
            released = true
        }
    }

    /// Whether forward input `index` needs a gradient.
    func needsGrad(_ index: Int) -> Bool { edge(index) != nil }

    /// Saved value `index` (in the order given to `recordOutputs`), checked against in-place
    /// changes; a saved output leads back to this node under create_graph.
    func saved(_ index: Int) throws -> Tensor {
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        guard index < saved.count else {
            throw SwiftGradError.internal("\(name) read saved value \(index), which it did not save")
        }
        let entry = saved[index]
        let value = try entry.value.unpack(for: self)
        if let nr = entry.outputNr, value.gradFn === self { value.outputNr = nr }
        return value
    }

    fileprivate func save(_ tensors: [Tensor], outputs: [Tensor]) {
        saved = tensors.map { t in
            if let i = outputs.firstIndex(where: { $0 === t }) {
                return (SavedTensor(t, isOutputOf: self), i)
            }
            return (SavedTensor(t, isOutputOf: nil), nil)
        }
    }
}

extension Tensor {
    /// Records `outputs` (computed without recording) as the outputs of one node named `name`,
    /// when grad mode is on and an input requires grad. Only the outputs marked differentiable
    /// get the node as their grad_fn (PyTorch's output_differentiability); `saving` may name
    /// inputs and outputs. Returns the outputs (fresh tensors over the same storage).
    static func recordOutputs(_ name: String, inputs: [Tensor], outputs raw: [Tensor], differentiable: [Bool]? = nil,
                              saving: [Tensor], rule: @escaping MultiOutputNode.Rule) throws -> [Tensor] {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return raw }
        for input in inputs where input.base != nil { try input.checkViewHistory() }
        let outputs = raw.map { Tensor(storage: $0.storage, shape: $0.shape, strides: $0.strides, offset: $0.storageOffset) }
        let node = MultiOutputNode(name: name, inputs: inputs, outputs: outputs, rule: rule)
        if Engine.detectAnomaly { node.anomalyContext = Autograd.anomalyContext }
        for (i, out) in outputs.enumerated() where out.dtype.isFloatingPoint && (differentiable?[i] ?? true) {
            out.gradFn = node
            out.outputNr = i
        }
        let savedTensors = saving.map { t in raw.firstIndex(where: { $0 === t }).map { outputs[$0] } ?? t }
        node.save(savedTensors, outputs: outputs)
        return outputs
    }

    // MARK: Matrix helpers (differentiable)

    /// The transpose of the last two dimensions (`.mT`).
    var mT: Tensor { get throws { try transpose(-2, -1) } }

    /// The lower triangle from diagonal `k` down (`tril(k)`), as a product with a constant mask.
    func lowerTriangle(_ k: Int = 0) throws -> Tensor { try mul(Tensor.triangleMask(shape, dtype, lower: true, k)) }

    /// The upper triangle from diagonal `k` up (`triu(k)`).
    func upperTriangle(_ k: Int = 0) throws -> Tensor { try mul(Tensor.triangleMask(shape, dtype, lower: false, k)) }

    /// A [rows, cols] mask of ones on the lower (j - i <= k) or upper (j - i >= k) triangle.
    static func triangleMask(_ shape: [Int], _ dtype: DType, lower: Bool, _ k: Int) throws -> Tensor {
        let rows = shape.count >= 2 ? shape[shape.count - 2] : 1, cols = shape.last ?? 1
        var values = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols where lower ? j - i <= k : j - i >= k { values[i * cols + j] = 1 }
        }
        return try Tensor.fromDoubles(values, [rows, cols], dtype)
    }

    /// A new tensor of `shape` holding `values` (row-major) in `dtype`.
    static func fromDoubles(_ values: [Double], _ shape: [Int], _ dtype: DType) throws -> Tensor {
        let t = try Tensor.empty(shape, .float64)
        let p = t.pointer(Double.self)
        for (i, v) in values.enumerated() { p[i] = v }
        return dtype == .float64 ? t : try noGrad { try t.to(dtype) }
    }

    /// The diagonal of the last two dimensions with `offset` as a view (`diagonal(offset, dim1,
    /// dim2)`, DiagonalBackward0); the diagonal becomes the last dimension.
    public func matrixDiagonal(offset: Int = 0, dim1: Int = -2, dim2: Int = -1) throws -> Tensor {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("diagonal dimensions requires ndim larger than 1, but got ndim = \(ndim)")
        }
        let d1 = try Shape.normalize(dim: dim1, ndim: ndim), d2 = try Shape.normalize(dim: dim2, ndim: ndim)
        guard d1 != d2 else {
            throw SwiftGradError.invalidArgument("diagonal dimensions cannot be identical \(dim1), \(dim2)")
        }
        var length: Int, start = storageOffset
        if offset >= 0 {
            length = Swift.max(Swift.min(shape[d1], shape[d2] - offset), 0)
            if length > 0 { start += offset * strides[d2] }
        } else {
            length = Swift.max(Swift.min(shape[d1] + offset, shape[d2]), 0)
            if length > 0 { start -= offset * strides[d1] }
        }
        var newShape: [Int] = [], newStrides: [Int] = []
        for d in 0..<ndim where d != d1 && d != d2 {
            newShape.append(shape[d])
            newStrides.append(strides[d])
        }
        newShape.append(length)
        newStrides.append(strides[d1] + strides[d2])
        return try aliased(shape: newShape, strides: newStrides, offset: start)
            .recorded("DiagonalBackward0", inputs: [self]) { g, ctx in
                [try g.embedded(into: ctx.inputShape(0), name: "DiagonalBackwardBackward0") {
                    try $0.matrixDiagonal(offset: offset, dim1: d1, dim2: d2)
                }]
            }
    }

    /// Vectors [..., n] as diagonal matrices [..., n, n] (`torch.diag_embed`, DiagEmbedBackward0).
    func diagEmbedded() throws -> Tensor {
        let n = shape.last ?? 1
        return try embedded(into: (ndim == 0 ? [] : Array(shape.dropLast())) + [n, n], name: "DiagEmbedBackward0") {
            try $0.matrixDiagonal()
        }
    }

    /// The sizes of a batch of matrices [..., m, n] past the batch, checked to be a matrix.
    func checkMatrix(_ op: String, square: Bool = false, name: String = "A") throws {
        guard ndim >= 2 else {
            throw SwiftGradError.invalidArgument("\(op): The input tensor \(name) must have at least 2 dimensions.")
        }
        if square && shape[ndim - 1] != shape[ndim - 2] {
            throw SwiftGradError.invalidArgument("\(op): \(name) must be batches of square matrices, but they are \(shape[ndim - 2]) by \(shape[ndim - 1]) matrices")
        }
    }

    /// Checks a floating dtype for a LAPACK-backed op, with PyTorch's wording.
    func checkLinalgFloating(_ op: String) throws {
        guard dtype.isFloatingPoint else {
            throw SwiftGradError.dtype("\(op): Expected a floating point or complex tensor as input. Got \(dtype.scalarTypeName)")
        }
    }

    /// The batch dimensions (all but the last two).
    var batchShape: [Int] { Array(shape.dropLast(2)) }
}

extension Tensor {
    /// A string option passed through the C ABI as its index in `names` (qr's mode, lstsq's
    /// driver, ...), checked.
    public static func linalgOption(_ code: Int, _ names: [String], _ what: String) throws -> String {
        guard code >= 0 && code < names.count else {
            throw SwiftGradError.invalidArgument("\(what): option code \(code) is not one of 0...\(names.count - 1) (\(names.joined(separator: ", ")))")
        }
        return names[code]
    }
}
