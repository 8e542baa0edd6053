"""Problems found in editor input, reported as ``path:line: field: message``.

A problem is an error (the data cannot be published as it is: `casegen validate` exits with 1) or a
warning (worth a look, but nothing stops: `casegen validate` prints it and exits with 0).

Problems quote what editors wrote, and sometimes what a file holds that no editor wrote (a file
linked from elsewhere, a binary file): every quoted value goes through ``clip``, which shortens it and
shows invisible and control characters as escapes, so that a message is one short line and never
leaks a whole file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"

MAX_QUOTE = 40        # characters of a value quoted in a message
MAX_FIELD = 120       # characters of a field name (built from keys and ids the editor wrote)
MAX_MESSAGE = 1_000   # characters of a message: a last guard, the messages themselves are short

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if not ch.isprintable() and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    return ch


def _visible(text: str) -> str:
    """``text`` with control, format (invisible: U+200B, U+202E …) and line-separator characters escaped."""
    return text if text.isprintable() else "".join(map(_escape, text))


def clip(value: object, limit: int = MAX_QUOTE) -> str:
    """A value as a message may quote it: invisible characters escaped, at most ``limit`` characters of that
    (then …). Stops at the limit: a value of a million characters costs no more than a short one."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit and text.isprintable():
        return text
    out, n = [], 0
    for ch in text:
        piece = _escape(ch)
        if n + len(piece) > limit:
            return "".join(out) + "…"
        out.append(piece)
        n += len(piece)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    hint: str = field(default="", compare=False)
    kind: str = field(default="", compare=False)
    severity: str = field(default=ERROR, compare=False)

    def __post_init__(self) -> None:
        # one problem, one line: whatever went into it, nothing invisible and nothing long comes out
        object.__setattr__(self, "path", _visible(self.path))
        object.__setattr__(self, "field", clip(self.field, MAX_FIELD))
        object.__setattr__(self, "message", clip(self.message, MAX_MESSAGE))

    @property
    def is_error(self) -> bool:
        return self.severity != WARNING

    def __str__(self) -> str:
        mark = "warning: " if self.severity == WARNING else ""
        text = f"{self.path}:{self.line}: {self.field}: {mark}{self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "kind": self.kind,
            "severity": self.severity,
        }


def warning(path: str, line: int, field: str, message: str, hint: str = "", kind: str = "") -> Problem:
    return Problem(path, line, field, message, hint, kind, WARNING)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class DataError(Exception):
    """Raised when the data has errors; carries every problem found in one run (the warnings too)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        n_errors = len(errors(self.problems))
        super().__init__(f"{n_errors} problem(s) in the data")

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def rel(path: Path, root: Path) -> str:
    """A path as the editor sees it: relative to the project root when possible."""
    try:
        return path.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()
