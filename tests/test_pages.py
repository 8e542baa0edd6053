"""Case pages a reader takes in at a glance (issue 13): editors choose what leads, every figure on a data page,
one language per page, a glossary, the overviews, the pairing diagram.

Most checks read the one real build of the session (browser.built_site); the validation checks use the tiny
library of tests/fixtures/minimal.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import *  # noqa: F403 - fixtures (built_site, site_url, chromium, tab) and helpers
from casegen import keyfigures, locators, scales
from casegen.load import load_library
from casegen.render import Renderer
from casegen.text import number
from conftest import ROOT, Project, only

CASES = ["shandong-chongqing", "jiangsu-shaanxi", "zhejiang-sichuan", "longyou-xuyong", "xiaoshan-congjiang",
         "dongguan-zhaotong", "yang-county"]
LANGS = (("zh", ""), ("en", "en/"))
CASE_YAML = "data/cases/east-west/case.yaml"
FIGS = "data/cases/east-west/figures.csv"


@pytest.fixture(scope="module")
def lib():
    library, problems = load_library(ROOT / "data")
    assert not [p for p in problems if p.severity == "error"]
    return library


def page(project: Project, rel: str) -> str:
    return (project.root / "site" / rel).read_text(encoding="utf-8")


def folder(lib, slug: str) -> str:
    return "cases" if slug in lib.cases else "practices"


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_case_card_names_each_linked_case_once(built_site, lib, prefix):
    """A related case that is also the case's provincial pairing (or one of its county cases) is named once, in
    the row that says how they belong together."""
    site = built_site.root / "site"
    checked = 0
    for slug in lib.cases:
        doc = (site / prefix / "cases" / slug / "index.html").read_text(encoding="utf-8")
        card = doc[doc.index('class="cg-card'):]
        card = card[:card.index("</table>")]
        linked = re.findall(r'href="\.\./([a-z-]+)/"', card)
        assert len(linked) == len(set(linked)), (slug, linked)
        checked += bool(linked)
    assert checked >= 4  # the two provincial pairings and their county cases


# --- what the editor chooses leads ---------------------------------------------------------------------------

def test_every_case_and_practice_names_its_key_figures(lib):
    for slug, story in lib.stories().items():
        assert story.key_figures, slug
        assert len(keyfigures.chosen(lib, slug)) == len(story.key_figures), slug


def test_the_key_figures_lead_with_outcomes_the_editors_chose(lib):
    first = {slug: keyfigures.chosen(lib, slug)[0] for slug in lib.cases}
    assert (first["xiaoshan-congjiang"].metric, first["xiaoshan-congjiang"].value) == ("jobs_offered", 9087)
    assert (first["yang-county"].metric, first["yang-county"].value, first["yang-county"].unit) == \
        ("poor_workers_employed", 1.6, "万人")
    assert (first["zhejiang-sichuan"].metric, first["zhejiang-sichuan"].value) == ("job_intentions_poor", 1096)
    assert (first["jiangsu-shaanxi"].value, first["jiangsu-shaanxi"].unit) == (2527, "人")
    context = {"honey_sold", "beekeeping_income", "online_page_views"}
    assert not {f.metric for f in keyfigures.chosen(lib, "xiaoshan-congjiang")} & context


def test_the_rule_falls_back_to_outcomes_never_context(lib):
    """Without the editor's list, the rule picks counts of people or households, never sales, page views,
    money or thresholds."""
    for slug in lib.stories():
        for f in keyfigures.fallback(lib, slug):
            assert lib.units[f.unit].dimension in keyfigures.OUTCOME_DIMENSIONS, (slug, f.metric)
            assert f.metric not in {"honey_sold", "beekeeping_income", "online_page_views", "agri_sales"}
    picked = {f.metric for f in keyfigures.fallback(lib, "xiaoshan-congjiang")}
    assert picked and "online_page_views" not in picked


def test_the_home_headline_of_a_case_is_its_first_key_figure(built_site, lib):
    renderer = Renderer(lib)
    for lang, prefix in LANGS:
        doc = page(built_site, f"{prefix}index.html")
        amount = renderer.helpers(lang, 0)["amount"]
        for slug in lib.cases:
            f = keyfigures.chosen(lib, slug)[0]
            row = re.search(rf'<tr>\s*<td><a href="cases/{slug}/">.*?</tr>', doc, flags=re.S)
            assert row, (lang, slug)
            assert f'href="cases/{slug}/data/#fig-{f.line}"' in row.group(0), (lang, slug)
            said = html.unescape(re.sub(r"<[^>]+>|\\", "", str(amount(f))))  # 94,800 people for 9.48万人
            assert said in html.unescape(row.group(0)), (lang, slug, said)


@pytest.mark.parametrize("entries, line, message", [
    ("  - no_such_metric\n", 9, "no row of figures.csv matches metric=no_such_metric"),
    ("  - workers_poor\n  - {metric: workers_poor, scope: west-prov}\n", 10,
     "names the same figure (figures.csv line 3) as key_figures.0"),
    ("  - {metric: workers, end: '1999'}\n", 9, "no row of figures.csv matches"),
    ("  - workers\n", 9, "2 rows of figures.csv match metric=workers (lines 2, 6)"),
])
def test_validation_refuses_bad_key_figures(minimal: Project, entries, line, message):
    minimal.replace(CASE_YAML, "summary:", "key_figures:\n" + entries + "summary:")
    problem = only([p for p in minimal.problems() if p.field.startswith("key_figures")])
    assert (problem.path.endswith("case.yaml"), problem.line) == (True, line), problem
    assert message in problem.message, problem


def test_validation_names_the_rows_a_key_figure_cannot_tell_apart_and_how_to_choose(minimal: Project):
    minimal.replace(CASE_YAML, "summary:", "key_figures:\n  - workers\n  - {metric: workers, series: target}\n"
                                           "summary:")
    problem = only([p for p in minimal.problems() if p.field.startswith("key_figures")])
    assert problem.line == 9 and "add category or series or end" in problem.hint, problem
    minimal.replace(CASE_YAML, "  - workers\n", "  - {metric: workers, category: ''}\n")
    assert [p for p in minimal.problems() if p.field.startswith("key_figures")] == []


def test_validation_checks_how_a_case_used_a_mechanism(minimal: Project):
    minimal.replace(CASE_YAML, "summary:", "mechanism_uses:\n  - {mechanism: no-such, zh: 中文。, en: English.}\n"
                                           "summary:")
    problem = only([p for p in minimal.problems() if p.field.startswith("mechanism_uses")])
    assert "not among this story's mechanisms" in problem.message and problem.line == 9


def test_the_glossary_register_is_checked_by_its_schema(minimal: Project):
    minimal.write("data/glossary.yaml", "- id: person-times\n  forms: {zh: [人次], en: []}\n"
                                        "  definition: {zh: 按次计数。, en: A count of attendances.}\n")
    problem = only([p for p in minimal.problems() if p.path.endswith("glossary.yaml")])
    assert problem.line == 2 and problem.field == "term[person-times].forms.en", problem


# --- the data page: every figure, each contradiction once ---------------------------------------------------

def cells(doc: str) -> list[list[str]]:
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", doc, flags=re.S):
        texts = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if texts:
            rows.append(texts)
    return rows


@pytest.mark.parametrize("slug", CASES + ["hubei-intra-provincial"])
def test_the_data_page_lists_every_figure_with_unit_period_source_and_locator(built_site, lib, slug):
    figures = lib.figures[slug]
    for lang, prefix in LANGS:
        doc = page(built_site, f"{prefix}{folder(lib, slug)}/{slug}/data/index.html")
        rows = [r for r in cells(doc) if len(r) == 6]
        assert len(rows) == len(figures), lang
        for f in figures:
            anchor = re.search(rf'<tr>\s*<td><span id="fig-{f.line}"></span>(.*?)</tr>', doc, flags=re.S)
            assert anchor, (lang, f.line)
            row = cells(f"<tr>{anchor.group(0)[4:]}")[0]
            source = getattr(lib.sources[f.source].short, lang)
            where = locators.zh(f.locator) if lang == "zh" else locators.en_text(f.locator)
            assert row[4] == f"{source}{'，' if lang == 'zh' else ', '}{where}", (lang, f.line, row[4])
            # as published; in English a 万 or 亿 value in full, the published form beside it; a 0–1 share as
            # its percentage (casegen.scales)
            shown = {number(f.published_value, lang), number(f.published_value, "zh")}
            if scales.is_share(f.unit):
                shown = {number(scales.percent(f.published_value), lang)}
            assert any(form in row[1] for form in shown), (lang, f.line, row[1])
            assert row[2], (lang, f.line)  # the period


def test_each_contradiction_is_explained_once_on_the_data_page_and_its_figures_link_to_it(built_site, lib):
    for flag in lib.flag_index().all():
        base = f"{folder(lib, flag.slug)}/{flag.slug}"
        for lang, prefix in LANGS:
            doc = page(built_site, f"{prefix}{base}/data/index.html")
            assert doc.count(f'id="{flag.anchor}"') == 1
            rows = [r for r in re.findall(r"<tr>(.*?)</tr>", doc, flags=re.S) if f'href="#{flag.anchor}"' in r]
            assert len(rows) == len(flag.figures), (flag.anchor, lang)
            entry = doc[doc.index(f'id="{flag.anchor}"'):]
            entry = entry[:entry.index("</li>")]
            assert html.escape(flag.text(lang), quote=False)[:30] in entry.replace("&#x27;", "'") or \
                flag.text(lang)[:20] in html.unescape(re.sub(r"<[^>]+>", "", entry)), (flag.anchor, lang)
            for f in flag.figures:
                assert f'href="#fig-{f.line}"' in entry, (flag.anchor, f.line, lang)
            # explained once: the case page says how many and links here, it does not repeat the explanation
            story = html.unescape(re.sub(r"<[^>]+>", "", page(built_site, f"{prefix}{base}/index.html")))
            assert flag.text(lang) not in story, (flag.anchor, lang)


def test_story_numbers_and_key_figures_link_to_the_rows_of_the_data_page(built_site, lib):
    for slug in CASES:
        for lang, prefix in LANGS:
            doc = page(built_site, f"{prefix}cases/{slug}/index.html")
            targets = re.findall(r'href="([^"]*#fig-[0-9]+)"', doc)
            assert len(targets) > 5, (slug, lang)
            assert all(t.startswith("data/#fig-") for t in targets), (slug, lang, targets[:3])
            assert 'id="fig-' not in doc  # the rows live on the data page
            for f in keyfigures.chosen(lib, slug):
                assert f'href="data/#fig-{f.line}"' in doc, (slug, lang, f.line)


def test_the_flags_page_links_to_the_data_pages(built_site, lib):
    doc = page(built_site, "en/flags/index.html")
    for flag in lib.flag_index().all():
        assert f'href="../{folder(lib, flag.slug)}/{flag.slug}/data/#{flag.anchor}"' in doc


class _Weight(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src"):
            self.sources.append(attrs["src"])


@pytest.mark.parametrize("slug", CASES)
def test_a_case_page_with_its_images_weighs_at_most_150_kb(built_site, slug):
    for lang, prefix in LANGS:
        path = built_site.root / "site" / prefix / "cases" / slug / "index.html"
        parser = _Weight()
        parser.feed(path.read_text(encoding="utf-8"))
        images = [(path.parent / src.split("#")[0]).resolve() for src in parser.sources if not src.startswith("data:")]
        weight = path.stat().st_size + sum(p.stat().st_size for p in set(images))
        assert parser.sources, (slug, lang)
        assert weight <= 150_000, f"{prefix}cases/{slug}/: {weight:,} bytes with its {len(images)} images"


# --- one language per page --------------------------------------------------------------------------------------

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"


class _Main(HTMLParser):
    """The text of a page's article, without <pre>/<code>, and without elements marked lang="zh" (quoted source
    titles and words, published values) when ``skip_zh``."""

    VOID = {"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col", "area", "path"}

    def __init__(self, skip_zh: bool):
        super().__init__(convert_charrefs=True)
        self.skip_zh, self.stack, self.parts, self.inside = skip_zh, [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.inside += 1
        if tag in self.VOID:
            return
        # charts (their images, captions and data tables) belong to casegen/charts.py and are checked there
        skip = tag in ("pre", "code", "script", "style", "svg", "details") or \
            (self.skip_zh and attrs.get("lang") == "zh") or "headerlink" in (attrs.get("class") or "") or \
            "cg-chart" in (attrs.get("class") or "")
        self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside -= 1
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.inside and not any(self.stack):
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(self.parts)


def main_text(path: Path, skip_zh: bool) -> str:
    parser = _Main(skip_zh)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.text()


def reader_pages(site: Path, prefix: str) -> list[Path]:
    root = site / prefix if prefix else site
    kinds = ["index.html", "cases/index.html", "mechanisms/index.html", "glossary/index.html", "sources/index.html",
             "flags/index.html", "mechanisms/job-fairs/index.html"]
    pages = [root / k for k in kinds]
    pages += sorted((root / "cases").glob("*/index.html")) + sorted((root / "cases").glob("*/data/index.html"))
    pages += sorted((root / "practices").glob("*/index.html")) + sorted((root / "practices").glob("*/data/index.html"))
    return pages


GLUE = re.compile(r"\b(para|paras|row|sentence|sent\.|units?|also in|column|block)\b", flags=re.I)
ASCII_BETWEEN_CJK = re.compile(f"[{CJK}]\\s*[(),:;]|[(),:;]\\s*[{CJK}]")


def test_english_headline_and_key_figures_read_in_english_and_the_data_page_shows_the_published_form(built_site, lib):
    """18万人左右 reads "about 180,000 people" where a reader meets it; the data page, where a figure is checked
    against its source, keeps the published form beside it."""
    site = built_site.root / "site" / "en"
    cjk = re.compile(r"[\u3400-\u9fff]")
    home = (site / "index.html").read_text(encoding="utf-8")
    values = re.findall(r"<strong>(.*?)</strong>", home[home.index("cg-cards"):], flags=re.S)
    assert values and not any(cjk.search(v) for v in values), values
    wan = 0
    for slug in lib.cases:
        doc = (site / "cases" / slug / "index.html").read_text(encoding="utf-8")
        key_values = re.findall(r'<span class="cg-kf-value">(.*?)</span>', doc, flags=re.S)
        assert key_values and not any(cjk.search(v) for v in key_values), (slug, key_values)
        data = (site / "cases" / slug / "data" / "index.html").read_text(encoding="utf-8")
        wan += len(re.findall(r'\(<span lang="zh">[^<]*万', data))
    assert wan >= 3  # 9.48万人 and its kind: in full, with the published form beside it


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_headline_or_key_figure_of_which_names_its_total(built_site, lib, prefix):
    """"其中建档立卡贫困人员" alone on the home page says nothing: shown apart from its total, a sub-item carries it
    ("达成就业意向（签约）人数：其中建档立卡贫困人员")."""
    site = built_site.root / "site" / prefix
    home = (site / "index.html").read_text(encoding="utf-8")
    labels = [html.unescape(x) for x in re.findall(r"<td[^>]*>([^<]*)</td>", home)]
    for slug in lib.cases:
        doc = (site / "cases" / slug / "index.html").read_text(encoding="utf-8")
        labels += [html.unescape(x) for x in re.findall(r'<span class="cg-kf-label">([^<]*)', doc)]
    alone = [x for x in labels if x.startswith("其中") or x.lower().startswith("of which")]
    assert not alone, alone
    assert any("其中" in x or "of which" in x for x in labels)  # there are sub-items among them


def test_chinese_pages_have_no_english_glue_words_or_ascii_punctuation_in_chinese_text(built_site):
    site = built_site.root / "site"
    pages = reader_pages(site, "")
    assert len(pages) > 20
    for path in pages:
        text = main_text(path, skip_zh=False)
        assert not GLUE.findall(text), (path.relative_to(site), sorted(set(GLUE.findall(text))))
        found = [text[max(0, m.start() - 12):m.end() + 12] for m in ASCII_BETWEEN_CJK.finditer(text)]
        assert not found, (path.relative_to(site), found[:5])


def test_the_chinese_pages_chrome_has_no_english_line(built_site):
    """Material's footer said "Made with Material for MkDocs" in English on every Chinese page."""
    site = built_site.root / "site"
    for path in reader_pages(site, "")[:40]:
        footer = path.read_text(encoding="utf-8").split('<footer class="md-footer">', 1)[-1]
        assert "Made with" not in footer, path.relative_to(site)


