import CThreadLocal

/// An n-dimensional array with reverse-mode automatic differentiation, PyTorch's `torch.Tensor`.
///
/// A tensor is a view of a `Storage`: a shape, row-major strides (in elements, 0 where a dimension
/// is broadcast) and an offset. Tensors are reference types: autograd accumulates gradients into
/// the very tensor you created, and `detach()` shares memory.
///
/// ```swift
/// let x = try Tensor.arange(0, 4, dtype: .float32).requiringGrad()
/// let y = try 2 * dot(x, x)          // tensor(28., grad_fn=<MulBackward0>)
/// try y.backward()
/// print(x.grad!)                     // tensor([ 0.,  4.,  8., 12.])
/// ```
public final class Tensor {
    // Stored properties are laid out in declaration order: the one-byte ones come last, side
    // by side, which keeps the object within 120 bytes (op results are allocated and freed by
    // the thousand; a smaller block is cheaper to allocate, fill and free).

    /// The memory this tensor views. Only `ownsStorageExclusively` needs it mutable; kernels
    /// read `elements` and `dtype`, copies kept here so that reading them costs no reference
    /// counting on the storage.
    private(set) var storage: Storage
    /// The storage's first element (the storage keeps it alive as long as this tensor).
    let elements: UnsafeMutableRawPointer
    /// Sizes of each dimension; empty for a 0-d scalar.
    public let shape: [Int]
    /// Element strides of each dimension.
    public let strides: [Int]
    /// Offset of element [0, ..., 0] in `storage`, in elements.
    public let storageOffset: Int
    /// Number of elements (PyTorch's `numel()`).
    public let count: Int
    /// For a view (made by a view op: reshape, select, transpose, ...), the tensor whose storage
    /// it views, followed to the root: a view keeps its base alive, as in PyTorch. Nil otherwise
    /// (a detached alias shares storage but is not a view in autograd's sense).
    let base: Tensor?
    /// For a view: its base's `historyVersion` when the view was made. If the base's history is
    /// rewritten later (an in-place op recorded on it), this view's grad_fn is stale.
    let baseHistoryVersion: Int

    // MARK: Autograd state (see Tensor+Autograd.swift)

    /// The node that computed this tensor, nil for leaves.
    public internal(set) var gradFn: Node?
    /// Which output of `gradFn` this tensor is.
    var outputNr: Int = 0
    /// State that only some tensors have (leaves that require grad, retained gradients,
    /// in-place history), made on first use.
    private var extras: Extras?

    /// The element type.
    public let dtype: DType
    /// Whether the elements are laid out densely in row-major order from `storageOffset`.
    public let isContiguous: Bool
    /// PyTorch's "wrapped number": a Python scalar promoted to a 0-d tensor. It only affects type
    /// promotion (it never decides the result's floating dtype).
    let isWrappedNumber: Bool
    /// For leaves: whether gradients accumulate into this tensor.
    var leafRequiresGrad = false
    /// Set by `OpNode.apply` while the rule it runs may write over this tensor, its incoming
    /// gradient, which nothing but that backward pass refers to (`OpNode.disposableGradient`).
    var isDisposableGradient = false

    /// See `extras`. Out of line, so that the common tensor (an op result) is smaller and frees
    /// fewer fields.
    private final class Extras {
        var accumulator: AccumulateGrad?
        var ownGrad: Tensor?
        var historyVersion = 0
    }

    /// `extras`, made if it does not exist yet.
    private var madeExtras: Extras {
        if let extras { return extras }
        let made = Extras()
        extras = made
        return made
    }

    /// Counts in-place operations recorded on this tensor (each gives it a new grad_fn).
    var historyVersion: Int {
        get { extras?.historyVersion ?? 0 }
        set { madeExtras.historyVersion = newValue }
    }

    /// The graph node that accumulates into this leaf, made when the leaf starts requiring grad
    /// (so reading it needs no lock). It keeps the leaf's gradient and hooks.
    var accumulator: AccumulateGrad? {
        get { extras?.accumulator }
        set { if newValue != nil || extras != nil { madeExtras.accumulator = newValue } }
    }

    /// The gradient of a tensor without an accumulator (a retained or assigned one).
    private var ownGrad: Tensor? {
        get { extras?.ownGrad }
        set { if newValue != nil || extras != nil { madeExtras.ownGrad = newValue } }
    }

    /// The accumulated gradient: a leaf that requires grad keeps it in its accumulator, where
    /// backward writes it; any other tensor here.
    var gradStore: Tensor? {
        get { accumulator != nil ? accumulator!.grad : ownGrad }
        set {
            if let accumulator { accumulator.grad = newValue } else { ownGrad = newValue }
        }
    }

