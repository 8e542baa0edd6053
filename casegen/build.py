"""Build: load → validate → render what changed → update build/docs → mkdocs build into site/.

Generation is incremental and keyed on content: each unit of output (a story with its charts and
downloads, the comparison pages, the home page …) carries a key hashed from its inputs, and only units
whose key changed, or whose files on disk are not the ones last written, are rendered again (see
render.site_units and write.Manifest). Charts missing from the cache are rendered first, in parallel
across cores (charts.render_jobs). Nothing is written before everything is rendered, so a failed
generation leaves build/docs as it was; site/ is built beside the old one and swapped in.

Output is kept whole whatever happens to a build: one build at a time per folder (``build_lock`` on
build/.lock); build/docs is updated through a journal (write.Journal) that is committed in one rename once
the site is staged, and restored otherwise, also by the next build when this one was killed (``recover``);
the staged site is exchanged with the published one in one step (write.publish), so site/ is always a whole
site, the old or the new one.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import handout
from . import renderpool
from . import address
from . import search_data
from .address import site_url
from .cite import last_changed, last_changed_folders
from .validate import validate
from .write import (CacheFile, Journal, Manifest, Written, committed_note, discard, drop_committed, publish,
                    recover_site, restore_leftover, set_modes, staging_dir, sync_tree)

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialised
    fcntl = None


class BuildError(Exception):
    pass


# -- one build at a time -----------------------------------------------------------------------------------

LOCK_TIMEOUT_S = 1800  # how long a build waits for another one in the same folder ($CASEGEN_LOCK_TIMEOUT)
_held: dict[Path, int] = {}  # folders this process holds the lock of → how many times (it is re-entrant)
_fds: dict[Path, int] = {}   # … and the descriptor it holds it through


def lock_path(root: Path) -> Path:
    return root / "build" / ".lock"


@contextmanager
def build_lock(root: Path):
    """Hold build/.lock of ``root`` (flock) for the block: a second build, `casegen build --no-site` or a
    live preview's regeneration in the same folder waits (saying so once), or gives up after
    $CASEGEN_LOCK_TIMEOUT seconds (default 1800). Children started inside inherit the lock (``lock_fd``), so
    an orphan of a killed build keeps the next one waiting until it is gone."""
    root = root.resolve()
    if fcntl is None or root in _held:
        _held[root] = _held.get(root, 0) + 1
        try:
            yield
        finally:
            _held[root] -= 1
            if not _held[root]:
                del _held[root]
        return
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another casegen build in this folder…", file=sys.stderr, flush=True)
            timeout = float(os.environ.get("CASEGEN_LOCK_TIMEOUT") or LOCK_TIMEOUT_S)
            deadline = time.monotonic() + timeout
            while True:
                time.sleep(0.1)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise BuildError(f"another casegen build in this folder still holds build/.lock after "
                                         f"{timeout:g} s; wait for it to finish (or stop it), then build again"
                                         ) from None
        _held[root], _fds[root] = 1, fd
        try:
            yield
        finally:
            del _held[root], _fds[root]
    finally:
        os.close(fd)  # releases the lock (children holding a copy keep it until they end)


def lock_fd(root: Path) -> tuple[int, ...]:
    """The lock's descriptor to pass to a child (``pass_fds``), if this process holds it through flock."""
    fd = _fds.get(root.resolve())
    return (fd,) if fd is not None else ()


def recover(root: Path) -> None:
    """Repair what a killed build left, under the lock: ``_recover``."""
    root = root.resolve()
    with build_lock(root):
        _recover(root)


def _recover(root: Path) -> None:
    """Run first by every build, holding the lock: a journal left by a killed build puts build/docs back as
    it was before it; a swap it had committed to is finished; a missing site/ comes back from site.old;
    left-over site.new and site.old are removed (or, when they cannot be, named in a warning)."""
    base = root / "build"
    if restore_leftover(base):
        print("an interrupted build was undone: build/docs/ is back as it was before it", file=sys.stderr)
    recover_site(root / "site", committed_note(base, "site"))
    drop_committed(base)


