"""The real generator and the real mkdocs build the site; the pages show what the data holds."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from casegen import locators, scales
from casegen.build import BuildError, build, copy_site_files
from casegen.load import load_library
from casegen.problems import DataError
from casegen.text import number
from conftest import MINIMAL, ROOT, Project, copy_project

SLUGS = ["shandong-chongqing", "jiangsu-shaanxi", "zhejiang-sichuan", "longyou-xuyong", "xiaoshan-congjiang",
         "dongguan-zhaotong", "yang-county"]
PUBLISHED = "https://cases.east-west-library.cn/"  # an address a site is published at (SITE_URL)


@pytest.fixture(scope="session")
def built(built_site) -> Project:
    """The real project built as a newcomer builds it (the browser tests' site: one build serves both)."""
    return built_site


def page(project: Project, rel: str) -> str:
    return (project.root / "site" / rel).read_text(encoding="utf-8")


def cells(doc: str) -> list[list[str]]:
    """Table rows of an HTML page as lists of cell texts."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", doc, flags=re.S):
        texts = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if texts:
            rows.append(texts)
    return rows


def test_flagged_figures_are_marked_and_explained(built):
    lib, _ = load_library(built.data)
    flagged = [(slug, f) for slug, figs in lib.figures.items() for f in figs if f.flag]
    assert flagged, "the sources contain contradictions; the data must flag some"
    for slug, f in flagged:
        folder = "cases" if slug in lib.cases else "practices"  # explained on the data page (tests/test_pages.py)
        zh = html.unescape(re.sub(r"<[^>]+>", "", page(built, f"{folder}/{slug}/data/index.html")))
        en = html.unescape(re.sub(r"<[^>]+>", "", page(built, f"en/{folder}/{slug}/data/index.html")))
        assert f.flag_zh in zh and f.flag_en in en


def test_the_flags_page_lists_every_flag_in_both_languages(built):
    lib, _ = load_library(built.data)
    flags = lib.flag_index().all()
    assert len(flags) >= 30
    for lang, rel in (("zh", "flags/index.html"), ("en", "en/flags/index.html")):
        doc = page(built, rel)
        text = html.unescape(re.sub(r"<[^>]+>", "", doc))
        for flag in flags:
            folder = "cases" if flag.slug in lib.cases else "practices"
            assert flag.text(lang) in text, (flag.anchor, lang)
            assert f'href="../{folder}/{flag.slug}/data/#{flag.anchor}"' in doc, (flag.anchor, lang)
            for f in flag.figures:
                where = locators.zh(f.locator) if lang == "zh" else locators.en_text(f.locator)
                assert where in text, (flag.anchor, f.line, lang)
    # reached from the home page's count of flagged figures and from the method page
    concerned = len({(flag.slug, f.line) for flag in flags for f in flag.figures})  # a figure counts once
    assert re.search(rf'<a href="flags/">{concerned} 个存疑数据</a>', page(built, "index.html"))
    assert re.search(rf'<a href="flags/">{concerned} flagged</a>', page(built, "en/index.html"))
    assert 'href="../flags/"' in page(built, "method/index.html")
    assert 'href="../flags/"' in page(built, "en/method/index.html")


def test_home_cases_and_sources_pages_exist_in_both_languages(built):
    for rel in ("index.html", "cases/index.html", "sources/index.html", "method/index.html"):
        assert "<h1" in page(built, rel) and "<h1" in page(built, "en/" + rel)
    assert 'lang="en"' in page(built, "en/index.html") and 'lang="zh"' in page(built, "index.html")


def test_sources_page_counts_the_figures_citing_each_source(built):
    lib, _ = load_library(built.data)
    text = html.unescape(re.sub(r"<[^>]+>", "", page(built, "en/sources/index.html")))
    for source_id in lib.sources:
        n = sum(1 for figs in lib.figures.values() for f in figs if f.source == source_id)
        assert n > 0, f"no figure cites {source_id}"
        assert f"Figures citing this source: {n}\n" in text


def minimal_site(tmp_path: Path) -> Project:
    shutil.copytree(MINIMAL, tmp_path / "p")
    copy_site_files(ROOT, tmp_path / "p")
    return Project(tmp_path / "p")


HOSTILE = "<script>alert(1)</script> **bold** [link](javascript:alert(2)) {{ x }} {% if %} | # &amp; `code`"


def test_editor_text_is_escaped_wherever_it_lands(tmp_path):
    project = minimal_site(tmp_path)
    quoted = HOSTILE.replace('"', '\\"')
    project.replace("data/cases/east-west/case.yaml", "title: {zh: 东西协作, en: East–West cooperation}",
                    f'title: {{zh: "{quoted}", en: "{quoted}"}}')
    project.replace("data/cases/east-west/case.yaml", "summary: {zh: 概要。, en: Summary.}",
                    f'summary: {{zh: "{quoted}", en: "{quoted}"}}')
    project.replace("data/cases/east-west/figures.csv", "table 1, row 2", HOSTILE.replace('"', '""'))
    build(project.root)
    for rel in ("cases/east-west/index.html", "en/cases/east-west/index.html", "cases/index.html"):
        doc = page(project, rel)
        # the text may say javascript:alert (escaped, or as character references in the citation box), no link may
        assert "<script>alert" not in doc and not re.search(r"""href=["']?\s*javascript:""", doc)
        assert "<strong>bold</strong>" not in doc
        text = html.unescape(re.sub(r"<[^>]+>", "", doc))
        assert "<script>alert(1)</script> **bold** [link](javascript:alert(2)) {{ x }}" in text


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    project = minimal_site(tmp_path)
    build(project.root)
    before = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "fundz,35.5,万元")
    with pytest.raises(DataError):
        build(project.root)
    after = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    assert before == after


