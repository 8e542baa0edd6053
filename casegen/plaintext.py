"""Python-Markdown's inline pass, spared the text that holds nothing inline.

Python-Markdown tries each of its inline patterns, one regular expression at a time, on every piece of
text of a page: each table cell, each list item, each tail after a link. The library's pages are mostly
such pieces with nothing inline in them (a figure, a year, a sentence without a link), and at 1,000 cases
that pass was about half of MkDocs' Markdown time. This treeprocessor runs just before it and marks each
piece that no inline pattern could match as an ``AtomicString``, Python-Markdown's own way of saying
"leave this text as it is"; the inline pass then passes over it. The HTML is the same byte for byte
(tests/test_plaintext.py), since those patterns would have matched nothing there.

A piece is left to the inline pass when it holds any character a pattern starts from. The patterns are
Python-Markdown's own, known by name; when an extension registers one not listed here, nothing is marked
at all (a pattern we do not know could start from any character). The pages stay plain Markdown: without
this extension they render the same, only slower."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# What each of Python-Markdown's inline patterns (3.x, by their registered names) needs in a text to match.
_NEEDS = {
    "backtick": "`",                  # code spans, and backslashes before a backtick
    "escape": "\\",
    "reference": "[", "link": "[", "short_reference": "[",
    "image_link": "[", "image_reference": "[", "short_image_ref": "[",   # "![": the "[" is enough
    "autolink": "<", "automail": "<", "html": "<",
    "entity": "&",
    "em_strong": "*_", "em_strong2": "*_", "strong": "*_", "emphasis": "*_", "emphasis2": "*_",
    "strong_em": "*_", "em_strong_": "*_", "not_strong": "*_",
    "linebreak": "",                  # two spaces before a line's end: see _pattern
}
# Python-Markdown's placeholders (its stash of raw HTML and of inline nodes) start with STX: such text
# always goes through the inline pass, which resolves them.
_STX = "\x02"


def _pattern(names: list[str]) -> re.Pattern | None:
    """A regular expression finding any start of an inline pattern among ``names``; None if one is unknown."""
    if any(name not in _NEEDS for name in names):
        return None
    chars = sorted(set("".join(_NEEDS[name] for name in names)) | {_STX})
    alternatives = ["[" + "".join(re.escape(c) for c in chars) + "]"]
    if "linebreak" in names:
        alternatives.append("  \n")
    return re.compile("|".join(alternatives))


class _MarkPlainText(Treeprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self._names: list[str] | None = None
        self._inline: re.Pattern | None = None

    def run(self, root: etree.Element) -> None:
        names = [item.name for item in self.md.inlinePatterns._priority]
        if names != self._names:  # extensions register their patterns once; checked again only if they change
            self._names, self._inline = names, _pattern(names)
        inline = self._inline
        if inline is None:
            return
        search = inline.search
        for element in root.iter():
            text, tail = element.text, element.tail
            if text and type(text) is str and not search(text):
                element.text = AtomicString(text)
            if tail and type(tail) is str and not search(tail):
                element.tail = AtomicString(tail)


class PlainTextExtension(Extension):
    """Register the marking just before Python-Markdown's inline pass (priority 20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_MarkPlainText(md), "casegen_plain_text", 20.5)


def makeExtension(**kwargs) -> PlainTextExtension:  # noqa: N802 (Python-Markdown's name for it)
    return PlainTextExtension(**kwargs)
