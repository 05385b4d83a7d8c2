#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a storage's memory was obtained, hence how it is given back.
enum StorageMemory {
    /// Inside the storage object itself (small tensors: one allocation instead of two).
    case inline
    /// From malloc.
    case heap
    /// A block from `BlockCache` of this many bytes (large tensors).
    case block(Int)
    /// Memory owned by someone else (a numpy array, a DLPack producer), handed back by calling
    /// this once when the storage goes.
    case external(() -> Void)
}

/// A storage's fields. They live in the header of the `ManagedBuffer` whose tail holds small
/// tensors' elements.
struct StorageHeader {
    /// The dtype and count change only when `StoragePool` hands the storage out again.
    var dtype: DType
    var count: Int
    let base: UnsafeMutableRawPointer
    let memory: StorageMemory
    /// Bumped by every in-place operation on any tensor sharing this storage.
    var version = 0
    /// The `StoragePool` class this storage returns to when its last tensor goes, -1 for none.
    var poolClass: Int8 = -1
    /// The next storage of its class while the pool keeps it.
    var nextKept: Unmanaged<Storage>?
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
    var poolClass: Int8 { header.poolClass }
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
            let poolClass = StoragePool.sizeClass(words: (bytes + 7) / 8)
            if poolClass >= 0, let reused = StoragePool.take(poolClass) {
                reused.header.dtype = dtype
                reused.header.count = count
                reused.header.version = 0
                storage = reused
            } else {
                let words = poolClass >= 0 ? StoragePool.words(ofClass: poolClass) : (bytes + 7) / 8
                storage = unsafeDowncast(Storage.create(minimumCapacity: words) { buffer in
                    let base = buffer.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
                    return StorageHeader(dtype: dtype, count: count, base: base, memory: .inline, poolClass: poolClass)
                }, to: Storage.self)
            }
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
        storage.bindElements()
        return storage
    }

    /// A storage over `count` elements at `base` that it does not own; `release` gives the
    /// memory back when the storage is freed.
    static func external(_ base: UnsafeMutableRawPointer, count: Int, dtype: DType,
                         release: @escaping () -> Void) -> Storage {
        let storage = unsafeDowncast(Storage.create(minimumCapacity: 0) { _ in
            StorageHeader(dtype: dtype, count: count, base: base, memory: .external(release))
        }, to: Storage.self)
        storage.bindElements()
        return storage
    }

    private func bindElements() {
        func bind<T: TensorElement>(_: T.Type) { base.bindMemory(to: T.self, capacity: count) }
        bind(dtype.elementType)
    }

    deinit {
        switch header.memory {
        case .inline: break
        case .heap: free(header.base)
        case .block(let size): BlockCache.release(header.base, size: size)
        case .external(let release): release()
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

/// Small storages (up to 16 words of elements) that each thread keeps for reuse: when a tensor
/// goes holding the last reference to one, it is kept here rather than freed, and the next
/// storage of its size class is this object again, without an allocation and a deallocation.
/// A chain of small ops makes and drops a storage per op. Its block is one the small-block
/// cache (Sources/CSmallBlockCache) would otherwise recycle, so no sanitizer or valgrind view
/// is lost that the library had not already given up. A storage is taken only when no tensor,
/// saved value or exported buffer refers to it, so reuse is invisible; its version restarts
/// at 0. Each class keeps at most `perClass` storages (objects of about 90 to 210 bytes: at most
/// about 0.7 MB a thread in all); a thread's pool goes when it exits.
final class StoragePool {
    /// Classes 0...4 hold storages of 1, 2, 4, 8 and 16 words.
    private static let classes = 5
    private static let perClass = 1024
    /// Each class's kept storages, linked through `StorageHeader.nextKept`; the pool holds one
    /// reference to each.
    private let heads = UnsafeMutablePointer<Unmanaged<Storage>?>.allocate(capacity: StoragePool.classes)
    private let counts = UnsafeMutablePointer<Int>.allocate(capacity: StoragePool.classes)
    private static let pools = ThreadLocal { StoragePool() }

    private init() {
        heads.initialize(repeating: nil, count: StoragePool.classes)
        counts.initialize(repeating: 0, count: StoragePool.classes)
    }

    deinit {
        for c in 0..<StoragePool.classes {
            while let kept = heads[c] {
                heads[c] = kept._withUnsafeGuaranteedRef { $0.header.nextKept }
                kept.release()
            }
        }
        heads.deallocate()
        counts.deallocate()
    }

    /// The class of a storage of `words` words (rounded up to a power of two), -1 above 16.
    @inline(__always)
    static func sizeClass(words: Int) -> Int8 {
        guard words <= 16 else { return -1 }
        return words <= 1 ? 0 : Int8(Int.bitWidth - (words - 1).leadingZeroBitCount)
    }

    @inline(__always)
    static func words(ofClass sizeClass: Int8) -> Int { 1 << Int(sizeClass) }

    /// A kept storage of class `sizeClass`, nil when there is none.
    @inline(__always)
    static func take(_ sizeClass: Int8) -> Storage? {
        pools.withValue { pool in
            let c = Int(sizeClass)
            guard let kept = pool.heads[c] else { return nil }
            let storage = kept.takeRetainedValue()
            pool.heads[c] = storage.header.nextKept
            storage.header.nextKept = nil
            pool.counts[c] &-= 1
            return storage
        }
    }

    /// Keeps `storage` (of a class, referenced by nothing else) unless its class is full.
    @inline(__always)
    static func keep(_ storage: Storage) {
        pools.withValue { pool in
            let c = Int(storage.poolClass)
            guard pool.counts[c] < perClass else { return }
            storage.header.nextKept = pool.heads[c]
            pool.heads[c] = Unmanaged.passRetained(storage)
            pool.counts[c] &+= 1
        }
    }
}

/// Large blocks of memory (128 KiB and up) for tensor storage, kept on free for the next
/// allocation of the same size class. A training step allocates the same intermediates every
/// iteration; reusing their blocks avoids faulting in (and zeroing) fresh pages each time, which
/// otherwise dominates large elementwise work (malloc returns such sizes to the system on free).
/// Sizes round up to 64 KiB multiples, and from 2 MiB to 2 MiB multiples, mapped 2 MiB-aligned
/// with transparent huge pages advised.
///
/// The cache barely raises peak memory: live plus cached blocks stay within the largest amount
/// ever live at once plus `slack` (cached blocks go back to the system on a miss until they
/// fit), and the cache holds at most `cacheLimit` bytes. The slack lets an iteration's blocks of
/// several sizes that are never live together all stay cached.
enum BlockCache {
    static let threshold = 128 << 10
    static let cacheLimit = 2 << 30
    static let slack = 32 << 20
    private static let smallGranule = 64 << 10
    private static let hugePage = 2 << 20

    private struct State {
        /// Free blocks by size, as addresses.
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
        var liveBytes = 0
        var peakLiveBytes = 0

        /// Takes cached blocks out, largest first, until live and cached bytes fit within the
        /// peak and slack, and the cache within its limit; returns them for unmapping outside
        /// the lock.
        mutating func evictBeyondPeak() -> [(address: UInt, size: Int)] {
            var evicted: [(address: UInt, size: Int)] = []
            while cachedBytes > 0
                && (liveBytes + cachedBytes > peakLiveBytes + BlockCache.slack || cachedBytes > BlockCache.cacheLimit) {
                guard let size = free.keys.max(), let address = free[size]?.popLast() else { break }
                if free[size]?.isEmpty == true { free[size] = nil }
                cachedBytes -= size
                evicted.append((address, size))
            }
            return evicted
        }
    }
    private static let state = Locked(State())

    /// The size class of a request: what a block serving it really holds.
    private static func sizeClass(_ bytes: Int) -> Int? {
        let granule = bytes >= hugePage ? hugePage : smallGranule
        let (rounded, overflow) = bytes.addingReportingOverflow(granule - 1)
        return overflow ? nil : rounded / granule * granule
    }

    /// A block of at least `bytes` (its real size returned too), or nil when memory is exhausted.
    static func allocate(bytes: Int, zeroed: Bool) -> (pointer: UnsafeMutableRawPointer, size: Int)? {
        guard let size = sizeClass(bytes) else { return nil }
        let (cached, evicted): (UInt?, [(address: UInt, size: Int)]) = state.withLock { state in
            state.liveBytes += size
            state.peakLiveBytes = Swift.max(state.peakLiveBytes, state.liveBytes)
            if let address = state.free[size]?.popLast() {
                if state.free[size]?.isEmpty == true { state.free[size] = nil }
                state.cachedBytes -= size
                return (address, [])
            }
            return (nil, state.evictBeyondPeak())
        }
        if let cached, let pointer = UnsafeMutableRawPointer(bitPattern: cached) {
            if zeroed { pointer.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
            return (pointer, size)
        }
        for block in evicted { munmap(UnsafeMutableRawPointer(bitPattern: block.address), block.size) }
        guard let pointer = map(size) else {
            state.withLock { $0.liveBytes -= size }
            return nil
        }
        return (pointer, size)  // fresh anonymous memory reads as zeros
    }

    /// Takes back a block obtained from `allocate`.
    static func release(_ pointer: UnsafeMutableRawPointer, size: Int) {
        let address = UInt(bitPattern: pointer)
        let evicted = state.withLock { state in
            state.liveBytes -= size
            state.cachedBytes += size
            state.free[size, default: []].append(address)
            return state.cachedBytes > cacheLimit ? state.evictBeyondPeak() : []
        }
        for block in evicted { munmap(UnsafeMutableRawPointer(bitPattern: block.address), block.size) }
    }

    /// Maps `size` bytes; sizes of whole huge pages are aligned to them, with huge pages advised.
    private static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= hugePage else {
            let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let raw, raw != MAP_FAILED else { return nil }
            return raw
        }
        let (span, overflow) = size.addingReportingOverflow(hugePage)
        guard !overflow else { return nil }
        let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { return nil }
        let start = UInt(bitPattern: raw)
        let aligned = (start + UInt(hugePage) - 1) / UInt(hugePage) * UInt(hugePage)
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
