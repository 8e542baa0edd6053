"""Every validator rule, each with a broken copy of a tiny valid library."""

from __future__ import annotations

import pytest

from conftest import only

CASE = "data/cases/east-west/case.yaml"
FIGS = "data/cases/east-west/figures.csv"
HEADER = "metric,value,unit,qualifier,start,end,scope,series,category,source,locator,note_zh,note_en,flag,flag_zh,flag_en\n"


def test_the_minimal_library_is_valid(minimal):
    assert minimal.problems() == []


def where(p):
    return (p.path.split("project/")[-1], p.line, p.field)


# --- files and syntax ---------------------------------------------------------------

def test_bad_yaml_names_file_and_line(minimal):
    minimal.replace(CASE, "level: province", "level: [province")
    p = only(minimal.problems())
    assert p.path.endswith("cases/east-west/case.yaml") and p.line in (2, 3) and "YAML" in p.message


def test_missing_figures_file(minimal):
    (minimal.root / FIGS).unlink()
    p = only(minimal.problems())
    assert p.path.endswith("figures.csv") and "missing" in p.message


def test_unsafe_case_folder_name(minimal):
    (minimal.data / "cases" / "east-west").rename(minimal.data / "cases" / "East West")
    assert "not a safe slug" in only(minimal.problems()).message


def test_duplicate_register_id(minimal):
    minimal.append("data/mechanisms.yaml", "- {id: job-fairs, zh: 又一个, en: Again}\n")
    p = only(minimal.problems())
    assert (p.line, p.field) == (2, "mechanism[job-fairs].id") and "duplicate" in p.message


# --- schema of a record -------------------------------------------------------------

def test_missing_required_field(minimal):
    minimal.replace(CASE, "west: west-prov\n", "")
    p = only(minimal.problems())
    assert p.field == "west" and "required" in p.message.lower()


def test_wrong_type_names_the_line_of_the_field(minimal):
    minimal.replace(CASE, "sources: [src]", "sources: src")
    p = only(minimal.problems())
    assert (p.line, p.field) == (6, "sources")


def test_misspelt_field(minimal):
    minimal.replace(CASE, "lessons:", "lesons:")
    fields = {p.field for p in minimal.problems()}
    assert fields == {"lessons", "lesons"}


def test_register_entry_with_wrong_enum_value(minimal):
    minimal.replace("data/regions.yaml", "level: province, parent: china}\n- {id: west",
                    "level: provence, parent: china}\n- {id: west")
    p = only(minimal.problems())
    assert (p.path.endswith("regions.yaml"), p.line, p.field) == (True, 2, "region[east-prov].level")
    assert "province" in p.message


# --- figures.csv --------------------------------------------------------------------

def add_row(project, row: str) -> int:
    project.append(FIGS, row + "\n")
    return project.read(FIGS).count("\n")


def test_figure_without_source(minimal):
    line = add_row(minimal, "funds,3,万元,,2019,2019,west-prov,actual,,,para 2,,,,,")
    assert where(only(minimal.problems())) == (FIGS, line, "source")


def test_figure_without_locator(minimal):
    line = add_row(minimal, "funds,3,万元,,2019,2019,west-prov,actual,,src,,,,,,")
    assert where(only(minimal.problems())) == (FIGS, line, "locator")


