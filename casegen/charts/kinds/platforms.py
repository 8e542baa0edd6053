"""Chart kind: platforms."""

from __future__ import annotations

from ..context import _Ctx
from ..layout import Bar, Chart, _bar_alt, _bars, _chart, _find


# -- 8. platforms -----------------------------------------------------------------------------------
PLATFORM_PREFIX, PLATFORM_METRIC = "platform-", "poor_workers_employed"


def platforms(ctx: _Ctx) -> Chart | None:
    used = {f.category for f in ctx.figures if f.category.startswith(PLATFORM_PREFIX)}
    names = [c for c in ctx.lib.categories if c in used]  # the register keeps the source's order
    figs = {f.category: f for f in ctx.figures if f.metric == PLATFORM_METRIC and f.category in used
            and f.series == "actual"}
    if len(figs) < 2:
        return None
    unit_id = ctx.base_unit(next(iter(figs.values())).unit) or "人"
    bars, alt_items = [], []
    for c in names:
        f = figs.get(c)
        if f is None:
            bars.append(Bar(key=c, label=ctx.category(c), value=None))
            alt_items.append(f"{ctx.category(c)}{ctx.w('colon')}{ctx.w('not_reported')}")
        else:
            bars.append(Bar(key=c, label=ctx.category(c), value=float(ctx.in_unit(f, unit_id)),
                            text=ctx.label(f, unit_id), meta=ctx.period(f)))
            alt_items.append(f"{ctx.category(c)}{ctx.w('colon')}{ctx.label(f, unit_id, with_unit=True)}"
                             + (f"（{ctx.period(f)}）" if ctx.lang == "zh" else f" ({ctx.period(f)})"))
    any_f = next(iter(figs.values()))
    place = ctx.region(any_f.scope)
    title = ctx.w("platform_title", place=place, metric=ctx.metric(PLATFORM_METRIC))
    unit = ctx.w("unit").format(ctx.unit_name(unit_id, PLATFORM_METRIC))
    total = _find(ctx.figures, metric=PLATFORM_METRIC, scope=any_f.scope, category="", series="actual")
    notes = [ctx.w("platform_note", total=ctx.value_with_unit(total), period=ctx.period(total)) if total
             else ctx.w("platform_note_nototal")]
    drawn = list(figs.values()) + ([total] if total else [])
    notes += ctx.flag_notes(drawn)
    alt = _bar_alt(ctx, title, alt_items)
    table = [(ctx.w("h_platform"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    for c in names:
        f = figs.get(c)
        table.append((ctx.category(c), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit, f.metric)) if f else
                     (ctx.category(c), "", ctx.w("not_reported"), ""))
    if total:
        table.append((ctx.metric(PLATFORM_METRIC), ctx.period(total), ctx.shown(total), ctx.unit_name(total.unit, total.metric)))
    return _chart("platforms", title, unit, [], [_bars(bars, ctx.lang, ctx.width)], notes, alt,
                  ctx.source_note(drawn), table, ctx.lang, ctx.width)


ORDER = 8  # place on the page, among the kinds
build = platforms
