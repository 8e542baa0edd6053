"""The search index: one per language, cut into small files so that a query fetches only what it needs.

For each language (<lang>/search/, the default language at search/):

- ``manifest.json``: the number of pages and shards, the phrases kept whole (data/search.yaml and the
  registers' names), the Traditional characters whose Simplified form is in the index, the home page
  and the site's name. About 10 kB; the worker reads it on the first query.
- ``t/<n>.json``: the shards of the inverted index. A term's shard is its FNV-1a hash modulo the number
  of shards (casegen.search_text.fnv1a); a term maps to ``[doc, weight, doc, weight, …]`` with each doc
  number the difference from the previous one. The number of shards grows with the index so that a
  shard stays near SHARD_BYTES: a query of four terms fetches four small files, whatever the library's size.
- ``d/<n>.json``: the pages, CHUNK to a file: ``[location, title, summary]``. Only the chunks of the
  results shown are fetched.
- ``facets.json``: for the results page, each facet value's label and pages (level, province, mechanism).

A weight is BM25F's: the term's count in the title, in the headings and in the text each saturated
(k1 1.2; the text's relative to the page's length, b 0.75) and weighted TITLE, HEADING, BODY, summed, times
the page's ``search.boost`` (front matter), times 100, rounded. The browser multiplies it by the term's
rarity (idf) and sums over the query's terms. The weight is stored doubled, plus one if the term is in
the page's title: the pages whose title holds the whole query come first.
"""

from __future__ import annotations

import html as html_module
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .memo import Kept
from .search_text import characters, count_terms, normalize, traditional_to_simplified

TITLE, HEADING, BODY = 6.0, 2.0, 1.0
K1, B = 1.2, 0.75
SHARD_BYTES = 12_000
CHUNK = 40
SUMMARY_CHARS = 160
PHRASE = "="  # a phrase term is the phrase after this mark; pairs of characters never contain it


@dataclass
class Page:
    """One page as the index sees it; the text is what a reader sees in the page's article."""

    location: str          # from the site's root: "", "cases/x/", "en/cases/x/"
    title: str
    headings: str
    body: str
    summary: str
    boost: float = 1.0


@dataclass
class Index:
    pages: list[Page]
    # each term's postings, terms in order: the pages it is on, each as the difference of its number from the
    # previous page's (the first: its number) followed by its weight there
    postings: dict[str, list[int]] = field(default_factory=dict)


