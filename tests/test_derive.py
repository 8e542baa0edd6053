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


def test_every_comparison_group_with_figures_has_rows(lib):
    result = comparisons(lib)
    assert set(result) == set(lib.groups)
    for group in ("fairs", "jobs", "placement", "income", "training", "funds", "posts"):
        assert result[group].stories, group


def test_not_reported_is_an_empty_cell_never_zero(lib):
    jobs = comparisons(lib)["jobs"]
    # Shandong–Chongqing reports no job postings received: its cell holds no figure at all.
    cell = jobs.cells[("shandong-chongqing", "job_postings_received")]
    assert cell.figure is None and cell.others == 0


def test_a_comparison_cell_prefers_the_pairings_own_region_and_actual_series(lib):
    posts = comparisons(lib)["posts"]
    cell = posts.cells[("xiaoshan-congjiang", "public_welfare_posts")]
    assert cell.figure.series == "actual" and cell.figure.scope == "congjiang" and not cell.figure.category
    assert cell.others > 0
