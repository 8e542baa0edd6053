"""Benchmarks: how the build scales with the number of cases, and what the generator adds to MkDocs.

``make bench`` (``python -m casegen.bench``) makes synthetic libraries of 10, 100 and 1,000 cases in a
temporary folder, shaped like the real one: the real registers (data/*.yaml), docs/ and mkdocs.yml,
and N stories cloned in turn from the real cases and practices, each with a new slug and title and its
figures scaled by a factor of its own (rates kept), so that every clone has its own numbers and charts.
Nothing of it is kept. For each size, each repetition measures, every step in a fresh process as an
editor runs it:

* cold build: ``casegen build`` with no build/ (no chart cache, no manifest) and no site/;
* warm build: the same again, nothing changed;
* edit: one figure of one case changed, then ``casegen build``;
* bare MkDocs: ``mkdocs build --strict`` of the same generated Markdown, the floor the generator sits on.

PDF handouts are left out of these (``CASEGEN_NO_PDF=1``): printing is Chromium's time, one page at a
time, and would drown the rest at 1,000 cases. They are measured once on the real library instead
("real library" below), when Chromium is installed.

It prints a table and the targets, each a ratio of two figures from this same run, and writes every
number to bench/results/latest.json. Times are medians of the repetitions; peak memory is the largest
resident set of any one process of the step (the build, a chart worker or MkDocs), from the kernel's
rusage.

Each size also measures what an editor feels in the live preview (casegen.bench_preview): with
``casegen serve`` running and the edited case's page open in headless Chromium, the time from saving an
edited figure to the page showing it, the median of three edits; and the real library's the same way.

The repetitions (see PLAN): 10 cases, 3 of all four steps; 100 cases, 2; 1,000 cases, 1, with every
chart rendered (the cold build is measured, not estimated), its bare MkDocs being the MkDocs step of the
warm build (the same command on the same Markdown), and its edit regenerating only (``--no-site``), its
rebuild time adding that MkDocs step. ``--sample 0.05`` (hidden) renders a 5 % sample of the charts
instead and estimates the rest, for a quick look.

``--full`` also runs a separate bare MkDocs step and a whole rebuild after the edit at 1,000 cases.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from . import search_bench

_START = time.perf_counter()  # a step's clock starts when its process has started Python

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 1000)
# per size: repetitions, a separate bare MkDocs step, a full rebuild after the edit, share of chart jobs
# rendered for real in the cold build (None: all)
PLAN = {10: dict(repeats=3, bare=True, edit_site=True, sample=None),
        100: dict(repeats=2, bare=True, edit_site=True, sample=None),
        1000: dict(repeats=1, bare=False, edit_site=False, sample=None)}
FULL = dict(repeats=1, bare=True, edit_site=True, sample=None)
EDIT_SOURCE, EDIT_METRIC = "longyou-xuyong", "trainees"  # the figure edited: drawn in two charts and a table
GIT_DATE = "2020-06-30T12:00:00+08:00"

# Targets, as in the performance issue: each is a ratio of figures measured in the same run.
TARGET_WARM_OVERHEAD = 0.25    # (warm build − bare mkdocs) / bare mkdocs
TARGET_EDIT = 0.05             # generation after one edited figure / cold generation
TARGET_LINEAR = 11.0           # cold generation at 1,000 cases / at 100 cases
TARGET_COLD_1000_S = 180.0     # the whole site, both languages, 1,000 cases, cold
TARGET_PREVIEW_REAL_S = 3.0    # live preview: saving an edited figure to the open page showing it
TARGET_PREVIEW_1000_S = 15.0
TARGET_PAGE_BYTES = 150_000    # a case page's HTML and its charts, without the theme's shared assets
SEARCH_BYTES = 300_000         # the search's first query at 1,000 cases: everything it fetches
SEARCH_SECONDS = 1.0           # … and the time from the key to its first result


# -- synthetic libraries ---------------------------------------------------------------------------
def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    subprocess.run(["git", "-c", "user.name=casegen bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=root, env=env, check=True, capture_output=True)


def synthesize(dest: Path, n: int) -> Path:
    """A project of ``n`` stories cloned from the real ones, committed to a git repository of its own."""
    import yaml

    from .build import copy_site_files

    data = ROOT / "data"
    out = dest / "data"
    out.mkdir(parents=True)
    for path in data.iterdir():
        if path.is_file():
            shutil.copy(path, out / path.name)
    shutil.copytree(data / "schema", out / "schema")
    copy_site_files(ROOT, dest)
    unit_ids = [u["id"] for u in yaml.safe_load((data / "units.yaml").read_text(encoding="utf-8"))]
    rates = {m["id"] for m in yaml.safe_load((data / "metrics.yaml").read_text(encoding="utf-8"))["metrics"]
             if m["kind"] == "rate"}
    real = [("cases", p.name) for p in sorted((data / "cases").iterdir()) if p.is_dir()] + \
           [("practices", p.name) for p in sorted((data / "practices").iterdir()) if p.is_dir()]
    position = {slug: i for i, (_, slug) in enumerate(real)}
    for i in range(n):
        folder, source = real[i % len(real)]
        batch = i // len(real)

        def clone(slug: str) -> str | None:  # the clone of ``slug`` in this batch, if the library has it
            return f"{slug}-{batch + 1:03d}" if position[slug] + batch * len(real) < n else None

        name = "case.yaml" if folder == "cases" else "practice.yaml"
        story = yaml.safe_load((data / folder / source / name).read_text(encoding="utf-8"))
        story["title"] = {"zh": f"{story['title']['zh']}（样例{batch + 1}）",
                          "en": f"{story['title']['en']} (sample {batch + 1})"}
        if story.get("parent"):
            story["parent"] = clone(story["parent"])
            if story["parent"] is None:
                del story["parent"]
        story["related"] = [r for r in (clone(r) for r in story.get("related", [])) if r]
        story["not_figures"] = unscaled_numbers(story, unit_ids)
        target = out / folder / clone(source)
        target.mkdir(parents=True)
        (target / name).write_text(yaml.safe_dump(story, allow_unicode=True, sort_keys=False, width=120),
                                   encoding="utf-8")
        rows = list(csv.reader(io.StringIO((data / folder / source / "figures.csv").read_text(encoding="utf-8"))))
        factor = Decimal(100 + (batch * 37) % 89 + 1) / 100  # 1.01 … 1.89, its own for each batch
        for row in rows[1:]:
            if row and row[0] not in rates:
                value = Decimal(row[1])
                row[1] = str((value * factor).quantize(Decimal(1).scaleb(value.as_tuple().exponent), ROUND_HALF_EVEN))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (target / "figures.csv").write_text(buffer.getvalue(), encoding="utf-8")
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "synthetic library")
    return dest


def unscaled_numbers(story: dict, unit_ids: list[str]) -> list[dict]:
    """``not_figures`` entries for every number of a cloned story: its figures are scaled, its story is not, so
    no number of the story is a figure of the clone (the check still runs over all of them)."""
    from . import storynumbers

    texts = [(story[f][lang], lang) for f in storynumbers.STORY_FIELDS for lang in ("zh", "en")]
    texts += [(item[lang], lang) for f in storynumbers.LIST_FIELDS for item in story.get(f, []) for lang in ("zh", "en")]
    found: dict[str, set[str]] = {}
    for text, lang in texts:
        for number in storynumbers.find(text, lang, unit_ids):
            if not number.exempt:
                found.setdefault(number.written, set()).add(lang)
    return [{"number": written, "lang": "both" if len(langs) == 2 else next(iter(langs)),
             "reason": "synthetic clone: its figures are scaled, its story is not"}
            for written, langs in sorted(found.items())]


def edit_one_figure(root: Path, step: int) -> str:
    """Change the value of one figure of one case (a clone of longyou-xuyong), and the story's mentions of
    it, as an editor must (numbers in the story are figures); returns the new value."""
    folder = root / "data" / "cases" / f"{EDIT_SOURCE}-001"
    path = folder / "figures.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows[1:] if r and r[0] == EDIT_METRIC)
    old, new = int(Decimal(row[1])), int(Decimal(row[1])) + 1 + step
    row[1] = str(new)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    retell(folder / "case.yaml", old, new)
    return row[1]


def retell(story: Path, old: int, new: int) -> None:
    """Replace the whole number ``old`` by ``new`` in a story, as written in either language (3250, 3,250)."""
    text = story.read_text(encoding="utf-8")
    for before, after in ((f"{old:,}", f"{new:,}"), (str(old), str(new))):
        text = re.sub(rf"(?<![\d.,]){re.escape(before)}(?![\d])", after, text)
    story.write_text(text, encoding="utf-8")


# -- steps, each in a process of its own -----------------------------------------------------------
def _step_env() -> dict:
    return {**os.environ, "CASEGEN_NO_PDF": "1", "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


def run_process(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run ``cmd``; its wall time, the peak resident set of its largest process, and its last stdout line."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env or _step_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    # communicate() reaped the child; its rusage (and that of the processes it waited for) is in ours
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({process.returncode}):\n{(err or out)[-3000:]}")
    lines = [line for line in out.splitlines() if line.strip()]
    return {"wall_s": wall, "last_line": lines[-1] if lines else ""}


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """``run_process`` in a fresh child that reports its children's peak memory: a process's rusage of
    its children keeps their maximum over its whole life, so each step gets a parent of its own."""
    probe = [sys.executable, "-m", "casegen.bench", "--probe", json.dumps(cmd)]
    result = run_process(probe, cwd, env)
    report = json.loads(result["last_line"])
    report["wall_s"] = report.pop("child_wall_s")
    return report


def _probe(cmd: list[str]) -> None:
    import resource

    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)  # the environment run_process gave us
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:] or result.stdout[-3000:])
        sys.exit(result.returncode)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"child_wall_s": wall, "peak_mb": peak_kb / 1024,
                      "timings": json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}}))


def _sample_charts(share: float, timings: dict) -> None:
    """Make this process's build render ``share`` of its chart jobs for real, evenly spread over them (the
    jobs come longest first), and put placeholders in the cache for the others; record what the sample
    took and what all jobs would have taken at that rate."""
    from . import charts

    render = charts.render_jobs

    def sampled(jobs: list[tuple], workers: int | None = None) -> None:
        from . import fonts

        workers = workers or os.cpu_count() or 1
        count = max(4 * workers, round(len(jobs) * share))
        if len(jobs) <= count:
            return render(jobs, workers)
        chosen = [jobs[int(i * len(jobs) / count)] for i in range(count)]
        # as charts.render_jobs does, but timing apart the start of the pool (cutting the font down to all the
        # jobs' characters, spawning, imports, vl-convert's first chart: once per build) and the charts after
        # it (per chart: what is multiplied)
        start = time.perf_counter()
        conf = fonts.subset_config(fonts.characters(job[1] for job in jobs), charts.CACHE)
        with charts._pool(workers, conf) as pool:
            list(pool.map(charts._run_job, chosen[:workers], chunksize=1))
            started = time.perf_counter() - start
            list(pool.map(charts._run_job, chosen[workers:], chunksize=1))
        took = time.perf_counter() - start
        rate = (took - started) / (count - workers)
        from PIL import Image

        from . import widescreen

        stand_in = io.BytesIO()
        Image.new("RGB", (16, 9), "white").save(stand_in, "PNG")  # a picture still (a deck places it)
        real_svg, real_png, real_pad = charts._render_svg, charts.vlc.svg_to_png, widescreen.pad_png
        charts._render_svg = lambda spec: ('<svg xmlns="http://www.w3.org/2000/svg"><!-- placeholder '
                                           f'{hashlib.sha1(json.dumps(spec).encode()).hexdigest()} --></svg>')
        charts.vlc.svg_to_png = lambda svg_text, scale=2.0: stand_in.getvalue()
        widescreen.pad_png = lambda png, svg_text, scale=2.0: stand_in.getvalue()
        try:
            picked = set(map(id, chosen))
            for job in jobs:
                if id(job) not in picked:
                    charts._run_job(job)
        finally:
            charts._render_svg, charts.vlc.svg_to_png, widescreen.pad_png = real_svg, real_png, real_pad
        timings.update(charts_sampled=count, charts_jobs=len(jobs), charts_sample_s=took, charts_pool_start_s=started,
                       charts_estimated_s=started + rate * (len(jobs) - workers))

    charts.render_jobs = sampled


def _build_step(root: Path, sample: float | None = None, site: bool = True) -> None:
    """One ``casegen build`` with phase timings (the step a cold, warm or edit measurement runs)."""
    from .build import build

    timings: dict = {}
    if sample:
        _sample_charts(sample, timings)
    build(root, site=site, timings=timings)
    timings["process_s"] = time.perf_counter() - _START
    # generation: everything before MkDocs starts, from the start of the process (imports included)
    timings["generate_s"] = timings["process_s"] - timings.get("mkdocs", 0) - timings.get("swap", 0) \
        - timings.get("handouts", 0)
    if "charts_estimated_s" in timings:  # the build as it would have been with every chart rendered
        extra = timings["charts_estimated_s"] - timings["charts_sample_s"]
        timings["generate_estimated_s"] = timings["generate_s"] + extra
        timings["process_estimated_s"] = timings["process_s"] + extra
    print(json.dumps(timings))


def step_build(root: Path, sample: float | None = None, site: bool = True) -> dict:
    cmd = [sys.executable, "-m", "casegen.bench", "--build-step", str(root)]
    cmd += ["--sample", str(sample)] if sample else []
    cmd += [] if site else ["--no-site"]
    return measure(cmd, root)


def step_bare_mkdocs(root: Path, out: Path) -> dict:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(out)]
    return measure(cmd, root)


# -- what the built site weighs ----------------------------------------------------------------------
_IMG = re.compile(r'<img[^>]+src="(charts/[^"]+)"')


def site_stats(root: Path, charts_real: bool = True) -> dict:
    """Sizes of the built site. With placeholder charts (a sampled cold build), a case page's payload is
    its HTML alone (``charts_real`` False)."""
    site = root / "site"
    pages = sorted(site.rglob("index.html"))
    payloads = []
    for page in pages:
        rel = page.relative_to(site).as_posix()
        if not re.match(r"(en/)?(cases|practices)/[^/]+/index\.html$", rel):
            continue
        html = page.read_text(encoding="utf-8")
        files = [page] + ([page.parent / src for src in sorted(set(_IMG.findall(html)))] if charts_real else [])
        # as sent by a server that compresses (GitHub Pages does): gzip at its usual level
        sent = sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files)
        payloads.append((sum(f.stat().st_size for f in files), page.stat().st_size, rel, sent))
    payloads.sort()
    heavy = {}
    for rel in ("index.html", "cases/index.html", "sources/index.html", "mechanisms/index.html",
                "compare/index.html", "compare/placement/index.html", "compare/funds/index.html",
                "mechanisms/skills-training/index.html", "downloads/index.html"):
        if (site / rel).exists():
            heavy[rel] = (site / rel).stat().st_size
    return {
        "charts_real": charts_real,
        "pages": len(pages),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "docs_bytes": sum(p.stat().st_size for p in (root / "build" / "docs").rglob("*") if p.is_file()),
        "search_index_bytes": search_bench.index_bytes(site),
        "case_pages": len(payloads),
        "case_page_bytes_median": statistics.median(p[0] for p in payloads) if payloads else 0,
        "case_page_bytes_max": payloads[-1][0] if payloads else 0,
        "case_page_max": payloads[-1][2] if payloads else "",
        "case_page_html_bytes_max": max((p[1] for p in payloads), default=0),
        "case_page_gzip_bytes_max": max((p[3] for p in payloads), default=0),
        "cases_over_target": sum(1 for p in payloads if p[0] > TARGET_PAGE_BYTES),
        "index_page_bytes": heavy,
    }


# -- one size ----------------------------------------------------------------------------------------
def _median(runs: list[dict], *path: str) -> float:
    values = []
    for run in runs:
        value = run
        for key in path:
            value = value.get(key, 0) if isinstance(value, dict) else 0
        values.append(float(value))
    return statistics.median(values)


def bench_size(n: int, plan: dict, workdir: Path, log) -> dict:
    started = time.perf_counter()
    root = synthesize(workdir / f"lib-{n}", n)
    log(f"{n} cases: library made in {time.perf_counter() - started:.1f} s; plan {plan}")
    runs = []
    for repeat in range(plan["repeats"]):
        for path in (root / "build", root / "site"):
            shutil.rmtree(path, ignore_errors=True)
        cold = step_build(root, sample=plan["sample"])
        t = cold["timings"]
        if "charts_estimated_s" in t:
            cold["wall_estimated_s"] = cold["wall_s"] - t["charts_sample_s"] + t["charts_estimated_s"]
            log(f"  cold   {cold['wall_s']:7.1f} s measured with {t['charts_sampled']} of {t['charts_jobs']} chart "
                f"jobs rendered ({t['charts_sample_s']:.1f} s); est. {cold['wall_estimated_s']:.0f} s with all")
        else:
            log(f"  cold   {cold['wall_s']:7.1f} s  (generation {t['generate_s']:.1f} s, "
                f"{t.get('charts_rendered', 0)} chart jobs)")
        warm = step_build(root)
        log(f"  warm   {warm['wall_s']:7.1f} s  (generation {warm['timings']['generate_s']:.2f} s, "
            f"mkdocs {warm['timings']['mkdocs']:.1f} s)")
        value = edit_one_figure(root, repeat)
        edit = step_build(root, site=plan["edit_site"])
        page = (root / "build" / "docs" / "cases" / f"{EDIT_SOURCE}-001" / "index.md").read_text(encoding="utf-8")
        if value not in page.replace(",", ""):
            raise RuntimeError(f"the edited figure ({value}) is not on the regenerated page")
        if not plan["edit_site"]:  # regenerated only: the rebuild adds the MkDocs step of the warm build
            edit["wall_s"] += warm["timings"]["mkdocs"] + warm["timings"].get("swap", 0)
        log(f"  edit   {edit['wall_s']:7.1f} s  (generation {edit['timings']['generate_s']:.2f} s, "
            f"{edit['timings'].get('units_rendered')} units rendered, {edit['timings'].get('files_written')} "
            f"files written{'' if plan['edit_site'] else '; MkDocs step of the warm build added'})")
        if plan["bare"]:
            with tempfile.TemporaryDirectory(dir=workdir) as out:
                bare = step_bare_mkdocs(root, Path(out) / "site")
        else:  # the warm build's own MkDocs step: the same command on the same Markdown
            bare = {"wall_s": warm["timings"]["mkdocs"], "peak_mb": None, "from_warm_build": True}
        log(f"  mkdocs {bare['wall_s']:7.1f} s{'' if plan['bare'] else ' (the MkDocs step of the warm build)'}")
        runs.append({"cold": cold, "warm": warm, "edit": edit, "bare_mkdocs": bare})
    stats = site_stats(root, charts_real=plan["sample"] is None)
    stats["search"] = search_first_query(root, log)
    cold_s = _median(runs, "cold", "wall_estimated_s") if plan["sample"] else _median(runs, "cold", "wall_s")
    cold_gen = _median(runs, "cold", "timings", "generate_estimated_s" if plan["sample"] else "generate_s")
    result = {
        "cases": n,
        "plan": plan,
        "repeats": plan["repeats"],
        "estimated": plan["sample"] is not None,
        "runs": runs,
        "cold_s": cold_s,
        "cold_measured_s": _median(runs, "cold", "wall_s"),
        "warm_s": _median(runs, "warm", "wall_s"),
        "edit_s": _median(runs, "edit", "wall_s"),
        "bare_mkdocs_s": _median(runs, "bare_mkdocs", "wall_s"),
        "cold_generate_s": cold_gen,
        "warm_generate_s": _median(runs, "warm", "timings", "generate_s"),
        "edit_generate_s": _median(runs, "edit", "timings", "generate_s"),
        "cold_mkdocs_s": _median(runs, "cold", "timings", "mkdocs"),
        "cold_chart_jobs": _median(runs, "cold", "timings", "charts_rendered"),
        "cold_charts_s": _median(runs, "cold", "timings", "charts_estimated_s" if plan["sample"] else "charts"),
        "cold_peak_mb": _median(runs, "cold", "peak_mb"),
        "warm_peak_mb": _median(runs, "warm", "peak_mb"),
        "bare_mkdocs_peak_mb": _median(runs, "bare_mkdocs", "peak_mb") if plan["bare"] else None,
        **stats,
    }
    result["pages_per_s_cold"] = stats["pages"] / result["cold_s"]
    result["pages_per_s_warm"] = stats["pages"] / result["warm_s"]
    result["pages_per_s_bare_mkdocs"] = stats["pages"] / result["bare_mkdocs_s"]
    result["warm_overhead"] = (result["warm_s"] - result["bare_mkdocs_s"]) / result["bare_mkdocs_s"]
    result["edit_vs_cold_generation"] = result["edit_generate_s"] / result["cold_generate_s"]
    result["preview"] = preview_step(root, f"{EDIT_SOURCE}-001", lambda step: edit_one_figure(root, 10 + step), log)
    shutil.rmtree(root, ignore_errors=True)
    return result


def preview_step(root: Path, slug: str, edit, log) -> dict | None:
    """Save-to-reload in the live preview (casegen.bench_preview), when Chromium is there."""
    from . import handout
    from .bench_preview import save_to_reload

    chromium = handout.chromium() or (os.environ.get("CASEGEN_CHROMIUM") or "/usr/bin/chromium")
    if not Path(chromium).exists():
        log("  preview: not measured (no Chromium)")
        return None
    log("  preview: casegen serve, an edited figure, the open page in headless Chromium")
    result = save_to_reload(root, slug, edit, chromium, log)
    log(f"  preview: save to reload {result['save_to_reload_s']:.2f} s (median of {len(result['runs_s'])}); "
        f"first build {result['first_build_s']:.0f} s")
    return result


# -- the search (casegen.search_bench) -------------------------------------------------------------
def search_first_query(root: Path, log) -> dict:
    """What a reader's first search fetches and how soon its results show, on the built site."""
    result = search_bench.measure(root / "site")
    for q in result["queries"]:
        log(f"  search {q['query']!r} on {q['path']}: {q['bytes'] / 1000:.0f} kB in {q['requests']} requests, "
            f"first result after {q['seconds']:.2f} s ({q['first']})")
    return result


