"""The handouts' font: Noto Sans CJK SC with TrueType outlines, for PDFs whose text is real text.

Chromium's PDF backend (Skia) embeds a TrueType font as a subset with a ToUnicode map, but draws a CFF font
(Noto Sans CJK is one) as Type 3 glyphs, and maps such a glyph back to the first code point the font gives
it: Noto draws 目 and the Kangxi radical ⽬ with one glyph, so 目 copied out of the PDF as ⽬. Each handout
therefore gets a font of its own: exactly its characters (never a radical), outlines converted to TrueType
(fontTools' cu2qu), built from a cache of converted glyphs. A handout's font depends on its own text only, so
an edit to one case leaves the other handouts' PDFs as they were.

Converting a glyph takes milliseconds; opening Noto's 20 MB collection with fontTools took over a second, so
the face is first cut down to the characters wanted with HarfBuzz (casegen.fonts.cut, milliseconds) and fontTools
opens that. Converted glyphs are kept in the build cache (print-glyphs/), and a build cuts the collection only for
characters it has not converted before. Without Noto Sans CJK (or fontTools and uharfbuzz) there is no font, and
Chromium uses the system's.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from . import fonts

WEIGHTS = fonts.WEIGHTS
FAMILY = "Handout Sans"  # the name handout.css uses
RADICALS = range(0x2E80, 0x2FE0)  # the radicals and their supplement: never in a handout's font
ASCII = range(0x20, 0x7F)         # always there: CSS escapes keep some out of the text they are in


def characters(document: str) -> frozenset[int]:
    """What a handout shows: the text of its HTML (entities resolved, tags dropped, style and SVG text kept),
    plus ASCII; no radical and no control character."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", document))
    return frozenset({ord(c) for c in text if ord(c) >= 0x20 and ord(c) not in RADICALS} | set(ASCII))


def _stamp() -> str | None:
    """What converted glyphs depend on: the system's Noto files, fontTools, HarfBuzz and this code; None without
    Noto."""
    faces = fonts.system_faces()
    if faces is None:
        return None
    try:
        from fontTools import version
        from uharfbuzz import __version__ as hb_version
    except ImportError:
        return None
    version = f"{version}|{hb_version}"
    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in faces.values()]
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([stamp, version, code]).encode()).hexdigest()[:20]


def key(chars: frozenset[int]) -> str | None:
    """A name for the font of ``chars`` (None when there is none to make)."""
    stamp = _stamp()
    return None if stamp is None else hashlib.sha256(f"{stamp}|{sorted(chars)}".encode()).hexdigest()[:24]


def faces(chars: frozenset[int], cache: Path) -> dict[str, Path] | None:
    """The TrueType faces (Regular, Bold) of ``chars``, made into ``cache``/print-fonts if missing."""
    name = key(chars)
    if name is None:
        return None
    folder = cache / "print-fonts" / name
    paths = {w: folder / f"{w}.ttf" for w in WEIGHTS}
    if all(p.is_file() for p in paths.values()):
        return paths
    stores = ensure_glyphs(chars, cache)
    folder.mkdir(parents=True, exist_ok=True)
    for weight, path in paths.items():
        _write(path, build_face(stores[weight], chars, weight))
    return paths


def faces_for(documents: list[str], cache: Path) -> list[dict[str, Path] | None]:
    """``faces`` of each document, converting the glyphs all of them lack in one pass."""
    sets = [characters(d) for d in documents]
    missing = [s for s in sets if (name := key(s)) is not None
               and not all((cache / "print-fonts" / name / f"{w}.ttf").is_file() for w in WEIGHTS)]
    if missing:
        ensure_glyphs(frozenset().union(*missing), cache)
    return [faces(s, cache) for s in sets]


# -- converted glyphs --------------------------------------------------------------------------------------

def _store_path(cache: Path, weight: str) -> Path:
    return cache / "print-glyphs" / f"{_stamp()}-{weight}.pickle"


def _load(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError):
        return {}


