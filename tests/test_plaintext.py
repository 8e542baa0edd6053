"""casegen.plaintext: the inline pass tries a pattern only on text it could match, and the HTML stays the same.

Every check renders the same Markdown twice with the site's own extensions (read from mkdocs.yml, as the
property tests do), once without the extension, and compares the HTML byte for byte.
"""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.treeprocessors import InlineProcessor

from casegen import plaintext
from test_properties import EXTENSION_CONFIGS, EXTENSIONS, SETTINGS

WITHOUT = [name for name in EXTENSIONS if name != "casegen.plaintext"]


def html_of(source: str, *, marked: bool, extra: list | None = None) -> str:
    extensions = WITHOUT + (["casegen.plaintext"] if marked else []) + (extra or [])
    return markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS).convert(source)


def test_the_site_renders_its_markdown_with_it():
    assert "casegen.plaintext" in EXTENSIONS


# Each of Python-Markdown's inline patterns at work, and text beside them that has none.
SAMPLES = [
    "贫困发生率 21.5%，截至2015年12月。",
    "| 指标 | 数值 |\n|---|---:|\n| 转移就业 | 9.57万人 [⚠ 存疑](#flag) |\n| 培训 | 1684人 |\n",
    "a `code` span, `` `ticks` `` and a \\`escaped\\` one",
    "\\*not emphasis\\* and \\[not a link\\] and 1\\. not a list",
    "*em* **strong** ***both*** _em_ __strong__ a * b _ c snake_case_word",
    "[a link](../x.md#y \"title\") then ![an image](i.png) then [ref][r] and [r]\n\n[r]: https://example.org",
    "<https://example.org> and <someone@example.org> and <span lang=\"zh\">中文</span> x < y & z",
    "&amp; &#20013; &#x4e2d; &copy; and a bare & and AT&T",
    "a line ending in two spaces  \nand the next one",
    "<div class=\"cg\" markdown>\n\n| a | b |\n|---|---|\n| [x](y.md) | plain |\n\n</div>\n\ntail text",
    "!!! note \"标题\"\n    plain text in an admonition\n\n??? info \"more\"\n    **bold** inside",
    "```python\nx = [1, 2]  # * _ ` < &\n```\n\nafter the fence",
    "## 关键数据 { #key-figures }\n\n- item one\n- item [two](t.md)\n- 3\\. item\n\n1. first\n2. second",
    "text <!-- a comment --> more, and a <br> tag, and raw\n\n<p>block html with *stars*</p>\n\nafter",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_the_html_is_the_same_with_and_without_it(source):
    assert html_of(source, marked=True) == html_of(source, marked=False)


@given(st.text(alphabet=st.sampled_from(list("ab 中文.,-*_`\\[]()!<>&#;:/@|\n  \t12")), max_size=120))
@SETTINGS
def test_any_text_renders_the_same_with_and_without_it(source):
    assert html_of(source, marked=True) == html_of(source, marked=False)


def tried(source: str, *, marked: bool, extra: list | None = None) -> list[str]:
    """The names of the inline patterns the inline pass tried on ``source``, in order."""
    extensions = WITHOUT + (["casegen.plaintext"] if marked else []) + (extra or [])
    md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
    names = {id(md.inlinePatterns[item.name]): item.name for item in md.inlinePatterns._priority}
    inline = md.treeprocessors["inline"]
    apply = inline._InlineProcessor__applyPattern
    seen: list[str] = []

    def counting(pattern, *args):
        seen.append(names[id(pattern)])
        return apply(pattern, *args)

    inline._InlineProcessor__applyPattern = counting
    md.convert(source)
    return seen


def test_it_tries_a_pattern_only_where_the_text_holds_what_it_needs():
    """The extension does something: a cell with nothing inline is passed over, a link tries the link patterns
    only, where the stock pass tries every pattern on every cell."""
    assert plaintext.AVAILABLE
    stock = tried("| a |\n|---|\n| 1684人 |\n", marked=False)
    assert "link" in stock and "em_strong" in stock and len(stock) >= 2 * 14  # the header cell and the other
    assert tried("| a |\n|---|\n| 1684人 |\n", marked=True) == []
    links = tried("| a |\n|---|\n| [来源](s.md) |\n", marked=True)
    assert links and set(links) <= {"reference", "link", "short_reference", "image_link", "image_reference",
                                    "short_image_ref"}, links
    assert tried("a *b* c  \nd", marked=True) == ["linebreak", "em_strong"]  # no retry once its start is gone


def test_a_pattern_it_does_not_know_is_tried_on_every_text():
    """An extension's own inline pattern could start from any character: it is tried as the stock pass would."""

    class Percent(markdown.Extension):  # %%text%% becomes <mark>
        def extendMarkdown(self, md):
            md.inlinePatterns.register(SimpleTagInlineProcessor(r"()%%(.+?)%%", "mark"), "percent_mark", 75)

    source = "| a | b |\n|---|---|\n| %%marked%% | 1684人 |\n"
    assert "<mark>marked</mark>" in html_of(source, marked=True, extra=[Percent()])
    assert html_of(source, marked=True, extra=[Percent()]) == html_of(source, marked=False, extra=[Percent()])
    # each of the four cells, and once more after its match, as the stock pass does
    assert tried(source, marked=True, extra=[Percent()]).count("percent_mark") == 5


def test_without_the_loop_it_replaces_the_stock_pass_runs(monkeypatch):
    """A Python-Markdown without the private loop this extension replaces, or an inline pass another extension
    put in place: the extension leaves the pass as it is."""
    monkeypatch.setattr(plaintext, "AVAILABLE", False)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    assert type(md.treeprocessors["inline"]) is InlineProcessor

    monkeypatch.setattr(plaintext, "AVAILABLE", True)

    class Own(InlineProcessor):
        pass

    class OwnPass(markdown.Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(Own(md), "inline", 20)

    md = markdown.Markdown(extensions=WITHOUT + [OwnPass(), "casegen.plaintext"], extension_configs=EXTENSION_CONFIGS)
    assert type(md.treeprocessors["inline"]) is Own


def test_every_generated_page_of_the_library_renders_the_same(built_site):
    """The real pages, both languages: the case pages, data pages, comparisons, flags, gallery."""
    pages = sorted((built_site.root / "build" / "docs").rglob("*.md"))
    assert len(pages) > 100
    for path in pages:
        source = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # the front matter is MkDocs'
        assert html_of(source, marked=True) == html_of(source, marked=False), path.relative_to(built_site.root)
