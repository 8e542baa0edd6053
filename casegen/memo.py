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

class Kept:
    """At most ``size`` results by key, the least recently used going first."""

    def __init__(self, size: int):
        self.size = size
        self._store: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The result kept for ``key``, made (and kept) if there is none."""
        if key in self._store:
            self._store.move_to_end(key)
            return self._store[key]
        found = make()
        self.put(key, found)
        return found

    def find(self, key: tuple) -> Any:
        """The result kept for ``key``, or None."""
        return self.get(key, lambda: None) if key in self._store else None

    def put(self, key: tuple, value: Any) -> None:
        self._store[key] = value
        self._store.move_to_end(key)
        if len(self._store) > self.size:
            self._store.popitem(last=False)

    def clear(self) -> None:
        self._store.clear()


_loaded = Kept(32_768)  # five entries per story, for libraries of a few thousand stories


def remembered(key: tuple, compute: Callable[[list[Problem]], Any], problems: list[Problem]) -> Any:
    """``compute(found)`` (which appends the problems it meets to ``found``) once per ``key``; the problems
    are appended to ``problems`` on every call, and the value returned."""
    def make() -> tuple[Any, list[Problem]]:
        found: list[Problem] = []
        return compute(found), found

    value, found = _loaded.get(key, make)
    problems.extend(found)
    return value


def clear() -> None:
    _loaded.clear()
