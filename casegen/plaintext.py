"""Python-Markdown's inline pass, each pattern tried only on text it could match.

Python-Markdown tries each of its inline patterns (fourteen with the site's extensions), one regular
expression at a time, on every piece of text of a page: each table cell, each list item, each tail after a
link. The library's pages are mostly such pieces, and most hold nothing inline (a figure, a year, a
sentence without a link) or one kind of thing (a link, a backslash before a bracket). That pass was about
half of MkDocs' Markdown time.

Every one of those patterns needs a certain character to match (a link a "[", emphasis a "*" or "_", a
character reference a "&" …). This extension puts in place of Python-Markdown's inline pass the same pass,
which skips a pattern on a piece of text that holds none of the characters the pattern needs: that pattern
would have matched nothing there, so the HTML is the same byte for byte (tests/test_plaintext.py). A piece
holding none at all is passed over at once. A pattern this module does not know (an extension's own) is
tried everywhere, as before.

It replaces a private method of Python-Markdown's ``InlineProcessor`` (the loop over the patterns), which
the pinned version has; where it is missing, or another extension has replaced the inline pass, the stock
pass runs. The pages stay plain Markdown: without this extension they render the same, only slower."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

# What each of Python-Markdown's inline patterns (3.x, by their registered names) needs in a text to match:
# any one of these strings.
_NEEDS: dict[str, frozenset[str]] = {
    "backtick": frozenset("`"),       # code spans, and backslashes before a backtick
    "escape": frozenset("\\"),
    **dict.fromkeys(["reference", "link", "short_reference", "image_link", "image_reference",
                     "short_image_ref"], frozenset("[")),    # "![": the "[" is enough
    **dict.fromkeys(["autolink", "automail", "html"], frozenset("<")),
    "entity": frozenset("&"),
    **dict.fromkeys(["em_strong", "em_strong2", "strong", "emphasis", "emphasis2", "strong_em", "em_strong_",
                     "not_strong"], frozenset("*_")),
    "linebreak": frozenset({"  \n"}),  # two spaces before a line's end
}
_STARTS = tuple(sorted(frozenset().union(*_NEEDS.values())))

# The loop this module replaces, and the step it calls: private to Python-Markdown, so looked for.
_LOOP, _APPLY = "_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"
AVAILABLE = hasattr(InlineProcessor, _LOOP) and hasattr(InlineProcessor, _APPLY)


def present(text: str) -> frozenset[str]:
    """Which of the strings the known patterns need ``text`` holds."""
    return frozenset(start for start in _STARTS if start in text)


def needs(md: Markdown) -> list[frozenset[str] | None]:
    """What each inline pattern of ``md`` needs, in the order the pass tries them (None: unknown, try it)."""
    registry = md.inlinePatterns
    names = {id(registry[item.name]): item.name for item in registry._priority}
    return [_NEEDS.get(names[id(pattern)]) for pattern in registry]


class _InlinePass(InlineProcessor):
    """Python-Markdown's inline pass, with its loop over the patterns skipping those that cannot match."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._needs = needs(self.md)  # extensions may register patterns after this one: looked up per page
        self._all_known = None not in self._needs
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # the stock loop (markdown.treeprocessors.InlineProcessor.__handleInline), with the skip added
        if isinstance(data, AtomicString):
            return data
        holds = present(data)
        if not holds and self._all_known:
            return data
        need, apply, patterns = self._needs, getattr(self, _APPLY), self.inlinePatterns
        start, count = 0, len(need)
        while patternIndex < count:
            wanted = need[patternIndex]
            if wanted is not None and wanted.isdisjoint(holds):
                patternIndex, start = patternIndex + 1, 0  # as the pattern's failing to match would
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if matched:
                holds = present(data)  # the match became a placeholder: what is left may hold less
            else:
                patternIndex += 1
        return data


class PlainTextExtension(Extension):
    """Put the skipping pass in place of Python-Markdown's own inline pass (priority 20), if that is the stock one."""

    def extendMarkdown(self, md: Markdown) -> None:
        if AVAILABLE and "inline" in md.treeprocessors and type(md.treeprocessors["inline"]) is InlineProcessor:
            md.treeprocessors.register(_InlinePass(md), "inline", 20)


def makeExtension(**kwargs) -> PlainTextExtension:  # noqa: N802 (Python-Markdown's name for it)
    return PlainTextExtension(**kwargs)
