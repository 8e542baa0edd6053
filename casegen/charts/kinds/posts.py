"""Chart kind: composition of public-welfare posts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ...models import Figure
from ..context import _Ctx
from ..layout import Bar, Chart, _bar_alt, _bars, _chart, _find, _flag_cell
from ..text import _dec, _qualified


# -- 7. composition of public-welfare posts ---------------------------------------------------------
COMPOSITION_METRICS = ("public_welfare_posts",)


def posts_composition(ctx: _Ctx) -> Chart | None:
    for metric in COMPOSITION_METRICS:
        parts = [f for f in ctx.figures if f.metric == metric and f.series == "actual" and f.category]
        groups: dict[tuple, list[Figure]] = defaultdict(list)
        for f in parts:
            groups[(f.scope, f.start, f.end)].append(f)
        if not groups:
            continue
        key, ps = max(groups.items(), key=lambda kv: len(kv[1]))
        if len(ps) < 2:
            continue
        scope, start, end = key
        total = _find(ctx.figures, metric=metric, scope=scope, start=start, end=end, series="actual", category="")
        ps = sorted(ps, key=lambda f: (-f.value, f.line))
        bars = [Bar(key=f.category, label=ctx.category(f.category), value=f.value,
                    text=_qualified(ctx.number(f.published_value), f.qualifier, ctx.lang) + ("*" if ctx.flagged(f) else ""))
                for f in ps]
        place, year = ctx.region(scope), ctx.year(ps[0])
        title = ctx.w("posts_title", place=place, year=year, metric=ctx.metric(metric))
        m = ctx.lib.metrics[metric]
        unit = ctx.w("posts_unit")
        notes = []
        if total is not None:
            psum = sum(Decimal(f.published_value) for f in ps)
            diff = psum - Decimal(total.published_value)
            diff_t = ctx.w("more_by" if diff > 0 else "less_by").format(ctx.number(_dec(abs(diff))))
            notes.append(ctx.w("posts_total", total=ctx.number(total.published_value),
                               parts=ctx.number(_dec(psum)), diff=diff_t) if diff else
                         ctx.w("posts_total", total=ctx.number(total.published_value), parts=ctx.number(_dec(psum)),
                               diff="").rstrip("，。, .") + ("。" if ctx.lang == "zh" else "."))
        if len({ctx.lib.units[f.unit].dimension for f in ps}) > 1 and m.units_also:
            notes.append(ctx.w("posts_units"))
        drawn = ps + ([total] if total else [])
        flagged_total = [total] if total and ctx.flagged(total) else []
        notes += ctx.flag_notes(flagged_total + [f for f in ps if ctx.flagged(f)])
        alt = _bar_alt(ctx, title, [f"{b.label}{ctx.w('colon')}{b.text}" for b in bars]
                       + ([f"{ctx.w('dest_total').format(ctx.shown(total))}"] if total else []))
        table = [(ctx.w("h_item"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"), ctx.w("h_flag"))]
        table += [(ctx.category(f.category) if f.category else ctx.metric(f.metric), ctx.period(f), ctx.shown(f),
                   ctx.unit_name(f.unit, f.metric), _flag_cell(ctx, f)) for f in ([total] if total else []) + ps]
        return _chart("public-welfare-posts", title, unit, [], [_bars(bars, ctx.lang, ctx.width)], notes, alt,
                      ctx.source_note(drawn), table, ctx.lang, ctx.width)
    return None


ORDER = 7  # place on the page, among the kinds
build = posts_composition
