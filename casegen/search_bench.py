"""The search as a reader meets it, measured on a built site: what the first query fetches and how soon
its results show, in headless Chromium from a local server (casegen.bench calls ``measure`` for each
library size; tests/test_search.py holds the limits on a 1,000-case index).

The bytes counted are every response of the search from the page's load to the first results: Material's
stub search_index.json, the worker and what the worker fetches (manifest, shards, page summaries). The time
runs from the key that starts the search to the first result in the list.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUERIES = (("/", "叙永"), ("/en/", "Zhaotong"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@contextmanager
def serve(site: Path):
    """``http://127.0.0.1:<port>`` serving ``site`` from a thread, for the block's duration."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def index_bytes(site: Path) -> int:
    """The search index on disk, every language (the results pages themselves left out)."""
    return sum(f.stat().st_size for folder in [site / "search", *site.glob("*/search")] if folder.is_dir()
               for f in folder.rglob("*") if f.is_file() and f.name != "index.html")


def is_search(url: str) -> bool:
    return "/search/" in url or "/workers/search." in url


def first_query(browser, base: str, path: str, query: str) -> dict:
    """One fresh page at ``path``: ``query`` typed in the header's box; bytes fetched and seconds to results."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    fetched: list[int] = []

    def finished(request):
        if is_search(request.url):
            fetched.append(request.sizes()["responseBodySize"])

    context.on("requestfinished", finished)
    page.goto(base + path, wait_until="networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    started = time.perf_counter()
    page.keyboard.press("End")  # Material searches on key-up
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    seconds = time.perf_counter() - started
    first = page.eval_on_selector(".md-search-result__item a", "a => new URL(a.href).pathname")
    page.wait_for_load_state("networkidle")
    context.close()
    return {"path": path, "query": query, "bytes": sum(fetched), "requests": len(fetched), "seconds": seconds,
            "first": first}


def measure(site: Path, queries=QUERIES) -> dict:
    """Index size on disk and, for each query, the first search's bytes and time (Chromium needed)."""
    from playwright.sync_api import sync_playwright

    result = {"index_bytes": index_bytes(site), "queries": []}
    if not Path(CHROMIUM).exists():
        return result
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            result["queries"] = [first_query(browser, base, path, query) for path, query in queries]
        finally:
            browser.close()
    if result["queries"]:
        result["first_query_bytes_max"] = max(q["bytes"] for q in result["queries"])
        result["first_result_s_max"] = max(q["seconds"] for q in result["queries"])
    return result
