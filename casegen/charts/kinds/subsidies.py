"""Chart kind: subsidy spending by item."""

from __future__ import annotations

from collections import defaultdict

from ...models import Figure
from ..context import _Ctx
from ..layout import Bar, Chart, _bar_alt, _bars, _chart, _find, _flag_cell


# -- 4. subsidy spending by item --------------------------------------------------------------------
CURRENT_FUNDS = "current-year-funds"
SUBSIDY_TOTAL = "employment_subsidy_spending"
SUBSIDY_CONTEXT = (("employment_subsidy_funds_raised", CURRENT_FUNDS, "subsidy_raised"),
                   (SUBSIDY_TOTAL, "all-funds", "subsidy_spent"),
                   ("employment_subsidy_balance", CURRENT_FUNDS, "subsidy_balance"))


def subsidy_items(ctx: _Ctx) -> Chart | None:
    lib = ctx.lib
    by_parent: dict[str, list[Figure]] = defaultdict(list)
    for f in ctx.figures:
        m = lib.metrics.get(f.metric)
        # the items are the metrics whose `part_of` is the spending the title and notes name, nothing else
        if f.category == CURRENT_FUNDS and f.series == "actual" and m and m.part_of == SUBSIDY_TOTAL and \
                m.kind == "money":
            by_parent[m.part_of].append(f)
    if not by_parent:
        return None
    parent, items = max(by_parent.items(), key=lambda kv: len(kv[1]))
    if len(items) < 2:
        return None
    unit_id = items[0].unit
    items = sorted(items, key=lambda f: (-float(ctx.in_unit(f, unit_id)), f.line))
    bars = [Bar(key=f.metric, label=ctx.metric(f.metric), value=float(ctx.in_unit(f, unit_id)),
                text=ctx.label(f, unit_id)) for f in items]
    first = items[0]
    place, year = ctx.region(first.scope), ctx.year(first)
    title = ctx.w("subsidy_title", place=place, year=year, category=ctx.category(CURRENT_FUNDS) if ctx.lang == "zh"
                  else ctx.category(CURRENT_FUNDS)[0].lower() + ctx.category(CURRENT_FUNDS)[1:])
    unit = ctx.w("unit").format(ctx.unit_name(unit_id))
    # the totals of the same table, in one sentence
    context = []
    pieces = []
    for metric, category, key in SUBSIDY_CONTEXT:
        f = _find(ctx.figures, metric=metric, category=category, scope=first.scope, end=first.end, series="actual")
        if f:
            context.append(f)
            shown = ctx.value_with_unit(f) if ctx.lang == "zh" else ctx.label(f, unit_id)  # en: the bars' unit
            pieces.append(ctx.w(key).format(shown.rstrip("*") + ("*" if ctx.flagged(f) else "")))
    sentence = ctx.w("sep").join(pieces)
    notes = [sentence[:1].upper() + sentence[1:] + ("。" if ctx.lang == "zh" else ".")] if pieces else []
    prior = [_find(ctx.figures, metric=f.metric, category="prior-year-funds", scope=f.scope, end=f.end) for f in items]
    if prior and all(p is not None and p.value == 0 for p in prior):
        notes.append(ctx.w("subsidy_zero"))
    notes += ctx.flag_notes(items + context, short=True)
    alt = _bar_alt(ctx, title, [f"{b.label}{ctx.w('colon')}{ctx.label(f, unit_id, with_unit=True)}"
                                for b, f in zip(bars, items)])
    table = [(ctx.w("h_item"), ctx.w("h_group"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"),
              ctx.w("h_flag"))]
    table += [(ctx.metric(f.metric), ctx.category(f.category), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit, f.metric),
               _flag_cell(ctx, f)) for f in items + context]
    return _chart("subsidy-spending", title, unit, [], [_bars(bars, ctx.lang, ctx.width)], notes, alt,
                  ctx.source_note(items + context), table, ctx.lang, ctx.width)


ORDER = 4  # place on the page, among the kinds
build = subsidy_items
