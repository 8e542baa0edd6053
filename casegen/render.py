"""Render: turn the loaded library into Markdown pages (path → text), one template per page kind.

Pure: no file is written here; besides the templates, only the data files are read, for the bytes that
key each unit of output (see site_units). Every editor string passes through
text.escape on its way into a page (it is the environment's ``finalize``), so a template cannot
forget to escape; narrative fields go through the ``prose`` filter (text.prose), which gives paragraphs and
nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, NamedTuple

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import keyfigures, locators, memo, qualifiers, scales, storynumbers, text
from .cite import cite
from .diagram import pairings_svg
from .derive import Derived, comparisons
from .load import Library
from .models import Case, Figure, Practice
from .write import CacheFile

TEMPLATES = Path(__file__).parent / "templates"
# Screens narrower than this get the phone variant of a chart: on them the wide one (about 640 px) would shrink its
# 12 px text under 11 px.
NARROW_MEDIA = "(max-width: 639px)"
LANGS = ("zh", "en")


def page_path(rel: str, lang: str) -> str:
    """build/docs path of a page: Chinese at index.md, English beside it at index.en.md."""
    return asset_path(rel, lang)


def asset_path(rel: str, lang: str) -> str:
    """Chinese at x.svg, English at x.en.svg: mkdocs-static-i18n serves each under the same URL
    in its language's tree, so a page links ``x.svg`` whatever its language."""
    if lang == "zh":
        return rel
    stem, dot, ext = rel.rpartition(".")
    return f"{stem}.en.{ext}"


def figure_anchor(line: int) -> str:
    """The id of a figure's row in the figure table of its case's data page: fig-<its line in figures.csv>."""
    return f"fig-{int(line)}"


DATA_PAGE = "data.md"  # beside a story's index.md: /cases/<slug>/data/, every figure of the case


def english_unit(lib: Library, f: Figure, unit) -> str:
    """What an English page calls the unit of ``f``: the metric's own noun where the unit is a generic counter
    (个, 家, 次 …: 20,605 jobs, 14 cities, never 'units'), else the unit's English name."""
    metric = lib.metrics.get(f.metric)
    if metric is not None and metric.noun and unit.dimension == "items":
        return metric.noun
    return unit.en


def base_unit(lib: Library, unit):
    """The unit a 万 or 亿 unit counts in (万次 → 次, 万人 → 人), else its dimension's unit of factor 1."""
    for prefix in ("万", "亿"):
        if unit.id.startswith(prefix) and unit.id[len(prefix):] in lib.units:
            return lib.units[unit.id[len(prefix):]]
    return next((b for b in lib.units.values() if b.dimension == unit.dimension and b.factor == 1), None)


@dataclass
class FigureGroup:
    metric_id: str
    figures: list[Figure]


@functools.lru_cache(maxsize=2)
def _environment(templates: Path) -> Environment:
    """The templates' environment, one per process: it keeps the templates compiled from one generation to the
    next (the live preview's), and compiles again a template whose file changed (auto_reload)."""
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        finalize=text.escape,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
    env.filters.update(prose=text.prose, yamlstr=text.yaml_string)  # prose: paragraphs and nothing else
    return env


def compile_templates() -> None:
    """Compile every page template now (the live preview does it once it is up): its first build renders nothing
    when the pages are intact, and an editor's first save would otherwise wait for the compiling (about 0.2 s)."""
    env = _environment(TEMPLATES)
    for name in env.list_templates(filter_func=lambda name: name.endswith(".md.j2") and "/" not in name):
        env.get_template(name)


