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
