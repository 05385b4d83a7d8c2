/// Named tensors in insertion order, with string metadata: what a safetensors file holds
/// (and a PyTorch state_dict is).
///
///     let weights = TensorDictionary()
///     try weights.set("fc.weight", w)
///     try Safetensors.save(weights, to: "model.safetensors")
public final class TensorDictionary {
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]
    /// Free-form string pairs (safetensors' `__metadata__`), in insertion order.
    public private(set) var metadata: [(key: String, value: String)] = []

    public init() {}

    public var count: Int { names.count }

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The entry at `index` (insertion order).
    public func entry(at index: Int) throws -> (name: String, tensor: Tensor) {
        guard index >= 0, index < names.count else {
            throw SwiftGradError.invalidArgument("index \(index) is out of range for a dictionary of \(names.count) tensors")
        }
        return (names[index], tensors[names[index]]!)
    }

    /// Adds `tensor` as `name`, or replaces the tensor of that name (keeping its position).
    /// - Throws: `.invalidArgument` for an empty name or `__metadata__`, which safetensors reserves.
    public func set(_ name: String, _ tensor: Tensor) throws {
        guard !name.isEmpty, name != "__metadata__" else {
            throw SwiftGradError.invalidArgument("'\(name)' cannot be a tensor name")
        }
        if tensors.updateValue(tensor, forKey: name) == nil { names.append(name) }
    }

    /// Removes the tensor called `name`; false if there was none.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        guard tensors.removeValue(forKey: name) != nil else { return false }
        names.removeAll { $0 == name }
        return true
    }

    /// Metadata value for `key`, or nil.
    public func metadata(_ key: String) -> String? { metadata.first { $0.key == key }?.value }

    /// Sets metadata `key` to `value` (nil removes it).
    public func setMetadata(_ key: String, _ value: String?) {
        let index = metadata.firstIndex { $0.key == key }
        switch (index, value) {
        case let (i?, v?): metadata[i].value = v
        case let (nil, v?): metadata.append((key, v))
        case let (i?, nil): metadata.remove(at: i)
        case (nil, nil): break
        }
    }
}