def describe_os_error(err: OSError, root: Path) -> str:
    """One line for a failure of the file system: what failed, on which path, and what to do."""
    name = err.filename
    shown = str(name) if name is not None else "a file"
    if name is not None:
        path = Path(os.fsdecode(name))
        if path.is_absolute() and path.is_relative_to(root):
            shown = path.relative_to(root).as_posix()
    reason = err.strerror or type(err).__name__
    code = err.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        hint = "free disk space (`make clean` removes the build cache) and build again"
    elif code in (errno.EACCES, errno.EPERM):
        hint = f"fix the permissions of {shown} (or build as the user who owns it), then build again"
    elif code == errno.EROFS:
        hint = "the file system is read-only: build in a writable copy of the project"
    elif code == errno.ENAMETOOLONG:
        hint = "the name is too long for the file system: shorten it (a case's slug, a file under docs/)"
    else:
        hint = f"check {shown} and build again"
    return f"{reason}: {shown}; {hint}"


@contextmanager
def _phase(timings: dict | None, name: str):
    """Add the wall time of the block to ``timings[name]`` (seconds), when timings are asked for."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


# What MkDocs builds the site from besides the generated pages: a copy of a project needs all of them.
SITE_FILES = ("docs", "overrides", "mkdocs.yml")


def copy_site_files(source: Path, dest: Path) -> None:
    """Copy the hand-written pages, the theme overrides and mkdocs.yml of ``source`` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
        else:
            shutil.copy(source / name, dest / name)


def static_docs(root: Path) -> dict[str, bytes]:
    """Hand-written pages and assets under docs/, copied into the generated tree.

    Only regular files and folders are published. A symbolic link is followed while it stays in the project
    (a page shared with data/, say); one that leads out of it (to /etc/passwd, a home folder) or nowhere,
    and anything that is not a file (a FIFO, a device, a socket), stops the build before anything is
    written: a BuildError naming ``docs/<path>``."""
    project = root.resolve()
    docs = root / "docs"
    files: dict[str, bytes] = {}

    def check_link(path: Path, shown: str) -> Path:
        target = path.resolve()
        if not target.is_relative_to(project):
            raise BuildError(f"{shown}: a symbolic link to {target}, outside the project; only files inside the "
                             f"project are published: copy what it should show into docs/, or remove the link")
        if not target.exists():
            raise BuildError(f"{shown}: a symbolic link to {target}, which does not exist; fix or remove it")
        return target

    def visit(folder: Path, prefix: str, seen: frozenset) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            rel = prefix + entry.name
            path = Path(entry.path)
            shown = f"docs/{rel}"
            real = check_link(path, shown) if entry.is_symlink() else path
            mode = path.stat().st_mode
            if stat.S_ISDIR(mode):
                if real.resolve() in seen:
                    raise BuildError(f"{shown}: a symbolic link back into a folder that holds it; remove it")
                visit(path, rel + "/", seen | {real.resolve()})
            elif stat.S_ISREG(mode):
                files[rel] = path.read_bytes()
            else:
                kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
                raise BuildError(f"{shown}: {kind}, not a file; only files and folders are published: remove it")

    if docs.is_symlink():
        check_link(docs, "docs")
    if docs.is_dir():
        visit(docs, "", frozenset({docs.resolve()}))
    return dict(sorted(files.items()))


def story_folder(lib, slug: str) -> str:
    return f"data/{'cases' if slug in lib.cases else 'practices'}/{slug}"


def changed_dates(root: Path, lib) -> dict[str, str | None]:
    """The date each story's data last changed in git (one walk of the history for all of them)."""
    folders = {slug: story_folder(lib, slug) for slug in lib.stories()}
    dates = last_changed_folders(root, list(folders.values()))
    return {slug: dates[folder] for slug, folder in folders.items()}


@dataclass
class Generated:
    """A generation, rendered but not yet written: ``files`` to write (if their bytes changed), ``kept``
    files of units that did not need rendering, and the key and files of every unit."""

    files: dict[str, str | bytes | CacheFile]
    kept: set[str]
    units: dict[str, dict]
    rendered: list[str]  # names of the units rendered in this generation


