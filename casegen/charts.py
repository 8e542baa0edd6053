"""Charts: a case's figures as static SVG charts, drawn at build time with Vega-Lite (vl-convert).

Each chart is a complete picture on its own (title, unit line, notes and source inside the SVG),
so it reads the same on a page, in a slide or printed; ``Chart`` also carries the title, alt text,
unit, source and the data table separately for the page around it.

Rules every chart keeps:

* only figures that exist are drawn; "not reported" is written as text, never drawn as 0;
* value labels are the numbers as published (with 约/以上/不到), not rounded re-computations;
* figures flagged as contradictory in their source carry ``*`` and are explained in a note;
* when a chart mixes periods, each item says its period;
* one accent colour plus greys, one CJK-aware font list, no axes where every value is labelled.

``svg`` is the one place that calls vl-convert; it pins the Vega-Lite version and renumbers the
SVG's internal ids, so the same spec gives the same bytes in any process.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import vl_convert as vlc

from . import qualifiers, text
from .load import Library
from .models import Case, Figure

VL_VERSION = "6.4"

# -- style -------------------------------------------------------------------------------------
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
ACCENT = "#1d5f99"        # the one accent: what the chart is about
ACCENT_LIGHT = "#a9c6e2"  # a tint of it: projections, the second tier of a scale
INK = "#1f1f1f"           # titles, labels
MUTED = "#5c5c5c"         # unit line, notes, periods (7:1 on white)
GREY = "#9a9a9a"          # secondary marks
GREY_LIGHT = "#d4d4d4"    # background marks
RULE = "#8c8c8c"          # baselines

WIDTH = 600               # the drawing width inside the padding; with padding the SVG is ~640 px
PADDING = 18
SIZE = {"title": 20, "subtitle": 14, "label": 14, "value": 14, "meta": 12, "note": 12}

THEME = {
    "font": FONT,
    "background": "white",
    "padding": PADDING,
    "aria": False,  # no English auto-descriptions of marks; svg() labels the whole image instead
    "view": {"stroke": None},
    "title": {"anchor": "start", "font": FONT, "fontSize": SIZE["title"], "fontWeight": "bold", "color": INK,
              "lineHeight": 27, "subtitleFont": FONT, "subtitleFontSize": SIZE["subtitle"],
              "subtitleColor": MUTED, "subtitleLineHeight": 20, "subtitlePadding": 6, "offset": 18},
    "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13, "labelColor": MUTED,
             "titleColor": MUTED, "domainColor": RULE, "tickColor": RULE, "grid": False},
    "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "labelColor": INK, "symbolType": "square",
               "symbolSize": 160, "orient": "top", "title": None, "labelLimit": 400},
    "text": {"font": FONT, "fontSize": SIZE["label"], "color": INK},
    "concat": {"spacing": 14},
}

# -- words of the charts themselves (data names come from the registers) --------------------------
L = {
    "unit": {"zh": "单位：{}", "en": "Unit: {}"},
    "source": {"zh": "来源：{}", "en": "Source: {}"},
    "sources": {"zh": "来源：{}", "en": "Sources: {}"},
    "list_sep": {"zh": "、", "en": ", "},
    "sep": {"zh": "；", "en": "; "},
    "comma": {"zh": "，", "en": ", "},
    "colon": {"zh": "：", "en": ": "},
    "not_reported": {"zh": "未报告", "en": "not reported"},
    "flag_note": {"zh": "* 原文数字自相矛盾，照录未改：{}",
                  "en": "* The source contradicts itself here; figures kept as published: {}"},
    "bar_chart": {"zh": "条形图", "en": "Bar chart"},
    # key outcomes
    "key_title": {"zh": "主要成果：{}", "en": "Key outcomes: {}"},
    # targets
    "targets_title": {"zh": "{}：目标与完成情况", "en": "{}: targets and completion"},
    "targets_legend": {"zh": "深色条＝{actual}，浅色条＝{expected}，黑色竖线＝{target}",
                       "en": "Dark bar = {actual}; light bar = {expected}; black line = {target}"},
    "targets_alt": {"zh": "子弹图：{title}。{rows}", "en": "Bullet chart: {title}. {rows}"},
    "col_actual": {"zh": "完成", "en": "Done"},
    "col_expected": {"zh": "预计", "en": "Expected"},
    "col_target": {"zh": "目标", "en": "Target"},
    "actual_by": {"zh": "截至{}完成", "en": "done by {}"},
    "expected_by": {"zh": "预计至{}完成", "en": "expected by {}"},
    "target_for": {"zh": "{}目标", "en": "target for {}"},
    "by_date": {"zh": "截至{}", "en": "by {}"},
    # income range
    "income_title": {"zh": "{place}{year}：{a}与{b}的年收入", "en": "Annual income in {place}, {year}: {a} and {b}"},
    "income_legend": {"zh": "横线＝调查样本中最低至最高收入，圆点＝均值",
                      "en": "Line = lowest to highest income in the survey sample; dot = mean"},
    "income_n": {"zh": "{}人", "en": "n = {}"},
    "min": {"zh": "最低 {}", "en": "lowest {}"},
    "max": {"zh": "最高 {}", "en": "highest {}"},
    "mean": {"zh": "均值 {}", "en": "mean {}"},
    "income_gap": {"zh": "原文称两组收入相差{}元。", "en": "The source puts the gap between the groups at {} yuan."},
    "range_alt": {"zh": "区间图：{title}。{rows}", "en": "Range chart: {title}. {rows}"},
    # subsidies
    "subsidy_title": {"zh": "{place}{year}就业创业补助资金：{category}支出，按项目",
                      "en": "Employment subsidy funds, {place} {year}: spending of {category}, by item"},
    "subsidy_raised": {"zh": "当年筹集资金{}", "en": "current-year funds raised: {}"},
    "subsidy_spent": {"zh": "全年支出合计{}（含往年资金）", "en": "total spending {} (prior-year funds included)"},
    "subsidy_balance": {"zh": "当年资金结余{}（负数为缺口）", "en": "current-year balance {} (negative = shortfall)"},
    "subsidy_zero": {"zh": "往年资金在各项目下均为0。", "en": "Prior-year funds are 0 for every item."},
    # destinations
    "dest_title": {"zh": "{}：转移就业人员去向", "en": "{}: where transferred workers went"},
    "dest_sub": {"zh": "占所述总数的百分比；条上方为地区、年份和所述总数",
                 "en": "Share of the stated total; above each bar: place, period and stated total"},
    "dest_sub_parts": {"zh": "占各去向之和的百分比；条上方为地区和年份",
                       "en": "Share of the destinations' sum; above each bar: place and period"},
    "dest_rest": {"zh": "未细分或与总数之差", "en": "Not broken down, or gap to the total"},
    "dest_rest_note": {"zh": "白色部分：原文未按去向细分的人数，或分项之和与所述总数之差。",
                       "en": "White: people the source does not break down by destination, "
                             "or the gap between the parts and the stated total."},
    "dest_total": {"zh": "合计{}", "en": "total {}"},
    "dest_alt": {"zh": "百分比堆积条形图：{title}。{rows}", "en": "100% stacked bar chart: {title}. {rows}"},
    # poverty
    "poverty_title": {"zh": "{}：贫困人口与贫困发生率", "en": "{}: poor population and poverty rate"},
    "slope_alt": {"zh": "斜线图：{title}。{rows}", "en": "Slope chart: {title}. {rows}"},
    "end_of": {"zh": "{}底", "en": "end {}"},
    # posts
    "posts_title": {"zh": "{place}{year}：{metric}构成", "en": "{metric} in {place}, {year}: by type"},
    "posts_total": {"zh": "原文所述总数为{total}*；各类之和为{parts}，{diff}。",
                    "en": "The source states a total of {total}*; the types add up to {parts}, {diff}."},
    "more_by": {"zh": "多{}", "en": "{} more"},
    "less_by": {"zh": "少{}", "en": "{} fewer"},
    "posts_unit": {"zh": "单位：个（岗位）", "en": "Unit: posts"},
    "posts_units": {"zh": "岗位按“个”或在岗“人/名”计，一岗一人。",
                    "en": "Posts counted as posts or as the people holding them, one post per person."},
    # platforms
    "platform_title": {"zh": "{place}各就业平台的{metric}", "en": "{metric} in {place}, by platform"},
    "platform_note": {"zh": "各平台口径和时段不同，不宜相加。全县合计：{total}（{period}）。",
                      "en": "The platforms count over different periods and should not be added up. "
                            "County total: {total} ({period})."},
    "platform_note_nototal": {"zh": "各平台口径和时段不同，不宜相加。",
                              "en": "The platforms count over different periods and should not be added up."},
    # comparison
    "compare_title": {"zh": "{}：各案例比较", "en": "{}: the cases compared"},
    "compare_more": {"zh": "仅列出报告案例最多的指标，其余见下表。",
                     "en": "Only the metrics most cases report are drawn; the table below has the rest."},
    "compare_top": {"zh": "每项指标只画出数值最大的{}个案例，其余见本页表格。",
                    "en": "Each metric shows only the {} largest values; the table on this page has them all."},
    "compare_note": {"zh": "数值均换算为同一单位；各案例的时段和口径不同，见每项右侧。",
                     "en": "Values converted to one unit; periods and definitions differ between cases "
                           "(right of each bar)."},
    # table headers
    "h_item": {"zh": "项目", "en": "Item"},
    "h_place": {"zh": "地区", "en": "Place"},
    "h_period": {"zh": "时段", "en": "Period"},
    "h_value": {"zh": "数值（原文）", "en": "Value (as published)"},
    "h_unit": {"zh": "单位", "en": "Unit"},
    "h_base": {"zh": "换算值", "en": "Converted"},
    "h_flag": {"zh": "原文矛盾", "en": "Contradiction in source"},
    "h_group": {"zh": "分组", "en": "Group"},
    "h_series": {"zh": "口径", "en": "Series"},
    "h_tier": {"zh": "档次", "en": "Tier"},
    "h_destination": {"zh": "去向", "en": "Destination"},
    "h_share": {"zh": "占所述总数", "en": "Share of stated total"},
    "h_case": {"zh": "案例", "en": "Case"},
    "h_metric": {"zh": "指标", "en": "Metric"},
    "h_source": {"zh": "来源", "en": "Source"},
    "h_platform": {"zh": "平台", "en": "Platform"},
    "series_actual": {"zh": "实际", "en": "actual"},
    "series_target": {"zh": "目标", "en": "target"},
    "series_expected": {"zh": "预计", "en": "expected"},
    "series_plan": {"zh": "计划", "en": "plan"},
}

FLAG_NAMES = {
    "sub-exceeds-total": {"zh": "子项大于总数", "en": "sub-item above its total"},
    "parts-mismatch": {"zh": "分项之和与总数不符", "en": "parts do not add up to the total"},
    "percent-mismatch": {"zh": "百分比与数字不符", "en": "percentage does not match the numbers"},
    "inconsistent": {"zh": "前后不一致", "en": "inconsistent figures"},
    "ambiguous": {"zh": "含义不明", "en": "ambiguous reading"},
    "gap-mismatch": {"zh": "缺口与数字不符", "en": "stated gap not given by the figures"},
    "claim-unsupported": {"zh": "结论缺少数字支持", "en": "claim the figures do not support"},
    "count-conflict": {"zh": "计数相互矛盾", "en": "counts that cannot both hold"},
    "period-mismatch": {"zh": "时段与数字不符", "en": "period does not fit the figures"},
    "garbled": {"zh": "数字残缺", "en": "garbled number"},
    "sample-size-mismatch": {"zh": "与样本人数不符", "en": "does not fit the sample size"},
}

# Metrics that describe the population a programme works with, not what it achieved: left out of
# "key outcomes" (they would dwarf every result) but still drawn where they are the subject.
BASELINE = {"poor_population", "poor_working_age", "poor_working_age_unable", "poor_labour_force",
            "poor_labour_households", "labour_force", "relocated_labour_force", "relocated_households_with_labour",
            "junior_secondary_graduates", "migrant_workers"}
OUTCOME_GROUPS = ("placement", "training", "posts", "jobs", "fairs")
DIMENSION_ORDER = ("people", "households", "person-times", "items")
MAX_BARS = 8
MAX_SECTIONS = 4  # metrics in one comparison chart; the page's table has the others
MAX_COMPARE_BARS = 15  # cases drawn per metric of a comparison chart (the largest); the page's table has all


@dataclass(frozen=True)
class Chart:
    id: str           # slug, unique within a page, e.g. "key-outcomes"
    title: str        # in the page language
    alt: str          # what the chart shows, with the key numbers
    unit: str         # the unit line shown under the title
    source_note: str  # "来源：林晓洁（2018），人民网"
    svg: str          # the SVG text, deterministic
    table: list[tuple[str, ...]]  # the data behind the chart; first row is the header


# -- rendering ------------------------------------------------------------------------------------
_ID = re.compile(r'\bid="([^"]+)"')


CACHE: Path | None = None  # set by the build: rendered charts keyed on their spec (see cached)


def cache_key(kind: str, key_text: str) -> str:
    return hashlib.sha256(f"{kind}|{VL_VERSION}|{vlc.__version__}|{key_text}".encode()).hexdigest()


def cache_file(kind: str, key_text: str) -> Path:
    assert CACHE is not None
    key = cache_key(kind, key_text)
    return CACHE / kind / key[:2] / key


def cached(kind: str, key_text: str, render: Callable[[], bytes]) -> bytes:
    """Content-keyed cache of rendered charts: the same spec and renderer versions give the same file,
    so an unchanged chart is not rendered again (rendering is most of a build's time)."""
    if CACHE is None:
        return render()
    path = cache_file(kind, key_text)
    if path.exists():
        return path.read_bytes()
    data = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # workers of a pool never share a temporary file
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk (or an interrupt) leaves no half a chart in the cache
        raise
    return data


# -- deferred rendering: collect the charts a build lacks, render them on every core, then build ---
# Rendering (vl-convert) is nearly all of a cold build's time and runs one chart at a time per process.
# Inside ``deferred()`` a chart missing from the cache is not rendered: it is noted and stands in as a
# placeholder; ``render_jobs`` then renders the notes in a pool of processes into the cache, and the
# build that follows finds every chart there. The cache key stays the spec, so the bytes are those of
# a chart rendered inline.
_PENDING: dict[str, bool] | None = None   # spec text → whether its PNG is wanted too
_PENDING_PNG: set[str] | None = None      # SVG texts whose PNG alone is missing
_PLACEHOLDER = "\0pending-chart\0"


class deferred:
    """``with deferred() as jobs:`` build charts without rendering; ``jobs`` lists what to render."""

    def __enter__(self) -> list[tuple]:
        global _PENDING, _PENDING_PNG
        if CACHE is None:
            raise RuntimeError("deferred chart rendering needs the cache (charts.CACHE)")
        _PENDING, _PENDING_PNG = {}, set()
        self.jobs: list[tuple] = []
        return self.jobs

    def __exit__(self, *exc) -> None:
        global _PENDING, _PENDING_PNG
        pending, pending_png = _PENDING or {}, _PENDING_PNG or set()
        _PENDING, _PENDING_PNG = None, None
        self.jobs += [("chart", spec_text, want_png) for spec_text, want_png in pending.items()]
        self.jobs += [("png", svg_text, True) for svg_text in sorted(pending_png)]
        # longest first, so that two workers finish together (the spec's length stands for its cost)
        self.jobs.sort(key=lambda job: (-len(job[1]), job[1]))


def _run_job(job: tuple) -> None:
    kind, text_, want_png = job
    svg_text = svg(json.loads(text_)) if kind == "chart" else text_
    if want_png:
        png(svg_text)


def _run_jobs(jobs: list[tuple]) -> None:
    for job in jobs:
        _run_job(job)


def _init_worker(cache: str, fontconfig: str | None) -> None:
    global CACHE
    CACHE = Path(cache)
    start_fonts(Path(fontconfig) if fontconfig else None)


# The fonts vl-convert uses in this process are fixed by its first chart (its font database reads
# FONTCONFIG_FILE then, and never again): None while no chart has been drawn, "system" for the system's
# fonts, or the characters of the cut-down font it started with (casegen.fonts).
_FONTS: str | frozenset[int] | None = None
_NOTHING = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


def start_fonts(fontconfig: Path | None) -> None:
    """Start vl-convert in this process with the cut-down font of ``fontconfig`` (None: the system's
    fonts), unless it has started already. The variable is set only while it starts, so that nothing
    else this process runs (MkDocs, Chromium printing the handouts) sees it."""
    global _FONTS
    if _FONTS is not None:
        return
    if fontconfig is None:
        _FONTS = "system"
        return
    chars = frozenset(json.loads(fontconfig.with_name("chars.json").read_text(encoding="utf-8")))
    # vl-convert reads the font files on every glyph, for as long as this process lives: give it copies that
    # live as long (the build cache may be cleaned meanwhile, by a test or by `make clean` during a preview)
    from . import fonts

    fontconfig = fonts.private_copy(fontconfig)
    saved = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(fontconfig)
    try:
        vlc.svg_to_png(_NOTHING)
    finally:
        if saved is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = saved
    _FONTS = chars


# A pool of one worker per core renders the charts when there is enough work to pay for starting it
# (about a second: spawning, imports, vl-convert's runtime); a little renders in the build's own process.
# The work is estimated from the specs: rendering time grows with the text a chart holds, and so with the
# length of its spec (about 20,000 characters a second with the system's fonts; a PNG about doubles it;
# the cut-down font makes it about three times faster). Measured on an edit at 100 cases (4 charts,
# 2.4 s estimated): 2.1 s here, 1.6 s in a pool of two.
POOL_MIN_S = 1.2
SPEC_CHARS_PER_S = 20_000
CUT_FONT_SPEEDUP = 3


def _cost(job: tuple) -> float:
    """Rough seconds a job takes to render with the system's fonts."""
    return len(job[1]) / SPEC_CHARS_PER_S * (2 if job[2] else 1)


def _pool(workers: int, fontconfig: Path | None = None):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a worker forked after vl-convert has run in the parent inherits its runtime's
    # threads in an unusable state and hangs for ever
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker,
                               initargs=(str(CACHE), str(fontconfig) if fontconfig else None))


