"""Pixels of a photo (Pillow): turn it upright as the camera meant it, and make its thumbnail.

A phone stores a portrait photo as landscape pixels plus an EXIF orientation tag; once the tag
is stripped (public copies lose their metadata) the photo lies on its side. `upright` applies
the tag to the pixels (Pillow's `ImageOps.exif_transpose`) before anything else is done with
it. Bytes Pillow cannot read are kept as they are (they still passed the type check)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_PX = 320  # the long side of a thumbnail
MAX_PIXELS = 50_000_000  # beyond this (a 48 MP phone photo is 48 M), not decoded here
ORIENTATION = 0x0112
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    Image.DecompressionBombError,
)


def _open(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
    except _UNREADABLE:
        return None
    if image.width * image.height > MAX_PIXELS:
        return None
    return image


def upright(data: bytes, kind: str) -> bytes:
    """The photo with its EXIF orientation applied to the pixels (and the tag removed); the
    same bytes when it is already upright or cannot be read."""
    image = _open(data)
    if image is None:
        return data
    try:
        if image.getexif().get(ORIENTATION, 1) == 1:
            return data
        turned = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        options: dict[str, object] = {"exif": turned.info.get("exif", b"")}
        if icc := image.info.get("icc_profile"):
            options["icc_profile"] = icc
        if kind == "image/jpeg":
            options["quality"] = 92
        turned.save(out, _FORMATS[kind], **options)
        return out.getvalue()
    except _UNREADABLE:
        return data


def reencoded(data: bytes, kind: str) -> bytes | None:
    """The photo decoded and encoded again in its own format, upright, with nothing but its
    pixels: no EXIF, text chunks, colour profile or bytes hidden after the image (for the public
    feed); None when the bytes cannot be read as an image (then it is not published)."""
    image = _open(data)
    if image is None or kind not in _FORMATS:
        return None
    try:
        image = ImageOps.exif_transpose(image)
        pixels = Image.frombytes(image.mode, image.size, image.tobytes())
        if (palette := image.getpalette()) is not None and image.mode == "P":
            pixels.putpalette(palette)
        out = io.BytesIO()
        options: dict[str, object] = {"quality": 90} if kind == "image/jpeg" else {}
        pixels.save(out, _FORMATS[kind], **options)
        return out.getvalue()
    except _UNREADABLE:
        return None


def thumbnail(data: bytes) -> bytes | None:
    """A JPEG at most THUMB_PX on its long side, upright, without metadata; None when the
    bytes cannot be read as an image."""
    image = _open(data)
    if image is None:
        return None
    try:
        image.draft("RGB", (THUMB_PX * 2, THUMB_PX * 2))  # JPEG: decode at a reduced scale
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMB_PX, THUMB_PX))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()
    except _UNREADABLE:
        return None
