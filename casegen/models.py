"""The data model: what editors write in data/, as pydantic models.

The models check the shape of one record at a time; checks across records (unknown ids,
duplicates, sub-items above totals) live in validate.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Literal

import unicodedata
import urllib.parse

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from . import qualifiers, storynumbers
from .problems import clip

# Whole-string patterns. pydantic matches them with Rust's regex, where $ is the very end of the text; Python
# code must use re.fullmatch with them (re.match(SLUG, "a\n") would match: $ also matches before a final \n).
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
METRIC_ID = r"^[a-z][a-z0-9_]*$"
DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"  # [0-9], not \d: no full-width digits
FILE_NAME = r"^[^/\\]+$"  # a name without folders

# Length limits, in characters, by what a string is. Each is several times the longest of its kind in the
# real library (in brackets), and low enough that nothing downstream can be driven into minutes of work or
# gigabytes: every search phrase (and region and mechanism name) is looked for on every page and sent to
# the browser, charts lay out titles, a slug becomes a file name. The values differ from each other, so
# that a message can say which kind of text a limit is for (LENGTH_KINDS).
MAX_ID = 60          # slugs and ids (39); `casegen new` allows 60 too; a file name may have at most 255 bytes
MAX_UNIT = 16        # a unit as printed: 万元/年 (4)
MAX_TERM = 24        # a search phrase (5)
MAX_NAME = 160       # names of regions, metrics, mechanisms …, authors, publishers, short labels (77)
MAX_LOCATOR = 250    # where in the source (87)
MAX_FILE = 255       # a file name (24)
MAX_TITLE = 300      # titles of cases and sources (107)
MAX_NOTE = 2_000     # notes, flags, date notes, objectives, questions, takeaways (475)
MAX_URL = 2_048      # a web address (none yet; 2,048 is what browsers and servers reliably take)
MAX_PROSE = 20_000   # the story's paragraphs and mechanism descriptions (2,436)
LENGTH_KINDS = {MAX_ID: "an id", MAX_UNIT: "a unit", MAX_TERM: "a search term", MAX_NAME: "a name",
                MAX_LOCATOR: "a locator", MAX_FILE: "a file name", MAX_TITLE: "a title", MAX_NOTE: "a note",
                MAX_URL: "a URL", MAX_PROSE: "a text"}
assert len(LENGTH_KINDS) == 10, "the limits must differ"

# Published values: digits as printed, bounded so that no conversion can overflow (see Figure._number).
MAX_VALUE_CHARS = 20
MAX_SIGNIFICANT = 15  # what a float keeps exactly
MAX_FACTOR = 1e12
MIN_FACTOR = 1e-6
MAX_BASE_VALUE = 1e15  # a value in its dimension's base unit (largest real one: 7.26e8)

# Characters that make a text display in another order than it is stored (the "Trojan Source" trick):
# refused everywhere. Other invisible characters (Unicode category Cf: zero-width space, word joiner, BOM,
# soft hyphen …) are refused in ids, names and search terms, where a look-alike could pass for another
# entry; in prose a zero-width space copied from a web page is harmless and stays allowed.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "").lower() or ("a control character" if unicodedata.category(ch) == "Cc" else
                                                 "an unassigned character")
    return f"U+{ord(ch):04X} ({name})"


def no_bidi(value: str) -> str:
    if bad := BIDI.search(value):
        raise PydanticCustomError(
            "bidi_control", f"the text contains the invisible bidi control {_char_name(bad.group())}, "
            "which makes text display in another order than it is written")
    return value


def no_invisible(value: str) -> str:
    """Refuse format characters and any whitespace but the plain space in ids and names."""
    no_bidi(value)
    for ch in value:
        if ch != " " and (unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp", "Co", "Cs") or
                          (ch.isspace() and ch != " ")):
            raise PydanticCustomError(
                "invisible_character", f"the text contains the invisible character {_char_name(ch)}, "
                "which makes it look like another")
    return value


def _date_to_text(value):
    # YAML reads 2018-01-02 as a date and 2018 as an int; editors should not need quotes.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_partial_date(text: str) -> str:
    parts = [int(p) for p in text.split("-")]
    if parts[0] == 0:
        raise PydanticCustomError("date_value", "year 0000 does not exist")
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise PydanticCustomError("date_value", f"month {parts[1]} is not between 01 and 12")
    if len(parts) == 3 and not 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]:
        raise PydanticCustomError("date_value", f"day {parts[2]} does not exist in {parts[0]}-{parts[1]:02d}")
    return text


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    StringConstraints(pattern=DATE),
    Field(description="A date as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD", examples=["2019-12"]),
]
Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=MAX_ID),
                 Field(description="lowercase letters, digits and hyphens")]
MetricId = Annotated[str, StringConstraints(pattern=METRIC_ID, max_length=MAX_ID)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _text(limit: int, check=no_bidi):
    """A non-empty text of at most ``limit`` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limit), AfterValidator(check)]


