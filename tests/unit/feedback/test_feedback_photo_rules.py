"""Photo types by content, and the local store, without the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.photos import LocalDiskStore, sniff


def test_types_are_recognised_by_their_first_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"XXXX\x00\x00\x00\x00WEBPVP8 ") is None
    assert sniff(b"GIF89a") is None
    assert sniff(b"<svg xmlns=") is None
    assert sniff(b"") is None


async def test_local_store_round_trip(tmp_path: Path) -> None:
    store = LocalDiskStore(tmp_path)
    await store.put("abcdef", b"data")
    assert await store.get("abcdef") == b"data"
    assert await store.get("missing") is None
    assert (tmp_path / "ab" / "abcdef").read_bytes() == b"data"
    with pytest.raises(ValueError):
        await store.put("../etc", b"x")
