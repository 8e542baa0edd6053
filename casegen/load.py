"""Load: read every file under data/ into models, collecting problems instead of stopping.

Each record is validated on its own so that one typo does not hide the next: the editor sees
every problem of the run at once.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .models import (DATE, FIGURE_COLUMNS, FILE_NAME, LENGTH_KINDS, MAX_ID, METRIC_ID, REQUIRED_COLUMNS, SLUG, Case,
                     Category, Figure, GlossaryTerm, Group, Indicator, Mechanism, Metric, Practice, Region, SearchTerms,
                     Source, Unit)
from .memo import remembered
from .problems import Problem, clip, warning
from .yamlio import CONTROL, CONTROL_HINT, MAX_YAML_BYTES, YamlDoc, decode, dotted, load_yaml, read_bytes, refusal

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
    "too_long": "shorten the list: this many entries is not expected (is the indentation right?)",
    "string_too_short": "the field is empty: write the text",
    "string_too_long": "shorten the text; if it was pasted in by mistake, delete it",
    "string_type": "write text; put it in quotes if YAML reads it as a number, date, true/false or null",
    "model_type": "write the keys of the entry below it (zh: and en: for a text in both languages)",
    "model_attributes_type": "write the keys of the entry below it (zh: and en: for a text in both languages)",
    "dict_type": "write the keys of the entry below it",
    "list_type": "write a list: [a, b] on one line, or one '- ' line per entry",
    "float_type": "write a plain number, e.g. 10000",
    "float_parsing": "write a plain number, e.g. 10000",
    "finite_number": "write a plain number, e.g. 10000",
    "greater_than": "write a number above the limit in the message",
    "less_than_equal": "write a number within the limit in the message; check the digits",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "int_type": "write a whole number",
    "date_value": "write the date as the source prints it, as YYYY, YYYY-MM or YYYY-MM-DD",
    "period_order": "swap start and end, or check the years",
    "bidi_control": "delete the character (it is invisible: retype the text around it); it usually comes from "
                    "copying, and can be used to make a text read differently than it looks",
    "invisible_character": "delete the character (it is invisible: retype the text); ids and names must look "
                           "exactly like what they are",
    "url_scheme": "copy the address from the browser's address bar: it starts with http:// or https://",
    "url_character": "copy the address from the browser's address bar; write spaces as %20",
    "url_host": "copy the address from the browser's address bar",
    "number_form": "write the number as the source prints it, in ASCII digits, e.g. 1.2 for 1.2万",
    "number_length": "write the number in a larger unit (万人 rather than 人), or check that it is in the right column",
    "number_digits": "round to the digits the source prints, or use a larger unit (万, 亿)",
    "qualifier": "copy the word next to the number in the source: 约, 左右 (about); 余, 多, 以上, 超过 (more "
                 "than); 不到, 以下 (under)",
    "factor_range": "the factor is the value of one unit in the base unit, e.g. 10000 for 万人",
    "flag_group_id": "write the group ids in lowercase letters, digits and hyphens, separated by spaces "
                     "(e.g. 'destinations heading-claim')",
    "flag_group_twice": "keep each group id once in the cell",
    "flag_group_count": "a figure that many contradictions concern: check the ids, or merge groups that explain "
                        "one contradiction",
    "not_figure_number": "copy the number from the story as it is written there (with its ',' or 万), or the few "
                         "characters around it that tell it apart (0+3, 2/3, 3个月)",
}
DEFAULT_HINT = "see data/schema/ and docs/editor-guide.md for what the field takes"


def _resolved(folder: Path) -> Path:
    """``folder`` resolved, looked up once for a run of calls: a library of 1,000 stories shows 6,000 paths, and
    each resolution walks the path in the file system. The cache is emptied by ``load_library``, so a folder
    that became a symlink between two loads of a preview is resolved again."""
    found = _RESOLVED.get(folder)
    if found is None:
        found = _RESOLVED[folder] = folder.resolve()
    return found


_RESOLVED: dict[Path, Path] = {}


@dataclass
class Library:
    """Everything under data/, loaded. ``docs`` keeps line maps for messages about records."""

    data_dir: Path
    units: dict[str, Unit] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
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
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)  # data/glossary.yaml (optional)
    # what validate() found worth a look that does not stop the build (see Problem.severity)
    warnings: list[Problem] = field(default_factory=list)

    def shown(self, path: Path) -> str:
        try:
            # the folder resolved, not the file: a symlinked file is shown where the editor sees it
            return (_resolved(path.parent) / path.name).relative_to(_resolved(self.data_dir).parent).as_posix()
        except ValueError:
            return path.as_posix()

    def stories(self) -> dict[str, Case | Practice]:
        return {**self.cases, **self.practices}

    def memo(self, name: str) -> dict:
        """A store for what is derived from this library (charts laid out, say), for this object as it is: a
        copy (``copy.copy``, as tests make to vary one part) or a library whose figures or metrics were
        replaced starts with an empty one."""
        stamp = (id(self), id(self.figures), id(self.metrics))
        owner, store = self.__dict__.get(f"_memo_{name}", (None, None))
        if owner != stamp:
            store = {}
            self.__dict__[f"_memo_{name}"] = (stamp, store)
        return store

    def flag_index(self):
        """Every flag and the figures it concerns (casegen.flags), built once for the figures as loaded."""
        from .flags import FlagIndex

        # a cheap stamp: this is asked for every figure drawn or listed, and the figures change only while
        # the library loads (one story's list at a time, so the count of stories grows)
        state = (id(self.figures), len(self.figures))
        cached = self.__dict__.get("_flag_index")
        if cached is None or cached[0] != state:
            cached = (state, FlagIndex(self.figures))
            self.__dict__["_flag_index"] = cached
        return cached[1]

    def flag_of(self, figure: Figure):
        """The flag a figure falls under, its own or its flag group's (casegen.flags.Flag), or None."""
        return self.flag_index().flag_of(figure)

    def flags_of(self, figure: Figure) -> list:
        """Every flag a figure falls under, its own and its flag groups' (casegen.flags.Flag), in page order."""
        return self.flag_index().flags_of(figure)


