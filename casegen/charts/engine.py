"""The engine: vl-convert, its fonts, the content-keyed cache and the pool of workers.

``svg`` is the one place that calls vl-convert; it pins the Vega-Lite version and renumbers the
SVG's internal ids, so the same spec gives the same bytes in any process. Nothing here knows what a
chart shows: the kinds build specs, this renders them."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from pathlib import Path
from typing import Callable

import vl_convert as vlc

VL_VERSION = "6.4"


# -- rendering ------------------------------------------------------------------------------------
_ID = re.compile(r'\bid="([^"]+)"')


CACHE: Path | None = None  # set by the build: rendered charts keyed on their spec (see cached)


def cache_key(kind: str, key_text: str) -> str:
    return hashlib.sha256(f"{kind}|{VL_VERSION}|{vlc.__version__}|{key_text}".encode()).hexdigest()


def cache_file(kind: str, key_text: str) -> Path:
    assert CACHE is not None
    key = cache_key(kind, key_text)
    return CACHE / kind / key[:2] / key


def cached(kind: str, key_text: str, render: Callable[[], bytes]) -> bytes:
    """Content-keyed cache of rendered charts: the same spec and renderer versions give the same file,
    so an unchanged chart is not rendered again (rendering is most of a build's time)."""
    if CACHE is None:
        return render()
    path = cache_file(kind, key_text)
    if path.exists():
        return path.read_bytes()
    data = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # workers of a pool never share a temporary file
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk (or an interrupt) leaves no half a chart in the cache
        raise
    return data


# -- deferred rendering: collect the charts a build lacks, render them on every core, then build ---
# Rendering (vl-convert) is nearly all of a cold build's time and runs one chart at a time per process.
# Inside ``deferred()`` a chart missing from the cache is not rendered: it is noted and stands in as a
# placeholder; ``render_jobs`` then renders the notes in a pool of processes into the cache, and the
# build that follows finds every chart there. The cache key stays the spec, so the bytes are those of
# a chart rendered inline.
_PENDING: dict[str, bool] | None = None   # spec text → whether its PNG is wanted too
_PENDING_PNG: set[str] | None = None      # SVG texts whose PNG alone is missing
_PLACEHOLDER = "\0pending-chart\0"


class deferred:
    """``with deferred() as jobs:`` build charts without rendering; ``jobs`` lists what to render."""

    def __enter__(self) -> list[tuple]:
        global _PENDING, _PENDING_PNG
        if CACHE is None:
            raise RuntimeError("deferred chart rendering needs the cache (charts.CACHE)")
        _PENDING, _PENDING_PNG = {}, set()
        self.jobs: list[tuple] = []
        return self.jobs

    def __exit__(self, *exc) -> None:
        global _PENDING, _PENDING_PNG
        pending, pending_png = _PENDING or {}, _PENDING_PNG or set()
        _PENDING, _PENDING_PNG = None, None
        self.jobs += [("chart", spec_text, want_png) for spec_text, want_png in pending.items()]
        self.jobs += [("png", svg_text, True) for svg_text in sorted(pending_png)]
        # longest first, so that two workers finish together (the spec's length stands for its cost)
        self.jobs.sort(key=lambda job: (-len(job[1]), job[1]))


def _run_job(job: tuple) -> None:
    kind, text_, want_png = job
    svg_text = svg(json.loads(text_)) if kind == "chart" else text_
    if want_png:
        widescreen_png(svg_text)  # the PNG, then the same on its 16:9 canvas


def _run_jobs(jobs: list[tuple]) -> None:
    for job in jobs:
        _run_job(job)


def _init_worker(cache: str, fontconfig: str | None) -> None:
    global CACHE
    CACHE = Path(cache)
    start_fonts(Path(fontconfig) if fontconfig else None)


# The fonts vl-convert uses in this process are fixed by its first chart (its font database reads
# FONTCONFIG_FILE then, and never again): None while no chart has been drawn, "system" for the system's
# fonts, or the characters of the cut-down font it started with (casegen.fonts).
_FONTS: str | frozenset[int] | None = None
_NOTHING = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


def started() -> bool:
    """Whether vl-convert has started in this process (after which it must not fork: casegen.renderpool)."""
    return _FONTS is not None


def start_fonts(fontconfig: Path | None) -> None:
    """Start vl-convert in this process with the cut-down font of ``fontconfig`` (None: the system's
    fonts), unless it has started already. The variable is set only while it starts, so that nothing
    else this process runs (MkDocs, Chromium printing the handouts) sees it."""
    global _FONTS
    if _FONTS is not None:
        return
    if fontconfig is None:
        _FONTS = "system"
        return
    from .. import fonts

    chars = fonts.characters_of(fontconfig)
    # vl-convert reads the font files on every glyph, for as long as this process lives: give it copies that
    # live as long (the build cache may be cleaned meanwhile, by a test or by `make clean` during a preview)

    fontconfig = fonts.private_copy(fontconfig)
    saved = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(fontconfig)
    try:
        vlc.svg_to_png(_NOTHING)
    finally:
        if saved is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = saved
    _FONTS = chars


def warm_up() -> None:
    """Start vl-convert in this process now, with the largest cut-down font the cache holds (a build's: every
    character of the library's charts), compile a first chart, and start workers as warm (charts.standby): the
    live preview does it once it is up, so that an edit's charts are drawn at once, on every core, rather than
    after a second of starting the runtime or a pool of fresh processes. Without a cut-down font it waits for
    the first charts, whose characters make one (``render_jobs`` then starts the workers)."""
    if CACHE is None:
        return
    from .. import fonts
    from . import standby

    standby.wanted()
    conf = fonts.largest_config(CACHE)
    if conf is None:
        return
    if _FONTS is None:
        start_fonts(conf)
        vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}}, vl_version=VL_VERSION)
    standby.start(CACHE, conf)


