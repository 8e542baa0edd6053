"""Data downloads: each case's figures as CSV and JSON, the whole library as a Frictionless data package
(datapackage.json with a table schema per CSV) and as one Excel workbook (case-library.xlsx). Deterministic
text, LF line ends.

Every CSV starts with a byte-order mark: Excel and WPS on a Chinese Windows read a CSV without one in the
system's code page (GBK) and show the Chinese text garbled; with it they read UTF-8. The workbook has a sheet
of all figures with filters, a sheet per register and a notes sheet with the licence and how to cite.

CSV files are opened in spreadsheets, which run a cell that begins with =, +, - or @ as a formula
(=HYPERLINK(...) in a note would be a live link, worse a command). Every text cell of every CSV that begins
with one of those, a tab or a carriage return gets a leading ' (as OWASP recommends against CSV injection);
number columns (a figure's value, -592.4) are left as they are, and the JSON downloads keep the text as typed."""

from __future__ import annotations

import csv
import io
import json

from . import qualifiers
from .load import Library
from .models import FIGURE_COLUMNS, FLAGS

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}

_Q = FIGURE_COLUMNS.index("qualifier") + 1
# The download adds names beside the metric id and the English meaning beside the qualifier's word.
FIGURE_FIELDS = ["case", *FIGURE_COLUMNS[:1], "metric_zh", "metric_en", *FIGURE_COLUMNS[1:_Q], "qualifier_en",
                 *FIGURE_COLUMNS[_Q:]]
_DESCRIPTIONS = {
    "case": "slug of the case or practice page", "metric": "metric id (metrics.csv)",
    "metric_zh": "metric name in Chinese", "metric_en": "metric name in English",
    "value": "the number as the source printed it", "unit": "the unit as the source printed it",
    "qualifier": "the word next to the number in the source (约, 左右, 余, 多, 以上, 超过, 不到, 以下 …), or "
                 "about, over or under where the word is not known; empty when exact",
    "qualifier_en": "what the qualifier means: about, more than, under, at most or nearly; empty when exact",
    "start": "start of the period (YYYY[-MM[-DD]]); empty for 'as of end'",
    "end": "end of the period or as-of date (YYYY[-MM[-DD]])", "scope": "region id the figure describes (regions.csv)",
    "series": "actual, target, expected or plan", "category": "breakdown within the metric, if any",
    "source": "source id (sources.csv)", "locator": "where in the source the figure is",
    "note_zh": "note in Chinese", "note_en": "note in English",
    "flag": "contradiction in the source, on the row that explains it: " + ", ".join(FLAGS),
    "flag_zh": "explanation of the flag in Chinese", "flag_en": "explanation of the flag in English",
    "flag_group": "ids, separated by spaces, of the contradictions that concern this figure; every figure of this "
                  "case one contradiction concerns carries its id, and one of them carries flag, flag_zh and flag_en "
                  "with that id first",
}


# What a spreadsheet reads as the start of a formula (or of a cell it trims and then reads as one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Columns that hold numbers: written as they are (a quote would turn -592.4 into text).
NUMBER_COLUMNS = frozenset({"value"})


SPREADSHEET_NOTE = ("In the CSV files, a text cell that begins with =, +, - or @ (or a tab or a carriage return) carries "
                    "a leading ' so that spreadsheets show it as text instead of running it as a formula; remove it to "
                    "get the text as typed (the JSON downloads have it). Number columns are never changed.")


def spreadsheet_text(value) -> str:
    """A text cell that no spreadsheet runs: a leading ' before text that begins like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


BOM = "\ufeff"


def _csv(header: list[str], rows: list[list], numbers: frozenset[str] = NUMBER_COLUMNS) -> str:
    """A CSV file, with a byte-order mark, whose text cells are neutralised for spreadsheets (see
    spreadsheet_text); the header and the cells of ``numbers`` columns are written as they are."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    is_number = [name in numbers for name in header]
    writer.writerows([cell if number else spreadsheet_text(cell) for cell, number in zip(row, is_number)]
                     for row in rows)
    return out.getvalue()