    /// Hooks on this leaf's gradient (a non-leaf's live on its grad_fn).
    var leafHooks: HookList? {
        get { accumulator?.hooks }
        set { accumulator?.hooks = newValue }
    }

    /// - Parameter knownContiguous: the caller made `strides` row-major for `shape` (no need to
    ///   scan them).
    init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0,
         wrappedNumber: Bool = false, base: Tensor? = nil, knownContiguous: Bool = false) {
        self.storage = storage
        self.elements = storage.base
        self.dtype = storage.dtype
        self.shape = shape
        self.strides = strides
        self.storageOffset = offset
        self.count = Shape.count(shape)
        self.isWrappedNumber = wrappedNumber
        self.base = base
        self.baseHistoryVersion = base?.historyVersion ?? 0
        var contiguous = true
        if !knownContiguous && count != 0 {  // an empty tensor is contiguous whatever its strides, as PyTorch's
            var expected = 1
            for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
                if strides[d] != expected { contiguous = false; break }
                expected &*= shape[d]
            }
        }
        self.isContiguous = contiguous
        sg_live_add(1)  // per-thread: no shared read-modify-write per op result
    }

    /// A contiguous tensor over `storage`.
    convenience init(storage: Storage, shape: [Int]) {
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), knownContiguous: true)
    }

    deinit {
        sg_live_add(-1)
        // The last reference to a small storage: kept for the next one of its size.
        if storage.poolClass >= 0 && isKnownUniquelyReferenced(&storage) { StoragePool.keep(storage) }
    }

    /// Whether this tensor alone can see its memory: it is not a view, no other tensor shares
    /// its storage, and it covers the whole storage contiguously. Backward may then update it in
    /// place or keep it rather than copy it.
    func ownsStorageExclusively() -> Bool {
        base == nil && isContiguous && storageOffset == 0 && count == storage.count
            && isKnownUniquelyReferenced(&storage)
    }

    /// Typed pointer to the storage's first element; `T` must be the dtype's element type.
    @inline(__always)
    func pointer<T: TensorElement>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "tensor of \(dtype) read as \(T.dtype)")
        return elements.assumingMemoryBound(to: T.self)
    }

    /// Whether every element is the same stored value: one element, or a view broadcasting one
    /// (every stride 0).
    var isSingleValue: Bool {
        count == 1 || (count > 0 && !strides.contains { $0 != 0 })
    }

    /// The number of `Tensor` objects currently alive in this process.
    public static var liveCount: Int { sg_live_total() }

    /// Number of dimensions.
    public var ndim: Int { shape.count }

    /// A new uninitialised contiguous tensor (every element is written by the caller).
    static func empty(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        Tensor(storage: try Storage.allocate(count: Shape.count(shape), dtype: dtype), shape: shape)
    }

    /// A view of this tensor's storage with another layout. The caller guarantees the layout
    /// stays inside the storage.
    func aliased(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, base: base ?? self)
    }

    /// Storage offset of the element at a row-major linear index.
    func offset(ofLinearIndex index: Int) -> Int {
        var remaining = index
        var offset = storageOffset
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            let size = shape[d]
            offset &+= (remaining % size) &* strides[d]
            remaining /= size
        }
        return offset
    }

    /// The element at a storage offset, as a Double.
    func doubleValue(atOffset offset: Int) -> Double {
        switch dtype {
        case .float32: return Double(pointer(Float.self)[offset])
        case .float64: return pointer(Double.self)[offset]
        case .int64: return Double(pointer(Int64.self)[offset])
        case .bool: return pointer(Bool.self)[offset] ? 1 : 0
        default:
            func read<T: TensorElement>(_: T.Type) -> Double { pointer(T.self)[offset].doubleValue }
            return read(dtype.elementType)
        }
    }

    /// Writes `value` at a storage offset of a float32 (rounded once) or float64 tensor.
    func storeValue(_ value: Double, atOffset offset: Int) {
        precondition(dtype == .float32 || dtype == .float64, "storeValue on \(dtype)")
        if dtype == .float32 {
            pointer(Float.self)[offset] = Float(value)
        } else {
            pointer(Double.self)[offset] = value
        }
    }

    /// The element at a storage offset on its way to another type (exact for every dtype,
    /// int64 included).
    func wideValue(atOffset offset: Int) -> WideElement {
        func read<T: TensorElement>(_: T.Type) -> WideElement { pointer(T.self)[offset].wide }
        return read(dtype.elementType)
    }

    /// The int64 element at a storage offset.
    func int64Value(atOffset offset: Int) -> Int64 {
        if dtype == .int64 { return pointer(Int64.self)[offset] }
        switch wideValue(atOffset: offset) {
        case .integer(let i): return i
        case .real(let d): return d.truncatedInt64 ?? .min
        case .flag(let b): return b ? 1 : 0
        }
    }
}
