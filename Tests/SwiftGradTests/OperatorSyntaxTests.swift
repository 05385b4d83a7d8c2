import Testing
import SwiftGrad  // not @testable: the operators are public API

/// The Swift operators: static members of Tensor, scalars of any Swift numeric type, with
/// PyTorch's rules for Python numbers (torch 2.15 prints the dtypes and values below for the
/// same expressions with Python ints and floats).
@Suite struct OperatorSyntaxTests {
    @Test func integerScalarsKeepIntegerTensorsInteger() throws {
        let i = try Tensor([1, 2, 3] as [Int64])
        // torch: i * 2 -> tensor([2, 4, 6]) (int64); i ** 2 -> tensor([1, 4, 9]); 10 - i -> tensor([9, 8, 7])
        #expect(try (i * 2).description == "tensor([2, 4, 6])")
        #expect(try (i ** 2).description == "tensor([1, 4, 9])")
        #expect(try (10 - i).description == "tensor([9, 8, 7])")
        #expect(try (i + Int8(1)).dtype == .int64)
        // torch: i * 2.5 -> tensor([2.5000, 5.0000, 7.5000]) (float32); i / 2 -> tensor([0.5000, 1.0000, 1.5000])
        #expect(try (i * 2.5).description == "tensor([2.5000, 5.0000, 7.5000])")
        #expect(try (i / 2).description == "tensor([0.5000, 1.0000, 1.5000])")
        #expect(try (i .> 1).description == "tensor([False,  True,  True])")
    }

    @Test func anyFloatingScalarKeepsAFloatingTensorsDtype() throws {
        let x = try Tensor([1, 2] as [Double])
        #expect(try (x * Float(2)).dtype == .float64)
        #expect(try (Float(1) / x).description == "tensor([1.0000, 0.5000], dtype=torch.float64)")
        #expect(try (UInt8(3) - x).description == "tensor([2., 1.], dtype=torch.float64)")
        #expect(try (2 ** x).description == "tensor([2., 4.], dtype=torch.float64)")
        #expect(try (-x + x * x).description == "tensor([0., 2.], dtype=torch.float64)")
    }
}
