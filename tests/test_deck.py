"""Slide decks: a 16:9 PowerPoint deck per case and language, linked from its page; `casegen deck` for several
cases with a comparison slide; chart pictures on a 16:9 canvas; editable text with an East Asian font; the
same bytes for the same data."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from browser import casegen_command
from casegen import deck, widescreen
from casegen.validate import validate
from conftest import ROOT

WIDE = (12192000, 6858000)  # EMU: 13.333 × 7.5 in, PowerPoint's 16:9


@pytest.fixture(scope="module")
def lib():
    return validate(ROOT / "data")


def deck_of(built, slug: str, lang: str) -> Presentation:
    return Presentation(built.root / "site" / ("" if lang == "zh" else "en/") / "cases" / slug / deck.deck_name(slug))


def titles(prs) -> list[str]:
    return [s.shapes.title.text for s in prs.slides]


def charts_on_page(built, slug: str, lang: str) -> int:
    page = (built.root / "site" / ("" if lang == "zh" else "en/") / "cases" / slug / "index.html").read_text(
        encoding="utf-8")
    return page.count('<figure class="cg-chart"')


def test_every_case_has_a_16_9_deck_in_both_languages_with_its_slides(built_site, lib):
    for slug, case in lib.cases.items():
        for lang in ("zh", "en"):
            prs = deck_of(built_site, slug, lang)
            assert (prs.slide_width, prs.slide_height) == WIDE
            names = titles(prs)
            assert names[0] == getattr(case.title, lang)
            expected = ["关键数据", "讨论题", "来源与引用"] if lang == "zh" else \
                ["Key figures", "Discussion questions", "Sources and citation"]
            assert all(e in names for e in expected), (slug, lang, names)
            assert any(n.startswith("结对概况" if lang == "zh" else "The pairing at a glance") for n in names)
            assert any(n.startswith("案例要点" if lang == "zh" else "The story in brief") for n in names)
            pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
            assert len(pictures) == charts_on_page(built_site, slug, lang) > 0, (slug, lang)
            for picture in pictures:
                width, height = Image.open(io.BytesIO(picture.image.blob)).size
                assert width * 9 == height * 16, (slug, lang, width, height)


def test_every_table_of_every_deck_ends_above_the_footer(built_site, lib):
    """A table's rows are as tall as their wrapped text; a long one is set smaller rather than run over the footer
    (the English key figures of Longyou–Xuyong ran 1.3 in past it)."""
    for slug in lib.cases:
        for lang in ("zh", "en"):
            for number, slide in enumerate(deck_of(built_site, slug, lang).slides, start=1):
                for shape in slide.shapes:
                    if shape.has_table:
                        bottom = shape.top + sum(row.height for row in shape.table.rows)
                        assert bottom <= deck.BODY_BOTTOM, (slug, lang, number)
                        sizes = {run.font.size.pt for row in shape.table.rows for cell in row.cells
                                 for p in cell.text_frame.paragraphs for run in p.runs if run.font.size}
                        assert min(sizes) >= deck.SMALLEST, (slug, lang, number)


def test_deck_text_is_editable_and_set_in_a_cjk_font(built_site):
    prs = deck_of(built_site, "longyou-xuyong", "zh")
    runs = [r for s in prs.slides for sh in s.shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for s in prs.slides for sh in s.shapes if sh.has_table
             for row in sh.table.rows for cell in row.cells for p in cell.text_frame.paragraphs for r in p.runs]
    assert len(runs) > 40
    for run in runs:
        ea = run._r.find(qn("a:rPr")).find(qn("a:ea"))
        assert ea is not None and ea.get("typeface") == deck.EA_FONT, run.text
    text = "".join(r.text for r in runs)
    assert "叙永" in text and "讨论" in text
    # the key figures slide keeps each figure's locator in its notes
    slide = next(s for s in prs.slides if s.shapes.title.text == "关键数据")
    assert "§" in slide.notes_slide.notes_text_frame.text or "表" in slide.notes_slide.notes_text_frame.text


def test_the_case_page_and_the_downloads_page_link_the_decks(built_site, lib):
    site = built_site.root / "site"
    for prefix in ("", "en/"):
        downloads = (site / prefix / "downloads" / "index.html").read_text(encoding="utf-8")
        for slug in lib.cases:
            page = (site / prefix / "cases" / slug / "index.html").read_text(encoding="utf-8")
            assert f'href="{deck.deck_name(slug)}"' in page
            assert f'href="../cases/{slug}/{deck.deck_name(slug)}"' in downloads
            assert f'href="../cases/{slug}/{slug}-handout.pdf"' in downloads


def test_a_deck_has_the_same_bytes_for_the_same_data(built_site, lib):
    from casegen import charts
    from casegen.render import Renderer

    slug = "zhejiang-sichuan"
    path = built_site.root / "site" / "cases" / slug / deck.deck_name(slug)
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert f"<dc:title>{lib.cases[slug].title.zh}</dc:title>" in core
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z" in core  # no git: no date known
    saved = charts.CACHE
    charts.CACHE = built_site.root / "build" / "cache"  # the built site's charts
    try:
        again = deck.case_deck(deck.case_slides(Renderer(lib), slug, "zh", charts.case_charts(lib, slug, "zh")))
    finally:
        charts.CACHE = saved
    assert again == path.read_bytes()


def test_casegen_deck_combines_cases_with_a_comparison_slide(built_site, tmp_path):
    out = tmp_path / "workshop.pptx"
    cmd = [*casegen_command(), "--root", str(built_site.root), "deck", "longyou-xuyong", "zhejiang-sichuan",
           "-o", str(out), "--lang", "en"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    prs = Presentation(out)
    assert (prs.slide_width, prs.slide_height) == WIDE
    names = titles(prs)
    assert names[0] == "Workshop slides" and names[-1] == "Comparing the cases"
    assert "Longyou–Xuyong labour cooperation" in names and "Zhejiang–Sichuan labour cooperation" in names
    table = next(sh.table for sh in prs.slides[-1].shapes if sh.has_table)
    header = [c.text for c in table.rows[0].cells]
    assert header[1:] == ["Longyou–Xuyong labour cooperation", "Zhejiang–Sichuan labour cooperation"]
    assert len(table.rows) > 4  # pairing, level, period, then measures
    # the same command gives the same bytes
    again = tmp_path / "again.pptx"
    subprocess.run([*cmd[:-3], str(again), "--lang", "en"], check=True, capture_output=True)
    assert again.read_bytes() == out.read_bytes()


def test_casegen_deck_refuses_an_unknown_case(built_site, tmp_path):
    result = subprocess.run([*casegen_command(), "--root", str(built_site.root), "deck", "no-such-case",
                             "-o", str(tmp_path / "x.pptx")], capture_output=True, text=True)
    assert result.returncode == 1 and "no case 'no-such-case'" in result.stderr and "longyou-xuyong" in result.stderr
    assert not (tmp_path / "x.pptx").exists()


# --- 16:9 pictures ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1274, 1108), (1296, 1408), (3000, 400), (16, 9), (1, 1)])
def test_the_canvas_is_exactly_16_9_and_holds_the_chart(size):
    width, height = widescreen.canvas_size(*size)
    assert width * 9 == height * 16 and width >= size[0] and height >= size[1]


def test_the_chart_is_centred_on_a_white_16_9_canvas():
    chart = '<svg role="img" xmlns="http://www.w3.org/2000/svg" width="600" height="500" viewBox="0 0 600 500">' \
            '<text x="1" y="2">人&amp;</text></svg>'
    wide = widescreen.widescreen_svg(chart)
    assert widescreen.canvas_size(600, 500) == (976, 549)  # a margin of 24 px around the chart
    assert wide.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="976" height="549" viewBox="0 0 976 549">')
    assert '<rect width="976" height="549" fill="white"/>' in wide
    assert '<svg x="188" y="24.5" role="img"' in wide and "<text x=\"1\" y=\"2\">人&amp;</text></svg></svg>" in wide
    assert not widescreen.sized("\0pending-chart\0{}") and widescreen.sized(chart)
    assert 'width="736" height="414"' in widescreen.widescreen_svg("<svg><!-- a stand-in --></svg>")


def test_the_16_9_png_is_the_charts_png_padded_as_its_svg_canvas_draws_it(lib):
    """The slide picture is padded from the chart's PNG, not drawn again: it must be the picture the 16:9 SVG
    draws (the same size, the chart at the same place), and the same bytes each time."""
    import io

    import vl_convert as vlc

    from casegen import charts

    chart = charts.case_charts(lib, "dongguan-zhaotong", "zh")[0].svg
    padded = widescreen.pad_png(vlc.svg_to_png(chart, scale=2.0), chart)
    drawn = Image.open(io.BytesIO(vlc.svg_to_png(widescreen.widescreen_svg(chart), scale=2.0))).convert("L")
    mine = Image.open(io.BytesIO(padded)).convert("L")
    assert mine.size == drawn.size and mine.size[0] * 9 == mine.size[1] * 16
    inked = lambda im: Image.eval(im, lambda v: 255 if v < 200 else 0).getbbox()  # noqa: E731
    assert inked(mine) is not None
    assert all(abs(a - b) <= 2 for a, b in zip(inked(mine), inked(drawn))), (inked(mine), inked(drawn))
    assert padded == widescreen.pad_png(vlc.svg_to_png(chart, scale=2.0), chart)


def test_the_16_9_chart_pngs_and_the_gallery(built_site, lib):
    site = built_site.root / "site"
    for prefix in ("", "en/"):
        gallery = (site / prefix / "gallery" / "index.html").read_text(encoding="utf-8")
        for slug in lib.cases:
            for png in sorted((site / prefix / "cases" / slug / "charts").glob("*-16x9.png")):
                width, height = Image.open(png).size
                assert width * 9 == height * 16, png
                assert f'href="../cases/{slug}/charts/{png.name}"' in gallery
                assert f'src="../cases/{slug}/charts/{png.name.replace("-16x9.png", ".svg")}"' in gallery
        assert gallery.count("-16x9.png") == sum(1 for _ in (site / prefix).glob("*/*/charts/*-16x9.png"))


@pytest.mark.parametrize("lang,size,bold,color", [("zh", 40, True, deck.ACCENT), ("en", 10.5, False, deck.MUTED),
                                                   ("en", 12.3, True, deck.INK)])
def test_a_runs_font_is_the_xml_python_pptx_writes_with_the_east_asian_font_after_the_latin(lang, size, bold, color):
    from lxml import etree
    from pptx.util import Pt

    prs = Presentation()
    frame = prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100).text_frame
    ours, theirs = frame.paragraphs[0].add_run(), frame.add_paragraph().add_run()
    ours.text = theirs.text = "东西 East"
    deck._font(ours, lang, size, bold, color)
    theirs.font.size, theirs.font.bold, theirs.font.name = Pt(size), bold, deck.LATIN_FONT[lang]
    theirs.font.color.rgb = color
    rpr = theirs._r.get_or_add_rPr()
    rpr.find(qn("a:latin")).addnext(rpr.makeelement(qn("a:ea"), {"typeface": deck.EA_FONT}))
    assert etree.tostring(ours._r) == etree.tostring(theirs._r)
    assert ours.font.size == Pt(size) and ours.font.bold is bold and ours.font.color.rgb == color
