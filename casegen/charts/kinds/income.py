"""Chart kind: income range by group."""

from __future__ import annotations

from ..context import _Ctx
from ..layout import Chart, _alt, _canvas, _chart, _find, _px, _rects, _scale, _texts
from ..style import ACCENT, GREY_LIGHT, INK, MUTED
from ..text import _qualified, text_width


# -- 3. income range by group -----------------------------------------------------------------------
INCOME = ("annual_income_min", "annual_income_mean", "annual_income_max")


def income_range(ctx: _Ctx) -> Chart | None:
    groups = list(dict.fromkeys(f.category for f in ctx.figures if f.metric in INCOME and f.category))
    rows = []
    for g in groups:
        lo, mean, hi = (_find(ctx.figures, metric=m, category=g, series="actual") for m in INCOME)
        if lo and hi:
            rows.append((g, lo, mean, hi, _find(ctx.figures, metric="survey_respondents", category=g)))
    if len(rows) < 1:
        return None
    unit_id = rows[0][3].unit
    dmax = max(float(ctx.in_unit(r[3], unit_id)) for r in rows)
    right_room = max(text_width(ctx.w("max").format(ctx.label(r[3], unit_id)), 13) for r in rows) + 14
    sx = _scale(dmax, 0, ctx.width - right_room)
    y = 0.0
    names, rules, dots, mins, maxs, means = [], [], [], [], [], []
    for g, lo, mean, hi, n in rows:
        count = ctx.w("income_n").format(ctx.number(n.published_value)) if n else ""
        name = ctx.category(g) + ((f"（{count}）" if ctx.lang == "zh" else f" ({count})") if n else "")
        names.append({"x": 0, "y": y + 10, "t": name})
        ry = y + 58
        x_lo, x_hi = sx(float(ctx.in_unit(lo, unit_id))), sx(float(ctx.in_unit(hi, unit_id)))
        rules.append({"x": x_lo, "x2": x_hi, "y": ry - 4, "y2": ry + 4, "c": GREY_LIGHT})
        mins.append({"x": x_lo - 8, "y": ry, "t": ctx.w("min").format(ctx.label(lo, unit_id))})
        maxs.append({"x": x_hi + 8, "y": ry, "t": ctx.w("max").format(ctx.label(hi, unit_id))})
        if mean:
            xm = sx(float(ctx.in_unit(mean, unit_id)))
            dots.append({"x": xm, "y": ry})
            means.append({"x": xm, "y": ry - 16, "t": ctx.w("mean").format(ctx.label(mean, unit_id))})
        y += 92
    # mins that would run off the left edge go inside, under the line
    for m in mins:
        if m["x"] - text_width(m["t"], 13) < 0:
            m["x"] += 8
            m["y"] += 18
            m["a"] = "left"
    layers = [
        _rects(rules),
        {"data": {"values": dots}, "mark": {"type": "point", "filled": True, "size": 170, "color": ACCENT,
                                            "opacity": 1},
         "encoding": {"x": _px("x"), "y": _px("y")}},
        _texts(names, align="left", baseline="middle", fontSize=15, fontWeight="bold", color=INK),
        _texts([m for m in mins if m.get("a") != "left"], align="right", baseline="middle", fontSize=13, color=MUTED),
        _texts([m for m in mins if m.get("a") == "left"], align="left", baseline="middle", fontSize=13, color=MUTED),
        _texts(maxs, align="left", baseline="middle", fontSize=13, color=MUTED),
        _texts(means, align="center", baseline="bottom", fontSize=14, fontWeight="bold", color=ACCENT),
    ]
    first = rows[0][1]
    place, year = ctx.region(first.scope), ctx.year(first)
    names_ = [ctx.category(r[0]) for r in rows]
    if len(names_) == 2:
        title = ctx.w("income_title", place=place, year=year, a=names_[0], b=names_[1] if ctx.lang == "zh" else
                      names_[1][0].lower() + names_[1][1:])
    else:
        title = ctx.metric(rows[0][2].metric if rows[0][2] else INCOME[1]) + ctx.w("comma") + place
    unit = ctx.w("unit").format(ctx.unit_name(unit_id))
    drawn = [f for r in rows for f in r[1:4] if f]
    notes = ctx.flag_notes(drawn)
    gap = _find(ctx.figures, metric="survey_income_gap")
    if gap:
        notes.append(ctx.w("income_gap").format(_qualified(ctx.number(gap.published_value), gap.qualifier, ctx.lang)))
    alt_items = []
    for g, lo, mean, hi, n in rows:
        parts = [ctx.w("min").format(ctx.label(lo, unit_id, with_unit=True))]
        if mean:
            parts.append(ctx.w("mean").format(ctx.label(mean, unit_id, with_unit=True)))
        parts.append(ctx.w("max").format(ctx.label(hi, unit_id, with_unit=True)))
        alt_items.append(ctx.category(g) + ctx.w("colon") + ctx.w("comma").join(parts))
    alt = _alt(ctx, "range_alt", title, alt_items)
    table = [(ctx.w("h_group"), ctx.w("h_item"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    table += [(ctx.category(f.category), ctx.metric(f.metric), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit, f.metric))
              for r in rows for f in (r[4], r[1], r[2], r[3]) if f]
    return _chart("income-by-group", title, unit, [ctx.w("income_legend")], [_canvas(y, layers, ctx.width)], notes, alt,
                  ctx.source_note(drawn), table, ctx.lang, ctx.width)


ORDER = 3  # place on the page, among the kinds
build = income_range
