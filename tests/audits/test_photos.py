"""Tests for the evidence-photo intake in ``audits.photos``.

Pure: no database, no files on disk. Every image is generated in memory with Pillow (or, for the
hostile ones, assembled byte by byte), so no binary fixture is committed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import struct
import time
import warnings
import zlib
import zoneinfo

import pytest
from PIL import Image, ImageCms, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from audits.photos import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo

NOT_AN_IMAGE = "The file is not a JPEG, PNG or WebP image."
CORRUPT = "The image is truncated or corrupt."
BOMB = "The image looks like a decompression bomb."

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretCam 1.0"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
COMMENT = "auditor 07 was here"
ICC_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --- building test images ---------------------------------------------------------------------


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """Something photo-like enough: gradients in every channel."""
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    vertical = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    return Image.merge("RGB", (horizontal, vertical, radial)).convert(mode)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_with(
    *,
    taken: str | None = None,
    offset: str | None = None,
    subsec: str | None = None,
    gps: dict | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    details = exif.get_ifd(0x8769)
    if taken is not None:
        details[36867] = taken
    if offset is not None:
        details[36881] = offset
    if subsec is not None:
        details[37521] = subsec
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    return exif


# The Bund, Shanghai: 31°14'24.6"N 121°29'26.4"E.
BUND_GPS = {1: "N", 2: (31.0, 14.0, 24.6), 3: "E", 4: (121.0, 29.0, 26.4)}
BUND_LATITUDE = 31 + 14 / 60 + 24.6 / 3600
BUND_LONGITUDE = 121 + 29 / 60 + 26.4 / 3600


def process(data: bytes, **kwargs) -> ProcessedPhoto:
    return process_photo(io.BytesIO(data), **kwargs)


def rejection(data: bytes, **kwargs) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        process(data, **kwargs)
    return caught.value


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_from_chunks(width: int, height: int, *chunks: bytes, bit_depth: int = 8, colour_type: int = 0) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + b"".join(chunks) + png_chunk(b"IEND", b"")


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A small baseline JPEG whose SOF0 header has been rewritten to claim other dimensions."""
    data = bytearray(encode(picture((16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to start-of-scan."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while True:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # SOS: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length


def png_chunk_types(data: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        types.append(data[position + 4 : position + 8])
        position += 12 + length
    return types


def riff_chunk_types(data: bytes) -> list[bytes]:
    types, position = [], 12
    while position < len(data):
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        types.append(data[position : position + 4])
        position += 8 + length + (length & 1)
    return types


def assert_no_metadata(data: bytes) -> None:
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif()
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "icc_profile"):
        assert key not in reopened.info
    for needle in (b"Exif", b"http://ns.adobe.com/xap", b"SecretCam", COMMENT.encode(), b"acsp"):
        assert needle not in data
    if reopened.format == "JPEG":
        # SOI APP0(JFIF) DQT SOF DHT SOS: no APP1 (EXIF/XMP), APP2 (ICC), APP13 or COM segment.
        assert set(jpeg_segments(data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDD, 0xDA}
    elif reopened.format == "PNG":
        assert set(png_chunk_types(data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    else:
        assert set(riff_chunk_types(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


# --- accepted formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_jpeg_png_and_webp_are_accepted_in_the_same_format_with_their_size(fmt, content_type, extension):
    photo = process(encode(picture((320, 200)), fmt))

    assert (photo.content_type, photo.extension) == (content_type, extension)
    assert (photo.width, photo.height) == (320, 200)
    reopened = Image.open(io.BytesIO(photo.content))
    assert reopened.format == fmt
    assert reopened.size == (320, 200)
    reopened.load()


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_a_plain_jpeg():
    mpo = encode(picture((120, 80)), "MPO", save_all=True, append_images=[picture((120, 80))])
    assert Image.open(io.BytesIO(mpo)).format == "MPO"

    photo = process(mpo)

    assert photo.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"


@pytest.mark.parametrize(
    ("mode", "fmt", "params"),
    [
        ("CMYK", "JPEG", {}),
        ("L", "JPEG", {}),
        ("1", "PNG", {}),
        ("P", "PNG", {}),
        ("P", "PNG", {"transparency": 0}),
        ("LA", "PNG", {}),
        ("RGBA", "PNG", {}),
        ("I;16", "PNG", {}),
        ("RGBA", "WEBP", {}),
        ("RGB", "WEBP", {"lossless": True}),
    ],
)
def test_every_colour_mode_the_formats_carry_is_processed(mode, fmt, params):
    photo = process(encode(picture((90, 60), mode), fmt, **params))

    assert (photo.width, photo.height) == (90, 60)
    assert Image.open(io.BytesIO(photo.content)).format == fmt
    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert (thumbnail.format, thumbnail.mode, thumbnail.size) == ("JPEG", "RGB", (90, 60))


def test_palette_transparency_survives_as_an_alpha_channel():
    image = Image.new("P", (40, 40), 1)
    image.putpalette([255, 255, 255, 200, 0, 0])
    image.paste(0, (0, 0, 20, 40))  # left half: palette entry 0, declared transparent

    photo = process(encode(image, "PNG", transparency=0))

    clean = Image.open(io.BytesIO(photo.content))
    assert clean.mode == "RGBA"
    assert clean.getpixel((5, 5))[3] == 0
    assert clean.getpixel((30, 5)) == (200, 0, 0, 255)


# --- EXIF: capture time and place ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_capture_time_with_its_offset_and_gps_position_are_read_from_exif(fmt):
    exif = exif_with(taken="2024:05:17 14:03:22", offset="+10:00", subsec="25", gps=BUND_GPS)

    photo = process(encode(picture(), fmt, exif=exif))

    assert photo.captured_at == datetime.datetime(
        2024, 5, 17, 14, 3, 22, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=10))
    )
    assert photo.latitude == pytest.approx(BUND_LATITUDE, abs=1e-6)
    assert photo.longitude == pytest.approx(BUND_LONGITUDE, abs=1e-6)


def test_southern_and_western_coordinates_are_negative():
    # Rio de Janeiro: 22°54'30"S 43°11'47"W.
    gps = {1: "S", 2: (22.0, 54.0, 30.0), 3: "W", 4: (43.0, 11.0, 47.0)}

    photo = process(encode(picture(), "JPEG", exif=exif_with(gps=gps)))

    assert photo.latitude == pytest.approx(-(22 + 54 / 60 + 30 / 3600), abs=1e-6)
    assert photo.longitude == pytest.approx(-(43 + 11 / 60 + 47 / 3600), abs=1e-6)


def test_capture_time_without_an_offset_is_made_aware_in_shanghai_time_by_default():
    photo = process(encode(picture(), "JPEG", exif=exif_with(taken="2024:01:05 09:30:00")))

    assert photo.captured_at == datetime.datetime(2024, 1, 5, 9, 30, tzinfo=SHANGHAI)
    assert photo.captured_at.utcoffset() == datetime.timedelta(hours=8)


def test_capture_time_without_an_offset_uses_the_given_default_timezone():
    london = zoneinfo.ZoneInfo("Europe/London")

    photo = process(encode(picture(), "JPEG", exif=exif_with(taken="2024:07:01 12:00:00")), default_tz=london)

    assert photo.captured_at == datetime.datetime(2024, 7, 1, 12, 0, tzinfo=london)
    assert photo.captured_at.utcoffset() == datetime.timedelta(hours=1)  # British summer time


def test_a_photo_without_exif_has_no_capture_time_and_no_position():
    photo = process(encode(picture(), "JPEG"))

    assert (photo.captured_at, photo.latitude, photo.longitude) == (None, None, None)


@pytest.mark.parametrize(
    ("taken", "offset", "gps"),
    [
        ("0000:00:00 00:00:00", None, {1: "N", 2: (31.0, 0.0, 0.0), 3: "E"}),  # zero date; no longitude
        ("not a date at all", "+8", {1: "X", 2: (31.0, 0.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)}),  # bad ref
        ("2024:13:45 25:61:61", "+99:99", {1: "N", 2: (31.0, 75.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)}),
        ("", "", {1: "N", 2: (91.0, 0.0, 0.0), 3: "E", 4: (181.0, 0.0, 0.0)}),  # out of range
        ("    ", None, {1: "N", 2: (31.0, 0.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0, 0.0)}),  # four components
        (None, None, {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}),  # "null island": no GPS fix
    ],
)
def test_malformed_exif_values_yield_none_instead_of_failing(taken, offset, gps):
    photo = process(encode(picture(), "JPEG", exif=exif_with(taken=taken, offset=offset, gps=gps)))

    assert photo.captured_at is None
    assert (photo.latitude, photo.longitude) == (None, None)


def test_a_malformed_offset_falls_back_to_the_default_timezone():
    photo = process(encode(picture(), "JPEG", exif=exif_with(taken="2024:01:05 09:30:00", offset="+99:00")))

    assert photo.captured_at == datetime.datetime(2024, 1, 5, 9, 30, tzinfo=SHANGHAI)


def test_gps_rationals_with_a_zero_denominator_yield_no_position():
    gps = {
        1: "N",
        2: (IFDRational(31, 0), 0.0, 0.0),
        3: "E",
        4: (121.0, 0.0, 0.0),
    }

    photo = process(encode(picture(), "JPEG", exif=exif_with(gps=gps)))

    assert (photo.latitude, photo.longitude) == (None, None)


@pytest.mark.parametrize(
    "exif_block",
    [
        b"Exif\x00\x00" + b"\xde\xad\xbe\xef" * 10,  # no TIFF header
        b"Exif\x00\x00II*\x00\xff\xff\xff\x7f",  # IFD offset far past the end
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02\x87\x69\x00\x04\x00\x00\x00\x01\x7f\xff\xff\xff",
    ],
)
def test_a_garbage_exif_block_does_not_prevent_intake(exif_block):
    photo = process(encode(picture(), "JPEG", exif=exif_block))

    assert (photo.captured_at, photo.latitude, photo.longitude) == (None, None, None)
    assert_no_metadata(photo.content)


# --- metadata is stripped -----------------------------------------------------------------------


def metadata_laden(fmt: str) -> bytes:
    exif = exif_with(taken="2024:05:17 14:03:22", offset="+08:00", gps=BUND_GPS)
    image = picture((200, 150))
    if fmt == "JPEG":
        return encode(image, "JPEG", exif=exif, xmp=XMP, comment=COMMENT, icc_profile=ICC_PROFILE)
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", COMMENT)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        info.add_text("Software", "SecretCam", zip=True)
        return encode(image, "PNG", exif=exif, pnginfo=info, icc_profile=ICC_PROFILE)
    return encode(image, "WEBP", exif=exif, xmp=XMP, icc_profile=ICC_PROFILE)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_test_image_really_carries_exif_gps_xmp_and_icc(fmt):
    # Guards the test below: stripping must have something to strip.
    data = metadata_laden(fmt)
    original = Image.open(io.BytesIO(data))
    original.load()

    assert original.getexif().get_ifd(0x8825)
    assert b"http://ns.adobe.com/xap" in data
    assert "icc_profile" in original.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_cleaned_image_and_thumbnail_carry_no_exif_gps_xmp_comment_or_icc(fmt):
    photo = process(metadata_laden(fmt))

    assert photo.latitude is not None  # read before stripping
    assert_no_metadata(photo.content)
    assert_no_metadata(photo.thumbnail)


# --- orientation --------------------------------------------------------------------------------


def test_exif_orientation_6_is_applied_so_the_stored_picture_is_upright():
    # Stored sideways, 60 wide and 40 high, with a red mark in the top-left corner; orientation 6
    # says "rotate 90° clockwise to display", which takes that corner to the top right.
    image = Image.new("RGB", (60, 40), "white")
    image.paste((255, 0, 0), (0, 0, 15, 15))
    data = encode(image, "JPEG", quality=95, exif=exif_with(orientation=6))

    photo = process(data)

    assert (photo.width, photo.height) == (40, 60)
    upright = Image.open(io.BytesIO(photo.content)).convert("RGB")
    assert upright.size == (40, 60)
    red, green, _ = upright.getpixel((33, 6))
    assert red > 200 and green < 80
    assert upright.getpixel((6, 6))[1] > 200  # top left is white now
    assert Image.open(io.BytesIO(photo.thumbnail)).size == (40, 60)


# --- rejected: not an image of an allowed format --------------------------------------------------


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty file"),
        pytest.param(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", id="html"),
        pytest.param(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nshowpage\n", id="eps"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', id="svg"),
        pytest.param(b"just some text, honest\n" * 20, id="text"),
        pytest.param(encode(picture(), "GIF"), id="gif"),
        pytest.param(encode(picture(), "TIFF"), id="tiff"),
        pytest.param(encode(picture(), "BMP"), id="bmp"),
        pytest.param(encode(picture((32, 32)), "ICO"), id="ico"),
    ],
)
def test_files_that_are_not_jpeg_png_or_webp_are_rejected_even_when_named_jpg(data):
    with pytest.raises(PhotoRejected) as caught:
        process_photo(named(data, "evidence.jpg"))

    assert caught.value.reason == NOT_AN_IMAGE
    assert caught.value.code == "not_an_image"


def test_photo_rejected_is_a_value_error_whose_message_is_the_reason():
    error = rejection(b"<html></html>")

    assert isinstance(error, ValueError)
    assert str(error) == error.reason == NOT_AN_IMAGE


# --- rejected: truncated or corrupt ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_images_are_rejected_as_truncated_or_corrupt(fmt, keep):
    data = encode(Image.effect_noise((200, 150), 50).convert("RGB"), fmt)

    error = rejection(data[: int(len(data) * keep)])

    assert error.reason == CORRUPT


def test_a_jpeg_missing_only_its_end_marker_is_rejected():
    data = encode(picture((200, 150)), "JPEG")

    assert rejection(data[:-2]).reason == CORRUPT


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"garbage!" * 64, id="png header then garbage"),
        pytest.param(b"\xff\xd8\xff" + b"garbage!" * 64, id="jpeg header then garbage"),
        pytest.param(b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"garbage!" * 64, id="webp header then garbage"),
    ],
)
def test_a_known_signature_followed_by_garbage_is_rejected_as_corrupt(data):
    assert rejection(data).reason == CORRUPT


def test_a_png_with_a_bad_checksum_is_rejected():
    data = bytearray(encode(picture((50, 50)), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF  # flip bits inside the compressed pixels; the CRC no longer matches

    assert rejection(bytes(data)).reason == CORRUPT


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_randomly_damaged_files_are_either_processed_or_rejected_never_crash(fmt):
    rng = random.Random(f"photos-{fmt}")  # deterministic
    original = metadata_laden(fmt)
    outcomes = set()
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[position] = rng.randrange(256)
            else:
                del data[position : position + rng.randint(1, 40)]
        try:
            photo = process(bytes(data))
        except PhotoRejected as error:
            outcomes.add(error.code)
        else:
            outcomes.add("accepted")
            assert_no_metadata(photo.content)

    assert outcomes & {"corrupt", "not_an_image"}  # the damage did reach the decoders


# --- rejected: size limits and bombs --------------------------------------------------------------


def test_a_file_over_the_default_limit_is_rejected_naming_10_mb():
    error = rejection(b"\xff\xd8\xff" + bytes(10 * 1024 * 1024))

    assert error.reason == "The file is larger than 10 MB."
    assert error.code == "too_large"


def test_the_size_limit_is_named_in_mb():
    assert rejection(bytes(3 * 1024 * 1024), limits=PhotoLimits(max_bytes=2621440)).reason == (
        "The file is larger than 2.5 MB."
    )


def test_a_file_of_exactly_max_bytes_is_accepted_and_one_byte_more_is_rejected():
    data = encode(picture((100, 100)), "PNG")

    assert process(data, limits=PhotoLimits(max_bytes=len(data))).width == 100
    assert rejection(data, limits=PhotoLimits(max_bytes=len(data) - 1)).code == "too_large"


def test_at_most_max_bytes_plus_one_are_read_from_the_stream():
    stream = io.BytesIO(bytes(5 * 1024 * 1024))

    with pytest.raises(PhotoRejected, match=r"larger than 1 MB"):
        process_photo(stream, limits=PhotoLimits(max_bytes=1024 * 1024))

    assert stream.tell() == 1024 * 1024 + 1


def test_an_image_over_the_pixel_limit_is_rejected():
    error = rejection(encode(picture((200, 100)), "PNG"), limits=PhotoLimits(max_pixels=10_000))

    assert error.reason == "The image has more than 0.01 megapixels."
    assert error.code == "too_many_pixels"


def test_the_pixel_limit_is_checked_from_the_header_before_any_pixel_is_decoded():
    # 8000 x 6000 = 48 Mpx: under Pillow's own bomb threshold, over ours. The claimed size does not
    # match the tiny compressed data, so decoding would fail: the rejection proves nothing was decoded.
    data = jpeg_claiming_size(8000, 6000)

    started = time.perf_counter()
    error = rejection(data)

    assert error.reason == "The image has more than 40 megapixels."
    assert time.perf_counter() - started < 0.5


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    """A real 20000 x 20000 1-bit PNG: 50 MB of rows inflating from ~50 KB (400 Mpx once decoded)."""
    width = height = 20_000
    row = bytes(1 + width // 8)  # filter byte + packed pixels, all zero
    compressor = zlib.compressobj(1)
    rows_per_block = 400
    block = row * rows_per_block
    idat = b"".join(compressor.compress(block) for _ in range(height // rows_per_block)) + compressor.flush()
    return png_from_chunks(width, height, png_chunk(b"IDAT", idat), bit_depth=1)


def test_a_highly_compressible_huge_png_is_rejected_as_a_bomb_cheaply(png_bomb):
    assert len(png_bomb) < 1024 * 1024

    started = time.perf_counter()
    error = rejection(png_bomb)

    assert error.reason == BOMB
    assert error.code == "bomb"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(jpeg_claiming_size(60_000, 60_000), id="jpeg claiming 60000x60000"),
        pytest.param(png_from_chunks(100_000, 100_000, png_chunk(b"IDAT", zlib.compress(b""))), id="png 100000^2"),
    ],
)
def test_headers_claiming_enormous_dimensions_are_rejected_as_bombs_cheaply(data):
    started = time.perf_counter()

    assert rejection(data).reason == BOMB
    assert time.perf_counter() - started < 0.5


def test_pillows_bomb_warning_is_an_error_even_when_warnings_are_otherwise_ignored():
    # 10000 x 10000 = 100 Mpx: above Pillow's warning threshold (~89 Mpx), below its hard error.
    # The pixel limit is lifted so that only the warning can reject the file.
    data = png_from_chunks(10_000, 10_000, png_chunk(b"IDAT", zlib.compress(b"")))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        error = rejection(data, limits=PhotoLimits(max_pixels=10**9, max_decoded_bytes=10**12))

    assert error.reason == BOMB


@pytest.mark.parametrize("kind", [b"zTXt", b"iCCP"])
def test_a_png_whose_text_or_profile_chunk_inflates_enormously_is_rejected_as_a_bomb(kind):
    keyword = b"Comment\x00\x00" if kind == b"zTXt" else b"icc\x00\x00"
    # 4 MB of zeros deflate to ~4 KB; Pillow refuses to inflate such chunks past 1 MB.
    bomb = png_chunk(kind, keyword + zlib.compress(bytes(4 * 1024 * 1024)))
    pixels = png_chunk(b"IDAT", zlib.compress(bytes(11 * 10)))
    data = png_from_chunks(10, 10, bomb, pixels)

    assert rejection(data).reason == BOMB


# --- thumbnail and digest -------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "expected"), [((1200, 800), (480, 320)), ((600, 1000), (288, 480))])
def test_the_thumbnail_is_an_rgb_jpeg_whose_longest_edge_is_thumbnail_size(size, expected):
    photo = process(encode(picture(size), "PNG"))

    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert (thumbnail.format, thumbnail.mode, thumbnail.size) == ("JPEG", "RGB", expected)


def test_the_thumbnail_size_comes_from_the_limits():
    photo = process(encode(picture((1200, 800)), "JPEG"), limits=PhotoLimits(thumbnail_size=100))

    assert Image.open(io.BytesIO(photo.thumbnail)).size == (100, 67)


def test_a_picture_smaller_than_the_thumbnail_is_not_upscaled():
    photo = process(encode(picture((300, 200)), "JPEG"))

    assert Image.open(io.BytesIO(photo.thumbnail)).size == (300, 200)


def test_transparent_areas_of_the_thumbnail_are_white():
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (300, 0, 600, 600))

    photo = process(encode(image, "PNG"))

    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert min(thumbnail.getpixel((40, 240))) > 245
    blue = thumbnail.getpixel((440, 240))
    assert blue[2] > 245 and blue[0] < 10


def test_sha256_is_the_digest_of_the_cleaned_content():
    photo = process(metadata_laden("JPEG"))

    assert photo.sha256 == hashlib.sha256(photo.content).hexdigest()


# --- bounded decode cost --------------------------------------------------------------------------


def _single_colour_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_png_that_decodes_to_151_mb_is_refused_from_its_header_without_decoding(monkeypatch):
    data = _single_colour_png(6300, 6300)  # 39.7 Mpx, under the pixel limit; 151 MB decoded
    assert len(data) < 300_000
    loads = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(self) or real_load(self))

    started = time.perf_counter()
    error = rejection(data)
    assert time.perf_counter() - started < 0.5

    assert error.code == "too_many_pixels"
    assert error.reason == (
        "The image is 6300×6300 pixels: decoded it would take 151.41 MB, more than the 128 MB allowed."
    )
    assert loads == []


def test_the_decoded_size_budget_is_configurable_and_counts_one_byte_for_grey():
    colour = encode(picture((200, 100)), "PNG")  # 80,000 bytes decoded
    assert process(colour, limits=PhotoLimits(max_decoded_bytes=80_000)).width == 200
    assert rejection(colour, limits=PhotoLimits(max_decoded_bytes=79_999)).code == "too_many_pixels"
    grey = encode(Image.new("L", (200, 100), 128), "PNG")  # 20,000 bytes decoded
    assert process(grey, limits=PhotoLimits(max_decoded_bytes=20_000)).width == 200


def test_an_ordinary_12_mpx_photo_is_within_the_budget():
    # A phone's 4000x3000 colour photo: 45.8 MB decoded.
    assert process(encode(Image.new("RGB", (4000, 3000), (90, 160, 30)), "JPEG")).width == 4000


@pytest.mark.parametrize("size", [(40, 40), (100, 100)])  # over Pillow's warning, over its error
def test_pillows_own_bomb_check_is_a_refusal_whatever_its_threshold(monkeypatch, size):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert rejection(encode(picture(size), "PNG")).reason == BOMB
