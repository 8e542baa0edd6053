"""Chart kind: where workers went."""

from __future__ import annotations

from ..context import _Ctx
from ..layout import Chart, _alt, _canvas, _chart, _find, _flag_cell, _px, _rects, _texts
from ..style import ACCENT, ACCENT_LIGHT, GREY, INK, MUTED, WIDTH
from ..text import text_width, wrap


# -- 5. where workers went --------------------------------------------------------------------------
# The stated total each bar is a share of is the metric DESTINATION_METRIC is `part_of` in metrics.yaml, and
# nothing else: without that link the bars are the parts alone, as shares of their own sum.
DESTINATION_METRIC = "workers_transferred_by_destination"
# far to near; one colour per distance class (the partner region is the accent). Sources split
# destinations differently, so several categories share a class: they never meet in one bar.
DEST_CLASSES = (("dest-guangdong", "dest-pearl-river-delta"), ("dest-other-provinces", "outside-province"),
                ("in-province", "in-province-outside-county"), ("within-county",))
DEST_COLOURS = (ACCENT, ACCENT_LIGHT, "#a6a6a6", "#dadada")
DEST_TONE = {c: colour for cats, colour in zip(DEST_CLASSES, DEST_COLOURS) for c in cats}
DEST_ORDER = [c for cats in DEST_CLASSES for c in cats]
REST = "#ffffff"