_LEFT_OUT = re.compile(r"<(script|style|svg|template)\b.*?</\1\s*>|<a\b[^>]*\bheaderlink\b[^>]*>.*?</a\s*>|<!--.*?-->",
                       re.S | re.I)
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)
_BREAK = re.compile(r"<(?:p|li|td|th|br|div|tr|figcaption|dd|dt)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def article_text(html: str) -> tuple[str, str, str]:
    """The text of a page's rendered Markdown: (h1, headings, body). Left out: scripts, styles, SVG
    drawings, the headings' permalink marks, and a section whose heading has ``data-search-exclude``
    (Material's mark: the figure tables and charts of a case page) up to the next heading of its level or
    above. Regular expressions only: at 1,000 cases a comparison page holds 200,000 characters of text,
    the flagged-figures page a million, and a parser in Python took minutes."""
    html = _LEFT_OUT.sub("", html)
    h1: list[str] = []
    headings: list[str] = []
    body: list[str] = []
    position, excluded = 0, None  # excluded: the level of the heading of the section left out
    for match in _HEADING.finditer(html):
        if excluded is None:
            body.append(html[position:match.start()])
        level, attributes = int(match.group(1)), match.group(2)
        if excluded is not None and level <= excluded:
            excluded = None
        if excluded is None and "data-search-exclude" in attributes:
            excluded = level
        text = _TAG.sub("", match.group(3))
        if level == 1:
            h1.append(text)
        if excluded is None:
            headings.append(text)
            body.append(f"\n{text}\n")
        position = match.end()
    if excluded is None:
        body.append(html[position:])
    text = _TAG.sub("", _BREAK.sub("\n", "".join(body)))
    return (html_module.unescape(" ".join(h1)), html_module.unescape("\n".join(headings)),
            html_module.unescape(text))


SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def strip_search_attributes(html: str) -> str:
    """The page without Material's data-search-* marks, as Material's search plugin left it."""
    return SEARCH_ATTRIBUTES.sub("", html)


def page_from_html(location: str, title: str, html: str, description: str | None, boost: float) -> Page:
    """A page's index entry from its rendered content (MkDocs' ``on_page_content``)."""
    h1, headings, body = article_text(html)
    body = re.sub(r"[ \t\r\f\v]+", " ", body)
    body = re.sub(r"\s*\n\s*", "\n", body).strip()
    headings = " ".join(headings.split())
    title = " ".join(h1.split()) or title
    # the front matter's description is written HTML-escaped (the page templates escape what editors type)
    summary = html_module.unescape(description) if description else body.replace(title, "", 1)
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_CHARS:
        summary = _cut(summary, SUMMARY_CHARS)
    return Page(location, title, headings, body, summary, boost)


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters and "…": an English word is not cut in two ("qualifier k…"), the
    cut falls before it; Chinese, which has no spaces, is cut where the limit falls."""
    cut = text[:limit]
    latin = lambda c: c.isascii() and c.isalnum()  # noqa: E731
    if latin(text[limit]) and latin(cut[-1]) and " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


class Phrases:
    """Finds the listed phrases in normalized text, each occurrence of each phrase (叙永县 counts for
    叙永县 and for 叙永)."""

    def __init__(self, phrases: list[str]):
        self.phrases = sorted({p for p in phrases if len(p) >= 2}, key=lambda p: (-len(p), p))
        self.key = hash(tuple(self.phrases))  # what the counts kept for the process are counted with (_COUNTED)

    def count(self, text: str, pairs: Counter) -> Counter:
        """The phrases in ``text``; ``pairs``, the text's terms, rule out at once a phrase whose first two
        characters are not there (str.count for the others: a regular expression of every phrase tried at
        every character took most of the index's time)."""
        found: Counter = Counter()
        for phrase in self.phrases:
            if pairs[phrase[:2]] and (n := text.count(phrase)):
                found[phrase] = n
        return found


# A live preview builds the index again at each save, and at 1,000 cases counting every page's terms took most
# of its MkDocs rebuild; a page that did not change gives the same counts and weights. Kept for the process,
# keyed on everything they are made from; never changed once made.
_COUNTED = Kept(20_000)  # a few fields of both languages' pages at a few thousand cases
_WEIGHED = Kept(20_000)


_NORMALIZED = Kept(20_000)


def _normalized(text: str) -> str:
    """``normalize`` of a page's text, kept for the process: a preview's rebuild indexes every page again, and
    all but a few are the same text as before."""
    return _NORMALIZED.get((text,), lambda: normalize(text))


def _field_counts(text: str, phrases: Phrases, title: bool = False) -> Counter:
    return _COUNTED.get((phrases.key, title, text), lambda: _count_field(text, phrases, title))


def _count_field(text: str, phrases: Phrases, title: bool) -> Counter:
    counts = count_terms(text)
    counts.length = counts.total()  # the text's length in terms, for BM25 (phrases are extra)
    for phrase, n in phrases.count(text, counts).items():
        counts[PHRASE + phrase] += n
    if title:
        counts.update(characters(text))
    return counts


def _length(counts: Counter) -> int:
    """The number of terms counted, phrases left out (see _field_counts)."""
    return counts.length


def page_weights(page: Page, phrases: Phrases, average_length: float, body: Counter | None = None) -> dict[str, int]:
    """A page's terms and their weights (see the module's docstring): each field's count saturates on its
    own (BM25F), so that a word in the title outweighs any number of mentions in the text, and the text's
    count is taken relative to the page's length. ``body``: the text's counts, if already made."""
    return _WEIGHED.get((phrases.key, average_length, page.title, page.headings, page.body, page.boost),
                 lambda: _weigh(page, phrases, average_length, body))


def _weigh(page: Page, phrases: Phrases, average_length: float, body: Counter | None) -> dict[str, int]:
    title = _field_counts(normalize(page.title), phrases, title=True)
    headings = _field_counts(normalize(page.headings), phrases)
    body = _field_counts(normalize(page.body), phrases) if body is None else body
    length = _length(body)
    length_norm = K1 * (1 - B + B * max(1, length) / average_length)
    tf = {term: BODY * n / (n + length_norm) for term, n in body.items()}
    for counts, weight in ((title, TITLE), (headings, HEADING)):
        for term, n in counts.items():
            tf[term] = tf.get(term, 0.0) + weight * n / (n + K1)
    scale = 100 * page.boost
    # the lowest bit says whether the term is in the title: a query all in a page's title ranks it first
    return {term: 2 * max(1, round(scale * value)) + (term in title) for term, value in tf.items()}


def build_index(pages: list[Page], phrases: Phrases) -> Index:
    """The inverted index of ``pages`` (in the order given, which is the pages' numbering)."""
    import numpy as np

    counted: dict[str, Counter] = {}  # pages with the same text (a library's scaled samples) counted once
    bodies = [counted.get(p.body) or counted.setdefault(p.body, _field_counts(_normalized(p.body), phrases))
              for p in pages]
    lengths = [_length(body) for body in bodies]
    # A whole number of terms: an edit seldom moves it, so the live preview weighs again only the pages it
    # rendered (the weights are kept by it); a share of a term in a length of hundreds changes no ranking.
    average = float(max(1, round(sum(lengths) / max(1, len(lengths)))))
    weighed = [_weight_arrays(page, phrases, average, body) for page, body in zip(pages, bodies)]
    if not weighed:
        return Index(pages)
    # All the pages' (term, weight) pairs at once, in arrays: at 1,000 cases they are a million and a half,
    # which a loop of Python took seconds over at each rebuild of the live preview.
    terms = np.concatenate([t for t, _ in weighed])
    weights = np.concatenate([w for _, w in weighed])
    numbers = np.repeat(np.arange(len(pages), dtype=np.int64), [len(t) for t, _ in weighed])
    order = np.argsort(terms, kind="stable")  # by term; within a term, by page number (the order they came in)
    terms, weights, numbers = terms[order], weights[order], numbers[order]
    starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]]) if len(terms) else np.empty(0, np.int64)
    deltas = numbers.copy()
    deltas[1:] -= numbers[:-1]
    deltas[starts] = numbers[starts]
    pairs = np.empty(2 * len(terms), dtype=np.int64)
    pairs[0::2], pairs[1::2] = deltas, weights
    flat = pairs.tolist()
    bounds = (2 * starts).tolist() + [len(flat)]
    names = [_TERMS[i] for i in terms[starts].tolist()]
    index = Index(pages)
    index.postings = {name: flat[a:b] for name, a, b in sorted(zip(names, bounds, bounds[1:]))}
    return index