def _field_name(loc: tuple, label: str | None = None) -> str:
    parts = tuple(p for p in loc if p not in ("function-after", "function-before"))
    name = dotted(parts) or "(record)"
    return f"{label}.{name}" if label else name


_UNION_BRANCH = re.compile(r"[a-z-]+\[.*\]")  # pydantic's name of one branch of a union: literal[''], chain[...]


def model_problems(exc: ValidationError, doc: YamlDoc | None, base_loc: tuple, shown: str, label: str | None,
                   line: int | None = None) -> list[Problem]:
    out = []
    errors = exc.errors()
    for err in errors:
        if err["type"] != "extra_forbidden":
            err["loc"] = tuple(p for p in err["loc"] if not (isinstance(p, str) and _UNION_BRANCH.fullmatch(p)))
    # A value that fits no branch of a union (a date or ""): each branch has its say; the one that is not
    # "should be ''" explains it
    explained = {tuple(e["loc"]) for e in errors if e["type"] != "literal_error"}
    errors = [e for e in errors if not (e["type"] == "literal_error" and tuple(e["loc"]) in explained)]
    for err in errors:
        loc = tuple(err["loc"])
        where = line if line is not None else (doc.line(base_loc + loc) if doc else 1)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown field '{clip(loc[-1])}'"
        elif err["type"] == "string_pattern_mismatch":
            message = _pattern_message(err)
        elif err["type"] == "string_too_long":
            limit = err.get("ctx", {}).get("max_length", 0)
            kind = LENGTH_KINDS.get(limit, "this field")
            message = f"{kind} may have at most {limit:,} characters; this one has {len(str(err.get('input', ''))):,}"
        out.append(Problem(shown, where, _field_name(loc, label), message, HINTS.get(err["type"], DEFAULT_HINT),
                           err["type"]))
    return out


def _pattern_message(err: dict) -> str:
    """Say in words what a regular expression in the schema wants."""
    pattern, value = err.get("ctx", {}).get("pattern", ""), clip(err.get("input"))
    if pattern == DATE:
        return f"'{value}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-04"
    if pattern == SLUG:
        return f"'{value}' is not an id: use lowercase letters, digits and single hyphens, e.g. longyou-xuyong"
    if pattern == METRIC_ID:
        return f"'{value}' is not a metric id: use lowercase letters, digits and underscores, e.g. jobs_offered"
    if pattern == FILE_NAME:
        return f"'{value}' is not a file name: write the name alone, without folders (no / or \\)"
    return err["msg"]


