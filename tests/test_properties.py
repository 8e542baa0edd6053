"""Property-based tests (hypothesis): any editor text stays text, any figure table is reported or rendered.

1. Whatever an editor types reaches the page as the same text and never as markup. Each escaping
   function of casegen.text is rendered by Python-Markdown with the site's own extensions (read from
   mkdocs.yml) in every kind of place a template puts it; the HTML must have exactly the tags and
   attributes it has for a plain word, and its text must be the input (whitespace runs shown as one
   space, control characters dropped: the loader reports those, see tests/test_corpus.py).
2. Whatever figures.csv holds, load + validate + render never raise: either every problem comes with
   a path, a line and a field, or render_site renders the library.

Deterministic (derandomize) and without deadlines, so a slow machine or CI gives the same verdict.
"""

from __future__ import annotations

import csv
import html
import importlib
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from casegen import locators, text
from casegen.load import load_library
from casegen.models import FIGURE_COLUMNS, FLAGS
from casegen.validate import check
from conftest import MINIMAL, ROOT

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# --- the site's Markdown ---------------------------------------------------------------------------------

class _MkdocsYaml(yaml.SafeLoader):
    """Reads mkdocs.yml: !ENV is ignored, !!python/object/apply builds the slugify function it names."""


def _apply(loader, suffix, node):
    module, _, name = suffix.rpartition(".")
    arguments = loader.construct_mapping(node, deep=True)
    return getattr(importlib.import_module(module), name)(**arguments.get("kwds", {}))


_MkdocsYaml.add_constructor("!ENV", lambda loader, node: None)
_MkdocsYaml.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _apply)


def site_extensions() -> tuple[list[str], dict]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkdocsYaml)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(entry)
    return names, configs


EXTENSIONS, EXTENSION_CONFIGS = site_extensions()
MD = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def test_the_markdown_of_these_tests_is_the_sites():
    wanted = {"tables", "attr_list", "md_in_html", "admonition", "pymdownx.details", "pymdownx.superfences", "toc"}
    assert wanted <= set(EXTENSIONS)
    assert EXTENSION_CONFIGS["toc"]["permalink"] is True  # the ¶ these tests skip


