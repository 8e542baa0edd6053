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
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, clip

Loc = tuple[Any, ...]

# Limits, far above what an editor writes (the largest register is about 35 kB, 2,000 values), low
# enough that a wrong or hostile file is refused in a second instead of hanging the build.
MAX_YAML_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 50

# Characters no editor means to type: C0 controls except tab and line breaks, DEL and the C1 block.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_HINT = "delete the character: it is invisible and usually comes from copying out of a PDF or Word"


def dotted(loc: Loc) -> str:
    """A location as a field name: keys joined by '.', each as a message may quote it (see ``clip``)."""
    return ".".join(clip(part) if isinstance(part, str) else str(part) for part in loc)


class YamlDoc:
    def __init__(self, data: Any, lines: dict[Loc, int], path: str, literal: set[Loc] | None = None):
        self.data = data
        self.lines = lines
        self.path = path
        # texts written as literal blocks (key: |): their lines are kept, so a place inside one has a line
        self.literal = literal or set()

    def text_line(self, loc: Loc, offset: int) -> int:
        """The line of character ``offset`` of the text at ``loc``: exact inside a literal block (``key: |``,
        whose text starts on the line below the key), the text's first line otherwise."""
        line = self.line(loc)
        if tuple(loc) in self.literal and isinstance(value := self.value(loc), str):
            return line + 1 + value.count("\n", 0, offset)
        return line

    def value(self, loc: Loc) -> Any:
        node = self.data
        for key in loc:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def line(self, loc: Loc) -> int:
        """The line of ``loc`` or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _what(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def refusal(path: Path, root: Path | None = None) -> tuple[str, str] | None:
    """(message, hint) when ``path`` must not be read, None when it is a regular file or folder (or is
    missing: the caller says so). With ``root`` (resolved), a path whose real place (symbolic links followed)
    is outside ``root`` is refused too: a link to /proc/self/environ or /etc/passwd would otherwise put
    what it holds into messages and pages. Nothing is opened: only the file system's entries are looked at."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}", "check the file's permissions"
    link = stat.S_ISLNK(mode)
    target = path
    if link or root is not None:
        try:
            target = path.resolve(strict=True)
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            return ("it is a symbolic link to something that does not exist",
                    "replace the link by the file itself, or delete it")
        except (OSError, RuntimeError):
            return "it is a symbolic link that leads to itself (a loop)", "replace the link by the file itself"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return (f"it is not a regular file but {_what(mode)}",
                "replace it by a text file; casegen does not read devices, pipes or sockets")
    if root is not None and not target.is_relative_to(root):
        return ("it is a symbolic link to a place outside data/",
                "copy the file into data/ instead of linking to it: casegen reads only files inside data/")
    return None


def too_big(file: Path, shown_path: str, limit: int, problems: list[Problem], size: int | None = None) -> bool:
    """Whether ``file`` is above ``limit`` bytes (reported as a problem), checked before reading it."""
    size = file.stat().st_size if size is None else size
    if size <= limit:
        return False
    problems.append(Problem(shown_path, 1, "(file)",
                            f"the file is {size / 1e6:.1f} MB; casegen reads files of at most {limit / 1e6:g} MB",
                            "check that this is the right file; split a very large case into several", "size"))
    return True


