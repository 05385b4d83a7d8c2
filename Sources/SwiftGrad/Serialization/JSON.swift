/// The small part of JSON that file headers need (safetensors): a strict parser into values that
/// keep object key order, and a compact writer whose escaping matches serde_json's (the
/// safetensors library's), so headers written here are byte-identical to the library's.
enum JSON: Equatable {
    case object([(key: String, value: JSON)])
    case array([JSON])
    case string(String)
    /// The number's text, as written (callers convert what they expect).
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): x == y
        case let (.string(x), .string(y)), let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// A parse failure: what was wrong and at which byte.
    struct ParseError: Error {
        let message: String
        let offset: Int
    }

    /// Parses one JSON value filling all of `bytes` (whitespace around it allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> JSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// Compact JSON text (no spaces), strings escaped as serde_json does.
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                JSON.string(member.key).write(to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        case .array(let values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .string(let s):
            out += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case let c where c.value < 0x20:
                    let hex = Array("0123456789abcdef")
                    out += "\\u00" + String(hex[Int(c.value >> 4)]) + String(hex[Int(c.value & 15)])
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        case .number(let text): out += text
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        /// Nesting deeper than this is refused rather than recursed into.
        static let maxDepth = 64

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: position) }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: StaticString) throws(ParseError) {
            let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard position + text.count <= bytes.count,
                  (0..<text.count).allSatisfy({ bytes[position + $0] == text[$0] }) else {
                throw error("invalid literal")
            }
            position += text.count
        }

        mutating func value(depth: Int) throws(ParseError) -> JSON {
            guard depth < Parser.maxDepth else { throw error("nested too deeply") }
            guard let c = peek else { throw error("unexpected end of data") }
            switch c {
            case UInt8(ascii: "{"):
                position += 1
                var members: [(key: String, value: JSON)] = []
                skipWhitespace()
                if peek == UInt8(ascii: "}") { position += 1; return .object(members) }
                while true {
                    skipWhitespace()
                    guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
                    position += 1
                    skipWhitespace()
                    members.append((key, try value(depth: depth + 1)))
                    skipWhitespace()
                    guard let next = peek else { throw error("unexpected end of data") }
                    position += 1
                    if next == UInt8(ascii: "}") { return .object(members) }
                    guard next == UInt8(ascii: ",") else { position -= 1; throw error("expected ',' or '}'") }
                }
            case UInt8(ascii: "["):
                position += 1
                var values: [JSON] = []
                skipWhitespace()
                if peek == UInt8(ascii: "]") { position += 1; return .array(values) }
                while true {
                    skipWhitespace()
                    values.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard let next = peek else { throw error("unexpected end of data") }
                    position += 1
                    if next == UInt8(ascii: "]") { return .array(values) }
                    guard next == UInt8(ascii: ",") else { position -= 1; throw error("expected ',' or ']'") }
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character")
            }
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(ParseError) -> String {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                let from = p.position
                while let c = p.peek, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { p.position += 1 }
                return p.position - from
            }
            if peek == UInt8(ascii: "-") { position += 1 }
            if peek == UInt8(ascii: "0") {
                position += 1
            } else if digits(&self) == 0 {
                throw error("invalid number")
            }
            if peek == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw error("unexpected end of data") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | UInt32(d)
                position += 1
            }
            return v
        }

        /// A string literal (at its opening quote), validating UTF-8 and escapes.
        mutating func string() throws(ParseError) -> String {
            position += 1
            var scalars = String.UnicodeScalarView()
            var run = position  // start of the current unescaped run
            func flush(_ p: Parser, _ upTo: Int, into s: inout String.UnicodeScalarView) throws(ParseError) {
                guard upTo > run else { return }
                let slice = UnsafeRawBufferPointer(rebasing: p.bytes[run..<upTo])
                guard let text = String(validating: slice, as: UTF8.self) else { throw p.error("invalid UTF-8 in a string") }
                s.append(contentsOf: text.unicodeScalars)
            }
            while true {
                guard let c = peek else { throw error("unterminated string") }
                if c == UInt8(ascii: "\"") {
                    try flush(self, position, into: &scalars)
                    position += 1
                    return String(scalars)
                }
                if c < 0x20 { throw error("control character in a string") }
                if c != UInt8(ascii: "\\") { position += 1; continue }
                try flush(self, position, into: &scalars)
                position += 1
                guard let e = peek else { throw error("unterminated string") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        guard peek == UInt8(ascii: "\\") else { throw error("unpaired surrogate") }
                        position += 1
                        guard peek == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
                        position += 1
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("unpaired surrogate") }
                    scalars.append(scalar)
                default: throw error("invalid escape")
                }
                run = position
            }
        }
    }
}
