"""Charts for slides: each chart set on a white 16:9 canvas, as a slide's picture area is.

A chart keeps the shape its data gives it (a long list of bars is tall); a slide is 16:9. Scaling the chart
to fit would distort it, so the canvas grows around it instead, with the chart centred and a margin. The
canvas's PNG is the chart's PNG padded with white (``pad_png``), made by the chart engine right after the
chart's PNG and cached beside it (``charts.widescreen_png``); ``widescreen_svg`` is the same picture as SVG.
"""

from __future__ import annotations

import io
import math
import re

RATIO = (16, 9)
MARGIN = 0.04  # of the chart's larger side, on every side
_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def canvas_size(width: float, height: float) -> tuple[int, int]:
    """The smallest 16:9 canvas (whole pixels, exactly 16:9) that holds ``width`` × ``height`` with its margin."""
    pad = round(max(width, height) * MARGIN)
    unit = max(math.ceil((width + 2 * pad) / RATIO[0]), math.ceil((height + 2 * pad) / RATIO[1]))
    return unit * RATIO[0], unit * RATIO[1]


def sized(svg: str) -> bool:
    """Whether ``svg`` is a drawn chart with its size (not a chart still waiting to be rendered)."""
    return _SIZE.search(svg) is not None


def widescreen_svg(svg: str) -> str:
    """``svg`` (a chart, with width and height on its root element) centred on a white 16:9 canvas. An SVG
    without a size (a stand-in, such as `make bench` puts in place of charts it does not render) is taken
    as 640 × 360."""
    match = _SIZE.search(svg)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (640.0, 360.0)
    canvas_w, canvas_h = canvas_size(width, height)
    x, y = (canvas_w - width) / 2, (canvas_h - height) / 2
    inner = svg[svg.index("<svg"):]
    inner = f'<svg x="{x:g}" y="{y:g}"' + inner[len("<svg"):]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas_w}" height="{canvas_h}" '
            f'viewBox="0 0 {canvas_w} {canvas_h}"><rect width="{canvas_w}" height="{canvas_h}" fill="white"/>'
            f"{inner}</svg>")


def pad_png(png: bytes, svg: str, scale: float = 2.0) -> bytes:
    """``png`` (``svg`` drawn at ``scale``) centred on the white 16:9 canvas of ``widescreen_svg``, at the same
    scale: the picture ``widescreen_svg`` draws, without drawing the chart again."""
    from PIL import Image

    match = _SIZE.search(svg)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (640.0, 360.0)
    canvas_w, canvas_h = canvas_size(width, height)
    chart = Image.open(io.BytesIO(png)).convert("RGBA")
    canvas = Image.new("RGB", (round(canvas_w * scale), round(canvas_h * scale)), "white")
    x, y = round((canvas_w - width) / 2 * scale), round((canvas_h - height) / 2 * scale)
    canvas.paste(chart, (x, y), chart)
    out = io.BytesIO()
    # level 3: two thirds of level 6's time for files about half as large again (a canvas is millions of pixels;
    # measured on 40 charts: 0.22 s and 240 kB against 0.32 s and 160 kB, and drawing the canvas's SVG again
    # 0.34 s and 550 kB); no date or other varying chunk: the same picture gives the same bytes
    canvas.save(out, "PNG", compress_level=3)
    return out.getvalue()
