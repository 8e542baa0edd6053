"""A corpus of broken and hostile input: each gets exactly the problems listed, as path:line: field: message.

tests/corpus/<name>/ holds the files that differ from tests/fixtures/minimal (same paths; a DELETE file lists
paths to remove). The huge, binary and special-file cases are generated at test time (GENERATED below).
For every case the full list of problems must be the one in the table: the same file, line and field,
and a message containing the text given. None may raise: the command line exits with 1 (never a
traceback, never 2 or a crash), and a failed `casegen build` leaves build/docs/ and site/ as they were.

The cases whose list is empty (or holds only warnings, marked W) are valid input: a blank CSV row, a header
with no figures yet, a byte-order mark, a symbolic link that stays inside data/, numbers at the edges of
what casegen takes, and text-hostile-within-limits, where every text field holds HTML, <script>, Markdown and
Jinja (as much as its length limit allows). They must build, and the hostile text must come out as text
(test_hostile_text_builds_and_renders_inert). A warning (a cell a spreadsheet would run as a formula) is
printed but stops nothing: `casegen validate` exits with 0.

No message may quote more of a file than a short value: a link to /proc/self/environ or /etc/passwd is
refused without reading it, and quoted values are cut to 40 characters with invisible characters escaped
(test_no_message_leaks_what_a_file_holds).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.dom.minidom
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegen.build import copy_site_files
from casegen.cli import main
from casegen.load import load_library
from casegen.validate import check
from conftest import MINIMAL, ROOT

CORPUS_DIR = Path(__file__).parent / "corpus"
CASE = "data/cases/east-west/case.yaml"
FIGS = "data/cases/east-west/figures.csv"
HEADER = "metric,value,unit,qualifier,start,end,scope,series,category,source,locator,note_zh,note_en,flag,flag_zh,flag_en\n"
ROW = "funds,{v},万元,,,{y},west-prov,{series},,src,row {i},,,,,\n"
W = "warning"  # the fifth element of an expected problem that is a warning, not an error
FORMULA = "a spreadsheet would read it as a formula"
SRCS = "data/sources.yaml"


def _too_long(kind: str, limit: int, length: int = 310) -> str:
    return f"{kind} may have at most {limit:,} characters; this one has {length:,}"


def _hostile_over_the_limits() -> list[tuple]:
    """text-hostile-everywhere: its 310 characters in every field are above the limit of every short field."""
    title, name, term, locator = (_too_long("a title", 300), _too_long("a name", 160), _too_long("a search term", 24),
                                  _too_long("a locator", 250))
    out = [(CASE, 1, f"title.{lang}", title) for lang in ("en", "zh")]
    out += [(FIGS, line, "locator", locator) for line in range(2, 7)]
    out += [("data/categories.yaml", 1, f"category[group-a].{lang}", name) for lang in ("en", "zh")]
    out += [("data/mechanisms.yaml", 1, f"mechanism[job-fairs].{lang}", name) for lang in ("en", "zh")]
    out += [("data/metrics.yaml", line, f"{key}.{lang}", name)
            for line, key in ((2, "groups[placement]"), (3, "groups[funds]"), (5, "metrics[workers]"),
                              (6, "metrics[workers_poor]"), (7, "metrics[workers_other]"), (8, "metrics[funds]"))
            for lang in ("en", "zh")]
    out += [("data/regions.yaml", line, f"region[{rid}].{lang}", name)
            for line, rid in ((1, "china"), (2, "east-prov"), (3, "west-prov")) for lang in ("en", "zh")]
    out += [("data/search.yaml", 1, "terms.0", term)]
    out += [(SRCS, 2, f"source[src].title.{lang}", title) for lang in ("en", "zh")]
    out += [(SRCS, 3, f"source[src].short.{lang}", name) for lang in ("en", "zh")]
    out += [(SRCS, line, f"source[src].{key}", name)
            for line, key in ((4, "author"), (5, "author_en"), (6, "publisher"), (7, "publisher_en"))]
    out += [("data/units.yaml", line, f"unit[{uid}].{lang}", name)
            for line, uid in ((1, "人"), (2, "万人"), (3, "个"), (4, "万元")) for lang in ("en", "zh")]
    return sorted(out)


# name -> every problem it must get: (path, line, field, a part of the message). Sorted as casegen sorts them.
CORPUS = {
    'csv-nul-byte': [(FIGS, 7, 'locator', 'the text contains the control character U+0000')],
    'csv-only-commas': [],
    'csv-ragged-row': [(FIGS, 7, '(row)', 'the row has 15 cells but the header has 16')],
    'csv-text-too-long': [
        (FIGS, 7, 'locator', 'a locator may have at most 250 characters; this one has 300'),
        (FIGS, 7, 'note_en', 'a note may have at most 2,000 characters; this one has 2,500'),
        (FIGS, 7, 'note_zh', 'a note may have at most 2,000 characters; this one has 2,500'),
    ],
    'csv-too-many-columns': [(FIGS, 1, '(header)', 'the header has 1,000 columns; figures.csv has at most 17')],
    'csv-unclosed-quote': [
        (FIGS, 7, '(row)', 'a quoted cell runs from line 7 to line 8: a double quote is not closed'),
    ],
    'csv-unknown-column': [
        (FIGS, 1, 'locater', "unknown column 'locater'"),
        (FIGS, 1, 'locator', "required column 'locator' is missing"),
    ],
    'csv-unknown-enum': [(FIGS, 7, 'qualifier', "unknown qualifier 'approx': write the word the source prints")],
    'date-after-source': [(FIGS, 7, 'end', 'dated 2030, after its source was published (2019-06-30)')],
    'date-day-31-in-february': [
        (FIGS, 7, 'end', 'day 30 does not exist in 2019-02'),
        (FIGS, 7, 'start', 'day 30 does not exist in 2019-02'),
    ],
    'date-fullwidth': [(FIGS, 7, 'end', "'２０１８' is not a date"), (FIGS, 7, 'start', "'２０１８' is not a date")],
    'date-month-13': [
        (FIGS, 7, 'end', 'month 13 is not between 01 and 12'),
        (FIGS, 7, 'start', 'month 13 is not between 01 and 12'),
    ],
    'date-month-13-yaml': [('data/sources.yaml', 8, 'source[src].published', 'month 13 is not between 01 and 12')],
    'date-source-in-future': [
        ('data/sources.yaml', 8, 'source[src].published', 'published 2999-06-30, which is in the future'),
    ],
    'date-words': [(FIGS, 7, 'end', "'last year' is not a date")],
    'date-year-zero': [(FIGS, 7, 'end', 'year 0000 does not exist')],
    'duplicate-csv-column': [(FIGS, 1, 'locator', "column 'locator' appears 2 times")],
    'duplicate-figure': [
        (FIGS, 7, 'metric', 'duplicate figure: line 5 already has funds for west-prov, actual, 2018–2018, no category, src'),
    ],
    'duplicate-list-entry': [(CASE, 6, 'sources.1', "'src' is listed twice (first as sources.0)")],
    'empty-case-yaml': [(CASE, 1, '(file)', 'the file is empty')],
    'empty-figures-csv': [(FIGS, 1, '(header)', 'the file is empty')],
    'empty-register': [('data/mechanisms.yaml', 1, '(file)', 'the file is empty')],
    'empty-yaml-document': [('data/categories.yaml', 1, '(file)', 'expected a list of category entries')],
    'encoding-gbk-csv': [(FIGS, 2, '(file)', 'the file is not UTF-8 text: it looks like GBK/GB18030')],
    'encoding-gbk-yaml': [(CASE, 1, '(file)', 'the file is not UTF-8 text: it looks like GBK/GB18030')],
    'encoding-latin1-csv': [(FIGS, 6, '(file)', 'the file is not UTF-8 text: its encoding is not recognised')],
    'encoding-utf16-csv': [(FIGS, 1, '(file)', 'the file is not UTF-8 text: it looks like UTF-16')],
    'encoding-utf16-yaml': [('data/regions.yaml', 1, '(file)', 'the file is not UTF-8 text: it looks like UTF-16')],
    'encoding-utf16be-csv': [(FIGS, 1, '(file)', 'the file is not UTF-8 text: it looks like UTF-16')],
    'encoding-utf8-bom-csv': [],
    'formula-cells': [
        (FIGS, 7, 'locator', f"the text starts with '=': {FORMULA}", W),
        (FIGS, 7, 'note_en', f"the text starts with '@': {FORMULA}", W),
        (FIGS, 7, 'note_zh', f"the text starts with '+': {FORMULA}", W),
        (FIGS, 8, 'locator', f"the text starts with a tab: {FORMULA}", W),
        (FIGS, 8, 'note_en', f"the text starts with '-': {FORMULA}", W),
        (FIGS, 8, 'note_zh', f"the text starts with '-': {FORMULA}", W),
        ('data/regions.yaml', 3, 'region[west-prov].en', f"the text starts with '@': {FORMULA}", W),
        (SRCS, 7, 'source[src].publisher_en', f"the text starts with '=': {FORMULA}", W),
    ],
    'flag-group-alone': [
        (FIGS, 7, 'flag_group', "flag group 'lonely' has this figure only"),
        (FIGS, 8, 'flag_group', "unknown flag group 'typo': no other figure carries it and none explains it"),
    ],
    'flag-group-bad-ids': [
        (FIGS, 6, 'flag_group', "'twins,pair' is not a flag group id: lowercase letters, digits and hyphens; "
                                "separate several ids with spaces"),
        (FIGS, 7, 'flag_group', "flag group 'twins' is listed twice"),
        (FIGS, 8, 'flag_group', "flag group 'twins' has this figure only"),
    ],
    'flag-group-covers-parts': [],
    # a flag explains the first group its row lists: listed second, 'twins' has no explanation
    'flag-group-explains-second': [(FIGS, 7, 'flag_group', "no figure of flag group 'twins' (lines 7, 8) carries the flag")],
    'flag-group-several': [],
    'flag-group-explained-twice': [(FIGS, 8, 'flag', "flag group 'twins' is explained differently here (first on line 7)")],
    'flag-group-unexplained': [(FIGS, 7, 'flag_group', "no figure of flag group 'twins' (lines 7, 8) carries the flag")],
    'flag-group-valid': [],
    'header-only-figures-csv': [],
    'id-invisible-characters': [
        (FIGS, 6, 'category', "unknown category 'group-a'"),
        ('data/categories.yaml', 1, 'category[group-a\\u200b].id', "'group-a\\u200b' is not an id"),
        ('data/mechanisms.yaml', 1, 'mechanism[job-fairs].zh',
         'the text contains the invisible character U+FEFF (zero width no-break space)'),
        ('data/search.yaml', 1, 'terms.0', 'the text contains the invisible character U+200D (zero width joiner)'),
        ('data/units.yaml', 5, 'unit[万\\u200b人].id', 'the text contains the invisible character U+200B (zero width space)'),
    ],
    'id-too-long': [
        ('data/regions.yaml', 4, f"region[{'r' * 40}…].id", 'an id may have at most 60 characters; this one has 70'),
    ],
    'missing-case-files': [
        ('data/cases/orphan/case.yaml', 1, '(file)', 'case.yaml is missing'),
        ('data/cases/orphan/figures.csv', 1, '(file)', 'figures.csv is missing'),
    ],
    'missing-csv-cell': [(FIGS, 7, 'source', "'source' is empty")],
    'missing-csv-column': [(FIGS, 1, 'locator', "required column 'locator' is missing")],
    'missing-field': [(CASE, 1, 'west', 'Field required')],
    'missing-field-in-register': [('data/sources.yaml', 1, 'source[src].published', 'Field required')],
    'missing-figures-file': [(FIGS, 1, '(file)', 'figures.csv is missing')],
    'missing-register': [('data/units.yaml', 1, '(file)', 'register units.yaml is missing')],
    'name-too-long': [
        ('data/mechanisms.yaml', 1, 'mechanism[job-fairs].zh', 'a name may have at most 160 characters; this one has 200'),
        ('data/regions.yaml', 3, 'region[west-prov].zh', 'a name may have at most 160 characters; this one has 200'),
    ],
    'misspelt-field': [(CASE, 1, 'lessons', 'Field required'), (CASE, 12, 'lesons', "unknown field 'lesons'")],
    'number-1e308-in-wanren': [
        (FIGS, 7, 'value', "the value has 309 characters; casegen takes at most 20 ('100000000000000000000000…')"),
    ],
    'number-above-range': [
        (FIGS, 7, 'value', '999999999999999 万元 is 1e+19 in the base unit of money; casegen handles at most 1e+15'),
    ],
    'number-exponent': [(FIGS, 7, 'value', "'1e5' is not a plain number")],
    'number-extremes-valid': [],
    'number-fullwidth-digits': [(FIGS, 7, 'value', "'１２００' is not a plain number")],
    'number-infinity': [(FIGS, 7, 'value', "'inf' is not a plain number")],
    'number-leading-zeros': [(FIGS, 7, 'value', 'the value has 5,001 characters; casegen takes at most 20')],
    'number-nan': [(FIGS, 7, 'value', "'NaN' is not a plain number")],
    'number-negative-count': [(FIGS, 7, 'value', 'negative count -5')],
    'number-overflow': [(FIGS, 7, 'value', 'the value has 400 characters; casegen takes at most 20')],
    'number-thousands-separator': [(FIGS, 7, 'value', "'1,200' is not a plain number")],
    'number-too-many-digits': [
        (FIGS, 7, 'value', "'1234567890.1234567' has 17 significant digits; casegen keeps at most 15"),
    ],
    'number-with-unit': [(FIGS, 7, 'value', "'12万' is not a plain number")],
    'prose-bidi-override': [
        (CASE, 8, 'summary.zh', 'the text contains the invisible bidi control U+202E (right-to-left override)'),
        (CASE, 12, 'lessons.en', 'the text contains the invisible bidi control U+2067 (right-to-left isolate)'),
    ],
    'slug-dotdot-folder': [('data/cases/east..west', 1, '(slug)', "'east..west' is not a safe slug")],
    'slug-dotdot-in-figure': [
        (FIGS, 7, 'scope', "'../west-prov' is not an id"),
        (FIGS, 7, 'source', "'../src' is not an id"),
    ],
    'slug-dotdot-reference': [(CASE, 7, 'related.0', "'../../etc/passwd' is not an id")],
    'slug-slash-in-group-id': [
        ('data/metrics.yaml', 2, 'groups[../placement].id', "'../placement' is not an id"),
        ('data/metrics.yaml', 5, 'metric[workers].group', "unknown group 'placement'"),
        ('data/metrics.yaml', 6, 'metric[workers_poor].group', "unknown group 'placement'"),
        ('data/metrics.yaml', 7, 'metric[workers_other].group', "unknown group 'placement'"),
    ],
    'slug-slash-in-register-id': [
        (CASE, 7, 'mechanisms.0', "unknown mechanism 'job-fairs'"),
        ('data/mechanisms.yaml', 1, 'mechanism[../../../etc/passwd].id', "'../../../etc/passwd' is not an id"),
    ],
    'slug-uppercase-folder': [('data/cases/East-West', 1, '(slug)', "'East-West' is not a safe slug")],
    'text-hostile-everywhere': _hostile_over_the_limits(),
    'text-hostile-within-limits': [],
    'type-boolean-for-text': [
        (CASE, 11, 'results.en', 'Input should be a valid string'),
        (CASE, 11, 'results.zh', 'Input should be a valid string'),
    ],
    'type-enum-misspelt': [(CASE, 2, 'level', "Input should be 'province', 'city' or 'county'")],
    'type-factor-huge': [('data/units.yaml', 2, 'unit[万人].factor', 'Input should be less than or equal to 1000000000000')],
    'type-factor-infinite': [('data/units.yaml', 2, 'unit[万人].factor', 'Input should be a finite number')],
    'type-factor-zero': [('data/units.yaml', 2, 'unit[万人].factor', 'Input should be greater than 0')],
    'type-list-expected': [(CASE, 6, 'sources', 'Input should be a valid list')],
    'type-mapping-expected': [(CASE, 1, 'title', 'Input should be a valid dictionary or instance of Title')],
    'type-null-for-text': [
        (CASE, 11, 'results.en', 'String should have at least 1 character'),
        (CASE, 11, 'results.zh', 'Input should be a valid string'),
    ],
    'type-number-expected': [
        ('data/units.yaml', 2, 'unit[万人].factor', 'Input should be a valid number, unable to parse string as a number'),
    ],
    'type-number-for-text': [
        (CASE, 11, 'results.en', 'Input should be a valid string'),
        (CASE, 11, 'results.zh', 'Input should be a valid string'),
    ],
    'type-period-reversed': [(CASE, 5, 'period', 'start 2019-07 is after end 2018')],
    'unknown-mechanism': [(CASE, 7, 'mechanisms.0', "unknown mechanism 'job-fair'")],
    'unknown-metric-refs': [
        ('data/metrics.yaml', 9, 'metric[extra].group', "unknown group 'nope'"),
        ('data/metrics.yaml', 9, 'metric[extra].part_of', "unknown part of 'nothing'"),
        ('data/metrics.yaml', 9, 'metric[extra].unit', "unknown unit '斤'"),
    ],
    'unknown-parent-region': [('data/regions.yaml', 2, 'region[east-prov].parent', "unknown parent 'chinaa'")],
    'unknown-references-in-a-figure': [
        (FIGS, 7, 'category', "unknown category 'group-z'"),
        (FIGS, 7, 'metric', "unknown metric 'fundz'"),
        (FIGS, 7, 'scope', "unknown region 'nowhere'"),
        (FIGS, 7, 'source', "unknown source 'elsewhere'"),
        (FIGS, 7, 'unit', "unknown unit '万圆'"),
    ],
    'unknown-region': [(CASE, 3, 'east', "unknown region 'atlantis'")],
    'unknown-related-case': [(CASE, 7, 'related.0', "unknown case or practice 'no-such-case'")],
    'unknown-source-in-case': [(CASE, 6, 'sources.1', "unknown source 'nosuch'")],
    'url-javascript': [('data/sources.yaml', 10, 'source[src].url', 'a URL starts with http:// or https://')],
    'url-schemes': [
        (SRCS, 19, 'source[src2].url', 'a URL starts with http:// or https://'),      # data:
        (SRCS, 29, 'source[src3].url', 'a URL starts with http:// or https://'),      # vbscript:
        (SRCS, 39, 'source[src4].url', 'a URL starts with http:// or https://'),      # file:
        (SRCS, 49, 'source[src5].url', 'a URL starts with http:// or https://'),      # JAVASCRIPT:
        (SRCS, 59, 'source[src6].url', 'the URL names no host'),                       # https://
        (SRCS, 69, 'source[src7].url', "a URL cannot contain '\\t'"),
        (SRCS, 79, 'source[src8].url', 'a URL cannot contain the invisible character U+202E (right-to-left override)'),
        (SRCS, 89, 'source[src9].url', 'a URL cannot contain the invisible character U+200B (zero width space)'),
        (SRCS, 99, 'source[src10].url', 'a URL starts with http:// or https://'),     # //example.org (no scheme)
    ],
    'url-with-markup': [('data/sources.yaml', 10, 'source[src].url', 'a URL cannot contain \'"\'')],
    'yaml-alias-bomb': [(CASE, 14, '(yaml)', 'YAML aliases (*name) are not supported')],
    'yaml-bad-indentation': [
        ('data/sources.yaml', 5, '(yaml)', 'YAML syntax error: mapping values are not allowed in this context'),
    ],
    'yaml-control-character': [
        (CASE, 8, '(yaml)', 'the file contains the control character U+0007, which YAML does not allow'),
    ],
    'yaml-custom-tag': [
        (CASE, 12, '(yaml)', "unsupported YAML tag '!include'"),
        (CASE, 12, 'lessons', 'Input should be a valid dictionary or instance of Text'),
    ],
    'yaml-deep-nesting': [('data/search.yaml', 1, '(yaml)', 'the values are nested more than 50 levels deep')],
    'yaml-duplicate-key': [(CASE, 13, 'summary', "duplicate key 'summary'")],
    'yaml-duplicate-register-id': [
        ('data/regions.yaml', 3, 'region[east-prov].id', "duplicate region id 'east-prov' (first defined on line 2)"),
    ],
    'yaml-escaped-nul': [(CASE, 8, 'summary.zh', 'the text contains the control character U+0000')],
    'yaml-list-as-key': [(CASE, 13, '[…]', 'a key must be plain text, not a list or mapping')],
    'yaml-list-instead-of-mapping': [(CASE, 1, '(record)', 'Input should be a valid dictionary or instance of Case')],
    'yaml-merge-key': [(CASE, 9, '(yaml)', 'YAML aliases (*name) are not supported')],
    'yaml-missing-colon': [(CASE, 3, '(yaml)', "YAML syntax error: could not find expected ':'")],
    'yaml-multiple-documents': [
        ('data/regions.yaml', 4, '(yaml)', 'YAML syntax error: but found another document (expected a single document in the stream that starts on line 1)'),
    ],
    'yaml-python-tag': [
        (CASE, 2, '(yaml)', "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
        (CASE, 2, 'level', "Input should be 'province', 'city' or 'county'"),
    ],
    'yaml-register-not-a-list': [('data/units.yaml', 1, '(file)', 'expected a list of unit entries')],
    'yaml-scalar-file': [('data/metrics.yaml', 1, '(file)', "expected the keys 'groups' and 'metrics'")],
    'yaml-tab-indentation': [
        ('data/sources.yaml', 5, '(yaml)', 'YAML syntax error: found a tab character that violates indentation'),
    ],
    'yaml-unknown-file': [('data/source.yaml', 1, '(file)', 'casegen does not read this file', W)],
    'yaml-unclosed-bracket': [(CASE, 3, '(yaml)', "YAML syntax error: did not find expected ',' or ']'")],
    'yaml-unclosed-quote': [('data/sources.yaml', 10, '(yaml)', 'YAML syntax error: found unexpected end of stream')],
}


# --- generated at test time: too big, too deep, binary or special files ---------------------------------

def _huge_csv(root: Path) -> None:
    """20 MB of figures.csv, refused before it is read."""
    row = ROW.format(v=1, y=2018, series="actual", i=0)
    (root / FIGS).write_text(HEADER + row * (20_000_000 // len(row.encode()) + 1), encoding="utf-8")


def _huge_register(root: Path) -> None:
    """regions.yaml with 100,000 entries (8 MB)."""
    (root / "data/regions.yaml").write_text(
        "".join(f"- {{id: region-{i}, zh: 地区{i}, en: Region {i}, level: county, parent: china}}\n"
                for i in range(100_000)), encoding="utf-8")


def _many_values(root: Path) -> None:
    """100,000 values in 200 kB: within the size limit, above the budget of values."""
    (root / "data/search.yaml").write_text("terms: [" + ", ".join(["词"] * 100_000) + "]\n", encoding="utf-8")


def _deep_nesting(root: Path) -> None:
    """100,000 nested brackets: libyaml's composer would crash the interpreter (SIGSEGV)."""
    (root / "data/search.yaml").write_text("terms: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")


