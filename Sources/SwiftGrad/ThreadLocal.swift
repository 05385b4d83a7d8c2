#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CThreadLocal
import Synchronization

/// A per-thread instance of a class, created on first use in each thread and released when the
/// thread exits. Used for the teardown queue and the engine's spare table here, and for the last
/// error in the C export layer.
///
/// Each instance owns one of the C thread-local slots (`sg_tls_slots`), read with a single load;
/// a pthread key releases the thread's object when the thread exits.
package final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let slot: Int32
    private let make: () -> Value

    package init(_ make: @escaping () -> Value) {
        slot = ThreadLocalSlots.take()
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            // The thread is exiting: forget the object before releasing it, so that nothing
            // run later in this thread's teardown reads a freed object (it makes a new one).
            for index in 0..<SG_TLS_SLOTS where sg_tls_slot(index) == pointer {
                sg_tls_set_slot(index, nil)
            }
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        precondition(status == 0, "pthread_key_create failed")
        self.key = key
        self.make = make
    }

    /// This thread's instance.
    package var value: Value {
        @inline(__always) get {
            if let pointer = sg_tls_slot(slot) {
                return Unmanaged<Value>.fromOpaque(pointer).takeUnretainedValue()
            }
            return makeValue()
        }
    }

    /// Runs `body` with this thread's instance, without retaining it: the thread keeps it alive.
    @inline(__always)
    package func withValue<R>(_ body: (Value) throws -> R) rethrows -> R {
        if let pointer = sg_tls_slot(slot) {
            return try Unmanaged<Value>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
        }
        return try body(makeValue())
    }

    private func makeValue() -> Value {
        let fresh = make()
        let pointer = Unmanaged.passRetained(fresh as AnyObject).toOpaque()
        pthread_setspecific(key, pointer)
        sg_tls_set_slot(slot, pointer)
        return fresh
    }
}

/// Hands out the C thread-local slots, one per `ThreadLocal` for the life of the process (the
/// instances are static properties, a handful in all).
private enum ThreadLocalSlots {
    private static let next = Atomic<Int32>(0)

    static func take() -> Int32 {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        precondition(index < SG_TLS_SLOTS, "more ThreadLocal instances than SG_TLS_SLOTS")
        return index
    }
}