def test_a_failing_mkdocs_build_leaves_the_previous_site_untouched(tmp_path):
    project = minimal_site(tmp_path)
    build(project.root)
    before = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    project.append("docs/method.md", "\n[broken](no-such-page.md)\n")
    with pytest.raises(BuildError, match="no-such-page"):
        build(project.root)
    after = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    assert before == after
    assert not (project.root / "site.new").exists()


def text_of(project: Project, rel: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page(project, rel)))


def test_every_comparison_group_two_pairings_report_has_a_page_in_both_languages(built):
    from casegen.derive import comparisons

    lib, _ = load_library(built.data)
    for group in lib.groups.values():
        has_page = bool(comparisons(lib)[group.id].indicators)
        assert (built.root / "site" / "compare" / group.id / "index.html").exists() == has_page, group.id
        assert (built.root / "site" / "en" / "compare" / group.id / "index.html").exists() == has_page, group.id
        if has_page:
            assert group.zh in text_of(built, f"compare/{group.id}/index.html")
            assert group.en in text_of(built, f"en/compare/{group.id}/index.html")


def test_a_comparison_shows_not_reported_never_zero_and_explains_derived_figures(built):
    zh, en = text_of(built, "compare/jobs/index.html"), text_of(built, "en/compare/jobs/index.html")
    assert "未报告" in zh and "not reported" in en
    assert "jobs offered ÷ employers taking part" in en and "97.2" in en  # 20,605 jobs ÷ 212 employers
    assert "Levels or periods differ" in en and "层级或时期不同" in zh


def test_each_mechanism_page_lists_the_cases_that_use_it(built):
    lib, _ = load_library(built.data)
    for mechanism in lib.mechanisms.values():
        users = [s for s, story in lib.stories().items() if mechanism.id in story.mechanisms]
        if not users:
            continue
        doc = page(built, f"en/mechanisms/{mechanism.id}/index.html")
        for slug in users:
            assert f"/{slug}/" in doc, (mechanism.id, slug)