def _many_rows(root: Path) -> None:
    """5,001 figures (300 kB): within the size limit, above the number of figures a case may have."""
    rows = "".join(ROW.format(v=i, y=1000 + i, series="target", i=i) for i in range(5_001))
    (root / FIGS).write_text(HEADER + rows, encoding="utf-8")


def _big_but_fine(root: Path) -> None:
    """3,000 valid figures (250 kB): below every limit, so they pass (and quickly)."""
    rows = "".join(ROW.format(v=i, y=1000 + i, series="target", i=i) for i in range(3_000))
    (root / FIGS).write_text(HEADER + rows, encoding="utf-8")


def _huge_cell(root: Path) -> None:
    """A cell of 200,000 characters: above the csv module's field limit (an unclosed quote does this)."""
    with (root / FIGS).open("a", encoding="utf-8") as f:
        f.write('funds,3,万元,,2018,2018,west-prov,actual,,src,"' + "x" * 200_000 + '",,,,,\n')


def _folder_for_file(root: Path) -> None:
    (root / FIGS).unlink()
    (root / FIGS).mkdir()


def _device_for_file(root: Path) -> None:
    """units.yaml -> /dev/zero: an endless file that stat() calls empty."""
    (root / "data/units.yaml").unlink()
    (root / "data/units.yaml").symlink_to("/dev/zero")


