"""Intake of auditors' evidence photos: validate, read capture time and place, strip metadata.

Pure function, no Django: the upload view hands ``process_photo`` the uploaded file and stores
what comes back (or shows ``PhotoRejected.reason`` to the auditor).

What happens, in order:
1. At most ``max_bytes + 1`` bytes are read; one byte more than the limit is a rejection.
2. Pillow opens the bytes with a JPEG/PNG/WebP allowlist, so no other decoder (EPS, TIFF, GIF…)
   ever sees them. The header's width and height (``Image.open`` is lazy: the size is known
   before ``load()``) are checked against ``max_pixels`` and the decoded size (width × height ×
   bytes per pixel) against ``max_decoded_bytes`` before a single pixel is decoded: a 150 KB
   single-colour PNG of 6300×6300 (151 MB decoded) is refused in milliseconds. Pillow's own
   decompression-bomb warning and error are both refusals too.
3. ``verify()`` on one instance, then a fresh instance is fully decoded (``load()``) without
   ``LOAD_TRUNCATED_IMAGES``, so truncated or corrupt files are rejected.
4. EXIF ``DateTimeOriginal`` (+ ``OffsetTimeOriginal``/``SubSecTimeOriginal``) and the GPS position
   are read. Anything malformed just gives ``None``.
5. The picture is turned upright (the ``ImageOps.exif_transpose`` table) and re-encoded, in the
   uploaded format, from a fresh image that carries pixels only: no EXIF, GPS, XMP, ICC, comments
   or PNG text chunks survive. A JPEG thumbnail is rendered alongside, on a second thread.

Caveats:
- ``warnings.catch_warnings`` is not thread-safe before Python 3.14; under threaded servers the
  "warning as error" filter may occasionally not be in force. The explicit ``max_pixels`` check
  does not depend on it, so the guarantee holds as long as ``max_pixels`` is below
  ``PIL.Image.MAX_IMAGE_PIXELS`` (about 89 Mpx by default); beyond that, Pillow itself reports
  such images as decompression bombs.
- Memory stays a small multiple of ``max_decoded_bytes`` (the decoded image, its upright copy
  and the thumbnail's source). ``Image.draft()`` (JPEG decoding at 1/2…1/8 scale) would not help:
  the full-resolution picture is what is stored; the thumbnail is resized with ``reducing_gap``.
- Colour profiles are dropped, not converted: wide-gamut (Display P3) photos look slightly
  duller than the original.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import re
import typing
import warnings
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.urls import reverse
from PIL import Image

MEGABYTE = 1024 * 1024

ALLOWED_FORMATS = ["JPEG", "PNG", "WEBP"]
# Pillow reports a JPEG carrying several pictures (phones' depth/portrait shots) as "MPO".
OUTPUT_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # plus RIFF....WEBP, see _looks_like_allowed_format

JPEG_QUALITY = 88
WEBP_QUALITY = 85
# libwebp's default effort (4) takes ~1.2 s for 12 Mpx on this hardware; 2 takes half that for a
# file about 4% larger.
WEBP_METHOD = 2
THUMBNAIL_QUALITY = 80
THUMBNAIL_BACKGROUND = (255, 255, 255)

# EXIF tags (see PIL.ExifTags).
TAG_ORIENTATION = 0x0112
IFD_EXIF = 0x8769
IFD_GPS = 0x8825
TAG_DATETIME_ORIGINAL = 36867
TAG_OFFSET_TIME_ORIGINAL = 36881
TAG_SUBSEC_TIME_ORIGINAL = 37521
TAG_GPS_LATITUDE_REF = 1
TAG_GPS_LATITUDE = 2
TAG_GPS_LONGITUDE_REF = 3
TAG_GPS_LONGITUDE = 4

# Same table as PIL.ImageOps.exif_transpose.
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

DATETIME_RE = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
OFFSET_RE = re.compile(r"([+-])(\d{2}):?(\d{2})")

ExifTags = dict[str, dict[int, typing.Any]]  # {"base": IFD0, "exif": Exif IFD, "gps": GPS IFD}

REASON_NOT_AN_IMAGE = "The file is not a JPEG, PNG or WebP image."
REASON_CORRUPT = "The image is truncated or corrupt."
REASON_BOMB = "The image looks like a decompression bomb."


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 10 * MEGABYTE
    max_pixels: int = 40_000_000  # width*height
    # What the decoded image holds in memory, width*height*bytes per pixel as Pillow stores it (4
    # for RGB, RGBA, P, CMYK…: they are all converted to 32-bit pixels on the way; 1 for L).
    max_decoded_bytes: int = 128 * MEGABYTE
    thumbnail_size: int = 480  # longest edge of the thumbnail


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes  # the cleaned image, re-encoded, no metadata at all
    content_type: str  # image/jpeg, image/png or image/webp (same format as uploaded)
    extension: str  # "jpg", "png", "webp"
    width: int
    height: int
    thumbnail: bytes  # JPEG, longest edge thumbnail_size (never upscaled), no metadata
    captured_at: datetime.datetime | None  # aware; EXIF offset if present, else default_tz
    latitude: float | None  # decimal degrees, south negative
    longitude: float | None  # decimal degrees, west negative
    sha256: str  # hex digest of content


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; ``reason`` is a sentence to show the auditor."""

    def __init__(self, reason: str, code: str = "rejected") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # stable, machine-readable: not_an_image, corrupt, too_large, too_many_pixels, bomb


