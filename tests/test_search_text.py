"""casegen/search_text.py and the search worker cut text into the same terms: the build indexes what the
browser looks up. The same examples run in Python and, on the worker's own functions, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from casegen.search_text import count_terms, fnv1a, normalize, stem, terms, traditional_to_simplified

WORKER = next((Path(__file__).parent.parent / "overrides/assets/javascripts/workers").glob("search.*.js"))

NORMALIZED = [
    ("敘永", "叙永"), ("勞務協作", "劳务协作"), ("護路員", "护路员"), ("專場招聘會", "专场招聘会"),
    ("裡", "里"),  # a variant that first becomes another Traditional form
    ("ＸＵＹＯＮＧ", "xuyong"), ("Xuyong", "xuyong"), ("贫困发生率", "贫困发生率"),
]
TERMS = [
    ("叙永县", ["叙永", "永县"]),
    ("县", ["县"]),
    ("workshops", ["workshop"]), ("cities", ["city"]), ("fees", ["fee"]), ("glass", ["glass"]), ("bus", ["bus"]),
    ("xuyong 2019年", ["xuyong", "2019", "年"]),
    ("东莞—昭通", ["东莞", "昭通"]),
    ("job-fairs", ["job", "fair"]),
]
HASHED = ["叙永", "xuyong", "=劳务协作", "𠀀x", "a"]


@pytest.mark.parametrize("text, expected", NORMALIZED)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text, expected", TERMS)
def test_terms(text, expected):
    assert terms(text) == expected
    assert count_terms(text) == {t: expected.count(t) for t in expected}


def test_stem_keeps_short_words():
    assert [stem(w) for w in ("is", "us", "gas", "series")] == ["is", "us", "ga", "sery"]


def test_the_traditional_table_is_characters_to_characters():
    table = traditional_to_simplified()
    assert len(table) > 2500
    assert all(len(t) == len(s) == 1 and t != s for t, s in table.items())
    assert table["敘"] == "叙" and "叙" not in table


@pytest.fixture(scope="module")
def worker_page(chromium):
    """A blank page with the worker's script loaded as a plain script: its functions are globals."""
    context = chromium.new_context()
    # a page at a site's address (the worker finds its index from its own); nothing is fetched from it
    context.route("http://127.0.0.1:9/**", lambda route: route.fulfill(
        body="<!doctype html><title>worker</title>", content_type="text/html"))
    page = context.new_page()
    page.goto("http://127.0.0.1:9/assets/javascripts/workers/test.html")
    page.add_script_tag(content=WORKER.read_text(encoding="utf-8"))
    table = {t: s for t, s in traditional_to_simplified().items() if s in "".join(e for _, e in NORMALIZED)}
    page.evaluate("table => { traditional = new Map(Object.entries(table)) }", table)
    yield page
    context.close()


def test_the_worker_cuts_text_as_the_build_does(worker_page):
    for text, expected in NORMALIZED:
        assert worker_page.evaluate("t => normalize(t)", text) == expected, text
    for text, expected in TERMS:
        got = worker_page.evaluate("t => (normalize(t).match(RUNS) || []).flatMap(runTerms)", normalize(text))
        assert got == expected, text
    for term in HASHED:
        assert worker_page.evaluate("t => fnv1a(t)", term) == fnv1a(term), term


def test_the_worker_escapes_what_it_shows_and_marks_the_query(worker_page):
    shown = worker_page.evaluate("""() => highlight('<img src=x onerror=alert(1)> 叙永 & "Xuyong"…',
                                                    [{text: "叙永"}, {text: "xuyong"}])""")
    assert "<img" not in shown and "&#60;img" in shown
    assert "<mark data-md-highlight>叙永</mark>" in shown
    assert "<mark data-md-highlight>Xuyong</mark>" in shown  # found case folded, shown as typed
    assert shown.endswith("&#34;…")
