"""The live preview's rebuild of only what changed (`casegen serve` runs `mkdocs serve --dirty`).

casegen rewrites a page's Markdown only when its bytes change, and regenerates every page that lists a
changed case with it; MkDocs' dirty build then renders only the Markdown newer than its HTML. What a
dirty build does not do is delete: this module removes, between rebuilds of the serving process, the
outputs of the previous rebuild that the current one no longer makes (a deleted case's pages, charts and
downloads). The search index keeps the pages a rebuild did not render itself (casegen.search_plugin).

MkDocs and mkdocs-static-i18n also go through every file of build/docs at each rebuild (18,000 at 1,000
cases, most of them charts and downloads that did not change): ``begin_listing`` makes MkDocs' listing pass over
the files that are not pages and were not written since the previous rebuild's generation, which its site
folder holds already, and ``after_rebuild`` still counts them among the outputs.

MkDocs also lists the theme's files at each language's build (Material holds 14,500, its icons, to find the
40-odd it copies): ``keep_theme_listing`` keeps that list for the process, made again when a folder of the
theme outside the installed packages (the project's overrides/) changes.

A save that changes nothing the site is made from (a file saved unchanged, an editor's swap file under data/,
data with a problem, whose pages stay as they were) still starts a rebuild, which at 1,000 cases takes MkDocs
seconds over every file and holds the server meanwhile: ``nothing_to_rebuild`` tells the plugin to stop it once
casegen has written nothing, when the site holds a whole rebuild made with the same configuration and theme.

A full build (`casegen build`) never comes here.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from .memo import Kept

DIRTY = False  # set when `mkdocs serve --dirty` starts (casegen serve)

# What the previous rebuild of this process made, by site folder
_OUTPUTS: dict[str, set[str]] = {}
# By site folder and language build (the first, the second … of a rebuild): each asset's source → its
# output in the site (None: the language's build leaves it out), and when the previous rebuild's generation ended
_ASSETS: dict[tuple[str, int], dict[str, str | None]] = {}
_GENERATED: dict[str, float] = {}
_PASSED: dict[tuple[str, int], dict[str, str | None]] = {}  # what the current rebuild passes over


class NothingToRebuild(Exception):
    """Raised by the casegen plugin to end a preview's rebuild that has nothing to do (``nothing_to_rebuild``);
    the server's builder, wrapped by ``skipping``, takes it as a rebuild done."""


# By site folder: the state of the settings (``settings_state``) the last whole rebuild was made with; absent
# while none was, or since a rebuild failed after it had begun to write the site
_WHOLE: dict[str, tuple] = {}


def settings_state(config) -> tuple:
    """What a rebuild depends on besides build/docs: mkdocs.yml and the theme's folders an editor may change."""
    path = config.config_file_path
    stat = os.stat(path) if path and os.path.exists(path) else None
    return (stat and (stat.st_mtime_ns, stat.st_size), _editable_files(tuple(config.theme.dirs)))


def nothing_to_rebuild(site_dir: str, written: bool, state: tuple) -> bool:
    """Whether a rebuild whose generation wrote nothing (``written`` false) may stop: the site folder holds a whole
    rebuild of build/docs as it is, made with the settings of ``state``."""
    return DIRTY and not written and _WHOLE.get(site_dir) == state


def has_whole(site_dir: str) -> bool:
    """Whether the site folder holds a whole rebuild of this process (its first is done, and none failed since)."""
    return site_dir in _WHOLE


def rebuilt(site_dir: str, state: tuple | None) -> None:
    """Note the end of a rebuild: whole, with the settings of ``state``, or (None) failed."""
    if state is None:
        _WHOLE.pop(site_dir, None)
    else:
        _WHOLE[site_dir] = state


def skipping(builder):
    """The live preview server's ``builder``, ending quietly where the plugin found nothing to rebuild."""
    if getattr(builder, "skipping", False):
        return builder

    def build(*args, **kwargs):
        try:
            return builder(*args, **kwargs)
        except NothingToRebuild as stop:
            logging.getLogger("mkdocs.plugins.casegen").info(str(stop))

    build.skipping = True
    return build


