"""Chart kind: the fall in poverty."""

from __future__ import annotations

from collections import defaultdict

from ...models import Figure
from ..context import _Ctx
from ..layout import Chart, _alt, _chart, _unit_line
from ..style import ACCENT, INK, MUTED, RULE, WIDTH


# -- 6. the fall in poverty -------------------------------------------------------------------------
POVERTY = ("poor_population", "poverty_rate")


def poverty_fall(ctx: _Ctx) -> Chart | None:
    panels = []
    for m in POVERTY:
        figs = [f for f in ctx.figures if f.metric == m and f.series == "actual" and not f.category]
        by_scope: dict[str, list[Figure]] = defaultdict(list)
        for f in figs:
            by_scope[f.scope].append(f)
        scope = ctx.main_scope if len(by_scope.get(ctx.main_scope, [])) >= 2 else \
            next((s for s, v in by_scope.items() if len(v) >= 2), None)
        if scope:
            pts = sorted(by_scope[scope], key=lambda f: f.end)
            panels.append((m, scope, [pts[0], pts[-1]]))
    if not panels:
        return None
    # side by side where there is room; on a phone one above the other, each as wide as the chart
    side_by_side = ctx.width >= WIDTH
    pw = (ctx.width - 40) / len(panels) if side_by_side else ctx.width
    body_parts = []
    alt_items = []
    drawn = []
    for m, scope, (a, b) in panels:
        unit_id = ctx.base_unit(b.unit) or b.unit  # 人, not 万人: "111.95万" in Chinese, "1,119,500" in English
        rows = [{"when": ctx.date(f.end), "v": float(ctx.in_unit(f, unit_id)), "t": ctx.label(f, unit_id), "i": i}
                for i, f in enumerate((a, b))]
        drawn += [a, b]
        x = {"field": "when", "type": "ordinal", "sort": [r["when"] for r in rows],
             "scale": {"padding": 0.9},
             "axis": {"title": None, "labelAngle": 0, "domain": False, "ticks": False, "labelFontSize": 13,
                      "labelColor": MUTED, "labelPadding": 10}}
        top = max(r["v"] for r in rows) * 1.08
        yq = {"field": "v", "type": "quantitative", "axis": None,
              "scale": {"zero": True, "nice": False, "domain": [0, top]}}
        unit_name = ctx.unit_name(unit_id, m)
        head = ctx.metric(m) + (f"（{unit_name}）" if ctx.lang == "zh" else f" ({unit_name})")
        body_parts.append({
            "width": pw, "height": 220 if side_by_side else 160, "data": {"values": rows},
            "title": {"text": head, "anchor": "start", "fontSize": 15, "fontWeight": "bold", "color": INK,
                      "offset": 10},
            "layer": [
                {"data": {"values": [{"v": 0}]}, "mark": {"type": "rule", "color": RULE},
                 "encoding": {"y": {"field": "v", "type": "quantitative", "scale": yq["scale"], "axis": None}}},
                {"mark": {"type": "line", "color": ACCENT, "strokeWidth": 3}, "encoding": {"x": x, "y": yq}},
                {"mark": {"type": "point", "filled": True, "size": 110, "color": ACCENT, "opacity": 1},
                 "encoding": {"x": x, "y": yq}},
                {"transform": [{"filter": "datum.i == 0"}],
                 "mark": {"type": "text", "align": "right", "baseline": "middle", "dx": -12, "fontSize": 15,
                          "fontWeight": "bold", "color": INK},
                 "encoding": {"x": x, "y": yq, "text": {"field": "t"}}},
                {"transform": [{"filter": "datum.i == 1"}],
                 "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 12, "fontSize": 15,
                          "fontWeight": "bold", "color": ACCENT},
                 "encoding": {"x": x, "y": yq, "text": {"field": "t"}}},
            ]})
        alt_items.append(f"{ctx.metric(m)}{ctx.w('colon')}{ctx.date(a.end)} {ctx.label(a, unit_id, with_unit=True)}"
                         f"{ctx.w('comma')}{ctx.date(b.end)} {ctx.label(b, unit_id, with_unit=True)}")
    body = [{"hconcat": body_parts, "spacing": 40}] if side_by_side else [{"vconcat": body_parts, "spacing": 24}]
    place = ctx.region(panels[0][1])
    title = ctx.w("poverty_title").format(place)
    unit = _unit_line(ctx, [ctx.base_unit(p[2][1].unit) or p[2][1].unit for p in panels])
    alt = _alt(ctx, "slope_alt", title, alt_items)
    table = [(ctx.w("h_item"), ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    table += [(ctx.metric(f.metric), ctx.region(f.scope), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit, f.metric))
              for f in drawn]
    return _chart("poverty-fall", title, unit, [], body, ctx.flag_notes(drawn), alt, ctx.source_note(drawn), table,
                  ctx.lang, ctx.width)


ORDER = 6  # place on the page, among the kinds
build = poverty_fall
