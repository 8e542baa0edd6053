"""The words of the charts, from words.yaml beside this file (data names come from the registers)."""

from pathlib import Path

import yaml

_WORDS = yaml.safe_load((Path(__file__).with_name("words.yaml")).read_text(encoding="utf-8"))
L: dict[str, dict[str, str]] = _WORDS["words"]
FLAG_NAMES: dict[str, dict[str, str]] = _WORDS["flag_names"]


def _words(key: str, lang: str, **kw) -> str:
    return L[key][lang].format(**kw) if kw else L[key][lang]
