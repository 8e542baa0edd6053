#!/usr/bin/env python3
"""Install the Debian packages the site and the tests need, when they are missing.

Run by `make site` and `make test` before anything else (standard library only: it runs before the
virtual environment exists). Quiet, and exit 0, when everything is there. Otherwise it installs the
missing packages as root, or through `sudo -n` where that works without a password; failing both it
stops at once and prints the one command to run.

What is needed, and why:
- chromium: prints the PDF handouts and runs the browser tests (Playwright drives Debian's Chromium;
  never `playwright install`).
- fonts-noto-cjk: the charts' Chinese text (Noto Sans CJK), and the handouts' fonts.
- fontconfig: how Chromium and the chart renderer find that font.
- python3.X-venv: Debian's own python3 comes without ensurepip, so `python3 -m venv .venv` fails until it
  is installed (asked for only when make runs Debian's interpreter, the one under /usr).

`--check` only says what it would do. `CASEGEN_SYSTEM_ROOT` points the checks at another
filesystem root (the tests use it for a machine without the packages).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# package → (what it is for, the files of which one present means it is installed, relative to /)
NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "chromium": ("PDF handouts and browser tests", ("usr/bin/chromium",)),
    "fonts-noto-cjk": ("Chinese text in charts and handouts",
                       ("usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",)),
    "fontconfig": ("finding that font", ("usr/bin/fc-match",)),
}


def needed(base_prefix: str | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """NEEDS, and the venv package of the Python running this step when it is Debian's own (installed under
    /usr): the interpreter make then creates .venv with."""
    base_prefix = sys.base_prefix if base_prefix is None else base_prefix
    if base_prefix != "/usr":
        return dict(NEEDS)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    venv = (f"the Python environment .venv (python{version} -m venv)",
            (f"usr/lib/python{version}/ensurepip/__init__.py",))
    return {**NEEDS, f"python{version}-venv": venv}


def system_root() -> Path:
    return Path(os.environ.get("CASEGEN_SYSTEM_ROOT", "/"))


def missing(root: Path | None = None, base_prefix: str | None = None) -> list[str]:
    """The Debian packages (``needed``) whose files are not under ``root``."""
    root = root or system_root()
    return [name for name, (_, files) in needed(base_prefix).items() if not any(_exists(root / f) for f in files)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # unreadable counts as missing: it cannot be used either
        return False


def install_command(packages: list[str]) -> list[str]:
    return ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]


def how_to_run(uid: int, sudo_works: bool) -> list[str] | None:
    """The prefix to run apt-get with: nothing as root, ``sudo -n`` where it works, else None."""
    if uid == 0:
        return []
    if sudo_works:
        return ["sudo", "-n"]
    return None


def sudo_works() -> bool:
    if not shutil.which("sudo"):
        return False
    return subprocess.run(["sudo", "-n", "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def describe(packages: list[str]) -> str:
    return ", ".join(f"{p} ({needed()[p][0]})" for p in packages)


def main(argv: list[str]) -> int:
    need = missing()
    if not need:
        return 0
    check = "--check" in argv
    apt = shutil.which("apt-get") or (check and "apt-get")
    if not apt:
        print(f"setup: missing {describe(need)}, and this is not a Debian-like system (no apt-get).\n"
              f"  Install the equivalents with your package manager, then run make again.", file=sys.stderr)
        return 1
    prefix = how_to_run(os.getuid(), sudo_works())
    if prefix is None:
        print(f"setup: missing {describe(need)}.\n"
              f"  Run this once (it needs root), then run make again:\n\n"
              f"    sudo apt-get update && sudo {' '.join(install_command(need))}\n", file=sys.stderr)
        return 1
    who = " ".join(prefix) + " " if prefix else ""
    print(f"setup: installing Debian packages with {who}apt-get: {describe(need)}", file=sys.stderr)
    if check:
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], install_command(need)):
        result = subprocess.run([*prefix, *command], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            print(result.stdout[-3000:], file=sys.stderr)
            print(f"setup: `{' '.join([*prefix, *command])}` failed (exit {result.returncode}); "
                  f"install {' '.join(need)} by hand, then run make again.", file=sys.stderr)
            return 1
    still = missing()
    if still:
        print(f"setup: apt-get finished but {', '.join(still)} is still missing.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