def test_english_pages_have_chinese_only_where_marked_as_quoted(built_site):
    """The allowance: Chinese on an English page only inside an element marked lang="zh": a source's title, its
    own words quoted in a locator or note, a value as published beside its English form (README)."""
    site = built_site.root / "site"
    for path in reader_pages(site, "en"):
        text = main_text(path, skip_zh=True)
        stray = re.findall(f"[^\\s]{{0,10}}[{CJK}]+[^\\s]{{0,10}}", text)
        assert not stray, (path.relative_to(site), stray[:8])


def test_english_counts_use_the_metrics_nouns_never_units(built_site, lib):
    site = built_site.root / "site"
    for path in reader_pages(site, "en"):
        assert not re.search(r"\d\s+units\b", main_text(path, skip_zh=True)), path.relative_to(site)
    text = main_text(site / "en/cases/shandong-chongqing/index.html", skip_zh=True)
    assert "20,605\u00a0jobs" in text and "14\u00a0cities" in text
    data = main_text(site / "en/cases/xiaoshan-congjiang/data/index.html", skip_zh=True)
    assert "446,400\u00a0page views" in data


def test_english_charts_count_in_the_metrics_nouns_never_units(built_site):
    """The charts' labels, unit lines and data tables say what an English count counts, as the pages do."""
    site = built_site.root / "site"
    charts = sorted((site / "en").rglob("charts/*.svg"))
    assert len(charts) > 10
    for svg in charts:
        words = html.unescape(re.sub(r"<[^>]+>", " ", svg.read_text(encoding="utf-8")))
        assert not re.search(r"\d\s+units\b|Unit: units\b", words), svg.relative_to(site)
    for path in sorted((site / "en/cases").glob("*/index.html")):
        tables = re.findall(r'<figure class="cg-chart".*?</figure>', path.read_text(encoding="utf-8"), flags=re.S)
        for table in tables:
            assert not re.search(r"\d\s+units\b|>units<", html.unescape(table)), path.relative_to(site)


