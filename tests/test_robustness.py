"""A build that goes wrong in the ways builds do (killed, run twice at once, a full disk, an undeletable file,
a symbolic link out of the project) keeps its promise: the previous build/docs/ and site/ stay as they were,
site/ is always a whole site, and the next build recovers by itself.

Real builds of the minimal library, without handouts (CASEGEN_NO_PDF) where they are not the point.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from browser import casegen_command
from casegen import build as build_module
from casegen import write
from casegen.build import BuildError, build, build_lock, recover, static_docs
from conftest import MINIMAL, ROOT, Project
from test_output import output_of, tree

NO_PDF = {**os.environ, "CASEGEN_NO_PDF": "1", "SITE_URL": "https://cases.east-west-library.cn/"}
WAITING = "waiting for another casegen build in this folder…"
EDIT = ("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")


def leftovers(root: Path) -> list[str]:
    names = [p.name for p in root.iterdir() if p.name.startswith("site.")]
    names += [p.name for p in (root / "build").iterdir() if p.name.startswith(".journal")]
    names += [p.relative_to(root).as_posix() for p in (root / "build").rglob("*.tmp")]
    return sorted(names)


def casegen(root: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*casegen_command(), "--root", str(root), *args], capture_output=True, text=True,
                          env=env or NO_PDF, **kwargs)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("built") / "p"
    shutil.copytree(MINIMAL, root)
    build_module.copy_site_files(ROOT, root)
    result = casegen(root, "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def project(built_once, tmp_path) -> Project:
    """A copy of the minimal library with its site and generated pages, for one test to break."""
    shutil.copytree(built_once, tmp_path / "p", symlinks=True)
    return Project(tmp_path / "p")


def children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError, ValueError):
            continue
    return found


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# --- 1. killed during mkdocs ---------------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the mkdocs child")
def test_a_build_killed_during_mkdocs_is_undone_by_the_next_build(project):
    root = project.root
    before = output_of(project)
    project.replace(*EDIT)
    process = subprocess.Popen([*casegen_command(), "--root", str(root), "build"], env=NO_PDF,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: any("mkdocs" in c for c in children(process.pid)), 60, "the mkdocs child")
        assert (root / "build/.journal").is_dir()
        os.kill(process.pid, signal.SIGKILL)  # as the OOM killer or `kill -9` would: the child lives on
        process.wait()
        # killed: the site is the previous one, whole; build/docs was rewritten and its journal is left behind
        assert tree(root / "site") == {k[5:]: v for k, v in before.items() if k.startswith("site/")}
        assert (root / "build/.journal").is_dir()
        assert output_of(project) != before
        # the next build's first step (it waits for the orphaned mkdocs, which holds the lock) undoes it
        recover(root)
        assert output_of(project) == before
        assert not leftovers(root)
        result = casegen(root, "build")
        assert result.returncode == 0, result.stderr
        assert "7,123" in (root / "site/en/cases/east-west/index.html").read_text(encoding="utf-8")
        assert not leftovers(root)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the session started above: the orphan, if still there
        except ProcessLookupError:
            pass


# --- 2. the swap ------------------------------------------------------------------------------------------------

def test_the_new_site_is_exchanged_with_the_old_in_one_step(tmp_path):
    if write._RENAMEAT2 is None:
        pytest.skip("no renameat2 here: publishing falls back to two renames")
    site, staging = tmp_path / "site", tmp_path / "site.new"
    site.mkdir()
    (site / "index.html").write_text("old")
    staging.mkdir()
    (staging / "index.html").write_text("new")
    new_inode = staging.stat().st_ino
    renames = []
    real_replace = os.replace
    os.replace = lambda *a, **k: renames.append(a) or real_replace(*a, **k)
    try:
        old = write.publish(staging, site)
    finally:
        os.replace = real_replace
    assert renames == []  # one system call, no moment without site/
    assert site.stat().st_ino == new_inode and (site / "index.html").read_text() == "new"
    assert old == staging and (staging / "index.html").read_text() == "old"


KILL_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
from casegen import build, write
write._RENAMEAT2 = None  # a system without renameat2: two renames
real = os.replace
def replace(src, dst, *args, **kwargs):
    if Path(src).name == "site.new" and Path(dst).name == "site":
        os._exit(9)  # killed between taking the old site away and putting the new one in
    return real(src, dst, *args, **kwargs)
os.replace = replace
build.build(Path(sys.argv[1]))
"""


def test_a_build_killed_between_the_two_renames_is_finished_by_the_next(project):
    root = project.root
    project.replace(*EDIT)
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(root)], env=NO_PDF,
                            capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    assert not (root / "site").exists() and (root / "site.old").is_dir() and (root / "site.new").is_dir()
    staged = tree(root / "site.new")
    recover(root)  # the build had committed: the staged site is whole and goes in
    assert tree(root / "site") == staged and "7,123" in staged["en/cases/east-west/index.html"].decode()
    assert not leftovers(root)