def render_jobs(jobs: list[tuple], workers: int | None = None) -> None:
    """Render ``jobs`` (from ``deferred``) into the cache, with the CJK font cut down to their characters
    where the system has it: in this process when the work is little and its fonts can draw them, else in
    a pool of one worker per core (fresh processes, so they start with the font these jobs need)."""
    if not jobs:
        return
    from . import fonts

    workers = workers or os.cpu_count() or 1
    chars = fonts.characters(job[1] for job in jobs)
    conf = fonts.subset_config(chars, CACHE) if CACHE is not None else None
    work = sum(map(_cost, jobs))

    def little(cut_font: bool) -> bool:  # whether rendering here beats starting a pool
        return len(jobs) < 2 or work / (CUT_FONT_SPEEDUP if cut_font else 1) < POOL_MIN_S or \
            (workers <= 1 and not cut_font)

    if _FONTS is None and little(conf is not None):
        start_fonts(conf)
    cut = isinstance(_FONTS, frozenset)
    if (_FONTS == "system" or (cut and chars <= _FONTS)) and little(cut):
        return _run_jobs(jobs)
    with _pool(min(workers, len(jobs)), conf) as pool:
        for _ in pool.map(_run_job, jobs, chunksize=1):
            pass


def svg(spec: dict) -> str:
    spec_text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    if _PENDING is not None and not cache_file("svg", spec_text).exists():
        _PENDING.setdefault(spec_text, False)
        return _PLACEHOLDER + spec_text
    return cached("svg", spec_text, lambda: _render_svg(spec).encode("utf-8")).decode("utf-8")