def _optional_text(limit: int):
    """A text that may be empty (a CSV cell)."""
    return Annotated[str, StringConstraints(max_length=limit), AfterValidator(no_bidi)]


UnitId = _text(MAX_UNIT, no_invisible)
Term = _text(MAX_TERM, no_invisible)
Name = _text(MAX_NAME, no_invisible)
Label = _text(MAX_NAME)          # authors, publishers, short citation labels
TitleText = _text(MAX_TITLE)
Locator = _text(MAX_LOCATOR)
NoteText = _text(MAX_NOTE)
Prose = _text(MAX_PROSE)
CellNote = _optional_text(MAX_NOTE)


MAX_FLAG_GROUPS = 6


def _flag_groups(value: str) -> str:
    """Space-separated flag group ids, each a slug, none twice; kept as one cell, written back as read."""
    ids = value.split()
    for group in ids:
        if not re.fullmatch(SLUG, group) or len(group) > MAX_ID:
            raise PydanticCustomError("flag_group_id", f"'{clip(group)}' is not a flag group id: lowercase letters, "
                                      "digits and hyphens; separate several ids with spaces")
    if len(set(ids)) != len(ids):
        twice = next(g for g in ids if ids.count(g) > 1)
        raise PydanticCustomError("flag_group_twice", f"flag group '{clip(twice)}' is listed twice")
    if len(ids) > MAX_FLAG_GROUPS:
        raise PydanticCustomError("flag_group_count", f"{len(ids)} flag groups; a figure takes at most "
                                  f"{MAX_FLAG_GROUPS}")
    return " ".join(ids)


FlagGroups = Annotated[str, StringConstraints(max_length=(MAX_ID + 1) * MAX_FLAG_GROUPS), AfterValidator(_flag_groups)]


def earliest(date: str) -> dt.date:
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def latest(date: str) -> dt.date:
    parts = [int(p) for p in date.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Record):
    """A text in both languages. Chinese first; plain text, never HTML."""

    zh: Prose = Field(description="Chinese text (中文)")
    en: Prose = Field(description="English text")


class Title(Record):
    """A title in both languages."""

    zh: TitleText = Field(description="Chinese title (中文标题)")
    en: TitleText = Field(description="English title")


class Note(Record):
    """A short text in both languages: a note, a question, a learning objective."""

    zh: NoteText = Field(description="Chinese text (中文)")
    en: NoteText = Field(description="English text")


class ShortLabel(Record):
    """A short label in both languages."""

    zh: Label = Field(description="Chinese label (中文)")
    en: Label = Field(description="English label")


class Named(Record):
    zh: Name = Field(description="Chinese name (中文名称)")
    en: Name = Field(description="English name")

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Unit(Named):
    id: UnitId = Field(description="the unit as sources print it, e.g. 万人")
    dimension: Slug = Field(description="what it measures; units of one dimension convert into each other")
    factor: float = Field(gt=0, le=MAX_FACTOR, allow_inf_nan=False,
                          description="value of one unit in the dimension's base unit")

    @field_validator("factor")
    @classmethod
    def _not_tiny(cls, value: float) -> float:
        if value < MIN_FACTOR:
            raise PydanticCustomError("factor_range", f"a factor below {MIN_FACTOR:g} is not expected")
        return value


class Region(Named):
    id: Slug
    level: Literal["country", "province", "city", "county", "district"]
    parent: Slug | None = None


class Group(Named):
    id: Slug


class Metric(Named):
    id: MetricId
    unit: UnitId = Field(description="reference unit, an id from units.yaml")
    kind: Literal["count", "money", "rate", "ratio", "average", "index"]
    group: Slug = Field(description="comparison group, an id from the groups list")
    part_of: MetricId | None = Field(None, description="the metric this one is a sub-item of (其中)")
    sum_of_parts: bool = Field(False, description="true when the sub-items of this metric must add up to it")
    units_also: list[UnitId] = Field(
        [], max_length=20,
        description="units of another dimension that count this metric one for one, e.g. 人 for posts held")
    codes: Note | None = Field(None, description="for a mean of coded answers (unit 均值): what each code stands for, "
                                                 "as the source defines them; tables and charts spell them out")
    ordered_codes: bool = Field(False, description="true when the codes are in order (1 = primary school … 4 = "
                                                   "university), so that their mean says something; a mean of "
                                                   "unordered codes (industries) is printed with a warning, never drawn")
    noun: Name | None = Field(None, description="what a count of it is called in English when its unit is a generic "
                              "counter (个, 家, 次 …): jobs, cities, workshops. English pages print '9,087 jobs', "
                              "never '9,087 units'")


