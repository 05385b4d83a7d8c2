"""The indexing family's hand-written Python (swiftgrad/_extra/indexing.py): PyTorch's argument
forms (einsum's list and sublist forms, tensordot's dims, gradient's spacing, scatter's value
and reduce, trapezoid's x or dx) and its error classes (IndexError where PyTorch raises one).
Values are worked out by hand."""
import pytest

import swiftgrad as torch


def x23():
    return torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])


def test_index_errors_are_index_errors():
    x = x23()
    with pytest.raises(IndexError, match="out of range: tried to access index 6 on a tensor of 6 elements."):
        x.take(torch.tensor([6]))
    with pytest.raises(IndexError, match="out of range: tried to access index -7"):
        torch.put(x, torch.tensor([-7]), torch.tensor([1.0]))
    with pytest.raises(IndexError, match="index out of range in self"):
        torch.tensor([1.0, 2.0]).index_select(0, torch.tensor([2]))
    with pytest.raises(IndexError, match="index_copy_\\(\\): index 3 is out of bounds for dimension 1 with size 3"):
        x.index_copy(1, torch.tensor([3]), torch.ones(2, 1))
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 1 with size 3"):
        x.index_fill(1, torch.tensor([-4]), 0.0)
    with pytest.raises(IndexError, match="index 2 is out of bounds for dimension 0 with size 2"):
        torch.index_put(x, (torch.tensor([2]),), torch.ones(3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.index_select(2, torch.tensor([0]))
    # PyTorch's RuntimeErrors stay RuntimeErrors.
    with pytest.raises(RuntimeError, match="INDICES element is out of DATA bounds, id=3 axis_dim=3"):
        x.index_select(1, torch.tensor([3]))
    with pytest.raises(RuntimeError, match="index 3 is out of bounds for dimension 1 with size 3"):
        x.scatter(1, torch.tensor([[3]]), torch.ones(1, 1))
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]  # nothing was written


def test_scatter_forms():
    zeros = torch.zeros(2, 3)
    index = torch.tensor([[2, 0], [1, 1]])
    src = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert zeros.scatter(1, index, src).tolist() == [[2.0, 0.0, 1.0], [0.0, 4.0, 0.0]]
    assert torch.scatter(zeros, 1, index, 1.5).tolist() == [[1.5, 0.0, 1.5], [0.0, 1.5, 0.0]]
    assert zeros.scatter(1, index, value=-1.0).tolist() == [[-1.0, 0.0, -1.0], [0.0, -1.0, 0.0]]
    assert zeros.scatter(1, index, src, reduce="add").tolist() == [[2.0, 0.0, 1.0], [0.0, 7.0, 0.0]]
    assert torch.ones(2, 3).scatter(1, index, 2.0, reduce="multiply").tolist() == [[2.0, 1.0, 2.0], [1.0, 4.0, 1.0]]
    assert zeros.scatter(1, index, src).grad_fn is None
    y = zeros.requires_grad_().scatter(1, index, src)
    assert y.grad_fn.name() == "ScatterBackward0"
    assert zeros.scatter(1, index, 0.5).grad_fn.name() == "ScatterBackward1"
    assert torch.zeros(3).scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]), "amax",
                                         include_self=False).tolist() == [2.0, 0.0, 3.0]


def test_einsum_and_tensordot_forms():
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    n = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
    product = [[19.0, 22.0], [43.0, 50.0]]
    assert torch.einsum("ij,jk->ik", m, n).tolist() == product
    assert torch.einsum("ij,jk", [m, n]).tolist() == product
    assert torch.einsum(m, [0, 1], n, [1, 2], [0, 2]).tolist() == product
    assert torch.einsum(m, [Ellipsis, 0], [Ellipsis]).tolist() == [3.0, 7.0]
    assert torch.einsum("ii", m).item() == 5.0
    with pytest.raises(ValueError, match="must specify the equation string and at least one operand"):
        torch.einsum("ij")
    with pytest.raises(RuntimeError, match="more operands were provided than specified in the equation"):
        torch.einsum("ij", m, n)
    assert torch.tensordot(m, n, dims=1).tolist() == product
    assert torch.tensordot(m, n, dims=([1], [0])).tolist() == product
    assert torch.tensordot(m, n).item() == 70.0
    assert torch.tensordot(m, n, dims=0).shape == (2, 2, 2, 2)
    with pytest.raises(RuntimeError, match="tensordot expects dims >= 0, but got dims=-1"):
        torch.tensordot(m, n, dims=-1)
    assert torch.inner(m, n).tolist() == [[17.0, 23.0], [39.0, 53.0]]
    assert torch.linalg.cross(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0])).tolist() == [0.0, 0.0, 1.0]


