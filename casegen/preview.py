"""The live preview's rebuild of only what changed (`casegen serve` runs `mkdocs serve --dirty`).

casegen rewrites a page's Markdown only when its bytes change, and regenerates every page that lists a
changed case with it; MkDocs' dirty build then renders only the Markdown newer than its HTML. What a
dirty build does not do is delete: this module removes, between rebuilds of the serving process, the
outputs of the previous rebuild that the current one no longer makes (a deleted case's pages, charts and
downloads). The search index keeps the pages a rebuild did not render itself (casegen.search_plugin).

A full build (`casegen build`) never comes here.
"""

from __future__ import annotations

import os
from pathlib import Path

DIRTY = False  # set when `mkdocs serve --dirty` starts (casegen serve)

# What the previous rebuild of this process made, by site folder
_OUTPUTS: dict[str, set[str]] = {}


def after_rebuild(site_dir: str, outputs: set[str], dirty: bool) -> None:
    """Called once a rebuild (both languages) is written: ``outputs`` are the paths, relative to
    ``site_dir``, of every file MkDocs made from the docs and the theme in it."""
    site = Path(site_dir)
    previous = _OUTPUTS.get(site_dir)
    if dirty and previous is not None:
        for rel in sorted(previous - outputs):
            _remove(site, rel)
    _OUTPUTS[site_dir] = outputs


def _remove(site: Path, rel: str) -> None:
    path = site / rel
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def relative_outputs(site_dir: str, abs_paths) -> set[str]:
    base = os.path.abspath(site_dir)
    return {os.path.relpath(p, base).replace(os.sep, "/") for p in abs_paths}
