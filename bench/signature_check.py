"""Benchmark: the server's check of a drawn signature (pledges.signature_image.clean_signature:
base64, the PNG's chunks, decoding, the ink check) for the pads ASN really draw on.

    .venv/bin/python bench/signature_check.py [--runs 300] [--write]

The check's cost grows with the pad's pixels, and bench/load_signing.py signs with one size of
pad; this gives the others. No database: one process, CPU time of each call. Method and
results: docs/benchmarks.md, "Signature check".
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lib import report as md
from lib.django_setup import setup as setup_django
from lib.machine import machine
from lib.signers import data_url

# (what the pad is, width, height): bench/lib/signers.py's pad, then static/js/sign.js's pad
# at the pixel ratios it draws at: 332 x 200 CSS px on a 360 px phone, 1112 x 200 on a 1366 px
# laptop (the canvas's box in Chromium at those viewports).
PADS = [
    ("bench/load_signing.py's pad", 600, 200),
    ("a 360 px phone at 2x: the most sign.js draws at since #18", 664, 400),
    ("the same phone at 3x, as sign.js drew before #18", 996, 600),
    ("a 1366 px laptop at 1x", 1112, 200),
]


def pad_png(width: int, height: int) -> bytes:
    """bench/lib/signers.py's stroke, scaled to the pad (its pen as wide relative to the pad)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    points = [(40, 150), (120, 40), (200, 160), (300, 60), (420, 140), (520, 100)]
    scaled = [(x * width / 600, y * height / 200) for x, y in points]
    ImageDraw.Draw(image).line(scaled, fill="black", width=max(4, round(4 * height / 200)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def cpu_ms(check, url: str, runs: int) -> float:
    check(url)  # warm-up: the first call imports Pillow's plugins
    times = []
    for _ in range(runs):
        start = time.process_time()
        check(url)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    setup_django(f"sqlite:///{Path(tempfile.mkdtemp(prefix='sigcheck-')) / 'unused.sqlite3'}")
    from pledges.signature_image import clean_signature

    rows = []
    for label, width, height in PADS:
        png = pad_png(width, height)
        ms = cpu_ms(clean_signature, data_url(png), args.runs)
        rows.append((label, f"{width} x {height}", f"{width * height:,}", f"{len(png):,}",
                     f"**{ms:.2f} ms**"))  # fmt: skip
        print(f"{label}: {width} x {height}, {len(png):,} bytes, {ms:.2f} ms")
    text = (
        f"- Machine: {machine()}\n"
        f"- Command: `{md.command('signature_check.py', sys.argv[1:])}`\n"
        f"- Median CPU time of {args.runs} checks each, after one warm-up\n\n"
        + md.table(["pad", "pixels (w x h)", "pixels", "PNG bytes", "check (CPU)"], rows)
    )
    if args.write:
        md.write("## Signature check (bench/signature_check.py)", [
            ("bench/signature_check.py", "", text),
        ])  # fmt: skip


if __name__ == "__main__":
    main()
