
/// A node of the backward graph: what PyTorch calls a tensor's `grad_fn`. It receives the
/// gradients of its forward outputs and returns the gradients of its forward inputs, which the
/// engine passes along `nextEdges`.
public class Node {
    /// The name PyTorch prints, e.g. `MulBackward0`.
    public let name: String
    /// One edge per forward input (`edge(_:)`): where that input's gradient goes, or nil when the
    /// input does not require grad. The first two are stored inline, the rest in an array: most
    /// ops have one or two inputs, and every recorded op creates a node, so this saves an
    /// allocation and a generic array teardown per op. Only `deinit` changes them.
    private var edge0: Edge?
    private var edge1: Edge?
    private var moreEdges: [Edge?] = []
    /// Number of forward inputs.
    let edgeCount: Int
    /// The backward pass that last owned the nodes' pass fields and reached this node, and this
    /// node's entry in it (see `FastNodeTable`). Only the engine reads and writes them.
    var passID: UInt64 = 0
    var passIndex: Int32 = 0
    /// Whether this node's rule can add an input's gradient straight into the leaf's `.grad`
    /// (`addToAccumulator`), so that the engine looks for one to offer before it runs.
    var wantsAccumulators = false

    /// A node with `count` edges, `edge(i)` giving each.
    @inline(__always)
    init(name: String, edgeCount count: Int, edge: (Int) -> Edge?) {
        self.name = name
        self.edgeCount = count
        if count > 0 { edge0 = edge(0) }
        if count > 1 { edge1 = edge(1) }
        if count > 2 { moreEdges = (2..<count).map(edge) }
    }

    convenience init(name: String, nextEdges: [Edge?]) {
        self.init(name: name, edgeCount: nextEdges.count) { nextEdges[$0] }
    }

    /// A node whose edges lead to the gradients of `inputs`.
    convenience init(name: String, inputs: [Tensor]) {
        self.init(name: name, edgeCount: inputs.count) { inputs[$0].gradientEdge }
    }

    deinit {
        // Hand the children this node holds the last reference to over to the teardown queue,
        // which frees them iteratively; the others are only released here (they outlive this
        // node, so no deinit nests). The references are moved, not copied.
        GraphTeardown.withQueue { queue in
            if edge0 != nil, isKnownUniquelyReferenced(&edge0!.node) { queue.adopt(edge0.take().unsafelyUnwrapped.node) }
            edge0 = nil
            if edge1 != nil, isKnownUniquelyReferenced(&edge1!.node) { queue.adopt(edge1.take().unsafelyUnwrapped.node) }
            edge1 = nil
            if !moreEdges.isEmpty {
                for i in moreEdges.indices where moreEdges[i] != nil && isKnownUniquelyReferenced(&moreEdges[i]!.node) {
                    queue.adopt(moreEdges[i].take().unsafelyUnwrapped.node)
                }
                moreEdges = []
            }
            queue.drainUnlessDraining()
        }
    }

    /// Edge `index` (below `edgeCount`).
    @inline(__always)
    func edge(_ index: Int) -> Edge? {
        switch index {
        case 0: return edge0
        case 1: return edge1
        default: return moreEdges[index - 2]
        }
    }

    /// Edge `index` without a reference to its node: for the engine, whose pass keeps every
    /// node it reaches alive (reading `edge(_:)` retains and releases the node each time).
    @inline(__always)
    func unretainedEdge(_ index: Int) -> UnretainedEdge? {
        switch index {
        case 0: return edge0.map(UnretainedEdge.init)
        case 1: return edge1.map(UnretainedEdge.init)
        default: return moreEdges[index - 2].map(UnretainedEdge.init)
        }
    }

    /// All edges, in input order.
    var nextEdges: [Edge?] { (0..<edgeCount).map(edge) }

    /// For a rule of a node that `wantsAccumulators`: when the engine offers the accumulator of
    /// input `index`'s leaf while the rule runs, `add(grad)` adds the input's gradient straight
    /// into the leaf's existing `.grad` (see `AccumulateGrad.addInPlace`). True when it did: the
    /// rule then returns nil for that input.
    func addToAccumulator(forInput index: Int, _ add: (Tensor) throws -> Bool) throws -> Bool {
        try AccumulatorOffer.current.withValue { offer in
            guard offer.node == ObjectIdentifier(self), let leaf = offer.target(index), try leaf.addInPlace(add) else {
                return false
            }
            offer.taken &+= 1
            return true
        }
    }

