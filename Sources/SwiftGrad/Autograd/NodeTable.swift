import Synchronization

/// Where a backward pass keeps its `PassEntry`s and how it finds a node's entry: all the engine
/// asks of its performance machinery. `entries` holds them in discovery order; an entry's index
/// never changes during the pass.
protocol NodeTable {
    /// An empty table for a new pass.
    init()
    var entries: [PassEntry] { get set }
    /// The index of `node`'s entry, nil when the node is not in the table.
    func existingIndex(of node: Unmanaged<Node>) -> Int?
    /// Appends an entry for `node` (not yet in the table) and returns its index.
    mutating func insert(_ node: Unmanaged<Node>) -> Int
    /// Called once when the pass ends: the table may keep its memory for the next pass.
    mutating func recycle()
}

/// The library's node table, built for the engine's hot path: both of its ways of finding an
/// entry are much cheaper than Dictionary's seeded hashing.
///
/// - Pass-field lending: one pass at a time in the process owns the nodes' pass fields
///   (`Node.passID`, `passIndex`) and finds a node's entry through the node itself, which is
///   every pass in the common case.
/// - Passes that overlap it (on other threads, or nested in a hook) use an open-addressing table
///   keyed by node identity instead, so that passes on several threads may share nodes.
/// - Spare tables: each thread keeps the cleared table of its last finished pass, so that the
///   next pass neither regrows its buckets nor reallocates its entries.
struct FastNodeTable: NodeTable {
    var entries: [PassEntry]
    /// Nonzero when this pass owns the nodes' pass fields and finds entries through them; zero
    /// when it uses `buckets`.
    private let passID: UInt64
    /// Entry index + 1 per bucket, 0 for an empty bucket; a power of two in size.
    private var buckets: [Int32]
    private var shift: Int
    /// Each entry's bucket (to clear it when the table is recycled); only without pass fields.
    private var entryBuckets: [Int32]

    private final class Spare {
        var entries: [PassEntry] = []
        var buckets: [Int32] = []
        var entryBuckets: [Int32] = []
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

    init() { self.init(lendingPassFields: true) }

    /// A table that takes the pass fields when they are free (`lendingPassFields`) or never
    /// does (tests use that to exercise the hashed path alone).
    init(lendingPassFields: Bool) {
        if lendingPassFields,
           FastNodeTable.passFieldsTaken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            FastNodeTable.lastPassID &+= 1
            passID = FastNodeTable.lastPassID
        } else {
            passID = 0
        }
        let spare = FastNodeTable.spares.value
        if spare.buckets.isEmpty {
            entries = []
            entries.reserveCapacity(16)
            buckets = [Int32].filled(0, count: 64)
            entryBuckets = []
            shift = 64 - 6
        } else {
            // Taken out, so that a pass nested in this one (a hook calling backward) gets its own.
            entries = spare.entries
            buckets = spare.buckets
            entryBuckets = spare.entryBuckets
            shift = spare.shift
            spare.entries = []
            spare.buckets = []
            spare.entryBuckets = []
        }
    }

    /// Gives up the pass fields, clears the table and hands it to the next pass on this thread.
    mutating func recycle() {
        if passID != 0 { FastNodeTable.passFieldsTaken.store(false, ordering: .releasing) }
        guard buckets.count <= FastNodeTable.keptBuckets else { return }
        for b in entryBuckets { buckets[Int(b)] = 0 }
        entries.removeAll(keepingCapacity: true)
        entryBuckets.removeAll(keepingCapacity: true)
        let spare = FastNodeTable.spares.value
        swap(&spare.entries, &entries)
        swap(&spare.buckets, &buckets)
        swap(&spare.entryBuckets, &entryBuckets)
        spare.shift = shift
    }

    @inline(__always)
    private func bucket(of address: UnsafeMutableRawPointer) -> Int {
        let bits = UInt(bitPattern: address)
        return Int(truncatingIfNeeded: ((bits &>> 4) &* 0x9E37_79B9_7F4A_7C15) &>> UInt(shift))
    }

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
            if entries[stored - 1].reference.toOpaque() == address { return stored - 1 }
            b = (b + 1) & mask
        }
    }

    mutating func insert(_ node: Unmanaged<Node>) -> Int {
        let index = entries.count
        if passID == 0 && (index + 1) * 2 > buckets.count { grow() }  // before the entry joins
        entries.append(PassEntry(node))
        if passID != 0 {
            node._withUnsafeGuaranteedRef {
                $0.passID = passID
                $0.passIndex = Int32(index)
            }
        } else {
            entryBuckets.append(0)
            place(index)
        }
        return index
    }

    private mutating func place(_ index: Int) {
        var b = bucket(of: entries[index].reference.toOpaque())
        let mask = buckets.count - 1
        while buckets[b] != 0 { b = (b + 1) & mask }
        buckets[b] = Int32(index + 1)
        entryBuckets[index] = Int32(b)
    }

    private mutating func grow() {
        buckets = [Int32].filled(0, count: buckets.count * 2)
        shift -= 1
        for i in entries.indices { place(i) }
    }
}