class Renderer:
    def __init__(self, lib: Library, site_url: str | None = None, changed: dict[str, str | None] | None = None,
                 handouts: bool = False, preview: bool = False):
        self.lib = lib
        self.stories = lib.stories()  # once: lib.stories() builds a new dict on every call
        self.handouts = handouts
        # the live preview (casegen serve): pages and SVG charts, without the binary downloads (PNG, PPTX, XLSX)
        # that only `casegen build` makes; where the pages would link them they say so (label "preview_only")
        self.preview = preview
        self.site_url = site_url
        self.changed = changed or {}
        from .search_data import labels  # parsed once per text of labels.yaml (a preview renders at every save)

        self.labels = {key: dict(words) for key, words in labels(TEMPLATES / "labels.yaml").items()}
        self.env = _environment(TEMPLATES)
        self.comparison_keys: dict[str, str] | None = None  # by group, what its comparison depends on (site_units)

    # helpers given to every template -------------------------------------------
    def helpers(self, lang: str, depth: int) -> dict:
        lib, labels = self.lib, self.labels
        up = "../" * depth

        def t(key: str) -> str:
            return labels[key][lang]

        def tr(value) -> str:
            return getattr(value, lang)

        def link(label: str, target: str) -> Markup:
            """A Markdown link whose label is editor text (escaped) and whose target is ours."""
            return Markup(f"[{text.escape(label)}]({up}{target})")

        def built_link(label: str, target: str) -> Markup:
            """``link`` to a file only a full build makes (a PNG, a deck, the workbook): in the live preview the
            label alone, saying the build makes it."""
            if self.preview:
                return Markup(f"{text.escape(label)}{t('open_paren')}{t('preview_only')}{t('close_paren')}")
            return link(label, target)

        def region(region_id: str) -> str:
            r = lib.regions.get(region_id)
            return r.name(lang) if r else region_id

        def region_path(region_id: str) -> str:
            names, node = [], lib.regions.get(region_id)
            while node and node.level != "country":
                names.append(node.name(lang))
                node = lib.regions.get(node.parent) if node.parent else None
            return (" " if lang == "en" else "").join(reversed(names)) if lang == "zh" else ", ".join(names)

        def story_link(slug: str) -> Markup:
            story = self.stories[slug]
            folder = "cases" if slug in lib.cases else "practices"
            return link(tr(story.title), f"{folder}/{slug}/index.md")

        def source_link(source_id: str) -> Markup:
            source = lib.sources.get(source_id)
            return link(tr(source.short) if source else source_id, f"sources/index.md#{source_id}")

        def mechanism_link(mechanism_id: str) -> Markup:
            mechanism = lib.mechanisms.get(mechanism_id)
            return link(tr(mechanism), f"mechanisms/{mechanism_id}.md") if mechanism else text.escape(mechanism_id)

        def value(f: Figure) -> str:
            shown = text.number(f.published_value, lang)
            return qualifiers.zh(shown, "", f.qualifier) if lang == "zh" else qualifiers.en(shown, f.qualifier)

        def amount(f: Figure, as_published: bool = False) -> Markup:
            """Value and unit as a reader says them. In English a count in a generic unit takes the metric's noun
            (20,605 jobs), and a 万 or 亿 unit is written out in full (18.7万人 → 187,000 people); ``as_published``
            (the tables a reader checks a figure in: the data page, the comparisons) adds the published form
            beside it, marked as Chinese. A 0–1 share reads as a percentage, a mean of codes with what its codes
            stand for (casegen.scales)."""
            u = lib.units.get(f.unit)
            shown = text.number(f.published_value, lang)
            if scales.is_share(f.unit):
                pct = f"{text.number(scales.percent(f.published_value), lang)}%"
                return text.escape(qualifiers.zh(pct, "", f.qualifier) if lang == "zh" else
                                   qualifiers.en(pct, f.qualifier))
            m = lib.metrics.get(f.metric)
            if scales.is_code_mean(f.unit) and m is not None and m.codes is not None:
                said = t("code_mean").replace("N", shown).replace("CODES", getattr(m.codes, lang))
                return text.escape(said + ("" if m.ordered_codes else t("codes_unordered")))
            if lang == "zh":  # one line: a browser breaks 18962|人 where a column is narrow
                return Markup('<span class="cg-nw">') + text.escape(qualifiers.zh(shown, u.zh if u else f.unit, f.qualifier)) \
                    + Markup("</span>")
            if u and u.factor >= 10000 and (base := base_unit(lib, u)) is not None:
                full = text.number(f"{f.value * u.factor / base.factor:.0f}", "en")
                said = text.escape(qualifiers.en(f"{full}\u00a0{english_unit(lib, f, base)}", f.qualifier))
                if not as_published:
                    return said
                published = qualifiers.zh(text.number(f.published_value, "zh"), u.zh, f.qualifier)
                return said + Markup(' (<span lang="zh">') + text.escape(published) + Markup("</span>)")
            word = english_unit(lib, f, u) if u else f.unit
            return text.escape(qualifiers.en(f"{shown}{'' if word == '%' else chr(0xa0)}{word}", f.qualifier))  # 21.5%

        def locator(f: Figure) -> Markup:
            return locators.shown(f.locator, lang)

        def note(f: Figure) -> Markup:
            return text.escape(f.note_zh) if lang == "zh" else locators.mark_chinese(f.note_en)

        def flag_text(flag) -> Markup:
            return marked(flag.zh if lang == "zh" else flag.en)

        def marked(value: str) -> Markup:
            """Editor text of the page's language; on an English page the source's Chinese words it quotes are
            marked as Chinese (locators.mark_chinese)."""
            return text.escape(value) if lang == "zh" else locators.mark_chinese(value)

        def unit(unit_id: str) -> str:
            u = lib.units.get(unit_id)
            return u.name(lang) if u else unit_id

        def metric(metric_id: str, alone: bool = False) -> str:
            """A metric's name; ``alone`` (a figure shown apart from its total: headlines, key figures, lists) puts
            the total in front of a sub-item named "其中…"/"of which …", so that it reads on its own."""
            from .charts import metric_name

            return metric_name(lib, metric_id, lang, with_parent=alone)

        def category(category_id: str) -> str:
            c = lib.categories.get(category_id)
            return c.name(lang) if c else category_id

        def period(start: str, end: str) -> Markup:  # on a page: each date kept on one line
            return text.period(start, end, lang, kept="md")

        def period_text(start: str, end: str) -> str:  # in a deck, a handout, a chart: plain text
            return text.period(start, end, lang)

        def derived_value(d: Derived) -> str:
            if d.ratio.kind == "share":
                return f"{d.value:.1f}%"
            if d.ratio.kind == "difference":
                base = lib.units[d.numerator.unit]
                return f"{d.value:,.1f}\u00a0{base.name(lang)}" if base.factor == 1 else f"{d.value:,.0f}"
            return f"{d.value:.1f}"

        def flag_mark(f: Figure, page: str = "") -> Markup:
            """At a figure contradictions concern: a marker linking to each one's explanation on the data page
            (``page`` is DATA_PAGE from the story page beside it, "" on the data page itself)."""
            found = lib.flags_of(f)
            if not found:
                return Markup("")
            label = text.escape(t("flag_marker"))
            if len(found) == 1:
                return Markup(f' [⚠\u00a0<span class="cg-nw">{label}</span>]({page}#{found[0].anchor})')
            return Markup(f' ⚠\u00a0<span class="cg-nw">{label}</span>' + "".join(f" [{n}]({page}#{flag.anchor})" for n, flag in enumerate(found, 1)))

        def flags_in(figures: list[Figure]) -> list:
            """The flags that concern any of ``figures``, once each, in the order of the figures."""
            found = {}
            for f in figures:
                for flag in lib.flags_of(f):
                    found.setdefault(flag.anchor, flag)
            return list(found.values())

        def flag_target(flag) -> str:
            """Where a flag is explained: its entry on the data page of its case or practice."""
            return f"{self.folder(flag.slug)}/{flag.slug}/{DATA_PAGE}#{flag.anchor}"

        def figure_target(slug: str, f: Figure) -> str:
            """A figure's row on the data page of its case or practice."""
            return f"{self.folder(slug)}/{slug}/{DATA_PAGE}#{figure_anchor(f.line)}"

        def link_figure(slug: str, f: Figure) -> Markup:
            """A figure's value and unit, linking to its row on the data page."""
            return link(amount(f), figure_target(slug, f))

        def chart_html(chart) -> Markup:
            """A chart as a static SVG image with its caption and, below, its data as a table."""
            esc = text.html_attr
            src = f"charts/{chart.id}.svg"  # each language build gets its own file (see asset_path)
            img = f'<img src="{src}" alt="{esc(chart.alt)}" loading="lazy">'
            if getattr(chart, "svg_narrow", ""):
                # a phone gets the chart drawn for its width, so its text keeps its size (12 px and up)
                img = for_phones(img, f"charts/{chart.id}.narrow.svg")
            # The SVG carries its title, unit and source line (so it keeps them on a slide): the caption
            # offers the downloads and does not repeat the title.
            head = [f'<figure class="cg-chart" id="chart-{chart.id}" data-title="{esc(chart.title)}" markdown="0">',
                    img,
                    f'<figcaption><a href="{src}" download>{esc(t("download_svg"))}</a>'
                    + ("" if self.preview else
                       f' · <a href="{src.removesuffix(".svg")}.png" download>{esc(t("download_png"))}</a>')
                    + '</figcaption>',
                    "</figure>", "",
                    f'??? note "{esc(t("data_table"))}{esc(t("colon"))}{esc(chart.title)}"', ""]
            header, *rows = chart.table
            lines = ["    | " + " | ".join(text.escape(c) for c in header) + " |",
                     "    |" + "---|" * len(header)]
            lines += ["    | " + " | ".join(text.escape(c) for c in row) + " |" for row in rows]
            return Markup("\n".join(head + lines) + "\n")

        return dict(lang=lang, t=t, tr=tr, link=link, region=region, region_path=region_path,
                    derived_value=derived_value, chart_html=chart_html, mechanism_link=mechanism_link, amount=amount,
                    story_link=story_link, source_link=source_link, value=value, unit=unit, metric=metric,
                    figure_anchor=figure_anchor, locator=locator, note=note, flag_text=flag_text, marked=marked,
                    figure_target=figure_target, link_figure=link_figure, built_link=built_link, preview=self.preview, data_page=Markup(DATA_PAGE), number=lambda v: text.number(str(v), lang),
                    html=lambda v: Markup(text.html_attr(v)),  # text inside an HTML element we write
                    flag_of=lib.flag_of, flags_of=lib.flags_of, flag_mark=flag_mark, flag_target=flag_target, flags_in=flags_in,
                    category=category, period=period, period_text=period_text, lib=lib, up=up, date=lambda d: text.date(d, lang))

    def render(self, template: str, lang: str, depth: int, **context) -> str:
        return self.env.get_template(template).render(**self.helpers(lang, depth), **context)

    # page kinds -----------------------------------------------------------------
    def figure_groups(self, figures: list[Figure]) -> list[FigureGroup]:
        """Figures grouped by metric, in the order the metrics register lists them."""
        by_metric: dict[str, list[Figure]] = defaultdict(list)
        for f in figures:
            by_metric[f.metric].append(f)
        order = {m: i for i, m in enumerate(self.lib.metrics)}
        return [FigureGroup(m, by_metric[m]) for m in sorted(by_metric, key=lambda m: (order.get(m, 1e9), m))]

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for slug, case in self.lib.cases.items():
            if case.parent:
                out[case.parent].append(slug)
        return out

    def key_figures(self, slug: str, limit: int = 6) -> list[Figure]:
        """What leads a story page: its editor's key_figures, or the rule's outcomes (see keyfigures). Once per
        library: the home page's key asks for every case's first."""
        memo = self.lib.memo("key_figures")
        if (slug, limit) not in memo:
            memo[(slug, limit)] = keyfigures.chosen(self.lib, slug, limit)
        return memo[(slug, limit)]

    def folder(self, slug: str) -> str:
        return "cases" if slug in self.lib.cases else "practices"

    def citation(self, slug: str, lang: str):
        story = self.stories[slug]
        return cite(slug, getattr(story.title, lang), lang, self.page_url(slug, lang), self.changed.get(slug))

    def page_url(self, slug: str, lang: str) -> str | None:
        """A story page's published address, or None where the site's address is not known."""
        if not self.site_url:
            return None
        return f"{self.site_url}{'' if lang == 'zh' else 'en/'}{self.folder(slug)}/{slug}/"

    def story_page(self, slug: str, lang: str, charts: list) -> str:
        lib = self.lib
        story = self.stories[slug]
        figures = lib.figures.get(slug, [])
        flags = lib.flag_index().by_story.get(slug, [])
        return self.render(
            "story.md.j2", lang, depth=2, slug=slug, folder=self.folder(slug), story=story,
            is_case=isinstance(story, Case), flag_count=len(flags),
            flagged_figures=len({f.line for flag in flags for f in flag.figures}),  # once however many concern it
            children=sorted(self.children.get(slug, [])), figure_count=len(figures),
            key_figures=self.key_figures(slug), charts=charts, citation=self.citation(slug, lang),
            handout=f"{slug}-handout.pdf" if self.handouts and slug in lib.cases else None,
            citation_url=self.page_url(slug, lang),
            changed=self.changed.get(slug), pre=lambda value: Markup(f"<pre class=\"cg-cite\"><code>"
                                                                    f"{text.html_attr(value)}</code></pre>"),
            **self.story_numbers(slug, lang))

    def data_page(self, slug: str, lang: str) -> str:
        """Every figure of a story in one table (sortable and filterable where JavaScript runs), and each
        contradiction in its sources explained once, with links to the figures it concerns and back."""
        lib = self.lib
        story = self.stories[slug]
        figures = lib.figures.get(slug, [])
        order = {m: i for i, m in enumerate(lib.metrics)}
        rows = sorted(figures, key=lambda f: (order.get(f.metric, len(order)), f.line))
        return self.render("data.md.j2", lang, depth=2, slug=slug, folder=self.folder(slug), story=story,
                           rows=rows, flags=lib.flag_index().by_story.get(slug, []),
                           citation_url=self.page_url(slug, lang))

    def glossary_spans(self, lang: str) -> Callable[[str], list]:
        """spans(text) → a tooltip (text.Tip) on the first use of each glossary term on one page: a new function
        for each page, which remembers the terms it has explained."""
        seen: set[str] = set()
        terms = [(term, form) for term in self.lib.glossary.values() for form in getattr(term.forms, lang)]
        terms.sort(key=lambda tf: -len(tf[1]))  # 东西部扶贫协作 before 扶贫协作

        def spans(value: str) -> list:
            out, taken = [], []
            for term, form in terms:
                if term.id in seen:
                    continue
                if lang == "zh":
                    m = re.search(re.escape(form), value)
                else:
                    m = re.search(r"(?<![A-Za-z-])" + re.escape(form) + r"(?![A-Za-z])", value, flags=re.I)
                if m is None or any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                seen.add(term.id)
                taken.append((m.start(), m.end()))
                head = term.forms.zh[0] if lang == "zh" else term.forms.en[0]
                out.append((m.start(), m.end(), text.Tip(f"{head}{self.labels['colon'][lang]}"
                                                         f"{getattr(term.definition, lang)}")))
            return out

        return spans

    def story_numbers(self, slug: str, lang: str) -> dict:
        """``story_prose`` and ``story_text`` for a story page: its paragraphs (and trainer-kit items), where each
        number that states a figure of the case links to that figure's row on the data page (anchor
        fig-<line in figures.csv>), and the first use of each glossary term on the page carries its explanation."""
        lib, story = self.lib, self.stories[slug]
        units = storynumbers.unit_table(lib.units)
        values = storynumbers.figure_values(lib.figures.get(slug, []), lib.units, lib.metrics)
        terms = self.glossary_spans(lang)

        def spans(value: str) -> list:
            numbers = [(a, b, figure_anchor(line))
                       for a, b, line in storynumbers.links(value, lang, values, units, story.not_figures)]
            tips = [tip for tip in terms(value) if not any(a < tip[1] and tip[0] < b for a, b, _ in numbers)]
            return numbers + tips + (text.kept_together(value) if lang == "zh" else [])

        return dict(story_prose=lambda value: text.prose(value, spans, DATA_PAGE),
                    story_text=lambda value: text.linked(value, spans(value), DATA_PAGE))

    def downloads_page(self, lang: str) -> str:
        return self.render("downloads.md.j2", lang, depth=1, handouts=self.handouts, deck="-deck.pptx",
                           workbook="case-library.xlsx")

    def gallery_page(self, lang: str, stories: list[tuple[str, list]]) -> str:
        """Every chart of the library: the SVG shown, with its SVG and its 16:9 PNG (for slides) to download."""
        esc = text.html_attr
        up = "../"

        # an image's alt is its chart's title, not its full description with its numbers (the case page has both):
        # an edited figure leaves the gallery's bytes alone, and the preview does not render its thousands of charts
        alt_end = "".join(self.labels[k][lang] for k in ("open_paren", "gallery_alt", "close_paren"))

        def gallery_item(slug: str, chart) -> Markup:
            base = f"{up}{self.folder(slug)}/{slug}/charts/{chart.id}"
            alt = chart.title + alt_end
            img = f'<img src="{base}.svg" alt="{esc(alt)}" loading="lazy">'
            if chart.narrow:  # a phone gets the chart drawn for its width, as on the case page
                img = for_phones(img, f"{base}.narrow.svg")
            return Markup(f'<figure class="cg-chart" markdown="0">{img}<figcaption>{esc(chart.title)} · <a href="{base}.svg" download>SVG</a>'
                          + ("" if self.preview else
                             f' · <a href="{base}-16x9.png" download>{esc(self.labels["png_16x9"][lang])}</a>')
                          + "</figcaption></figure>")

        return self.render("gallery.md.j2", lang, depth=1, stories=stories, gallery_item=gallery_item)

    @cached_property
    def comparisons(self):
        return comparisons(self.lib, self.comparison_keys)

    @cached_property
    def reported(self) -> dict[str, set[str]]:
        """The metrics each story reports."""
        return {s: {f.metric for f in figures} for s, figures in self.lib.figures.items()}

    def comparison_page(self, group_id: str, lang: str, chart) -> str:
        from .charts.context import metric_name  # here: rendering nothing loads no chart engine
        from .derive import LEVELS

        comparison = self.comparisons[group_id]
        indicators = self.lib.indicators
        periods: dict[str, set[tuple[str, str]]] = {i: set() for i in comparison.indicators}
        differing: dict[tuple[str, str, str | None], tuple] = {}
        for row in comparison.rows:
            for i, cell in row.cells.items():
                if cell.figure:
                    periods[i].add((cell.figure.end, cell.figure.start))
                if cell.figure and cell.differs:
                    key = (i, cell.mapping.metric, cell.mapping.category)
                    differing.setdefault(key, (i, cell.mapping, []))[2].append(row.story)
        levels_of = {i: comparison.levels(i) for i in comparison.indicators}
        differences = [(i, levels_of[i] if len(levels_of[i]) > 1 else [],
                        [text.period(start, end, lang) for end, start in sorted(periods[i])] if len(periods[i]) > 1
                        else []) for i in comparison.indicators]
        levels = [level for level in LEVELS if any(r.level == level for r in comparison.rows)]
        return self.render("comparison.md.j2", lang, depth=2, group=self.lib.groups[group_id],
                           comparison=comparison, indicators=indicators, levels=levels,
                           differing=[(i, m, list(dict.fromkeys(s))) for i, m, s in differing.values()],
                           differences=[d for d in differences if d[1] or d[2]], chart=chart,
                           metric_full=lambda m: metric_name(self.lib, m, lang))

    def comparisons_index(self, lang: str) -> str:
        available = {g: len(c.stories) for g, c in self.comparisons.items() if c.indicators}
        return self.render("comparisons.md.j2", lang, depth=1, available=available)

    @cached_property
    def mechanism_users(self) -> dict[str, tuple[list[str], list[str]]]:
        lib = self.lib
        return {m: (sorted(s for s, c in lib.cases.items() if m in c.mechanisms),
                    sorted(s for s, p in lib.practices.items() if m in p.mechanisms)) for m in lib.mechanisms}

    def mechanism_page(self, mechanism_id: str, lang: str) -> str:
        """Case by case, how the mechanism was used (the story's mechanism_uses, else its summary), with the key
        figures of the story that belong to the comparison groups the mechanism is about."""
        lib = self.lib
        cases, practices = self.mechanism_users[mechanism_id]
        uses = {slug: next((u for u in self.stories[slug].mechanism_uses if u.mechanism == mechanism_id), None)
                for slug in cases + practices}
        groups = lib.mechanisms[mechanism_id].groups
        shown = {slug: [f for ref in use.figures for f in keyfigures.matches(ref, lib.figures.get(slug, []))[:1]]
                 if use else [] for slug, use in uses.items()}
        compare = [g for g in groups if g in lib.groups and self.comparisons[g].stories]
        return self.render("mechanism.md.j2", lang, depth=1, mechanism=lib.mechanisms[mechanism_id],
                           cases=cases, practices=practices, uses=uses, shown=shown, compare=compare,
                           described=lambda value: text.prose(value, self.glossary_spans(lang)))

    def mechanisms_index(self, lang: str) -> str:
        lib = self.lib
        used = [m for m in lib.mechanisms if any(self.mechanism_users[m])]
        return self.render("mechanisms.md.j2", lang, depth=1, users=self.mechanism_users, used=used,
                           stories=list(lib.cases) + list(lib.practices))

    def cases_index(self, lang: str) -> str:
        lib = self.lib
        index = lib.flag_index()
        flagged = {slug: len({f.line for flag in index.by_story.get(slug, []) for f in flag.figures})
                   for slug in lib.figures}
        order = sorted(lib.cases, key=lambda s: (self.province_of(lib.cases[s].east), lib.cases[s].level != "province", s))
        return self.render("cases.md.j2", lang, depth=1, order=order, practices=sorted(lib.practices),
                           flagged=flagged)

    def glossary_page(self, lang: str) -> str:
        terms = sorted(self.lib.glossary.values(), key=lambda term: getattr(term.forms, lang)[0].lower())
        return self.render("glossary.md.j2", lang, depth=1, terms=terms)

    def province_of(self, region_id: str) -> str:
        node = self.lib.regions.get(region_id)
        while node and node.level not in ("province", "country") and node.parent:
            node = self.lib.regions.get(node.parent)
        return node.id if node else region_id

    def sources_page(self, lang: str) -> str:
        lib = self.lib
        cited: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for slug, figures in lib.figures.items():
            for f in figures:
                cited[f.source][slug] += 1
        return self.render("sources.md.j2", lang, depth=1, cited=cited)

    def home(self, lang: str) -> str:
        lib = self.lib
        # one entry per pairing, as the diagram draws one arrow per pairing, however many cases share it
        alt = "、".join(dict.fromkeys(f"{lib.regions[c.east].zh}→{lib.regions[c.west].zh}" for c in lib.cases.values())) \
            if lang == "zh" else "; ".join(dict.fromkeys(f"{lib.regions[c.east].en} → {lib.regions[c.west].en}"
                                                         for c in lib.cases.values()))
        # inline, so that each pairing links to its case and the colour scheme reaches the drawing; the file
        # assets/pairings.svg is the same drawing to download
        links = {slug: f"{self.folder(slug)}/{slug}/" for slug in lib.cases}
        svg = pairings_svg(lib, lang, links).replace("<svg ", f'<svg aria-label="{text.html_attr(alt)}" ', 1)
        diagram = Markup(f'<figure class="cg-diagram" markdown="0">\n<div class="cg-diagram-scroll">'
                         f'{svg.strip()}</div>\n<figcaption><a href="assets/pairings.svg" download>'
                         f'{text.html_attr(self.labels["download_svg"][lang])}</a></figcaption>\n</figure>')
        headlines = self.headlines()
        return self.render("home.md.j2", lang, depth=0, diagram_html=diagram, headlines=headlines,
                           figure_total=sum(len(v) for v in lib.figures.values()),
                           flag_total=self.flagged_total)

    def headlines(self) -> list[tuple[str, Figure]]:
        """The home page's table: each case's first key figure."""
        return [(slug, figs[0]) for slug in self.lib.cases if (figs := self.key_figures(slug, limit=1))]

    @property
    def flagged_total(self) -> int:
        """How many figures a contradiction concerns (every figure of a flag group counts, once however many
        contradictions concern it)."""
        return len({(flag.slug, f.line) for flag in self.lib.flag_index().all() for f in flag.figures})

    def flags_page(self, lang: str) -> str:
        """Every flag of the library: its case, the figures it concerns, its kind and explanation."""
        flags = self.lib.flag_index().all()
        return self.render("flags.md.j2", lang, depth=1, flags=flags, flag_total=self.flagged_total)