    /// Number of forward outputs, hence of gradients this node receives.
    var outputCount: Int { 1 }

    /// Shape and dtype of forward output `index`; incoming gradients are checked against it.
    func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) {
        preconditionFailure("Node subclasses override outputMeta")
    }

    /// Whether `g` has output `index`'s shape and dtype (the engine's check, without copying
    /// the shape out).
    func outputMatches(_ index: Int, _ g: Tensor) -> Bool {
        let meta = outputMeta(index)
        return g.dtype == meta.dtype && g.shape == meta.shape
    }

    /// Maps the gradients of the outputs to the gradients of the inputs (one per `nextEdges`).
    func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        preconditionFailure("Node subclasses override apply")
    }

    /// Frees the values saved for backward (called after backward unless retain_graph).
    func releaseSavedValues() {}

    /// What few nodes have (hooks, an anomaly-mode context), out of line: every recorded op
    /// makes a node, and a smaller one is cheaper to allocate, fill and walk.
    private final class Extras {
        /// Hooks on the gradient of each forward output (tensor hooks and retain_grad of
        /// non-leaf tensors), by output index.
        var hookLists: [HookList?] = []
        /// Whether a hook list was ever made for this node.
        var mayHaveHooks = false
        /// The forward op recorded for anomaly mode, and where (set by the binding).
        var anomalyContext: String?
    }
    private var extras: Extras?

    private var madeExtras: Extras {
        if let extras { return extras }
        let made = Extras()
        extras = made
        return made
    }

    /// Whether a hook list was ever made for this node (the engine skips hook work otherwise).
    var mayHaveHooks: Bool { extras?.mayHaveHooks ?? false }

    func hookList(for output: Int) -> HookList {
        if let list = existingHookList(for: output) { return list }
        let extras = madeExtras
        if extras.hookLists.count <= output {
            extras.hookLists += [HookList?].filled(nil, count: output + 1 - extras.hookLists.count)
        }
        let list = HookList()
        extras.hookLists[output] = list
        extras.mayHaveHooks = true
        return list
    }

    /// Records that hooks were attached some other way (a leaf's, on its AccumulateGrad).
    func noteHooks() { madeExtras.mayHaveHooks = true }

    /// The hooks of output `output`, if any were registered.
    func existingHookList(for output: Int) -> HookList? {
        guard let lists = extras?.hookLists, output < lists.count else { return nil }
        return lists[output]
    }

    /// The hooks the engine runs on this node's incoming gradient (a leaf's hooks, for
    /// AccumulateGrad; the first output's for others, via `existingHookList(for:)`).
    func existingHookListForEngine() -> HookList? { nil }

    /// The forward op recorded for anomaly mode, and where (set by the binding), if enabled.
    var anomalyContext: String? {
        get { extras?.anomalyContext }
        set { if newValue != nil || extras != nil { madeExtras.anomalyContext = newValue } }
    }

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
    /// Mutable only for the uniqueness check of `Node.deinit`.
    var node: Node
    let inputNr: Int
}

/// An `Edge` that does not keep its node alive; valid while something else does.
struct UnretainedEdge {
    let node: Unmanaged<Node>
    let inputNr: Int

    @inline(__always)
    init(_ edge: Edge) {
        node = Unmanaged.passUnretained(edge.node)
        inputNr = edge.inputNr
    }
}

/// What a backward rule returns: one gradient (or nil) per forward input. Rules write it as an
/// array literal; the first two live inline (most ops have one or two inputs) and only further
/// ones in an array, so a rule's result costs no allocation, once per node of every pass.
struct Gradients: ExpressibleByArrayLiteral {
    private(set) var count: Int
    private var first: Tensor?
    private var second: Tensor?
    private var rest: [Tensor?] = []

    @inline(__always)
    init(arrayLiteral elements: Tensor?...) {
        self.init(elements)
    }

