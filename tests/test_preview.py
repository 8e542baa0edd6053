"""The live preview's rebuild of only what changed: what it carries over between rebuilds (casegen.preview).
The preview itself, in a browser, is tested in test_serve.py."""

from __future__ import annotations

import json

from casegen import preview


def entry(location: str, text: str = "") -> dict:
    return {"location": location, "title": location, "text": text}


def test_the_search_index_keeps_the_pages_a_rebuild_did_not_render():
    previous = [entry("", "home"), entry("cases/a/", "old a"), entry("cases/a/#figures", "old figures"),
                entry("cases/b/", "b"), entry("en/cases/a/", "old en a")]
    rendered = [entry("cases/a/", "new a"), entry("cases/c/", "c")]
    pages = {"", "cases/a/", "cases/b/", "cases/c/", "en/cases/a/"}
    merged = preview.merge_search_entries(previous, rendered, pages)
    assert [(e["location"], e["text"]) for e in merged] == [
        ("", "home"), ("cases/a/", "new a"), ("cases/b/", "b"), ("en/cases/a/", "old en a"), ("cases/c/", "c")]


def test_a_deleted_page_leaves_neither_its_files_nor_its_search_entries(tmp_path):
    site = tmp_path / "site"
    for rel in ("index.html", "cases/a/index.html", "cases/b/index.html", "cases/b/charts/x.svg"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x", encoding="utf-8")
    (site / "search").mkdir()
    docs = [entry(""), entry("cases/a/"), entry("cases/b/"), entry("cases/b/#figures")]
    (site / "search/search_index.json").write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    key = str(site)
    preview.after_rebuild(key, {"index.html", "cases/a/index.html", "cases/b/index.html", "cases/b/charts/x.svg"},
                          dirty=True)
    # the next rebuild renders the home page only; case b is gone
    (site / "search/search_index.json").write_text(json.dumps({"config": {}, "docs": [entry("", "new")]}),
                                                    encoding="utf-8")
    preview.after_rebuild(key, {"index.html", "cases/a/index.html"}, dirty=True)
    assert not (site / "cases/b").exists() and (site / "cases/a/index.html").exists()
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert [(e["location"], e["text"]) for e in index["docs"]] == [("", "new"), ("cases/a/", "")]


def test_an_entry_gathered_twice_is_kept_once():
    twice = [entry("cases/a/", "a"), entry("cases/a/", "a"), entry("en/cases/a/", "a")]
    assert preview.merge_search_entries([], twice, {"cases/a/", "en/cases/a/"}) == [twice[0], twice[2]]