class _Shape(HTMLParser):
    """The tags (with attribute names) and the text of an HTML fragment; Material's permalink ¶ is skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []
        self.text: list[str] = []
        self.alts: list[str] = []
        self._permalink = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        attrs = dict(attrs)
        if tag == "a" and attrs.get("class") == "headerlink":
            self._permalink += 1
        if tag == "img":
            self.alts.append(attrs.get("alt") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag,))
        if tag == "a" and self._permalink:
            self._permalink -= 1

    def handle_data(self, data):
        if not self._permalink:
            self.text.append(data)


def shape(source: str) -> _Shape:
    MD.reset()
    parsed = _Shape()
    parsed.feed(MD.convert(source))
    parsed.close()
    return parsed


OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧ mark where the value starts and ends in the page's text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown(value: str) -> str:
    """What a reader may see of ``value``: control characters dropped, whitespace runs as one space."""
    return " ".join(CONTROL.sub("", value).split())


# Where templates put text.escape output: a paragraph, a table cell, a heading, a list item, a link label
# (alone, in a list, in a cell), and Markdown inside an HTML block (md_in_html).
ESCAPE_PLACES = {
    "paragraph": "{}\n",
    "table cell": "| a | b |\n|---|---|\n| {} | x |\n",
    "heading": "## {}\n",
    "list item": "- **k**: {}\n",
    "link label": "[{}](page.md)\n",
    "link in a list": "- [{}](page.md)\n",
    "link in a cell": "| a | b |\n|---|---|\n| [{}](page.md) | x |\n",
    "md_in_html": '<div class="cg-figures" markdown>\n\n## h\n\n{}\n\n</div>\n',
}

# Where text.html_attr output goes: a figure of raw HTML (alt and caption), a details title, a <pre>.
ATTR_PLACES = {
    "figure": '<figure class="cg-chart" markdown="0">\n<img src="a.svg" alt="{}">\n<figcaption>{}</figcaption>\n'
              "</figure>\n",
    "details title": '??? note "{}"\n\n    | a |\n    |---|\n    | b |\n',
    "pre": '<pre class="cg-cite"><code>{}</code></pre>\n',
}

SPECIAL = list("<>&\"'`*_{}[]()#+-.!|\\:;=~^%$@/ \t\n\r\u2028\x85\x00\x02\x03") + ["&amp;", "&#x27;", "]:",
                                                                                  "[TOC]", "{{", "}}", "{%", "%}",
                                                                                  "-->", "<!--", "javascript:"]
editor_text = st.one_of(st.text(), st.lists(st.sampled_from(SPECIAL) | st.text(max_size=3)).map("".join)).filter(
    lambda v: v.strip() and OPEN not in v and CLOSE not in v)

HOSTILE_EXAMPLES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[l](javascript:alert(1))", "x]: javascript:alert(1)",
    "[TOC]", "{: .c onclick=\"a\" }", '<div markdown="1">*m*</div>', "{{ 7*7 }} {% if 1 %}J{% endif %}",
    "# h\n\n    code\n\n- item", "a\r\rb", "!!! note\n    x", "??? note \"t\"", "| a | b |", "&amp; &#x27; &lt;",
    "**b** _e_ `c` ~~s~~", "<!-- x -->", "a\\", "\\[x\\]",
]


def _check_escape_places(value: str) -> None:
    for place, template in ESCAPE_PLACES.items():
        plain = shape(template.format(f"{OPEN}x{CLOSE}"))
        page = shape(template.format(f"{OPEN}{text.escape(value)}{CLOSE}"))
        assert page.tags == plain.tags, f"{place}: {value!r} changed the page's tags"
        seen = "".join(page.text)
        assert shown(seen[seen.index(OPEN) + 1:seen.rindex(CLOSE)]) == shown(value), place


@pytest.mark.parametrize("value", HOSTILE_EXAMPLES)
def test_hostile_text_renders_as_the_same_text_and_no_markup(value):
    _check_escape_places(value)


# Where the text itself starts a line or a list item (no marker before it): what it starts with decides the
# block, so "1. ", "- ", "+ ", "(", "---" and the like must be made inert there, and only there (text.escape
# leaves "-", "+", ".", "(" and ")" bare elsewhere). The text before the value, as a reader sees it.
LINE_START_PLACES = {
    "paragraph": ("", "{}\n"),
    "list item": ("", "- {}\n"),
    "after a line": ("a ", "a\n{}\n"),
    "heading": ("", "## {}\n"),
}
LINE_START_EXAMPLES = ["1. one", "12) twelve", " 3. three", "1.5 万人", "- item", "+ item", "* item", "---", "===",
                       "(a) b", "-3.2", ".5", "!!! note", "![i](x.png)", "x![i](x.png)", "# h", "> q", "1\\. x",
                       "2020. year", "a. b", "- - x", "1. - x"]


def _check_line_start_places(value: str) -> None:
    if not shown(value):
        return  # nothing a reader sees (control characters): an empty line, not a paragraph
    for place, (before, template) in LINE_START_PLACES.items():
        plain = shape(template.format("x"))
        page = shape(template.format(text.escape(value)))
        assert page.tags == plain.tags, f"{place}: {value!r} changed the page's tags"
        assert shown("".join(page.text)) == shown(before + value), place


@pytest.mark.parametrize("value", LINE_START_EXAMPLES + HOSTILE_EXAMPLES)
def test_text_that_starts_a_line_stays_text(value):
    _check_line_start_places(value)


@SETTINGS
@given(editor_text)
def test_any_text_that_starts_a_line_stays_text(value):
    _check_line_start_places(value)


@SETTINGS
@given(editor_text, st.integers(0, 40), st.integers(1, 40))
@example("a!b", 2, 1)
@example("1. a", 3, 1)
def test_linked_text_has_its_links_and_no_other_markup(value, start, length):
    """text.linked: the text around a linked stretch is escaped on its own (a "!" just before the link must not
    make it an image, a "1. " must not make a list)."""
    if not shown(value):
        return
    end = min(start + length, len(value))
    linked = text.linked(value, [(start, end, "a")])
    labelled = start < end and text.escape(value[start:end]).strip()
    for place, (before, template) in LINE_START_PLACES.items():
        page = shape(template.format(linked))
        plain = shape(template.format("x[y](#a)z" if labelled else "x"))
        assert [t for t in page.tags if t[0] not in ("a", "/a")] == [t for t in plain.tags if t[0] not in ("a", "/a")], place
        assert page.tags.count(("a", ("href",))) == (1 if labelled else 0), place
        assert shown("".join(page.text)) == shown(before + value), place


@SETTINGS
@given(editor_text)
def test_escaped_text_renders_as_the_same_text_and_no_markup(value):
    _check_escape_places(value)


@SETTINGS
@given(editor_text)
@example("</code></pre><script>alert(1)</script>")
@example('" onerror="alert(1)')
@example("a\n\n# heading\n\n    code")
def test_html_attribute_text_renders_as_the_same_text_and_no_markup(value):
    for place, template in ATTR_PLACES.items():
        n = template.count("{}")
        plain = shape(template.format(*[f"{OPEN}x{CLOSE}"] * n))
        page = shape(template.format(*[f"{OPEN}{text.html_attr(value)}{CLOSE}"] * n))
        assert page.tags == plain.tags, f"{place}: {value!r} changed the page's tags"
        seen = "".join(page.text)
        assert shown(seen[seen.index(OPEN) + 1:seen.index(CLOSE)]) == shown(value), place
        for alt in page.alts:
            assert shown(alt[1:-1]) == shown(value), place


@SETTINGS
@given(editor_text)
def test_front_matter_strings_read_back_as_the_escaped_text(value):
    loaded = yaml.safe_load("title: " + text.yaml_string(value))["title"]
    assert loaded == html.escape(CONTROL.sub("", value), quote=True)  # the description is an attribute value


# --- arbitrary figure tables -------------------------------------------------------------------------------

# The minimal library's registers, so that many rows are valid and reach the renderer; the rest of the
# time anything at all.
VOCABULARY = {
    "metric": ["workers", "workers_poor", "workers_other", "funds"],
    "unit": ["人", "万人", "个", "万元"],
    "qualifier": ["", "about", "over", "under"],
    "scope": ["west-prov", "east-prov", "china"],
    "series": ["", "actual", "target", "expected", "plan"],
    "category": ["", "group-a"],
    "source": ["src"],
    "flag": ["", *FLAGS],
}
dates = st.builds(lambda y, m, d, n: ["", f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}"][n],
                  st.integers(0, 2100), st.integers(0, 13), st.integers(0, 32), st.integers(0, 3))
numbers = st.one_of(
    st.integers(-10**6, 10**12).map(str),
    st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False).map(lambda d: format(d, "f")),
    st.sampled_from(["0", "-0", "0.0", "1.2", "00012", "1e5", ".5", "5.", "1,200", "１２", "NaN", "inf", "-",
                     "9" * 300, "9" * 400, "1" + "0" * 30, "0.000000001", "7000", "12000"]),
)


def cell(column: str):
    anything = st.text(max_size=12)
    if column == "value":
        return st.one_of(numbers, numbers, anything)
    if column in ("start", "end"):
        return st.one_of(dates, dates, anything)
    if column in VOCABULARY:
        return st.one_of(*[st.sampled_from(VOCABULARY[column])] * 4, anything)
    if column == "locator":
        return st.one_of(st.just("para 1"), st.text(min_size=1), st.sampled_from(HOSTILE_EXAMPLES))
    return st.one_of(st.just(""), st.just(""), st.text(), st.sampled_from(HOSTILE_EXAMPLES))  # notes, flag texts


any_row = st.fixed_dictionaries({column: cell(column) for column in FIGURE_COLUMNS})

# Rows that pass the schema, so that tables reach the renderer: units that fit their metric, real
# dates, notes and flag texts in both languages or neither, any printable text. Consistency rules (a
# sub-item above its total, parts that do not add up) still reject some tables: those are reported.
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
real_dates = st.builds(lambda y, m, d, n: [f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"][n],
                       st.integers(1990, 2018), st.integers(1, 12), st.integers(1, 28), st.integers(0, 2))
valid_numbers = st.one_of(st.integers(0, 10**9).map(str),
                          st.decimals(min_value=0, max_value=10**7, places=2).map(lambda d: format(d, "f")),
                          st.sampled_from(["0", "1.2", "00012", "9" * 300, "0.000000001", "7000"]))
both_or_neither = st.one_of(st.just(("", "")), st.tuples(printable.filter(str.strip), printable.filter(str.strip)))


@st.composite
def valid_row(draw) -> dict:
    metric = draw(st.sampled_from(VOCABULARY["metric"]))
    start, end = sorted([draw(real_dates), draw(real_dates)], key=lambda d: d.ljust(10, "0"))
    note, flag_text = draw(both_or_neither), draw(both_or_neither)
    return {
        "metric": metric,
        "value": draw(st.one_of(valid_numbers, st.just("-592.4"))) if metric == "funds" else draw(valid_numbers),
        "unit": "万元" if metric == "funds" else draw(st.sampled_from(["人", "万人"])),
        "qualifier": draw(st.sampled_from(VOCABULARY["qualifier"])),
        "start": draw(st.sampled_from(["", start])), "end": end,
        "scope": draw(st.sampled_from(VOCABULARY["scope"])),
        "series": draw(st.sampled_from(VOCABULARY["series"])),
        "category": draw(st.sampled_from(VOCABULARY["category"])),
        "source": "src",
        "locator": draw(st.one_of(st.just("para 1"), printable.filter(str.strip), st.sampled_from(HOSTILE_EXAMPLES))),
        "note_zh": note[0], "note_en": note[1],
        "flag": draw(st.sampled_from(VOCABULARY["flag"][1:])) if flag_text[0] else "",
        "flag_zh": flag_text[0], "flag_en": flag_text[1], "flag_group": "",
    }


def _key(r: dict) -> tuple:
    return tuple(r[c] for c in ("metric", "scope", "series", "category", "start", "end", "source"))


valid_rows = st.lists(valid_row(), max_size=12, unique_by=_key)
tables = st.tuples(st.one_of(valid_rows, valid_rows, valid_rows, st.lists(any_row, max_size=12)),
                   st.sampled_from(["header"] * 6 + ["no-header", "shuffled", "raw"]),
                   st.text(max_size=60), st.randoms(use_true_random=False))


def figures_csv(rows: list[dict], variant: str, raw: str, rnd) -> str:
    columns = list(FIGURE_COLUMNS)
    if variant == "shuffled":
        rnd.shuffle(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if variant != "no-header":
        writer.writerow(columns)
    writer.writerows([[r[c] for c in columns] for r in rows])
    return out.getvalue() + (raw if variant == "raw" else "")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp("property") / "project"
    shutil.copytree(MINIMAL, root)
    return root


def render_or_report(scratch: Path, cache_dir: Path, table) -> bool:
    """Write the table as figures.csv, load, validate and render; True when it was rendered."""
    from casegen import charts
    from casegen.render import render_site

    rows, variant, raw, rnd = table
    text_ = figures_csv(rows, variant, raw, rnd)
    (scratch / "data" / "cases" / "east-west" / "figures.csv").write_text(text_, encoding="utf-8")
    lib, problems = load_library(scratch / "data")
    problems += check(lib)
    n_lines = len(re.split(r"\r\n|\r|\n", text_))  # lines as the csv module counts them (and editors show them)
    for p in problems:
        assert p.path.endswith("data/cases/east-west/figures.csv"), str(p)
        assert 1 <= p.line <= n_lines and p.field and p.message, str(p)
    if problems:
        return False
    cache, charts.CACHE = charts.CACHE, cache_dir
    try:
        pages = render_site(lib)
    finally:
        charts.CACHE = cache
    assert "cases/east-west/index.md" in pages and "cases/east-west/data.en.md" in pages
    for r in rows:
        # every row's locator is on the English data page, as escaped text (the source's Chinese marked as such)
        assert locators.en(r["locator"].strip()) in pages["cases/east-west/data.en.md"]
    return True


def test_any_figure_table_is_reported_or_rendered(scratch, tmp_path_factory):
    cache_dir = Path(tmp_path_factory.getbasetemp()) / "property-chart-cache"
    rendered: list[int] = []

    @settings(SETTINGS, max_examples=100)
    @given(tables)
    def run(table):
        if render_or_report(scratch, cache_dir, table):
            rendered.append(len(table[0]))
            event(f"rendered ({min(len(table[0]), 5)}{'+' if len(table[0]) >= 5 else ''} rows)")
        else:
            event("reported")

    run()
    # the strategy is no use if the tables never reach the renderer
    assert sum(1 for n in rendered if n >= 3) >= 5, rendered


def test_a_negative_actual_beside_a_tiny_target_renders(scratch, tmp_path):
    rows = [dict(zip(FIGURE_COLUMNS, r.split(","))) for r in (
        "funds,0.000000001,万元,,,1990,west-prov,target,group-a,src,para 1,,,,,,",
        "funds,-592.4,万元,,,1990,west-prov,,group-a,src,para 1,,,,,,")]
    assert render_or_report(scratch, tmp_path / "cache", (rows, "header", "", None))
