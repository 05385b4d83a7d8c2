import Synchronization

/// A function called with the gradient of a tensor during backward, before it is used; it may
/// return a replacement (PyTorch's `Tensor.register_hook`).
public typealias GradientHook = (Tensor) throws -> Tensor?

/// Removes a hook it was returned for (PyTorch's `RemovableHandle`).
public final class HookHandle {
    /// Identifies the hook on its tensor (`Tensor.removeHook(id:)`).
    public let id: Int
    private let removal: () -> Void
    private var removed = false

    init(id: Int, _ removal: @escaping () -> Void) {
        self.id = id
        self.removal = removal
    }

    /// Removes the hook; later calls do nothing.
    public func remove() {
        guard !removed else { return }
        removed = true
        removal()
    }
}

/// The hooks that run on one gradient slot (a node's output, or a leaf) before it is used.
final class HookList {
    private(set) var hooks: [(id: Int, hook: GradientHook)] = []
    /// Tensors whose `.grad` keeps this gradient (`retain_grad()`), weakly: the tensor owns the
    /// node that owns this list.
    private var retained: [WeakTensor] = []

    private static let nextID = Atomic<Int>(1)

    func add(_ hook: @escaping GradientHook) -> Int {
        let id = HookList.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        hooks.append((id, hook))
        return id
    }

    func remove(_ id: Int) { hooks.removeAll { $0.id == id } }

    func retain(_ tensor: Tensor) {
        if !retained.contains(where: { $0.value === tensor }) { retained.append(WeakTensor(tensor)) }
    }

    func retains(_ tensor: Tensor) -> Bool { retained.contains { $0.value === tensor } }

    var isEmpty: Bool { hooks.isEmpty && retained.isEmpty }

    /// Runs the hooks in registration order, each on the previous one's result, then stores the
    /// result into retaining tensors' `.grad` (last, as PyTorch runs retain_grad's hook).
    func run(_ gradient: Tensor) throws -> Tensor {
        var g = gradient
        for (_, hook) in hooks {
            guard let replacement = try hook(g) else { continue }
            // As PyTorch: a hook may change the values, not the size or the type.
            guard replacement.shape == g.shape else { throw SwiftGradError.autograd("hook has changed the size of value") }
            guard replacement.dtype == g.dtype else {
                throw SwiftGradError.autograd("hook has changed the type of value (was \(g.dtype.legacyTypeName) got \(replacement.dtype.legacyTypeName))")
            }
            g = replacement
        }
        for case let tensor? in retained.map(\.value) {
            if GradMode.isEnabled {
                tensor.gradStore = try tensor.gradStore.map { try $0.add(g) } ?? g
            } else if let existing = tensor.gradStore {
                try existing.accumulate(g)
            } else {
                tensor.gradStore = try g.detach().clone()
            }
        }
        return g
    }
}

struct WeakTensor {
    weak var value: Tensor?
    init(_ value: Tensor) { self.value = value }
}

extension Tensor {
    /// Registers `hook` to run on this tensor's gradient whenever one is computed
    /// (`register_hook`). The hook may observe it or return a replacement.
    /// - Throws: `.autograd` when the tensor does not require grad, as PyTorch.
    @discardableResult
    public func registerHook(_ hook: @escaping GradientHook) throws -> HookHandle {
        let list = try hookList()
        let id = list.add(hook)
        return HookHandle(id: id) { [weak list] in list?.remove(id) }
    }

    /// Removes the hook with this id from this tensor (what `HookHandle.remove()` does).
    /// - Returns: whether there was one.
    @discardableResult
    public func removeHook(id: Int) -> Bool {
        let list = gradFn.flatMap { $0.existingHookList(for: outputNr) } ?? (isLeaf ? leafHooks : nil)
        guard let list, list.hooks.contains(where: { $0.id == id }) else { return false }
        list.remove(id)
        return true
    }

    /// Makes backward keep this non-leaf tensor's gradient in `.grad` (`retain_grad()`); a no-op
    /// on leaves, which always keep theirs.
    /// - Throws: `.autograd` when the tensor does not require grad.
    public func retainGrad() throws {
        guard requiresGrad else {
            throw SwiftGradError.autograd("can't retain_grad on Tensor that has requires_grad=False")
        }
        guard let gradFn else { return }
        gradFn.hookList(for: outputNr).retain(self)
    }

    /// Whether backward keeps this non-leaf tensor's gradient (`retains_grad`).
    public var retainsGrad: Bool {
        guard let gradFn else { return false }
        return gradFn.existingHookList(for: outputNr)?.retains(self) ?? false
    }

    /// The hooks of this tensor's gradient: on its grad_fn's output slot, or for a leaf on the
    /// leaf itself (read by its AccumulateGrad node).
    private func hookList() throws -> HookList {
        guard requiresGrad else {
            throw SwiftGradError.autograd("cannot register a hook on a tensor that doesn't require gradient")
        }
        if let gradFn { return gradFn.hookList(for: outputNr) }
        if let leafHooks { return leafHooks }
        let list = HookList()
        leafHooks = list
        return list
    }
}
