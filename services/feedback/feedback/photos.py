"""Photo storage behind one small interface (local disk by default), and what a photo may be:
JPEG, PNG or WebP recognised by its first bytes (never by the client's say-so), within a size."""

from __future__ import annotations

import asyncio
import os
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

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