def destinations(ctx: _Ctx) -> Chart | None:
    parts = [f for f in ctx.figures if f.metric == DESTINATION_METRIC and f.series == "actual" and f.category]
    if not parts:
        return None
    keys = list(dict.fromkeys((f.scope, f.start, f.end) for f in parts))
    order = {r: i for i, r in enumerate(ctx.lib.regions)}
    keys.sort(key=lambda k: (k[0] != ctx.main_scope, order.get(k[0], 1e9), k[2]))
    used = {f.category for f in parts}
    cats = [c for c in DEST_ORDER if c in used] + [c for c in ctx.lib.categories if c in used and c not in DEST_ORDER]
    dest_metric = ctx.lib.metrics.get(DESTINATION_METRIC)
    total_metric = dest_metric.part_of if dest_metric else None
    rows = []
    for scope, start, end in keys:
        ps = [f for f in parts if (f.scope, f.start, f.end) == (scope, start, end)]
        ps.sort(key=lambda f: cats.index(f.category))
        total = _find(ctx.figures, metric=total_metric, scope=scope, start=start, end=end, series="actual",
                      category="") if total_metric else None
        rows.append((scope, ps, total))
    base = ctx.base_unit(parts[0].unit) or parts[0].unit
    # legend: categories used, then the rest
    any_rest = False
    layout = []
    for scope, ps, total in rows:
        psum = sum(ctx.in_unit(f, base) for f in ps)
        whole = ctx.in_unit(total, base) if total is not None and ctx.in_unit(total, base) >= psum else psum
        rest = whole - psum
        any_rest |= rest > 0
        layout.append((scope, ps, total, whole, rest))
    classes: dict[str, list[str]] = {}
    for c in cats:
        classes.setdefault(DEST_TONE.get(c, GREY), []).append(ctx.category(c))
    entries = [(("／" if ctx.lang == "zh" else " / ").join(names), colour) for colour, names in classes.items()]
    if any_rest:
        entries.append((ctx.w("dest_rest"), REST))
    y = 0.0
    swatches, legend_t = [], []
    x = 0.0
    for name, colour in entries:
        w = 16 + 6 + text_width(name, 13) + 18
        if x and x + w > ctx.width:
            x, y = 0.0, y + 22
        swatches.append({"x": x, "x2": x + 14, "y": y + 3, "y2": y + 17, "c": colour})
        lines = wrap(name, ctx.width - 20, 13) if 20 + text_width(name, 13) > ctx.width else [name]  # a phone
        for i, line in enumerate(lines):
            legend_t.append({"x": x + 20, "y": y + 10 + 18 * i, "t": line})
        y += 18 * (len(lines) - 1)
        x += w
    y += 34
    below = ctx.width < WIDTH  # on a phone the stated total goes under the place and period, not beside them
    totals_below = []
    labels, metas, segs, seg_t, outlines = [], [], [], [], []
    bar_h = 30
    alt_items = []
    for scope, ps, total, whole, rest in layout:
        head = f"{ctx.region(scope)}{ctx.w('comma')}{ctx.period(ps[0])}"
        labels.append({"x": 0, "y": y + 10, "t": head})
        if total is not None:
            total_text = ctx.w("dest_total").format(ctx.value_with_unit(total)) + ("*" if ctx.flagged(total) else "")
            if below:
                y += 18
                totals_below.append({"x": 0, "y": y + 10, "t": total_text})
            else:
                metas.append({"x": ctx.width, "y": y + 10, "t": total_text})
        y += 24
        x0 = 0.0
        pieces = [(f, ctx.in_unit(f, base)) for f in ps] + ([(None, rest)] if rest > 0 else [])
        shares = []
        for f, v in pieces:
            w = float(v / whole) * ctx.width if whole else 0
            colour = DEST_TONE.get(f.category, GREY) if f else REST
            segs.append({"x": x0, "x2": x0 + w, "y": y, "y2": y + bar_h, "c": colour})
            pct = float(v / whole * 100) if whole else 0
            pct_t = f"{pct:.0f}%" if pct >= 1 else "<1%"
            if f is not None:
                shares.append(f"{ctx.category(f.category)} {ctx.value_with_unit(f)}{'*' if ctx.flagged(f) else ''}"
                              + (f"（{pct_t}）" if ctx.lang == "zh" else f" ({pct_t})"))
            elif rest > 0:
                shares.append(f"{ctx.w('dest_rest')} {pct_t}")
            if w >= text_width(pct_t, 13) + 10:
                seg_t.append({"x": x0 + w / 2, "y": y + bar_h / 2, "t": pct_t,
                              "c": "#ffffff" if colour == ACCENT else INK})
            x0 += w
        outlines.append({"x": 0, "x2": ctx.width, "y": y, "y2": y + bar_h, "c": "#ffffff"})
        total_t = (ctx.w("colon") + ctx.w("dest_total").format(ctx.value_with_unit(total))) if total else ""
        alt_items.append(head + total_t + ctx.w("comma") + ctx.w("comma").join(shares))
        y += bar_h + 18
    layers = [
        _rects(swatches, stroke=GREY, strokeWidth=0.5),
        _texts(legend_t, align="left", baseline="middle", fontSize=13, color=INK),
        _rects(segs, stroke="#ffffff", strokeWidth=1),
        {"data": {"values": outlines}, "mark": {"type": "rect", "fillOpacity": 0, "stroke": GREY, "strokeWidth": 1},
         "encoding": {"x": _px("x"), "x2": {"field": "x2"}, "y": _px("y"), "y2": {"field": "y2"}}},
        _texts(seg_t, align="center", baseline="middle", fontSize=13, fontWeight="bold"),
        _texts(labels, align="left", baseline="middle", fontSize=14, fontWeight="bold", color=INK),
        _texts(metas, align="right", baseline="middle", fontSize=13, color=MUTED),
        *([_texts(totals_below, align="left", baseline="middle", fontSize=13, color=MUTED)] if totals_below else []),
    ]
    title = ctx.w("dest_title").format(ctx.region(ctx.main_scope))
    unit = ctx.w("unit").format("%")
    drawn = [f for _, ps, total, _, _ in layout for f in ps + ([total] if total else [])]
    notes = []
    if any_rest:
        notes.append(ctx.w("dest_rest_note"))
    notes += ctx.flag_notes(drawn)
    alt = _alt(ctx, "dest_alt", title, alt_items)
    table = [(ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_destination"), ctx.w("h_value"), ctx.w("h_unit"),
              ctx.w("h_share"), ctx.w("h_flag"))]
    for scope, ps, total, whole, rest in layout:
        for f in ([total] if total else []) + ps:
            share = "" if f is total else f"{float(ctx.in_unit(f, base) / whole * 100):.1f}%"
            table.append((ctx.region(scope), ctx.period(f), ctx.category(f.category) if f.category else
                          ctx.metric(f.metric), ctx.shown(f), ctx.unit_name(f.unit, f.metric), share, _flag_cell(ctx, f)))
    sub = ctx.w("dest_sub" if any(total for _, _, total, _, _ in layout) else "dest_sub_parts")
    return _chart("worker-destinations", title, unit, [sub], [_canvas(y - 10, layers, ctx.width)], notes, alt,
                  ctx.source_note(drawn), table, ctx.lang, ctx.width)


ORDER = 5  # place on the page, among the kinds
build = destinations
