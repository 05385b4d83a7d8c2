/// Runs the backward pass. Iterative, as PyTorch's engine: first count, for every node
/// reachable from the roots, how many edges point at it; then process a ready list, handing each
/// node the sum of the gradients sent to it once all its senders have run. No recursion, so a
/// chain of a million ops needs no more stack than a chain of one.
enum Engine {
    static let backwardTwiceMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

    /// Back-propagates `roots` (edge, gradient of that output) through the graph.
    /// - Parameters:
    ///   - keepGraph: keep saved values for another backward (retain_graph).
    ///   - createGraph: record the backward computation itself, for higher-order gradients.
    static func run(roots: [(edge: Edge, gradient: Tensor)], keepGraph: Bool, createGraph: Bool) throws {
        try GradMode.withEnabled(createGraph) {
            var pending = dependencies(of: roots.map(\.edge.node))
            var buffers: [ObjectIdentifier: [Tensor?]] = [:]
            for root in roots {
                try send(root.gradient, along: root.edge, from: nil, index: 0, buffers: &buffers)
            }
            var ready: [Node] = []
            var queued = Set<ObjectIdentifier>()
            for root in roots where pending[ObjectIdentifier(root.edge.node), default: 0] == 0 {
                if queued.insert(ObjectIdentifier(root.edge.node)).inserted { ready.append(root.edge.node) }
            }
            while let node = ready.popLast() {
                let id = ObjectIdentifier(node)
                let incoming = buffers.removeValue(forKey: id) ?? [Tensor?](repeating: nil, count: node.outputCount)
                let outgoing = try node.apply(incoming)
                if !keepGraph { node.releaseSavedValues() }
                for (index, edge) in node.nextEdges.enumerated() {
                    guard let edge else { continue }
                    if index < outgoing.count, let gradient = outgoing[index] {
                        try send(gradient, along: edge, from: node, index: index, buffers: &buffers)
                    }
                    let target = ObjectIdentifier(edge.node)
                    let left = pending[target, default: 1] - 1
                    pending[target] = left
                    if left == 0 { ready.append(edge.node) }
                }
            }
        }
    }

    /// For every node reachable from `roots`, the number of edges that point at it.
    private static func dependencies(of roots: [Node]) -> [ObjectIdentifier: Int] {
        var counts: [ObjectIdentifier: Int] = [:]
        var seen = Set(roots.map(ObjectIdentifier.init))
        var stack = roots
        while let node = stack.popLast() {
            for case let edge? in node.nextEdges {
                let id = ObjectIdentifier(edge.node)
                counts[id, default: 0] += 1
                if seen.insert(id).inserted { stack.append(edge.node) }
            }
        }
        return counts
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
