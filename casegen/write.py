"""Write: put generated files on disk, touching only those whose bytes changed.

build/docs is updated in place, and only after the whole generation succeeded: validation comes first
and every page is rendered (into memory, charts into the cache) before the first file is written, so a
data problem or a failing template leaves the previous pages as they were. Each changed file is
written beside its old self and renamed over it, so MkDocs (or a live preview) never reads half a file.
A file whose bytes did not change is not written at all: it keeps its inode and modification time, and
MkDocs' live reload and later caches see only real changes.

A manifest (build/docs-manifest.json) records for every file what it holds (its identity: a hash of
its bytes, or the cache key of a chart) and how it looked on disk (size, mtime, inode), and for every
unit of the generator the key it was rendered with. A unit whose key did not change and whose files
still look as recorded is not rendered again; a file changed behind the generator's back no longer
looks as recorded, so its unit is rendered again and the file rewritten.

``site/`` is still replaced as a whole (``fresh_dir`` and ``swap_in``): MkDocs rebuilds all of it. When
MkDocs then fails, a ``Journal`` of the files the sync replaced or removed (hard links, so keeping them
costs no copy) puts build/docs back as it was.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class CacheFile:
    """A generated file that lives in the build cache (a chart's PNG): copied into place, never read
    into memory. ``identity`` names its content: the same identity, the same bytes."""

    path: Path
    identity: str


def identity(content: str | bytes | CacheFile) -> str:
    if isinstance(content, CacheFile):
        return content.identity
    data = content.encode("utf-8") if isinstance(content, str) else content
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass
class Manifest:
    path: Path
    files: dict[str, list] = field(default_factory=dict)   # rel → [identity, size, mtime_ns, inode]
    units: dict[str, dict] = field(default_factory=dict)   # unit name → {"key": ..., "files": [rel, ...]}

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return cls(path)
        return cls(path, data.get("files", {}), data.get("units", {}))

    def save(self) -> None:
        data = {"version": MANIFEST_VERSION, "units": self.units, "files": self.files}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.path)

    def intact(self, target: Path, rel: str) -> bool:
        """Whether ``target/rel`` is still the file this manifest recorded (same size, mtime and inode)."""
        record = self.files.get(rel)
        if not record:
            return False
        try:
            return _stamp((target / rel).stat()) == record[1:]
        except OSError:
            return False

    def unit_intact(self, target: Path, name: str, key: str) -> bool:
        """Whether unit ``name`` was last rendered with ``key`` and its files are still on disk as written."""
        unit = self.units.get(name)
        return bool(unit) and unit.get("key") == key and all(self.intact(target, rel) for rel in unit["files"])


def _same_bytes(dest: Path, content: str | bytes | CacheFile, size: int) -> bool:
    if isinstance(content, CacheFile):
        return filecmp.cmp(dest, content.path, shallow=False)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return len(data) == size and dest.read_bytes() == data


def _write(dest: Path, content: str | bytes | CacheFile) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        if isinstance(content, CacheFile):
            shutil.copyfile(content.path, tmp)
        else:
            tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Journal:
    """The old versions of the files under ``base`` that a build replaces or removes, and the names of the
    files it creates, kept until the build has succeeded (``discard``) or failed (``restore``)."""

    def __init__(self, base: Path):
        self.base = base
        self.folder = base / ".journal"
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.saved: set[str] = set()
        self.created: set[str] = set()

    def keep(self, path: Path) -> None:
        """Call before ``path`` is written or removed."""
        rel = path.relative_to(self.base).as_posix()
        if rel in self.saved or rel in self.created:
            return
        if not path.exists():
            self.created.add(rel)
            return
        saved = self.folder / rel
        saved.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, saved)  # the same inode: restored, the file looks untouched to the manifest
        except OSError:
            shutil.copy2(path, saved)
        self.saved.add(rel)

    def restore(self) -> None:
        for rel in sorted(self.created):
            path = self.base / rel
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == self.base or not parent.is_dir() or any(parent.iterdir()):
                    break
                parent.rmdir()
        for rel in sorted(self.saved):
            dest = self.base / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / rel, dest)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.saved.clear()
        self.created.clear()


@dataclass
class Written:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def sync_tree(target: Path, files: dict[str, str | bytes | CacheFile], kept: set[str], manifest: Manifest,
              units: dict[str, dict], journal: Journal | None = None) -> Written:
    """Make ``target`` hold ``files`` plus the ``kept`` files (unchanged units, already checked intact),
    writing only files whose bytes changed and removing files nobody makes any more; then record it all
    in ``manifest`` with the ``units`` (name → {"key", "files"}) of this generation. Every file written or
    removed (the manifest too) goes through ``journal``, when given, first."""
    report = Written()
    records: dict[str, list] = {rel: manifest.files[rel] for rel in kept}
    for rel in sorted(files):
        content = files[rel]
        ident = identity(content)
        dest = target / rel
        if manifest.intact(target, rel) and manifest.files[rel][0] == ident:
            records[rel] = manifest.files[rel]
            report.unchanged += 1
            continue
        try:
            st = dest.stat()
        except OSError:
            st = None
        if st is not None and _same_bytes(dest, content, st.st_size):
            report.unchanged += 1
        else:
            if journal:
                journal.keep(dest)
            _write(dest, content)
            st = dest.stat()
            report.written.append(rel)
        records[rel] = [ident, *_stamp(st)]
    for folder, dirs, names in os.walk(target, topdown=False):
        base = Path(folder)
        prefix = base.relative_to(target).as_posix()
        for name in names:
            rel = name if prefix == "." else f"{prefix}/{name}"
            if rel not in records:
                if journal:
                    journal.keep(base / name)
                (base / name).unlink()
                report.removed.append(rel)
        if base != target and not any(base.iterdir()):
            base.rmdir()
    manifest.files, manifest.units = records, units
    if journal:
        journal.keep(manifest.path)
    manifest.save()
    return report


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
