import Foundation
import Testing
@testable import SwiftGrad

/// The rnn-attention family's core op, scaled_dot_product_attention: its fused backward against
/// float64 finite differences (and float32 against float64) over masks, causal masking,
/// broadcasting batches, grouped-query heads and scales; second derivatives through the
/// create_graph path; values by hand and, on sizes that split across cores, against the same
/// function composed of matmul and softmax.
@Suite struct RnnAttentionTests {
    @Test func gradients() throws {
        try checkGradients([[2, 3, 4], [2, 5, 4], [2, 5, 6]]) {
            try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2])
        }
        try checkGradients([[2, 4, 3], [2, 4, 3], [2, 4, 2]]) {
            try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], isCausal: true)
        }
        // A query with fewer leading dimensions than key and value (broadcast), an explicit scale.
        try checkGradients([[3, 4], [2, 5, 4], [1, 5, 2]]) {
            try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], scale: 0.7)
        }
        // Grouped-query attention: 4 query heads over 2 key and 1 value heads.
        try checkGradients([[1, 4, 3, 2], [1, 2, 3, 2], [1, 1, 3, 2]]) {
            try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], enableGQA: true)
        }
        // A float mask that broadcasts over the batch gets its gradient summed back.
        try checkGradients([[2, 3, 4], [2, 5, 4], [2, 5, 2], [3, 5]]) {
            try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], attnMask: $0[3])
        }
        // A bool mask with one row fully masked: that row's output and gradients are zero.
        try checkGradients([[2, 3, 4], [2, 3, 4], [2, 3, 2]]) {
            let mask = try Tensor([true, false, true, false, false, false, true, true, true] as [Bool]).reshape([3, 3])
            return try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], attnMask: mask)
        }
    }

    @Test func secondDerivatives() throws {
        let xs = try makeInputs([[2, 3, 2], [2, 4, 2], [2, 4, 3], [3, 4]], dtype: .float64, positive: false, seed: 5)
        try Autograd.gradgradcheck({ [try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2])] }, Array(xs[..<3]))
        try Autograd.gradgradcheck({ [try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], attnMask: $0[3])] }, xs)
        try Autograd.gradgradcheck({ [try $0[0].scaledDotProductAttention(key: $0[1], value: $0[2], isCausal: true)] },
                                   Array(xs[..<3]))
    }

    @Test func valuesByHand() throws {
        // q = [1, 0], keys [1, 0] and [0, 1], scale 1: weights [e, 1] / (e + 1) over [1, 2], [3, 4].
        let q = try Tensor([1, 0] as [Double]).reshape([1, 2])
        let k = try Tensor([1, 0, 0, 1] as [Double]).reshape([2, 2])
        let v = try Tensor([1, 2, 3, 4] as [Double]).reshape([2, 2])
        let p0 = M_E / (M_E + 1), p1 = 1 / (M_E + 1)
        expectClose(try q.scaledDotProductAttention(key: k, value: v, scale: 1).scalars(as: Double.self),
                    [p0 + 3 * p1, 2 * p0 + 4 * p1], tolerance: 1e-14)
        // Every position masked: zeros, not NaN (torch 2.15's CPU paths).
        let none = try Tensor([false, false] as [Bool]).reshape([1, 2])
        expectClose(try q.scaledDotProductAttention(key: k, value: v, attnMask: none).scalars(as: Double.self),
                    [0, 0], tolerance: 0)
        // No key positions at all: zeros of the value's width.
        let out = try q.scaledDotProductAttention(key: Tensor.zeros([0, 2], dtype: .float64),
                                                  value: Tensor.zeros([0, 3], dtype: .float64))
        #expect(out.shape == [1, 3])
        expectClose(try out.scalars(as: Double.self), [0, 0, 0], tolerance: 0)
    }

    @Test func splitAcrossCoresAgreesWithComposition() throws {
        // 8 entries of 32 x 32 scores with E = Ev = 16: enough work to split over the cores.
        for dtype in [DType.float64, .float32] {
            let xs = try makeInputs([[2, 4, 32, 16], [2, 4, 32, 16], [2, 4, 32, 16], [32, 32]], dtype: dtype,
                                    positive: false, seed: 9)
            let fused = try xs[0].scaledDotProductAttention(key: xs[1], value: xs[2], attnMask: xs[3])
            let scores = try xs[0].matmul(xs[1].transpose(-2, -1)).mul(0.25).add(xs[3])
            let composed = try scores.softmax(dim: -1).matmul(xs[2])
            let tolerance = dtype == .float64 ? 1e-12 : 1e-5
            expectClose(try fused.to(.float64).scalars(as: Double.self),
                        try composed.to(.float64).scalars(as: Double.self), tolerance: tolerance)
            let w = try Tensor.randn(fused.shape, dtype: dtype, generator: Generator(seed: 3))
            let a = try Autograd.grad([fused.mul(w).sum()], xs)
            let b = try Autograd.grad([composed.mul(w).sum()], xs)
            for (x, y) in zip(a, b) {
                expectClose(try x!.to(.float64).scalars(as: Double.self), try y!.to(.float64).scalars(as: Double.self),
                            tolerance: dtype == .float64 ? 1e-11 : 1e-4)
            }
        }
    }

    @Test func errors() throws {
        let q = try Tensor.zeros([2, 3, 4], dtype: .float64)
        #expect(throws: SwiftGradError.dtype("Expected query, key, and value to have the same dtype, but got query.dtype: double key.dtype: float and value.dtype: double instead.")) {
            try q.scaledDotProductAttention(key: Tensor.zeros([2, 3, 4]), value: q)
        }
        #expect(throws: SwiftGradError.invalidArgument("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")) {
            try q.scaledDotProductAttention(key: q, value: q, attnMask: Tensor.ones([3, 3], dtype: .bool), isCausal: true)
        }
        #expect(throws: SwiftGradError.invalidArgument("Number of heads in key and value must divide the number of heads in query")) {
            try Tensor.zeros([1, 3, 2, 2]).scaledDotProductAttention(key: Tensor.zeros([1, 2, 2, 2]),
                                                                      value: Tensor.zeros([1, 2, 2, 2]), enableGQA: true)
        }
        #expect(throws: SwiftGradError.shape("output with shape [2, 3, 3] doesn't match the broadcast shape [7, 2, 3, 3]")) {
            try q.scaledDotProductAttention(key: q, value: q, attnMask: Tensor.ones([7, 2, 3, 3], dtype: .bool))
        }
        #expect(throws: SwiftGradError.dtype("Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: long int and  query.dtype: double instead.")) {
            try q.scaledDotProductAttention(key: q, value: q, attnMask: Tensor.ones([3, 3], dtype: .int64))
        }
    }

    /// The fused LSTM cell: h' and c' against the formula in separate ops, gradients of both
    /// outputs against finite differences (gates, cell state; leading batch dimensions),
    /// second derivatives, and the shape and dtype checks.
    @Test func fusedLstmCell() throws {
        let xs = try makeInputs([[3, 8], [3, 2]], dtype: .float64, positive: false, seed: 9)
        let fused = try xs[0].lstmCellFused(cell: xs[1])
        let parts = try xs[0].chunk(4, dim: -1)
        let c = try parts[1].sigmoid().mul(xs[1]).add(parts[0].sigmoid().mul(parts[2].tanh()))
        let h = try parts[3].sigmoid().mul(c.tanh())
        expectClose(try fused.values.scalars(as: Double.self), try h.scalars(as: Double.self), tolerance: 1e-15)
        expectClose(try fused.indices.scalars(as: Double.self), try c.scalars(as: Double.self), tolerance: 1e-15)
        #expect(try xs[0].detach().lstmCellFused(cell: xs[1].detach()).values.gradFn == nil)
        try checkGradients([[3, 8], [3, 2]]) { t in
            let r = try t[0].lstmCellFused(cell: t[1])
            return try r.values.mul(1.5).add(r.indices.mul(-0.7))
        }
        try checkGradients([[2, 1, 12], [2, 1, 3]]) { t in try t[0].lstmCellFused(cell: t[1]).values }
        try checkGradients([[2, 12], [2, 3]]) { t in try t[0].lstmCellFused(cell: t[1]).indices }
        try Autograd.gradgradcheck({ t in let r = try t[0].lstmCellFused(cell: t[1]); return [r.values, r.indices] }, xs)
        let g = try xs[0].detach()
        try g.setRequiresGrad(true)
        #expect(try g.lstmCellFused(cell: xs[1]).values.gradFn?.name == "FusedLstmCellBackward0")
        // float32 runs eight hidden units at a time (H = 11: one vector and a tail of 3).
        let g64 = try Tensor.randn([3, 44], dtype: .float64).mul(2), c64 = try Tensor.randn([3, 11], dtype: .float64)
        let r32 = try g64.to(.float32).lstmCellFused(cell: c64.to(.float32)), r64 = try g64.lstmCellFused(cell: c64)
        expectClose(try r32.values.to(.float64).scalars(as: Double.self), try r64.values.scalars(as: Double.self), tolerance: 1e-6)
        expectClose(try r32.indices.to(.float64).scalars(as: Double.self), try r64.indices.scalars(as: Double.self), tolerance: 1e-6)
        #expect(throws: SwiftGradError.self) { try Tensor.zeros([3, 7]).lstmCellFused(cell: Tensor.zeros([3, 2])) }
        #expect(throws: SwiftGradError.self) { try Tensor.zeros([3, 8]).lstmCellFused(cell: Tensor.zeros([3, 2], dtype: .float64)) }
    }
}
