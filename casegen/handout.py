"""PDF handouts: for each case and language, a print template of its own (templates/handout.html.j2 and
handout.css) printed by Chromium: A4, the title and pairing, the key figures with their sources, the story in
brief, one or two charts, the discussion questions and the citation, with the address and the page number at
the foot of every page. The story comes before the charts because text flows from page to page and a chart does
not: a chart that does not fit under the key figures would leave the rest of the first page empty.

Chart labels and text are real text in the PDF: the handout is set in Noto Sans CJK converted to TrueType
(casegen.printfont), which Chromium embeds as a subset with a ToUnicode map. The charts are their SVG
inline, so their words are text in that same font. Runs only where Chromium is installed (CI and the
publishing build install it); elsewhere the site is built without handouts and the pages do not link them.
PDF timestamps are replaced by the date the case's data last changed, so the same data gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=en-US"]
# Chromium picks fonts (and formats dates) by the locale and time zone it runs in: printed under one fixed
# environment, the PDFs do not depend on the caller's LANG or TZ.
PRINT_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "", "TZ": "UTC"}
# The printing child's exit code for a failure of the file system, reported as one JSON line on stderr.
OS_ERROR_EXIT = 75


def chromium() -> str | None:
    """Path of the Chromium to print with: $CASEGEN_CHROMIUM, else Debian's, else none."""
    if os.environ.get("CASEGEN_NO_PDF"):
        return None
    candidate = os.environ.get("CASEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def pdf_name(slug: str) -> str:
    return f"{slug}-handout.pdf"


_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def _pin_dates(pdf: bytes, changed: str | None) -> bytes:
    """Chromium stamps the print time; use the data's date instead (14 digits for 14 digits, so the
    PDF's byte offsets stay right)."""
    stamp = (changed or "1970-01-01").replace("-", "").encode() + b"000000"
    return _DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp + m.group(3) + b")", pdf)


@dataclass(frozen=True)
class Handout:
    """One handout to print: where its PDF goes (site-relative), its HTML, the date stamped into the PDF."""
    dest: str
    html: str
    changed: str | None


# -- the document ------------------------------------------------------------------------------------------

def _css_string(value: str):
    """Text for a CSS string in double quotes inside <style>: quotes, backslashes, control characters and
    the characters of markup (< > &) as CSS escapes, so no text ends the string or the style element."""
    from markupsafe import Markup

    return Markup("".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 0x20 else c for c in str(value)))


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


# What the story in brief holds: the sections a trainer talks through (the background is in the summary), each
# from its first paragraph on, as much as two pages hold; the whole story is on the web page, whose address the
# handout names.
STORY_SECTIONS = ("measures", "results", "lessons")
MAX_CHARTS = 2
# Characters of the story in brief past each section's first paragraph, taken a paragraph at a time, the second
# paragraphs of all sections first, then the third …: what the largest case (Longyou–Xuyong) still fits in two
# pages with (tests/test_handout.py holds every case to two). One paragraph alone cut Yang County's "161" model
# after its first "1".
STORY_CHARS = {"zh": 1100, "en": 2800}


def story_in_brief(sections: list[list[str]], lang: str) -> list[list[str]]:
    """The paragraphs of each section the handout prints: the first of each, then more while they fit."""
    kept = [paragraphs[:1] for paragraphs in sections]
    total = sum(len(p) for paragraphs in kept for p in paragraphs)
    for index in range(1, max((len(p) for p in sections), default=0)):
        for section, paragraphs in zip(kept, sections):
            if index < len(paragraphs):
                if total + len(paragraphs[index]) > STORY_CHARS[lang]:
                    return kept
                section.append(paragraphs[index])
                total += len(paragraphs[index])
    return kept


def handouts(lib, site_url: str | None, changed: dict[str, str | None]) -> list[Handout]:
    """Every case's handout in both languages, as HTML ready to print (nothing printed yet)."""
    from . import charts as charting
    from .render import LANGS, Renderer

    r = Renderer(lib, site_url, changed, handouts=True)
    out = []
    for slug in lib.cases:
        for lang in LANGS:
            folder = f"{'' if lang == 'zh' else 'en/'}cases/{slug}"
            drawn = charting.case_charts(lib, slug, lang)[:MAX_CHARTS]
            out.append(Handout(f"{folder}/{pdf_name(slug)}", handout_html(r, slug, lang, drawn), changed.get(slug)))
    return out


