import CThreadLocal

/// Whether operations record the backward graph, per thread (PyTorch's grad mode).
///
/// ```swift
/// let y = try GradMode.withEnabled(false) { try x * 2 }   // y.requiresGrad == false
/// ```
public enum GradMode {
    /// The calling thread's setting; on by default in every thread. A C thread-local: every op
    /// reads it.
    public static var isEnabled: Bool {
        @inline(__always) get { sg_tls_grad_enabled() }
        @inline(__always) set { sg_tls_set_grad_enabled(newValue) }
    }

    /// Runs `body` with grad mode set to `enabled`, restoring the previous setting afterwards
    /// even when `body` throws.
    public static func withEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = isEnabled
        isEnabled = enabled
        defer { isEnabled = previous }
        return try body()
    }
}

/// Runs `body` without recording gradients (`with torch.no_grad():`).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withEnabled(false, body)
}