def search_rows() -> list:
    """The search's rows of the table: index on disk, first query's bytes and time (the worse of the languages)."""
    def shown(r, key, fmt):
        return fmt(r["search"][key]) if key in r.get("search", {}) else "n/a"
    return [
        ("search index on disk (both languages), kB", lambda r: _kb(r["search_index_bytes"])),
        ("search index per case, kB", lambda r: f"{r['search_index_bytes'] / r['cases'] / 1000:.1f}"),
        ("search: fetched for the first query, kB", lambda r: shown(r, "first_query_bytes_max", _kb)),
        ("search: first results after typing, s", lambda r: shown(r, "first_result_s_max", lambda v: f"{v:.2f}")),
    ]


def bench_real(workdir: Path, log) -> dict:
    """The real library, once, with PDF handouts when Chromium is there: what printing costs."""
    from . import handout
    from .build import copy_site_files

    root = workdir / "real"
    shutil.copytree(ROOT / "data", root / "data")
    copy_site_files(ROOT, root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "real library")
    env = {k: v for k, v in _step_env().items() if k != "CASEGEN_NO_PDF"}
    chromium = handout.chromium() if not os.environ.get("CASEGEN_NO_PDF") else None
    if chromium is None:
        env["CASEGEN_NO_PDF"] = "1"
    cmd = [sys.executable, "-m", "casegen.bench", "--build-step", str(root)]
    probe = [sys.executable, "-m", "casegen.bench", "--probe", json.dumps(cmd)]
    cold = json.loads(run_process(probe, root, env)["last_line"])
    warm = json.loads(run_process(probe, root, env)["last_line"])
    pdfs = sorted((root / "site").rglob("*-handout.pdf"))
    result = {"cold_s": cold["child_wall_s"], "warm_s": warm["child_wall_s"], "handouts": chromium is not None,
              "pdfs": len(pdfs), "pdf_bytes": sum(p.stat().st_size for p in pdfs),
              "cold_handouts_s": cold["timings"].get("handouts", 0.0),
              "cold_handouts_printed": cold["timings"].get("handouts_printed", 0),
              "warm_handouts_s": warm["timings"].get("handouts", 0.0),
              "warm_handouts_printed": warm["timings"].get("handouts_printed", 0),
              "warm_mkdocs_s": warm["timings"].get("mkdocs", 0.0), **site_stats(root)}
    result["preview"] = preview_step(root, "longyou-xuyong", lambda step: _edit_real(root, step), log)
    log(f"real library: cold {result['cold_s']:.1f} s, warm {result['warm_s']:.1f} s, "
        f"{result['pdfs']} PDF handouts: {result['cold_handouts_printed']} printed in {result['cold_handouts_s']:.1f} s "
        f"cold, {result['warm_handouts_printed']} warm ({result['warm_handouts_s']:.1f} s)")
    return result


