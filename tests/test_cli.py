"""The command line, run as an editor runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import ROOT


def casegen(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "casegen.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_validate_passes_on_the_real_data():
    result = casegen("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""  # quiet on success


def test_validate_on_a_broken_copy_names_file_line_and_field(minimal):
    minimal.replace("data/cases/east-west/case.yaml", "level: province", "level: [province")  # bad YAML
    minimal.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "fundz,35.5,万元")  # unknown metric
    minimal.append("data/cases/east-west/figures.csv", "funds,1,万元,,2019,2019,west-prov,actual,,,p,,,,,\n")
    minimal.replace("data/cases/east-west/figures.csv", "workers_poor,7000", "workers_poor,70000")  # above total
    result = casegen("--root", str(minimal.root), "validate")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("    ")]
    assert any(re.match(r"data/cases/east-west/case.yaml:[23]: \(yaml\): YAML syntax error", line) for line in lines)
    assert "data/cases/east-west/figures.csv:5: metric: unknown metric 'fundz'" in lines
    assert "data/cases/east-west/figures.csv:7: source: 'source' is empty" in lines
    assert any(line.startswith("data/cases/east-west/figures.csv:3: value: sub-item workers_poor") for line in lines)
    assert "hint:" in result.stderr


def test_validate_json_output_for_tools(minimal):
    minimal.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "fundz,35.5,万元")
    result = casegen("--root", str(minimal.root), "validate", "--format", "json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert problems[0]["line"] == 5 and problems[0]["field"] == "metric"


def test_warnings_alone_are_printed_and_pass(minimal):
    # notes of the first figure: a formula in English, plain text in Chinese
    minimal.replace("data/cases/east-west/figures.csv", "src,para 1,,,,,",
                    'src,para 1,见表,"=HYPERLINK(""http://x"",""y"")",,,', )
    text = casegen("--root", str(minimal.root), "validate")
    assert text.returncode == 0 and text.stdout == ""
    assert "figures.csv:2: note_en: warning: the text starts with '='" in text.stderr
    assert text.stderr.rstrip().endswith("1 warning(s); nothing stops the build.")
    as_json = casegen("--root", str(minimal.root), "validate", "--format", "json")
    assert as_json.returncode == 0
    assert [(p["line"], p["field"], p["severity"]) for p in json.loads(as_json.stdout)] == [(2, "note_en", "warning")]
