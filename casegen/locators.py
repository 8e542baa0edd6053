"""Locators and other source-bound text in the page's language.

Editors write a figure's locator with a few English words around the source's own Chinese ("§(一) 创新开拓就业岗位,
para 1", "表4-1, row 技能培训班, column 惠及人数"). A Chinese page says the same in Chinese with Chinese punctuation
("§（一）创新开拓就业岗位，第1段", "表4-1“技能培训班”行“惠及人数”列"); an English page keeps the English words and
marks the source's Chinese as Chinese (``<span lang="zh">``), so that screen readers read it so and the language
rule of the pages (tests/test_pages.py) can tell a quoted source from a lapse. The words are in
templates/locator_words.yaml.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from markupsafe import Markup

from . import text

WORDS = Path(__file__).parent / "templates" / "locator_words.yaml"

CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—"
_CJK_CHAR = f"[{CJK}]"
# A stretch of Chinese: from a CJK character to the last one before Latin text, digits and signs in between.
_CJK_RUN = re.compile(f"(?:[0-9][0-9.]*)?{_CJK_CHAR}(?:[{CJK}0-9.,%~/:+\\- ]*{_CJK_CHAR})?")


@functools.lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern, str]]:
    """The phrases as patterns, longest first; a phrase's ``{n}`` is a number, put where the Chinese has it."""
    words = yaml.safe_load(WORDS.read_text(encoding="utf-8"))["phrases"]
    out = []
    for english, chinese in sorted(words.items(), key=lambda kv: -len(kv[0])):
        if ("{n}" in english) != ("{n}" in chinese):
            raise ValueError(f"{WORDS.name}: phrase {english!r}: {{n}} must be on both sides or neither")
        pattern = re.escape(english).replace(re.escape("{n}"), r"(\d+)")
        out.append((re.compile(pattern), chinese.replace("\\", "\\\\").replace("{n}", r"\g<1>")))
    return out


# Structure words, in this order; NAME is a row, column or block name, up to the next comma, bracket or end.
_NAME = r"([^,;()（）]+?)(?=\s*(?:,|;|\(|（|$))"
_RULES = [
    (re.compile(r"\blead para\b"), "导语段"),
    (re.compile(r"\blast para\b"), "末段"),
    (re.compile(r"\blast sentence\b"), "末句"),
    (re.compile(r"\bpara on " + _NAME), r"关于\1的段落"),
    (re.compile(r"\bpara after " + _NAME), r"\1之后的段落"),
    (re.compile(r"\bsentence on " + _NAME), r"关于\1的句子"),
    (re.compile(r"\bpara (\d+)"), r"第\1段"),
    (re.compile(r"\b(?:sentence|sent\.) (\d+)"), r"第\1句"),
    (re.compile(r"\brow ?(\d+)\b"), r"第\1行"),
    (re.compile(r"\brow " + _NAME), r"“\1”行"),
    (re.compile(r"\bcolumn " + _NAME), r"“\1”列"),
    (re.compile(r"\bblock " + _NAME), r"“\1”部分"),
]


def zh(locator: str) -> str:
    """A locator as a Chinese page prints it (plain text, escaped where it is printed)."""
    out = locator
    for english, chinese in _phrases():
        out = english.sub(chinese, out)
    for pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    return chinese_punctuation(out)


def chinese_punctuation(value: str) -> str:
    """ASCII punctuation of a Chinese text as Chinese punctuation: ， ； ： （ ） and “ ”."""
    out = re.sub(r'"([^"]*)"', r"“\1”", value)
    out = re.sub(r"\s*,\s*", "，", out)
    out = re.sub(r"\s*;\s*", "；", out)
    out = re.sub(r"(?<=[^\x00-\x7f]):\s*|:\s*(?=[^\x00-\x7f])", "：", out)
    out = re.sub(r"\s*\(\s*", "（", out)
    out = re.sub(r"\s*\)", "）", out)
    # between Chinese words a space is no separator (the comma or bracket around it is)
    out = re.sub(r"(?<=[，；：（）])\s+|\s+(?=[，；：（）])", "", out)
    return out


def en_text(locator: str) -> str:
    """A locator as an English page reads (plain text): tables named in English."""
    out = re.sub(r"续表\s*([0-9][0-9.\-]*)", r"Table \1 (continued)", locator)
    return re.sub(r"表\s*([0-9][0-9.\-]*)", r"Table \1", out)


def en(locator: str) -> Markup:
    """A locator as an English page prints it: tables named in English, the source's Chinese marked as such."""
    return mark_chinese(en_text(locator))


@functools.lru_cache(maxsize=1 << 15, typed=True)  # pure, and the same notes and titles come on page after page
def mark_chinese(value: str) -> Markup:
    """Escaped text (text.escape) with each stretch of Chinese in a ``<span lang="zh">``: on an English page, the
    source's own words (a title, a heading, a quote, a value as published)."""
    value = "" if value is None else str(value)
    parts, pos = [], 0
    for m in _CJK_RUN.finditer(value):
        parts.append(text.escape(value[pos:m.start()]))
        parts.append(Markup('<span lang="zh">') + text.escape(m.group()) + Markup("</span>"))
        pos = m.end()
    parts.append(text.escape(value[pos:]))
    return Markup("").join(parts)


@functools.lru_cache(maxsize=1 << 15, typed=True)  # pure: a source's locators come on every page that cites its figures
def shown(locator: str, lang: str) -> Markup:
    return text.escape(zh(locator)) if lang == "zh" else en(locator)
