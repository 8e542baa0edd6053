"""A locator reads in the page's language: on a Chinese page every English word an editor wrote is Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casegen import locators
from casegen.load import load_library

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lib():
    library, _ = load_library(ROOT / "data")
    return library


def test_every_locator_of_the_library_reads_in_chinese_on_a_chinese_page(lib):
    """No English word and no stray template mark ({n}) is left in any of the real library's locators."""
    seen = 0
    for slug, figures in lib.figures.items():
        for f in figures:
            shown = locators.zh(f.locator)
            assert not re.search(r"[A-Za-z]{2,}|[{}]", shown), (slug, f.line, f.locator, shown)
            seen += 1
    assert seen > 200


@pytest.mark.parametrize("english, chinese", [
    ("para 2, sentence 1; repeated in sentence 2", "第2段，第1句；重复见第2句"),
    ("para 2; repeated in sentence 12", "第2段；重复见第12句"),
    ("para 3, also in the headline", "第3段，标题中亦有"),
    ("表4-1, row 技能培训班, column 惠及人数", "表4-1，“技能培训班”行，“惠及人数”列"),
])
def test_a_phrase_with_a_number_puts_the_number_where_the_chinese_has_it(english, chinese):
    assert locators.zh(english) == chinese


def test_a_phrase_with_a_number_on_one_side_only_is_refused(tmp_path, monkeypatch):
    words = tmp_path / "locator_words.yaml"
    words.write_text('phrases:\n  "repeated in sentence {n}": 重复见句\n', encoding="utf-8")
    monkeypatch.setattr(locators, "WORDS", words)
    locators._phrases.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"locator_words.yaml.*repeated in sentence"):
            locators.zh("para 1")
    finally:
        locators._phrases.cache_clear()


def test_remembered_results_are_those_of_the_text_as_given():
    """mark_chinese and shown keep their results (pure functions, asked again and again): a number and a
    text that compare equal are still written each as it is."""
    from casegen.locators import mark_chinese, shown
    from casegen.text import plain

    assert [plain(mark_chinese(v)) for v in (1, 1.0, True)] == ["1", "1.0", "True"]
    assert str(shown("表3", "en")) == "Table 3" and str(shown("表3", "en")) == "Table 3"
    assert str(shown("p. 3, lead para", "zh")) != str(shown("p. 3, lead para", "en"))