def test_a_missing_site_comes_back_from_site_old_not_from_a_half_built_site_new(project):
    root = project.root
    published = tree(root / "site")
    (root / "site").rename(root / "site.old")  # what a build of an earlier casegen, killed, left
    (root / "site.new").mkdir()
    (root / "site.new/index.html").write_text("<h1>half</h1>", encoding="utf-8")
    result = casegen(root, "build", "--no-site")  # any build repairs it first
    assert result.returncode == 0, result.stderr
    assert tree(root / "site") == published
    assert not leftovers(root)


# --- 3. two builds at once ----------------------------------------------------------------------------------

def test_two_builds_at_once_in_one_folder_wait_for_each_other(project):
    root = project.root
    project.replace(*EDIT)
    command = [*casegen_command(), "--root", str(root), "build"]
    first = subprocess.Popen(command, env=NO_PDF, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (root / "build/.journal").exists() or first.poll() is not None, 60, "the first build")
    second = subprocess.Popen(command, env=NO_PDF, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]
    assert [code for code, _, _ in results] == [0, 0], results
    assert WAITING in results[1][2] and "Traceback" not in results[0][2] + results[1][2]
    both = tree(root / "site")
    assert "7,123" in both["en/cases/east-west/index.html"].decode()
    result = casegen(root, "build")  # a single build of the same data gives the same site
    assert result.returncode == 0 and WAITING not in result.stderr
    assert tree(root / "site") == both
    assert not leftovers(root)


@pytest.mark.parametrize("args", [("build",), ("build", "--no-site")])
def test_a_build_that_cannot_get_the_lock_in_time_refuses_cleanly(project, args):
    root = project.root
    before = output_of(project)
    project.replace(*EDIT)
    with build_lock(root):  # another build holds the folder
        result = casegen(root, *args, env={**NO_PDF, "CASEGEN_LOCK_TIMEOUT": "0.5"})
    assert result.returncode == 1
    assert result.stderr.startswith(WAITING + "\n")
    assert "another casegen build in this folder still holds build/.lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert output_of(project) == before


# --- 4. a full disk, a file that cannot be removed --------------------------------------------------------------

