"""The hand-written Python of the shape family (swiftgrad/_extra/shape.py): PyTorch's overloads
dispatched to the right C function, with values worked out by hand."""
import pytest

import swiftgrad as torch


def grid():
    return torch.arange(0, 6, dtype=torch.float32).reshape(2, 3)  # [[0, 1, 2], [3, 4, 5]]


def test_split_by_size_or_by_sizes():
    x = torch.arange(0, 5, dtype=torch.float32)
    assert [p.tolist() for p in torch.split(x, 2)] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in x.split([1, 4])] == [[0], [1, 2, 3, 4]]
    assert [p.tolist() for p in torch.split(x, torch.Size([3, 2]))] == [[0, 1, 2], [3, 4]]
    assert isinstance(torch.split(x, 2), tuple)
    assert torch.split(x, 2)[0].grad_fn is None
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly to 5"):
        x.split([1, 1])


def test_lists_of_sizes_and_indices_longer_than_the_rank_limit():
    # Split sizes and indices are not dimensions: PyTorch takes any number of them (the C ABI's
    # `ints` lists, up to 2^20 entries, not SG_MAX_DIMS = 64).
    x = torch.arange(0, 300, dtype=torch.float32, requires_grad=True)
    pieces = x.split([3] * 100)
    assert len(pieces) == 100 and [p.tolist() for p in pieces[-2:]] == [[294, 295, 296], [297, 298, 299]]
    sum(p.sum() * i for i, p in enumerate(pieces)).backward()
    assert x.grad.tolist() == [float(i // 3) for i in range(300)]
    assert len(torch.tensor_split(x.detach(), list(range(1, 200)))) == 200
    assert [p.shape for p in torch.split_with_sizes_copy(x.detach(), [1] * 70 + [230])][-1] == (230,)


def test_tensor_split_and_directional_splits():
    x = grid()
    assert [p.shape for p in torch.tensor_split(x, 2, dim=1)] == [(2, 2), (2, 1)]
    assert [p.shape for p in x.tensor_split([1, 2], 1)] == [(2, 1), (2, 1), (2, 1)]
    assert [p.shape for p in torch.tensor_split(x, torch.tensor([1]), 1)] == [(2, 1), (2, 2)]
    assert [p.shape for p in torch.tensor_split(x, torch.tensor(3), 1)] == [(2, 1)] * 3
    assert [p.tolist() for p in torch.hsplit(x, 3)] == [[[0], [3]], [[1], [4]], [[2], [5]]]
    assert [p.tolist() for p in x.vsplit([1])] == [[[0, 1, 2]], [[3, 4, 5]]]
    with pytest.raises(RuntimeError, match="torch.dsplit requires a tensor with at least 3 dimension"):
        torch.dsplit(x, 1)


def test_size_of_a_dimension_names_the_problem_as_pytorch():
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        torch.tensor(1.0).size(0)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)"):
        grid().size(5)
    assert grid().size(-1) == 3


def test_dimension_out_of_range_is_an_index_error_as_in_pytorch():
    # PyTorch raises IndexError; swiftgrad's is also a RuntimeError, as every library error.
    for call in (lambda: torch.zeros(3).transpose(0, 1), lambda: grid().sum(5), lambda: grid().unsqueeze(3)):
        with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of"):
            call()
    with pytest.raises(RuntimeError):
        grid().sum(-3)


def test_element_sizes():
    x = torch.zeros(2, 3, dtype=torch.float64)[:, :2]  # a view: nbytes counts its elements only
    assert (x.element_size(), x.itemsize, x.nbytes) == (8, 8, 32)
    assert torch.zeros(5, dtype=torch.bool).element_size() == 1


def test_flip_spellings():
    x = grid()
    expected = [[5, 4, 3], [2, 1, 0]]
    assert x.flip(0, 1).tolist() == expected
    assert x.flip((0, 1)).tolist() == expected
    assert x.flip(dims=[0, 1]).tolist() == expected
    assert torch.flip(x, dims=(0, 1)).tolist() == expected
    assert x.flip(1).tolist() == [[2, 1, 0], [5, 4, 3]]


def test_squeeze_forms():
    x = torch.zeros(1, 2, 1)
    assert x.squeeze().shape == (2,)
    assert x.squeeze(0).shape == (2, 1)
    assert torch.squeeze(x, (0, 2)).shape == (2,)
    assert torch.squeeze(x, ()).shape == (1, 2, 1)
    y = torch.zeros(1, 2, 1, requires_grad=True)
    assert torch.squeeze(y, (0, 2)).grad_fn.name() == "SqueezeBackward2"
    assert torch.squeeze_copy(y, 2).grad_fn.name() == "SqueezeBackward1_copy"
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        x.squeeze((0, -3))


def test_matrix_transposes_and_positive():
    x = grid()
    assert x.H.tolist() == x.mT.tolist() == x.mH.tolist() == x.t().tolist() == [[0, 3], [1, 4], [2, 5]]
    with pytest.raises(RuntimeError, match=r"tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."):
        torch.zeros(3).mT
    assert torch.positive(x) is x and +x is x
    with pytest.raises(RuntimeError, match="The `\\+` operator, on a bool tensor is not supported."):
        +(x > 1)


def test_atleast_broadcast_shapes_and_meshgrid():
    s, v = torch.tensor(1.0), torch.zeros(3)
    assert torch.atleast_2d(s).shape == (1, 1)
    assert [t.shape for t in torch.atleast_3d(s, v)] == [(1, 1, 1), (1, 3, 1)]
    assert [t.shape for t in torch.atleast_1d([s, v])] == [(1,), (3,)]
    assert torch.atleast_1d() == ()
    assert torch.broadcast_shapes((5, 1), 5) == torch.Size([5, 5])
    assert torch.broadcast_shapes((2,), (3, 1), (1, 1, 1)) == torch.Size([1, 3, 2])
    assert torch.broadcast_shapes() == torch.Size([])
    with pytest.raises(ValueError, match="negative length"):
        torch.broadcast_shapes((2, -1))
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])
    ij = torch.meshgrid(a, b, indexing="ij")
    assert [t.tolist() for t in ij] == [[[1, 1, 1], [2, 2, 2]], [[3, 4, 5], [3, 4, 5]]]
    xy = torch.meshgrid([a, b], indexing="xy")
    assert [t.tolist() for t in xy] == [[[1, 2], [1, 2], [1, 2]], [[3, 3], [4, 4], [5, 5]]]
    assert torch.meshgrid(a, b)[0].shape == (2, 3)
    with pytest.raises(RuntimeError, match='indexing must be one of "xy" or "ij", but received: yx'):
        torch.meshgrid(a, b, indexing="yx")


def test_repeat_interleave_forms():
    x = grid()
    assert torch.repeat_interleave(torch.tensor([1.0, 2.0]), 2).tolist() == [1, 1, 2, 2]
    assert x.repeat_interleave(torch.tensor([0, 2]), dim=0).tolist() == [[3, 4, 5], [3, 4, 5]]
    assert torch.repeat_interleave(x, torch.tensor([2]), dim=1, output_size=6).shape == (2, 6)
    indices = torch.repeat_interleave(torch.tensor([2, 0, 1]))
    assert indices.dtype == torch.int64 and indices.tolist() == [0, 0, 2]
    with pytest.raises(RuntimeError, match="repeat_interleave: Invalid output_size, expected 12 but got 3"):
        torch.repeat_interleave(x, 2, output_size=3)


def test_views_share_storage():
    x = grid()
    torch.diagonal(x).fill_(-1)
    x.unfold(1, 2, 2)[:, 0].fill_(7)
    torch.as_strided(x, (2,), (3,), 2).fill_(9)
    torch.movedim(x, 0, 1)[1].fill_(8)
    assert x.tolist() == [[7, 8, 9], [7, 8, 9]]
