"""What loading and checking a file gave, kept for the process and keyed on the file's text.

The live preview validates the whole library at each save, and all but the edited files are as they were: at
1,000 cases, parsing every YAML and CSV file and checking every story's numbers took most of an edit's
regeneration (about 35 s). A result here is a function of its key alone (the text, and whatever else the
caller puts in the key), its values are frozen records or read-only documents, and the problems it met are
kept with it and given back on every hit, so a hit gives what computing again would. A build (one
generation a process) only fills it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

from .problems import Problem

SIZE = 8192  # entries: a few per story, for libraries of a few thousand stories

_store: OrderedDict[tuple, tuple[Any, list[Problem]]] = OrderedDict()


def remembered(key: tuple, compute: Callable[[list[Problem]], Any], problems: list[Problem]) -> Any:
    """``compute(found)`` (which appends the problems it meets to ``found``) once per ``key``; the problems
    are appended to ``problems`` on every call, and the value returned."""
    hit = _store.get(key)
    if hit is None:
        found: list[Problem] = []
        hit = _store[key] = (compute(found), found)
        if len(_store) > SIZE:
            _store.popitem(last=False)
    else:
        _store.move_to_end(key)
    problems.extend(hit[1])
    return hit[0]


def clear() -> None:
    _store.clear()
