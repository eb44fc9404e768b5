"""Upright photos and thumbnails (Pillow, no I/O)."""

from __future__ import annotations

import io

from PIL import Image

from feedback import images, photos


def encoded(kind: str, size: tuple[int, int], orientation: int | None, mode: str = "RGB") -> bytes:
    image = Image.new(mode, size)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def test_each_type_is_turned_upright_and_stays_so_without_metadata() -> None:
    for kind, mime in (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")):
        data = images.upright(encoded(kind, (40, 20), 6), mime)
        assert Image.open(io.BytesIO(data)).size == (20, 40), kind
        clean = photos.without_metadata(data, mime)
        assert Image.open(io.BytesIO(clean)).size == (20, 40), kind


def test_upright_photos_and_unreadable_bytes_are_kept_as_they_are() -> None:
    plain = encoded("JPEG", (40, 20), None)
    assert images.upright(plain, "image/jpeg") == plain
    normal = encoded("JPEG", (40, 20), 1)
    assert images.upright(normal, "image/jpeg") == normal
    junk = b"\xff\xd8\xff\xe0" + b"\x00" * 50
    assert images.upright(junk, "image/jpeg") == junk
    assert images.thumbnail(junk) is None


def test_thumbnails_are_small_upright_jpegs() -> None:
    thumb = images.thumbnail(encoded("JPEG", (1600, 800), 8))
    assert thumb is not None
    small = Image.open(io.BytesIO(thumb))
    assert small.format == "JPEG" and small.size == (160, 320)
    transparent = images.thumbnail(encoded("PNG", (100, 50), None, "RGBA"))
    assert transparent is not None and Image.open(io.BytesIO(transparent)).size == (100, 50)


def test_public_copies_are_encoded_again_with_nothing_but_pixels() -> None:
    for fmt, kind in (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")):
        exif = Image.Exif()
        exif[0x8825] = {2: (30.0, 30.0, 0.0)}  # a GPS position
        exif[0x010F] = "camera maker"
        exif[0x0112] = 6  # turned on its side
        out = io.BytesIO()
        Image.new("RGB", (40, 20), (200, 30, 30)).save(out, fmt, exif=exif.tobytes())
        sent = out.getvalue() + b"secret trailing bytes"
        public = images.reencoded(sent, kind)
        assert public is not None, kind
        again = Image.open(io.BytesIO(public))
        assert again.format == fmt and again.size == (20, 40)  # upright
        assert not dict(again.getexif()) and b"secret" not in public and b"camera" not in public
    assert images.reencoded(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png") is None