class IndicatorMetric(BaseModel):
    """A metric that counts as an indicator; ``differs_zh``/``differs_en`` say how its definition differs."""

    model_config = {"extra": "forbid"}
    metric: MetricId = Field(description="a metric id from the metrics list")
    category: Slug | None = Field(None, description="only this breakdown of the metric counts (e.g. one group of "
                                                    "employers); without it, figures without a breakdown")
    differs_zh: CellNote = Field(None, description="how this metric's definition differs from the indicator's (中文); "
                                                   "empty when it is the indicator itself")
    differs_en: CellNote = Field(None, description="the same in English")


class Indicator(Named):
    """What pairings can be compared on: one column of a comparison table."""

    id: Slug
    group: Slug = Field(description="the comparison group (page) it belongs to, an id from the groups list")
    definition_zh: NoteText = Field(description="what the indicator counts (中文)")
    definition_en: NoteText = Field(description="what the indicator counts, in English")
    metrics: list[IndicatorMetric] = Field(min_length=1, max_length=40,
                                           description="the fine metrics that count as this indicator, best first")


class MetricsFile(Record):
    groups: list[Group]
    metrics: list[Metric]
    indicators: list[Indicator] = Field([], description="comparable indicators: the columns of comparison tables")


class Mechanism(Named):
    id: Slug
    description: Text | None = Field(None, description="what the mechanism is and how it works, both languages")
    groups: list[Slug] = Field([], max_length=50, description="comparison groups (metrics.yaml) whose figures show "
                               "the mechanism at work: its page links to their comparisons")


class Category(Named):
    id: Slug


def _url(value: str) -> str:
    """An http(s) address that can go into a link as it is: nothing that could end the link or change its
    meaning (quotes, angle brackets, spaces, control or invisible characters)."""
    if not re.match(r"https?://", value):
        raise PydanticCustomError("url_scheme", "a URL starts with http:// or https://")
    if bad := re.search(r"[\s<>\"'`\\]", value):
        raise PydanticCustomError("url_character", f"a URL cannot contain {clip_char(bad.group())}: write spaces as "
                                  "%20 and copy the address from the browser's address bar")
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cs", "Cn"):
            raise PydanticCustomError("url_character", f"a URL cannot contain the invisible character "
                                      f"{_char_name(ch)}: copy the address from the browser's address bar")
    try:
        host = urllib.parse.urlsplit(value).hostname
    except ValueError:
        host = None
    if not host:
        raise PydanticCustomError("url_host", "the URL names no host: write the whole address, e.g. "
                                  "https://www.example.org/page")
    return value


def clip_char(ch: str) -> str:
    return repr(ch) if ch.isprintable() or ch in "\t\n\r" else _char_name(ch)


Url = Annotated[str, StringConstraints(max_length=MAX_URL), AfterValidator(_url),
                Field(description="an http:// or https:// address")]
FileName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FILE,
                                            pattern=FILE_NAME), AfterValidator(no_invisible)]


class Source(Record):
    id: Slug
    file: FileName | None = Field(None, description="the file name of the source's text, no folders")
    title: Title
    short: ShortLabel = Field(description="short citation label shown next to figures, e.g. 林晓洁（2018） / Lin (2018)")
    author: Label
    author_en: Label
    publisher: Label
    publisher_en: Label
    published: PartialDate
    date_note: Note | None = None
    language: Literal["zh", "en"]
    url: Url | None = None
    this_year: Note | None = None

    @field_validator("published")
    @classmethod
    def _real_date(cls, value: str) -> str:
        return _check_partial_date(value)


class Period(Record):
    start: PartialDate
    end: PartialDate

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        _check_partial_date(self.start)
        _check_partial_date(self.end)
        if earliest(self.start) > latest(self.end):
            raise PydanticCustomError("period_order", f"start {self.start} is after end {self.end}")
        return self


