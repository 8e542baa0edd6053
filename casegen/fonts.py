"""Fonts for chart rendering: the CJK font cut down to the characters the charts use.

vl-convert (its font database, fontdb) opens and maps the font file again for every glyph it measures
or draws. Noto Sans CJK is a 20 MB collection of ten faces, so most of a chart's rendering time was
spent mapping it (about 2,000 open/mmap/munmap calls a chart). The same font cut down to the few
hundred characters a build's charts hold renders them three to four times faster, and the SVG and PNG
bytes are the same (the glyphs and their metrics do not change; tests/test_fonts.py checks it).

``subset_config`` writes the cut-down faces and a fontconfig file naming only them into the build
cache; chart workers started with FONTCONFIG_FILE pointing at it see no other font. Where a chart holds
a character the font lacks, the system's fonts are used instead, as before, so a fallback font is never
lost. Without Noto Sans CJK or uharfbuzz, charts render with the system's fonts (slower, same output).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

FAMILY = "Noto Sans CJK SC"  # the first font of the charts' font list (charts.FONT)
WEIGHTS = ("Regular", "Bold")
# Characters Vega may write that are not in any spec (the minus sign, an ellipsis, spaces), kept when
# the font has them.
EXTRA = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2000, 0x2070), 0x2212,
         *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0)]
SEARCH_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


@functools.cache  # looked up once a process: a preview renders again and again
def system_faces() -> dict[str, Path] | None:
    """The files of Noto Sans CJK Regular and Bold (Debian's fonts-noto-cjk), or None."""
    found: dict[str, Path] = {}
    for folder in SEARCH_DIRS:
        base = Path(folder).expanduser()
        for weight in WEIGHTS:
            if weight not in found and base.is_dir():
                hits = sorted(base.rglob(f"NotoSansCJK-{weight}.ttc"))
                if hits:
                    found[weight] = hits[0]
    return found if len(found) == len(WEIGHTS) else None


def characters(texts: Iterable[str]) -> set[int]:
    """The code points of what the charts will show (chart specs, or SVG text with its entities)."""
    seen: set[str] = set()
    for text in texts:
        seen.update(html.unescape(text) if "&" in text else text)
    return {ord(c) for c in seen if c >= " "}


def _base(faces: dict[str, Path]) -> str:
    """What every cut-down font of this machine derives from: the font files, HarfBuzz and this code."""
    from uharfbuzz import __version__ as version

    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in faces.values()]
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([stamp, version, code]).encode()).hexdigest()[:16]


