/// `torch.tril_indices` and `torch.triu_indices`: the coordinates of a row x col matrix's lower
/// (or upper) triangle relative to a diagonal offset, as a 2 x N tensor (row indices, then
/// column indices) in row-major order. Sizes are computed in closed form, so that a huge matrix
/// with an empty triangle costs nothing and a triangle too large to exist is refused instead of
/// overflowing.

extension Tensor {
    /// The lower triangle's coordinates: (r, c) with `c - r <= offset`, `0 <= r < row`,
    /// `0 <= c < col`, row by row (`torch.tril_indices`).
    ///
    /// ```swift
    /// try Tensor.trilIndices(row: 3, col: 3)  // tensor([[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]])
    /// ```
    /// - Parameters:
    ///   - offset: the diagonal: 0 the main one, positive above it, negative below.
    ///   - dtype: int64 or int32.
    /// - Throws: `.invalidArgument` for a negative row or col ("row must be non-negative,
    ///   got-1", PyTorch's words); `.dtype` for another dtype ("\"tril_indices\" not implemented
    ///   for 'Float'"); `.outOfMemory` for a triangle that cannot be allocated.
    public static func trilIndices(row: Int, col: Int, offset: Int = 0, dtype: DType = .int64) throws -> Tensor {
        try triangleIndices(row: row, col: col, offset: offset, dtype: dtype, lower: true)
    }

    /// The upper triangle's coordinates: (r, c) with `c - r >= offset`, row by row
    /// (`torch.triu_indices`); parameters and errors as `trilIndices`.
    ///
    /// ```swift
    /// try Tensor.triuIndices(row: 3, col: 3, offset: 1)  // tensor([[0, 0, 1], [1, 2, 2]])
    /// ```
    public static func triuIndices(row: Int, col: Int, offset: Int = 0, dtype: DType = .int64) throws -> Tensor {
        try triangleIndices(row: row, col: col, offset: offset, dtype: dtype, lower: false)
    }

    private static func triangleIndices(row: Int, col: Int, offset: Int, dtype: DType, lower: Bool) throws -> Tensor {
        guard row >= 0 else { throw SwiftGradError.invalidArgument("row must be non-negative, got\(row)") }
        guard col >= 0 else { throw SwiftGradError.invalidArgument("col must be non-negative, got\(col)") }
        guard dtype == .int64 || dtype == .int32 else {
            throw kernelNotImplemented(lower ? "tril_indices" : "triu_indices", dtype)
        }
        // Offsets beyond the matrix select all of it or none of it: clamp (no overflow below).
        let o = Swift.min(Swift.max(offset, -row), col)
        let rows = lower ? TriangleRows.lower(row: row, col: col, offset: o) : TriangleRows.upper(row: row, col: col, offset: o)
        let size = try rows.size()
        _ = try Shape.validate([2, size], itemSize: dtype.itemSize)
        let out = try Tensor.empty([2, size], dtype)
        func write<T: IntegerTensorElement>(_: T.Type) {
            let p = out.pointer(T.self)
            var i = 0
            for r in rows.first..<rows.end {
                let (start, end) = rows.columns(r)
                for c in start..<end {
                    p[i] = T(truncatingIfNeeded: r)
                    p[size &+ i] = T(truncatingIfNeeded: c)
                    i &+= 1
                }
            }
        }
        if dtype == .int64 { write(Int64.self) } else { write(Int32.self) }
        return out
    }
}

/// The rows of a triangle that hold at least one element, `first..<end`, and their column
/// ranges, for an offset already clamped to [-row, col].
private struct TriangleRows {
    let col: Int
    let offset: Int
    let lower: Bool
    let first: Int
    let end: Int

    static func lower(row: Int, col: Int, offset: Int) -> TriangleRows {
        // Row r holds columns 0..<min(r + offset + 1, col): none before r = -offset.
        let first = col == 0 ? row : Swift.min(Swift.max(-offset, 0), row)
        return TriangleRows(col: col, offset: offset, lower: true, first: first, end: row)
    }

    static func upper(row: Int, col: Int, offset: Int) -> TriangleRows {
        // Row r holds columns max(r + offset, 0)..<col: none from r = col - offset on.
        let end = col == 0 ? 0 : Swift.min(Swift.max(TriangleRows.upward(col.subtractingReportingOverflow(offset)), 0), row)
        return TriangleRows(col: col, offset: offset, lower: false, first: 0, end: end)
    }

    func columns(_ r: Int) -> (Int, Int) {
        // r + offset is at least 0 (lower) and below col (upper): only the lower sum can
        // overflow, upward, where it is beyond col anyway.
        guard lower else { return (Swift.max(r + offset, 0), col) }
        let (diagonal, overflow) = r.addingReportingOverflow(offset)
        return (0, overflow ? col : Swift.min(upward(diagonal.addingReportingOverflow(1)), col))
    }

    func count(_ r: Int) -> Int {
        let (start, end) = columns(r)
        return end - start
    }

    /// The number of elements: the rows' counts change by one from row to row until they reach
    /// `col` (lower) or from `col` down (upper), so the sum is a full block plus an arithmetic
    /// series.
    /// - Throws: `.outOfMemory` when it overflows Int.
    func size() throws -> Int {
        guard first < end else { return 0 }
        // Rows whose count is `col` (lower: from `full` to the end; upper: from the start).
        let fullRows: Int, seriesFirst: Int, seriesEnd: Int
        if lower {
            let full = Swift.min(Swift.max(upward(col.subtractingReportingOverflow(offset)) - 1, first), end)
            fullRows = end - full
            (seriesFirst, seriesEnd) = (first, full)
        } else {
            let full = Swift.min(Swift.max(upward((-offset).addingReportingOverflow(1)), 0), end)
            fullRows = full
            (seriesFirst, seriesEnd) = (full, end)
        }
        let n = seriesEnd - seriesFirst
        var total = try checked(fullRows.multipliedReportingOverflow(by: col))
        if n > 0 {
            let ends = try checked(count(seriesFirst).addingReportingOverflow(count(seriesEnd - 1)))
            let twice = try checked(ends.multipliedReportingOverflow(by: n))
            total = try checked(total.addingReportingOverflow(twice / 2))
        }
        return total
    }

    /// A sum of non-negative terms that may exceed Int (row + col for huge matrices): Int.max
    /// stands for "beyond every bound" (it is always clamped afterwards).
    private static func upward(_ result: (partialValue: Int, overflow: Bool)) -> Int {
        result.overflow ? Int.max : result.partialValue
    }

    private func upward(_ result: (partialValue: Int, overflow: Bool)) -> Int { Self.upward(result) }

    private func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Int {
        guard !result.overflow else { throw SwiftGradError.outOfMemory("the triangle's indices do not fit in memory") }
        return result.partialValue
    }
}
