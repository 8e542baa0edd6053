"""Downloads: per-case CSV and JSON, citations, and a data package that Frictionless accepts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from frictionless import Package

from casegen.cite import bib_escape, cite
from casegen.downloads import case_csv, case_json, data_package
from casegen.validate import validate
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
    e = cite("longyou-xuyong", "Longyou–Xuyong labour cooperation", "en", "https://x.org/en/cases/longyou-xuyong/",
             "2026-11-20")
    assert e.apa == ("East–West Labour Cooperation Case Library. (2026, November 20). Longyou–Xuyong labour "
                     "cooperation. https://x.org/en/cases/longyou-xuyong/")
    assert "@misc{ewlc-longyou-xuyong-en," in e.bibtex and "year = {2026}" in e.bibtex
    csl = json.loads(e.csl)[0]
    assert csl["URL"].endswith("/en/cases/longyou-xuyong/") and csl["issued"]["date-parts"] == [[2026, 11, 20]]


def test_bibtex_escapes_what_tex_would_interpret():
    assert bib_escape("50% & {x}") == r"50\% \& \{x\}"
    c = cite("s", "A_b #1 & {c}", "en", "https://x.org/", None)
    assert r"title = {A\_b \#1 \& \{c\}}" in c.bibtex
