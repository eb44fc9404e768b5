"""Photo types by content, and the local store, without the database."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from feedback.photos import LocalDiskStore, NotAnImage, sniff, without_metadata


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


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + data))
    return struct.pack(">I", len(data)) + kind + data + crc


def webp_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def test_jpeg_loses_exif_xmp_comments_and_previews_but_keeps_pixels_and_colour() -> None:
    jfif = jpeg_segment(0xE0, b"JFIF\x00\x01\x02")
    icc = jpeg_segment(0xE2, b"ICC_PROFILE\x00\x01\x01profile")
    scan = jpeg_segment(0xDA, b"\x01\x02\x03") + b"\x12\xff\x00\x34\xff\xd9"
    photo = (
        b"\xff\xd8"
        + jfif
        + jpeg_segment(0xE1, b"Exif\x00\x00GPS 30.5N 114.3E")
        + jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")
        + icc
        + jpeg_segment(0xE2, b"MPF\x00preview")
        + jpeg_segment(0xED, b"Photoshop 3.0\x00iptc")
        + jpeg_segment(0xFE, b"taken by stu-1")
        + jpeg_segment(0xDB, b"\x00" * 65)
        + scan
    )
    clean = without_metadata(photo, "image/jpeg")
    assert clean == b"\xff\xd8" + jfif + icc + jpeg_segment(0xDB, b"\x00" * 65) + scan
    for secret in (b"GPS", b"xmpmeta", b"preview", b"iptc", b"stu-1"):
        assert secret not in clean


def test_png_loses_text_time_and_exif_chunks() -> None:
    keep = png_chunk(b"IHDR", b"\x00" * 13) + png_chunk(b"IDAT", b"pixels")
    photo = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", b"\x00" * 13)
        + png_chunk(b"tEXt", b"Author\x00stu-1")
        + png_chunk(b"eXIf", b"MM\x00*GPS")
        + png_chunk(b"IDAT", b"pixels")
        + png_chunk(b"iTXt", b"Comment\x00x")
        + png_chunk(b"IEND", b"")
    )
    clean = without_metadata(photo, "image/png")
    assert clean == b"\x89PNG\r\n\x1a\n" + keep + png_chunk(b"IEND", b"")


def test_webp_loses_exif_and_xmp_and_says_so_in_its_header() -> None:
    vp8x = bytes([0x08 | 0x04 | 0x10]) + b"\x00" * 9
    body = (
        webp_chunk(b"VP8X", vp8x)
        + webp_chunk(b"VP8 ", b"frame")
        + webp_chunk(b"EXIF", b"GPS 30.5N")
        + webp_chunk(b"XMP ", b"<x:xmpmeta/>")
    )
    photo = b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
    clean = without_metadata(photo, "image/webp")
    kept = webp_chunk(b"VP8X", bytes([0x10]) + b"\x00" * 9) + webp_chunk(b"VP8 ", b"frame")
    assert clean == b"RIFF" + struct.pack("<I", 4 + len(kept)) + b"WEBP" + kept
    assert b"GPS" not in clean and b"xmpmeta" not in clean


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00", "image/jpeg"),  # a segment cut short
        (b"\xff\xd8\xff\xe1\xff\xff" + b"x" * 10, "image/jpeg"),  # longer than the file
        (b"\xff\xd8" + jpeg_segment(0xE0, b"JFIF"), "image/jpeg"),  # never reaches the image
        (b"\x89PNG\r\n\x1a\n\x00\x00\x10\x00IDATshort", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 \xff\x00\x00\x00", "image/webp"),
        (b"\x89PNG\r\n\x1a\n", "image/jpeg"),  # not what it claims
        (b"GIF89a", "image/gif"),
    ],
)
def test_what_cannot_be_followed_is_refused_not_published(data: bytes, kind: str) -> None:
    with pytest.raises(NotAnImage):
        without_metadata(data, kind)


async def test_local_store_deletes(tmp_path: Path) -> None:
    store = LocalDiskStore(tmp_path)
    await store.put("abcdef", b"data")
    await store.delete("abcdef")
    await store.delete("abcdef")  # already gone: no error
    assert await store.get("abcdef") is None
