"""Each language's MkDocs build on its own core.

mkdocs-static-i18n builds the languages one after the other in one process: the default language's build,
then, from its last step, each other language's whole build again. On two cores the second waits for the
first although neither needs the other's pages: Python-Markdown and the templates are nearly all of it.

``start`` forks the process once the default language's build has read its files and navigation (the state
mkdocs-static-i18n gives the other languages: their files and alternates), before it renders a page. The
child builds the other languages, as mkdocs-static-i18n would, while the parent builds the default one; the
parent's own loop over the other languages then only waits for the child (``_wait_instead_of_building``) and
fails as it would have: a child's warning in strict mode, or its error, fails the build.

For `mkdocs build` (a full build; `casegen build` runs it) on Linux, with two cores or more, in a process that
runs no other thread (a fork copies only the thread that forks); ``CASEGEN_ONE_PROCESS=1`` turns it off. The
child holds a copy of the process's memory for as long as it builds.

The live preview (`mkdocs serve --dirty`) does the same at each rebuild after its first, although its server
runs threads of its own (they wait on sockets and conditions while a rebuild runs, and the child touches none
of them). It forks earlier, as soon as casegen has written (mkdocs_plugin.on_pre_build): a dirty rebuild renders
a few pages, and listing the files is then as long as the rest, so each language lists its own at the same time.
A child leaves the objects it shares with its parent out of the garbage collector's sight (``gc.freeze``): a
collection would write to every page of memory they lie on, which the fork shares until one side writes.

The preview keeps what each language's rebuild leaves in its process (casegen.preview, casegen.search_plugin):
the child hands what its builds left back to the parent through a pipe (``hand_back``), as if the parent had
built them itself. Its first build runs the languages one after the other, so that the process holds every
page's search weights; a child that has not ended after ``CHILD_TIMEOUT_S`` is stopped and the parent builds its
languages itself.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import select
import signal
import sys
import threading
import time
from typing import Any, Callable

log = logging.getLogger("mkdocs.plugins.casegen")

_CHILD: dict = {}  # "pid", "languages", "pipe" of the running child; "failed" once it ended badly
CHILD_TIMEOUT_S = 600.0

# What a live preview's child hands back: by name, what collects it in the child and what takes it in the parent
# (each given the build's config)
_HAND_BACK: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], None]]] = {}


def hand_back(name: str, collect: Callable[[Any], Any], take: Callable[[Any, Any], None]) -> None:
    """Register state that a live preview's language build leaves in its process, to be handed to the parent."""
    _HAND_BACK[name] = (collect, take)


def wanted(command: str | None, preview_rebuild: bool = False) -> bool:
    """Whether the languages may be built side by side in this process's `mkdocs` ``command``, or in a rebuild of
    the live preview after its first (``preview_rebuild``)."""
    # Linux only: macOS's system libraries are not safe in a forked child (Python spawns there for that reason)
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2 or os.environ.get("CASEGEN_ONE_PROCESS"):
        return False
    return preview_rebuild or (command == "build" and threading.active_count() == 1)


def start(config, dirty: bool, handing_back: bool = False) -> bool:
    """Fork a child that builds every language but the one being built now (the default); True if one runs.
    ``handing_back``: a live preview's rebuild, whose child hands back what its builds leave (``hand_back``)."""
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", True) or _CHILD:
        return False
    others = [lang for lang in i18n.build_languages if lang != i18n.current_language]
    if not others:
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe() if handing_back else (None, None)
    pid = os.fork()
    if pid == 0:
        if read is not None:
            os.close(read)
        _build_in_child(config, i18n, others, dirty, write)  # never returns
    if write is not None:
        os.close(write)
    # The theme's pages outside the docs land at the site's root. The not-found page is the first language's
    # (the other languages' builds leave it out: mkdocs_plugin.on_pre_build); the others (sitemap.xml) are the
    # last build's, as when the builds run one after the other: the child's.
    _CHILD.update(pid=pid, languages=others, theme=config.theme, static=set(config.theme.static_templates),
                  pipe=read, config=config)
    config.theme.static_templates.intersection_update({"404.html"})
    _wait_instead_of_building()
    return True


def languages() -> list[str]:
    """The languages the running child builds."""
    return list(_CHILD.get("languages", []))


