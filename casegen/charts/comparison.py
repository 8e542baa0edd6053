"""The comparison chart: one comparison group across cases."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..load import Library
from .context import metric_name, source_note
from .engine import svg
from .layout import Bar, Chart, _bars, _compose
from .text import _dec, _group_digits
from .words import _words

MAX_SECTIONS = 4  # metrics in one comparison chart; the page's table has the others
MAX_COMPARE_BARS = 15  # cases drawn per metric of a comparison chart (the largest); the page's table has all


def comparison_chart(lib: Library, group_id: str, lang: str, rows: list[dict]) -> Chart | None:
    """Bars of one comparison group across cases: one section per metric that has at least two rows.

    rows: dicts with case, label, metric, value_base, unit_label, period, source.
    """
    by_metric: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r.get("value_base") is not None:
            by_metric[r["metric"]].append(r)
    order = {m: i for i, m in enumerate(lib.metrics)}
    metrics = sorted((m for m, rs in by_metric.items() if len(rs) >= 2),
                     key=lambda m: (-len(by_metric[m]), order.get(m, 1e9), m))
    if not metrics:
        return None
    left_out = len(metrics) > MAX_SECTIONS
    metrics = metrics[:MAX_SECTIONS]

    def name(m: str) -> str:
        return metric_name(lib, m, lang)

    def fmt(v: float) -> str:
        d = Decimal(repr(float(v))).quantize(Decimal("0.01")).normalize()
        return _group_digits(_dec(d), lang)

    sections, alt_items, table = [], [], []
    table.append((_words("h_metric", lang), _words("h_case", lang), _words("h_period", lang), _words("h_base", lang),
                  _words("h_unit", lang), _words("h_source", lang)))
    units = []
    cut, drawn = False, set()
    for m in metrics:
        rs = sorted(by_metric[m], key=lambda r: (-float(r["value_base"]), r["case"]))
        # a chart of hundreds of bars is unreadable and slow to draw: the largest only, the table has the rest
        cut = cut or len(rs) > MAX_COMPARE_BARS
        rs = rs[:MAX_COMPARE_BARS]
        drawn.update(id(r) for r in rs)
        unit_label = rs[0]["unit_label"]
        units.append(unit_label)
        bars = [Bar(key=f"{r['case']}|{i}", label=r["label"], value=float(r["value_base"]), text=fmt(r["value_base"]),
                    meta=r.get("period", "")) for i, r in enumerate(rs)]
        head = name(m) + (f"（{unit_label}）" if lang == "zh" else f" ({unit_label})") if len(metrics) > 1 else None
        sections.append(_bars(bars, lang, title=head))
        alt_items.append(name(m) + _words("colon", lang) + _words("sep", lang).join(
            f"{r['label']} {fmt(r['value_base'])} {unit_label}".strip() for r in rs))
        table += [(name(m), r["label"], r.get("period", ""), fmt(r["value_base"]), unit_label, r.get("source", ""))
                  for r in rs]
    group = lib.groups[group_id].name(lang) if group_id in lib.groups else group_id
    title = _words("compare_title", lang).format(group)
    unit = _words("unit", lang).format(_words("list_sep", lang).join(dict.fromkeys(units)))
    alt = f"{_words('bar_chart', lang)}{_words('colon', lang)}{title}{'。' if lang == 'zh' else '. '}" + \
        (_words("sep", lang).join(alt_items)) + ("。" if lang == "zh" else ".")
    src = source_note(lib, [r["source"] for m in metrics for r in by_metric[m] if r.get("source") and id(r) in drawn],
                      lang)
    notes = [_words("compare_note", lang)] + ([_words("compare_more", lang)] if left_out else []) + \
        ([_words("compare_top", lang).format(MAX_COMPARE_BARS)] if cut else [])
    spec = _compose(title, [unit], sections, [*notes, src], alt, lang)
    return Chart(id=f"compare-{group_id}", title=title, alt=alt, unit=unit, source_note=src, svg=svg(spec),
                 table=table)
