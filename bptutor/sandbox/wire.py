"""Frames: how jobs go into the sandbox and numbers come out, without pickles.

A frame is ``[4-byte header length][8-byte payload length][JSON header][payload]``.
The header is JSON; arrays travel in the payload as raw little-endian bytes, described
in the header by ``{"$a": i}`` placeholders and a list ``"arrays": [[dtype, shape], ...]``.
Decoding trusts nothing: lengths, dtypes, shapes and nesting are checked against caps
before anything is allocated, and every decoded array owns its own bytes (a payload
cannot make one array appear twice), so the memory a frame costs is bounded by its size.

Used on both sides of the sandbox; imports nothing from bptutor but the trial protocol.
"""
from __future__ import annotations

import json
import math
import struct

import numpy as np

from ..trials import FunSpec

_LENGTHS = struct.Struct(">IQ")
#: dtypes an array may have on the wire
DTYPES = {"f8": np.dtype("<f8"), "i8": np.dtype("<i8"), "b1": np.dtype("?")}
#: nesting depth of a decoded value
MAX_DEPTH = 12


class WireError(ValueError):
    """A frame or value that does not follow the format (it is described, never trusted)."""


# --------------------------------------------------------------------------- values
def encode_value(value, arrays: list):
    """A JSON-able skeleton of ``value``; its arrays are appended to ``arrays``.

    Accepts None, bools, ints, floats (NaN and infinities too), strings, lists, tuples,
    dicts with string keys, numeric NumPy arrays and scalars, and :class:`FunSpec`.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else {"$f": repr(v)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        kind = {"f": "f8", "i": "i8", "u": "i8", "b": "b1"}.get(value.dtype.kind)
        if kind is None:
            raise WireError(f"an array of dtype {value.dtype} cannot be sent")
        arrays.append(np.ascontiguousarray(value, dtype=DTYPES[kind]))
        return {"$a": len(arrays) - 1}
    if isinstance(value, FunSpec):
        return {"$funspec": value.kind, "params": encode_value(value.params, arrays)}
    if isinstance(value, tuple):
        return {"$t": [encode_value(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode_value(v, arrays) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) and not k.startswith("$") for k in value):
            raise WireError("dict keys must be strings not starting with '$'")
        return {k: encode_value(v, arrays) for k, v in value.items()}
    raise WireError(f"a {type(value).__name__} cannot be sent")


def decode_value(skeleton, arrays: list, depth: int = 0):
    """Inverse of :func:`encode_value` (each ``{"$a": i}`` may be used once)."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if skeleton is None or isinstance(skeleton, (bool, int, float, str)):
        return skeleton
    if isinstance(skeleton, list):
        return [decode_value(v, arrays, depth + 1) for v in skeleton]
    if not isinstance(skeleton, dict):
        raise WireError(f"unexpected {type(skeleton).__name__} in a value")
    if "$a" in skeleton:
        i = skeleton["$a"]
        if set(skeleton) != {"$a"} or type(i) is not int or not 0 <= i < len(arrays) or arrays[i] is None:
            raise WireError("bad or reused array reference")
        found, arrays[i] = arrays[i], None
        return found
    if "$f" in skeleton:
        text = skeleton["$f"]
        if set(skeleton) != {"$f"} or text not in ("nan", "inf", "-inf"):
            raise WireError("bad special float")
        return float(text)
    if "$t" in skeleton:
        if set(skeleton) != {"$t"} or not isinstance(skeleton["$t"], list):
            raise WireError("bad tuple")
        return tuple(decode_value(v, arrays, depth + 1) for v in skeleton["$t"])
    if "$funspec" in skeleton:
        if set(skeleton) != {"$funspec", "params"} or not isinstance(skeleton["$funspec"], str):
            raise WireError("bad test function")
        params = decode_value(skeleton["params"], arrays, depth + 1)
        if not isinstance(params, dict):
            raise WireError("bad test function parameters")
        return FunSpec(skeleton["$funspec"], params)
    if any(k.startswith("$") for k in skeleton):
        raise WireError("unknown special key")
    return {k: decode_value(v, arrays, depth + 1) for k, v in skeleton.items()}


