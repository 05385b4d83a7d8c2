/// The backward graph behind a tensor as a Graphviz DOT picture: one box per recorded op (its
/// grad_fn name and output shape), one per leaf that requires grad, the tensor itself at the
/// bottom, and a small grey point for each input that needs no gradient. Edges follow the
/// forward computation. Iterative, so it draws deep graphs too.
extension Tensor {
    public func graphDOT(title: String = "output") -> String {
        var lines = ["digraph swiftgrad {", "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];",
                     "  edge [arrowsize=0.7];"]
        let root = "t\(lines.count)"
        lines.append("  \(root) [label=\"\(title)\\n\(Shape.describe(shape))\", fillcolor=\"#c8e6c9\"];")
        guard let start = gradFn ?? (requiresGrad ? gradientEdge?.node : nil) else {
            lines.append("}")
            return lines.joined(separator: "\n") + "\n"
        }
        var ids: [ObjectIdentifier: String] = [:]
        var constants = 0
        func id(_ node: Node) -> (String, Bool) {
            let key = ObjectIdentifier(node)
            if let existing = ids[key] { return (existing, false) }
            let fresh = "n\(ids.count)"
            ids[key] = fresh
            return (fresh, true)
        }
        func label(_ node: Node) -> String {
            if let leaf = node as? AccumulateGrad {
                return "  \(ids[ObjectIdentifier(node)]!) [label=\"leaf \(Shape.describe(leaf.outputMeta(0).shape))\\nrequires_grad=True\", fillcolor=\"#bbdefb\"];"
            }
            let shapes = (0..<node.outputCount).map { Shape.describe(node.outputMeta($0).shape) }.joined(separator: ", ")
            return "  \(ids[ObjectIdentifier(node)]!) [label=\"\(node.name)\\n\(shapes)\"];"
        }
        let (first, _) = id(start)
        lines.append(label(start))
        lines.append("  \(first) -> \(root);")
        var stack = [start]
        while let node = stack.popLast() {
            let target = ids[ObjectIdentifier(node)]!
            for edge in node.nextEdges {
                guard let edge else {
                    constants += 1
                    lines.append("  c\(constants) [label=\"\", shape=point, width=0.08, fillcolor=\"#9e9e9e\", color=\"#9e9e9e\"];")
                    lines.append("  c\(constants) -> \(target) [color=\"#9e9e9e\"];")
                    continue
                }
                let (source, isNew) = id(edge.node)
                if isNew {
                    lines.append(label(edge.node))
                    stack.append(edge.node)
                }
                lines.append("  \(source) -> \(target);")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
