"""Shared fixtures: a tiny valid library to break one rule at a time, and the real project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casegen.build import copy_site_files
from casegen.load import load_library
from casegen.problems import Problem
from casegen.validate import check

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


class Project:
    """A copy of a project in a temporary folder, with helpers to edit it like an editor would."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def append(self, rel: str, text: str) -> None:
        self.write(rel, self.read(rel) + text)

    def problems(self) -> list[Problem]:
        lib, problems = load_library(self.data)
        return sorted(problems + check(lib))


@pytest.fixture
def minimal(tmp_path: Path) -> Project:
    shutil.copytree(MINIMAL, tmp_path / "project")
    return Project(tmp_path / "project")


def copy_project(dest: Path) -> Project:
    """The real project (data, docs, mkdocs.yml) copied so a test can change it freely."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", dest / "data")
    copy_site_files(ROOT, dest)
    return Project(dest)


def with_charts_of(project: Project, built: Project) -> Project:
    """``project`` given a copy of ``built``'s build cache (charts, cut-down fonts, handouts), as a second
    checkout of the same data has after CI restores the cache: its first build draws only what differs."""
    shutil.copytree(built.root / "build" / "cache", project.root / "build" / "cache", dirs_exist_ok=True)
    return project


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# The browser fixtures (one Chromium per session, the built site served on 127.0.0.1) are shared by the
# browser and live-preview tests; defining them once here keeps a single Playwright per session.
from browser import built_site, chromium, search_page, site_url, tab  # noqa: E402,F401