def _render_svg(spec: dict) -> str:
    """Render a Vega-Lite spec to SVG text: the one call of vl-convert.

    Vega numbers clip paths with a process-wide counter, so the raw SVG of the same spec differs
    from call to call and two inline SVGs on one page could share an id. The ids are renumbered
    here with a prefix taken from the spec, which makes the output depend on the spec alone.
    """
    start_fonts(None)  # a chart drawn outside render_jobs: vl-convert starts with the system's fonts
    raw = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    prefix = "c" + hashlib.sha1(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
    ids: dict[str, str] = {}
    for old in _ID.findall(raw):
        ids.setdefault(old, f"{prefix}-{len(ids) + 1}")
    if ids:
        pattern = re.compile(r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, ids)) + r')(?=[")])')
        raw = pattern.sub(lambda m: m.group(1) + ids[m.group(2)], raw)
    description = spec.get("description")
    if description:
        label = html.escape(description, quote=True)
        raw = raw.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return raw


# -- text helpers ---------------------------------------------------------------------------------
def _char_width(c: str) -> float:
    """Width of one character in em, a slight overestimate for Noto Sans CJK (so wrapped text fits)."""
    if "\u2e80" <= c <= "\uffef":
        return 1.0
    if c == " ":
        return 0.28
    if c in "il.,:;'|!()[]":
        return 0.3
    if c.isupper() or c in "mw%@&":
        return 0.68
    return 0.56


def text_width(s: str, size: float) -> float:
    return sum(_char_width(c) for c in s) * size


_TOKEN = re.compile(r"[A-Za-z0-9.,%/&'’\-–+*()]+ ?| |.")
_NO_LINE_START = set("，。、；：）》」』’”%,.;:)")