# --------------------------------------------------------------------------- frames
def pack(header: dict, values: dict | None = None) -> bytes:
    """One frame: ``header`` (JSON-able) plus ``values`` encoded under ``header["values"]``."""
    arrays: list = []
    body = dict(header)
    if values is not None:
        body["values"] = encode_value(values, arrays)
    body["arrays"] = [[_dtype_name(a.dtype), list(a.shape)] for a in arrays]
    text = json.dumps(body, allow_nan=False, ensure_ascii=True).encode()
    payload = b"".join(a.tobytes() for a in arrays)
    return _LENGTHS.pack(len(text), len(payload)) + text + payload


def _dtype_name(dtype) -> str:
    return next(name for name, d in DTYPES.items() if d == dtype)


class FrameReader:
    """Splits a byte stream into frames, with caps on every length.

    ``feed(data)`` then ``frames()`` yields ``(header, values)`` for each complete frame;
    an incomplete frame at the end of the stream is ignored (a process killed mid-write).
    The first malformed frame stops reading (``error`` says why).
    """

    def __init__(self, max_header: int = 2**20, max_payload: int = 64 * 2**20,
                 max_elements: int = 8 * 2**20):
        self.buffer = bytearray()
        self.max_header, self.max_payload, self.max_elements = max_header, max_payload, max_elements
        self.error = ""

    def feed(self, data: bytes) -> None:
        if not self.error:
            self.buffer += data

    def frames(self):
        while not self.error and len(self.buffer) >= _LENGTHS.size:
            n_header, n_payload = _LENGTHS.unpack_from(self.buffer)
            if n_header > self.max_header or n_payload > self.max_payload:
                self.error = f"a result frame is too large ({n_header} + {n_payload} bytes)"
                return
            end = _LENGTHS.size + n_header + n_payload
            if len(self.buffer) < end:
                return
            raw = bytes(self.buffer[_LENGTHS.size:end])
            del self.buffer[:end]
            try:
                yield unpack(raw, n_header, self.max_elements)
            except (WireError, ValueError, UnicodeDecodeError) as exc:
                self.error = f"a malformed result frame ({str(exc)[:200]})"
                return


def split_frames(buffer: bytearray, max_bytes: int = 256 * 2**20):
    """Remove and return the whole frames at the start of ``buffer`` (bytes, undecoded)."""
    frames = []
    while len(buffer) >= _LENGTHS.size:
        n_header, n_payload = _LENGTHS.unpack_from(buffer)
        end = _LENGTHS.size + n_header + n_payload
        if end > max_bytes or len(buffer) < end:
            break
        frames.append(bytes(buffer[:end]))
        del buffer[:end]
    return frames


def unpack_frame(data: bytes, max_elements: int = 8 * 2**20):
    """``(header, values)`` of exactly one whole frame (``WireError`` otherwise)."""
    if len(data) < _LENGTHS.size:
        raise WireError("no frame")
    n_header, n_payload = _LENGTHS.unpack_from(data)
    if len(data) != _LENGTHS.size + n_header + n_payload:
        raise WireError("the frame's length does not match its header")
    return unpack(data[_LENGTHS.size:], n_header, max_elements)


def unpack(raw: bytes, n_header: int, max_elements: int):
    """``(header, values)`` of one frame body (header bytes then payload)."""
    header = json.loads(raw[:n_header].decode("utf-8"))
    if not isinstance(header, dict):
        raise WireError("a frame header must be an object")
    specs = header.pop("arrays", [])
    if not isinstance(specs, list):
        raise WireError("bad array list")
    arrays, offset, elements = [], n_header, 0
    for spec in specs:
        if not (isinstance(spec, list) and len(spec) == 2 and spec[0] in DTYPES and isinstance(spec[1], list)
                and len(spec[1]) <= 32 and all(type(d) is int and d >= 0 for d in spec[1])):
            raise WireError("bad array description")
        dtype = DTYPES[spec[0]]
        count = math.prod(spec[1])
        elements += count
        if elements > max_elements:
            raise WireError(f"more than {max_elements} numbers in one frame")
        size = count * dtype.itemsize
        if offset + size > len(raw):
            raise WireError("arrays longer than the payload")
        arrays.append(np.frombuffer(raw, dtype=dtype, count=count, offset=offset).reshape(spec[1]).copy())
        offset += size
    if offset != len(raw):
        raise WireError("payload longer than its arrays")
    values = decode_value(header.pop("values", None), arrays)
    return header, values
