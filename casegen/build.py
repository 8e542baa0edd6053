"""Build: load → validate → render what changed → update build/docs → mkdocs build into site/.

Generation is incremental and keyed on content: each unit of output (a story with its charts and
downloads, the comparison pages, the home page …) carries a key hashed from its inputs, and only units
whose key changed, or whose files on disk are not the ones last written, are rendered again (see
render.site_units and write.Manifest). Charts missing from the cache are rendered first, in parallel
across cores (charts.render_jobs). Nothing is written before everything is rendered, so a failed
generation leaves build/docs as it was; site/ is built beside the old one and swapped in.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import handout
from .cite import last_changed, last_changed_folders, site_url
from .validate import validate
from .write import CacheFile, Journal, Manifest, Written, fresh_dir, swap_in, sync_tree


class BuildError(Exception):
    pass


@contextmanager
def _phase(timings: dict | None, name: str):
    """Add the wall time of the block to ``timings[name]`` (seconds), when timings are asked for."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


# What MkDocs builds the site from besides the generated pages: a copy of a project needs all of them.
SITE_FILES = ("docs", "overrides", "mkdocs.yml")


def copy_site_files(source: Path, dest: Path) -> None:
    """Copy the hand-written pages, the theme overrides and mkdocs.yml of ``source`` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
        else:
            shutil.copy(source / name, dest / name)


def static_docs(root: Path) -> dict[str, bytes]:
    """Hand-written pages and assets under docs/, copied into the generated tree."""
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def story_folder(lib, slug: str) -> str:
    return f"data/{'cases' if slug in lib.cases else 'practices'}/{slug}"


def changed_dates(root: Path, lib) -> dict[str, str | None]:
    """The date each story's data last changed in git (one walk of the history for all of them)."""
    folders = {slug: story_folder(lib, slug) for slug in lib.stories()}
    dates = last_changed_folders(root, list(folders.values()))
    return {slug: dates[folder] for slug, folder in folders.items()}


@dataclass
class Generated:
    """A generation, rendered but not yet written: ``files`` to write (if their bytes changed), ``kept``
    files of units that did not need rendering, and the key and files of every unit."""

    files: dict[str, str | bytes | CacheFile]
    kept: set[str]
    units: dict[str, dict]
    rendered: list[str]  # names of the units rendered in this generation


def generate(root: Path, lib=None, handouts: bool = False, changed: dict[str, str | None] | None = None,
             timings: dict | None = None) -> Generated:
    """Render what changed since the last generation into memory (and charts into the cache)."""
    from . import charts
    from .render import site_units

    root = root.resolve()
    lib = lib or validate(root / "data")
    docs_dir = root / "build" / "docs"
    charts.CACHE = root / "build" / "cache"
    manifest = Manifest.load(manifest_path(root))
    with _phase(timings, "plan"):
        if changed is None:
            changed = changed_dates(root, lib)
        units = site_units(lib, site_url(root), changed, handouts)
        todo = [u for u in units if not manifest.unit_intact(docs_dir, u.name, u.key)]
        todo_names = {u.name for u in todo}
    with _phase(timings, "charts"):
        with charts.deferred() as jobs:
            for unit in todo:
                unit.collect()
        charts.render_jobs(jobs)
    if timings is not None:
        timings["charts_rendered"] = len(jobs)
    with _phase(timings, "render"):
        files: dict[str, str | bytes | CacheFile] = dict(static_docs(root))
        hand_written = set(files)
        records: dict[str, dict] = {}
        kept: set[str] = set()
        for unit in units:
            if unit.name not in todo_names:
                records[unit.name] = manifest.units[unit.name]
                kept.update(records[unit.name]["files"])
                continue
            out = unit.render()
            records[unit.name] = {"key": unit.key, "files": sorted(out)}
            clash = sorted(hand_written & set(out))
            if clash:
                raise BuildError(f"docs/{clash[0]} is hand-written but the generator also makes it; rename one")
            files.update(out)
        clash = sorted(hand_written & kept)
        if clash:
            raise BuildError(f"docs/{clash[0]} is hand-written but the generator also makes it; rename one")
    return Generated(files, kept, records, [u.name for u in todo])


def manifest_path(root: Path) -> Path:
    return root / "build" / "docs-manifest.json"