# -- the site as units of work ------------------------------------------------------------------------
# A unit is a group of output files rendered together (one story in both languages with its charts and
# downloads; the comparison pages; the home page …) with a key: a hash of everything its files are made
# from (the data it reads, its templates and labels, the generator's code and versions). The build
# renders a unit only when its key changed or its files on disk are not the ones it last wrote.

Content = str | bytes | CacheFile


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """The generator's code and the versions of what renders: a change to any invalidates every unit."""
    from importlib import metadata

    import vl_convert

    package = Path(__file__).parent
    # every module of the package, the charts' words too (casegen/charts/words.yaml)
    sources = {p.relative_to(package).as_posix(): _file_digest(p)
               for p in sorted([*package.rglob("*.py"), *package.glob("charts/*.yaml")])}
    versions = {name: metadata.version(name) for name in ("jinja2", "markupsafe", "pandas", "pydantic", "pyyaml")}
    return _digest(sources, versions, vl_convert.__version__, sys.version_info[:2])


def template_digest(*names: str) -> str:
    """The templates a unit renders with, and the UI labels every template uses."""
    return _digest({name: _file_digest(TEMPLATES / name) for name in (*names, "labels.yaml")})


def for_phones(img: str, narrow_src: str) -> str:
    """A chart's <img> with the chart drawn for a phone offered below NARROW_MEDIA's width."""
    return f'<picture><source media="{NARROW_MEDIA}" srcset="{narrow_src}">{img}</picture>'


