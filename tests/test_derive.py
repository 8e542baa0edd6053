"""Derived figures and comparisons: computed from figures of one source, place and period, and explained."""

from __future__ import annotations

import pytest

from casegen.derive import comparisons, derived, frame
from casegen.validate import validate
from conftest import ROOT


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


def by_id(items, ratio_id, story):
    return next(d for d in items if d.ratio.id == ratio_id and d.story == story)


def test_values_are_converted_to_the_base_unit(lib):
    df = frame(lib)
    row = df[(df.story == "zhejiang-sichuan") & (df.metric == "jobs_offered")].iloc[0]
    assert (row.value, row.unit, row.value_base) == (1.3, "万个", 13000)


def test_jobs_per_employer_uses_one_source_and_period(lib):
    d = by_id(derived(lib), "jobs_per_employer", "shandong-chongqing")
    assert d.value == pytest.approx(20605 / 212)
    assert d.numerator.source == d.denominator.source and d.numerator.end == d.denominator.end


def test_a_unit_conversion_happens_before_dividing(lib):
    d = by_id(derived(lib), "jobs_per_employer", "zhejiang-sichuan")
    assert d.value == pytest.approx(13000 / 122)


def test_share_of_registered_poor_among_agreements(lib):
    d = by_id(derived(lib), "poor_share_of_agreements", "zhejiang-sichuan")
    assert d.value == pytest.approx(1096 / 4112 * 100)


def test_income_gain_compares_the_two_survey_groups(lib):
    d = by_id(derived(lib), "survey_income_gain", "longyou-xuyong")
    assert d.value == pytest.approx(11715.3 - 8361.8)


def test_shares_of_the_poor_labour_force_divide_figures_of_one_place_and_date(lib):
    d = by_id(derived(lib), "poor_workers_in_jobs_share", "yang-county")
    assert d.value == pytest.approx(16000 / 22198 * 100)
    d = by_id(derived(lib), "poor_transferred_share", "dongguan-zhaotong")
    assert d.numerator.scope == d.denominator.scope == "zhenxiong"
    assert d.value == pytest.approx(26.5 / 30.2 * 100)  # the 87.7% Zhenxiong's source prints beside them


def test_every_group_two_pairings_report_has_a_comparison(lib):
    result = comparisons(lib)
    assert set(result) == set(lib.groups)
    for group in ("fairs", "jobs", "placement", "income", "training", "funds", "posts", "poverty"):
        assert result[group].indicators and len(result[group].stories) >= 2, group
    # only Longyou–Xuyong surveyed its workers: nothing to compare, no page
    assert not result["survey"].indicators and not result["survey"].rows


def cell(comparison, story, level, indicator):
    return next(r for r in comparison.rows if r.story == story and r.level == level).cells[indicator]


def test_not_reported_is_an_empty_cell_never_zero(lib):
    jobs = comparisons(lib)["jobs"]
    # Shandong–Chongqing reports no job postings received: its cell holds no figure at all.
    c = cell(jobs, "shandong-chongqing", "province", "job-postings")
    assert c.figure is None and c.others == 0


def test_a_comparison_cell_prefers_the_pairings_own_region_and_actual_series(lib):
    posts = comparisons(lib)["posts"]
    c = cell(posts, "xiaoshan-congjiang", "county", "public-welfare-posts")
    assert c.figure.series == "actual" and c.figure.scope == "congjiang" and not c.figure.category
    assert not c.differs
