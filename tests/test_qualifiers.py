"""A number reads as its source wrote it: 余/多/以上/超过 are "more than", 约/左右 "about", 不到/以下 "under",
each shown where the source puts it, in both languages, on pages and in the downloads."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from casegen import qualifiers, text
from casegen.load import load_library


@pytest.mark.parametrize("word, unit, zh, en", [
    ("余", "万元", "18万余元", "more than 18"),
    ("多", "人", "18多人", "more than 18"),
    ("以上", "元/月", "18元/月以上", "more than 18"),
    ("超过", "人次", "超过18人次", "more than 18"),
    ("约", "万人", "约18万人", "about 18"),
    ("左右", "%", "18%左右", "about 18"),
    ("不到", "人", "不到18人", "under 18"),
    ("以下", "元", "18元以下", "under 18"),
    ("低于", "元/人", "低于18元/人", "under 18"),
    ("不超过", "年", "不超过18年", "at most 18"),
    ("近", "万人", "近18万人", "nearly 18"),
    ("about", "人", "约18人", "about 18"),
    ("over", "人", "18人以上", "more than 18"),
    ("", "人", "18人", "18"),
])
def test_each_qualifier_reads_as_printed_in_both_languages(word, unit, zh, en):
    assert qualifiers.zh("18", unit, word) == zh
    assert qualifiers.en("18", word) == en


def test_floors_and_ceilings_decide_what_can_be_proved():
    assert qualifiers.may_exceed("多") and not qualifiers.may_fall_short("多")
    assert qualifiers.may_fall_short("不到") and not qualifiers.may_exceed("不到")
    assert qualifiers.may_exceed("约") and qualifiers.may_fall_short("约")


def test_an_unknown_qualifier_names_the_words_to_use(minimal):
    minimal.replace("data/cases/east-west/figures.csv", "workers,1.2,万人,,", "workers,1.2,万人,approx,")
    problem = next(p for p in minimal.problems() if p.field == "qualifier")
    assert "unknown qualifier 'approx'" in problem.message and "余" in problem.message and "左右" in problem.message
    assert "约, 左右 (about); 余, 多, 以上, 超过 (more than)" in problem.hint


def visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_no_figure_printed_as_more_than_is_shown_as_about(built_site):
    lib, _ = load_library(built_site.data)
    site = built_site.root / "site"
    floors = [(slug, f) for slug, figures in lib.figures.items() for f in figures if qualifiers.meaning(f.qualifier) == "more"]
    assert len(floors) >= 25  # the real data: 余, 多, 以上, 超过
    pages = {}
    for slug, f in floors:
        folder = "cases" if slug in lib.cases else "practices"
        for lang, prefix in (("zh", ""), ("en", "en/")):
            key = (prefix, folder, slug)
            if key not in pages:
                # every figure is on its case's data page
                pages[key] = visible((site / prefix / folder / slug / "data" / "index.html").read_text(encoding="utf-8"))
            number = text.number(f.published_value, lang)
            unit = lib.units[f.unit]
            if lang == "zh":
                forms = {qualifiers.zh(number, "", f.qualifier), qualifiers.zh(number, unit.zh, f.qualifier)}
                assert any(form in pages[key] for form in forms), (slug, f.line, forms)
                assert not re.search(f"约{re.escape(number)}(?![\\d.])", pages[key]), (slug, f.line)
            else:
                forms = {f"more than {number}", f"more than {f.value * unit.factor:,.0f}"}
                assert any(form in pages[key] for form in forms), (slug, f.line, forms)
                about = [re.escape(form.replace("more than", "about")) + r"(?![\d.,])" for form in forms]
                assert not any(re.search(pattern, pages[key]) for pattern in about), (slug, f.line)
    rows = list(csv.DictReader(io.StringIO((site / "downloads/figures.csv").read_text(encoding="utf-8-sig"))))
    shown = {(r["case"], r["metric"], r["value"], r["qualifier"], r["qualifier_en"]) for r in rows}
    for slug, f in floors:
        assert (slug, f.metric, f.published_value, f.qualifier, "more than") in shown