def wrap(s: str, width: float, size: float) -> list[str]:
    """Break text into lines no wider than ``width`` pixels: Latin words stay whole, CJK breaks anywhere
    but never before closing punctuation."""
    tokens = _TOKEN.findall(s)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        if line and text_width((line + tok).rstrip(), size) > width and tok[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _words(key: str, lang: str, **kw) -> str:
    return L[key][lang].format(**kw) if kw else L[key][lang]


def _group_digits(digits: str, lang: str) -> str:
    negative = digits.startswith("-")
    whole, _, frac = digits.lstrip("-").partition(".")
    if lang == "zh":
        grouped = f"{int(whole):,}" if len(whole) > 4 else whole  # as the pages print them (text.number)
    else:
        grouped = f"{int(whole):,}"
    return ("-" if negative else "") + grouped + (f".{frac}" if frac else "")


def _dec(d: Decimal) -> str:
    """A Decimal as plain digits: 94800, not 9.48E+4."""
    return format(d.normalize(), "f")


def _qualified(number: str, qualifier: str, lang: str, unit: str = "") -> str:
    """A number with its unit and qualifier as the source printed it (约, 余, 多, 以上 …), in the order each
    language writes them: "4500多人", "more than 4,500 people"."""
    if lang == "zh":
        return qualifiers.zh(number, unit, qualifier)
    return qualifiers.en(f"{number} {unit}".strip(), qualifier)


# -- the case at hand -----------------------------------------------------------------------------
class _Ctx:
    def __init__(self, lib: Library, slug: str, lang: str):
        self.lib, self.slug, self.lang = lib, slug, lang
        self.story = lib.practices[slug] if slug in lib.practices else lib.cases[slug]  # lib.stories()[slug], in O(1)
        self.figures: list[Figure] = lib.figures.get(slug, [])
        self.main_scope = self.story.west if isinstance(self.story, Case) else self.story.region

    def flagged(self, f: Figure) -> bool:
        """Whether ``f`` falls under a flag: its own, or its flag group's (every figure of a group is starred)."""
        return self.lib.flag_of(f) is not None

    # names
    def w(self, key: str, **kw) -> str:
        return _words(key, self.lang, **kw)

    def metric(self, metric_id: str, with_parent: bool = True) -> str:
        return metric_name(self.lib, metric_id, self.lang, with_parent)

    def category(self, category_id: str) -> str:
        c = self.lib.categories.get(category_id)
        return c.name(self.lang) if c else category_id

    def region(self, region_id: str) -> str:
        r = self.lib.regions.get(region_id)
        return r.name(self.lang) if r else region_id

    def unit_name(self, unit_id: str) -> str:
        u = self.lib.units.get(unit_id)
        return u.name(self.lang) if u else unit_id

    def period(self, f: Figure) -> str:
        return text.period(f.start, f.end, self.lang)

    def date(self, d: str) -> str:
        return text.date(d, self.lang)

    def year(self, f: Figure) -> str:
        return text.date(f.end[:4], self.lang)

    # numbers
    def number(self, published: str) -> str:
        return _group_digits(published, self.lang)

    def shown(self, f: Figure) -> str:
        """The value as published, with its qualifier: what the tables print."""
        return _qualified(self.number(f.published_value), f.qualifier, self.lang)

    def factor(self, unit_id: str) -> Decimal:
        return Decimal(repr(self.lib.units[unit_id].factor))

    def in_unit(self, f: Figure, unit_id: str) -> Decimal:
        return Decimal(f.published_value) * self.factor(f.unit) / self.factor(unit_id)

    def label(self, f: Figure, unit_id: str, with_unit: bool = False) -> str:
        """Value label of ``f`` on a scale in ``unit_id``.

        Chinese keeps the published number and its 万/亿 ("9.48万"); English converts to the
        display unit ("94,800"), since "9.48 10k people" reads badly. Flagged figures get "*".
        """
        star = "*" if self.flagged(f) else ""
        same = self.factor(f.unit) == self.factor(unit_id)
        if unit_id == "%" and f.unit == "%":
            return _qualified(self.number(f.published_value) + "%", f.qualifier, self.lang) + star
        if self.lang == "zh":
            number = self.number(f.published_value)
            unit = self.unit_name(f.unit) if with_unit else ""
            if not same and not with_unit:
                display = self.lib.units[unit_id].zh
                own = self.lib.units[f.unit].zh
                unit = own[: -len(display)] if own.endswith(display) else own
            return _qualified(number, f.qualifier, "zh", unit) + star
        number = self.number(f.published_value if same else _dec(self.in_unit(f, unit_id)))
        unit = self.unit_name(unit_id) if with_unit else ""
        return _qualified(number, f.qualifier, "en", unit) + star

    def own_label(self, f: Figure) -> str:
        """Value label with the figure's own unit, as published: "1.3万个", "212 enterprises"."""
        number = self.number(f.published_value)
        return _qualified(number, f.qualifier, self.lang, self.unit_name(f.unit)) + ("*" if self.flagged(f) else "")

    def value_with_unit(self, f: Figure) -> str:
        """The published value with its own unit, for notes and alt text: "9.48万人", "94,800 people"."""
        if self.lang == "zh":
            return _qualified(self.number(f.published_value), f.qualifier, "zh", self.unit_name(f.unit))
        base = self.base_unit(f.unit)
        if self.factor(f.unit) != 1 and base:
            return _qualified(self.number(_dec(self.in_unit(f, base))), f.qualifier, "en", self.unit_name(base))
        return _qualified(self.number(f.published_value), f.qualifier, "en", self.unit_name(f.unit))

    def base_unit(self, unit_id: str) -> str | None:
        """The unit of factor 1 of ``unit_id``'s dimension (人 for 万人)."""
        dim = self.lib.units[unit_id].dimension
        if self.lib.units[unit_id].factor == 1:
            return unit_id
        for u in self.lib.units.values():
            if u.dimension == dim and u.factor == 1:
                return u.id
        return None

    def dimension(self, f: Figure) -> str:
        return self.lib.units[f.unit].dimension

    # notes
    def source_note(self, figures: list[Figure] | list[str]) -> str:
        return source_note(self.lib, [f if isinstance(f, str) else f.source for f in figures], self.lang)

    def flag_notes(self, figures: list[Figure], short: bool = False) -> list[str]:
        """The explanations of the flagged figures drawn, once each; summarised by kind when long."""
        flagged = [(f, flag) for f in figures if (flag := self.lib.flag_of(f))]
        if not flagged:
            return []
        texts = list(dict.fromkeys(flag.text(self.lang) for _, flag in flagged))
        if short or len(texts) > 2 or sum(map(len, texts)) > 360:
            kinds: dict[str, list[str]] = defaultdict(list)
            for f, flag in flagged:
                name = self.metric(f.metric, with_parent=False)
                if name not in kinds[flag.kind]:
                    kinds[flag.kind].append(name)
            texts = [FLAG_NAMES[k][self.lang] + (f"（{'、'.join(v)}）" if self.lang == "zh" else f" ({', '.join(v)})")
                     for k, v in kinds.items()]
            body = self.w("sep").join(texts)
        else:
            body = " ".join(texts)
        return [self.w("flag_note").format(body)]


def metric_name(lib: Library, metric_id: str, lang: str, with_parent: bool = True) -> str:
    """A metric's name; a sub-item named "其中…"/"of which …" gets its total in front, so it reads alone."""
    m = lib.metrics.get(metric_id)
    if not m:
        return metric_id
    name = m.name(lang)
    if with_parent and m.part_of and m.part_of in lib.metrics and \
            (name.startswith("其中") or name.lower().startswith("of which")):
        return lib.metrics[m.part_of].name(lang) + _words("colon", lang) + name
    return name


def source_note(lib: Library, source_ids: list[str], lang: str) -> str:
    """"来源：林晓洁（2018），人民网" from data/sources.yaml, sources in order of first use."""
    parts = []
    for sid in dict.fromkeys(source_ids):
        s = lib.sources.get(sid)
        if s is None:
            parts.append(sid)
        elif lang == "zh":
            parts.append(f"{s.author}（{s.published[:4]}），{s.publisher}")
        else:
            parts.append(f"{s.author_en} ({s.published[:4]}), {s.publisher_en}")
    key = "sources" if len(parts) > 1 else "source"
    return _words(key, lang).format(_words("sep", lang).join(parts))


# -- building blocks of specs -----------------------------------------------------------------------
def _compose(title: str, subtitle: list[str], body: list[dict], notes: list[str], alt: str,
             lang: str) -> dict:
    """The whole picture: title and unit line on top, the body, then notes and the source."""
    title_lines = wrap(title, WIDTH, SIZE["title"])
    sub_lines = [line for s in subtitle if s for line in wrap(s, WIDTH, SIZE["subtitle"])]
    note_lines = [line for n in notes if n for line in wrap(n, WIDTH, SIZE["note"])]
    parts = list(body)
    if note_lines:
        line_h = 18
        parts.append({
            "data": {"values": [{"y": line_h * i + line_h / 2, "t": t} for i, t in enumerate(note_lines)]},
            "width": WIDTH,
            "height": line_h * len(note_lines),
            "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": SIZE["note"], "color": MUTED},
            "encoding": {"y": {"field": "y", "type": "quantitative", "scale": None, "axis": None},
                         "x": {"value": 0}, "text": {"field": "t"}},
        })
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": alt,
        "title": {"text": title_lines, **({"subtitle": sub_lines} if sub_lines else {})},
        "vconcat": parts,
        "config": THEME,
        "usermeta": {"lang": lang},
    }
    return spec


@dataclass
class Bar:
    key: str
    label: str                 # above the bar, left
    value: float | None        # on the chart's scale; None = not reported (written, not drawn)
    text: str = ""             # value label at the end of the bar
    meta: str = ""             # above the bar, right: period, place
    tone: str = "accent"       # accent | grey | light


