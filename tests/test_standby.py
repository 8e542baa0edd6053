"""The live preview's warm workers (casegen.charts.standby): an edit's charts are drawn on every core by workers
started with the server, with the bytes a build draws, and the workers end with the server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from casegen import fonts
from conftest import ROOT
from test_fonts import jobs, render  # noqa: F401 - the fixture: chart jobs of a story, both languages

WARM = """
import hashlib, json, os, sys
from pathlib import Path
from casegen import charts, fonts
from casegen.charts import engine, standby
jobs = [tuple(j) for j in json.load(open(sys.argv[1]))]
charts.CACHE = Path(sys.argv[2])
fonts.subset_config(fonts.characters(job[1] for job in jobs), charts.CACHE)  # a build's cut-down font
charts.warm_up()
workers = standby.workers()
assert len(workers) == min(os.cpu_count(), standby.MAX_WORKERS) >= 2 and os.getpid() not in workers, workers
def nowhere_else(*args, **kwargs):
    raise AssertionError("drawn here or in a new pool, not by the warm workers")
engine._run_jobs, engine._pool = nowhere_else, nowhere_else
charts.render_jobs(jobs)
out = []
for kind, text, want_png in jobs:
    svg = charts.svg(json.loads(text)) if kind == "chart" else text
    png = charts.png(svg) if want_png else b""
    out.append([hashlib.sha256(svg.encode()).hexdigest(), hashlib.sha256(png).hexdigest()])
print(json.dumps(out))
"""


def run(script: str, jobs: list[tuple], tmp_path: Path) -> str:
    """``script`` run in a fresh process (as a preview's server is) on ``jobs``, with a cache of its own."""
    spec = tmp_path / "jobs.json"
    spec.write_text(json.dumps(jobs), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", script, str(spec), str(tmp_path / "cache")], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_edits_charts_are_drawn_by_the_warm_workers_with_the_bytes_of_a_build(jobs, tmp_path):  # noqa: F811
    # compared with the jobs drawn one by one with a build's cut-down font (test_fonts compares that with the
    # system's fonts, the slow way)
    conf = fonts.subset_config(fonts.characters(job[1] for job in jobs), tmp_path / "font-cache")
    assert conf is not None
    assert json.loads(run(WARM, jobs, tmp_path)) == render(jobs, tmp_path, conf)


FIRST = """
import json, os, sys
from pathlib import Path
from casegen import charts
from casegen.charts import engine, standby
jobs = [tuple(j) for j in json.load(open(sys.argv[1]))]
charts.CACHE = Path(sys.argv[2])
charts.warm_up()  # a preview started without a build: no cut-down font yet, so no workers
assert standby.workers() == []
charts.render_jobs(jobs[:2])  # the first edit makes a font, with which the workers start
assert len(standby.workers()) >= 2, "the first edit did not start the warm workers"
def nowhere_else(*args, **kwargs):
    raise AssertionError("drawn here or in a new pool, not by the warm workers")
engine._run_jobs, engine._pool = nowhere_else, nowhere_else
import shutil
for kind in ("svg", "png", "png16x9"):
    shutil.rmtree(charts.CACHE / kind, ignore_errors=True)
charts.render_jobs(jobs[:2])  # the same characters again: drawn by the workers
print(len(list((charts.CACHE / "svg").rglob("*"))) > 0)
"""


def test_a_preview_started_without_a_font_starts_its_workers_with_the_first_edit(jobs, tmp_path):  # noqa: F811
    assert run(FIRST, jobs, tmp_path).split() == ["True"]


NEW_CHARACTER = """
import json, sys
from pathlib import Path
from casegen import charts, fonts
from casegen.charts import engine, standby
jobs = [tuple(j) for j in json.load(open(sys.argv[1]))]
charts.CACHE = Path(sys.argv[2])
fonts.subset_config(fonts.characters(job[1] for job in jobs), charts.CACHE)  # the library's font
charts.warm_up()
before = standby.workers()
assert len(before) >= 2
def nowhere_else(*args, **kwargs):
    raise AssertionError("drawn here or in a new pool, not by the warm workers")
engine._run_jobs, engine._pool = nowhere_else, nowhere_else
# an editor names a place with a character no chart had: 龘 (in Noto Sans CJK, not in the library)
edited = [(kind, text.replace("叙永", "叙永龘"), want) for kind, text, want in jobs if "叙永" in text][:2]
assert len(edited) == 2
charts.render_jobs(edited)
after = standby.workers()
drawn = charts.svg(json.loads(edited[0][1]))  # from the cache: drawn there by the workers
print(len(after) >= 2, set(after).isdisjoint(before), ord("龘") in standby._CHARS, "龘" in drawn)
"""


def test_an_edit_with_a_character_new_to_the_library_is_drawn_by_warm_workers_started_again_with_it(
        jobs, tmp_path):  # noqa: F811
    assert run(NEW_CHARACTER, jobs, tmp_path).split() == ["True"] * 4


SERVER = """
import sys, threading, time
from pathlib import Path
from casegen import charts, fonts
from casegen.charts import standby
charts.CACHE = Path(sys.argv[1])
fonts.subset_config(fonts.characters(["东西部协作 2020"]), charts.CACHE)
charts.warm_up()
threading.Thread(target=time.sleep, args=(600,)).start()  # as MkDocs' serving thread
print(" ".join(map(str, standby.workers())), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waits for its parent to read its end: it has ended
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_the_warm_workers_end_with_the_server_and_take_their_fonts_with_them(tmp_path):
    before = set(Path(tempfile.gettempdir()).glob("casegen-fonts-*"))
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path / "cache")], stdout=subprocess.PIPE,
                               text=True, cwd=ROOT)
    try:
        workers = [int(pid) for pid in process.stdout.readline().split()]
        assert len(workers) >= 2 and all(map(alive, workers))
        made = set(Path(tempfile.gettempdir()).glob("casegen-fonts-*")) - before
        assert len(made) == 1 + len(workers)  # the server's copy of the font and each worker's
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
        deadline = time.monotonic() + 10
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(alive, workers))
    finally:
        process.kill()
    assert not [folder for folder in made if folder.exists()]