def _link_figures_to(target: str):
    def make(root: Path) -> None:
        (root / FIGS).unlink()
        (root / FIGS).symlink_to(target)
    make.__doc__ = f"figures.csv -> {target}: outside data/, refused without being read (no secret in a message)"
    return make


def _link_register_to_passwd(root: Path) -> None:
    (root / "data/sources.yaml").unlink()
    (root / "data/sources.yaml").symlink_to("/etc/passwd")


def _case_folder_linked_from_outside(root: Path) -> None:
    """data/cases/east-west -> a folder outside data/ (validate used to pass, build crashed with a KeyError)."""
    (root / "data/cases/east-west").rename(root / "elsewhere")
    (root / "data/cases/east-west").symlink_to("../../elsewhere", target_is_directory=True)


def _case_folder_linked_inside(root: Path) -> None:
    """data/cases/west-east -> east-west: the same case at two addresses."""
    (root / "data/cases/west-east").symlink_to("east-west", target_is_directory=True)


def _cases_folder_linked(root: Path) -> None:
    (root / "data/cases").rename(root / "cases")
    (root / "data/cases").symlink_to("../cases", target_is_directory=True)


def _figures_linked_inside(root: Path) -> None:
    """figures.csv -> data/shared/east-west.csv: a link that stays inside data/ is read like the file."""
    (root / "data/shared").mkdir()
    (root / FIGS).rename(root / "data/shared/east-west.csv")
    (root / FIGS).symlink_to("../../shared/east-west.csv")


