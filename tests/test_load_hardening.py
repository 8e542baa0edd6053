"""Loading and validation against careless or hostile editors: limits that fit the real library with room to
spare, messages that quote little and hide nothing, warnings that stop nothing. The corpus
(test_corpus.py) has one case per attack; these are the rules behind them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casegen import load, models
from casegen.load import formula_start, load_library
from casegen.problems import DataError, Problem, clip, warning
from casegen.validate import check, validate
from conftest import ROOT

FIGS = "data/cases/east-west/figures.csv"


# --- the real library is far within every limit ------------------------------------------------------------

def _strings(value, loc=()):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, loc + (i,))


def _limit_of(model_cls, loc) -> int | None:
    """The max_length that applies to the string at ``loc`` of a model (None for ids checked by pattern only)."""
    from pydantic import BaseModel
    annotation = model_cls
    for part in loc:
        if isinstance(part, int):
            continue
        field = annotation.model_fields[part]
        limits = [m.max_length for m in field.metadata if getattr(m, "max_length", None)]
        target = field.annotation
        for arg in getattr(target, "__args__", ()) or ():  # X | None, list[X]
            model = arg.__origin__ if getattr(arg, "__metadata__", None) else arg  # Annotated[Model, …]
            if isinstance(model, type) and issubclass(model, BaseModel):
                target = model
                continue
            for meta in getattr(arg, "__metadata__", ()):
                if getattr(meta, "max_length", None):
                    limits.append(meta.max_length)
        if isinstance(target, type) and issubclass(target, BaseModel):
            annotation = target
        elif limits:
            return limits[0]
    return None


def test_the_real_library_is_far_within_every_length_limit():
    """Texts use at most half of their limit; ids (60, as `casegen new` allows) at most two thirds."""
    lib, problems = load_library(ROOT / "data")
    assert not problems
    records = [*lib.units.values(), *lib.regions.values(), *lib.groups.values(), *lib.metrics.values(),
               *lib.mechanisms.values(), *lib.categories.values(), *lib.sources.values(), *lib.stories().values(),
               *(f for figures in lib.figures.values() for f in figures)]
    checked = 0
    for record in records:
        for loc, text in _strings(record.model_dump(exclude={"published_value"})):
            limit = _limit_of(type(record), loc)
            if limit:
                checked += 1
                share = 2 / 3 if limit == models.MAX_ID else 1 / 2
                assert len(text) <= limit * share, (type(record).__name__, loc, len(text), limit)
    assert checked > 2_000
    assert max(map(len, lib.search_terms)) <= models.MAX_TERM / 2
    assert max(len(f.published_value) for fs in lib.figures.values() for f in fs) <= models.MAX_VALUE_CHARS / 2
    factors = {u.id: u.factor for u in lib.units.values()}
    largest = max(abs(f.value * factors[f.unit]) for fs in lib.figures.values() for f in fs)
    assert largest <= models.MAX_BASE_VALUE / 1_000


def test_the_real_library_has_no_warnings():
    lib = validate(ROOT / "data", on_warnings=None)
    assert lib.warnings == []


# --- messages ---------------------------------------------------------------------------------------------

def test_clip_cuts_and_escapes():
    assert clip("x" * 100) == "x" * 40 + "…"
    assert clip("a\nb\tc\u202ed\u200be") == "a\\nb\\tc\\u202ed\\u200be"
    assert clip("\u202e" * 100) == "\\u202e" * 6 + "…"  # the limit counts what is shown
    assert clip("东西部扶贫协作") == "东西部扶贫协作"


def test_a_problem_is_one_line_whatever_it_was_given():
    p = Problem("data/cases/a\nb", 1, "f\u202e" * 100, "m\n" * 1_000, "hint")
    first = str(p).split("\n    hint: ")[0]
    assert "\n" not in first and "\u202e" not in first and len(p.field) <= 121 and len(p.message) <= 1_001


def test_warnings_say_so_and_are_marked_in_json():
    w = warning("data/x.yaml", 3, "zh", "the text starts with '='")
    assert str(w).startswith("data/x.yaml:3: zh: warning: the text starts") and not w.is_error
    assert w.as_dict()["severity"] == "warning" and Problem("p", 1, "f", "m").as_dict()["severity"] == "error"


def test_data_error_counts_errors_and_carries_the_warnings():
    err = DataError([warning("a", 1, "f", "w"), Problem("a", 2, "f", "e")])
    assert str(err) == "1 problem(s) in the data" and len(err.warnings) == 1 and len(err.problems) == 2


# --- formulas ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, start", [("=1+1", "'='"), ("+86 10", "'+'"), ("-5%", "'-'"), ("@SUM(A1)", "'@'"),
                                         ("  =x", "'='"), ("\tpara", "a tab"), ("\rpara", "a carriage return"),
                                         ("para 1", None), ("", None), ("   ", None), ("约-5%", None),
                                         ("e-mail", None)])
def test_formula_starts(text, start):
    assert formula_start(text) == start


def test_warnings_alone_let_validate_pass_and_are_printed(minimal, capsys):
    minimal.append(FIGS, 'funds,3,万元,,2016,2016,west-prov,actual,,src,=1+1,,,,,\n')
    lib = validate(minimal.data)
    assert [(p.line, p.field, p.severity) for p in lib.warnings] == [(7, "locator", "warning")]
    assert f"{FIGS}:7: locator: warning: the text starts with '='" in capsys.readouterr().err


def test_a_negative_value_is_a_number_not_a_formula(minimal):
    minimal.append(FIGS, 'funds,-592.4,万元,,2016,2016,west-prov,actual,,src,para 9,,,,,\n')
    assert minimal.problems() == []


# --- how much is read -----------------------------------------------------------------------------------

def test_more_case_folders_than_the_limit_are_refused(minimal, monkeypatch):
    monkeypatch.setattr(load, "MAX_STORIES", 2)
    for slug in ("b-case", "c-case"):
        (minimal.data / "cases" / slug).mkdir()
    problems = minimal.problems()
    assert [(p.path, p.field) for p in problems if p.kind == "size"] == [("data/cases/east-west", "(folder)")]
    assert "more than 2 case and practice folders" in problems[-1].message or \
        any("more than 2 case and practice folders" in p.message for p in problems)


def test_a_data_folder_of_too_many_entries_is_refused(minimal, monkeypatch):
    monkeypatch.setattr(load, "MAX_ENTRIES", 5)
    problems = minimal.problems()
    assert any(p.field == "(folder)" and "more than 5 files and folders" in p.message for p in problems)


def test_a_symlinked_practice_folder_is_refused_and_the_rest_still_checked(minimal):
    (minimal.data / "practices").mkdir()
    os.symlink("../cases/east-west", minimal.data / "practices" / "east-west-2", target_is_directory=True)
    problems = minimal.problems()
    assert [(p.path, p.field) for p in problems] == [("data/practices/east-west-2", "(folder)")]


def test_a_symlinked_case_folder_never_reaches_the_build(minimal, tmp_path):
    (minimal.data / "cases/east-west").rename(tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", minimal.data / "cases/east-west", target_is_directory=True)
    with pytest.raises(DataError) as info:
        validate(minimal.data)
    assert [p.field for p in info.value.problems] == ["(folder)"]


def test_every_problem_of_the_corpus_kinds_has_a_hint(minimal):
    minimal.replace("data/units.yaml", "factor: 10000}", "factor: 1e300}")
    minimal.replace("data/regions.yaml", "en: West Province", "en: 'West\u2067 Province'")
    minimal.append(FIGS, "funds,1e5,万元,,2016,2016,west-prov,actual,,src,para 9,,,,,\n")
    problems = minimal.problems()
    assert len(problems) == 3 and all(p.hint for p in problems), problems
