"""Chart kind: key_outcomes."""

from __future__ import annotations

from collections import defaultdict

from ...models import Figure
from ..context import _Ctx
from ..layout import Bar, Chart, _bar_alt, _bars, _chart, _flag_cell, _unit_line

BASELINE = {"poor_population", "poor_working_age", "poor_working_age_unable", "poor_labour_force",
            "poor_labour_households", "labour_force", "relocated_labour_force", "relocated_households_with_labour",
            "junior_secondary_graduates", "migrant_workers"}
OUTCOME_GROUPS = ("placement", "training", "posts", "jobs", "fairs")
DIMENSION_ORDER = ("people", "households", "person-times", "items")
MAX_BARS = 8


# -- 1. key outcomes --------------------------------------------------------------------------------
def _key_candidates(ctx: _Ctx) -> list[Figure]:
    lib = ctx.lib
    plain = [f for f in ctx.figures if f.series == "actual" and not f.category and f.metric in lib.metrics
             and lib.metrics[f.metric].kind == "count" and "_per_" not in f.metric and f.value >= 0]
    main = [f for f in plain if f.scope == ctx.main_scope]

    def outcome(f: Figure) -> bool:
        m = lib.metrics[f.metric]
        return m.group in OUTCOME_GROUPS and f.metric not in BASELINE

    def rank(dim: str) -> int:
        return DIMENSION_ORDER.index(dim) if dim in DIMENSION_ORDER else len(DIMENSION_ORDER)

    for pool in ([f for f in main if outcome(f)], main, [f for f in plain if outcome(f)], plain):
        sets: dict[tuple, list[Figure]] = defaultdict(list)
        for f in pool:
            dim = ctx.dimension(f)
            # counts of things (个, 家, 场 …) compare only within one snapshot: one place, one period
            key = (dim, f.scope, f.start, f.end) if dim not in ("people", "households", "person-times") else (dim,)
            sets[key].append(f)
        best: list[Figure] = []
        # people first (the brief of this chart), then the largest set
        for key, figs in sorted(sets.items(), key=lambda kv: (rank(kv[0][0]), -len({f.metric for f in kv[1]}))):
            if len({f.metric for f in figs}) < 2:
                continue
            best = figs
            break
        one_per_metric: dict[str, Figure] = {}
        for f in best:  # the same metric twice (two periods): keep the latest, then the largest
            old = one_per_metric.get(f.metric)
            if old is None or (f.end, f.value) > (old.end, old.value):
                one_per_metric[f.metric] = f
        if len(one_per_metric) >= 2:
            return list(one_per_metric.values())
    return []


def key_outcomes(ctx: _Ctx) -> Chart | None:
    figs = _key_candidates(ctx)
    if len(figs) < 2:
        return None
    # bars on the base unit (人); Chinese labels keep 万 ("9.48万"), English ones are converted ("94,800")
    display = ctx.base_unit(figs[0].unit) or figs[0].unit
    figs.sort(key=lambda f: (-float(ctx.in_unit(f, display)), f.line))
    figs = figs[:MAX_BARS]
    scopes = {f.scope for f in figs}
    periods = {(f.start, f.end) for f in figs}
    place = ctx.region(ctx.main_scope if scopes == {ctx.main_scope} or len(scopes) > 1 else next(iter(scopes)))
    title = ctx.w("key_title").format(place)
    if len(periods) == 1:
        title += ctx.w("comma") + ctx.period(figs[0])
    mixed_items = ctx.dimension(figs[0]) == "items" and len({ctx.lib.units[f.unit].name(ctx.lang) for f in figs}) > 1
    bars = []
    for f in figs:
        meta = []
        if len(scopes) > 1:
            meta.append(ctx.region(f.scope))
        if len(periods) > 1:
            meta.append(ctx.period(f))
        bars.append(Bar(key=str(f.line), label=ctx.metric(f.metric), value=float(ctx.in_unit(f, display)),
                        text=ctx.own_label(f) if mixed_items else ctx.label(f, display),
                        meta=ctx.w("comma").join(meta)))
    unit = _unit_line(ctx, [f.unit for f in figs] if mixed_items else [display] * len(figs), [f.metric for f in figs])
    notes = ctx.flag_notes(figs)
    alt = _bar_alt(ctx, title, [f"{b.label}{ctx.w('colon')}{ctx.value_with_unit(f)}"
                                + (f"（{b.meta}）" if ctx.lang == "zh" and b.meta else f" ({b.meta})" if b.meta else "")
                                for b, f in zip(bars, figs)])
    table = [(ctx.w("h_item"), ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"),
              ctx.w("h_flag"))]
    table += [(ctx.metric(f.metric), ctx.region(f.scope), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit, f.metric),
               _flag_cell(ctx, f)) for f in figs]
    return _chart("key-outcomes", title, unit, [], [_bars(bars, ctx.lang, ctx.width)], notes, alt,
                  ctx.source_note(figs), table, ctx.lang, ctx.width)


ORDER = 1  # place on the page, among the kinds
build = key_outcomes
