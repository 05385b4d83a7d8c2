import Synchronization

/// Runs the backward pass. Iterative, as PyTorch's engine, so a chain of a million ops needs no
/// more stack than a chain of one:
///
///     discover: walk every node reachable from the roots; count, per node, the edges into it
///     decide:   for a targeted pass, mark the nodes that lead to a wanted gradient
///     seed:     send each root's gradient to its node; the roots with no pending edges are ready
///     loop:     while a node is ready:
///                   take the gradients summed in its buffer, one per output of its forward op
///                   run the hooks registered on them; capture those a caller asked for
///                   if the node is needed: apply it (its backward; a product's may add a
///                   leaf's gradient straight into .grad, see offerAccumulators) and free what
///                   it saved
///                   for each edge: send the edge's gradient (reduced to the target's shape
///                   and dtype) into the target's buffer; one dependency fewer for the target;
///                   when none is left, the target is ready
///
/// The per-node bookkeeping (`PassEntry`) lives in a `NodeTable`, which finds a node's entry;
/// the fast table that the library uses, with its tricks, is in NodeTable.swift.
enum Engine {
    static let backwardTwiceMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

    /// What a backward pass computes.
    enum Targets {
        /// Accumulate into every leaf that requires grad (`backward()`).
        case allLeaves
        /// Accumulate only into these leaves; for non-leaves among them, return their gradients
        /// (the caller stores them in `.grad`) (`backward(inputs=...)`).
        case only([Tensor])
        /// Accumulate nothing; return the gradients of these tensors (`autograd.grad`).
        case capture([Tensor])
    }

    /// Whether backward checks every node's gradients for NaN (`set_detect_anomaly`). Global,
    /// as PyTorch's; atomic, since any thread may read it while another sets it.
    private static let anomalyFlag = Atomic<Bool>(false)
    static var detectAnomaly: Bool {
        get { anomalyFlag.load(ordering: .relaxed) }
        set { anomalyFlag.store(newValue, ordering: .relaxed) }
    }

    /// Back-propagates `roots` (edge, gradient of that output) through the graph.
    /// - Parameters:
    ///   - keepGraph: keep saved values for another backward (retain_graph).
    ///   - createGraph: record the backward computation itself, for higher-order gradients.
    /// - Returns: for `.capture` and `.only`, each tensor's gradient where it is captured
    ///   (nil where none reached it, and for leaves of `.only`, which accumulate).
    @discardableResult
    static func run(roots: [(edge: Edge, gradient: Tensor)], targets: Targets = .allLeaves,
                    keepGraph: Bool, createGraph: Bool) throws -> [Tensor?] {
        try run(roots: roots, targets: targets, keepGraph: keepGraph, createGraph: createGraph,
                table: FastNodeTable.self)
    }

    /// `run` with the node table of type `Table` (tests cross-check the tables through this).
    static func run<Table: NodeTable>(roots: [(edge: Edge, gradient: Tensor)], targets: Targets,
                                      keepGraph: Bool, createGraph: Bool,
                                      table: Table.Type) throws -> [Tensor?] {
        try GradMode.withEnabled(createGraph) {
            var task = Table()
            defer { task.recycle() }
            // discover
            for root in roots { task.discover(from: root.edge.node) }
            // decide
            var captures = try Captures(targets, in: &task)
            // seed
            for root in roots {
                try send(root.gradient, along: UnretainedEdge(root.edge), from: nil, index: 0,
                         to: task.index(of: root.edge.node), into: &task)
            }
            var ready: [Int] = []
            for root in roots {
                let i = task.index(of: root.edge.node)
                if task.entries[i].dependencies == 0 && !task.entries[i].queued {
                    task.entries[i].queued = true
                    ready.append(i)
                }
            }
            // loop
            var incoming: [Tensor?] = []  // reused from node to node
            while let i = ready.popLast() {
                // The roots keep every node of the pass alive: no reference counting on it here.
                try task.entries[i].reference._withUnsafeGuaranteedRef { node in
                    task.takeGradients(i, into: &incoming)
                    if node.mayHaveHooks { try runHooks(node, &incoming) }
                    if task.entries[i].wanted { captures.capture(i, incoming) }
                    var outgoing: Gradients = []
                    if task.entries[i].needed {
                        if node.wantsAccumulators && !createGraph && !detectAnomaly {
                            outgoing = try offerAccumulators(for: node, in: &task) { try node.apply(&incoming) }
                        } else {
                            outgoing = try node.apply(&incoming)
                        }
                        if detectAnomaly { try checkForNaN(node, outgoing.array) }
                        if !keepGraph { node.releaseSavedValues() }
                    }
                    for index in 0..<node.edgeCount {
                        guard let edge = node.unretainedEdge(index) else { continue }
                        let target = task.index(of: edge.node)
                        // Taken out, so that the buffer's reference may then be the only one.
                        if index < outgoing.count, let gradient = outgoing.take(index) {
                            try send(gradient, along: edge, from: node, index: index, to: target, into: &task)
                        }
                        task.entries[target].dependencies -= 1
                        if task.entries[target].dependencies == 0 { ready.append(target) }
                    }
                }
            }
            return captures.captured
        }
    }