def test_digits_are_grouped_one_way_per_language(built_site):
    site = built_site.root / "site"
    zh = main_text(site / "cases/xiaoshan-congjiang/data/index.html", skip_zh=False)
    en = main_text(site / "en/cases/xiaoshan-congjiang/data/index.html", skip_zh=True)
    assert "9087个" in zh and not re.search(r"\d,\d{3}", zh)
    assert "9,087\u00a0jobs" in en and "1,386\u00a0people" in en
    values = [row[1] for row in cells(page(built_site, "en/cases/xiaoshan-congjiang/data/index.html")) if len(row) == 6]
    assert len(values) > 50 and not [v for v in values if re.search(r"(?<![\d,.])\d{4,}", v.split("(")[0])]


def test_every_label_is_one_text_in_each_language():
    """A comma in an unquoted YAML flow mapping split "Handout (PDF, printable)" into two keys."""
    for key, value in _labels().items():
        assert isinstance(value, dict) and set(value) == {"zh", "en"}, key


def _labels() -> dict:
    import yaml

    from casegen.render import TEMPLATES
    return yaml.safe_load((TEMPLATES / "labels.yaml").read_text(encoding="utf-8"))


def test_a_handout_link_keeps_its_brackets(built_site):
    doc = page(built_site, "en/cases/longyou-xuyong/index.html")
    assert "Handout (PDF, printable)</a>" in html.unescape(doc)


