"""Live preview: `casegen serve` regenerates the pages and reloads the browser when an editor saves data."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from casegen.bench import retell
from casegen.bench_preview import last_rebuild
from conftest import copy_project, with_charts_of


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


@pytest.fixture
def server(tmp_path, built_site):
    project = with_charts_of(copy_project(tmp_path / "project"), built_site)
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "casegen.cli", "--root", str(project.root), "serve",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/cases/longyou-xuyong/"
    try:
        wait_for(lambda: fetch(url) or (process.poll() is not None and pytest.fail(
            "casegen serve stopped:\n" + (tmp_path / "serve.log").read_text())), 180, "the preview server")
        yield project, url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_an_edited_figure_shows_in_the_open_browser_without_a_manual_reload(server, chromium):
    project, url = server
    page = chromium.new_page()
    try:
        page.goto(url)
        assert page.get_by_text("3250人").count() > 0
        # the figure and the story that quotes it, as an editor changes them (numbers in the story are figures)
        project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,", "trainees,3917,")
        retell(project.root / "data/cases/longyou-xuyong/case.yaml", 3250, 3917)
        # mkdocs' live reload refreshes the page by itself once the rebuild is done
        page.get_by_text("3917人").first.wait_for(timeout=120_000)
        # the preview rebuilds only what changed: the language twin changed with it
        english = re.sub(r"<[^>]+>", "", fetch(url.replace("/cases/", "/en/cases/")) or "")
        assert "3,917" in english and "3,250" not in english
        # the chart that draws the figure is drawn again and served; the assets that did not change stay served
        # (the preview's MkDocs passes over them: casegen.preview.begin_listing)
        for chart in ("key-outcomes.svg", "key-outcomes.narrow.svg"):
            svg = fetch(url + "charts/" + chart) or ""
            assert "3917" in svg.replace(",", "") and "3250" not in svg.replace(",", ""), chart
        assert "3,917" in (fetch(url.replace("/cases/", "/en/cases/") + "charts/key-outcomes.svg") or "")
        assert fetch(url.replace("longyou-xuyong", "yang-county") + "downloads/yang-county.csv")
        assert fetch(url + "downloads/longyou-xuyong.bib")
        # the preview says what the rebuild took, in its two parts (make bench reads it: casegen.bench_preview)
        part = last_rebuild(project.root.parent / "serve.log")
        assert part and part["total_s"] >= part["casegen_s"] > 0 and part["mkdocs_s"] > 0, part
        # and, after its first build, the English pages in a second process (casegen.language_builds), which
        # handed back what it left: the English page above is right, and so is the English search (below)
        assert ", en built beside" in (project.root.parent / "serve.log").read_text(encoding="utf-8")
    finally:
        page.close()


def status(url: str) -> int | None:
    """The HTTP status of ``url``, or None when no answer came in time."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


