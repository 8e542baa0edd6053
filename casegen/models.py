"""The data model: what editors write in data/, as pydantic models.

The models check the shape of one record at a time; checks across records (unknown ids,
duplicates, sub-items above totals) live in validate.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
METRIC_ID = r"^[a-z][a-z0-9_]*$"
DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"  # [0-9], not \d: no full-width digits


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
        raise ValueError("year 0000 does not exist")
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise ValueError(f"month {parts[1]} is not between 01 and 12")
    if len(parts) == 3 and not 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]:
        raise ValueError(f"day {parts[2]} does not exist in {parts[0]}-{parts[1]:02d}")
    return text


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    StringConstraints(pattern=DATE),
    Field(description="A date as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD", examples=["2019-12"]),
]
Slug = Annotated[str, StringConstraints(pattern=SLUG), Field(description="lowercase letters, digits and hyphens")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


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

    zh: NonEmpty = Field(description="Chinese text (中文)")
    en: NonEmpty = Field(description="English text")


class Named(Record):
    zh: NonEmpty = Field(description="Chinese name (中文名称)")
    en: NonEmpty = Field(description="English name")

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Unit(Named):
    id: NonEmpty = Field(description="the unit as sources print it, e.g. 万人")
    dimension: Slug = Field(description="what it measures; units of one dimension convert into each other")
    factor: float = Field(gt=0, allow_inf_nan=False, description="value of one unit in the dimension's base unit")


class Region(Named):
    id: Slug
    level: Literal["country", "province", "city", "county", "district"]
    parent: Slug | None = None


class Group(Named):
    id: Slug


class Metric(Named):
    id: Annotated[str, StringConstraints(pattern=METRIC_ID)]
    unit: NonEmpty = Field(description="reference unit, an id from units.yaml")
    kind: Literal["count", "money", "rate", "ratio", "average", "index"]
    group: Slug = Field(description="comparison group, an id from the groups list")
    part_of: Annotated[str, StringConstraints(pattern=METRIC_ID)] | None = Field(
        None, description="the metric this one is a sub-item of (其中)")
    sum_of_parts: bool = Field(False, description="true when the sub-items of this metric must add up to it")
    units_also: list[NonEmpty] = Field(
        [], description="units of another dimension that count this metric one for one, e.g. 人 for posts held")


class MetricsFile(Record):
    groups: list[Group]
    metrics: list[Metric]


class Mechanism(Named):
    id: Slug
    description: Text | None = Field(None, description="what the mechanism is and how it works, both languages")


class Category(Named):
    id: Slug


class Source(Record):
    id: Slug
    file: str | None = None
    title: Text
    short: Text = Field(description="short citation label shown next to figures, e.g. 林晓洁（2018） / Lin (2018)")
    author: NonEmpty
    author_en: NonEmpty
    publisher: NonEmpty
    publisher_en: NonEmpty
    published: PartialDate
    date_note: Text | None = None
    language: Literal["zh", "en"]
    url: str | None = None
    this_year: Text | None = None

    @field_validator("published")
    @classmethod
    def _real_date(cls, value: str) -> str:
        return _check_partial_date(value)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("a URL starts with http:// or https://")
        if value is not None and (bad := re.search(r"[\s<>\"'`\\]", value)):
            raise ValueError(f"a URL cannot contain {bad.group()!r}: write spaces as %20 and copy the address "
                             "from the browser's address bar")
        return value


class Period(Record):
    start: PartialDate
    end: PartialDate

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        _check_partial_date(self.start)
        _check_partial_date(self.end)
        if earliest(self.start) > latest(self.end):
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class Story(Record):
    """What cases and practices share: the narrative and the trainer kit."""

    title: Text
    period: Period | None = None
    sources: list[Slug] = Field(min_length=1)
    related: list[Slug] = []
    mechanisms: list[Slug] = []
    summary: Text
    background: Text
    measures: Text
    results: Text
    lessons: Text
    objectives: list[Text] = []
    questions: list[Text] = []
    takeaways: list[Text] = []


class Case(Story):
    level: Literal["province", "city", "county"]
    east: Slug = Field(description="region id of the helping (eastern) side")
    west: Slug = Field(description="region id of the helped (western) side")
    period: Period
    parent: Slug | None = Field(None, description="slug of the provincial pairing this case sits inside")


class Practice(Story):
    region: Slug = Field(description="region id where the practice happens")


SERIES = ("actual", "target", "expected", "plan")
QUALIFIERS = ("", "about", "over", "under")
FLAGS = ("sub-exceeds-total", "parts-mismatch", "percent-mismatch", "inconsistent", "ambiguous")
FIGURE_COLUMNS = ("metric", "value", "unit", "qualifier", "start", "end", "scope", "series", "category",
                  "source", "locator", "note_zh", "note_en", "flag", "flag_zh", "flag_en")
REQUIRED_COLUMNS = ("metric", "value", "unit", "end", "scope", "source", "locator")


class Figure(Record):
    """One row of figures.csv: one number as its source published it."""

    metric: Annotated[str, StringConstraints(pattern=METRIC_ID)]
    value: float
    published_value: str = Field(description="the value as written in the CSV, kept for display")
    unit: NonEmpty
    qualifier: Literal["", "about", "over", "under"] = ""
    start: PartialDate | Literal[""] = ""
    end: PartialDate
    scope: Slug
    series: Literal["actual", "target", "expected", "plan"] = "actual"
    category: Slug | Literal[""] = ""
    source: Slug
    locator: NonEmpty
    note_zh: str = ""
    note_en: str = ""
    flag: Literal["", "sub-exceeds-total", "parts-mismatch", "percent-mismatch", "inconsistent", "ambiguous"] = ""
    flag_zh: str = ""
    flag_en: str = ""
    line: int = Field(0, description="line in figures.csv (set by the loader)")

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value):
        text = str(value).strip()
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            raise ValueError(f"'{value}' is not a plain number: write digits with an optional '.' and '-', "
                             "no thousands separators, units or full-width digits")
        return float(text)

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


class SearchTerms(Record):
    """data/search.yaml: words that the Chinese search must keep whole."""

    terms: list[NonEmpty] = []
