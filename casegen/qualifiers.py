"""Qualifiers as sources print them: 约, 左右, 余, 多, 以上, 超过, 不到 …

A figure keeps the word its source printed, so a page shows "4500多人" where the source says so, never
"约4500人": 余, 多, 以上 and 超过 set a floor ("more than"), 约 and 左右 say "about", 不到 and 以下 set a
ceiling ("under"). Each word has a meaning (what English says and what the checks may assume) and a
place: before the number (约18万人), after number and unit (18万人左右), or between the magnitude and
the measure word (18万余元, 4500多人).

The meanings alone (``about``, ``over``, ``under``) are accepted too, for a figure whose source word is
not known; they are shown with the usual word of that meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Qualifier:
    zh: str        # the word shown on Chinese pages
    meaning: str   # about | more | under | at-most | nearly
    place: str     # before | after | inside


QUALIFIERS: dict[str, Qualifier] = {
    "约": Qualifier("约", "about", "before"),
    "大约": Qualifier("大约", "about", "before"),
    "左右": Qualifier("左右", "about", "after"),
    "余": Qualifier("余", "more", "inside"),
    "多": Qualifier("多", "more", "inside"),
    "以上": Qualifier("以上", "more", "after"),
    "超过": Qualifier("超过", "more", "before"),
    "逾": Qualifier("逾", "more", "before"),
    "不到": Qualifier("不到", "under", "before"),
    "不足": Qualifier("不足", "under", "before"),
    "低于": Qualifier("低于", "under", "before"),
    "以下": Qualifier("以下", "under", "after"),
    "不超过": Qualifier("不超过", "at-most", "before"),
    "近": Qualifier("近", "nearly", "before"),
    # meanings alone, where the source's word is not known
    "about": Qualifier("约", "about", "before"),
    "over": Qualifier("以上", "more", "after"),
    "under": Qualifier("不到", "under", "before"),
}

ENGLISH = {"about": "about", "more": "more than", "under": "under", "at-most": "at most", "nearly": "nearly"}
SYMBOL = {"about": "~", "more": ">", "under": "<", "at-most": "≤", "nearly": "~"}
MAGNITUDES = ("万", "亿")


def meaning(word: str) -> str:
    """``about``, ``more``, ``under``, ``at-most``, ``nearly``, or "" for an exact figure."""
    q = QUALIFIERS.get(word)
    return q.meaning if q else ""


def zh(number: str, unit: str, word: str) -> str:
    """The number with its unit and qualifier as a Chinese text writes them."""
    q = QUALIFIERS.get(word)
    if q is None:
        return f"{number}{unit}"
    if q.place == "before":
        return f"{q.zh}{number}{unit}"
    if q.place == "after":
        return f"{number}{unit}{q.zh}"
    magnitude = unit[0] if unit[:1] in MAGNITUDES else ""
    return f"{number}{magnitude}{q.zh}{unit[len(magnitude):]}"


def en(core: str, word: str) -> str:
    """``core`` (number and unit, in English) after the English of the qualifier."""
    q = QUALIFIERS.get(word)
    return f"{ENGLISH[q.meaning]} {core}" if q else core


def symbol(word: str) -> str:
    q = QUALIFIERS.get(word)
    return SYMBOL[q.meaning] if q else ""


def may_exceed(word: str) -> bool:
    """Whether the true figure may be above the printed number (so it cannot prove a sub-item too big)."""
    return meaning(word) in ("about", "more", "nearly")


def may_fall_short(word: str) -> bool:
    """Whether the true figure may be below the printed number."""
    return meaning(word) in ("about", "under", "at-most", "nearly")
