"""Flags that concern several figures: the data says which (flag_group), and every one of them is marked.

A contradiction in a source is kept as published and explained once; the rows sharing its flag_group id are
the figures it concerns. These tests read the real data and the minimal fixture; the built pages are checked
in test_build.py (test_a_flag_group_shows_at_each_of_its_figures, test_the_flags_page_lists_every_flag).
"""

from __future__ import annotations

import pytest

from casegen import charts
from casegen.flags import case_flags
from casegen.load import load_library
from casegen.models import FLAGS
from casegen.render import Renderer
from casegen.validate import check
from conftest import ROOT, Project

HEADER = "metric,value,unit,qualifier,start,end,scope,series,category,source,locator,note_zh,note_en,flag,flag_zh," \
         "flag_en,flag_group\n"
FIGS = "data/cases/east-west/figures.csv"


@pytest.fixture(scope="module")
def lib():
    lib, problems = load_library(ROOT / "data")
    assert not [p for p in problems if p.severity == "error"]
    return lib


def test_every_figure_of_a_group_falls_under_its_one_explanation(lib):
    groups = {(slug, g) for slug, figs in lib.figures.items() for f in figs for g in f.flag_groups}
    assert groups, "the real data groups the figures of its contradictions"
    for slug, group in groups:
        members = [f for f in lib.figures[slug] if group in f.flag_groups]
        explaining = [f for f in members if f.flag and f.flag_groups[0] == group]
        assert len(members) >= 2 and len(explaining) == 1, (slug, group)
        for f in members:
            flag = next(flag for flag in lib.flags_of(f) if flag.group == group)
            assert flag.kind == explaining[0].flag and flag.en == explaining[0].flag_en
            assert set(flag.figures) == set(members)


def test_a_figure_two_contradictions_concern_falls_under_both(lib):
    """Longyou's 3840 (paired province, end-2019, basic task) exceeds its total 2060 and disagrees with the
    stretch tier's 4400: it is marked at both, and each of them lists it."""
    shared = [f for f in lib.figures["longyou-xuyong"] if len(f.flag_groups) > 1]
    assert len(shared) >= 8
    for f in shared:
        found = lib.flags_of(f)
        assert {flag.group for flag in found} == set(f.flag_groups), f.line
        assert all(f in flag.figures for flag in found)
    r = Renderer(lib)
    cases = {f.line: f for f in lib.figures["longyou-xuyong"]}
    mark = r.helpers("en", 2)["flag_mark"](cases[21])
    assert mark.count("](#flag-") == 2 and "#flag-paired-end2019-basic" in mark and "#flag-paired-end2019-stretch" in mark


def test_a_flag_explains_the_first_group_its_row_lists():
    from casegen.models import Figure

    def fig(line, **kw):
        return Figure.model_validate(dict(metric="funds", value="1", published_value="1", unit="万元",
                                          end=str(2000 + line), scope="x", source="s", locator="l", line=line, **kw))

    a = fig(2, flag_group="trio")
    b = fig(3, flag_group="pair")
    c = fig(4, flag="count-conflict", flag_zh="两数矛盾。", flag_en="They conflict.", flag_group="pair")
    d = fig(5, flag="inconsistent", flag_zh="不一致。", flag_en="They disagree.", flag_group="trio  pair")
    assert d.flag_group == "trio pair" and d.flag_groups == ("trio", "pair")
    flags = case_flags("c", [a, b, c, d])
    assert [(f.kind, f.group, [x.line for x in f.figures]) for f in flags] == \
        [("inconsistent", "trio", [2, 5]), ("count-conflict", "pair", [3, 4, 5])]


def test_a_flag_without_a_group_concerns_its_own_row():
    from casegen.models import Figure

    def fig(line, **kw):
        return Figure.model_validate(dict(metric="funds", value="1", published_value="1", unit="万元",
                                          end=str(2000 + line), scope="x", source="s", locator="l", line=line, **kw))

    alone = fig(2, flag="garbled", flag_zh="数字残缺。", flag_en="Truncated.")
    a = fig(3, flag_group="pair")
    b = fig(4, flag="count-conflict", flag_zh="两数矛盾。", flag_en="They conflict.", flag_group="pair")
    plain = fig(5)
    flags = case_flags("c", [alone, a, b, plain])
    assert [(f.kind, [x.line for x in f.figures], f.anchor) for f in flags] == \
        [("garbled", [2], "flag-line-2"), ("count-conflict", [3, 4], "flag-pair")]


