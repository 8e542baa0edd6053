"""Shared helpers for the browser tests: the real site built once, served on 127.0.0.1, one Chromium.

Import with ``from browser import *`` in a test module; pytest then finds the fixtures below.
Chromium is Debian's (/usr/bin/chromium, never ``playwright install``); it is driven by Playwright's
sync API. Every request that does not go to the local server is recorded and aborted, so a page
that tries to reach a font CDN or an analytics host fails its test instead of hanging or leaking.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, Project, copy_project

# Fixtures are registered once, through conftest.py; test modules import only the helpers below.
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "SCREENSHOTS", "HOST", "VIEWPORT", "Tab", "is_foreign", "path_of",
           "loaded_images", "search", "casegen_command"]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 900}  # wide enough for Material's header search box and both sidebars


def casegen_command() -> list[str]:
    """The casegen of the running interpreter's venv (the README's .venv/bin/casegen)."""
    exe = Path(sys.executable).parent / "casegen"
    if not exe.exists():
        exe = ROOT / ".venv" / "bin" / "casegen"
    return [str(exe)]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Project:
    """The real project copied to a temporary folder and built with ``casegen --root <copy> build``."""
    project = copy_project(tmp_path_factory.mktemp("browser") / "project")
    # As a newcomer builds it: no SITE_URL, no git remote, so the site's address is unknown.
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    result = subprocess.run([*casegen_command(), "--root", str(project.root), "build"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    project.build_output = result.stderr + result.stdout
    assert (project.root / "site" / "index.html").exists()
    return project


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass

    def send_error(self, code, message=None, explain=None):
        # as GitHub Pages does: a missing address gets the site's 404.html, with the status 404
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """``http://127.0.0.1:<free port>`` serving the built site/ from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.root / "site"))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A fresh page plus what it did: every request URL, console errors and uncaught exceptions."""

    page: object
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).hostname != HOST]


LOCAL_SCHEMES = ("data", "blob", "about")


def is_foreign(url: str) -> bool:
    """A request that would leave the machine (inline data: and blob: URLs never do)."""
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname != HOST


@pytest.fixture
def tab(chromium, site_url):
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(10_000)
    t = Tab(page, site_url)
    page.on("request", lambda request: t.requests.append(request.url))
    page.on("console", lambda msg: t.errors.append(f"console: {msg.text} ({msg.location.get('url')})")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: t.errors.append(f"pageerror: {exc}"))
    # Nothing may leave the machine: record (above) and abort whatever is not the local server.
    context.route(is_foreign, lambda route: route.abort())
    yield t
    context.close()


@pytest.fixture(scope="module")
def search_page(chromium, site_url):
    """``search_page(path)``: a page at ``path`` kept open for the module's search queries.

    The queries of one language share a page, as a reader's do: the worker keeps the parts of the
    index it has fetched. ``search`` empties the box and waits for the worker between queries, so
    they do not see each other's results.
    """
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    context.route(is_foreign, lambda route: route.abort())
    pages = {}

    def open_at(path: str):
        if path not in pages:
            page = context.new_page()
            page.set_default_timeout(10_000)
            response = page.goto(site_url + path)
            assert response is not None and response.ok, path
            pages[path] = page
        return pages[path]

    yield open_at
    context.close()


def path_of(url: str) -> str:
    """The path of a URL, without query or fragment: http://127.0.0.1:1/en/x/#a -> /en/x/."""
    return urlsplit(url).path


def loaded_images(page) -> list[dict]:
    """Every <img> of the page once it has loaded or failed (lazy images are made eager first)."""
    return page.evaluate("""async () => Promise.all(Array.from(document.images).map(async img => {
        img.loading = "eager";
        try { await img.decode(); } catch (e) { /* broken: naturalWidth stays 0 */ }
        return {src: img.currentSrc || img.src, width: img.naturalWidth, alt: img.alt};
    }))""")


COUNT = re.compile(r"\d|没有|No matching")  # the result meta once a query has been answered


def search(page, query: str) -> list[str]:
    """Type ``query`` into Material's search box; the paths of the result articles, best first.

    Material searches on key-up. ``fill`` sets the whole value with no key event (Chinese typed
    through an IME arrives the same way), so one real key (End) follows to start the search.
    The result meta changes only when the worker answers: it shows the placeholder once the
    index is ready and the box is empty, then the count for the query. Waiting for the
    placeholder first (emptying the box if an earlier query is in it) makes sure the count read
    afterwards answers this query, not an earlier one, so one page can take several queries.
    """
    from playwright.sync_api import expect

    placeholder = page.evaluate(
        "JSON.parse(document.getElementById('__config').textContent).translations['search.result.placeholder']")
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    box.click()
    if box.input_value():
        box.fill("")
        page.keyboard.press("End")
    expect(meta).to_have_text(placeholder, timeout=15_000)  # the worker builds the index first
    box.fill(query)
    page.keyboard.press("End")
    expect(meta).to_have_text(COUNT, timeout=10_000)
    if not re.search(r"\d", meta.inner_text()):
        return []
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link:first-child", "links => links.map(a => a.href)")
    return [path_of(h) for h in hrefs]