def generated(site_dir: str) -> float | None:
    """Note the time casegen has written what a rebuild needs, before MkDocs lists build/docs; returns the time
    noted in the previous rebuild. A file older than that was in the previous rebuild's listing, and so is in the
    site. (Noted when a rebuild began, it left out what the previous one had written: at the first save after
    the server started, every page the server's first build had regenerated, thousands at 1,000 cases.)"""
    import time

    previous = _GENERATED.get(site_dir)
    _GENERATED[site_dir] = time.time()
    return previous


def begin_listing(site_dir: str, build: int, docs_dir: str, since: float | None) -> None:
    """Before a language's build of a rebuild lists build/docs (MkDocs' get_files, made to walk with ``_walk`` by
    ``list_quickly``): the files that are not pages, that this language's build of the previous rebuild saw, and
    that were not written since ``since`` (the end of the previous rebuild's generation) are left out of the
    listing, their outputs being in the site already; they are noted, so that ``seen`` counts them."""
    global _PASSED_OVER
    passed: dict[str, str | None] = {}
    _PASSED[(site_dir, build)] = passed
    _PASSED_OVER = None  # filled by passed_over: made again when first asked for
    known = _ASSETS.get((site_dir, build))
    _LISTING.clear()
    if DIRTY and known is not None and since is not None:
        _LISTING.update(docs_dir=os.path.abspath(docs_dir), known=known, since=since, passed=passed)


def end_listing() -> None:
    """The language's build has listed its files (``begin_listing``)."""
    _LISTING.clear()


_LISTING: dict = {}  # what the listing under way passes over (begin_listing)


def _walk(top, *args, **kwargs):
    """os.walk, leaving out of each folder's files those the listing under way passes over (``begin_listing``). A
    file left out is never made a File: at 1,000 cases, 14,000 of 18,000 at each save, in each language."""
    for folder, dirs, names in os.walk(top, *args, **kwargs):
        if _LISTING and os.path.abspath(top) == _LISTING["docs_dir"]:
            names[:] = _listed(folder, names)
        yield folder, dirs, names


def _listed(folder: str, names: list[str]) -> list[str]:
    from mkdocs.utils import is_markdown_file

    known, since, passed = _LISTING["known"], _LISTING["since"], _LISTING["passed"]
    relative = os.path.relpath(folder, _LISTING["docs_dir"]).replace(os.sep, "/")
    out = []
    for name in names:
        uri = name if relative == "." else f"{relative}/{name}"
        if uri in known and not is_markdown_file(name) and os.stat(os.path.join(folder, name)).st_mtime < since:
            passed[uri] = known[uri]
        else:
            out.append(name)
    return out


class _OsListingQuickly:
    """The os module as MkDocs' file listing sees it in the live preview: its walk is ``_walk``."""

    walk = staticmethod(_walk)

    def __getattr__(self, name):
        return getattr(os, name)


def list_quickly() -> None:
    """Make MkDocs' listing of build/docs (mkdocs.structure.files.get_files) pass over what ``begin_listing`` says,
    for the process (a live preview's)."""
    import mkdocs.structure.files as listing

    if not isinstance(listing.os, _OsListingQuickly):
        listing.os = _OsListingQuickly()


def passed_over() -> set[str]:
    """The sources of the assets the current rebuild passes over, also as a language's build names them (the
    language suffix dropped: charts/x.en.svg is charts/x.svg in the English build). Made once per change of
    what is passed over: MkDocs asks for each link of a page it renders to one of them (thousands, at 1,000
    cases, on the gallery and the downloads page), and making it each time took minutes."""
    global _PASSED_OVER
    if _PASSED_OVER is None:
        _PASSED_OVER = set()
        for passed in _PASSED.values():
            for uri in passed:
                _PASSED_OVER.add(uri)
                _PASSED_OVER.add(_LANGUAGE_SUFFIX.sub(r"\2", uri))
    return _PASSED_OVER


_PASSED_OVER: set[str] | None = None


_LANGUAGE_SUFFIX = re.compile(r"\.([a-z]{2})(\.[^./]+)$")


def seen(site_dir: str, build: int, before, after) -> set[str]:
    """After mkdocs-static-i18n: note where this language's build puts each asset of ``before`` (the files it
    was given) from ``after`` (the files it made of them); returns the outputs, relative to ``site_dir``, of
    the assets it passed over."""
    made = {f.src_uri: f.abs_dest_path for f in after if not f.is_documentation_page()}
    known = {f.src_uri: made.get(f.src_uri) for f in before if not f.is_documentation_page()}
    passed = _PASSED.get((site_dir, build), {})
    known.update(passed)
    _ASSETS[(site_dir, build)] = known
    return relative_outputs(site_dir, [dest for dest in passed.values() if dest])


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


