"""The case at hand: names, numbers and notes of one story's figures in one language."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .. import text
from ..load import Library
from ..models import Case
from ..models import Figure
from .style import WIDTH
from .text import _dec, _group_digits, _qualified
from .words import FLAG_NAMES, _words


# -- the case at hand -----------------------------------------------------------------------------
class _Ctx:
    def __init__(self, lib: Library, slug: str, lang: str, width: float = WIDTH):
        self.lib, self.slug, self.lang = lib, slug, lang
        self.width = width  # of the drawing: WIDTH, or NARROW_WIDTH for the phone variant
        self.story = lib.practices[slug] if slug in lib.practices else lib.cases[slug]  # lib.stories()[slug], in O(1)
        self.figures: list[Figure] = lib.figures.get(slug, [])
        self.main_scope = self.story.west if isinstance(self.story, Case) else self.story.region

    def flagged(self, f: Figure) -> bool:
        """Whether ``f`` falls under a flag: its own, or its flag group's (every figure of a group is starred)."""
        return self.lib.flag_of(f) is not None

    # names
    def w(self, key: str, **kw) -> str:
        return _words(key, self.lang, **kw)

    def metric(self, metric_id: str, with_parent: bool = True) -> str:
        return metric_name(self.lib, metric_id, self.lang, with_parent)

    def category(self, category_id: str) -> str:
        c = self.lib.categories.get(category_id)
        return c.name(self.lang) if c else category_id

    def region(self, region_id: str) -> str:
        r = self.lib.regions.get(region_id)
        return r.name(self.lang) if r else region_id

    def unit_name(self, unit_id: str, metric_id: str | None = None) -> str:
        """The unit as the page says it: in English a count in a generic counter (个, 家 …) takes its metric's
        noun (jobs, cities), as on the pages (render.english_unit), never 'units'."""
        u = self.lib.units.get(unit_id)
        if u is None:
            return unit_id
        metric = self.lib.metrics.get(metric_id) if metric_id else None
        if self.lang == "en" and metric is not None and metric.noun and u.dimension == "items":
            return metric.noun
        return u.name(self.lang)

    def period(self, f: Figure) -> str:
        return text.period(f.start, f.end, self.lang)

    def date(self, d: str) -> str:
        return text.date(d, self.lang)

    def year(self, f: Figure) -> str:
        return text.date(f.end[:4], self.lang)

    # numbers
    def number(self, published: str) -> str:
        return _group_digits(published, self.lang)

    def shown(self, f: Figure) -> str:
        """The value as published, with its qualifier: what the tables print."""
        return _qualified(self.number(f.published_value), f.qualifier, self.lang)

    def factor(self, unit_id: str) -> Decimal:
        return Decimal(repr(self.lib.units[unit_id].factor))

    def in_unit(self, f: Figure, unit_id: str) -> Decimal:
        return Decimal(f.published_value) * self.factor(f.unit) / self.factor(unit_id)

    def label(self, f: Figure, unit_id: str, with_unit: bool = False) -> str:
        """Value label of ``f`` on a scale in ``unit_id``.

        Chinese keeps the published number and its 万/亿 ("9.48万"); English converts to the
        display unit ("94,800"), since "9.48 10k people" reads badly. Flagged figures get "*".
        """
        star = "*" if self.flagged(f) else ""
        same = self.factor(f.unit) == self.factor(unit_id)
        if unit_id == "%" and f.unit == "%":
            return _qualified(self.number(f.published_value) + "%", f.qualifier, self.lang) + star
        if self.lang == "zh":
            number = self.number(f.published_value)
            unit = self.unit_name(f.unit, f.metric) if with_unit else ""
            if not same and not with_unit:
                display = self.lib.units[unit_id].zh
                own = self.lib.units[f.unit].zh
                unit = own[: -len(display)] if own.endswith(display) else own
            return _qualified(number, f.qualifier, "zh", unit) + star
        number = self.number(f.published_value if same else _dec(self.in_unit(f, unit_id)))
        unit = self.unit_name(unit_id, f.metric) if with_unit else ""
        return _qualified(number, f.qualifier, "en", unit) + star

    def own_label(self, f: Figure) -> str:
        """Value label with the figure's own unit, as published: "1.3万个", "212 enterprises"."""
        number = self.number(f.published_value)
        return _qualified(number, f.qualifier, self.lang, self.unit_name(f.unit, f.metric)) + ("*" if self.flagged(f) else "")

    def value_with_unit(self, f: Figure) -> str:
        """The published value with its own unit, for notes and alt text: "9.48万人", "94,800 people"."""
        if self.lang == "zh":
            return _qualified(self.number(f.published_value), f.qualifier, "zh", self.unit_name(f.unit))
        base = self.base_unit(f.unit)
        if self.factor(f.unit) != 1 and base:
            return _qualified(self.number(_dec(self.in_unit(f, base))), f.qualifier, "en", self.unit_name(base, f.metric))
        return _qualified(self.number(f.published_value), f.qualifier, "en", self.unit_name(f.unit, f.metric))

    def base_unit(self, unit_id: str) -> str | None:
        """The unit of factor 1 of ``unit_id``'s dimension (人 for 万人)."""
        dim = self.lib.units[unit_id].dimension
        if self.lib.units[unit_id].factor == 1:
            return unit_id
        for u in self.lib.units.values():
            if u.dimension == dim and u.factor == 1:
                return u.id
        return None

    def dimension(self, f: Figure) -> str:
        return self.lib.units[f.unit].dimension

    # notes
    def source_note(self, figures: list[Figure] | list[str]) -> str:
        return source_note(self.lib, [f if isinstance(f, str) else f.source for f in figures], self.lang)

    def flag_notes(self, figures: list[Figure], short: bool = False) -> list[str]:
        """The explanations of the flagged figures drawn, once each; summarised by kind when long."""
        flagged = [(f, flag) for f in figures for flag in self.lib.flags_of(f)]  # every contradiction it is in
        if not flagged:
            return []
        texts = list(dict.fromkeys(flag.text(self.lang) for _, flag in flagged))
        if short or len(texts) > 2 or sum(map(len, texts)) > 360:
            kinds: dict[str, list[str]] = defaultdict(list)
            for f, flag in flagged:
                name = self.metric(f.metric, with_parent=False)
                if name not in kinds[flag.kind]:
                    kinds[flag.kind].append(name)
            texts = [FLAG_NAMES[k][self.lang] + (f"（{'、'.join(v)}）" if self.lang == "zh" else f" ({', '.join(v)})")
                     for k, v in kinds.items()]
            body = self.w("sep").join(texts)
        else:
            body = " ".join(texts)
        return [self.w("flag_note").format(body)]


def metric_name(lib: Library, metric_id: str, lang: str, with_parent: bool = True) -> str:
    """A metric's name; a sub-item named "其中…"/"of which …" gets its total in front, so it reads alone."""
    m = lib.metrics.get(metric_id)
    if not m:
        return metric_id
    name = m.name(lang)
    if with_parent and m.part_of and m.part_of in lib.metrics and \
            (name.startswith("其中") or name.lower().startswith("of which")):
        return lib.metrics[m.part_of].name(lang) + _words("colon", lang) + name
    return name


def source_note(lib: Library, source_ids: list[str], lang: str) -> str:
    """"来源：林晓洁（2018），人民网" from data/sources.yaml, sources in order of first use."""
    parts = []
    for sid in dict.fromkeys(source_ids):
        s = lib.sources.get(sid)
        if s is None:
            parts.append(sid)
        elif lang == "zh":
            parts.append(f"{s.author}（{s.published[:4]}），{s.publisher}")
        else:
            parts.append(f"{s.author_en} ({s.published[:4]}), {s.publisher_en}")
    key = "sources" if len(parts) > 1 else "source"
    return _words(key, lang).format(_words("sep", lang).join(parts))
