"""Live preview: `casegen serve` regenerates the pages and reloads the browser when an editor saves data."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from casegen.bench import retell
from conftest import copy_project


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
def server(tmp_path):
    project = copy_project(tmp_path / "project")
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
    finally:
        page.close()


def test_a_data_error_keeps_the_last_good_preview(server):
    project, url = server
    project.replace("data/cases/longyou-xuyong/figures.csv", "trainees,3250,人", "trainees,3250,人人")
    time.sleep(8)
    page = wait_for(lambda: fetch(url), 30, "the preview after a bad edit")
    assert "3250" in re.sub(r"<[^>]+>", "", page)
