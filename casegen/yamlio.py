"""YAML reading that remembers where each value was written.

Editors need ``file:line`` in every error, so we compose the node tree ourselves and keep a map
from a value's path (``("metrics", 3, "unit")``) to its line. Duplicate keys, which PyYAML would
silently merge, are reported as problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Loc = tuple[Any, ...]


class YamlDoc:
    def __init__(self, data: Any, lines: dict[Loc, int], path: str):
        self.data = data
        self.lines = lines
        self.path = path

    def line(self, loc: Loc) -> int:
        """The line of ``loc`` or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _construct(node: yaml.Node, loc: Loc, lines: dict, problems: list, path: str) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader.construct_scalar(_LOADER, key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in out:
                problems.append(Problem(path, key_node.start_mark.line + 1, ".".join(map(str, loc + (key,))) or key,
                                        f"duplicate key '{key}'", "remove one of the two entries; YAML keeps only the last", "yaml"))
            out[key] = _construct(value_node, loc + (key,), lines, problems, path)
            lines[loc + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, loc + (i,), lines, problems, path) for i, n in enumerate(node.value)]
    return _LOADER.construct_object(node, deep=True)


_LOADER = yaml.SafeLoader("")
# libyaml's composer when PyYAML has it: the same nodes and marks, some twenty times faster than the
# pure-Python scanner, which was most of the time of validating a library of a thousand cases.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(file: Path, shown_path: str, problems: list[Problem]) -> YamlDoc | None:
    """Parse ``file``; on a syntax error append a problem and return None."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown_path, 1, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                "save the file as UTF-8", "encoding"))
        return None
    if not text.strip():
        problems.append(Problem(shown_path, 1, "(file)", "the file is empty", "fill it in or delete it", "yaml"))
        return None
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(shown_path, line, "(yaml)", f"YAML syntax error: {exc.problem or exc}",
                                "check indentation, colons and quotes on this line and the one above", "yaml"))
        return None
    lines: dict[Loc, int] = {}
    data = _construct(node, (), lines, problems, shown_path) if node is not None else None
    return YamlDoc(data, lines, shown_path)
