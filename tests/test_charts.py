"""Charts: every case gets charts in both languages, drawn from its figures only, the same bytes every time.

These render with the real vl-convert (no mocks); the whole library is drawn once per module.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from casegen import charts
from casegen.validate import validate
from conftest import ROOT

LANGS = ("zh", "en")
SVG_NS = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


@pytest.fixture(scope="module")
def drawn(lib) -> dict[tuple[str, str], list[charts.Chart]]:
    return {(slug, lang): charts.case_charts(lib, slug, lang) for slug in lib.stories() for lang in LANGS}


def chart(drawn, slug: str, chart_id: str, lang: str) -> charts.Chart:
    found = [c for c in drawn[(slug, lang)] if c.id == chart_id]
    assert found, f"{slug} has no chart {chart_id} in {lang}: {[c.id for c in drawn[(slug, lang)]]}"
    return found[0]


def svg_texts(svg: str) -> list[str]:
    """The visible text of an SVG, one string per <text> element, in document order."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def shown(f, lang: str) -> str:
    """A figure's value as tables print it (published number, grouped, with its qualifier)."""
    return charts._qualified(charts._group_digits(f.published_value, lang), f.qualifier, lang)


def bars_drawn(svg: str) -> int:
    """Bars of the first bar mark (the bars of a bar chart; labels and rules are other marks)."""
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG_NS}g"):
        if "mark-rect" in (g.get("class") or ""):
            return len([c for c in g if c.tag == f"{SVG_NS}path"])
    return 0


# -- coverage ---------------------------------------------------------------------------------------
def test_every_case_has_charts_in_both_languages(lib, drawn):
    for slug in lib.cases:
        ids = {lang: [c.id for c in drawn[(slug, lang)]] for lang in LANGS}
        assert ids["zh"], slug
        assert ids["zh"] == ids["en"], slug
        assert len(set(ids["zh"])) == len(ids["zh"]), f"duplicate chart ids in {slug}: {ids['zh']}"


def test_the_case_specific_charts_are_there(drawn):
    expected = {
        "longyou-xuyong": {"key-outcomes", "targets-vs-completion", "income-by-group", "subsidy-spending"},
        "dongguan-zhaotong": {"key-outcomes", "worker-destinations", "poverty-fall"},
        "xiaoshan-congjiang": {"key-outcomes", "public-welfare-posts"},
        "yang-county": {"key-outcomes", "platforms"},
    }
    for slug, ids in expected.items():
        for lang in LANGS:
            assert ids <= {c.id for c in drawn[(slug, lang)]}, (slug, lang)


def test_too_few_comparable_figures_give_no_key_outcomes(drawn):
    # Yunnan has one figure, Shanxi three of different kinds: nothing to compare
    for slug in ("yunnan-stations", "shanxi-employee-system"):
        assert "key-outcomes" not in {c.id for c in drawn[(slug, "zh")]}


# -- the pictures -----------------------------------------------------------------------------------
def test_each_svg_parses_and_carries_its_title(drawn):
    for (slug, lang), cs in drawn.items():
        for c in cs:
            assert c.svg.startswith("<svg"), (slug, c.id)
            text = squeeze("".join(svg_texts(c.svg)))
            assert squeeze(c.title) in text, (slug, lang, c.id, c.title)
            assert squeeze(c.source_note) in text, (slug, lang, c.id)
            assert squeeze(c.unit) in text, (slug, lang, c.id)
            root = ET.fromstring(c.svg)
            assert root.get("role") == "img" and root.get("aria-label") == c.alt, (slug, c.id)


def test_words_are_in_the_page_language(lib, drawn):
    for (slug, lang), cs in drawn.items():
        # an editor's flag_en may quote a Chinese unit (万); those characters are the data's, not the chart's
        allowed = set(CJK.findall("".join(f.flag_en for f in lib.figures.get(slug, []))))
        for c in cs:
            texts = svg_texts(c.svg) + [c.title, c.alt, c.unit, c.source_note]
            texts += [cell for row in c.table for cell in row]
            if lang == "zh":
                assert CJK.search(c.title), (slug, c.id)
                latin = [t for t in texts if re.search(r"[A-Za-z]{2,}", t)]
                assert not latin, (slug, c.id, latin[:3])
            else:
                stray = {ch for t in texts for ch in CJK.findall(t)} - allowed
                assert not stray, (slug, c.id, stray)


