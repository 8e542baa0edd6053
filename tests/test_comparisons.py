"""Comparison pages compare like with like: indicators two pairings report, by level, every cell with its
value as published (qualifier kept), area, period and source, and a mark where a definition differs.

The pages and charts are those of the real site built once for the session (the browser tests' build);
the phone check opens them in Chromium at 390 px.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from browser import *  # noqa: F403 - fixtures (built_site, site_url, chromium) and helpers
from casegen import charts, qualifiers
from casegen.derive import LEVELS, comparisons, level_of
from casegen.load import load_library
from casegen.render import Renderer, asset_path, comparison_rows
from casegen.validate import validate
from conftest import ROOT, only

SVG_NS = "{http://www.w3.org/2000/svg}"
LANGS = ("zh", "en")
LEVEL_HEADS = {"zh": {"province": "省级", "city": "市级", "county": "县级"},
               "en": {"province": "Province level", "city": "City level", "county": "County level"}}


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


@pytest.fixture(scope="module")
def result(lib):
    return comparisons(lib)


def svg_texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def page_text(site, rel: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", (site.root / "site" / rel).read_text(encoding="utf-8")))


# -- the comparisons themselves ----------------------------------------------------------------------
def test_each_page_has_an_indicator_two_pairings_report(result):
    pages = {g: c for g, c in result.items() if c.indicators}
    assert len(pages) >= 8
    for group, c in pages.items():
        for indicator in c.indicators:
            reporting = {r.story for r in c.rows if r.cells[indicator].figure}
            assert len(reporting) >= 2, (group, indicator)


def test_dongguan_zhaotongs_transfers_are_in_the_placement_comparison(result):
    row = next(r for r in result["placement"].rows if r.story == "dongguan-zhaotong" and r.level == "city")
    f = row.cells["people-transferred"].figure
    assert (f.published_value, f.unit, f.scope) == ("9.48", "万人", "zhaotong")


def test_rows_are_grouped_by_level_and_each_cell_describes_an_area_of_its_rows_level(lib, result):
    for group, c in result.items():
        levels = [r.level for r in c.rows]
        assert levels == sorted(levels, key=LEVELS.index), group
        for r in c.rows:
            for cell in r.cells.values():
                assert cell.figure is None or level_of(lib, cell.figure.scope) == r.level, (group, r.story)


def test_a_figure_of_another_definition_is_marked_with_its_note(result):
    placement = result["placement"]
    row = next(r for r in placement.rows if r.story == "jiangsu-shaanxi")
    cell = row.cells["people-transferred"]
    assert cell.figure.metric == "employment_registrations" and cell.differs
    assert "stock" in cell.mapping.differs_en and "存量" in cell.mapping.differs_zh
    dongguan = next(r for r in placement.rows if r.story == "dongguan-zhaotong" and r.level == "city")
    assert not dongguan.cells["people-transferred"].differs


def test_an_indicator_naming_an_unknown_metric_is_an_error_with_its_line(minimal):
    minimal.append("data/metrics.yaml", "indicators:\n  - id: people\n    group: placement\n    zh: 人数\n    en: People\n"
                   "    definition_zh: 人数。\n    definition_en: People.\n    metrics:\n      - {metric: wrokers}\n")
    p = only(minimal.problems())
    line = minimal.read("data/metrics.yaml").splitlines().index("  - id: people") + 1
    assert (p.path, p.line) == ("data/metrics.yaml", line) and "wrokers" in p.message and "metrics.0.metric" in p.field


def test_a_difference_of_definition_needs_both_languages(minimal):
    minimal.append("data/metrics.yaml", "indicators:\n  - id: people\n    group: placement\n    zh: 人数\n    en: People\n"
                   "    definition_zh: 人数。\n    definition_en: People.\n    metrics:\n      - {metric: workers}\n"
                   "      - {metric: funds, differs_zh: 资金不是人数。}\n")
    assert "one language only" in only(minimal.problems()).message


# -- the pages and charts of the built site ----------------------------------------------------------
@pytest.fixture(scope="module")
def site(built_site):
    return built_site


def qualifier_word(qualifier: str, lang: str) -> str:
    """How a page in ``lang`` writes a qualifier: 约 as printed in Chinese, "about" in English."""
    return qualifier if lang == "zh" else qualifiers.en("1", qualifier).replace("1", "").strip()


def test_every_comparison_page_shows_levels_areas_sources_and_qualifiers(site, lib, result):
    for group, c in result.items():
        for lang in LANGS:
            rel = f"{'' if lang == 'zh' else 'en/'}compare/{group}/index.html"
            if not c.indicators:
                assert not (site.root / "site" / rel).exists(), rel
                continue
            text = page_text(site, rel)
            for level in {r.level for r in c.rows}:
                assert LEVEL_HEADS[lang][level] in text, (rel, level)
            for indicator in c.indicators:
                assert lib.indicators[indicator].name(lang) in text, (rel, indicator)
            for r in c.rows:
                for cell in r.cells.values():
                    f = cell.figure
                    if f is None:
                        continue
                    assert lib.regions[f.scope].name(lang) in text, (rel, f.scope)
                    assert getattr(lib.sources[f.source].short, lang) in text, (rel, f.source)
                    if f.qualifier:
                        assert qualifier_word(f.qualifier, lang) in text, (rel, f.metric, f.qualifier)
            if any(cell.differs for r in c.rows for cell in r.cells.values()):
                assert "†" in text, rel


def test_no_comparison_chart_drops_a_qualifier(site, lib, result):
    renderer = Renderer(lib)
    for group, c in result.items():
        if not c.indicators:
            continue
        figures = [cell.figure for r in c.rows for cell in r.cells.values() if cell.figure]
        for lang in LANGS:
            rows = comparison_rows(renderer, group, lang)
            assert len(rows) == len(figures)  # one row per filled cell, in the table's order
            chart = charts.comparison_chart(lib, group, lang, rows)
            for svg_name, svg in (("svg", chart.svg), ("narrow.svg", chart.svg_narrow)):
                rel = asset_path(f"compare/{group}/charts/compare-{group}.{svg_name}", lang)
                on_site = (site.root / "build/docs" / rel).read_text(encoding="utf-8")
                assert on_site == svg, (group, lang, svg_name)
                drawn = svg_texts(svg)
                for f, row in zip(figures, rows):
                    if f.qualifier:
                        assert qualifier_word(f.qualifier, lang) in row["text"], (group, lang, row["text"])
                    in_table = [t for t in chart.table[1:] if t[1] == row["label"] and t[2] == row["area"]
                                and t[0] == lib.indicators[row["metric"]].name(lang)]
                    if in_table:  # drawn: the label on the bar is the value as published, qualifier and all
                        assert any(row["text"] in t for t in drawn), (group, lang, row["text"])


def test_a_qualified_value_is_drawn_with_its_qualifier(site):
    zh = " ".join(svg_texts((site.root / "build/docs/compare/placement/charts/compare-placement.svg")
                            .read_text(encoding="utf-8")))
    en = " ".join(svg_texts((site.root / "build/docs/compare/placement/charts/compare-placement.en.svg")
                            .read_text(encoding="utf-8")))
    # Weixin's 24000多人 and Zhaotong's 9.48万人, as published (Chinese digits ungrouped, as on the pages)
    assert "24000多" in zh and "9.48万" in zh
    assert "more than 24,000" in en and "94,800" in en
    assert "24000 " not in zh.replace("24000多", "")


def test_the_placement_page_has_the_largest_figure_of_the_library(site):
    assert "9.48万人" in page_text(site, "compare/placement/index.html")
    assert "94,800" in page_text(site, "en/compare/placement/index.html")


def test_the_index_lists_only_the_groups_with_a_page(site, result):
    for lang, prefix in (("zh", ""), ("en", "en/")):
        doc = (site.root / "site" / prefix / "compare" / "index.html").read_text(encoding="utf-8")
        for group, c in result.items():
            assert (f'href="{group}/"' in doc) == bool(c.indicators), (lang, group)


# -- charts on a phone --------------------------------------------------------------------------------
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", ["/cases/dongguan-zhaotong/", "/en/cases/longyou-xuyong/",
                                  "/compare/placement/", "/en/compare/funds/"])
def test_chart_text_is_at_least_11_px_on_a_390_px_phone(chromium, site_url, site, path):
    context = chromium.new_context(viewport=PHONE, service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + path)
        figures = page.locator("figure.cg-chart img")
        assert figures.count() >= 1
        for i in range(figures.count()):
            img = figures.nth(i)
            img.scroll_into_view_if_needed()
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
            src, shown, natural = img.evaluate(
                "i => [i.currentSrc, i.getBoundingClientRect().width, i.naturalWidth]")
            assert src.endswith(".narrow.svg"), src
            rel = src.split(site_url, 1)[1].lstrip("/")
            svg = (site.root / "site" / rel).read_text(encoding="utf-8")
            smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg))
            assert smallest * shown / natural >= 11, (src, smallest, shown, natural)
    finally:
        context.close()


def test_a_wide_screen_gets_the_wide_chart_and_a_caption_without_the_title(chromium, site_url):
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + "/compare/placement/")
        img = page.locator("figure.cg-chart img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        assert not img.evaluate("i => i.currentSrc").endswith(".narrow.svg")
        figure = page.locator("figure.cg-chart").first
        assert figure.get_attribute("data-title") not in figure.locator("figcaption").inner_text()
    finally:
        context.close()


def test_chart_words_are_a_data_file():
    assert charts.L["compare_title"]["zh"] and charts.L["level_city"]["en"] == "city level"
    assert load_library  # the package keeps its names for the handouts and decks
    assert callable(charts.case_charts) and callable(charts.png_file) and callable(charts.comparison_chart)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chart_draws_the_values_that_count_what_the_indicator_defines(lib, lang):
    """Training: three person-times values (†, another definition) must not push aside the values in people;
    what is drawn is named, and what is set aside for its unit is said."""
    chart = charts.comparison_chart(lib, "training", lang, comparison_rows(Renderer(lib), "training", lang))
    texts = svg_texts(chart.svg)
    assert any(t in ("3250", "3,250") for t in texts) and not any(t.endswith("†") for t in texts), texts
    assert ("培训人数" if lang == "zh" else "People trained") in texts
    assert any(("以其他单位计" if lang == "zh" else "another unit") in t for t in texts)
