import Synchronization

/// Runs the backward pass. Iterative, as PyTorch's engine: first count, for every node
/// reachable from the roots, how many edges point at it; then process a ready list, handing each
/// node the sum of the gradients sent to it once all its senders have run. No recursion, so a
/// chain of a million ops needs no more stack than a chain of one.
///
/// Before a node runs, the hooks on each of its incoming gradients run (tensor hooks and
/// retain_grad), and gradients asked for by `autograd.grad` are captured. When only some
/// gradients are wanted, only the nodes that lead to them run.
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
        try GradMode.withEnabled(createGraph) {
            var task = try Task(roots: roots.map(\.edge.node), targets: targets)
            var buffers: [ObjectIdentifier: [Tensor?]] = [:]
            for root in roots {
                try send(root.gradient, along: root.edge, from: nil, index: 0, buffers: &buffers)
            }
            var ready: [Node] = []
            var queued = Set<ObjectIdentifier>()
            for root in roots where task.pending[ObjectIdentifier(root.edge.node), default: 0] == 0 {
                if queued.insert(ObjectIdentifier(root.edge.node)).inserted { ready.append(root.edge.node) }
            }
            while let node = ready.popLast() {
                let id = ObjectIdentifier(node)
                var incoming = buffers.removeValue(forKey: id) ?? [Tensor?](repeating: nil, count: node.outputCount)
                try runHooks(node, &incoming)
                task.capture(node, incoming)
                var outgoing: [Tensor?] = []
                if task.shouldRun(node) {
                    outgoing = try node.apply(incoming)
                    if detectAnomaly { try checkForNaN(node, outgoing) }
                    if !keepGraph { node.releaseSavedValues() }
                }
                for (index, edge) in node.nextEdges.enumerated() {
                    guard let edge else { continue }
                    if index < outgoing.count, let gradient = outgoing[index] {
                        try send(gradient, along: edge, from: node, index: index, buffers: &buffers)
                    }
                    let target = ObjectIdentifier(edge.node)
                    let left = task.pending[target, default: 1] - 1
                    task.pending[target] = left
                    if left == 0 { ready.append(edge.node) }
                }
            }
            return task.captured
        }
    }

    /// Dependency counts, which nodes must run, and what to capture.
    private struct Task {
        var pending: [ObjectIdentifier: Int] = [:]
        /// Nodes to run; nil means all.
        private var needed: Set<ObjectIdentifier>?
        /// The slots where wanted gradients arrive, and their positions in `captured`.
        private var wanted: [(node: ObjectIdentifier, slot: Int, position: Int)] = []
        private(set) var captured: [Tensor?] = []

        init(roots: [Node], targets: Targets) throws {
            var nodes: [ObjectIdentifier: Node] = [:]
            var stack = roots
            for root in roots { nodes[ObjectIdentifier(root)] = root }
            while let node = stack.popLast() {
                for case let edge? in node.nextEdges {
                    let id = ObjectIdentifier(edge.node)
                    pending[id, default: 0] += 1
                    if nodes.updateValue(edge.node, forKey: id) == nil { stack.append(edge.node) }
                }
            }
            let tensors: [Tensor]
            switch targets {
            case .allLeaves: return
            case .only(let list): tensors = list
            case .capture(let list): tensors = list
            }
            // Leaves to accumulate into (backward(inputs=)); every other wanted gradient is
            // captured where it arrives.
            var goals = Set<ObjectIdentifier>()
            captured = [Tensor?](repeating: nil, count: tensors.count)
            for (position, t) in tensors.enumerated() {
                guard let edge = t.gradientEdge else {
                    throw SwiftGradError.autograd("One of the differentiated Tensors does not require grad")
                }
                if case .only = targets, t.isLeaf {
                    goals.insert(ObjectIdentifier(edge.node))
                } else {
                    wanted.append((ObjectIdentifier(edge.node), edge.inputNr, position))
                }
            }
            // A node runs when it leads to a goal or to a slot where a wanted gradient arrives:
            // decide in reverse topological order (Kahn's algorithm over the counts above).
            var remaining = pending
            var order: [Node] = []
            var ready = roots.filter { remaining[ObjectIdentifier($0), default: 0] == 0 }
            var queued = Set(ready.map(ObjectIdentifier.init))
            while let node = ready.popLast() {
                order.append(node)
                for case let edge? in node.nextEdges {
                    let id = ObjectIdentifier(edge.node)
                    remaining[id]! -= 1
                    if remaining[id] == 0 && queued.insert(id).inserted { ready.append(edge.node) }
                }
            }
            let arrivals = Set(wanted.map(\.node)).union(goals)
            var needed = goals
            for node in order.reversed() where !(node is AccumulateGrad) {
                let feeds = node.nextEdges.contains { edge in
                    guard let edge else { return false }
                    let target = ObjectIdentifier(edge.node)
                    return needed.contains(target) || arrivals.contains(target)
                }
                if feeds { needed.insert(ObjectIdentifier(node)) }
            }
            self.needed = needed
        }

        func shouldRun(_ node: Node) -> Bool {
            guard let needed else { return true }
            return needed.contains(ObjectIdentifier(node))
        }

        mutating func capture(_ node: Node, _ incoming: [Tensor?]) {
            let id = ObjectIdentifier(node)
            for w in wanted where w.node == id && w.slot < incoming.count {
                captured[w.position] = incoming[w.slot]
            }
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
    private static func send(_ gradient: Tensor, along edge: Edge, from producer: Node?, index: Int,
                             buffers: inout [ObjectIdentifier: [Tensor?]]) throws {
        var g = gradient
        let meta = edge.node.outputMeta(edge.inputNr)
        if g.shape != meta.shape {
            guard Shape.isExpandable(meta.shape, to: g.shape) else {
                throw SwiftGradError.autograd(
                    "Function \(producer?.name ?? "backward") returned an invalid gradient at index \(index) - got \(Shape.describe(g.shape)) but expected shape compatible with \(Shape.describe(meta.shape))")
            }
            g = try g.sumToShape(meta.shape)
        }
        if g.dtype != meta.dtype { g = try g.to(meta.dtype) }
        let id = ObjectIdentifier(edge.node)
        var slots = buffers[id] ?? [Tensor?](repeating: nil, count: edge.node.outputCount)
        slots[edge.inputNr] = try slots[edge.inputNr].map { try $0.add(g) } ?? g
        buffers[id] = slots
    }
}
