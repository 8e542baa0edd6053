"""What an editor feels in the live preview: the time from saving an edited figure to the open page showing it.

Used by ``make bench`` (casegen.bench): ``casegen serve`` runs on a library, headless Chromium keeps the
edited case's page open, and the figure is changed (with the story's mention of it, as an editor must);
the clock runs from the moment the files are saved until the page, reloaded by the preview by itself,
shows the new value. Each measurement is the median of a few edits.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EDITS = 3
SETTLE_S = 2.0        # between edits: the preview's own file watcher settles
TIMEOUT_S = 600.0     # a first build of 1,000 cases takes minutes on two cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except OSError:
        return False


def save_to_reload(root: Path, slug: str, edit: Callable[[int], str], chromium: str, log) -> dict:
    """Serve ``root``, open ``/cases/<slug>/`` and time ``EDITS`` edits (``edit(step)`` saves one and returns
    the value to look for) from saving to the page showing the value. Returns the times and the first start."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}/cases/{slug}/"
    env = {**os.environ, "CASEGEN_NO_PDF": "1", "NO_MKDOCS_2_WARNING": "1"}
    logfile = open(root / "serve.log", "w")
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "casegen.cli", "--root", str(root), "serve", "--port", str(port)],
                              stdout=logfile, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        while not _up(url):
            if server.poll() is not None or time.perf_counter() - started > TIMEOUT_S:
                raise RuntimeError(f"casegen serve did not start:\n{(root / 'serve.log').read_text()[-3000:]}")
            time.sleep(0.5)
        first = time.perf_counter() - started
        times, parts = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for step in range(EDITS):
                time.sleep(SETTLE_S)
                saved = time.perf_counter()
                value = edit(step)
                page.wait_for_function(
                    "v => document.body && document.body.innerText.replace(/[,\\s]/g, '').includes(v)",
                    arg=value, timeout=TIMEOUT_S * 1000, polling=50)
                times.append(time.perf_counter() - saved)
                part = last_rebuild(root / "serve.log")
                parts.append(part)
                log(f"    save to reload {times[-1]:.2f} s (value {value})"
                    + (f": casegen {part['casegen_s']:.2f} s, MkDocs {part['mkdocs_s']:.2f} s" if part else ""))
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        logfile.close()
    result = {"save_to_reload_s": statistics.median(times), "runs_s": times, "first_build_s": first}
    if all(parts):  # what the wait is made of, medians: casegen's regeneration, MkDocs' rebuild, the rest
        result["casegen_s"] = statistics.median(p["casegen_s"] for p in parts)
        result["mkdocs_s"] = statistics.median(p["mkdocs_s"] for p in parts)
    return result


_REBUILT = re.compile(r"casegen: preview rebuilt in ([\d.]+) s \(casegen ([\d.]+) s, MkDocs ([\d.]+) s\)")


def last_rebuild(log_file: Path) -> dict | None:
    """The parts of the preview's latest rebuild, from the line the casegen plugin logs after each."""
    found = _REBUILT.findall(log_file.read_text(encoding="utf-8", errors="replace"))
    if not found:
        return None
    total, casegen, mkdocs = map(float, found[-1])
    return {"total_s": total, "casegen_s": casegen, "mkdocs_s": mkdocs}