def _edit_real(root: Path, step: int) -> str:
    """The real library's edit: Longyou–Xuyong's trainees, in the figures and in the story."""
    path = root / "data" / "cases" / "longyou-xuyong" / "figures.csv"
    text = path.read_text(encoding="utf-8")
    old = int(re.search(r"^trainees,(\d+),", text, flags=re.M).group(1))
    new = 3917 + step
    path.write_text(text.replace(f"trainees,{old},", f"trainees,{new},", 1), encoding="utf-8")
    retell(root / "data" / "cases" / "longyou-xuyong" / "case.yaml", old, new)
    return str(new)


# -- report ------------------------------------------------------------------------------------------
def _kb(n: float) -> str:
    return f"{n / 1000:,.0f}"


def _est(r: dict, text: str) -> str:
    return f"~{text}" if r.get("estimated") else text


def table(results: dict) -> str:
    sizes = results["sizes"]
    rows = [
        ("repetitions (median of)", lambda r: f"{r['repeats']}"),
        ("pages built (HTML, both languages)", lambda r: f"{r['pages']:,}"),
        ("cold build, s", lambda r: _est(r, f"{r['cold_s']:.1f}")),
        ("  generation, s", lambda r: _est(r, f"{r['cold_generate_s']:.1f}")),
        ("    of which charts, s", lambda r: _est(r, f"{r['cold_charts_s']:.1f}")),
        ("    chart jobs (SVG, or SVG + PNG)", lambda r: f"{r['cold_chart_jobs']:,.0f}"),
        ("  mkdocs, s", lambda r: f"{r['cold_mkdocs_s']:.1f}"),
        ("warm build (nothing changed), s", lambda r: f"{r['warm_s']:.1f}"),
        ("  generation, s", lambda r: f"{r['warm_generate_s']:.2f}"),
        ("rebuild after one edited figure, s", lambda r: f"{r['edit_s']:.1f}"),
        ("  generation, s", lambda r: f"{r['edit_generate_s']:.2f}"),
        ("bare mkdocs build, s", lambda r: f"{r['bare_mkdocs_s']:.1f}" + ("" if r["plan"]["bare"] else "*")),
        ("pages/s: cold", lambda r: _est(r, f"{r['pages_per_s_cold']:.1f}")),
        ("pages/s: warm", lambda r: f"{r['pages_per_s_warm']:.1f}"),
        ("pages/s: bare mkdocs", lambda r: f"{r['pages_per_s_bare_mkdocs']:.1f}"),
        ("peak memory: cold build, MB", lambda r: f"{r['cold_peak_mb']:.0f}"),
        ("peak memory: warm build, MB", lambda r: f"{r['warm_peak_mb']:.0f}"),
        ("peak memory: bare mkdocs, MB",
         lambda r: f"{r['bare_mkdocs_peak_mb']:.0f}" if r["bare_mkdocs_peak_mb"] is not None else "*"),
        ("case page + its charts, kB: median",
         lambda r: _kb(r["case_page_bytes_median"]) if r["charts_real"] else "n/a"),
        ("case page + its charts, kB: largest",
         lambda r: _kb(r["case_page_bytes_max"]) if r["charts_real"] else "n/a"),
        ("case page HTML, kB: largest", lambda r: _kb(r["case_page_html_bytes_max"])),
        ("case page + its charts gzipped, kB: largest",
         lambda r: _kb(r["case_page_gzip_bytes_max"]) if r["charts_real"] else "n/a"),
        ("case pages over 150 kB",
         lambda r: f"{r['cases_over_target']}/{r['case_pages']}" if r["charts_real"] else "n/a"),
        *search_rows(),
        ("site, MB", lambda r: f"{r['site_bytes'] / 1e6:,.0f}"),
        ("home page, kB", lambda r: _kb(r["index_page_bytes"].get("index.html", 0))),
        ("cases index, kB", lambda r: _kb(r["index_page_bytes"].get("cases/index.html", 0))),
        ("sources page, kB", lambda r: _kb(r["index_page_bytes"].get("sources/index.html", 0))),
        ("largest comparison page, kB", lambda r: _kb(max((v for k, v in r["index_page_bytes"].items()
                                                             if k.startswith("compare/")), default=0))),
        ("mechanism page (skills training), kB",
         lambda r: _kb(r["index_page_bytes"].get("mechanisms/skills-training/index.html", 0))),
        ("live preview: save to reload, s",
         lambda r: f"{r['preview']['save_to_reload_s']:.1f}" if r.get("preview") else "n/a"),
        ("live preview: first build, s",
         lambda r: f"{r['preview']['first_build_s']:.0f}" if r.get("preview") else "n/a"),
        ("warm overhead vs bare mkdocs", lambda r: f"{r['warm_overhead']:+.0%}"),
        ("edit generation / cold generation", lambda r: _est(r, f"{r['edit_vs_cold_generation']:.1%}")),
    ]
    width = max(len(name) for name, _ in rows)
    head = f"{'cases':<{width}}" + "".join(f"{r['cases']:>12,}" for r in sizes)
    lines = [head, "-" * len(head)]
    lines += [f"{name:<{width}}" + "".join(f"{fmt(r):>12}" for r in sizes) for name, fmt in rows]
    if any(r.get("estimated") for r in sizes):
        lines.append("~ estimate: a share of the chart jobs rendered, the rest at the rate measured for that share")
    if any(not r["plan"]["bare"] for r in sizes):
        lines.append("* the MkDocs step of the warm build (the same mkdocs build --strict of the same Markdown)")
    return "\n".join(lines)