def test_unknown_metric(minimal):
    line = add_row(minimal, "fundz,3,万元,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "metric") and "unknown metric 'fundz'" in p.message


def test_unknown_unit(minimal):
    line = add_row(minimal, "funds,3,万圆,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    assert where(only(minimal.problems())) == (FIGS, line, "unit")


def test_unit_that_contradicts_the_metric(minimal):
    line = add_row(minimal, "funds,3,人,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "unit") and "contradicts" in p.message


def test_unknown_scope_source_and_category(minimal):
    line = add_row(minimal, "funds,3,万元,,2019,2019,nowhere,actual,group-z,elsewhere,para 2,,,,,")
    assert {(p.line, p.field) for p in minimal.problems()} == {(line, "scope"), (line, "source"), (line, "category")}


def test_negative_count(minimal):
    line = add_row(minimal, "workers,-5,人,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "value") and "negative" in p.message


def test_negative_money_is_allowed(minimal):
    add_row(minimal, "funds,-592.4,万元,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    assert minimal.problems() == []


def test_figure_dated_after_its_source_was_published(minimal):
    line = add_row(minimal, "funds,3,万元,,2019,2019-12,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "end") and "after its source was published" in p.message


def test_a_target_may_lie_after_publication(minimal):
    add_row(minimal, "funds,3,万元,,2020,2020,west-prov,target,,src,para 2,,,,,")
    assert minimal.problems() == []


def test_duplicate_figure(minimal):
    line = add_row(minimal, "funds,40,万元,,2018,2018,west-prov,actual,,src,para 9,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "metric") and "duplicate figure: line 5" in p.message


def test_sub_item_above_its_total_without_a_flag(minimal):
    minimal.replace(FIGS, "workers_poor,7000,人", "workers_poor,17000,人")
    messages = [p.message for p in minimal.problems()]
    assert any("exceeds its total" in m for m in messages)
    p = next(p for p in minimal.problems() if "exceeds" in p.message)
    assert where(p) == (FIGS, 3, "value")


def test_sub_item_above_its_total_with_a_flag_is_accepted(minimal):
    minimal.replace(FIGS, "workers_poor,7000,人,,,2018-12,west-prov,actual,,src,para 1,,,,,",
                    "workers_poor,17000,人,,,2018-12,west-prov,actual,,src,para 1,,,sub-exceeds-total,"
                    "分项大于总数,Sub-item above total")
    assert [p for p in minimal.problems() if "exceeds" in p.message] == []


def test_parts_that_do_not_add_up(minimal):
    minimal.replace(FIGS, "workers_other,5000", "workers_other,4000")
    p = only(minimal.problems())
    assert where(p) == (FIGS, 2, "value") and "(lines 3, 4) add up to 1.1 万人, not 1.2 万人" in p.message


def test_units_are_converted_before_comparing(minimal):
    # 1.2万人 = 12000 = 7000 + 5000: no problem although the units differ.
    assert minimal.problems() == []


def test_flag_without_explanation(minimal):
    minimal.replace(FIGS, "para 3,,,,,", "para 3,,,inconsistent,,")
    assert {p.field for p in minimal.problems()} == {"flag_zh"}


def test_explanation_without_flag(minimal):
    minimal.replace(FIGS, "para 3,,,,,", "para 3,,,,说明,note")
    assert only(minimal.problems()).field == "flag"


def test_note_in_one_language_only(minimal):
    minimal.replace(FIGS, "para 3,,,,,", "para 3,只有中文,,,,")
    assert only(minimal.problems()).field == "note_en"


def test_ragged_row(minimal):
    line = add_row(minimal, "funds,3,万元,2019,2019,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert (p.line, p.field) == (line, "(row)") and "cells" in p.message


def test_value_with_thousands_separator(minimal):
    line = add_row(minimal, 'funds,"1,200",万元,,2019,2019,west-prov,actual,,src,para 2,,,,,')
    p = only(minimal.problems())
    assert (p.line, p.field) == (line, "value") and "plain number" in p.message


def test_unknown_column(minimal):
    minimal.write(FIGS, HEADER.replace("locator", "locater"))
    assert {p.field for p in minimal.problems()} == {"locater", "locator"}


def test_csv_saved_with_a_bom_is_read(minimal):
    path = minimal.root / FIGS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert minimal.problems() == []


def test_csv_not_in_utf8_is_rejected_with_a_how_to(minimal):
    path = minimal.root / FIGS
    path.write_bytes(path.read_text(encoding="utf-8").replace("para 3", "第三段").encode("gb18030"))
    p = only(minimal.problems())
    assert "not UTF-8" in p.message and "CSV UTF-8" in p.hint


# --- references from cases ----------------------------------------------------------

@pytest.mark.parametrize("old,new,field", [
    ("east: east-prov", "east: atlantis", "east"),
    ("sources: [src]", "sources: [src, nosuch]", "sources.1"),
    ("mechanisms: [job-fairs]", "mechanisms: [job-fair]", "mechanisms.0"),
    ("sources: [src]", "sources: [src]\nrelated: [no-such-case]", "related.0"),
    ("sources: [src]", "sources: [src]\nparent: no-such-case", "parent"),
])
def test_unknown_references_in_a_case(minimal, old, new, field):
    minimal.replace(CASE, old, new)
    p = only(minimal.problems())
    assert p.field == field and "unknown" in p.message


def test_case_must_list_the_sources_its_figures_cite(minimal):
    minimal.append("data/sources.yaml", "- {id: other, title: {zh: 另, en: Other}, short: {zh: 另, en: Other}, author: a, author_en: a, "
                                        "publisher: p, publisher_en: p, published: 2019, language: zh}\n")
    add_row(minimal, "funds,3,万元,,2019,2019,west-prov,actual,,other,para 2,,,,,")
    p = only(minimal.problems())
    assert p.field == "sources" and "'other'" in p.message


def test_register_references(minimal):
    minimal.append("data/metrics.yaml", "  - {id: extra, zh: 额外, en: Extra, unit: 斤, kind: count, group: nope, "
                                        "part_of: nothing}\n")
    assert {p.field for p in minimal.problems()} == {"metric[extra].unit", "metric[extra].group",
                                                     "metric[extra].part_of"}


def test_every_problem_of_a_run_is_reported_at_once(minimal):
    minimal.replace(CASE, "east: east-prov", "east: atlantis")
    add_row(minimal, "fundz,3,万元,,2019,2019,west-prov,actual,,src,para 2,,,,,")
    add_row(minimal, "funds,3,人,,2019,2019,west-prov,actual,,src,para 3,,,,,")
    assert len(minimal.problems()) == 3


# --- figures.csv that cannot be read as it stands: a problem with its line, never an exception --------

def test_a_control_character_in_a_cell_names_its_column(minimal):
    line = add_row(minimal, "funds,3,万元,,2019,2019,west-prov,actual,,src,para\x002,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "locator") and "U+0000" in p.message


def test_an_unclosed_quote_names_the_line_where_it_opens(minimal):
    line = add_row(minimal, 'funds,3,万元,,2019,2019,west-prov,actual,,src,"para 2,,,,,\nfunds,4,万元,,2018,2018,west-prov,actual,,src,para 3,,,,,')
    p = only(minimal.problems())
    assert (p.line, p.field) == (line - 1, "(row)") and "double quote is not closed" in p.message


def test_a_cell_above_the_csv_field_limit_is_a_problem(minimal):
    line = add_row(minimal, 'funds,3,万元,,2019,2019,west-prov,actual,,src,"' + "x" * 200_000 + '",,,,,')
    p = only(minimal.problems())
    assert (p.line, p.field) == (line, "(row)") and "field larger than field limit" in p.message


def test_a_column_twice_in_the_header(minimal):
    minimal.write(FIGS, HEADER.replace("note_en", "note_en,locator"))
    p = only(minimal.problems())
    assert (p.line, p.field) == (1, "locator") and "appears 2 times" in p.message


def test_csv_in_utf16_is_named(minimal):
    path = minimal.root / FIGS
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    p = only(minimal.problems())
    assert (p.line, p.field) == (1, "(file)") and "UTF-16" in p.message


def test_more_rows_than_the_limit(minimal):
    from casegen.load import MAX_ROWS

    rows = "".join(f"funds,{i},万元,,,{1000 + i},west-prov,target,,src,row {i},,,,,\n" for i in range(MAX_ROWS))
    minimal.append(FIGS, rows)
    p = only(minimal.problems())
    assert (p.line, p.field) == (MAX_ROWS + 2, "(row)") and f"more than {MAX_ROWS:,} figures" in p.message


# --- fixes found by the corpus of broken input (tests/test_corpus.py) ---------------------------------

def test_a_figure_citing_a_source_that_failed_its_schema_is_not_reported_again(minimal):
    minimal.replace("data/sources.yaml", "published: 2019-06-30", "published: 2019-13-30")
    p = only(minimal.problems())
    assert (p.line, p.field) == (8, "source[src].published") and "month 13" in p.message


def test_references_into_a_register_that_cannot_be_read_are_not_reported(minimal):
    minimal.write("data/sources.yaml", "- id: src\n  title: [\n")
    p = only(minimal.problems())
    assert p.path.endswith("data/sources.yaml") and p.field == "(yaml)"


def test_year_zero_is_a_problem_not_a_crash(minimal):
    line = add_row(minimal, "funds,3,万元,,,0000,west-prov,actual,,src,para 2,,,,,")
    p = only(minimal.problems())
    assert where(p) == (FIGS, line, "end") and "year 0000 does not exist" in p.message


def test_a_source_published_in_the_future(minimal):
    minimal.replace("data/sources.yaml", "published: 2019-06-30", "published: 2999-06-30")
    p = only(minimal.problems())
    assert (p.line, p.field) == (8, "source[src].published") and "in the future" in p.message


def test_an_id_listed_twice(minimal):
    minimal.replace(CASE, "mechanisms: [job-fairs]", "mechanisms: [job-fairs, job-fairs]")
    p = only(minimal.problems())
    assert (p.line, p.field) == (7, "mechanisms.1") and "listed twice" in p.message


def test_a_case_related_to_itself_wherever_it_lists_itself(minimal):
    minimal.replace(CASE, "mechanisms: [job-fairs]", "mechanisms: [job-fairs]\nrelated: [east-west, east-west]")
    found = sorted((p.line, p.field, p.message) for p in minimal.problems())
    assert [(line, field) for line, field, message in found if "related to itself" in message] == \
        [(8, "related.0"), (8, "related.1")]
    assert [field for _, field, message in found if "listed twice" in message] == ["related.1"]


@pytest.mark.parametrize("url", ['https://example.org/a b', 'https://example.org/"><script>alert(1)</script>'])
def test_a_url_with_spaces_quotes_or_brackets(minimal, url):
    minimal.append("data/sources.yaml", f"  url: '{url}'\n")
    p = only(minimal.problems())
    assert (p.line, p.field) == (10, "source[src].url") and "a URL cannot contain" in p.message


def test_an_infinite_unit_factor(minimal):
    minimal.replace("data/units.yaml", 'dimension: people, factor: 10000}', "dimension: people, factor: .inf}")
    p = only(minimal.problems())
    assert (p.line, p.field) == (2, "unit[万人].factor") and "finite" in p.message
