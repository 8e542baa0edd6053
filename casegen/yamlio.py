"""YAML reading that remembers where each value was written.

Editors need ``file:line`` in every error, so we compose the node tree ourselves and keep a map
from a value's path (``("metrics", 3, "unit")``) to its line. Duplicate keys, which PyYAML would
silently merge, are reported as problems.

Whatever the file holds, reading it ends in a value or in problems, never in an exception: files
above a size limit are refused before they are parsed, aliases (which can multiply a small file
into billions of values), deep nesting and unknown tags are reported with their line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Loc = tuple[Any, ...]

# Limits, far above what an editor writes (the largest register is about 35 kB, 2,000 values), low
# enough that a wrong or hostile file is refused in a second instead of hanging the build.
MAX_YAML_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 50

# Characters no editor means to type: C0 controls except tab and line breaks, DEL and the C1 block.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_HINT = "delete the character: it is invisible and usually comes from copying out of a PDF or Word"


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


def too_big(file: Path, shown_path: str, limit: int, problems: list[Problem]) -> bool:
    """Whether ``file`` is above ``limit`` bytes (reported as a problem), checked before reading it."""
    size = file.stat().st_size
    if size <= limit:
        return False
    problems.append(Problem(shown_path, 1, "(file)",
                            f"the file is {size / 1e6:.1f} MB; casegen reads files of at most {limit / 1e6:g} MB",
                            "check that this is the right file; split a very large case into several", "size"))
    return True


def read_bytes(file: Path, shown_path: str, problems: list[Problem]) -> bytes | None:
    if file.exists() and not file.is_file():  # a folder, a device (/dev/zero would never end), a pipe
        what = "a folder" if file.is_dir() else "not a regular file"
        problems.append(Problem(shown_path, 1, "(file)", f"cannot read the file: it is {what}",
                                "replace it by a text file", "file"))
        return None
    try:
        return file.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown_path, 1, "(file)", f"cannot read the file: {exc.strerror or exc}",
                                "replace it by a text file", "file"))
        return None


def decode(raw: bytes, shown_path: str, problems: list[Problem]) -> str | None:
    """UTF-8 text (a BOM is allowed); otherwise a problem that says which encoding it looks like."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    line = raw[:start].count(b"\n") + 1
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[:200].count(b"\x00") > 10:
        looks, line = "it looks like UTF-16 (Excel's 'Unicode Text', Notepad's 'Unicode')", 1
    else:
        try:
            raw.decode("gb18030")
            looks = "it looks like GBK/GB18030 (Excel's default 'CSV' on Chinese Windows)"
        except UnicodeDecodeError:
            looks = "its encoding is not recognised"
    problems.append(Problem(shown_path, line, "(file)", f"the file is not UTF-8 text: {looks}",
                            "in Excel use 'Save As → CSV UTF-8 (Comma delimited) (*.csv)'; in other editors "
                            "choose the UTF-8 encoding", "encoding"))
    return None


