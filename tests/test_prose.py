"""Editor prose is paragraphs and nothing else.

The narrative fields (summary, background, measures, results, lessons, a mechanism's description) may hold
paragraphs, separated by blank lines; the other text fields (trainer-kit items, notes, locators, flag
explanations, a source's date notes) are one run of text where a template puts them. Whatever block
Markdown an editor types there, of Markdown, pymdownx or Material (fences, indented code, details,
admonitions, content tabs, snippets, attribute lists, raw HTML, footnotes, tables, headings, rules, quotes,
lists, link definitions, abbreviations), must come out as the text typed: never a code block, a box, a
heading, a table or a new section of the page, in either language, nor in the search index.

1. text.prose and text.escape at the start of a line, rendered with the site's own Markdown (see
   test_properties.py): paragraphs only, and the text as typed.
2. One real build of a library whose prose fields hold every construct, checked on the built pages
   (Chinese and English), the search index and the downloads (formulas neutralised in the CSV files).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from casegen import storynumbers, text
from casegen.build import build, copy_site_files
from conftest import MINIMAL, ROOT
from test_properties import SETTINGS, editor_text, shape, shown

# name -> what an editor might type. Each carries a marker word (qz…) where its content would go, so the
# tests can see where that content ended up.
CONSTRUCTS = {
    "tilde fence": "~~~\nqzfence1\n~~~",
    "tilde fence with a language": "~~~python\nqzfence2\n~~~",
    "backtick fence": "```\nqzfence3\n```",
    "long backtick fence": "`````text\nqzfence4\n`````",
    "a fence closed early": "~~~\n~~~\n\n## qzinjected\n\nqzafter",
    "a fence across paragraphs": "~~~\n\nqzinsidefence\n\n~~~",
    "indented code": "    qzindented",
    "tab-indented code": "\tqztabbed",
    "details": '??? note "qzdetails"\n    qzdetailsbody',
    "open details": "???+ tip\n    qzopendetails",
    "bare details": "??? note\n\n    qzbaredetails",
    "admonition": '!!! warning "qzadmonition"\n    qzadmonitionbody',
    "bare admonition": "!!! danger\n\n    qzbareadmonition",
    "content tab": '=== "qztab"\n    qztabbody',
    "snippet": '--8<-- "README.md"',
    "attribute list": "qzattr\n{: .cls #qzid }",
    "attribute list alone": "{ #qzid2 .cls }",
    "md_in_html": "<div markdown>\n*qzmdinhtml*\n</div>",
    "raw HTML block": "<details><summary>qzsummary</summary>qzraw</details>",
    "footnote": "qzfootref[^1]\n\n[^1]: qzfootnote",
    "table": "| qza | qzb |\n|---|---|\n| qz1 | qz2 |",
    "heading": "# qzheading",
    "h2": "## qzh2",
    "setext heading": "qzsetext\n========",
    "setext h2": "qzsetext2\n---------",
    "rule": "---",
    "star rule": "* * *",
    "underscore rule": "___",
    "block quote": "> qzquote",
    "dash list": "- qzdash",
    "star list": "* qzstar",
    "plus list": "+ qzplus",
    "numbered list": "1. qzone\n2. qztwo",
    "parenthesis list": "1) qzparen",
    "link reference definition": "[qzref]: http://example.com/ref\n\nqzrefuse [qzref]",
    "abbreviation": "*[HTML]: qzabbr",
    "definition list": "qzterm\n: qzdefinition",
    "pymdownx block": "/// note\nqzblock\n///",
    "maths block": "$$\nqzmaths\n$$",
    "html comment": "<!-- qzcomment -->",
    "table of contents": "[TOC]",
}
BLOCK = "\n\n".join(CONSTRUCTS.values())
ZH_BLOCK = "中文的第一段。\n\n" + BLOCK
# A trainer-kit item is one list item: it starts with a construct, which a list item would take as its own.
KIT_ITEM = {"zh": CONSTRUCTS["bare details"] + "\n\n" + ZH_BLOCK, "en": CONSTRUCTS["bare details"] + "\n\n" + BLOCK}
KIT_SHORT = {"zh": "??? note", "en": "??? tip"}  # alone, a details box in a list item

# What must be visible, as typed, on the page (and in the search index).
LITERALS = ["~~~", "```", '??? note "qzdetails"', "???+ tip", '!!! warning "qzadmonition"', "!!! danger",
            '=== "qztab"', '--8<-- "README.md"', "{: .cls #qzid }", "<div markdown>", "[^1]: qzfootnote",
            "| qza | qzb |", "# qzheading", "## qzh2", "qzsetext ========", "---", "* * *", "___", "> qzquote",
            "- qzdash", "* qzstar", "+ qzplus", "1. qzone", "1) qzparen", "[qzref]: http://example.com/ref",
            "*[HTML]: qzabbr", ": qzdefinition", "/// note", "$$", "<!-- qzcomment -->", "[TOC]"]

PROSE_FIELDS = ("summary", "background", "measures", "results", "lessons")
KIT_FIELDS = ("objectives", "questions", "takeaways")
FORMULA = '=HYPERLINK("http://x","y")'
LOCATOR = '??? note "qzlocator"\n\n~~~\n\n# qzlocatorheading'  # a locator is short (at most 250 characters)
LABELS = yaml.safe_load((ROOT / "casegen/templates/labels.yaml").read_text(encoding="utf-8"))


def inert(value: str) -> str:
    """What a reader sees of prose: its paragraphs' text, whitespace runs as one space."""
    return shown(" ".join(text.paragraphs(value)))


