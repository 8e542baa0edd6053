"""Charts for slides: each chart set on a white 16:9 canvas, as a slide's picture area is.

A chart keeps the shape its data gives it (a long list of bars is tall); a slide is 16:9. Scaling the chart
to fit would distort it, so the canvas grows around it instead, with the chart centred and a margin. The
canvas is an SVG holding the chart's own SVG, so its PNG is rendered (and cached, and rendered in parallel
with the other charts) like any chart's PNG: ``charts.png(widescreen_svg(chart.svg))``.
"""

from __future__ import annotations

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
