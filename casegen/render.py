"""Render: turn the loaded library into Markdown pages (path → text), one template per page kind.

Pure: no file is read or written here except the templates. Every editor string passes through
text.escape on its way into a page (it is the environment's ``finalize``), so a template cannot
forget to escape.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import text
from .load import Library
from .models import Case, Figure, Practice

TEMPLATES = Path(__file__).parent / "templates"
LANGS = ("zh", "en")


def page_path(rel: str, lang: str) -> str:
    """build/docs path of a page: Chinese at index.md, English beside it at index.en.md."""
    return rel if lang == "zh" else rel.removesuffix(".md") + ".en.md"


@dataclass
class FigureGroup:
    metric_id: str
    figures: list[Figure]


class Renderer:
    def __init__(self, lib: Library):
        self.lib = lib
        self.labels = yaml.safe_load((TEMPLATES / "labels.yaml").read_text(encoding="utf-8"))
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            undefined=StrictUndefined,
            finalize=text.escape,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(paragraphs=text.paragraphs, yamlstr=text.yaml_string)

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
            story = lib.stories()[slug]
            folder = "cases" if slug in lib.cases else "practices"
            return link(tr(story.title), f"{folder}/{slug}/index.md")

        def source_link(source_id: str) -> Markup:
            return link(source_id, f"sources/index.md#{source_id}")

        def value(f: Figure) -> str:
            shown = text.number(f.published_value, lang)
            if f.qualifier == "about":
                return f"约{shown}" if lang == "zh" else f"about {shown}"
            if f.qualifier == "over":
                return f"{shown}以上" if lang == "zh" else f"over {shown}"
            if f.qualifier == "under":
                return f"不到{shown}" if lang == "zh" else f"under {shown}"
            return shown

        def unit(unit_id: str) -> str:
            u = lib.units.get(unit_id)
            return u.name(lang) if u else unit_id

        def metric(metric_id: str) -> str:
            m = lib.metrics.get(metric_id)
            return m.name(lang) if m else metric_id

        def category(category_id: str) -> str:
            c = lib.categories.get(category_id)
            return c.name(lang) if c else category_id

        def period(start: str, end: str) -> str:
            return text.period(start, end, lang)

        return dict(lang=lang, t=t, tr=tr, link=link, region=region, region_path=region_path,
                    story_link=story_link, source_link=source_link, value=value, unit=unit, metric=metric,
                    category=category, period=period, lib=lib, up=up, date=lambda d: text.date(d, lang))

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

    def story_page(self, slug: str, lang: str) -> str:
        lib = self.lib
        story = lib.stories()[slug]
        figures = lib.figures.get(slug, [])
        return self.render(
            "story.md.j2", lang, depth=2, slug=slug, story=story, is_case=isinstance(story, Case),
            groups=self.figure_groups(figures), flagged=[f for f in figures if f.flag],
            children=sorted(self.children.get(slug, [])), figure_count=len(figures))

    def cases_index(self, lang: str) -> str:
        lib = self.lib
        by_east: dict[str, list[str]] = defaultdict(list)
        for slug, case in lib.cases.items():
            by_east[self.province_of(case.east)].append(slug)
        groups = [(province, sorted(slugs, key=lambda s: (lib.cases[s].level != "province", s)))
                  for province, slugs in sorted(by_east.items())]
        return self.render("cases.md.j2", lang, depth=1, groups=groups, practices=sorted(lib.practices))

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
        return self.render("home.md.j2", lang, depth=0,
                           figure_total=sum(len(v) for v in lib.figures.values()),
                           flag_total=sum(1 for v in lib.figures.values() for f in v if f.flag))


def render_site(lib: Library) -> dict[str, str]:
    """Every generated page, keyed by its path under build/docs."""
    r = Renderer(lib)
    pages: dict[str, str] = {}
    for lang in LANGS:
        pages[page_path("index.md", lang)] = r.home(lang)
        pages[page_path("cases/index.md", lang)] = r.cases_index(lang)
        pages[page_path("sources/index.md", lang)] = r.sources_page(lang)
        for slug in lib.cases:
            pages[page_path(f"cases/{slug}/index.md", lang)] = r.story_page(slug, lang)
        for slug in lib.practices:
            pages[page_path(f"practices/{slug}/index.md", lang)] = r.story_page(slug, lang)
    return pages
