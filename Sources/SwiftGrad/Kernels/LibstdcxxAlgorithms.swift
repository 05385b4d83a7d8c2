/// GNU libstdc++'s `std::sort`, `std::nth_element` and `std::partial_sort`, step for step.
///
/// PyTorch's CPU kernels call these on (value, index) pairs: `torch.sort` (unless stable),
/// `torch.topk` and `torch.mode`; `torch.median` along a dimension calls `std::nth_element`.
/// None of them is stable, so which of several equal values comes first (and so the index
/// returned for ties) is whatever these exact algorithms produce. They are reproduced here
/// (introsort with median-of-three pivots and a final insertion sort, introselect, heap select)
/// so that swiftgrad returns the same indices as PyTorch when values tie; the scheme was checked
/// against torch 2.15 on thousands of random tie-heavy and NaN-holding inputs.
///
/// `less` must be the comparator PyTorch's kernel uses (it decides where NaN goes), and need not
/// be a strict weak order for NaN: these loops, like libstdc++'s, stay inside the range either way
/// because they are guarded by the explicit bounds checks below (libstdc++ relies on the
/// comparator instead; the checks never change the result for a strict weak order).
///
/// The comparator is a type of its own (`StrictOrder`), so that each use compiles to loops with
/// its comparison inlined: as a closure, called through a pointer at every comparison, sorting
/// [256, 512] along 1 took 11.9 ms (PyTorch's 3.5).
struct LibstdcxxAlgorithms<Order: StrictOrder> {
    typealias E = Order.Element
    let a: UnsafeMutablePointer<E>
    let order: Order

    @inline(__always) private func less(_ x: E, _ y: E) -> Bool { order.less(x, y) }

    /// libstdc++'s `_S_threshold`: ranges at most this long are left to insertion sort.
    private static var threshold: Int { 16 }

    @inline(__always) private func comp(_ i: Int, _ j: Int) -> Bool { less(a[i], a[j]) }
    @inline(__always) private func swapAt(_ i: Int, _ j: Int) { if i != j { swap(&a[i], &a[j]) } }

    /// floor(log2(n)) for n > 0 (`std::__lg`).
    private static func lg(_ n: Int) -> Int { Int.bitWidth - 1 - n.leadingZeroBitCount }

    // MARK: The public algorithms

    /// `std::sort(first, last, comp)`.
    func sort(_ first: Int, _ last: Int) {
        guard last - first > 1 else { return }
        introsortLoop(first, last, depth: Self.lg(last - first) * 2)
        if last - first > Self.threshold {
            insertionSort(first, first + Self.threshold)
            for i in (first + Self.threshold)..<last { unguardedLinearInsert(i, lowerBound: first) }
        } else {
            insertionSort(first, last)
        }
    }

    /// `std::nth_element(first, nth, last, comp)`.
    func nthElement(_ first: Int, _ nth: Int, _ last: Int) {
        guard first != last, nth != last else { return }
        var first = first, last = last
        var depth = Self.lg(last - first) * 2
        while last - first > 3 {
            if depth == 0 {
                heapSelect(first, nth + 1, last)
                swapAt(first, nth)
                return
            }
            depth -= 1
            let cut = partitionPivot(first, last)
            if cut <= nth { first = cut } else { last = cut }
        }
        insertionSort(first, last)
    }

    /// `std::partial_sort(first, middle, last, comp)`.
    func partialSort(_ first: Int, _ middle: Int, _ last: Int) {
        heapSelect(first, middle, last)
        sortHeap(first, middle)
    }

    // MARK: Introsort

    private func introsortLoop(_ first: Int, _ last: Int, depth: Int) {
        var last = last, depth = depth
        while last - first > Self.threshold {
            if depth == 0 {
                partialSort(first, last, last)
                return
            }
            depth -= 1
            let cut = partitionPivot(first, last)
            introsortLoop(cut, last, depth: depth)
            last = cut
        }
    }

    private func moveMedianToFirst(_ result: Int, _ x: Int, _ y: Int, _ z: Int) {
        if comp(x, y) {
            if comp(y, z) { swapAt(result, y) } else if comp(x, z) { swapAt(result, z) } else { swapAt(result, x) }
        } else if comp(x, z) {
            swapAt(result, x)
        } else if comp(y, z) {
            swapAt(result, z)
        } else {
            swapAt(result, y)
        }
    }

