"""Benchmarks: how long the real library takes to validate, generate and build.

Prints a table and writes bench/results/latest.json. Timings are medians of repeated runs in one
process; compare figures from the same run only.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .build import build, generate
from .validate import validate

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 3


def _copy_project(dest: Path) -> Path:
    for name in ("data", "docs"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def _median(fn) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        project = _copy_project(Path(tmp) / "project")
        results = {
            "validate_s": _median(lambda: validate(project / "data")),
            "generate_s": _median(lambda: generate(project)),
            "build_s": _median(lambda: build(project)),
        }
        site = project / "site"
        results["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        results["pages"] = sum(1 for _ in site.rglob("index.html"))
        results["search_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
    return results


def main() -> None:
    results = run()
    print(f"real library, median of {REPEAT} runs")
    for key, value in results.items():
        print(f"  {key:22} {value:12.3f}" if isinstance(value, float) else f"  {key:22} {value:12d}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