def _entry_label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), (str, int)) and not isinstance(item.get("id"), bool):
        return f"[{clip(item['id'])}]"
    return f"[{index}]"


# --- text that a spreadsheet would run as a formula --------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@")
# fields whose value has a fixed form (an id, a date, a choice, a URL): a formula there is an error already
_FORMED = {"id", "parent", "dimension", "level", "kind", "group", "part_of", "language", "published", "url", "file",
           "unit", "units_also", "sum_of_parts", "factor"}


def formula_start(text: str) -> str | None:
    """What makes ``text`` start like a spreadsheet formula (=, +, -, @, also after spaces, or a tab or
    carriage return), or None."""
    if text[:1] in ("\t", "\r"):
        return "a tab" if text[0] == "\t" else "a carriage return"
    first = text.lstrip()[:1]
    return f"'{first}'" if first and first in FORMULA_STARTS else None


FORMULA_HINT = ("if it is meant as text, reword it so that it does not start with =, +, - or @ (e.g. '约-5%' or "
                "'minus 5%'); the downloads neutralise such cells, but a spreadsheet opening data/ directly would "
                "run them as formulas")


def formula_warning(path: str, line: int, field_name: str, text: str) -> Problem | None:
    if start := formula_start(text):
        return warning(path, line, field_name, f"the text starts with {start}: a spreadsheet would read it as a "
                       "formula", FORMULA_HINT, "formula")
    return None


def _strings(value: Any, loc: tuple = ()):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _FORMED:
                yield from _strings(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, loc + (i,))


def _formula_warnings(doc: YamlDoc, base: tuple, item: Any, label: str, kind: str, problems: list[Problem]) -> None:
    texts = list(_strings(item))
    if kind == "unit" and isinstance(item, dict) and isinstance(item.get("id"), str):
        texts.insert(0, (("id",), item["id"]))  # a unit is printed as its id, in the downloads too
    for loc, text in texts:
        if found := formula_warning(doc.path, doc.line(base + loc), _field_name(loc, label), text):
            problems.append(found)


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
        _formula_warnings(doc, loc + (i,), item, label, kind, problems)
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
                                    f"duplicate {kind} id '{clip(record.id)}' (first defined on line {first})",
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
MAX_COLUMNS = 2 * len(FIGURE_COLUMNS)  # above this, the header is not a header of figures (one problem, not one a column)
TEXT_COLUMNS = ("locator", "note_zh", "note_en", "flag_zh", "flag_en")  # free text (the others are ids, numbers, dates)


def _read_text(path: Path, shown: str, problems: list[Problem], root: Path | None = None) -> str | None:
    raw = read_bytes(path, shown, problems, MAX_CSV_BYTES, root)
    return None if raw is None else decode(raw, shown, problems)


def _ragged(shown: str, start_line: int, end_line: int, row: list[str], header: list[str]) -> Problem:
    if end_line > start_line and any("\n" in cell for cell in row):
        return Problem(shown, start_line, "(row)",
                       f"a quoted cell runs from line {start_line} to line {end_line}: a double quote is not closed",
                       "close the quote, or write a double quote inside a quoted text as two (\"\")", "csv")
    return Problem(shown, start_line, "(row)", f"the row has {len(row)} cells but the header has {len(header)}",
                   "a comma inside a text must be inside double quotes \"...\"; check for a missing or extra comma",
                   "csv")


def load_figures(path: Path, shown: str, problems: list[Problem], root: Path | None = None) -> list[Figure]:
    """The figures of one figures.csv. With ``root``, a file whose real place is outside it is refused."""
    text = _read_text(path, shown, problems, root)
    if text is None:
        return []
    # the same text gives the same figures (a preview loads the unchanged files again at each save); a list of
    # its own for the caller
    return list(remembered(("figures", shown, text), lambda found: tuple(parse_figures(text, shown, found)),
                           problems))


