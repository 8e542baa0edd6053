"""Build: load → validate → render → write build/docs → mkdocs build into site/, atomically."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import handout
from .cite import last_changed, site_url
from .render import render_site
from .validate import validate
from .write import fresh_dir, swap_in, update_tree, write_tree


class BuildError(Exception):
    pass


def static_docs(root: Path) -> dict[str, bytes]:
    """Hand-written pages and assets under docs/, copied into the generated tree."""
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def changed_dates(root: Path, lib) -> dict[str, str | None]:
    return {slug: last_changed(root, [f"data/{'cases' if slug in lib.cases else 'practices'}/{slug}"])
            for slug in lib.stories()}


def generate(root: Path, lib=None, handouts: bool = False) -> dict[str, bytes]:
    """All files of build/docs, in memory: the hand-written docs plus the generated pages."""
    from . import charts

    lib = lib or validate(root / "data")
    charts.CACHE = root / "build" / "cache"
    files = static_docs(root)
    for rel, content in render_site(lib, site_url(root), changed_dates(root, lib), handouts).items():
        if rel in files:
            raise BuildError(f"docs/{rel} is hand-written but the generator also makes it; rename one")
        files[rel] = content.encode("utf-8") if isinstance(content, str) else content
    return files


def run_mkdocs(root: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
           "-d", str(out)]
    # The end-of-life notice of Material is known (README, "MkDocs' future"); keep the output to what failed.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
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


def generate_docs(root: Path, handouts: bool = False, atomic: bool = True):
    """Validate and write build/docs; on a problem, build/docs stays as it was. Returns the library.

    ``atomic=False`` (live preview) rewrites only the files that changed, in place."""
    root = root.resolve()
    lib = validate(root / "data")
    files = generate(root, lib, handouts)
    docs_dir = root / "build" / "docs"
    docs_dir.parent.mkdir(exist_ok=True)
    if atomic:
        write_tree(files, docs_dir)
    else:
        update_tree(files, docs_dir)
    dictionary = root / "build" / "jieba-user-dict.txt"
    text = search_dictionary(lib)
    if not dictionary.exists() or dictionary.read_text(encoding="utf-8") != text:
        dictionary.write_text(text, encoding="utf-8")
    return lib


def build(root: Path, site: bool = True) -> None:
    """Regenerate build/docs and, with ``site``, rebuild site/; on failure both stay as they were."""
    root = root.resolve()
    executable = handout.chromium() if site else None
    lib = generate_docs(root, handouts=executable is not None)
    if site:
        target = root / "site"
        staging = fresh_dir(target, ".new")
        try:
            run_mkdocs(root, staging)
            if executable:
                changed = changed_dates(root, lib)
                pages = [(f"{prefix}{'cases' if slug in lib.cases else 'practices'}/{slug}", changed[slug])
                         for slug in lib.cases for prefix in ("", "en/")]
                handout.print_handouts(staging, pages, executable)
            else:
                print("PDF handouts skipped: Chromium not found (install it or set CASEGEN_CHROMIUM).",
                      file=sys.stderr)
        except RuntimeError as err:
            shutil.rmtree(staging, ignore_errors=True)
            raise BuildError(str(err)) from err
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        swap_in(staging, target)
