"""Slide decks (PowerPoint, 16:9) for trainers: one per case and language, and workshop decks of several cases.

A case's deck: a title slide, the pairing at a glance, the key figures, each chart as a 16:9 picture, the story
in a few points (the full sections in the speaker notes), the discussion questions, and the sources with the
citation. Every text is an editable text box in a CJK font (the East Asian font of each run is set, as
PowerPoint and WPS read it). A workshop deck puts several cases one after the other and adds a slide that
compares their figures.

The bytes are the same for the same data: the document properties carry the date the data last changed, and
the zip members a fixed time stamp (python-pptx writes the current time).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.oxml.simpletypes import ST_TextFontSize
from pptx.util import Emu, Inches, Pt

from . import ooxml

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in, 16:9: PowerPoint's "Widescreen"
MARGIN = Inches(0.6)
BODY_TOP, BODY_BOTTOM = Inches(1.45), Inches(6.85)
ACCENT, INK, MUTED = RGBColor(0x1D, 0x5F, 0x99), RGBColor(0x1F, 0x1F, 0x1F), RGBColor(0x5C, 0x5C, 0x5C)
# The East Asian font every run names (on every Chinese Windows, and WPS maps it); Latin text in the
# Chinese deck uses it too, so digits and letters match the characters around them.
EA_FONT = "Microsoft YaHei"
LATIN_FONT = {"zh": EA_FONT, "en": "Arial"}
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # of python-pptx's default template


@dataclass
class CaseSlides:
    """What the deck shows of one case in one language, as plain text (and chart pictures)."""
    slug: str
    lang: str
    words: dict[str, str]                       # the labels the slides use, in the deck's language
    title: str
    pairing: str
    facts: list[tuple[str, str]]                # (label, value): level, period, sources, mechanisms
    summary: str
    key_figures: list[tuple[str, str, str, str, str]]  # (measure, value, period and place, source, locator)
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # (title, 16:9 PNG)
    points: list[tuple[str, str, str]] = field(default_factory=list)  # (heading, first sentence, section)
    questions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    citation: str = ""
    page_url: str | None = None
    changed: str | None = None


def first_sentence(text: str, lang: str) -> str:
    """The first sentence of a paragraph: up to the first 。！？ in Chinese, . ! ? before a capital in English."""
    text = " ".join(text.split())
    pattern = r"^.+?[。！？]" if lang == "zh" else r"^.+?[.!?](?=\s+[A-Z\"“(‘]|$)"
    match = re.match(pattern, text)
    return match.group(0) if match else text


def case_slides(r, slug: str, lang: str, charts: list) -> CaseSlides:
    """The content of a case's deck from the renderer ``r`` (its words, key figures, citation) and the case's
    charts (their PNG from the chart cache, set on a 16:9 canvas)."""
    from . import charts as charting
    from . import locators, text

    lib, story = r.lib, r.stories[slug]
    h = r.helpers(lang, 0)
    t, tr = h["t"], h["tr"]
    words = {k: t(k) for k in ("site_name", "pairing", "level", "period", "sources", "mechanisms", "summary",
                               "key_figures", "metric", "value", "source", "questions", "cite_case", "colon",
                               "deck_glance", "deck_story", "deck_sources", "deck_notes", "deck_online",
                               "handout_licence", "last_changed", "deck_comparison", "deck_workshop",
                               "not_reported", "paren_open", "paren_close", "dash")}
    sep = "、" if lang == "zh" else "; "
    facts = [(t("level"), t("level_" + story.level))]
    if story.period:
        facts.append((t("period"), h["period_text"](story.period.start, story.period.end)))
    facts.append((t("sources"), sep.join(tr(lib.sources[s].short) if s in lib.sources else s for s in story.sources)))
    if story.mechanisms:
        facts.append((t("mechanisms"), sep.join(tr(lib.mechanisms[m]) if m in lib.mechanisms else m
                                                for m in story.mechanisms)))
    key_figures = []
    for f in r.key_figures(slug):
        source = lib.sources.get(f.source)
        key_figures.append((h["metric"](f.metric, alone=True), text.plain(h["amount"](f)) + (" ⚠" if lib.flag_of(f) else ""),
                            f"{h['period_text'](f.start, f.end)} · {h['region'](f.scope)}",
                            tr(source.short) if source else f.source,
                            locators.zh(f.locator) if lang == "zh" else locators.en_text(f.locator)))
    pictures = [(c.title, charting.widescreen_png(c.svg)) for c in charts]
    points = []
    for section in ("background", "measures", "results", "lessons"):
        full = tr(getattr(story, section))
        points.append((t(section), first_sentence(full, lang), full))
    sources = []
    for s in story.sources:
        src = lib.sources.get(s)
        if src is None:
            continue
        who = (src.author_en or src.publisher_en or src.author or src.publisher) if lang == "en" else \
            (src.author or src.publisher)
        sources.append(f"{tr(src.short)}{t('colon')}{tr(src.title)}" + (f"{t('dash')}{who}" if who else "")
                       + (f"{t('comma')}{src.published}" if src.published else "")
                       + (f"{t('stop')}{src.url}" if src.url else ""))  # Chinese punctuation on a Chinese slide
    citation = r.citation(slug, lang)
    return CaseSlides(slug=slug, lang=lang, words=words, title=tr(story.title),
                      pairing=f"{h['region_path'](story.east)} → {h['region_path'](story.west)}", facts=facts,
                      summary=tr(story.summary), key_figures=key_figures, charts=pictures, points=points,
                      questions=[tr(q) for q in story.questions], sources=sources,
                      citation=citation.gbt if lang == "zh" else citation.apa, page_url=r.page_url(slug, lang),
                      changed=r.changed.get(slug))


# -- drawing -----------------------------------------------------------------------------------------------

def _font(run, lang: str, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    """Give a new run (one without properties yet) its size, weight, colour and fonts, the East Asian one too.

    Written as the XML python-pptx's font properties write (``run.font.size = …`` and so on), in one go: each of
    those looks its element up again, and they were nearly a third of a deck's time (a deck holds about 70 runs)."""
    r = run._r
    assert r.find(_RPR) is None, "a run's properties are set once"
    rpr = r.makeelement(_RPR, {"sz": ST_TextFontSize.convert_to_xml(Pt(size).centipoints), "b": "1" if bold else "0"})
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), {"val": str(color)})
    etree.SubElement(rpr, qn("a:latin"), {"typeface": LATIN_FONT[lang]})
    etree.SubElement(rpr, qn("a:ea"), {"typeface": EA_FONT})  # the schema's order: latin, then ea
    r.insert(0, rpr)


