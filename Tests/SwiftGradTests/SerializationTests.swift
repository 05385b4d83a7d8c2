import Testing
@testable import SwiftGrad

/// safetensors and its JSON header in the core; the C tests check the file-level behaviour
/// (exact bytes against the safetensors package's output, truncations, corruptions, I/O errors).
@Suite struct SerializationTests {
    @Test func roundTripKeepsValuesDtypesAndMetadata() throws {
        let dict = TensorDictionary()
        try dict.set("w", Tensor([1.5, -2, 3] as [Float], shape: [3, 1]))
        try dict.set("ids", Tensor([7, 8] as [Int64], shape: [2]))
        try dict.set("flag", Tensor([true] as [Bool], shape: []))
        dict.setMetadata("format", "pt")
        let bytes = try Safetensors.serialize(dict)
        let back = try bytes.withUnsafeBytes { try Safetensors.deserialize($0) }
        #expect(back.names == ["ids", "w", "flag"])  // I64 before F32 before BOOL
        #expect(try back["w"]!.scalars(as: Float.self) == [1.5, -2, 3])
        #expect(back["w"]!.shape == [3, 1])
        #expect(try back["ids"]!.scalars(as: Int64.self) == [7, 8])
        #expect(back["flag"]!.shape == [] && back["flag"]!.dtype == .bool)
        #expect(back.metadata("format") == "pt")
        #expect(Int(bytes[0]) % 8 == 0 && bytes[1...7].allSatisfy { $0 == 0 })  // header padded to 8 bytes
    }

    @Test func jsonParsesEscapesAndRefusesMalformedText() throws {
        func parse(_ text: String) throws -> JSON {
            try Array(text.utf8).withUnsafeBytes { try JSON.parse($0) }
        }
        #expect(try parse(#"{"a\n\u00e9\ud83d\ude00":[1,-2.5e3,true,null]}"#)
                == .object([("a\né😀", .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))]))
        for bad in [#"{"a":}"#, #"{"a":1,}"#, "[01]", #"{"a":"\x"}"#, "\"\u{01}\"", "[1] 2", #""\ud800""#, "{"] {
            #expect(throws: JSON.ParseError.self) { try parse(bad) }
        }
        #expect(JSON.string("q\"\\\n\u{1}é").serialized == #""q\"\\\n\u0001é""#)
    }

    @Test func wrappedMemoryIsReleasedOnceAfterTheLastView() throws {
        let memory = UnsafeMutablePointer<Double>.allocate(capacity: 4)
        memory.initialize(from: [1, 2, 3, 4], count: 4)
        var releases = 0
        do {
            let t = try Tensor.wrapping(memory, shape: [2, 2], strides: nil, dtype: .float64) { releases += 1 }
            let column = try t.transpose(0, 1).select(dim: 0, index: 1)
            _ = try t.mul_(10)
            #expect(memory[3] == 40)
            #expect(try column.scalars(as: Double.self) == [20, 40])  // the second column
        }
        #expect(releases == 1)
        #expect(throws: SwiftGradError.self) {
            _ = try Tensor.wrapping(memory, shape: [2], strides: [-1], dtype: .float64) { releases += 1 }
        }
        #expect(releases == 2)  // released on failure too
        memory.deallocate()
    }
}
