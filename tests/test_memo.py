"""The live preview validates the library again at each save in one process: what loading and checking the
unchanged files gave is kept (casegen.memo), and a validation gives what a fresh process would."""

from __future__ import annotations

import pytest

from casegen import memo
from casegen.problems import DataError
from casegen.validate import validate
from conftest import copy_project


def outcome(data_dir):
    """The problems of a validation (or its warnings when it passes) and the figures it loaded."""
    try:
        lib = validate(data_dir, on_warnings=None)
    except DataError as err:
        return [str(p) for p in err.problems], None
    return [str(p) for p in lib.warnings], {slug: list(figures) for slug, figures in lib.figures.items()}


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "p")


def test_validating_again_in_one_process_gives_what_a_fresh_process_gives(project):
    data = project.root / "data"
    first = outcome(data)
    assert outcome(data) == first
    memo.clear()
    assert outcome(data) == first


def test_an_edit_between_two_validations_is_seen_and_its_undoing_too(project):
    data = project.root / "data"
    clean = outcome(data)
    # a number in the story that is no figure of the case, then a figure whose unit is unknown
    project.replace("data/cases/longyou-xuyong/case.yaml", "3250", "3251")
    problems, _ = outcome(data)
    assert any("longyou-xuyong/case.yaml" in p and "3251" in p for p in problems), problems
    memo.clear()
    assert outcome(data)[0] == problems
    project.replace("data/cases/longyou-xuyong/case.yaml", "3251", "3250")
    assert outcome(data) == clean
    project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,人,", "trainees,3250,人们,")
    problems, _ = outcome(data)
    assert any("figures.csv:3:" in p and "人们" in p for p in problems), problems
    project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,人们,", "trainees,3250,人,")
    assert outcome(data) == clean


def test_a_register_change_checks_every_story_again(project):
    """A story's numbers are read with the units and metrics registers: after a change there, every story is
    checked again, as a fresh process would."""
    data = project.root / "data"
    clean = outcome(data)
    project.replace("data/units.yaml", '- {id: "万人", zh: "万人", en: "10k people", dimension: people, factor: 10000}',
                    '- {id: "万人", zh: "万人", en: "10k people", dimension: people, factor: 1000}')
    changed = outcome(data)
    assert changed != clean
    memo.clear()
    assert outcome(data) == changed
    project.replace("data/units.yaml", "factor: 1000}", "factor: 10000}")
    assert outcome(data) == clean


def test_a_story_or_region_gone_is_missed_by_every_story_that_names_it(project):
    """A story's checks and its figures' checks are kept for the process with what they read besides the story's
    own files (the regions, sources and mechanisms; the stories there are): removing what a story names is found,
    as a fresh process would find it, and putting it back clears it."""
    import shutil

    data = project.root / "data"
    clean = outcome(data)
    shutil.move(data / "cases" / "yang-county", project.root / "yang-county")
    gone, _ = outcome(data)
    assert any("jiangsu-shaanxi/case.yaml" in p and "'yang-county'" in p for p in gone), gone
    memo.clear()
    assert outcome(data)[0] == gone
    shutil.move(project.root / "yang-county", data / "cases" / "yang-county")
    assert outcome(data) == clean
    project.replace("data/regions.yaml", "- {id: xuyong,", "- {id: xuyong-renamed,")
    renamed, _ = outcome(data)
    assert any("longyou-xuyong/case.yaml" in p and "unknown region 'xuyong'" in p for p in renamed), renamed
    assert any("longyou-xuyong/figures.csv" in p and "unknown region 'xuyong'" in p for p in renamed), renamed
    memo.clear()
    assert outcome(data)[0] == renamed
    project.replace("data/regions.yaml", "- {id: xuyong-renamed,", "- {id: xuyong,")
    assert outcome(data) == clean
