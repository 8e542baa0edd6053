"""The live preview's rebuild of only what changed (`casegen serve` runs `mkdocs serve --dirty`).

casegen rewrites a page's Markdown only when its bytes change, and regenerates every page that lists a
changed case with it; MkDocs' dirty build then renders only the Markdown newer than its HTML. Two things
a dirty build does not do, this module does between rebuilds, in the serving process:

- remove what a deleted page left behind (MkDocs never deletes in a dirty build): the outputs of the
  previous rebuild that the current one no longer makes;
- keep the search index whole: a dirty build indexes only the pages it rendered, so the entries of the
  pages it did not render are carried over from the previous index.

A full build (`casegen build`) never comes here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DIRTY = False  # set when `mkdocs serve --dirty` starts (casegen serve)

# What the previous rebuild of this process made, by site folder: its outputs, and its search entries.
_OUTPUTS: dict[str, set[str]] = {}
_SEARCH: dict[str, list[dict]] = {}

SEARCH_INDEX = Path("search") / "search_index.json"


def page_of(location: str) -> str:
    """The page a search entry belongs to: its location without the section anchor."""
    return location.split("#", 1)[0]


def merge_search_entries(previous: list[dict], rendered: list[dict], pages: set[str]) -> list[dict]:
    """The entries of the pages this rebuild rendered, and the previous entries of every other page that
    still exists (``pages``: locations of every page, rendered or not), in the previous order, new pages last."""
    fresh: dict[str, list[dict]] = {}
    for entry in rendered:
        fresh.setdefault(page_of(entry["location"]), []).append(entry)
    merged, placed = [], set()
    for entry in previous:
        page = page_of(entry["location"])
        if page in fresh:
            if page not in placed:
                merged.extend(fresh[page])
                placed.add(page)
        elif page in pages:
            merged.append(entry)
    merged.extend(e for page, entries in fresh.items() if page not in placed for e in entries)
    # mkdocs-static-i18n gathers the entries of each language build into the search plugin's list, which a
    # dirty rebuild does not empty: the same entry can come twice
    seen: set[tuple] = set()
    unique = []
    for entry in merged:
        key = (entry["location"], entry.get("title"), entry.get("text"))
        if key not in seen:
            seen.add(key)
            unique.append(entry)
    return unique


def page_location(dest_uri: str) -> str:
    """A page's search location from its output path: cases/x/index.html → cases/x/, index.html → ''."""
    return dest_uri[: -len("index.html")] if dest_uri.endswith("index.html") else dest_uri


def after_rebuild(site_dir: str, outputs: set[str], dirty: bool) -> None:
    """Called once a rebuild (both languages) is written: ``outputs`` are the paths, relative to
    ``site_dir``, of every file MkDocs made from the docs and the theme in it."""
    site = Path(site_dir)
    previous = _OUTPUTS.get(site_dir)
    if dirty and previous is not None:
        for rel in sorted(previous - outputs):
            _remove(site, rel)
    _OUTPUTS[site_dir] = outputs
    index = site / SEARCH_INDEX
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    pages = {page_location(rel) for rel in outputs if rel.endswith(".html")}
    previous_entries = _SEARCH.get(site_dir, []) if dirty else []
    merged = merge_search_entries(previous_entries, data["docs"], pages)
    if merged != data["docs"]:
        data["docs"] = merged
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    _SEARCH[site_dir] = data["docs"]


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
