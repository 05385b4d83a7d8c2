import Synchronization

/// A node of the backward graph: what PyTorch calls a tensor's `grad_fn`. It receives the
/// gradients of its forward outputs and returns the gradients of its forward inputs, which the
/// engine passes along `nextEdges`.
public class Node {
    /// The name PyTorch prints, e.g. `MulBackward0`.
    public let name: String
    /// One edge per forward input: where that input's gradient goes, or nil when the input does
    /// not require grad. Only `deinit` changes it.
    private(set) var nextEdges: [Edge?]

    init(name: String, nextEdges: [Edge?]) {
        self.name = name
        self.nextEdges = nextEdges
    }

    deinit {
        // Hand the children to the teardown queue and drop this node's own references first, so
        // that the queue holds the last ones and frees them iteratively.
        GraphTeardown.adopt(nextEdges.lazy.map { $0?.node })
        nextEdges = []
        GraphTeardown.drainUnlessDraining()
    }

    /// Number of forward outputs, hence of gradients this node receives.
    var outputCount: Int { 1 }

    /// Shape and dtype of forward output `index`; incoming gradients are checked against it.
    func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) {
        preconditionFailure("Node subclasses override outputMeta")
    }

    /// Maps the gradients of the outputs to the gradients of the inputs (one per `nextEdges`).
    func apply(_ gradients: [Tensor?]) throws -> [Tensor?] {
        preconditionFailure("Node subclasses override apply")
    }

    /// Frees the values saved for backward (called after backward unless retain_graph).
    func releaseSavedValues() {}

    /// Hooks on the gradient of each forward output (tensor hooks and retain_grad of non-leaf
    /// tensors), by output index.
    private var hookLists: [Int: HookList] = [:]

    func hookList(for output: Int) -> HookList {
        if let list = hookLists[output] { return list }
        let list = HookList()
        hookLists[output] = list
        return list
    }

    /// The hooks of output `output`, if any were registered.
    func existingHookList(for output: Int) -> HookList? { hookLists[output] }

    /// The hooks the engine runs on this node's incoming gradient (a leaf's hooks, for
    /// AccumulateGrad; the first output's for others, via `existingHookList(for:)`).
    func existingHookListForEngine() -> HookList? { nil }

    /// The forward op recorded for anomaly mode, and where (set by the binding), if enabled.
    var anomalyContext: String?

    /// The forward op's name of a node name: "MulBackward0" -> "Mul".
    static func forwardName(_ name: String) -> String {
        let stem = name.reversed().drop(while: \.isNumber)
        guard stem.starts(with: "drawkcaB") else { return name }
        return String(stem.dropFirst(8).reversed())
    }

    /// The nodes this one sends gradients to, as PyTorch's `next_functions` (name, input index).
    public var nextFunctions: [(node: Node?, inputNr: Int)] {
        nextEdges.map { ($0?.node, $0?.inputNr ?? 0) }
    }
}

/// Where a gradient goes: input `inputNr` of `node` (the output index of the forward op).
struct Edge {
    let node: Node
    let inputNr: Int
}

/// A value an op saved for its backward rule, with the storage version at the time of saving
/// so that later in-place writes are caught.
struct SavedTensor {
    /// The tensor, or for the op's own output a graph-free alias of it (no reference cycle).
    let value: Tensor
    let version: Int
    let isOutput: Bool
    /// For messages: the node that produced the saved value and its output index.
    let producer: (name: String, outputNr: Int)?

    init(_ tensor: Tensor, isOutputOf node: Node?) {
        if let node {
            value = tensor.detach()
            isOutput = true
            producer = (node.name, tensor.outputNr)
        } else {
            value = tensor
            isOutput = false
            producer = tensor.gradFn.map { ($0.name, tensor.outputNr) }
        }
        version = tensor.storage.version
    }

    /// The saved value for use in `node`'s backward rule.
    /// - Throws: `.autograd` with PyTorch's message when it was modified in place since.
    func unpack(for node: Node) throws -> Tensor {
        let current = value.storage.version
        guard current == version else {
            // PyTorch 2.x names the producing op by its forward name: "output 0 of Mul".
            var message = "one of the variables needed for gradient computation has been modified by an inplace operation: [\(value.dtype.legacyTypeName) \(Shape.describe(value.shape))]"
            if let producer { message += ", which is output \(producer.outputNr) of \(Node.forwardName(producer.name))," }
            message += " is at version \(current); expected version \(version) instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
            throw SwiftGradError.autograd(message)
        }
        // Under create_graph a saved output must lead back to this node, so that the gradient
        // computed from it is itself differentiable.
        if isOutput && GradMode.isEnabled {
            let linked = value.detach()
            linked.gradFn = node
            return linked
        }
        return value
    }
}

/// The node of an op recorded by `Tensor.record`: a backward rule plus the values it saved.
final class OpNode: Node {
    /// Computes input gradients from the output gradient; `ctx` gives saved values and which
    /// inputs need a gradient. Rules are written with differentiable tensor ops, so that with
    /// create_graph the backward pass is itself recorded.
    typealias Rule = (_ grad: Tensor, _ ctx: OpNode) throws -> [Tensor?]