def search_targets(by_n: dict) -> list[dict]:
    """At 1,000 cases the first search fetches at most 300 kB and shows results within 1 s."""
    r = by_n.get(1000, {}).get("search", {})
    if "first_query_bytes_max" not in r:
        return []
    return [
        {"target": "search at 1,000 cases: first query fetches ≤ 300 kB", "value": r["first_query_bytes_max"],
         "limit": SEARCH_BYTES, "met": r["first_query_bytes_max"] <= SEARCH_BYTES,
         "shown": f"{_kb(r['first_query_bytes_max'])} kB (index on disk {_kb(r['index_bytes'])} kB)"},
        {"target": "search at 1,000 cases: first results ≤ 1 s after typing", "value": r["first_result_s_max"],
         "limit": SEARCH_SECONDS, "met": r["first_result_s_max"] <= SEARCH_SECONDS,
         "shown": f"{r['first_result_s_max']:.2f} s"},
    ]


def _cold_in_the_way(r: dict, cpus: int) -> str:
    """What keeps a cold build of this size above its target, from the run's own figures: MkDocs alone, and the
    charts' drawing time per job on every core."""
    if r["cold_s"] <= TARGET_COLD_1000_S or not r.get("cold_chart_jobs"):
        return ""
    per_job = r["cold_charts_s"] * cpus / r["cold_chart_jobs"]
    return (f"; in the way: the bare mkdocs build of the same {r['pages']:,} pages takes {r['bare_mkdocs_s']:.0f} s by "
            f"itself, and vl-convert draws a chart job (an SVG, or an SVG and its PNGs) in {per_job:.2f} s of one core, "
            f"{r['cold_chart_jobs']:,.0f} jobs on {cpus} cores")


