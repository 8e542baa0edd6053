"""What the search needs from the data, beyond the pages' text: the phrases it keeps whole and the facets
of each case and practice page. ``casegen build`` (and each rebuild of the live preview) writes it to
build/search.json; the MkDocs plugin reads it when it writes the index (casegen.search_index).
"""

from __future__ import annotations

import functools

import json
from pathlib import Path

import yaml

TEMPLATES = Path(__file__).parent / "templates"  # labels.yaml: the level names

LANGUAGES = ("zh", "en")
SUFFIXES = "省市县区州"  # a place is also typed without its suffix: 叙永 for 叙永县


def phrases(lib) -> list[str]:
    """The editors' terms (data/search.yaml), every region's name with and without its suffix, every
    mechanism's name: a query holding one of them ranks first the pages that hold it whole."""
    words = set(lib.search_terms)
    for region in lib.regions.values():
        words.add(region.zh)
        short = region.zh.rstrip(SUFFIXES)
        if len(short) >= 2:
            words.add(short)
    words.update(m.zh for m in lib.mechanisms.values())
    return sorted(w for w in words if len(w) >= 2)


def _province(lib, region_id: str):
    node = lib.regions.get(region_id)
    while node and node.level not in ("province", "country") and node.parent:
        node = lib.regions.get(node.parent)
    return node


def labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The UI labels (``path``, else the package's labels.yaml), parsed once per text: do not change them."""
    text = (path or TEMPLATES / "labels.yaml").read_text(encoding="utf-8")
    return _parsed(text)


@functools.lru_cache(maxsize=2)  # each language's search asks for them at each rebuild of a preview
def _parsed(text: str) -> dict[str, dict[str, str]]:
    return yaml.safe_load(text)


def _level_labels() -> dict[str, dict[str, str]]:
    words = labels()
    return {level: words[f"level_{level}"] for level in ("province", "city", "county")}


def story_facets(lib) -> dict[str, dict[str, dict[str, list[str]]]]:
    """``{lang: {location: {"level"|"province"|"mechanism": [labels]}}}`` for every case and practice page."""
    levels = _level_labels()
    out: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    stories = [("cases", slug, story) for slug, story in lib.cases.items()]
    stories += [("practices", slug, story) for slug, story in lib.practices.items()]
    for folder, slug, story in stories:
        places = [story.east, story.west] if folder == "cases" else [story.region]
        provinces = [p for p in (_province(lib, r) for r in places) if p is not None]
        if folder == "cases":
            level = story.level
        else:
            region = lib.regions.get(story.region)
            level = "county" if region and region.level == "district" else getattr(region, "level", None)
        for lang in LANGUAGES:
            prefix = "" if lang == "zh" else f"{lang}/"
            out[lang][f"{prefix}{folder}/{slug}/"] = {
                "level": [levels[level][lang]] if level in levels else [],
                "province": sorted({p.name(lang) for p in provinces}),
                "mechanism": sorted({lib.mechanisms[m].name(lang) for m in story.mechanisms if m in lib.mechanisms}),
            }
    return out


def search_data(lib) -> str:
    """build/search.json's text (deterministic)."""
    return json.dumps({"phrases": phrases(lib), "facets": story_facets(lib)}, ensure_ascii=False, sort_keys=True,
                      indent=1) + "\n"


def path(root: Path) -> Path:
    return root / "build" / "search.json"


def read(docs_dir: Path) -> dict:
    """build/search.json beside build/docs, or nothing to add (a site built from other docs)."""
    file = docs_dir.parent / "search.json"
    if not file.exists():
        return {"phrases": [], "facets": {}}
    return json.loads(file.read_text(encoding="utf-8"))