TONES = {"accent": ACCENT, "grey": GREY, "light": ACCENT_LIGHT}


def _bars(bars: list[Bar], lang: str, width: float = WIDTH, title: str | None = None) -> dict:
    """Horizontal bars with the label above each bar (long names need no axis space), the value at
    its end, and a "not reported" text where a value is missing."""
    label_size, meta_size, value_size = SIZE["label"], SIZE["meta"], SIZE["value"]
    wrapped = []
    for b in bars:
        meta_w = text_width(b.meta, meta_size) + 16 if b.meta else 0
        wrapped.append(wrap(b.label, width - meta_w, label_size))
    max_lines = max(len(lines) for lines in wrapped)
    rows = []
    for b, lines in zip(bars, wrapped):
        # text grows downward from its top, so shorter labels get blank lines first: every label's
        # last line then sits right above its bar
        padded = ["\u00a0"] * (max_lines - len(lines)) + lines
        rows.append({"k": b.key, "label": "\n".join(padded), "meta": b.meta, "v": b.value,
                     "t": b.text if b.value is not None else _words("not_reported", lang),
                     "c": TONES[b.tone], "nr": b.value is None})
    bar_h, line_h, gap, bottom, top = 20, 19, 5, 10, 6
    step = top + max_lines * line_h + gap + bar_h + bottom
    bar_off = step / 2 - bottom - bar_h / 2
    label_off = step / 2 - bottom - bar_h - gap  # bottom of the label block
    label_top = label_off - max_lines * line_h
    # room for the value labels: the scale ends where the longest label still fits
    dmax = 0.0
    for b in bars:
        if b.value is not None and b.value > 0:
            room = width - text_width(b.text, value_size) - 10
            dmax = max(dmax, b.value * width / max(room, width * 0.3))
    dmax = dmax or 1.0
    y = {"field": "k", "type": "nominal", "sort": [b.key for b in bars], "axis": None,
         "scale": {"paddingInner": 0, "paddingOuter": 0}}
    x = {"field": "v", "type": "quantitative", "axis": None, "scale": {"domain": [0, dmax], "nice": False}}
    drawn = {"filter": "isValid(datum.v)"}
    layers = [
        {"transform": [drawn], "mark": {"type": "bar", "height": bar_h, "yOffset": bar_off},
         "encoding": {"y": y, "x": x, "color": {"field": "c", "type": "nominal", "scale": None}}},
        {"transform": [drawn], "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6,
                                        "yOffset": bar_off, "fontSize": value_size, "fontWeight": "bold"},
         "encoding": {"y": y, "x": x, "text": {"field": "t"}}},
        {"transform": [{"filter": "datum.nr"}],
         "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 2, "yOffset": bar_off,
                  "fontSize": value_size, "fontStyle": "italic", "color": MUTED},
         "encoding": {"y": y, "x": {"value": 0}, "text": {"field": "t"}}},
        {"mark": {"type": "text", "align": "left", "baseline": "line-top", "yOffset": label_top, "lineBreak": "\n",
                  "lineHeight": line_h, "fontSize": label_size, "color": INK},
         "encoding": {"y": y, "x": {"value": 0}, "text": {"field": "label"}}},
        {"mark": {"type": "text", "align": "right", "baseline": "line-bottom", "yOffset": label_off,
                  "lineHeight": line_h, "fontSize": meta_size, "color": MUTED},
         "encoding": {"y": y, "x": {"value": width}, "text": {"field": "meta"}}},
        {"data": {"values": [{}]}, "mark": {"type": "rule", "color": RULE, "strokeWidth": 1},
         "encoding": {"x": {"datum": 0, "type": "quantitative", "scale": {"domain": [0, dmax], "nice": False}}}},
    ]
    spec = {"data": {"values": rows}, "width": width, "height": {"step": step}, "layer": layers,
            "resolve": {"scale": {"color": "independent"}}}
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 15, "fontWeight": "bold", "color": INK,
                         "offset": 4}
    return spec


def _chart(id: str, title: str, unit: str, extra_sub: list[str], body: list[dict], notes: list[str],
           alt: str, source: str, table: list[tuple[str, ...]], lang: str) -> Chart:
    spec = _compose(title, [unit, *extra_sub], body, [*notes, source], alt, lang)
    return Chart(id=id, title=title, alt=alt, unit=unit, source_note=source, svg=svg(spec), table=table)


def _alt(ctx: _Ctx, key: str, title: str, items: list[str]) -> str:
    return ctx.w(key, title=title, rows=ctx.w("sep").join(items) + ("。" if ctx.lang == "zh" else "."))


def _bar_alt(ctx: _Ctx, title: str, items: list[str]) -> str:
    body = ctx.w("sep").join(items)
    return f"{ctx.w('bar_chart')}{ctx.w('colon')}{title}。{body}。" if ctx.lang == "zh" else \
        f"{ctx.w('bar_chart')}: {title}. {body}."


def _unit_line(ctx: _Ctx, unit_ids: list[str]) -> str:
    names = list(dict.fromkeys(ctx.unit_name(u) for u in unit_ids))
    return ctx.w("unit").format(ctx.w("list_sep").join(names))


def _flag_cell(ctx: _Ctx, f: Figure) -> str:
    flag = ctx.lib.flag_of(f)
    return FLAG_NAMES[flag.kind][ctx.lang] if flag else ""


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
    unit = _unit_line(ctx, [f.unit for f in figs] if mixed_items else [display])
    notes = ctx.flag_notes(figs)
    alt = _bar_alt(ctx, title, [f"{b.label}{ctx.w('colon')}{ctx.value_with_unit(f)}"
                                + (f"（{b.meta}）" if ctx.lang == "zh" and b.meta else f" ({b.meta})" if b.meta else "")
                                for b, f in zip(bars, figs)])
    table = [(ctx.w("h_item"), ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"),
              ctx.w("h_flag"))]
    table += [(ctx.metric(f.metric), ctx.region(f.scope), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit),
               _flag_cell(ctx, f)) for f in figs]
    return _chart("key-outcomes", title, unit, [], [_bars(bars, ctx.lang)], notes, alt, ctx.source_note(figs),
                  table, ctx.lang)


# -- free layout: rows placed in Python, drawn by Vega at pixel positions ---------------------------
def _canvas(height: float, layers: list[dict], width: float = WIDTH) -> dict:
    """A layered view whose marks sit at pixel positions computed in Python (see ``_px``): used where
    rows of different heights, value columns or stacked shares are easier to place than to encode."""
    return {"width": width, "height": height, "layer": layers}


def _px(field_name: str) -> dict:
    return {"field": field_name, "type": "quantitative", "scale": None, "axis": None}


def _texts(rows: list[dict], **mark) -> dict:
    """Text marks at pixel positions: rows carry x, y, t and optionally c (colour)."""
    enc = {"x": _px("x"), "y": _px("y"), "text": {"field": "t"}}
    if any("c" in r for r in rows):
        enc["color"] = {"field": "c", "type": "nominal", "scale": None}
    return {"data": {"values": rows}, "mark": {"type": "text", "lineBreak": "\n", **mark}, "encoding": enc}


def _rects(rows: list[dict], **mark) -> dict:
    """Rectangles at pixel positions: rows carry x, x2, y, y2, c."""
    return {"data": {"values": rows}, "mark": {"type": "rect", **mark},
            "encoding": {"x": _px("x"), "x2": {"field": "x2"}, "y": _px("y"), "y2": {"field": "y2"},
                         "color": {"field": "c", "type": "nominal", "scale": None}}}


def _scale(dmax: float, x0: float, x1: float) -> Callable[[float], float]:
    """Position of a value on a bar scale from 0 to ``dmax``, kept within the plot: bars start at 0, so a
    negative value (a loss, a typo the validator lets through) gets no bar; its number is in the columns."""
    return lambda v: x0 + (x1 - x0) * min(max(v / dmax, 0.0), 1.0) if dmax > 0 else x0


