/// Whether operations record the backward graph, per thread (PyTorch's grad mode).
///
/// ```swift
/// let y = try GradMode.withEnabled(false) { try x * 2 }   // y.requiresGrad == false
/// ```
public enum GradMode {
    final class State { var enabled = true }
    private static let state = ThreadLocal { State() }

    /// The calling thread's setting; on by default in every thread.
    public static var isEnabled: Bool {
        get { state.withValue { $0.enabled } }
        set { state.withValue { $0.enabled = newValue } }
    }

    /// Runs `body` with grad mode set to `enabled`, restoring the previous setting afterwards
    /// even when `body` throws.
    public static func withEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let s = state.value
        let previous = s.enabled
        s.enabled = enabled
        defer { s.enabled = previous }
        return try body()
    }
}

/// Runs `body` without recording gradients (`with torch.no_grad():`).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withEnabled(false, body)
}
