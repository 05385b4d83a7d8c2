import Testing
@testable import SwiftGrad

/// The embedding bags of Ops/EmbeddingBag.swift: forward values worked out by hand, every
/// backward against float64 central finite differences (and float32 against float64), second
/// orders, and PyTorch's errors.
@Suite struct EmbbagTests {
    private func ints(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor {
        try Tensor(values, shape: shape ?? [values.count])
    }

    /// Rows r of a 5 x 2 table: [r, 10 r] (row 3 is [-3, 30] so that maxima differ by column).
    private func table() throws -> Tensor {
        try Tensor([0, 0, 1, 10, 2, 20, -3, 30, 4, 40] as [Double], shape: [5, 2])
    }

    // MARK: Forward values by hand

    @Test func sumMeanMaxByHand() throws {
        let w = try table()
        let idx = try ints([1, 3, 4, 2, 2])
        let off = try ints([0, 3, 3])      // bags {1, 3, 4}, {}, {2, 2}
        let sum = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 0)
        #expect(sum.shape == [3, 2])
        #expect(try sum.scalars(as: Double.self) == [2, 80, 0, 0, 4, 40])
        let mean = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 1)
        expectClose(try mean.scalars(as: Double.self), [2.0 / 3, 80.0 / 3, 0, 0, 2, 20], tolerance: 1e-15)
        let max = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 2)
        #expect(try max.scalars(as: Double.self) == [4, 40, 0, 0, 2, 20])
        // include_last_offset: the last offset closes the list; the last bag runs to the end.
        let closed = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([0, 3, 4]), mode: 0, includeLastOffset: true)
        #expect(try closed.scalars(as: Double.self) == [2, 80, 4, 40])
        // 2-d input: fixed-length bags.
        let fixed = try Tensor.embeddingBag(w, indices: try ints([1, 2, 3, 4], [2, 2]), offsets: nil, mode: 0)
        #expect(try fixed.scalars(as: Double.self) == [3, 30, 1, 70])
        // int32 indices and offsets.
        let narrow = try Tensor.embeddingBag(w, indices: try idx.to(.int32), offsets: try off.to(.int32), mode: 0)
        #expect(try narrow.scalars(as: Double.self) == [2, 80, 0, 0, 4, 40])
    }

    @Test func paddingAndPerSampleWeightsByHand() throws {
        let w = try table()
        let idx = try ints([1, 3, 4, 3, 3])
        let off = try ints([0, 3])      // bags {1, 3, 4}, {3, 3}
        // Padding 3 (given as -2): left out of the bags and of the mean's count.
        let mean = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 1, paddingIdx: -2)
        #expect(try mean.scalars(as: Double.self) == [2.5, 25, 0, 0])
        let max = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 2, paddingIdx: 3)
        #expect(try max.scalars(as: Double.self) == [4, 40, 0, 0])
        let psw = try Tensor([2, 1, -1, 0.5, 0.5] as [Double])
        let weighted = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 0, perSampleWeights: psw)
        #expect(try weighted.scalars(as: Double.self) == [2 - 3 - 4, 20 + 30 - 40, -3, 30])
    }

    @Test func gradientsByHand() throws {
        let w = try table().requiringGrad()
        let idx = try ints([1, 3, 4, 3, 3, 1])
        let off = try ints([0, 3])
        // Mean, padding 4, scale_grad_by_freq: bag 0 = {1, 3} (count 2), bag 1 = {3, 3, 1}.
        let out = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 1, paddingIdx: 4, scaleGradByFreq: true)
        #expect(out.gradFn?.name == "EmbeddingBagBackward0")
        try out.sum().backward()
        // Row 1: (1/2 + 1/3) / 2 uses; row 3: (1/2 + 2/3) / 3 uses; row 4 (padding): 0.
        let g = try w.grad!.scalars(as: Double.self)
        expectClose(g, [0, 0, 5.0 / 12, 5.0 / 12, 0, 0, 7.0 / 18, 7.0 / 18, 0, 0], tolerance: 1e-15)
        // Max: the gradient goes to the winning row of each column.
        let v = try table().requiringGrad()
        try Tensor.embeddingBag(v, indices: try ints([2, 3]), offsets: try ints([0]), mode: 2).sum().backward()
        #expect(try v.grad!.scalars(as: Double.self) == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0])
        // Per-sample weights: the gradient of p_i is <g[bag_i], w[idx_i]>, 0 at padding.
        let p = try Tensor([1, 1, 1] as [Double]).requiringGrad()
        try Tensor.embeddingBag(table(), indices: try ints([1, 3, 2]), offsets: try ints([0, 2]), mode: 0,
                                perSampleWeights: p, paddingIdx: 2).sum().backward()
        #expect(try p.grad!.scalars(as: Double.self) == [11, 27, 0])
    }

    @Test func maxTiesAndNaNAsPyTorch() throws {
        // Width 9: one SIMD block of 8 and a scalar column. Row 0 is all 1, row 1 all 1 but
        // 2 in column 2 (ties elsewhere: the first row, 0, wins), row 2 all 5 but NaN in
        // column 3. PyTorch's CPU kernel compares with >: a NaN met first stays, and nothing
        // met later beats it (values as torch 2.15 gives).
        var values = [Double](repeating: 1, count: 27)
        values[9 + 2] = 2
        for j in 0..<9 { values[18 + j] = 5 }
        values[18 + 3] = .nan
        for dtype in [DType.float64, .float32] {
            let w = try Tensor(values, shape: [3, 9]).to(dtype).requiringGrad()  // Int32 lanes for float32
            let out = try Tensor.embeddingBag(w, indices: try ints([0, 1, 2, 2, 0]), offsets: try ints([0, 2, 3]), mode: 2)
            let got = try out.scalars(as: Double.self)
            // Bags {0, 1}, {2}, {2, 0}: bag 0 is 1 everywhere but column 2 (2).
            #expect(Array(got[0..<9]) == [1, 1, 2, 1, 1, 1, 1, 1, 1])
            #expect(got[9 + 3].isNaN && got[9 + 0] == 5 && got[9 + 8] == 5)
            try out.sum().backward()
            let g = try w.grad!.scalars(as: Double.self)
            // Bag 0: row 0 wins every column but 2 (row 1). Bags 1 and 2: row 2 wins every column
            // (NaN included, met first); row 0, met second in bag 2, never beats 5 or NaN.
            #expect(Array(g[0..<9]) == [1, 1, 0, 1, 1, 1, 1, 1, 1])
            #expect(Array(g[9..<18]) == [0, 0, 1, 0, 0, 0, 0, 0, 0])
            #expect(Array(g[18..<27]) == [2, 2, 2, 2, 2, 2, 2, 2, 2])
        }
    }

    // MARK: Gradients against finite differences

    private let indices: [Int64] = [0, 2, 5, 2, 1, 4, 4, 3]
    private let offsets: [Int64] = [0, 3, 3, 6]

    @Test func sumAndMeanGradients() throws {
        for mode in [0, 1] {
            try checkGradients([[6, 3]]) { t in
                try Tensor.embeddingBag(t[0], indices: try ints(indices), offsets: try ints(offsets), mode: mode, paddingIdx: 1)
            }
            try checkGradients([[6, 3]]) { t in
                try Tensor.embeddingBag(t[0], indices: try ints(indices, [2, 4]), offsets: nil, mode: mode)
            }
        }
    }

    @Test func perSampleWeightGradients() throws {
        try checkGradients([[6, 3], [8]]) { t in
            try Tensor.embeddingBag(t[0], indices: try ints(indices), offsets: try ints(offsets), mode: 0,
                                    perSampleWeights: t[1], includeLastOffset: false, paddingIdx: 4)
        }
        try checkGradients([[6, 3], [2, 4]]) { t in
            try Tensor.embeddingBag(t[0], indices: try ints(indices, [2, 4]), offsets: nil, mode: 0, perSampleWeights: t[1])
        }
    }

    @Test func maxGradients() throws {
        try checkGradients([[6, 3]]) { t in
            try Tensor.embeddingBag(t[0], indices: try ints(indices), offsets: try ints([0, 3, 3, 6, 8]), mode: 2,
                                    includeLastOffset: true, paddingIdx: 2)
        }
    }

    @Test func secondOrders() throws {
        let w = try makeInputs([[6, 3], [8]], dtype: .float64, positive: false, seed: 5)
        try Autograd.gradgradcheck({ x in
            [try Tensor.embeddingBag(x[0], indices: try ints(indices), offsets: try ints(offsets), mode: 0,
                                     perSampleWeights: x[1], paddingIdx: 4, scaleGradByFreq: true)]
        }, w)
        try Autograd.gradgradcheck({ x in
            [try Tensor.embeddingBag(x[0], indices: try ints(indices), offsets: try ints(offsets), mode: 1)]
        }, [w[0]])
        try Autograd.gradgradcheck({ x in
            [try Tensor.embeddingBag(x[0], indices: try ints(indices), offsets: try ints(offsets), mode: 2)]
        }, [w[0]])
    }

    @Test func reducedFloatsComputeInFloat32() throws {
        let w = try table().to(.float16)
        let out = try Tensor.embeddingBag(w, indices: try ints([1, 3]), offsets: try ints([0]), mode: 1)
        #expect(out.dtype == .float16)
        #expect(try out.scalars(as: Double.self) == [-1, 20])
    }

    // MARK: Errors

    @Test func errorsAsPyTorch() throws {
        let w = try table(), idx = try ints([1, 2, 3]), off = try ints([0, 2])
        expectError(.shape("weight has to be a 2D Tensor, but got Tensor of dimension 1")) {
            _ = try Tensor.embeddingBag(try ints([1]).to(.float64), indices: idx, offsets: off, mode: 0)
        }
        expectError(.dtype("Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, BFloat16, Float, Double; but got torch.LongTensor instead (while checking arguments for embedding_bag)")) {
            _ = try Tensor.embeddingBag(try w.to(.int64), indices: idx, offsets: off, mode: 0)
        }
        expectError(.dtype("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.DoubleTensor instead (while checking arguments for embedding_bag)")) {
            _ = try Tensor.embeddingBag(w, indices: try idx.to(.float64), offsets: off, mode: 0)
        }
        expectError(.invalidArgument("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([1, 2]), mode: 0)
        }
        expectError(.invalidArgument("offsets[-1] can not be greater than input's length 3 but got offsets[-1] of 4")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([0, 4]), mode: 0)
        }
        expectError(.invalidArgument("embedding_bag: offsets must be non-decreasing, but offsets[2] = 1 is less than offsets[1] = 2")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([0, 2, 1]), mode: 0)
        }
        expectError(.invalidArgument("Index 1 of input takes value 7 which is not in the valid range [0, 5)")) {
            _ = try Tensor.embeddingBag(try w.to(.float32), indices: try ints([1, 7]), offsets: off, mode: 0)
        }
        expectError(.invalidArgument("embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be -1")) {
            _ = try Tensor.embeddingBag(w, indices: try ints([1, -1]), offsets: off, mode: 0)
        }
        expectError(.invalidArgument("padding_idx must be within the number of embeddings, -5 through 4, but got 5")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 0, paddingIdx: 5)
        }
        expectError(.invalidArgument("mode has to be one of sum, mean or max")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 3)
        }
        expectError(.invalidArgument("max mode does not support scaling the gradient by the frequency")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 2, scaleGradByFreq: true)
        }
        expectError(.invalidArgument("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='max'). Please open a feature request on GitHub.")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 2, perSampleWeights: try Tensor([1, 1, 1] as [Double]))
        }
        expectError(.shape("embedding_bag: If per_sample_weights (torch.Size([2])) is not None, then it must have the same shape as the input (torch.Size([3]))")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 0, perSampleWeights: try Tensor([1, 1] as [Double]))
        }
        expectError(.dtype("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type torch.DoubleTensor does not equal torch.FloatTensor (while checking arguments for embedding_bag)")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: off, mode: 0, perSampleWeights: try Tensor([1, 1, 1] as [Float]))
        }
        expectError(.invalidArgument("offsets has to be a 1D Tensor but got None")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: nil, mode: 0)
        }
        expectError(.shape("offsets has to be a 1D Tensor")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([0], [1, 1]), mode: 0)
        }
        expectError(.shape("input has to be 1D or 2D Tensor, but got Tensor of dimension 3")) {
            _ = try Tensor.embeddingBag(w, indices: try ints([0], [1, 1, 1]), offsets: nil, mode: 0)
        }
        expectError(.invalidArgument("include_last_offset: number of offset should be at least 1")) {
            _ = try Tensor.embeddingBag(w, indices: idx, offsets: try ints([]), mode: 0, includeLastOffset: true)
        }
        expectError(.invalidArgument("step must be nonzero")) {
            _ = try Tensor.embeddingBag(w, indices: try ints([], [3, 0]), offsets: nil, mode: 1)
        }
    }
}