def process_photo(
    stream: typing.BinaryIO,
    *,
    limits: PhotoLimits = PhotoLimits(),
    default_tz: datetime.tzinfo = zoneinfo.ZoneInfo("Asia/Shanghai"),  # noqa: B008 - immutable
) -> ProcessedPhoto:
    """Validate an uploaded photo and return it cleaned, with its capture time, place and thumbnail.

    Raises ``PhotoRejected`` for anything that is not a sound JPEG, PNG or WebP within ``limits``.
    """
    data = _read_limited(stream, limits.max_bytes)
    img, exif = _decode(data, limits)
    source_format = OUTPUT_FORMAT[img.format or ""]

    captured_at = _captured_at(exif, default_tz)
    latitude, longitude = _position(exif)
    transpose = ORIENTATION_TRANSPOSE.get(_orientation(exif))

    img = _normalise_mode(img, source_format)
    thumbnail_source = _thumbnail_source(img)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-thumbnail") as pool:
        # Pillow releases the GIL while resizing and encoding, so the thumbnail costs ~no wall time.
        thumbnail = pool.submit(_render_thumbnail, thumbnail_source, transpose, limits.thumbnail_size)
        clean = _fresh_upright_image(img, transpose)
        content = _encode(clean, source_format)
        thumbnail_bytes = thumbnail.result()

    return ProcessedPhoto(
        content=content,
        content_type=CONTENT_TYPES[source_format],
        extension=EXTENSIONS[source_format],
        width=clean.width,
        height=clean.height,
        thumbnail=thumbnail_bytes,
        captured_at=captured_at,
        latitude=latitude,
        longitude=longitude,
        sha256=hashlib.sha256(content).hexdigest(),
    )


# --- reading and decoding -------------------------------------------------------------------


def _read_limited(stream: typing.BinaryIO, max_bytes: int) -> bytes:
    chunks = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise PhotoRejected(f"The file is larger than {_format_number(max_bytes / MEGABYTE)} MB.", "too_large")
    return b"".join(chunks)


