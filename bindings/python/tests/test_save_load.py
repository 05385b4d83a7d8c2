"""torch.save and torch.load in PyTorch's file format (swiftgrad.serialization).

Without torch: round trips of every dtype (the stored bytes are the little-endian encoding
`struct` gives for the values), 0-d, empty and non-contiguous tensors (layout and storage sharing
survive), Parameters and requires_grad, module and optimizer state dicts (a reloaded optimizer
steps exactly as the original), paths and file objects, the zip layout PyTorch's reader expects
(64-byte aligned records), the legacy format, map_location, and weights_only's refusals with
PyTorch's messages. Files PyTorch wrote are stored in data/torch_checkpoints (written by
scripts/torch_checkpoints.py, with expected.json describing what PyTorch sees in them): swiftgrad
loads them to the same dtypes, layouts, values and sharing, their model gives PyTorch's output and
their optimizer state PyTorch's next step, and saving them again gives PyTorch's bytes.

With TORCH_PYTHON=/path/to/python-with-torch: PyTorch loads the files swiftgrad writes (with
weights_only=True) and sees the same objects, and the checks above run on freshly written
PyTorch files too."""
import argparse
import collections
import io
import json
import math
import os
import pathlib
import pickle
import re
import struct
import subprocess
import warnings
import zipfile

import pytest

import swiftgrad as torch
from swiftgrad import _pt_pickle, _pt_zip
from swiftgrad._pt_storage import StorageOf
from conftest import needs_numpy

HERE = pathlib.Path(__file__).resolve().parent
STORED = HERE / "data" / "torch_checkpoints"
SCRIPT = HERE.parents[2] / "scripts" / "torch_checkpoints.py"
TORCH_PYTHON = os.environ.get("TORCH_PYTHON")
needs_torch = pytest.mark.skipif(not TORCH_PYTHON, reason="set TORCH_PYTHON to a Python that has torch")
nn = torch.nn


def roundtrip(obj, save_kwargs=None, **load_kwargs):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **(save_kwargs or {}))
    buffer.seek(0)
    return torch.load(buffer, **load_kwargs)


def saved_bytes(obj, **save_kwargs):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **save_kwargs)
    return buffer.getvalue()


def records(data):
    """name (inside the archive folder) -> bytes, in the order written."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename.split("/", 1)[1]: archive.read(info) for info in archive.infolist()}


def same_values(a, b):
    """Equal element by element, NaN equal to NaN and -0.0 unlike 0.0."""
    norm = (lambda v: repr(v) if isinstance(v, float) else v)
    return [norm(v) for v in a] == [norm(v) for v in b]


# ---- the description test_save_load and scripts/torch_checkpoints.py give of an object --------

def describe(value):
    if isinstance(value, torch.Tensor):
        return {"tensor": True, "dtype": repr(value.dtype), "shape": list(value.shape), "stride": list(value.stride()),
                "offset": StorageOf(value).offset, "requires_grad": value.requires_grad,
                "parameter": isinstance(value, nn.Parameter),
                "values": [repr(v) if isinstance(v, float) else v for v in value.detach().reshape(-1).tolist()]}
    if isinstance(value, dict):
        return {"dict": type(value).__name__, "items": [[key, describe(item)] for key, item in value.items()]}
    if type(value) in (list, tuple):
        return {type(value).__name__: [describe(item) for item in value]}
    return {"repr": repr(value)}


def normalized(description):
    """A description with floats as their repr (JSON keeps -0.0 and the script keeps inf/nan as
    reprs already), tuples as lists, so that descriptions compare exactly."""
    if isinstance(description, float):
        return repr(description)
    if isinstance(description, (list, tuple)):
        return [normalized(item) for item in description]
    if isinstance(description, dict):
        return {key: normalized(item) for key, item in description.items()}
    return description


def sharing(value):
    paths = {}

    def walk(value, path):
        if isinstance(value, torch.Tensor):
            storage = StorageOf(value)
            if storage.nbytes:
                paths.setdefault(storage.address, []).append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + [key])
        elif type(value) in (list, tuple):
            for i, item in enumerate(value):
                walk(item, path + [i])

    walk(value, [])
    return sorted(group for group in paths.values() if len(group) > 1)


def torch_like_objects():
    """The objects of scripts/torch_checkpoints.py's tensors.pt, built here in swiftgrad."""
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 1
    row = torch.tensor([1.0, 2.0])
    return {
        "float32": torch.tensor([0.5, -1.25, 3e38, -0.0, math.inf, math.nan]),
        "float64": torch.tensor([1 / 3, -2.5e-300, 1e300], dtype=torch.float64),
        "float16": torch.tensor([0.5, -65504.0, 6e-8, 1 / 3], dtype=torch.float16),
        "bfloat16": torch.tensor([1 / 3, -3e38, 1e-38], dtype=torch.bfloat16),
        "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "int32": torch.tensor([-2**31, 2**31 - 1], dtype=torch.int32),
        "int64": torch.tensor([-2**63, 2**63 - 1, 5], dtype=torch.int64),
        "uint8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "scalar_int": torch.tensor(7),
        "empty": torch.zeros(0, 3),
        "matrix": base,
        "row": base[1],
        "column": base[:, 2],
        "transposed": base.t(),
        "corner": base[1:, 2:],
        "expanded": row.expand(3, 2),
        "requires_grad": torch.tensor([1.0, 2.0], requires_grad=True),
        "parameter": nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
        "frozen": nn.Parameter(torch.ones(2, dtype=torch.float64), requires_grad=False),
        "others": {"size": torch.Size([2, 3]), "dtype": torch.bfloat16, "device": torch.device("cpu"),
                   "nested": [1, 2.5, "text", None, True, (1, (2, 3)), b"bytes", {4, 5}, 2**70, 1e-300],
                   "ordered": collections.OrderedDict(b=1, a=2)},
    }


