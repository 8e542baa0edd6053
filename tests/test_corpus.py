"""A corpus of broken and hostile input: each gets exactly the problems listed, as path:line: field: message.

tests/corpus/<name>/ holds the files that differ from tests/fixtures/minimal (same paths; a DELETE file lists
paths to remove). The huge, binary and special-file cases are generated at test time (GENERATED below).
For every case the full list of problems must be the one in the table: the same file, line and field,
and a message containing the text given. None may raise: the command line exits with 1 (never a
traceback, never 2 or a crash), and a failed `casegen build` leaves build/docs/ and site/ as they were.

The cases whose list is empty are valid input: a blank CSV row, a header with no figures yet, a byte-order
mark, and text-hostile-everywhere, where every text field holds HTML, <script>, Markdown and Jinja. They
must build, and the hostile text must come out as text (test_hostile_text_builds_and_renders_inert).
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

# name -> every problem it must get: (path, line, field, a part of the message). Sorted as casegen sorts them.
CORPUS = {
    'csv-nul-byte': [(FIGS, 7, 'locator', 'the text contains the control character U+0000')],
    'csv-only-commas': [],
    'csv-ragged-row': [(FIGS, 7, '(row)', 'the row has 15 cells but the header has 16')],
    'csv-unclosed-quote': [
        (FIGS, 7, '(row)', 'a quoted cell runs from line 7 to line 8: a double quote is not closed'),
    ],
    'csv-unknown-column': [
        (FIGS, 1, 'locater', "unknown column 'locater'"),
        (FIGS, 1, 'locator', "required column 'locator' is missing"),
    ],
    'csv-unknown-enum': [(FIGS, 7, 'qualifier', "Input should be '', 'about', 'over' or 'under'")],
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
    'header-only-figures-csv': [],
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
    'misspelt-field': [(CASE, 1, 'lessons', 'Field required'), (CASE, 12, 'lesons', "unknown field 'lesons'")],
    'number-exponent': [(FIGS, 7, 'value', "'1e5' is not a plain number")],
    'number-fullwidth-digits': [(FIGS, 7, 'value', "'１２００' is not a plain number")],
    'number-infinity': [(FIGS, 7, 'value', "'inf' is not a plain number")],
    'number-nan': [(FIGS, 7, 'value', "'NaN' is not a plain number")],
    'number-negative-count': [(FIGS, 7, 'value', 'negative count -5')],
    'number-overflow': [(FIGS, 7, 'value', 'the value is not a finite number')],
    'number-thousands-separator': [(FIGS, 7, 'value', "'1,200' is not a plain number")],
    'number-with-unit': [(FIGS, 7, 'value', "'12万' is not a plain number")],
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
    'text-hostile-everywhere': [],
    'type-boolean-for-text': [
        (CASE, 11, 'results.en', 'Input should be a valid string'),
        (CASE, 11, 'results.zh', 'Input should be a valid string'),
    ],
    'type-enum-misspelt': [(CASE, 2, 'level', "Input should be 'province', 'city' or 'county'")],
    'type-factor-infinite': [('data/units.yaml', 2, 'unit[万人].factor', 'Input should be a finite number')],
    'type-factor-zero': [('data/units.yaml', 2, 'unit[万人].factor', 'Input should be greater than 0')],
    'type-list-expected': [(CASE, 6, 'sources', 'Input should be a valid list')],
    'type-mapping-expected': [(CASE, 1, 'title', 'Input should be a valid dictionary or instance of Text')],
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
}
VALID = sorted([name for name, expected in CORPUS.items() if not expected] +
               [name for name, (_, expected) in GENERATED.items() if not expected])


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
    assert got == [(path, line, field) for path, line, field, _ in expected(name)], "\n".join(map(str, problems))
    for p, (_, _, _, message) in zip(problems, expected(name)):
        assert message in p.message, str(p)
        assert str(p).startswith(f"{p.path}:{p.line}: {p.field}: {p.message}")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("build", "site") if (root / folder).exists()
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


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
    for path, line, field, message in expected(name):
        assert any(text.startswith(f"{path}:{line}: {field}: ") and message in text for text in lines), \
            (path, line, field, result.stderr)
    assert "nothing was written" in result.stderr
    assert snapshot(root) == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(("site.", "build."))]
    assert not [p.name for p in (root / "build").iterdir() if p.name != "docs"]


# In a real process: exit status 1 and no traceback, also where the interpreter itself could crash.
@pytest.mark.parametrize("name", ["yaml-100k-nesting", "yaml-alias-bomb", "huge-figures-csv-20mb", "encoding-gbk-csv",
                                  "yaml-python-tag", "csv-nul-byte"])
def test_the_command_line_exits_with_1_and_no_traceback(tmp_path, name):
    root = project(tmp_path, name)
    result = subprocess.run([sys.executable, "-m", "casegen.cli", "--root", str(root), "validate"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    path, line, field, message = expected(name)[0]
    assert f"{path}:{line}: {field}: " in result.stderr and message in result.stderr


# --- valid input: it builds, and hostile text comes out as text -------------------------------------------

# text-hostile-everywhere is built below; csv-3000-rows is about the loader's limits (it validates above)
@pytest.mark.parametrize("name", [n for n in VALID if n not in ("text-hostile-everywhere", "csv-3000-rows")])
def test_valid_corpus_input_renders(tmp_path, name):
    from casegen import charts
    from casegen.render import render_site

    root = project(tmp_path, name)
    lib, problems = load_library(root / "data")
    assert not problems + check(lib)
    cache, charts.CACHE = charts.CACHE, tmp_path / "chart-cache"
    try:
        pages = render_site(lib)
    finally:
        charts.CACHE = cache
    assert "cases/east-west/index.md" in pages


HOSTILE = json.loads((CORPUS_DIR / "text-hostile-everywhere" / "data/search.yaml").read_text(encoding="utf-8")
                     .removeprefix("terms: [").removesuffix("]\n"))


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

    root = project(tmp_path, "text-hostile-everywhere")
    copy_site_files(ROOT, root)
    monkeypatch.setenv("CASEGEN_NO_PDF", "1")  # the handouts print these pages; the pages are what is checked
    build(root)
    site = root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    squeezed = " ".join(HOSTILE.split())
    seen_whole = 0
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        parsed = _Page()
        parsed.feed(doc)
        rel = page.relative_to(site).as_posix()
        assert not parsed.active, (rel, parsed.active)
        text = " ".join("".join(parsed.text).split())
        assert "<strong>bold" not in text and "<em>em" not in text and "<code>code" not in text, rel
        seen_whole += text.count(squeezed)
    assert seen_whole > 50  # the whole string, as text, in titles, cells, lists, captions …
    case_page = " ".join("".join(_feed(site / "en/cases/east-west/index.html").text).split())
    for fragment in ('<script>alert("x")</script>', "[link](javascript:alert(3))", "{{ 7*7 }}", "{% if 1 %}",
                     '{: .cls onclick="alert(4)" }', "x]: javascript:alert(5) [TOC]", "# heading", "```"):
        assert fragment in case_page, fragment
    for svg in site.rglob("*.svg"):
        dom = xml.dom.minidom.parse(str(svg))  # well-formed: the text is escaped
        assert not dom.getElementsByTagName("script") and not dom.getElementsByTagName("foreignObject"), svg
        handlers = [(e.tagName, name) for e in dom.getElementsByTagName("*") for name in e.attributes.keys()
                    if name.lower().startswith("on")]
        assert not handlers, (svg, handlers)
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "<script>alert" not in index and "<img src=x" not in index


def _feed(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed
