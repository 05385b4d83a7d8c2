"""Sharing memory with numpy and DLPack consumers, and safetensors files: the same bytes seen from
both sides, writes visible both ways, memory kept alive exactly as long as either side uses it,
and files exchanged with the `safetensors` package and PyTorch when they are installed."""
import errno
import gc
import os
import weakref

import pytest

import swiftgrad as sg
from conftest import needs_numpy

try:
    import torch
except ImportError:
    torch = None
try:
    import safetensors  # noqa: F401
except ImportError:
    safetensors = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")
needs_safetensors = pytest.mark.skipif(safetensors is None, reason="the safetensors package is not installed")


def live():
    gc.collect()
    return sg._live_tensor_count()


# ---- numpy -------------------------------------------------------------------------------------

@needs_numpy
def test_from_numpy_shares_memory_and_keeps_the_array_alive():
    import numpy as np
    before = live()
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = sg.from_numpy(a)
    assert t.dtype == sg.float64 and t.shape == sg.Size([2, 3]) and t.data_ptr() == a.ctypes.data
    t.mul_(2)
    assert a.tolist() == [[0, 2, 4], [6, 8, 10]]
    a[1, 2] = -1
    assert t[1, 2].item() == -1
    ref = weakref.ref(a) if hasattr(a, "__weakref__") else None
    del a
    gc.collect()
    assert t.sum().item() == 0 + 2 + 4 + 6 + 8 - 1  # the array's memory is still there
    view = t.t()
    del t
    assert view[2, 0].item() == 4
    del view
    assert live() == before
    if ref is not None:
        assert ref() is None  # released once the last tensor went


@needs_numpy
def test_from_numpy_strides_dtypes_and_refusals():
    import numpy as np
    a = np.arange(12, dtype=np.int64).reshape(3, 4)[:, ::2]
    t = sg.from_numpy(a)
    assert t.tolist() == [[0, 2], [4, 6], [8, 10]] and t.stride() == (4, 2)
    assert sg.from_numpy(np.array([True, False])).tolist() == [True, False]
    assert sg.from_numpy(np.ones(3, dtype=np.float32)).dtype == sg.float32
    assert sg.from_numpy(np.arange(3, dtype=np.int32)).dtype == sg.int32
    assert sg.from_numpy(np.arange(3, dtype=np.int32)).numpy().dtype == np.int32
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.complex64"):
        sg.from_numpy(np.ones(3, dtype=np.complex64))
    with pytest.raises(ValueError, match="At least one stride in the given numpy array is negative"):
        sg.from_numpy(np.arange(3.0)[::-1])
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        sg.from_numpy([1.0])
    frozen = np.arange(3.0)
    frozen.flags.writeable = False
    with pytest.warns(UserWarning, match="not writable"):
        sg.from_numpy(frozen)


@needs_numpy
def test_numpy_shares_memory():
    import numpy as np
    t = sg.arange(6.0).reshape(2, 3)
    n = t.numpy()
    assert n.ctypes.data == t.data_ptr() and n.dtype == np.float32
    n[0, 0] = 9
    assert t[0, 0].item() == 9
    t.add_(1)
    assert n[1, 2] == 6
    transposed = t.t().numpy()
    assert transposed.strides == (4, 12) and transposed[2, 1] == 6
    del t
    gc.collect()
    assert n.tolist() == [[10, 2, 3], [4, 5, 6]]  # the tensor stays alive with the array
    assert np.asarray(sg.tensor([1, 2])).tolist() == [1, 2]
    assert np.array(sg.tensor([1.5]), copy=True).ctypes.data != 0
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        sg.ones(2, requires_grad=True).numpy()
    assert sg.ones(2, requires_grad=True).numpy(force=True).tolist() == [1.0, 1.0]


# ---- DLPack ------------------------------------------------------------------------------------

@needs_numpy
def test_numpy_from_dlpack_sees_the_same_memory():
    import numpy as np
    t = sg.arange(4.0)
    a = np.from_dlpack(t)
    assert a.ctypes.data == t.data_ptr()
    a[0] = 42
    assert t[0].item() == 42
    t.mul_(2)
    assert a.tolist() == [84, 2, 4, 6]
    strided = np.from_dlpack(sg.arange(12).reshape(3, 4).t())
    assert strided.strides == (8, 32) and strided[3, 2] == 11
    assert np.from_dlpack(sg.tensor([True, False])).tolist() == [True, False]
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient, use tensor.detach()"):
        np.from_dlpack(sg.ones(2, requires_grad=True))