# ---- round trips ---------------------------------------------------------------------------------

# Values of each dtype, and their storage bytes as `struct` encodes them (bfloat16: the upper half
# of the float32, for values it holds exactly).
DTYPE_CASES = [
    (torch.float32, [0.5, -1.25, -0.0, math.inf, -math.inf, math.nan, 2.0**127, 2.0**-149], "<8f"),
    (torch.float64, [1 / 3, -1e-310, 1e300, -0.0, math.nan], "<5d"),
    (torch.float16, [0.5, -65504.0, 2.0**-24, 0.333251953125, -0.0], "<5e"),
    (torch.bfloat16, [1.0, -2.0, 0.15625, -3.0517578125e-05, 3.3895313892515355e+38], None),
    (torch.int8, [-128, 127, 0, -1], "<4b"),
    (torch.int16, [-32768, 32767, 5], "<3h"),
    (torch.int32, [-2**31, 2**31 - 1, 7], "<3i"),
    (torch.int64, [-2**63, 2**63 - 1, 0], "<3q"),
    (torch.uint8, [0, 255, 128], "<3B"),
    (torch.bool, [True, False, True, True], "<4?"),
]


@pytest.mark.parametrize("dtype, values, layout", DTYPE_CASES, ids=[repr(c[0]) for c in DTYPE_CASES])
def test_every_dtype_round_trips_with_its_bytes(dtype, values, layout):
    t = torch.tensor(values, dtype=dtype)
    assert same_values(t.tolist(), values)  # the values are exactly representable
    data = saved_bytes(t)
    if layout is not None:
        expected = struct.pack(layout, *values)
    else:
        expected = b"".join(struct.pack("<f", v)[2:] for v in values)
    assert records(data)["data/0"] == expected
    loaded = torch.load(io.BytesIO(data))
    assert loaded.dtype is dtype and loaded.shape == torch.Size([len(values)]) and loaded.stride() == (1,)
    assert same_values(loaded.tolist(), values)
    assert not loaded.requires_grad and loaded.is_leaf


@pytest.mark.parametrize("dtype", [c[0] for c in DTYPE_CASES], ids=[repr(c[0]) for c in DTYPE_CASES])
def test_zero_dim_and_empty_tensors(dtype):
    scalar = torch.tensor(1, dtype=dtype)
    loaded = roundtrip({"scalar": scalar, "empty": torch.zeros(0, dtype=dtype),
                        "empty2d": torch.zeros(2, 0, 3, dtype=dtype)})
    assert loaded["scalar"].shape == torch.Size([]) and loaded["scalar"].dtype is dtype
    assert loaded["scalar"].item() == 1
    assert loaded["empty"].shape == torch.Size([0]) and loaded["empty"].dtype is dtype
    assert loaded["empty2d"].shape == torch.Size([2, 0, 3]) and loaded["empty2d"].numel() == 0
    assert loaded["empty2d"].stride() == torch.zeros(2, 0, 3, dtype=dtype).stride()


def test_views_keep_their_layout_and_share_one_stored_storage():
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    views = {"base": base, "row": base[1], "column": base[:, 2], "transposed": base.t(), "corner": base[1:, 2:],
             "strided": base[::2, ::3], "expanded": base[0].expand(2, 4)}
    data = saved_bytes(views)
    stored = records(data)
    assert [name for name in stored if name.startswith("data/")] == ["data/0"]  # the storage, once
    assert stored["data/0"] == struct.pack("<12d", *range(12))
    loaded = torch.load(io.BytesIO(data))
    offsets = {"base": 0, "row": 4, "column": 2, "transposed": 0, "corner": 6, "strided": 0, "expanded": 0}
    for name, view in views.items():
        got = loaded[name]
        assert got.shape == view.shape and got.stride() == view.stride(), name
        assert StorageOf(got).offset == offsets[name] and StorageOf(got).numel == 12, name
        assert got.tolist() == view.tolist(), name
        assert got.is_leaf and not got.requires_grad
    # One storage again: a write through one view is seen through every other.
    loaded["base"].mul_(10)
    assert loaded["row"].tolist() == [40.0, 50.0, 60.0, 70.0]
    assert loaded["corner"].tolist() == [[60.0, 70.0], [100.0, 110.0]]
    loaded["column"].fill_(-1)
    assert loaded["transposed"][2].tolist() == [-1.0, -1.0, -1.0]
    assert loaded["expanded"].tolist() == [[0.0, 10.0, -1.0, 30.0]] * 2
    assert len({StorageOf(t).address for t in loaded.values()}) == 1


def test_a_view_saves_its_whole_storage_as_pytorch_does():
    base = torch.arange(10, dtype=torch.int16)
    stored = records(saved_bytes(base[3:5]))
    assert stored["data/0"] == struct.pack("<10h", *range(10))
    loaded = roundtrip(base[3:5])
    assert loaded.tolist() == [3, 4] and StorageOf(loaded).offset == 3 and StorageOf(loaded).numel == 10


def test_separate_storages_stay_separate_and_the_same_tensor_stays_one_object():
    a, b = torch.ones(2), torch.ones(2)
    loaded = roundtrip([a, b, a])
    assert loaded[0] is loaded[2] and loaded[0] is not loaded[1]
    loaded[1].add_(1)
    assert loaded[0].tolist() == [1.0, 1.0] and loaded[1].tolist() == [2.0, 2.0]


