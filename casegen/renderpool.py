"""Rendering a generation's units on every core.

Rendering a story (its pages, data page, downloads and slide deck) takes about a tenth of a second per
language, most of it templates and python-pptx; at 1,000 stories that is minutes on one core. The units are
rendered in forked workers, which inherit the library and the charts already laid out (nothing is pickled
on the way in); only what they render comes back, in the units' order, so the output is the same bytes
as rendering here.

Forking is safe only while vl-convert has not run in this process: its runtime's threads do not survive
a fork (see charts.engine). A build that drew charts itself (a small edit) renders here, as does a small
generation, where starting workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Sequence

MIN_UNITS = 40  # the real library has about 30 units: rendered here, in a second or two

_UNITS: Sequence | None = None  # the units of the generation being rendered, for the forked workers


def _render(index: int) -> dict:
    assert _UNITS is not None
    return _UNITS[index].render()


def can_fork() -> bool:
    """Whether workers may be forked now: the platform forks, and vl-convert has not started here."""
    from .charts import engine

    return "fork" in multiprocessing.get_all_start_methods() and not engine.started()


def render_all(units: Sequence, workers: int | None = None, min_units: int = MIN_UNITS) -> list[dict]:
    """Each unit's ``render()``, in order: in forked workers, one per core, when there are enough of them."""
    global _UNITS
    workers = min(workers or os.cpu_count() or 1, len(units))
    if workers < 2 or len(units) < min_units or not can_fork():
        return [unit.render() for unit in units]
    _UNITS = units
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_render, range(len(units)), chunksize=1)
    finally:
        _UNITS = None