# --- the glossary --------------------------------------------------------------------------------------------

def test_the_glossary_page_explains_every_term_in_both_languages(built_site, lib):
    assert len(lib.glossary) >= 12
    for term in lib.glossary.values():
        for lang, prefix in LANGS:
            doc = html.unescape(page(built_site, f"{prefix}glossary/index.html"))
            assert f'id="{term.id}"' in doc
            assert getattr(term.definition, lang) in doc
            assert getattr(term.forms, lang)[0] in doc


def test_a_term_is_explained_where_a_page_first_uses_it_and_only_there(built_site, lib):
    zh = page(built_site, "cases/longyou-xuyong/index.html")
    en = page(built_site, "en/cases/xiaoshan-congjiang/index.html")
    for doc in (zh, en):
        titles = re.findall(r'<abbr title="([^"]+)">', doc)
        assert len(titles) >= 3
        assert len(titles) == len(set(titles))  # once a page
    first = re.search(r"<abbr title=\"[^\"]*\">建档立卡</abbr>", zh)
    assert first and zh.index("建档立卡", zh.index("<article")) >= first.start() - 200
    assert re.search(r'<abbr title="public-welfare posts: Publicly funded[^"]*">public-welfare posts</abbr>', en)


# --- overviews ------------------------------------------------------------------------------------------------