class GalleryChart(NamedTuple):
    """A chart as the gallery lists it (it links the files that the story's own unit writes)."""

    id: str
    title: str
    narrow: bool = False  # drawn for a phone too (charts/<id>.narrow.svg)


@dataclass
class Unit:
    name: str
    key: str
    render: Callable[[], dict[str, Content]]
    collect: Callable[[], None] = lambda: None  # builds its charts, so that missing ones can be noted
    # In the live preview, the key of the same unit in a full build: what a full build wrote has everything the
    # preview shows (and the downloads besides), so the preview takes it as it is
    full_key: str = ""


def story_file(lib: Library, slug: str) -> Path:
    folder, name = ("cases", "case.yaml") if slug in lib.cases else ("practices", "practice.yaml")
    return lib.data_dir / folder / slug / name


def site_units(lib: Library, site_url: str | None = None, changed: dict[str, str | None] | None = None,
               handouts: bool = False, preview: bool = False) -> list[Unit]:
    """Every generated page, chart and download, as units keyed on their inputs (nothing rendered yet).
    ``preview``: the live preview's units, without PNGs, decks and the workbook (see Renderer.preview)."""
    from . import charts as charting
    from . import downloads

    r = Renderer(lib, site_url, changed, handouts, preview)
    changed = r.changed
    registers = _digest({p.name: _file_digest(p) for p in sorted(lib.data_dir.glob("*.yaml"))})
    common = (code_version(), registers, site_url)
    texts = {slug: _file_digest(story_file(lib, slug)) for slug in r.stories}
    figures = {slug: _file_digest(lib.data_dir / r.folder(slug) / slug / "figures.csv") for slug in r.stories}
    order = list(r.stories)
    # what the lists (indexes, comparisons, home, sources, gallery) show of each story: all but its narrative, so
    # that rewording a story, or its mention of an edited figure, renders its own pages and not every list again
    stories_digest = _digest([(slug, r.folder(slug), listed(r.stories[slug]), changed.get(slug)) for slug in order])
    data_digest = _digest(stories_digest, [figures[slug] for slug in order])           # and every figure

    def story_charts(slug: str, lang: str):
        return charting.case_charts(lib, slug, lang)

    def collect_story(slug: str) -> None:
        for lang in LANGS:
            for chart in story_charts(slug, lang):
                if not preview:
                    charting.widescreen_png(chart.svg)  # the PNG, and the same on a 16:9 canvas for slides

    def render_story(slug: str) -> dict[str, Content]:
        out: dict[str, Content] = {}
        folder = r.folder(slug)
        csv_text, json_text = downloads.case_csv(lib, slug), downloads.case_json(lib, slug)
        for lang in LANGS:
            # Downloads are the same in both languages; each language tree gets its copy (see asset_path).
            base = f"{folder}/{slug}/downloads/{slug}"
            citation = r.citation(slug, lang)
            out[asset_path(f"{base}.csv", lang)] = csv_text
            out[asset_path(f"{base}.json", lang)] = json_text
            out[asset_path(f"{base}.csl.json", lang)] = citation.csl
            out[asset_path(f"{base}.bib", lang)] = citation.bibtex + "\n"
            drawn = story_charts(slug, lang)
            gallery_entries(slug, lang)  # ready for the gallery of a later edit
            for chart in drawn:
                out[asset_path(f"{folder}/{slug}/charts/{chart.id}.svg", lang)] = chart.svg
                if chart.svg_narrow:
                    out[asset_path(f"{folder}/{slug}/charts/{chart.id}.narrow.svg", lang)] = chart.svg_narrow
                if not preview:
                    out[asset_path(f"{folder}/{slug}/charts/{chart.id}.png", lang)] = \
                        CacheFile(*charting.png_file(chart.svg))
            if not preview:
                out.update(slide_files(r, slug, lang, drawn))
            out[page_path(f"{folder}/{slug}/index.md", lang)] = r.story_page(slug, lang, drawn)
            out[page_path(f"{folder}/{slug}/{DATA_PAGE}", lang)] = r.data_page(slug, lang)
        return out

    story_templates = template_digest("story.md.j2", "data.md.j2", "locator_words.yaml")
    story_keys: dict[str, str] = {}  # asked for by the story's unit and by the gallery's entries

    def story_key(slug: str) -> str:
        if slug in story_keys:
            return story_keys[slug]
        story = r.stories[slug]
        children = sorted(r.children.get(slug, []))
        linked = sorted({*children, *getattr(story, "related", []), *([story.parent] if getattr(story, "parent", None)
                                                                     else [])} & set(r.stories))
        key = story_keys[slug] = _digest("story", common, story_templates, texts[slug], figures[slug],
                                         changed.get(slug), handouts and slug in lib.cases, children,
                                         [(s, r.folder(s), r.stories[s].title.model_dump()) for s in linked])
        return key

    def collect_comparison(group_id: str) -> None:
        if r.comparisons[group_id].indicators:
            for lang in LANGS:
                chart = charting.comparison_chart(lib, group_id, lang, comparison_rows(r, group_id, lang))
                if chart is not None and not preview:
                    charting.png(chart.svg)

    def render_comparison(group_id: str) -> dict[str, Content]:
        out: dict[str, Content] = {}
        if not r.comparisons[group_id].indicators:  # fewer than two pairings report any indicator: no page
            return out
        for lang in LANGS:
            chart = charting.comparison_chart(lib, group_id, lang, comparison_rows(r, group_id, lang))
            if chart is not None:
                out[asset_path(f"compare/{group_id}/charts/{chart.id}.svg", lang)] = chart.svg
                if chart.svg_narrow:
                    out[asset_path(f"compare/{group_id}/charts/{chart.id}.narrow.svg", lang)] = chart.svg_narrow
                if not preview:
                    out[asset_path(f"compare/{group_id}/charts/{chart.id}.png", lang)] = \
                        CacheFile(*charting.png_file(chart.svg))
            out[page_path(f"compare/{group_id}/index.md", lang)] = r.comparison_page(group_id, lang, chart)
        return out

    # A comparison page shows the figures of its group's metrics (and of the metrics its derived ratios
    # divide) for every story: its key is those figures, so an edit elsewhere leaves it alone.
    from .derive import RATIOS

    own_metrics = {g: {m for m, metric in lib.metrics.items() if metric.group == g} for g in lib.groups}
    group_metrics = {g: set(metrics) for g, metrics in own_metrics.items()}
    for ratio in RATIOS:
        group_metrics.setdefault(ratio.group, set()).update((ratio.numerator, ratio.denominator))
    for indicator in lib.indicators.values():  # an indicator may count metrics of other groups
        group_metrics.setdefault(indicator.group, set()).update(m.metric for m in indicator.metrics)
    # each story's figures by metric (a digest) and its count of figures by source, kept for its figures.csv
    per_story = {slug: _STORY_FIGURES.get((slug, figures[slug]), functools.partial(_story_figures, lib, slug))
                 for slug in order}
    cited: dict[str, dict[str, int]] = defaultdict(dict)
    for slug in order:
        for source, n in per_story[slug][1].items():
            cited[source][slug] = n
    group_figures = {g: _digest(sorted(metrics), [[(slug, per_story[slug][0][m]) for slug in order
                                                   if m in per_story[slug][0]] for m in sorted(metrics)])
                     for g, metrics in group_metrics.items()}
    r.comparison_keys = {g: _digest(registers, stories_digest, group_figures.get(g)) for g in lib.groups}
    if preview:
        # compared now, where the keys changed: the server's first build renders no comparison (a full build left
        # them intact), and an editor's first save would otherwise compare every group over the whole library
        r.comparisons
    # the comparisons index lists the groups with a page and counts their pairings: it depends on the figures
    # of every group's metrics and indicators
    reporting = sorted(group_figures.items())

    # The case list shows how many figures each story has and how many are flagged; the mechanism pages show the
    # figures their mechanism_uses name: their keys are those, so that another edited figure leaves them alone.
    index = lib.flag_index()
    figure_counts = [(slug, len(lib.figures.get(slug, [])),
                      len({f.line for flag in index.by_story.get(slug, []) for f in flag.figures})) for slug in order]
    # Each mechanism's page shows the stories that use it, with their use of it and the figures that use names: its
    # key is those (and what lists show of the stories), so that an edit touches the pages it changes only.
    mechanism_template = template_digest("mechanism.md.j2")

    def mechanism_key(mechanism_id: str) -> str:
        cases, practices = r.mechanism_users[mechanism_id]

        def shown(slug: str) -> str:  # what the page shows of one story
            story = r.stories[slug]
            uses = [use for use in story.mechanism_uses if use.mechanism == mechanism_id]
            return _digest(slug, r.folder(slug), listed(story), [use.model_dump(mode="json") for use in uses],
                           [tuple(f.__dict__.values()) for use in uses for ref in use.figures
                            for f in keyfigures.matches(ref, lib.figures.get(slug, []))])

        # kept for the story's two files (and the registers, which name what a reference matches)
        return _digest("mechanism", mechanism_id, common, mechanism_template,
                       [_MECHANISM_USES.get((mechanism_id, slug, r.folder(slug), texts[slug], figures[slug], registers),
                                            functools.partial(shown, slug)) for slug in cases + practices])

    def render_mechanism(mechanism_id: str) -> dict[str, Content]:
        return {page_path(f"mechanisms/{mechanism_id}.md", lang): r.mechanism_page(mechanism_id, lang) for lang in LANGS}

    # The flags page lists every flag with the figures it concerns and the story they belong to.
    index_flags = [(slug, r.folder(slug), r.stories[slug].title.model_dump(),
                    [(flag.kind, flag.group, [tuple(f.__dict__.values()) for f in flag.figures])
                     for flag in index.by_story.get(slug, [])]) for slug in order if index.by_story.get(slug)]

    def render_downloads() -> dict[str, Content]:
        out: dict[str, Content] = {}
        # the whole library's files, as the workbook, are the build's: the preview's page lists them unlinked
        for name, content in ({} if preview else downloads.data_package(lib)).items():
            for lang in LANGS:
                out[asset_path(f"downloads/{name}", lang)] = content
        book = None if preview else downloads.workbook(lib, site_url, max(filter(None, changed.values()), default=None))
        for lang in LANGS:
            if book is not None:
                out[asset_path(f"downloads/{downloads.WORKBOOK}", lang)] = book
            out[page_path("downloads/index.md", lang)] = r.downloads_page(lang)
        return out

    def gallery_entries(slug: str, lang: str) -> tuple[GalleryChart, ...]:
        """What the gallery shows of a story's charts. Kept in the chart cache under the story's key: the gallery
        lists every story, and laying out every story's charts again when one changes would make an edit's
        rebuild grow with the library (seconds at 100 cases, a minute at 1,000)."""
        def lay_out() -> bytes:
            entries = [[c.id, c.title, bool(c.svg_narrow)] for c in story_charts(slug, lang)]
            return json.dumps(entries, ensure_ascii=False).encode("utf-8")

        key = f"{story_key(slug)}|{lang}"
        return _GALLERY.get((key,), lambda: tuple(GalleryChart(*entry)
                                                   for entry in json.loads(charting.cached("gallery", key, lay_out))))

    def gallery_stories(lang: str) -> list[tuple[str, list]]:
        return [(slug, entries) for slug in order if (entries := gallery_entries(slug, lang))]

    def render_gallery() -> dict[str, Content]:
        return {page_path("gallery/index.md", lang): r.gallery_page(lang, gallery_stories(lang)) for lang in LANGS}

    def render_home() -> dict[str, Content]:
        out: dict[str, Content] = {}
        for lang in LANGS:
            out[page_path("index.md", lang)] = r.home(lang)
            out[asset_path("assets/pairings.svg", lang)] = pairings_svg(lib, lang)
        return out

    units = [Unit(f"story:{slug}", story_key(slug), functools.partial(render_story, slug),
                  functools.partial(collect_story, slug)) for slug in r.stories]
    units += [Unit(f"compare:{g}", _digest("compare", g, common, template_digest("comparison.md.j2"),
                                         stories_digest, group_figures[g]),
                   functools.partial(render_comparison, g), functools.partial(collect_comparison, g))
              for g in lib.groups]
    units += [
        Unit("compare-index", _digest("compare-index", common, template_digest("comparisons.md.j2"), stories_digest,
                                      reporting),
             lambda: {page_path("compare/index.md", lang): r.comparisons_index(lang) for lang in LANGS}),
        Unit("mechanisms", _digest("mechanisms", common, template_digest("mechanisms.md.j2"), stories_digest),
             lambda: {page_path("mechanisms/index.md", lang): r.mechanisms_index(lang) for lang in LANGS}),
        Unit("cases", _digest("cases", common, template_digest("cases.md.j2"), stories_digest, figure_counts),
             lambda: {page_path("cases/index.md", lang): r.cases_index(lang) for lang in LANGS}),
        Unit("glossary", _digest("glossary", common, template_digest("glossary.md.j2")),
             lambda: {page_path("glossary/index.md", lang): r.glossary_page(lang) for lang in LANGS}),
        Unit("sources", _digest("sources", common, template_digest("sources.md.j2"), stories_digest,
                                sorted((k, sorted(v.items())) for k, v in cited.items())),
             lambda: {page_path("sources/index.md", lang): r.sources_page(lang) for lang in LANGS}),
        # the home page counts the figures and flags, and shows each case's first key figure
        Unit("home", _digest("home", common, template_digest("home.md.j2"), stories_digest,
                             sum(len(v) for v in lib.figures.values()), r.flagged_total,
                             [(slug, tuple(f.__dict__.values())) for slug, f in r.headlines()]), render_home),
        Unit("flags", _digest("flags", common, template_digest("flags.md.j2", "locator_words.yaml"), index_flags),
             lambda: {page_path("flags/index.md", lang): r.flags_page(lang) for lang in LANGS}),
        Unit("gallery", _digest("gallery", common, template_digest("gallery.md.j2"), data_digest), render_gallery),
        Unit("downloads", _digest("downloads", common, template_digest("downloads.md.j2"), data_digest,
                                  [texts[slug] for slug in order], handouts,
                                  max(filter(None, changed.values()), default=None)), render_downloads),
    ]
    units += [Unit(f"mechanism:{m}", mechanism_key(m), functools.partial(render_mechanism, m))
              for m, users in r.mechanism_users.items() if any(users)]
    if preview:  # the units whose files differ in the preview are keyed apart, so that a full build remakes them
        for unit in units:
            if unit.name.startswith(("story:", "compare:")) or unit.name == "gallery":
                unit.full_key, unit.key = unit.key, _digest(unit.key, "preview")
            elif unit.name == "downloads":  # without the library's files, its page shows no figure
                unit.full_key, unit.key = unit.key, _digest("downloads", "preview", common,
                                                            template_digest("downloads.md.j2"), stories_digest, handouts)
    return units