def _dangling_link(root: Path) -> None:
    (root / "data/units.yaml").unlink()
    (root / "data/units.yaml").symlink_to("units-old.yaml")


def _link_loop(root: Path) -> None:
    (root / "data/mechanisms.yaml").unlink()
    (root / "data/mechanisms.yaml").symlink_to("mechanisms.yaml")


def _fifo_for_file(root: Path) -> None:
    """figures.csv as a named pipe: reading it would wait forever."""
    (root / FIGS).unlink()
    os.mkfifo(root / FIGS)


def _stray_device(root: Path) -> None:
    """data/notes.yaml -> /dev/zero: no loader reads it, but the build digests every data/*.yaml."""
    (root / "data/notes.yaml").symlink_to("/dev/zero")


def _folder_named_yaml(root: Path) -> None:
    (root / "data/notes.yaml").mkdir()


def _rename_case(name: str):
    def make(root: Path) -> None:
        (root / "data/cases/east-west").rename(root / "data/cases" / name)
    make.__doc__ = f"the case folder renamed to {name!r}"
    return make


def _huge_stray_yaml(root: Path) -> None:
    """data/notes.yaml of 5 MB: no loader reads it, but the build hashes every data/*.yaml."""
    (root / "data/notes.yaml").write_text("# notes\n" * 700_000, encoding="utf-8")


