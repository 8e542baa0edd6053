"""Fonts: charts rendered with Noto Sans CJK cut down to their characters are the bytes the full font gives.

The cut-down font only makes rendering faster (casegen/fonts.py); these tests render real charts of the
library both ways, each in a fresh process as a chart worker does, and compare.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casegen import charts, fonts
from casegen.validate import validate
from conftest import ROOT

RENDER = """
import hashlib, json, sys
import vl_convert as vlc
from casegen import charts
out = []
for kind, text, want_png in json.load(open(sys.argv[1])):
    svg = charts._render_svg(json.loads(text)) if kind == "chart" else text
    png = vlc.svg_to_png(svg, scale=2.0) if want_png else b""
    out.append([hashlib.sha256(svg.encode()).hexdigest(), hashlib.sha256(png).hexdigest()])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> list[tuple]:
    """The chart jobs of a story in both languages: Chinese and English labels, bold titles, PNGs (one story:
    each job is drawn with the system's 20 MB fonts too, the slow way this compares against)."""
    lib = validate(ROOT / "data")
    saved, charts.CACHE = charts.CACHE, tmp_path_factory.mktemp("cache")
    try:
        with charts.deferred() as jobs:
            for lang in ("zh", "en"):
                for chart in charts.case_charts(lib, "longyou-xuyong", lang):
                    charts.png(chart.svg)
    finally:
        charts.CACHE = saved
    assert len(jobs) >= 8 and any(want_png for _, _, want_png in jobs)
    return jobs


def render(jobs: list[tuple], tmp_path: Path, fontconfig: Path | None) -> list[list[str]]:
    spec = tmp_path / "jobs.json"
    spec.write_text(json.dumps(jobs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    if fontconfig:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    result = subprocess.run([sys.executable, "-c", RENDER, str(spec)], capture_output=True, text=True, env=env,
                            cwd=ROOT, check=True)
    return json.loads(result.stdout)


def test_the_system_has_the_cjk_font_to_cut():
    assert fonts.system_faces() is not None, "install fonts-noto-cjk (the CI script does)"


def test_charts_drawn_with_the_cut_down_font_are_byte_identical(jobs, tmp_path):
    conf = fonts.subset_config(fonts.characters(job[1] for job in jobs), tmp_path / "cache")
    assert conf is not None and conf.is_file()
    cut = sorted(conf.parent.glob("*.otf"))
    assert len(cut) == 2 and all(p.stat().st_size < 1_000_000 for p in cut)  # from 20 MB each
    assert render(jobs, tmp_path, conf) == render(jobs, tmp_path, None)


def test_a_cut_down_font_is_made_once_and_serves_every_set_of_characters_it_covers(tmp_path):
    first = fonts.subset_config(fonts.characters(["东西部协作 East–West 2020"]), tmp_path)
    stamp = first.stat().st_mtime_ns
    assert fonts.subset_config(fonts.characters(["2020 West–East 协作东西部"]), tmp_path) == first  # same characters
    assert fonts.subset_config(fonts.characters(["东西 2"]), tmp_path) == first  # fewer (an edit's charts)
    assert first.stat().st_mtime_ns == stamp
    other = fonts.subset_config(fonts.characters(["扶贫"]), tmp_path)
    assert other != first and ord("扶") in set(json.loads(other.with_name("chars.json").read_text()))


def test_a_character_the_font_lacks_keeps_the_systems_fonts(tmp_path):
    # Tibetan is not in Noto Sans CJK: the system's fallback fonts must still be found for it
    assert fonts.subset_config(fonts.characters(["拉萨 ལྷ་ས"]), tmp_path) is None
    assert not list(tmp_path.rglob("fonts.conf"))


def test_characters_reads_svg_entities():
    assert fonts.characters(["a&amp;b &#x4e1c;"]) == {ord(c) for c in "a&b 东"}


IN_PROCESS = """
import hashlib, json, os, sys
from pathlib import Path
from casegen import charts
charts.CACHE = Path(sys.argv[2])
jobs = [tuple(j) for j in json.load(open(sys.argv[1]))]
charts.render_jobs(jobs)  # little work: drawn in this process
assert isinstance(charts._FONTS, frozenset), charts._FONTS
assert "FONTCONFIG_FILE" not in os.environ  # MkDocs and Chromium, started later, see the system's fonts
def drawn():
    out = []
    for kind, text, want_png in jobs:
        svg = charts.svg(json.loads(text)) if kind == "chart" else text
        png = charts.png(svg) if want_png else b""
        out.append([hashlib.sha256(svg.encode()).hexdigest(), hashlib.sha256(png).hexdigest()])
    return out
first = drawn()
# the build cache goes (a test's folder, `make clean` during a preview): this process still draws the same
import shutil
shutil.rmtree(charts.CACHE)
charts.CACHE = Path(sys.argv[2] + "-again")
charts.render_jobs(jobs)
assert drawn() == first
print(json.dumps(first))
"""


def test_a_little_work_is_drawn_in_the_build_process_with_the_cut_down_font_and_the_same_bytes(jobs, tmp_path):
    few = sorted(jobs, key=lambda job: len(job[1]))[:2]
    spec = tmp_path / "few.json"
    spec.write_text(json.dumps(few), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", IN_PROCESS, str(spec), str(tmp_path / "cache")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == render(few, tmp_path, None)


STOPPED = """
import sys, threading, time
from pathlib import Path
from casegen import charts, fonts
conf = fonts.subset_config(fonts.characters(["东西部协作 2020"]), Path(sys.argv[1]))
charts.start_fonts(conf)
threading.Thread(target=time.sleep, args=(600,)).start()  # as MkDocs' serving thread, which no exit stops
print("started", flush=True)
time.sleep(600)
"""


def test_a_process_stopped_with_sigterm_removes_its_copy_of_the_font(tmp_path):
    """A preview's server is stopped with SIGTERM (by `casegen serve`, a test, the bench): the copy of the cut-down
    font it drew with goes with it, and it ends at once, as SIGTERM ends it, whatever threads it runs."""
    import signal
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("casegen-fonts-*"))
    process = subprocess.Popen([sys.executable, "-c", STOPPED, str(tmp_path / "cache")], stdout=subprocess.PIPE,
                               text=True, cwd=ROOT)
    try:
        assert process.stdout.readline().strip()  # started, with its copy made
        made = set(Path(tempfile.gettempdir()).glob("casegen-fonts-*")) - before
        assert len(made) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
    finally:
        process.kill()
    assert not [folder for folder in made if folder.exists()]
