"""Building blocks of specs: the whole picture (title, unit line, body, notes), bars, free layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import text
from ..models import Figure
from .context import _Ctx, source_note
from .engine import svg
from .style import ACCENT, ACCENT_LIGHT, GREY, INK, MUTED, RULE, SIZE, THEME, WIDTH
from .text import text_width, wrap
from .words import FLAG_NAMES, _words

@dataclass(frozen=True)
class Chart:
    id: str           # slug, unique within a page, e.g. "key-outcomes"
    title: str        # in the page language
    alt: str          # what the chart shows, with the key numbers
    unit: str         # the unit line shown under the title
    source_note: str  # "来源：林晓洁（2018），人民网"
    svg: str          # the SVG text, deterministic
    table: list[tuple[str, ...]]  # the data behind the chart; first row is the header
    svg_narrow: str = ""  # the same chart drawn for a phone (NARROW_WIDTH); empty when there is none



# -- building blocks of specs -----------------------------------------------------------------------
def _compose(title: str, subtitle: list[str], body: list[dict], notes: list[str], alt: str,
             lang: str, width: float = WIDTH) -> dict:
    """The whole picture: title and unit line on top, the body, then notes and the source."""
    # the width estimate of text_width is rough for digits and symbols in a CJK font: on a phone, where every
    # pixel past the edge shrinks the whole chart, lines keep a margin
    text_w = width if width >= WIDTH else width - 24
    title_lines = wrap(title, text_w, SIZE["title"])
    sub_lines = [line for s in subtitle if s for line in wrap(s, text_w, SIZE["subtitle"])]
    note_lines = [line for n in notes if n for line in wrap(n, text_w, SIZE["note"])]
    parts = list(body)
    if note_lines:
        line_h = 18
        parts.append({
            "data": {"values": [{"y": line_h * i + line_h / 2, "t": t} for i, t in enumerate(note_lines)]},
            "width": width,
            "height": line_h * len(note_lines),
            "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": SIZE["note"], "color": MUTED},
            "encoding": {"y": {"field": "y", "type": "quantitative", "scale": None, "axis": None},
                         "x": {"value": 0}, "text": {"field": "t"}},
        })
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": alt,
        "title": {"text": title_lines, **({"subtitle": sub_lines} if sub_lines else {})},
        "vconcat": parts,
        "config": THEME,
        "usermeta": {"lang": lang},
    }
    return spec


@dataclass
class Bar:
    key: str
    label: str                 # above the bar, left
    value: float | None        # on the chart's scale; None = not reported (written, not drawn)
    text: str = ""             # value label at the end of the bar
    meta: str = ""             # above the bar, right: period, place
    tone: str = "accent"       # accent | grey | light


TONES = {"accent": ACCENT, "grey": GREY, "light": ACCENT_LIGHT}


LABEL_X = 6  # a bar's label starts this far right of the zero line, which runs down beside it


def _bars(bars: list[Bar], lang: str, width: float = WIDTH, title: str | None = None,
          scale_end: float | None = None) -> dict:
    """Horizontal bars with the label above each bar (long names need no axis space), the value at
    its end, and a "not reported" text where a value is missing. ``scale_end``: the scale runs at least to it."""
    label_size, meta_size, value_size = SIZE["label"], SIZE["meta"], SIZE["value"]
    # on a phone the period and place (meta) get a line of their own under the label, instead of sharing it
    stacked = width < WIDTH and any(b.meta for b in bars)
    wrapped = []
    for b in bars:
        meta_w = text_width(b.meta, meta_size) + 16 if b.meta and not stacked else 0
        wrapped.append(wrap(b.label, width - meta_w - LABEL_X, label_size))
    max_lines = max(len(lines) for lines in wrapped)
    rows = []
    for b, lines in zip(bars, wrapped):
        # text grows downward from its top, so shorter labels get blank lines first: every label's
        # last line then sits right above its bar
        padded = ["\u00a0"] * (max_lines - len(lines)) + lines
        rows.append({"k": b.key, "label": "\n".join(padded), "meta": b.meta, "v": b.value,
                     "t": b.text if b.value is not None else _words("not_reported", lang),
                     "c": TONES[b.tone], "nr": b.value is None})
    bar_h, line_h, gap, bottom, top = 20, 19, 5, 10, 6
    step = top + (max_lines + stacked) * line_h + gap + bar_h + bottom
    bar_off = step / 2 - bottom - bar_h / 2
    label_off = step / 2 - bottom - bar_h - gap  # bottom of the label block (of the meta line when stacked)
    label_top = label_off - (max_lines + stacked) * line_h
    # room for the value labels: the scale ends where the longest label still fits
    dmax = 0.0
    for b in bars:
        if b.value is not None and b.value > 0:
            room = width - text_width(b.text, value_size) - 10
            dmax = max(dmax, b.value * width / max(room, width * 0.3))
    dmax = max(dmax, scale_end or 0.0) or 1.0  # scale_end: a scale that ends where its values do (100 %)
    y = {"field": "k", "type": "nominal", "sort": [b.key for b in bars], "axis": None,
         "scale": {"paddingInner": 0, "paddingOuter": 0}}
    x = {"field": "v", "type": "quantitative", "axis": None, "scale": {"domain": [0, dmax], "nice": False}}
    drawn = {"filter": "isValid(datum.v)"}
    layers = [
        {"transform": [drawn], "mark": {"type": "bar", "height": bar_h, "yOffset": bar_off},
         "encoding": {"y": y, "x": x, "color": {"field": "c", "type": "nominal", "scale": None}}},
        {"transform": [drawn], "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6,
                                        "yOffset": bar_off, "fontSize": value_size, "fontWeight": "bold"},
         "encoding": {"y": y, "x": x, "text": {"field": "t"}}},
        {"transform": [{"filter": "datum.nr"}],
         "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 2, "yOffset": bar_off,
                  "fontSize": value_size, "fontStyle": "italic", "color": MUTED},
         "encoding": {"y": y, "x": {"value": 0}, "text": {"field": "t"}}},
        {"mark": {"type": "text", "align": "left", "baseline": "line-top", "yOffset": label_top, "lineBreak": "\n",
                  "lineHeight": line_h, "fontSize": label_size, "color": INK},
         "encoding": {"y": y, "x": {"value": LABEL_X}, "text": {"field": "label"}}},
        {"mark": {"type": "text", "align": "left" if stacked else "right", "baseline": "line-bottom",
                  "yOffset": label_off, "lineHeight": line_h, "fontSize": meta_size, "color": MUTED},
         "encoding": {"y": y, "x": {"value": LABEL_X if stacked else width}, "text": {"field": "meta"}}},
        {"data": {"values": [{}]}, "mark": {"type": "rule", "color": RULE, "strokeWidth": 1},
         "encoding": {"x": {"datum": 0, "type": "quantitative", "scale": {"domain": [0, dmax], "nice": False}}}},
    ]
    spec = {"data": {"values": rows}, "width": width, "height": {"step": step}, "layer": layers,
            "resolve": {"scale": {"color": "independent"}}}
    if title:
        spec["title"] = {"text": title if width >= WIDTH else wrap(title, width, 15), "anchor": "start",
                         "fontSize": 15, "fontWeight": "bold", "color": INK,
                         "offset": 4}
    return spec


def _chart(id: str, title: str, unit: str, extra_sub: list[str], body: list[dict], notes: list[str],
           alt: str, source: str, table: list[tuple[str, ...]], lang: str, width: float = WIDTH) -> Chart:
    spec = _compose(title, [unit, *extra_sub], body, [*notes, source], alt, lang, width)
    return Chart(id=id, title=title, alt=alt, unit=unit, source_note=source, svg=svg(spec), table=table)


def _alt(ctx: _Ctx, key: str, title: str, items: list[str]) -> str:
    return ctx.w(key, title=title, rows=ctx.w("sep").join(items) + ("。" if ctx.lang == "zh" else "."))


def _bar_alt(ctx: _Ctx, title: str, items: list[str]) -> str:
    body = ctx.w("sep").join(items)
    return f"{ctx.w('bar_chart')}{ctx.w('colon')}{title}。{body}。" if ctx.lang == "zh" else \
        f"{ctx.w('bar_chart')}: {title}. {body}."


def _unit_line(ctx: _Ctx, unit_ids: list[str], metric_ids: list[str] | None = None) -> str:
    """The chart's unit line; with the metrics drawn, an English count names what it counts (jobs, cities)."""
    names = list(dict.fromkeys(ctx.unit_name(u, m) for u, m in zip(unit_ids, metric_ids or [None] * len(unit_ids))))
    return ctx.w("unit").format(ctx.w("list_sep").join(names))