def _number_text(value):
    # YAML reads 161 as an int and 1.5 as a float; editors should not need quotes
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _one_number(value: str) -> str:
    if len(value) > MAX_VALUE_CHARS or not storynumbers.number_text(value):
        raise PydanticCustomError("not_figure_number", f"'{clip(value)}' is not a number as a story writes it: write "
                                  f"the digits as in the text (e.g. 161, 28, 13,000, 1.3万, 0+3), at most "
                                  f"{MAX_VALUE_CHARS} characters")
    return value


class NotFigure(Record):
    """A number in the story that is not a figure of the case, and why (see docs/editor-guide, section 4)."""

    number: Annotated[str, BeforeValidator(_number_text), StringConstraints(strip_whitespace=True, min_length=1),
                      AfterValidator(_one_number)] = Field(
        description="the number as the story writes it (161, 28, 13,000, 1.3万), or a short stretch of text around "
                    "numbers where the number alone would mark too much (0+3, 2/3, 3个月)", examples=["161"])
    lang: Literal["zh", "en", "both"] = Field("both", description="the text it is written in: zh, en or both")
    reason: NoteText = Field(description="why it is not a figure: a name (the '161' model), a derived number with its "
                                         "formula (1000+800+700+490+4500−7462 = 28), a count the source gives in "
                                         "words …")


def _key_figure_ref(value):
    # a metric id alone is the short form of {metric: id}
    return {"metric": value} if isinstance(value, str) else value


class KeyFigureRef(Record):
    """A key figure: the row of figures.csv whose columns have these values. Only the metric is required; add
    columns (category, scope, series, start, end, source) until one row alone matches. Rows can be moved
    freely: the reference names what a figure is, not where it sits."""

    metric: MetricId
    category: Slug | Literal[""] | None = Field(None, description='"" names the row without a category')
    scope: Slug | None = None
    series: Literal["actual", "target", "expected", "plan"] | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    source: Slug | None = None

    def matches(self, f: "Figure") -> bool:
        return all(getattr(self, name) is None or getattr(self, name) == getattr(f, name)
                   for name in type(self).model_fields)

    def shown(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in type(self).model_fields
                         if getattr(self, name) is not None)


KeyFigure = Annotated[KeyFigureRef, BeforeValidator(_key_figure_ref)]


class MechanismUse(Record):
    """How a case or practice used one of its mechanisms, in a sentence or two of the editor's own words."""

    mechanism: Slug
    zh: NoteText = Field(description="Chinese text (中文)")
    en: NoteText = Field(description="English text")
    figures: list[KeyFigure] = Field([], max_length=6, description="rows of figures.csv that show it, named as in "
                                     "key_figures")


class Story(Record):
    """What cases and practices share: the narrative and the trainer kit."""

    title: Title
    period: Period | None = None
    sources: list[Slug] = Field(min_length=1, max_length=100)
    related: list[Slug] = Field([], max_length=100)
    mechanisms: list[Slug] = Field([], max_length=100)
    summary: Text
    background: Text
    measures: Text
    results: Text
    lessons: Text
    objectives: list[Note] = Field([], max_length=50)
    questions: list[Note] = Field([], max_length=50)
    takeaways: list[Note] = Field([], max_length=50)
    key_figures: list[KeyFigure] = Field(
        [], max_length=12, description="what leads the page, in order: references to rows of figures.csv (a metric "
        "id, or metric with category, scope, series, start, end or source until one row alone matches); the first "
        "is the case's headline on the home page. Outcomes first: people placed, people reached, people out of "
        "poverty")
    mechanism_uses: list[MechanismUse] = Field(
        [], max_length=100, description="for mechanisms of this case: how the case used it, in both languages "
        "(shown on the mechanism's page)")
    not_figures: list[NotFigure] = Field(
        [], max_length=200, description="numbers in the story that are no figure of figures.csv, each with a reason; "
        "every other number in the story must be a figure (years, dates, ordinals and list markers excepted)")


class Case(Story):
    level: Literal["province", "city", "county"]
    east: Slug = Field(description="region id of the helping (eastern) side")
    west: Slug = Field(description="region id of the helped (western) side")
    period: Period
    parent: Slug | None = Field(None, description="slug of the provincial pairing this case sits inside")


class Practice(Story):
    region: Slug = Field(description="region id where the practice happens")


SERIES = ("actual", "target", "expected", "plan")
QUALIFIERS = ("", *qualifiers.QUALIFIERS)
# Kinds of contradiction in a source. The first five are checked or named by the validator; the others name
# what a reader checks by hand: a stated gap no figure gives, a claim no figure supports, two counts of one
# thing that cannot both hold, a span in words against the dates, a garbled number, a share or mean that the
# stated number of respondents cannot give.
FLAGS = ("sub-exceeds-total", "parts-mismatch", "percent-mismatch", "inconsistent", "ambiguous", "gap-mismatch",
         "claim-unsupported", "count-conflict", "period-mismatch", "garbled", "sample-size-mismatch")