    @inline(__always)
    init(_ elements: [Tensor?]) {
        count = elements.count
        first = count > 0 ? elements[0] : nil
        second = count > 1 ? elements[1] : nil
        if count > 2 { rest = Array(elements[2...]) }
    }

    /// One gradient. (A rule's literal `[try f(g)]` allocates its array, because of the `try`
    /// inside; this does not.)
    @inline(__always)
    init(_ only: Tensor?) {
        count = 1
        first = only
    }

    /// Two gradients, without an array (see `init(_:)`).
    @inline(__always)
    init(_ a: Tensor?, _ b: Tensor?) {
        count = 2
        first = a
        second = b
    }

    /// `count` nils.
    init(nils count: Int) {
        self.count = count
        if count > 2 { rest = [Tensor?].filled(nil, count: count - 2) }
    }

    subscript(index: Int) -> Tensor? {
        switch index {
        case 0: return first
        case 1: return second
        default: return rest[index - 2]
        }
    }

    /// Gradient `index`, leaving nil in its place (so that the caller may hold the only reference).
    @inline(__always)
    mutating func take(_ index: Int) -> Tensor? {
        switch index {
        case 0:
            defer { first = nil }
            return first
        case 1:
            defer { second = nil }
            return second
        default:
            defer { rest[index - 2] = nil }
            return rest[index - 2]
        }
    }

    var array: [Tensor?] { (0..<count).map { self[$0] } }
}

/// A value an op saved for its backward rule, with the storage version at the time of saving
/// so that later in-place writes are caught.
struct SavedTensor {
    /// The tensor, or for the op's own output a graph-free alias of it (no reference cycle).
    /// Mutable only for the uniqueness check of `OpNode.deinit`.
    fileprivate(set) var value: Tensor
    let version: Int
    let isOutput: Bool
    /// Which output of its producer the value was when saved, for messages.
    let outputNr: Int

    init(_ tensor: Tensor, isOutputOf node: Node?) {
        version = tensor.storage.version
        outputNr = tensor.outputNr
        isOutput = node != nil
        value = node != nil ? tensor.detach() : tensor
    }

    /// This saved value held as an output of its node, without the tensor's grad_fn: for a
    /// tensor an in-place op saved and then made its own output (`y.mul_(y)`), which would
    /// otherwise hold the node that holds it. The saved version stays, so backward still
    /// refuses the overwritten value, as PyTorch does.
    func heldAsOutput() -> SavedTensor {
        SavedTensor(value: value.detach(), version: version, isOutput: true, outputNr: outputNr)
    }

    private init(value: Tensor, version: Int, isOutput: Bool, outputNr: Int) {
        self.value = value
        self.version = version
        self.isOutput = isOutput
        self.outputNr = outputNr
    }

