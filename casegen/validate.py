"""Validate: checks across records, after each record has passed its own schema.

Every rule returns problems with the file, line and field to fix. Consistency rules
(sub-item above total, parts that do not add up) are errors unless a figure carries a flag,
because a contradiction in a source must be shown to readers, never silently kept.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections import defaultdict
from pathlib import Path

from . import keyfigures, qualifiers, storynumbers
from .load import Library, load_library
from .memo import remembered
from .models import FLAGS, MAX_BASE_VALUE, Figure, earliest, latest
from .problems import DataError, Problem, clip, errors, warning

FORECAST_SERIES = {"target", "expected", "plan"}
PLACEHOLDERS = ("待填写", "To do")


def _texts(value, loc: tuple = ()):
    """Every string in a record, with its location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _tolerance(figures: list[Figure], factor_of) -> float:
    """What rounding can explain: half a unit of the last published digit of each figure, summed."""
    return sum(0.5 * 10 ** -_decimals(f.published_value) * factor_of(f) for f in figures)


class Checker:
    def __init__(self, lib: Library):
        self.lib = lib
        self.problems: list[Problem] = []

    def add(self, path: str, line: int, field: str, message: str, hint: str = "", kind: str = "") -> None:
        self.problems.append(Problem(path, line, field, message, hint, kind))

    def unknown(self, target: str, value: str | None, known: dict) -> bool:
        """Whether ``value`` names no entry of the ``target`` register; a reference to an entry that failed
        its schema, or into a register that could not be read, is not reported again."""
        return value is not None and value not in known and value not in self.lib.invalid_ids and \
            target not in self.lib.unreadable

    # registers ---------------------------------------------------------------
    def _ref(self, kind: str, entry_id: str, field: str, value: str | None, known: dict, hint: str,
             target: str) -> None:
        if not self.unknown(target, value, known):
            return
        path, line = self.lib.entry_lines[(kind, entry_id)]
        self.add(path, line, f"{kind}[{clip(entry_id)}].{field}", f"unknown {field.replace('_', ' ')} '{clip(value)}'",
                 hint, "reference")

    def registers(self) -> None:
        lib = self.lib
        today = dt.date.today()
        for source in lib.sources.values():
            if earliest(source.published) > today:
                path, line = lib.entry_lines[("source", source.id)]
                entries = lib.docs[path].data
                index = next(i for i, item in enumerate(entries) if isinstance(item, dict) and item.get("id") == source.id)
                self.add(path, lib.docs[path].line((index, "published")), f"source[{source.id}].published",
                         f"published {source.published}, which is in the future",
                         "check the year: write the date printed on the source", "date")
        for region in lib.regions.values():
            self._ref("region", region.id, "parent", region.parent, lib.regions, "use a region id from data/regions.yaml",
                      "region")
        for metric in lib.metrics.values():
            self._ref("metric", metric.id, "unit", metric.unit, lib.units, "use a unit id from data/units.yaml", "unit")
            self._ref("metric", metric.id, "group", metric.group, lib.groups,
                      "use a group id from the groups list at the top of metrics.yaml", "group")
            self._ref("metric", metric.id, "part_of", metric.part_of, lib.metrics, "use a metric id from metrics.yaml",
                      "metric")
            if metric.part_of == metric.id:
                path, line = lib.entry_lines[("metric", metric.id)]
                self.add(path, line, f"metric[{metric.id}].part_of", "a metric cannot be part of itself",
                         "remove part_of or name the total", "reference")
        for indicator in lib.indicators.values():
            self._ref("indicator", indicator.id, "group", indicator.group, lib.groups,
                      "use a group id from the groups list at the top of metrics.yaml", "group")
            seen_metrics: set[tuple[str, str | None]] = set()
            for i, item in enumerate(indicator.metrics):
                self._ref("indicator", indicator.id, f"metrics.{i}.metric", item.metric, lib.metrics,
                          "use a metric id from metrics.yaml", "metric")
                self._ref("indicator", indicator.id, f"metrics.{i}.category", item.category, lib.categories,
                          "use a category id from data/categories.yaml", "category")
                if bool(item.differs_zh) != bool(item.differs_en):
                    path, line = lib.entry_lines[("indicator", indicator.id)]
                    self.add(path, line, f"indicator[{clip(indicator.id)}].metrics.{i}",
                             "a difference of definition is explained in one language only",
                             "write differs_zh and differs_en, or neither", "missing")
                if (item.metric, item.category) in seen_metrics:
                    path, line = lib.entry_lines[("indicator", indicator.id)]
                    self.add(path, line, f"indicator[{clip(indicator.id)}].metrics.{i}",
                             f"metric '{clip(item.metric)}' is listed twice", "list each metric once", "duplicate")
                seen_metrics.add((item.metric, item.category))
        for mechanism in lib.mechanisms.values():
            for i, group in enumerate(mechanism.groups):
                self._ref("mechanism", mechanism.id, f"groups.{i}", group, lib.groups,
                          "use a group id from the groups list at the top of metrics.yaml", "group")
        for region in lib.regions.values():
            seen, node = set(), region
            while node and node.parent:
                if node.id in seen:
                    path, line = lib.entry_lines[("region", region.id)]
                    self.add(path, line, f"region[{region.id}].parent", "the parent chain loops back to itself",
                             "a region's parent must be a larger region", "reference")
                    break
                seen.add(node.id)
                node = lib.regions.get(node.parent)

    # cases and practices -----------------------------------------------------
    def _context(self, *registers: str) -> tuple:
        """What a story's checks read besides its own files: the documents of ``registers`` (each loaded again only
        when its text changed, so the same objects while it is as it was), the entries that failed their schema and
        the registers that could not be read; with the documents, kept alive with the results keyed on their ids."""
        lib = self.lib
        docs = tuple(lib.docs.get(lib.shown(lib.data_dir / name)) for name in registers)
        return tuple(map(id, docs)), frozenset(lib.invalid_ids), frozenset(lib.unreadable), docs

    def _kept(self, key: tuple, check, *alive) -> None:
        """Run ``check()`` once per ``key`` for the process (casegen.memo), its problems given back on every call.
        A live preview validates the whole library at each save, and all but the edited story are as they were."""
        def run(found: list[Problem]) -> tuple:
            saved, self.problems = self.problems, found
            try:
                check()
            finally:
                self.problems = saved
            return alive  # kept alive with the results: the key's ids stay theirs

        remembered(key, run, self.problems)

    def stories(self) -> None:
        lib = self.lib
        # its own figures' checks (_own_figures) read the units and metrics
        *context, registers = self._context("regions.yaml", "sources.yaml", "mechanisms.yaml", "units.yaml",
                                            "metrics.yaml")
        slugs = (frozenset(lib.cases), frozenset(lib.practices))  # what parent and related may name
        for slug, story in lib.stories().items():
            is_case = slug in lib.cases
            path = f"{lib.shown(lib.data_dir)}/{'cases' if is_case else 'practices'}/{slug}/" \
                   f"{'case' if is_case else 'practice'}.yaml"
            doc = lib.docs[path]
            figures = tuple(lib.figures.get(slug, ()))
            self._kept(("story", path, id(doc), id(story), tuple(map(id, figures)), slug in lib.figures, *context,
                        slugs), lambda: self._story(slug, story, path, doc), doc, story, figures, registers)

    def _story(self, slug: str, story, path: str, doc) -> None:
        lib = self.lib
        is_case = slug in lib.cases

        def check(loc: tuple, value: str | None, known: dict, what: str, register: str, target: str) -> None:
            if self.unknown(target, value, known):
                self.add(path, doc.line(loc), ".".join(map(str, loc)), f"unknown {what} '{clip(value)}'",
                         f"use an id from {register}", "reference")

        if is_case:
            check(("east",), story.east, lib.regions, "region", "data/regions.yaml", "region")
            check(("west",), story.west, lib.regions, "region", "data/regions.yaml", "region")
            check(("parent",), story.parent, lib.cases, "case", "the folders under data/cases/", "case")
        else:
            check(("region",), story.region, lib.regions, "region", "data/regions.yaml", "region")
        for i, value in enumerate(story.sources):
            check(("sources", i), value, lib.sources, "source", "data/sources.yaml", "source")
        for i, value in enumerate(story.mechanisms):
            check(("mechanisms", i), value, lib.mechanisms, "mechanism", "data/mechanisms.yaml", "mechanism")
        for i, value in enumerate(story.related):
            check(("related", i), value, lib.stories(), "case or practice",
                  "the folders under data/cases/ or data/practices/", "case")
        for name in ("sources", "mechanisms", "related"):
            values = getattr(story, name)
            for i, value in enumerate(values):
                if value in values[:i]:
                    self.add(path, doc.line((name, i)), f"{name}.{i}",
                             f"'{clip(value)}' is listed twice (first as {name}.{values.index(value)})",
                             "remove the second entry", "duplicate")
                if name == "related" and value == slug:
                    self.add(path, doc.line(("related", i)), f"related.{i}", "a case cannot be related to itself",
                             "remove the entry", "reference")
        for loc, value in _texts(story.model_dump()):
            if value.strip().startswith(PLACEHOLDERS):
                self.add(path, doc.line(loc), ".".join(map(str, loc)), "placeholder text left from `casegen new`",
                         "write the text in your own words", "text")
        self._own_figures(slug, story, path, doc)
        cited = {f.source for f in lib.figures.get(slug, [])}
        for source in sorted(cited - set(story.sources)):
            if source in lib.sources:
                self.add(path, doc.line(("sources",)), "sources",
                         f"figures.csv cites source '{source}' which is not listed here",
                         f"add '{source}' to sources", "reference")

    def _own_figures(self, slug: str, story, path: str, doc) -> None:
        """What a story's texts say of its own figures: the numbers in them, its key figures, the figures of its
        mechanism uses. These take most of a validation, and depend on the story's two files and the units and
        metrics registers alone: the results are kept for the process (casegen.memo), keyed on those objects,
        which loading gives again unchanged while their files' text is (a preview's saves)."""
        lib = self.lib
        figures = tuple(lib.figures.get(slug, ()))
        registers = tuple(lib.docs.get(lib.shown(lib.data_dir / name)) for name in ("units.yaml", "metrics.yaml"))
        key = ("own-figures", path, id(doc), id(story), tuple(map(id, figures)), tuple(map(id, registers)),
               lib.figure_files.get(slug), slug in lib.figures)

        def check() -> None:
            self._story_numbers(slug, story, path, doc)
            self._key_figures(slug, story, path, doc)
            self._mechanism_uses(slug, story, path, doc)

        self._kept(key, check, doc, story, figures, registers)

    def _key_figures(self, slug: str, story, path: str, doc) -> None:
        """Each key figure names exactly one row of the case's figures.csv, and no row twice."""
        if slug not in self.lib.figures:
            return  # figures.csv could not be read: its own problem says so
        figures = self.lib.figures[slug]
        figures_file = self.lib.figure_files.get(slug, "figures.csv").rsplit("/", 1)[-1]
        named: dict[int, int] = {}
        for i, ref in enumerate(story.key_figures):
            field, line = f"key_figures.{i}", doc.line(("key_figures", i))
            found = keyfigures.matches(ref, figures)
            if not found:
                same_metric = [f for f in figures if f.metric == ref.metric]
                self.add(path, line, field, f"no row of {figures_file} matches {clip(ref.shown(), 120)}",
                         f"the metric has rows on lines {', '.join(str(f.line) for f in same_metric[:8])}: copy "
                         "their category, scope, series, start, end or source" if same_metric else
                         f"use a metric of {figures_file}; check the spelling", "reference")
            elif len(found) > 1:
                differ = [name for name in ("category", "scope", "series", "start", "end", "source")
                          if len({getattr(f, name) for f in found}) > 1]
                self.add(path, line, field, f"{len(found)} rows of {figures_file} match {clip(ref.shown(), 120)} "
                         f"(lines {', '.join(str(f.line) for f in found[:8])})",
                         f"add {' or '.join(differ) or 'another column'} to name one row, e.g. "
                         f"{{metric: {ref.metric}, {differ[0] if differ else 'source'}: "
                         f"{getattr(found[0], differ[0] if differ else 'source') or chr(39) * 2}}}", "reference")
            elif found[0].line in named:
                self.add(path, line, field, f"names the same figure ({figures_file} line {found[0].line}) as "
                         f"key_figures.{named[found[0].line]}", "remove one of the two entries", "duplicate")
            else:
                named[found[0].line] = i

    def _mechanism_uses(self, slug: str, story, path: str, doc) -> None:
        """How a case used a mechanism is said for one of its own mechanisms, once."""
        seen: dict[str, int] = {}
        for i, use in enumerate(story.mechanism_uses):
            for j, ref in enumerate(use.figures):
                if slug in self.lib.figures:
                    found = keyfigures.matches(ref, self.lib.figures[slug])
                    if len(found) != 1:
                        self.add(path, doc.line(("mechanism_uses", i, "figures", j)), f"mechanism_uses.{i}.figures.{j}",
                                 f"{len(found) or 'no'} row{'s' if len(found) != 1 else ''} of figures.csv match "
                                 f"{clip(ref.shown(), 120)}",
                                 "name one row: metric, plus category, scope, series, start, end or source", "reference")
            field, line = f"mechanism_uses.{i}.mechanism", doc.line(("mechanism_uses", i, "mechanism"))
            if use.mechanism not in story.mechanisms:
                self.add(path, line, field, f"'{clip(use.mechanism)}' is not among this story's mechanisms",
                         "add it to mechanisms, or correct the id", "reference")
            elif use.mechanism in seen:
                self.add(path, line, field, f"'{clip(use.mechanism)}' is described twice (first as "
                         f"mechanism_uses.{seen[use.mechanism]})", "merge the two entries", "duplicate")
            else:
                seen[use.mechanism] = i

    def _story_numbers(self, slug: str, story, path: str, doc) -> None:
        """Every number in the story's texts is a figure of the case, clearly no figure (a year, a date, an
        ordinal, a list marker) or listed under not_figures (see storynumbers)."""
        lib = self.lib
        units = storynumbers.unit_table(lib.units)
        values = storynumbers.figure_values(lib.figures.get(slug, []), lib.units, lib.metrics)
        figures_file = lib.figure_files.get(slug, "figures.csv").rsplit("/", 1)[-1]
        for found in storynumbers.findings(story, values, units):
            if found.figure is not None or found.marked is not None:
                continue
            nearest = storynumbers.closest(found.number, values, units)
            near = f" (closest: {nearest.shown}, {figures_file} line {nearest.line})" if nearest else ""
            self.add(path, doc.text_line(found.loc, found.number.start), ".".join(map(str, found.loc)),
                     f"{found.number.shown()} is not a figure of this case{near}",
                     "correct the number; or add the figure to figures.csv with its source and locator; or list it "
                     "under not_figures with a reason (a name; a derived number with its formula)", "story-number")
        for i in storynumbers.unused(story):
            entry = story.not_figures[i]
            where = {"zh": "the Chinese story", "en": "the English story"}.get(entry.lang, "the story")
            self.problems.append(warning(path, doc.line(("not_figures", i, "number")), f"not_figures.{i}.number",
                                         f"'{clip(entry.number)}' does not occur in {where}",
                                         "remove the entry, or copy the number exactly as the text writes it",
                                         "story-number"))

    # figures -----------------------------------------------------------------
    def figures(self) -> None:
        lib = self.lib
        *context, registers = self._context("metrics.yaml", "units.yaml", "regions.yaml", "sources.yaml",
                                            "categories.yaml")
        for slug, figures in lib.figures.items():
            path = lib.figure_files[slug]
            figures = tuple(figures)
            self._kept(("figures", path, tuple(map(id, figures)), *context),
                       lambda: self._story_figures(path, figures), figures, registers)

    def _story_figures(self, path: str, figures: tuple[Figure, ...]) -> None:
        seen: dict[tuple, int] = {}
        for f in figures:
            self._figure(path, f)
            if f.key in seen:
                self.add(path, f.line, "metric",
                         f"duplicate figure: line {seen[f.key]} already has {f.metric} for {f.scope}, "
                         f"{f.series}, {f.start or '…'}–{f.end}, {f.category or 'no category'}, {f.source}",
                         "remove one row, or tell them apart by category or period", "duplicate")
            else:
                seen[f.key] = f.line
        self._explained = self._flag_groups(path, list(figures))
        self._consistency(path, list(figures))

    def _flag_groups(self, path: str, figures: list[Figure]) -> set[str]:
        """A flag group names the figures one contradiction concerns: at least two, one of them explaining it
        (a flag explains the first group its row lists). Returns the groups that carry an explanation."""
        groups: dict[str, list[Figure]] = defaultdict(list)
        for f in figures:
            for group in f.flag_groups:
                groups[group].append(f)
        for group, members in groups.items():
            explaining = [f for f in members if f.flag and f.flag_groups[0] == group]
            lines = ", ".join(str(f.line) for f in members)
            if len(members) == 1 and not explaining:
                self.add(path, members[0].line, "flag_group",
                         f"unknown flag group '{clip(group)}': no other figure carries it and none explains it",
                         "check the spelling against the group's other rows, or remove the id from flag_group",
                         "flag")
            elif len(members) == 1:
                self.add(path, members[0].line, "flag_group",
                         f"flag group '{clip(group)}' has this figure only",
                         "give the group id to every figure the contradiction concerns, or clear flag_group",
                         "flag")
            elif not explaining:
                flagged_elsewhere = [f for f in members if f.flag]
                fix = (f"line {flagged_elsewhere[0].line} carries a flag but lists '{clip(group)}' after "
                       f"'{clip(flagged_elsewhere[0].flag_groups[0])}': a flag explains the first id of its row; "
                       "put this group's id first there, or set flag, flag_zh and flag_en on another row of the "
                       "group") if flagged_elsewhere else "set flag, flag_zh and flag_en on one row of the group"
                self.add(path, members[0].line, "flag_group",
                         f"no figure of flag group '{clip(group)}' (lines {lines}) carries the flag", fix, "flag")
            for f in explaining[1:]:
                first = explaining[0]
                same = (f.flag, f.flag_zh, f.flag_en) == (first.flag, first.flag_zh, first.flag_en)
                self.add(path, f.line, "flag",
                         f"flag group '{clip(group)}' is explained {'again' if same else 'differently'} here "
                         f"(first on line {first.line})",
                         "keep the explanation on one row of the group and clear flag, flag_zh and flag_en on the "
                         "others", "flag")
        return {group for group, members in groups.items()
                if any(f.flag and f.flag_groups[0] == group for f in members)}

    def _flagged(self, f: Figure) -> bool:
        """Whether a figure carries a flag or belongs to a flag group that has one (its contradiction is shown)."""
        return bool(f.flag) or bool(set(f.flag_groups) & getattr(self, "_explained", set()))

    def _figure(self, path: str, f: Figure) -> None:
        lib = self.lib
        metric = lib.metrics.get(f.metric)
        if self.unknown("metric", f.metric, lib.metrics):
            self.add(path, f.line, "metric", f"unknown metric '{clip(f.metric)}'",
                     "use an id from data/metrics.yaml or add the metric there", "reference")
        unit = lib.units.get(f.unit)
        if unit is None:
            if self.unknown("unit", f.unit, lib.units):
                self.add(path, f.line, "unit", f"unknown unit '{clip(f.unit)}'",
                         "use a unit from data/units.yaml (单位), e.g. 人, 万人, 万元", "reference")
        elif metric is not None and metric.unit in lib.units and f.unit not in metric.units_also and \
                lib.units[metric.unit].dimension != unit.dimension:
            self.add(path, f.line, "unit",
                     f"unit '{f.unit}' ({unit.dimension}) contradicts metric {f.metric}, measured in "
                     f"'{metric.unit}' ({lib.units[metric.unit].dimension})",
                     "use a unit of the metric's dimension, or choose the right metric", "unit")
        if self.unknown("region", f.scope, lib.regions):
            self.add(path, f.line, "scope", f"unknown region '{clip(f.scope)}'",
                     "use a region id from data/regions.yaml (地区) or add the region there", "reference")
        source = lib.sources.get(f.source)
        if source is None:
            if self.unknown("source", f.source, lib.sources):
                self.add(path, f.line, "source", f"unknown source '{clip(f.source)}'",
                         "use a source id from data/sources.yaml (来源)", "reference")
        elif f.series not in FORECAST_SERIES and earliest(f.end) > latest(source.published):
            self.add(path, f.line, "end",
                     f"dated {f.end}, after its source was published ({source.published})",
                     "check the year; a figure about the future is a target, plan or expected value (series)", "date")
        if f.category and self.unknown("category", f.category, lib.categories):
            self.add(path, f.line, "category", f"unknown category '{clip(f.category)}'",
                     "use an id from data/categories.yaml or add it there", "reference")
        if metric is not None and metric.kind == "count" and f.value < 0:
            self.add(path, f.line, "value", f"negative count {f.published_value}",
                     "a count cannot be below zero: check the sign or the metric", "value")
        if not math.isfinite(f.value):
            self.add(path, f.line, "value", "the value is not a finite number", "write the number as published", "value")
        elif unit is not None and not abs(f.value * unit.factor) <= MAX_BASE_VALUE:
            # converted, it would overflow what charts and comparisons compute with (Decimal, 28 digits)
            self.add(path, f.line, "value",
                     f"{f.published_value} {f.unit} is {f.value * unit.factor:.3g} in the base unit of "
                     f"{unit.dimension}; casegen handles at most {MAX_BASE_VALUE:.0e}",
                     "check the digits and the unit (万 is 10,000, 亿 100,000,000)", "value")
        if bool(f.note_zh.strip()) != bool(f.note_en.strip()):
            self.add(path, f.line, "note_en" if f.note_zh.strip() else "note_zh",
                     "a note needs both languages", "write the note in both note_zh and note_en", "text")
        if f.flag and not (f.flag_zh.strip() and f.flag_en.strip()):
            self.add(path, f.line, "flag_en" if f.flag_zh.strip() else "flag_zh",
                     f"flag '{f.flag}' needs an explanation in both languages",
                     "say in flag_zh and flag_en which numbers disagree", "text")
        if not f.flag and (f.flag_zh.strip() or f.flag_en.strip()):
            self.add(path, f.line, "flag", "an explanation is given but flag is empty",
                     "set flag to one of " + ", ".join(FLAGS), "text")

    def _in_base(self, f: Figure) -> float:
        unit = self.lib.units.get(f.unit)
        return f.value * (unit.factor if unit else 1.0)

    def _factor(self, f: Figure) -> float:
        unit = self.lib.units.get(f.unit)
        return unit.factor if unit else 1.0

    def _consistency(self, path: str, figures: list[Figure]) -> None:
        lib = self.lib
        # a figure in an unknown or broken unit cannot be converted: its own problem is reported already
        figures = [f for f in figures if f.unit in lib.units]
        by_key = {(f.metric,) + f.period_key: f for f in figures}
        parts: dict[tuple, list[Figure]] = defaultdict(list)
        for f in figures:
            metric = lib.metrics.get(f.metric)
            if metric is None or metric.part_of is None:
                continue
            scope, series, category, start, end, source = f.period_key
            total_key = next((k for k in ((metric.part_of,) + f.period_key,
                                          (metric.part_of, scope, series, "", start, end, source)) if k in by_key), None)
            if total_key is None:
                continue
            total = by_key[total_key]
            parts[total_key].append(f)
            if qualifiers.may_fall_short(f.qualifier) or qualifiers.may_exceed(total.qualifier):
                continue  # the true sub-item may be smaller, or the true total larger: no proof of a contradiction
            if self._in_base(f) > self._in_base(total) + _tolerance([f, total], self._factor) and \
                    not (self._flagged(f) or self._flagged(total)):
                self.add(path, f.line, "value",
                         f"sub-item {f.metric} = {f.published_value} {f.unit} exceeds its total {total.metric} = "
                         f"{total.published_value} {total.unit} (line {total.line})",
                         "if the source prints it so, keep the numbers and set flag=sub-exceeds-total with an "
                         "explanation in flag_zh and flag_en; otherwise correct the typo", "consistency")
        for key, items in parts.items():
            total = by_key[key]
            metric = lib.metrics[total.metric]
            if not metric.sum_of_parts or any(f.qualifier for f in items + [total]):
                continue
            gap = sum(self._in_base(f) for f in items) - self._in_base(total)
            if abs(gap) > _tolerance(items + [total], self._factor) and \
                    not (self._flagged(total) or any(self._flagged(f) for f in items)):
                self.add(path, total.line, "value",
                         f"the parts of {total.metric} (lines {', '.join(str(f.line) for f in items)}) add up to "
                         f"{sum(self._in_base(f) for f in items) / self._factor(total):g} {total.unit}, "
                         f"not {total.published_value} {total.unit}",
                         "if the source prints it so, set flag=parts-mismatch with an explanation; otherwise "
                         "correct the typo", "consistency")


def check(lib: Library) -> list[Problem]:
    checker = Checker(lib)
    checker.registers()
    checker.stories()
    checker.figures()
    return checker.problems


def report_warnings(warnings: list[Problem]) -> None:
    """Print warnings on stderr, as errors are printed (`casegen validate` and `build` show them this way)."""
    for problem in warnings:
        print(problem, file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} warning(s); nothing stops the build.", file=sys.stderr)


def validate(data_dir: Path, on_warnings=report_warnings) -> Library:
    """Load and check ``data_dir``; raise DataError with every problem (the warnings too) if there is an
    error, or return the library. Warnings alone stop nothing: they are kept in ``lib.warnings`` and handed
    to ``on_warnings`` (printed on stderr by default; pass None to keep them quiet)."""
    lib, problems = load_library(data_dir)
    problems += check(lib)
    if errors(problems):
        raise DataError(problems)
    lib.warnings = sorted(problems)
    if on_warnings is not None and lib.warnings:
        on_warnings(lib.warnings)
    return lib
