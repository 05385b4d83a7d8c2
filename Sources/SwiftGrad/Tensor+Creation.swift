extension Tensor {
    /// A tensor holding a copy of `values`, shaped `shape` (a 1-d tensor when nil).
    ///
    /// ```swift
    /// let m = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    /// ```
    /// - Throws: `.invalidArgument` when the shape's element count differs from `values.count`.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        let count = try Shape.validate(shape, itemSize: T.dtype.itemSize)
        guard count == values.count else {
            throw SwiftGradError.invalidArgument(
                "shape '\(Shape.describe(shape))' is invalid for input of size \(values.count)")
        }
        let storage = try Storage.allocate(count: count, dtype: T.dtype)
        storage.withMutableBuffer(T.self) { buffer in
            _ = buffer.initialize(from: values)
        }
        self.init(storage: storage, shape: shape)
    }

    /// A 0-d tensor holding `value`.
    public convenience init<T: TensorElement>(scalar value: T) throws {
        let storage = try Storage.allocate(count: 1, dtype: T.dtype)
        storage.pointer(T.self).pointee = value
        self.init(storage: storage, shape: [], strides: [])
    }

    /// A tensor holding a copy of raw row-major bytes of `dtype`. Bool bytes other than 0 are
    /// read as true.
    /// - Throws: `.invalidArgument` for a bad shape or a buffer smaller than the tensor.
    public static func fromBytes(_ bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws -> Tensor {
        let count = try Shape.validate(shape, itemSize: dtype.itemSize)
        let needed = count * dtype.itemSize
        guard bytes.count >= needed else {
            throw SwiftGradError.invalidArgument(
                "a \(dtype) tensor of shape \(Shape.describe(shape)) needs \(needed) bytes of data, got \(bytes.count)")
        }
        let storage = try Storage.allocate(count: count, dtype: dtype)
        if needed > 0, let source = bytes.baseAddress {
            if dtype == .bool {
                // Swift's Bool must be 0 or 1: normalise whatever bytes the caller sent.
                let from = source.assumingMemoryBound(to: UInt8.self)
                let to = storage.pointer(Bool.self)
                for i in 0..<count { to[i] = from[i] != 0 }
            } else {
                storage.base.copyMemory(from: source, byteCount: needed)
            }
        }
        return Tensor(storage: storage, shape: shape)
    }

    /// A tensor over memory it does not own, without copying (`torch.from_numpy`,
    /// `torch.from_dlpack`): elements at `base` with `strides` (in elements, non-negative;
    /// row-major when nil). Writes through the tensor write that memory, which must stay valid
    /// until `release` is called: exactly once, when the last tensor sharing it goes, or before
    /// this returns when it throws.
    /// - Throws: `.invalidArgument` for a bad shape or strides, a NULL `base` with elements, or
    ///   a `base` not aligned to the element size.
    public static func wrapping(_ base: UnsafeMutableRawPointer?, shape: [Int], strides: [Int]?, dtype: DType,
                                release: @escaping () -> Void) throws -> Tensor {
        do {
            let count = try Shape.validate(shape, itemSize: dtype.itemSize)
            let strides = strides ?? Shape.contiguousStrides(shape)
            guard strides.count == shape.count else {
                throw SwiftGradError.invalidArgument("\(strides.count) strides given for a shape of \(shape.count) dimensions")
            }
            guard strides.allSatisfy({ $0 >= 0 }) else {
                throw SwiftGradError.invalidArgument("negative strides are not supported, got \(Shape.describe(strides))")
            }
            // Elements spanned: 1 + Σ (size - 1) · stride, checked for overflow.
            var extent = count == 0 ? 0 : 1
            if count > 0 {
                for (size, stride) in zip(shape, strides) {
                    let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                    let (sum, o2) = extent.addingReportingOverflow(step)
                    let (_, o3) = sum.multipliedReportingOverflow(by: dtype.itemSize)
                    guard !o1, !o2, !o3 else { throw SwiftGradError.invalidArgument("the strides \(Shape.describe(strides)) overflow") }
                    extent = sum
                }
            }
            let pointer = count == 0 ? base ?? UnsafeMutableRawPointer(bitPattern: dtype.itemSize)! : base
            guard let pointer else { throw SwiftGradError.invalidArgument("data is NULL but the tensor has \(count) elements") }
            guard Int(bitPattern: pointer) % dtype.itemSize == 0 else {
                throw SwiftGradError.invalidArgument("data at \(pointer) is not aligned to the \(dtype.itemSize)-byte elements of \(dtype)")
            }
            let storage = Storage.external(pointer, count: extent, dtype: dtype, release: release)
            return Tensor(storage: storage, shape: shape, strides: strides)
        } catch {
            release()
            throw error
        }
    }

    /// The address of the first element (for sharing memory with other libraries: valid while
    /// the tensor, or another sharing its storage, is alive).
    public var dataPointer: UnsafeMutableRawPointer { storage.base + storageOffset * dtype.itemSize }

    /// The memory this tensor views (`untyped_storage()`): the address of its storage's first
    /// byte and the storage's size in bytes, the same for every tensor sharing it.
    public var storageExtent: (base: UnsafeMutableRawPointer, bytes: Int) { (storage.base, storage.count * dtype.itemSize) }

    /// A tensor of zeros (`torch.zeros`).
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        _ = try Shape.validate(shape, itemSize: dtype.itemSize)
        let t = Tensor(storage: try Storage.allocate(count: Shape.count(shape), dtype: dtype, zeroed: true), shape: shape)
        if requiresGrad { try t.setRequiresGrad(true) }
        return t
    }

    /// A tensor of ones (`torch.ones`).
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        try full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value` (`torch.full`); for int64 the value truncates toward zero.
    /// - Throws: `.invalidArgument` for a bad shape or a value int64 cannot hold.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        _ = try Shape.validate(shape, itemSize: dtype.itemSize)
        let t = try Tensor.empty(shape, dtype)
        try Kernels.fill(t, with: value)
        if requiresGrad { try t.setRequiresGrad(true) }
        return t
    }

    /// Values from `start` toward `end` (exclusive) by `step` (`torch.arange`).
    ///
    /// ```swift
    /// try Tensor.arange(0, 4)   // tensor([0., 1., 2., 3.])
    /// ```
    /// - Throws: `.invalidArgument` for a zero or wrong-signed step, non-finite bounds, or a
    ///   length that overflows.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1,
                              dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        guard step > 0 || step < 0 else { throw SwiftGradError.invalidArgument("step must be nonzero") }
        guard start.isFinite, end.isFinite else {
            throw SwiftGradError.invalidArgument("unsupported range: \(formatPython(start)) -> \(formatPython(end))")
        }
        guard (step > 0 && end >= start) || (step < 0 && end <= start) else {
            throw SwiftGradError.invalidArgument("upper bound and larger bound inconsistent with step sign")
        }
        let length = ((end - start) / step).rounded(.up)
        guard length >= 0, length < 9.0e18 else {
            throw SwiftGradError.invalidArgument("invalid size, possible overflow?")
        }
        let count = Int(length)
        _ = try Shape.validate([count], itemSize: dtype.itemSize)
        if dtype != dtype.compute {
            // float16, bfloat16: PyTorch's kernel computes in float32 and rounds (this follows
            // the float32 kernel's values, rounded); narrow integers: int64's, wrapped.
            return try arange(start, end, step: step, dtype: dtype.compute).to(dtype, recording: false)
                .requiringGrad(requiresGrad)
        }
        let t = try Tensor.empty([count], dtype)
        switch dtype {
        case .float32:
            fillRange(t, Float.self) { Float(arangeValue($0, of: count, start, step, width: 8) { Double(Float($0)) }) }
        case .float64:
            fillRange(t, Double.self) { arangeValue($0, of: count, start, step, width: 4) { $0 } }
        case .int64:
            guard let s = start.truncatedInt64, let d = step.truncatedInt64, d != 0 else {
                throw SwiftGradError.invalidArgument("arange: start and step must be representable as int64 and step nonzero")
            }
            fillRange(t, Int64.self) { s &+ Int64($0) &* d }
        default:
            throw SwiftGradError.dtype("\"arange_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        if requiresGrad { try t.setRequiresGrad(true) }
        return t
    }

    /// Element `i` of `count` of a floating arange, computed as PyTorch's CPU kernel computes it,
    /// so that the values agree bit for bit (D2L plots relu's gradient over arange(-8, 8, 0.1),
    /// whose element 80 is torch's 4.4e-16, not 0). The kernel works in double and fills vectors
    /// of `width` elements (32 bytes), two vectors per iteration: a vector starts at
    /// start + step * i0 rounded to the element type (`round`), and its lanes add k * step to that
    /// base; the elements after the last pair of vectors are start + step * i. Each multiply-add
    /// is fused, as the compiler fuses it. (PyTorch splits ranges above 32,768 elements across
    /// threads, which moves the vector boundaries with the thread count; this follows one thread.)
    private static func arangeValue(_ i: Int, of count: Int, _ start: Double, _ step: Double, width: Int,
                                     round: (Double) -> Double) -> Double {
        let vectorized = count / (2 * width) * (2 * width)
        guard i < vectorized else { return start.addingProduct(step, Double(i)) }
        let first = i - i % width
        let base = round(start.addingProduct(step, Double(first)))
        return base.addingProduct(Double(i - first), step)
    }

    /// A 2-d tensor with ones on the diagonal (`torch.eye`).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        let columns = m ?? n
        guard n >= 0 else { throw SwiftGradError.invalidArgument("n must be greater or equal to 0, got \(n)") }
        guard columns >= 0 else { throw SwiftGradError.invalidArgument("m must be greater or equal to 0, got \(columns)") }
        let t = try zeros([n, columns], dtype: dtype)
        if t.count > 0 {  // then columns + 1 cannot overflow
            try noGrad {
                let diagonal = t.aliased(shape: [Swift.min(n, columns)], strides: [columns + 1], offset: 0)
                try Kernels.fill(diagonal, with: 1)
            }
        }
        if requiresGrad { try t.setRequiresGrad(true) }
        return t
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive (`torch.linspace`), computed
    /// as PyTorch's CPU kernel computes them, bit for bit: in the element type for floating
    /// dtypes (start, end and the step rounded to it first), in double for integer ones (then
    /// truncated); the first half counts up from start and the second down from end, so that both
    /// ends are exact; each multiply-add is fused, as the compiler fuses it.
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32,
                                requiresGrad: Bool = false) throws -> Tensor {
        guard steps >= 0 else { throw SwiftGradError.invalidArgument("number of steps must be non-negative") }
        guard start.isFinite, end.isFinite else {
            throw SwiftGradError.invalidArgument("linspace: start and end must be finite")
        }
        let half = steps / 2
        func values<T: BinaryFloatingPoint>(_ s: T, _ e: T) -> (Int) -> T {
            // One step: start (PyTorch fills, not computes, a single element).
            guard steps > 1 else { return { _ in s } }
            let step = (e - s) / T(steps - 1)
            return { i in i < half ? s.addingProduct(step, T(i)) : e.addingProduct(-step, T(steps - 1 - i)) }
        }
        if dtype != dtype.compute {
            // float16, bfloat16: the float32 kernel's values, rounded; narrow integers: int64's.
            return try linspace(start, end, steps: steps, dtype: dtype.compute).to(dtype, recording: false)
                .requiringGrad(requiresGrad)
        }
        let t = try Tensor.empty([steps], dtype)
        switch dtype {
        case .float32: fillRange(t, Float.self, values(Float(start), Float(end)))
        case .float64: fillRange(t, Double.self, values(start, end))
        case .int64:
            guard let s = start.truncatedInt64, let e = end.truncatedInt64 else {
                throw SwiftGradError.invalidArgument("linspace: start and end must be representable as int64")
            }
            let value = values(Double(s), Double(e))
            fillRange(t, Int64.self) { value($0).truncatedInt64 ?? .min }
        default:
            throw SwiftGradError.dtype("\"linspace_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        if requiresGrad { try t.setRequiresGrad(true) }
        return t
    }

    /// `steps` values base ** x for x evenly spaced from `start` to `end` inclusive
    /// (`torch.logspace`), computed as PyTorch's CPU kernel computes them: start and end in the
    /// element type (float32 or float64; integers in double, truncated), the step in double,
    /// x = start + step * i for the first half and end - step * (steps - 1 - i) for the second,
    /// pow in double.
    public static func logspace(_ start: Double, _ end: Double, steps: Int, base: Double = 10,
                                dtype: DType = .float32, requiresGrad: Bool = false) throws -> Tensor {
        guard steps >= 0 else { throw SwiftGradError.invalidArgument("number of steps must be non-negative") }
        guard start.isFinite, end.isFinite else { throw SwiftGradError.invalidArgument("logspace: start and end must be finite") }
        guard dtype != .bool else { throw SwiftGradError.dtype("\"logspace_cpu\" not implemented for 'Bool'") }
        let (s, e): (Double, Double)
        switch dtype {
        case .float32: (s, e) = (Double(Float(start)), Double(Float(end)))
        case .float64: (s, e) = (start, end)
        default:
            if dtype.isFloatingPoint {
                return try logspace(start, end, steps: steps, base: base, dtype: .float32).to(dtype, recording: false)
                    .requiringGrad(requiresGrad)
            }
            (s, e) = (Double(start.truncatedInt64 ?? 0), Double(end.truncatedInt64 ?? 0))
        }
        let step = steps > 1 ? (e - s) / Double(steps - 1) : 0
        let half = steps / 2
        let t = try Tensor.empty([steps], .float64)
        fillRange(t, Double.self) { i in
            steps == 1 ? Double.pow(base, s)
                : Double.pow(base, i < half ? s.addingProduct(step, Double(i)) : e.addingProduct(-step, Double(steps - 1 - i)))
        }
        return try t.to(dtype, recording: false).requiringGrad(requiresGrad)
    }

    private static func fillRange<T: TensorElement>(_ t: Tensor, _: T.Type, _ value: (Int) -> T) {
        let p = t.pointer(T.self)
        for i in 0..<t.count { p[i] = value(i) }
    }

    /// A number as an operand, the way PyTorch wraps a Python number (a "wrapped number"): a
    /// 0-d float64, int64 or bool tensor that takes part in type promotion by its category only.
    /// An int64 tensor plus `scalar(2)` stays int64, a float32 tensor times `scalar(2.5)` stays
    /// float32, an int64 tensor times `scalar(2.5)` is float32 (the default floating dtype).
    public static func scalar(_ value: Double) throws -> Tensor { try wrappedNumber(value) }

    /// An integer operand (PyTorch's wrapped Python int); see `scalar(_: Double)`.
    public static func scalar(_ value: Int64) throws -> Tensor { try wrappedNumber(value) }

    /// A bool operand (PyTorch's wrapped Python bool); see `scalar(_: Double)`.
    public static func scalar(_ value: Bool) throws -> Tensor { try wrappedNumber(value) }

    private static func wrappedNumber<T: TensorElement>(_ value: T) throws -> Tensor {
        let storage = try Storage.allocate(count: 1, dtype: T.dtype)
        storage.pointer(T.self)[0] = value
        return Tensor(storage: storage, shape: [], strides: [], wrappedNumber: true)
    }

    /// A 0-d tensor of `dtype` holding `value` converted to it (a computed result, not checked
    /// for overflow).
    static func scalarTensor(_ value: Double, _ dtype: DType) throws -> Tensor {
        switch dtype {
        case .float32: return try Tensor(scalar: Float(value))
        case .float64: return try Tensor(scalar: value)
        default: return try Tensor(scalar: value).to(dtype, recording: false)
        }
    }

    /// A new tensor of zeros with this tensor's shape and dtype.
    public func zerosLike() throws -> Tensor { try Tensor.zeros(shape, dtype: dtype) }

    /// A new tensor of ones with this tensor's shape and dtype.
    public func onesLike() throws -> Tensor { try Tensor.ones(shape, dtype: dtype) }
}
