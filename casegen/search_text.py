"""The search's words: how a page's text and a reader's query become the same index terms.

The browser does the same to a query (overrides/assets/javascripts/workers/search.*.js, ``terms``);
tests/test_search_text.py holds both to the same examples. Chinese is cut into overlapping pairs of
characters (叙永县 -> 叙永, 永县): no dictionary is needed in the browser, a query of any length is
looked up whole (every one of its pairs must be on the page) and a place or programme name is never
split where a segmenter would guess wrong (Intl.Segmenter cuts 叙永 into 叙|永). A single character is
looked up alone. Other scripts are cut into words, folded to lower case and their plural -s taken off.
A Traditional character is read as its Simplified form (table from OpenCC, pinned).
"""

from __future__ import annotations

import re
from collections import Counter
import unicodedata
from functools import cache
from importlib.resources import files
from operator import add

# CJK ideographs (with extension A and the compatibility block) and 〇; the order of the ranges is the
# browser's too.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUNS = re.compile(f"[{HAN}]+|[0-9a-z\u00c0-\u024f]+")
HAN_RUN = re.compile(f"[{HAN}]+")

# Tables of OpenCC whose left column is a Traditional (or Taiwan/Hong Kong variant) form.
TRADITIONAL_TABLES = ("TSCharacters.txt", "TWVariantsRev.txt", "HKVariantsRev.txt")


@cache
def traditional_to_simplified() -> dict[str, str]:
    """Every Traditional character OpenCC knows, mapped to the Simplified character it converts to."""
    table: dict[str, str] = {}
    simplified: set[str] = set()
    folder = files("opencc_purepy") / "dicts"
    for name in TRADITIONAL_TABLES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            target = targets.split(" ")[0] if targets else ""
            # a variant table never remaps a Simplified character (兑 is also Hong Kong's form of 兌)
            if len(source) == 1 and len(target) == 1 and source != target and source not in table \
                    and source not in simplified:
                table[source] = target
        if name == TRADITIONAL_TABLES[0]:
            simplified = set(table.values())
    # A variant maps to a Traditional form that itself simplifies (裡 -> 裏 -> 里): follow it to the end.
    for source, target in table.items():
        seen = {source}
        while target in table and target not in seen:
            seen.add(target)
            target = table[target]
        table[source] = target
    table = {source: target for source, target in table.items() if source != target}
    return dict(sorted(table.items()))


@cache
def _translation() -> dict[int, str]:
    """One table for NFKC, lower case and Traditional to Simplified, character by character: a single pass
    over the text (NFKC over a whole library's text took as long as the rest of the index)."""
    simplified = traditional_to_simplified()
    table = {ord(t): s for t, s in simplified.items()}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        if folded != char.lower():
            table[code] = "".join(simplified.get(c, c) for c in folded)
    return table


def normalize(text: str) -> str:
    """Full-width forms to ASCII (NFKC), lower case, Traditional characters to Simplified, as the browser
    does (worker: normalize) for every text but combining sequences, which the library has none of."""
    return text.lower().translate(_translation())


def stem(word: str) -> str:
    """English plural to singular, the S-stemmer's three rules (Harman 1991): cities -> city,
    workshops -> workshop, fees/classes kept apart from glass/bus."""
    if len(word) > 3 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def run_terms(run: str) -> list[str]:
    """The index terms of one run of normalized text: a Chinese run's pairs (a lone character
    itself), or a word's stem."""
    if run[0] > "\u024f":  # a run is all Chinese or all letters and digits (RUNS)
        if len(run) == 1:
            return [run]
        return list(map(add, run[:-1], run[1:]))
    return [stem(run)]


def runs(text: str) -> list[str]:
    """The runs of normalized text: Chinese stretches and words, in order."""
    return RUNS.findall(text)


def terms(text: str) -> list[str]:
    """Every index term of ``text`` (already normalized), in order, repeats kept (they count)."""
    return [t for run in runs(text) for t in run_terms(run)]


PAIRS = re.compile(f"(?=([{HAN}]{{2}}))")                    # every pair, overlapping
SINGLES = re.compile(f"(?<![{HAN}])[{HAN}](?![{HAN}])")      # a character alone
WORDS = re.compile("[0-9a-z\u00c0-\u024f]+")


def count_terms(text: str) -> Counter:
    """``Counter(terms(text))``, made by regular expressions over the whole text, each word stemmed once
    (the index's hot loop: at 1,000 cases a language's pages hold 13 million characters)."""
    counts = Counter(PAIRS.findall(text))
    counts.update(SINGLES.findall(text))
    for word, n in Counter(WORDS.findall(text)).items():
        counts[stem(word)] += n
    return counts


def characters(text: str) -> list[str]:
    """The Chinese characters of normalized text, each once per occurrence (a title's single characters
    are indexed too, so that a one-character query finds the pages named with it)."""
    return [c for run in HAN_RUN.findall(text) for c in run]


def fnv1a(term: str) -> int:
    """FNV-1a (32 bits) over the term's UTF-16 code units: the browser computes the same from
    String.charCodeAt, to find the shard a term is in."""
    h = 0x811C9DC5
    data = term.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h