def test_the_case_list_is_a_table_of_level_period_figures_flags_and_mechanisms(built_site, lib):
    index = lib.flag_index()
    doc = page(built_site, "en/cases/index.html")
    rows = {r[0]: r for r in cells(doc) if len(r) == 6}
    for slug, case in lib.cases.items():
        row = rows[case.title.en]
        flagged = len({f.line for flag in index.by_story.get(slug, []) for f in flag.figures})
        assert row[3] == str(len(lib.figures[slug])) and row[4] == str(flagged), slug
        assert all(lib.mechanisms[m].en in row[5] for m in case.mechanisms), slug


def test_a_mechanism_page_says_case_by_case_how_it_was_used_and_links_its_comparison(built_site, lib):
    uses = [(slug, u) for slug, story in lib.stories().items() for u in story.mechanism_uses]
    assert len(uses) >= 20
    for slug, use in uses:
        for lang, prefix in LANGS:
            doc = html.unescape(page(built_site, f"{prefix}mechanisms/{use.mechanism}/index.html"))
            assert getattr(use, lang)[:30] in doc, (slug, use.mechanism, lang)
    doc = page(built_site, "mechanisms/job-fairs/index.html")
    assert 'href="../../compare/fairs/"' in doc
    matrix = page(built_site, "en/mechanisms/index.html")
    matrix = matrix[matrix.index('<div class="cg-matrix">'):]
    assert matrix.count("●") == sum(len(s.mechanisms) for s in lib.stories().values())


