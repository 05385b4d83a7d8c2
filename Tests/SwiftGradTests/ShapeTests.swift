import Testing
@testable import SwiftGrad

/// The shape family: splitting, flipping, diagonals, scatters, as_strided, repeating, grids and
/// the copies of views. Values are worked out by hand; every backward is checked against float64
/// finite differences (and float32 against float64), a few of them to second order.
@Suite struct ShapeTests {
    /// 0, 1, 2, ... in `shape`, float64.
    private func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor.arange(0, Double(Shape.count(shape)), dtype: .float64).reshape(shape)
    }

    private func values(_ t: Tensor) throws -> [Double] { try t.contiguous().scalars(as: Double.self) }

    // MARK: values

    @Test func splitting() throws {
        let x = try iota([5, 2])
        let pieces = try x.split(2)
        #expect(pieces.map(\.shape) == [[2, 2], [2, 2], [1, 2]])
        #expect(try values(pieces[2]) == [8, 9])
        #expect(try x.split(sizes: [1, 4]).map(\.shape) == [[1, 2], [4, 2]])
        #expect(try x.chunk(2).map(\.shape) == [[3, 2], [2, 2]])
        #expect(try x.chunk(6).count == 5)  // ceil(5 / 6) = 1 per chunk: 5 pieces
        #expect(try Tensor.zeros([0, 2]).chunk(3).map(\.shape) == [[0, 2], [0, 2], [0, 2]])
        #expect(try x.tensorSplit(sections: 3).map(\.shape) == [[2, 2], [2, 2], [1, 2]])
        #expect(try x.tensorSplit(indices: [-1, 2, 10]).map { $0.shape[0] } == [4, 0, 3, 0])
        #expect(try values(x.unbind(dim: 1)[1]) == [1, 3, 5, 7, 9])
        #expect(try x.hsplit(sections: 2).map(\.shape) == [[5, 1], [5, 1]])
        #expect(try Tensor.zeros([2, 3, 4]).dsplit(indices: [1]).map(\.shape) == [[2, 3, 1], [2, 3, 3]])
        // Pieces of split are views: a write through one shows in the input.
        try noGrad { _ = try pieces[1].fill_(-1) }
        #expect(try values(x) == [0, 1, 2, 3, -1, -1, -1, -1, 8, 9])
        // The copying forms are not.
        let copies = try x.splitWithSizesCopy([4, 1])
        try noGrad { _ = try copies[1].fill_(7) }
        #expect(try values(x)[8] == 8)
    }

    @Test func splitErrors() throws {
        let x = try iota([4, 6])
        expectError(.invalidArgument("split_size can only be 0 if dimension size is 0, but got dimension size of 4")) { _ = try x.split(0) }
        expectError(.invalidArgument("split expects split_size be non-negative, but got split_size=-1")) { _ = try x.split(-1) }
        expectError(.invalidArgument("split_with_sizes expects split_sizes to sum exactly to 4 (input tensor's size at dimension 0), but got split_sizes=[1, 2]")) {
            _ = try x.split(sizes: [1, 2])
        }
        expectError(.invalidArgument("chunk expects `chunks` to be greater than 0, got: 0")) { _ = try x.chunk(0) }
        expectError(.invalidArgument("Dimension out of range (expected to be in range of [-2, 1], but got 5)")) { _ = try x.chunk(2, dim: 5) }
        expectError(.invalidArgument("torch.hsplit attempted to split along dimension 1, but the size of the dimension 6 is not divisible by the split_size 4!")) {
            _ = try x.hsplit(sections: 4)
        }
        expectError(.invalidArgument("torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!")) {
            _ = try Tensor.zeros([3]).vsplit(sections: 1)
        }
        expectError(.dtype("tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float")) {
            _ = try x.tensorSplit(Tensor.zeros([1]))
        }
        expectError(.invalidArgument("Dimension specified as 0 but tensor has no dimensions")) { _ = try Tensor.scalar(1.0).unbind() }
        // Hostile counts are refused before any piece is made.
        expectError(.invalidArgument("chunk: \(1 << 40) pieces are too many (at most \(Tensor.maxPieces))")) {
            _ = try Tensor.zeros([0]).chunk(1 << 40)
        }
    }

    @Test func flippingAndRolling() throws {
        let x = try iota([2, 3])
        #expect(try values(x.flip([1])) == [2, 1, 0, 5, 4, 3])
        #expect(try values(x.flip([0, 1])) == [5, 4, 3, 2, 1, 0])
        #expect(try values(x.fliplr()) == [2, 1, 0, 5, 4, 3])
        #expect(try values(x.flipud()) == [3, 4, 5, 0, 1, 2])
        #expect(try values(x.transpose(0, 1).flip([0])) == [2, 5, 1, 4, 0, 3])
        expectError(.invalidArgument("dim 0 appears multiple times in the list of dims")) { _ = try x.flip([0, -2]) }
        #expect(try values(x.roll(shifts: [1])) == [5, 0, 1, 2, 3, 4])
        #expect(try values(x.roll(shifts: [-1, 4], dims: [0, 1])) == [5, 3, 4, 2, 0, 1])
        #expect(try values(x.roll(shifts: [Int.min], dims: [1])) == [2, 0, 1, 5, 3, 4])  // -2^63 = 1 mod 3
        expectError(.invalidArgument("shifts and dimensions must align. shifts: 2, dims:1")) { _ = try x.roll(shifts: [1, 2], dims: [0]) }
        // rot90 turns counter-clockwise: [[0, 1, 2], [3, 4, 5]] becomes [[2, 5], [1, 4], [0, 3]].
        #expect(try values(x.rot90()) == [2, 5, 1, 4, 0, 3])
        #expect(try x.rot90().shape == [3, 2])
        #expect(try values(x.rot90(2)) == [5, 4, 3, 2, 1, 0])
        #expect(try values(x.rot90(-1)) == [3, 0, 4, 1, 5, 2])
        #expect(try values(x.rot90(7)) == values(x.rot90(-1)))
        expectError(.invalidArgument("expected rotation dims to be different, but got dim0 = 0 and dim1 = -2")) { _ = try x.rot90(1, dims: [0, -2]) }
    }

    @Test func triangles() throws {
        let x = try iota([3, 3]).add(1)
        #expect(try values(x.tril()) == [1, 0, 0, 4, 5, 0, 7, 8, 9])
        #expect(try values(x.triu(1)) == [0, 2, 3, 0, 0, 6, 0, 0, 0])
        #expect(try values(x.tril(-1)) == [0, 0, 0, 4, 0, 0, 7, 8, 0])
        #expect(try values(x.tril(Int.max)) == values(x))
        #expect(try values(x.triu(Int.min)) == values(x))
        #expect(try values(x.tril(Int.min)) == [Double](repeating: 0, count: 9))
        expectError(.invalidArgument("tril: input tensor must have at least 2 dimensions")) { _ = try Tensor.zeros([3]).tril() }
    }

    @Test func diagonals() throws {
        let x = try iota([3, 4])
        #expect(try values(x.diagonal()) == [0, 5, 10])
        #expect(try values(x.diagonal(offset: 1)) == [1, 6, 11])
        #expect(try values(x.diagonal(offset: -1)) == [4, 9])
        #expect(try x.diagonal(offset: 9).shape == [0])
        #expect(try x.diagonal(offset: Int.min).shape == [0])
        let cube = try iota([2, 2, 3])
        #expect(try values(cube.diagonal(offset: 0, dim1: 1, dim2: 2)) == [0, 4, 6, 10])
        // The diagonal is a view.
        try noGrad { _ = try x.diagonal().fill_(-1) }
        #expect(try values(x)[5] == -1)
        let v = try iota([2]).add(1)
        #expect(try values(v.diagEmbed(offset: 1)) == [0, 1, 0, 0, 0, 2, 0, 0, 0])
        #expect(try v.diagEmbed(offset: 1, dim1: 0, dim2: 1).shape == [3, 3])
        #expect(try values(v.diag()) == [1, 0, 0, 2])
        #expect(try values(iota([2, 2]).diag()) == [0, 3])
        // Below the diagonal of a 5x5 matrix: (1, 0), (2, 1), (3, 2), (4, 3) are flat 5, 11, 17, 23.
        var sub = [Double](repeating: 0, count: 25)
        for (k, i) in [5, 11, 17, 23].enumerated() { sub[i] = Double(k) }
        #expect(try values(iota([2, 2]).diagflat(offset: -1)) == sub)
        expectError(.invalidArgument("diagonal dimensions cannot be identical 0, 0")) { _ = try x.diagonal(offset: 0, dim1: 0, dim2: 0) }
        expectError(.invalidArgument("diag(): Supports 1D or 2D tensors. Got 3D")) { _ = try cube.diag() }
    }

    @Test func scatters() throws {
        let x = try Tensor.zeros([2, 3], dtype: .float64)
        #expect(try values(x.diagonalScatter(iota([2]).add(1))) == [1, 0, 0, 0, 2, 0])
        #expect(try values(x.selectScatter(iota([3]).add(1), dim: 0, index: -1)) == [0, 0, 0, 1, 2, 3])
        #expect(try values(x.sliceScatter(iota([2, 2]).add(1), dim: 1, start: 0, end: nil, step: 2)) == [1, 0, 2, 3, 0, 4])
        #expect(try x.selectScatter(Tensor.ones([3], dtype: .float32), dim: 0, index: 0).dtype == .float64)
        expectError(.shape("expected src to have a size equal to the slice of self. src size = [3], slice size = [2]")) {
            _ = try x.diagonalScatter(Tensor.zeros([3]))
        }
        #expect(try values(x) == [0, 0, 0, 0, 0, 0])  // the input is not written
    }

    @Test func asStrided() throws {
        let x = try iota([3, 3])
        #expect(try values(x.asStrided([2, 2], [1, 2], storageOffset: 1)) == [1, 3, 2, 4])
        // A view of the storage, not of the tensor's own elements: a slice's as_strided reads
        // from the slice's offset, and may reach outside the slice.
        let row = try x.select(dim: 0, index: 1)
        #expect(try values(row.asStrided([4], [1])) == [3, 4, 5, 6])
        #expect(try values(row.asStrided([2], [1], storageOffset: 0)) == [0, 1])
        let view = try x.asStrided([3], [4])
        try noGrad { _ = try view.fill_(9) }
        #expect(try values(x) == [9, 1, 2, 3, 9, 5, 6, 7, 9])
        expectError(.invalidArgument("setStorage: sizes [5, 5], strides [6, 1], storage offset 0, and itemsize 8 requiring a storage size of 232 are out of bounds for storage of size 72")) {
            _ = try x.asStrided([5, 5], [6, 1])
        }
        expectError(.invalidArgument("as_strided: Negative strides are not supported at the moment, got strides: [-1]")) { _ = try x.asStrided([2], [-1]) }
        expectError(.invalidArgument("mismatch in length of strides and shape")) { _ = try x.asStrided([2, 2], [1]) }
        expectError(.invalidArgument("Tensor: invalid storage offset -1")) { _ = try x.asStrided([2], [1], storageOffset: -1) }
        expectError(.invalidArgument("Storage size calculation overflowed with sizes=[2, 2] and strides=[\(Int.max), 1]")) {
            _ = try x.asStrided([2, 2], [Int.max, 1])
        }
        // A view of nothing may sit at the storage's end; its other dimensions must still fit,
        // since views of it (a slice along them) compute offsets from them.
        #expect(try x.asStrided([0, 5], [1000, 0], storageOffset: 9).shape == [0, 5])
        expectError(.invalidArgument("setStorage: sizes [0, 5], strides [1000, 1000], storage offset 9: an empty view reaching position 4009 is out of bounds for storage of 9 elements")) {
            _ = try x.asStrided([0, 5], [1000, 1000], storageOffset: 9)
        }
        expectError(.invalidArgument("setStorage: sizes [1], strides [1], storage offset 9, and itemsize 8 requiring a storage size of 80 are out of bounds for storage of size 72")) {
            _ = try x.asStrided([1], [1], storageOffset: 9)
        }
        let scattered = try Tensor.zeros([4], dtype: .float64).asStridedScatter(iota([2]).add(1), [2], [2], storageOffset: 1)
        #expect(try values(scattered) == [0, 1, 0, 2])
    }

    @Test func repeating() throws {
        let x = try iota([2]).add(1)
        #expect(try values(x.repeat([2, 2])) == [1, 2, 1, 2, 1, 2, 1, 2])
        #expect(try x.repeat([3, 1, 2]).shape == [3, 1, 4])
        #expect(try x.repeat([0, 2]).shape == [0, 4])
        #expect(try values(iota([2, 2]).tile([2])) == [0, 1, 0, 1, 2, 3, 2, 3])
        #expect(try values(x.repeatInterleave(2)) == [1, 1, 2, 2])
        #expect(try values(iota([2, 2]).repeatInterleave(Tensor([1, 2] as [Int64]), dim: 0)) == [0, 1, 2, 3, 2, 3])
        #expect(try Tensor.repeatInterleaveIndices(Tensor([2, 0, 1] as [Int64])).scalars(as: Int64.self) == [0, 0, 2])
        expectError(.invalidArgument("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")) {
            _ = try iota([2, 2]).repeat([2])
        }
        expectError(.invalidArgument("Trying to create tensor with negative dimension -2: [-2]")) { _ = try x.repeat([-1]) }
        expectError(.invalidArgument("repeat_interleave: Invalid output_size, expected 4 but got 3")) { _ = try x.repeatInterleave(2, outputSize: 3) }
        expectError(.invalidArgument("repeats can not be negative")) { _ = try x.repeatInterleave(Tensor([1, -1] as [Int64])) }
        // kron([1, 2], [[0, 1], [2, 3]]) = [[0, 1, 0, 2], [2, 3, 4, 6]].
        #expect(try values(x.kron(iota([2, 2]))) == [0, 1, 0, 2, 2, 3, 4, 6])
    }

    @Test func moreShapes() throws {
        let x = try iota([2, 3, 4])
        #expect(try x.movedim(source: [0], destination: [2]).shape == [3, 4, 2])
        #expect(try x.movedim(source: [0, 1], destination: [2, 0]).shape == [3, 4, 2])
        expectError(.invalidArgument("movedim: repeated dim in `source` ([0, 0])")) { _ = try x.movedim(source: [0, 0], destination: [0, 1]) }
        let b = try Tensor.broadcastTensors([iota([3, 1]), iota([4]), x.select(dim: 0, index: 0).select(dim: 0, index: 0)])
        #expect(b.map(\.shape) == [[3, 4], [3, 4], [3, 4]])
        let same = try iota([3])
        #expect(try Tensor.broadcastTensors([same, same])[0] === same)
        #expect(try Tensor.scalar(1.0).atleast1d().shape == [1])
        #expect(try iota([3]).atleast2d().shape == [1, 3])
        #expect(try iota([3]).atleast3d().shape == [1, 3, 1])
        #expect(try iota([2, 3]).atleast3d().shape == [2, 3, 1])
        #expect(try values(x.transpose(0, 2).ravel())[1] == 12)
        let u = try x.unflatten(dim: 2, sizes: [2, -1])
        #expect(u.shape == [2, 3, 2, 2])
        try noGrad { _ = try u.select(dim: 0, index: 0).fill_(-1) }  // a view
        #expect(try values(x)[0] == -1)
        expectError(.invalidArgument("unflatten: Provided sizes [3, 2] don't multiply up to the size of dim 2 (4) in the input tensor")) {
            _ = try x.unflatten(dim: 2, sizes: [3, 2])
        }
        #expect(try Tensor.zeros([1, 2, 1, 1]).squeeze(dims: [0, 2]).shape == [2, 1])
        #expect(try Tensor.zeros([1, 2]).squeeze(dims: []).shape == [1, 2])
        #expect(try iota([2, 3]).sumToSize([1, 3]).shape == [1, 3])
        #expect(try values(iota([2, 3]).sumToSize([1, 3])) == [3, 5, 7])
        expectError(.shape("size {[3, 6]} is not expandable to size {[4, 6]}.")) { _ = try Tensor.zeros([4, 6]).sumToSize([3, 6]) }
        let m = try iota([2, 3])
        #expect(try m.positive() === m)
        expectError(.dtype("The `+` operator, on a bool tensor is not supported.")) { _ = try Tensor.zeros([1], dtype: .bool).positive() }
        expectError(.invalidArgument("tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.")) { _ = try iota([3]).conjugateTranspose() }
        expectError(.invalidArgument("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")) { _ = try iota([3]).matrixTranspose() }
        #expect(try values(m.adjoint()) == [0, 3, 1, 4, 2, 5])
    }

    @Test func unfold() throws {
        let x = try iota([5])
        let windows = try x.unfold(dimension: 0, size: 2, step: 2)
        #expect(windows.shape == [2, 2])
        #expect(try values(windows) == [0, 1, 2, 3])
        #expect(try values(x.unfold(dimension: 0, size: 3, step: 1)) == [0, 1, 2, 1, 2, 3, 2, 3, 4])
        #expect(try Tensor.scalar(2.0).unfold(dimension: 0, size: 1, step: 1).shape == [1])
        try noGrad { _ = try windows.select(dim: 0, index: 1).fill_(-1) }  // a view
        #expect(try values(x) == [0, 1, -1, -1, 4])
        expectError(.invalidArgument("maximum size for tensor at dimension 0 is 5 but size is 6")) { _ = try x.unfold(dimension: 0, size: 6, step: 1) }
        expectError(.invalidArgument("step is 0 but must be > 0")) { _ = try x.unfold(dimension: 0, size: 2, step: 0) }
    }

    @Test func grids() throws {
        let a = try iota([2]), b = try iota([3]).add(10)
        #expect(try values(Tensor.hstack([a, b])) == [0, 1, 10, 11, 12])
        #expect(try Tensor.vstack([a, a]).shape == [2, 2])
        #expect(try Tensor.dstack([a, a]).shape == [1, 2, 2])
        #expect(try values(Tensor.columnStack([a, iota([2, 2])])) == [0, 0, 1, 1, 2, 3])
        let ij = try Tensor.meshgrid([a, b])
        #expect(ij.map(\.shape) == [[2, 3], [2, 3]])
        #expect(try values(ij[1]) == [10, 11, 12, 10, 11, 12])
        let xy = try Tensor.meshgrid([a, b], cartesian: true)
        #expect(xy.map(\.shape) == [[3, 2], [3, 2]])
        #expect(try values(xy[0]) == [0, 1, 0, 1, 0, 1])
        #expect(try values(Tensor.blockDiag([Tensor.scalar(5.0), a])) == [5, 0, 0, 0, 0, 1])
        #expect(try Tensor.blockDiag([]).shape == [1, 0])
        #expect(try values(Tensor.cartesianProd([a, iota([2])])) == [0, 0, 0, 1, 1, 0, 1, 1])
        #expect(try values(iota([4]).combinations(r: 2)) == [0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3])
        #expect(try values(iota([2]).combinations(r: 2, withReplacement: true)) == [0, 0, 0, 1, 1, 1])
        #expect(try iota([2]).combinations(r: 3).shape == [0, 3])
        #expect(try iota([2]).combinations(r: 0).shape == [0])
        expectError(.invalidArgument("combinations: too many combinations of 2 elements taken \(Int.max) at a time")) {
            _ = try iota([2]).combinations(r: Int.max, withReplacement: true)
        }
        expectError(.dtype("meshgrid expects all tensors to have the same dtype")) { _ = try Tensor.meshgrid([a, Tensor.zeros([2])]) }
    }

    @Test func viewCopies() throws {
        let x = try iota([2, 3])
        let copies = [
            try x.expandCopy([2, 2, 3]), try x.aliasCopy(), try x.narrowCopy(dim: 1, start: -2, length: 2),
            try x.viewCopy([3, 2]), try x.permuteCopy([1, 0]), try x.unsqueeze(dim: 0).squeezeCopy(),
            try x.unsqueeze(dim: 0).squeezeCopy(dim: 0), try x.unsqueeze(dim: 0).squeezeCopy(dims: [0]),
            try x.unsqueezeCopy(dim: 1), try x.transposeCopy(0, 1), try x.tCopy(),
            try x.unfoldCopy(dimension: 1, size: 2, step: 1), try x.diagonalCopy(), try x.asStridedCopy([2], [4]),
        ]
        #expect(copies.map(\.shape) == [[2, 2, 3], [2, 3], [2, 2], [3, 2], [3, 2], [2, 3], [2, 3], [2, 3], [2, 1, 3], [3, 2], [3, 2], [2, 2, 2], [2], [2]])
        #expect(try values(copies[2]) == [1, 2, 4, 5])
        #expect(try values(copies[10]) == [0, 3, 1, 4, 2, 5])
        for c in copies {
            #expect(c.base == nil && c.isContiguous && c.storage !== x.storage)
        }
        expectError(.invalidArgument("start (3) + length (2) exceeds dimension size (3).")) { _ = try x.narrowCopy(dim: 1, start: 3, length: 2) }
        expectError(.invalidArgument("narrow() cannot be applied to a 0-dim tensor.")) { _ = try Tensor.scalar(1.0).narrowCopy(dim: 0, start: 0, length: 1) }
    }

    // MARK: autograd

    @Test func nodeNames() throws {
        let x = try Tensor.randn([4, 4], dtype: .float64).requiringGrad()
        let names: [(Tensor, String)] = [
            (try x.split(2)[1], "SplitBackward0"), (try x.split(sizes: [1, 3])[0], "SplitWithSizesBackward0"),
            (try x.unsafeSplit(2)[0], "UnsafeSplitBackward0"), (try x.chunk(2)[0], "SplitBackward0"),
            (try x.splitWithSizesCopy([4])[0], "SplitWithSizesBackward0_copy"), (try x.tensorSplit(sections: 2)[0], "SliceBackward0"),
            (try x.unbind()[3], "UnbindBackward0"), (try x.unbindCopy()[0], "UnbindBackward0_copy"),
            (try x.flip([0]), "FlipBackward0"), (try x.roll(shifts: [1]), "RollBackward0"), (try x.rot90(), "Rot90Backward0"),
            (try x.tril(), "TrilBackward0"), (try x.triu(), "TriuBackward0"), (try x.diagonal(), "DiagonalBackward0"),
            (try x.diag(), "DiagonalBackward0_copy"), (try x.diagflat(), "DiagEmbedBackward0"),
            (try x.diagonalScatter(x.diagonal()), "DiagonalScatterBackward0"), (try x.selectScatter(x.select(dim: 0, index: 0), dim: 0, index: 1), "SelectScatterBackward0"),
            (try x.sliceScatter(x, dim: 0), "SliceScatterBackward0"), (try x.asStrided([2], [1]), "AsStridedBackward0"),
            (try x.asStridedCopy([2], [1]), "AsStridedBackward0_copy"), (try x.asStridedScatter(x.select(dim: 0, index: 0), [4], [1]), "AsStridedScatterBackward0"),
            (try x.repeat([2, 1]), "RepeatBackward0"), (try x.tile([2]), "RepeatBackward0"),
            (try x.repeatInterleave(2), "ViewBackward0"), (try x.repeatInterleave(Tensor([1, 1, 1, 1] as [Int64]), dim: 0), "IndexSelectBackward0"),
            (try x.kron(x), "UnsafeViewBackward0"), (try x.movedim(source: [0], destination: [1]), "PermuteBackward0"),
            (try x.unflatten(dim: 0, sizes: [2, 2]), "ViewBackward0"), (try x.squeeze(dims: [0]), "SqueezeBackward2"),
            (try x.t(), "TBackward0"), (try x.adjoint(), "TransposeBackward0"), (try x.unfold(dimension: 0, size: 2, step: 1), "UnfoldBackward0"),
            (try x.sumToSize([1, 4]), "SumBackward1"), (try Tensor.blockDiag([x, x]), "BlockDiagBackward0"),
            (try Tensor.hstack([x, x]), "CatBackward0"), (try Tensor.meshgrid([x.select(dim: 0, index: 0), x.select(dim: 0, index: 1)])[1], "ExpandBackward0"),
            (try x.select(dim: 0, index: 0).combinations(), "IndexBackward0"), (try Tensor.cartesianProd([x.select(dim: 0, index: 0), x.select(dim: 0, index: 1)]), "StackBackward0"),
            (try x.expandCopy([2, 4, 4]), "ExpandBackward0_copy"), (try x.narrowCopy(dim: 0, start: 0, length: 1), "NarrowCopyBackward0"),
            (try x.tCopy(), "TBackward0_copy"), (try x.unfoldCopy(dimension: 0, size: 2, step: 1), "UnfoldBackward0_copy"),
        ]
        for (t, name) in names { #expect(t.gradFn?.name == name) }
        // The pieces of one split are the outputs of one node, numbered.
        let pieces = try x.split(1)
        #expect(pieces[0].gradFn === pieces[3].gradFn && pieces[3].outputNr == 3)
        #expect(try x.sumToSize([4, 4]) === x)
    }

    @Test func gradientsOfSplits() throws {
        try checkGradients([[5, 3]]) { x in try Tensor.cat(x[0].split(2), dim: 0) }
        try checkGradients([[5, 3]]) { x in try Tensor.cat(x[0].split(sizes: [1, 0, 2], dim: 1), dim: 1) }
        // Pieces not used get zeros.
        try checkGradients([[5, 3]]) { x in let p = try x[0].chunk(3); return try p[0].mul(p[2].sum()) }
        try checkGradients([[4, 3]]) { x in let p = try x[0].unsafeChunk(2, dim: 0); return try p[1].sub(p[0]) }
        try checkGradients([[4, 3]]) { x in let p = try x[0].unsafeSplit(sizes: [1, 3]); return try p[1].sum(dims: [0]).add(p[0]) }
        try checkGradients([[4, 3]]) { x in try x[0].splitWithSizesCopy([3, 1])[0] }
        try checkGradients([[5, 3]]) { x in let p = try x[0].tensorSplit(indices: [1, 3]); return try p[1].add(p[2]) }
        try checkGradients([[2, 6]]) { x in try x[0].hsplit(sections: 3)[2] }
        try checkGradients([[3, 2]]) { x in let p = try x[0].unbind(dim: 1); return try p[0].mul(p[1]) }
        try checkGradients([[3, 2]]) { x in try x[0].unbindCopy()[2] }
        try checkGradients([[3]]) { x in try x[0].tensorSplit(Tensor([1] as [Int64]))[1] }
    }

    @Test func gradientsOfFlipsAndTriangles() throws {
        try checkGradients([[3, 4]]) { x in try x[0].flip([0, 1]) }
        try checkGradients([[3, 4]]) { x in try x[0].fliplr().flipud() }
        try checkGradients([[3, 4]]) { x in try x[0].roll(shifts: [5]) }
        try checkGradients([[3, 4]]) { x in try x[0].roll(shifts: [-1, 2], dims: [0, 1]) }
        for k in -1...3 { try checkGradients([[2, 3, 4]]) { x in try x[0].rot90(k, dims: [2, 0]) } }
        try checkGradients([[3, 4]]) { x in try x[0].tril(1) }
        try checkGradients([[2, 3, 4]]) { x in try x[0].triu(-1) }
    }

    @Test func gradientsOfDiagonals() throws {
        try checkGradients([[3, 4]]) { x in try x[0].diagonal(offset: 1) }
        try checkGradients([[2, 3, 4]]) { x in try x[0].diagonal(offset: -1, dim1: 2, dim2: 1) }
        try checkGradients([[3, 4]]) { x in try x[0].diagonalCopy(offset: -2) }
        try checkGradients([[2, 3]]) { x in try x[0].diagEmbed(offset: -1, dim1: 0, dim2: 2) }
        try checkGradients([[3]]) { x in try x[0].diag(1) }
        try checkGradients([[2, 2]]) { x in try x[0].diagflat() }
        try checkGradients([[3, 4], [3]]) { x in try x[0].diagonalScatter(x[1]) }
        try checkGradients([[3, 4], [2]]) { x in try x[0].diagonalScatter(x[1], offset: 1, dim1: 1, dim2: 0) }
        try checkGradients([[3, 4], [4]]) { x in try x[0].selectScatter(x[1], dim: 0, index: -1) }
        try checkGradients([[3, 4], [3, 2]]) { x in try x[0].sliceScatter(x[1], dim: 1, start: 1, end: nil, step: 2) }
    }

    @Test func gradientsOfAsStrided() throws {
        try checkGradients([[3, 3]]) { x in try x[0].asStrided([2, 2], [1, 2], storageOffset: 1) }
        // Overlapping windows: an element read twice gets both gradients.
        try checkGradients([[6]]) { x in try x[0].asStrided([3, 3], [1, 1]) }
        // A view of a view: the input's layout is not the storage's.
        try checkGradients([[4, 4]]) { x in try x[0].transpose(0, 1).asStrided([2, 3], [4, 1], storageOffset: 2) }
        // An expanded input reads each storage element several times: the gradient is shared.
        try checkGradients([[3]]) { x in try x[0].expand([2, 3]).asStrided([2, 2], [1, 1]).mul(x[0].sum()) }
        try checkGradients([[3, 3]]) { x in try x[0].asStridedCopy([3], [4]) }
        try checkGradients([[3, 3], [2, 2]]) { x in try x[0].asStridedScatter(x[1], [2, 2], [1, 2], storageOffset: 1) }
        try checkGradients([[1], []]) { x in try x[0].asStridedScatter(x[1], [], []) }
    }

    @Test func gradientsOfRepeats() throws {
        try checkGradients([[2, 3]]) { x in try x[0].repeat([2, 3, 1]) }
        try checkGradients([[]]) { x in try x[0].repeat([3]) }
        try checkGradients([[2, 3]]) { x in try x[0].repeat([1, 0]).sum().add(x[0]) }
        try checkGradients([[2, 3]]) { x in try x[0].tile([2]) }
        try checkGradients([[2, 3]]) { x in try x[0].repeatInterleave(3, dim: 1) }
        try checkGradients([[2, 3]]) { x in try x[0].repeatInterleave(2) }
        try checkGradients([[3, 2]]) { x in try x[0].repeatInterleave(Tensor([2, 0, 1] as [Int64]), dim: 0) }
        try checkGradients([[2, 3], [2]]) { x in try x[0].kron(x[1]) }
    }

    @Test func gradientsOfShapes() throws {
        try checkGradients([[2, 3, 4]]) { x in try x[0].movedim(source: [0, 2], destination: [1, 0]) }
        try checkGradients([[3, 1]]) { x in try x[0].broadcastTo([2, 3, 4]) }
        try checkGradients([[3, 1], [4]]) { x in let b = try Tensor.broadcastTensors(x); return try b[0].mul(b[1]) }
        try checkGradients([[]]) { x in try x[0].atleast3d() }
        try checkGradients([[3]]) { x in try x[0].atleast3d().mul(x[0].atleast2d()) }
        try checkGradients([[3, 2]]) { x in try x[0].transpose(0, 1).ravel() }
        try checkGradients([[2, 6]]) { x in try x[0].unflatten(dim: 1, sizes: [3, -1]) }
        try checkGradients([[1, 3, 1]]) { x in try x[0].squeeze(dims: [0, -1]) }
        try checkGradients([[2, 3]]) { x in try x[0].t() }
        try checkGradients([[2, 3]]) { x in try x[0].conjugateTranspose() }
        try checkGradients([[2, 2, 3]]) { x in try x[0].matrixTranspose().add(x[0].adjoint()) }
        try checkGradients([[2, 3, 4]]) { x in try x[0].sumToSize([3, 1]) }
        try checkGradients([[7]]) { x in try x[0].unfold(dimension: 0, size: 3, step: 2) }
        try checkGradients([[3, 5]]) { x in try x[0].unfold(dimension: 1, size: 2, step: 1) }
        try checkGradients([[]]) { x in try x[0].unfold(dimension: 0, size: 1, step: 1) }
        try checkGradients([[3, 5]]) { x in try x[0].unfoldCopy(dimension: -1, size: 4, step: 3) }
    }

    @Test func gradientsOfGrids() throws {
        try checkGradients([[2], [3]]) { x in try Tensor.hstack(x) }
        try checkGradients([[2], [2]]) { x in try Tensor.vstack(x) }
        try checkGradients([[2, 2], [2, 2]]) { x in try Tensor.dstack(x) }
        try checkGradients([[], [1, 1]]) { x in try Tensor.columnStack(x) }
        try checkGradients([[2], [3]]) { x in let g = try Tensor.meshgrid(x, cartesian: true); return try g[0].mul(g[1]) }
        try checkGradients([[2, 3], [], [2]]) { x in try Tensor.blockDiag(x) }
        try checkGradients([[2], [3]]) { x in try Tensor.cartesianProd(x) }
        try checkGradients([[4]]) { x in try x[0].combinations(r: 3) }
        try checkGradients([[3]]) { x in try x[0].combinations(r: 2, withReplacement: true) }
    }

    @Test func gradientsOfViewCopies() throws {
        try checkGradients([[3, 1]]) { x in try x[0].expandCopy([2, 3, 2]) }
        try checkGradients([[3]]) { x in try x[0].aliasCopy() }
        try checkGradients([[3, 4]]) { x in try x[0].narrowCopy(dim: 1, start: -3, length: 2) }
        try checkGradients([[3, 4]]) { x in try x[0].viewCopy([2, 6]) }
        try checkGradients([[2, 3, 4]]) { x in try x[0].permuteCopy([2, 0, 1]) }
        try checkGradients([[1, 3]]) { x in try x[0].squeezeCopy().add(x[0].squeezeCopy(dim: 0)).add(x[0].squeezeCopy(dims: [0])) }
        try checkGradients([[3]]) { x in try x[0].unsqueezeCopy(dim: -1) }
        try checkGradients([[2, 3]]) { x in try x[0].transposeCopy(-1, 0).mul(x[0].tCopy()) }
    }

    @Test func secondOrder() throws {
        func check(_ shapes: [[Int]], _ f: @escaping ([Tensor]) throws -> Tensor) throws {
            let inputs = try makeInputs(shapes, dtype: .float64, positive: false, seed: 3)
            // Squared, so that the gradient depends on the input and the second order is not zero.
            try Autograd.gradgradcheck({ xs in [try f(xs).mul(f(xs))] }, inputs, atol: 1e-4, rtol: 1e-3)
        }
        try check([[4, 3]]) { x in let p = try x[0].split(sizes: [1, 3]); return try p[1].add(p[0]) }
        try check([[3, 2]]) { x in let p = try x[0].unbind(dim: 1); return try p[0].sub(p[1]) }
        try check([[3, 4]]) { x in try x[0].roll(shifts: [1, -1], dims: [0, 1]).flip([0]).rot90() }
        try check([[3, 4]]) { x in try x[0].diagonal(offset: 1).diagEmbed().tril() }
        try check([[7]]) { x in try x[0].unfold(dimension: 0, size: 3, step: 2) }
        try check([[6]]) { x in try x[0].asStrided([3, 3], [1, 1]) }
        try check([[3]]) { x in try x[0].expand([2, 3]).asStrided([2, 2], [1, 1]) }
        try check([[3, 3], [2, 2]]) { x in try x[0].asStridedScatter(x[1], [2, 2], [1, 2], storageOffset: 1) }
        try check([[2, 3]]) { x in try x[0].repeat([2, 1, 2]) }
        try check([[3, 4], [3]]) { x in try x[0].diagonalScatter(x[1]) }
        try check([[2, 3]]) { x in try Tensor.blockDiag([x[0], x[0]]) }
    }

    @Test func noCycles() throws {
        try expectFreed {
            let x = try Tensor.randn([4, 4]).requiringGrad()
            let pieces = try x.split(2) + x.unbind()
            try pieces.reduce(try Tensor.zeros([])) { try $0.add($1.sum()) }.backward()
            return [x] + pieces
        }
    }
}
