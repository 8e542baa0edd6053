"""Numbers in the story: find them, and tell which figure of the case each one is.

Narratives quote numbers by hand, so they can drift from figures.csv. Every number written in digits in a
story text (summary, background, measures, results, lessons, objectives, questions, takeaways; Chinese and
English) must be one of:

- a figure of the case: the same value in the same unit, whatever the form (1.3万人 = 13,000 people,
  18万余元 = 180,000 yuan = 0.18 million yuan, 9087 = 9,087); on the page it links to the figure's row;
- clearly not a figure, which is recognised without help: a year (2017年, 2016—2020年, in 2019, May 2020),
  a month or day of a date (4月, 5日, 4 April), an ordinal (第3, 3rd, 13th), a list marker ((1), 1、 at the
  start), or digits that are part of a name or code (5G, G60);
- listed by the editor under ``not_figures`` with a reason (a name such as the "161" model, a number the
  text derives with its formula, a count the source gives outside the data …).

Chinese numerals (六成, 三年) are not read. In Chinese the word after a number is its unit when it is one of
data/units.yaml (人, 个, 元, 万元 …, with 万/亿 and 余/多 between: 18万余元); in English only "%", "per
cent" and "yuan" are read as units, and other numbers compare by value (9,087 jobs = 9087 个).

Pure functions: no file is read here.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable

from . import qualifiers

MAGNITUDE = {"万": 1e4, "亿": 1e8}
SCALE_EN = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
ENGLISH_UNITS = {"元": "yuan", "斤": "jin"}  # the units English texts are read with (and "%")
EXTRA_UNITS_ZH = {"个月": "months", "％": "percent"}  # unit words that are no unit of data/units.yaml
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
             "Dec")
# words before a number that make a 19xx/20xx a year in English
YEAR_BEFORE_EN = {"in", "by", "since", "from", "until", "till", "to", "through", "between", "and", "or", "of", "early",
                  "late", "mid", "before", "after", "during", "end", "year", "years", "around", "for", "as", "at",
                  "spring", "summer", "autumn", "winter", "fiscal"} | {m.lower() for m in MONTHS_EN}

_DIGITS = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
_NUMBER = re.compile(_DIGITS)
_DASHES = "-–—~～至到"


@dataclass(frozen=True)
class Number:
    """A number written in a text."""

    start: int          # where the number (with its 万/亿 or million) starts and ends in the text
    end: int
    written: str        # as written: 9,087, 1.3万, 1.635 million
    value: float        # with its magnitude: 1.3万 → 13000
    unit: str = ""      # the unit word after it (an id of data/units.yaml, or 个月), "%" or ""
    exempt: str = ""    # why it is clearly not a figure: year, date, ordinal, marker, name; "" otherwise
    lang: str = "zh"
    meaning: str = ""   # of the qualifier written with it: about, more, under, at-most, nearly (see qualifiers)

    def shown(self) -> str:
        """How a message quotes it: 9078 个, 18万 元, 60%, 9,087, 1.3 million yuan."""
        if self.unit == "%":
            return f"{self.written}%"
        if self.lang == "en" and self.unit:
            return f"{self.written} {ENGLISH_UNITS[self.unit]}"
        return f"{self.written} {self.unit}" if self.unit else self.written


def _value(digits: str) -> float:
    return float(digits.replace(",", ""))


def _is_year(digits: str) -> bool:
    return re.fullmatch(r"(19|20)[0-9]{2}", digits) is not None


# How much of the text before a number the rules read: beyond the blank and commas just before it, this many
# characters, and then back to the start of a word. They read a word or two, a mark or a dash before a number
# (about, more than, 1990s, 第, 2019–), and whether anything but blank comes before it; with the whole text
# before every number, patterns anchored at its end made checking a story quadratic in its length (about a
# third of validating the 1,000-case library went to them). The same as reading it all, for any text whose
# words are shorter than this (tests/test_storynumbers.py compares the two on every text of the library).
BEFORE_CHARS = 200


def _before(text: str, start: int) -> str:
    """The text before ``start`` that the rules read (see BEFORE_CHARS)."""
    i = start
    while i > 0 and (text[i - 1].isspace() or text[i - 1] == ","):
        i -= 1
    j = max(0, i - BEFORE_CHARS)
    while j > 0 and text[j - 1].isascii() and text[j - 1].isalpha():
        j -= 1
    return text[j:start]


def find(text: str, lang: str, units: Iterable[str] = ()) -> list[Number]:
    """Every number written in digits in ``text``, in order, each with its unit and whether it is exempt."""
    units = sorted(set(units) | ({"%"} if lang == "zh" else set()), key=len, reverse=True)
    plain_units = [u for u in units if u[:1] not in MAGNITUDE]
    out = []
    for m in _NUMBER.finditer(text):
        start, end, digits = m.start(), m.end(), m.group()
        before, after = _before(text, start), text[end:]
        if before[-1:] in (".", ",") and before[-2:-1].isdigit():
            continue  # the tail of a number the pattern did not take whole (1,23 or 1.2.3)
        if lang == "zh":
            out.append(_zh(text, start, end, digits, before, after, units, plain_units))
        else:
            out.append(_en(text, start, end, digits, before, after))
    return out


def _marker(before: str, after: str, digits: str) -> bool:
    """(1), （1）, or 1、 1. 1) at the start of a paragraph or sentence."""
    if len(digits) > 2 or not digits.isdigit():
        return False
    if before[-1:] in ("(", "（") and after[:1] in (")", "）"):
        return True
    at_start = before.strip() == "" or before.rstrip()[-1:] in ("。", "；", ";", "：", ":", "\n")
    return at_start and after[:1] in ("、", ".", "．", ")", "）") and not after[1:2].isdigit()


def _name(before: str, after: str) -> bool:
    """Digits glued to Latin letters (5G, G60, COVID-19) are part of a name or code."""
    return bool(re.search(r"[A-Za-z]-?$", before)) or bool(re.match(r"[A-Za-z]", after))


def _zh(text, start, end, digits, before, after, units, plain_units) -> Number:
    value = _value(digits)
    exempt = ""
    if before.endswith("第"):
        exempt = "ordinal"
    elif _marker(before, after, digits):
        exempt = "marker"
    elif _name(before, after):
        exempt = "name"
    elif _is_year(digits) and (after.startswith("年") or re.match(rf"[{_DASHES}]\s*[0-9]{{2,4}}\s*年", after)):
        exempt = "year"
    elif digits.isdigit() and ((re.match(rf"(\s*[{_DASHES}]\s*[0-9]{{1,2}})?月", after) and 1 <= value <= 12) or
                               (re.match(r"[日号]", after) and 1 <= value <= 31)):
        exempt = "date"
    # 万/亿, then 余/多 (18万余元, 4500多人), then the unit
    m = re.match(r"\s?([万亿])?([余多])?", after)
    magnitude = m.group(1) or ""
    rest = after[m.end():]
    unit = next((u for u in EXTRA_UNITS_ZH if rest.startswith(u)), "")
    if not unit:
        candidates = plain_units if magnitude else units
        unit = next((u for u in candidates if rest.startswith(u)), "")
    if unit == "％":
        unit = "%"
    if magnitude:
        value *= MAGNITUDE[magnitude]
        end += m.end(1)
    return Number(start, end, text[start:end], value, unit, exempt, "zh", _meaning_zh(before, after, m.group(2)))


def _en(text, start, end, digits, before, after) -> Number:
    value = _value(digits)
    exempt = ""
    word_before = re.search(r"([A-Za-z]+)[\s,]*$", before)
    word_before = word_before.group(1).lower() if word_before else ""
    if re.match(r"(st|nd|rd|th)\b", after):
        exempt = "ordinal"
    elif _marker(before, after, digits):
        exempt = "marker"
    elif _is_year(digits) and re.match(r"s\b", after):
        exempt = "year"  # the 1990s
    elif _name(before, after):
        exempt = "name"
    elif _is_year(digits) and not re.match(r"\s?(%|per\s?cent|percent|million|billion|thousand|yuan)", after) and (
            word_before in YEAR_BEFORE_EN or re.search(r"['’]s\s*$", before) or
            re.match(rf"\s*[{_DASHES}/]\s*[0-9]{{2,4}}", after) or re.search(rf"[0-9]\s*[{_DASHES}]\s*$", before) or
            re.match(r"\s*([.,;:)\]'’]|$)", after)):
        exempt = "year"
    elif digits.isdigit() and 1 <= value <= 31 and (word_before in {m.lower() for m in MONTHS_EN} or
                                                    re.match(rf"\s({'|'.join(MONTHS_EN)})\b", after)):
        exempt = "date"
    unit = ""
    m = re.match(r"\s?(thousand|million|billion)\b", after)
    if m:
        value *= SCALE_EN[m.group(1)]
        end += m.end()
        after = text[end:]
    if re.match(r"\s?(%|％|per\s?cent\b|percent\b)", after):
        unit = "%"
    elif re.match(r"\s?yuan\b", after):
        unit = "元"
    elif re.match(r"\s?jin\b", after):
        unit = "斤"
    return Number(start, end, text[start:end], value, unit, exempt, "en", _meaning_en(before))


# the qualifiers written after the number and its unit (以上, 左右, 以下), from qualifiers.QUALIFIERS
_AFTER_ZH = tuple(w for w, q in qualifiers.QUALIFIERS.items() if not w.isascii() and q.place == "after")


def _meaning_zh(before: str, after: str, inside: str | None) -> str:
    """The meaning (about, more, under …) of the qualifier written with a Chinese number, or ""."""
    if inside:
        return "more"
    tail = re.sub(rf"^[万亿]?[^\s，。；、（）0-9]{{0,4}}?(?={'|'.join(_AFTER_ZH)})", "", after)
    for word in _AFTER_ZH:
        if tail.startswith(word):
            return qualifiers.meaning(word)
    for word in sorted(qualifiers.QUALIFIERS, key=len, reverse=True):
        if not word.isascii() and qualifiers.QUALIFIERS[word].place == "before" and before.endswith(word):
            return qualifiers.meaning(word)
    return ""


_BEFORE_EN = {"about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
              "more than": "more", "over": "more", "above": "more", "at least": "more", "under": "under",
              "less than": "under", "fewer than": "under", "below": "under", "at most": "at-most", "up to": "at-most",
              "nearly": "nearly", "almost": "nearly", "close to": "nearly"}


def _meaning_en(before: str) -> str:
    m = re.search(r"([A-Za-z]+(?: [A-Za-z]+)?)\s*$", before)
    if not m:
        return ""
    words = m.group(1).lower()
    return _BEFORE_EN.get(words) or _BEFORE_EN.get(words.split()[-1], "")


def marked_spans(text: str, written: str) -> list[tuple[int, int]]:
    """Where ``written`` (an entry of not_figures: a number as the text writes it, 161, 13,000, 1.3万, or a short
    stretch around numbers, 0+3, 2/3, 3个月) occurs in ``text``, not as a part of a longer number."""
    written = written.strip()
    if not written:
        return []
    if written not in text:  # most entries are not in most texts: no pattern needed
        return []
    return [(m.start(), m.end()) for m in _marked_pattern(written).finditer(text)]


@functools.lru_cache(maxsize=None)
def _marked_pattern(written: str) -> re.Pattern:
    # kept apart from re's own cache of 512 patterns, which a story with many not_figures entries overflows
    return re.compile(rf"(?<![0-9])(?<![0-9][.,]){re.escape(written)}(?![0-9])(?![.,][0-9])")


def number_text(written: str) -> bool:
    """Whether ``written`` can be an entry of not_figures: one line with a digit in it."""
    return bool(re.search(r"[0-9]", written)) and "\n" not in written


# matching against the figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureValue:
    """What the matching needs of a figure: its value in the base unit and as a plain count."""

    line: int
    shown: str          # 9087 个
    base: float         # in the dimension's base unit (1.3 万人 → 13000)
    count: float        # the printed number with its 万/亿 (44.64 万次 → 446400; 1800 斤 → 1800)
    dimension: str
    also: frozenset     # dimensions the figure's metric also counts in (units_also)
    unit: str = ""      # its unit id
    meaning: str = ""   # of its qualifier


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def compatible(dimension: str, f: FigureValue) -> bool:
    """Whether a number written in a unit of ``dimension`` can state figure ``f``: the same dimension, one the
    metric also counts in, or a rate written without its 'per' (1000元 for 1000 元/月, 每月 said in words)."""
    return dimension == f.dimension or dimension in f.also or f.dimension.startswith(dimension + "-per-")


def matches(number: Number, f: FigureValue, unit_info: dict[str, tuple[str, float]]) -> bool:
    """Whether ``number`` states figure ``f``. ``unit_info`` maps a unit id to (dimension, factor)."""
    if number.unit == "%" and f.dimension == "ratio":  # 73.4% states the share 0.734
        return same(number.value / 100, f.base)
    if number.unit and number.unit in unit_info:
        dimension, factor = unit_info[number.unit]
        return compatible(dimension, f) and same(number.value * factor, f.base)
    if number.unit in EXTRA_UNITS_ZH:  # a unit word that is no unit of the library (个月): no figure is written so
        return False
    return same(number.value, f.count)  # no unit, or one the library lacks: by the number


def pick(number: Number, figures: list[FigureValue], units: dict[str, tuple[str, float]],
         used: set[int]) -> FigureValue | None:
    """The figure ``number`` states, among all that it matches: the one in the unit it is written in, with the
    same qualifier meaning, not yet stated earlier in the same text (1000元 twice: the pay of two kinds of post),
    first in figures.csv. ``used`` collects the lines picked."""
    candidates = [f for f in figures if matches(number, f, units)]
    if not candidates:
        return None
    dimension = units.get(number.unit, ("", 1.0))[0]

    def rank(f: FigureValue) -> tuple:
        written_unit = f.unit in (number.unit, number.written[-1:] + number.unit)
        return (not written_unit, dimension != f.dimension, number.meaning != f.meaning, f.line in used, f.line)

    best = min(candidates, key=rank)
    used.add(best.line)
    return best


def closest(number: Number, figures: list[FigureValue], unit_info: dict[str, tuple[str, float]]) -> FigureValue | None:
    """The figure nearest to ``number`` (relative distance), among those of a compatible unit when it has one."""
    value = number.value
    pool = figures
    if number.unit in unit_info:
        dimension, factor = unit_info[number.unit]
        value *= factor
        pool = [f for f in figures if compatible(dimension, f)] or figures

    def distance(f: FigureValue) -> tuple:
        target = f.base if number.unit in unit_info else f.count
        return (abs(target - value) / max(abs(target), abs(value), 1e-9), f.line)

    return min(pool, key=distance, default=None)


def magnitude_of(unit: str) -> float:
    return MAGNITUDE.get(unit[:1], 1.0)


# a story's texts ------------------------------------------------------------------------------------------

STORY_FIELDS = ("summary", "background", "measures", "results", "lessons")
LIST_FIELDS = ("objectives", "questions", "takeaways")


def story_texts(story) -> list[tuple[tuple, str, str]]:
    """(location in the YAML file, language, text) of every story text that numbers are checked in."""
    out = []
    for name in STORY_FIELDS:
        for lang in ("zh", "en"):
            out.append(((name, lang), lang, getattr(getattr(story, name), lang)))
    for name in LIST_FIELDS:
        for i, item in enumerate(getattr(story, name)):
            for lang in ("zh", "en"):
                out.append(((name, i, lang), lang, getattr(item, lang)))
    return out


def unit_table(units: dict) -> dict[str, tuple[str, float]]:
    """unit id → (dimension, factor), from the units register."""
    return {u.id: (u.dimension, u.factor) for u in units.values()}


def figure_values(figures: list, units: dict, metrics: dict) -> list[FigureValue]:
    """The figures of a case as the matching sees them (figures in an unknown unit are left out)."""
    out = []
    for f in figures:
        unit = units.get(f.unit)
        if unit is None:
            continue
        metric = metrics.get(f.metric)
        also = set()
        if metric is not None:
            also = {units[u].dimension for u in (metric.unit, *metric.units_also) if u in units}
        out.append(FigureValue(f.line, f"{f.published_value} {f.unit}", f.value * unit.factor,
                               f.value * magnitude_of(f.unit), unit.dimension, frozenset(also), f.unit,
                               qualifiers.meaning(f.qualifier)))
    return out


@dataclass(frozen=True)
class Finding:
    loc: tuple                     # where the text is in the YAML file
    lang: str
    number: Number
    figure: FigureValue | None     # the figure it states (the first one, by line), or None
    marked: int | None             # the not_figures entry that lists it, or None


def _entries(not_figures) -> list[tuple[int, str, str]]:
    """(index, language, number as written) of each entry of not_figures that has a number."""
    return [(i, entry.lang, written) for i, entry in enumerate(not_figures) if (written := entry.number.strip())]


def _marks(text: str, lang: str, entries: list[tuple[int, str, str]]) -> list[tuple[int, int, int]]:
    """(start, end, entry index) of every place in ``text`` that an entry of not_figures marks (``entries``: their
    ``_entries``, made once for the many texts of a story)."""
    return [(a, b, i) for i, entry_lang, written in entries if entry_lang in (lang, "both")
            for a, b in marked_spans(text, written)]


def _marked(number: Number, marks: list[tuple[int, int, int]]) -> int | None:
    """The entry of not_figures that marks ``number``: the entry, as written, covers the number in the text."""
    for a, b, i in marks:
        if a <= number.start and number.end <= b:
            return i
    return None


def _years(numbers: list[Number]) -> set[float]:
    return {n.value for n in numbers if n.exempt == "year"}


def findings(story, figures: list[FigureValue], units: dict[str, tuple[str, float]]) -> list[Finding]:
    """Every number of the story that is not exempt, with the not_figures entry that lists it or the figure it
    states. An entry of not_figures comes first: a number listed there is never linked to a figure. In English, a
    19xx/20xx that no figure has and that the Chinese text of the same field writes as a year (2020年) is a year."""
    unit_ids = list(units) + list(EXTRA_UNITS_ZH)
    out = []
    by_line = sorted(figures, key=lambda f: f.line)
    texts = story_texts(story)
    entries = _entries(story.not_figures)
    found: dict[tuple[str, str], list[Number]] = {}  # a Chinese text is read for itself and for its English twin

    def numbers(text: str, lang: str) -> list[Number]:
        if (text, lang) not in found:
            found[(text, lang)] = find(text, lang, unit_ids)
        return found[(text, lang)]

    chinese = {loc[:-1]: text for loc, lang, text in texts if lang == "zh"}
    for loc, lang, text in texts:
        marks = _marks(text, lang, entries)
        years = _years(numbers(chinese.get(loc[:-1], ""), "zh")) if lang == "en" else set()
        used: set[int] = set()
        for number in numbers(text, lang):
            if number.exempt:
                continue
            marked = _marked(number, marks)
            figure = None if marked is not None else pick(number, by_line, units, used)
            if figure is None and marked is None and number.value in years and _is_year(number.written):
                continue
            out.append(Finding(loc, lang, number, figure, marked))
    return out


def unused(story) -> list[int]:
    """Indexes of the not_figures entries that mark nothing in the texts of their language."""
    used = set()
    entries = _entries(story.not_figures)
    for loc, lang, text in story_texts(story):
        used |= {i for _, _, i in _marks(text, lang, entries)}
    return [i for i in range(len(story.not_figures)) if i not in used]


def links(text: str, lang: str, figures: list[FigureValue], units: dict[str, tuple[str, float]],
          not_figures=()) -> list[tuple[int, int, int]]:
    """(start, end, figures.csv line) of each number in ``text`` that states a figure: what a page links."""
    unit_ids = list(units) + list(EXTRA_UNITS_ZH)
    by_line = sorted(figures, key=lambda f: f.line)
    marks = _marks(text, lang, _entries(not_figures))
    out = []
    used: set[int] = set()
    for number in find(text, lang, unit_ids):
        if number.exempt or _marked(number, marks) is not None:
            continue
        figure = pick(number, by_line, units, used)
        if figure is not None:
            out.append((number.start, number.end, figure.line))
    return out