def test_every_flag_kind_has_a_label_in_both_languages():
    r = Renderer(load_library(ROOT / "data")[0])
    for kind in FLAGS:
        assert r.labels[f"flag_{kind}"]["zh"] and r.labels[f"flag_{kind}"]["en"], kind
        assert charts.FLAG_NAMES[kind]["zh"] and charts.FLAG_NAMES[kind]["en"], kind


def test_charts_star_every_figure_of_a_group(lib):
    ctx = charts._Ctx(lib, "dongguan-zhaotong", "zh")
    destinations = [f for f in lib.figures["dongguan-zhaotong"] if f.flag_group == "destinations"]
    assert len(destinations) == 4 and sum(1 for f in destinations if f.flag) == 1
    for f in destinations:
        assert ctx.flagged(f) and ctx.own_label(f).endswith("*")


def test_the_flagged_count_counts_every_figure_a_contradiction_concerns(lib):
    r = Renderer(lib)
    concerned = {(slug, f.line) for slug, figs in lib.figures.items() for f in figs if f.flag or f.flag_group}
    assert sum(len(flag.figures) for flag in lib.flag_index().all()) > len(concerned)  # some twice
    assert r.flagged_total == len(concerned)
    assert f"[{len(concerned)} flagged](flags/index.md)" in r.home("en")


@pytest.mark.parametrize("rows, expected", [
    ("funds,40,万元,,2017,2017,west-prov,actual,,src,p,,,inconsistent,不一致。,Disagree.,solo\n",
     [(7, "flag_group", "flag group 'solo' has this figure only")]),
    ("funds,40,万元,,2017,2017,west-prov,actual,,src,p,,,,,,typo\n",
     [(7, "flag_group", "unknown flag group 'typo'")]),
    ("funds,40,万元,,2017,2017,west-prov,actual,,src,p,,,,,,g\nfunds,41,万元,,2016,2016,west-prov,actual,,src,p,,,,,,g\n",
     [(7, "flag_group", "no figure of flag group 'g' (lines 7, 8) carries the flag")]),
    ("funds,40,万元,,2017,2017,west-prov,actual,,src,p,,,inconsistent,甲。,A.,g\n"
     "funds,41,万元,,2016,2016,west-prov,actual,,src,p,,,inconsistent,乙。,B.,g\n",
     [(8, "flag", "flag group 'g' is explained differently here (first on line 7)")]),
    ("funds,40,万元,,2017,2017,west-prov,actual,,src,p,,,inconsistent,甲。,A.,g\n"
     "funds,41,万元,,2016,2016,west-prov,actual,,src,p,,,,,,g\n", []),
])
def test_validation_refuses_bad_flag_groups(minimal: Project, rows, expected):
    lines = minimal.read(FIGS).splitlines()
    minimal.write(FIGS, HEADER + "".join(line + ",\n" for line in lines[1:]) + rows)
    lib, problems = load_library(minimal.data)
    found = [(p.line, p.field, p.message) for p in problems + check(lib) if p.severity == "error"]
    found = [p for p in found if "not a figure of this case" not in p[2]]  # another rule's concern
    assert len(found) == len(expected), found
    for (line, field, message), (e_line, e_field, e_message) in zip(sorted(found), expected):
        assert (line, field) == (e_line, e_field) and e_message in message


def test_a_file_without_the_flag_group_column_still_loads(minimal: Project):
    assert "flag_group" not in minimal.read(FIGS).splitlines()[0]
    lib, problems = load_library(minimal.data)
    assert not [p for p in problems + check(lib) if p.severity == "error" and "not a figure" not in p.message]
    assert all(f.flag_group == "" for f in lib.figures["east-west"])


def test_each_explanation_on_the_data_page_is_an_item_of_its_own(lib):
    """The contradictions are explained once, on the data page: a list item each, a blank line before each."""
    page = Renderer(lib).data_page("longyou-xuyong", "en")
    flags = lib.flag_index().by_story["longyou-xuyong"]
    assert page.count("\n- <span id=\"flag-") == page.count("\n\n- <span id=\"flag-") == len(flags)
    assert "!!! warning" not in page
