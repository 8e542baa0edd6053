"""PDF handouts: each case page printed by Chromium with the site's print stylesheet.

Runs only where Chromium is installed (CI and the publishing build install it); elsewhere the
site is built without handouts and the pages do not link them. PDF timestamps are replaced by
the date the case's data last changed, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=en-US"]
# Chromium picks fonts (and formats dates) by the locale and time zone it runs in: printed under one fixed
# environment, the PDFs do not depend on the caller's LANG or TZ.
PRINT_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "", "TZ": "UTC"}
# The printing child's exit code for a failure of the file system, reported as one JSON line on stderr.
OS_ERROR_EXIT = 75


def chromium() -> str | None:
    """Path of the Chromium to print with: $CASEGEN_CHROMIUM, else Debian's, else none."""
    if os.environ.get("CASEGEN_NO_PDF"):
        return None
    candidate = os.environ.get("CASEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


# Where pages are printed from when the site's address is not known. No such host exists (.invalid is
# reserved), and links into it are taken out before printing, so it never reaches a PDF.
UNPUBLISHED = "https://unpublished.invalid/"


def pdf_name(slug: str) -> str:
    return f"{slug}-handout.pdf"


_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def _pin_dates(pdf: bytes, changed: str | None) -> bytes:
    """Chromium stamps the print time; use the data's date instead (14 digits for 14 digits, so the
    PDF's byte offsets stay right)."""
    stamp = (changed or "1970-01-01").replace("-", "").encode() + b"000000"
    return _DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp + m.group(3) + b")", pdf)


def print_handouts(site: Path, pages: list[tuple[str, str | None]], executable: str, base_url: str | None,
                   pass_fds: tuple[int, ...] = ()) -> None:
    """Print each page (site-relative folder, last-changed date) to <folder>/<slug>-handout.pdf.

    Pages are opened at their published address (``base_url`` + folder), answered from ``site`` by the
    browser's request routing, so the links inside a PDF point at the published site and the PDF does not
    depend on the folder it was built in. Runs in a child process: Playwright's sync API refuses to start
    inside a running event loop (a live preview, a test session driving its own browser), and a crash there
    cannot take the build down."""
    result = subprocess.run([sys.executable, "-m", "casegen.handout", str(site), executable, json.dumps(pages),
                             base_url or ""], capture_output=True, text=True, env={**os.environ, **PRINT_ENV},
                            pass_fds=pass_fds)
    if result.returncode == OS_ERROR_EXIT:
        try:
            err = json.loads(result.stderr.strip().splitlines()[-1])
            raise OSError(err["errno"], err["strerror"], err["filename"])
        except (ValueError, KeyError, IndexError, TypeError):
            pass
    if result.returncode != 0:
        raise RuntimeError("printing the PDF handouts failed:\n" + (result.stderr or result.stdout)[-2000:])


def local_file(site: Path, base_url: str, url: str) -> Path | None:
    """The file of ``site`` that answers ``url`` on the published site, or None (another site, or outside)."""
    if not url.startswith(base_url):
        return None
    rel = unquote(urlsplit(url[len(base_url):]).path)
    target = (site / rel).resolve()
    if target.is_dir() or rel.endswith("/") or not rel:
        target = target / "index.html"
    return target if target.is_relative_to(site.resolve()) and target.is_file() else None


# The page's charts are lazy images: the load event does not wait for those below the fold, and a PDF
# printed before they arrive lacks them (and differs from one build to the next). Load every image, and the
# fonts, before printing.
_ALL_LOADED = """async () => {
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = "eager"; });
  const loaded = images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
  }));
  await Promise.race([Promise.all(loaded), new Promise(done => setTimeout(done, 30000))]);
  await Promise.all(images.map(img => img.decode ? img.decode().catch(() => null) : null));
  await document.fonts.ready;
}"""