    /// What a targeted pass (`backward(inputs=)`, `autograd.grad`) wants: which nodes must run
    /// (those leading to a goal leaf or to a slot where a wanted gradient arrives) and the
    /// gradients captured so far.
    private struct Captures {
        /// The slots where wanted gradients arrive (entry, output slot) and their positions in
        /// `captured`.
        private var wanted: [(entry: Int, slot: Int, position: Int)] = []
        private(set) var captured: [Tensor?] = []

        init<Table: NodeTable>(_ targets: Targets, in task: inout Table) throws {
            let tensors: [Tensor]
            switch targets {
            case .allLeaves: return
            case .only(let list): tensors = list
            case .capture(let list): tensors = list
            }
            captured = [Tensor?].filled(nil, count: tensors.count)
            // Leaves of `.only` accumulate (goals); every other wanted gradient is captured
            // where it arrives (arrivals).
            var goal = [Bool].filled(false, count: task.entries.count)
            var arrival = goal
            for (position, t) in tensors.enumerated() {
                guard let edge = t.gradientEdge else {
                    throw SwiftGradError.autograd("One of the differentiated Tensors does not require grad")
                }
                guard let i = task.existingIndex(of: edge.node) else { continue }  // unreachable
                if case .only = targets, t.isLeaf {
                    goal[i] = true
                } else {
                    wanted.append((i, edge.inputNr, position))
                    arrival[i] = true
                    task.entries[i].wanted = true
                }
            }
            // Decide in reverse topological order (Kahn's algorithm over the dependency
            // counts): a node runs when one of its edges leads to a goal, an arrival, or a node
            // that runs.
            var remaining = task.entries.map(\.dependencies)
            var order: [Int] = []
            var ready = task.entries.indices.filter { remaining[$0] == 0 }
            while let i = ready.popLast() {
                order.append(i)
                for case let edge? in task.entries[i].node.nextEdges {
                    let j = task.index(of: edge.node)
                    remaining[j] -= 1
                    if remaining[j] == 0 { ready.append(j) }
                }
            }
            var runs = goal
            for i in order.reversed() where !(task.entries[i].node is AccumulateGrad) {
                runs[i] = task.entries[i].node.nextEdges.contains { edge in
                    guard let edge else { return false }
                    let j = task.index(of: edge.node)
                    return runs[j] || arrival[j]
                }
            }
            for i in task.entries.indices { task.entries[i].needed = runs[i] }
        }

        mutating func capture(_ entry: Int, _ incoming: [Tensor?]) {
            for w in wanted where w.entry == entry && w.slot < incoming.count {
                captured[w.position] = incoming[w.slot]
            }
        }
    }

