"""MkDocs plugin `casegen-search`: the site's search index, one per language (casegen.search_index).

Material draws the header's search box only while its `search` plugin is on, so that plugin stays in
mkdocs.yml, but its lunr index (one index for both languages, 40 MB at 1,000 cases, all fetched on the
first search) is not built: this plugin takes its page and post-build steps away, and the worker that
Material starts (overrides/assets/javascripts/workers/) answers from this plugin's index instead.

Each language is built on its own (mkdocs-static-i18n builds the other languages inside the first
build's post-build step): the pages of one build are collected from their rendered content and written,
at the end of that build, under the language's own folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from mkdocs.plugins import BasePlugin, event_priority

from . import preview, search_data
from .search_index import (Page, Phrases, build_index, files_of, page_from_html, strip_search_attributes, write_files,
                           write_material_stub)


class CasegenSearchPlugin(BasePlugin):
    def __init__(self):
        super().__init__()
        self.pages: list[Page] = []

    def on_config(self, config, **kwargs):
        material = config.plugins.get("material/search")
        if material is not None:
            _silence(config.plugins, material)
        return config

    def on_pre_build(self, config, **kwargs) -> None:
        self.pages = []
        self.locations: set[str] = set()

    @event_priority(-200)  # after mkdocs-static-i18n has given the language's pages their addresses
    def on_files(self, files, config, **kwargs):
        # a page's address as Page.url gives it: the home page's File.url is "./", its Page.url ""
        self.locations = {"" if f.url in (".", "./") else f.url for f in files.documentation_pages()}
        return files

    def on_page_content(self, html, page, config, **kwargs):
        meta = page.meta or {}
        search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        if not search.get("exclude"):
            boost = search.get("boost", 1)
            self.pages.append(page_from_html(page.url, page.title or "", html, meta.get("description"),
                                             float(boost) if isinstance(boost, (int, float)) else 1.0))
        return strip_search_attributes(html)

    def on_post_build(self, config, **kwargs) -> None:
        lang = config.theme["language"]
        prefix = "" if lang == _default_language(config, lang) else f"{lang}/"
        data = search_data.read(Path(config.docs_dir))
        phrases = Phrases(data["phrases"])
        pages = sorted(_whole(config.site_dir, lang, self.pages, self.locations), key=lambda p: p.location)
        index = build_index(pages, phrases)
        all_results = search_data.labels()["search_all"].get(lang, "#")
        files = files_of(index, phrases, prefix, config.site_name, data["facets"].get(lang, {}), all_results)
        site = Path(config.site_dir)
        write_files(site / prefix / "search", files)
        write_material_stub(site)
        words = search_data.labels()
        (site / prefix / "opensearch.xml").write_text(opensearch(
            words["search_short_name"].get(lang, config.site_name), config.site_name, config.site_url or "", prefix),
            encoding="utf-8")


def opensearch(short_name: str, description: str, site_url: str, prefix: str) -> str:
    """The OpenSearch description of one language's search: a browser offers the site's search from its
    address bar. Its address is absolute where the site's address is known (SITE_URL), else relative to
    the description (browsers that require an absolute one then skip it)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    template = f"{base}{prefix}search/?q={{searchTerms}}" if site_url else "search/?q={searchTerms}"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
            f"  <ShortName>{escape(short_name[:16])}</ShortName>\n"
            f"  <Description>{escape(description)}</Description>\n"
            "  <InputEncoding>UTF-8</InputEncoding>\n"
            f'  <Url type="text/html" method="get" template={quoteattr(template)}/>\n'
            "</OpenSearchDescription>\n")


def _default_language(config, lang: str) -> str:
    """The language at the site's root (mkdocs-static-i18n's default), or the only one."""
    i18n = config.plugins.get("i18n")
    languages = getattr(getattr(i18n, "config", None), "languages", None) or []
    return next((language.locale for language in languages if language.default), lang)


# The live preview's dirty rebuilds render only the pages that changed: the other pages' entries are kept
# from the previous rebuild of this process (by site folder and language), as long as the page exists.
_KEPT: dict[tuple[str, str], dict[str, Page]] = {}
# What made each of them last, and in which process: a language built in a child process (casegen.language_builds)
# hands it back to the parent, which keeps it as if it had built that language itself (``take``)
_MADE: dict[tuple[str, str], tuple[int, list[Page], set[str]]] = {}


def made_here() -> dict[tuple[str, str], tuple[list[Page], set[str]]]:
    """What this process's builds gave ``_whole``, where this process is a child that built a language."""
    return {key: (rendered, locations) for key, (pid, rendered, locations) in _MADE.items() if pid == os.getpid()}


def take(made: dict[tuple[str, str], tuple[list[Page], set[str]]]) -> None:
    """Keep what a child's build of a language gave (``made_here``), as that build did."""
    for (site_dir, lang), (rendered, locations) in made.items():
        _whole(site_dir, lang, rendered, locations)


def _whole(site_dir: str, lang: str, rendered: list[Page], locations: set[str]) -> list[Page]:
    if not preview.DIRTY:
        return rendered
    _MADE[(site_dir, lang)] = (os.getpid(), rendered, locations)
    kept = _KEPT.setdefault((site_dir, lang), {})
    kept.update((p.location, p) for p in rendered)
    for location in [loc for loc in kept if loc not in locations]:
        del kept[location]
    return list(kept.values())


def _silence(plugins, material) -> None:
    """Material's search plugin without its index: its page and post-build steps do nothing (also when
    mkdocs-static-i18n calls the post-build step itself)."""
    for event in ("page_context", "post_build", "serve"):
        plugins.events[event] = [m for m in plugins.events[event] if getattr(m, "__self__", None) is not material]
    material.on_page_context = lambda *args, **kwargs: None
    material.on_post_build = lambda *args, **kwargs: None