def test_a_full_disk_while_caching_charts_says_so_and_leaves_nothing_half_done(project, monkeypatch):
    from click.testing import CliRunner

    from casegen import charts
    from casegen.cli import main

    root = project.root
    before = output_of(project)
    for kind in ("svg", "png"):
        shutil.rmtree(root / "build/cache" / kind, ignore_errors=True)  # the charts must be drawn again
    project.replace(*EDIT)
    monkeypatch.setenv("CASEGEN_NO_PDF", "1")
    monkeypatch.setenv("SITE_URL", NO_PDF["SITE_URL"])
    monkeypatch.setattr(charts, "render_jobs", lambda jobs, workers=None: charts._run_jobs(jobs))  # here, not a pool
    real_write_bytes = Path.write_bytes

    def full_disk(self, data):
        if self.name.endswith(".tmp") and "cache" in self.parts:
            real_write_bytes(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    result = CliRunner().invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith("build failed: No space left on device: build/cache/")
    assert "free disk space" in lines[0] and "build/docs/ and site/ are as they were" in lines[0]
    assert not list((root / "build/cache").rglob("*.tmp"))
    assert output_of(project) == before and not leftovers(root)
    monkeypatch.undo()  # space again: the next build just works
    result = casegen(root, "build")
    assert result.returncode == 0, result.stderr
    assert not leftovers(root)


def chattr(flag: str, path: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_an_old_site_that_cannot_be_removed_warns_and_never_blocks_a_build(project):
    root = project.root
    locked = root / "site/locked.txt"
    locked.write_text("put here by hand", encoding="utf-8")
    if not chattr("+i", locked):  # immutable: not even root may remove it
        pytest.skip("chattr +i is not available here")
    try:
        project.replace(*EDIT)
        result = casegen(root, "build")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert "warning: could not remove the previous site, left at site.old/" in result.stderr
        assert "site.old/locked.txt" in result.stderr
        assert "7,123" in (root / "site/en/cases/east-west/index.html").read_text(encoding="utf-8")
        assert not (root / "site/locked.txt").exists()
        second = casegen(root, "build")  # the leftover is in the way of nothing
        assert second.returncode == 0 and "site.old/locked.txt" in second.stderr, second.stderr
    finally:
        chattr("-i", root / "site.old/locked.txt")
        chattr("-i", locked)
    third = casegen(root, "build")  # fixed: the next build removes it, and says nothing
    assert third.returncode == 0 and "warning" not in third.stderr, third.stderr
    assert not leftovers(root)


REMOVE_AS_OWNER = """
import shutil, sys
from pathlib import Path
from casegen.write import remove_tree
try:
    shutil.rmtree(sys.argv[1])
    print("removed by shutil.rmtree")
except PermissionError:
    print(remove_tree(Path(sys.argv[1])))
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to act as nobody")
def test_a_read_only_folder_in_an_old_site_is_removed_by_its_owner():
    base = Path(tempfile.mkdtemp(prefix="casegen-as-nobody-", dir="/tmp"))  # a folder nobody can reach
    try:
        remove_as_nobody(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def remove_as_nobody(base: Path) -> None:
    base.chmod(0o755)
    old = base / "site.old"
    (old / "assets/css").mkdir(parents=True)
    (old / "assets/css/a.css").write_text("a")
    (old / "assets/b.js").write_text("b")
    (old / "assets/b.js").chmod(0o444)
    (old / "assets/css").chmod(0o000)
    (old / "assets").chmod(0o555)
    for path in [base, old, *old.rglob("*")]:
        os.chown(path, shutil._get_uid("nobody"), -1, follow_symlinks=False)
    result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c",
                             REMOVE_AS_OWNER, str(old)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout.strip() == "None", result.stdout + result.stderr  # shutil.rmtree failed, remove_tree not
    assert not old.exists()


def test_an_unremovable_site_new_left_over_does_not_block_a_build(project, monkeypatch):
    root = project.root
    (root / "site.new/sub").mkdir(parents=True)
    (root / "site.new/sub/x").write_text("x")
    real_rmtree = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if "site.new" in str(path) or "site.old" in str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(Path(path) / "sub" / "x"))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setenv("CASEGEN_NO_PDF", "1")
    monkeypatch.setenv("SITE_URL", NO_PDF["SITE_URL"])
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    build(root)  # warns, and builds
    assert (root / "site/index.html").exists() and not (root / "site/sub").exists()
    assert (root / "site.old/sub/x").exists()  # moved aside, still named in a warning each build
    monkeypatch.undo()
    recover(root)
    assert not leftovers(root)


# --- 6. symbolic links under docs/; --no-site is journalled too -------------------------------------------------

def test_a_symlink_in_docs_leading_out_of_the_project_stops_the_build_before_anything_is_written(project):
    root = project.root
    before = output_of(project)
    (root / "docs/passwd.md").symlink_to("/etc/passwd")
    project.replace(*EDIT)
    result = casegen(root, "build")
    assert result.returncode == 1
    assert result.stderr.startswith("build failed: docs/passwd.md: a symbolic link to /etc/passwd, outside the "
                                    "project"), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert output_of(project) == before and not leftovers(root)


def test_static_docs_follow_links_inside_the_project_and_refuse_what_is_not_a_file(project):
    root = project.root
    (root / "docs/units.txt").symlink_to("../data/units.yaml")  # inside the project: published
    (root / "docs/more").symlink_to(root / "data/cases")
    files = static_docs(root)
    assert files["units.txt"] == (root / "data/units.yaml").read_bytes()
    assert "more/east-west/case.yaml" in files
    (root / "docs/more/loop").symlink_to(root / "docs")
    with pytest.raises(BuildError, match="docs/more/loop: a symbolic link back into a folder"):
        static_docs(root)
    (root / "docs/more/loop").unlink()
    (root / "docs/gone.md").symlink_to(root / "no-such-file")
    with pytest.raises(BuildError, match="docs/gone.md: a symbolic link to .*, which does not exist"):
        static_docs(root)
    (root / "docs/gone.md").unlink()
    os.mkfifo(root / "docs/pipe")  # reading it would hang the build
    with pytest.raises(BuildError, match="docs/pipe: a FIFO, not a file"):
        static_docs(root)


def test_a_failing_no_site_build_leaves_build_docs_as_it_was(project, monkeypatch):
    root = project.root
    docs = root / "build/docs"
    before = {rel: (data, (docs / rel).stat().st_ino) for rel, data in tree(docs).items()}
    project.replace(*EDIT)
    project.replace("data/cases/east-west/case.yaml", "summary: {zh: 概要。", "summary: {zh: 新的概要。")
    (root / "docs/new-page.md").write_text("# New\n", encoding="utf-8")
    real_write, calls = write._write, []

    def too_long(dest, content):
        calls.append(dest)
        if len(calls) == 3:  # two files replaced already
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), str(dest))
        real_write(dest, content)

    monkeypatch.setattr(write, "_write", too_long)
    with pytest.raises(BuildError, match="File name too long: build/docs/.*shorten it"):
        build(root, site=False)
    assert len(calls) == 3
    assert {rel: (data, (docs / rel).stat().st_ino) for rel, data in tree(docs).items()} == before
    assert not leftovers(root)


def test_a_slug_too_long_for_the_file_system_fails_cleanly_with_no_site(project):
    root = project.root
    before = tree(root / "build/docs")
    (root / "data/cases/east-west").rename(root / "data/cases" / ("x" * 250))
    result = casegen(root, "build", "--no-site")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert tree(root / "build/docs") == before and not leftovers(root)
