"""Charts: a case's figures as static SVG charts, drawn at build time with Vega-Lite (vl-convert).

Each chart is a complete picture on its own (title, unit line, notes and source inside the SVG),
so it reads the same on a page, in a slide or printed; ``Chart`` also carries the title, alt text,
unit, source and the data table separately for the page around it.

Rules every chart keeps:

* only figures that exist are drawn; "not reported" is written as text, never drawn as 0;
* value labels are the numbers as published (with 约/以上/不到), not rounded re-computations;
* figures flagged as contradictory in their source carry ``*`` and are explained in a note;
* when a chart mixes periods, each item says its period;
* one accent colour plus greys, one CJK-aware font list, no axes where every value is labelled.

The package: ``engine`` renders (vl-convert, fonts, cache, worker pool) and knows nothing of what a
chart shows; ``style``, ``words`` (words.yaml), ``text``, ``context`` and ``layout`` are what the kinds
share; ``kinds/`` holds one module per chart kind of a case page, each with ``ORDER`` (its place on the
page) and ``build(ctx)``: a new kind is one new file there. ``comparison`` draws a comparison group.

The engine's state (``CACHE``, the fonts it started with, the charts pending in ``deferred``) lives in
``engine``; reading or setting it here (``charts.CACHE = …``, as the build and tests do) reaches it there.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import sys
from types import ModuleType

from ..load import Library
from . import comparison as _comparison, context as _context, engine as _engine, layout as _layout, \
    style as _style, text as _text, words as _words_module
from .comparison import comparison_chart
from .context import metric_name, source_note
from .engine import begin_jobs, deferred, drawn, pending, png, png_file, render_jobs, svg, widescreen_png, widescreen_png_file
from .layout import Chart

__all__ = ["Chart", "case_charts", "comparison_chart", "png", "png_file", "svg", "widescreen_png",
           "widescreen_png_file", "begin_jobs", "deferred", "drawn", "pending", "render_jobs",
           "metric_name", "source_note"]


def _kinds() -> tuple:
    """The builders of ``kinds/``, in page order (each module's ORDER)."""
    from . import kinds

    modules = [importlib.import_module(f"{kinds.__name__}.{info.name}")
               for info in pkgutil.iter_modules(kinds.__path__)]
    return tuple(m.build for m in sorted(modules, key=lambda m: (m.ORDER, m.__name__)))


BUILDERS = _kinds()


def case_charts(lib: Library, slug: str, lang: str) -> list[Chart]:
    """Every chart the figures of a case (or practice) support, in page order; ids are unique. Each carries
    its phone variant (``svg_narrow``): the same chart drawn NARROW_WIDTH wide.

    A build asks for a story's charts several times (to note what to render, for its page, its slides, the
    gallery), and laying a chart out costs far more than looking it up: they are kept on the library, which
    a build loads once. Charts laid out while rendering was deferred hold placeholders, drawn on the next ask."""
    memo = lib.memo("case_charts")
    drawn = memo.get((slug, lang))
    if drawn is None:
        drawn = memo[(slug, lang)] = _lay_out(lib, slug, lang)
    if not _engine.deferring() and any(_engine.pending(c.svg) or _engine.pending(c.svg_narrow) for c in drawn):
        drawn = memo[(slug, lang)] = [dataclasses.replace(c, svg=_engine.drawn(c.svg), svg_narrow=_engine.drawn(c.svg_narrow))
                                      for c in drawn]
    return drawn


def _lay_out(lib: Library, slug: str, lang: str) -> list[Chart]:
    wide = _context._Ctx(lib, slug, lang)
    narrow = _context._Ctx(lib, slug, lang, _style.NARROW_WIDTH)
    out = []
    for build in BUILDERS:
        chart = build(wide)
        if chart is not None:
            phone = build(narrow)
            out.append(dataclasses.replace(chart, svg_narrow=phone.svg if phone else ""))
    return out


# Names of the modules above, looked up on ``charts.X`` when X is not defined here (the engine first, so
# that its state is read where it lives).
_PARTS = (_engine, _style, _words_module, _text, _context, _layout, _comparison)


class _Package(ModuleType):
    def __getattr__(self, name: str):
        for part in _PARTS:
            if name in part.__dict__:
                return part.__dict__[name]
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        # the engine reads its own globals: a setting (or a test's monkeypatch) must land there
        if name in _engine.__dict__:
            setattr(_engine, name, value)
            if name not in self.__dict__:
                return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
