import Testing
@testable import SwiftGrad

/// The engine's node table cross-checked: the library's `FastNodeTable` (finding entries through
/// the nodes' pass fields, or through its hashed table when another pass holds them) against
/// `SimpleNodeTable`, a dictionary that is obviously right. Every pass here runs three times on
/// the same graph, once per table, and must give the same gradients bit for bit (the tables
/// decide nothing about the order in which nodes run).
@Suite struct NodeTableTests {
    /// Entries found through a dictionary keyed by node identity.
    struct SimpleNodeTable: NodeTable {
        var entries: [PassEntry] = []
        private var index: [ObjectIdentifier: Int] = [:]

        func existingIndex(of node: Unmanaged<Node>) -> Int? { index[ObjectIdentifier(node.takeUnretainedValue())] }

        mutating func insert(_ node: Unmanaged<Node>) -> Int {
            let node = node.takeUnretainedValue()
            #expect(index[ObjectIdentifier(node)] == nil, "a node inserted twice")
            entries.append(PassEntry(node: node))
            index[ObjectIdentifier(node)] = entries.count - 1
            return entries.count - 1
        }

        mutating func recycle() {}
    }

    /// The fast table without pass fields: its open-addressing path alone.
    struct HashedNodeTable: NodeTable {
        private var table = FastNodeTable(lendingPassFields: false)
        var entries: [PassEntry] {
            get { table.entries }
            set { table.entries = newValue }
        }
        func existingIndex(of node: Unmanaged<Node>) -> Int? { table.existingIndex(of: node) }
        mutating func insert(_ node: Unmanaged<Node>) -> Int { table.insert(node) }
        mutating func recycle() { table.recycle() }
    }

    /// A reproducible random graph: leaves of shapes [], [1], [3] and [2, 3] (so that gradients
    /// are summed back over broadcasts), `size` ops over random earlier values (shared
    /// subexpressions, a two-output custom function, values that do not require grad), and a
    /// loss summing a random subset of them with weights.
    struct RandomGraph {
        var leaves: [Tensor] = []
        var values: [Tensor] = []
        var loss: Tensor

        /// The graph of `seed`, over `leaves` when given (of the shapes it would draw).
        init(seed: UInt64, size: Int, leaves given: [Tensor]? = nil) throws {
            var state = seed
            func next(_ n: Int) -> Int {  // SplitMix64
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return Int((z ^ (z >> 31)) % UInt64(n))
            }
            let shapes: [[Int]] = [[], [1], [3], [2, 3], [3]]
            leaves = try given ?? makeInputs(shapes, dtype: .float64, positive: false, seed: seed)
            values = leaves + [try Tensor.randn([3], dtype: .float64, generator: Generator(seed: seed + 1))]
            for _ in 0..<size {
                let a = values[next(values.count)], b = values[next(values.count)]
                switch next(7) {
                case 0: values.append(try a + b)
                case 1: values.append(try a * b)
                case 2: values.append(try a.tanh())
                case 3: values.append(try (a * 0.5).exp())
                case 4: values.append(try a.sum() - b)
                case 5:
                    // Two outputs of one node, of which the loss may use either or both.
                    let pair = try Autograd.function("Pair", inputs: [a, b], forward: { _, xs in
                        [try xs[0].mul(xs[1]), try xs[0].sub(xs[1])]
                    }, backward: { _, g in
                        // Broadcast operands receive gradients in the broadcast shape; the
                        // engine sums them back.
                        [try g[0].mul(b.detach()).add(g[1]), try g[0].mul(a.detach()).sub(g[1])]
                    })
                    values.append(contentsOf: pair)
                default: values.append(try a.sigmoid().mul(b))
                }
            }
            var total = try values[values.count - 1].sum()
            for v in values where next(3) == 0 { total = try total + v.mul(v).sum() * 0.25 }
            loss = total
        }
    }

    static func run<Table: NodeTable>(_ table: Table.Type, seed: UInt64, size: Int, targets: (RandomGraph) -> Engine.Targets,
                                      createGraph: Bool = false) throws -> (leafGrads: [[Double]?], captured: [[Double]?]) {
        let graph = try RandomGraph(seed: seed, size: size)
        let seedGradient = try Tensor.ones(graph.loss.shape, dtype: .float64)
        let captured = try Engine.run(roots: [(graph.loss.gradientEdge!, seedGradient)], targets: targets(graph),
                                      keepGraph: createGraph, createGraph: createGraph, table: table)
        if createGraph {
            // Second order: differentiate the sum of the first gradients, through the same table.
            var second = try Tensor.zeros([], dtype: .float64)
            for case let g? in captured { second = try second + g.mul(g).sum() }
            for leaf in graph.leaves { try leaf.setGrad(nil) }
            _ = try Engine.run(roots: [(second.gradientEdge!, try Tensor.ones([], dtype: .float64))], targets: .allLeaves,
                               keepGraph: false, createGraph: false, table: table)
        }
        return (try graph.leaves.map { try $0.grad?.scalars(as: Double.self) },
                try captured.map { try $0?.scalars(as: Double.self) })
    }

    static func expectSameAcrossTables(seed: UInt64, size: Int, createGraph: Bool = false,
                                       _ targets: @escaping (RandomGraph) -> Engine.Targets) throws {
        let simple = try run(SimpleNodeTable.self, seed: seed, size: size, targets: targets, createGraph: createGraph)
        let fast = try run(FastNodeTable.self, seed: seed, size: size, targets: targets, createGraph: createGraph)
        let hashed = try run(HashedNodeTable.self, seed: seed, size: size, targets: targets, createGraph: createGraph)
        #expect(fast.leafGrads == simple.leafGrads && fast.captured == simple.captured, "fast table, seed \(seed)")
        #expect(hashed.leafGrads == simple.leafGrads && hashed.captured == simple.captured, "hashed table, seed \(seed)")
        // The pass reached something: a test that cannot fail would compare nils.
        #expect(simple.leafGrads.contains { $0 != nil } || simple.captured.contains { $0 != nil })
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func backwardIntoAllLeaves(seed: UInt64) throws {
        // Sizes past 32 nodes make the hashed table grow from its first 64 buckets.
        try Self.expectSameAcrossTables(seed: seed, size: 8 + Int(seed) * 6) { _ in .allLeaves }
    }

    @Test(arguments: 1...6 as ClosedRange<UInt64>)
    func targetedPasses(seed: UInt64) throws {
        try Self.expectSameAcrossTables(seed: seed, size: 30) { graph in
            .only([graph.leaves[Int(seed) % graph.leaves.count], graph.values[graph.values.count / 2]])
        }
        try Self.expectSameAcrossTables(seed: seed, size: 30) { graph in
            .capture(graph.leaves + [graph.values[graph.leaves.count + 2]])
        }
    }

    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func secondOrder(seed: UInt64) throws {
        try Self.expectSameAcrossTables(seed: seed, size: 20, createGraph: true) { graph in .capture(graph.leaves) }
    }

    /// The gradients themselves are right, whichever table: the random graph's float64
    /// gradients against central differences, through the public API (the fast table).
    @Test func randomGraphGradientsMatchFiniteDifferences() throws {
        for seed: UInt64 in 1...3 {
            let graph = try RandomGraph(seed: seed, size: 25)
            try Autograd.gradcheck({ xs in
                // The same graph over the given leaves.
                [try RandomGraph(seed: seed, size: 25, leaves: xs).loss]
            }, graph.leaves)
        }
    }
}
