"""`casegen diff`: what a change does to the figures, as Markdown a reviewer pastes into a pull request."""

from __future__ import annotations

import html
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .load import Library, load_library
from . import qualifiers
from .models import Figure

def escape(value) -> str:
    """Editor text in a Markdown table cell: no HTML, no column breaks, no line breaks. Lighter than the
    site's escaping so that a reviewer can read the raw Markdown too."""
    return html.escape(str(value), quote=False).replace("|", "\\|").replace("\n", " ")


class ChangeError(Exception):
    pass


def library_at(root: Path, revision: str, into: Path) -> Library:
    """data/ as it was at ``revision``, loaded (problems ignored: old data may predate today's rules)."""
    if revision.startswith("-") or not revision.strip():
        # git would read it as an option (--output=… writes a file anywhere).
        raise ChangeError(f"'{revision[:40]}' is not a revision: name a branch, tag or commit (e.g. main)")
    try:
        commit = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                                 f"{revision}^{{commit}}"], cwd=root, capture_output=True, text=True)
        if commit.returncode != 0:
            raise ChangeError(f"cannot read data/ at '{revision[:40]}': no such branch, tag or commit in this "
                              f"repository (try `git fetch`, or name another one, e.g. main)")
        archive = subprocess.run(["git", "archive", "--format=tar", commit.stdout.strip(), "--", "data"], cwd=root,
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise ChangeError(f"cannot read data/ at '{revision}': {detail.decode(errors='replace').strip() or exc}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        _extract(tar, into)
    return load_library(into / "data")[0]


def _extract(tar: tarfile.TarFile, into: Path) -> None:
    """The archive's files into ``into``, and nothing outside it."""
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: the standard library's own checks
        tar.extractall(into, filter="data")
        return
    # Debian 12's Python (3.11.2) has no extraction filters: regular files and folders only, none outside ``into``
    for member in tar.getmembers():
        if member.name.startswith("/") or ".." in Path(member.name).parts or not (member.isfile() or member.isdir()):
            continue
        tar.extract(member, into)


@dataclass(frozen=True)
class Change:
    story: str
    old: Figure | None
    new: Figure | None


FIELDS = ("value", "unit", "qualifier", "locator", "note_zh", "note_en", "flag", "flag_zh", "flag_en", "flag_group")


def compare(before: Library, after: Library) -> list[Change]:
    changes = []
    for story in sorted(set(before.figures) | set(after.figures)):
        old = {f.key: f for f in before.figures.get(story, [])}
        new = {f.key: f for f in after.figures.get(story, [])}
        for key in sorted(set(old) | set(new)):
            a, b = old.get(key), new.get(key)
            if a is None or b is None or any(getattr(a, n) != getattr(b, n) for n in FIELDS):
                changes.append(Change(story, a, b))
    return changes


def _stories_changed(before: Library, after: Library) -> list[str]:
    def dump(lib: Library) -> dict:
        return {s: story.model_dump() for s, story in lib.stories().items()}
    a, b = dump(before), dump(after)
    return sorted(s for s in set(a) | set(b) if a.get(s) != b.get(s))


def _cell(f: Figure) -> str:
    qualifier = qualifiers.symbol(f.qualifier)
    return f"{qualifier}{escape(f.published_value)} {escape(f.unit)}"


def _where(f: Figure) -> str:
    period = f"{f.start}–{f.end}" if f.start else f"≤{f.end}"
    extra = f", {escape(f.category)}" if f.category else ""
    return f"{escape(f.metric)} | {escape(period)} | {escape(f.scope)}{extra} | {escape(f.series)} | {escape(f.source)}"


def markdown(revision: str, changes: list[Change], stories: list[str]) -> str:
    added = [c for c in changes if c.old is None]
    removed = [c for c in changes if c.new is None]
    changed = [c for c in changes if c.old is not None and c.new is not None]
    touched = sorted({c.story for c in changes} | set(stories))
    lines = [f"## Data changes since `{escape(revision)}`", ""]
    if not touched:
        return "\n".join(lines + ["No figures or case records changed.", ""])
    lines += [f"**Cases touched:** {', '.join(escape(s) for s in touched)}  ",
              f"**Figures:** {len(added)} added, {len(changed)} changed, {len(removed)} removed", ""]
    header = "| case | metric | period | scope | series | source |"
    if added:
        lines += [f"### Added ({len(added)})", "", "| value " + header, "|---:|---|---|---|---|---|---|"]
        lines += [f"| {_cell(c.new)} | {escape(c.story)} | {_where(c.new)} |" for c in added] + [""]
    if changed:
        lines += [f"### Changed ({len(changed)})", "", "| old → new | what else changed " + header,
                  "|---|---|---|---|---|---|---|---|"]
        for c in changed:
            others = [n for n in FIELDS if n not in ("value", "unit") and getattr(c.old, n) != getattr(c.new, n)]
            lines.append(f"| {_cell(c.old)} → {_cell(c.new)} | {escape(', '.join(others)) or '—'} | "
                         f"{escape(c.story)} | {_where(c.new)} |")
        lines.append("")
    if removed:
        lines += [f"### Removed ({len(removed)})", "", "| value " + header, "|---:|---|---|---|---|---|---|"]
        lines += [f"| {_cell(c.old)} | {escape(c.story)} | {_where(c.old)} |" for c in removed] + [""]
    edited = [s for s in stories if s not in {c.story for c in changes}]
    if edited:
        lines += [f"Case records edited without figure changes: {', '.join(escape(s) for s in edited)}", ""]
    return "\n".join(lines)


def report(root: Path, revision: str) -> str:
    root = root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        before = library_at(root, revision, Path(tmp))
    after, _ = load_library(root / "data")
    return markdown(revision, compare(before, after), _stories_changed(before, after))
