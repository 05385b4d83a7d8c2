import CParallel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splitting large kernels across cores. Work below `Parallel.grain` elements runs on the
/// calling thread: waking other threads costs a few microseconds, more than small tensors take.
/// The split of a given size is fixed (it depends only on the size and the number of cores), so
/// results are the same from run to run, reductions included. The pieces run on the worker
/// pool of Sources/CParallel (which allocates nothing per call, unlike dispatch_apply).
enum Parallel {
    /// Elements per piece, at least, before a kernel is split: PyTorch's GRAIN_SIZE. With the
    /// workers watching for the next job between calls (Sources/CParallel), two cores stream a
    /// [256, 512] float32 tensor (2^17 elements) faster than one: from Python, `x + y` 26 -> 16
    /// us, `x / y` 25 -> 14, relu 18.5 -> 11 (PyTorch's 14, 16, 10-14), where the grain was
    /// 2^17. Benchmarks W3, W5 and W6 moved within their noise. `SWIFTGRAD_GRAIN` in the
    /// environment sets it, for measuring.
    static let grain: Int = {
        if let text = getenv("SWIFTGRAD_GRAIN"), let n = Int(String(cString: text)), n > 0 { return n }
        return 1 << 15
    }()
    /// The cores of the machine (at most 64).
    static let available: Int = Swift.max(1, Swift.min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 64))
    /// The threads a kernel may use (`torch.set_num_threads`): the machine's cores unless set.
    /// Read on every split, written rarely (a word: a racing reader sees the old or new count).
    nonisolated(unsafe) static var cores: Int = available

    /// How many pieces `count` elements are split into, each of `grain` elements at least.
    @inline(__always)
    static func pieces(_ count: Int) -> Int {
        cores == 1 || count < 2 &* grain ? 1 : Swift.min(cores, count / grain)
    }

    /// Calls `body(k)` for every k in `0..<count`, on the calling thread and the worker pool (at
    /// most `cores` threads at once); returns when all have run. A call made inside a piece, or
    /// while another thread's pieces run, runs its own on the calling thread.
    static func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 || cores == 1 {
            for k in 0..<count { body(k) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var piece = body
            withUnsafeMutablePointer(to: &piece) { context in
                swiftgrad_parallel_run(count, cores, context) { context, k in
                    context.unsafelyUnwrapped.assumingMemoryBound(to: ((Int) -> Void).self).pointee(k)
                }
            }
        }
    }

    /// Calls `body(range)` for consecutive ranges covering `0..<count`, concurrently when the
    /// count is large; returns when all have run.
    @inline(__always)
    static func forRanges(_ count: Int, _ body: (Range<Int>) -> Void) {
        forRanges(count, pieces: pieces(count), body)
    }

    /// `forRanges` for `count` items that take about `work` elements' time in all, split into
    /// pieces of `grain` elements' work at least.
    @inline(__always)
    static func forRanges(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        forRanges(count, pieces: pieces(work), body)
    }

    /// Calls `body(range)` for `pieces` consecutive ranges covering `0..<count` (at most `count`
    /// of them), concurrently; with one, on the calling thread. Returns when all have run.
    @inline(__always)
    static func forRanges(_ count: Int, pieces: Int, _ body: (Range<Int>) -> Void) {
        let n = Swift.min(pieces, count)
        if n <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        run(n) { k in
            body(count * k / n ..< count * (k + 1) / n)
        }
    }

    /// Like `forRanges`, collecting one partial result per range, in range order.
    @inline(__always)
    static func mapRanges<R>(_ count: Int, _ body: (Range<Int>) -> R) -> [R] {
        let n = pieces(count)
        if n == 1 { return [body(0..<count)] }
        var results = [R?].filled(nil, count: n)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            run(n) { k in
                slots[k] = body(count * k / n ..< count * (k + 1) / n)
            }
        }
        return results.map { $0! }
    }
}

/// The number of threads kernels split their work over (`torch.get_num_threads` /
/// `torch.set_num_threads`).
public enum Threads {
    public static var count: Int { Parallel.cores }

    /// - Throws: `.invalidArgument` unless n is positive (PyTorch's message); more threads than
    ///   64 are used as 64.
    public static func set(_ n: Int) throws {
        guard n >= 1 else { throw SwiftGradError.invalidArgument("set_num_threads expects a positive integer") }
        Parallel.cores = Swift.min(n, 64)
    }
}
