"""The handouts' font: Noto Sans CJK SC with TrueType outlines, for PDFs whose text is real text.

Chromium's PDF backend (Skia) embeds a TrueType font as a subset with a ToUnicode map, but draws a CFF font
(Noto Sans CJK is one) as Type 3 glyphs, and maps a glyph back to the first code point the font's cmap gives
it: Noto draws 目 and the Kangxi radical ⽬ with one glyph, so 目 copied out of the PDF as ⽬. This module
converts Noto's outlines to TrueType (fontTools' cu2qu) for a fixed set of characters that holds no radical:
ASCII and Latin-1, punctuation, the 3,755 common characters of GB 2312 level 1, and whatever else the
handouts of the library hold. The handouts load it as a web font; the PDF embeds the glyphs they use.

The set is fixed (plus the library's rarer characters), not cut to the handouts' text: an edit that brings a
common character in leaves the font, and so every other handout, as it was. Made once per machine and set,
in the build cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from . import fonts

WEIGHTS = fonts.WEIGHTS
# The radicals and their supplement: never in the font, so no glyph maps back to them.
RADICALS = range(0x2E80, 0x2FE0)
_LATIN = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070), *range(0x2100, 0x2200), 0x2212,
          *range(0x2460, 0x24A0), *range(0x25A0, 0x2600), *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0)]


def _gb2312_level1() -> list[int]:
    return [ord(bytes([hi, lo]).decode("gb2312")) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
            if not (hi == 0xD7 and lo > 0xF9)]


BASE = frozenset(_LATIN) | frozenset(_gb2312_level1())


def charset(texts) -> frozenset[int]:
    """The fixed set plus every character of ``texts`` beyond it (radicals and control characters excepted)."""
    extra = {ord(c) for t in texts for c in t if ord(c) >= 0x20 and ord(c) not in RADICALS}
    return BASE | frozenset(extra)


def key(chars: frozenset[int]) -> str | None:
    """What the font made for ``chars`` depends on: the system's Noto files, fontTools, this code; None
    when the system has no Noto Sans CJK."""
    faces = fonts.system_faces()
    if faces is None:
        return None
    from fontTools import version

    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in faces.values()]
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([stamp, version, code, sorted(chars)]).encode()).hexdigest()[:20]


def faces(chars: frozenset[int], cache: Path) -> dict[str, Path] | None:
    """The TrueType faces (Regular, Bold) for ``chars``, made into ``cache`` if missing; None without Noto."""
    name = key(chars)
    if name is None:
        return None
    folder = cache / "print-fonts" / name
    paths = {w: folder / f"NotoSansCJKsc-{w}.ttf" for w in WEIGHTS}
    missing = [w for w, p in paths.items() if not p.is_file()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        system = fonts.system_faces()
        jobs = [(str(system[w]), sorted(chars), str(paths[w])) for w in missing]
        if len(jobs) > 1 and (os.cpu_count() or 1) > 1:
            # two weights, two cores: about half the time (each takes seconds)
            with ProcessPoolExecutor(len(jobs), mp_context=get_context("spawn")) as pool:
                list(pool.map(_make, *zip(*jobs)))
        else:
            for job in jobs:
                _make(*job)
    return paths


def _make(collection: str, chars: list[int], out: str) -> None:
    data = truetype(Path(collection), chars)
    tmp = Path(f"{out}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def truetype(collection: Path, chars: list[int]) -> bytes:
    """The Simplified Chinese face of ``collection`` cut to ``chars`` (those it has), outlines in TrueType."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, newTable

    font = next(f for f in TTCollection(str(collection)).fonts if f["name"].getDebugName(1) == fonts.FAMILY)
    has = font.getBestCmap().keys()
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(chars) & has))
    subsetter.subset(font)
    for table in font["cmap"].tables:  # the subset keeps only what was asked; make sure of the radicals
        table.cmap = {cp: g for cp, g in table.cmap.items() if cp not in RADICALS}

    glyph_set, order = font.getGlyphSet(), font.getGlyphOrder()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, outlines
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in outlines.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: CID fonts have none worth keeping
    font.sfntVersion = "\0\1\0\0"
    font.recalcTimestamp = False  # the same bytes on every machine and day
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