def generate(root: Path, lib=None, handouts: bool = False, changed: dict[str, str | None] | None = None,
             timings: dict | None = None, preview: bool = False) -> Generated:
    """Render what changed since the last generation into memory (and charts into the cache). ``preview``: for
    the live preview, without the binary downloads (render.Renderer.preview); a unit a full build left intact
    is kept as it is."""
    from . import charts
    from .render import site_units

    root = root.resolve()
    lib = lib or validate(root / "data")
    docs_dir = root / "build" / "docs"
    charts.CACHE = root / "build" / "cache"
    hand_written_files = static_docs(root)  # first: a bad file under docs/ stops the build before anything
    manifest = Manifest.load(manifest_path(root))
    with _phase(timings, "plan"):
        if changed is None:
            changed = changed_dates(root, lib)
        units = site_units(lib, site_url(root), changed, handouts, preview)
        todo = [u for u in units if not manifest.unit_intact(docs_dir, u.name, u.key)
                and not (u.full_key and manifest.unit_intact(docs_dir, u.name, u.full_key))]
        todo_names = {u.name for u in todo}
    with _phase(timings, "charts"):
        with charts.deferred() as jobs:
            for unit in todo:
                unit.collect()
        if preview:  # drawn by the warm workers while the pages render (charts.begin_jobs)
            charts_drawn = charts.begin_jobs(jobs)
        else:
            charts.render_jobs(jobs)
    if timings is not None:
        timings["charts_rendered"] = len(jobs)
    with _phase(timings, "render"), (charts.deferred() if preview else contextlib.nullcontext([])) as late:
        rendered = dict(zip([u.name for u in todo], renderpool.render_all(todo)))
    if preview:
        with _phase(timings, "charts"):
            charts_drawn()
            _fill_in_charts(rendered, jobs, late)
    with _phase(timings, "render"):
        files: dict[str, str | bytes | CacheFile] = dict(hand_written_files)
        hand_written = set(files)
        records: dict[str, dict] = {}
        kept: set[str] = set()
        for unit in units:
            if unit.name not in todo_names:
                records[unit.name] = manifest.units[unit.name]
                kept.update(records[unit.name]["files"])
                continue
            out = rendered[unit.name]
            records[unit.name] = {"key": unit.key, "files": sorted(out)}
            clash = sorted(hand_written & set(out))
            if clash:
                raise BuildError(f"docs/{clash[0]} is hand-written but the generator also makes it; rename one")
            files.update(out)
        clash = sorted(hand_written & kept)
        if clash:
            raise BuildError(f"docs/{clash[0]} is hand-written but the generator also makes it; rename one")
    return Generated(files, kept, records, [u.name for u in todo])


def _fill_in_charts(rendered: dict[str, dict], jobs: list[tuple], late: list[tuple]) -> None:
    """Put each chart the preview's units rendered while it was being drawn into its file: a page names its charts
    and never holds one, so only the charts' own files waited, as placeholders (``charts.pending``)."""
    from . import charts

    begun = {job[1] for job in jobs}
    charts.render_jobs([job for job in late if job[1] not in begun])  # none, unless a unit drew a chart of its own
    for out in rendered.values():
        for name, content in out.items():
            if isinstance(content, str) and charts.pending(content):
                out[name] = charts.drawn(content)


def manifest_path(root: Path) -> Path:
    return root / "build" / "docs-manifest.json"


# The environment MkDocs and Chromium run in, whatever the caller's: the same bytes for the same data.
FIXED_LOCALE = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "", "TZ": "UTC"}


def run_mkdocs(root: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
           "-d", str(out)]
    # The end-of-life notice of Material is known (README, "MkDocs' future"); keep the output to what failed.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **FIXED_LOCALE}
    env.pop("CASEGEN_SERVE", None)  # the plugin regenerates only in a live preview, never inside a build
    # Sitemap dates from the data, not the build day: mkdocs honours SOURCE_DATE_EPOCH.
    changed = last_changed(root, ["data", *SITE_FILES])
    epoch = int(datetime.datetime.fromisoformat(changed).replace(tzinfo=datetime.timezone.utc).timestamp()) \
        if changed else 0
    env.setdefault("SOURCE_DATE_EPOCH", str(epoch))
    # MkDocs' canonical links and sitemap get the address the pages were generated with (mkdocs.yml reads
    # SITE_URL), or none: an empty site_url, never a placeholder.
    env["SITE_URL"] = site_url(root) or ""
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, pass_fds=lock_fd(root))
    if result.returncode != 0:
        output = result.stderr + result.stdout
        relevant = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
        raise BuildError("mkdocs build --strict failed:\n" + "\n".join(relevant or output.splitlines()[-20:]))


def generate_docs(root: Path, handouts: bool = False, timings: dict | None = None, preview: bool = False):
    """Validate, render what changed and update build/docs in place, writing only files whose bytes
    changed; on a problem (invalid data, a failing template, a full disk) build/docs stays as it was.
    Holds the build lock. Returns the library. ``preview``: the live preview's pages (see ``generate``)."""
    root = root.resolve()
    with build_lock(root):
        _recover(root)
        with _phase(timings, "validate"):
            lib = validate(root / "data")
        journal = Journal(root / "build")
        try:
            write_docs(root, lib, handouts, None, timings, journal, preview)
        except BaseException:
            journal.restore()
            raise
        journal.commit()
        journal.finish()
    return lib