def run_mkdocs(root: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
           "-d", str(out)]
    # The end-of-life notice of Material is known (README, "MkDocs' future"); keep the output to what failed.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Sitemap dates from the data, not the build day: mkdocs honours SOURCE_DATE_EPOCH.
    changed = last_changed(root, ["data", *SITE_FILES])
    epoch = int(datetime.datetime.fromisoformat(changed).replace(tzinfo=datetime.timezone.utc).timestamp()) \
        if changed else 0
    env.setdefault("SOURCE_DATE_EPOCH", str(epoch))
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        output = result.stderr + result.stdout
        relevant = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
        raise BuildError("mkdocs build --strict failed:\n" + "\n".join(relevant or output.splitlines()[-20:]))


def search_dictionary(lib) -> str:
    """jieba's user dictionary: the editors' terms plus every region and mechanism name.

    A county is also typed without its suffix (叙永 for 叙永县), so both forms are kept whole.
    """
    words = set(lib.search_terms)
    for region in lib.regions.values():
        words.add(region.zh)
        short = region.zh.rstrip("省市县区州")
        if len(short) >= 2:
            words.add(short)
    words.update(m.zh for m in lib.mechanisms.values())
    return "".join(f"{w}\n" for w in sorted(words) if " " not in w)


def generate_docs(root: Path, handouts: bool = False, timings: dict | None = None):
    """Validate, render what changed and update build/docs in place, writing only files whose bytes
    changed; on a problem (invalid data, a failing template) nothing is written. Returns the library."""
    root = root.resolve()
    with _phase(timings, "validate"):
        lib = validate(root / "data")
    return write_docs(root, lib, handouts, None, timings)


def write_docs(root: Path, lib, handouts: bool, changed: dict[str, str | None] | None, timings: dict | None,
               journal: Journal | None = None):
    """``generate_docs`` for a library already validated; what it replaces goes through ``journal``."""
    generated = generate(root, lib, handouts, changed, timings)
    with _phase(timings, "write"):
        docs_dir = root / "build" / "docs"
        docs_dir.mkdir(parents=True, exist_ok=True)
        report: Written = sync_tree(docs_dir, generated.files, generated.kept, Manifest.load(manifest_path(root)),
                                    generated.units, journal)
        dictionary = root / "build" / "jieba-user-dict.txt"
        text = search_dictionary(lib)
        if not dictionary.exists() or dictionary.read_text(encoding="utf-8") != text:
            if journal:
                journal.keep(dictionary)
            dictionary.write_text(text, encoding="utf-8")
    if timings is not None:
        timings.update(units_rendered=len(generated.rendered), files_written=len(report.written),
                       files_removed=len(report.removed), files_unchanged=report.unchanged + len(generated.kept))
    return lib


def build(root: Path, site: bool = True, timings: dict | None = None) -> None:
    """Regenerate build/docs and, with ``site``, rebuild site/; on failure both stay as they were.

    ``timings``, if given, receives the wall time of each phase in seconds (see casegen.bench)."""
    root = root.resolve()
    executable = handout.chromium() if site else None
    with _phase(timings, "validate"):
        lib = validate(root / "data")
    changed = changed_dates(root, lib)
    if not site:
        write_docs(root, lib, False, changed, timings)
        return
    # build/docs is updated before MkDocs reads it; if MkDocs (or printing) fails, the journal puts it back.
    journal = Journal(root / "build")
    target = root / "site"
    staging = fresh_dir(target, ".new")
    try:
        write_docs(root, lib, executable is not None, changed, timings, journal)
        with _phase(timings, "mkdocs"):
            run_mkdocs(root, staging)
        if executable:
            pages = [(f"{prefix}{'cases' if slug in lib.cases else 'practices'}/{slug}", changed[slug])
                     for slug in lib.cases for prefix in ("", "en/")]
            with _phase(timings, "handouts"):
                printed = handout.print_cached(root / "build" / "cache" / "pdf", staging, pages, executable,
                                               site_url(root))
            if timings is not None:
                timings["handouts_printed"] = printed
        else:
            print("PDF handouts skipped: Chromium not found (install it or set CASEGEN_CHROMIUM).",
                  file=sys.stderr)
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        journal.restore()
        if isinstance(err, RuntimeError):
            raise BuildError(str(err)) from err
        raise
    journal.discard()
    with _phase(timings, "swap"):
        swap_in(staging, target)

