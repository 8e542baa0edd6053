"""Key figures: what leads a case page and names the case on the home page.

The editor chooses them: ``key_figures`` in case.yaml (or practice.yaml) is an ordered list of references to rows
of figures.csv (models.KeyFigureRef), and the first is the case's headline. A reference names what a figure is
(its metric, and category, scope, series, period or source where the metric has several rows), never the row's
position, so rows can be reordered. validate.py reports references that match no row or several.

Only a story without the list falls back to a rule, which picks outcomes (counts of people or households:
placed, transferred, reached, trained) and never context (sales, page views, money, thresholds).
"""

from __future__ import annotations

from collections import defaultdict

from .derive import representative
from .load import Library
from .models import Figure, KeyFigureRef

# Outcomes are counts of people or households; page views, sales, money and thresholds are context.
OUTCOME_DIMENSIONS = ("people", "person-times", "households")
# In this order: people placed or transferred first, then the poor reached, the means of reaching them last.
OUTCOME_GROUPS = ("placement", "poverty", "posts", "training", "jobs", "fairs")


def matches(ref: KeyFigureRef, figures: list[Figure]) -> list[Figure]:
    """The rows a reference names (exactly one when the reference is good)."""
    metric = ref.metric  # every reference names its metric: the rows of other metrics are passed over first
    return [f for f in figures if f.metric == metric and ref.matches(f)]


def chosen(lib: Library, slug: str, limit: int = 6) -> list[Figure]:
    """A story's key figures: its editor's list where it has one (references that do not name one row are left
    out; validation reports them), else the rule's choice."""
    story = lib.cases.get(slug) or lib.practices.get(slug)
    figures = lib.figures.get(slug, [])
    if story is not None and story.key_figures:
        out: list[Figure] = []
        for ref in story.key_figures:
            found = matches(ref, figures)
            if len(found) == 1 and found[0] not in out:
                out.append(found[0])
        return out
    return fallback(lib, slug, limit)


def fallback(lib: Library, slug: str, limit: int = 6) -> list[Figure]:
    """One representative outcome figure per metric (actual, own region, no breakdown, latest), outcome groups
    in OUTCOME_GROUPS order and metrics in register order within a group; sub-items (part_of) are left to
    their totals."""
    by_metric: dict[str, list[Figure]] = defaultdict(list)
    for f in lib.figures.get(slug, []):
        by_metric[f.metric].append(f)
    order = {m: i for i, m in enumerate(lib.metrics)}
    candidates = []
    for metric_id, figures in by_metric.items():
        metric = lib.metrics.get(metric_id)
        if metric is None or metric.part_of or metric.kind != "count" or metric.group not in OUTCOME_GROUPS:
            continue
        figures = [f for f in figures if f.unit in lib.units and lib.units[f.unit].dimension in OUTCOME_DIMENSIONS]
        pick = representative(lib, slug, figures) if figures else None
        if pick is not None:
            candidates.append((OUTCOME_GROUPS.index(metric.group), order.get(metric_id, 0), pick))
    return [pick for *_, pick in sorted(candidates, key=lambda c: c[:2])][:limit]
