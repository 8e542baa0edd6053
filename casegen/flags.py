"""Flags: which figures each contradiction in a source concerns.

A figure's row may carry a flag (its kind and its explanation in both languages) and, in ``flag_group``, the
ids of the contradictions it is concerned by, separated by spaces. The rows of one case carrying a group id are
the figures that contradiction concerns; exactly one of them carries the explanation, and lists that id first
(validate.py checks this). A figure two contradictions concern carries both ids. A flag without a group
concerns its own row alone. Pages, charts and downloads ask here which flags a figure falls under
(``flags_of``), so that every figure of a group is marked at every contradiction, not only the row that
explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Figure


@dataclass(frozen=True)
class Flag:
    slug: str              # the case or practice
    kind: str              # one of models.FLAGS
    zh: str
    en: str
    group: str             # the flag_group id, "" when the flag concerns its own row only
    explained_by: Figure   # the row that carries kind and explanation
    figures: tuple[Figure, ...]  # every figure concerned, in file order (the explaining row among them)

    @property
    def anchor(self) -> str:
        """The id of the flag's entry on its case page (and on the flags page)."""
        return f"flag-{self.group}" if self.group else f"flag-line-{self.explained_by.line}"

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def case_flags(slug: str, figures: list[Figure]) -> list[Flag]:
    """The flags of one case, in the order of their first figure. A group whose explanation is missing
    yields nothing (validation reports it); of two explaining rows the first is taken."""
    members: dict[str, list[Figure]] = {}
    for f in figures:
        for group in f.flag_groups:
            members.setdefault(group, []).append(f)
    out: list[tuple[int, Flag]] = []
    done: set[str] = set()
    for f in figures:
        if not f.flag:
            continue
        group = f.flag_groups[0] if f.flag_groups else ""  # a flag explains its row's first group
        if group in done:
            continue
        concerned = tuple(members[group]) if group else (f,)
        out.append((concerned[0].line, Flag(slug, f.flag, f.flag_zh, f.flag_en, group, f, concerned)))
        if group:
            done.add(group)
    return [flag for _, flag in sorted(out, key=lambda item: item[0])]


class FlagIndex:
    """Every flag of a library and, for each figure, the flags it falls under."""

    def __init__(self, figures_by_story: dict[str, list[Figure]]):
        self.by_story: dict[str, list[Flag]] = {}
        self._by_id: dict[int, list[Flag]] = {}
        self._by_key: dict[tuple, list[Flag]] = {}
        self._figures = figures_by_story  # kept alive: the ids below stay theirs
        for slug, figures in figures_by_story.items():
            self.by_story[slug] = case_flags(slug, figures)
            for flag in self.by_story[slug]:
                for f in flag.figures:
                    self._by_id.setdefault(id(f), []).append(flag)
                    self._by_key.setdefault(_key(f), []).append(flag)
        for found in (*self._by_id.values(), *self._by_key.values()):
            found.sort(key=_page_order)

    def flags_of(self, f: Figure) -> list[Flag]:
        """The flags ``f`` falls under (its own and its groups'), in the order of the flags on its page."""
        found = self._by_id.get(id(f))
        if found is None and (f.flag or f.flag_group):  # a copy of a figure: found by what it is
            found = self._by_key.get(_key(f))
        return list(found or ())

    def flag_of(self, f: Figure) -> Flag | None:
        """The first of the flags ``f`` falls under, or None."""
        found = self.flags_of(f)
        return found[0] if found else None

    def all(self) -> list[Flag]:
        return [flag for flags in self.by_story.values() for flag in flags]


def _page_order(flag: Flag) -> tuple:
    return (flag.figures[0].line, flag.explained_by.line)


def _key(f: Figure) -> tuple:
    return (f.key, f.line, f.published_value, f.flag_group)
