"""Reading user files safely: YAML 1.2 with positions, and errors that name them.

Scenario files, rulesets and sweep files are all read through here. Loading
never constructs Python objects from tags (a ``!!python/object`` or any other
explicit non-core tag is refused), so a user file can never run code. Every
problem is reported as ``file:line: field: problem`` so a person can fix it.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

M = TypeVar("M", bound=BaseModel)

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a user file."""

    line: int | None
    field: str
    message: str


class InputError(Exception):
    """A user file (or argument) is wrong; carries every problem found, with positions."""

    def __init__(self, file: str | Path, problems: list[Problem]) -> None:
        self.file = str(file)
        self.problems = problems
        super().__init__(self.render())

    @classmethod
    def single(cls, file: str | Path, line: int | None, field: str, message: str) -> InputError:
        return cls(file, [Problem(line, field, message)])

    def render(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.file}:{p.line}" if p.line is not None else self.file
            field = f" {p.field}:" if p.field else ""
            lines.append(f"{where}:{field} {p.message}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data from a YAML file plus the line of every mapping key and item."""

    file: str
    data: Any
    lines: Mapping[Path_, int]

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


def _tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    return value if isinstance(value, str) else None


_MAX_NODES = 200_000


class _Walk:
    """Converts ruamel's round-trip nodes to plain data, bounded against alias bombs."""

    def __init__(self, file: str, lines: dict[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.nodes = 0
        self.open: set[int] = set()

    def fail(self, path: Path_, message: str) -> InputError:
        return InputError.single(self.file, self.lines.get(path), _dotted(path), message)

    def __call__(self, node: Any, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise self.fail(path, f"file expands to more than {_MAX_NODES} values (aliases?)")
        tag = _tag_of(node)
        if isinstance(node, TaggedScalar) and tag in _CORE_TAGS:
            return str(node.value)
        if isinstance(node, TaggedScalar) or (tag is not None and tag not in _CORE_TAGS):
            shown = (tag or "?").replace("tag:yaml.org,2002:", "!!")
            raise self.fail(path, f"YAML tag {shown!r} is not allowed in groupsim files (files never run code)")
        if isinstance(node, (CommentedMap, CommentedSeq)):
            if id(node) in self.open:
                raise self.fail(path, "a YAML alias refers to itself")
            self.open.add(id(node))
            try:
                return _container(node, path, self)
            finally:
                self.open.discard(id(node))
        return _scalar(node, path, self)


def _container(node: Any, path: Path_, walk: _Walk) -> Any:
    lines = walk.lines
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key in node:
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise walk.fail(path, "mapping keys must be plain scalars")
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = lines.get(path, 0)
            sub = (*path, str(key))
            lines[sub] = line
            out[str(key)] = walk(node[key], sub)
        return out
    items = []
    for i, item in enumerate(node):
        try:
            line = node.lc.item(i)[0] + 1
        except (KeyError, TypeError, AttributeError):
            line = lines.get(path, 0)
        sub = (*path, i)
        lines[sub] = line
        items.append(walk(item, sub))
    return items


def _scalar(node: Any, path: Path_, walk: _Walk) -> Any:
    lines, file = walk.lines, walk.file
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, (_dt.date, _dt.datetime)):
        return node.isoformat()
    raise InputError.single(
        file, lines.get(path), _dotted(path), f"unsupported YAML value of type {type(node).__name__}"
    )


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_yaml(text: str, file: str | Path = "<string>") -> YamlDocument:
    """Parse YAML 1.2 text into plain data with positions; refuse tags and aliases loops."""
    name = str(file)
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        root = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError.single(name, line, "", f"invalid YAML: {problem}") from None
    except YAMLError as exc:
        raise InputError.single(name, None, "", f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise InputError.single(name, None, "", f"invalid YAML: {exc}") from None
    lines: dict[Path_, int] = {(): 1}
    data = _Walk(name, lines)(root, ())
    return YamlDocument(name, data, lines)


def read_mapping(path: str | Path, what: str, fields: str) -> YamlDocument:
    """Read a YAML file that must be a mapping; ``what`` and ``fields`` word the error otherwise.

    E.g. ``read_mapping(p, "a ruleset file", "name:, rules:, ...")``.
    """
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError.single(path, 1, "", f"{what} must be a mapping ({fields})")
    return doc


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse a YAML file; a missing or unreadable file is an InputError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(p, None, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(p, None, "", "is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise InputError.single(p, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError.single(p, None, "", f"cannot read: {exc.strerror}") from None
    return parse_yaml(text, p)


class FieldError(ValueError):
    """A validation error found by a check across fields, naming the field (a path of keys) it concerns."""

    def __init__(self, field_path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.field_path = tuple(field_path)


def _problems(exc: ValidationError, doc: YamlDocument, prefix: Path_) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        msg = err["msg"]
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, FieldError):  # a check across fields names the one it concerns
            loc, msg = loc + error.field_path, str(error)
        elif err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `groupsim schema` lists the fields)"
        shown = _user_path(doc.data, prefix, loc)
        yield Problem(doc.line_of(shown), _dotted(shown), msg)


_TYPE_NAMES = frozenset({"float", "int", "str", "bool", "list", "dict", "none"})


def _is_union_tag(part: str, node: Any) -> bool:
    """A location part pydantic adds for a union branch (never a key in the file)."""
    if part[:1].isupper() or "[" in part or part in _TYPE_NAMES:
        return True
    return part == "plugin" or isinstance(node, dict) and part in (node.get("role"), node.get("dist"), node.get("use"))


def _drop_branch_noise(problems: list[Problem]) -> list[Problem]:
    """Of a union's branch errors, keep the specific ones (a wrong type in another branch is noise)."""
    def mismatch(p: Problem) -> bool:
        return p.message.startswith("Input should be a valid")

    # Linear in the number of problems (a file with thousands of errors must not take minutes): the
    # specific problems' fields, sorted, answer "is there one under this field?" by bisection.
    specific = sorted(q.field for q in problems if not mismatch(q))
    kept: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for p in problems:
        if mismatch(p):
            at = bisect.bisect_left(specific, p.field)
            if at < len(specific) and specific[at].startswith(p.field):
                continue
        key = (p.line, p.field, p.message)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def _user_path(data: Any, prefix: Path_, loc: tuple[Any, ...]) -> Path_:
    """The part of pydantic's error location that the user wrote.

    pydantic puts union tags (a discriminator value, a class name) into error
    locations; those are not keys in the file, so they are dropped by walking
    the data alongside the location.
    """
    node = data
    for part in prefix:
        node = node[part] if isinstance(node, (dict, list)) else None  # type: ignore[index]
    out: list[str | int] = list(prefix)
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif isinstance(part, str) and _is_union_tag(part, node):
            continue
        elif isinstance(part, (str, int)) and not isinstance(node, (dict, list)):
            out.append(part)
            node = None
        elif isinstance(part, str) and isinstance(node, dict):
            out.append(part)  # a missing or unknown key: name it
            node = None
    return tuple(out)


def validate_document(model: type[M], doc: YamlDocument, *, at: Path_ = (), context: dict[str, Any] | None = None) -> M:
    """Validate ``doc`` (or the part at ``at``) against ``model``; errors carry lines."""
    data = doc.data
    for part in at:
        data = data[part]
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise InputError(doc.file, _drop_branch_noise(list(_problems(exc, doc, at)))) from None


def load_model(model: type[M], path: str | Path, *, context: dict[str, Any] | None = None) -> M:
    """Read ``path`` and validate it against ``model`` in one step."""
    return validate_document(model, read_yaml(path), context=context)
