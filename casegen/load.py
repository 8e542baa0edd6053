"""Load: read every file under data/ into models, collecting problems instead of stopping.

Each record is validated on its own so that one typo does not hide the next: the editor sees
every problem of the run at once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .models import (DATE, FIGURE_COLUMNS, METRIC_ID, REQUIRED_COLUMNS, SLUG, Case, Category, Figure, Group, Mechanism, Metric,
                     Practice, Region, SearchTerms, Source, Unit)
from .problems import Problem
from .yamlio import CONTROL, CONTROL_HINT, YamlDoc, decode, load_yaml, read_bytes, too_big

REGISTERS = {  # file name → (model, what the entries are called in messages)
    "units.yaml": (Unit, "unit"),
    "regions.yaml": (Region, "region"),
    "mechanisms.yaml": (Mechanism, "mechanism"),
    "categories.yaml": (Category, "category"),
    "sources.yaml": (Source, "source"),
}

HINTS = {
    "missing": "add the field; see data/schema/ or docs/editor-guide for its meaning",
    "extra_forbidden": "remove the field or fix its spelling; the schema in data/schema/ lists the allowed fields",
    "string_pattern_mismatch": "ids and dates have a fixed form: see the example in the message and README, 'Adding a figure'",
    "literal_error": "use one of the allowed values listed in the message",
    "too_short": "give at least one entry",
    "string_too_short": "the field is empty: write the text",
}


@dataclass
class Library:
    """Everything under data/, loaded. ``docs`` keeps line maps for messages about records."""

    data_dir: Path
    units: dict[str, Unit] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    mechanisms: dict[str, Mechanism] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    practices: dict[str, Practice] = field(default_factory=dict)
    figures: dict[str, list[Figure]] = field(default_factory=dict)
    docs: dict[str, YamlDoc] = field(default_factory=dict)
    entry_lines: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    figure_files: dict[str, str] = field(default_factory=dict)
    # ids of entries that failed their schema: references to them are not reported again
    invalid_ids: set[str] = field(default_factory=set)
    # kinds of entries ("source", "unit" …) whose register could not be read at all: references to
    # them are not reported either, the register's own problem says what to fix
    unreadable: set[str] = field(default_factory=set)
    search_terms: list[str] = field(default_factory=list)

    def shown(self, path: Path) -> str:
        try:
            # the folder resolved, not the file: a symlinked file is shown where the editor sees it
            return (path.parent.resolve() / path.name).relative_to(self.data_dir.resolve().parent).as_posix()
        except ValueError:
            return path.as_posix()

    def stories(self) -> dict[str, Case | Practice]:
        return {**self.cases, **self.practices}


def _field_name(loc: tuple, label: str | None = None) -> str:
    parts = [str(p) for p in loc if p not in ("function-after", "function-before")]
    name = ".".join(parts) or "(record)"
    return f"{label}.{name}" if label else name


_UNION_BRANCH = re.compile(r"^[a-z-]+\[.*\]$")  # pydantic's name of one branch of a union: literal[''], chain[...]


def model_problems(exc: ValidationError, doc: YamlDoc | None, base_loc: tuple, shown: str, label: str | None,
                   line: int | None = None) -> list[Problem]:
    out = []
    errors = exc.errors()
    for err in errors:
        if err["type"] != "extra_forbidden":
            err["loc"] = tuple(p for p in err["loc"] if not (isinstance(p, str) and _UNION_BRANCH.match(p)))
    # A value that fits no branch of a union (a date or ""): each branch has its say; the one that is not
    # "should be ''" explains it
    explained = {tuple(e["loc"]) for e in errors if e["type"] != "literal_error"}
    errors = [e for e in errors if not (e["type"] == "literal_error" and tuple(e["loc"]) in explained)]
    for err in errors:
        loc = tuple(err["loc"])
        where = line if line is not None else (doc.line(base_loc + loc) if doc else 1)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
        elif err["type"] == "string_pattern_mismatch":
            message = _pattern_message(err)
        out.append(Problem(shown, where, _field_name(loc, label), message, HINTS.get(err["type"], ""), err["type"]))
    return out


def _pattern_message(err: dict) -> str:
    """Say in words what a regular expression in the schema wants."""
    pattern, value = err.get("ctx", {}).get("pattern", ""), err.get("input")
    if pattern == DATE:
        return f"'{value}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-04"
    if pattern == SLUG:
        return f"'{value}' is not an id: use lowercase letters, digits and single hyphens, e.g. longyou-xuyong"
    if pattern == METRIC_ID:
        return f"'{value}' is not a metric id: use lowercase letters, digits and underscores, e.g. jobs_offered"
    return err["msg"]


def _entry_label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), (str, int)):
        return f"[{item['id']}]"
    return f"[{index}]"


def _load_list(lib: Library, doc: YamlDoc | None, loc: tuple, model: type[BaseModel], kind: str,
               problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if doc is None:
        lib.unreadable.add(kind)
        return out
    items = doc.data
    for key in loc:
        items = items.get(key) if isinstance(items, dict) else None
    if not isinstance(items, list):
        lib.unreadable.add(kind)
        problems.append(Problem(doc.path, doc.line(loc), ".".join(map(str, loc)) or "(file)",
                                f"expected a list of {kind} entries", "start each entry with '- '", "type"))
        return out
    for i, item in enumerate(items):
        prefix = ".".join(map(str, loc))
        label = f"{prefix}{_entry_label(item, i)}" if prefix else f"{kind}{_entry_label(item, i)}"
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            problems.extend(model_problems(exc, doc, loc + (i,), doc.path, label))
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                lib.invalid_ids.add(item["id"])
            continue
        if record.id in out:
            first = lib.entry_lines[(kind, record.id)][1]
            problems.append(Problem(doc.path, doc.line(loc + (i, "id")), f"{label}.id",
                                    f"duplicate {kind} id '{record.id}' (first defined on line {first})",
                                    "ids must be unique: rename or merge the two entries", "duplicate"))
            continue
        out[record.id] = record
        lib.entry_lines[(kind, record.id)] = (doc.path, doc.line(loc + (i,)))
    return out


# Limits of figures.csv, far above a real case (the largest has 145 rows, 80 kB): a wrong or generated
# file is refused with a message instead of a build that runs for minutes.
MAX_CSV_BYTES = 2_000_000
MAX_ROWS = 5_000
MAX_CELL = 131_072  # characters in one CSV cell (the csv module's default limit)


def _read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    if too_big(path, shown, MAX_CSV_BYTES, problems):
        return None
    raw = read_bytes(path, shown, problems)
    return None if raw is None else decode(raw, shown, problems)


def _ragged(shown: str, start_line: int, end_line: int, row: list[str], header: list[str]) -> Problem:
    if end_line > start_line and any("\n" in cell for cell in row):
        return Problem(shown, start_line, "(row)",
                       f"a quoted cell runs from line {start_line} to line {end_line}: a double quote is not closed",
                       "close the quote, or write a double quote inside a quoted text as two (\"\")", "csv")
    return Problem(shown, start_line, "(row)", f"the row has {len(row)} cells but the header has {len(header)}",
                   "a comma inside a text must be inside double quotes \"...\"; check for a missing or extra comma",
                   "csv")


def load_figures(path: Path, shown: str, problems: list[Problem]) -> list[Figure]:
    text = _read_text(path, shown, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(shown, 1, "(header)", "the file is empty",
                                "the first line must be the header: " + ",".join(FIGURE_COLUMNS), "csv"))
        return []
    except csv.Error as exc:
        problems.append(Problem(shown, 1, "(header)", f"the header cannot be read as CSV: {exc}",
                                "the first line must be the header: " + ",".join(FIGURE_COLUMNS), "csv"))
        return []
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in FIGURE_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    twice = sorted({h for h in header if header.count(h) > 1 and h in FIGURE_COLUMNS})
    for name in unknown:
        problems.append(Problem(shown, 1, name or "(header)", f"unknown column '{name}'",
                                "allowed columns: " + ",".join(FIGURE_COLUMNS), "csv"))
    for name in missing:
        problems.append(Problem(shown, 1, name, f"required column '{name}' is missing",
                                "add the column to the header line", "csv"))
    for name in twice:
        problems.append(Problem(shown, 1, name, f"column '{name}' appears {header.count(name)} times",
                                "keep one of them", "csv"))
    if unknown or missing or twice:
        return []
    figures: list[Figure] = []
    line = 1
    rows = 0
    while True:
        start_line = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(shown, start_line, "(row)", f"the row cannot be read as CSV: {exc}",
                                    "a double quote is probably not closed: close it, or write a double quote "
                                    "inside a quoted text as two (\"\")", "csv"))
            break
        line = reader.line_num
        if any(len(cell) > MAX_CELL for cell in row):
            # checked here, not left to csv.field_size_limit: that limit is process-wide and other code
            # (a data-package validator, a test) may raise it
            problems.append(Problem(shown, start_line, "(row)",
                                    f"field larger than field limit ({MAX_CELL:,} characters)",
                                    "a cell this long is almost always an unclosed double quote: check the quotes",
                                    "csv"))
            break
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.append(Problem(shown, start_line, "(row)",
                                    f"the file has more than {MAX_ROWS:,} figures; casegen reads at most {MAX_ROWS:,} "
                                    "per case", "check that this is the right file; split a very large case", "size"))
            return []
        if len(row) != len(header):
            problems.append(_ragged(shown, start_line, line, row, header))
            continue
        record = {name: cell.strip() for name, cell in zip(header, row)}
        unreadable = False
        for name, cell in record.items():
            if bad := CONTROL.search(cell):
                problems.append(Problem(shown, start_line, name,
                                        f"the text contains the control character U+{ord(bad.group()):04X}",
                                        CONTROL_HINT, "text"))
                unreadable = True
        missing_cells = [name for name in REQUIRED_COLUMNS if not record.get(name)]
        for name in missing_cells:
            problems.append(Problem(shown, start_line, name, f"'{name}' is empty",
                                    "every figure needs a metric, value, unit, end date, scope, source id and locator",
                                    "missing"))
        if missing_cells or unreadable:
            continue
        record = {k: v for k, v in record.items() if v != "" or k in REQUIRED_COLUMNS}
        try:
            figures.append(Figure.model_validate({**record, "published_value": record["value"], "line": start_line}))
        except ValidationError as exc:
            problems.extend(model_problems(exc, None, (), shown, None, line=start_line))
    return figures


def _load_story(lib: Library, folder: Path, file_name: str, model: type[BaseModel], problems: list[Problem]):
    slug = folder.name
    story_file = folder / file_name
    figures_file = folder / "figures.csv"
    if not re.match(SLUG, slug):
        problems.append(Problem(lib.shown(folder), 1, "(slug)", f"'{slug}' is not a safe slug",
                                "rename the folder with lowercase letters, digits and hyphens only", "slug"))
        return
    for needed in (story_file, figures_file):
        if not needed.exists():
            problems.append(Problem(lib.shown(needed), 1, "(file)", f"{needed.name} is missing",
                                    f"every folder under {folder.parent.name}/ needs {file_name} and figures.csv "
                                    "(`casegen new` makes both)", "missing"))
    if story_file.exists():
        doc = load_yaml(story_file, lib.shown(story_file), problems)
        if doc is None:
            lib.invalid_ids.add(slug)
        else:
            lib.docs[doc.path] = doc
            try:
                record = model.model_validate(doc.data)
            except ValidationError as exc:
                problems.extend(model_problems(exc, doc, (), doc.path, None))
                lib.invalid_ids.add(slug)
            else:
                target = lib.cases if model is Case else lib.practices
                target[slug] = record
    if figures_file.exists():
        lib.figure_files[slug] = lib.shown(figures_file)
        lib.figures[slug] = load_figures(figures_file, lib.shown(figures_file), problems)


def load_library(data_dir: Path) -> tuple[Library, list[Problem]]:
    """Read data/; return what loaded and every problem met on the way."""
    lib = Library(data_dir=data_dir)
    problems: list[Problem] = []
    for name, (model, kind) in REGISTERS.items():
        path = data_dir / name
        if not path.exists():
            problems.append(Problem(lib.shown(path), 1, "(file)", f"register {name} is missing",
                                    "restore it from git", "missing"))
            lib.unreadable.add(kind)
            continue
        doc = load_yaml(path, lib.shown(path), problems)
        if doc is not None:
            lib.docs[doc.path] = doc
        setattr(lib, {"unit": "units", "region": "regions", "mechanism": "mechanisms", "category": "categories",
                      "source": "sources"}[kind], _load_list(lib, doc, (), model, kind, problems))
    metrics_path = data_dir / "metrics.yaml"
    if metrics_path.exists():
        doc = load_yaml(metrics_path, lib.shown(metrics_path), problems)
        if doc is None:
            lib.unreadable.update(("group", "metric"))
        else:
            lib.docs[doc.path] = doc
            if not isinstance(doc.data, dict):
                lib.unreadable.update(("group", "metric"))
                problems.append(Problem(doc.path, 1, "(file)", "expected the keys 'groups' and 'metrics'",
                                        "see data/schema/metrics.schema.json", "type"))
            else:
                for key in set(doc.data) - {"groups", "metrics"}:
                    problems.append(Problem(doc.path, doc.line((key,)), key, f"unknown key '{key}'",
                                            "metrics.yaml has only 'groups' and 'metrics'", "extra_forbidden"))
                lib.groups = _load_list(lib, doc, ("groups",), Group, "group", problems)
                lib.metrics = _load_list(lib, doc, ("metrics",), Metric, "metric", problems)
    else:
        problems.append(Problem(lib.shown(metrics_path), 1, "(file)", "register metrics.yaml is missing",
                                "restore it from git", "missing"))
        lib.unreadable.update(("group", "metric"))
    search_path = data_dir / "search.yaml"
    if search_path.exists():
        doc = load_yaml(search_path, lib.shown(search_path), problems)
        if doc is not None:
            lib.docs[doc.path] = doc
            try:
                lib.search_terms = SearchTerms.model_validate(doc.data).terms
            except ValidationError as exc:
                problems.extend(model_problems(exc, doc, (), doc.path, None))
    for kind, file_name, model in (("cases", "case.yaml", Case), ("practices", "practice.yaml", Practice)):
        folder = data_dir / kind
        if folder.is_dir():
            for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
                _load_story(lib, sub, file_name, model, problems)
    return lib, problems
