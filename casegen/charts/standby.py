"""Workers kept warm for the live preview, so that an edit's charts are drawn on every core at once.

An edit draws each of its charts four times (two languages, two widths), about a tenth of a second each with
vl-convert, one at a time per process: most of what casegen adds to an editor's wait on the real library.
Starting a pool for each edit costs more than it saves (a second: spawning, imports, vl-convert's runtime), so
the preview's server starts one when it is up (``start``, from ``engine.warm_up``) and keeps it: its workers
have drawn a first chart with the library's cut-down font and wait. ``draw`` gives them an edit's charts when
that font has every character they need. When it lacks one (a character new to the library), ``cover`` first
starts them again with a font that has the new characters too (casegen.fonts cuts it in milliseconds), and they
draw the edit's charts and the next edits'.

The workers ignore Ctrl-C (the server's, which its end passes on by closing the pool) and are stopped with
the server on SIGTERM, each removing its copy of the font (casegen.fonts).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

MAX_WORKERS = 4  # an edit's charts are about eight drawings; more workers would mostly hold memory

_POOL = None                          # the executor
_CHARS: frozenset[int] = frozenset()  # the characters of its font
_PIDS: list[int] = []


def wanted() -> None:
    """This process is a preview's server: keep warm workers from now on (``start`` or, lacking a font, ``cover``)."""
    global _WANTED
    _WANTED = True


def start(cache: Path, fontconfig: Path, workers: int | None = None) -> None:
    """Start the warm workers (once per process) with the cut-down font of ``fontconfig``."""
    global _POOL, _CHARS
    workers = min(workers or os.cpu_count() or 1, MAX_WORKERS)
    if _POOL is not None or workers < 2:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .. import fonts

    # spawn, as engine._pool: this process has started vl-convert, whose threads a fork would break
    _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                initializer=_init_standby, initargs=(str(cache), str(fontconfig)))
    _CHARS = fonts.characters_of(fontconfig)
    # one first chart per worker, submitted together so that each worker starts (and compiles Vega) now
    pids = set(_POOL.map(_first_chart, range(workers)))
    _PIDS[:] = sorted(pids | set(getattr(_POOL, "_processes", None) or ()))  # a worker that drew no first chart
    if not _HOOKED:
        _hook()


def cover(cache: Path | None, chars: set[int]) -> None:
    """When this process wants warm workers and they lack a character of ``chars`` (a first edit without a
    cut-down font, a character new to the library), start them again with a font that has every one, so that
    they can draw the charts of ``chars`` (engine.render_jobs and begin_jobs ask before they give them work)."""
    if not _WANTED or cache is None or (_POOL is not None and chars <= _CHARS):
        return
    from .. import fonts

    largest = fonts.largest_config(cache)  # a build's font may have drawn the edit's charts: its characters too
    known = fonts.characters_of(largest) if largest else frozenset()
    conf = fonts.subset_config(set(chars) | set(_CHARS) | known, cache)
    if conf is not None:
        _close()
        start(cache, conf)


_WANTED = False
_HOOKED = False


def _hook() -> None:
    """End the workers with this process: at its normal end, and on SIGTERM (casegen.fonts)."""
    global _HOOKED
    import atexit

    from .. import fonts

    fonts.on_sigterm(stop_now)
    atexit.register(_close)
    _HOOKED = True


def _close() -> None:
    """The workers end (at the server's normal end: while Python can still run its clean-up)."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None
        _PIDS.clear()


def _init_standby(cache: str, fontconfig: str) -> None:
    from .engine import _init_worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(cache, fontconfig)


def _first_chart(_: int) -> int:
    import time

    import vl_convert as vlc

    from .engine import VL_VERSION

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}}, vl_version=VL_VERSION)
    time.sleep(0.2)  # hold this worker, so that the next first chart goes to another
    return os.getpid()


def draw(jobs: list[tuple], chars: frozenset[int]) -> bool:
    """Draw ``jobs`` (engine.deferred's) into the cache on the warm workers; False, drawing nothing, when there
    are none or their font lacks a character of ``chars``."""
    drawing = submit(jobs, chars)
    if drawing is None:
        return False
    wait(drawing)
    return True


def submit(jobs: list[tuple], chars: frozenset[int]) -> list | None:
    """Give ``jobs`` to the warm workers and return at once (their futures, for ``wait``); None, giving nothing,
    when there are none or their font lacks a character of ``chars``."""
    if _POOL is None or not chars <= _CHARS:
        return None
    from .engine import _run_job

    return [_POOL.submit(_run_job, job) for job in jobs]


def wait(drawing: list) -> None:
    """Wait until the workers have drawn what ``submit`` gave them (a failed chart raises here)."""
    for future in drawing:
        future.result()


def workers() -> list[int]:
    """The process ids of the warm workers (none before ``start``)."""
    return list(_PIDS)


def stop_now() -> None:
    """End the workers at once (the server is ending by a signal): each removes its copy of the font."""
    for pid in _PIDS:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
