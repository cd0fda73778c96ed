"""Read and write safetensors files with PyTorch alone.

The same API as ``safetensors.torch`` (``load_file`` and ``save_file``), plus ``load_metadata``
(what ``safe_open(...).metadata()`` gives), for machines without the safetensors package: an
8-byte little-endian header length, a JSON header
``{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`` padded
with spaces to a multiple of 8 bytes, then each tensor's little-endian bytes. Written by CNN
Studio beside model.py; works on torch 1.13 and 2.x.
"""

import json
import os
import sys

import torch

__all__ = ["SafetensorsError", "load_file", "load_metadata", "save_file"]

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}
# The safetensors package refuses larger headers too.
_MAX_HEADER = 100_000_000


class SafetensorsError(ValueError):
    """A file that is not a safetensors file, or tensors that cannot be written as one."""


def _element_size(dtype):
    return torch.empty((), dtype=dtype).element_size()


def _numel(shape):
    count = 1
    for size in shape:
        count *= size
    return count


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _from_bytes(buffer, begin, end, dtype, shape):
    """A tensor of ``shape`` over ``buffer[begin:end]`` (little-endian bytes).

    It shares the buffer's memory when the offset suits the dtype, else it has a copy of its own.
    """
    if begin == end:
        return torch.empty(shape, dtype=dtype)
    size = _element_size(dtype)
    if begin % size:
        flat = torch.frombuffer(bytearray(buffer[begin:end]), dtype=dtype)
    else:
        flat = torch.frombuffer(buffer, dtype=dtype, offset=begin, count=(end - begin) // size)
    if sys.byteorder == "big" and size > 1:
        flat = _swap_bytes(flat)
    return flat.reshape(shape)


def _swap_bytes(flat):
    """The same values with their bytes reversed (for big-endian machines)."""
    size = flat.element_size()
    swapped = flat.view(torch.uint8).reshape(-1, size).flip(1).contiguous()
    return swapped.view(flat.dtype).reshape(-1)


def _error(filename):
    def bad(why):
        return SafetensorsError(f"{os.fspath(filename)} is not a valid safetensors file: {why}.")

    return bad


def _header(filename, data, size):
    """The JSON header of a file of ``size`` bytes whose first bytes are ``data``, and its end."""
    bad = _error(filename)
    if size < 8:
        raise bad(f"it has {size} bytes, fewer than the 8 of its header length")
    length = int.from_bytes(data[:8], "little")
    if length > _MAX_HEADER:
        raise bad(f"its header length {length} is over {_MAX_HEADER} bytes")
    if 8 + length > size:
        raise bad(f"its header ({length} bytes) runs past the end of the file ({size} bytes)")
    try:
        header = json.loads(bytes(data[8:8 + length]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise bad(f"its header is not UTF-8 JSON ({e})") from None
    if not isinstance(header, dict):
        raise bad("its header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and (not isinstance(metadata, dict)
                                 or not all(isinstance(v, str) for v in metadata.values())):
        raise bad("__metadata__ is not a map of strings")
    return header, metadata, 8 + length


def load_metadata(filename):
    """The file's ``__metadata__`` (a dict of strings), or None when it has none."""
    with open(filename, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(8)
        length = int.from_bytes(head, "little") if len(head) == 8 else 0
        data = head + f.read(min(length, _MAX_HEADER))
    return _header(filename, data, size)[1]


def load_file(filename, device="cpu"):
    """The tensors of a safetensors file, by name, in the file's order, on ``device``."""
    # One writable buffer for the whole file: the tensors share it rather than copy it again.
    with open(filename, "rb") as f:
        data = bytearray(os.fstat(f.fileno()).st_size)
        f.readinto(data)
    bad = _error(filename)
    header, _, start = _header(filename, data, len(data))

    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise bad(f"tensor {name!r} is not {{dtype, shape, data_offsets}}")
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            known = ", ".join(_DTYPES)
            raise bad(f"tensor {name!r} has dtype {info['dtype']!r}, not one of {known}")
        shape, offsets = info["shape"], info["data_offsets"]
        if not isinstance(shape, list) or not all(_is_count(s) for s in shape):
            raise bad(f"tensor {name!r} has shape {shape!r}, not a list of sizes")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(_is_count(o) for o in offsets) or offsets[0] > offsets[1]):
            raise bad(f"tensor {name!r} has data_offsets {offsets!r}, not [begin, end]")
        size = _numel(shape) * _element_size(dtype)
        span = offsets[1] - offsets[0]
        if span != size:
            raise bad(f"tensor {name!r} needs {size} bytes, its offsets span {span}")
        entries.append((name, dtype, shape, offsets))

    # The tensors tile the data exactly: no gap, no overlap, nothing left over.
    end = 0
    for name, _, _, (begin, stop) in sorted(entries, key=lambda e: tuple(e[3])):
        if begin != end:
            raise bad(f"tensor {name!r} starts at {begin}, after the previous one ends at {end}")
        end = stop
    if end != len(data) - start:
        raise bad(f"the tensors hold {end} bytes, the file {len(data) - start} after its header")

    return {
        name: _from_bytes(data, start + begin, start + stop, dtype, shape).to(device)
        for name, dtype, shape, (begin, stop) in entries
    }


def save_file(tensors, filename, metadata=None):
    """Writes ``tensors`` (a dict of name to tensor) and string ``metadata`` as safetensors."""
    header = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorsError("metadata maps strings to strings; encode other values as JSON")
        header["__metadata__"] = dict(metadata)
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        if not isinstance(tensor, torch.Tensor):
            raise SafetensorsError(f"{name!r} is not a tensor but a {type(tensor).__name__}")
        if tensor.dtype not in _NAMES:
            raise SafetensorsError(f"tensor {name!r} has dtype {tensor.dtype}: not writable here")
        if tensor.layout != torch.strided:
            raise SafetensorsError(f"tensor {name!r} is {tensor.layout}: make it dense first")
        flat = tensor.detach().to("cpu").contiguous().reshape(-1)
        if sys.byteorder == "big" and flat.element_size() > 1:
            flat = _swap_bytes(flat)
        # Copied into a bytearray through a uint8 view of the same memory: no numpy needed.
        raw = bytearray(flat.numel() * flat.element_size())
        if raw:
            torch.frombuffer(raw, dtype=torch.uint8).copy_(flat.view(torch.uint8))
        header[name] = {
            "dtype": _NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(filename, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for raw in chunks:
            f.write(raw)