@needs_numpy
def test_swiftgrad_from_dlpack_of_numpy_and_of_itself():
    import numpy as np
    a = np.arange(3.0)
    t = sg.from_dlpack(a)
    t.add_(1)
    assert a.tolist() == [1, 2, 3]
    before = live()
    x = sg.arange(3)
    y = sg.from_dlpack(x)
    y.fill_(5)
    assert x.tolist() == [5, 5, 5]
    del x, y
    assert live() == before  # both gone: the export held x until y went
    capsule = sg.ones(2).__dlpack__(max_version=(1, 0))
    assert sg.from_dlpack(capsule).tolist() == [1, 1]
    with pytest.raises(ValueError, match="not an unconsumed DLPack tensor"):
        sg.from_dlpack(capsule)
    legacy = sg.ones(2).__dlpack__()  # no max_version: a pre-1.0 capsule
    assert "dltensor" in repr(legacy) and "versioned" not in repr(legacy)
    assert sg.from_dlpack(legacy).tolist() == [1, 1]
    sg.ones(3).__dlpack__(max_version=(1, 0))  # never consumed: its destructor gives the tensor back
    sg.ones(3).__dlpack__()
    assert live() == before


@needs_torch
def test_torch_from_dlpack_sees_the_same_memory():
    t = sg.arange(6.0).reshape(2, 3)
    pt = torch.from_dlpack(t)
    assert pt.data_ptr() == t.data_ptr() and pt.dtype == torch.float32
    pt[0, 0] = 7
    assert t[0, 0].item() == 7
    t.add_(1)
    assert pt.tolist() == [[8, 2, 3], [4, 5, 6]]
    assert torch.from_dlpack(t.t()).stride() == (1, 3)
    back = sg.from_dlpack(torch.arange(4, dtype=torch.float64))
    back.mul_(3)
    assert back.tolist() == [0, 3, 6, 9]
    assert sg.from_dlpack(torch.tensor([True, False])).tolist() == [True, False]


# ---- safetensors -------------------------------------------------------------------------------

def sample():
    return {"weight": sg.arange(6.0).reshape(2, 3).t(), "steps": sg.tensor([1, 2, 3]),
            "mask": sg.tensor([True, False]), "scale": sg.tensor(0.5, dtype=sg.float64), "empty": sg.zeros(0, 4)}


def test_safetensors_round_trip(tmp_path):
    path = tmp_path / "model.safetensors"
    sg.save_file(sample(), path, metadata={"format": "pt"})
    loaded = sg.load_file(str(path))
    assert sorted(loaded) == sorted(sample())
    for name, t in sample().items():
        assert loaded[name].dtype == t.dtype and loaded[name].shape == t.shape
        assert loaded[name].tolist() == t.tolist()
    assert sg.safetensors.load_metadata(path) == {"format": "pt"}
    assert sg.safetensors.load(sg.safetensors.save(sample()))["weight"].tolist() == [[0, 3], [1, 4], [2, 5]]


def test_safetensors_errors(tmp_path):
    # As open() and the safetensors package raise it: a FileNotFoundError with errno and path.
    with pytest.raises(FileNotFoundError, match="No such file or directory") as missing:
        sg.load_file(tmp_path / "missing.safetensors")
    assert missing.value.errno == errno.ENOENT and missing.value.filename == str(tmp_path / "missing.safetensors")
    with pytest.raises(FileNotFoundError):
        sg.save_file(sample(), tmp_path / "missing" / "x.safetensors")
    with pytest.raises(IsADirectoryError):
        sg.load_file(tmp_path)
    good = sg.safetensors.save(sample())
    (tmp_path / "cut.safetensors").write_bytes(good[:-3])
    with pytest.raises(RuntimeError, match=r"is not a valid safetensors file: the tensors need 58 bytes of data but the file has 55 \(truncated\?\)"):
        sg.load_file(tmp_path / "cut.safetensors")
    with pytest.raises(RuntimeError, match="not a valid safetensors file"):
        sg.safetensors.load(b"\x02\x00\x00\x00\x00\x00\x00\x00[]")
    with pytest.raises(ValueError, match="expected torch.Tensor"):
        sg.save_file({"a": 1}, tmp_path / "x")
    with pytest.raises(ValueError, match="Expected a dict"):
        sg.save_file([sg.ones(1)], tmp_path / "x")


@needs_safetensors
@needs_numpy
def test_files_are_byte_identical_to_the_safetensors_package(tmp_path):
    import numpy as np
    from safetensors.numpy import load_file as np_load, save as np_save
    tensors = sample()
    arrays = {name: t.numpy().copy(order="C") for name, t in tensors.items()}
    assert sg.safetensors.save(tensors, {"format": "np"}) == np_save(arrays, metadata={"format": "np"})
    path = tmp_path / "ours.safetensors"
    sg.save_file(tensors, path)
    for name, array in np_load(str(path)).items():
        assert array.dtype == arrays[name].dtype and np.array_equal(array, arrays[name])
    theirs = tmp_path / "theirs.safetensors"
    from safetensors.numpy import save_file as np_save_file
    np_save_file(arrays, str(theirs))
    for name, t in sg.load_file(theirs).items():
        assert t.tolist() == tensors[name].tolist()