def test_case_pages_stay_out_of_the_navigation_so_it_does_not_grow_with_cases(built):
    doc = page(built, "cases/yang-county/index.html")
    nav = doc[doc.index('<nav class="md-nav md-nav--primary"'):doc.index("</nav>", doc.index('md-nav--primary'))]
    assert "longyou-xuyong" not in nav and "compare/jobs" not in nav


def test_case_pages_show_their_charts_as_static_svg(built):
    lib, _ = load_library(built.data)
    for slug in lib.cases:
        for prefix in ("", "en/"):
            doc = page(built, f"{prefix}cases/{slug}/index.html")
            images = re.findall(r'<img src="(charts/[^"]+\.svg)" alt="([^"]+)"', doc)
            assert images, (prefix, slug)
            for src, alt in images:
                assert (built.root / "site" / prefix / "cases" / slug / src).exists() and alt.strip()


def test_home_shows_the_pairings_diagram_and_headline_figures_with_sources(built):
    doc = page(built, "en/index.html")
    assert 'href="assets/pairings.svg"' in doc and "Helping (east)" in doc  # inline, and as a file to download
    assert "Helping (east)" in (built.root / "site/en/assets/pairings.svg").read_text(encoding="utf-8")
    assert "东部帮扶方" in (built.root / "site/assets/pairings.svg").read_text(encoding="utf-8")
    assert "Headline figures" in doc and "Lin (2018)" in text_of(built, "en/index.html")


def test_every_image_on_every_page_exists(built):
    site = built.root / "site"
    for doc_path in site.rglob("*.html"):
        for src in re.findall(r'<img[^>]+src="([^"]+)"', doc_path.read_text(encoding="utf-8")):
            if src.startswith(("http:", "https:", "data:")):
                continue
            target = (doc_path.parent / src.split("#")[0]).resolve()
            assert target.exists(), (doc_path.relative_to(site), src)


def test_citations_name_the_published_address(minimal, monkeypatch):
    monkeypatch.setenv("SITE_URL", PUBLISHED.rstrip("/"))
    build(minimal.root, site=False)
    for lang, prefix in (("zh", ""), ("en", "en/")):
        name = "index.md" if lang == "zh" else "index.en.md"
        page = (minimal.root / "build/docs/cases/east-west" / name).read_text(encoding="utf-8")
        assert page.count(f"{PUBLISHED}{prefix}cases/east-west/") >= 4, lang  # GB/T, APA, BibTeX, CSL-JSON


def test_each_case_page_has_a_citation_box_and_its_downloads(built):
    lib, _ = load_library(built.data)
    for slug in lib.cases:
        for prefix in ("", "en/"):
            text = text_of(built, f"{prefix}cases/{slug}/index.html")
            assert "GB/T 7714-2015" in text and "[EB/OL]" in text and "@misc{ewlc-" in text
            assert "http" not in text[text.index("GB/T 7714-2015"):text.index("@misc{ewlc-")]  # no address known
            folder = built.root / "site" / prefix / "cases" / slug / "downloads"
            for name in (f"{slug}.csv", f"{slug}.json", f"{slug}.bib", f"{slug}.csl.json"):
                assert (folder / name).stat().st_size > 0, (prefix, name)
    assert (built.root / "site/downloads/datapackage.json").exists()
    assert (built.root / "site/en/downloads/datapackage.json").exists()


def test_every_page_exists_in_both_languages(built):
    docs = built.root / "build" / "docs"
    chinese = [p for p in docs.rglob("*.md") if not p.name.endswith(".en.md")]
    assert len(chinese) > 30
    for page_md in chinese:
        english = page_md.with_name(page_md.name.removesuffix(".md") + ".en.md")
        assert english.exists(), f"{page_md.relative_to(docs)} has no English version"
    site = built.root / "site"
    for html_path in site.rglob("index.html"):
        rel = html_path.relative_to(site)
        if rel.parts[0] in ("en", "assets", "search"):
            continue
        other = site / "en" / rel
        assert other.exists(), rel
        assert 'lang="en"' in other.read_text(encoding="utf-8")[:500]