def _find(figs: list[Figure], **kw) -> Figure | None:
    for f in figs:
        if all(getattr(f, k) == v for k, v in kw.items()):
            return f
    return None


# -- 2. targets vs completion -----------------------------------------------------------------------
def targets(ctx: _Ctx) -> Chart | None:
    lib = ctx.lib
    metrics = list(dict.fromkeys(f.metric for f in ctx.figures if f.series == "target"
                                 and any(g.metric == f.metric and g.series == "actual" for g in ctx.figures)))
    if not metrics:
        return None
    tiers = list(dict.fromkeys(f.category for f in ctx.figures if f.series == "target" and f.metric in metrics))
    rows_by_metric: dict[str, list[tuple[str, Figure | None, Figure | None, Figure | None]]] = {}
    drawn: list[Figure] = []
    for m in metrics:
        rows = []
        for tier in tiers:
            got = [_find(ctx.figures, metric=m, category=tier, series=s) for s in ("actual", "expected", "target")]
            if any(got):
                rows.append((tier, *got))
                drawn += [f for f in got if f]
        if rows:
            rows_by_metric[m] = rows
    # column dates: the most common end of each series
    def common_end(series: str) -> str:
        ends = [f.end for f in drawn if f.series == series]
        return max(set(ends), key=ends.count) if ends else ""
    d_act, d_exp, d_tgt = (ctx.date(common_end(s)) for s in ("actual", "expected", "target"))
    legend = ctx.w("targets_legend", actual=ctx.w("actual_by").format(d_act),
                   expected=ctx.w("expected_by").format(d_exp), target=ctx.w("target_for").format(d_tgt))
    # one block per unit dimension, each with its own scale
    blocks: dict[str, list[str]] = defaultdict(list)
    for m in rows_by_metric:
        blocks[lib.units[lib.metrics[m].unit].dimension].append(m)
    label_w, col_w = 140, 72
    plot_x0, plot_x1 = label_w, WIDTH - 3 * col_w - 14
    body = []
    unit_ids = []
    alt_items = []
    for bi, (dim, ms) in enumerate(blocks.items()):
        figs = [f for m in ms for r in rows_by_metric[m] for f in r[1:] if f]
        unit_id = max({f.unit for f in figs}, key=[f.unit for f in figs].count)
        unit_ids.append(unit_id)
        dmax = max(0.0, *(float(ctx.in_unit(f, unit_id)) for f in figs)) * 1.04
        sx = _scale(dmax, plot_x0, plot_x1)
        texts_b, texts_n, texts_m, rects, ticks = [], [], [], [], []
        y = 0.0
        cols = [plot_x1 + 14 + (i + 1) * col_w for i in range(3)]
        # the column heads and the unit of this block
        texts_m.append({"x": 0, "y": y + 9, "t": ctx.w("unit").format(ctx.unit_name(unit_id))})
        for x, key in zip(cols, ("col_actual", "col_expected", "col_target")):
            texts_m.append({"x": x, "y": y + 9, "t": ctx.w(key), "a": "right"})
        y += 24
        for m in ms:
            name_lines = wrap(ctx.metric(m, with_parent=False), WIDTH, 14)
            y += 6
            texts_b.append({"x": 0, "y": y + 9 * len(name_lines), "t": "\n".join(name_lines)})
            y += 19 * len(name_lines) + 2
            for tier, act, exp, tgt in rows_by_metric[m]:
                cy = y + 12
                texts_n.append({"x": 14, "y": cy, "t": ctx.category(tier) if tier else ""})
                if exp:
                    rects.append({"x": sx(0), "x2": sx(float(ctx.in_unit(exp, unit_id))), "y": cy - 8, "y2": cy + 8,
                                  "c": ACCENT_LIGHT})
                if act:
                    rects.append({"x": sx(0), "x2": sx(float(ctx.in_unit(act, unit_id))), "y": cy - 4, "y2": cy + 4,
                                  "c": ACCENT})
                if tgt:
                    tx = sx(float(ctx.in_unit(tgt, unit_id)))
                    ticks.append({"x": tx - 1.25, "x2": tx + 1.25, "y": cy - 11, "y2": cy + 11, "c": INK})
                for x, f in zip(cols, (act, exp, tgt)):
                    texts_n.append({"x": x, "y": cy, "t": ctx.label(f, unit_id) if f else "—", "a": "right",
                                    "c": ACCENT if f and ctx.flagged(f) else INK})
                alt_items.append(f"{ctx.metric(m)}（{ctx.category(tier)}）" if ctx.lang == "zh" else
                                 f"{ctx.metric(m)} ({ctx.category(tier)})")
                alt_items[-1] += ctx.w("colon") + ctx.w("comma").join(
                    f"{ctx.w(k)} {ctx.label(f, unit_id, with_unit=True)}" for k, f in
                    zip(("col_actual", "col_expected", "col_target"), (act, exp, tgt)) if f)
                y += 24
        y += 4
        left = [r for r in texts_n if r.get("a") != "right"]
        right = [r for r in texts_n if r.get("a") == "right"]
        layers = [
            {"data": {"values": [{"x": plot_x0, "y": 24, "y2": y}]}, "mark": {"type": "rule", "color": RULE},
             "encoding": {"x": _px("x"), "y": _px("y"), "y2": {"field": "y2"}}},
            _rects(rects), _rects(ticks),
            _texts(texts_b, align="left", baseline="middle", fontSize=14, fontWeight="bold", color=INK, lineHeight=19),
            _texts(left, align="left", baseline="middle", fontSize=13, color=MUTED),
            _texts(right, align="right", baseline="middle", fontSize=14),
            _texts([r for r in texts_m if r.get("a") != "right"], align="left", baseline="middle", fontSize=12,
                   color=MUTED),
            _texts([r for r in texts_m if r.get("a") == "right"], align="right", baseline="middle", fontSize=13,
                   fontWeight="bold", color=MUTED),
        ]
        body.append(_canvas(y, layers))
    place = ctx.region(drawn[0].scope)
    title = ctx.w("targets_title").format(place)
    unit = _unit_line(ctx, unit_ids)
    notes = ctx.flag_notes(drawn, short=True)
    alt = _alt(ctx, "targets_alt", title, alt_items)
    head = (ctx.w("h_item"), ctx.w("h_tier"), ctx.w("h_series"), ctx.w("h_period"), ctx.w("h_value"),
            ctx.w("h_unit"), ctx.w("h_flag"))
    table = [head] + [(ctx.metric(f.metric), ctx.category(f.category), ctx.w(f"series_{f.series}"), ctx.period(f),
                       ctx.shown(f), ctx.unit_name(f.unit), _flag_cell(ctx, f)) for f in drawn]
    return _chart("targets-vs-completion", title, unit, [legend], body, notes, alt, ctx.source_note(drawn), table,
                  ctx.lang)


# -- 3. income range by group -----------------------------------------------------------------------
INCOME = ("annual_income_min", "annual_income_mean", "annual_income_max")