# A story's narrative: what its own pages, decks and handouts show and no list does (render.py's list pages and
# the charts read none of it: tests/test_incremental.py checks that no list shows it).
NARRATIVE = frozenset({"background", "measures", "results", "lessons", "objectives", "questions", "takeaways",
                       "mechanism_uses", "not_figures"})


_LISTED = memo.Kept(8192)
_STORY_FIGURES = memo.Kept(8192)    # by story and the digest of its figures.csv
_MECHANISM_USES = memo.Kept(32768)  # by mechanism, story and the digests of its files and the registers
_GALLERY = memo.Kept(8192)          # a story's gallery entries by its key and language, as read from the chart cache


def _story_figures(lib: Library, slug: str) -> tuple[dict[str, str], dict[str, int]]:
    """A story's figures: a digest of its rows of each metric, and how many it has of each source."""
    rows: dict[str, list] = defaultdict(list)
    cited: dict[str, int] = defaultdict(int)
    for f in lib.figures.get(slug, []):
        rows[f.metric].append(tuple(f.__dict__.values()))
        cited[f.source] += 1
    return {metric: _digest(slug, r) for metric, r in rows.items()}, dict(cited)


def listed(story: Case | Practice) -> str:
    """A digest of what the lists show of a story: every field but its narrative. Kept for the story object, which
    the loader keeps while its file is unchanged, so a preview's edit digests the edited story only (the entry
    holds the object, so its id cannot be another's while it is kept)."""
    return _LISTED.get((id(story),), lambda: (story, _digest(story.model_dump(mode="json", exclude=NARRATIVE))))[1]