    /// The saved value for use in `node`'s backward rule.
    /// - Throws: `.autograd` with PyTorch's message when it was modified in place since.
    func unpack(for node: Node) throws -> Tensor {
        let current = value.storage.version
        guard current == version else {
            // PyTorch 2.x names the producing op by its forward name: "output 0 of Mul".
            var message = "one of the variables needed for gradient computation has been modified by an inplace operation: [\(value.dtype.legacyTypeName) \(Shape.describe(value.shape))]"
            // Named as PyTorch's SavedVariable does: a saved output by the node that saved it,
            // a saved input by its grad_fn now (none for a leaf).
            if let producer = isOutput ? node : value.gradFn {
                message += ", which is output \(outputNr) of \(Node.forwardName(producer.name)),"
            }
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
    typealias Rule = (_ grad: Tensor, _ ctx: OpNode) throws -> Gradients

    private let rule: Rule
    /// The saved values, the first two inline (as the edges, to spare an allocation per op).
    private var saved0: SavedTensor?
    private var saved1: SavedTensor?
    private var moreSaved: [SavedTensor?] = []
    private var savedCount = 0
    /// The Python scalar the rule uses (`x * 2`), which PyTorch saves as a tensor; nil when
    /// there is none. Kept here rather than captured, so that a rule needs no context of its own
    /// (a capturing closure is allocated at every call, recording or not).
    private var savedScalar: Double?
    private var released = false
    private let shape: [Int]
    private let dtype: DType

    /// A node with `count` edges, `edge(i)` giving each, for `output`.
    @inline(__always)
    init(name: String, edgeCount count: Int, output: Tensor, rule: @escaping Rule, edge: (Int) -> Edge?) {
        self.rule = rule
        self.shape = output.shape
        self.dtype = output.dtype
        super.init(name: name, edgeCount: count, edge: edge)
    }

    @inline(__always)
    convenience init(name: String, inputs: [Tensor], output: Tensor, rule: @escaping Rule) {
        self.init(name: name, edgeCount: inputs.count, output: output, rule: rule) { inputs[$0].gradientEdge }
    }

    convenience init(name: String, nextEdges: [Edge?], output: Tensor, rule: @escaping Rule) {
        self.init(name: name, edgeCount: nextEdges.count, output: output, rule: rule) { nextEdges[$0] }
    }

    /// Saves `tensors` and, with `savingOutput`, `output` after them (without building a
    /// longer array for it: this runs once per recorded op).
    func save(_ tensors: [Tensor?], output: Tensor, savingOutput: Bool = false, scalar: Double? = nil) {
        savedScalar = scalar
        savedCount = tensors.count + (savingOutput ? 1 : 0)
        // By index rather than `for in`, which would copy (retain and release) each tensor.
        for i in tensors.indices {
            guard let t = tensors[i] else {
                if i >= 2 { moreSaved.append(nil) }
                continue
            }
            save(t, at: i, output: output)
        }
        if savingOutput { store(SavedTensor(output, isOutputOf: self), at: tensors.count) }
    }

    /// `save` for at most two values (`count` of them, nil ones included), given one by one
    /// (no array to build and tear down).
    @inline(__always)
    func save(_ first: Tensor?, _ second: Tensor?, count: Int, output: Tensor, savingOutput: Bool, scalar: Double?) {
        savedScalar = scalar
        savedCount = count + (savingOutput ? 1 : 0)
        if let first { save(first, at: 0, output: output) }
        if let second { save(second, at: 1, output: output) }
        if savingOutput { store(SavedTensor(output, isOutputOf: self), at: count) }
    }

    @inline(__always)
    private func save(_ t: Tensor, at index: Int, output: Tensor) {
        store(SavedTensor(t, isOutputOf: t === output ? self : nil), at: index)
    }

    /// Puts a saved value at `index` (indices past 1 arrive in order).
    @inline(__always)
    private func store(_ value: SavedTensor, at index: Int) {
        switch index {
        case 0: saved0 = value
        case 1: saved1 = value
        default: moreSaved.append(value)
        }
    }

    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { (shape, dtype) }
    override func outputMatches(_ index: Int, _ g: Tensor) -> Bool { g.dtype == dtype && g.shape == shape }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        // Taken out of the engine's list (no copy; and the gradient is freed with the rule's
        // temporaries rather than when the next node runs).
        guard var grad = gradients[0].take() else { return Gradients(nils: edgeCount) }
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        // Marked on the gradient, not on this node: passes on several threads may run the node
        // at once, and the gradient is this pass's alone when it is disposable.
        let disposable = !GradMode.isEnabled && isKnownUniquelyReferenced(&grad) && grad.ownsStorageExclusively()
        if disposable { grad.isDisposableGradient = true }
        defer { if disposable { grad.isDisposableGradient = false } }
        let result = try rule(grad, self)
        guard result.count == edgeCount else {
            throw SwiftGradError.internal("\(name) returned \(result.count) gradients for \(edgeCount) inputs")
        }
        return result
    }

    deinit {
        // Saved tensors lead to earlier nodes too; Node.deinit (which runs next) drains them.
        // (After a backward pass they are already gone: nothing to hand over.)
        guard saved0 != nil || saved1 != nil || !moreSaved.isEmpty else { return }
        GraphTeardown.withQueue { queue in
            if saved0 != nil, isKnownUniquelyReferenced(&saved0!.value) { queue.adopt(saved0.take().unsafelyUnwrapped.value) }
            if saved1 != nil, isKnownUniquelyReferenced(&saved1!.value) { queue.adopt(saved1.take().unsafelyUnwrapped.value) }
            for i in moreSaved.indices where moreSaved[i] != nil && isKnownUniquelyReferenced(&moreSaved[i]!.value) {
                queue.adopt(moreSaved[i].take().unsafelyUnwrapped.value)
            }
        }
        saved0 = nil
        saved1 = nil
        moreSaved = []
    }

    override func releaseSavedValues() {
        if savedCount > 0 || savedScalar != nil {
            saved0 = nil
            saved1 = nil
            moreSaved = []
            savedCount = 0
            savedScalar = nil
            released = true
        }
    }

    /// Holds the saved values that are `output` as outputs (see `SavedTensor.heldAsOutput`),
    /// once an in-place op has made `output` this node's output.
    func holdSavedValuesAsOutput(_ output: Tensor) {
        if saved0?.value === output { saved0 = saved0?.heldAsOutput() }
        if saved1?.value === output { saved1 = saved1?.heldAsOutput() }
        for i in moreSaved.indices where moreSaved[i]?.value === output { moreSaved[i] = moreSaved[i]?.heldAsOutput() }
    }

    /// Saved value `index`, in the order given to `record(saving:)`.
    /// - Throws: `.autograd` when the graph was already freed by a backward pass, or the value
    ///   was modified in place.
    func saved(_ index: Int) throws -> Tensor {
        if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
        // Unpacked in place (copying the saved value out first would retain and release it).
        let value: Tensor?
        switch index {
        case _ where index >= savedCount: value = nil
        case 0: value = try saved0?.unpack(for: self)
        case 1: value = try saved1?.unpack(for: self)
        default: value = try moreSaved[index - 2]?.unpack(for: self)
        }
        guard let value else {
            throw SwiftGradError.internal("\(name) read saved value \(index), which it did not save")
        }
        return value
    }

    /// The Python scalar given to `record(savingScalar:)`.
    /// - Throws: `.autograd` when the graph was already freed by a backward pass.
    var scalar: Double {
        get throws {
            guard let savedScalar else {
                if released { throw SwiftGradError.autograd(Engine.backwardTwiceMessage) }
                throw SwiftGradError.internal("\(name) read a scalar it did not save")
            }
            return savedScalar
        }
    }

    /// `g`, the gradient this node's rule runs on, when the rule may write its result over it:
    /// nothing but this pass refers to `g` or its memory (no hook, capture or caller kept it, it
    /// is no view), and no graph is being recorded. Nil otherwise. For a kernel that reads each
    /// element of `g` before writing the same element of a result of `g`'s shape and dtype; the
    /// rule must not read `g` afterwards.
    func disposableGradient(_ g: Tensor) -> Tensor? {
        g.isDisposableGradient ? g : nil
    }

    /// Whether the first two saved values are one tensor (`x * x`).
    var savedOneValueTwice: Bool {
        guard let first = saved0?.value, let second = saved1?.value else { return false }
        return first === second
    }

    /// Whether forward input `index` needs a gradient.
    func needsGrad(_ index: Int) -> Bool { edge(index) != nil }

    /// Shape of forward input `index` (only for inputs that need a gradient).
    func inputShape(_ index: Int) -> [Int] {
        let edge = edge(index)!
        return edge.node.outputMeta(edge.inputNr).shape
    }

    /// Dtype of forward input `index` (only for inputs that need a gradient).
    func inputDType(_ index: Int) -> DType {
        let edge = edge(index)!
        return edge.node.outputMeta(edge.inputNr).dtype
    }
}

/// The node that adds incoming gradients into a leaf's `.grad` (PyTorch's AccumulateGrad).
/// Accumulation is locked, so backward passes on several threads may share a leaf.
final class AccumulateGrad: Node {
    /// The leaf's gradient and hooks. They live here, where backward writes them, and the leaf
    /// reads them through its `accumulator`: the node does not refer to the leaf at all (no
    /// cycle, and no weak reference to slow down the leaf's reference counting).
    var grad: Tensor?
    var hooks: HookList? {
        didSet { noteHooks() }
    }
    private let shape: [Int]
    private let dtype: DType
    private let lock = Locked(())