def ensure_glyphs(chars: frozenset[int], cache: Path) -> dict[str, dict]:
    """Every weight's store of converted glyphs, with ``chars`` added where Noto has them."""
    stores = {w: _load(_store_path(cache, w)) for w in WEIGHTS}
    todo = [w for w in WEIGHTS if not stores[w] or (chars - stores[w]["glyphs"].keys() - stores[w]["absent"])]
    if not todo:
        return stores
    system = fonts.system_faces()
    jobs = [(str(system[w]), sorted(chars), str(_store_path(cache, w))) for w in todo]
    if len(jobs) > 1 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(len(jobs), mp_context=get_context("spawn")) as pool:
            list(pool.map(_convert, *zip(*jobs)))
    else:
        for job in jobs:
            _convert(*job)
    return {w: _load(_store_path(cache, w)) for w in WEIGHTS}


def _convert(collection: str, chars: list[int], store: str) -> None:
    """Add the TrueType outlines of ``chars`` (those Noto has) to the pickle ``store``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    path = Path(store)
    data = _load(path)
    cut = fonts.cut(Path(collection), chars)  # the characters it has, with Noto's metrics and outlines
    if cut is None:
        raise RuntimeError(f"{collection} has no face named {fonts.FAMILY}")
    font = TTFont(io.BytesIO(cut))
    if not data:
        hhea, os2 = font["hhea"], font["OS/2"]
        data = {"glyphs": {}, "absent": set(), "metrics": {
            "upm": font["head"].unitsPerEm, "ascent": hhea.ascent, "descent": hhea.descent,
            "typo": (os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap),
            "win": (os2.usWinAscent, os2.usWinDescent), "x_height": getattr(os2, "sxHeight", 0),
            "cap_height": getattr(os2, "sCapHeight", 0)}}
    cmap, glyph_set, hmtx = font.getBestCmap(), font.getGlyphSet(), font["hmtx"]
    for cp in chars:
        if cp in data["glyphs"] or cp in data["absent"]:
            continue
        name = cmap.get(cp)
        if name is None:
            data["absent"].add(cp)
            continue
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        data["glyphs"][cp] = (hmtx[name][0], pen.glyph())
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, pickle.dumps(data, protocol=4))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def build_face(store: dict, chars: frozenset[int], weight: str) -> bytes:
    """A TrueType font of the stored glyphs of ``chars``, in code point order: the same bytes for the same
    characters (no time stamp, no glyph names)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    m = store["metrics"]
    present = sorted(cp for cp in chars if cp in store["glyphs"])
    names = [".notdef", *(f"u{cp:05X}" for cp in present)]
    glyphs = {".notdef": Glyph(), **{f"u{cp:05X}": store["glyphs"][cp][1] for cp in present}}
    advances = {".notdef": m["upm"], **{f"u{cp:05X}": store["glyphs"][cp][0] for cp in present}}
    fb = FontBuilder(m["upm"], isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({cp: f"u{cp:05X}" for cp in present})
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    metrics = {}
    for name in names:
        g = glyf[name]
        g.recalcBounds(glyf)
        metrics[name] = (advances[name], getattr(g, "xMin", 0))
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=m["ascent"], descent=m["descent"])
    fb.setupNameTable({"familyName": FAMILY, "styleName": weight, "fullName": f"{FAMILY} {weight}",
                       "psName": f"{FAMILY.replace(' ', '')}-{weight}", "uniqueFontIdentifier": f"{FAMILY} {weight}",
                       "copyright": "Derived from Noto Sans CJK SC, © 2014-2021 Adobe (http://www.adobe.com/)",
                       "licenseDescription": "SIL Open Font License, Version 1.1",
                       "licenseInfoURL": "https://openfontlicense.org"})
    typo_asc, typo_desc, gap = m["typo"]
    fb.setupOS2(sTypoAscender=typo_asc, sTypoDescender=typo_desc, sTypoLineGap=gap, usWinAscent=m["win"][0],
                usWinDescent=m["win"][1], sxHeight=m["x_height"], sCapHeight=m["cap_height"],
                usWeightClass=700 if weight == "Bold" else 400, fsSelection=0x20 if weight == "Bold" else 0x40)
    fb.setupPost(formatType=3.0)
    fb.updateHead(created=0, modified=0, macStyle=1 if weight == "Bold" else 0)
    fb.font.recalcTimestamp = False
    out = io.BytesIO()
    fb.font.save(out)
    return out.getvalue()
