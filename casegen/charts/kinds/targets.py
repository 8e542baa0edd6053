"""Chart kind: targets vs completion."""

from __future__ import annotations

from collections import defaultdict

from ...models import Figure
from ..context import _Ctx
from ..layout import Chart, _alt, _canvas, _chart, _find, _flag_cell, _px, _rects, _scale, _texts, _unit_line
from ..style import ACCENT, ACCENT_LIGHT, INK, MUTED, RULE, WIDTH
from ..text import text_width, wrap


# -- 2. targets vs completion -----------------------------------------------------------------------
def targets(ctx: _Ctx) -> Chart | None:
    lib = ctx.lib
    metrics = list(dict.fromkeys(f.metric for f in ctx.figures if f.series == "target"
                                 and any(g.metric == f.metric and g.series == "actual" for g in ctx.figures)))
    if not metrics:
        return None
    tiers = list(dict.fromkeys(f.category for f in ctx.figures if f.series == "target" and f.metric in metrics))
    rows_by_metric: dict[str, list[tuple[str, Figure | None, Figure | None, Figure | None]]] = {}
    drawn: list[Figure] = []
    for m in metrics:
        rows = []
        for tier in tiers:
            got = [_find(ctx.figures, metric=m, category=tier, series=s) for s in ("actual", "expected", "target")]
            if any(got):
                rows.append((tier, *got))
                drawn += [f for f in got if f]
        if rows:
            rows_by_metric[m] = rows
    # column dates: the most common end of each series
    def common_end(series: str) -> str:
        ends = [f.end for f in drawn if f.series == series]
        return max(set(ends), key=ends.count) if ends else ""
    d_act, d_exp, d_tgt = (ctx.date(common_end(s)) for s in ("actual", "expected", "target"))
    legend = ctx.w("targets_legend", actual=ctx.w("actual_by").format(d_act),
                   expected=ctx.w("expected_by").format(d_exp), target=ctx.w("target_for").format(d_tgt))
    # one block per unit dimension, each with its own scale
    blocks: dict[str, list[str]] = defaultdict(list)
    for m in rows_by_metric:
        blocks[lib.units[lib.metrics[m].unit].dimension].append(m)
    phone = ctx.width < WIDTH
    label_w, col_w, gap = _widths(ctx, rows_by_metric, blocks)
    plot_x0, plot_x1 = label_w, ctx.width - 3 * col_w - gap
    body = []
    unit_ids = []
    alt_items = []
    for bi, (dim, ms) in enumerate(blocks.items()):
        figs, unit_id = _block(ms, rows_by_metric)
        unit_ids.append(unit_id)
        dmax = max(0.0, *(float(ctx.in_unit(f, unit_id)) for f in figs)) * 1.04
        sx = _scale(dmax, plot_x0, plot_x1)
        texts_b, texts_n, texts_m, rects, ticks, axis = [], [], [], [], [], []
        y = 0.0
        cols = [plot_x1 + gap + (i + 1) * col_w for i in range(3)]
        # the column heads and the unit of this block
        one_metric = figs[0].metric if len({f.metric for f in figs}) == 1 else None
        texts_m.append({"x": 0, "y": y + 9, "t": ctx.w("unit").format(ctx.unit_name(unit_id, one_metric))})
        for x, key in zip(cols, ("col_actual", "col_expected", "col_target")):
            texts_m.append({"x": x, "y": y + 9, "t": ctx.w(key), "a": "right"})
        y += 24
        for m in ms:
            name_lines = wrap(ctx.metric(m, with_parent=False), ctx.width, 14 * BOLD)
            y += 6
            # a text of several lines has its first line at y (baseline middle), the next ones below it
            texts_b.append({"x": 0, "y": y + 9, "t": "\n".join(name_lines)})
            y += 19 * len(name_lines) + 2
            top = y
            for tier, act, exp, tgt in rows_by_metric[m]:
                if phone:  # the tier on a line of its own above its bars, which start under it
                    tier_lines = wrap(ctx.category(tier), ctx.width - TIER_X - 4, 13) if tier else []
                    # clear of the target lines, which stand out above and below their bars
                    texts_n.append({"x": TIER_X + 4, "y": y + 11, "t": "\n".join(tier_lines)})
                    y += 15 * len(tier_lines) + 7
                    row_h = 24
                    cy = y + row_h / 2
                    axis.append({"x": plot_x0, "y": cy - 12, "y2": cy + 12})  # the bars' zero line, row by row
                else:  # the tier left of its bars, wrapped into its column
                    tier_lines = wrap(ctx.category(tier), label_w - TIER_X - 6, 13) if tier else [""]
                    row_h = max(24, 15 * len(tier_lines) + 9)
                    cy = y + row_h / 2
                    texts_n.append({"x": TIER_X, "y": cy - 7.5 * (len(tier_lines) - 1), "t": "\n".join(tier_lines)})
                if exp:
                    rects.append({"x": sx(0), "x2": sx(float(ctx.in_unit(exp, unit_id))), "y": cy - 8, "y2": cy + 8,
                                  "c": ACCENT_LIGHT})
                if act:
                    rects.append({"x": sx(0), "x2": sx(float(ctx.in_unit(act, unit_id))), "y": cy - 4, "y2": cy + 4,
                                  "c": ACCENT})
                if tgt:
                    tx = sx(float(ctx.in_unit(tgt, unit_id)))
                    ticks.append({"x": tx - 1.25, "x2": tx + 1.25, "y": cy - 11, "y2": cy + 11, "c": INK})
                for x, f in zip(cols, (act, exp, tgt)):
                    texts_n.append({"x": x, "y": cy, "t": ctx.label(f, unit_id) if f else "—", "a": "right",
                                    "c": ACCENT if f and ctx.flagged(f) else INK})
                alt_items.append(f"{ctx.metric(m)}（{ctx.category(tier)}）" if ctx.lang == "zh" else
                                 f"{ctx.metric(m)} ({ctx.category(tier)})")
                alt_items[-1] += ctx.w("colon") + ctx.w("comma").join(
                    f"{ctx.w(k)} {ctx.label(f, unit_id, with_unit=True)}" for k, f in
                    zip(("col_actual", "col_expected", "col_target"), (act, exp, tgt)) if f)
                y += row_h
            if not phone:  # the bars' zero line: beside the rows, never through a heading
                axis.append({"x": plot_x0, "y": top, "y2": y})
        y += 4
        left = [r for r in texts_n if r.get("a") != "right"]
        right = [r for r in texts_n if r.get("a") == "right"]
        layers = [
            {"data": {"values": axis}, "mark": {"type": "rule", "color": RULE},
             "encoding": {"x": _px("x"), "y": _px("y"), "y2": {"field": "y2"}}},
            _rects(rects), _rects(ticks),
            _texts(texts_b, align="left", baseline="middle", fontSize=14, fontWeight="bold", color=INK, lineHeight=19),
            _texts(left, align="left", baseline="middle", fontSize=13, color=MUTED, lineHeight=15),
            _texts(right, align="right", baseline="middle", fontSize=14),
            _texts([r for r in texts_m if r.get("a") != "right"], align="left", baseline="middle", fontSize=12,
                   color=MUTED),
            _texts([r for r in texts_m if r.get("a") == "right"], align="right", baseline="middle", fontSize=13,
                   fontWeight="bold", color=MUTED),
        ]
        body.append(_canvas(y, layers, ctx.width))
    place = ctx.region(drawn[0].scope)
    title = ctx.w("targets_title").format(place)
    unit = _unit_line(ctx, unit_ids)
    notes = ctx.flag_notes(drawn, short=True)
    alt = _alt(ctx, "targets_alt", title, alt_items)
    head = (ctx.w("h_item"), ctx.w("h_tier"), ctx.w("h_series"), ctx.w("h_period"), ctx.w("h_value"),
            ctx.w("h_unit"), ctx.w("h_flag"))
    table = [head] + [(ctx.metric(f.metric), ctx.category(f.category), ctx.w(f"series_{f.series}"), ctx.period(f),
                       ctx.shown(f), ctx.unit_name(f.unit, f.metric), _flag_cell(ctx, f)) for f in drawn]
    return _chart("targets-vs-completion", title, unit, [legend], body, notes, alt, ctx.source_note(drawn), table,
                  ctx.lang, ctx.width)