def test_the_case_list_sorts_and_the_data_page_filters_in_the_browser(tab):
    page_ = tab.open("/en/cases/")
    figures = lambda: page_.eval_on_selector_all(".cg-sortable tbody tr", "rows => rows.map(r => +r.cells[3].textContent)")  # noqa: E731
    page_.get_by_role("button", name="Figures").click()
    assert figures() == sorted(figures())
    page_.get_by_role("button", name="Figures").click()
    assert figures() == sorted(figures(), reverse=True) and len(set(figures())) > 3
    page_ = tab.open("/en/cases/longyou-xuyong/data/")
    total = page_.locator(".cg-data tbody tr").count()
    page_.get_by_label("Filter the table").fill("Table 4-4")
    visible = page_.locator(".cg-data tbody tr:not([hidden])").count()
    assert 0 < visible < total
    assert not tab.errors


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("path,box,least", [("cases/longyou-xuyong/data/", ".cg-data", 100), ("cases/", ".cg-cases", 7),
                                            ("mechanisms/", ".cg-sortable", 10), ("", ".cg-cards", 5)])
def test_on_a_phone_each_row_of_a_data_page_is_a_card_with_its_cells_named(chromium, site_url, prefix, path, box,
                                                                           least):
    """At 390 px the six columns squeezed each row into a strip hundreds of pixels tall: each row is a card, its
    cells one under the other, each under its column's name; the page does not scroll sideways. On a desktop
    it is a table, and to a screen reader it stays one (roles). The same for the list of cases and of
    mechanisms, and the home page's headline figures."""
    shown = """box => {
        const table = document.querySelector(box + ' table');
        const names = [...table.tHead.rows[0].cells].map(th => th.textContent.trim());
        const rows = [...table.tBodies[0].rows];
        const cells = rows.flatMap(r => [...r.cells].slice(1).map((td, i) => [td, names[i + 1]]));
        const lefts = r => new Set([...r.cells].filter(td => td.offsetHeight).map(td => Math.round(td.getBoundingClientRect().left)));
        return {sideways: document.documentElement.scrollWidth - innerWidth,
                misnamed: cells.filter(([td, name]) => getComputedStyle(td, '::before').content !== JSON.stringify(name)).length,
                cells: cells.length, stacked: rows.filter(r => lefts(r).size === 1).length, rows: rows.length,
                display: getComputedStyle(rows[0].cells[1]).display,
                roles: [table.getAttribute('role'), rows[0].getAttribute('role'), rows[0].cells[1].getAttribute('role')]};
    }"""
    for width, card in ((390, True), (1280, False)):
        context = chromium.new_context(viewport={"width": width, "height": 844})
        try:
            page_ = context.new_page()
            page_.goto(f"{site_url}/{prefix}{path}")
            found = page_.evaluate(shown, box)
        finally:
            context.close()
        assert found["rows"] >= least and found["roles"] == ["table", "row", "cell"], found
        if card:
            assert found["sideways"] <= 0 and found["misnamed"] == 0 and found["stacked"] == found["rows"], found
        else:
            assert found["display"] == "table-cell" and found["stacked"] == 0, found


