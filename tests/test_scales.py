"""Values on a scale of their own: shares written 0–1 read as percentages, code means with their codes."""

from __future__ import annotations

import pytest

from casegen import scales, text
from casegen.render import Renderer
from casegen.validate import validate
from conftest import ROOT


@pytest.mark.parametrize("published, shown", [("0.631", "63.1"), ("0.5", "50"), ("1", "100"), ("0.0005", "0.05")])
def test_a_share_is_read_as_a_percentage_exactly(published, shown):
    assert scales.percent(published) == shown


@pytest.fixture(scope="module")
def amount():
    lib = validate(ROOT / "data")
    renderer = Renderer(lib)
    figures = {(f.metric, f.category): f for f in lib.figures["longyou-xuyong"]}
    # what a reader sees of the page's Markdown (text.plain)
    return lambda metric, category, lang: text.plain(renderer.helpers(lang, 0)["amount"](figures[(metric, category)]))


def test_survey_values_read_as_their_source_means_them(amount):
    assert amount("share_male", "coop-workers", "zh") == "63.1%"
    assert amount("share_male", "coop-workers", "en") == "63.1%"
    zh = amount("education_code_mean", "coop-workers", "zh")
    assert zh.startswith("2.034（编码均值：1=小学及以下") and "比例" not in zh
    en = amount("education_code_mean", "coop-workers", "en")
    assert en.startswith("2.034 (mean of codes: 1 = primary school") and "say" not in en
    # industries have no order: their mean is printed with the warning that it says little
    assert "says little" in amount("industry_code_mean", "coop-workers", "en")
    assert "说明不了什么" in amount("industry_code_mean", "local-workers", "zh")
