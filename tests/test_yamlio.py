import os
from pathlib import Path

import pytest

from casegen.yamlio import load_yaml, read_bytes


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


# --- hostile files: a problem with a line, never an exception -----------------------------------------

def test_a_control_character_is_refused_with_its_line(tmp_path):
    doc, problems = load(tmp_path, "a: 1\nb: x\x07y\n")
    assert doc is None and [(p.line, p.field) for p in problems] == [(2, "(yaml)")]
    assert "U+0007" in problems[0].message


def test_an_escaped_control_character_in_a_string_is_refused(tmp_path):
    doc, problems = load(tmp_path, 'a: 1\nb: "x\\0y"\n')
    assert [(p.line, p.field) for p in problems] == [(2, "b")] and "U+0000" in problems[0].message


def test_aliases_are_refused_so_a_few_lines_cannot_become_billions_of_values(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(9)]
    doc, problems = load(tmp_path, "\n".join(lines) + "\n")
    assert doc is None and [(p.line, p.field) for p in problems] == [(2, "(yaml)")]
    assert "aliases" in problems[0].message


def test_deep_nesting_is_refused_before_libyaml_recurses(tmp_path):
    # 100,000 nested brackets crash libyaml's composer (a segmentation fault, not an exception)
    doc, problems = load(tmp_path, "a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert doc is None and [(p.line, p.field) for p in problems] == [(1, "(yaml)")]
    assert "nested more than 50 levels" in problems[0].message


def test_a_file_of_more_values_than_the_budget_is_refused(tmp_path):
    doc, problems = load(tmp_path, "terms: [" + ", ".join(["x"] * 60_000) + "]\n")
    assert doc is None and "more than 50,000 values" in problems[0].message


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path):
    doc, problems = load(tmp_path, "# padding\n" * 120_000)
    assert doc is None and [(p.line, p.field) for p in problems] == [(1, "(file)")]
    assert "at most 1 MB" in problems[0].message


@pytest.mark.parametrize("text, line", [("level: !custom province\n", 1), ("a: 1\nb: !!python/object:os.system x\n", 2),
                                        ("a: !!set {x: null}\n", 1)])
def test_unknown_tags_are_problems(tmp_path, text, line):
    doc, problems = load(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(line, "(yaml)")] and "unsupported YAML tag" in problems[0].message


def test_an_impossible_date_is_kept_as_text_for_the_model_to_explain(tmp_path):
    doc, problems = load(tmp_path, "published: 2019-13-01\n")
    assert not problems and doc.data["published"] == "2019-13-01"


def test_a_list_as_a_key_is_a_problem(tmp_path):
    doc, problems = load(tmp_path, "a: 1\n? [x, y]\n: z\n")
    assert [(p.line, p.field) for p in problems] == [(2, "[…]")]


@pytest.mark.parametrize("encoding, looks", [("utf-16", "UTF-16"), ("gbk", "GBK")])
def test_other_encodings_are_named(tmp_path, encoding, looks):
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\ntitle: 东西协作\n".encode(encoding))
    problems = []
    assert load_yaml(path, "data/x.yaml", problems) is None
    assert "not UTF-8" in problems[0].message and looks in problems[0].message


def test_a_folder_in_place_of_the_file_is_a_problem(tmp_path):
    (tmp_path / "x.yaml").mkdir()
    problems = []
    assert load_yaml(tmp_path / "x.yaml", "data/x.yaml", problems) is None
    assert "folder" in problems[0].message


# --- files that are not what they seem: refused without being read -------------------------------------

def test_a_link_out_of_the_root_is_refused_and_its_content_not_shown(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.yaml").write_text("password: hunter2-secret\n", encoding="utf-8")
    (tmp_path / "data/x.yaml").symlink_to("../secret.yaml")
    problems = []
    assert load_yaml(tmp_path / "data/x.yaml", "data/x.yaml", problems, root=(tmp_path / "data").resolve()) is None
    assert [(p.line, p.field) for p in problems] == [(1, "(file)")]
    assert "outside data/" in problems[0].message and "hunter2" not in str(problems[0])


def test_a_link_that_stays_inside_the_root_is_read(tmp_path):
    (tmp_path / "data/shared").mkdir(parents=True)
    (tmp_path / "data/shared/x.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "data/x.yaml").symlink_to("shared/x.yaml")
    problems = []
    doc = load_yaml(tmp_path / "data/x.yaml", "data/x.yaml", problems, root=(tmp_path / "data").resolve())
    assert not problems and doc.data == {"a": 1}


def test_a_named_pipe_is_refused_without_waiting_for_it(tmp_path):
    os.mkfifo(tmp_path / "x.yaml")
    problems = []
    assert load_yaml(tmp_path / "x.yaml", "data/x.yaml", problems) is None
    assert "not a regular file but a named pipe" in problems[0].message


@pytest.mark.parametrize("target, message", [("nowhere.yaml", "does not exist"), ("x.yaml", "loop")])
def test_broken_links_are_problems(tmp_path, target, message):
    (tmp_path / "x.yaml").symlink_to(target)
    problems = []
    assert load_yaml(tmp_path / "x.yaml", "data/x.yaml", problems) is None
    assert message in problems[0].message


def test_a_file_that_says_it_is_empty_is_read_no_further_than_the_limit():
    # files under /proc report a size of 0: the limit holds while reading, not only from stat()
    problems = []
    assert read_bytes(Path("/proc/self/status"), "data/x.yaml", problems, limit=10) is None
    assert "casegen reads files of at most" in problems[0].message


# --- what messages quote -------------------------------------------------------------------------------

def test_a_long_duplicate_key_is_quoted_short(tmp_path):
    key = "k" * 500
    doc, problems = load(tmp_path, f"{key}: 1\n{key}: 2\n")
    assert len(problems) == 1 and len(problems[0].field) < 50 and len(problems[0].message) < 80
    assert problems[0].field.endswith("…")


def test_a_key_with_invisible_characters_is_shown_escaped(tmp_path):
    doc, problems = load(tmp_path, 'a: 1\n"a\\u202eb": 1\n"a\\u202eb": 2\n')
    assert [p.field for p in problems] == ["a\\u202eb"]


def test_a_long_tag_is_quoted_short(tmp_path):
    doc, problems = load(tmp_path, "a: !" + "t" * 3_000 + " x\n")
    assert len(problems[0].message) < 120