def other_languages_assets() -> dict[tuple[str, int], dict[str, str | None]]:
    """What ``seen`` noted in the builds of the languages after the first (which a child process may have built)."""
    return {key: known for key, known in _ASSETS.items() if key[1] > 1}


def take_assets(assets: dict[tuple[str, int], dict[str, str | None]]) -> None:
    """Note what a child's builds of the other languages noted (``other_languages_assets``)."""
    _ASSETS.update(assets)


def relative_outputs(site_dir: str, abs_paths) -> set[str]:
    base = os.path.abspath(site_dir)
    return {os.path.relpath(p, base).replace(os.sep, "/") for p in abs_paths}


# The theme's files, by what they depend on: the theme's folders, its static templates, and the state of its
# folders that an editor may change
_THEME: dict[tuple, list[tuple[str, str]]] = {}


def keep_theme_listing() -> None:
    """Make MkDocs list the theme's files once per process, not at each build of each language (about 0.1 s
    each), for as long as the project's own theme folders are as they were (their folders' mtimes)."""
    from mkdocs.structure.files import File, Files

    listing = Files.add_files_from_theme
    if getattr(listing, "kept_by_casegen", False):
        return

    def add_files_from_theme(self, env, config) -> None:
        dirs = tuple(config.theme.dirs)
        key = (dirs, tuple(sorted(config.theme.static_templates)), _editable_state(dirs))
        found = _THEME.get(key)
        if found is None:
            every = Files([])
            listing(every, env, config)
            found = _THEME[key] = [(f.src_uri, f.src_dir) for f in every]
        for uri, src_dir in found:
            if self.get_file_from_path(uri) is None:  # a file of the docs overrides the theme's (as MkDocs does)
                self.append(File(uri, src_dir, config.site_dir, config.use_directory_urls))

    add_files_from_theme.kept_by_casegen = True
    Files.add_files_from_theme = add_files_from_theme


def keep_language_files() -> None:
    """Make mkdocs-static-i18n's file of each language's build (suffix.create_i18n_file) once per process: it makes
    every file of every language's build anew at each rebuild, working out its paths with pathlib (a second for
    each language at each save at 1,000 cases, 4,000 pages). Each is a function of the file's paths, the
    languages and the folders; the preview hands out a copy of the one it made, as the function would."""
    import copy

    from mkdocs_static_i18n import suffix

    make = suffix.create_i18n_file
    if getattr(make, "kept_by_casegen", False):
        return

    def create_i18n_file(file, current_language, default_language, all_languages, config):
        key = (file.src_uri, file.dest_uri, file.inclusion, current_language, default_language, tuple(all_languages),
               config.docs_dir, config.site_dir, config.use_directory_urls)
        made = _LANGUAGE_FILES.find(key)
        if made is None:
            made = copy.copy(make(file, current_language, default_language, all_languages, config))
            _LANGUAGE_FILES.put(key, made)
        out = copy.copy(made)  # its own attributes: MkDocs gives it a page, mkdocs-static-i18n its alternates
        out.alternates = {current_language: out}
        return out

    create_i18n_file.kept_by_casegen = True
    suffix.create_i18n_file = create_i18n_file


_LANGUAGE_FILES = Kept(100_000)  # two languages' files, 18,000 each at 1,000 cases


def _editable_files(dirs: tuple[str, ...]) -> tuple:
    """Each file of ``dirs`` outside the installed packages, with its mtime and size (a template edited)."""
    state = []
    for folder, _ in _editable_state(dirs):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file():
                stat = entry.stat()
                state.append((entry.path, stat.st_mtime_ns, stat.st_size))
    return tuple(state)


def _editable_state(dirs: tuple[str, ...]) -> tuple:
    """Each folder (and subfolder) of ``dirs`` outside the installed packages, with its mtime: a file added,
    removed or renamed in one changes it."""
    import sysconfig

    installed = tuple(os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib"))
    state = []
    for folder in dirs:
        if os.path.realpath(folder).startswith(installed):
            continue
        for path, _, _ in os.walk(folder):
            state.append((path, os.stat(path).st_mtime_ns))
    return tuple(state)
