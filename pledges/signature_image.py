"""Server-side checks of a drawn signature: a real PNG of sane size with real ink on it."""

import base64
import binascii
import io
import struct
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageChops

MAX_BYTES = 300_000
MAX_WIDTH, MAX_HEIGHT = 3000, 1500
MIN_WIDTH, MIN_HEIGHT = 100, 40
MIN_INK_PIXELS = 60
MIN_INK_SPAN = 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"


def decode_data_url(data_url: str) -> bytes:
    """The browser sends the pad as a PNG data URL; anything else is refused."""
    data_url = (data_url or "").strip()
    if not data_url:
        raise ValidationError(_("Tanda tangan belum dibuat."), code="missing")
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("Tanda tangan harus berupa gambar PNG."), code="format")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("Gambar tanda tangan terlalu besar."), code="too_big")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("Data tanda tangan rusak."), code="corrupt") from None


def validate_png(data: bytes) -> None:
    """Refuse non-PNG bytes, absurd sizes, decompression bombs and blank pads."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Gambar tanda tangan terlalu besar."), code="too_big")
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("Tanda tangan harus berupa gambar PNG."), code="format")
    chunks = _chunks(data)
    if chunks is None:
        raise ValidationError(_("Gambar tanda tangan rusak."), code="corrupt")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            if not (MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT):
                raise ValidationError(
                    _("Ukuran gambar tanda tangan tidak wajar (%(w)d x %(h)d piksel).")
                    % {"w": width, "h": height},
                    code="dimensions",
                )
            ink = _ink_mask(_decoded(image, b"".join(chunks.get(b"IDAT", []))))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many types on hostile bytes; all mean corrupt
        raise ValidationError(_("Gambar tanda tangan rusak."), code="corrupt") from None
    bbox = ink.getbbox()
    ink_pixels = ink.histogram()[255]
    if (
        bbox is None
        or ink_pixels < MIN_INK_PIXELS
        or max(bbox[2] - bbox[0], bbox[3] - bbox[1]) < MIN_INK_SPAN
    ):
        raise ValidationError(
            _("Tanda tangan masih kosong atau terlalu kecil. Silakan tanda tangani di kotak."),
            code="blank",
        )


MAX_INFLATED = 64 * 2**20
# What a browser's canvas sends (8-bit, not interlaced, no palette) and Image.frombytes can
# decode from the image data alone.
PLAIN_MODES = {"RGBA", "RGB", "LA", "L"}


def _chunks(data: bytes) -> dict[bytes, list[bytes]] | None:
    """The chunks' bodies by kind, when every chunk is whole with its checksum, IHDR first,
    IEND last and the image data in consecutive IDAT chunks (Pillow's loader stops at the
    first other chunk: split data would pass the ink check and print half); else None."""
    position, kinds, bodies = len(PNG_MAGIC), [], {}
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        end = position + 12 + length
        if end > len(data) or len(body) != length:
            return None
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            return None
        if kind == b"IDAT" and b"IDAT" in kinds and kinds[-1] != b"IDAT":
            return None
        kinds.append(kind)
        bodies.setdefault(kind, []).append(body)
        position = end
        if kind == b"IEND":
            break
    whole = position == len(data) and kinds[:1] == [b"IHDR"] and kinds[-1:] == [b"IEND"]
    return bodies if whole else None


def _decoded(image: Image.Image, idat: bytes) -> Image.Image:
    """The pixels, refusing image data cut short (a zlib stream that stops mid-way). Pillow's
    loader would pad it silently once anything in the process (WeasyPrint does) sets
    LOAD_TRUNCATED_IMAGES; frombytes raises instead. A browser's PNG is decoded once,
    straight from its image data; any other kind (palette, transparency chunk, interlace, 16
    bits) only after the data inflated whole. Either way a stream that finishes early, with
    rows missing, is padded with blank rows: what is checked is what the certificate prints."""
    rawmode = image.tile[0][3]  # (decoder, extents, offset, rawmode) in every Pillow
    plain = rawmode == image.mode in PLAIN_MODES and not image.info.get("interlace")
    if plain and "transparency" not in image.info:
        decoded = Image.new(image.mode, image.size)
        decoded.frombytes(idat, "zip", image.mode)
        return decoded
    if not _inflates_whole(idat):
        raise ValueError("image data ends early")
    image.load()
    return image


def _inflates_whole(idat: bytes) -> bool:
    """One finished zlib stream, inflating to at most MAX_INFLATED bytes."""
    inflater, inflated = zlib.decompressobj(), 0
    try:
        while idat and not inflater.eof:
            inflated += len(inflater.decompress(idat, 1 << 20))
            idat = inflater.unconsumed_tail
            if inflated > MAX_INFLATED:
                return False
    except zlib.error:
        return False
    return inflater.eof


OPAQUE = [255 if a > 64 else 0 for a in range(256)]
DARK = [255 if v < 200 else 0 for v in range(256)]


def _ink_mask(image: Image.Image) -> Image.Image:
    """Pixels that are visibly drawn, 255 where opaque and darker than the paper, else 0."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    return ImageChops.multiply(rgba.getchannel("A").point(OPAQUE), rgba.convert("L").point(DARK))


def clean_signature(data_url: str) -> bytes:
    data = decode_data_url(data_url)
    validate_png(data)
    return data
