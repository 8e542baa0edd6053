"""`casegen new`: a case folder to fill in, from the templates in templates/new/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .models import SLUG
from .render import TEMPLATES


class ScaffoldError(Exception):
    pass


def new_case(data_dir: Path, slug: str) -> Path:
    """Create data/cases/<slug>/ with a commented case.yaml and a figures.csv header."""
    if not re.fullmatch(SLUG, slug) or len(slug) > 60:
        raise ScaffoldError(f"'{slug}' is not a safe URL segment: use lowercase letters, digits and single hyphens, "
                            "e.g. shandong-gansu (at most 60 characters)")
    folder = data_dir / "cases" / slug
    for existing in (folder, data_dir / "practices" / slug):
        if existing.exists():
            raise ScaffoldError(f"{existing} already exists: case slugs are permanent, choose another one")
    folder.mkdir(parents=True)
    for name in ("case.yaml", "figures.csv"):
        shutil.copyfile(TEMPLATES / "new" / name, folder / name)
    return folder