def slide_files(r: Renderer, slug: str, lang: str, drawn: list) -> dict[str, Content]:
    """For slides: each chart's PNG on a 16:9 canvas (charts/<id>-16x9.png, casegen.widescreen) and, for a case,
    its deck (<slug>-deck.pptx)."""
    from . import charts as charting
    from . import deck

    out: dict[str, Content] = {}
    folder = r.folder(slug)
    for chart in drawn:
        out[asset_path(f"{folder}/{slug}/charts/{chart.id}-16x9.png", lang)] = \
            CacheFile(*charting.widescreen_png_file(chart.svg))
    if slug in r.lib.cases:
        out[asset_path(f"{folder}/{slug}/{deck.deck_name(slug)}", lang)] = \
            deck.case_deck(deck.case_slides(r, slug, lang, drawn))
    return out


def render_site(lib: Library, site_url: str | None = None, changed: dict[str, str | None] | None = None,
                handouts: bool = False) -> dict[str, Content]:
    """Every generated page, chart and download, keyed by its path under build/docs (all units rendered)."""
    pages: dict[str, Content] = {}
    for unit in site_units(lib, site_url, changed, handouts):
        pages.update(unit.render())
    return pages


def comparison_rows(r: Renderer, group_id: str, lang: str) -> list[dict]:
    """The cells of a comparison table, flattened for its chart (computed once per renderer)."""
    cache = r.__dict__.setdefault("_comparison_rows", {})
    if (group_id, lang) not in cache:
        cache[(group_id, lang)] = _comparison_rows(r, group_id, lang)
    return cache[(group_id, lang)]


