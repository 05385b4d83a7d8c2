"""The zip container of PyTorch's checkpoints (torch.save since PyTorch 1.6), written the way
PyTorch's PyTorchFileWriter (miniz) writes it, so that files are byte-compatible with its reader:
every record stored uncompressed under one top-level folder (the archive name), its data at a
multiple of 64 bytes from the start of the archive (the local header's extra field is padding:
"FB", a little-endian length, then 'Z's), a data descriptor after each record that has data, and
zip64 end records always. Offsets are counted from where the archive starts in the stream (a buffer that
already held bytes keeps them in front of the archive), as PyTorch counts them.

The reader accepts any zip of stored (or deflated) records under one folder, as PyTorch's does.
"""
from __future__ import annotations

import os
import re
import struct
import zlib

__all__ = ["ZipWriter", "ZipReader", "archive_name", "ALIGNMENT"]

#: Where storage data (and every record) starts: a multiple of this many bytes.
ALIGNMENT = 64

_UINT32_MAX = 0xFFFFFFFF
_MIN_VERSION, _MAX_VERSION = 1, 10  # the file format versions PyTorch 2.15's reader accepts
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")     # 30 bytes
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")  # 46 bytes
_END = struct.Struct("<IHHHHIIH")                  # 22 bytes
_END64 = struct.Struct("<IQHHIIQQQQ")              # 56 bytes
_LOCATOR64 = struct.Struct("<IIQI")                # 20 bytes
_UTF8 = 0x0800        # general purpose flag bit 11: UTF-8 names
_DESCRIPTOR = 0x0008  # bit 3: sizes in a data descriptor after the data (records that have data)


def archive_name(path: str) -> str:
    """The folder PyTorch names the archive after for a file path: the last path component
    ('/' and '\\' both separate) without its last extension ("ckpt/model.v1.pt" -> "model.v1").
    Raises PyTorch's error when nothing is left (".pt", "dir/")."""
    start = max(path.rfind("/"), path.rfind("\\")) + 1
    dot = path.rfind(".", start)
    name = path[start:dot if dot >= 0 else len(path)]
    if not name:
        raise RuntimeError(f"[enforce fail at inline_container.cc:719] . invalid file name: {path}")
    return name


class ZipWriter:
    """Writes records one after another to `write` (a function taking bytes), as
    PyTorchFileWriter does: write_record(name, data) for each, then finish()."""

    def __init__(self, write, name: str = "archive"):
        self._write = write
        self._prefix = name + "/"
        self._position = 0
        self._entries = []  # (name bytes, crc, size, local header offset)
        self._names = set()

    def _emit(self, data):
        if len(data):
            self._write(data)
            self._position += len(data)

    def write_record(self, name: str, data) -> None:
        """Adds a record named `name` (inside the archive folder) holding `data` (bytes-like)."""
        if name in self._names:
            raise RuntimeError(f"Tried to serialize file twice: {name}")
        self._names.add(name)
        data = memoryview(data).cast("B")
        full = (self._prefix + name).encode("utf-8")
        size, offset = len(data), self._position
        big = size >= _UINT32_MAX or offset >= _UINT32_MAX
        zip64 = b""
        if big:  # miniz's zip64 extra field: the sizes when they are large, the offset when it is
            fields = (struct.pack("<QQ", size, size) if size >= _UINT32_MAX else b"") + (
                struct.pack("<Q", offset) if offset >= _UINT32_MAX else b"")
            zip64 = struct.pack("<HH", 1, len(fields)) + fields
        start = offset + _LOCAL_HEADER.size + len(full) + len(zip64) + 4
        padding = -start % ALIGNMENT
        extra = zip64 + b"FB" + struct.pack("<H", padding) + b"Z" * padding
        crc = zlib.crc32(data)
        flags = _UTF8 | (_DESCRIPTOR if size else 0)
        self._emit(_LOCAL_HEADER.pack(0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(full), len(extra)) + full + extra)
        self._emit(data)
        if size:
            self._emit(struct.pack("<IIQQ" if big else "<IIII", 0x08074B50, crc, size, size))
        self._entries.append((full, crc, size, offset))

    def finish(self) -> None:
        """Writes the central directory and the end records."""
        start = self._position
        for full, crc, size, offset in self._entries:
            fields = (struct.pack("<QQ", size, size) if size >= _UINT32_MAX else b"") + (
                struct.pack("<Q", offset) if offset >= _UINT32_MAX else b"")
            extra = struct.pack("<HH", 1, len(fields)) + fields if fields else b""
            small = min(size, _UINT32_MAX)
            flags = _UTF8 | (_DESCRIPTOR if size else 0)
            self._emit(_CENTRAL_HEADER.pack(0x02014B50, 0, 0, flags, 0, 0, 0, crc, small, small, len(full),
                                            len(extra), 0, 0, 0, 0, min(offset, _UINT32_MAX)) + full + extra)
        size, count, end64 = self._position - start, len(self._entries), self._position
        self._emit(_END64.pack(0x06064B50, _END64.size - 12, 0x031E, 0x002D, 0, 0, count, count, size, start))
        self._emit(_LOCATOR64.pack(0x07064B50, 0, end64, 1))
        self._emit(_END.pack(0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), min(size, _UINT32_MAX),
                             min(start, _UINT32_MAX), 0))