def test_requires_grad_and_parameters():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3  # not a leaf: saved with requires_grad, loaded as a leaf that requires grad
    p = nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    frozen = nn.Parameter(torch.ones(3, dtype=torch.float64), requires_grad=False)
    loaded = roundtrip({"x": x, "y": y, "p": p, "frozen": frozen, "p_view": p.detach()[0]})
    assert loaded["x"].requires_grad and loaded["x"].is_leaf
    assert loaded["y"].requires_grad and loaded["y"].is_leaf and loaded["y"].tolist() == [3.0, 6.0]
    assert type(loaded["p"]) is nn.Parameter and loaded["p"].requires_grad
    assert type(loaded["frozen"]) is nn.Parameter and not loaded["frozen"].requires_grad
    assert loaded["frozen"].dtype is torch.float64
    assert StorageOf(loaded["p_view"]).address == StorageOf(loaded["p"]).address
    (loaded["p"] * loaded["x"]).sum().backward()
    assert loaded["x"].grad.tolist() == [4.0, 6.0] and loaded["p"].grad.tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert x.grad is None  # the saved tensors are not connected to the loaded ones


def training_step(model, optimizer, x):
    optimizer.zero_grad()
    model(x).pow(2).sum().backward()
    optimizer.step()


@pytest.mark.parametrize("make_optimizer", [
    lambda params: torch.optim.Adam(params, lr=0.05, betas=(0.8, 0.95), weight_decay=0.01, amsgrad=True),
    lambda params: torch.optim.AdamW(params, lr=0.05),
    lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True),
], ids=["Adam", "AdamW", "SGD"])
def test_module_and_optimizer_state_dicts_resume_training_exactly(make_optimizer, tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    optimizer = make_optimizer(model.parameters())
    x = torch.randn(5, 3)
    training_step(model, optimizer, x)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 1}, tmp_path / "ckpt.pt")
    training_step(model, optimizer, x)  # the run that continues

    checkpoint = torch.load(tmp_path / "ckpt.pt")
    assert checkpoint["epoch"] == 1 and isinstance(checkpoint["model"], collections.OrderedDict)
    assert list(checkpoint["model"]) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    resumed = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert str(resumed.load_state_dict(checkpoint["model"])) == "<All keys matched successfully>"
    resumed_optimizer = make_optimizer(resumed.parameters())
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    options = [{k: v for k, v in o.param_groups[0].items() if k != "params"} for o in (optimizer, resumed_optimizer)]
    assert options[0] == options[1]
    training_step(resumed, resumed_optimizer, x)
    for a, b in zip(model.parameters(), resumed.parameters()):
        assert a.tolist() == b.tolist()  # bit for bit


def test_optimizer_state_dict_values_round_trip():
    state = {"state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.zeros(2)}},
             "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
                               "foreach": None, "params": [0], "name": "group", "nested": [1, (2, 3)]}]}
    loaded = roundtrip(state)
    assert loaded["param_groups"] == state["param_groups"]
    assert type(loaded["param_groups"][0]["betas"]) is tuple
    assert list(loaded["state"]) == [0] and loaded["state"][0]["step"].item() == 3.0


def test_python_values_dtypes_sizes_and_devices():
    values = {"int": -3, "big": 2**100, "float": 1e-300, "nan": math.nan, "str": "é", "bytes": b"\x00\xff",
              "bytearray": bytearray(b"ab"), "none": None, "bool": False, "tuple": (1, (2.5, "x")), "set": {1, 2},
              "complex": 1 - 2j, "list": [[], {}], "counter": collections.Counter("aab"),
              "ordered": collections.OrderedDict([("z", 1), ("a", 2)]), "size": torch.Size([2, 0, 3]),
              "dtypes": [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.int16,
                         torch.int32, torch.int64, torch.uint8, torch.bool],
              "devices": [torch.device("cpu"), torch.device("cuda", 1)], "layout": torch.strided}
    loaded = roundtrip(values)
    assert math.isnan(loaded.pop("nan"))
    values.pop("nan")
    assert loaded == values
    assert type(loaded["size"]) is torch.Size and type(loaded["ordered"]) is collections.OrderedDict
    assert all(a is b for a, b in zip(loaded["dtypes"], values["dtypes"]))  # the same dtype objects
    assert loaded["layout"] is torch.strided
    assert type(loaded["counter"]) is collections.Counter


# ---- files -----------------------------------------------------------------------------------------

def test_paths_file_objects_and_archive_names(tmp_path):
    t = torch.tensor([1.0, 2.0])
    for name, archive in [("model.v1.pt", "model.v1"), ("noext", "noext"), ("x.", "x"), (".x.pt", ".x")]:
        torch.save(t, str(tmp_path / name))
        assert zipfile.ZipFile(tmp_path / name).namelist()[0] == f"{archive}/data.pkl"
        assert torch.load(tmp_path / name).tolist() == [1.0, 2.0]
    torch.save(t, tmp_path / "pathlib.pt")  # os.PathLike
    assert zipfile.ZipFile(tmp_path / "pathlib.pt").namelist()[0] == "pathlib/data.pkl"
    torch.save(t, str(tmp_path / "é.pt"))  # PyTorch writes non-ASCII paths as a buffer
    assert zipfile.ZipFile(tmp_path / "é.pt").namelist()[0] == "archive/data.pkl"
    with open(tmp_path / "object.pt", "wb") as f:
        torch.save(t, f)
    assert zipfile.ZipFile(tmp_path / "object.pt").namelist()[0] == "archive/data.pkl"
    with open(tmp_path / "object.pt", "rb") as f:
        assert torch.load(f).tolist() == [1.0, 2.0]
    # An archive after other bytes in a buffer: its offsets count from where it starts.
    buffer = io.BytesIO()
    buffer.write(b"header")
    torch.save(t, buffer)
    torch.save(torch.tensor([3]), buffer)
    buffer.seek(6)
    assert torch.load(buffer).tolist() == [1.0, 2.0]