def _build_in_child(config, i18n, others: list[str], dirty: bool, pipe: int | None) -> None:
    """As mkdocs-static-i18n's loop over the other languages (plugin.on_post_build), then exit."""
    code = 1
    # What the parent made is alive here too, and stays as it is: the collector then looks at the child's own
    # objects only, and never writes to the pages of the parent's (a fork shares them until one side writes)
    gc.freeze()
    try:
        from mkdocs import utils
        from mkdocs.commands import build as mkdocs_build
        from mkdocs_static_i18n.utils import I18nLoggingFilter

        quiet = I18nLoggingFilter()  # the lines mkdocs-static-i18n keeps out of its own languages' builds
        quiet.filtered_prefixes.update({"Documentation built in", "Building documentation to directory"})
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        utils.clean_directory = lambda path: path  # the default language's build has cleaned the site
        i18n.building = True  # its post-build step then builds no further language
        for locale in others:
            i18n.current_language = locale
            mkdocs_build.build(config, dirty=dirty)
        if pipe is not None:
            state = pickle.dumps({name: collect(config) for name, (collect, _) in _HAND_BACK.items()},
                                 protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(pipe, "wb") as out:
                out.write(state)
        code = 0
    except BaseException as err:  # noqa: BLE001 - whatever it is, the parent must hear of it by the exit code
        if not isinstance(err, SystemExit):
            log.error(f"the {', '.join(others)} build failed: {err}")
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)  # no atexit handler, no parent's clean-up: this process is a copy of the parent


def _wait_instead_of_building() -> None:
    """In the parent, mkdocs-static-i18n's loop calls ``build`` for each other language: wait for the child."""
    import mkdocs_static_i18n.plugin as i18n_plugin

    building = i18n_plugin.build

    def wait_instead(config, *args, **kwargs):
        i18n = config.plugins.get("i18n")
        language = getattr(i18n, "current_language", None)
        if _CHILD and language in _CHILD.get("languages", ()):
            if wait():
                return None
            _CHILD["languages"] = []  # stopped: this language and any after it are built here
        return building(config, *args, **kwargs)

    wait_instead.building = building
    i18n_plugin.build = wait_instead


def wait() -> bool:
    """Wait for the child (once); a child that failed fails the build here, as its build would have. False where a
    live preview's child did not end in time: it is stopped, and the parent builds its languages itself."""
    from mkdocs.exceptions import Abort

    pid = _CHILD.pop("pid", None)  # the rest stays for ``end``
    if pid is not None:
        state = _read_all(_CHILD.pop("pipe", None), time.monotonic() + CHILD_TIMEOUT_S)
        if state is _LATE:
            # not a warning, which strict mode would turn into a failed rebuild
            log.info(f"the {', '.join(_CHILD.get('languages', []))} build took longer than {CHILD_TIMEOUT_S:.0f} s "
                     "beside the first; building it here")
            _stop(pid)
            return False
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            _CHILD["failed"] = True
        elif state is not None:
            _take(_CHILD.get("config"), state)
    if _CHILD.get("failed"):
        raise Abort(f"Aborted: the build of {', '.join(_CHILD.get('languages', []))} failed (see above)")
    return True


_LATE = object()


def _read_all(pipe: int | None, deadline: float):
    """What the child wrote to ``pipe`` until it closed it (None: no pipe, or nothing written), or _LATE."""
    if pipe is None:
        return None
    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                return _LATE
            chunk = os.read(pipe, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(pipe)
    return b"".join(chunks) or None


def _take(config, state: bytes) -> None:
    handed = pickle.loads(state)
    for name, (_, take) in _HAND_BACK.items():
        if name in handed:
            take(config, handed[name])


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def end() -> None:
    """The build is over (done or failed): a child still running is stopped, and the i18n loop is as it was."""
    import mkdocs_static_i18n.plugin as i18n_plugin

    pid = _CHILD.get("pid")
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    if _CHILD.get("pipe") is not None:
        os.close(_CHILD["pipe"])
    if "theme" in _CHILD:
        _CHILD["theme"].static_templates.update(_CHILD["static"])
    _CHILD.clear()
    building = getattr(i18n_plugin.build, "building", None)
    if building is not None:
        i18n_plugin.build = building
