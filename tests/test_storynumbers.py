"""Numbers in the story: each is a figure of the case, clearly no figure, or listed under not_figures."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given

from casegen import storynumbers as sn
from casegen import text
from casegen.load import load_library
from casegen.validate import check
from conftest import ROOT, copy_project, only
from test_properties import SETTINGS, editor_text, shape, shown

UNITS = ["人", "名", "万人", "个", "万个", "家", "元", "万元", "亿元", "元/月", "%", "斤", "万斤", "次", "万次", "户"]
CASE = "data/cases/east-west/case.yaml"


def numbers(text_, lang):
    return [(n.written, n.value, n.unit, n.exempt) for n in sn.find(text_, lang, UNITS)]


# --- finding numbers -----------------------------------------------------------------------------------------

def test_chinese_numbers_with_magnitude_qualifier_and_unit():
    assert numbers("收集到9087个岗位，1.3万个岗位，收益18万余元，4500多人，占60%", "zh") == [
        ("9087", 9087, "个", ""), ("1.3万", 13000, "个", ""), ("18万", 180000, "元", ""),
        ("4500", 4500, "人", ""), ("60", 60, "%", "")]


def test_chinese_years_dates_ordinals_and_markers_are_exempt():
    found = numbers("2017年4月5日，2016—2020年，2019年1—10月，第3批。（1）做法", "zh")
    assert [e for *_, e in found] == ["year", "date", "date", "year", "year", "year", "date", "date", "ordinal",
                                      "marker"]


def test_english_numbers_scales_and_units():
    assert numbers("9,087 jobs, 180,000 yuan, 1.3 million people, 1.635 million yuan and 60% or 73.4 per cent",
                   "en") == [("9,087", 9087, "", ""), ("180,000", 180000, "元", ""),
                             ("1.3 million", 1.3e6, "", ""), ("1.635 million", 1.635e6, "元", ""),
                             ("60", 60, "%", ""), ("73.4", 73.4, "%", "")]


def test_english_years_dates_ordinals_and_names_are_exempt():
    found = numbers("In 2019, by April 2017 and on 4 April, the 13th plan, 2016–2020, 5G, the 1990s", "en")
    assert [e for *_, e in found] == ["year", "year", "date", "ordinal", "year", "year", "name", "year"]
    assert numbers("2000 people", "en") == [("2000", 2000, "", "")]  # a count, not a year


def test_qualifiers_are_read():
    assert [n.meaning for n in sn.find("约70%，18万余元，1000元以上，近1.9万人", "zh", UNITS)] == \
        ["about", "more", "more", "nearly"]
    assert [n.meaning for n in sn.find("about 70%, more than 1000 yuan, nearly 19,000", "en", UNITS)] == \
        ["about", "more", "nearly"]


def test_marked_spans_do_not_match_inside_longer_numbers():
    assert sn.marked_spans("9.44万，比总数少400人，94,400", "400") == [(10, 13)]
    assert sn.marked_spans("“0+3”模式", "0+3") == [(1, 4)]


# --- links in prose ------------------------------------------------------------------------------------------

def test_links_are_added_after_escaping_and_stay_inert():
    value = "收集到9087个岗位 [x](javascript:alert(1)) <b>\n\n## 9087"
    out = text.prose(value, lambda v: [(m.start(), m.end(), "fig-33") for m in re.finditer("9087", v)])
    # the brackets are character references, so the parentheses after them are text, as they stand
    assert out == ("收集到[9087](#fig-33)个岗位 &#91;x&#93;(javascript:alert(1)) &lt;b&gt;\n\n"
                   "\\#\\# [9087](#fig-33)")
    with pytest.raises(ValueError):
        text.linked("9087", [(0, 4, "x)(javascript:")])


@SETTINGS
@given(editor_text)
@example("9087 [x](javascript:alert(1))")
@example("??? note 12\n\n    34")
@example("1. 5")
def test_any_prose_with_linked_numbers_is_paragraphs_and_our_links(value):
    def spans(v):
        return [(m.start(), m.end(), "fig-1") for m in re.finditer(r"[0-9]+", v)]

    page = shape(text.prose(value, spans) + "\n")
    assert {tag for tag, *_ in page.tags} <= {"p", "/p", "a", "/a"}, page.tags
    assert all(attrs == ("href",) for tag, *rest in page.tags if tag == "a" for attrs in rest)
    assert shown("".join(page.text)) == shown(value)


# --- the rule on a tiny library ------------------------------------------------------------------------------

def test_numbers_that_are_figures_pass(minimal):
    minimal.replace(CASE, "results: {zh: 成效。, en: Results.}",
                    "results: {zh: 2018年转移1.2万人，其中7000人是贫困劳动力，资金35.5万元。, "
                    "en: \"In 2018 12,000 workers moved, 7,000 of them poor, with 355,000 yuan.\"}")
    assert minimal.problems() == []


def test_a_number_that_is_no_figure_is_reported_with_the_closest(minimal):
    minimal.replace(CASE, "results: {zh: 成效。, en: Results.}", "results: {zh: 转移7100人。, en: \"7,000 moved.\"}")
    p = only(minimal.problems())
    assert (p.line, p.field) == (11, "results.zh")
    assert p.message == "7100 人 is not a figure of this case (closest: 7000 人, figures.csv line 3)"
    assert "not_figures" in p.hint


def test_not_figures_marks_a_number_with_a_reason(minimal):
    minimal.replace(CASE, "results: {zh: 成效。, en: Results.}", "results: {zh: “161”模式。, en: The \"161\" model.}")
    assert [p.field for p in minimal.problems()] == ["results.en", "results.zh"]
    minimal.append(CASE, "not_figures:\n  - {number: \"161\", reason: the model's name}\n")
    assert minimal.problems() == []


def test_an_english_year_is_one_the_chinese_text_writes_as_a_year(minimal):
    minimal.replace(CASE, "results: {zh: 成效。, en: Results.}",
                    "results: {zh: 2019年疫情期间。, en: During the 2019 epidemic 2020 workers left.}")
    p = only(minimal.problems())
    assert p.field == "results.en" and p.message.startswith("2020 is not a figure")


def test_not_figures_entry_in_one_language_only(minimal):
    minimal.replace(CASE, "results: {zh: 成效。, en: Results.}", "results: {zh: 共28个。, en: 28 in all.}")
    minimal.append(CASE, "not_figures:\n  - {number: \"28\", lang: zh, reason: \"derived, 1+27\"}\n")
    p = only(minimal.problems())
    assert p.field == "results.en" and p.message.startswith("28 is not a figure")


def test_an_unused_not_figures_entry_is_a_warning(minimal):
    minimal.append(CASE, "not_figures:\n  - {number: 161, reason: the model's name}\n")
    p = only(minimal.problems())
    assert not p.is_error and p.field == "not_figures.0.number" and "does not occur" in p.message


def test_a_not_figures_entry_without_digits_is_refused(minimal):
    minimal.append(CASE, "not_figures:\n  - {number: abc, reason: nothing}\n")
    p = only(minimal.problems())
    assert p.field == "not_figures.0.number" and "not a number" in p.message


# --- the real data -------------------------------------------------------------------------------------------

XIAOSHAN = "data/cases/xiaoshan-congjiang/case.yaml"


@pytest.mark.parametrize("lang, old, new, shown", [("zh", "收集到78家企业的9087个岗位，澳门", "收集到78家企业的9078个岗位，澳门",
                                                    "9078 个"),
                                                   ("en", "gathered 9087 jobs from 78 enterprises, and 4",
                                                    "gathered 9078 jobs from 78 enterprises, and 4", "9078")])
def test_a_changed_number_in_the_real_narrative_is_rejected(tmp_path, lang, old, new, shown):
    project = copy_project(tmp_path / "project")
    project.replace(XIAOSHAN, old, new)
    p = only(project.problems())
    lines = project.read(XIAOSHAN).splitlines()
    assert new.split("9078")[0][-6:] in lines[p.line - 1]  # the line of the number itself, inside the block
    assert p.field == f"results.{lang}"
    assert str(p).startswith(f"data/cases/xiaoshan-congjiang/case.yaml:{p.line}: results.{lang}: {shown} is not a "
                             f"figure of this case (closest: 9087 个, figures.csv line ")


def test_the_real_data_passes_and_its_numbers_link_to_figures():
    lib, problems = load_library(ROOT / "data")
    assert [p for p in problems + check(lib) if p.kind == "story-number"] == []
    units = sn.unit_table(lib.units)
    linked = 0
    for slug, story in lib.stories().items():
        values = sn.figure_values(lib.figures[slug], lib.units, lib.metrics)
        linked += sum(1 for f in sn.findings(story, values, units) if f.figure is not None)
    assert linked > 300


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_story_number_links_to_its_figure_row_on_the_page(lang):
    from casegen.render import Renderer

    lib, _ = load_library(ROOT / "data")
    line = next(f.line for f in lib.figures["xiaoshan-congjiang"] if f.metric == "jobs_offered" and f.value == 9087)
    page = Renderer(lib).story_page("xiaoshan-congjiang", lang, charts=[])
    data = Renderer(lib).data_page("xiaoshan-congjiang", lang)  # the rows live on the case's data page
    assert f"[9087](data.md#fig-{line})" in page
    assert data.count(f'<span id="fig-{line}"></span>') == 1
    anchors = set(re.findall(r'<span id="(fig-[0-9]+)"></span>', data))
    assert set(re.findall(r"\]\(data\.md#(fig-[0-9]+)\)", page)) <= anchors
    assert "[161]" not in Renderer(lib).story_page("yang-county", lang, charts=[])  # listed under not_figures


# --- reading only what the rules need before a number ------------------------------------------------------------

EDGES = [
    "about " + " " * 300 + "1990",
    "more than" + " ,\n" * 150 + "2020 yuan",
    "x" * 250 + " 2019",
    "In the late 1990s, over 300 people; " * 40 + "nearly 19,000",
    "（1）" + "收集到9087个岗位。" * 60 + "第3批，2019—2020年，约70%",
    "    " * 100 + "1. first",
    "COVID" + " " * 250 + "19",
]


def test_reading_only_the_end_of_the_text_before_a_number_finds_what_reading_all_of_it_finds(monkeypatch):
    """storynumbers.BEFORE_CHARS: every text of the library's stories, and texts with long blanks and words."""
    lib, _ = load_library(ROOT / "data")
    texts = [(text_, lang) for story in lib.stories().values() for _, lang, text_ in sn.story_texts(story)]
    texts += [(edge, lang) for edge in EDGES for lang in ("zh", "en")]
    assert len(texts) > 100
    windowed = [sn.find(text_, lang, UNITS) for text_, lang in texts]
    monkeypatch.setattr(sn, "BEFORE_CHARS", 10**9)
    assert windowed == [sn.find(text_, lang, UNITS) for text_, lang in texts]
    assert sum(map(len, windowed)) > 500