def _print(site: Path, pages: list[tuple[str, str | None]], executable: str, published: str) -> None:
    from playwright.sync_api import sync_playwright

    base_url = published or UNPUBLISHED

    def answer(route):
        # Only the site itself: nothing leaves the machine while printing, and a missing file is a 404.
        target = local_file(site, base_url, route.request.url)
        if target is None:
            route.fulfill(status=404, body="") if route.request.url.startswith(base_url) else route.abort()
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=target.read_bytes(), content_type=kind)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="en-US", timezone_id="UTC")
            page.route("**/*", answer)
            page.emulate_media(media="print")
            for folder, changed in pages:
                page.goto(f"{base_url}{folder}/", wait_until="load")
                page.evaluate(_ALL_LOADED)
                if not published:
                    # No address to link to: the PDF keeps the links that leave the site, not the others.
                    page.evaluate("origin => document.querySelectorAll('a[href]').forEach(a => "
                                  "{ if (a.href.startsWith(origin)) a.removeAttribute('href') })", base_url)
                pdf = page.pdf(format="A4", print_background=True, display_header_footer=False,
                               margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
                dest = site / folder / pdf_name(Path(folder).name)
                tmp = dest.with_name(f".{dest.name}.tmp")
                try:
                    tmp.write_bytes(_pin_dates(pdf, changed))
                    os.replace(tmp, dest)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
        finally:
            browser.close()


_LOCAL_REF = re.compile(r'(?:src|href)="([^"#?:]+)(?:[#?][^"]*)?"')


def handout_key(site: Path, folder: str, changed: str | None, executable: str, base_url: str | None) -> str:
    """What a handout is printed from: the page's HTML and every local file it references (stylesheets,
    scripts, charts), the address it is printed at, the printing code, the Chromium binary and the date
    stamped into the PDF."""
    page = site / folder / "index.html"
    html = page.read_bytes()
    digest = hashlib.sha256(html)
    for ref in sorted(set(_LOCAL_REF.findall(html.decode("utf-8")))):
        target = (page.parent / ref).resolve()
        if target.is_file() and target.is_relative_to(site.resolve()):
            digest.update(ref.encode() + b"\0" + hashlib.sha256(target.read_bytes()).digest())
    binary = Path(executable).resolve()
    st = binary.stat()
    digest.update(json.dumps([str(binary), st.st_size, st.st_mtime_ns, changed, base_url,
                              hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]).encode())
    return digest.hexdigest()


def print_cached(cache: Path, site: Path, pages: list[tuple[str, str | None]], executable: str,
                 base_url: str | None, pass_fds: tuple[int, ...] = ()) -> int:
    """Put each page's PDF handout in ``site``: from ``cache`` when the page prints from the same bytes
    as before, else printed by Chromium (then cached). Returns the number printed."""
    keys = {folder: handout_key(site, folder, changed, executable, base_url) for folder, changed in pages}
    todo = [(folder, changed) for folder, changed in pages if not (cache / keys[folder]).is_file()]
    if todo:
        print_handouts(site, todo, executable, base_url, pass_fds)
        cache.mkdir(parents=True, exist_ok=True)
        for folder, _ in todo:
            tmp = cache / f"{keys[folder]}.{os.getpid()}.tmp"
            try:
                shutil.copyfile(site / folder / pdf_name(Path(folder).name), tmp)
                os.replace(tmp, cache / keys[folder])
            except BaseException:
                tmp.unlink(missing_ok=True)  # a full disk leaves no half a PDF in the cache
                raise
    printed = {folder for folder, _ in todo}
    for folder, _ in pages:
        if folder not in printed:
            shutil.copyfile(cache / keys[folder], site / folder / pdf_name(Path(folder).name))
    return len(todo)


if __name__ == "__main__":
    try:
        _print(Path(sys.argv[1]), [tuple(p) for p in json.loads(sys.argv[3])], sys.argv[2], sys.argv[4])
    except OSError as err:  # a full disk, a permission: the build says what to do, without a traceback
        if err.errno is None:
            raise
        print(json.dumps({"errno": err.errno, "strerror": err.strerror,
                          "filename": os.fsdecode(err.filename) if err.filename is not None else None}),
              file=sys.stderr)
        sys.exit(OS_ERROR_EXIT)
