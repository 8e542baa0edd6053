"""Derive: figures the sources do not print but their numbers imply, and cross-case comparisons.

Every derived figure names its formula and the figures it comes from, so a reader can redo it.
Derived figures are computed only from figures of one source, one place and one period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .load import Library
from .models import Figure

if TYPE_CHECKING:
    import pandas as pd  # imported where used: a build with nothing to render does not load pandas


@dataclass(frozen=True)
class Ratio:
    id: str
    zh: str
    en: str
    numerator: str
    denominator: str
    kind: str  # "ratio" (a per-unit figure), "share" (a percentage of a whole) or "difference"
    group: str
    formula_zh: str
    formula_en: str
    categories: tuple[str, str] | None = None  # compare two breakdowns of one metric instead of two metrics


RATIOS = [
    Ratio("jobs_per_employer", "每家企业提供岗位", "Jobs offered per employer", "jobs_offered", "employers_at_fairs",
          "ratio", "jobs", "提供岗位 ÷ 参会企业", "jobs offered ÷ employers taking part"),
    Ratio("poor_share_of_agreements", "签约者中建档立卡贫困人员占比", "Registered poor among job agreements",
          "job_intentions_poor", "job_intentions", "share", "placement",
          "其中建档立卡贫困人员 ÷ 达成就业意向人数", "registered poor ÷ job agreements reached"),
    Ratio("workers_per_workshop", "每个扶贫车间吸纳就业", "Workers per poverty-alleviation workshop",
          "workshop_workers", "poverty_workshops", "ratio", "posts",
          "扶贫车间吸纳就业人数 ÷ 扶贫车间数", "workshop workers ÷ workshops"),
    Ratio("trainees_employed_share", "培训后就业比例", "Trainees who found jobs", "trainees_employed", "trainees",
          "share", "training", "培训后实现就业人数 ÷ 培训人数", "trainees who found jobs ÷ people trained"),
    Ratio("survey_income_gain", "劳务协作人员比县内就业人员多收入", "Income gain of cooperation workers over local workers",
          "annual_income_mean", "annual_income_mean", "difference", "income",
          "劳务协作人员年均收入 − 县内就业人员年均收入", "mean income of cooperation workers − of locally employed workers",
          ("coop-workers", "local-workers")),
    Ratio("trainees_poor_share", "培训人员中贫困劳动力占比", "Poor workers among trainees", "trainees_poor", "trainees",
          "share", "training", "其中贫困劳动力 ÷ 培训人数", "poor workers trained ÷ people trained"),
]


def frame(lib: Library) -> pd.DataFrame:
    """Every figure of the library as one row, with its value converted to the dimension's base unit."""
    import pandas as pd

    rows = []
    for story, figures in lib.figures.items():
        for f in figures:
            unit = lib.units.get(f.unit)
            rows.append({
                "story": story, "metric": f.metric, "value": f.value, "published": f.published_value,
                "unit": f.unit, "factor": unit.factor if unit else 1.0,
                "value_base": f.value * (unit.factor if unit else 1.0), "qualifier": f.qualifier,
                "start": f.start, "end": f.end, "scope": f.scope, "series": f.series, "category": f.category,
                "source": f.source, "locator": f.locator, "line": f.line,
                # the kind of the flag the figure falls under, its own or its flag group's
                "flag": flag.kind if (flag := lib.flag_of(f)) else "",
            })
    columns = ["story", "metric", "value", "published", "unit", "factor", "value_base", "qualifier", "start", "end",
               "scope", "series", "category", "source", "locator", "flag", "line"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Derived:
    ratio: Ratio
    story: str
    value: float
    numerator: Figure
    denominator: Figure


def _figure(lib: Library, story: str, line: int) -> Figure:
    return next(f for f in lib.figures[story] if f.line == line)


def derived(lib: Library, df: pd.DataFrame | None = None) -> list[Derived]:
    """Ratios whose two figures share story, scope, series, category, period and source."""
    df = frame(lib) if df is None else df
    out = []
    for ratio in RATIOS:
        keys = ["story", "scope", "series", "start", "end", "source"] + ([] if ratio.categories else ["category"])
        num = df[(df.metric == ratio.numerator) & (df.qualifier == "")]
        den = df[(df.metric == ratio.denominator) & (df.qualifier == "") & (df.value_base != 0)]
        if ratio.categories:
            num, den = num[num.category == ratio.categories[0]], den[den.category == ratio.categories[1]]
        merged = num.merge(den, on=keys, suffixes=("_n", "_d"))
        for row in merged.sort_values(["story", "end", "line_n"]).itertuples():
            if ratio.kind == "difference":
                value = row.value_base_n - row.value_base_d
            else:
                value = row.value_base_n / row.value_base_d * (100 if ratio.kind == "share" else 1)
            out.append(Derived(ratio, row.story, value, _figure(lib, row.story, row.line_n),
                               _figure(lib, row.story, row.line_d)))
    return out


@dataclass(frozen=True)
class Cell:
    figure: Figure | None
    others: int  # further figures of the metric in this story, shown on the case page


def representative(lib: Library, story: str, figures: list[Figure]) -> Figure | None:
    """The figure a comparison shows for a story: actual, the story's own region, no breakdown, latest."""
    record = lib.practices[story] if story in lib.practices else lib.cases[story]  # lib.stories()[story], in O(1)
    home = getattr(record, "west", None) or getattr(record, "region", None)
    candidates = [f for f in figures if f.series == "actual" and not f.category]
    if not candidates:
        return None
    return max(candidates, key=lambda f: (f.scope == home, f.end, -f.line))


@dataclass
class Comparison:
    group: str
    stories: list[str]                 # rows, in library order
    shared: list[str]                  # metrics reported by two or more stories: the table's columns
    cells: dict[tuple[str, str], Cell]  # (story, metric) -> cell
    single: list[tuple[str, str, list[Figure]]]  # metrics reported by one story only: (metric, story, figures)
    ratios: list[Derived]


def comparisons(lib: Library) -> dict[str, Comparison]:
    df = frame(lib)
    all_ratios = derived(lib, df)
    out = {}
    order = {m: i for i, m in enumerate(lib.metrics)}
    stories = list(lib.cases) + list(lib.practices)
    position = {s: i for i, s in enumerate(stories)}  # index lookups and sets: linear in the cases, not square
    by_story_metric: dict[tuple[str, str], list[Figure]] = {}
    for story, figures in lib.figures.items():
        for f in figures:
            by_story_metric.setdefault((story, f.metric), []).append(f)
    story_sets = {m: set(group.story) for m, group in df.groupby("metric", sort=False)} if len(df) else {}
    for group in lib.groups:
        metrics = sorted({m for m in df.metric.unique() if lib.metrics[m].group == group}, key=order.get)
        by_metric = {m: sorted(story_sets[m], key=position.__getitem__) for m in metrics}
        shared = [m for m in metrics if len(by_metric[m]) >= 2]
        reporting = set().union(*(story_sets[m] for m in metrics)) if metrics else set()
        rows = [s for s in stories if s in reporting]
        cells = {}
        for story in rows:
            for metric in shared:
                figures = by_story_metric.get((story, metric), [])
                chosen = representative(lib, story, figures) if figures else None
                cells[(story, metric)] = Cell(chosen, len(figures) - (1 if chosen else 0))
        single = [(m, by_metric[m][0], [f for f in lib.figures[by_metric[m][0]] if f.metric == m])
                  for m in metrics if len(by_metric[m]) == 1]
        out[group] = Comparison(group, rows, shared, cells, single,
                                [d for d in all_ratios if d.ratio.group == group])
    return out
