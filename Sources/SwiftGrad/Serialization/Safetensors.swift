#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
/// data. Files written here are byte-identical to the safetensors library's for the same
/// tensors and metadata: tensors laid out by decreasing dtype rank (I64, F64, F32, BOOL, as the
/// library orders its dtype enum) then name, `__metadata__` first, the header padded with spaces
/// to a multiple of 8 bytes.
///
/// Reading checks everything the library checks (header size and start, JSON, dtypes, shapes,
/// offsets contiguous from 0 and consistent with shapes, the data exactly filling the file) and
/// fails with `.format` naming the problem; it never reads outside the buffer.
public enum Safetensors {
    private static let saveCounter = Atomic<Int>(0)
    /// The library refuses headers above 100 MB; so does this reader.
    static let maxHeaderSize = 100_000_000

    private static func name(of dtype: DType) -> String {
        switch dtype {
        case .float32: "F32"
        case .float64: "F64"
        case .int64: "I64"
        case .bool: "BOOL"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int8: "I8"
        case .uint8: "U8"
        case .int16: "I16"
        case .int32: "I32"
        }
    }

    private static func dtype(named name: String) -> DType? {
        switch name {
        case "F32": .float32
        case "F64": .float64
        case "I64": .int64
        case "BOOL": .bool
        case "F16": .float16
        case "BF16": .bfloat16
        case "I8": .int8
        case "U8": .uint8
        case "I16": .int16
        case "I32": .int32
        default: nil
        }
    }

    /// The position of each dtype in the safetensors library's Dtype enum (BOOL < U8 < I8 <
    /// I16 < F16 < BF16 < I32 < F32 < F64 < I64), which orders the data.
    private static func rank(of dtype: DType) -> Int {
        switch dtype {
        case .bool: 0
        case .uint8: 1
        case .int8: 2
        case .int16: 3
        case .float16: 4
        case .bfloat16: 5
        case .int32: 6
        case .float32: 7
        case .float64: 8
        case .int64: 9
        }
    }

    // MARK: writing