# --- 1. the escaping functions at the start of a line ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_each_construct_is_one_or_more_plain_paragraphs(name):
    value = CONSTRUCTS[name]
    page = shape(text.prose(value) + "\n")
    assert {tag for tag, *_ in page.tags} <= {"p", "/p"}, (name, page.tags)
    assert shown("".join(page.text)) == inert(value)


def test_the_whole_block_is_paragraphs_in_the_order_typed():
    page = shape(text.prose(ZH_BLOCK) + "\n")
    assert page.tags == [("p", ()), ("/p",)] * len(text.paragraphs(ZH_BLOCK))
    assert shown("".join(page.text)) == inert(ZH_BLOCK)


@SETTINGS
@given(editor_text)
@example("~~~")
@example("??? note\n    x")
@example("a\n\n    code\n\n: d")
def test_any_prose_is_paragraphs_of_the_text_typed(value):
    page = shape(text.prose(value) + "\n")
    assert {tag for tag, *_ in page.tags} <= {"p", "/p"}, page.tags
    assert shown("".join(page.text)) == shown(value)


# Where a template puts escape() at the start of a line (or of a list item's text): each must stay that
# one element, holding the text as typed.
LINE_START_PLACES = {"paragraph": "{}\n", "numbered item": "1. {}\n", "list item": "- {}\n",
                     "admonition body": '!!! warning "t"\n\n    {}\n'}


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_escaped_text_at_the_start_of_a_line_stays_text(name):
    value = CONSTRUCTS[name]
    for place, template in LINE_START_PLACES.items():
        plain = shape(template.format("x"))
        page = shape(template.format(text.escape(value)))
        assert page.tags == plain.tags, (name, place, page.tags)
        assert shown(value) in shown("".join(page.text)), (name, place)


def test_escape_keeps_one_space_at_its_edges_and_no_indentation():
    assert text.escape(", ") == "&#44; " and text.escape(" as of") == " as of"  # labels keep their spaces
    assert text.escape("    code") == " code" and text.escape("\t~~~") == " &#126;&#126;&#126;"
    assert text.escape("x  ") == "x "  # two spaces at the end of a line would be a line break
    assert text.prose("  ~~~  \n\n\n  x") == "&#126;&#126;&#126;\n\nx"


# --- 2. a real build ------------------------------------------------------------------------------------------

