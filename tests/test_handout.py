"""PDF handouts: a print template of their own, A4, at most two pages (as the downloads page promises), real text
(no Type 3 fonts, no radical look-alikes), page numbers and the address on every page."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader

from casegen import handout, printfont
from casegen.load import load_library
from casegen.render import Renderer
from casegen.validate import validate
from conftest import ROOT

LARGEST = "longyou-xuyong"
RADICAL = re.compile(r"[\u2e80-\u2fdf]")
A4 = (595, 842)  # points, rounded


def pdf_of(built, slug: str, lang: str) -> PdfReader:
    return PdfReader(built.root / "site" / ("" if lang == "zh" else "en/") / "cases" / slug / handout.pdf_name(slug))


def page_texts(reader: PdfReader) -> list[str]:
    return [p.extract_text() for p in reader.pages]


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


def test_every_case_has_a_short_a4_handout_in_both_languages(built_site, lib):
    for slug, case in lib.cases.items():
        for lang in ("zh", "en"):
            reader = pdf_of(built_site, slug, lang)
            pages = len(reader.pages)
            assert 1 <= pages <= 2, (slug, lang, pages)  # the largest case too: the downloads page says so
            for page in reader.pages:
                assert tuple(round(float(v)) for v in page.mediabox[2:]) == A4
            text = squeeze("".join(page_texts(reader)))
            assert squeeze(getattr(case.title, lang)) in text, (slug, lang)
            # the parts a trainer needs, in the handout's language
            words = ["关键数据", "案例要点", "讨论题", "引用本案例"] if lang == "zh" else \
                ["Key figures", "The story in brief", "Discussion questions", "Cite this case"]
            assert all(squeeze(w) in text for w in words), (slug, lang)
            question = squeeze(getattr(case.questions[0], lang))
            assert question[:20] in text, (slug, lang)
            # the page's first charts, their titles text in the PDF (SVG text, not pictures of it)
            page = (built_site.root / "site" / ("" if lang == "zh" else "en/") / "cases" / slug / "index.html"
                    ).read_text(encoding="utf-8")
            chart_titles = re.findall(r'<figure class="cg-chart" [^>]*data-title="([^"]+)"', page)[:handout.MAX_CHARTS]
            assert chart_titles and all(squeeze(html.unescape(t)) in text for t in chart_titles), (slug, lang)


def test_handout_text_is_real_text_without_radical_look_alikes(built_site, lib):
    """Copying a chart label gives the characters on the screen: 目标, 人, 资金, never ⽬标, ⼈, 资⾦."""
    for slug in lib.cases:
        for lang in ("zh", "en"):
            text = "".join(page_texts(pdf_of(built_site, slug, lang)))
            assert not RADICAL.findall(text), (slug, lang, sorted(set(RADICAL.findall(text))))
    zh = squeeze("".join(page_texts(pdf_of(built_site, LARGEST, "zh"))))
    # words of the charts (their titles and labels are SVG text) and of the story
    for word in ("主要成果：叙永县", "目标与完成情况", "贫困劳动力实现就业人数", "人"):
        assert word in zh, word


def test_handout_fonts_are_embedded_truetype_subsets_not_type3(built_site, lib):
    for slug in lib.cases:
        for lang in ("zh", "en"):
            fonts = {}
            for page in pdf_of(built_site, slug, lang).pages:
                for font in page["/Resources"]["/Font"].values():
                    font = font.get_object()
                    fonts[str(font["/BaseFont"])] = font
            assert fonts, (slug, lang)
            for name, font in fonts.items():
                assert font["/Subtype"] != "/Type3", (slug, lang, name)
                assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"  # ABCDEF+Name marks a subset
                descendant = font["/DescendantFonts"][0].get_object()
                assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), (slug, lang, name)
                assert "/ToUnicode" in font


def test_every_page_is_numbered_and_names_the_library(built_site, lib):
    for slug in lib.cases:
        for lang in ("zh", "en"):
            texts = page_texts(pdf_of(built_site, slug, lang))
            total = len(texts)
            for number, text in enumerate(texts, 1):
                mark = f"第{number}页，共{total}页" if lang == "zh" else f"Page{number}of{total}"
                assert mark in squeeze(text), (slug, lang, number, text[-200:])
                assert squeeze("东西部扶贫劳务协作案例库" if lang == "zh" else "Case Library") in squeeze(text)


def test_the_case_page_links_its_handout_in_both_languages(built_site, lib):
    for slug in lib.cases:
        for prefix in ("", "en/"):
            page = (built_site.root / "site" / prefix / "cases" / slug / "index.html").read_text(encoding="utf-8")
            assert f'href="{handout.pdf_name(slug)}"' in page


def test_without_an_address_a_handout_names_none(built_site):
    """The real site built without an address (as a newcomer builds it): no link, no made-up address."""
    reader = pdf_of(built_site, LARGEST, "en")
    text = "".join(page_texts(reader))
    assert "http" not in text.replace("https://creativecommons", "")
    links = [a.get_object()["/A"].get("/URI") for p in reader.pages for a in p.get("/Annots") or []
             if "/A" in a.get_object()]
    assert not [u for u in links if u], links


# --- the template, without printing ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def renderer(lib):
    return Renderer(lib, "https://example.github.io/lib/", {LARGEST: "2026-11-20"}, handouts=True)


def test_with_an_address_the_footer_and_citation_name_it(renderer):
    document = handout.handout_html(renderer, LARGEST, "zh", [])
    url = "https://example.github.io/lib/cases/longyou-xuyong/"
    assert f'@bottom-left {{ content: "东西部扶贫劳务协作案例库 · {url}"; }}' in document
    assert f'<a href="{url}">' in document and f'{url}downloads/longyou-xuyong.csv' in document
    assert "2026-11-20" in document and '"第 " counter(page) " 页，共 " counter(pages) " 页"' in document
    english = handout.handout_html(renderer, LARGEST, "en", [])
    assert 'https://example.github.io/lib/en/cases/longyou-xuyong/' in english
    assert '"Page " counter(page) " of " counter(pages)' in english


def test_editor_text_is_escaped_in_the_handout(minimal):
    minimal.replace("data/cases/east-west/case.yaml", "summary: {zh: 概要。", "summary: {zh: 概要<script>x()</script>&。")
    lib, problems = load_library(minimal.data)
    assert not [p for p in problems if p.is_error], problems
    r = Renderer(lib, "https://example.github.io/a\"</style><b>/", {}, handouts=True)
    document = handout.handout_html(r, "east-west", "zh", [])
    assert "<script>" not in document and "&lt;script&gt;x()&lt;/script&gt;&amp;" in document
    assert document.count("</style>") == 1 and "<b>" not in document  # the address stays inside its CSS string
    style = document[document.index("<style>"):document.index("</style>")]
    assert '\\22 \\3c /style\\3e \\3c b\\3e ' in style


def test_the_css_string_escape_keeps_text_inside_the_string():
    assert handout._css_string('a"b\\c\n<&>') == 'a\\22 b\\5c c\\a \\3c \\26 \\3e '


# --- the font ---------------------------------------------------------------------------------------------

def test_a_handouts_font_holds_its_characters_and_no_radical(tmp_path):
    from fontTools.ttLib import TTFont

    chars = printfont.characters("<p>目标&amp;人 ⽬ 资金</p><style>x</style>")
    assert {ord(c) for c in "目标人资金&"} <= chars and ord("⽬") not in chars
    faces = printfont.faces(chars, tmp_path)
    for weight in printfont.WEIGHTS:
        font = TTFont(io.BytesIO(faces[weight].read_bytes()))
        assert "glyf" in font and "CFF " not in font  # TrueType outlines: embedded as a subset, not Type 3
        cmap = font.getBestCmap()
        assert set(cmap) <= chars and {ord(c) for c in "目标人资金&"} <= set(cmap)
        assert not [c for c in cmap if 0x2E80 <= c < 0x2FE0]
    again = printfont.build_face(printfont.ensure_glyphs(chars, tmp_path)["Regular"], chars, "Regular")
    assert again == faces["Regular"].read_bytes()  # the same characters, the same bytes


def test_the_story_in_brief_takes_paragraphs_in_turn_while_they_fit():
    sections = [["a" * 300, "b" * 300, "c" * 300], ["d" * 300, "e" * 600], ["f" * 100]]
    kept = handout.story_in_brief(sections, "zh")  # 1,100 characters
    assert kept == [["a" * 300, "b" * 300], ["d" * 300], ["f" * 100]]  # e (600) would pass the budget: the rest waits
    assert handout.story_in_brief([["x" * 5000], []], "en") == [["x" * 5000], []]  # a first paragraph always


def test_yang_countys_handout_holds_all_three_parts_of_its_model(built_site):
    text = squeeze("".join(page_texts(pdf_of(built_site, "yang-county", "zh"))))
    assert "第一个“1”是账单" in text and "“6”是六个平台" in text and "最后一个“1”" in text