    init(_ variable: Tensor) {
        self.shape = variable.shape
        self.dtype = variable.dtype
        super.init(name: "AccumulateGrad", edgeCount: 0) { _ in nil }
    }

    override func outputMeta(_ index: Int) -> (shape: [Int], dtype: DType) { (shape, dtype) }
    override func outputMatches(_ index: Int, _ g: Tensor) -> Bool { g.dtype == dtype && g.shape == shape }

    override func apply(_ gradients: inout [Tensor?]) throws -> Gradients {
        // Take the gradient out of the engine's list, so that when nothing else refers to it,
        // it can become .grad without a copy.
        var grad = gradients[0]
        gradients[0] = nil
        guard grad != nil else { return [] }
        try lock.withLock { _ in try accumulate(&grad) }
        return []
    }

    override func existingHookListForEngine() -> HookList? { hooks }

    /// Whether the engine may offer this accumulator to a rule (`Engine.offerAccumulators`): no
    /// hook is registered on the leaf, whose gradient the rule would then never pass through.
    var takesGradientsInPlace: Bool { hooks?.isEmpty ?? true }

    /// Adds a rule's gradient straight into the existing `.grad` under the accumulation lock:
    /// `add(grad)` adds it in place and returns true, or returns false (and leaves it as it was)
    /// when it cannot; false too when there is no dense gradient of the leaf's shape and dtype
    /// to add into. The in-place write counts as one (the storage's version moves).
    func addInPlace(_ add: (Tensor) throws -> Bool) throws -> Bool {
        try lock.withLock { _ in
            guard !GradMode.isEnabled, let existing = grad, existing.isContiguous, existing.dtype == dtype,
                  existing.shape == shape else { return false }
            guard try add(existing) else { return false }
            existing.storage.version &+= 1
            return true
        }
    }

