"""Accessibility of the built site: axe-core in Chromium, the keyboard, charts' text alternatives, both schemes.

axe-core is vendored: tests/vendor/axe-core/axe.min.js is axe-core 4.10.3 from the npm registry, unchanged,
with its licence (MPL-2.0) beside it; see tests/vendor/axe-core/README.md to update it. It is injected into
each page and must report no serious or critical violation on the home page, a case, a comparison and a
mechanism page, in Chinese and English, in the light and the dark colour scheme (the scheme follows the
reader's system setting: the browser context sets it). The charts' data tables are opened first, so their
contents are checked too. Known problems of the theme's templates are xfail(strict=True) with their fix.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from browser import *  # noqa: F403 - fixtures (built_site, site_url, chromium) and helpers

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.10.3"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"

PAGES = ["/", "/en/", "/cases/yang-county/", "/en/cases/yang-county/", "/compare/income/",
         "/en/compare/income/", "/mechanisms/job-fairs/", "/en/mechanisms/job-fairs/"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme → Material's data-md-color-scheme

# Material's search overlay is <div class="md-search" role="dialog"> with no name (its template, not ours).
KNOWN = {("aria-dialog-name", ".md-search")}


def test_the_vendored_axe_core_is_the_pinned_release():
    source = AXE.read_bytes()
    assert source.startswith(f"/*! axe v{AXE_VERSION}".encode())
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256
    assert "Mozilla Public License" in (AXE.parent / "LICENSE").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=list(SCHEMES))
def scheme_page(request, chromium, site_url):
    """One page per colour scheme for the module's checks, nothing allowed off 127.0.0.1."""
    context = chromium.new_context(viewport=VIEWPORT, color_scheme=request.param, service_workers="block")
    context.route(is_foreign, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield request.param, page
    context.close()


def run_axe(page, url: str, rules: list[str] | None = None) -> list[dict]:
    """axe's violations on ``url``, every <details> opened first; [{id, impact, help, targets}]."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return page.evaluate("""async options => (await axe.run(document, options)).violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')), summary: v.nodes[0].failureSummary}))""", options)


@pytest.mark.parametrize("path", PAGES)
def test_axe_reports_no_serious_or_critical_violation(scheme_page, site_url, path):
    scheme, page = scheme_page
    violations = run_axe(page, site_url + path)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
    bad = [f"{v['impact']} {v['id']} ({v['help']}) on {targets}: {v['summary']}"
           for v in violations if v["impact"] in ("serious", "critical")
           for targets in [[t for t in v["targets"] if (v["id"], t) not in KNOWN]] if targets]
    assert not bad, f"{path} ({scheme}):\n" + "\n".join(bad)


def test_the_search_dialog_has_a_name(tab):
    assert not run_axe(tab.page, tab.base + "/", rules=["aria-dialog-name"])
    assert re.fullmatch(r"[\u4e00-\u9fff]+", tab.page.get_attribute("div.md-search", "aria-label"))  # 查找
    tab.open("/en/")
    assert tab.page.get_attribute("div.md-search", "aria-label") == "Search"


def test_the_search_override_differs_from_materials_template_only_by_its_fix():
    """overrides/partials/search.html is Material's own, fixed; after an upgrade of Material this shows
    whether the theme changed the file (then copy it again and reapply the fixes)."""
    import material

    theirs = (Path(material.__file__).parent / "templates/partials/search.html").read_text(encoding="utf-8")
    ours = (ROOT / "overrides/partials/search.html").read_text(encoding="utf-8")
    strip_comment = lambda text: re.sub(r"^\{#-.*?-#\}\n", "", text, flags=re.S)  # noqa: E731
    unfixed = strip_comment(ours).replace(' aria-label="{{ lang.t(\'search\') }}">', ">", 1)
    # casegen's search: the worker's language and the results page's query (partials/casegen-search.html)
    unfixed = unfixed.replace('{% include "partials/casegen-search.html" %}\n', "", 1)
    assert unfixed == strip_comment(theirs)


def test_both_colour_schemes_are_offered_with_a_toggle(chromium, site_url):
    context = chromium.new_context(viewport=VIEWPORT, color_scheme="light")
    context.route(is_foreign, lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(site_url + "/en/")
        scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
        assert scheme() == "default"
        toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
        assert toggle.count() == 1 and "dark" in toggle.get_attribute("title")
        toggle.click()
        assert scheme() == "slate"
        page.goto(site_url + "/cases/longyou-xuyong/")  # the choice is kept from page to page
        assert scheme() == "slate"
    finally:
        context.close()


# --- the keyboard --------------------------------------------------------------------------------------

FOCUSED = """() => {
    const active = document.activeElement;
    // the palette toggle's focus is on a visually hidden radio button; what shows it is its label
    const shown = active.classList.contains('md-option') ? active.nextElementSibling : active;
    const style = getComputedStyle(shown);
    const box = shown.getBoundingClientRect();
    return {
        what: active.tagName.toLowerCase() + (active.className ? '.' + String(active.className).split(' ')[0] : ''),
        label: active.getAttribute('aria-label') || active.getAttribute('hreflang') || active.textContent.trim().slice(0, 40),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        onScreen: box.width > 0 && box.height > 0,
    };
}"""


@pytest.mark.parametrize("path", ["/", "/en/cases/longyou-xuyong/", "/compare/income/"])
def test_the_keyboard_reaches_the_search_and_the_language_switch_with_visible_focus(tab, path):
    page = tab.open(path)
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    whats = [s["what"] for s in seen]
    assert "a.md-skip" in whats, whats  # "skip to content" first
    assert "input.md-option" in whats, whats  # the light/dark toggle
    assert "input.md-search__input" in whats, whats
    assert "button.md-header__button" in whats, whats  # the language menu …
    langs = {s["label"] for s in seen if s["what"] == "a.md-select__link"}
    assert {"zh", "en"} <= langs, (langs, whats)  # … and both its links (by hreflang)
    hidden = [s for s in seen if not ((s["outline"] or s["shadow"]) and s["onScreen"])]
    assert not hidden, f"{path}: focus not visible on {hidden}"


def test_every_tab_stop_in_the_header_is_visible(tab):
    page = tab.open("/en/")
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["onScreen"], focused


def test_the_language_switch_works_from_the_keyboard(tab):
    page = tab.open("/cases/longyou-xuyong/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    else:
        pytest.fail("Tab never reached the English link of the language switch")
    page.keyboard.press("Enter")
    page.wait_for_url(tab.base + "/en/cases/longyou-xuyong/")
    assert page.locator("html").get_attribute("lang") == "en"


# --- charts: alt text and a table ---------------------------------------------------------------------

class _Charts(HTMLParser):
    """Each chart figure's id and image alt, and whether the next element after it is a <details> with a table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts: list[dict] = []
        self._depth = 0
        self._after: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._after is not None and self._depth == 0 and tag != "details":
            self._after = None
        if tag == "figure" and "cg-chart" in (attrs.get("class") or ""):
            self.charts.append({"id": attrs.get("id", ""), "alt": None, "table_rows": 0, "summary": ""})
            self._after = None
        elif tag == "img" and self.charts and self.charts[-1]["alt"] is None:
            self.charts[-1]["alt"] = attrs.get("alt")
        elif tag == "details" and self._after is not None:
            self._depth += 1
        elif tag == "tr" and self._after is not None and self._depth:
            self._after["table_rows"] += 1

    def handle_endtag(self, tag):
        if tag == "figure" and self.charts:
            self._after = self.charts[-1]
        elif tag == "details" and self._depth:
            self._depth = 0
            self._after = None


def test_every_chart_has_alt_text_and_its_data_as_a_table(built_site):
    site = built_site.root / "site"
    charts = 0
    for page in sorted(site.rglob("*.html")):
        parsed = _Charts()
        parsed.feed(page.read_text(encoding="utf-8"))
        for chart in parsed.charts:
            where = f"{page.relative_to(site)} {chart['id'] or 'figure'}"
            alt = chart["alt"] or ""
            assert len(alt.strip()) >= 10 and not re.search(r"\.(svg|png)$", alt), f"{where}: alt {alt!r}"
            if chart["id"].startswith("chart-"):
                charts += 1
                assert chart["table_rows"] >= 2, f"{where}: no data table follows the chart"
    assert charts > 40