def test_file_errors_are_pytorchs(tmp_path):
    t = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r"invalid file name: .*\.pt$"):
        torch.save(t, str(tmp_path / ".pt"))
    with pytest.raises(RuntimeError, match="^Parent directory .*missing does not exist.$"):
        torch.save(t, str(tmp_path / "missing" / "x.pt"))
    assert not (tmp_path / "missing").exists()
    with pytest.raises(AttributeError, match="expected 'f' to be string, path, or a file-like object with a 'write'"):
        torch.save(t, 3)

    class NotCallable:
        write = None
    with pytest.raises(TypeError, match="has no callable attribute 'write'"):
        torch.save(t, NotCallable())

    class Unseekable(io.RawIOBase):
        def readable(self):
            return True

        def seekable(self):
            return False

        def tell(self):
            raise io.UnsupportedOperation("tell")
    with pytest.raises(io.UnsupportedOperation, match="You can only torch.load from a file that is seekable"):
        torch.load(Unseekable())
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "nothing.pt")


def test_zip_layout_is_pytorchs():
    x = torch.arange(5, dtype=torch.float32)
    data = saved_bytes({"x": x, "y": torch.ones(3, dtype=torch.int64), "e": torch.zeros(0)})
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every CRC right
    assert [i.filename for i in archive.infolist()] == [
        "archive/data.pkl", "archive/.format_version", "archive/.storage_alignment", "archive/byteorder",
        "archive/data/0", "archive/data/1", "archive/data/2", "archive/version", "archive/.data/serialization_id"]
    stored = records(data)
    assert stored[".format_version"] == b"1" and stored[".storage_alignment"] == b"64"
    assert stored["byteorder"] == b"little" and stored["version"] == b"3\n"
    assert len(stored[".data/serialization_id"]) == 40 and stored[".data/serialization_id"].isdigit()
    for info in archive.infolist():
        assert info.compress_type == zipfile.ZIP_STORED and info.date_time == (1980, 0, 0, 0, 0, 0)
        name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
        start = info.header_offset + 30 + name_length + extra_length
        assert start % 64 == 0, info.filename  # where PyTorch's reader (and mmap) expect data
        extra = data[info.header_offset + 30 + name_length:start]
        assert extra[:2] == b"FB" and struct.unpack_from("<H", extra, 2)[0] == extra_length - 4
        assert set(extra[4:]) <= {ord("Z")}
        assert data[start:start + info.file_size] == archive.read(info)
        # A data descriptor follows each record with data (general purpose bit 3), none the empty one.
        assert info.flag_bits == (0x0808 if info.file_size else 0x0800)
        if info.file_size:
            assert data[start + info.file_size:start + info.file_size + 4] == b"PK\x07\x08"
    assert data[-22:-18] == b"PK\x05\x06" and data[-42:-38] == b"PK\x06\x07"  # zip64 end records always
    assert saved_bytes(x, _disable_byteorder_record=True).count(b"byteorder") == 0
    # Two saves of the same object differ only in the serialization id.
    first, second = records(saved_bytes(x)), records(saved_bytes(x))
    assert first.pop(".data/serialization_id") != second.pop(".data/serialization_id") and first == second


def crafted(pickled, version=b"3\n"):
    """An archive of one pickle (and a version record unless version is None)."""
    out = io.BytesIO()
    writer = _pt_zip.ZipWriter(out.write)
    writer.write_record("data.pkl", pickled)
    if version is not None:
        writer.write_record("version", version)
    writer.finish()
    return out.getvalue()


saved_pickle = pickle.dumps([1, "two"], protocol=2)

# The file format versions PyTorch 2.15's reader refuses, with its messages.
VERSION_REFUSALS = {
    None: 'Expected hasRecord("version") to be true, but got false.  (Could this error message be improved?  If so, '
          'please report an enhancement request to PyTorch.)',
    b"0\n": "[enforce fail at inline_container.cc:218] . Attempted to read a PyTorch file with version 0, but the "
            "minimum supported version for reading is 1. Your PyTorch script module file is too old. Please "
            "regenerate it with latest version of PyTorch to mitigate this issue.",
    b"11\n": "[enforce fail at inline_container.cc:229] . Attempted to read a PyTorch file with version 11, but the "
             "maximum supported version for reading is 10. The version of your PyTorch installation may be too old, "
             "please upgrade PyTorch to latest version to mitigate this issue.",
    b"x\n": "[enforce fail at inline_container.cc:214] . Couldn't parse the version x\n as Long Long.",
}


@pytest.mark.parametrize("version", list(VERSION_REFUSALS), ids=repr)
def test_file_format_versions_pytorch_refuses(version):
    with pytest.raises(RuntimeError) as error:
        torch.load(io.BytesIO(crafted(saved_pickle, version)))
    assert str(error.value) == VERSION_REFUSALS[version]


@pytest.mark.parametrize("version", [b"1\n", b"10\n"])
def test_file_format_versions_pytorch_reads(version):
    assert torch.load(io.BytesIO(crafted(saved_pickle, version))) == [1, "two"]
    out = io.BytesIO()
    writer = _pt_zip.ZipWriter(out.write)
    writer.write_record("data.pkl", saved_pickle)
    writer.write_record(".data/version", version)
    writer.finish()
    assert torch.load(io.BytesIO(out.getvalue())) == [1, "two"]


