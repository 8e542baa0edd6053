"""Charts for slides: each chart's PNG set on a white 16:9 canvas, as a slide's picture area is.

A chart keeps the shape its data gives it (a long list of bars is tall); a slide is 16:9. Scaling the chart
to fit would blur its text, so its pixels are kept as they are and the canvas grows around them, centred,
with a margin. Pillow writes no date or software name into the PNG: the same chart, the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from pathlib import Path

from PIL import Image

RATIO = (16, 9)
MARGIN = 0.04  # of the chart's larger side, on every side


def canvas_size(width: int, height: int) -> tuple[int, int]:
    """The smallest 16:9 canvas (whole pixels, exactly 16:9) that holds ``width`` × ``height`` with its margin."""
    pad = round(max(width, height) * MARGIN)
    unit = max(math.ceil((width + 2 * pad) / RATIO[0]), math.ceil((height + 2 * pad) / RATIO[1]))
    return unit * RATIO[0], unit * RATIO[1]


def widescreen(png: bytes) -> bytes:
    """``png`` centred on a white 16:9 canvas (transparency flattened onto the white)."""
    chart = Image.open(io.BytesIO(png))
    chart.load()
    size = canvas_size(*chart.size)
    canvas = Image.new("RGB", size, "white")
    at = ((size[0] - chart.width) // 2, (size[1] - chart.height) // 2)
    if chart.mode in ("RGBA", "LA", "P"):
        chart = chart.convert("RGBA")
        canvas.paste(chart, at, chart)
    else:
        canvas.paste(chart.convert("RGB"), at)
    out = io.BytesIO()
    canvas.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def cached_widescreen(png: bytes, cache: Path | None) -> tuple[bytes, Path | None, str]:
    """``widescreen(png)``, from ``cache``/png169 when made before: its bytes, its cache file (None without
    a cache) and a name for its content."""
    key = hashlib.sha256(b"png169|" + Path(__file__).read_bytes() + b"|" + png).hexdigest()
    identity = "png169:" + key
    if cache is None:
        return widescreen(png), None, identity
    path = cache / "png169" / key[:2] / key
    if path.is_file():
        return path.read_bytes(), path, identity
    data = widescreen(png)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return data, path, identity
