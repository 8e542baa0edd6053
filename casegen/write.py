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

``site/`` is still replaced as a whole: MkDocs rebuilds all of it into ``site.new`` (``staging_dir``), which
``publish`` exchanges with ``site/`` in one step (renameat2 on Linux), so ``site/`` is always a whole site.
When MkDocs then fails, a ``Journal`` of the files the sync replaced or removed (hard links, so keeping them
costs no copy) puts build/docs back as it was; it lives on disk, so the next build does the same for a
build that was killed (``restore_leftover``, ``recover_site``).
"""

from __future__ import annotations

import errno
import filecmp
import hashlib
import json
import os
import re
import shutil
import sys
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


_KEPT: dict[Path, tuple[list[int], dict, dict]] = {}  # Manifest.load: path → (stamp, files, units)


@dataclass
class Manifest:
    path: Path
    files: dict[str, list] = field(default_factory=dict)   # rel → [identity, size, mtime_ns, inode]
    units: dict[str, dict] = field(default_factory=dict)   # unit name → {"key": ..., "files": [rel, ...]}

    @classmethod
    def load(cls, path: Path) -> Manifest:
        # A preview's process loads it twice a save, and at 1,000 cases it is 6 MB of JSON: what it last read
        # or wrote is kept while the file is that one (same size, mtime and inode), and handed out as copies
        # of its two tables (whose records a generation replaces, never changes in place).
        try:
            stamp = _stamp(path.stat())
            kept = _KEPT.get(path)
            if kept is not None and kept[0] == stamp:
                return cls(path, dict(kept[1]), dict(kept[2]))
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return cls(path)
        files, units = data.get("files", {}), data.get("units", {})
        _KEPT[path] = (stamp, files, units)
        return cls(path, dict(files), dict(units))

    def save(self) -> None:
        data = {"version": MANIFEST_VERSION, "units": self.units, "files": self.files}
        tmp = self.path.with_name(self.path.name + ".tmp")
        _KEPT.pop(self.path, None)
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _KEPT[self.path] = (_stamp(self.path.stat()), dict(self.files), dict(self.units))

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


JOURNAL = ".journal"        # the journal of a build under way: restored if the build does not finish
DONE = ".journal.done"      # a journal whose build has committed: removed, never restored


class Journal:
    """The old versions of the files under ``base`` that a build replaces or removes, and the names of the
    files it creates, kept on disk until the build has succeeded (``commit``) or failed (``restore``).

    Everything is on disk before the file it concerns is touched: a saved file is a hard link (or a copy,
    renamed into place whole) under ``.journal/files/``, a created file's name is appended to
    ``.journal/created`` first. So a build killed at any point (SIGKILL, a power cut after the kernel has
    the data) leaves a journal that ``restore_leftover`` turns back into the previous tree. The commit is
    one rename (``.journal`` → ``.journal.done``): before it the build is undone, after it it stands."""

    def __init__(self, base: Path):
        self.base = base
        self.folder = base / JOURNAL
        restore_leftover(base)  # a killed build's journal: put its files back before keeping new ones
        _remove(base / DONE)
        (self.folder / "files").mkdir(parents=True)
        self._log = open(self.folder / "created", "a", encoding="utf-8")
        self.saved: set[str] = set()
        self.created: set[str] = set()

    def keep(self, path: Path) -> None:
        """Call before ``path`` is written or removed."""
        rel = path.relative_to(self.base).as_posix()
        if rel in self.saved or rel in self.created:
            return
        if not os.path.lexists(path):
            self._log.write(json.dumps(rel, ensure_ascii=False) + "\n")
            self._log.flush()  # in the kernel's hands before the file exists
            self.created.add(rel)
            return
        saved = self.folder / "files" / rel
        saved.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, saved)  # the same inode: restored, the file looks untouched to the manifest
        except OSError:
            tmp = self.folder / "copying"  # a copy cut short (a full disk) must not pass for the old file
            try:
                shutil.copy2(path, tmp)
                os.replace(tmp, saved)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        self.saved.add(rel)

    def restore(self) -> None:
        """Put back what the build replaced and remove what it created."""
        self._log.close()
        _restore(self.folder, self.base)
        _drop(self.base)
        self.saved.clear()
        self.created.clear()

    def commit(self, **notes: int) -> None:
        """The build stands: from here on the journal is not restored. ``notes`` (for the site: the inode of
        the staged site, so that an interrupted swap is finished by the next build) go with it."""
        self._log.close()
        for name, value in notes.items():
            (self.folder / f"{name}.note").write_text(str(value), encoding="utf-8")
        _remove(self.base / DONE)
        os.replace(self.folder, self.base / DONE)

    def uncommit(self) -> None:
        """Undo ``commit`` (publishing the site failed before anything moved), so that ``restore`` works."""
        for note in (self.base / DONE).glob("*.note"):
            note.unlink()
        os.replace(self.base / DONE, self.folder)
        self._log = open(self.folder / "created", "a", encoding="utf-8")

    def finish(self) -> None:
        """Remove the committed journal."""
        _remove(self.base / DONE)
        self.saved.clear()
        self.created.clear()


def restore_leftover(base: Path) -> bool:
    """Undo the build that left its journal under ``base`` (it was killed). Returns whether there was one."""
    folder = base / JOURNAL
    if not folder.is_dir():
        return False
    _restore(folder, base)
    _drop(base)
    return True


def committed_note(base: Path, name: str) -> int | None:
    """A note of a committed journal whose removal did not finish (None when there is none)."""
    try:
        return int((base / DONE / f"{name}.note").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def drop_committed(base: Path) -> None:
    _remove(base / DONE)


def _restore(folder: Path, base: Path) -> None:
    created: set[str] = set()
    try:
        lines = (folder / "created").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            created.add(json.loads(line))
        except ValueError:
            pass  # the last line, cut short by the kill: its file was not created yet
    files = folder / "files"
    saved = {p.relative_to(files).as_posix() for p in files.rglob("*")
             if p.is_file() or p.is_symlink()} if files.is_dir() else set()
    for rel in sorted(created - saved):
        path = base / rel
        if path.is_dir() and not path.is_symlink():
            continue
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == base or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    for rel in sorted(saved):
        dest = base / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(files / rel, dest)


def _drop(base: Path) -> None:
    """Remove the journal as one step: renamed out of the way first, so a kill during the removal leaves no
    half a journal that would be restored."""
    _remove(base / DONE)
    if (base / JOURNAL).exists():
        os.replace(base / JOURNAL, base / DONE)
    _remove(base / DONE)


def _remove(path: Path) -> None:
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


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


# -- publishing site/ --------------------------------------------------------------------------------------
# site/ is built beside the published one (site.new) and exchanged with it in one step, so site/ is at every
# moment the old site or the new one, whole. Linux has that step, renameat2(RENAME_EXCHANGE); elsewhere (or
# on a file system without it) two renames leave a moment without site/, which the next build repairs:
# the build's committed journal names the inode of the staged site.

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _renameat2():
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2() if sys.platform.startswith("linux") else None


def exchange(a: Path, b: Path) -> bool:
    """Exchange the directories ``a`` and ``b`` atomically. False where the system cannot (then nothing
    happened); an OSError for any other failure (nothing happened either)."""
    import ctypes

    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def staging_dir(target: Path) -> Path:
    """An empty ``<target>.new`` to build into (a leftover one is removed, or moved aside if it cannot be)."""
    staging = target.with_name(target.name + ".new")
    if os.path.lexists(staging):
        discard(staging, target, quiet=True)
    staging.mkdir(mode=0o755)
    return staging


def aside_name(target: Path) -> Path:
    """A free name to move an old site to: ``site.old``, else ``site.old.1``, ``site.old.2`` …"""
    path, n = target.with_name(target.name + ".old"), 0
    while os.path.lexists(path):
        n += 1
        path = target.with_name(f"{target.name}.old.{n}")
    return path


def asides(target: Path) -> list[Path]:
    """Old sites left beside ``target`` (``site.old``, ``site.old.N``), the most recently moved first."""
    found = [p for p in target.parent.glob(target.name + ".old*")
             if p.name == target.name + ".old" or re.fullmatch(re.escape(target.name) + r"\.old\.\d+", p.name)]
    return sorted(found, key=lambda p: (-p.lstat().st_ctime_ns, p.name))


def publish(staging: Path, target: Path) -> Path | None:
    """Put the whole site ``staging`` in the place of ``target``. Returns where the previous site now is
    (to be removed with ``discard``), or None. On an error nothing has moved."""
    if not os.path.lexists(target):
        os.replace(staging, target)
        return None
    if exchange(staging, target):
        return staging  # the previous site now has the staging name
    old = aside_name(target)
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old, target)
        raise
    return old


def _rmtree(path: Path) -> OSError | None:
    """shutil.rmtree, returning the first error with the full path of what could not be removed."""
    failures: list[OSError] = []

    def note(func, name, exc):
        exc = exc if isinstance(exc, BaseException) else exc[1]
        if not isinstance(exc, FileNotFoundError):
            failures.append(OSError(getattr(exc, "errno", None), getattr(exc, "strerror", None) or str(exc),
                                    os.fsdecode(name)))

    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=note)
        else:
            shutil.rmtree(path, onerror=note)
    except FileNotFoundError:
        return None
    except OSError as err:
        failures.append(err)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        failures.append(err)
    return failures[0] if failures else OSError(errno.ENOTEMPTY, os.strerror(errno.ENOTEMPTY), str(path))


def remove_tree(path: Path) -> OSError | None:
    """Remove the folder ``path``, read-only parts too (made writable when ours); the error, if it stays."""
    if _rmtree(path) is None:
        return None
    for _ in range(2):  # twice: folders that were unreadable can be listed the second time
        for folder, dirs, _files in os.walk(path, onerror=lambda err: None):
            for name in dirs:
                try:
                    os.chmod(os.path.join(folder, name), 0o700, follow_symlinks=False)
                except OSError:
                    pass
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return _rmtree(path)


def discard(path: Path, target: Path, quiet: bool = False) -> None:
    """Remove a previous or left-over site ``path`` beside ``target``; it never fails a build. What cannot be
    removed is moved aside (so the staging name stays free) and named in one warning (unless ``quiet``)."""
    root = target.parent
    if path.name == target.name + ".new":
        aside = aside_name(target)
        try:
            os.replace(path, aside)
            path = aside
        except OSError:
            pass  # removed where it is, then
    err = remove_tree(path)
    if err is not None and not quiet:
        where = Path(err.filename).relative_to(root) if err.filename and Path(err.filename).is_relative_to(root) \
            else err.filename or path.name
        left = path.relative_to(root)
        print(f"warning: could not remove the previous site, left at {left}/ ({err.strerror or err}: {where}); "
              f"site/ is whole and in place. Fix the permissions of {where} (or remove {left}/ yourself); "
              f"the next build tries again.", file=sys.stderr)


def recover_site(target: Path, committed: int | None) -> None:
    """Repair what an interrupted build left beside ``target``: finish a swap the build had committed to (the
    staged site with inode ``committed``), put back the last published site if ``target`` is missing, and
    remove left-over staged and old sites."""
    staging = target.with_name(target.name + ".new")
    old = asides(target)
    if committed is not None:
        current = target.stat().st_ino if target.is_dir() else None
        holder = next((p for p in (staging, *old) if p.is_dir() and not p.is_symlink()
                       and p.stat().st_ino == committed), None)
        if current != committed and holder is not None:
            publish(holder, target)
    if not os.path.lexists(target):
        old = asides(target)
        if old:
            os.replace(old[0], target)  # the site last published; a staged site.new may be half built
    for path in (staging, *asides(target)):
        if os.path.lexists(path):
            discard(path, target)


def set_modes(folder: Path) -> None:
    """Files 0644 and folders 0755 whatever the umask, so a web server running as another user reads them."""
    os.chmod(folder, 0o755)
    for parent, dirs, files in os.walk(folder):
        for name in dirs:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
        for name in files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)
