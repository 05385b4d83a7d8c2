#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-thread instance of a class, created on first use in each thread and released when the
/// thread exits. Used for grad mode here and for the last error in the C export layer.
package final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let make: () -> Value

    package init(_ make: @escaping () -> Value) {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        precondition(status == 0, "pthread_key_create failed")
        self.key = key
        self.make = make
    }

    /// This thread's instance.
    package var value: Value {
        @inline(__always) get {
            if let pointer = pthread_getspecific(key) {
                return Unmanaged<Value>.fromOpaque(pointer).takeUnretainedValue()
            }
            return makeValue()
        }
    }

    /// Runs `body` with this thread's instance, without retaining it: the thread keeps it alive.
    @inline(__always)
    package func withValue<R>(_ body: (Value) throws -> R) rethrows -> R {
        if let pointer = pthread_getspecific(key) {
            return try Unmanaged<Value>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
        }
        return try body(makeValue())
    }

    private func makeValue() -> Value {
        let fresh = make()
        pthread_setspecific(key, Unmanaged.passRetained(fresh as AnyObject).toOpaque())
        return fresh
    }
}