_RPR = qn("a:rPr")


def _text(frame, paragraphs: list, lang: str, size: float, color: RGBColor = INK, bold: bool = False,
          space: float = 6) -> None:
    """Fill a text frame: each item a string, or a list of (text, bold) runs."""
    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.space_after = Pt(space)
        for text, strong in ([(item, bold)] if isinstance(item, str) else item):
            run = p.add_run()
            run.text = text
            _font(run, lang, size, strong, color)


def _fit(texts: list[str], lang: str, big: float, small: float, budget: int) -> float:
    """A font size for texts that must fit a box: ``big`` while they are short, down to ``small``."""
    length = sum(len(t) * (2 if lang == "zh" else 1) for t in texts)
    if length <= budget:
        return big
    return max(small, round(big * (budget / length) ** 0.5, 1))


SMALLEST = 10  # points: the least a table's text may shrink to on a projected slide


def _column_widths(widths: list[float]) -> list[Emu]:
    """A table's columns across the slide's body, in proportion to ``widths``."""
    total = sum(widths)
    return [Emu(int((WIDTH - 2 * MARGIN) * w / total)) for w in widths]


def _lines(text: str, width: int, size: float) -> int:
    """About how many lines ``text`` takes at ``size`` points in a box ``width`` EMU wide (a Chinese character is
    an em wide, anything else about half of one), breaking at spaces in Latin text."""
    em = Pt(size)
    count, used = 1, 0.0
    for word in re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+", text):
        w = sum(em if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else em * 0.55 for ch in word)
        if used and used + w > width:
            count, used = count + 1, 0.0
        used += w
        while used > width:
            count, used = count + 1, used - width
    return count