def test_register_names_appear_in_each_language(lib, drawn):
    zh = " ".join(svg_texts(chart(drawn, "yang-county", "platforms", "zh").svg))
    en = " ".join(svg_texts(chart(drawn, "yang-county", "platforms", "en").svg))
    for cat in ("platform-labour-export", "platform-local-placement", "platform-skills"):
        assert lib.categories[cat].zh in zh and lib.categories[cat].en not in zh
        assert lib.categories[cat].en in en and lib.categories[cat].zh not in en
    dest_zh = " ".join(svg_texts(chart(drawn, "dongguan-zhaotong", "worker-destinations", "zh").svg))
    assert "广东省" in dest_zh and "昭通市" in dest_zh
    dest_en = " ".join(svg_texts(chart(drawn, "dongguan-zhaotong", "worker-destinations", "en").svg))
    assert "Guangdong" in dest_en and "Zhaotong" in dest_en


def test_not_reported_is_written_never_drawn_as_zero(lib, drawn):
    figures = lib.figures["yang-county"]
    reported = {f.category for f in figures if f.metric == "poor_workers_employed" and f.category}
    assert "platform-skills" not in reported  # the case this test is about
    for lang, words in (("zh", "未报告"), ("en", "not reported")):
        c = chart(drawn, "yang-county", "platforms", lang)
        assert words in svg_texts(c.svg)
        assert bars_drawn(c.svg) == len(reported)
        skills = next(row for row in c.table if row[0] == lib.categories["platform-skills"].name(lang))
        assert words in skills and "0" not in skills
        assert f"{lib.categories['platform-skills'].name(lang)}{'：' if lang == 'zh' else ': '}{words}" in c.alt


def test_flags_are_visible(drawn):
    for lang in LANGS:
        texts = svg_texts(chart(drawn, "longyou-xuyong", "targets-vs-completion", lang).svg)
        assert any(t.endswith("*") for t in texts)
        assert any(t.startswith("*") for t in texts)  # the note that explains the stars
        dest = svg_texts(chart(drawn, "dongguan-zhaotong", "worker-destinations", lang).svg)
        assert any(t.startswith("*") for t in dest)
        posts = " ".join(svg_texts(chart(drawn, "xiaoshan-congjiang", "public-welfare-posts", lang).svg))
        assert "7,462" in posts if lang == "en" else "7462" in posts
        assert "7,490" in posts if lang == "en" else "7490" in posts


def test_rendering_twice_gives_the_same_bytes(lib, drawn):
    for lang in LANGS:
        again = charts.case_charts(lib, "longyou-xuyong", lang)
        assert [c.svg for c in again] == [c.svg for c in drawn[("longyou-xuyong", lang)]]


def test_ids_inside_svgs_do_not_collide_on_a_page(drawn):
    for (slug, lang), cs in drawn.items():
        seen: set[str] = set()
        for c in cs:
            ids = set(re.findall(r'\bid="([^"]+)"', c.svg))
            assert not ids & seen, (slug, c.id, ids & seen)
            seen |= ids


# -- the tables behind the charts -------------------------------------------------------------------
def test_table_values_are_the_published_figures(lib, drawn):
    for (slug, lang), cs in drawn.items():
        published = {shown(f, lang) for f in lib.figures.get(slug, [])}
        for c in cs:
            header, rows = c.table[0], c.table[1:]
            assert rows, (slug, c.id)
            assert all(len(r) == len(header) for r in rows), (slug, c.id)
            col = header.index(charts.L["h_value"][lang])
            for row in rows:
                if row[col] != charts.L["not_reported"][lang]:
                    assert row[col] in published, (slug, lang, c.id, row)
            assert (CJK.search("".join(header)) is not None) == (lang == "zh"), (slug, c.id, header)


def test_platform_numbers_match_the_figures(lib, drawn):
    figures = {f.category: f for f in lib.figures["yang-county"]
               if f.metric == "poor_workers_employed" and f.category}
    c = chart(drawn, "yang-county", "platforms", "zh")
    by_name = {row[0]: row for row in c.table[1:]}
    for cat, f in figures.items():
        row = by_name[lib.categories[cat].zh]
        assert row[2] == shown(f, "zh")
        assert shown(f, "zh") in " ".join(svg_texts(c.svg))


def test_key_outcomes_convert_units_but_label_as_published(lib, drawn):
    zh = chart(drawn, "dongguan-zhaotong", "key-outcomes", "zh")
    en = chart(drawn, "dongguan-zhaotong", "key-outcomes", "en")
    assert "9.48万*" in svg_texts(zh.svg)      # 9.48 万人, flagged in the source
    assert "94,800*" in svg_texts(en.svg)      # the same number in people
    assert zh.unit == "单位：人" and en.unit == "Unit: people"
    assert any(row[3] == "9.48万" or row[3] == "9.48" for row in zh.table[1:])  # the table keeps the published value