@functools.cache
def _environment():
    """The print template's environment: HTML, so every value is escaped as HTML unless marked safe."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .render import TEMPLATES

    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = _css_string
    return env


def handout_html(r, slug: str, lang: str, drawn: list) -> str:
    """The print template filled in for one case in one language (editor text escaped as HTML)."""
    from . import locators, text
    from .render import TEMPLATES

    lib, story = r.lib, r.stories[slug]
    h = r.helpers(lang, 0)
    t, tr = h["t"], h["tr"]
    sep = "、" if lang == "zh" else "; "
    key_figures = []
    for f in r.key_figures(slug):
        source = lib.sources.get(f.source)
        key_figures.append(dict(metric=h["metric"](f.metric, alone=True), amount=text.plain(h["amount"](f)), flagged=lib.flag_of(f) is not None,
                                period=text.period(f.start, f.end, lang, kept="html") + Markup(" · <span class=\"cg-nw\">")
                                + h["region"](f.scope) + Markup("</span>"),  # a date, a place: each on one line
                                source=tr(source.short) if source else f.source, locator=locators.zh(f.locator) if lang == "zh" else locators.en_text(f.locator)))
    citation = r.citation(slug, lang)
    page_url = r.page_url(slug, lang)
    site = t("site_name")
    footer = f"{site} · {page_url}" if page_url else site
    return _environment().get_template("handout.html.j2").render(
        lang=lang, t=t, css=(TEMPLATES / "handout.css").read_text(encoding="utf-8"),
        title=tr(story.title), pairing=f"{h['region_path'](story.east)} → {h['region_path'](story.west)}",
        level=t("level_" + story.level),
        period=text.period(story.period.start, story.period.end, lang, kept="html") if story.period else "",
        sources=[tr(lib.sources[s].short) if s in lib.sources else s for s in story.sources], sep=sep,
        summary=tr(story.summary), key_figures=key_figures, any_flagged=any(k["flagged"] for k in key_figures),
        charts=drawn, story=list(zip([t(k) for k in STORY_SECTIONS],
                                      story_in_brief([_paragraphs(tr(getattr(story, k))) for k in STORY_SECTIONS], lang))),
        questions=[tr(q) for q in story.questions], citation=citation.gbt if lang == "zh" else citation.apa,
        page_url=page_url, csv_url=f"{page_url}downloads/{slug}.csv" if page_url else None,
        changed=r.changed.get(slug), footer_left=footer)


# -- printing ----------------------------------------------------------------------------------------------

FONT_ORIGIN = "https://handout.invalid/fonts/"  # what handout.css loads its faces from (answered locally)


def print_handouts(site: Path, todo: list[Handout], executable: str, faces: list[dict[str, Path] | None],
                   pass_fds: tuple[int, ...] = ()) -> None:
    """Print each handout (with its font faces, see casegen.printfont) to ``site``/<dest>. Runs in a child
    process: Playwright's sync API refuses to start inside a running event loop (a live preview, a test session
    driving its own browser), and a crash there cannot take the build down. The job goes to the child on its
    standard input."""
    job = {"site": str(site), "executable": executable,
           "handouts": [{**h.__dict__, "fonts": {w: str(p) for w, p in (f or {}).items()}}
                        for h, f in zip(todo, faces)]}
    result = subprocess.run([sys.executable, "-m", "casegen.handout"], input=json.dumps(job), capture_output=True,
                            text=True, env={**os.environ, **PRINT_ENV}, pass_fds=pass_fds)
    if result.returncode == OS_ERROR_EXIT:
        try:
            err = json.loads(result.stderr.strip().splitlines()[-1])
            raise OSError(err["errno"], err["strerror"], err["filename"])
        except (ValueError, KeyError, IndexError, TypeError):
            pass
    if result.returncode != 0:
        raise RuntimeError("printing the PDF handouts failed:\n" + (result.stderr or result.stdout)[-2000:])


_FONTS_LOADED = """async () => {
  await Promise.all(Array.from(document.fonts).map(face => face.load()));
  await document.fonts.ready;
  if (Array.from(document.fonts).some(face => face.status !== "loaded")) throw new Error("a font did not load");
}"""


def _print(job: dict) -> None:
    from playwright.sync_api import sync_playwright

    site = Path(job["site"])
    current: dict[str, bytes] = {}

    def answer(route):
        # Only the handout's own font: nothing leaves the machine while printing.
        url = route.request.url
        name = url.rsplit("/", 1)[-1].removesuffix(".ttf") if url.startswith(FONT_ORIGIN) else None
        if name in current:
            route.fulfill(status=200, body=current[name], content_type="font/ttf")
        else:
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=job["executable"], args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="en-US", timezone_id="UTC")
            page.route("**/*", answer)
            for n, item in enumerate(job["handouts"]):
                current.clear()
                current.update({w: Path(path).read_bytes() for w, path in item["fonts"].items()})
                # A font address of its own for each handout: the browser never reuses the previous one's font.
                page.set_content(item["html"].replace(FONT_ORIGIN, f"{FONT_ORIGIN}{n}/"), wait_until="load")
                # Both faces loaded before printing, whatever the page uses first: a face still loading when
                # the PDF is made would be drawn in a system font (a busy machine showed it).
                page.evaluate(_FONTS_LOADED)
                # Not tagged: the structure tree names Blink's DOM node ids, which differ from one run to the next.
                pdf = page.pdf(prefer_css_page_size=True, print_background=True, tagged=False, outline=False)
                dest = site / item["dest"]
                tmp = dest.with_name(f".{dest.name}.tmp")
                try:
                    tmp.write_bytes(_pin_dates(pdf, item["changed"]))
                    os.replace(tmp, dest)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
        finally:
            browser.close()


def handout_key(item: Handout, executable: str, font_key: str | None) -> str:
    """What a handout is printed from: its HTML (with its charts and CSS), the font, the printing code, the
    Chromium binary and the date stamped into the PDF."""
    binary = Path(executable).resolve()
    st = binary.stat()
    return hashlib.sha256(json.dumps([item.html, item.changed, font_key, str(binary), st.st_size, st.st_mtime_ns,
                                      hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]).encode()).hexdigest()


def print_cached(cache: Path, site: Path, items: list[Handout], executable: str,
                 pass_fds: tuple[int, ...] = ()) -> int:
    """Put each handout's PDF in ``site``: from ``cache`` when it prints from the same bytes as before, else
    printed by Chromium (then cached). Returns the number printed."""
    from . import printfont

    keys = {h.dest: handout_key(h, executable, printfont.key(printfont.characters(h.html))) for h in items}
    todo = [h for h in items if not (cache / keys[h.dest]).is_file()]
    if todo:
        faces = printfont.faces_for([h.html for h in todo], cache.parent)
        print_handouts(site, todo, executable, faces, pass_fds)
        cache.mkdir(parents=True, exist_ok=True)
        for h in todo:
            tmp = cache / f"{keys[h.dest]}.{os.getpid()}.tmp"
            try:
                shutil.copyfile(site / h.dest, tmp)
                os.replace(tmp, cache / keys[h.dest])
            except BaseException:
                tmp.unlink(missing_ok=True)  # a full disk leaves no half a PDF in the cache
                raise
    printed = {h.dest for h in todo}
    for h in items:
        if h.dest not in printed:
            shutil.copyfile(cache / keys[h.dest], site / h.dest)
    return len(todo)


if __name__ == "__main__":
    try:
        _print(json.loads(sys.stdin.read()))
    except OSError as err:  # a full disk, a permission: the build says what to do, without a traceback
        if err.errno is None:
            raise
        print(json.dumps({"errno": err.errno, "strerror": err.strerror,
                          "filename": os.fsdecode(err.filename) if err.filename is not None else None}),
              file=sys.stderr)
        sys.exit(OS_ERROR_EXIT)
