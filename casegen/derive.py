"""Derive: figures the sources do not print but their numbers imply, and cross-case comparisons.

Every derived figure names its formula and the figures it comes from, so a reader can redo it.
Derived figures are computed only from figures of one source, one place and one period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .load import Library
from .memo import Kept
from .models import Figure, Indicator, IndicatorMetric

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
    Ratio("poor_workers_in_jobs_share", "贫困劳动力就业比例", "Poor workers in jobs, share of the poor labour force",
          "poor_workers_employed", "poor_labour_force", "share", "placement",
          "贫困劳动力实现就业人数 ÷ 贫困劳动力", "poor workers in jobs ÷ poor labour force"),
    Ratio("poor_transferred_share", "贫困劳动力转移就业比例", "Poor workers transferred, share of the poor labour force",
          "workers_transferred_poor", "poor_labour_force", "share", "placement",
          "转移就业的建档立卡贫困劳动力 ÷ 贫困劳动力", "poor workers transferred ÷ poor labour force"),
    Ratio("trainees_poor_share", "培训人员中贫困劳动力占比", "Poor workers among trainees", "trainees_poor", "trainees",
          "share", "training", "其中贫困劳动力 ÷ 培训人数", "poor workers trained ÷ people trained"),
]


def frame(lib: Library, metrics: set[str] | None = None) -> pd.DataFrame:
    """Every figure of the library (of ``metrics``, if given) as one row, with its value converted to the
    dimension's base unit."""
    import pandas as pd

    rows = []
    for story, figures in lib.figures.items():
        for f in figures:
            if metrics is not None and f.metric not in metrics:
                continue
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


def derived(lib: Library, df: pd.DataFrame | None = None, ratios: list[Ratio] | None = None) -> list[Derived]:
    """Ratios (of ``ratios``, else all) whose two figures share story, scope, series, category, period and
    source."""
    ratios = RATIOS if ratios is None else ratios
    if not ratios:
        return []
    # only the ratios' own metrics: a live preview's edit compares its group again, and a frame of every figure
    # of 1,000 stories took most of a second
    df = frame(lib, {m for r in ratios for m in (r.numerator, r.denominator)}) if df is None else df
    out = []
    for ratio in ratios:
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


# Levels a comparison sets side by side; a figure sits at the level of the area it describes (a district
# counts as a county, a country as a province).
LEVELS = ("province", "city", "county")
_LEVEL_OF = {"country": "province", "province": "province", "city": "city", "county": "county", "district": "county"}


def level_of(lib: Library, region_id: str) -> str:
    region = lib.regions.get(region_id)
    return _LEVEL_OF.get(region.level, "county") if region else "county"


@dataclass(frozen=True)
class Cell:
    figure: Figure | None
    others: int  # further figures of the indicator in this story at this level, shown on the case page
    mapping: IndicatorMetric | None = None  # how the figure counts as the indicator (its metric, breakdown, note)

    @property
    def differs(self) -> bool:
        """Whether the figure's definition differs from the indicator's (the table marks it)."""
        return bool(self.mapping and self.mapping.differs_en)


@dataclass
class Row:
    story: str
    level: str                 # the level of the areas its cells describe
    cells: dict[str, Cell]     # indicator id -> cell


def representative(lib: Library, story: str, figures: list[Figure]) -> Figure | None:
    """The figure a comparison shows for a story: actual, the story's own region, latest."""
    record = lib.practices[story] if story in lib.practices else lib.cases[story]  # lib.stories()[story], in O(1)
    home = getattr(record, "west", None) or getattr(record, "region", None)
    candidates = [f for f in figures if f.series == "actual"]
    if not candidates:
        return None
    return max(candidates, key=lambda f: (f.scope == home, f.end, -f.line))


@dataclass
class Comparison:
    group: str
    indicators: list[str]      # reported by two or more pairings: the table's columns (none: no page)
    rows: list[Row]            # grouped by level (LEVELS order), then in library order
    ratios: list[Derived]

    @property
    def stories(self) -> list[str]:
        """The pairings in the table, in order, each once."""
        return list(dict.fromkeys(row.story for row in self.rows))

    def levels(self, indicator: str) -> list[str]:
        """The levels an indicator is reported at: more than one means the column mixes levels."""
        return [level for level in LEVELS if any(r.level == level and r.cells[indicator].figure for r in self.rows)]


def _cell(lib: Library, story: str, indicator: Indicator, figures: dict[str, list[Figure]]) -> Cell | None:
    """The first of the indicator's metrics the story reports at one level (``figures`` by metric), as its
    representative figure."""
    total = 0
    chosen: Cell | None = None
    for mapping in indicator.metrics:
        matching = [f for f in figures.get(mapping.metric, ()) if f.category == (mapping.category or "")
                    and f.series == "actual"]
        total += len(matching)
        if chosen is None and matching:
            chosen = Cell(representative(lib, story, matching), 0, mapping)
    if chosen is None:
        return None
    return Cell(chosen.figure, total - 1, chosen.mapping)


# Comparisons by group and the key the caller gave for what it depends on (render.site_units: the registers,
# what the lists show of the stories, every figure of the group's metrics): a live preview's edit compares
# again only the groups whose figures it changed, not all of them over the whole library.
_COMPARED = Kept(256)


def comparisons(lib: Library, keys: dict[str, str] | None = None) -> dict[str, Comparison]:
    """One comparison per group: its indicators reported by two or more pairings, pairings by level. ``keys``:
    for each group, a digest of all the comparison depends on; a group whose key was seen is taken as it was."""
    kept = {g: c for g in lib.groups if keys and g in keys and (c := _COMPARED.find((g, keys[g]))) is not None}
    todo = [g for g in lib.groups if g not in kept]
    out = _compare(lib, todo) if todo else {}
    for group in todo:
        if keys and group in keys:
            _COMPARED.put((group, keys[group]), out[group])
    return {group: kept[group] if group in kept else out[group] for group in lib.groups}


def _compare(lib: Library, groups: list[str]) -> dict[str, Comparison]:
    all_ratios = derived(lib, ratios=[r for r in RATIOS if r.group in groups])
    stories = list(lib.cases) + list(lib.practices)
    # a story's figures at each level, by metric: looked up, not searched (linear in the library)
    by_level: dict[tuple[str, str], dict[str, list[Figure]]] = {}
    for story in stories:
        for f in lib.figures.get(story, []):
            by_level.setdefault((story, level_of(lib, f.scope)), {}).setdefault(f.metric, []).append(f)
    out = {}
    for group in groups:
        indicators = [i for i in lib.indicators.values() if i.group == group]
        found: dict[tuple[str, str], dict[str, Cell]] = {}
        if not indicators:
            out[group] = Comparison(group, [], [], [])
            continue
        for level in LEVELS:
            for story in stories:
                figures = by_level.get((story, level))
                if not figures:
                    continue
                cells = {i.id: cell for i in indicators if (cell := _cell(lib, story, i, figures))}
                if cells:
                    found[(story, level)] = cells
        columns = [i.id for i in indicators
                   if len({story for (story, _), cells in found.items() if i.id in cells}) >= 2]
        rows = [Row(story, level, {i: cells.get(i, Cell(None, 0)) for i in columns})
                for (story, level), cells in found.items() if any(i in cells for i in columns)]
        out[group] = Comparison(group, columns, rows if columns else [],
                                [d for d in all_ratios if d.ratio.group == group] if columns else [])
    return out