@needs_safetensors
@needs_torch
def test_pytorch_files_both_ways(tmp_path):
    from safetensors.torch import load_file as pt_load, save_file as pt_save
    ours = tmp_path / "ours.safetensors"
    sg.save_file(sample(), ours)
    for name, t in pt_load(str(ours)).items():
        assert t.tolist() == sample()[name].tolist() and str(t.dtype) == repr(sample()[name].dtype)
    theirs = tmp_path / "theirs.safetensors"
    model = torch.nn.Linear(3, 2)
    pt_save(model.state_dict(), str(theirs))
    loaded = sg.load_file(theirs)
    assert loaded["weight"].tolist() == model.weight.tolist() and loaded["bias"].tolist() == model.bias.tolist()
    assert os.path.getsize(theirs) == len(sg.safetensors.save(loaded))


def test_storage_offset_of_views():
    # Offsets in elements, worked out by hand for a 3x4 row-major storage; an empty slice starts
    # where PyTorch's does (one past the end for x[3:]).
    x = sg.arange(12.0).view(3, 4)
    assert x.storage_offset() == 0
    assert x[1:, 2:].storage_offset() == 6
    assert x.t()[1].storage_offset() == 1
    assert x[3:].storage_offset() == 12
    assert x[:, 4:].storage_offset() == 4
    assert x[2].storage_offset() == 8


def test_frombuffer_shares_a_writable_buffer():
    # Little-endian int32 1 and 2; writes go both ways.
    b = bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")
    t = sg.frombuffer(b, dtype=sg.int32)
    assert t.tolist() == [1, 2]
    b[0] = 7
    t[1] = 5
    assert t.tolist() == [7, 5] and list(b) == [7, 0, 0, 0, 5, 0, 0, 0]
    assert sg.frombuffer(b, dtype=sg.int16, offset=2, count=2).tolist() == [0, 5]
    import array
    f = sg.frombuffer(array.array("f", [1.5, 2.5]), dtype=sg.float32, requires_grad=True)
    assert f.tolist() == [1.5, 2.5] and f.requires_grad
    with pytest.warns(UserWarning, match="The given buffer is not writable"):
        assert sg.frombuffer(b"abcd", dtype=sg.uint8).tolist() == [97, 98, 99, 100]
    for kwargs, message in [
        ({"offset": 3}, r"buffer length \(5 bytes\) after offset \(3 bytes\) must be a multiple of element size \(4\)"),
        ({"count": 3}, r"requested buffer length \(3 \* 4 bytes\) after offset \(0 bytes\) must not be greater than "
                       r"actual buffer length \(8 bytes\)"),
        ({"offset": 8}, r"offset \(8 bytes\) must be non-negative and no greater than buffer length \(8 bytes\) minus 1"),
        ({"count": 0}, r"both buffer length \(8\) and count \(0\) must not be 0"),
    ]:
        with pytest.raises(ValueError, match=message):
            sg.frombuffer(b, dtype=sg.int32, **kwargs)


def test_asarray_shares_when_it_can():
    import array
    x = sg.asarray([1, 2])
    assert x.dtype == sg.int64 and sg.asarray(x) is x
    assert sg.asarray(x, dtype=sg.float64).dtype == sg.float64
    assert sg.asarray(x, copy=True).data_ptr() != x.data_ptr()
    with pytest.raises(ValueError, match="can't alias tensor with dtype 'Long' into dtype 'Double'."):
        sg.asarray(x, copy=False, dtype=sg.float64)
    assert sg.asarray(array.array("d", [1.5])).dtype == sg.float64
    assert sg.asarray(bytearray(b"ab")).tolist() == [97, 98]
    assert sg.asarray([[1, 2], [3, 4]], dtype=sg.float16).dtype == sg.float16
    assert sg.asarray([sg.tensor(1.0), sg.tensor(2.0)]).tolist() == [1.0, 2.0]
    y = sg.tensor([1.0])
    assert sg.asarray(y, requires_grad=True) is y and y.requires_grad


@needs_numpy
def test_asarray_of_a_numpy_array_shares_its_memory():
    import numpy as np
    a = np.arange(3.0)
    t = sg.asarray(a)
    a[0] = 9
    assert t.tolist() == [9.0, 1.0, 2.0] and sg.asarray(a, copy=True).data_ptr() != t.data_ptr()