def _figure_rows(lib: Library, slugs: list[str]) -> list[list]:
    rows = []
    for slug in slugs:
        for f in lib.figures.get(slug, []):
            metric = lib.metrics[f.metric]
            record = f.model_dump()
            record["value"] = f.published_value
            meaning = qualifiers.ENGLISH.get(qualifiers.meaning(f.qualifier), "")
            rows.append([slug, f.metric, metric.zh, metric.en] + [record[c] for c in FIGURE_COLUMNS[1:_Q]]
                        + [meaning] + [record[c] for c in FIGURE_COLUMNS[_Q:]])
    return rows


def case_csv(lib: Library, slug: str) -> str:
    return _csv(FIGURE_FIELDS, _figure_rows(lib, [slug]))


def case_json(lib: Library, slug: str) -> str:
    story = lib.practices[slug] if slug in lib.practices else lib.cases[slug]  # lib.stories()[slug], in O(1)
    figures = [dict(zip(FIGURE_FIELDS, row)) for row in _figure_rows(lib, [slug])]
    for f in figures:
        f["value"] = float(f["value"])
    cited = sorted({f["source"] for f in figures})
    document = {
        "case": slug,
        "title": story.title.model_dump(),
        "license": LICENSE,
        "figures": figures,
        "sources": [lib.sources[s].model_dump(exclude_none=True) for s in cited],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _schema(fields: list[tuple[str, str]], primary_key: list[str] | None = None, foreign: list | None = None) -> dict:
    schema: dict = {"fields": [{"name": n, "type": t, **({"description": _DESCRIPTIONS[n]} if n in _DESCRIPTIONS else {})}
                               for n, t in fields]}
    if primary_key:
        schema["primaryKey"] = primary_key
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def data_package(lib: Library) -> dict[str, str]:
    """downloads/*: the library's figures and registers as CSV plus their datapackage.json."""
    stories = list(lib.cases) + list(lib.practices)
    files = {
        "figures.csv": _csv(FIGURE_FIELDS, _figure_rows(lib, stories)),
        "sources.csv": _csv(["id", "title_zh", "title_en", "author", "author_en", "publisher", "publisher_en",
                             "published", "url"],
                            [[s.id, s.title.zh, s.title.en, s.author, s.author_en, s.publisher, s.publisher_en,
                              s.published, s.url or ""] for s in lib.sources.values()]),
        "metrics.csv": _csv(["id", "zh", "en", "unit", "kind", "group", "part_of"],
                            [[m.id, m.zh, m.en, m.unit, m.kind, m.group, m.part_of or ""] for m in lib.metrics.values()]),
        "regions.csv": _csv(["id", "zh", "en", "level", "parent"],
                            [[r.id, r.zh, r.en, r.level, r.parent or ""] for r in lib.regions.values()]),
    }
    figure_types = {"value": "number"}
    resources = [
        {"name": "figures", "path": "figures.csv", "title": "Figures of all cases and practices",
         "schema": _schema([(n, figure_types.get(n, "string")) for n in FIGURE_FIELDS],
                           ["case", "metric", "scope", "series", "category", "start", "end", "source"],
                           [{"fields": "source", "reference": {"resource": "sources", "fields": "id"}},
                            {"fields": "metric", "reference": {"resource": "metrics", "fields": "id"}},
                            {"fields": "scope", "reference": {"resource": "regions", "fields": "id"}}])},
        {"name": "sources", "path": "sources.csv", "title": "Source documents",
         "schema": _schema([(n, "string") for n in ["id", "title_zh", "title_en", "author", "author_en", "publisher",
                                                    "publisher_en", "published", "url"]], ["id"])},
        {"name": "metrics", "path": "metrics.csv", "title": "Measured quantities",
         "schema": _schema([(n, "string") for n in ["id", "zh", "en", "unit", "kind", "group", "part_of"]], ["id"])},
        {"name": "regions", "path": "regions.csv", "title": "Regions",
         "schema": _schema([(n, "string") for n in ["id", "zh", "en", "level", "parent"]], ["id"])},
    ]
    for resource in resources:
        resource.update({"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                         "encoding": "utf-8-sig"})  # UTF-8 after a byte-order mark
    package = {"profile": "tabular-data-package", "name": "east-west-labour-cooperation-cases",
               "title": "East–West labour cooperation case library (东西部扶贫劳务协作案例库)",
               "description": SPREADSHEET_NOTE, "licenses": [LICENSE], "resources": resources}
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    return files


# -- the workbook ------------------------------------------------------------------------------------------

WORKBOOK = "case-library.xlsx"
REGISTERS = ("sources", "metrics", "units", "regions", "mechanisms", "categories")


def _flat(record: dict, prefix: str = "") -> dict:
    """A register's record as columns: {zh, en} texts become x_zh and x_en, lists one cell joined by "; "."""
    out: dict = {}
    for name, value in record.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flat(value, key + "_"))
        elif isinstance(value, list):
            out[key] = "; ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value)
        else:
            out[key] = value
    return out


def _register_rows(records) -> tuple[list[str], list[list]]:
    flat = [_flat(r.model_dump(mode="json", exclude={"line", "file"})) for r in records]
    header = list(dict.fromkeys(["id", *(k for row in flat for k in row)]))
    return header, [[row.get(k) for k in header] for row in flat]


def _number(text: str):
    """A published value as a spreadsheet number (2150, 1.91), so that it sorts and filters as one."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _fill(sheet, header: list[str], rows: list[list], numbers: frozenset[str] = frozenset()) -> None:
    """Header in bold, frozen below it, a filter over the table; every text cell a string (never a formula)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    is_number = [name in numbers for name in header]
    for row in rows:
        sheet.append([None if v is None or v == "" else (_number(str(v)) if number else str(v))
                      for v, number in zip(row, is_number)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                # Written as text whatever it starts with: openpyxl would store "=…" as a formula. The quote
                # prefix keeps it text when a reader edits the cell, as Excel does for text typed after a '.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for i, name in enumerate(header, 1):
        longest = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 1.2 + 2))


def workbook(lib: Library, site_url: str | None = None, changed: str | None = None) -> bytes:
    """The whole library as one .xlsx: figures (with filters), one sheet per register, and notes."""
    from openpyxl import Workbook

    from . import ooxml
    from .cite import PUBLISHER

    book = Workbook()
    figures = book.active
    figures.title = "figures"
    stories = list(lib.cases) + list(lib.practices)
    _fill(figures, FIGURE_FIELDS, _figure_rows(lib, stories), NUMBER_COLUMNS)
    for name in REGISTERS:
        header, rows = _register_rows(getattr(lib, name).values())
        _fill(book.create_sheet(name), header, rows)
    notes = book.create_sheet("notes")
    address = f" {site_url}" if site_url else ""
    lines = [
        ["title", f"{PUBLISHER['zh']} · {PUBLISHER['en']}"],
        ["licence", f"{LICENSE['title']} ({LICENSE['name']}), {LICENSE['path']}: credit the library and the "
                    "original sources. 数据以 CC BY 4.0 许可发布，使用时请注明本库及原始来源。"],
        ["cite (GB/T 7714)", f"{PUBLISHER['zh']}. 数据下载[DB/OL]. ({changed or '—'}).{address}"],
        ["cite (APA)", f"{PUBLISHER['en']}. ({changed[:4] if changed else 'n.d.'}). Data downloads [Data set].{address}"],
        ["data last changed", changed or ""],
        ["figures", "One row a figure as its source published it, with its source id and locator; a flag marks a "
                    "contradiction in the source (explained in flag_zh, flag_en). Filters are on the header row."],
        *[[f"figures: {name}", _DESCRIPTIONS.get(name, "")] for name in FIGURE_FIELDS],
        *[[name, f"the {name} register (data/{name}.yaml)"] for name in REGISTERS],
    ]
    _fill(notes, ["about", "text"], lines)
    notes.auto_filter.ref = None
    book.properties.creator = PUBLISHER["en"]
    book.properties.title = f"{PUBLISHER['zh']} · {PUBLISHER['en']}"
    out = io.BytesIO()
    book.save(out)
    return ooxml.fixed(out.getvalue(), changed)