    private func accumulate(_ incoming: inout Tensor?) throws {
        let new = incoming!
        if GradMode.isEnabled {
            // create_graph: keep the gradient's own graph, out of place; a first gradient is
            // copied as PyTorch does (its grad_fn is CopyBackwards).
            grad = try grad.map { try $0.add(new) } ?? new.copiedForAccumulation()
        } else if let existing = grad {
            try existing.accumulate(new)
        } else if isKnownUniquelyReferenced(&incoming), new.ownsStorageExclusively(), new.gradFn == nil,
                  new.shape == shape, new.dtype == dtype {
            // Nothing else can see this gradient's memory: keep it (PyTorch steals it too).
            grad = new
        } else {
            // A private copy: the incoming tensor is shared with another edge or the caller.
            grad = try new.detach().clone()
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
        case .float16: return "torch.HalfTensor"
        case .bfloat16: return "torch.BFloat16Tensor"
        case .int8: return "torch.CharTensor"
        case .uint8: return "torch.ByteTensor"
        case .int16: return "torch.ShortTensor"
        case .int32: return "torch.IntTensor"
        }
    }
}

/// Frees graphs iteratively. Dropping the last reference to a node would free the nodes (and
/// saved tensors) behind it from inside its deinit, recursively: a chain of 100,000 ops would
/// overflow the stack. Instead a dying node moves its references into this per-thread queue,
/// drops its own, and the outermost deinit drains the queue one object at a time.
enum GraphTeardown {
    final class Queue {
        private var pending: [AnyObject] = []
        private var draining = false

        /// Takes over a reference until the next drain. The deinits give it only references
        /// that are the last ones (checked in place, as a copy would never be unique), moved
        /// out of their fields: the object is then freed by the drain, not inside the deinit
        /// (recursively), and a reference that is not the last is just dropped there, with no
        /// round trip through the queue. (If another thread drops its reference meanwhile, the
        /// object is freed in the deinit, one level down; its children still come here.)
        @inline(__always)
        func adopt(_ object: AnyObject) { pending.append(object) }

        /// Releases adopted objects, unless an outer call on this thread is already doing so.
        func drainUnlessDraining() {
            guard !draining, !pending.isEmpty else { return }
            draining = true
            // Popping drops the queue's reference; if it was the last, that object's deinit runs
            // here and adopts its own children instead of freeing them.
            while let object = pending.popLast() { _ = object }
            draining = false
        }
    }
    private static let queues = ThreadLocal { Queue() }

    /// Runs `body` with this thread's queue.
    @inline(__always)
    static func withQueue<R>(_ body: (Queue) throws -> R) rethrows -> R { try queues.withValue(body) }
}