def test_source_note_is_built_from_the_bibliography(lib):
    assert charts.source_note(lib, ["lin-2018"], "zh") == "来源：林晓洁（2018），人民网"
    assert charts.source_note(lib, ["lin-2018"], "en") == "Source: Lin Xiaojie (2018), People's Daily Online"
    assert charts.source_note(lib, ["lin-2018", "yang-161-2019", "lin-2018"], "en").startswith("Sources: Lin Xiaojie")


# -- comparison pages -------------------------------------------------------------------------------
def test_comparison_chart(lib):
    def row(case, label, metric, value, period="2019"):
        return dict(case=case, label=label, metric=metric, value_base=value, unit_label="人", period=period,
                    source="lin-2018")
    rows = [row("longyou-xuyong", "龙游—叙永", "job_intentions", 3678.0),
            row("zhejiang-sichuan", "浙江—四川", "job_intentions", 4112.0),
            row("yang-county", "洋县", "job_intentions", 120.0),
            row("longyou-xuyong", "龙游—叙永", "poor_workers_employed", 26473.0)]
    c = charts.comparison_chart(lib, "placement", "zh", rows)
    assert c is not None and c.id == "compare-placement"
    texts = svg_texts(c.svg)
    assert {"4112", "3678", "120"} <= set(texts)
    assert "26,473" not in texts  # a metric with one row compares nothing
    assert bars_drawn(c.svg) == 3
    assert c.table[0][0] == "指标" and len(c.table) == 4
    assert c.svg == charts.comparison_chart(lib, "placement", "zh", rows).svg
    assert charts.comparison_chart(lib, "placement", "zh", rows[3:]) is None
    assert charts.comparison_chart(lib, "placement", "zh", []) is None


# -- sub-items come from `part_of` in metrics.yaml, never from the rows -----------------------------
def variant(lib, unlink=(), link=None, figures=None):
    """The library with the `part_of` of the metrics in ``unlink`` removed, ``link`` ({metric: total}) set,
    and ``figures`` ({slug: rows}) in place of a case's rows."""
    import copy

    out = copy.copy(lib)
    out.metrics = dict(lib.metrics)
    for m in unlink:
        out.metrics[m] = lib.metrics[m].model_copy(update={"part_of": None})
    for m, total in (link or {}).items():
        out.metrics[m] = lib.metrics[m].model_copy(update={"part_of": total})
    out.figures = {**lib.figures, **(figures or {})}
    return out


def orders(rows):
    """The rows as in the file, reversed, and each figure moved next to every other (adjacency decides nothing)."""
    yield list(rows)
    yield list(reversed(rows))
    yield sorted(rows, key=lambda f: (f.scope, f.start, f.end, f.metric))


def totals_drawn(c) -> list[tuple[str, ...]]:
    """Rows of the destinations chart drawn as the stated total of a bar (no share: they are the whole)."""
    share = c.table[0].index(charts.L["h_share"]["en"])
    return [row for row in c.table[1:] if row[share] == ""]


def test_two_figures_without_a_part_of_link_are_never_drawn_as_part_and_whole(lib):
    slug = "dongguan-zhaotong"
    rows = lib.figures[slug]
    total_name = lib.metrics["workers_transferred"].en
    part = lib.metrics["workers_transferred_by_destination"]
    assert part.part_of == "workers_transferred"  # the link this test takes away

    # with the link: every bar is a share of the stated total of its place and period, whatever the row order
    linked = [chart({(slug, "en"): charts.case_charts(variant(lib, figures={slug: o}), slug, "en")}, slug,
                    "worker-destinations", "en") for o in orders(rows)]
    assert [r[2] for r in totals_drawn(linked[0])] == [total_name] * 4
    assert all(c.svg == linked[0].svg and c.table == linked[0].table for c in linked)

    # without it: the same two figures, in any order, next to each other or not, are never part and whole
    for o in orders(rows):
        c = chart({(slug, "en"): charts.case_charts(variant(lib, unlink=[part.id], figures={slug: o}), slug, "en")},
                  slug, "worker-destinations", "en")
        assert totals_drawn(c) == [], c.table
        assert total_name not in " ".join(svg_texts(c.svg))
        assert not re.search(r"\btotal \d", " ".join(svg_texts(c.svg)))  # no "total 24,974" above a bar
        assert "stated total" not in " ".join(svg_texts(c.svg))

    # a figure of another metric with the same place and period, right after the parts, is no total either
    qiaojia = [f for f in rows if f.scope == "qiaojia" and f.metric == part.id]
    stranger = qiaojia[0].model_copy(update={"metric": "migrant_workers", "category": "", "value": 99999.0,
                                             "published_value": "99999", "flag": "", "flag_zh": "", "flag_en": "",
                                             "flag_group": "", "line": 999})
    unlinked = variant(lib, unlink=[part.id])
    for o in orders(rows + [stranger]):
        c = chart({(slug, "en"): charts.case_charts(variant(unlinked, figures={slug: o}), slug, "en")}, slug,
                  "worker-destinations", "en")
        assert totals_drawn(c) == []
        assert "99,999" not in " ".join(svg_texts(c.svg))


