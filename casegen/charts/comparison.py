"""The comparison chart: one comparison group across pairings, one panel per comparable indicator.

Every bar is labelled with the value as published (its qualifier kept: 约18万, more than 4,500), and with
the level and period of the area it describes; bars are grouped by level (province, city, county). Each
panel has its own scale, and says so when there are several. A cell whose definition differs from the
indicator's is marked †, as in the table.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from ..load import Library
from .context import source_note
from .engine import svg
from .layout import Bar, Chart, _bars, _compose
from .style import NARROW_WIDTH, WIDTH
from .text import _dec, _group_digits
from .words import _words

MAX_SECTIONS = 4  # indicators in one comparison chart; the page's table has the others
MAX_COMPARE_BARS = 15  # pairings drawn per indicator (the largest); the page's table has all
LEVEL_ORDER = ("province", "city", "county")


def _shown(r: dict, lang: str) -> str:
    """The row's value label: as published with its qualifier (render.comparison_rows gives it), else the value
    on the chart's scale, grouped as the pages group digits."""
    if r.get("text"):
        return r["text"]
    d = Decimal(repr(float(r["value_base"]))).quantize(Decimal("0.01")).normalize()
    return _group_digits(_dec(d), lang)


def _name(lib: Library, indicator_id: str, lang: str) -> str:
    i = lib.indicators.get(indicator_id)
    if i is not None:
        return i.name(lang)
    m = lib.metrics.get(indicator_id)  # rows keyed on a metric (an older caller): its name
    return m.name(lang) if m else indicator_id


def comparison_chart(lib: Library, group_id: str, lang: str, rows: list[dict]) -> Chart | None:
    """Bars of one comparison group across pairings: one panel per indicator that at least two rows report,
    drawn wide (``svg``) and for a phone (``svg_narrow``).

    rows: dicts with case, label, metric (the indicator), value_base, unit_label, period, source and, from
    render.comparison_rows, text (the value as published), level, area, dimension and differs.
    """
    chart = _comparison_chart(lib, group_id, lang, rows, WIDTH)
    if chart is None:
        return None
    phone = _comparison_chart(lib, group_id, lang, rows, NARROW_WIDTH)
    return dataclasses.replace(chart, svg_narrow=phone.svg if phone else "")


def _comparison_chart(lib: Library, group_id: str, lang: str, rows: list[dict], width: float) -> Chart | None:
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r.get("value_base") is not None:
            by_indicator[r["metric"]].append(r)
    # one scale per panel: the values of the indicator's main dimension (people, not person-times), which is that
    # of the values that count what the indicator defines (no †) where there are such values: three person-times
    # values marked † must not push aside the one value in people that compares like with like
    def compared() -> set[str]:  # the indicators that at least two cases report
        return {m for m, rs in by_indicator.items() if len({r["case"] for r in rs}) >= 2}

    compared_before = compared()
    for key, rs in by_indicator.items():
        dims = [r.get("dimension") for r in rs if not r.get("differs")] or [r.get("dimension") for r in rs]
        main = max(dict.fromkeys(dims), key=dims.count)
        by_indicator[key] = [r for r in rs if r.get("dimension") == main]
    order = {m: i for i, m in enumerate([*lib.indicators, *lib.metrics])}
    compared_now = compared()
    indicators = sorted(compared_now, key=lambda m: (order.get(m, 1e9), m))
    if not indicators:
        return None
    left_out = len(indicators) > MAX_SECTIONS
    indicators = indicators[:MAX_SECTIONS]
    # values set aside for their unit: beside drawn ones, or a whole indicator that no longer compares two cases
    left_aside = any(len(by_indicator[m]) < len([r for r in rows if r["metric"] == m]) for m in indicators) or \
        bool(compared_before - compared_now)

    sections, alt_items, units = [], [], []
    table = [(_words("h_metric", lang), _words("h_case", lang), _words("h_place", lang), _words("h_level", lang),
              _words("h_period", lang), _words("h_value", lang), _words("h_source", lang))]
    cut, drawn = False, set()
    for m in indicators:
        rs = sorted(by_indicator[m], key=lambda r: (LEVEL_ORDER.index(r["level"]) if r.get("level") in LEVEL_ORDER
                                                    else 9, -float(r["value_base"]), r["case"]))
        cut = cut or len(rs) > MAX_COMPARE_BARS
        rs = rs[:MAX_COMPARE_BARS]
        drawn.update(id(r) for r in rs)
        unit_label = rs[0]["unit_label"]
        units.append(unit_label)
        sep = _words("comma", lang)
        bars = []
        for i, r in enumerate(rs):
            shown = _shown(r, lang)
            mark = " †" if r.get("differs") else ""
            label = r["label"]
            if r.get("area"):
                label += f"（{r['area']}）" if lang == "zh" else f" ({r['area']})"
            meta = sep.join(x for x in (_words(f"level_{r['level']}", lang) if r.get("level") else "",
                                        r.get("period", "")) if x)
            bars.append(Bar(key=f"{r['case']}|{i}", label=label, value=float(r["value_base"]), text=shown + mark,
                            meta=meta))
        name = _name(lib, m, lang)
        # every panel names its indicator, the only one too: the title names the group, not what is drawn
        head = _words("panel_head", lang, name=name, unit=unit_label) if len(indicators) > 1 else name
        sections.append(_bars(bars, lang, width, title=head))
        alt_items.append(name + _words("colon", lang) + _words("sep", lang).join(
            f"{b.label} {b.text}（{b.meta}）" if lang == "zh" else f"{b.label} {b.text} ({b.meta})" for b in bars))
        table += [(name, r["label"], r.get("area", ""), _words(f"level_{r['level']}", lang) if r.get("level") else "",
                   r.get("period", ""), _shown(r, lang) + (" †" if r.get("differs") else ""),
                   r.get("source", "")) for r in rs]
    group = lib.groups[group_id].name(lang) if group_id in lib.groups else group_id
    title = _words("compare_title", lang).format(group)
    unit = _words("unit", lang).format(_words("list_sep", lang).join(dict.fromkeys(units)))
    alt = f"{_words('bar_chart', lang)}{_words('colon', lang)}{title}{'。' if lang == 'zh' else '. '}" + \
        (_words("sep", lang).join(alt_items)) + ("。" if lang == "zh" else ".")
    src = source_note(lib, [r["source"] for m in indicators for r in by_indicator[m]
                            if r.get("source") and id(r) in drawn], lang)
    notes = [_words("compare_levels", lang)]
    if len(indicators) > 1:
        notes.append(_words("compare_scales", lang))
    if any(r.get("differs") for m in indicators for r in by_indicator[m] if id(r) in drawn):
        notes.append(_words("compare_differs", lang))
    if left_aside:
        notes.append(_words("compare_other_units", lang))
    if left_out:
        notes.append(_words("compare_more", lang))
    if cut:
        notes.append(_words("compare_top", lang).format(MAX_COMPARE_BARS))
    spec = _compose(title, [unit], sections, [*notes, src], alt, lang, width)
    return Chart(id=f"compare-{group_id}", title=title, alt=alt, unit=unit, source_note=src, svg=svg(spec),
                 table=table)