def _figures_csv(original: str) -> str:
    """The minimal figures with the constructs in a note, a locator and a flag, and a formula in another."""
    rows = list(csv.reader(io.StringIO(original)))
    header = rows[0]
    column = {name: i for i, name in enumerate(header)}
    first, second = rows[1], rows[4]  # workers (a total) and funds
    first[column["note_zh"]], first[column["note_en"]] = ZH_BLOCK, BLOCK
    first[column["locator"]] = LOCATOR
    second[column["flag"]] = "ambiguous"
    second[column["flag_zh"]], second[column["flag_en"]] = ZH_BLOCK, BLOCK
    second[column["locator"]] = FORMULA
    second[column["note_zh"]], second[column["note_en"]] = "-cmd", "@SUM(A1)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def prose_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("prose") / "project"
    shutil.copytree(MINIMAL, root)
    copy_site_files(ROOT, root)
    case_file = root / "data/cases/east-west/case.yaml"
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    for field in PROSE_FIELDS:
        case[field] = {"zh": ZH_BLOCK, "en": BLOCK}
    for field in KIT_FIELDS:
        case[field] = [dict(KIT_ITEM), dict(KIT_SHORT)]  # copies: the loader refuses YAML aliases
    # the digits of the constructs (1. qzone, [^1] …) are no figures of the case
    digits = {n.written for value in (ZH_BLOCK, BLOCK, *KIT_ITEM.values()) for lang in ("zh", "en")
              for n in storynumbers.find(value, lang) if not n.exempt}
    case["not_figures"] = [{"number": d, "reason": "a digit of a Markdown construct"} for d in sorted(digits)]
    case_file.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    mechanisms_file = root / "data/mechanisms.yaml"
    mechanisms = yaml.safe_load(mechanisms_file.read_text(encoding="utf-8"))
    mechanisms[0]["description"] = {"zh": ZH_BLOCK, "en": BLOCK}
    mechanisms_file.write_text(yaml.safe_dump(mechanisms, allow_unicode=True), encoding="utf-8")
    sources_file = root / "data/sources.yaml"
    sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    sources[0]["date_note"] = {"zh": ZH_BLOCK, "en": BLOCK}
    sources[0]["this_year"] = {"zh": ZH_BLOCK, "en": BLOCK}
    sources_file.write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    figures_file = root / "data/cases/east-west/figures.csv"
    figures_file.write_text(_figures_csv(figures_file.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEGEN_NO_PDF", "1")  # the handouts print these very pages
        build(root)
    return root / "site"


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def elements(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.elements()

    def text(self) -> str:
        """The text a reader sees (Material's ¶ permalinks left out), whitespace runs as one space."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif "headerlink" not in child.classes:
                parts.append(child.text())
        return " ".join("".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Tree(HTMLParser):
    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {}, None)
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, dict(attrs), self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def article(site: Path, rel: str) -> Node:
    tree = Tree((site / rel).read_text(encoding="utf-8"))
    return next(n for n in tree.root.elements() if n.tag == "article")


def section(body: Node, heading: str, levels=("h2",)) -> list[Node]:
    """The elements after the heading whose text is ``heading``, up to the next heading of ``levels`` or above."""
    children = [c for c in body.children if isinstance(c, Node)]
    start = next(i for i, c in enumerate(children) if c.tag in levels and c.text() == heading)
    stop = ("h1", "h2", "h3")[:("h1", "h2", "h3").index(levels[-1]) + 1]
    out = []
    for node in children[start + 1:]:
        if node.tag in stop:
            break
        out.append(node)
    return out


CASE_PAGES = {"zh": "cases/east-west/index.html", "en": "en/cases/east-west/index.html"}
DATA_PAGES = {"zh": "cases/east-west/data/index.html", "en": "en/cases/east-west/data/index.html"}
MECHANISM_PAGES = {"zh": "mechanisms/job-fairs/index.html", "en": "en/mechanisms/job-fairs/index.html"}
SOURCES_PAGES = {"zh": "sources/index.html", "en": "en/sources/index.html"}


def block(lang: str) -> str:
    return ZH_BLOCK if lang == "zh" else BLOCK


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prose_sections_are_paragraphs_of_the_text_typed(prose_site, lang):
    body = article(prose_site, CASE_PAGES[lang])
    expected = text.paragraphs(block(lang))
    for field in PROSE_FIELDS:
        nodes = section(body, LABELS[field][lang])
        if field == "summary":  # the summary leads the page; the case's card follows it, ours, not the editor's
            assert "cg-card" in nodes[-1].classes, [n.tag for n in nodes][-3:]
            nodes = nodes[:-1]
        assert [n.tag for n in nodes] == ["p"] * len(expected), (field, [n.tag for n in nodes][:12])
        assert not [e.tag for n in nodes for e in n.elements()], field  # no emphasis, code, link, line break
        assert " ".join(n.text() for n in nodes) == inert(block(lang)), field


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_trainer_kit_items_are_one_list_item_each_of_the_text_typed(prose_site, lang):
    body = article(prose_site, CASE_PAGES[lang])
    for field in KIT_FIELDS:
        nodes = section(body, LABELS[field][lang], levels=("h2", "h3"))
        assert [n.tag for n in nodes] == ["ol"], (field, [n.tag for n in nodes])
        items = [c for c in nodes[0].children if isinstance(c, Node)]
        assert [i.tag for i in items] == ["li", "li"] and not [e for i in items for e in i.elements()], field
        assert [i.text() for i in items] == [shown(KIT_ITEM[lang]), KIT_SHORT[lang]], field


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_mechanism_description_is_paragraphs_of_the_text_typed(prose_site, lang):
    body = article(prose_site, MECHANISM_PAGES[lang])
    children = [c for c in body.children if isinstance(c, Node)]
    h1 = next(i for i, c in enumerate(children) if c.tag == "h1")
    nodes = []
    for node in children[h1 + 1:]:
        if node.tag == "h2":
            break
        nodes.append(node)
    assert [n.tag for n in nodes] == ["p"] * len(text.paragraphs(block(lang)))
    assert not [e.tag for n in nodes for e in n.elements()]
    assert " ".join(n.text() for n in nodes) == inert(block(lang))


def _structure_from_text(body: Node, data_table: str, flag_note: tuple[str, ...]) -> list[str]:
    """Elements on a page that only editor text could have made."""
    found = []
    for node in body.elements():
        classes, where = node.classes, f"<{node.tag} class={node.attrs.get('class')!r}>"
        inside_citation = any("cg-cite" in a.classes for a in [node, *node.ancestors()])
        if node.tag == "pre" and not inside_citation or node.tag == "code" and "qz" in node.text():
            found.append(where)  # the sources page shows each source's id as `code` itself
        if node.tag in ("blockquote", "hr", "dl", "abbr", "sup", "del", "mark", "math"):
            found.append(where)
        if classes & {"footnote", "footnote-ref", "tabbed-set", "tabbed-content", "cls"} or \
                str(node.attrs.get("id", "")).startswith("qz"):
            found.append(where)
        if node.tag == "details" and not node.text().startswith(data_table):
            found.append(where + node.text()[:40])
        if "admonition" in classes and not ("warning" in classes and node.text().startswith(flag_note)):
            found.append(where + node.text()[:40])
        if re.fullmatch(r"h[1-6]|th|summary|caption|figcaption", node.tag) and "qz" in node.text():
            found.append(where + node.text()[:40])
        if node.tag == "li" and re.match(r"qz(dash|star|plus|one|two|paren)", node.text()):
            found.append(where + node.text()[:40])
        if node.tag == "table" and "qza" in " ".join(th.text() for th in node.elements() if th.tag == "th"):
            found.append(where)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_gets_structure_from_editor_text(prose_site, lang):
    pages = [CASE_PAGES[lang], MECHANISM_PAGES[lang], SOURCES_PAGES[lang],
             "cases/index.html" if lang == "zh" else "en/cases/index.html"]
    for rel in pages:
        body = article(prose_site, rel)
        # ours: the case page's pointer to the contradictions (its title is the label "flags")
        assert not _structure_from_text(body, LABELS["data_table"][lang],
                                        (LABELS["flag_note"][lang], LABELS["flags"][lang])), rel
        if rel.endswith("cases/index.html"):
            continue  # the case list is a table of facts; it prints no summary
        seen = body.text()
        missing = [literal for literal in LITERALS if literal not in seen]
        assert not missing, (rel, missing)
    # the flag explanation and the note, as typed, on the data page: in its list of contradictions and its table
    data = article(prose_site, DATA_PAGES[lang])
    assert not _structure_from_text(data, LABELS["data_table"][lang], (LABELS["flag_note"][lang],))
    items = [n.text() for n in data.elements() if n.tag == "li"]
    assert any(shown(block(lang)) in item for item in items)
    cells = [n.text() for n in data.elements() if n.tag == "td"]
    assert any(shown(block(lang)) in cell for cell in cells)
    if lang == "en":  # a Chinese page says the locator's English words in Chinese (casegen.locators)
        assert any(shown(LOCATOR) in cell for cell in cells)


def test_the_search_index_has_the_prose_as_text(prose_site):
    """Each language's index (casegen.search_index) finds every word of the prose on its case page, and holds
    the pages whole: no entry made of a heading typed in the text."""
    from casegen.search_text import count_terms, fnv1a, normalize

    for prefix, lang in (("", "zh"), ("en/", "en")):
        folder = prose_site / prefix / "search"
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        pages = [p for f in sorted((folder / "d").glob("*.json"), key=lambda f: int(f.stem))
                 for p in json.loads(f.read_text(encoding="utf-8"))]
        number = {location: i for i, (location, _, _) in enumerate(pages)}
        case, mechanism = f"{prefix}cases/east-west/", f"{prefix}mechanisms/job-fairs/"
        assert case in number and mechanism in number, sorted(number)
        assert not [title for _, title, _ in pages if "qz" in title]  # no entry from a heading in the text
        for term in count_terms(normalize(inert(block(lang)))):
            shard = json.loads((folder / "t" / f"{fnv1a(term) % manifest['shards']}.json").read_text(encoding="utf-8"))
            assert term in shard, (lang, term)
            docs, doc = set(), 0
            for step in shard[term][::2]:
                doc += step
                docs.add(doc)
            assert number[case] in docs, (lang, term)


def test_the_site_downloads_neutralise_formulas_and_keep_the_data(prose_site):
    csvs = sorted(prose_site.rglob("*.csv"))
    assert {"figures.csv", "east-west.csv"} <= {p.name for p in csvs}
    for path in csvs:
        header, *rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        for row in rows:
            for column, cell in zip(header, row):
                if column != "value":
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, column, cell[:40])
    rows = list(csv.DictReader(io.StringIO((prose_site / "downloads/figures.csv").read_text(encoding="utf-8-sig"))))
    assert "'" + FORMULA in [r["locator"] for r in rows]
    assert BLOCK in [r["note_en"] for r in rows]  # the text as typed: data, not Markdown
    doc = json.loads((prose_site / "cases/east-west/downloads/east-west.json").read_text(encoding="utf-8"))
    assert FORMULA in [f["locator"] for f in doc["figures"]] and BLOCK in [f["note_en"] for f in doc["figures"]]


# --- a number keeps its unit on one line -------------------------------------------------------------------

def test_a_chinese_number_and_its_unit_are_kept_on_one_line_around_their_link():
    value = "两组相差3353.5元，其中6972人在2019年外出；7530+人"
    spans = [(value.index("6972"), value.index("6972") + 4, "fig-5"), *text.kept_together(value)]
    out = str(text.linked(value, spans, "data.md"))
    assert re.search(r'<span class="cg-nw">3353\\?\.5元</span>', out), out  # "3353." may be escaped: a list's start
    assert '<span class="cg-nw">[6972](data.md#fig-5)人</span>' in out
    assert '<span class="cg-nw">2019年</span>' in out
    assert "7530+" in out and '<span class="cg-nw">7530' not in out  # not a number with a unit
    # a kept stretch never cuts through a link: the link wins
    cut = [(value.index("6972") + 2, value.index("6972") + 6, "fig-5"), *text.kept_together(value)]
    assert "[72人在](data.md#fig-5)" in str(text.linked(value, cut, "data.md"))


@given(st.text(alphabet="0123456789.,万亿多余人元年月名个 *_[]()<>&!#-`\\|:", max_size=40))
@SETTINGS
@example("1. 2万人")
@example("[3人](x)")
def test_kept_stretches_hold_the_text_as_typed_and_no_other_markup(value):
    page = shape(text.linked(value, text.kept_together(value), "data.md") + "\n")
    assert {tag for tag, *_ in page.tags} <= {"p", "/p", "span", "/span"}, page.tags
    assert shown("".join(page.text)) == shown(value)
