"""How long the live preview takes to draw an edit's charts when they hold a character new to the library.

Run with the project's Python: ``.venv/bin/python tools/new_character_edit.py``. It lays out every chart of the
real library (data/), cuts the library's font and starts the warm workers as ``casegen serve`` does, then three
times draws eight of Longyou–Xuyong's charts with a character no chart had (叙永 becomes 叙永龘, then 靐, 齉) and
prints the seconds each took. The charts are drawn into a temporary cache; nothing under build/ is touched.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from casegen import charts
    from casegen.validate import validate

    lib = validate(ROOT / "data")
    with tempfile.TemporaryDirectory(prefix="casegen-new-character-") as cache:
        charts.CACHE = Path(cache)
        measure(lib)


def measure(lib) -> None:
    from casegen import charts, fonts

    with charts.deferred() as every:
        for slug in sorted(lib.cases):
            for lang in ("zh", "en"):
                charts.case_charts(lib, slug, lang)
    fonts.subset_config(fonts.characters(job[1] for job in every), charts.CACHE)  # as a build leaves it
    charts.warm_up()
    jobs = [job for job in every if "叙永" in job[1] or "Xuyong" in job[1]][:8]
    for new in "龘靐齉":  # the warm workers end with this process, as with the server (charts.standby)
        edited = [(kind, text.replace("叙永", "叙永" + new).replace("Xuyong", "Xuyong" + new), png)
                  for kind, text, png in jobs]
        started = time.perf_counter()
        charts.render_jobs(edited)
        print(f"{len(edited)} charts with {new}: {time.perf_counter() - started:.2f} s", flush=True)


if __name__ == "__main__":  # the workers are spawned: they import this file again
    main()