def _over_budget(text: str) -> tuple[int, str, str] | None:
    """(line, message, hint) of the first alias, or of where the file exceeds MAX_NODES values or
    MAX_DEPTH levels; None when within budget.

    A pass over the parser's events, before composing: libyaml's composer recurses in C (a file of
    100,000 nested brackets crashes the interpreter) and aliases can multiply a few lines into
    billions of values. The events cost a tenth of composing."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_COMPOSER):
        if isinstance(event, yaml.AliasEvent):
            return (event.start_mark.line + 1, "YAML aliases (*name) are not supported",
                    "write the value out in full instead of referring to an anchor (&name)")
        if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            nodes += 1
            if nodes > MAX_NODES:
                return (event.start_mark.line + 1, f"the file has more than {MAX_NODES:,} values",
                        "check that this is the right file; a register this large is not expected")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return (event.start_mark.line + 1, f"the values are nested more than {MAX_DEPTH} levels deep",
                        "check the brackets and the indentation")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _unsupported_tag(node: yaml.Node, problems: list, path: str) -> None:
    problems.append(Problem(path, node.start_mark.line + 1, "(yaml)", f"unsupported YAML tag '{node.tag}'",
                            "remove the tag (the word starting with '!'); write plain text, numbers and dates", "yaml"))


def _scalar(node: yaml.ScalarNode, problems: list, path: str) -> Any:
    try:
        return _LOADER.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        _unsupported_tag(node, problems, path)
        return node.value
    except ValueError:
        # A date-like value that is not a date (2019-13-01), an integer of thousands of digits: keep the
        # text for the model to explain.
        return node.value


def _key_text(key_node: yaml.Node, loc: Loc, problems: list, path: str) -> str | None:
    """The key as text; a list or mapping as a key is a problem, and the entry is left out."""
    if isinstance(key_node, yaml.ScalarNode):
        return yaml.SafeLoader.construct_scalar(_LOADER, key_node)
    key = "[…]" if isinstance(key_node, yaml.SequenceNode) else "{…}"
    problems.append(Problem(path, key_node.start_mark.line + 1, ".".join(map(str, loc + (key,))),
                            "a key must be plain text, not a list or mapping", "write 'name: value'", "yaml"))
    return None


def _construct(node: yaml.Node, loc: Loc, lines: dict, problems: list, path: str) -> Any:
    lines[loc] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
        _unsupported_tag(node, problems, path)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node, loc, problems, path)
            if key is None:
                continue
            if key in out:
                problems.append(Problem(path, key_node.start_mark.line + 1, ".".join(map(str, loc + (key,))) or key,
                                        f"duplicate key '{key}'", "remove one of the two entries; YAML keeps only the last", "yaml"))
            out[key] = _construct(value_node, loc + (key,), lines, problems, path)
            lines[loc + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, loc + (i,), lines, problems, path) for i, n in enumerate(node.value)]
    value = _scalar(node, problems, path)
    if isinstance(value, str) and (bad := CONTROL.search(value)):
        problems.append(Problem(path, node.start_mark.line + 1, ".".join(map(str, loc)) or "(value)",
                                f"the text contains the control character U+{ord(bad.group()):04X}",
                                CONTROL_HINT, "text"))
    return value


_LOADER = yaml.SafeLoader("")
# libyaml's composer when PyYAML has it: the same nodes and marks, some twenty times faster than the
# pure-Python scanner, which was most of the time of validating a library of a thousand cases.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(file: Path, shown_path: str, problems: list[Problem]) -> YamlDoc | None:
    """Parse ``file``; on any problem with the file as a whole append it and return None."""
    if too_big(file, shown_path, MAX_YAML_BYTES, problems):
        return None
    raw = read_bytes(file, shown_path, problems)
    text = None if raw is None else decode(raw, shown_path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(shown_path, 1, "(file)", "the file is empty", "fill it in or delete it", "yaml"))
        return None
    try:
        refused = _over_budget(text)
        node = None if refused else yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"YAML syntax error: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # where the construct began, often where the fix is (an unclosed quote or bracket)
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        problems.append(Problem(shown_path, line, "(yaml)", message,
                                "check indentation, colons and quotes on this line and the one above", "yaml"))
        return None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problems.append(Problem(shown_path, line, "(yaml)",
                                f"the file contains the control character U+{ord(char):04X}, which YAML does not allow",
                                CONTROL_HINT, "text"))
        return None
    except (yaml.YAMLError, RecursionError) as exc:
        problems.append(Problem(shown_path, 1, "(yaml)", f"YAML error: {exc}", "check the file's syntax", "yaml"))
        return None
    if refused:
        line, message, hint = refused
        problems.append(Problem(shown_path, line, "(yaml)", message, hint, "yaml"))
        return None
    lines: dict[Loc, int] = {}
    if node is None:
        return YamlDoc(None, lines, shown_path)
    return YamlDoc(_construct(node, (), lines, problems, shown_path), lines, shown_path)
