"""Problems found in editor input, reported as ``path:line: field: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    hint: str = field(default="", compare=False)
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "kind": self.kind,
        }


class DataError(Exception):
    """Raised when the data has problems; carries every problem found in one run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


def rel(path: Path, root: Path) -> str:
    """A path as the editor sees it: relative to the project root when possible."""
    try:
        return path.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()