def _decode(data: bytes, limits: PhotoLimits) -> tuple[Image.Image, ExifTags]:
    """Open, check size, verify, reopen, fully decode and read EXIF; Pillow failures become PhotoRejected."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # "Corrupt EXIF data…": malformed EXIF is expected from hostile uploads and yields None.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
                _check_pixels(probe, limits)
                probe.verify()
            img = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            _check_pixels(img, limits)
            img.load()
            exif = _read_exif(img)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(REASON_BOMB, "bomb") from exc
    except Image.UnidentifiedImageError as exc:
        if _looks_like_allowed_format(data):
            raise PhotoRejected(REASON_CORRUPT, "corrupt") from exc
        raise PhotoRejected(REASON_NOT_AN_IMAGE, "not_an_image") from exc
    except ValueError as exc:
        # PNG text chunks that inflate past PngImagePlugin.MAX_TEXT_CHUNK / MAX_TEXT_MEMORY.
        if "Decompressed data too large" in str(exc) or "MAX_TEXT_MEMORY" in str(exc):
            raise PhotoRejected(REASON_BOMB, "bomb") from exc
        raise PhotoRejected(REASON_CORRUPT, "corrupt") from exc
    except Exception as exc:
        # OSError ("image file is truncated"), SyntaxError, EOFError, struct.error, zlib.error…:
        # whatever a decoder raises on hostile input means the same thing to the auditor.
        raise PhotoRejected(REASON_CORRUPT, "corrupt") from exc
    if img.format not in OUTPUT_FORMAT:  # pragma: no cover - the allowlist already guarantees this
        raise PhotoRejected(REASON_NOT_AN_IMAGE, "not_an_image")
    return img, exif


def _check_pixels(img: Image.Image, limits: PhotoLimits) -> None:
    # Image.open only parses the header: the size is known, nothing is decoded yet.
    width, height = img.size
    if width <= 0 or height <= 0:
        raise PhotoRejected(REASON_CORRUPT, "corrupt")
    if width * height > limits.max_pixels:
        megapixels = _format_number(limits.max_pixels / 1_000_000)
        raise PhotoRejected(f"The image has more than {megapixels} megapixels.", "too_many_pixels")
    decoded = width * height * _bytes_per_pixel(img.mode)
    if decoded > limits.max_decoded_bytes:
        raise PhotoRejected(
            f"The image is {width}×{height} pixels: decoded it would take "
            f"{_format_number(decoded / MEGABYTE)} MB, more than the "
            f"{_format_number(limits.max_decoded_bytes / MEGABYTE)} MB allowed.",
            "too_many_pixels",
        )


def _bytes_per_pixel(mode: str) -> int:
    """Memory per pixel once decoded and normalised: only 8-bit grey stays at one byte."""
    return 1 if mode == "L" else 4


def _looks_like_allowed_format(data: bytes) -> bool:
    return data.startswith(SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _format_number(value: float) -> str:
    """10.0 -> "10", 2.5 -> "2.5", 0.01 -> "0.01"."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value >= 1 else f"{value:.2g}"


# --- metadata ---------------------------------------------------------------------------------


def _read_exif(img: Image.Image) -> ExifTags:
    """Return {"base": IFD0, "exif": Exif IFD, "gps": GPS IFD} as plain dicts; empty when unreadable."""
    result: ExifTags = {"base": {}, "exif": {}, "gps": {}}
    try:
        exif = img.getexif()
        result["base"] = dict(exif)
    except Exception:
        return result
    for key, ifd in (("exif", IFD_EXIF), ("gps", IFD_GPS)):
        try:
            result[key] = dict(exif.get_ifd(ifd))
        except Exception:
            result[key] = {}
    return result


def _orientation(exif: ExifTags) -> int:
    value = exif["base"].get(TAG_ORIENTATION, 1)
    return value if isinstance(value, int) else 1


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 \t\r\n")


def _captured_at(exif: ExifTags, default_tz: datetime.tzinfo) -> datetime.datetime | None:
    tags = exif["exif"]
    text = _text(tags.get(TAG_DATETIME_ORIGINAL))
    match = DATETIME_RE.fullmatch(text) if text else None
    if not match:
        return None
    try:
        naive = datetime.datetime(*(int(part) for part in match.groups()))
    except ValueError:  # "0000:00:00 00:00:00", month 13…
        return None

    subsec = _text(tags.get(TAG_SUBSEC_TIME_ORIGINAL))
    if subsec and subsec.isascii() and subsec.isdigit():
        naive = naive.replace(microsecond=int(subsec[:6].ljust(6, "0")))

    offset = _text(tags.get(TAG_OFFSET_TIME_ORIGINAL))
    match = OFFSET_RE.fullmatch(offset) if offset else None
    if match:
        sign, hours, minutes = match.groups()
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes))
        if delta < datetime.timedelta(hours=24) and int(minutes) < 60:
            return naive.replace(tzinfo=datetime.timezone(-delta if sign == "-" else delta))
    return naive.replace(tzinfo=default_tz)


