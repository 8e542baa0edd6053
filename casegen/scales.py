"""Values on a scale of their own, read as a reader reads them: a share the source writes as 0–1 is a
percentage (0.631 → 63.1%), a mean of coded answers goes with what its codes stand for, and a mean of codes
that have no order (industries) is flagged as saying little. The words are the callers' (labels.yaml for
pages, charts/words.yaml for charts); this module only knows the units and does the exact arithmetic."""

from __future__ import annotations

from decimal import Decimal

SHARE = "比例"      # units.yaml: a share written from 0 to 1
CODE_MEAN = "均值"  # units.yaml: the mean of coded answers (1 = …, 2 = …)


def percent(published: str) -> str:
    """A 0–1 share as percentage digits, exactly: "0.631" → "63.1", "0.5" → "50"."""
    return format((Decimal(published) * 100).normalize(), "f")


def is_share(unit_id: str) -> bool:
    return unit_id == SHARE


def is_code_mean(unit_id: str) -> bool:
    return unit_id == CODE_MEAN