def read_bytes(file: Path, shown_path: str, problems: list[Problem], limit: int | None = None,
               root: Path | None = None) -> bytes | None:
    """The bytes of a regular file (inside ``root`` if given), at most ``limit`` of them; otherwise a problem.

    The size is checked before reading and again while reading, as files under /proc say they are empty."""
    refused = refusal(file, root)
    if refused is None and file.exists() and not file.is_file():
        refused = "it is a folder", "replace it by a text file"
    if refused:
        message, hint = refused
        problems.append(Problem(shown_path, 1, "(file)", f"cannot read the file: {message}", hint, "file"))
        return None
    try:
        if limit is not None and too_big(file, shown_path, limit, problems):
            return None
        with open(file, "rb") as f:
            raw = f.read() if limit is None else f.read(limit + 1)
    except OSError as exc:
        problems.append(Problem(shown_path, 1, "(file)", f"cannot read the file: {clip(exc.strerror or exc, 80)}",
                                "replace it by a text file", "file"))
        return None
    if limit is not None and len(raw) > limit:
        too_big(file, shown_path, limit, problems, size=len(raw))
        return None
    return raw


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
    problems.append(Problem(path, node.start_mark.line + 1, "(yaml)", f"unsupported YAML tag '{clip(node.tag, 60)}'",
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
    problems.append(Problem(path, key_node.start_mark.line + 1, dotted(loc + (key,)),
                            "a key must be plain text, not a list or mapping", "write 'name: value'", "yaml"))
    return None


def _construct(node: yaml.Node, loc: Loc, lines: dict, problems: list, path: str, literal: set | None = None) -> Any:
    lines[loc] = node.start_mark.line + 1
    if literal is not None and isinstance(node, yaml.ScalarNode) and node.style == "|":
        literal.add(loc)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
        _unsupported_tag(node, problems, path)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node, loc, problems, path)
            if key is None:
                continue
            if key in out:
                problems.append(Problem(path, key_node.start_mark.line + 1, dotted(loc + (key,)) or "(key)",
                                        f"duplicate key '{clip(key)}'", "remove one of the two entries; YAML keeps only the last", "yaml"))
            out[key] = _construct(value_node, loc + (key,), lines, problems, path, literal)
            lines[loc + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, loc + (i,), lines, problems, path, literal) for i, n in enumerate(node.value)]
    value = _scalar(node, problems, path)
    if isinstance(value, str) and (bad := CONTROL.search(value)):
        problems.append(Problem(path, node.start_mark.line + 1, dotted(loc) or "(value)",
                                f"the text contains the control character U+{ord(bad.group()):04X}",
                                CONTROL_HINT, "text"))
    return value


_LOADER = yaml.SafeLoader("")
# libyaml's composer when PyYAML has it: the same nodes and marks, some twenty times faster than the
# pure-Python scanner, which was most of the time of validating a library of a thousand cases.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(file: Path, shown_path: str, problems: list[Problem], root: Path | None = None) -> YamlDoc | None:
    """Parse ``file``; on any problem with the file as a whole append it and return None. With ``root``, a
    file whose real place is outside ``root`` is refused (see ``refusal``)."""
    raw = read_bytes(file, shown_path, problems, MAX_YAML_BYTES, root)
    text = None if raw is None else decode(raw, shown_path, problems)
    if text is None:
        return None
    from .memo import remembered

    # the same text gives the same document (a preview loads the unchanged files again at each save)
    return remembered(("yaml", shown_path, text), lambda found: parse_yaml(text, shown_path, found), problems)


def parse_yaml(text: str, shown_path: str, problems: list[Problem]) -> YamlDoc | None:
    """``load_yaml`` once the file is read: its text parsed, with the line of every value."""
    if not text.strip():
        problems.append(Problem(shown_path, 1, "(file)", "the file is empty", "fill it in or delete it", "yaml"))
        return None
    try:
        refused = _over_budget(text)
        node = None if refused else yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"YAML syntax error: {clip(exc.problem or exc, 120)}"
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
        problems.append(Problem(shown_path, 1, "(yaml)", f"YAML error: {clip(exc, 80)}", "check the file's syntax",
                                "yaml"))
        return None
    if refused:
        line, message, hint = refused
        problems.append(Problem(shown_path, line, "(yaml)", message, hint, "yaml"))
        return None
    lines: dict[Loc, int] = {}
    if node is None:
        return YamlDoc(None, lines, shown_path)
    literal: set[Loc] = set()
    return YamlDoc(_construct(node, (), lines, problems, shown_path, literal), lines, shown_path, literal)