# Terms as numbers for the arrays of build_index, for the process (a preview's rebuilds meet the same terms)
_TERM_NUMBER: dict[str, int] = {}
_TERMS: list[str] = []
_ARRAYS = Kept(20_000)


def _weight_arrays(page: Page, phrases: Phrases, average_length: float, body: Counter):
    """``page_weights`` as two arrays, its terms' numbers and their weights; kept as the weights are."""
    return _ARRAYS.get((phrases.key, average_length, page.title, page.headings, page.body, page.boost),
                       lambda: _as_arrays(page_weights(page, phrases, average_length, body)))


def _as_arrays(weights: dict[str, int]):
    import numpy as np

    numbers = []
    for term in weights:
        number = _TERM_NUMBER.get(term)
        if number is None:
            number = _TERM_NUMBER[term] = len(_TERMS)
            _TERMS.append(term)
        numbers.append(number)
    return np.array(numbers, dtype=np.int64), np.fromiter(weights.values(), dtype=np.int64, count=len(weights))


def _dump(value) -> str:
    """Compact JSON. Titles and summaries are text as typed: < > & are written as JSON escapes, so that the
    files hold no markup even read as HTML (the worker escapes them again when it shows them)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def shard_count(index: Index) -> int:
    """A power of two, so that the shards average about SHARD_BYTES."""
    size = sum(len(t.encode()) + 4 * len(p) for t, p in index.postings.items())
    n = 1
    while size / n > SHARD_BYTES:
        n *= 2
    return n


def files_of(index: Index, phrases: Phrases, home: str, site_name: str, facets: dict, all_results: str) -> dict[str, str]:
    """Every file of one language's index, by its path under search/."""
    from .search_text import fnv1a

    n = shard_count(index)
    shards: list[dict[str, list[int]]] = [{} for _ in range(n)]
    for term, posting in index.postings.items():
        shards[fnv1a(term) % n][term] = posting
    out = {f"t/{i}.json": _dump(shard) for i, shard in enumerate(shards)}
    for start in range(0, len(index.pages), CHUNK):
        chunk = [[p.location, p.title, p.summary] for p in index.pages[start:start + CHUNK]]
        out[f"d/{start // CHUNK}.json"] = _dump(chunk)
    # Only the Traditional characters whose Simplified form the index holds: any other finds nothing anyway.
    indexed = {c for t in index.postings for c in t}
    table = {t: s for t, s in traditional_to_simplified().items() if s in indexed}
    locations = [p.location for p in index.pages]
    manifest = {
        "pages": len(index.pages), "shards": n, "chunk": CHUNK, "phrases": phrases.phrases,
        "traditional": "".join(table), "simplified": "".join(table.values()),
        "home": locations.index(home) if home in locations else -1, "site": normalize(site_name),
        "all": all_results,
    }
    out["manifest.json"] = _dump(manifest)
    out["facets.json"] = _dump(facet_file(facets, locations))
    return out


def facet_file(facets: dict, locations: list[str]) -> dict:
    """``{facet: [[label, [page numbers]], …]}`` from the build's facets by location, values sorted by label."""
    number = {loc: i for i, loc in enumerate(locations)}
    grouped: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for location, values in facets.items():
        if location not in number:
            continue
        for facet, labels in values.items():
            for label in labels:
                grouped[facet][label].append(number[location])
    return {facet: [[label, sorted(docs)] for label, docs in sorted(by_label.items())]
            for facet, by_label in sorted(grouped.items())}


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Write the index under ``folder``, touching only files whose bytes changed (a live preview's
    rebuild) and removing shards left from a larger index."""
    for sub in ("t", "d"):
        if (folder / sub).is_dir():
            for old in (folder / sub).glob("*.json"):
                if f"{sub}/{old.name}" not in files:
                    old.unlink()
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


# Material's search_index.json: its page script reads it and hands its config to the worker, which
# ignores it (each language's worker reads its own manifest). Material expects these keys.
MATERIAL_STUB = {"config": {"lang": ["zh", "en"], "separator": "[\\s]+", "pipeline": [], "fields": {}}, "docs": []}


def write_material_stub(site_dir: Path) -> None:
    path = site_dir / "search" / "search_index.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump(MATERIAL_STUB), encoding="utf-8")