def _comparison_rows(r: Renderer, group_id: str, lang: str) -> list[dict]:
    """One dict per filled cell, in the table's order (level, then pairing): the chart draws from these.

    metric is the indicator's id; text is the value as published with its qualifier (on the chart's scale);
    differs says the cell counts something other than the indicator's definition."""
    from .charts.context import _Ctx

    lib, comparison = r.lib, r.comparisons[group_id]
    rows = []
    for row in comparison.rows:
        ctx = _Ctx(lib, row.story, lang)
        for indicator, cell in row.cells.items():
            f = cell.figure
            if f is None:
                continue
            unit = lib.units[f.unit]
            base_unit = next((u for u in lib.units.values() if u.dimension == unit.dimension and u.factor == 1), unit)
            # the unit's own name where it is a base unit (家: "enterprises", not the dimension's "units")
            unit_label = ctx.unit_name((unit if unit.factor == 1 else base_unit).id, f.metric)
            rows.append({"case": row.story, "label": getattr(r.stories[row.story].title, lang), "metric": indicator,
                         "value_base": f.value * unit.factor, "unit_label": unit_label,
                         "dimension": unit.dimension, "level": row.level, "area": ctx.region(f.scope),
                         "text": ctx.label(f, base_unit.id), "differs": cell.differs,
                         "period": text.period(f.start, f.end, lang), "source": f.source})
    return rows
