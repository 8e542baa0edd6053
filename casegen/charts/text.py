"""Text in charts: widths, line breaking, numbers with their qualifiers as published."""

from __future__ import annotations

import re
from decimal import Decimal

from .. import qualifiers


# -- text helpers ---------------------------------------------------------------------------------
def _char_width(c: str) -> float:
    """Width of one character in em, a slight overestimate for Noto Sans CJK (so wrapped text fits)."""
    if "\u2e80" <= c <= "\uffef":
        return 1.0
    if c in " \u00a0":
        return 0.28
    if c in "il.,:;'|!()[]":
        return 0.3
    if c.isupper() or c in "mw%@&":
        return 0.68
    return 0.56


def text_width(s: str, size: float) -> float:
    return sum(_char_width(c) for c in s) * size


# a no-break space and "=" are part of a word ("n = 166" is written with no-break spaces)
_TOKEN = re.compile(r"[A-Za-z0-9.,%/&'’\-–+*()=\u00a0]+ ?| |.")
_NO_LINE_START = set("，。、；：）》」』’”%,.;:)")


def _glued(before: str, tok: str) -> bool:
    """Whether no line may break between ``before`` and ``tok``: a number and the CJK unit after it ("166人",
    "2018年"), and "=" with the words on both its sides ("3 = high school")."""
    return (before[-1:].isdigit() and len(tok) == 1 and "\u2e80" <= tok <= "\uffef") \
        or tok.startswith("=") or before.rstrip().endswith("=")


def _pieces(s: str) -> list[str]:
    """The tokens of ``s`` with those that must stay together joined."""
    pieces: list[str] = []
    for tok in _TOKEN.findall(s):
        if pieces and _glued(pieces[-1], tok):
            pieces[-1] += tok
        else:
            pieces.append(tok)
    return pieces


def wrap(s: str, width: float, size: float) -> list[str]:
    """Break text into lines no wider than ``width`` pixels: Latin words stay whole, CJK breaks anywhere
    but never before closing punctuation; a number keeps its unit, and "=" the words on both its sides. A last
    line of a word or two ("2020" alone under a subtitle) takes words from the lines above: the lines are
    broken a little narrower, as many of them, where that gives the last line more."""
    pieces = _pieces(s)
    lines = _greedy(pieces, width, size)
    if len(lines) < 2 or text_width(lines[-1], size) >= width * SHORT_LAST_LINE:
        return lines
    best, best_last = lines, text_width(lines[-1], size)
    for step in range(1, 9):
        tried = _greedy(pieces, width * (1 - 0.04 * step), size)
        if len(tried) != len(lines):
            break
        last = text_width(tried[-1], size)
        if last > best_last:
            best, best_last = tried, last
        if last >= width * SHORT_LAST_LINE:
            break
    return best


SHORT_LAST_LINE = 0.25  # of the width: a last line shorter than this is a widow worth mending


def _greedy(pieces: list[str], width: float, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for tok in pieces:
        if line and text_width((line + tok).rstrip(), size) > width and tok[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]



def _group_digits(digits: str, lang: str) -> str:
    """Digits grouped as the pages group them (text.number): ungrouped in Chinese, by thousands in English."""
    from .. import text

    return text.number(digits, lang)


def _dec(d: Decimal) -> str:
    """A Decimal as plain digits: 94800, not 9.48E+4."""
    return format(d.normalize(), "f")


def _qualified(number: str, qualifier: str, lang: str, unit: str = "") -> str:
    """A number with its unit and qualifier as the source printed it (约, 余, 多, 以上 …), in the order each
    language writes them: "4500多人", "more than 4,500 people"."""
    if lang == "zh":
        return qualifiers.zh(number, unit, qualifier)
    return qualifiers.en(f"{number} {unit}".strip(), qualifier)