def _position(exif: ExifTags) -> tuple[float | None, float | None]:
    gps = exif["gps"]
    latitude = _coordinate(gps.get(TAG_GPS_LATITUDE), gps.get(TAG_GPS_LATITUDE_REF), "N", "S", 90)
    longitude = _coordinate(gps.get(TAG_GPS_LONGITUDE), gps.get(TAG_GPS_LONGITUDE_REF), "E", "W", 180)
    if latitude is None or longitude is None:
        return None, None  # half a position is no position
    if latitude == 0 and longitude == 0:
        return None, None  # "null island": what phones write when they have no fix
    return latitude, longitude


def _coordinate(value: object, ref: object, positive: str, negative: str, bound: float) -> float | None:
    hemisphere = (_text(ref) or "").upper()
    if hemisphere not in (positive, negative):
        return None
    if not isinstance(value, tuple | list):
        value = (value,)
    if not 1 <= len(value) <= 3:
        return None
    try:
        parts = [float(part) for part in value]  # IFDRational, int or float
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    if any(part >= 60 for part in parts[1:]):
        return None
    degrees = sum(part / 60**index for index, part in enumerate(parts))
    if degrees > bound:
        return None
    return round(-degrees if hemisphere == negative else degrees, 7)


# --- pixels -----------------------------------------------------------------------------------


def _normalise_mode(img: Image.Image, output_format: str) -> Image.Image:
    """Convert to a mode the output format stores, while ``img.info`` (transparency) is still there."""
    mode = img.mode
    has_transparency = "transparency" in img.info
    if output_format == "JPEG":
        return img if mode in ("RGB", "L") else img.convert("RGB")
    if output_format == "WEBP":
        if mode in ("RGB", "RGBA"):
            return img
        has_alpha = has_transparency or "A" in mode
        return img.convert("RGBA" if has_alpha else "RGB")
    # PNG: keep what PNG stores natively; fold transparency (a tRNS chunk, kept in info) into alpha.
    if mode in ("1", "L") and has_transparency:
        return img.convert("LA")
    if mode in ("P", "RGB") and has_transparency:
        return img.convert("RGBA")
    if mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        return img  # a 16-bit grey image's transparency colour (rare) is dropped with the metadata
    return img.convert("RGBA" if "A" in mode else "RGB")


def _fresh_upright_image(img: Image.Image, transpose: Image.Transpose | None) -> Image.Image:
    """A new image holding the pixels only: ``copy``/``transpose`` build a plain Image, info is dropped."""
    clean = img.transpose(transpose) if transpose is not None else img.copy()
    clean.info = {}
    return clean


def _encode(img: Image.Image, output_format: str) -> bytes:
    buffer = io.BytesIO()
    if output_format == "JPEG":
        img.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    elif output_format == "WEBP":
        img.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        img.save(buffer, "PNG")
    return buffer.getvalue()


def _thumbnail_source(img: Image.Image) -> Image.Image:
    """``img`` itself when it is RGB, L or RGBA, else a converted copy (made here, before threading)."""
    if img.mode in ("RGB", "L", "RGBA"):
        return img
    if img.mode == "I;16":
        # 16-bit samples: scale to 8 bits rather than letting convert("L") clip at 255.
        return img.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    return img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")


def _render_thumbnail(img: Image.Image, transpose: Image.Transpose | None, size: int) -> bytes:
    width, height = img.size
    scale = size / max(width, height)
    if scale < 1:
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = img.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    else:
        small = img.copy()  # never upscale
    if transpose is not None:
        small = small.transpose(transpose)
    if small.mode == "RGBA":
        flat = Image.new("RGB", small.size, THUMBNAIL_BACKGROUND)
        flat.paste(small, mask=small.getchannel("A"))
        small = flat
    elif small.mode != "RGB":
        small = small.convert("RGB")
    small.info = {}
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=False, progressive=False)
    return buffer.getvalue()


def photo_file_url(photo, *, thumbnail: bool = False) -> str:
    """Where a photo's image is read: the scoped ``/api/photos/{uuid}/``, never a public media URL."""
    url = reverse("photo-detail", kwargs={"uuid": photo.uuid})
    return f"{url}?variant=thumbnail" if thumbnail else url
