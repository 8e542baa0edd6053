from pathlib import Path

from casegen.yamlio import load_yaml


def load(tmp_path: Path, text: str):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    problems = []
    return load_yaml(path, "data/x.yaml", problems), problems


def test_remembers_the_line_of_every_value(tmp_path):
    doc, problems = load(tmp_path, "a: 1\nlist:\n  - id: x\n    unit: 人\n  - id: y\n    unit: 个\n")
    assert not problems
    assert doc.line(("list", 1, "unit")) == 6
    assert doc.line(("list", 0)) == 3


def test_unknown_path_falls_back_to_the_nearest_parent(tmp_path):
    doc, _ = load(tmp_path, "a: 1\nb:\n  c: 2\n")
    assert doc.line(("b", "c", "missing")) == 3


def test_syntax_error_names_the_line(tmp_path):
    doc, problems = load(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert doc is None
    assert problems[0].path == "data/x.yaml" and problems[0].line >= 2
    assert "YAML syntax error" in problems[0].message


def test_duplicate_keys_are_reported_not_merged(tmp_path):
    doc, problems = load(tmp_path, "title: a\nlevel: x\ntitle: b\n")
    assert [(p.line, p.field) for p in problems] == [(3, "title")]
    assert "duplicate key" in problems[0].message


def test_dates_stay_dates_for_the_model_to_convert(tmp_path):
    doc, _ = load(tmp_path, "published: 2018-01-02\n")
    assert str(doc.data["published"]) == "2018-01-02"


def test_empty_file_is_a_problem(tmp_path):
    doc, problems = load(tmp_path, "\n")
    assert doc is None and "empty" in problems[0].message
