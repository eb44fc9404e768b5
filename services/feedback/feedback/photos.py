"""Photo storage behind one small interface (local disk by default), and what a photo may be:
JPEG, PNG or WebP recognised by its first bytes (never by the client's say-so), within a size;
and a copy without metadata (EXIF GPS position, camera serial, comments) for public links."""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import time
from pathlib import Path
from typing import Protocol

SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
)


def sniff(head: bytes) -> str | None:
    """The image type of these first bytes, or None when it is not an allowed image."""
    for magic, offset, kind in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if kind == "image/webp" and head[:4] != b"RIFF":
                continue
            return kind
    return None


class PhotoStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


class LocalDiskStore:
    """Files under `root`, written atomically (temporary file, then rename)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if "/" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.exists() else None)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def older_than(self, seconds: float) -> list[str]:
        """Keys of the files last written more than `seconds` ago (unfinished writes too)."""
        return await asyncio.to_thread(self._older_than, time.time() - seconds)

    def _older_than(self, cutoff: float) -> list[str]:
        keys = []
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            for path in folder.iterdir() if folder.is_dir() else ():
                with contextlib.suppress(FileNotFoundError):
                    if path.is_file() and path.stat().st_mtime < cutoff:
                        keys.append(path.name)
        return keys

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)


class NotAnImage(ValueError):
    """The bytes do not parse as the image type they start like."""


# JPEG markers that carry metadata: APP1 (EXIF, XMP), APP13 (IPTC), COM; APP2 unless it is an
# ICC colour profile (APP2 also holds MPF preview images).
_JPEG_DROP = {0xE1, 0xED, 0xFE}
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])
    i = 2
    while True:
        if i + 4 > len(data) or data[i] != 0xFF:
            raise NotAnImage("broken JPEG segment")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        end = i + 2 + length
        if length < 2 or end > len(data):
            raise NotAnImage("broken JPEG segment length")
        segment = data[i:end]
        icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        if not (marker in _JPEG_DROP or (marker == 0xE2 and not icc)):
            out += segment
        if marker == 0xDA:  # start of scan: the image data follows to the end
            return bytes(out + data[end:])
        i = end


def _png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    i = 8
    while i < len(data):
        if i + 12 > len(data):
            raise NotAnImage("broken PNG chunk")
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(data):
            raise NotAnImage("broken PNG chunk length")
        if kind not in _PNG_DROP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            break
    return bytes(out)


def _webp(data: bytes) -> bytes:
    chunks = bytearray()
    i = 12
    while i < len(data):
        if i + 8 > len(data):
            raise NotAnImage("broken WebP chunk")
        kind = data[i : i + 4]
        (size,) = struct.unpack("<I", data[i + 4 : i + 8])
        end = i + 8 + size + (size & 1)
        if i + 8 + size > len(data):
            raise NotAnImage("broken WebP chunk size")
        chunk = bytearray(data[i:end])
        if kind == b"VP8X" and size >= 1:
            chunk[8] &= ~0x0C & 0xFF  # no longer says it has EXIF (0x08) or XMP (0x04)
        if kind not in _WEBP_DROP:
            chunks += chunk
        i = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def without_metadata(data: bytes, kind: str) -> bytes:
    """The image without its metadata segments (pixels untouched); raises NotAnImage when the
    structure cannot be followed, so that nothing unchecked is published."""
    strip = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}.get(kind)
    if strip is None or sniff(data[:16]) != kind:
        raise NotAnImage(f"not a {kind}")
    return strip(data)
