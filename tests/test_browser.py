"""The built site in a real browser: pages render, stay offline, search finds the right page first.

Debian's Chromium driven by Playwright (see browser.py); one browser per session, a fresh page
per test. Screenshots land in tests/screenshots/ (git-ignored) for a person to look at.

Known problems of the site are marked ``xfail(strict=True)`` with the reason: they are reported,
not hidden, and the marker must go once the site is fixed (a strict xfail that passes fails).
"""

from __future__ import annotations

import re

import pytest

from browser import *  # noqa: F403 - fixtures (built_site, site_url, chromium, tab) and helpers

# The reader-facing pages of both languages: home, a case, the cases index and the sources page,
# plus the other index pages of the nav.
PAGES = [
    "/", "/en/",
    "/cases/longyou-xuyong/", "/en/cases/longyou-xuyong/",
    "/cases/dongguan-zhaotong/", "/en/cases/dongguan-zhaotong/",
    "/practices/shanxi-employee-system/", "/en/practices/shanxi-employee-system/",
    "/cases/", "/en/cases/",
    "/sources/", "/en/sources/",
    "/method/", "/en/method/",
]

# Material's language selector fetches sitemap.xml next to every <link rel="alternate"> of the
# page (integrations/alternate); mkdocs-static-i18n points those at the page itself (./) or at
# /east-west-labour-cases/(en/), where no sitemap.xml is, so every page logs one or two 404s.
SITEMAP_404 = re.compile(r"status of 404 .*\(http://127\.0\.0\.1:\d+/[^ ]*sitemap\.xml\)$")


def unexpected(errors: list[str]) -> list[str]:
    return [e for e in errors if not SITEMAP_404.search(e)]


# 1. Pages render: a visible <h1>, every <img> loaded, no sideways scrolling, no console errors,
#    and (2.) no request to another host.

@pytest.mark.parametrize("path", PAGES)
def test_page_renders_with_its_images_and_no_errors(tab, path):
    page = tab.open(path)
    h1 = page.locator("article h1").first
    assert h1.is_visible() and h1.inner_text().strip(), f"{path}: no visible <h1>"
    broken = [img["src"] for img in loaded_images(page) if img["width"] == 0]
    assert not broken, f"{path}: images that did not load: {broken}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path}: the page scrolls sideways by {overflow}px at 1280px"
    assert not unexpected(tab.errors), f"{path}: " + "\n".join(unexpected(tab.errors))
    assert not tab.foreign_requests(), f"{path}: requests to other hosts: {tab.foreign_requests()}"


@pytest.mark.xfail(strict=True, reason="Material fetches sitemap.xml beside each <link rel=alternate> of the "
                                       "page (./sitemap.xml, /east-west-labour-cases/sitemap.xml): 404s")
@pytest.mark.parametrize("path", ["/", "/en/cases/dongguan-zhaotong/"])
def test_the_sitemaps_the_language_selector_fetches_exist(tab, path):
    page = tab.open(path)
    wanted = page.eval_on_selector_all("head link[rel=alternate][hreflang]",
                                       "links => links.map(l => new URL('sitemap.xml', l.href).href)")
    missing = [url for url in wanted if page.request.get(url).status != 200]
    assert not missing, f"{path}: Material's language selector fetches {missing}, which do not exist"