def test_pickle_is_protocol_2_with_pytorchs_globals():
    data = records(saved_bytes({"w": nn.Parameter(torch.ones(2)), "d": torch.float16, "s": torch.Size([1])}))
    pickled = data["data.pkl"]
    assert pickled[:2] == b"\x80\x02"
    names = _pt_pickle.globals_in_pickle(io.BytesIO(pickled))
    assert names == {"torch._utils._rebuild_parameter", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage",
                     "collections.OrderedDict", "torch.float16", "torch.Size"}
    assert b"swiftgrad" not in pickled
    with pytest.raises(TypeError, match="pickle_module=pickle"):
        torch.save(torch.ones(1), io.BytesIO(), pickle_module=json)


# What PyTorch 2.15's weights-only unpickler does with each protocol (opcodes it does not run:
# DICT, INT for bools, FRAME), and its full load of protocol 0 (whose persistent ids are strings).
PROTOCOL_OUTCOMES = {0: "Unsupported operand 100", 1: "Unsupported operand 73", 2: None, 3: None,
                     4: "Unsupported operand 149", 5: "Unsupported operand 149"}


@pytest.mark.parametrize("protocol", sorted(PROTOCOL_OUTCOMES))
def test_pickle_protocols(protocol):
    obj = {"t": torch.arange(3), "p": nn.Parameter(torch.ones(1)), "d": torch.int8, "s": torch.Size([2])}
    data = saved_bytes(obj, pickle_protocol=protocol)
    if protocol >= 2:
        assert data[64:66] == b"\x80" + bytes([protocol])  # data.pkl starts at byte 64
    if protocol == 0:
        with pytest.raises(AssertionError, match="^saved_id must be a tuple, got str$"):
            torch.load(io.BytesIO(data), weights_only=False)
    else:
        loaded = torch.load(io.BytesIO(data), weights_only=False)
        assert loaded["t"].tolist() == [0, 1, 2] and type(loaded["p"]) is nn.Parameter
        assert loaded["d"] is torch.int8 and loaded["s"] == torch.Size([2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if PROTOCOL_OUTCOMES[protocol] is None:
            assert torch.load(io.BytesIO(data))["t"].tolist() == [0, 1, 2]
        else:
            with pytest.raises(pickle.UnpicklingError, match=PROTOCOL_OUTCOMES[protocol] + "\n"):
                torch.load(io.BytesIO(data))
    warned = [str(w.message) for w in caught if "Detected pickle protocol" in str(w.message)]
    assert len(warned) == (protocol >= 2 and protocol != 2)


def test_big_endian_checkpoints_are_byteswapped():
    values = {"f": [1.5, -2.0], "h": [-300, 7], "d": [1 / 3], "b": [1.0, -0.15625], "u": [200]}
    dtypes = {"f": torch.float32, "h": torch.int16, "d": torch.float64, "b": torch.bfloat16, "u": torch.uint8}
    obj = {k: torch.tensor(v, dtype=dtypes[k]) for k, v in values.items()}
    stored = records(saved_bytes(obj))
    out = io.BytesIO()
    writer = _pt_zip.ZipWriter(out.write)
    for name, data in stored.items():
        if name == "byteorder":
            data = b"big"
        elif name.startswith("data/"):
            size = list(dtypes.values())[int(name[5:])].itemsize
            data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
        writer.write_record(name, data)
    writer.finish()
    out.seek(0)
    loaded = torch.load(out)
    assert {k: v.tolist() for k, v in loaded.items()} == values


@needs_numpy
def test_one_memory_as_two_dtypes_is_refused_as_in_pytorch():
    import numpy as np
    a = np.arange(4, dtype=np.float64)
    with pytest.raises(RuntimeError, match="^Cannot save multiple tensors or storages that view the same data as "
                                           "different types$"):
        torch.save([torch.from_numpy(a), torch.from_numpy(a.view(np.int64))], io.BytesIO())


# ---- the legacy format -----------------------------------------------------------------------------

def test_legacy_format_round_trip_and_layout():
    base = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    obj = {"base": base, "column": base[:, 1], "ints": torch.tensor([1, -2], dtype=torch.int32),
           "p": nn.Parameter(torch.ones(2)), "empty": torch.zeros(0)}
    data = saved_bytes(obj, _use_new_zipfile_serialization=False)
    f = io.BytesIO(data)
    assert pickle.load(f) == 0x1950A86A20F9469CFC6C and pickle.load(f) == 1001
    assert pickle.load(f) == {"protocol_version": 1001, "little_endian": True,
                              "type_sizes": {"short": 2, "int": 4, "long": 4}}
    loaded = torch.load(io.BytesIO(data))
    assert loaded["base"].tolist() == base.tolist() and loaded["column"].stride() == (3,)
    assert loaded["ints"].dtype is torch.int32 and loaded["ints"].tolist() == [1, -2]
    assert type(loaded["p"]) is nn.Parameter and loaded["empty"].shape == torch.Size([0])
    loaded["base"].mul_(2)
    assert loaded["column"].tolist() == [2.0, 8.0]
    # Storages follow the pickles, each an 8-byte little-endian count and the elements.
    assert struct.pack("<q", 6) + struct.pack("<6d", *range(6)) in data
    assert struct.pack("<q", 2) + struct.pack("<2i", 1, -2) in data
    with pytest.raises(RuntimeError, match=r"mmap can only be used with files saved with `torch.save\("
                                           r"_use_new_zipfile_serialization=True\)"):
        torch.load(io.BytesIO(data), mmap=True)


def test_legacy_format_whole_module(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every class's source is found (and stored, as torch does)
        torch.save(model, tmp_path / "m.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(tmp_path / "m.pt")
    loaded = torch.load(tmp_path / "m.pt", weights_only=False)
    x = torch.randn(4, 2)
    assert type(loaded) is nn.Sequential and loaded(x).tolist() == model(x).tolist()


# ---- map_location and mmap ---------------------------------------------------------------------------

CUDA_MESSAGE = ("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are "
                "running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map "
                "your storages to the CPU.")


def test_map_location_of_a_cuda_checkpoint():
    path = STORED / "cuda.pt"
    with pytest.raises(RuntimeError) as error:
        torch.load(path)
    assert str(error.value) == CUDA_MESSAGE
    for location in ["cpu", torch.device("cpu"), {"cuda:0": "cpu"}, lambda storage, location: storage,
                     lambda storage, location: storage.cpu()]:
        assert torch.load(path, map_location=location)["w"].tolist() == [1.0, 2.0]
    for location in ["cuda", torch.device("cuda", 0), {"cuda:1": "cpu"}, lambda storage, location: None]:
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            torch.load(path, map_location=location)
    seen = []

    def record(storage, location):
        seen.append((location, storage.nbytes(), str(storage.device)))
        return storage
    torch.load(path, map_location=record)
    assert seen == [("cuda:0", 8, "cpu")]
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.load(path, map_location=lambda storage, location: storage.cuda())


def test_map_location_of_a_cpu_checkpoint(tmp_path):
    torch.save({"t": torch.ones(2)}, tmp_path / "c.pt")
    assert torch.load(tmp_path / "c.pt", map_location=torch.device("cpu"))["t"].tolist() == [1.0, 1.0]
    assert torch.load(tmp_path / "c.pt", map_location={"cuda:0": "cuda:1"})["t"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        torch.load(tmp_path / "c.pt", map_location="cuda:0")
    with pytest.raises(RuntimeError, match="meta"):
        torch.load(tmp_path / "c.pt", map_location="meta")


def test_mmap_is_accepted_for_paths(tmp_path):
    torch.save({"t": torch.arange(4)}, tmp_path / "m.pt")
    assert torch.load(tmp_path / "m.pt", mmap=True)["t"].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        torch.load(io.BytesIO((tmp_path / "m.pt").read_bytes()), mmap=True)


# ---- weights_only ---------------------------------------------------------------------------------

GLOBAL_REFUSAL = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, "
    "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. \n\t(1) In PyTorch 2.6, we changed "
    "the default value of the `weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` "
    "with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do it "
    "only if you got the file from a trusted source.\n\t(2) Alternatively, to load with `weights_only=True` please "
    "check the recommended steps in the following error message.\n\tWeightsUnpickler error: Unsupported global: "
    "GLOBAL argparse.Namespace was not an allowed global by default. Please use "
    "`torch.serialization.add_safe_globals([argparse.Namespace])` or the "
    "`torch.serialization.safe_globals([argparse.Namespace])` context manager to allowlist this global if you trust "
    "this class/function.\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def test_weights_only_refuses_other_globals_with_pytorchs_message(tmp_path):
    torch.save({"options": argparse.Namespace(lr=0.5), "w": torch.ones(2)}, tmp_path / "ns.pt")
    for path in [tmp_path / "ns.pt", STORED / "namespace.pt"]:
        with pytest.raises(pickle.UnpicklingError) as error:
            torch.load(path)
        assert str(error.value) == GLOBAL_REFUSAL
        assert error.value.__cause__ is None and error.value.__suppress_context__
        loaded = torch.load(path, weights_only=False)
        assert loaded["options"] == argparse.Namespace(lr=0.5) and loaded["w"].tolist() == [1.0, 1.0]
        assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == ["argparse.Namespace"]
        with torch.serialization.safe_globals([argparse.Namespace]):
            assert torch.serialization.get_safe_globals() == [argparse.Namespace]
            assert torch.load(path)["options"].lr == 0.5
            assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []
        assert torch.serialization.get_safe_globals() == []
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)
    torch.serialization.add_safe_globals([(argparse.Namespace, "argparse.Namespace")])
    try:
        assert torch.load(tmp_path / "ns.pt")["options"].lr == 0.5
    finally:
        torch.serialization.clear_safe_globals()
    assert torch.serialization.get_safe_globals() == []


def test_weights_only_refuses_whole_modules_that_load_without_it():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    data = saved_bytes(model)
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL swiftgrad\.nn\.modules\.Sequential was not an allowed"):
        torch.load(io.BytesIO(data))
    loaded = torch.load(io.BytesIO(data), weights_only=False)
    x = torch.randn(3, 2)
    assert loaded(x).tolist() == model(x).tolist()
    assert [p.tolist() for p in loaded.parameters()] == [p.tolist() for p in model.parameters()]
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit pickle_module is specified"):
        torch.load(io.BytesIO(data), pickle_module=pickle, weights_only=True)
    assert type(torch.load(io.BytesIO(data), pickle_module=pickle)) is nn.Sequential  # weights_only defaults to False
    with pytest.raises(TypeError, match="save its state_dict"):
        torch.save(torch.optim.SGD(model.parameters(), lr=0.1), io.BytesIO())


def weights_only_load(pickled):
    return _pt_pickle.WeightsOnlyUnpickler(io.BytesIO(pickled), lambda pid: pid).load()


@pytest.mark.parametrize("pickled, message", [
    (b"\x80\x02cos\nsystem\nq\x00.", "Trying to load unsupported GLOBAL os.system whose module os is blocked."),
    (b"\x80\x02cbuiltins\nprint\nq\x00.", "Unsupported global: GLOBAL print was not an allowed global by default."),
    (b"\x80\x02}N\x61.", "Can only append to lists, but got <class 'dict'>"),
    (b"\x80\x02](K\x01K\x02u.", "Can only SETITEMS for dict, collections.OrderedDict, collections.Counter, but got "
                                "<class 'list'>"),
    (b"\x80\x02X\x01\x00\x00\x00aQ.", "persistent_load id must be tuple or int, but got <class 'str'>"),
    (b"\x80\x02X\x01\x00\x00\x00a\x85Q.", "Only persistent_load of storage is allowed, but got <class 'str'>"),
    (b"\x80\x02S'x'\n.", "Unsupported operand 83"),
    (b"\x80\x02]}b.", "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, "
                      "but got <class 'list'>"),
    (b"\x80\x02})\x81.", "Can only create new object for nn.Parameter or classes allowlisted via `add_safe_globals` "
                        "but got {}"),
])
def test_weights_only_unpickler_refusals(pickled, message):
    with pytest.raises(pickle.UnpicklingError) as error:
        weights_only_load(pickled)
    assert str(error.value).startswith(message)


def test_weights_only_blocked_modules_stay_blocked_even_when_allowed(tmp_path):
    with torch.serialization.safe_globals([os.getcwd]):
        with pytest.raises(pickle.UnpicklingError, match="whose module posix is blocked|whose module os is blocked"):
            weights_only_load(b"\x80\x02c" + os.getcwd.__module__.encode() + b"\ngetcwd\n)R.")


def test_weights_only_runs_pytorchs_opcodes():
    pickled = pickle.dumps({"a": [1, -2, 300, 70000, 2**40, -2**70, 1.5, None, True, False, "s", (), (1,), (1, 2),
                                  (1, 2, 3), (1, 2, 3, 4)], "o": collections.OrderedDict(x=1),
                            "c": collections.Counter("aa"), "set": {1}, "b": b"x", "ba": bytearray(b"y"),
                            "z": 1j}, protocol=2)
    assert weights_only_load(pickled) == pickle.loads(pickled)


# ---- files PyTorch wrote ----------------------------------------------------------------------------

EXPECTED = json.loads((STORED / "expected.json").read_text())


def check_like_pytorch(directory, expected):
    """Loads tensors.pt, legacy.pt and model_optimizer.pt from `directory` and compares them
    with PyTorch's description of the same files."""
    for name in ["tensors.pt", "legacy.pt", "model_optimizer.pt"]:
        loaded = torch.load(directory / name)
        assert normalized(describe(loaded)) == normalized(expected[name]["object"]), name
        assert sharing(loaded) == sorted(expected[name]["sharing"]), name
    # The model gives PyTorch's output, and the optimizer takes PyTorch's next step.
    checkpoint = torch.load(directory / "model_optimizer.pt")
    reference = expected["model_optimizer.pt"]
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict(checkpoint["model"])
    output = model(checkpoint["input"]).reshape(-1).tolist()
    assert all(abs(a - b) <= 1e-6 * max(1, abs(b)) for a, b in zip(output, reference["output"], strict=True))
    optimizer = torch.optim.Adam(model.parameters())
    optimizer.load_state_dict(checkpoint["optimizer"])
    group = optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["weight_decay"]) == (0.1, (0.8, 0.9), 0.01)
    for p, g in zip(model.parameters(), checkpoint["grads"], strict=True):
        p.grad = g
    optimizer.step()
    for p, want in zip(model.parameters(), reference["parameters_after_step"], strict=True):
        got = p.detach().reshape(-1).tolist()
        assert all(abs(a - b) <= 1e-6 * max(1, abs(b)) for a, b in zip(got, want, strict=True))


def check_refusals(directory):
    with pytest.raises(RuntimeError, match=r"swiftgrad has no dtype torch\.complex64"):
        torch.load(directory / "complex.pt")
    with pytest.raises(RuntimeError, match=r"swiftgrad has no dtype torch\.uint16"):
        torch.load(directory / "uint16.pt")
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL argparse.Namespace was not an allowed global"):
        torch.load(directory / "namespace.pt")
    # torch.save of a whole torch.nn module: its classes are PyTorch's, not swiftgrad's.
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL torch\.nn\.modules\.container\.Sequential was not an "
                                                     "allowed global by default"):
        torch.load(directory / "whole_module.pt")
    with pytest.raises(RuntimeError, match=r"^swiftgrad cannot load torch\.nn\.modules\.container\.Sequential: it has "
                                           "no equivalent of this PyTorch object"):
        torch.load(directory / "whole_module.pt", weights_only=False)
    for weights_only, message in [(True, "Cannot use ``weights_only=True`` with TorchScript archives passed to "
                                         "``torch.load``. In PyTorch 2.6"),
                                  (False, "swiftgrad cannot load TorchScript archives")]:
        with pytest.warns(UserWarning, match="looks like a TorchScript archive"):
            with pytest.raises(RuntimeError, match="^" + re.escape(message)):
                torch.load(directory / "scripted.pt", weights_only=weights_only)


def test_pytorch_files_load_as_pytorch_sees_them():
    check_like_pytorch(STORED, EXPECTED)
    check_refusals(STORED)


@pytest.mark.parametrize("name", ["tensors.pt", "model_optimizer.pt"])
def test_saving_what_pytorch_wrote_gives_pytorchs_bytes(name, tmp_path):
    original = (STORED / name).read_bytes()
    torch.save(torch.load(STORED / name), tmp_path / name)
    again = (tmp_path / name).read_bytes()
    a, b = records(original), records(again)
    assert a.pop(".data/serialization_id") != b.pop(".data/serialization_id")
    assert a == b  # every record, in the same order
    start = zipfile.ZipFile(io.BytesIO(original)).getinfo(name[:-3] + "/.data/serialization_id").header_offset
    assert len(original) == len(again) and original[:start] == again[:start]  # and the same layout


# ---- with PyTorch --------------------------------------------------------------------------------------

def run_torch(code, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SWIFTGRAD_LIBRARY")}
    result = subprocess.run([TORCH_PYTHON, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


TORCH_DESCRIBES = r"""
import importlib.util, json, sys
import torch
spec = importlib.util.spec_from_file_location("torch_checkpoints", sys.argv[1])
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)
results = {}
for path in sys.argv[2:]:
    weights_only = not path.endswith("_full.pt")
    obj = torch.load(path, weights_only=weights_only)
    results[path.rsplit("/", 1)[1]] = {"object": tc.describe(obj), "sharing": tc.sharing(obj)}
print(json.dumps(results))
"""


@needs_torch
def test_pytorch_loads_what_swiftgrad_saves(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    training_step(model, optimizer, torch.randn(5, 3))
    objects = {
        "tensors.pt": torch_like_objects(),
        "model_optimizer.pt": {"model": model.state_dict(), "optimizer": optimizer.state_dict()},
        "views_full.pt": {"x": torch.arange(6.0).reshape(2, 3).t(), "y": torch.ones(2, dtype=torch.bfloat16)},
    }
    torch.save(objects["tensors.pt"], tmp_path / "tensors.pt")
    torch.save(objects["model_optimizer.pt"], tmp_path / "model_optimizer.pt")
    torch.save(objects["tensors.pt"], tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    objects["legacy.pt"] = objects["tensors.pt"]
    torch.save(objects["views_full.pt"], tmp_path / "views_full.pt", pickle_protocol=4)
    names = ["tensors.pt", "model_optimizer.pt", "legacy.pt", "views_full.pt"]
    seen = json.loads(run_torch(TORCH_DESCRIBES, SCRIPT, *(tmp_path / n for n in names), cwd=tmp_path))
    for name in names:
        assert normalized(seen[name]["object"]) == normalized(describe(objects[name])), name
        assert sorted(seen[name]["sharing"]) == sharing(objects[name]), name


@needs_torch
def test_pytorch_loads_swiftgrad_state_dicts_into_its_modules(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(5, 3)
    training_step(model, optimizer, x)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "x": x}, tmp_path / "ckpt.pt")
    code = r"""
import json, sys, torch
ckpt = torch.load(sys.argv[1])
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
model.load_state_dict(ckpt["model"])
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.1)
optimizer.load_state_dict(ckpt["optimizer"])
optimizer.zero_grad()
model(ckpt["x"]).pow(2).sum().backward()
optimizer.step()
print(json.dumps([p.detach().flatten().tolist() for p in model.parameters()]))
"""
    after = json.loads(run_torch(code, tmp_path / "ckpt.pt", cwd=tmp_path))
    training_step(model, optimizer, x)
    for p, want in zip(model.parameters(), after, strict=True):
        got = p.detach().reshape(-1).tolist()
        assert all(abs(a - b) <= 1e-6 * max(1, abs(b)) for a, b in zip(got, want, strict=True))


@needs_torch
def test_fresh_pytorch_files_load_as_pytorch_sees_them(tmp_path):
    run_torch(f"import runpy, sys; sys.argv = ['x', {str(tmp_path)!r}]; runpy.run_path({str(SCRIPT)!r}, "
              "run_name='__main__')", cwd=tmp_path)
    expected = json.loads((tmp_path / "expected.json").read_text())
    check_like_pytorch(tmp_path, expected)
    check_refusals(tmp_path)
    with pytest.raises(RuntimeError) as error:
        torch.load(tmp_path / "cuda.pt")
    assert str(error.value) == CUDA_MESSAGE
    for name in ["tensors.pt", "model_optimizer.pt"]:
        torch.save(torch.load(tmp_path / name), tmp_path / ("again_" + name))
        a, b = records((tmp_path / name).read_bytes()), records((tmp_path / ("again_" + name)).read_bytes())
        a.pop(".data/serialization_id"), b.pop(".data/serialization_id")
        assert a == b


@needs_torch
def test_weights_only_allows_exactly_pytorchs_globals(tmp_path):
    code = ("import json, torch\nfrom torch._weights_only_unpickler import _get_allowed_globals\n"
            "print(json.dumps(sorted(_get_allowed_globals())))")
    assert json.loads(run_torch(code, cwd=tmp_path)) == sorted(_pt_pickle.ALLOWED_GLOBALS)


@needs_torch
def test_weights_only_errors_are_pytorchs(tmp_path):
    files = {
        "namespace.pt": saved_bytes({"o": argparse.Namespace(a=1)}),
        "protocol4.pt": saved_bytes({"t": torch.ones(1)}, pickle_protocol=4),
        "blocked.pt": crafted(b"\x80\x02cos\nsystem\nq\x00."),
        "append.pt": crafted(b"\x80\x02}N\x61."),
        "legacy.pt": saved_bytes({"o": argparse.Namespace(a=1)}, _use_new_zipfile_serialization=False),
        **{f"version_{v}.pt": crafted(saved_pickle, version=v) for v in VERSION_REFUSALS},
    }
    messages = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as error:
                torch.load(tmp_path / name)
        messages[name] = [type(error.value).__name__, str(error.value)]
    code = r"""
import json, sys, warnings, torch
warnings.simplefilter("ignore")
messages = {}
for path in sys.argv[1:]:
    try:
        torch.load(path)
        messages[path.rsplit("/", 1)[1]] = None
    except Exception as e:
        messages[path.rsplit("/", 1)[1]] = [type(e).__name__, str(e)]
print(json.dumps(messages))
"""
    assert json.loads(run_torch(code, *(tmp_path / name for name in files), cwd=tmp_path)) == messages