@pytest.mark.parametrize("address, lang, heading, home", [
    ("/cases/no-such-case/", "zh", "找不到这个页面", "/"),
    ("/en/cases/no-such-case/", "en", "Page not found", "/en/"),
])
def test_a_missing_address_gets_a_not_found_page_in_its_language(tab, address, lang, heading, home):
    """The one 404.html serves both languages (as GitHub Pages serves it): Chinese, and English under /en/, with
    a way home in that language, and no other language's words in its text."""
    page_ = tab.page
    response = page_.goto(tab.base + address)
    assert response.status == 404
    found = page_.evaluate("""() => ({lang: document.documentElement.lang,
        shown: [...document.querySelectorAll('.cg-not-found')].filter(d => !d.hidden).map(d => d.innerText),
        home: [...document.querySelectorAll('.cg-not-found:not([hidden]) a')].map(a => a.getAttribute('href')),
        site: document.querySelector('.md-header__topic .md-ellipsis').textContent.trim(),
        search: document.querySelector('.md-search__input').placeholder,
        labels: [...document.querySelectorAll('.md-header [aria-label], .md-header [title], header[aria-label]')]
            .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')])
            .filter(label => label && !label.includes(' · '))})""")
    assert found["lang"] == lang and len(found["shown"]) == 1 and found["shown"][0].startswith(heading), found
    assert found["home"] == [home], found
    text = " ".join([found["shown"][0], found["site"], found["search"], *found["labels"]])  # " · ": both, by design
    if lang == "en":
        assert not re.search(f"[{CJK}]", text), found
    else:
        assert not re.search(r"[A-Za-z]{3,}", text), found


# --- the pairing diagram ---------------------------------------------------------------------------------------

def test_each_pairing_of_the_diagram_links_to_its_case(built_site, lib):
    for lang, prefix in LANGS:
        doc = page(built_site, f"{prefix}index.html")
        svg = doc[doc.index('<figure class="cg-diagram"'):]
        svg = svg[:svg.index("</figure>")]
        for slug in lib.cases:
            assert f'href="cases/{slug}/"' in svg, (lang, slug)


@pytest.mark.parametrize("scheme,home", [("light", "/en/"), ("dark", "/en/"), ("light", "/")])
def test_the_diagram_is_legible_in_both_colour_schemes_and_on_a_phone(chromium, site_url, scheme, home):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page_ = context.new_page()
        page_.goto(site_url + home)
        found = page_.evaluate("""() => {
            const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
                               return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
            const bg = lum(getComputedStyle(document.body).backgroundColor);
            const label = document.querySelector(".cg-diagram .cg-d-ink");
            const svg = document.querySelector(".cg-diagram svg");
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            // every name and arrow in sight, the western side too: nothing past the screen's edge or scrolled away
            const right = Math.max(...[...svg.querySelectorAll("text, path")].map(e => e.getBoundingClientRect().right));
            const scroller = document.querySelector(".cg-diagram-scroll");
            return {bg, ink: lum(getComputedStyle(label).fill), px: 16 * scale, right, screen: window.innerWidth,
                    hidden: scroller.scrollWidth - scroller.clientWidth};
        }""")
        assert abs(found["bg"] - found["ink"]) > 0.5, found  # dark text on light, light text on dark
        assert found["px"] >= 11, found
        assert found["right"] <= found["screen"] and found["hidden"] <= 0, found
    finally:
        context.close()