def _undecodable_folder_name(root: Path) -> None:
    """A case folder whose name is not UTF-8 (a byte 0xFF): printed escaped, never an encoding error."""
    os.rename(os.fsencode(root / "data/cases/east-west"), os.fsencode(root / "data/cases") + b"/east-\xffwest")


def _huge_term(root: Path) -> None:
    """One search term of 100,000 CJK characters: looked for on every page and sent to every reader."""
    (root / "data/search.yaml").write_text("terms:\n  - 劳务协作\n  - " + "劳" * 100_000 + "\n", encoding="utf-8")


def _huge_title(root: Path) -> None:
    """A case title of 900,000 characters, within the file size limit: charts would lay it out for minutes."""
    text = (root / CASE).read_text(encoding="utf-8")
    (root / CASE).write_text(text.replace("en: East–West cooperation", "en: " + "x" * 900_000), encoding="utf-8")


GENERATED = {
    "huge-figures-csv-20mb": (_huge_csv, [(FIGS, 1, "(file)", "the file is 20.0 MB; casegen reads files of at most 2 MB")]),
    "huge-register-100k-entries": (_huge_register, [("data/regions.yaml", 1, "(file)", "casegen reads files of at most 1 MB")]),
    "yaml-100k-values": (_many_values, [("data/search.yaml", 1, "(yaml)", "the file has more than 50,000 values")]),
    "yaml-100k-nesting": (_deep_nesting, [("data/search.yaml", 1, "(yaml)", "nested more than 50 levels deep")]),
    "csv-5001-rows": (_many_rows, [(FIGS, 5002, "(row)", "the file has more than 5,000 figures")]),
    "csv-3000-rows": (_big_but_fine, []),
    "csv-huge-cell": (_huge_cell, [(FIGS, 7, "(row)", "field larger than field limit")]),
    "file-is-a-folder": (_folder_for_file, [(FIGS, 1, "(file)", "cannot read the file: it is a folder")]),
    "file-is-a-device": (_device_for_file, [("data/units.yaml", 1, "(file)", "cannot read the file: it is not a regular file")]),
    # 1. links and special files: refused without being read, nothing they hold in a message
    "symlink-to-proc-environ": (_link_figures_to("/proc/self/environ"), [
        (FIGS, 1, "(file)", "cannot read the file: it is a symbolic link to a place outside data/")]),
    "symlink-to-etc-passwd": (_link_figures_to("/etc/passwd"), [
        (FIGS, 1, "(file)", "cannot read the file: it is a symbolic link to a place outside data/")]),
    "symlink-register-to-etc-passwd": (_link_register_to_passwd, [
        (SRCS, 1, "(file)", "cannot read the file: it is a symbolic link to a place outside data/")]),
    "symlink-case-folder-outside": (_case_folder_linked_from_outside, [
        ("data/cases/east-west", 1, "(folder)", "cannot read the folder: it is a symbolic link to a place outside data/")]),
    "symlink-case-folder-inside": (_case_folder_linked_inside, [
        ("data/cases/west-east", 1, "(folder)",
         "cannot read the folder: it is a symbolic link; casegen reads case and practice folders only as real folders")]),
    "symlink-cases-folder": (_cases_folder_linked, [
        ("data/cases", 1, "(folder)", "cannot read the folder: it is a symbolic link to a place outside data/")]),
    "symlink-inside-data": (_figures_linked_inside, []),
    "symlink-dangling": (_dangling_link, [
        ("data/units.yaml", 1, "(file)", "it is a symbolic link to something that does not exist")]),
    "symlink-loop": (_link_loop, [("data/mechanisms.yaml", 1, "(file)", "it is a symbolic link that leads to itself")]),
    "fifo-for-file": (_fifo_for_file, [(FIGS, 1, "(file)", "cannot read the file: it is not a regular file but a named pipe")]),
    "stray-device-in-data": (_stray_device, [
        ("data/notes.yaml", 1, "(file)", "cannot read the file: it is not a regular file but a device")]),
    "folder-named-yaml": (_folder_named_yaml, [("data/notes.yaml", 1, "(folder)", "it is named like a YAML file")]),
    "huge-stray-yaml": (_huge_stray_yaml, [("data/notes.yaml", 1, "(file)", "the file is 5.6 MB; casegen reads files of at most 1 MB")]),
    # 2. length limits
    "term-100k-cjk": (_huge_term, [
        ("data/search.yaml", 3, "terms.1", "a search term may have at most 24 characters; this one has 100,000")]),
    "title-900k-chars": (_huge_title, [(CASE, 1, "title.en", "a title may have at most 300 characters; this one has 900,000")]),
    # 3. and 4. slugs: the whole name is checked (no trailing newline), escaped in messages, at most 60 characters
    "slug-trailing-newline": (_rename_case("east-west\n"), [
        ("data/cases/east-west\\n", 1, "(slug)", "'east-west\\n' is not a safe slug")]),
    "slug-bidi-override": (_rename_case("east\u202ewest"), [
        ("data/cases/east\\u202ewest", 1, "(slug)", "'east\\u202ewest' is not a safe slug")]),
    "slug-not-utf8": (_undecodable_folder_name, [
        ("data/cases/east-\\udcffwest", 1, "(slug)", "'east-\\udcffwest' is not a safe slug")]),
    "slug-250-chars": (_rename_case("a" * 250), [
        (f"data/cases/{'a' * 250}", 1, "(slug)", "a slug may have at most 60 characters; this one has 250")]),
}
VALID = sorted([name for name, expected in CORPUS.items() if not any(len(e) == 4 for e in expected)] +
               [name for name, (_, expected) in GENERATED.items() if not any(len(e) == 4 for e in expected)])


