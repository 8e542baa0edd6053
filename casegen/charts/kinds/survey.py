"""Chart kind: a survey of workers, group against group, each value on the scale it means.

A share the source writes from 0 to 1 is drawn and labelled as a percentage, all shares on one 0–100 %
scale; a mean of codes in order (education: 1 = primary school … 4 = university) is a dot on the scale of
its codes, which the chart spells out; a mean of codes without order (industries) is never drawn, and the
chart says why.
"""

from __future__ import annotations

from decimal import Decimal

from ... import scales
from ...models import Figure
from ..context import _Ctx
from ..layout import Bar, Chart, _bars, _canvas, _chart, _find, _flag_cell, _px, _rects, _texts
from ..style import ACCENT, GREY_LIGHT, INK, MUTED
from ..text import text_width, wrap

ORDER = 3.5  # after the income of the same survey's groups
RESPONDENTS = "survey_respondents"


def _groups(ctx: _Ctx, figures: list[Figure]) -> list[str]:
    return list(dict.fromkeys(f.category for f in figures))


def _percent_label(ctx: _Ctx, f: Figure) -> str:
    pct = f"{ctx.number(scales.percent(f.published_value))}%"
    return ctx.w("survey_value", value=pct, star="*" if ctx.flagged(f) else "")


def _code_panel(ctx: _Ctx, metric_id: str, figures: list[Figure], names: dict[str, str]) -> tuple[dict, list[str]]:
    """Dots of each group's mean on the scale of the codes (1 … n), the codes spelled out underneath."""
    codes = getattr(ctx.lib.metrics[metric_id].codes, ctx.lang)
    n = codes.count("=")
    label_w = min(130.0, ctx.width * 0.36)
    # a group's name beside its line where it fits, else above it (on a phone)
    above = any(text_width(names[f.category], 13) > label_w for f in figures)
    x0, x1 = (10.0 if above else label_w + 10), ctx.width - 14
    sx = (lambda v: x0 + (x1 - x0) * (float(v) - 1) / (n - 1)) if n > 1 else (lambda v: x0)
    head_lines = wrap(ctx.w("survey_codes_head", metric=ctx.metric(metric_id), n=str(n)), ctx.width, 14)
    heads = [{"x": 0, "y": 10 + 19 * i, "t": line} for i, line in enumerate(head_lines)]
    y = 19 * len(head_lines) + 14
    rules, dots, values, groups = [], [], [], []
    for f in figures:
        if above:
            groups.append({"x": 0, "y": y + 12, "t": names[f.category]})
            y += 26  # the value stands above its dot: clear of the name above it
        cy = y + 24
        if not above:
            groups.append({"x": 0, "y": cy, "t": names[f.category]})
        rules.append({"x": x0, "x2": x1, "y": cy - 1.5, "y2": cy + 1.5, "c": GREY_LIGHT})
        dots.append({"x": sx(Decimal(f.published_value)), "y": cy})
        values.append({"x": sx(Decimal(f.published_value)), "y": cy - 10,
                       "t": ctx.number(f.published_value) + ("*" if ctx.flagged(f) else "")})
        y += 36
    ticks = [{"x": sx(k), "y": y + 6, "t": str(k)} for k in range(1, n + 1)]
    y += 20
    code_lines = wrap(ctx.w("survey_codes", codes=codes), ctx.width, 12)
    notes = [{"x": 0, "y": y + 9 + 17 * i, "t": line} for i, line in enumerate(code_lines)]
    y += 17 * len(code_lines) + 6
    layers = [
        _rects(rules),
        {"data": {"values": dots}, "mark": {"type": "point", "filled": True, "size": 150, "color": ACCENT,
                                            "opacity": 1},
         "encoding": {"x": _px("x"), "y": _px("y")}},
        _texts(heads, align="left", baseline="middle", fontSize=14, fontWeight="bold", color=INK),
        _texts(groups, align="left", baseline="middle", fontSize=13, color=INK),
        _texts(values, align="center", baseline="bottom", fontSize=14, fontWeight="bold", color=ACCENT),
        _texts(ticks, align="center", baseline="middle", fontSize=12, color=MUTED),
        _texts(notes, align="left", baseline="middle", fontSize=12, color=MUTED),
    ]
    alt = ctx.metric(metric_id) + ctx.w("colon") + ctx.w("comma").join(
        f"{names[f.category]} {ctx.number(f.published_value)}" for f in figures) + \
        (f"（{codes}）" if ctx.lang == "zh" else f" ({codes})")
    return _canvas(y, layers, ctx.width), [alt]


