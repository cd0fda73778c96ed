"""safetensors files read and written with torch alone, for machines without the `safetensors` package.

The same API as `safetensors.torch`: `load_file(path, device="cpu")` and
`save_file(tensors, path, metadata=None)`, plus `load_metadata(path)` (what `safe_open(...).metadata()`
gives). The layout: an 8-byte little-endian header length, a JSON header
`{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}` (offsets into the
data that follows), then the tensors' bytes, little-endian and contiguous.
"""
import ctypes
import json
import struct
import sys

import torch

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


def _check_byte_order():
    if sys.byteorder != "little":
        raise SafetensorsError("safetensors_io reads and writes little-endian machines only; install safetensors.")


def _read_header(path, data):
    if len(data) < 8:
        raise SafetensorsError(f"{path}: too short for a safetensors file ({len(data)} bytes).")
    (size,) = struct.unpack("<Q", data[:8])
    if size > _MAX_HEADER or 8 + size > len(data):
        raise SafetensorsError(
            f"{path}: the header length ({size}) runs past the file: it is truncated or not safetensors."
        )
    try:
        header = json.loads(bytes(data[8 : 8 + size]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: the header is not JSON ({e}): not a safetensors file.") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: the header is not a JSON object: not a safetensors file.")
    return header, 8 + size


def load_metadata(path):
    """The file's `__metadata__` (a dict of strings), or None when it has none."""
    with open(path, "rb") as f:
        head = f.read(8)
        (size,) = struct.unpack("<Q", head) if len(head) == 8 else (None,)
        if size is None or size > _MAX_HEADER:
            raise SafetensorsError(f"{path}: not a safetensors file (no valid header length).")
        header, _ = _read_header(path, head + f.read(size))
    return header.get("__metadata__")


def load_file(path, device="cpu"):
    """Every tensor of the file, by name, on `device`."""
    _check_byte_order()
    with open(path, "rb") as f:
        data = f.read()
    header, start = _read_header(path, data)
    body = len(data) - start
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = _DTYPES[info["dtype"]]
            shape = [int(d) for d in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(f"{path}: tensor {name!r} has an unreadable entry {info!r}.") from None
        count = 1
        for d in shape:
            count *= d
        itemsize = torch.empty((), dtype=dtype).element_size()
        if not 0 <= begin <= end <= body or end - begin != count * itemsize:
            raise SafetensorsError(
                f"{path}: tensor {name!r} ({info['dtype']} {shape}) has offsets {begin}..{end} that do not fit "
                f"its size or the file ({body} bytes of data): the file is damaged."
            )
        if count == 0:
            tensor = torch.empty(shape, dtype=dtype)
        else:
            # A copy of its bytes: an aligned, writable buffer that the tensor keeps alive.
            chunk = bytearray(data[start + begin : start + end])
            tensor = torch.frombuffer(chunk, dtype=dtype).reshape(shape)
        tensors[name] = tensor.to(device)
    return tensors


def _tensor_bytes(tensor):
    t = tensor.detach().to("cpu").contiguous()
    nbytes = t.numel() * t.element_size()
    # Read through the data pointer: no numpy needed (torch's wheels do not require it).
    return ctypes.string_at(t.data_ptr(), nbytes) if nbytes else b""


def save_file(tensors, path, metadata=None):
    """Writes `tensors` (name → tensor) to `path`, with `metadata` (str → str) in the header."""
    _check_byte_order()
    header = {}
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorsError("safetensors metadata maps strings to strings; encode other values as JSON.")
        header["__metadata__"] = dict(metadata)
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name]
        if not isinstance(tensor, torch.Tensor):
            raise SafetensorsError(f"{name!r} is a {type(tensor).__name__}, not a tensor.")
        if tensor.dtype not in _NAMES:
            raise SafetensorsError(f"{name!r}: dtype {tensor.dtype} has no safetensors name here.")
        raw = _tensor_bytes(tensor)
        header[name] = {
            "dtype": _NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Padded with spaces so that the data starts 8-byte aligned, as the safetensors package writes.
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