def income_range(ctx: _Ctx) -> Chart | None:
    groups = list(dict.fromkeys(f.category for f in ctx.figures if f.metric in INCOME and f.category))
    rows = []
    for g in groups:
        lo, mean, hi = (_find(ctx.figures, metric=m, category=g, series="actual") for m in INCOME)
        if lo and hi:
            rows.append((g, lo, mean, hi, _find(ctx.figures, metric="survey_respondents", category=g)))
    if len(rows) < 1:
        return None
    unit_id = rows[0][3].unit
    dmax = max(float(ctx.in_unit(r[3], unit_id)) for r in rows)
    right_room = max(text_width(ctx.w("max").format(ctx.label(r[3], unit_id)), 13) for r in rows) + 14
    sx = _scale(dmax, 0, WIDTH - right_room)
    y = 0.0
    names, rules, dots, mins, maxs, means = [], [], [], [], [], []
    for g, lo, mean, hi, n in rows:
        count = ctx.w("income_n").format(ctx.number(n.published_value)) if n else ""
        name = ctx.category(g) + ((f"（{count}）" if ctx.lang == "zh" else f" ({count})") if n else "")
        names.append({"x": 0, "y": y + 10, "t": name})
        ry = y + 58
        x_lo, x_hi = sx(float(ctx.in_unit(lo, unit_id))), sx(float(ctx.in_unit(hi, unit_id)))
        rules.append({"x": x_lo, "x2": x_hi, "y": ry - 4, "y2": ry + 4, "c": GREY_LIGHT})
        mins.append({"x": x_lo - 8, "y": ry, "t": ctx.w("min").format(ctx.label(lo, unit_id))})
        maxs.append({"x": x_hi + 8, "y": ry, "t": ctx.w("max").format(ctx.label(hi, unit_id))})
        if mean:
            xm = sx(float(ctx.in_unit(mean, unit_id)))
            dots.append({"x": xm, "y": ry})
            means.append({"x": xm, "y": ry - 16, "t": ctx.w("mean").format(ctx.label(mean, unit_id))})
        y += 92
    # mins that would run off the left edge go inside, under the line
    for m in mins:
        if m["x"] - text_width(m["t"], 13) < 0:
            m["x"] += 8
            m["y"] += 18
            m["a"] = "left"
    layers = [
        _rects(rules),
        {"data": {"values": dots}, "mark": {"type": "point", "filled": True, "size": 170, "color": ACCENT,
                                            "opacity": 1},
         "encoding": {"x": _px("x"), "y": _px("y")}},
        _texts(names, align="left", baseline="middle", fontSize=15, fontWeight="bold", color=INK),
        _texts([m for m in mins if m.get("a") != "left"], align="right", baseline="middle", fontSize=13, color=MUTED),
        _texts([m for m in mins if m.get("a") == "left"], align="left", baseline="middle", fontSize=13, color=MUTED),
        _texts(maxs, align="left", baseline="middle", fontSize=13, color=MUTED),
        _texts(means, align="center", baseline="bottom", fontSize=14, fontWeight="bold", color=ACCENT),
    ]
    first = rows[0][1]
    place, year = ctx.region(first.scope), ctx.year(first)
    names_ = [ctx.category(r[0]) for r in rows]
    if len(names_) == 2:
        title = ctx.w("income_title", place=place, year=year, a=names_[0], b=names_[1] if ctx.lang == "zh" else
                      names_[1][0].lower() + names_[1][1:])
    else:
        title = ctx.metric(rows[0][2].metric if rows[0][2] else INCOME[1]) + ctx.w("comma") + place
    unit = ctx.w("unit").format(ctx.unit_name(unit_id))
    drawn = [f for r in rows for f in r[1:4] if f]
    notes = ctx.flag_notes(drawn)
    gap = _find(ctx.figures, metric="survey_income_gap")
    if gap:
        notes.append(ctx.w("income_gap").format(_qualified(ctx.number(gap.published_value), gap.qualifier, ctx.lang)))
    alt_items = []
    for g, lo, mean, hi, n in rows:
        parts = [ctx.w("min").format(ctx.label(lo, unit_id, with_unit=True))]
        if mean:
            parts.append(ctx.w("mean").format(ctx.label(mean, unit_id, with_unit=True)))
        parts.append(ctx.w("max").format(ctx.label(hi, unit_id, with_unit=True)))
        alt_items.append(ctx.category(g) + ctx.w("colon") + ctx.w("comma").join(parts))
    alt = _alt(ctx, "range_alt", title, alt_items)
    table = [(ctx.w("h_group"), ctx.w("h_item"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    table += [(ctx.category(f.category), ctx.metric(f.metric), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit))
              for r in rows for f in (r[4], r[1], r[2], r[3]) if f]
    return _chart("income-by-group", title, unit, [ctx.w("income_legend")], [_canvas(y, layers)], notes, alt,
                  ctx.source_note(drawn), table, ctx.lang)


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
    table += [(ctx.metric(f.metric), ctx.category(f.category), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit),
               _flag_cell(ctx, f)) for f in items + context]
    return _chart("subsidy-spending", title, unit, [], [_bars(bars, ctx.lang)], notes, alt,
                  ctx.source_note(items + context), table, ctx.lang)


# -- 5. where workers went --------------------------------------------------------------------------
# The stated total each bar is a share of is the metric DESTINATION_METRIC is `part_of` in metrics.yaml, and
# nothing else: without that link the bars are the parts alone, as shares of their own sum.
DESTINATION_METRIC = "workers_transferred_by_destination"
# far to near; one colour per distance class (the partner region is the accent). Sources split
# destinations differently, so several categories share a class: they never meet in one bar.
DEST_CLASSES = (("dest-guangdong", "dest-pearl-river-delta"), ("dest-other-provinces", "outside-province"),
                ("in-province", "in-province-outside-county"), ("within-county",))
DEST_COLOURS = (ACCENT, ACCENT_LIGHT, "#a6a6a6", "#dadada")
DEST_TONE = {c: colour for cats, colour in zip(DEST_CLASSES, DEST_COLOURS) for c in cats}
DEST_ORDER = [c for cats in DEST_CLASSES for c in cats]
REST = "#ffffff"


def destinations(ctx: _Ctx) -> Chart | None:
    parts = [f for f in ctx.figures if f.metric == DESTINATION_METRIC and f.series == "actual" and f.category]
    if not parts:
        return None
    keys = list(dict.fromkeys((f.scope, f.start, f.end) for f in parts))
    order = {r: i for i, r in enumerate(ctx.lib.regions)}
    keys.sort(key=lambda k: (k[0] != ctx.main_scope, order.get(k[0], 1e9), k[2]))
    used = {f.category for f in parts}
    cats = [c for c in DEST_ORDER if c in used] + [c for c in ctx.lib.categories if c in used and c not in DEST_ORDER]
    dest_metric = ctx.lib.metrics.get(DESTINATION_METRIC)
    total_metric = dest_metric.part_of if dest_metric else None
    rows = []
    for scope, start, end in keys:
        ps = [f for f in parts if (f.scope, f.start, f.end) == (scope, start, end)]
        ps.sort(key=lambda f: cats.index(f.category))
        total = _find(ctx.figures, metric=total_metric, scope=scope, start=start, end=end, series="actual",
                      category="") if total_metric else None
        rows.append((scope, ps, total))
    base = ctx.base_unit(parts[0].unit) or parts[0].unit
    # legend: categories used, then the rest
    any_rest = False
    layout = []
    for scope, ps, total in rows:
        psum = sum(ctx.in_unit(f, base) for f in ps)
        whole = ctx.in_unit(total, base) if total is not None and ctx.in_unit(total, base) >= psum else psum
        rest = whole - psum
        any_rest |= rest > 0
        layout.append((scope, ps, total, whole, rest))
    classes: dict[str, list[str]] = {}
    for c in cats:
        classes.setdefault(DEST_TONE.get(c, GREY), []).append(ctx.category(c))
    entries = [(("／" if ctx.lang == "zh" else " / ").join(names), colour) for colour, names in classes.items()]
    if any_rest:
        entries.append((ctx.w("dest_rest"), REST))
    y = 0.0
    swatches, legend_t = [], []
    x = 0.0
    for name, colour in entries:
        w = 16 + 6 + text_width(name, 13) + 18
        if x and x + w > WIDTH:
            x, y = 0.0, y + 22
        swatches.append({"x": x, "x2": x + 14, "y": y + 3, "y2": y + 17, "c": colour})
        legend_t.append({"x": x + 20, "y": y + 10, "t": name})
        x += w
    y += 34
    labels, metas, segs, seg_t, outlines = [], [], [], [], []
    bar_h = 30
    alt_items = []
    for scope, ps, total, whole, rest in layout:
        head = f"{ctx.region(scope)}{ctx.w('comma')}{ctx.period(ps[0])}"
        labels.append({"x": 0, "y": y + 10, "t": head})
        if total is not None:
            metas.append({"x": WIDTH, "y": y + 10, "t": ctx.w("dest_total").format(ctx.value_with_unit(total))
                          + ("*" if ctx.flagged(total) else "")})
        y += 24
        x0 = 0.0
        pieces = [(f, ctx.in_unit(f, base)) for f in ps] + ([(None, rest)] if rest > 0 else [])
        shares = []
        for f, v in pieces:
            w = float(v / whole) * WIDTH if whole else 0
            colour = DEST_TONE.get(f.category, GREY) if f else REST
            segs.append({"x": x0, "x2": x0 + w, "y": y, "y2": y + bar_h, "c": colour})
            pct = float(v / whole * 100) if whole else 0
            pct_t = f"{pct:.0f}%" if pct >= 1 else "<1%"
            if f is not None:
                shares.append(f"{ctx.category(f.category)} {ctx.value_with_unit(f)}{'*' if ctx.flagged(f) else ''}"
                              + (f"（{pct_t}）" if ctx.lang == "zh" else f" ({pct_t})"))
            elif rest > 0:
                shares.append(f"{ctx.w('dest_rest')} {pct_t}")
            if w >= text_width(pct_t, 13) + 10:
                seg_t.append({"x": x0 + w / 2, "y": y + bar_h / 2, "t": pct_t,
                              "c": "#ffffff" if colour == ACCENT else INK})
            x0 += w
        outlines.append({"x": 0, "x2": WIDTH, "y": y, "y2": y + bar_h, "c": "#ffffff"})
        total_t = (ctx.w("colon") + ctx.w("dest_total").format(ctx.value_with_unit(total))) if total else ""
        alt_items.append(head + total_t + ctx.w("comma") + ctx.w("comma").join(shares))
        y += bar_h + 18
    layers = [
        _rects(swatches, stroke=GREY, strokeWidth=0.5),
        _texts(legend_t, align="left", baseline="middle", fontSize=13, color=INK),
        _rects(segs, stroke="#ffffff", strokeWidth=1),
        {"data": {"values": outlines}, "mark": {"type": "rect", "fillOpacity": 0, "stroke": GREY, "strokeWidth": 1},
         "encoding": {"x": _px("x"), "x2": {"field": "x2"}, "y": _px("y"), "y2": {"field": "y2"}}},
        _texts(seg_t, align="center", baseline="middle", fontSize=13, fontWeight="bold"),
        _texts(labels, align="left", baseline="middle", fontSize=14, fontWeight="bold", color=INK),
        _texts(metas, align="right", baseline="middle", fontSize=13, color=MUTED),
    ]
    title = ctx.w("dest_title").format(ctx.region(ctx.main_scope))
    unit = ctx.w("unit").format("%")
    drawn = [f for _, ps, total, _, _ in layout for f in ps + ([total] if total else [])]
    notes = []
    if any_rest:
        notes.append(ctx.w("dest_rest_note"))
    notes += ctx.flag_notes(drawn)
    alt = _alt(ctx, "dest_alt", title, alt_items)
    table = [(ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_destination"), ctx.w("h_value"), ctx.w("h_unit"),
              ctx.w("h_share"), ctx.w("h_flag"))]
    for scope, ps, total, whole, rest in layout:
        for f in ([total] if total else []) + ps:
            share = "" if f is total else f"{float(ctx.in_unit(f, base) / whole * 100):.1f}%"
            table.append((ctx.region(scope), ctx.period(f), ctx.category(f.category) if f.category else
                          ctx.metric(f.metric), ctx.shown(f), ctx.unit_name(f.unit), share, _flag_cell(ctx, f)))
    sub = ctx.w("dest_sub" if any(total for _, _, total, _, _ in layout) else "dest_sub_parts")
    return _chart("worker-destinations", title, unit, [sub], [_canvas(y - 10, layers)], notes, alt,
                  ctx.source_note(drawn), table, ctx.lang)


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
    pw = (WIDTH - 40) / len(panels)
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
        unit_name = ctx.unit_name(unit_id)
        head = ctx.metric(m) + (f"（{unit_name}）" if ctx.lang == "zh" else f" ({unit_name})")
        body_parts.append({
            "width": pw, "height": 220, "data": {"values": rows},
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
    body = [{"hconcat": body_parts, "spacing": 40}]
    place = ctx.region(panels[0][1])
    title = ctx.w("poverty_title").format(place)
    unit = _unit_line(ctx, [ctx.base_unit(p[2][1].unit) or p[2][1].unit for p in panels])
    alt = _alt(ctx, "slope_alt", title, alt_items)
    table = [(ctx.w("h_item"), ctx.w("h_place"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    table += [(ctx.metric(f.metric), ctx.region(f.scope), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit))
              for f in drawn]
    return _chart("poverty-fall", title, unit, [], body, ctx.flag_notes(drawn), alt, ctx.source_note(drawn), table,
                  ctx.lang)


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
                   ctx.unit_name(f.unit), _flag_cell(ctx, f)) for f in ([total] if total else []) + ps]
        return _chart("public-welfare-posts", title, unit, [], [_bars(bars, ctx.lang)], notes, alt,
                      ctx.source_note(drawn), table, ctx.lang)
    return None


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
    unit = ctx.w("unit").format(ctx.unit_name(unit_id))
    total = _find(ctx.figures, metric=PLATFORM_METRIC, scope=any_f.scope, category="", series="actual")
    notes = [ctx.w("platform_note", total=ctx.value_with_unit(total), period=ctx.period(total)) if total
             else ctx.w("platform_note_nototal")]
    drawn = list(figs.values()) + ([total] if total else [])
    notes += ctx.flag_notes(drawn)
    alt = _bar_alt(ctx, title, alt_items)
    table = [(ctx.w("h_platform"), ctx.w("h_period"), ctx.w("h_value"), ctx.w("h_unit"))]
    for c in names:
        f = figs.get(c)
        table.append((ctx.category(c), ctx.period(f), ctx.shown(f), ctx.unit_name(f.unit)) if f else
                     (ctx.category(c), "", ctx.w("not_reported"), ""))
    if total:
        table.append((ctx.metric(PLATFORM_METRIC), ctx.period(total), ctx.shown(total), ctx.unit_name(total.unit)))
    return _chart("platforms", title, unit, [], [_bars(bars, ctx.lang)], notes, alt, ctx.source_note(drawn), table,
                  ctx.lang)


# -- public interface -------------------------------------------------------------------------------
BUILDERS = (key_outcomes, targets, income_range, subsidy_items, destinations, poverty_fall, posts_composition,
            platforms)


def case_charts(lib: Library, slug: str, lang: str) -> list[Chart]:
    """Every chart the figures of a case (or practice) support, in page order; ids are unique."""
    ctx = _Ctx(lib, slug, lang)
    return [c for c in (build(ctx) for build in BUILDERS) if c is not None]


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


def png(svg_text: str, scale: float = 2.0) -> bytes:
    """The chart as PNG at slide resolution (twice the SVG's pixel size), text in the installed CJK font."""
    if _PENDING is not None:
        if svg_text.startswith(_PLACEHOLDER):
            _PENDING[svg_text[len(_PLACEHOLDER):]] = True
        elif _PENDING_PNG is not None and not cache_file("png", f"{scale}|{svg_text}").exists():
            _PENDING_PNG.add(svg_text)
        return b""
    def render() -> bytes:
        start_fonts(None)  # as in _render_svg
        return vlc.svg_to_png(svg_text, scale=scale)

    return cached("png", f"{scale}|{svg_text}", render)


def png_file(svg_text: str, scale: float = 2.0) -> tuple[Path, str]:
    """The cache file of the chart's PNG (rendered first if missing) and a name for its content, so that a
    build copies a PNG (hundreds of kB) to its place without holding it in memory."""
    png(svg_text, scale)
    key_text = f"{scale}|{svg_text}"
    return cache_file("png", key_text), "png:" + cache_key("png", key_text)