FIGURE_COLUMNS = ("metric", "value", "unit", "qualifier", "start", "end", "scope", "series", "category",
                  "source", "locator", "note_zh", "note_en", "flag", "flag_zh", "flag_en", "flag_group")
REQUIRED_COLUMNS = ("metric", "value", "unit", "end", "scope", "source", "locator")


class Figure(Record):
    """One row of figures.csv: one number as its source published it."""

    metric: MetricId
    value: float
    published_value: str = Field(description="the value as written in the CSV, kept for display")
    unit: UnitId
    qualifier: str = Field("", description="the qualifier as the source prints it (约, 左右, 余, 多, 以上, 超过, 不到, "
                                          "以下 …), or its meaning alone (about, over, under); empty when exact")
    start: PartialDate | Literal[""] = ""
    end: PartialDate
    scope: Slug
    series: Literal["actual", "target", "expected", "plan"] = "actual"
    category: Slug | Literal[""] = ""
    source: Slug
    locator: Locator
    note_zh: CellNote = ""
    note_en: CellNote = ""
    flag: Literal[("",) + FLAGS] = ""
    flag_zh: CellNote = ""
    flag_en: CellNote = ""
    flag_group: FlagGroups = Field("", description="ids of the contradictions this figure is concerned by, separated "
                                               "by spaces; every figure a contradiction concerns carries its id, and "
                                               "one of them carries the flag and its explanation, with that id first")
    line: int = Field(0, description="line in figures.csv (set by the loader)")

    @property
    def flag_groups(self) -> tuple[str, ...]:
        """The flag groups this figure belongs to; a flag on this row explains the first of them."""
        return tuple(self.flag_group.split())

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value):
        text = str(value).strip()
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            raise PydanticCustomError("number_form", f"'{clip(text)}' is not a plain number: write digits with an "
                                      "optional '.' and '-', no thousands separators, units or full-width digits")
        if len(text) > MAX_VALUE_CHARS:  # 1 and 308 zeros is a float, but 1e308 万人 is not; 5,000 digits not an int
            raise PydanticCustomError("number_length", f"the value has {len(text):,} characters; casegen takes at "
                                      f"most {MAX_VALUE_CHARS} ('{clip(text, 24)}')")
        significant = text.lstrip("-").replace(".", "").lstrip("0")
        if len(significant) > MAX_SIGNIFICANT:
            raise PydanticCustomError("number_digits", f"'{text}' has {len(significant)} significant digits; casegen "
                                      f"keeps at most {MAX_SIGNIFICANT}")
        return float(text)

    @field_validator("qualifier")
    @classmethod
    def _known_qualifier(cls, value: str) -> str:
        if value and value not in qualifiers.QUALIFIERS:
            words = ", ".join(w for w in qualifiers.QUALIFIERS if not w.isascii())
            raise PydanticCustomError("qualifier", f"unknown qualifier '{clip(value)}': write the word the source "
                                      f"prints ({words}), or about, over or under, or leave it empty")
        return value

    @field_validator("start", "end")
    @classmethod
    def _real_date(cls, value: str) -> str:
        return _check_partial_date(value) if value else value

    @property
    def key(self) -> tuple:
        """Two figures with the same key report the same thing."""
        return (self.metric, self.scope, self.series, self.category, self.start, self.end, self.source)

    @property
    def period_key(self) -> tuple:
        return (self.scope, self.series, self.category, self.start, self.end, self.source)


class TermForms(Record):
    """The words a term is written with in running text, per language (the first is the one pages show)."""

    zh: list[Term] = Field(min_length=1, max_length=10)
    en: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
                       AfterValidator(no_invisible)]] = Field(min_length=1, max_length=10)


class GlossaryTerm(Record):
    """data/glossary.yaml: a term of the programme, explained for readers who do not know it."""

    id: Slug
    forms: TermForms = Field(description="how the term is written: zh as the sources write it (建档立卡), en as "
                                         "the English pages translate it (registered as poor)")
    definition: Note = Field(description="what it means, in your own words and no more than the sources and "
                                         "general knowledge support; both languages")


class SearchTerms(Record):
    """data/search.yaml: phrases the search ranks whole: a page holding one of them whole ranks above a page
    holding only its characters."""

    terms: list[Term] = Field([], max_length=5_000)