def test_integration_and_gradient_forms():
    y = torch.tensor([1.0, 3.0, 7.0])
    assert torch.trapezoid(y).item() == 7.0
    assert torch.trapz(y, dx=2).item() == 14.0
    assert torch.trapezoid(y, torch.tensor([0.0, 1.0, 3.0])).item() == 12.0
    assert torch.cumulative_trapezoid(y).tolist() == [2.0, 7.0]
    with pytest.raises(TypeError):
        torch.trapezoid(y, torch.tensor([0.0, 1.0, 3.0]), dx=1.0)
    with pytest.raises(IndexError, match="Dimension specified as -1 but tensor has no dimensions"):
        torch.trapezoid(torch.tensor(1.0))
    samples = torch.tensor([1.0, 2.0, 4.0, 8.0])
    (g,) = torch.gradient(samples)
    assert g.tolist() == [1.0, 1.5, 3.0, 4.0]
    (g,) = torch.gradient(samples, spacing=0.5)
    assert g.tolist() == [2.0, 3.0, 6.0, 8.0]
    (g,) = torch.gradient(samples, spacing=[torch.tensor([0.0, 1.0, 2.0, 3.0])], dim=0)
    assert g.tolist() == [1.0, 1.5, 3.0, 4.0]
    grid = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    rows, cols = torch.gradient(grid, spacing=[2.0, 1.0])
    assert rows.tolist() == [[1.0, 1.0]] * 3 and cols.tolist() == [[1.0, 1.0]] * 3
    assert torch.gradient(torch.tensor(1.0)) == ()
    with pytest.raises(RuntimeError, match="torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim\\(\\) = 2'"):
        torch.gradient(grid, spacing=[1.0])


def test_masks_and_advanced_indexing():
    x = x23()
    mask = torch.tensor([True, False, True])
    assert torch.masked_select(x, mask).tolist() == [0.0, 2.0, 3.0, 5.0]
    assert x.masked_scatter(mask, torch.tensor([9.0, 8.0, 7.0, 6.0])).tolist() == [[9.0, 1.0, 8.0], [7.0, 4.0, 6.0]]
    assert torch.argwhere(torch.tensor([[0, 1], [2, 0]])).tolist() == [[0, 1], [1, 0]]
    assert x.argwhere().shape == (5, 2)
    assert torch.nonzero_static(torch.tensor([0, 3, 0, 4]), size=3).tolist() == [[1], [3], [-1]]
    assert x.index_put((torch.tensor([1, 1]),), torch.ones(3), accumulate=True).tolist() == [[0.0, 1.0, 2.0], [5.0, 6.0, 7.0]]
    assert torch.take_along_dim(x, torch.tensor([[2], [0]]), dim=1).tolist() == [[2.0], [3.0]]
    hidden = torch._unsafe_masked_index(x, torch.tensor([[True], [False]]), [torch.tensor([0, 9])], -1.0)
    assert hidden.tolist() == [[0.0, 1.0, 2.0], [-1.0, -1.0, -1.0]]
    chunks = torch._chunk_cat([torch.tensor([[1.0, 2.0, 3.0]])], 1, 2)
    assert chunks.shape == (1, 2, 2) and chunks.tolist() == [[[1.0, 2.0], [3.0, 0.0]]]


def test_gradients_flow():
    x = x23().requires_grad_()
    torch.index_add(x, 1, torch.tensor([1, 1]), torch.ones(2, 2), alpha=2).sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    s = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.zeros(3).index_reduce(0, torch.tensor([1, 1]), s, "prod", include_self=False).sum().backward()
    assert s.grad.tolist() == [2.0, 1.0]  # d(s0 s1)/ds0 = s1


def test_gather_with_an_empty_index():
    # An empty index gives an empty result of the index's shape, and zero gradients.
    x = torch.arange(6.0).view(2, 3).requires_grad_()
    g = torch.gather(x, 0, torch.zeros(0, 3, dtype=torch.long))
    assert g.shape == (0, 3)
    g.sum().backward()
    assert x.grad.tolist() == [[0.0] * 3] * 2
    assert torch.gather(x, 1, torch.zeros(2, 0, dtype=torch.long)).shape == (2, 0)
    assert torch.gather(torch.arange(3.0), 0, torch.tensor([], dtype=torch.long)).tolist() == []