    private let rule: Rule
    private var saved: [SavedTensor?]
    private var released = false
    private let shape: [Int]
    private let dtype: DType

    init(name: String, nextEdges: [Edge?], output: Tensor, rule: @escaping Rule) {
        self.rule = rule
        self.saved = []
        self.shape = output.shape
        self.dtype = output.dtype
        super.init(name: name, nextEdges: nextEdges)
    }

    func save(_ tensors: [Tensor?], output: Tensor) {
        saved = tensors.map { t in t.map { SavedTensor($0, isOutputOf: $0 === output ? self : nil) } }
    }

    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { (shape, dtype) }

    override func apply(_ gradients: [Tensor?]) throws -> [Tensor?] {
        guard let grad = gradients[0] else { return [Tensor?](repeating: nil, count: nextEdges.count) }
        let result = try rule(grad, self)
        guard result.count == nextEdges.count else {
            throw SwiftGradError.internal("\(name) returned \(result.count) gradients for \(nextEdges.count) inputs")
        }
        return result
    }

    deinit {
        // Saved tensors lead to earlier nodes too; Node.deinit (which runs next) drains them.
        GraphTeardown.adopt(saved.lazy.map { $0?.value })
        saved = []
    }

    override func releaseSavedValues() {
        if !saved.isEmpty {
            saved = []
            released = true
        }
    }

    /// Saved value `index`, in the order given to `record(saving:)`.
    /// - Throws: `.autograd` when the graph was already freed by a backward pass, or the value
    ///   was modified in place.
    func saved(_ index: Int) throws -> Tensor {
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        guard index < saved.count, let value = saved[index] else {
            throw SwiftGradError.internal("\(name) read saved value \(index), which it did not save")
        }
        return try value.unpack(for: self)
    }

    /// Whether forward input `index` needs a gradient.
    func needsGrad(_ index: Int) -> Bool { nextEdges[index] != nil }

    /// Shape of forward input `index` (only for inputs that need a gradient).
    func inputShape(_ index: Int) -> [Int] {
        let edge = nextEdges[index]!
        return edge.node.outputMeta(edge.inputNr).shape
    }

    /// Dtype of forward input `index` (only for inputs that need a gradient).
    func inputDType(_ index: Int) -> DType {
        let edge = nextEdges[index]!
        return edge.node.outputMeta(edge.inputNr).dtype
    }
}

/// The node that adds incoming gradients into a leaf's `.grad` (PyTorch's AccumulateGrad).
/// Accumulation is locked, so backward passes on several threads may share a leaf.
final class AccumulateGrad: Node {
    let variable: Tensor
    private let lock = Mutex(())

    init(_ variable: Tensor) {
        self.variable = variable
        super.init(name: "AccumulateGrad", nextEdges: [])
    }

    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) {
        (variable.shape, variable.dtype)
    }

    override func apply(_ gradients: [Tensor?]) throws -> [Tensor?] {
        guard let grad = gradients[0] else { return [] }
        try lock.withLock { _ in try accumulate(grad) }
        return []
    }

    override func existingHookListForEngine() -> HookList? { variable.leafHooks }

    private func accumulate(_ grad: Tensor) throws {
        if GradMode.isEnabled {
            // create_graph: keep the gradient's own graph, out of place; a first gradient is
            // copied as PyTorch does (its grad_fn is CopyBackwards).
            variable.gradStore = try variable.gradStore.map { try $0.add(grad) } ?? grad.copiedForAccumulation()
        } else if let existing = variable.gradStore {
            try existing.accumulate(grad)
        } else {
            // A private copy: the incoming tensor may be shared with another edge or the caller.
            variable.gradStore = try grad.detach().clone()
        }
    }
}

extension DType {
    /// PyTorch's legacy type string used in autograd messages: `torch.FloatTensor`.
    var legacyTypeName: String {
        switch self {
        case .float32: return "torch.FloatTensor"
        case .float64: return "torch.DoubleTensor"
        case .int64: return "torch.LongTensor"
        case .bool: return "torch.BoolTensor"
        }
    }
}

/// Frees graphs iteratively. Dropping the last reference to a node would free the nodes (and
/// saved tensors) behind it from inside its deinit, recursively: a chain of 100,000 ops would
/// overflow the stack. Instead a dying node moves its references into this per-thread queue,
/// drops its own, and the outermost deinit drains the queue one object at a time.
enum GraphTeardown {
    final class Queue {
        var pending: [AnyObject] = []
        var draining = false
    }
    private static let queue = ThreadLocal { Queue() }

    /// Takes (retains) `objects` until the next drain.
    static func adopt<S: Sequence>(_ objects: S) where S.Element == AnyObject? {
        let q = queue.value
        for case let object? in objects { q.pending.append(object) }
    }

    /// Releases adopted objects, unless an outer call on this thread is already doing so.
    static func drainUnlessDraining() {
        let q = queue.value
        guard !q.draining, !q.pending.isEmpty else { return }
        q.draining = true
        // Popping drops the queue's reference; if it was the last, that object's deinit runs
        // here and adopts its own children instead of freeing them.
        while let object = q.pending.popLast() { _ = object }
        q.draining = false
    }
}