def test_subsidy_items_are_the_part_of_items_of_the_spending_they_are_drawn_under(lib):
    slug = "longyou-xuyong"
    rows = lib.figures[slug]
    items = [m.id for m in lib.metrics.values() if m.part_of == "employment_subsidy_spending"
             and any(f.metric == m.id and f.category == "current-year-funds" for f in rows)]
    assert len(items) == 8
    drawn = [chart({(slug, "en"): charts.case_charts(variant(lib, figures={slug: o}), slug, "en")}, slug,
                   "subsidy-spending", "en") for o in orders(rows)]
    assert {r[0] for r in drawn[0].table[1:9]} == {lib.metrics[m].en for m in items}
    assert all(c.svg == drawn[0].svg for c in drawn)
    # without the link, or linked to another total, they are not items of the employment subsidy spending
    for changed in (variant(lib, unlink=items), variant(lib, link={m: "social_donations" for m in items})):
        for o in orders(rows):
            ids = [c.id for c in charts.case_charts(variant(changed, figures={slug: o}), slug, "en")]
            assert "subsidy-spending" not in ids


def test_of_which_names_a_total_only_through_part_of(lib):
    slug = "zhejiang-sichuan"
    rows = lib.figures[slug]
    for lang, of_which in (("en", "Job agreements reached: of which registered poor"),
                           ("zh", "达成就业意向（签约）人数：其中建档立卡贫困人员")):
        for o in orders(rows):
            c = chart({(slug, lang): charts.case_charts(variant(lib, figures={slug: o}), slug, lang)}, slug,
                      "key-outcomes", lang)
            assert of_which in [row[0] for row in c.table]
            c = chart({(slug, lang): charts.case_charts(variant(lib, unlink=["job_intentions_poor"], figures={slug: o}),
                                                        slug, lang)}, slug, "key-outcomes", lang)
            names = [row[0] for row in c.table]
            assert of_which not in names and lib.metrics["job_intentions_poor"].name(lang) in names


# -- survey values on the scale they mean -----------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_survey_shares_are_percentages_and_code_means_spell_out_their_codes(drawn, lang):
    c = chart(drawn, "longyou-xuyong", "worker-survey", lang)
    for svg in (c.svg, c.svg_narrow):
        texts = squeeze(" ".join(svg_texts(svg)))
        assert "63.1%" in texts and "47.9%*" in texts and "0.631" not in texts
        assert "2.034" in texts and "1.967*" in texts  # education codes, in order: drawn on their 1–4 scale
        codes = "1=小学及以下" if lang == "zh" else "1=primaryschoolorless"
        assert codes in texts
        # the industry codes have no order: their mean is not drawn, and the chart says so
        assert "2.367" not in texts and "1.959" not in texts
        assert ("未画出从事行业编码均值" if lang == "zh" else "Meanindustrycodenotdrawn") in texts
    assert [row[3] for row in c.table[1:3]] == ["63.1%", "73.1%"] and c.table[1][4] == "0.631"


def test_a_library_without_survey_figures_draws_no_survey(drawn):
    assert not [c for c in drawn[("shandong-chongqing", "zh")] if c.id == "worker-survey"]


@pytest.mark.parametrize("text, whole", [
    ("Share with vocational training: Locally employed workers (n\u00a0=\u00a0166)", "(n\u00a0=\u00a0166)"),
    ("Codes: 1 = primary school or less, 2 = middle school, 3 = high school or vocational college", "3 = high"),
    ("编码：1=小学及以下，2=中学，3=高中及高专，4=大学及大专", "3=高"),
    ("受访者中外出务工的劳动力共计有166人，其中多数在浙江省务工", "166人"),
])
def test_a_line_never_breaks_inside_a_count_a_number_and_its_unit_or_an_equation(text, whole):
    for width in range(120, 420, 7):
        lines = charts.wrap(text, width, 13)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width
        assert any(whole in line for line in lines), (width, lines)


def test_a_survey_group_names_its_count_with_no_break_spaces(drawn):
    for svg in (chart(drawn, "longyou-xuyong", "worker-survey", "en").svg_narrow,
                chart(drawn, "longyou-xuyong", "income-by-group", "en").svg):
        assert "(n\u00a0=\u00a0166)" in svg and "(n =" not in svg and "166)" not in svg_texts(svg)