def targets(results: dict) -> list[dict]:
    by_n = {r["cases"]: r for r in results["sizes"]}
    out = []

    def add(name: str, value: float, limit: float, shown: str) -> None:
        out.append({"target": name, "value": value, "limit": limit, "met": value <= limit, "shown": shown})

    for n, r in sorted(by_n.items()):
        add(f"generator overhead on a warm cache ≤ 25% of bare mkdocs ({n:,} cases)", r["warm_overhead"],
            TARGET_WARM_OVERHEAD, f"{r['warm_overhead']:+.1%} ({r['warm_s']:.1f} s vs {r['bare_mkdocs_s']:.1f} s)")
    for n, r in sorted(by_n.items()):
        add(f"generation after one edited figure ≤ 5% of cold generation ({n:,} cases)",
            r["edit_vs_cold_generation"], TARGET_EDIT,
            _est(r, f"{r['edit_vs_cold_generation']:.1%}") + f" ({r['edit_generate_s']:.2f} s vs "
            + _est(r, f"{r['cold_generate_s']:.1f} s") + ")")
    if 100 in by_n and 1000 in by_n:
        big, small = by_n[1000], by_n[100]
        ratio = big["cold_generate_s"] / small["cold_generate_s"]
        add("cold generation at 1,000 cases ≤ 11 × at 100 cases", ratio, TARGET_LINEAR,
            _est(big, f"{ratio:.1f} ×") + f" ({_est(big, format(big['cold_generate_s'], '.0f'))} s vs "
            f"{small['cold_generate_s']:.1f} s; chart jobs {big['cold_chart_jobs']:,.0f} vs "
            f"{small['cold_chart_jobs']:,.0f}); whole cold build {_est(big, format(big['cold_s'] / small['cold_s'], '.1f'))} ×")
    if 1000 in by_n:
        r = by_n[1000]
        add("whole site at 1,000 cases, cold ≤ 180 s", r["cold_s"], TARGET_COLD_1000_S,
            _est(r, f"{r['cold_s']:.0f} s") + f" (charts {_est(r, format(r['cold_charts_s'], '.0f'))} s, "
            f"rest of generation {r['cold_generate_s'] - r['cold_charts_s']:.0f} s, mkdocs {r['cold_mkdocs_s']:.0f} s)"
            + _cold_in_the_way(r, results.get("cpus") or 1))
    previews = [("the real library", (results.get("real") or {}).get("preview"), TARGET_PREVIEW_REAL_S)]
    previews += [(f"{n:,} cases", r.get("preview"), TARGET_PREVIEW_1000_S) for n, r in sorted(by_n.items()) if n >= 1000]
    for name, preview, limit in previews:
        if preview:
            parts = (f"; of it casegen's regeneration {preview['casegen_s']:.1f} s and MkDocs' rebuild "
                     f"{preview['mkdocs_s']:.1f} s" if "casegen_s" in preview else "")
            add(f"live preview, save to reload ≤ {limit:.0f} s ({name})", preview["save_to_reload_s"], limit,
                f"{preview['save_to_reload_s']:.1f} s (median of " + ", ".join(f"{t:.1f}" for t in preview["runs_s"])
                + f" s{parts})")
    out += search_targets(by_n)
    real = [r for r in results["sizes"] if r["charts_real"]]
    if real:
        r = max(real, key=lambda r: r["cases"])
        add("a case page's own payload ≤ 150 kB", r["case_page_bytes_max"], TARGET_PAGE_BYTES,
            f"largest {_kb(r['case_page_bytes_max'])} kB ({r['case_page_max']}, HTML "
            f"{_kb(r['case_page_html_bytes_max'])} kB), median {_kb(r['case_page_bytes_median'])} kB; "
            f"{r['cases_over_target']} of {r['case_pages']} pages over ({r['cases']:,} cases); sent gzipped, "
            f"the largest is {_kb(r['case_page_gzip_bytes_max'])} kB")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m casegen.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="library sizes, e.g. 10,100")
    parser.add_argument("--repeats", type=int, help="repetitions of every size (default: see PLAN)")
    parser.add_argument("--full", action="store_true",
                        help="render every chart and run every step at every size (about 13 minutes)")
    parser.add_argument("--no-real", action="store_true", help="skip the real library with PDF handouts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--build-step", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--no-site", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        return _probe(json.loads(args.probe))
    if args.build_step:
        return _build_step(args.build_step, args.sample, site=not args.no_site)

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: dict = {"command": "make bench", "cpus": os.cpu_count(), "python": sys.version.split()[0],
                     "pdf_handouts_in_sizes": False, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="casegen-bench-") as tmp:
        workdir = Path(tmp)
        for n in sizes:
            plan = dict(FULL if args.full else PLAN.get(n, FULL))
            if args.repeats:
                plan["repeats"] = args.repeats
            results["sizes"].append(bench_size(n, plan, workdir, log))
        if not args.no_real:
            results["real"] = bench_real(workdir, log)
    results["targets"] = targets(results)
    results["total_s"] = time.perf_counter() - started
    print(f"\ncasegen bench: synthetic libraries, {os.cpu_count()} CPUs, PDF handouts off "
          f"(CASEGEN_NO_PDF=1), medians; total {results['total_s'] / 60:.1f} min\n")
    print(table(results))
    if "real" in results:
        real = results["real"]
        print(f"\nreal library ({real['case_pages']} story pages): cold build {real['cold_s']:.1f} s, warm "
              f"{real['warm_s']:.1f} s" + (
                  f"; PDF handouts ({real['pdfs']}, {real['pdf_bytes'] / 1e6:.1f} MB): {real['cold_handouts_printed']} "
                  f"printed in {real['cold_handouts_s']:.1f} s cold, {real['warm_handouts_printed']} reprinted warm "
                  f"({real['warm_handouts_s']:.1f} s, cached on what they print from)" if real["handouts"]
                  else "; PDF handouts not measured (no Chromium)")
              + (f"; live preview: save to reload {real['preview']['save_to_reload_s']:.1f} s"
                 if real.get("preview") else ""))
    print("\ntargets (each a ratio within this run):")
    for t in results["targets"]:
        print(f"  {'met ' if t['met'] else 'MISS'}  {t['target']}: {t['shown']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
