"""MkDocs plugin `casegen`: regenerate build/docs before each rebuild of the live preview, and keep the
bilingual search index from costing time in the square of the number of pages.

`casegen serve` runs `mkdocs serve` watching data/, docs/ and the templates; on a change MkDocs
rebuilds and this plugin regenerates the pages first. Only changed files are rewritten, so the
rebuild their change triggers finds nothing more to do. A data problem is printed and the previous
pages stay. In `casegen build` the pages are already generated and the plugin does nothing.

mkdocs-static-i18n 1.3.1 merges the search entries of both languages and drops an English entry that
repeats a Chinese one by comparing every Chinese entry with every English entry: at 1,000 cases that
took 700 of a 735-second build. ``dedupe_search_entries`` removes the same entries in linear time; it
replaces the plugin's method for that version only (other versions keep their own).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from . import preview
from .build import BuildError, build_lock, describe_os_error, generate_docs
from .problems import DataError

I18N_VERSION = "1.3.1"  # the version whose reconfigure_search_duplicates dedupe_search_entries reproduces


class CasegenPlugin(BasePlugin):
    """In a live preview each rebuild holds the build lock from the regeneration to the end of MkDocs' build,
    so that a `casegen build` in the same folder never rewrites build/docs under it (it waits)."""

    def __init__(self):
        super().__init__()
        self._lock = ExitStack()
        self._depth = 0          # mkdocs-static-i18n builds the other language inside our build's post_build
        self._site_dir = ""      # the outer build's site folder
        self._outputs: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve" and dirty:
            # the preview rebuilds only the pages whose Markdown changed (casegen rewrites exactly those);
            # MkDocs warns of stale navigation, which strict mode would turn into a failed rebuild. Our nav
            # lists index pages only, and each page that lists another is regenerated with it.
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyWarningFilter())
            preview.DIRTY = True  # later rebuilds load new plugin objects, which get no startup event

    def on_pre_build(self, config, **kwargs) -> None:
        self._depth += 1
        if self._depth > 1:
            return  # the other language's build: the pages are generated already
        self._site_dir, self._outputs = config.site_dir, set()
        if not os.environ.get("CASEGEN_SERVE"):
            return
        root = Path(config.config_file_path).parent.resolve()
        self._lock.close()
        try:
            self._lock.enter_context(build_lock(root))
        except BuildError as err:
            print(f"{err}; the preview shows the last good version.")
            return
        try:
            generate_docs(root)
        except DataError as err:
            print("\n".join(str(p) for p in err.problems))
            print(f"{len(err.problems)} problem(s) in data/; the preview shows the last good version.")
        except BuildError as err:
            print(f"{err}\nThe preview shows the last good version.")
        except OSError as err:
            print(f"{describe_os_error(err, root)}\nThe preview shows the last good version.")

    @event_priority(-200)  # after mkdocs-static-i18n has given each language's files their paths
    def on_files(self, files, config, **kwargs):
        self._outputs |= preview.relative_outputs(self._site_dir, (f.abs_dest_path for f in files))
        return files

    def on_serve(self, server, config, builder, **kwargs):
        if os.environ.get("CASEGEN_SERVE"):
            # build/docs is written by casegen itself, in the rebuild that a change under data/, docs/ or the
            # templates starts; watching it too would start a second, empty rebuild after each one
            server.unwatch(config.docs_dir)
        return server

    def on_build_error(self, error, **kwargs) -> None:
        self._depth = 0
        self._lock.close()

    def on_shutdown(self) -> None:
        self._lock.close()

    @event_priority(-200)  # after mkdocs-static-i18n has built the other language and its sitemap
    def on_post_build(self, config, **kwargs) -> None:
        # A sitemap lists absolute addresses; without the site's address it would list "None/…".
        if not config.site_url:
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (Path(config.site_dir) / name).unlink(missing_ok=True)
        self._depth -= 1
        if self._depth > 0:
            return
        if os.environ.get("CASEGEN_SERVE"):
            preview.after_rebuild(self._site_dir, self._outputs, preview.DIRTY)
        self._lock.close()  # a live preview's rebuild is over: a `casegen build` waiting may go on


class _DirtyWarningFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def dedupe_search_entries(prefixes: tuple[str, ...], entries: list[dict]) -> None:
    """Remove from ``entries``, in place, what mkdocs-static-i18n 1.3.1's reconfigure_search_duplicates
    removes, in time linear in the entries instead of their square.

    Upstream: for each default-language entry D (location without a language prefix), in order, walk the
    language entries T (location with one), in order, and remove each T with D's title and text whose
    location ends with D's location. It walks a list it removes from, so the entry right after a removed
    one is skipped in that walk; that is kept here. The default-language entries must all come before the
    language ones (the default language is built first); otherwise the caller falls back to upstream.
    """
    target = [e for e in entries if e["location"].startswith(prefixes)]
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, entry in enumerate(target):
        by_key[(entry["title"], entry["text"])].append(i)
    alive = [True] * len(target)
    defaults = [e for e in entries if not e["location"].startswith(prefixes)]
    for default in defaults:
        positions = by_key.get((default["title"], default["text"]))
        if not positions:
            continue
        skip = -1  # the position the upstream walk steps over after a removal
        for q in positions:
            if not alive[q] or not target[q]["location"].endswith(default["location"]):
                continue
            if q == skip:
                continue
            entries.remove(target[q])  # list.remove, as upstream: the first entry equal to it
            first = next(p for p in positions if alive[p] and target[p] == target[q])
            alive[first] = False
            skip = next((p for p in range(q + 1, len(target)) if alive[p]), -1)


def _linear_reconfigure_search_duplicates(self, search_index_entries: list[dict]) -> None:
    prefixes = tuple(f"{lang}/" for lang in self.build_languages)
    languages = [e["location"].startswith(prefixes) for e in search_index_entries]
    if True not in languages:
        return  # no language entry: nothing to remove
    if all(languages[languages.index(True):]):
        dedupe_search_entries(prefixes, search_index_entries)
    else:  # entries of the languages interleaved: only upstream's walk knows what it removes then
        _UPSTREAM(self, search_index_entries)


def _patch_i18n() -> None:
    global _UPSTREAM
    try:
        from importlib.metadata import version

        from mkdocs_static_i18n.reconfigure import ExtendedPlugin
    except ImportError:
        return
    if version("mkdocs-static-i18n") != I18N_VERSION or getattr(ExtendedPlugin, "_casegen_linear", False):
        return
    _UPSTREAM = ExtendedPlugin.reconfigure_search_duplicates
    ExtendedPlugin.reconfigure_search_duplicates = _linear_reconfigure_search_duplicates
    ExtendedPlugin._casegen_linear = True


_UPSTREAM = None
_patch_i18n()