def search_pages(base: str) -> set[str]:
    """The pages in the search index of each language (casegen.search_index: a manifest, pages in chunks)."""
    locations = []
    for folder in ("search", "en/search"):
        manifest = json.loads(fetch(f"{base}/{folder}/manifest.json") or '{"pages": 0, "chunk": 1}')
        for chunk in range(-(-manifest["pages"] // manifest["chunk"])):
            locations += [page[0] for page in json.loads(fetch(f"{base}/{folder}/d/{chunk}.json") or "[]")]
    assert len(locations) == len(set(locations)), "a page twice in the search index"
    return set(locations)


def test_a_new_case_appears_and_a_deleted_case_goes(server):
    """The preview renders only the pages that changed; a new case's pages and the lists that link it are
    right after the reload, a deleted case's pages are gone, and the search index keeps every other page."""
    project, url = server
    base = url.split("/cases/")[0]
    before = search_pages(base)
    assert "cases/yang-county/" in before and "en/cases/yang-county/" in before
    folder = project.root / "data/cases/yang-county-copy"
    shutil.copytree(project.root / "data/cases/yang-county", folder)
    project.replace("data/cases/yang-county-copy/case.yaml", "洋县“161”就业扶贫模式", "预览测试案例")
    project.replace("data/cases/yang-county-copy/case.yaml", "Yang County's \"161\" model", "Preview test case")
    new_page = f"{base}/cases/yang-county-copy/"
    # each condition is waited for: a request that comes while a rebuild runs waits for its end
    wait_for(lambda: "预览测试案例" in (fetch(new_page) or ""), 180, "the new case's page")
    wait_for(lambda: "Preview test case" in (fetch(f"{base}/en/cases/yang-county-copy/") or ""), 60,
             "the new case's English page")
    for lists in (f"{base}/cases/", f"{base}/en/cases/"):
        wait_for(lambda: 'href="yang-county-copy/"' in (fetch(lists) or ""), 60, f"the new case in {lists}")
    with_new = search_pages(base)
    assert with_new == before | {"cases/yang-county-copy/", "en/cases/yang-county-copy/"}

    shutil.rmtree(folder)
    wait_for(lambda: status(new_page) == 404, 180, "the deleted case's page to go")
    wait_for(lambda: status(f"{base}/en/cases/yang-county-copy/charts/key-outcomes.svg") != 200, 30,
             "the deleted case's English chart to go")
    assert status(f"{base}/en/cases/yang-county-copy/") == 404
    for lists in (f"{base}/cases/", f"{base}/en/cases/"):
        wait_for(lambda: "yang-county-copy" not in (fetch(lists) or "yang-county-copy"), 60,
                 f"the deleted case to leave {lists}")
    assert search_pages(base) == before


def test_a_save_that_changes_nothing_on_the_site_ends_before_mkdocs_and_a_data_error_keeps_the_last_good_preview(
        server):
    """An editor's swap file under data/, or data with a problem, start a rebuild that ends once casegen has
    written nothing: MkDocs would go through every file (seconds at 1,000 cases) to make the same site, and hold
    the server meanwhile. The next edit is rebuilt and shown, after the problem is mended."""
    project, url = server
    log = project.root.parent / "serve.log"

    def skipped() -> int:
        return log.read_text(encoding="utf-8").count("casegen: nothing to rebuild")

    def rebuilt() -> int:
        return log.read_text(encoding="utf-8").count("casegen: preview rebuilt in")

    before = rebuilt()
    (project.root / "data/cases/longyou-xuyong/.case.yaml.swp").write_bytes(b"\0an editor's swap file")
    wait_for(lambda: skipped() == 1, 60, "a rebuild with nothing to do")
    project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,人", "trainees,3250,人人")
    wait_for(lambda: skipped() == 2, 60, "a rebuild of data with a problem")
    assert "problem(s) in data/" in log.read_text(encoding="utf-8") and rebuilt() == before
    page = wait_for(lambda: fetch(url), 30, "the preview after a bad edit")
    assert "3250" in re.sub(r"<[^>]+>", "", page)  # the last good version
    project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,人人", "trainees,3917,人")
    retell(project.root / "data/cases/longyou-xuyong/case.yaml", 3250, 3917)
    wait_for(lambda: "3917人" in re.sub(r"<[^>]+>", "", fetch(url) or ""), 120, "the mended edit")
    assert rebuilt() > before


def test_stopping_casegen_serve_stops_its_server(tmp_path, built_site):
    """A process manager stops the process it started: SIGTERM to `casegen serve` alone (not its process group)
    ends the MkDocs server it runs too, so the port is free again and nothing keeps serving."""
    project = with_charts_of(copy_project(tmp_path / "project"), built_site)
    port = free_port()
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "casegen.cli", "--root", str(project.root), "serve",
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(lambda: fetch(url) or (process.poll() is not None and pytest.fail(
                "casegen serve stopped:\n" + (tmp_path / "serve.log").read_text())), 180, "the preview server")
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            wait_for(lambda: fetch(url) is None, 30, "the server to stop answering")
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group, if the test failed
            except ProcessLookupError:
                pass