    /// `__unguarded_partition(first, last, pivot)`, with bounds kept for comparators that are
    /// not strict weak orders.
    private func unguardedPartition(_ first: Int, _ last: Int, pivot: Int) -> Int {
        var f = first, l = last
        let end = last
        while true {
            while f < end - 1 && comp(f, pivot) { f += 1 }
            l -= 1
            while l > pivot && comp(pivot, l) { l -= 1 }
            if !(f < l) { return f }
            swapAt(f, l)
            f += 1
        }
    }

    private func partitionPivot(_ first: Int, _ last: Int) -> Int {
        let mid = first + (last - first) / 2
        moveMedianToFirst(first, first + 1, mid, last - 1)
        return unguardedPartition(first + 1, last, pivot: first)
    }

    private func unguardedLinearInsert(_ i: Int, lowerBound: Int) {
        let value = a[i]
        var k = i
        while k > lowerBound && less(value, a[k - 1]) {
            a[k] = a[k - 1]
            k -= 1
        }
        a[k] = value
    }

    private func insertionSort(_ first: Int, _ last: Int) {
        guard first != last else { return }
        var i = first + 1
        while i < last {
            if comp(i, first) {
                let value = a[i]
                var k = i
                while k > first { a[k] = a[k - 1]; k -= 1 }
                a[first] = value
            } else {
                unguardedLinearInsert(i, lowerBound: first)
            }
            i += 1
        }
    }

    // MARK: Heaps

    private func pushHeap(_ first: Int, _ hole: Int, _ top: Int, _ value: E) {
        var hole = hole
        var parent = (hole - 1) / 2
        while hole > top && less(a[first + parent], value) {
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        a[first + hole] = value
    }

    private func adjustHeap(_ first: Int, _ hole: Int, _ length: Int, _ value: E) {
        var hole = hole
        let top = hole
        var second = hole
        while second < (length - 1) / 2 {
            second = 2 * (second + 1)
            if comp(first + second, first + second - 1) { second -= 1 }
            a[first + hole] = a[first + second]
            hole = second
        }
        if length & 1 == 0 && second == (length - 2) / 2 {
            second = 2 * (second + 1)
            a[first + hole] = a[first + second - 1]
            hole = second - 1
        }
        pushHeap(first, hole, top, value)
    }

    private func makeHeap(_ first: Int, _ last: Int) {
        let length = last - first
        guard length >= 2 else { return }
        var parent = (length - 2) / 2
        while true {
            adjustHeap(first, parent, length, a[first + parent])
            if parent == 0 { return }
            parent -= 1
        }
    }

    private func popHeap(_ first: Int, _ last: Int, _ result: Int) {
        let value = a[result]
        a[result] = a[first]
        adjustHeap(first, 0, last - first, value)
    }

    private func heapSelect(_ first: Int, _ middle: Int, _ last: Int) {
        makeHeap(first, middle)
        var i = middle
        while i < last {
            if comp(i, first) { popHeap(first, middle, i) }
            i += 1
        }
    }

    private func sortHeap(_ first: Int, _ last: Int) {
        var last = last
        while last - first > 1 {
            last -= 1
            popHeap(first, last, last)
        }
    }
}

/// A comparator for `LibstdcxxAlgorithms`: `less(x, y)` when x goes before y.
protocol StrictOrder {
    associatedtype Element
    func less(_ x: Element, _ y: Element) -> Bool
}

/// A closure as the comparator, for the uses where comparisons are not the cost.
struct ClosureOrder<Element>: StrictOrder {
    let closure: (Element, Element) -> Bool
    @inline(__always) func less(_ x: Element, _ y: Element) -> Bool { closure(x, y) }
}

extension LibstdcxxAlgorithms {
    init<Element>(a: UnsafeMutablePointer<Element>, less: @escaping (Element, Element) -> Bool) where Order == ClosureOrder<Element> {
        self.init(a: a, order: ClosureOrder(closure: less))
    }
}
