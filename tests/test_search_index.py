"""The search index (casegen.search_index): each term lists the pages it is on, in page order, each as the
difference from the page before and its weight there, whatever way the index is computed."""

from __future__ import annotations

from casegen.search_index import Page, Phrases, build_index, page_weights


def plainly(pages: list[Page], phrases: Phrases, average: float) -> dict[str, list[int]]:
    """The index as its definition reads: for each term in order, for each page in order that has it."""
    weights = [page_weights(page, phrases, average) for page in pages]
    out: dict[str, list[int]] = {}
    for term in sorted({t for w in weights for t in w}):
        previous, posting = 0, []
        for number, w in enumerate(weights):
            if term in w:
                posting += [number - previous, w[term]]
                previous = number
        out[term] = posting
    return out


def page(location: str, title: str, body: str) -> Page:
    return Page(location, title, "", body, body[:20], 1.0)


def test_each_term_lists_its_pages_in_order_with_their_weights():
    pages = [page("a/", "劳务协作", "东西部劳务协作 East–West labour cooperation, 2020"),
             page("b/", "Job fairs", "job fairs 招聘会 in 叙永县, 2020 and 2021"),
             page("c/", "叙永县", "叙永县 labour 劳务 2021"),
             page("d/", "Nothing shared", "zzz")]
    phrases = Phrases(["叙永县", "劳务协作"])
    index = build_index(pages, phrases)
    # the weights depend on the pages' average length, which the index works out: the plain index for one average
    average = next((a for a in range(1, 200) if plainly(pages, phrases, float(a)) == index.postings), None)
    assert average is not None, "no average length gives the plain index"
    assert list(index.postings) == sorted(index.postings)
    assert index.postings["2020"][:2] == [0, page_weights(pages[0], phrases, float(average))["2020"]]


def test_no_pages_make_an_empty_index():
    assert build_index([], Phrases([])).postings == {}


def test_a_summary_ends_between_english_words_and_anywhere_in_chinese():
    from casegen.search_index import SUMMARY_CHARS, page_from_html

    english = "Every figure keeps its qualifier as published, " * 8
    summary = page_from_html("a/", "T", f"<h1>T</h1><p>{english}</p>", None, 1.0).summary
    assert summary.endswith("…") and len(summary) <= SUMMARY_CHARS + 1
    assert english.startswith(summary[:-1]) and english[len(summary) - 1] in " ,", summary  # a whole word last
    chinese = "东部省市如何帮助西部贫困地区的劳动力外出务工、就近就业和提升技能。" * 8
    summary = page_from_html("b/", "T", f"<h1>T</h1><p>{chinese}</p>", None, 1.0).summary
    assert summary == chinese[:SUMMARY_CHARS].rstrip() + "…"
