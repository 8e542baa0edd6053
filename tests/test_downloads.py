"""Downloads: per-case CSV and JSON, citations, and a data package that Frictionless accepts."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from frictionless import Package

from casegen.cite import bib_escape, cite
from casegen.downloads import (FIGURE_FIELDS, NUMBER_COLUMNS, REGISTERS, WORKBOOK, case_csv, case_json, data_package,
                                spreadsheet_text, workbook)
from casegen.load import load_library
from casegen.validate import check, validate
from conftest import ROOT


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


def test_case_csv_has_every_figure_with_its_source_and_locator(lib):
    rows = list(csv.DictReader(io.StringIO(case_csv(lib, "longyou-xuyong"))))
    assert len(rows) == len(lib.figures["longyou-xuyong"])
    assert all(r["source"] and r["locator"] and r["metric_en"] for r in rows)
    assert rows[0]["value"] == lib.figures["longyou-xuyong"][0].published_value


def test_case_json_carries_the_sources_it_cites(lib):
    doc = json.loads(case_json(lib, "dongguan-zhaotong"))
    assert {s["id"] for s in doc["sources"]} == {f["source"] for f in doc["figures"]} == {"dongguan-zhaotong-2020"}
    assert doc["license"]["name"] == "CC-BY-4.0"


def test_the_data_package_validates_with_frictionless(lib, tmp_path):
    for name, content in data_package(lib).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    rows = list(csv.DictReader(open(tmp_path / "figures.csv", encoding="utf-8")))
    assert len(rows) == sum(len(v) for v in lib.figures.values())


def test_citations_name_the_stable_url_and_the_date_the_data_changed():
    c = cite("longyou-xuyong", "龙游—叙永劳务协作", "zh", "https://x.org/cases/longyou-xuyong/", "2026-11-20")
    assert c.gbt == ("东西部扶贫劳务协作案例库. 龙游—叙永劳务协作[EB/OL]. (2026-11-20)[引用日期]. "
                     "https://x.org/cases/longyou-xuyong/.")
    assert c.apa == "东西部扶贫劳务协作案例库（2026年11月20日）。龙游—叙永劳务协作。https://x.org/cases/longyou-xuyong/"
    e = cite("longyou-xuyong", "Longyou–Xuyong labour cooperation", "en", "https://x.org/en/cases/longyou-xuyong/",
             "2026-11-20")
    assert e.apa == ("East–West Labour Cooperation Case Library. (2026, November 20). Longyou–Xuyong labour "
                     "cooperation. https://x.org/en/cases/longyou-xuyong/")
    assert "@misc{ewlc-longyou-xuyong-en," in e.bibtex and "year = {2026}" in e.bibtex
    # the note in the page's language, as the rest of the page
    assert "note = {Data last changed 2026-11-20}" in e.bibtex and "note = {数据最后修改：2026-11-20}" in c.bibtex
    csl = json.loads(e.csl)[0]
    assert csl["URL"].endswith("/en/cases/longyou-xuyong/") and csl["issued"]["date-parts"] == [[2026, 11, 20]]


def test_bibtex_escapes_what_tex_would_interpret():
    assert bib_escape("50% & {x}") == r"50\% \& \{x\}"
    c = cite("s", "A_b #1 & {c}", "en", "https://x.org/", None)
    assert r"title = {A\_b \#1 \& \{c\}}" in c.bibtex


# --- spreadsheet formulas stay text ------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-cmd", "@SUM(A1)"]


@pytest.fixture
def formula_lib(minimal):
    """The minimal library with text that a spreadsheet would run, in notes, locators, flags, titles and names,
    and a negative figure."""
    rows = [["funds", "-592.4", "万元", "", "2019", "2019", "west-prov", "actual", "", "src", FORMULAS[0],
             FORMULAS[1], FORMULAS[2], "ambiguous", FORMULAS[3], FORMULAS[0]],
            ["funds", "12", "万元", "", "2017", "2017", "west-prov", "actual", "", "src", "@A1",
             "-1+1", "+x", "", "", ""]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    minimal.append("data/cases/east-west/figures.csv", out.getvalue())
    minimal.replace("data/sources.yaml", "title: {zh: 来源, en: A source}",
                    "title: {zh: '=HYPERLINK(\"http://x\",\"y\")', en: '+1'}")
    minimal.replace("data/sources.yaml", "author_en: Author", "author_en: '@SUM(A1)'")
    minimal.replace("data/sources.yaml", "publisher_en: Publisher", "publisher_en: '-cmd'")
    minimal.replace("data/metrics.yaml", "zh: 资金, en: Funds, unit", "zh: '=1+1', en: '-cmd', unit")
    minimal.replace("data/regions.yaml", "zh: 西省, en: West Province", "zh: 西省, en: '@SUM(A1)'")
    lib, problems = load_library(minimal.data)
    errors = [p for p in problems + check(lib) if p.is_error]  # the validator warns of these texts; they build
    assert not errors, errors
    return lib


def every_csv(lib) -> dict[str, str]:
    files = {name: content for name, content in data_package(lib).items() if name.endswith(".csv")}
    files.update({f"{slug}.csv": case_csv(lib, slug) for slug in lib.stories()})
    return files


def test_no_csv_cell_starts_a_spreadsheet_formula(formula_lib):
    files = every_csv(formula_lib)
    assert {"figures.csv", "sources.csv", "metrics.csv", "regions.csv", "east-west.csv"} <= set(files)
    quoted = set()
    for name, content in files.items():
        header, *rows = csv.reader(io.StringIO(content))
        for row in rows:
            for column, cell in zip(header, row):
                if column in NUMBER_COLUMNS:
                    continue
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, column, cell)
                if cell.startswith("'"):
                    quoted.add(cell[1:])
    assert set(FORMULAS) | {"=1+1", "@A1", "-1+1", "+x"} <= quoted, quoted


def test_text_that_starts_like_a_formula_gets_a_quote():
    for text in [*FORMULAS, "\tx", "\rx", "=", "-"]:
        assert spreadsheet_text(text) == "'" + text
    for text in ["", "x=1", "1-2", "'quoted", " =x", "2019-06", "\u2212592.4", "中文"]:
        assert spreadsheet_text(text) == text


def test_numbers_stay_numbers_in_the_csv(formula_lib):
    for name in ("figures.csv", "east-west.csv"):
        rows = list(csv.DictReader(io.StringIO(every_csv(formula_lib)[name])))
        values = [r["value"] for r in rows]
        assert "-592.4" in values and not [v for v in values if v.startswith("'")], (name, values)
        negative = next(r for r in rows if r["value"] == "-592.4")
        assert negative["locator"] == "'" + FORMULAS[0] and negative["note_en"] == "'-cmd"


def test_the_json_keeps_the_text_as_typed(formula_lib):
    doc = json.loads(case_json(formula_lib, "east-west"))
    negative = next(f for f in doc["figures"] if f["value"] == -592.4)
    assert (negative["locator"], negative["note_zh"], negative["note_en"], negative["flag_zh"]) == \
        (FORMULAS[0], "+1", "-cmd", "@SUM(A1)")
    assert negative["metric_en"] == "-cmd"
    assert doc["sources"][0]["title"] == {"zh": FORMULAS[0], "en": "+1"}
    assert doc["sources"][0]["author_en"] == "@SUM(A1)"


def test_the_neutralised_data_package_still_validates(formula_lib, tmp_path):
    for name, content in data_package(formula_lib).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert "leading '" in package["description"]
    figures = Package(str(tmp_path / "datapackage.json")).get_resource("figures").read_rows()
    assert -592.4 in [float(r["value"]) for r in figures]


# --- Excel and WPS ------------------------------------------------------------------------------------------

def test_every_csv_starts_with_a_byte_order_mark(lib):
    """Excel and WPS on a Chinese Windows read a CSV without one as GBK and garble the Chinese text."""
    files = {name: c for name, c in data_package(lib).items() if name.endswith(".csv")}
    files["longyou-xuyong.csv"] = case_csv(lib, "longyou-xuyong")
    for name, content in files.items():
        data = content.encode("utf-8")
        assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"), name
        header = next(csv.reader(io.StringIO(content.encode("utf-8").decode("utf-8-sig"))))
        assert header[0] in ("case", "id"), (name, header)
    package = json.loads(data_package(lib)["datapackage.json"])
    assert {r["encoding"] for r in package["resources"]} == {"utf-8-sig"}


def test_the_built_site_csvs_start_with_a_byte_order_mark(built_site):
    site = built_site.root / "site"
    for path in [site / "downloads/figures.csv", site / "cases/longyou-xuyong/downloads/longyou-xuyong.csv",
                 site / "en/downloads/sources.csv"]:
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf", path
    assert (site / "downloads" / WORKBOOK).read_bytes() == (site / "en/downloads" / WORKBOOK).read_bytes()


def read_book(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_the_workbook_reads_back_with_filters_and_a_sheet_per_register(lib):
    data = workbook(lib, "https://example.github.io/lib/", "2026-11-20")
    assert data == workbook(lib, "https://example.github.io/lib/", "2026-11-20")  # same data, same bytes
    book = read_book(data)
    assert book.sheetnames == ["figures", *REGISTERS, "notes"]
    figures = book["figures"]
    header = [c.value for c in figures[1]]
    assert header == FIGURE_FIELDS
    assert figures.auto_filter.ref == f"A1:{figures.cell(1, len(header)).column_letter}{figures.max_row}"
    assert figures.freeze_panes == "A2"
    assert figures.max_row - 1 == sum(len(v) for v in lib.figures.values())
    rows = list(figures.iter_rows(min_row=2, values_only=True))
    value = header.index("value")
    assert all(isinstance(r[value], (int, float)) for r in rows)  # numbers sort and filter as numbers
    assert any("叙永" in (r[header.index("locator")] or "") or r[0] == "longyou-xuyong" for r in rows)
    for name in REGISTERS:
        sheet = book[name]
        assert [c.value for c in sheet[1]][0] == "id" and sheet.auto_filter.ref
        assert sheet.max_row - 1 == len(getattr(lib, name)), name
    notes = {r[0]: r[1] for r in book["notes"].iter_rows(min_row=2, values_only=True)}
    assert "CC BY 4.0" in notes["licence"] or "CC-BY-4.0" in notes["licence"]
    assert "https://example.github.io/lib/" in notes["cite (GB/T 7714)"] and "2026-11-20" in notes["cite (GB/T 7714)"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2026-11-20T00:00:00Z" in z.read("docProps/core.xml")


def test_no_workbook_cell_is_a_formula_and_text_stays_as_typed(formula_lib):
    book = read_book(workbook(formula_lib))
    texts = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
    assert set(FORMULAS) | {"=1+1", "@A1", "-1+1", "+x"} <= texts
    values = [r[FIGURE_FIELDS.index("value")] for r in book["figures"].iter_rows(min_row=2, values_only=True)]
    assert -592.4 in values


def test_the_workbook_without_an_address_names_none(formula_lib):
    notes = read_book(workbook(formula_lib))["notes"]
    text = " ".join(str(v) for row in notes.iter_rows(values_only=True) for v in row if v)
    assert "http" not in text.replace("https://creativecommons.org", "").replace("https://openfontlicense", "")