TIER_X = 14   # where a row's tier (基本任务, Stretch goal) starts, under its metric's name
BOLD = 1.08  # bold text is about this much wider than text_width's estimate of the regular weight


def _widths(ctx: _Ctx, rows_by_metric: dict, blocks: dict) -> tuple[float, float, float]:
    """Where the bars start, the width of each number column and the gap before them. On a desktop the tiers
    have a column of their own left of the bars; on a phone there is no room for one (a tier's name above its
    bars instead), and each number column is as wide as its widest head or value (Expected in bold, 2,111*)."""
    if ctx.width >= WIDTH:
        return 140, 72, 14
    heads = [text_width(ctx.w(k), 13) * BOLD for k in ("col_actual", "col_expected", "col_target")]
    values = [text_width(ctx.label(f, unit_id), 14) for figs, unit_id in (_block(ms, rows_by_metric)
                                                                         for ms in blocks.values()) for f in figs]
    return TIER_X, max(56.0, max(heads + values) + 8), 8


def _block(ms: list[str], rows_by_metric: dict) -> tuple[list[Figure], str]:
    """The figures a block of one dimension draws, and the unit its numbers are written in (the most used)."""
    figs = [f for m in ms for r in rows_by_metric[m] for f in r[1:] if f]
    return figs, max({f.unit for f in figs}, key=[f.unit for f in figs].count)


ORDER = 2  # place on the page, among the kinds
build = targets
