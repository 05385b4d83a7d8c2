#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options for printing tensors, PyTorch's `torch.set_printoptions`.
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the decimal point for floating values.
    public var precision = 4
    /// Tensors with more elements than this are summarised with `...`.
    public var threshold = 1000
    /// Items shown at each end of a summarised dimension.
    public var edgeItems = 3
    /// Characters per line before wrapping.
    public var lineWidth = 80
    /// Force scientific notation on (true) or off (false); nil lets the values decide.
    public var sciMode: Bool?

    public init() {}

    private static let shared = Locked(PrintOptions())

    /// The options `description` uses, for every thread.
    public static var current: PrintOptions {
        get { shared.withLock { $0 } }
        set { shared.withLock { $0 = newValue } }
    }
}

extension Tensor: CustomStringConvertible {
    /// The tensor exactly as PyTorch's `repr` prints it:
    /// `tensor([0., 1., 2., 3.], requires_grad=True)`, `tensor(28., grad_fn=<MulBackward0>)`.
    public var description: String { repr(options: .current) }

    /// The repr with explicit options.
    public func repr(options: PrintOptions) -> String {
        let prefix = "tensor("
        let indent = prefix.utf8.count
        var suffixes: [String] = []
        let body: String
        if count == 0 {
            // Like NumPy, show the shape unless it is (0,), and the dtype unless it is the
            // default float: there are no elements to infer it from.
            if ndim != 1 { suffixes.append("size=" + pythonTuple(shape)) }
            if dtype != .float32 { suffixes.append("dtype=\(dtype)") }
            body = "[]"
        } else {
            // As PyTorch: the dtype shows unless it is what the elements imply by default
            // (float32 for floats, int64 for integers, bool).
            if ![.float32, .int64, .bool].contains(dtype) { suffixes.append("dtype=\(dtype)") }
            body = formattedElements(indent: indent, options: options)
        }
        if let gradFn {
            suffixes.append("grad_fn=<\(gradFn.name)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return Tensor.appendSuffixes(prefix + body, suffixes, indent: indent, lineWidth: options.lineWidth)
    }

    /// The nested-bracket body: `[[1., 2.],\n        [3., 4.]]`.
    private func formattedElements(indent: Int, options: PrintOptions) -> String {
        let summarize = count > options.threshold
        let edge = options.edgeItems
        // Indices printed along a dimension of `size`: all, or both ends around a gap (nil).
        func visible(_ size: Int) -> [Int?] {
            guard summarize && size > 2 * edge else { return (0..<size).map { $0 } }
            return (0..<edge).map { $0 } + [nil] + (size - edge..<size).map { $0 }
        }
        // The formatter sees exactly the printed elements (PyTorch's get_summarized_data).
        var shown: [Int] = []
        func collect(_ d: Int, _ offset: Int) {
            if d == ndim { shown.append(offset); return }
            for case let i? in visible(shape[d]) { collect(d + 1, offset + i * strides[d]) }
        }
        collect(0, storageOffset)
        let formatter = ElementFormatter(self, offsets: shown, options: options)

        func render(_ d: Int, _ offset: Int, _ indent: Int) -> String {
            if d == ndim { return formatter.format(self, offset) }
            let pieces = visible(shape[d]).map { i -> String in
                guard let i else { return d == ndim - 1 ? " ..." : "..." }
                return render(d + 1, offset + i * strides[d], indent + 1)
            }
            if d == ndim - 1 {
                let perLine = Swift.max(1, (options.lineWidth - indent) / (formatter.width + 2))
                let lines = stride(from: 0, to: pieces.count, by: perLine).map {
                    pieces[$0..<Swift.min($0 + perLine, pieces.count)].joined(separator: ", ")
                }
                return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
            }
            let separator = "," + String(repeating: "\n", count: ndim - d - 1) + String(repeating: " ", count: indent + 1)
            return "[" + pieces.joined(separator: separator) + "]"
        }
        return render(0, storageOffset, indent)
    }

    /// PyTorch's `_add_suffixes`: `, grad_fn=<...>` on the last line, or on a new line when it
    /// would pass the line width.
    private static func appendSuffixes(_ body: String, _ suffixes: [String], indent: Int, lineWidth: Int) -> String {
        var result = body
        let bytes = Array(body.utf8)
        let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1
        var lastLineLength = bytes.count - lastNewline + 1
        for suffix in suffixes {
            let length = suffix.utf8.count
            if lastLineLength + length + 2 > lineWidth {
                result += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + length
            } else {
                result += ", " + suffix
                lastLineLength += length + 2
            }
        }
        return result + ")"
    }

    private func pythonTuple(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }
}

/// PyTorch's `_Formatter`: picks integer, fixed or scientific notation from the values shown,
/// and one width so that columns line up.
private struct ElementFormatter {
    let floating: Bool
    var intMode = true
    var sciMode = false
    var width = 1
    let precision: Int

    init(_ t: Tensor, offsets: [Int], options: PrintOptions) {
        floating = t.dtype.isFloatingPoint
        precision = options.precision
        guard floating else {
            for offset in offsets { width = Swift.max(width, Self.plain(t, offset).utf8.count) }
            return
        }
        let values = offsets.map { t.doubleValue(atOffset: $0) }.filter { $0.isFinite && $0 != 0 }
        guard !values.isEmpty else { return }
        let magnitudes = values.map(\.magnitude)
        let smallest = magnitudes.min()!, largest = magnitudes.max()!
        intMode = values.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if largest / smallest > 1000 || largest > 1e8 {
                sciMode = true
                for v in values { width = Swift.max(width, pythonFormat(v, "e", precision).utf8.count) }
            } else {
                for v in values { width = Swift.max(width, pythonFormat(v, "f", 0).utf8.count + 1) }
            }
        } else if largest / smallest > 1000 || largest > 1e8 || smallest < 1e-4 {
            sciMode = true
            for v in values { width = Swift.max(width, pythonFormat(v, "e", precision).utf8.count) }
        } else {
            for v in values { width = Swift.max(width, pythonFormat(v, "f", precision).utf8.count) }
        }
        if let forced = options.sciMode { sciMode = forced }
    }

    func format(_ t: Tensor, _ offset: Int) -> String {
        let text: String
        if floating {
            let v = t.doubleValue(atOffset: offset)
            if sciMode {
                text = pythonFormat(v, "e", precision)
            } else if intMode {
                text = pythonFormat(v, "f", 0) + (v.isFinite ? "." : "")
            } else {
                text = pythonFormat(v, "f", precision)
            }
        } else {
            text = Self.plain(t, offset)
        }
        let pad = width - text.utf8.count
        return pad > 0 ? String(repeating: " ", count: pad) + text : text
    }

    /// Python's `"{}".format(value)` for int64 and bool elements.
    private static func plain(_ t: Tensor, _ offset: Int) -> String {
        t.dtype == .bool ? (t.doubleValue(atOffset: offset) != 0 ? "True" : "False") : String(t.int64Value(atOffset: offset))
    }
}

/// Python's `"{:.Nf}".format(v)` / `"{:.Ne}".format(v)`: C's printf rounding (exact, ties to
/// even on the binary value, like Python's), except that NaN prints as `nan` whatever its sign.
func pythonFormat(_ value: Double, _ conversion: Character, _ precision: Int) -> String {
    if value.isNaN { return "nan" }
    let format = "%.\(precision)\(conversion)"
    var capacity = 64
    while true {
        var buffer = [CChar](repeating: 0, count: capacity)
        let written = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, format, args) }
        }
        if written < capacity {
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        capacity = Int(written) + 1
    }
}

/// Python's `repr(float)` for messages: the shortest string that round-trips.
func formatPython(_ value: Double) -> String { value.description }