# A pool of one worker per core renders the charts when there is enough work to pay for starting it
# (about a second: spawning, imports, vl-convert's runtime); a little renders in the build's own process.
# The work is estimated from the specs: rendering time grows with the text a chart holds, and so with the
# length of its spec (about 20,000 characters a second with the system's fonts; a PNG about doubles it;
# the cut-down font makes it about three times faster). Measured on an edit at 100 cases (4 charts,
# 2.4 s estimated): 2.1 s here, 1.6 s in a pool of two.
POOL_MIN_S = 1.2
SPEC_CHARS_PER_S = 20_000
CUT_FONT_SPEEDUP = 3


def _cost(job: tuple) -> float:
    """Rough seconds a job takes to render with the system's fonts."""
    return len(job[1]) / SPEC_CHARS_PER_S * (2 if job[2] else 1)


def _pool(workers: int, fontconfig: Path | None = None):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a worker forked after vl-convert has run in the parent inherits its runtime's
    # threads in an unusable state and hangs for ever
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker,
                               initargs=(str(CACHE), str(fontconfig) if fontconfig else None))


def render_jobs(jobs: list[tuple], workers: int | None = None) -> None:
    """Render ``jobs`` (from ``deferred``) into the cache, with the CJK font cut down to their characters
    where the system has it: in this process when the work is little and its fonts can draw them, else in
    a pool of one worker per core (fresh processes, so they start with the font these jobs need)."""
    if not jobs:
        return
    from .. import fonts
    from . import standby

    chars = fonts.characters(job[1] for job in jobs)
    if len(jobs) > 1:
        # the live preview's warm workers, started again first when their font lacks a character of these jobs
        # (cutting the font takes milliseconds; a pool of its own would start as slowly, and the workers would
        # still have to start again for the next edit)
        standby.cover(CACHE, chars)
        if standby.draw(jobs, chars):
            return
    workers = workers or os.cpu_count() or 1
    conf = fonts.subset_config(chars, CACHE) if CACHE is not None else None
    work = sum(map(_cost, jobs))

    def little(cut_font: bool) -> bool:  # whether rendering here beats starting a pool
        return len(jobs) < 2 or work / (CUT_FONT_SPEEDUP if cut_font else 1) < POOL_MIN_S or \
            (workers <= 1 and not cut_font)

    if _FONTS is None and little(conf is not None):
        start_fonts(conf)
    cut = isinstance(_FONTS, frozenset)
    if (_FONTS == "system" or (cut and chars <= _FONTS)) and little(cut):
        _run_jobs(jobs)
        return standby.cover(CACHE, chars)
    with _pool(min(workers, len(jobs)), conf) as pool:
        for _ in pool.map(_run_job, jobs, chunksize=1):
            pass
    standby.cover(CACHE, chars)  # the preview's next edit with these characters is drawn by its warm workers


def begin_jobs(jobs: list[tuple]) -> Callable[[], None]:
    """Start drawing ``jobs`` (from ``deferred``) into the cache and return what waits for the end. The live
    preview's warm workers (charts.standby) draw them in the background while the build renders its pages,
    which name their charts and never hold them (a chart's own file is filled in after the wait: see
    ``drawn``); without them, they are drawn now as ``render_jobs`` draws them, and the wait is nothing."""
    if jobs:
        from .. import fonts
        from . import standby

        chars = frozenset(fonts.characters(job[1] for job in jobs))
        standby.cover(CACHE, chars)  # a character new to the warm workers' font: they start again with it first
        drawing = standby.submit(jobs, chars)
        if drawing is not None:
            return lambda: standby.wait(drawing)
    render_jobs(jobs)
    return lambda: None


