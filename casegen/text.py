"""Formatting and escaping of editor text for Markdown pages.

Everything an editor types reaches a page through ``escape`` (a name, a cell, a list item) or
``prose`` (the narrative fields: paragraphs and nothing else): HTML is neutralised, every character
Markdown would act on is backslash-escaped or written as a character reference, and the text can
never start a block of its own (a fence, an admonition, a details box, a heading, a list, a table …),
so editor text can never become markup, page structure, links or script.
"""

from __future__ import annotations

import functools
import html
import json
import re

from markupsafe import Markup

# The characters Python-Markdown acts on wherever they stand in a line (with the tables extension), which a
# backslash keeps as text: "<", ">", "[" and "]" become entities instead. Those it acts on only where a line or a
# list item starts ("-" and "+" of a list, "1." of an ordered one, "(" and ")" of nothing without a "]") are left
# bare elsewhere, where they are text already (a backslash before each decimal point was a fifth of what
# Python-Markdown did on a data page); at the start they are made inert below.
_MD_SPECIAL = re.compile(r"[\\`*_{}#!|]")
# An ordered list's marker, where the text starts: the point (or a parenthesis, for other Markdowns) is escaped
_NUMBERED = re.compile(r"^( ?\d+)([.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain(value) -> str:
    """What a reader sees of a piece of escaped Markdown (``escape``, with any inline tags of ours): plain text
    for a place that is not Markdown (a slide, the print template, which escapes it its own way)."""
    text = re.sub(r"<[^>]+>", "", str(value))
    text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(text)


def escape(value) -> Markup:
    """Editor text → inert Markdown. Already-safe Markup passes through unchanged."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(_escaped(str(value)))


# The same texts come again and again (a source's name, a unit, a story's title in every list, a whole table
# again at each save of the live preview): escaping was a third of the time a page took to render.
@functools.lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> str:
    # Control characters have no place in a page (the loader reports them); Markdown would act on
    # STX/ETX, its own placeholders.
    text = _CONTROL.sub("", text)
    # Backslashes first, then entities: the other order would break the '#' of "&#x27;".
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    # Brackets as character references: Markdown reads "[x\]: y" at the start of a line as a link
    # definition whatever the backslash, and drops the line.
    text = html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;")
    # Characters Python-Markdown honours no backslash before, but which pymdownx and Material build
    # blocks or inline markup from (~~~ fences, ??? details, === tabs, ^ footnotes and carets, ~~ and ==
    # marks): character references, which no extension reads and the browser shows as the character.
    text = _ENTITY_ALWAYS.sub(lambda m: f"&#{ord(m.group(0))};", text)
    # Markdown ignores a single line break but a blank line would start a new block inside a cell;
    # it reads a lone carriage return as a line break too.
    text = re.sub(r"\s*[\r\n]\s*", " ", text)
    # Spaces and tabs at the start would make the text indented code wherever a template puts it at the
    # start of a line, two at the end a line break: one space is what a reader sees of them anyway (and
    # what a label such as ", " needs).
    text = _EDGE_SPACE.sub(" ", text)
    # A template may put the text at the start of a line, where its first character decides what block
    # the line is. Whatever punctuation is still bare there (":" of a definition, "/" of a pymdownx block,
    # "$" of maths …) becomes a character reference: the line can only start a paragraph.
    lead = 1 if text[:1] == " " else 0
    first = text[lead:lead + 1]
    if first in _LEAD_ESCAPED:
        text = f"{text[:lead]}\\{text[lead:]}"
    elif first in _LEAD_PUNCTUATION:
        text = f"{text[:lead]}&#{ord(first)};{text[lead + 1:]}"
    return _NUMBERED.sub(r"\1\\\2", text)  # "1. " would start an ordered list


_EDGE_SPACE = re.compile(r"^[ \t]+|[ \t]+$")


_ENTITY_ALWAYS = re.compile(r"[~?=^]")
# ASCII punctuation, less "\\" and "&", which at this point start a backslash escape or a character reference
_LEAD_PUNCTUATION = frozenset("!\"#$%'()*+,-./:;<=>?@[]^_`{|}~")
# ... of which those left bare elsewhere that Python-Markdown honours a backslash before (see _MD_SPECIAL)
_LEAD_ESCAPED = frozenset("()+-.")


_ANCHOR = re.compile(r"[a-z][a-z0-9-]*")
_PAGE = re.compile(r"(?:[a-z0-9_-]+/)*[a-z0-9_-]+\.md")


class Tip(str):
    """A span target that explains its stretch instead of linking it: the stretch becomes
    ``<abbr title="…">`` (Material shows the title as a tooltip). The text is ours or a register's; it is
    escaped for the attribute."""


class Keep(str):
    """A span target that keeps its stretch on one line: a number and the Chinese unit after it ("6972人",
    "3353.5元", "2017年"), which a browser would otherwise break between. The stretch becomes
    ``<span class="cg-nw">`` (white-space: nowrap), around the link or tooltip it may hold."""


KEEP = Keep("cg-nw")
_NUMBER_AND_UNIT = re.compile(r"(?<![\d.,])\d[\d.,]*(?:万|亿)?(?:多|余)?[\u3400-\u9fff]")


def kept_together(value: str) -> list[tuple[int, int, Keep]]:
    """The stretches of a Chinese text that a line must not break inside: each number with its unit."""
    return [(m.start(), m.end(), KEEP) for m in _NUMBER_AND_UNIT.finditer(value or "")]


def linked(value, spans=(), page: str = "") -> Markup:
    """Editor text (see ``escape``) in which each stretch ``(start, end, target)`` of ``spans`` links to an anchor
    (of ``page``, a Markdown page beside this one, or of this page), is explained by a tooltip (a ``Tip``) or is
    kept on one line (a ``Keep``, which may hold the others). The stretches and the text around them are escaped
    each on its own, as ``escape`` does, so the editor's text stays inert; only the brackets and the target are
    ours, and a target must be a plain anchor id (a letter, then letters, digits and hyphens)."""
    if isinstance(value, Markup):
        return value
    if page and not _PAGE.fullmatch(page):
        raise ValueError(f"not a page: {page!r}")
    value = "" if value is None else str(value)
    others = [sp for sp in spans if not isinstance(sp[2], Keep)]
    # a kept stretch holds whole links and tooltips; one that would cut through one is left out
    keeps = [(s, e) for s, e, target in spans if isinstance(target, Keep)
             and not any(a < e and s < b and not (s <= a and b <= e) for a, b, _ in others)]
    out, pos = [], 0
    for start, end, anchor in sorted([*others, *((s, e, None) for s, e in keeps)], key=lambda sp: (sp[0], -sp[1])):
        if start < pos or end <= start or end > len(value):
            continue  # overlapping or out of the text (or inside a kept stretch, drawn with it): left as text
        if anchor is None:
            inner = [(a - start, b - start, t) for a, b, t in others if start <= a and b <= end]
            out += [escape(value[pos:start]), '<span class="cg-nw">', linked(value[start:end], inner, page), "</span>"]
            pos = end
            continue
        label = escape(value[start:end])
        if not label.strip():
            continue
        if isinstance(anchor, Tip):
            out += [escape(value[pos:start]), f'<abbr title="{html_attr(anchor)}">{label}</abbr>']
        else:
            if not _ANCHOR.fullmatch(anchor):
                raise ValueError(f"not an anchor id: {anchor!r}")
            out += [escape(value[pos:start]), f"[{label}]({page}#{anchor})"]
        pos = end
    out.append(escape(value[pos:]))
    return Markup("".join(out))


def prose(value, spans=None, page: str = "") -> Markup:
    """Editor prose (summary, background, a mechanism's description …) → Markdown that can only be paragraphs.

    Paragraphs are separated by blank lines; each becomes one line of escaped text (see ``escape``) that
    starts with a letter, a digit, a backslash escape or a character reference. Whatever an editor types
    (a fence, ``!!! warning``, ``??? note``, ``=== "tab"``, a heading, a list, a table, a quote, a footnote,
    a link definition, an attribute list, raw HTML, indented code) is shown as the text it is."""
    if isinstance(value, Markup):
        return value
    value = "" if value is None else str(value)
    if spans is None:
        escaped = (escape(p).strip() for p in paragraphs(value))
    else:  # spans(text) → (start, end, target) stretches to link or explain, each within a paragraph (``linked``)
        found = spans(value)
        escaped = (linked(value[a:b], [(s - a, e - a, anchor) for s, e, anchor in found if a <= s and e <= b],
                          page).strip()
                   for a, b in _paragraph_spans(value))
    return Markup("\n\n".join(p for p in escaped if p))  # a paragraph of control characters is none


def _paragraph_spans(value: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``value`` (as ``paragraphs`` splits it, blanks at its edges left out)."""
    out, pos = [], 0
    for m in [*re.finditer(r"\n\s*\n", value), None]:
        end = m.start() if m else len(value)
        piece = value[pos:end]
        if piece.strip():
            start = pos + len(piece) - len(piece.lstrip())
            out.append((start, pos + len(piece.rstrip())))
        pos = m.end() if m else end
    return out


def paragraphs(value: str) -> list[str]:
    """Split editor prose on blank lines; each paragraph is escaped where it is printed."""
    return [p.strip() for p in re.split(r"\n\s*\n", value or "") if p.strip()]


def number(text: str, lang: str) -> str:
    """A published value, keeping its published decimals, with one way of grouping digits per language:
    Chinese pages write digits as the Chinese sources print them, ungrouped (20605); English pages group
    thousands with commas from four digits on (9,087; 20,605)."""
    negative = text.startswith("-")
    digits = text.lstrip("-")
    whole, _, frac = digits.partition(".")
    grouped = f"{int(whole):,}" if lang == "en" else str(int(whole))
    return ("-" if negative else "") + grouped + (f".{frac}" if frac else "")


_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def date(text: str, lang: str) -> str:
    if not text:
        return ""
    parts = text.split("-")
    if lang == "zh":
        suffixes = ["年", "月", "日"]
        return "".join(str(int(p)) + s for p, s in zip(parts, suffixes))
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS_EN[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def period(start: str, end: str, lang: str, kept=None) -> str:
    """"2017年1月–2017年9月", "Jan 2017 – Sep 2017", "截至2019年12月". ``kept``: "md" for a page, "html" for a
    handout: Markup in which each date stays on one line (a narrow column broke "2017/年9月" and "20 / May 2019")."""
    def shown(d: str) -> str:
        said = date(d, lang)
        if kept is None:
            return said
        return f'<span class="cg-nw">{escape(said) if kept == "md" else html.escape(said)}</span>'

    if not start:
        said = f"截至{shown(end)}" if lang == "zh" else f"as of {shown(end)}"
    elif start == end:
        said = shown(end)
    else:
        # kept, an English dash keeps to the first date: "Jan 2017 –" ends a line, never "–" alone on one
        said = f"{shown(start)}–{shown(end)}" if lang == "zh" else \
            f"{shown(start)}{chr(0xa0) if kept else ' '}– {shown(end)}"
    return Markup(said) if kept else said


def yaml_string(value: str) -> Markup:
    """A front-matter string: HTML-escaped (themes print titles and descriptions unescaped, the description
    inside <meta content="...">, so quotes too) and JSON-quoted (valid YAML)."""
    quoted = json.dumps(html.escape(_CONTROL.sub("", str(value)), quote=True), ensure_ascii=False)
    # JSON leaves these as they are, but YAML folds line and paragraph separators and refuses U+FFFE/F.
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted))


_YAML_UNSAFE = re.compile("[\u2028\u2029\ufffe\uffff]")


def html_attr(value) -> str:
    """Text for an HTML attribute or element we write ourselves.

    Besides HTML's special characters, the characters Markdown acts on and line breaks become
    character references: the browser shows the same text, and the result stays text where a page
    puts it into Markdown after all (the title of a ``??? note "..."`` block is Markdown)."""
    return _ATTR_SPECIAL.sub(lambda m: _ENTITIES.get(m.group(0)) or f"&#{ord(m.group(0))};",
                             _CONTROL.sub("", str(value)))


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_ATTR_SPECIAL = re.compile(r"[&<>\"'\\`*_{}\[\]()#!|~\r\n]")