def test_case_pages_fit_a_phone(chromium, site_url):
    """A case page at phone width: images load and fit; wide tables scroll inside their own box."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    context.route(lambda url: not url.startswith(site_url), lambda route: route.abort())
    try:
        page = context.new_page()
        for path in ("/cases/dongguan-zhaotong/", "/en/cases/dongguan-zhaotong/"):
            page.goto(site_url + path)
            broken = [img["src"] for img in loaded_images(page) if img["width"] == 0]
            assert not broken, f"{path}: images that did not load: {broken}"
            too_wide = page.evaluate("""() => Array.from(document.querySelectorAll("article img"))
                .filter(img => img.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .map(img => img.src)""")
            assert not too_wide, f"{path}: images wider than the phone screen: {too_wide}"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path}: the page scrolls sideways by {overflow}px at 390px"
    finally:
        context.close()


# 2. Nothing leaves the machine, also once the search has loaded its worker and lunr's languages.

@pytest.mark.parametrize("path, query", [("/", "昭通"), ("/en/cases/dongguan-zhaotong/", "Zhaotong")])
def test_no_request_leaves_127_0_0_1(tab, path, query):
    page = tab.open(path)
    assert search(page, query)
    page.wait_for_load_state("networkidle")
    assert len(tab.requests) > 5, tab.requests
    assert not tab.foreign_requests(), f"{path}: requests to other hosts: {tab.foreign_requests()}"


# 3. Search: the page a reader means comes first.
#
# One search index serves both languages: mkdocs-static-i18n merges them into /search/ (there is no
# /en/search/), so each query is typed on the home page of its language, as a reader would, and the
# expected page is the one in that language.

def known(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# Material (9.8.1) cuts a Chinese query at the longest index word that starts it, but never looks
# up the whole query (search worker: `for (j = i + 1; j < query.length; j++)`): 劳务协作 is searched
# as 劳务*, 护路员 as 护路*. A jieba dictionary word cannot help; the full word is never tried.
TRUNCATED = "Material searches a Chinese query by its longest indexed prefix without the last character"
# The English titles join place names with an en dash (Xiaoshan–Congjiang) and the search separator
# splits on '-' but not on '–', so the title is one token that a query for the second name misses.
EN_DASH = "search separator lacks the en dash: 'Xiaoshan–Congjiang' is one token; add \\u2013 to it"

SEARCHES = [
    # Chinese, typed on /
    ("xuyong", "/", "叙永", "/cases/longyou-xuyong/"),
    ("longyou", "/", "龙游", "/cases/longyou-xuyong/"),
    ("lianxinka", "/", "连心卡", "/cases/longyou-xuyong/"),
    ("zhaotong", "/", "昭通", "/cases/dongguan-zhaotong/"),
    ("dongguan", "/", "东莞", "/cases/dongguan-zhaotong/"),
    ("congjiang", "/", "从江", "/cases/xiaoshan-congjiang/"),
    ("xiaoshan", "/", "萧山", "/cases/xiaoshan-congjiang/"),
    pytest.param("hulu-yuan", "/", "护路员", "/cases/xiaoshan-congjiang/", marks=known(
        TRUNCATED + ": 护路员 is searched as 护路*, and the short mechanism page 公益性岗位 (护路、护河…) wins")),
    ("yang-xian", "/", "洋县", "/cases/yang-county/"),
    ("fengdu", "/", "丰都", "/cases/shandong-chongqing/"),
    # The mechanism page 劳务输出“员工制” explains the term and links to the Shanxi pilot: either is right.
    ("yuangongzhi", "/", "员工制", ("/practices/shanxi-employee-system/", "/mechanisms/employee-system/")),
    ("hebei", "/", "河北", "/practices/hebei-intra-provincial/"),
    ("hubei", "/", "湖北", "/practices/hubei-intra-provincial/"),
    ("laiyuan", "/", "来源", "/sources/"),
    ("fupin-chejian", "/", "扶贫车间", "/mechanisms/poverty-workshops/"),
    ("gongyixing-gangwei", "/", "公益性岗位", "/mechanisms/public-welfare-posts/"),
    ("laowu-hezuoshe", "/", "劳务合作社", "/mechanisms/labour-cooperatives/"),
    ("shouru", "/", "收入", "/compare/income/"),
    pytest.param("laowu-xiezuo", "/", "劳务协作", "/", marks=known(
        TRUNCATED + ": 劳务协作 is searched as 劳务*; 劳务中介与用工企业参与 (one token) wins over the home page")),
    # English, typed on /en/
    ("en-dongguan", "/en/", "Dongguan", "/en/cases/dongguan-zhaotong/"),
    ("en-xuyong", "/en/", "Xuyong", "/en/cases/longyou-xuyong/"),
    ("en-longyou", "/en/", "Longyou", "/en/cases/longyou-xuyong/"),
    pytest.param("en-congjiang", "/en/", "Congjiang", "/en/cases/xiaoshan-congjiang/", marks=known(EN_DASH)),
    pytest.param("en-zhaotong", "/en/", "Zhaotong", "/en/cases/dongguan-zhaotong/", marks=known(EN_DASH)),
    ("en-employee-system", "/en/", "employee system",
     ("/en/practices/shanxi-employee-system/", "/en/mechanisms/employee-system/")),
    ("en-fengdu", "/en/", "Fengdu", "/en/cases/shandong-chongqing/"),
    ("en-yang-county", "/en/", "Yang County", "/en/cases/yang-county/"),
    ("en-hebei", "/en/", "Hebei", "/en/practices/hebei-intra-provincial/"),
    ("en-workshops", "/en/", "workshops", "/en/mechanisms/poverty-workshops/"),
    ("en-job-fair", "/en/", "job fair", "/en/mechanisms/job-fairs/"),
]


@pytest.mark.parametrize("label, start, query, expected", SEARCHES)
def test_search_finds_the_page_first(search_page, label, start, query, expected):
    results = search(search_page(start), query)
    expected = (expected,) if isinstance(expected, str) else expected
    assert results, f"{query!r}: no result"
    assert results[0] in expected, f"{query!r}: first three results {results[:3]}, expected {expected[0]} first"


# 4. The language selector leads to the same page in the other language.

@pytest.mark.parametrize("start, lang, target", [
    ("/cases/longyou-xuyong/", "en", "/en/cases/longyou-xuyong/"),
    ("/en/cases/longyou-xuyong/", "zh", "/cases/longyou-xuyong/"),
    ("/sources/", "en", "/en/sources/"),
    ("/en/sources/", "zh", "/sources/"),
    pytest.param("/", "en", "/en/", marks=known(
        "home-page language links are root-absolute (/east-west-labour-cases/en/, from site_url): "
        "they work only when the site is served under that path")),
    pytest.param("/en/", "zh", "/", marks=known(
        "home-page language links are root-absolute (/east-west-labour-cases/, from site_url)")),
])
def test_language_selector_links_to_the_same_page(tab, start, lang, target):
    page = tab.open(start)
    link = page.locator(f".md-header .md-select a[hreflang={lang}]")
    assert link.count() == 1, f"{start}: no {lang} link in the header language selector"
    assert path_of(link.evaluate("a => a.href")) == target
    page.locator(".md-header .md-select").hover()  # the list opens on hover, as for a mouse user
    link.click()
    page.wait_for_url(tab.base + target)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("article h1").first.is_visible()


# 5. Screenshots for a person to look at (tests/screenshots/, git-ignored).

SHOTS = {"home": "", "case": "cases/dongguan-zhaotong/", "cases": "cases/", "sources": "sources/"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshot(tab, name, lang):
    path = ("/" if lang == "zh" else "/en/") + SHOTS[name]
    page = tab.open(path)
    loaded_images(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    SCREENSHOTS.mkdir(exist_ok=True)
    out = SCREENSHOTS / f"{name}-{lang}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
