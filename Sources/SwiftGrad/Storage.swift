#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reference-counted block of memory holding `count` elements of one dtype. The only place
/// swiftgrad allocates tensor memory. Views and detached tensors share a storage; its `version`
/// counts in-place writes so that autograd can tell when a value it saved was overwritten.
public final class Storage {
    public let dtype: DType
    public let count: Int
    let base: UnsafeMutableRawPointer
    /// Bumped by every in-place operation on any tensor sharing this storage.
    var version: Int = 0

    /// Allocates uninitialised (or, with `zeroed`, zero-filled) memory for `count` elements.
    /// - Throws: `.outOfMemory` when the allocation fails; never traps.
    init(count: Int, dtype: DType, zeroed: Bool = false) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, count >= 0 else {
            throw SwiftGradError.outOfMemory("cannot allocate \(count) elements of \(dtype)")
        }
        let size = Swift.max(bytes, 1)
        let pointer = zeroed ? calloc(size, 1) : malloc(size)
        guard let pointer else {
            throw SwiftGradError.outOfMemory(
                "DefaultCPUAllocator: can't allocate memory: you tried to allocate \(bytes) bytes.")
        }
        self.base = pointer
        self.count = count
        self.dtype = dtype
        switch dtype {
        case .float32: base.bindMemory(to: Float.self, capacity: count)
        case .float64: base.bindMemory(to: Double.self, capacity: count)
        case .int64: base.bindMemory(to: Int64.self, capacity: count)
        case .bool: base.bindMemory(to: Bool.self, capacity: count)
        }
    }

    deinit { free(base) }

    /// Typed access to the elements. `T` must be the storage's element type.
    @inline(__always)
    func withMutableBuffer<T: TensorElement, R>(
        _: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) rethrows -> R {
        precondition(T.dtype == dtype, "storage of \(dtype) read as \(T.dtype)")
        return try body(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count))
    }

    /// Typed pointer to the first element; only for use inside a kernel that holds the storage.
    @inline(__always)
    func pointer<T: TensorElement>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "storage of \(dtype) read as \(T.dtype)")
        return base.assumingMemoryBound(to: T.self)
    }
}