def _covering(folder: Path, chars: set[int]) -> Path | None:
    """The largest cut-down font already made that has every one of ``chars`` (an edit's charts hold few
    new ones; a process that starts with the largest can draw the most later)."""
    best: tuple[int, str] | None = None
    for made in sorted(folder.glob("*/chars.json")):
        try:
            has = set(json.loads(made.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if chars <= has and (best is None or len(has) > best[0]):
            best = (len(has), str(made.with_name("fonts.conf")))
    return Path(best[1]) if best else None


def characters_of(fontconfig: Path) -> frozenset[int]:
    """The characters of the cut-down font that ``fontconfig`` names."""
    return frozenset(json.loads(fontconfig.with_name("chars.json").read_text(encoding="utf-8")))


def largest_config(cache: Path) -> Path | None:
    """The fontconfig file of the largest cut-down font already made in ``cache``, or None."""
    faces = system_faces()
    if faces is None:
        return None
    try:
        base = cache / "fonts" / _base(faces)
    except ImportError:  # no uharfbuzz: no cut-down fonts
        return None
    return _covering(base, set()) if base.is_dir() else None


def subset_config(chars: set[int], cache: Path) -> Path | None:
    """A fontconfig file naming only Noto Sans CJK cut down to (at least) ``chars`` (see ``characters``),
    in ``cache``; None when the system's fonts must be used."""
    faces = system_faces()
    if faces is None:
        return None
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return None
    base = cache / "fonts" / _base(faces)
    found = _covering(base, chars)
    if found is not None:
        return found
    folder = base / hashlib.sha256(json.dumps(sorted(chars)).encode()).hexdigest()[:16]
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for weight, path in faces.items():
            if not _cut(path, chars, tmp / f"NotoSansCJKsc-{weight}.otf"):
                return None  # a character the font lacks: keep the system's fallback fonts
        (tmp / "fonts.conf").write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
            f"<fontconfig><dir>{html.escape(str(folder))}</dir></fontconfig>\n", encoding="utf-8")
        (tmp / "chars.json").write_text(json.dumps(sorted(chars)), encoding="utf-8")  # last: it marks it whole
        try:
            os.replace(tmp, folder)
        except OSError:  # another process made it first
            pass
        return folder / "fonts.conf" if (folder / "chars.json").is_file() else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cut(collection: Path, chars: set[int], out: Path) -> bool:
    """Write the Simplified Chinese face of ``collection`` with ``chars`` only; False if it lacks one."""
    data = cut(collection, chars, every=True)
    if data is None:
        return False
    out.write_bytes(data)
    return True


def cut(collection: Path, chars: Iterable[int], every: bool = False) -> bytes | None:
    """The Simplified Chinese face of ``collection`` cut down to ``chars`` (and EXTRA), as font file bytes; None
    when the collection has no such face or, with ``every``, lacks one of ``chars``.

    HarfBuzz's subsetter (uharfbuzz) cuts a face of Noto Sans CJK in about 20 ms; fontTools' took 1.7 s a
    face, which a cold build and every preview edit with a character the font lacked waited for."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(collection))
    face = next((f for f in (hb.Face(blob, i) for i in range(hb.Face(blob).count))
                 if f.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == FAMILY), None)
    if face is None:
        return None
    has, chars = set(face.unicodes), set(chars)
    if every and not chars <= has:
        return None
    subset_input = hb.SubsetInput()  # its layout features are the ones a shaper applies by default
    subset_input.unicode_set.update((chars | set(EXTRA)) & has)
    subset_input.name_id_set.clear()  # then inverted: every name (the default is 0-6), as fontTools kept them
    subset_input.name_id_set.invert()  # fontconfig and vl-convert find the family by its name
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    face_cut = hb.subset(face, subset_input)
    return None if face_cut is None else face_cut.blob.data


def private_copy(fontconfig: Path) -> Path:
    """A copy of a cut-down font (its folder) that lives as long as this process, and its fontconfig file."""
    import atexit
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="casegen-fonts-"))
    _COPIES.append(folder)
    atexit.register(shutil.rmtree, folder, True)
    _remove_copies_on_sigterm()
    for face in sorted(fontconfig.parent.glob("*.otf")):
        shutil.copyfile(face, folder / face.name)
    conf = folder / "fonts.conf"
    conf.write_text(fontconfig.read_text(encoding="utf-8").replace(
        f"<dir>{html.escape(str(fontconfig.parent))}</dir>", f"<dir>{html.escape(str(folder))}</dir>"), encoding="utf-8")
    return conf


_COPIES: list[Path] = []
_ON_SIGTERM: list = []  # what else ends with this process on SIGTERM (the preview's warm workers: charts.standby)


def on_sigterm(callback) -> None:
    """Call ``callback`` when SIGTERM ends this process, before its copies of the font go."""
    _ON_SIGTERM.append(callback)
    _remove_copies_on_sigterm()


def _remove_copies_on_sigterm() -> None:
    """On SIGTERM, remove this process's copies of the font, then end as SIGTERM ends it: a preview's server
    stopped by its parent, or a build killed, would otherwise leave its copy in the temporary folder. The
    process then dies of the signal as it would have, not by an exit, which a server's threads would hold up
    for ever (MkDocs' serving thread outlives its main thread). Only where nothing else handles SIGTERM, and
    from the main thread (the only one that may set a handler)."""
    import signal
    import threading

    def remove_and_die(signum, _frame) -> None:
        for callback in _ON_SIGTERM:
            callback()
        for folder in _COPIES:
            shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, remove_and_die)