def write_docs(root: Path, lib, handouts: bool, changed: dict[str, str | None] | None, timings: dict | None,
               journal: Journal | None = None, preview: bool = False):
    """``generate_docs`` for a library already validated; what it replaces goes through ``journal``."""
    generated = generate(root, lib, handouts, changed, timings, preview)
    with _phase(timings, "write"):
        docs_dir = root / "build" / "docs"
        docs_dir.mkdir(parents=True, exist_ok=True)
        report: Written = sync_tree(docs_dir, generated.files, generated.kept, Manifest.load(manifest_path(root)),
                                    generated.units, journal)
        searched = search_data.path(root)  # the search's phrases and facets (casegen.search_data)
        text = search_data.search_data(lib)
        search_data_written = not searched.exists() or searched.read_text(encoding="utf-8") != text
        if search_data_written:
            if journal:
                journal.keep(searched)
            searched.write_text(text, encoding="utf-8")
    if timings is not None:
        timings.update(units_rendered=len(generated.rendered), files_written=len(report.written),
                       files_removed=len(report.removed), files_unchanged=report.unchanged + len(generated.kept),
                       search_data_written=search_data_written)
    return lib


def build(root: Path, site: bool = True, timings: dict | None = None) -> None:
    """Regenerate build/docs and, with ``site``, rebuild site/; on failure both stay as they were.

    One build at a time per folder (``build_lock``); first of all, what a killed build left is repaired
    (``_recover``). A failure of the file system (a full disk, a permission) is a BuildError saying what to
    do. ``timings``, if given, receives the wall time of each phase in seconds (see casegen.bench)."""
    root = root.resolve()
    with build_lock(root):
        try:
            _recover(root)
            _build(root, site, timings)
        except OSError as err:
            raise BuildError(describe_os_error(err, root)) from err


def _build(root: Path, site: bool, timings: dict | None) -> None:
    executable = handout.chromium() if site else None
    with _phase(timings, "validate"):
        lib = validate(root / "data")
    changed = changed_dates(root, lib)
    if site:
        unknown = address.warning(address.resolve(root))
        if unknown:
            print(unknown, file=sys.stderr)
    # build/docs is updated before MkDocs reads it; if anything fails before the journal is committed, the
    # journal puts it back (and the next build does, if this one is killed).
    journal = Journal(root / "build")
    target = root / "site"
    staging = None
    try:
        write_docs(root, lib, executable is not None, changed, timings, journal)
        if site:
            staging = staging_dir(target)
            with _phase(timings, "mkdocs"):
                run_mkdocs(root, staging)
            if executable:
                with _phase(timings, "handouts"):
                    printed = handout.print_cached(root / "build" / "cache" / "pdf", staging,
                                                   handout.handouts(lib, site_url(root), changed), executable,
                                                   pass_fds=lock_fd(root))
                if timings is not None:
                    timings["handouts_printed"] = printed
            elif os.environ.get("CASEGEN_NO_PDF"):
                print("PDF handouts skipped: CASEGEN_NO_PDF is set.", file=sys.stderr)
            else:
                print("PDF handouts skipped: Chromium not found (install it or set CASEGEN_CHROMIUM).",
                      file=sys.stderr)
            set_modes(staging)  # 0644/0755 whatever the umask: a web server running as another user reads it
        # The commit: from here on build/docs stands; the journal names the staged site, so that a swap cut
        # short is finished by the next build.
        journal.commit(**({"site": staging.stat().st_ino} if staging else {}))
    except BaseException as err:
        if staging is not None:
            discard(staging, target, quiet=True)
        journal.restore()
        if isinstance(err, RuntimeError):
            raise BuildError(str(err)) from err
        raise
    if staging is not None:
        with _phase(timings, "swap"):
            try:
                old = publish(staging, target)
            except BaseException:
                journal.uncommit()  # nothing moved: undo the whole build
                discard(staging, target, quiet=True)
                journal.restore()
                raise
            journal.finish()
            if old is not None:
                discard(old, target)  # a failure here only warns: the new site is in place
    else:
        journal.finish()