def project(tmp_path: Path, name: str) -> Path:
    """A copy of the minimal library with the corpus case ``name`` laid over it."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    if name in GENERATED:
        GENERATED[name][0](root)
        return root
    overlay = CORPUS_DIR / name
    for path in sorted(overlay.rglob("*")):
        if path.is_file() and path.name != "DELETE":
            dest = root / path.relative_to(overlay)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    if (overlay / "DELETE").exists():
        for rel in (overlay / "DELETE").read_text(encoding="utf-8").split():
            (root / rel).unlink()
    return root


def expected(name: str) -> list[tuple]:
    return CORPUS[name] if name in CORPUS else GENERATED[name][1]


ALL = sorted(CORPUS) + sorted(GENERATED)


def test_every_corpus_folder_has_its_expected_problems_listed():
    assert sorted(p.name for p in CORPUS_DIR.iterdir() if p.is_dir()) == sorted(CORPUS)


@pytest.mark.parametrize("name", ALL)
def test_each_input_gets_exactly_its_problems(tmp_path, name):
    root = project(tmp_path, name)
    started = time.monotonic()
    lib, problems = load_library(root / "data")
    problems = sorted(problems + check(lib))
    assert time.monotonic() - started < 10, f"{name}: validation took {time.monotonic() - started:.1f} s"
    got = [(p.path, p.line, p.field) for p in problems]
    assert got == [tuple(e[:3]) for e in expected(name)], "\n".join(map(str, problems))
    for p, (_, _, _, message, *severity) in zip(problems, expected(name)):
        assert message in p.message, str(p)
        assert p.severity == (severity[0] if severity else "error"), str(p)
        mark = "warning: " if severity else ""
        assert str(p).startswith(f"{p.path}:{p.line}: {p.field}: {mark}{p.message}")
        assert p.hint, f"{p} has no hint"
        assert len(p.message) <= 200 and "\n" not in str(p).split("\n    hint: ")[0], str(p)


LOCK = "build/.lock"  # the build's lock file (build.build_lock): not output, it may stay


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("build", "site") if (root / folder).exists()
            for p in sorted((root / folder).rglob("*")) if p.is_file() and p.relative_to(root).as_posix() != LOCK}


def previous_output(root: Path) -> dict[str, bytes]:
    """Stand-ins for the previous build: they must come through a failed build byte for byte."""
    for rel, text in {"site/index.html": "<h1>previous site</h1>", "site/en/index.html": "<h1>previous</h1>",
                      "build/docs/index.md": "# previous pages\n", "build/docs/index.en.md": "# previous\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return snapshot(root)


@pytest.mark.parametrize("name", [n for n in ALL if n not in VALID])
def test_a_failed_build_reports_every_problem_and_writes_nothing(tmp_path, name):
    root = project(tmp_path, name)
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    before = previous_output(root)
    result = CliRunner().invoke(main, ["--root", str(root), "build"])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exc_info
    lines = result.stderr.splitlines()
    for path, line, field, message, *_ in expected(name):
        assert any(text.startswith(f"{path}:{line}: {field}: ") and message in text for text in lines), \
            (path, line, field, result.stderr)
    assert "nothing was written" in result.stderr
    assert snapshot(root) == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(("site.", "build."))]
    assert not [p.name for p in (root / "build").iterdir() if p.name not in ("docs", ".lock")]


# In a real process: exit status 1 and no traceback, also where the interpreter itself could crash.
@pytest.mark.parametrize("name", ["yaml-100k-nesting", "yaml-alias-bomb", "huge-figures-csv-20mb", "encoding-gbk-csv",
                                  "yaml-python-tag", "csv-nul-byte", "symlink-to-proc-environ", "fifo-for-file",
                                  "term-100k-cjk", "slug-trailing-newline", "slug-not-utf8", "number-1e308-in-wanren"])
def test_the_command_line_exits_with_1_and_no_traceback(tmp_path, name):
    root = project(tmp_path, name)
    result = subprocess.run([sys.executable, "-m", "casegen.cli", "--root", str(root), "validate"],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "CASEGEN_TEST_SECRET": SECRET})
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    assert SECRET not in result.stderr
    path, line, field, message, *_ = expected(name)[0]
    assert f"{path}:{line}: {field}: " in result.stderr and message in result.stderr


SECRET = "hunter2-do-not-print-me"


@pytest.mark.parametrize("name", [n for n in GENERATED if n.startswith("symlink-")] + ["stray-device-in-data"])
def test_no_message_leaks_what_a_file_holds(tmp_path, name):
    """What a linked file holds (the environment, /etc/passwd) is in no message, hint or field."""
    root = project(tmp_path, name)
    lib, problems = load_library(root / "data")
    text = "\n".join(str(p) for p in problems + check(lib))
    secrets = [v for v in os.environ.values() if len(v) >= 12] + ["root:x:0:0", "/bin/bash", "/usr/sbin/nologin"]
    assert not [s for s in secrets if s in text], text


def test_only_warnings_pass_validate_with_exit_0_and_print_them(tmp_path):
    root = project(tmp_path, "formula-cells")
    result = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(lines) == len(expected("formula-cells")), result.stderr
    assert lines[0].startswith(f"{FIGS}:7: locator: warning: the text starts with '='")


def test_warnings_come_with_the_errors_and_are_marked_in_json(tmp_path):
    root = project(tmp_path, "formula-cells")
    (root / "data/units.yaml").write_text("- {id: 人, zh: 人, en: people, dimension: people, factor: 0}\n",
                                          encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "validate", "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    severities = {(p["field"], p["severity"]) for p in problems}
    assert ("unit[人].factor", "error") in severities and ("locator", "warning") in severities


# --- valid input: it builds, and hostile text comes out as text -------------------------------------------

# text-hostile-within-limits is built below; csv-3000-rows is about the loader's limits (it validates above)
@pytest.mark.parametrize("name", [n for n in VALID if n not in ("text-hostile-within-limits", "csv-3000-rows")])
def test_valid_corpus_input_renders(tmp_path, name):
    from casegen import charts
    from casegen.render import render_site

    root = project(tmp_path, name)
    lib, problems = load_library(root / "data")
    assert not [p for p in problems + check(lib) if p.is_error]
    cache, charts.CACHE = charts.CACHE, tmp_path / "chart-cache"
    try:
        pages = render_site(lib)
    finally:
        charts.CACHE = cache
    assert "cases/east-west/index.md" in pages


HOSTILE = json.loads((CORPUS_DIR / "text-hostile-everywhere" / "data/search.yaml").read_text(encoding="utf-8")
                     .removeprefix("terms: [").removesuffix("]\n"))
# text-hostile-within-limits keeps HOSTILE in its texts and notes, and has this shorter one in names, titles and
# locators, whose limits are lower
HOSTILE_SHORT = json.loads(next(line for line in (CORPUS_DIR / "text-hostile-within-limits" / "data/regions.yaml")
                                .read_text(encoding="utf-8").splitlines() if "china" in line)
                           .split("zh: ", 1)[1].split(", en: ")[0])


class _Page(HTMLParser):
    """What a page would do: elements and attributes that editor text could have created, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.active: list[str] = []
        self.text: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.active.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "data") and value and \
                    re.match(r"\s*(javascript|data|vbscript):", value, re.I) and not value.startswith("data:image/"):
                self.active.append(f"<{tag} {name}={value[:40]}>")
        if tag == "img" and attrs.get("src") in ("x", "x.png"):
            self.active.append("<img> from the text")
        if "cls" in (attrs.get("class") or "").split():
            self.active.append(f"<{tag} class=cls> from attr_list")
        if tag in ("strong", "em", "code") or tag.startswith("h"):
            self.text.append(f"<{tag}>")

    def handle_endtag(self, tag):
        self._tag = ""

    def handle_data(self, data):
        if self._tag == "script" and "alert" in data:
            self.active.append("<script> with alert")
        self.text.append(data)


