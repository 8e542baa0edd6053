"""The README's two commands install what they need on a bare Debian machine: the setup step
(tools/system_packages.py, run by `make site` and `make test`) finds what is missing and says exactly
what it installs or asks for; it is quiet where everything is there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPT = ROOT / "tools" / "system_packages.py"
sys.path.insert(0, str(SCRIPT.parent))
import system_packages  # noqa: E402


def bare_root(tmp_path: Path, *present: str) -> Path:
    """A filesystem root holding only the files of the ``present`` packages, and of the venv package of the
    Python running the tests when it is Debian's own (``system_packages.needed``): tested on its own below."""
    venv = [name for name in system_packages.needed() if name not in system_packages.NEEDS]
    for name in [*present, *venv]:
        for rel in system_packages.needed()[name][1]:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text("")
    return tmp_path


def run(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEGEN_SYSTEM_ROOT": str(root)}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env)


def test_this_machine_has_everything_and_the_step_is_quiet():
    # make test ran the step before this suite: whatever was missing is installed now.
    assert system_packages.missing(Path("/")) == []
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "CASEGEN_SYSTEM_ROOT"})
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_it_finds_each_missing_package(tmp_path):
    assert system_packages.missing(bare_root(tmp_path)) == ["chromium", "fonts-noto-cjk", "fontconfig"]
    assert system_packages.missing(bare_root(tmp_path, "chromium", "fontconfig")) == ["fonts-noto-cjk"]
    assert system_packages.missing(tmp_path / "nothing", base_prefix="/opt/python") == \
        ["chromium", "fonts-noto-cjk", "fontconfig"]


def test_as_root_it_says_what_it_installs(tmp_path):
    if os.getuid() != 0:
        pytest.skip("the root path is taken only as root")
    result = run(bare_root(tmp_path, "fontconfig"), "--check")
    assert result.returncode == 0
    assert result.stderr == ("setup: installing Debian packages with apt-get: chromium (PDF handouts and browser "
                             "tests), fonts-noto-cjk (Chinese text in charts and handouts)\n")


def test_without_root_or_sudo_it_stops_with_the_one_command_to_run(tmp_path):
    # Not root, and no sudo on PATH: nothing is installed, the command to run is printed, exit 1.
    assert system_packages.how_to_run(1000, False) is None
    assert system_packages.how_to_run(1000, True) == ["sudo", "-n"]
    assert system_packages.how_to_run(0, False) == []
    root = bare_root(Path(tempfile.mkdtemp(prefix="bare-", dir="/tmp")), "fontconfig")
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        folder.chmod(0o755)  # readable by the unprivileged user below
    result = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, str(SCRIPT)],
        capture_output=True, text=True, cwd="/",
        env={"PATH": "/usr/bin:/bin", "CASEGEN_SYSTEM_ROOT": str(root)}) if os.getuid() == 0 else None
    shutil.rmtree(root)
    if result is None:
        pytest.skip("needs root to drop to another user")
    assert result.returncode == 1
    assert "missing chromium (PDF handouts and browser tests), fonts-noto-cjk" in result.stderr
    assert ("sudo apt-get update && sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk"
            in result.stderr)


def test_without_apt_it_names_what_to_install(tmp_path):
    result = run(bare_root(tmp_path, "fontconfig"), path=str(tmp_path / "no-bin"))
    assert result.returncode == 1
    assert "not a Debian-like system (no apt-get)" in result.stderr
    assert "chromium" in result.stderr and "fonts-noto-cjk" in result.stderr


def test_make_runs_the_step_before_site_test_serve_and_bench():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("site", "test", "serve", "bench"):
        line = next(l for l in makefile.splitlines() if l.startswith(f"{target}:"))
        assert line.split(":", 1)[1].split()[0] == "system", line
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get" not in ci and "make test" in ci


def test_with_debians_own_python_it_asks_for_the_venv_package(tmp_path):
    """Debian's python3 has no ensurepip: `python3 -m venv .venv` (the Makefile's first step) fails without
    python3.X-venv. Asked for only when make runs Debian's interpreter; any other Python brings its own."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    root = bare_root(tmp_path, "chromium", "fonts-noto-cjk", "fontconfig")
    shutil.rmtree(root / "usr" / "lib", ignore_errors=True)  # what bare_root adds under Debian's own Python
    assert system_packages.missing(root, base_prefix="/usr") == [f"python{version}-venv"]
    assert system_packages.missing(root, base_prefix="/opt/python") == []
    ensurepip = root / f"usr/lib/python{version}/ensurepip/__init__.py"
    ensurepip.parent.mkdir(parents=True)
    ensurepip.write_text("")
    assert system_packages.missing(root, base_prefix="/usr") == []


def test_every_pinned_package_installs_on_the_oldest_python_the_project_takes():
    """Debian 12's python3 is 3.11.2: a pin that wants a later 3.11 (pymdown-extensions 13 wants 3.11.5) made
    `make site` fail there. Each pin's Requires-Python, as installed, must admit requires-python's floor."""
    import importlib.metadata
    import re
    import tomllib

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    floor = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    oldest = re.fullmatch(r">=\s*(\d+\.\d+)", floor).group(1) + ".0"
    pins = [Requirement(line) for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(pins) > 40
    refused = {}
    for pin in pins:
        wants = importlib.metadata.metadata(pin.name).get("Requires-Python")
        if wants and not SpecifierSet(wants).contains(oldest):
            refused[pin.name] = wants
    assert not refused, f"these pins do not install on Python {oldest}: {refused}"
