"""The real data: it validates, covers every source and case, and records figures as the rules say."""

from __future__ import annotations

from pathlib import Path

import pytest

from casegen.load import load_library
from casegen.validate import check, validate
from conftest import ROOT

SLUGS = ["shandong-chongqing", "jiangsu-shaanxi", "zhejiang-sichuan", "longyou-xuyong", "xiaoshan-congjiang",
         "dongguan-zhaotong", "yang-county"]
PRACTICES = ["hebei-intra-provincial", "hubei-intra-provincial", "yunnan-stations", "shanxi-employee-system"]


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


def test_the_real_data_validates():
    lib, problems = load_library(ROOT / "data")
    assert problems + check(lib) == []


def test_all_seven_cases_and_the_practices_exist(lib):
    assert sorted(lib.cases) == sorted(SLUGS)
    assert sorted(lib.practices) == sorted(PRACTICES)


def test_every_source_is_cited_and_every_case_has_figures(lib):
    cited = {f.source for figs in lib.figures.values() for f in figs}
    assert cited == set(lib.sources)
    for slug in SLUGS + PRACTICES:
        assert lib.figures[slug], slug


def test_the_library_holds_several_hundred_figures(lib):
    assert sum(len(v) for v in lib.figures.values()) >= 250


def test_the_longyou_xuyong_tables_are_rebuilt(lib):
    locators = " ".join(f.locator for f in lib.figures["longyou-xuyong"])
    for table in ("表4-1", "表4-2", "表4-3", "表4-4"):
        assert table in locators


def test_targets_and_completion_are_both_recorded_for_longyou_xuyong(lib):
    series = {f.series for f in lib.figures["longyou-xuyong"]}
    assert {"actual", "target", "expected"} <= series


def test_known_contradictions_in_the_sources_are_flagged(lib):
    flagged = {slug for slug, figs in lib.figures.items() if any(f.flag for f in figs)}
    # Source 000's table 4-2 has sub-items above their totals; source 003's transfer destinations
    # do not add up to the stated total; source 004's post types do not add up to their total.
    assert {"longyou-xuyong", "dongguan-zhaotong", "xiaoshan-congjiang"} <= flagged


def test_county_cases_know_their_provincial_pairing(lib):
    assert lib.cases["longyou-xuyong"].parent == "zhejiang-sichuan"
    assert lib.cases["yang-county"].parent == "jiangsu-shaanxi"


def test_figures_files_end_lines_with_lf_for_clean_diffs():
    for path in sorted((ROOT / "data").glob("*/*/figures.csv")):
        assert b"\r\n" not in path.read_bytes(), path


def test_every_yaml_file_names_its_schema_for_autocompletion():
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("$schema=")[1].strip()).resolve()
        assert schema.exists(), (path, schema)


def test_the_exported_schemas_are_current():
    from casegen.schema import schema_texts
    for name, text in schema_texts().items():
        assert (ROOT / "data" / "schema" / name).read_text(encoding="utf-8") == text, \
            f"run `casegen schema`: data/schema/{name} is out of date"