def test_hostile_text_builds_and_renders_inert(tmp_path, monkeypatch):
    from casegen.build import build

    root = project(tmp_path, "text-hostile-within-limits")
    copy_site_files(ROOT, root)
    monkeypatch.setenv("CASEGEN_NO_PDF", "1")  # the handouts print these pages; the pages are what is checked
    build(root)
    site = root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    squeezed = " ".join(HOSTILE.split())
    squeezed_short = " ".join(HOSTILE_SHORT.split())
    seen_whole = seen_short = 0
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        parsed = _Page()
        parsed.feed(doc)
        rel = page.relative_to(site).as_posix()
        assert not parsed.active, (rel, parsed.active)
        text = " ".join("".join(parsed.text).split())
        assert "<strong>bold" not in text and "<em>em" not in text and "<code>code" not in text, rel
        seen_whole += text.count(squeezed)
        seen_short += text.count(squeezed_short)
    # the whole strings, as text: the long one in the story, notes and lists (40 times), the short one in titles,
    # names, cells, captions … (200 times)
    assert seen_whole > 20 and seen_short > 50
    case_page = " ".join("".join(_feed(site / "en/cases/east-west/index.html").text).split())
    for fragment in ('<script>alert("x")</script>', "[link](javascript:alert(3))", "{{ 7*7 }}", "{% if 1 %}",
                     '{: .cls onclick="alert(4)" }', "x]: javascript:alert(5) [TOC]", "# heading", "```",
                     '!!! danger "admonition"', '??? note "details"', "- item", "indented code"):
        assert fragment in case_page, fragment
    # block Markdown in the prose stays text (tests/test_prose.py has every construct): no code block but the
    # citation boxes, no admonition but the flags' warnings
    case_html = (site / "en/cases/east-west/index.html").read_text(encoding="utf-8")
    assert case_html.count("<pre") == case_html.count('<pre class="cg-cite"') and "admonition danger" not in case_html
    for svg in site.rglob("*.svg"):
        dom = xml.dom.minidom.parse(str(svg))  # well-formed: the text is escaped
        assert not dom.getElementsByTagName("script") and not dom.getElementsByTagName("foreignObject"), svg
        handlers = [(e.tagName, name) for e in dom.getElementsByTagName("*") for name in e.attributes.keys()
                    if name.lower().startswith("on")]
        assert not handlers, (svg, handlers)
    for index in [*(site / "search").rglob("*.json"), *(site / "en/search").rglob("*.json")]:
        text = index.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, index


def _feed(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed
