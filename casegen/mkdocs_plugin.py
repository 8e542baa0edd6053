"""MkDocs plugin `casegen`: regenerate build/docs before each rebuild of the live preview.

`casegen serve` runs `mkdocs serve` watching data/, docs/ and the templates; on a change MkDocs
rebuilds and this plugin regenerates the pages first. Only changed files are rewritten, so the
rebuild their change triggers finds nothing more to do. A data problem is printed and the previous
pages stay. In `casegen build` the pages are already generated and the plugin does nothing.

The search index is another plugin's (casegen/search_plugin.py): one index per language, so
mkdocs-static-i18n no longer merges and dedupes the languages' search entries (reconfigure_search off).
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import re
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from . import language_builds, preview
from .build import BuildError, build_lock, describe_os_error, generate_docs
from .problems import DataError

log = logging.getLogger("mkdocs.plugins.casegen")


class CasegenPlugin(BasePlugin):
    """In a live preview each rebuild holds the build lock from the regeneration to the end of MkDocs' build,
    so that a `casegen build` in the same folder never rewrites build/docs under it (it waits)."""

    def __init__(self):
        super().__init__()
        self._lock = ExitStack()
        self._depth = 0          # mkdocs-static-i18n builds the other language inside our build's post_build
        self._site_dir = ""      # the outer build's site folder
        self._outputs: set[str] = set()
        self._clock: tuple[float, float] | None = None  # a preview's rebuild: when it started, when casegen was done
        self._since: float | None = None  # when the previous rebuild's generation ended (preview.begin_listing)
        self._given: list = []
        self._command: str | None = None  # `mkdocs build` or `serve` (on_startup)
        self._dirty = False
        self._not_found = False  # whether the theme had a not-found page before the other language's build
        self._settings: tuple | None = None  # a preview's rebuild: what it is made with besides build/docs
        self._beside: list[str] = []  # the languages built in a second process (casegen.language_builds)

    def on_config(self, config, **kwargs):
        if os.environ.get("CASEGEN_SERVE"):
            # a sitemap lists every page (4,000 at 1,000 cases) and a preview, with no site address, never keeps it
            config.theme.static_templates.discard("sitemap.xml")
        return config

    def on_template_context(self, context, template_name, config, **kwargs):
        # The not-found page is no page's twin: its language selector leads to each language's home, the links
        # mkdocs-static-i18n keeps in extra_alternate (else it would show those of the last page rendered)
        i18n = config.plugins.get("i18n")
        if template_name == "404.html" and getattr(i18n, "extra_alternate", None):
            config.extra["alternate"] = copy.deepcopy(i18n.extra_alternate)
        return context

    def on_env(self, env, config, files, **kwargs):
        # MkDocs makes the theme's environment anew for each build, and each language is a build: compiled
        # templates are kept for the process (a preview's rebuilds, a build's second language); a template
        # whose source changed compiles again (the cache checks the source)
        env.bytecode_cache = _THEME_BYTECODE
        return env

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command, self._dirty = command, dirty
        if command == "serve" and dirty:
            # the preview rebuilds only the pages whose Markdown changed (casegen rewrites exactly those);
            # MkDocs warns of stale navigation, which strict mode would turn into a failed rebuild. Our nav
            # lists index pages only, and each page that lists another is regenerated with it.
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyWarningFilter())
            # a page rendered again links assets that this rebuild passed over (preview.begin_listing): they are
            # in the site already, and strict mode must not count MkDocs' warning that it did not see them
            logging.getLogger("mkdocs.structure.pages").addFilter(_PassedOverLinkFilter())
            preview.DIRTY = True  # later rebuilds load new plugin objects, which get no startup event
            preview.keep_theme_listing()
            preview.list_quickly()
            preview.keep_language_files()

    def on_pre_build(self, config, **kwargs) -> None:
        self._depth += 1
        if self._depth > 1:
            # the other language's build: the pages are generated already, and the site's one not-found page
            # (at the root, for every address) is the first language's (overrides/404.html)
            self._not_found = "404.html" in config.theme.static_templates
            config.theme.static_templates.discard("404.html")
            if os.environ.get("CASEGEN_SERVE"):
                preview.begin_listing(self._site_dir, self._depth, config.docs_dir, self._since)
            return
        self._site_dir, self._outputs = config.site_dir, set()
        if not os.environ.get("CASEGEN_SERVE"):
            return
        _IDLE.clear()  # the file watcher waits for the end of this rebuild (_poll_often)
        started = time.perf_counter()
        try:
            written = self._regenerate(config)
        finally:
            # what casegen wrote until now, this rebuild's MkDocs sees: the next may pass it over
            self._since = preview.generated(self._site_dir)
        self._settings = preview.settings_state(config)
        if preview.nothing_to_rebuild(self._site_dir, written, self._settings):
            self._clock = None
            raise preview.NothingToRebuild(f"casegen: nothing to rebuild, the preview stays as it was "
                                           f"(casegen {time.perf_counter() - started:.2f} s)")
        preview.begin_listing(self._site_dir, self._depth, config.docs_dir, self._since)
        self._beside = []
        if preview.has_whole(self._site_dir) and language_builds.wanted(self._command, preview_rebuild=True):
            # A preview's rebuild after its first: the other language is built from here, on another core, while
            # this process lists, reads and renders the first. (A full build forks later, in on_nav, so that the
            # child need not list the files again; here the listing is a second of the rebuild at 1,000 cases.)
            if language_builds.start(config, dirty=True, handing_back=True):
                self._beside = language_builds.languages()

    def _regenerate(self, config) -> bool:
        """Regenerate build/docs; returns whether anything in it may have changed."""
        root = Path(config.config_file_path).parent.resolve()
        self._lock.close()
        try:
            self._lock.enter_context(build_lock(root))
        except BuildError as err:
            print(f"{err}; the preview shows the last good version.")
            return True  # a `casegen build` is writing build/docs
        started = time.perf_counter()
        timings: dict = {}
        try:
            generate_docs(root, timings=timings, preview=True)
            self._clock = (started, time.perf_counter())
            return bool(timings["files_written"] or timings["files_removed"] or timings["search_data_written"])
        except DataError as err:  # found before anything is written
            print("\n".join(str(p) for p in err.problems))
            print(f"{len(err.problems)} problem(s) in data/; the preview shows the last good version.")
            return False
        except BuildError as err:
            print(f"{err}\nThe preview shows the last good version.")
        except OSError as err:
            print(f"{describe_os_error(err, root)}\nThe preview shows the last good version.")
        return True

    @event_priority(100)  # before mkdocs-static-i18n goes through every file
    def _note_given(self, files, config, **kwargs):
        self._given = list(files)
        preview.end_listing()
        return files

    @event_priority(-200)  # after mkdocs-static-i18n has given each language's files their paths
    def _note_outputs(self, files, config, **kwargs):
        self._outputs |= preview.relative_outputs(self._site_dir, (f.abs_dest_path for f in files))
        if os.environ.get("CASEGEN_SERVE"):
            self._outputs |= preview.seen(self._site_dir, self._depth, self._given, files)
        return files

    on_files = CombinedEvent(_note_given, _note_outputs)

    @event_priority(-200)  # after mkdocs-static-i18n has given the default language its files and navigation
    def on_nav(self, nav, config, files, **kwargs):
        # A full build: the other language is built meanwhile, on another core (a preview's rebuild after its first
        # has started it in on_pre_build; its first build runs the languages one after the other)
        if self._depth == 1 and not os.environ.get("CASEGEN_SERVE") and language_builds.wanted(self._command):
            if language_builds.start(config, self._dirty):
                self._beside = language_builds.languages()
        return nav

    def on_serve(self, server, config, builder, **kwargs):
        if os.environ.get("CASEGEN_SERVE"):
            # build/docs is written by casegen itself, in the rebuild that a change under data/, docs/ or the
            # templates starts; watching it too would start a second, empty rebuild after each one
            server.unwatch(config.docs_dir)
            _watch_quickly(server)
            server.builder = preview.skipping(server.builder)  # a rebuild with nothing to do ends quietly
            from . import charts

            charts.warm_up()  # the charts of the first edit are drawn here, at once (charts.engine.warm_up)
            from .render import compile_templates

            compile_templates()  # and its pages rendered with templates compiled already
            # What the first build left (the library, 24,000 files at 1,000 cases) lives as long as the server: out
            # of the garbage collector's sight, a full collection during a rebuild takes a tenth, not half a second
            gc.freeze()
        return server

    def on_build_error(self, error, **kwargs) -> None:
        if not isinstance(error, preview.NothingToRebuild):
            preview.rebuilt(self._site_dir, None)  # the site may hold half a rebuild: the next one does it all
        language_builds.end()
        self._depth = 0
        self._lock.close()
        _IDLE.set()

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
            if self._not_found:
                config.theme.static_templates.add("404.html")  # for the next rebuild's first language
            return
        language_builds.end()
        if os.environ.get("CASEGEN_SERVE"):
            preview.after_rebuild(self._site_dir, self._outputs, preview.DIRTY)
            preview.rebuilt(self._site_dir, self._settings)
            if self._clock:
                # what an editor waits for, in its two parts (make bench reads this line: casegen.bench_preview)
                started, generated = self._clock
                now = time.perf_counter()
                log.info(f"casegen: preview rebuilt in {now - started:.2f} s (casegen {generated - started:.2f} s, "
                         f"MkDocs {now - generated:.2f} s)"
                         + (f", {', '.join(self._beside)} built beside" if self._beside else ""))
            self._clock = None
        self._lock.close()  # a live preview's rebuild is over: a `casegen build` waiting may go on
        _IDLE.set()


# MkDocs' watcher polls the watched folders every half second: a save waits a quarter of a second on average
# before the rebuild starts, a tenth of what the real library's rebuild takes. A snapshot of data/ is about a
# millisecond at the real library but 15 to 45 ms at 1,000 cases: polling it every POLL_S during a rebuild would
# take the rebuild's thread a tenth of its time (Python runs one thread at a time), so the watcher pauses while
# a rebuild runs. Its next snapshot, after the rebuild, still finds every save made meanwhile. Where a snapshot
# is quick (under QUICK_SNAPSHOT_S), the watcher polls every QUICK_POLL_S: a hundredth of a core at most.
POLL_S = 0.2
QUICK_POLL_S = 0.1
QUICK_SNAPSHOT_S = 0.01
_IDLE = threading.Event()  # set while no rebuild runs
_IDLE.set()


def _watch_quickly(server) -> None:
    """The preview's server (MkDocs' LiveReloadServer) notices a save sooner and starts its rebuild at once."""
    _poll_often(server.observer)
    # MkDocs waits a tenth of a second after a change for more; its polling watcher finds a save's files in one
    # snapshot and takes the next no sooner than that, so the wait only delayed each rebuild
    server.build_delay = 0


def _poll_often(observer) -> None:
    """Make ``observer`` (watchdog's PollingObserver, whose emitters are made as MkDocs schedules each watched
    folder) poll every POLL_S, and not while a rebuild runs. Its emitters keep their interval in ``_timeout``
    and take their snapshots with ``_take_snapshot``; a watchdog that keeps them elsewhere leaves the half
    second and the polling during rebuilds (tests/test_preview.py checks both)."""
    for emitter in list(getattr(observer, "emitters", ())):
        _pausing(emitter)
    if hasattr(observer, "_timeout"):
        observer._timeout = min(observer._timeout, POLL_S)  # for folders watched later
    make = getattr(observer, "_emitter_class", None)
    if make is not None and not getattr(make, "pausing", False):
        def make_pausing(*args, **kwargs):
            return _pausing(make(*args, **kwargs))

        make_pausing.pausing = True
        observer._emitter_class = make_pausing


def _pausing(emitter):
    if hasattr(emitter, "_timeout"):
        emitter._timeout = min(emitter._timeout, POLL_S)
    take = getattr(emitter, "_take_snapshot", None)
    if take is not None and not getattr(take, "pausing", False):
        def take_when_idle():
            _IDLE.wait(60)  # and no longer, whatever happened to the rebuild
            started = time.perf_counter()
            snapshot = take()
            if hasattr(emitter, "_timeout"):
                emitter._timeout = QUICK_POLL_S if time.perf_counter() - started < QUICK_SNAPSHOT_S else POLL_S
            return snapshot

        take_when_idle.pausing = True
        emitter._take_snapshot = take_when_idle
    return emitter


def _hand_over(config) -> dict:
    """In a live preview's child that built the other languages: what those builds left in the process."""
    from . import search_plugin

    plugin = config.plugins.get("casegen")
    return {"outputs": plugin._outputs if plugin is not None else set(),
            "assets": preview.other_languages_assets(), "search": search_plugin.made_here()}


def _take_over(config, state: dict) -> None:
    """In the live preview's process: keep what its child's builds of the other languages left (``_hand_over``)."""
    from . import search_plugin

    plugin = config.plugins.get("casegen") if config is not None else None
    if plugin is not None:
        plugin._outputs |= state["outputs"]
    preview.take_assets(state["assets"])
    search_plugin.take(state["search"])


language_builds.hand_back("casegen", _hand_over, _take_over)


class _PassedOverLinkFilter(logging.Filter):
    _TARGET = re.compile(r"but the target '(.+)' is not found among documentation files")

    def filter(self, record: logging.LogRecord) -> bool:
        found = self._TARGET.search(record.getMessage())
        return not (found and found.group(1) in preview.passed_over())


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_THEME_BYTECODE = _MemoryBytecodeCache()


class _DirtyWarningFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")