    /// Runs `apply` with `node`'s accumulators on offer (`Node.addToAccumulator`): the
    /// leaves an input's gradient would be sent to and then added into `.grad` with nothing in
    /// between, i.e. the edge is the leaf's last one in this pass and no gradient has reached it
    /// yet (so nothing would be summed first), the pass accumulates into it (not a capture), and
    /// no hook sees the gradient. The rule may then add its result straight into `.grad` (a
    /// matrix product with beta = 1) instead of making a new tensor that AccumulateGrad adds in
    /// a second pass; it returns nil for that input, and the leaf's node runs with nothing.
    private static func offerAccumulators<Table: NodeTable>(for node: Node, in task: inout Table,
                                                            _ apply: () throws -> Gradients) throws -> Gradients {
        var targets: (AccumulateGrad?, AccumulateGrad?) = (nil, nil)
        for index in 0..<Swift.min(node.edgeCount, 2) {
            guard let edge = node.unretainedEdge(index),
                  let leaf = edge.node._withUnsafeGuaranteedRef({ $0 as? AccumulateGrad }), leaf.takesGradientsInPlace
            else { continue }
            let entry = task.entries[task.index(of: edge.node)]
            guard entry.dependencies == 1, entry.gradient == nil, entry.needed, !entry.wanted else { continue }
            if index == 0 { targets.0 = leaf } else { targets.1 = leaf }
        }
        guard targets.0 != nil || targets.1 != nil else { return try apply() }
        return try AccumulatorOffer.current.withValue { offer in
            let outer = (offer.node, offer.targets)
            offer.node = ObjectIdentifier(node)
            offer.targets = targets
            defer { (offer.node, offer.targets) = outer }
            return try apply()
        }
    }

    /// Runs the hooks on each incoming gradient of `node`, replacing it with their result.
    private static func runHooks(_ node: Node, _ incoming: inout [Tensor?]) throws {
        if let leaf = node.existingHookListForEngine() {
            if let g = incoming[0], !leaf.isEmpty { incoming[0] = try leaf.run(g) }
            return
        }
        for slot in incoming.indices {
            if let list = node.existingHookList(for: slot), !list.isEmpty, let g = incoming[slot] {
                incoming[slot] = try list.run(g)
            }
        }
    }

    /// Anomaly mode: a NaN in a node's result is an error naming the node and its forward op.
    private static func checkForNaN(_ node: Node, _ gradients: [Tensor?]) throws {
        for (index, gradient) in gradients.enumerated() {
            guard let g = gradient, g.dtype.isFloatingPoint else { continue }
            if try noGrad({ try g.ne(g).sum().item() }) > 0 {
                var message = "Function '\(node.name)' returned nan values in its \(index)th output."
                message += "\nError detected in \(node.name), the gradient of the forward operation \(Node.forwardName(node.name))"
                message += node.anomalyContext.map { ", called at:\n\($0)" } ?? "."
                throw SwiftGradError.autograd(message)
            }
        }
    }

    /// Adds `gradient` into the buffer of `edge`'s node, after checking it against the shape and
    /// dtype of the value it is the gradient of. A gradient of a broadcast operand arrives in the
    /// broadcast shape and is summed back here, by the one shared helper (`sumToShape`); a
    /// gradient of another floating dtype is converted (as PyTorch's validate_outputs does).
    private static func send<Table: NodeTable>(_ gradient: Tensor, along edge: UnretainedEdge, from producer: Node?,
                                               index: Int, to target: Int, into task: inout Table) throws {
        // What the gradient must be converted to, nil when it already matches.
        let meta = edge.node._withUnsafeGuaranteedRef { node in
            node.outputMatches(edge.inputNr, gradient) ? nil : node.outputMeta(edge.inputNr)
        }
        guard let meta else {
            try task.add(gradient, to: target, slot: edge.inputNr)
            return
        }
        var g = gradient
        if g.shape != meta.shape {
            guard Shape.isExpandable(meta.shape, to: g.shape) else {
                throw SwiftGradError.autograd(
                    "Function \(producer?.name ?? "backward") returned an invalid gradient at index \(index) - got \(Shape.describe(g.shape)) but expected shape compatible with \(Shape.describe(meta.shape))")
            }
            g = try g.sumToShape(meta.shape)
        }
        if g.dtype != meta.dtype { g = try g.to(meta.dtype) }
        try task.add(g, to: target, slot: edge.inputNr)
    }
}

/// The accumulators on offer to the node whose rule runs on this thread (see
/// `Engine.offerAccumulators`).
final class AccumulatorOffer {
    var node: ObjectIdentifier?
    var targets: (AccumulateGrad?, AccumulateGrad?) = (nil, nil)
    /// How many gradients rules on this thread added straight into a `.grad` (tests read it).
    var taken = 0

    func target(_ index: Int) -> AccumulateGrad? {
        switch index {
        case 0: return targets.0
        case 1: return targets.1
        default: return nil
        }
    }