def survey(ctx: _Ctx) -> Chart | None:
    grouped = [f for f in ctx.figures if f.category and f.series == "actual" and
               (scales.is_share(f.unit) or scales.is_code_mean(f.unit))]
    shares = [f for f in grouped if scales.is_share(f.unit)]
    metrics = ctx.lib.metrics
    ordered = [f for f in grouped if scales.is_code_mean(f.unit) and metrics[f.metric].codes is not None
               and metrics[f.metric].ordered_codes]
    unordered = list(dict.fromkeys(f.metric for f in grouped if scales.is_code_mean(f.unit) and f not in ordered))
    if not shares and not ordered:
        return None
    groups = _groups(ctx, shares + ordered)
    order = {m: i for i, m in enumerate(metrics)}
    shares.sort(key=lambda f: (order[f.metric], groups.index(f.category)))  # a metric's groups side by side
    names = {}
    for g in groups:
        n = _find(ctx.figures, metric=RESPONDENTS, category=g)
        count = ctx.w("income_n").format(ctx.number(n.published_value)) if n else ""
        names[g] = ctx.category(g) + ((f"（{count}）" if ctx.lang == "zh" else f" ({count})") if n else "")
    body, alt_items = [], []
    if shares:
        bars = [Bar(key=str(f.line), label=f"{ctx.metric(f.metric)}{ctx.w('colon')}{names[f.category]}",
                    value=float(Decimal(scales.percent(f.published_value))), text=_percent_label(ctx, f))
                for f in shares]
        # one scale for every share, 0 to 100 %
        spec = _bars(bars, ctx.lang, ctx.width, title=ctx.w("survey_shares_head"), scale_end=100.0)
        body.append(spec)
        alt_items += [f"{b.label} {b.text}" for b in bars]
    for metric_id in dict.fromkeys(f.metric for f in ordered):
        panel, alt = _code_panel(ctx, metric_id, [f for f in ordered if f.metric == metric_id], names)
        body.append(panel)
        alt_items += alt
    drawn = shares + ordered
    first = drawn[0]
    place, year = ctx.region(first.scope), ctx.year(first)
    group_names = [ctx.category(g) for g in groups]
    title = ctx.w("survey_title", place=place, year=year, groups=ctx.w("list_sep").join(group_names))
    unit = ctx.w("survey_unit")
    notes = [ctx.w("survey_unordered", metrics=ctx.w("list_sep").join(ctx.metric(m) for m in unordered),
                   codes=ctx.w("sep").join(getattr(metrics[m].codes, ctx.lang) for m in unordered
                                           if metrics[m].codes))] if unordered else []
    notes += ctx.flag_notes(drawn, short=True)
    alt = ctx.w("survey_alt", title=title, rows=ctx.w("sep").join(alt_items) + ("。" if ctx.lang == "zh" else "."))
    table = [(ctx.w("h_item"), ctx.w("h_group"), ctx.w("h_period"), ctx.w("h_shown"), ctx.w("h_value"),
              ctx.w("h_flag"))]
    table += [(ctx.metric(f.metric), ctx.category(f.category), ctx.period(f),
               _percent_label(ctx, f).rstrip("*") if scales.is_share(f.unit) else
               ctx.w("survey_code_value", value=ctx.shown(f), n=str(metrics[f.metric].codes.en.count("="))),
               ctx.shown(f), _flag_cell(ctx, f)) for f in drawn]
    return _chart("worker-survey", title, unit, [], body, notes, alt, ctx.source_note(drawn), table, ctx.lang,
                  ctx.width)


build = survey