def svg(spec: dict) -> str:
    spec_text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    if _PENDING is not None and not cache_file("svg", spec_text).exists():
        _PENDING.setdefault(spec_text, False)
        return _PLACEHOLDER + spec_text
    return cached("svg", spec_text, lambda: _render_svg(spec).encode("utf-8")).decode("utf-8")


def deferring() -> bool:
    """Whether charts are being noted for ``render_jobs`` rather than drawn (inside ``deferred``)."""
    return _PENDING is not None


def pending(svg_text: str) -> bool:
    """Whether ``svg_text`` is a placeholder ``svg`` returned while rendering was deferred."""
    return svg_text.startswith(_PLACEHOLDER)


def drawn(svg_text: str) -> str:
    """The chart a placeholder stands for (from the cache, where ``render_jobs`` put it), or ``svg_text``."""
    return svg(json.loads(svg_text[len(_PLACEHOLDER):])) if pending(svg_text) else svg_text


def _render_svg(spec: dict) -> str:
    """Render a Vega-Lite spec to SVG text: the one call of vl-convert.

    Vega numbers clip paths with a process-wide counter, so the raw SVG of the same spec differs
    from call to call and two inline SVGs on one page could share an id. The ids are renumbered
    here with a prefix taken from the spec, which makes the output depend on the spec alone.
    """
    start_fonts(None)  # a chart drawn outside render_jobs: vl-convert starts with the system's fonts
    raw = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    prefix = "c" + hashlib.sha1(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
    ids: dict[str, str] = {}
    for old in _ID.findall(raw):
        ids.setdefault(old, f"{prefix}-{len(ids) + 1}")
    if ids:
        pattern = re.compile(r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, ids)) + r')(?=[")])')
        raw = pattern.sub(lambda m: m.group(1) + ids[m.group(2)], raw)
    description = spec.get("description")
    if description:
        label = html.escape(description, quote=True)
        raw = raw.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return raw



def png(svg_text: str, scale: float = 2.0) -> bytes:
    """The chart as PNG at slide resolution (twice the SVG's pixel size), text in the installed CJK font."""
    if _PENDING is not None:
        if svg_text.startswith(_PLACEHOLDER):
            _PENDING[svg_text[len(_PLACEHOLDER):]] = True
        elif _PENDING_PNG is not None and not cache_file("png", f"{scale}|{svg_text}").exists():
            _PENDING_PNG.add(svg_text)
        return b""
    def render() -> bytes:
        start_fonts(None)  # as in _render_svg
        return vlc.svg_to_png(svg_text, scale=scale)

    return cached("png", f"{scale}|{svg_text}", render)


def png_file(svg_text: str, scale: float = 2.0) -> tuple[Path, str]:
    """The cache file of the chart's PNG (rendered first if missing) and a name for its content, so that a
    build copies a PNG (hundreds of kB) to its place without holding it in memory."""
    png(svg_text, scale)
    key_text = f"{scale}|{svg_text}"
    return cache_file("png", key_text), "png:" + cache_key("png", key_text)


def widescreen_png(svg_text: str, scale: float = 2.0) -> bytes:
    """The chart's PNG on a white 16:9 canvas, for slides (casegen.widescreen). The PNG is padded, not drawn
    again: drawing the canvas's SVG would cost as much as the chart's PNG once more (text is most of it)."""
    from .. import widescreen

    key_text = f"{scale}|{svg_text}"
    if _PENDING is not None:
        if svg_text.startswith(_PLACEHOLDER):
            _PENDING[svg_text[len(_PLACEHOLDER):]] = True
        elif _PENDING_PNG is not None and not cache_file("png16x9", key_text).exists():
            _PENDING_PNG.add(svg_text)
        return b""
    return cached("png16x9", key_text, lambda: widescreen.pad_png(png(svg_text, scale), svg_text, scale))


def widescreen_png_file(svg_text: str, scale: float = 2.0) -> tuple[Path, str]:
    """As ``png_file``, for the 16:9 PNG."""
    widescreen_png(svg_text, scale)
    key_text = f"{scale}|{svg_text}"
    return cache_file("png16x9", key_text), "png16x9:" + cache_key("png16x9", key_text)
