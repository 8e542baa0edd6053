"""PDF handouts: each case page printed by Chromium with the site's print stylesheet.

Runs only where Chromium is installed (CI and the publishing build install it); elsewhere the
site is built without handouts and the pages do not link them. PDF timestamps are replaced by
the date the case's data last changed, so the same data gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
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
    """Print each page (site-relative folder, last-changed date) to <folder>/<slug>-handout.pdf."""
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