    /// The header and the tensors in file order, for `write`.
    private static func layout(_ dict: TensorDictionary) throws -> (header: [UInt8], order: [Tensor]) {
        let entries = try (0..<dict.count).map { try dict.entry(at: $0) }
        let sorted = entries.sorted { a, b in
            let ra = rank(of: a.tensor.dtype), rb = rank(of: b.tensor.dtype)
            return ra != rb ? ra > rb : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        var members: [(key: String, value: JSON)] = []
        if !dict.metadata.isEmpty {
            members.append(("__metadata__", .object(dict.metadata.map { ($0.key, JSON.string($0.value)) })))
        }
        var offset = 0
        for (name, tensor) in sorted {
            let bytes = tensor.count * tensor.dtype.itemSize
            members.append((name, .object([
                ("dtype", .string(Self.name(of: tensor.dtype))),
                ("shape", .array(tensor.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + bytes))])),
            ])))
            offset += bytes
        }
        var header = Array(JSON.object(members).serialized.utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var size = UInt64(header.count).littleEndian
        let prefix = withUnsafeBytes(of: &size) { Array($0) }
        return (prefix + header, sorted.map(\.tensor))
    }

    /// Writes the file's bytes through `sink`, in order.
    private static func write(_ dict: TensorDictionary, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let (header, order) = try layout(dict)
        try header.withUnsafeBytes { try sink($0) }
        // Raw little-endian element bytes; Swift's Bool is one byte 0 or 1, as safetensors' BOOL.
        for tensor in order { try tensor.withContiguousBytes { try sink($0) } }
    }

    /// The whole file in memory (safetensors' `save`).
    public static func serialize(_ dict: TensorDictionary) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try write(dict) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Writes `dict` to `path` (replacing it), through a temporary file renamed into place, so
    /// that a failed save never leaves a truncated file behind.
    /// - Throws: `.io` with the system's reason when the file cannot be written.
    public static func save(_ dict: TensorDictionary, to path: String) throws {
        // Unique per process and call, so that concurrent saves to one path do not share it.
        let temporary = path + ".tmp-\(getpid())-\(saveCounter.add(1, ordering: .relaxed).oldValue)"
        guard let file = fopen(temporary, "wb") else { throw ioError("cannot write", path) }
        do {
            try write(dict) { chunk in
                guard chunk.count == 0 || fwrite(chunk.baseAddress, 1, chunk.count, file) == chunk.count else {
                    throw ioError("cannot write", path)
                }
            }
            guard fflush(file) == 0 else { throw ioError("cannot write", path) }
        } catch {
            fclose(file)
            unlink(temporary)
            throw error
        }
        guard fclose(file) == 0 else {
            unlink(temporary)
            throw ioError("cannot write", path)
        }
        guard rename(temporary, path) == 0 else {
            let error = ioError("cannot write", path)
            unlink(temporary)
            throw error
        }
    }

    private static func ioError(_ what: String, _ path: String) -> SwiftGradError {
        .io("\(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    // MARK: reading

    /// Reads a safetensors file. Each tensor's data is read straight into its own memory, so
    /// loading needs the tensors' size once, not twice (a pipe or other non-regular file is read
    /// whole first).
    /// - Throws: `.io` when it cannot be read, `.format` when it is not valid safetensors.
    public static func load(from path: String) throws -> TensorDictionary {
        guard let file = fopen(path, "rb") else { throw ioError("cannot open", path) }
        defer { fclose(file) }
        /// Fills `buffer` from the file's position; returns the bytes read, fewer only at its end.
        func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            let n = fread(base, 1, buffer.count, file)
            if n < buffer.count && ferror(file) != 0 { throw ioError("cannot read", path) }
            return n
        }
        var status = stat()
        guard fstat(fileno(file), &status) == 0 else { throw ioError("cannot read", path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try read($0) }
                bytes.append(contentsOf: chunk[0..<n])
                if n < chunk.count { break }
            }
            return try bytes.withUnsafeBytes { try deserialize($0, source: "'\(path)'") }
        }
        let layout = try Layout(totalSize: Int(status.st_size), source: "'\(path)'") { count in
            var bytes = [UInt8](repeating: 0, count: count)
            let n = try bytes.withUnsafeMutableBytes { try read($0) }
            bytes.removeLast(count - n)  // short only if the file shrank since fstat
            return bytes
        }
        let dict = layout.dictionary()
        for entry in layout.entries {  // in file order, contiguous
            let bytes = entry.end - entry.begin
            let tensor: Tensor
            if entry.dtype == .bool {
                // Swift's Bool must be 0 or 1: the bytes are read aside and `fromBytes` normalises them.
                var raw = [UInt8](repeating: 0, count: bytes)
                guard try raw.withUnsafeMutableBytes({ try read($0) }) == bytes else { throw layout.truncated(in: entry) }
                tensor = try raw.withUnsafeBytes { try Tensor.fromBytes($0, shape: entry.shape, dtype: .bool) }
            } else {
                tensor = try Tensor.empty(entry.shape, entry.dtype)
                guard try read(UnsafeMutableRawBufferPointer(start: tensor.elements, count: bytes)) == bytes else {
                    throw layout.truncated(in: entry)
                }
            }
            try dict.set(entry.name, tensor)
        }
        return dict
    }

    /// Parses safetensors bytes (safetensors' `load`); `source` names them in errors.
    /// - Throws: `.format` describing the first problem found.
    public static func deserialize(_ bytes: UnsafeRawBufferPointer, source: String = "the data") throws -> TensorDictionary {
        var position = 0
        let layout = try Layout(totalSize: bytes.count, source: source) { count in
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }
        let dict = layout.dictionary()
        for entry in layout.entries {
            let data = UnsafeRawBufferPointer(rebasing: bytes[(layout.headerEnd + entry.begin)..<(layout.headerEnd + entry.end)])
            try dict.set(entry.name, try Tensor.fromBytes(data, shape: entry.shape, dtype: entry.dtype))
        }
        return dict
    }

    /// What a safetensors header says, checked against the size of the whole file: the tensors
    /// with their byte ranges in the data (sorted, contiguous from 0, filling it exactly) and the
    /// metadata.
    private struct Layout {
        struct Entry { let name: String; let dtype: DType; let shape: [Int]; let begin: Int; let end: Int }
        let source: String
        private(set) var entries: [Entry] = []
        private(set) var metadata: [(key: String, value: String)] = []
        /// Where the data starts: after the 8-byte size and the header.
        private(set) var headerEnd = 0

        func invalid(_ message: String) -> SwiftGradError { .format("\(source) is not a valid safetensors file: \(message)") }

        /// The file ended before `entry`'s data did (it shrank while being read).
        func truncated(in entry: Entry) -> SwiftGradError {
            invalid("the file ended inside the data of '\(entry.name)' (truncated?)")
        }

        /// - Parameter next: the next `count` bytes from the start of the file (never past
        ///   `totalSize`).
        init(totalSize: Int, source: String, next: (_ count: Int) throws -> [UInt8]) throws {
            self.source = source
            guard totalSize >= 8 else {
                throw invalid("it has \(totalSize) bytes, fewer than the 8 of the header size (truncated?)")
            }
            let sizeBytes = try next(8)
            guard sizeBytes.count == 8 else { throw invalid("the file ended inside the header size (truncated?)") }
            let size = sizeBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }  // little-endian
            guard size <= UInt64(maxHeaderSize) else { throw invalid("the header size \(size) exceeds the limit of \(maxHeaderSize) bytes") }
            headerEnd = 8 + Int(size)
            guard headerEnd <= totalSize else {
                throw invalid("the header size says \(size) bytes but only \(totalSize - 8) follow (truncated?)")
            }
            let headerBytes = try next(Int(size))
            guard headerBytes.count == Int(size) else { throw invalid("the file ended inside the header (truncated?)") }
            guard headerBytes.first == UInt8(ascii: "{") else { throw invalid("the header does not start with '{'") }
            let header: JSON
            do {
                header = try headerBytes.withUnsafeBytes { try JSON.parse($0) }
            } catch let error as JSON.ParseError {
                throw invalid("the header is not valid JSON (\(error.message) at byte \(8 + error.offset))")
            }
            guard case .object(let members) = header else { throw invalid("the header is not a JSON object") }
            var seen = Set<String>()
            for (name, value) in members {
                guard seen.insert(name).inserted else { throw invalid("'\(name)' appears twice in the header") }
                if name == "__metadata__" {
                    guard case .object(let pairs) = value else { throw invalid("__metadata__ is not an object of strings") }
                    for (key, v) in pairs {
                        guard case .string(let s) = v else { throw invalid("metadata '\(key)' is not a string") }
                        metadata.append((key, s))
                    }
                    continue
                }
                entries.append(try entry(name, value))
            }
            // The data must be covered exactly, in order, without gaps or overlaps.
            entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
            var expected = 0
            for entry in entries {
                guard entry.begin == expected else {
                    throw invalid("the data of '\(entry.name)' starts at \(entry.begin), expected \(expected) (offsets must be contiguous)")
                }
                expected = entry.end
            }
            let dataSize = totalSize - headerEnd
            guard expected == dataSize else {
                throw invalid(expected > dataSize
                    ? "the tensors need \(expected) bytes of data but the file has \(dataSize) (truncated?)"
                    : "the file has \(dataSize - expected) bytes after the last tensor")
            }
        }

        /// One tensor's entry of the header.
        private func entry(_ name: String, _ value: JSON) throws -> Entry {
            guard case .object(let fields) = value else { throw invalid("the entry of '\(name)' is not an object") }
            func field(_ key: String) -> JSON? { fields.first { $0.key == key }?.value }
            guard case .string(let dtypeName)? = field("dtype") else { throw invalid("'\(name)' has no dtype") }
            guard let dtype = Safetensors.dtype(named: dtypeName) else {
                throw invalid("'\(name)' has dtype \(dtypeName), which swiftgrad does not support (F16, BF16, F32, F64, I8, U8, I16, I32, I64 and BOOL)")
            }
            guard case .array(let dims)? = field("shape") else { throw invalid("'\(name)' has no shape") }
            let shape = try dims.map { d -> Int in
                guard case .number(let text) = d, let n = Int(text), n >= 0 else { throw invalid("'\(name)' has an invalid shape") }
                return n
            }
            guard case .array(let offsets)? = field("data_offsets"), offsets.count == 2,
                  case .number(let b) = offsets[0], case .number(let e) = offsets[1],
                  let begin = Int(b), let end = Int(e), begin >= 0, end >= begin else {
                throw invalid("'\(name)' has invalid data_offsets")
            }
            let count: Int
            do { count = try Shape.validate(shape, itemSize: dtype.itemSize) } catch { throw invalid("'\(name)' has an invalid shape") }
            guard end - begin == count * dtype.itemSize else {
                throw invalid("'\(name)' has data_offsets [\(begin), \(end)] but its shape \(Shape.describe(shape)) of \(dtypeName) needs \(count * dtype.itemSize) bytes")
            }
            return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }

        /// An empty dictionary with the header's metadata.
        func dictionary() -> TensorDictionary {
            let dict = TensorDictionary()
            for (key, value) in metadata { dict.setMetadata(key, value) }
            return dict
        }
    }
}
