import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex. Used instead of the Synchronization module's `Mutex`,
/// whose Linux implementation talks to futexes directly: ThreadSanitizer cannot see that lock,
/// and would report every access it guards as a race.
package final class Locked<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// A value guarded by a spinlock: for tables whose critical sections are a few instructions
/// and are entered on every call (the C layer's handle table). Taking it is one atomic
/// compare-exchange and letting go a plain release store, against a pthread mutex's two atomic
/// operations and two calls. A waiter spins briefly, then yields its core to the holder.
/// Built on `Atomic`, which ThreadSanitizer sees.
package final class SpinLocked<Value>: @unchecked Sendable {
    private let held = Atomic<Bool>(false)
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value. `body` must not take this lock again.
    @inline(__always)
    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
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
