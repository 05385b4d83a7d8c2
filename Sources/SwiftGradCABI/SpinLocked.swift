#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A value guarded by a spinlock: for the handle table, whose critical sections are a few
/// instructions and which every call enters. (In this module, so that `withLock` is inlined
/// into each caller rather than called as an unspecialised generic.) Taking it is one atomic
/// compare-exchange and letting go a plain release store, against a pthread mutex's two atomic
/// operations and two calls. A waiter spins briefly, then yields its core to the holder.
/// Built on `Atomic`, which ThreadSanitizer sees.
final class SpinLocked<Value>: @unchecked Sendable {
    private let held = Atomic<Bool>(false)
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value. `body` must not take this lock again.
    @inline(__always)
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        if !held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            acquireContended()
        }
        defer { held.store(false, ordering: .releasing) }
        return try body(&value)
    }

    private func acquireContended() {
        var spins = 0
        while true {
            if !held.load(ordering: .relaxed),
               held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
                return
            }
            spins += 1
            if spins > 64 { sched_yield() }
        }
    }
}
