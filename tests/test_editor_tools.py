"""Editor tools with real files: `casegen new`, `casegen diff`, CSV encodings, the publishing workflow."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, copy_project

FIGS = "data/cases/east-west/figures.csv"


def casegen(root, *args):
    return subprocess.run([sys.executable, "-m", "casegen.cli", "--root", str(root), *args], capture_output=True,
                          text=True)


# --- casegen new ---------------------------------------------------------------------------------------

def test_new_scaffolds_a_case_that_validate_then_asks_to_fill_in(minimal):
    result = casegen(minimal.root, "new", "gansu-tianjin")
    assert result.returncode == 0, result.stderr
    folder = minimal.data / "cases" / "gansu-tianjin"
    assert (folder / "figures.csv").read_text(encoding="utf-8").startswith("metric,value,unit,")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/case.schema.json")
    problems = casegen(minimal.root, "validate").stderr
    assert "cases/gansu-tianjin/case.yaml:" in problems and "placeholder text left from `casegen new`" in problems


@pytest.mark.parametrize("slug", ["east-west", "../escape", "a/b", "Has Caps", "trailing-", "中文", "a..b"])
def test_new_refuses_an_existing_or_unsafe_slug(minimal, slug):
    before = sorted(p.name for p in (minimal.data / "cases").iterdir())
    result = casegen(minimal.root, "new", slug)
    assert result.returncode == 1 and "casegen new:" in result.stderr
    assert sorted(p.name for p in (minimal.data / "cases").iterdir()) == before


# --- casegen diff --------------------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path):
    project = copy_project(tmp_path / "repo")
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base"]):
        subprocess.run(["git", *cmd], cwd=project.root, check=True)
    return project


def test_diff_reads_the_old_data_on_a_python_without_extraction_filters(repo, tmp_path, monkeypatch):
    """Debian 12's python3 (3.11.2) has no tarfile filters: `casegen diff` failed there with a TypeError."""
    import tarfile

    from casegen import changes

    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    old = changes.library_at(repo.root, "main", tmp_path / "old")
    assert "zhejiang-sichuan" in old.cases and old.figures["zhejiang-sichuan"]
    assert (tmp_path / "old" / "data" / "cases" / "zhejiang-sichuan" / "figures.csv").read_text(encoding="utf-8") == \
        repo.read("data/cases/zhejiang-sichuan/figures.csv")


def test_diff_lists_added_changed_and_removed_figures_as_markdown(repo):
    path = "data/cases/zhejiang-sichuan/figures.csv"
    lines = repo.read(path).splitlines(keepends=True)
    header, first, second, *rest = lines
    changed = first.replace(",122,", ",123,") if ",122," in first else first
    added = "job_fairs,1,场,,2017-04,2017-04,sichuan,actual,,lin-2018,para 99,,,,,\n"
    repo.write(path, header + changed + "".join(rest) + added)  # `second` is removed
    out = casegen(repo.root, "diff", "main")
    assert out.returncode == 0, out.stderr
    report = out.stdout
    assert "**Cases touched:** zhejiang-sichuan" in report
    assert "**Figures:** 1 added, " in report and ", 1 removed" in report
    assert "| 1 场 | zhejiang-sichuan | job_fairs |" in report
    if changed != first:
        assert "122 家 → 123 家" in report


def test_diff_of_an_unknown_revision_is_a_clear_error(repo):
    out = casegen(repo.root, "diff", "no-such-branch")
    assert out.returncode == 1 and "cannot read data/ at 'no-such-branch'" in out.stderr


@pytest.mark.parametrize("revision", ["--output=written-by-git", "-o", "--remote=file:///etc"])
def test_diff_takes_no_git_option_for_a_revision(repo, revision):
    # `git archive --output=<path> …` would write a file anywhere the build runs.
    out = casegen(repo.root, "diff", "--", revision)
    assert out.returncode == 1 and "is not a revision" in out.stderr
    assert not (repo.root / "written-by-git").exists()


# --- CSV encodings --------------------------------------------------------------------------------------

def test_excel_csv_utf8_with_bom_and_crlf_is_read(minimal):
    path = minimal.root / FIGS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert casegen(minimal.root, "validate").returncode == 0


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_excel_csv_in_gbk_is_rejected_with_how_to_save_it(minimal, encoding):
    path = minimal.root / FIGS
    path.write_bytes(path.read_text(encoding="utf-8").replace("para 3", "第三段，表二").encode(encoding))
    result = casegen(minimal.root, "validate")
    assert result.returncode == 1
    # the line of the first byte that is not UTF-8: the first line with Chinese text
    assert "figures.csv:2: (file): the file is not UTF-8 text: it looks like GBK/GB18030" in result.stderr
    assert "CSV UTF-8" in result.stderr


# --- the publishing workflow -----------------------------------------------------------------------------

def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8"))


def test_the_workflow_validates_and_builds_pull_requests_with_the_make_targets():
    wf = workflow()
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    runs = [step.get("run", "") for step in wf["jobs"]["build"]["steps"]]
    assert "make validate" in runs and "make site" in runs and "make test" in runs
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("validate", "site", "test"):
        assert f"\n{target}:" in make


def test_the_workflow_keeps_the_chart_cache_between_runs_and_builds_after_restoring_it():
    """A cold build at 1,000 cases spends most of its time drawing charts; CI draws only those whose spec
    changed, from the cache of an earlier run (keyed on the pinned versions, so an upgrade starts afresh)."""
    steps = workflow()["jobs"]["build"]["steps"]
    at = next(i for i, s in enumerate(steps) if "actions/cache" in s.get("uses", ""))
    cache = steps[at]["with"]
    assert cache["path"] == "build/cache"
    assert "hashFiles('constraints.txt')" in cache["key"] and cache["key"].startswith(cache["restore-keys"])
    assert at < next(i for i, s in enumerate(steps) if s.get("run") == "make site")


def test_the_workflow_has_least_privilege_and_no_secrets_on_pull_requests():
    wf = workflow()
    assert wf["permissions"] == {"contents": "read"}
    build = wf["jobs"]["build"]
    assert "permissions" not in build  # inherits read-only
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "pull_request" not in deploy["if"] or "!=" in deploy["if"]
    text = (ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "secrets." not in text and "pull_request_target" not in text
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert "!= 'pull_request'" in upload["if"]
