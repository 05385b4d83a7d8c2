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
            var task = GraphTask()
            defer { task.recycle() }
            for root in roots { task.discover(from: root.edge.node) }
            var captures = try Captures(targets, in: &task)
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
            var incoming: [Tensor?] = []  // reused from node to node
            while let i = ready.popLast() {
                let node = task.entries[i].node
                task.takeGradients(i, into: &incoming)
                if node.mayHaveHooks { try runHooks(node, &incoming) }
                if task.entries[i].wanted { captures.capture(i, incoming) }
                var outgoing: Gradients = []
                if task.entries[i].needed {
                    outgoing = try node.apply(&incoming)
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

        init(_ targets: Targets, in task: inout GraphTask) throws {
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
    private static func send(_ gradient: Tensor, along edge: UnretainedEdge, from producer: Node?, index: Int,
                             to target: Int, into task: inout GraphTask) throws {
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

/// The bookkeeping of one backward pass for every node it reaches: how many edges have yet to
/// deliver a gradient to the node, and the sum of those delivered. Entries live in an array.
/// A node's entry is found through the node itself when this pass owns the nodes' pass fields
/// (`Node.passID`, `passIndex`): one pass at a time in the process does, which is every pass in
/// the common case. Passes that overlap it (on other threads, or nested in a hook) find entries
/// through an open-addressing table keyed by node identity instead, so that passes on several
/// threads may share nodes. This is the engine's hot path: both are much cheaper than
/// Dictionary's seeded hashing.
struct GraphTask {
    struct Entry {
        /// Unowned: the roots of the pass keep every node it reaches alive (edges never change
        /// before a node dies), and skipping the reference counting matters on this path.
        unowned(unsafe) let node: Node
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
        /// The entry's bucket in the table (to clear it when the table is recycled).
        var bucket: Int32 = 0
    }

    var entries: [Entry]
    /// Nonzero when this pass owns the nodes' pass fields and finds entries through them; zero
    /// when it uses `buckets`.
    private let passID: UInt64
    /// Entry index + 1 per bucket, 0 for an empty bucket; a power of two in size.
    private var buckets: [Int32]
    private var shift: Int

    /// The table of this thread's last finished pass, cleared, so that the next pass neither
    /// regrows its buckets nor reallocates its entries.
    private final class Spare {
        var entries: [Entry] = []
        var buckets: [Int32] = []
        var shift = 0
    }
    private static let spares = ThreadLocal { Spare() }
    /// Tables larger than this are not kept after their pass.
    private static let keptBuckets = 1 << 16

    /// Whether a pass owns the nodes' pass fields. Taking it (acquire) and handing it back
    /// (release) orders one owner's writes to the fields before the next owner's reads.
    private static let passFieldsTaken = Atomic<Bool>(false)
    /// The id of the last pass that owned the pass fields; changed only by the owner. Ids are
    /// never reused, so fields left by earlier passes never match.
    private static var lastPassID: UInt64 = 0

    init() {
        if GraphTask.passFieldsTaken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            GraphTask.lastPassID &+= 1
            passID = GraphTask.lastPassID
        } else {
            passID = 0
        }
        let spare = GraphTask.spares.value
        if spare.buckets.isEmpty {
            entries = []
            buckets = [Int32].filled(0, count: 64)
            shift = 64 - 6
        } else {
            // Taken out, so that a pass nested in this one (a hook calling backward) gets its own.
            entries = spare.entries
            buckets = spare.buckets
            shift = spare.shift
            spare.entries = []
            spare.buckets = []
        }
    }

    /// Gives up the pass fields, clears the table and hands it to the next pass on this thread.
    mutating func recycle() {
        if passID != 0 { GraphTask.passFieldsTaken.store(false, ordering: .releasing) }
        guard buckets.count <= GraphTask.keptBuckets else { return }
        if passID == 0 {
            for i in entries.indices { buckets[Int(entries[i].bucket)] = 0 }  // not `for entry in`: copies
        }
        entries.removeAll(keepingCapacity: true)
        let spare = GraphTask.spares.value
        swap(&spare.entries, &entries)
        swap(&spare.buckets, &buckets)
        spare.shift = shift
    }

    @inline(__always)
    private func bucket(of address: UnsafeMutableRawPointer) -> Int {
        let bits = UInt(bitPattern: address)
        return Int(truncatingIfNeeded: ((bits &>> 4) &* 0x9E37_79B9_7F4A_7C15) &>> UInt(shift))
    }

    /// The entry of a node already in the table.
    @inline(__always)
    func index(of node: Node) -> Int { existingIndex(of: node)! }

    @inline(__always)
    func index(of node: Unmanaged<Node>) -> Int { existingIndex(of: node)! }

    func existingIndex(of node: Node) -> Int? { existingIndex(of: Unmanaged.passUnretained(node)) }

    func existingIndex(of node: Unmanaged<Node>) -> Int? {
        if passID != 0 {
            return node._withUnsafeGuaranteedRef { $0.passID == passID ? Int($0.passIndex) : nil }
        }
        let address = node.toOpaque()
        var b = bucket(of: address)
        let mask = buckets.count - 1
        while true {
            let stored = Int(buckets[b])
            if stored == 0 { return nil }
            if Unmanaged.passUnretained(entries[stored - 1].node).toOpaque() == address { return stored - 1 }
            b = (b + 1) & mask
        }
    }

    /// Adds every node reachable from `root` (and `root`), counting each edge into its target.
    mutating func discover(from root: Node) {
        guard existingIndex(of: root) == nil else { return }
        entries.reserveCapacity(16)
        var stack = [insert(Unmanaged.passUnretained(root))]
        while let i = stack.popLast() {
            let node = entries[i].node
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

    private mutating func insert(_ node: Unmanaged<Node>) -> Int {
        let index = entries.count
        if passID == 0 && (index + 1) * 2 > buckets.count { grow() }  // before the entry joins
        entries.append(Entry(node: node.takeUnretainedValue()))
        if passID != 0 {
            node._withUnsafeGuaranteedRef {
                $0.passID = passID
                $0.passIndex = Int32(index)
            }
        } else {
            place(index)
        }
        return index
    }

    private mutating func place(_ index: Int) {
        var b = bucket(of: Unmanaged.passUnretained(entries[index].node).toOpaque())
        let mask = buckets.count - 1
        while buckets[b] != 0 { b = (b + 1) & mask }
        buckets[b] = Int32(index + 1)
        entries[index].bucket = Int32(b)
    }

    private mutating func grow() {
        buckets = [Int32].filled(0, count: buckets.count * 2)
        shift -= 1
        for i in entries.indices { place(i) }
    }

    /// Adds a gradient into output `slot` of entry `index`.
    mutating func add(_ gradient: Tensor, to index: Int, slot: Int) throws {
        if slot == 0 {
            try GraphTask.sum(into: &entries[index].gradient, gradient)
            return
        }
        if entries[index].others.isEmpty {
            entries[index].others = [Tensor?].filled(nil, count: entries[index].node.outputCount - 1)
        }
        try GraphTask.sum(into: &entries[index].others[slot - 1], gradient)
    }

    /// `buffer += gradient`: in place when nothing else can see the buffer's memory (as
    /// PyTorch's InputBuffer does), which spares a full-size temporary per extra consumer of a
    /// value; out of place otherwise, and always under create_graph, whose sums are recorded.
    private static func sum(into buffer: inout Tensor?, _ gradient: Tensor) throws {
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

    /// The gradients delivered to entry `index`, one per output of its node, into `list`; the
    /// entry lets go of them.
    mutating func takeGradients(_ index: Int, into list: inout [Tensor?]) {
        let count = entries[index].node.outputCount
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