class ZipReader:
    """The records of a PyTorch archive in a seekable binary file, read on demand. Offsets
    count from the file's position when the reader is made."""

    def __init__(self, file):
        self._file = file
        self._base = file.tell()
        file.seek(0, os.SEEK_END)
        total = file.tell() - self._base
        tail_size = min(total, _END.size + 0xFFFF)
        tail = self._read(total - tail_size, tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _END.size > len(tail):
            raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding central directory")
        _, _, _, _, count, cd_size, cd_offset, _ = _END.unpack_from(tail, at)
        locator = at - _LOCATOR64.size
        if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            _, _, end64, _ = _LOCATOR64.unpack_from(tail, locator)
            record = self._read(end64, _END64.size)
            if record[:4] == b"PK\x06\x06":
                _, _, _, _, _, _, _, count, cd_size, cd_offset = _END64.unpack(record)
        directory = self._read(cd_offset, cd_size)
        self._records = {}
        self.names = []
        position = 0
        for _ in range(count):
            if directory[position:position + 4] != b"PK\x01\x02":
                raise RuntimeError("PytorchStreamReader failed reading zip archive: invalid header or archive is corrupted")
            fields = _CENTRAL_HEADER.unpack_from(directory, position)
            method, csize, usize = fields[4], fields[8], fields[9]
            name_length, extra_length, comment_length, offset = fields[10], fields[11], fields[12], fields[16]
            position += _CENTRAL_HEADER.size
            name = directory[position:position + name_length].decode("utf-8")
            extra = directory[position + name_length:position + name_length + extra_length]
            position += name_length + extra_length + comment_length
            usize, csize, offset = _zip64_values(extra, usize, csize, offset)
            self._records[name] = (method, csize, usize, offset)
            self.names.append(name)
        if not self.names:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: archive is empty")
        first = self.names[0]
        if "/" not in first:
            raise RuntimeError(f"file in archive is not in a subdirectory: {first}")
        self.prefix = first[:first.index("/") + 1]
        self._check_version()

    def _check_version(self):
        """Refuses archives without a file format version PyTorch reads (1 to 10), as it does."""
        name = ".data/version" if self.has_record(".data/version") else "version"
        if not self.has_record(name):
            raise RuntimeError('Expected hasRecord("version") to be true, but got false.  (Could this error message '
                               'be improved?  If so, please report an enhancement request to PyTorch.)')
        text = self.get_record(name).decode("latin-1")
        number = re.match(r"\s*[+-]?\d+", text)
        if number is None:
            raise RuntimeError(f"[enforce fail at inline_container.cc:214] . Couldn't parse the version {text} as "
                               "Long Long.")
        version = int(number.group())
        if version < _MIN_VERSION:
            raise RuntimeError(f"[enforce fail at inline_container.cc:218] . Attempted to read a PyTorch file with "
                               f"version {version}, but the minimum supported version for reading is {_MIN_VERSION}. "
                               "Your PyTorch script module file is too old. Please regenerate it with latest version "
                               "of PyTorch to mitigate this issue.")
        if version > _MAX_VERSION:
            raise RuntimeError(f"[enforce fail at inline_container.cc:229] . Attempted to read a PyTorch file with "
                               f"version {version}, but the maximum supported version for reading is {_MAX_VERSION}. "
                               "The version of your PyTorch installation may be too old, please upgrade PyTorch to "
                               "latest version to mitigate this issue.")

    def _read(self, offset, size):
        self._file.seek(self._base + offset)
        data = self._file.read(size)
        if len(data) != size:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: file is truncated")
        return data

    def has_record(self, name: str) -> bool:
        return self.prefix + name in self._records

    def records(self):
        """The record names inside the archive folder."""
        return [n[len(self.prefix):] for n in self.names if n.startswith(self.prefix)]

    def get_record(self, name: str) -> bytes:
        entry = self._records.get(self.prefix + name)
        if entry is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        method, csize, usize, offset = entry
        header = self._read(offset, _LOCAL_HEADER.size)
        if header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header or archive is corrupted")
        fields = _LOCAL_HEADER.unpack(header)
        data = self._read(offset + _LOCAL_HEADER.size + fields[9] + fields[10], csize)
        if method == 8:
            data = zlib.decompress(data, -15)
        elif method != 0:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: unsupported compression method {method}")
        if len(data) != usize:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: size mismatch")
        return data


def _zip64_values(extra, usize, csize, offset):
    """The sizes and offset a central directory entry gives, taking those that are 0xFFFFFFFF
    from its zip64 extra field (in the order the zip specification lists them)."""
    position = 0
    while position + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4:position + 4 + length]
        position += 4 + length
        if tag != 1:
            continue
        values, at = [], 0
        for value in (usize, csize, offset):
            if value == _UINT32_MAX and at + 8 <= len(body):
                values.append(struct.unpack_from("<Q", body, at)[0])
                at += 8
            else:
                values.append(value)
        return tuple(values)
    return usize, csize, offset