    static let current = ThreadLocal { AccumulatorOffer() }
}

/// The bookkeeping of one backward pass for one node it reaches.
struct PassEntry {
    /// Unmanaged: the roots of the pass keep every node it reaches alive (edges never change
    /// before a node dies), and skipping the reference counting matters on this path (the hot
    /// paths reach the node through `_withUnsafeGuaranteedRef`).
    let reference: Unmanaged<Node>
    /// The node (a strong reference, for the paths that are not hot).
    var node: Node { reference.takeUnretainedValue() }
    /// Edges that have not yet delivered their gradient (run when it reaches 0).
    var dependencies = 0
    /// The summed gradient of output 0, and of outputs 1... for nodes with several.
    var gradient: Tensor?
    var others: [Tensor?] = []
    /// False for nodes a targeted pass does not need to run.
    var needed = true
    /// Whether the node is already on the ready list (roots may repeat).
    var queued = false
    /// Whether a gradient arriving here is captured.
    var wanted = false

    init(node: Node) { reference = Unmanaged.passUnretained(node) }
    init(_ reference: Unmanaged<Node>) { self.reference = reference }
}

/// The pass's work on its entries, written once over any table.
extension NodeTable {
    /// The entry of a node already in the table.
    @inline(__always)
    func index(of node: Node) -> Int { existingIndex(of: Unmanaged.passUnretained(node))! }

    @inline(__always)
    func index(of node: Unmanaged<Node>) -> Int { existingIndex(of: node)! }

    func existingIndex(of node: Node) -> Int? { existingIndex(of: Unmanaged.passUnretained(node)) }

    /// Adds every node reachable from `root` (and `root`), counting each edge into its target.
    mutating func discover(from root: Node) {
        guard existingIndex(of: root) == nil else { return }
        var stack = [insert(Unmanaged.passUnretained(root))]
        while let i = stack.popLast() {
            entries[i].reference._withUnsafeGuaranteedRef { node in
                for k in 0..<node.edgeCount {
                    guard let target = node.unretainedEdge(k)?.node else { continue }
                    let j: Int
                    if let found = existingIndex(of: target) {
                        j = found
                    } else {
                        j = insert(target)
                        stack.append(j)
                    }
                    entries[j].dependencies += 1
                }
            }
        }
    }

    /// Adds a gradient into output `slot` of entry `index`.
    mutating func add(_ gradient: Tensor, to index: Int, slot: Int) throws {
        if slot == 0 {
            try sum(into: &entries[index].gradient, gradient)
            return
        }
        if entries[index].others.isEmpty {
            entries[index].others = [Tensor?].filled(nil, count: entries[index].node.outputCount - 1)
        }
        try sum(into: &entries[index].others[slot - 1], gradient)
    }

    /// The gradients delivered to entry `index`, one per output of its node, into `list`; the
    /// entry lets go of them.
    mutating func takeGradients(_ index: Int, into list: inout [Tensor?]) {
        let count = entries[index].reference._withUnsafeGuaranteedRef { $0.outputCount }
        if count == 1 && list.count == 1 {
            // The common case, without emptying and refilling the list.
            list[0] = entries[index].gradient.take()
            return
        }
        list.removeAll(keepingCapacity: true)
        list.append(entries[index].gradient.take())
        guard count > 1 else { return }
        let others = entries[index].others
        entries[index].others = []
        for k in 1..<count { list.append(k - 1 < others.count ? others[k - 1] : nil) }
    }
}

/// `buffer += gradient`: in place when nothing else can see the buffer's memory (as PyTorch's
/// InputBuffer does), which spares a full-size temporary per extra consumer of a value; out of
/// place otherwise, and always under create_graph, whose sums are recorded.
private func sum(into buffer: inout Tensor?, _ gradient: Tensor) throws {
    guard buffer != nil else {
        buffer = gradient
        return
    }
    if !GradMode.isEnabled, isKnownUniquelyReferenced(&buffer), buffer!.ownsStorageExclusively(),
       buffer!.shape == gradient.shape, buffer!.dtype == gradient.dtype {
        try buffer!.accumulate(gradient)
    } else {
        buffer = try buffer!.add(gradient)
    }
}
