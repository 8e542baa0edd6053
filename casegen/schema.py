"""JSON Schemas of the YAML files, so that an editor's YAML editor can autocomplete and check."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, RootModel

from .models import Case, Category, GlossaryTerm, Mechanism, MetricsFile, Practice, Region, SearchTerms, Source, Unit


def _list_of(model: type[BaseModel]) -> type[RootModel]:
    return RootModel[list[model]]  # type: ignore[valid-type]


SCHEMAS: dict[str, type[BaseModel]] = {
    "units": _list_of(Unit),
    "regions": _list_of(Region),
    "mechanisms": _list_of(Mechanism),
    "categories": _list_of(Category),
    "sources": _list_of(Source),
    "metrics": MetricsFile,
    "case": Case,
    "practice": Practice,
    "search": SearchTerms,
    "glossary": _list_of(GlossaryTerm),
}


def schema_texts() -> dict[str, str]:
    """File name → JSON text, deterministic."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{name}.yaml" if name not in ("case", "practice") else f"{name}.yaml"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def export(folder: Path) -> list[Path]:
    """Write the schemas into ``folder``; return the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
