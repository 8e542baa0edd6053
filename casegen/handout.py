"""PDF handouts: each case page printed by Chromium with the site's print stylesheet.

Runs only where Chromium is installed (CI and the publishing build install it); elsewhere the
site is built without handouts and the pages do not link them. PDF timestamps are replaced by
the date the case's data last changed, so the same data gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    """Path of the Chromium to print with: $CASEGEN_CHROMIUM, else Debian's, else none."""
    if os.environ.get("CASEGEN_NO_PDF"):
        return None
    candidate = os.environ.get("CASEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def pdf_name(slug: str) -> str:
    return f"{slug}-handout.pdf"


_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def _pin_dates(pdf: bytes, changed: str | None) -> bytes:
    """Chromium stamps the print time; use the data's date instead (14 digits for 14 digits, so the
    PDF's byte offsets stay right)."""
    stamp = (changed or "1970-01-01").replace("-", "").encode() + b"000000"
    return _DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp + m.group(3) + b")", pdf)


def print_handouts(site: Path, pages: list[tuple[str, str | None]], executable: str) -> None:
    """Print each page (site-relative folder, last-changed date) to <folder>/<slug>-handout.pdf.

    Runs in a child process: Playwright's sync API refuses to start inside a running event loop (a
    live preview, a test session driving its own browser), and a crash there cannot take the build down."""
    result = subprocess.run([sys.executable, "-m", "casegen.handout", str(site), executable, json.dumps(pages)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("printing the PDF handouts failed:\n" + (result.stderr or result.stdout)[-2000:])


def _print(site: Path, pages: list[tuple[str, str | None]], executable: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.emulate_media(media="print")
            for folder, changed in pages:
                html = site / folder / "index.html"
                page.goto(html.as_uri(), wait_until="load")
                pdf = page.pdf(format="A4", print_background=True, display_header_footer=False,
                               margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
                (site / folder / pdf_name(Path(folder).name)).write_bytes(_pin_dates(pdf, changed))
        finally:
            browser.close()


if __name__ == "__main__":
    _print(Path(sys.argv[1]), [tuple(p) for p in json.loads(sys.argv[3])], sys.argv[2])