class Deck:
    """A 16:9 presentation being written: one method per kind of slide."""

    def __init__(self, lang: str, footer: str):
        self.lang = lang
        self.footer = footer
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT

    def _slide(self, title: str):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.95)
        shape.text_frame.clear()
        _text(shape.text_frame, [title], self.lang, 28 if len(title) < 40 else 22, ACCENT, bold=True, space=0)
        shape.text_frame.paragraphs[0].alignment = 1  # left
        box = slide.shapes.add_textbox(MARGIN, Inches(7.0), WIDTH - 2 * MARGIN, Inches(0.35))
        _text(box.text_frame, [self.footer], self.lang, 10, MUTED, space=0)
        return slide

    def _body(self, slide, top=BODY_TOP, bottom=BODY_BOTTOM):
        return slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, bottom - top).text_frame

    def _row_heights(self, rows: list[list[str]], widths: list[float], size: float) -> list[Emu]:
        """Each row as tall as its wrapped text at ``size`` points: LibreOffice does not grow a row whose text
        overflows it."""
        columns = _column_widths(widths)
        return [Emu(int(Pt(size * (1.5 if self.lang == "zh" else 1.3)
                           * max(_lines(value, int((columns[c] - Inches(0.2)) * 0.85), size) for c, value in enumerate(row))
                           + 10)))
                for row in rows]

    def _table(self, slide, rows: list[list[str]], widths: list[float], size: float, top=BODY_TOP,
               header: bool = True):
        shape = slide.shapes.add_table(len(rows), len(rows[0]), MARGIN, top, WIDTH - 2 * MARGIN,
                                       Inches(0.4) * len(rows))
        table = shape.table
        for i, width in enumerate(_column_widths(widths)):
            table.columns[i].width = width
        for r, (row, height) in enumerate(zip(rows, self._row_heights(rows, widths, size))):
            table.rows[r].height = height
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.text_frame.clear()
                head = header and r == 0
                _text(cell.text_frame, [value], self.lang, size, RGBColor(0xFF, 0xFF, 0xFF) if head else INK,
                      bold=head or (not header and c == 0), space=0)
        table.first_row = header
        return table

    def title_slide(self, title: str, subtitle: str, kicker: str) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE])
        heading, sub = slide.shapes.title, slide.placeholders[1]
        heading.left, heading.top, heading.width, heading.height = MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.6)
        sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(4.0), WIDTH - 2 * MARGIN, Inches(1.6)
        heading.text_frame.clear()
        sub.text_frame.clear()
        _text(heading.text_frame, [title], self.lang, 40 if len(title) < 30 else 30, ACCENT, bold=True, space=0)
        _text(sub.text_frame, [subtitle, kicker], self.lang, 20, INK, space=8)
        sub.text_frame.paragraphs[-1].runs[0].font.size = Pt(14)
        sub.text_frame.paragraphs[-1].runs[0].font.color.rgb = MUTED

    def glance(self, case: CaseSlides) -> None:
        w = case.words
        slide = self._slide(f"{w['deck_glance']}{w['colon']}{case.title}")
        rows = [[w["pairing"], case.pairing], *[[label, value] for label, value in case.facts]]
        self._table(slide, rows, [1, 4], 14, header=False)
        # The table grows with its wrapped lines (about 85 Latin or 48 Chinese characters a line at 14 pt).
        per_line = 48 if self.lang == "zh" else 85
        lines = sum(-(-len(value) // per_line) for _, value in rows)
        frame = self._body(slide, top=BODY_TOP + Inches(0.32) * lines + Inches(0.12) * len(rows) + Inches(0.3))
        _text(frame, [case.summary], self.lang, _fit([case.summary], self.lang, 18, 12, 520), INK)

    def key_figures(self, case: CaseSlides) -> None:
        w = case.words
        slide = self._slide(w["key_figures"])
        # The slide names each figure's source; where in the source it is (a long locator) is in the notes.
        rows = [[w["metric"], w["value"], w["period"], w["source"]],
                *[[m, v, p, src] for m, v, p, src, _ in case.key_figures]]
        widths = [2.8, 1.9, 2.9, 2.2]
        size = _fit([" ".join(r) for r in rows[1:]], self.lang, 16, 11, 700)
        # smaller type where the wrapped rows would run past the slide's body (and over its footer)
        while size > SMALLEST and sum(self._row_heights(rows, widths, size)) > BODY_BOTTOM - BODY_TOP:
            size = max(SMALLEST, round(size - 0.5, 1))
        self._table(slide, rows, widths, size)
        slide.notes_slide.notes_text_frame.text = "\n".join(
            f"{m}{w['colon']}{v}{w['paren_open']}{p}{w['paren_close']}{w['dash']}{src}{w['colon']}{where}"
            for m, v, p, src, where in case.key_figures)

    def chart(self, title: str, png: bytes) -> None:
        slide = self._slide(title)
        ratio = 9 / 16
        height = BODY_BOTTOM - BODY_TOP
        width = int(height / ratio)
        slide.shapes.add_picture(io.BytesIO(png), int((WIDTH - width) / 2), BODY_TOP, width, height)

    def story(self, case: CaseSlides) -> None:
        w = case.words
        slide = self._slide(f"{w['deck_story']}{w['colon']}{case.title}")
        size = _fit([p for _, p, _ in case.points], self.lang, 18, 12, 700)
        _text(self._body(slide), [[(heading + w["colon"], True), (point, False)] for heading, point, _ in case.points],
              self.lang, size, space=10)
        box = slide.shapes.add_textbox(MARGIN, Inches(6.55), WIDTH - 2 * MARGIN, Inches(0.35))
        _text(box.text_frame, [w["deck_notes"]], self.lang, 11, MUTED, space=0)
        notes = slide.notes_slide.notes_text_frame
        notes.text = "\n\n".join(f"{heading}\n{full}" for heading, _, full in case.points)

    def questions(self, case: CaseSlides) -> None:
        w = case.words
        slide = self._slide(w["questions"])
        size = _fit(case.questions, self.lang, 18, 12, 800)
        _text(self._body(slide), [f"{i}. {q}" for i, q in enumerate(case.questions, 1)], self.lang, size, space=10)

    def sources(self, case: CaseSlides) -> None:
        w = case.words
        slide = self._slide(w["deck_sources"])
        lines: list = [[(w["sources"] + w["colon"], True)], *case.sources, "",
                       [(w["cite_case"] + w["colon"], True)], case.citation]
        if case.page_url:
            lines.append(f"{w['deck_online']}{w['colon']}{case.page_url}")
        lines.append(w["handout_licence"] + (f" {w['last_changed']}{w['colon']}{case.changed}" if case.changed else ""))
        texts = [x if isinstance(x, str) else x[0][0] for x in lines]
        _text(self._body(slide), lines, self.lang, _fit(texts, self.lang, 16, 10, 900), space=6)

    def case(self, case: CaseSlides, with_title: bool = True) -> None:
        if with_title:
            self.title_slide(case.title, case.pairing, case.words["site_name"])
        else:
            slide = self._slide(case.title)
            _text(self._body(slide, top=Inches(3.0)), [case.pairing], self.lang, 24, INK)
        self.glance(case)
        if case.key_figures:
            self.key_figures(case)
        for title, png in case.charts:
            self.chart(title, png)
        self.story(case)
        if case.questions:
            self.questions(case)
        self.sources(case)

    def comparison(self, rows: list[list[str]], title: str) -> None:
        slide = self._slide(title)
        size = 14 if len(rows[0]) <= 3 else 12 if len(rows[0]) <= 4 else 10
        self._table(slide, rows, [2.2] + [2] * (len(rows[0]) - 1), size)

    def save(self, title: str, changed: str | None) -> bytes:
        props = self.prs.core_properties
        when = datetime.datetime.fromisoformat(changed) if changed else datetime.datetime(2000, 1, 1)
        props.title, props.author, props.last_modified_by = title, self.footer.split(" · ")[0], ""
        props.created = props.modified = when
        props.comments = ""
        props.revision = 1
        props.language = "zh-CN" if self.lang == "zh" else "en"
        return ooxml.presentation_bytes(self.prs)


def deck_name(slug: str) -> str:
    return f"{slug}-deck.pptx"


def footer_of(case: CaseSlides) -> str:
    return f"{case.words['site_name']} · {case.page_url}" if case.page_url else case.words["site_name"]


def case_deck(case: CaseSlides) -> bytes:
    """One case's deck."""
    deck = Deck(case.lang, footer_of(case))
    deck.case(case)
    return deck.save(case.title, case.changed)


def comparison_rows(r, slugs: list[str], lang: str) -> list[list[str]]:
    """The comparison slide's table: a column per case; rows for pairing, level and period, then the measures
    that two or more of the cases report (one figure each, as the comparison pages choose it), else the
    measures of their key figures; "not reported" where a case has none."""
    from . import text
    from .derive import representative
    from .keyfigures import OUTCOME_GROUPS

    lib = r.lib
    h = r.helpers(lang, 0)
    t, tr = h["t"], h["tr"]
    stories = [r.stories[s] for s in slugs]
    rows = [[t("metric"), *[tr(s.title) for s in stories]],
            [t("pairing"), *[f"{h['region'](s.east)} → {h['region'](s.west)}" for s in stories]],
            [t("level"), *[t("level_" + s.level) for s in stories]],
            [t("period"), *[h["period_text"](s.period.start, s.period.end) if s.period else "" for s in stories]]]
    reported = {slug: {} for slug in slugs}
    for slug in slugs:
        for f in lib.figures.get(slug, []):
            reported[slug].setdefault(f.metric, []).append(f)
    # outcomes first, as the key figures choose them (keyfigures.OUTCOME_GROUPS), then the register's order
    order = [m.id for m in sorted((m for m in lib.metrics.values() if m.group in OUTCOME_GROUPS and not m.part_of),
                                  key=lambda m: OUTCOME_GROUPS.index(m.group))]
    shared = [m for m in order if sum(m in reported[s] for s in slugs) >= 2]
    if not shared:
        shared = list(dict.fromkeys(f.metric for s in slugs for f in r.key_figures(s)))
    for metric in shared[:6]:
        row = [h["metric"](metric)]
        for slug in slugs:
            pick = representative(lib, slug, reported[slug][metric]) if metric in reported[slug] else None
            row.append(f"{text.plain(h['amount'](pick))} ({h['period_text'](pick.start, pick.end)})" if pick else t("not_reported"))
        rows.append(row)
    return rows


def workshop_deck(r, cases: list[CaseSlides], lang: str) -> bytes:
    """Several cases in one deck: a title slide naming them, each case's slides, and a comparison slide."""
    words = cases[0].words
    deck = Deck(lang, words["site_name"])
    sep = "、" if lang == "zh" else "; "
    deck.title_slide(words["deck_workshop"], sep.join(c.title for c in cases), words["site_name"])
    for case in cases:
        deck.footer = footer_of(case)
        deck.case(case, with_title=False)
    deck.footer = words["site_name"]
    if len(cases) > 1:
        deck.comparison(comparison_rows(r, [c.slug for c in cases], lang), words["deck_comparison"])
    dates = [c.changed for c in cases if c.changed]
    return deck.save(words["deck_workshop"], max(dates) if dates else None)


class DeckError(Exception):
    pass


def write_workshop_deck(root, slugs: list[str], lang: str, output=None):
    """`casegen deck`: validate the library, then write the deck of ``slugs`` (cases, in the order given) to
    ``output``; returns its path. An unknown slug is a DeckError naming the cases there are."""
    from pathlib import Path

    from . import charts as charting
    from .address import site_url
    from .build import changed_dates
    from .render import Renderer
    from .validate import validate

    root = Path(root)
    lib = validate(root / "data")
    unknown = [s for s in slugs if s not in lib.cases]
    if unknown:
        raise DeckError(f"no case {unknown[0]!r}; the cases are: {', '.join(lib.cases)}")
    slugs = list(dict.fromkeys(slugs))
    charting.CACHE = root / "build" / "cache"
    r = Renderer(lib, site_url(root), changed_dates(root, lib))
    cases = [case_slides(r, slug, lang, charting.case_charts(lib, slug, lang)) for slug in slugs]
    data = case_deck(cases[0]) if len(cases) == 1 else workshop_deck(r, cases, lang)
    if output is None:
        output = Path(deck_name(slugs[0]) if len(slugs) == 1 else f"workshop-{'-'.join(slugs)}.pptx")
        if lang == "en":
            output = output.with_name(output.stem + "-en.pptx")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return output