def _flag_cell(ctx: _Ctx, f: Figure) -> str:
    kinds = dict.fromkeys(flag.kind for flag in ctx.lib.flags_of(f))  # a figure may be in several contradictions
    return ctx.w("list_sep").join(FLAG_NAMES[k][ctx.lang] for k in kinds)



# -- free layout: rows placed in Python, drawn by Vega at pixel positions ---------------------------
def _canvas(height: float, layers: list[dict], width: float = WIDTH) -> dict:
    """A layered view whose marks sit at pixel positions computed in Python (see ``_px``): used where
    rows of different heights, value columns or stacked shares are easier to place than to encode."""
    return {"width": width, "height": height, "layer": layers}


def _px(field_name: str) -> dict:
    return {"field": field_name, "type": "quantitative", "scale": None, "axis": None}


def _texts(rows: list[dict], **mark) -> dict:
    """Text marks at pixel positions: rows carry x, y, t and optionally c (colour)."""
    enc = {"x": _px("x"), "y": _px("y"), "text": {"field": "t"}}
    if any("c" in r for r in rows):
        enc["color"] = {"field": "c", "type": "nominal", "scale": None}
    return {"data": {"values": rows}, "mark": {"type": "text", "lineBreak": "\n", **mark}, "encoding": enc}


def _rects(rows: list[dict], **mark) -> dict:
    """Rectangles at pixel positions: rows carry x, x2, y, y2, c."""
    return {"data": {"values": rows}, "mark": {"type": "rect", **mark},
            "encoding": {"x": _px("x"), "x2": {"field": "x2"}, "y": _px("y"), "y2": {"field": "y2"},
                         "color": {"field": "c", "type": "nominal", "scale": None}}}


def _scale(dmax: float, x0: float, x1: float) -> Callable[[float], float]:
    """Position of a value on a bar scale from 0 to ``dmax``, kept within the plot: bars start at 0, so a
    negative value (a loss, a typo the validator lets through) gets no bar; its number is in the columns."""
    return lambda v: x0 + (x1 - x0) * min(max(v / dmax, 0.0), 1.0) if dmax > 0 else x0


def _find(figs: list[Figure], **kw) -> Figure | None:
    for f in figs:
        if all(getattr(f, k) == v for k, v in kw.items()):
            return f
    return None
