#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// How a storage's memory was obtained, hence how it is given back.
enum StorageMemory {
    /// Inside the storage object itself (small tensors: one allocation instead of two).
    case inline
    /// From malloc.
    case heap
    /// A block from `BlockCache` of this many bytes (large tensors).
    case block(Int)
}

/// A storage's fields. They live in the header of the `ManagedBuffer` whose tail holds small
/// tensors' elements.
struct StorageHeader {
    let dtype: DType
    let count: Int
    let base: UnsafeMutableRawPointer
    let memory: StorageMemory
    /// Bumped by every in-place operation on any tensor sharing this storage.
    var version = 0
}

/// A reference-counted block of memory holding `count` elements of one dtype. The only place
/// swiftgrad allocates tensor memory. Views and detached tensors share a storage; its `version`
/// counts in-place writes so that autograd can tell when a value it saved was overwritten.
///
/// Small storages keep their elements in the object's own allocation; large ones come from
/// `BlockCache`, which reuses freed blocks so that a training loop does not fault in fresh pages
/// for every intermediate.
final class Storage: ManagedBuffer<StorageHeader, UInt64> {
    /// Storages up to this many bytes keep their elements inline.
    static let inlineLimit = 4096

    var dtype: DType { header.dtype }
    var count: Int { header.count }
    var base: UnsafeMutableRawPointer { header.base }
    var version: Int {
        get { header.version }
        set { header.version = newValue }
    }

    /// Allocates uninitialised (or, with `zeroed`, zero-filled) memory for `count` elements.
    /// - Throws: `.outOfMemory` when the allocation fails; never traps.
    static func allocate(count: Int, dtype: DType, zeroed: Bool = false) throws -> Storage {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, count >= 0 else {
            throw SwiftGradError.outOfMemory("cannot allocate \(count) elements of \(dtype)")
        }
        let storage: Storage
        if bytes <= inlineLimit {
            let words = (bytes + 7) / 8
            storage = unsafeDowncast(Storage.create(minimumCapacity: words) { buffer in
                let base = buffer.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
                return StorageHeader(dtype: dtype, count: count, base: base, memory: .inline)
            }, to: Storage.self)
            if zeroed { storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
        } else {
            let memory: StorageMemory
            let pointer: UnsafeMutableRawPointer?
            if bytes >= BlockCache.threshold {
                let block = BlockCache.allocate(bytes: bytes, zeroed: zeroed)
                pointer = block?.pointer
                memory = .block(block?.size ?? 0)
            } else {
                pointer = zeroed ? calloc(bytes, 1) : malloc(bytes)
                memory = .heap
            }
            guard let pointer else {
                throw SwiftGradError.outOfMemory(
                    "DefaultCPUAllocator: can't allocate memory: you tried to allocate \(bytes) bytes.")
            }
            storage = unsafeDowncast(Storage.create(minimumCapacity: 0) { _ in
                StorageHeader(dtype: dtype, count: count, base: pointer, memory: memory)
            }, to: Storage.self)
        }
        switch dtype {
        case .float32: storage.base.bindMemory(to: Float.self, capacity: count)
        case .float64: storage.base.bindMemory(to: Double.self, capacity: count)
        case .int64: storage.base.bindMemory(to: Int64.self, capacity: count)
        case .bool: storage.base.bindMemory(to: Bool.self, capacity: count)
        }
        return storage
    }

    deinit {
        switch header.memory {
        case .inline: break
        case .heap: free(header.base)
        case .block(let size): BlockCache.release(header.base, size: size)
        }
    }

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

/// Large blocks of memory (1 MiB and up) for tensor storage: mapped in 2 MiB-aligned multiples
/// of 2 MiB with transparent huge pages advised, and kept on free for the next allocation of the
/// same size. A training step allocates the same intermediates every iteration; reusing their
/// blocks avoids faulting in (and zeroing) fresh pages each time, which otherwise dominates
/// large elementwise work.
///
/// The cache never raises peak memory: an allocation it cannot serve first returns every cached
/// block to the system, so resident memory stays at most the peak of live tensors.
enum BlockCache {
    static let threshold = 1 << 20
    private static let granule = 2 << 20

    private struct State {
        /// Free blocks by size, as addresses.
        var free: [Int: [UInt]] = [:]
    }
    private static let state = Mutex(State())

    /// A block of at least `bytes` (its real size returned too), or nil when memory is exhausted.
    static func allocate(bytes: Int, zeroed: Bool) -> (pointer: UnsafeMutableRawPointer, size: Int)? {
        let (rounded, overflow) = bytes.addingReportingOverflow(granule - 1)
        guard !overflow else { return nil }
        let size = rounded / granule * granule
        let cached: UInt? = state.withLock { state in
            guard let address = state.free[size]?.popLast() else { return nil }
            if state.free[size]?.isEmpty == true { state.free[size] = nil }
            return address
        }
        if let cached, let pointer = UnsafeMutableRawPointer(bitPattern: cached) {
            if zeroed { pointer.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
            return (pointer, size)
        }
        // A miss: give the cached blocks back before mapping more.
        let evicted = state.withLock { state in
            defer { state.free = [:] }
            return state.free
        }
        for (blockSize, addresses) in evicted {
            for address in addresses { munmap(UnsafeMutableRawPointer(bitPattern: address), blockSize) }
        }
        guard let pointer = map(size) else { return nil }
        return (pointer, size)  // fresh anonymous memory reads as zeros
    }

    /// Takes back a block obtained from `allocate`.
    static func release(_ pointer: UnsafeMutableRawPointer, size: Int) {
        let address = UInt(bitPattern: pointer)
        state.withLock { $0.free[size, default: []].append(address) }
    }

    /// Maps `size` bytes (a multiple of the granule) aligned to the granule.
    private static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        let (span, overflow) = size.addingReportingOverflow(granule)
        guard !overflow else { return nil }
        let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { return nil }
        let start = UInt(bitPattern: raw)
        let aligned = (start + UInt(granule) - 1) / UInt(granule) * UInt(granule)
        let head = Int(aligned - start), tail = span - head - size
        if head > 0 { munmap(raw, head) }
        let pointer = UnsafeMutableRawPointer(bitPattern: aligned)!
        if tail > 0 { munmap(pointer + size, tail) }
        #if os(Linux)
        _ = madvise(pointer, size, MADV_HUGEPAGE)  // advice only; failure is harmless
        #endif
        return pointer
    }
}
