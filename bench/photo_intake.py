"""Benchmark ``audits.photos.process_photo`` on a 12-megapixel phone-like JPEG.

Run from the repository root (no Django settings needed):

    .venv/bin/python bench/photo_intake.py [--runs 15]

It builds a 4000x3000 JPEG in memory (gradients plus coarse and fine noise, so it compresses like a
photo: ~4 MB at quality 90) carrying EXIF with a capture time and GPS, then times ``process_photo``
against a baseline measured in the same run: Pillow decoding the same bytes and re-encoding them
(quality 88) with no checks, no metadata handling and no thumbnail.
"""

from __future__ import annotations

import argparse
import io
import math
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from PIL import Image, ImageChops

from audits.photos import process_photo

WIDTH, HEIGHT = 4000, 3000


def phone_like_jpeg() -> bytes:
    def channel(coarse_sigma: float, gradient: Image.Image) -> Image.Image:
        # Smooth blotches (upscaled coarse noise) over a gradient, plus fine sensor-like grain.
        blotches = Image.effect_noise((WIDTH // 4, HEIGHT // 4), coarse_sigma).resize(
            (WIDTH, HEIGHT), Image.Resampling.BICUBIC
        )
        grain = Image.effect_noise((WIDTH, HEIGHT), 5)
        base = ImageChops.blend(blotches, gradient.resize((WIDTH, HEIGHT)), 0.5)
        return ImageChops.add(base, grain, scale=1.0, offset=-128)

    linear, radial = Image.linear_gradient("L"), Image.radial_gradient("L")
    image = Image.merge("RGB", (channel(60, linear), channel(50, radial), channel(40, linear.rotate(90))))

    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = "Model 12"  # Model
    exif[0x0112] = 1  # Orientation: upright
    details = exif.get_ifd(0x8769)
    details[36867] = "2024:05:17 14:03:22"  # DateTimeOriginal
    details[36881] = "+08:00"  # OffsetTimeOriginal
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 24.6), 3: "E", 4: (121.0, 29.0, 26.4)})

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def baseline(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def measure(function, data: bytes, runs: int) -> list[float]:
    function(data)  # warm-up: imports, allocator, plugin registry
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function(data)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    data = phone_like_jpeg()
    photo = process_photo(io.BytesIO(data))
    print(f"input:   {WIDTH}x{HEIGHT} JPEG, {len(data) / 1e6:.2f} MB, with EXIF + GPS")
    print(
        f"output:  {photo.width}x{photo.height} {photo.content_type}, {len(photo.content) / 1e6:.2f} MB; "
        f"thumbnail {len(photo.thumbnail) / 1e3:.0f} kB; captured_at={photo.captured_at.isoformat()}; "
        f"lat/lon={photo.latitude:.6f},{photo.longitude:.6f}"
    )

    base = measure(baseline, data, runs)
    ours = measure(lambda payload: process_photo(io.BytesIO(payload)), data, runs)

    print(f"\n{runs} runs each          median ms   p95 ms")
    print(f"baseline (decode+encode) {statistics.median(base):9.1f} {p95(base):8.1f}")
    print(f"process_photo            {statistics.median(ours):9.1f} {p95(ours):8.1f}")
    print(
        f"ratio                    {statistics.median(ours) / statistics.median(base):9.2f}x"
        f" {p95(ours) / p95(base):7.2f}x"
    )


if __name__ == "__main__":
    main()
