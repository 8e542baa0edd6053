"""Write: put a generated tree on disk so that readers of the old tree never see half of the new.

The new tree is written beside the old one and swapped in by renames; a failure before the swap
leaves the old tree as it was. Files whose bytes did not change keep their modification time,
so that MkDocs' live reload and later caches see only real changes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` (both directories on one filesystem)."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old)


def fresh_dir(target: Path, suffix: str) -> Path:
    path = target.with_name(target.name + suffix)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def update_tree(files: dict[str, bytes], target: Path) -> int:
    """Make ``target`` hold exactly ``files`` in place, touching only what changed (live preview).
    Returns the number of files written or removed."""
    touched = 0
    for rel, data in sorted(files.items()):
        dest = target / rel
        if dest.is_file() and dest.read_bytes() == data:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        touched += 1
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            rel = path.relative_to(target).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
                touched += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return touched


def write_tree(files: dict[str, bytes], target: Path) -> None:
    """Make ``target`` hold exactly ``files`` (relative path → bytes), atomically as a whole."""
    staging = fresh_dir(target, ".new")
    try:
        for rel, data in sorted(files.items()):
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            previous = target / rel
            if previous.is_file() and previous.read_bytes() == data:
                shutil.copy2(previous, dest)  # keep the old mtime: unchanged to watchers
            else:
                dest.write_bytes(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, target)