def parse_figures(text: str, shown: str, problems: list[Problem]) -> list[Figure]:
    """``load_figures`` once the file is read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(shown, 1, "(header)", "the file is empty",
                                "the first line must be the header: " + ",".join(FIGURE_COLUMNS), "csv"))
        return []
    except csv.Error as exc:
        problems.append(Problem(shown, 1, "(header)", f"the header cannot be read as CSV: {clip(exc, 80)}",
                                "the first line must be the header: " + ",".join(FIGURE_COLUMNS), "csv"))
        return []
    header = [h.strip() for h in header]
    if len(header) > MAX_COLUMNS:
        problems.append(Problem(shown, 1, "(header)", f"the header has {len(header):,} columns; figures.csv has at "
                                f"most {len(FIGURE_COLUMNS)}",
                                "check that this is the right file; the first line must be the header: " +
                                ",".join(FIGURE_COLUMNS), "csv"))
        return []
    counts = Counter(header)
    unknown = [h for h in header if h not in FIGURE_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in counts]
    twice = sorted(h for h, n in counts.items() if n > 1 and h in FIGURE_COLUMNS)
    for name in unknown:
        problems.append(Problem(shown, 1, clip(name) or "(header)", f"unknown column '{clip(name)}'",
                                "allowed columns: " + ",".join(FIGURE_COLUMNS), "csv"))
    for name in missing:
        problems.append(Problem(shown, 1, name, f"required column '{name}' is missing",
                                "add the column to the header line", "csv"))
    for name in twice:
        problems.append(Problem(shown, 1, name, f"column '{name}' appears {counts[name]} times",
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
            problems.append(Problem(shown, start_line, "(row)", f"the row cannot be read as CSV: {clip(exc, 80)}",
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
        for name, cell in zip(header, row):
            if name in TEXT_COLUMNS and (found := formula_warning(shown, start_line, name, cell)):
                problems.append(found)
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


MAX_STORIES = 5_000     # folders under cases/ and practices/ together (the benchmark builds 1,000)
MAX_ENTRIES = 100_000   # files and folders under data/ looked at for links and special files
STORY_FOLDERS = ("cases", "practices")


def _scan(lib: Library, problems: list[Problem]) -> set[Path]:
    """Every file and folder under data/ that must not be read, each reported once: special files (devices,
    pipes, sockets: /dev/zero never ends, a pipe blocks), symbolic links that lead outside data/ (to
    /proc/self/environ, /etc/passwd: their content would end up in messages and pages), links that lead
    nowhere, and links in place of case folders (a linked case would be published twice, or under the
    wrong path). Nothing is opened."""
    root = lib.data_dir
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError):
        return set()  # no data/: the registers are reported missing
    refused: set[Path] = set()
    seen = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dir_names = set(dirs)
        for name in sorted(dirs + files):
            seen += 1
            if seen > MAX_ENTRIES:
                problems.append(Problem(lib.shown(root), 1, "(folder)",
                                        f"data/ holds more than {MAX_ENTRIES:,} files and folders",
                                        "keep only the library's files in data/", "size"))
                dirs[:] = []
                return refused
            path = here / name
            is_dir = name in dir_names
            story_folder = here == root and name in STORY_FOLDERS or here.parent == root and here.name in STORY_FOLDERS
            try:  # a plain file or folder met on the walk is inside data/: only links and the rest need a look
                mode = os.lstat(path).st_mode
                plain = stat.S_ISREG(mode) or stat.S_ISDIR(mode)
            except OSError:
                plain = False
            found = None if plain else refusal(path, real_root)
            if found is None and story_folder and is_dir and path.is_symlink():
                into = "data/" if here == root else f"data/{here.name}/"
                found = ("it is a symbolic link; casegen reads case and practice folders only as real folders",
                         f"move the folder into {into} instead of linking to it (a linked case would be published "
                         "at two addresses, or not at all)")
            elif found is None and here == root and is_dir and name.endswith(".yaml"):
                found = ("it is named like a YAML file", "rename or remove the folder: every data/*.yaml is read as "
                         "a file")
            if found:
                message, hint = found
                what = "folder" if is_dir else "file"
                if is_dir and "outside data/" in message:
                    hint = "move the folder into data/ instead of linking to it: casegen reads only what is inside data/"
                if story_folder and here != root:
                    lib.invalid_ids.add(name)  # references to it are not reported again
                problems.append(Problem(lib.shown(path), 1, f"({what})", f"cannot read the {what}: {message}", hint,
                                        "file"))
                refused.add(path)
            elif here == root and not is_dir and name.endswith(".yaml") and name not in KNOWN_FILES:
                _stray_yaml(lib, path, problems)
        dirs[:] = [d for d in dirs if here / d not in refused]
    return refused


KNOWN_FILES = {*REGISTERS, "metrics.yaml", "search.yaml", "glossary.yaml"}


def _stray_yaml(lib: Library, path: Path, problems: list[Problem]) -> None:
    """A data/*.yaml that no loader reads: the build still reads it (its digest decides what to rebuild), so
    it may not be large; and it is probably a misspelt register."""
    shown = lib.shown(path)
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        problems.append(Problem(shown, 1, "(file)", f"the file is {size / 1e6:.1f} MB; casegen reads files of at "
                                f"most {MAX_YAML_BYTES / 1e6:g} MB", "remove it from data/: casegen does not use it",
                                "size"))
    else:
        problems.append(warning(shown, 1, "(file)", "casegen does not read this file",
                                "the YAML files of data/ are " + ", ".join(sorted(KNOWN_FILES)) +
                                ": rename it if it is one of them misspelt, otherwise move it out of data/", "file"))


def _story_record(model: type[BaseModel], doc: YamlDoc, problems: list[Problem]) -> BaseModel | None:
    """``doc`` as a ``model`` record, or None; the problems appended. Kept on the document, which a preview
    reuses while its file's text is unchanged (casegen.memo)."""
    made = doc.__dict__.setdefault("_records", {})
    if model not in made:
        found: list[Problem] = []
        try:
            made[model] = (model.model_validate(doc.data), found)
        except ValidationError as exc:
            found.extend(model_problems(exc, doc, (), doc.path, None))
            made[model] = (None, found)
    record, found = made[model]
    problems.extend(found)
    return record


def _load_story(lib: Library, folder: Path, file_name: str, model: type[BaseModel], problems: list[Problem],
                refused: set[Path], root: Path | None) -> None:
    slug = folder.name
    story_file = folder / file_name
    figures_file = folder / "figures.csv"
    if not re.fullmatch(SLUG, slug):
        problems.append(Problem(lib.shown(folder), 1, "(slug)", f"'{clip(slug)}' is not a safe slug",
                                "rename the folder with lowercase letters, digits and hyphens only", "slug"))
        return
    if len(slug) > MAX_ID:
        problems.append(Problem(lib.shown(folder), 1, "(slug)",
                                f"a slug may have at most {MAX_ID} characters; this one has {len(slug)}",
                                "rename the folder to a shorter slug: it becomes the page's address and file names",
                                "slug"))
        return
    for needed in (story_file, figures_file):
        if needed in refused:
            lib.invalid_ids.add(slug)
        elif not os.path.lexists(needed):
            problems.append(Problem(lib.shown(needed), 1, "(file)", f"{needed.name} is missing",
                                    f"every folder under {folder.parent.name}/ needs {file_name} and figures.csv "
                                    "(`casegen new` makes both)", "missing"))
    if os.path.lexists(story_file) and story_file not in refused:
        doc = load_yaml(story_file, lib.shown(story_file), problems, root)
        if doc is None:
            lib.invalid_ids.add(slug)
        else:
            lib.docs[doc.path] = doc
            record = _story_record(model, doc, problems)
            if record is None:
                lib.invalid_ids.add(slug)
            else:
                target = lib.cases if model is Case else lib.practices
                target[slug] = record
    if os.path.lexists(figures_file) and figures_file not in refused:
        lib.figure_files[slug] = lib.shown(figures_file)
        lib.figures[slug] = load_figures(figures_file, lib.shown(figures_file), problems, root)


def load_library(data_dir: Path) -> tuple[Library, list[Problem]]:
    """Read data/; return what loaded and every problem met on the way."""
    _RESOLVED.clear()
    lib = Library(data_dir=data_dir)
    problems: list[Problem] = []
    refused = _scan(lib, problems)
    try:
        root = data_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        root = None

    def readable(path: Path, kinds: tuple[str, ...]) -> bool:
        """Whether to read ``path``; a missing or refused file makes its kinds of entries unreadable."""
        if path in refused:
            lib.unreadable.update(kinds)
            return False
        if not os.path.lexists(path):
            problems.append(Problem(lib.shown(path), 1, "(file)", f"register {path.name} is missing",
                                    "restore it from git", "missing"))
            lib.unreadable.update(kinds)
            return False
        return True

    for name, (model, kind) in REGISTERS.items():
        path = data_dir / name
        if not readable(path, (kind,)):
            continue
        doc = load_yaml(path, lib.shown(path), problems, root)
        if doc is not None:
            lib.docs[doc.path] = doc
        setattr(lib, {"unit": "units", "region": "regions", "mechanism": "mechanisms", "category": "categories",
                      "source": "sources"}[kind], _load_list(lib, doc, (), model, kind, problems))
    metrics_path = data_dir / "metrics.yaml"
    if readable(metrics_path, ("group", "metric")):
        doc = load_yaml(metrics_path, lib.shown(metrics_path), problems, root)
        if doc is None:
            lib.unreadable.update(("group", "metric"))
        else:
            lib.docs[doc.path] = doc
            if not isinstance(doc.data, dict):
                lib.unreadable.update(("group", "metric"))
                problems.append(Problem(doc.path, 1, "(file)", "expected the keys 'groups' and 'metrics'",
                                        "see data/schema/metrics.schema.json", "type"))
            else:
                for key in set(doc.data) - {"groups", "metrics", "indicators"}:
                    problems.append(Problem(doc.path, doc.line((key,)), clip(key), f"unknown key '{clip(key)}'",
                                            "metrics.yaml has only 'groups', 'metrics' and 'indicators'",
                                            "extra_forbidden"))
                lib.groups = _load_list(lib, doc, ("groups",), Group, "group", problems)
                lib.metrics = _load_list(lib, doc, ("metrics",), Metric, "metric", problems)
                if "indicators" in doc.data:  # optional: without it, no comparison tables
                    lib.indicators = _load_list(lib, doc, ("indicators",), Indicator, "indicator", problems)
    search_path = data_dir / "search.yaml"
    if os.path.lexists(search_path) and search_path not in refused:
        doc = load_yaml(search_path, lib.shown(search_path), problems, root)
        if doc is not None:
            lib.docs[doc.path] = doc
            if isinstance(doc.data, dict) and isinstance(doc.data.get("terms"), list):
                for i, term in enumerate(doc.data["terms"]):
                    if isinstance(term, str) and (found := formula_warning(doc.path, doc.line(("terms", i)),
                                                                           f"terms.{i}", term)):
                        problems.append(found)
            try:
                lib.search_terms = SearchTerms.model_validate(doc.data).terms
            except ValidationError as exc:
                problems.extend(model_problems(exc, doc, (), doc.path, None))
    glossary_path = data_dir / "glossary.yaml"  # optional: a library without one has no glossary page
    if os.path.lexists(glossary_path) and glossary_path not in refused:
        doc = load_yaml(glossary_path, lib.shown(glossary_path), problems, root)
        if doc is not None:
            lib.docs[doc.path] = doc
            lib.glossary = _load_list(lib, doc, (), GlossaryTerm, "term", problems)
    stories = 0
    for kind, file_name, model in (("cases", "case.yaml", Case), ("practices", "practice.yaml", Practice)):
        folder = data_dir / kind
        if folder in refused or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            subs = sorted(folder.iterdir())
        except OSError as exc:
            problems.append(Problem(lib.shown(folder), 1, "(folder)",
                                    f"cannot read the folder: {clip(exc.strerror or exc, 80)}",
                                    "check the folder's permissions", "file"))
            continue
        for sub in subs:
            if sub in refused or sub.is_symlink() or not sub.is_dir():
                continue
            stories += 1
            if stories > MAX_STORIES:
                problems.append(Problem(lib.shown(sub), 1, "(folder)",
                                        f"there are more than {MAX_STORIES:,} case and practice folders",
                                        "check that data/ is the library's folder; casegen reads at most "
                                        f"{MAX_STORIES:,}", "size"))
                return lib, problems
            _load_story(lib, sub, file_name, model, problems, refused, root)
    return lib, problems
