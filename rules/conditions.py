"""Conditions: a safe expression language, parsed and type-checked by ``rule-engine``, run as closures.

A condition such as ``message.ad_like and not sender.paid and sender.tenure_days < 3``
is parsed by the ``rule-engine`` library (its own grammar: no Python ``eval``,
no imports, typed symbols) against the observable fields of
:mod:`rules.observe`. Unknown names, attribute access outside those fields,
dunder names and rule-engine's ``$`` built-ins are refused. The parsed tree is
then compiled once into nested Python closures (never ``eval``/``exec``):
rule-engine's own tree-walking evaluation is several times slower, and a
condition runs on every message.

Regular expressions (``=~`` match, ``=~~`` search, and their negations
``!~``/``!~~``) are compiled with RE2 (``google-re2``), which runs in time
linear in the text: no pattern a user writes can stall the simulator.
"""

from __future__ import annotations

import functools
import itertools
import re as _pyre
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import re2  # type: ignore[import-untyped]

from rules.parser_tables import install as _install_parser_tables

_install_parser_tables()  # rule_engine reads its parser tables instead of rebuilding them (rules/parser_tables.py)

import rule_engine  # type: ignore[import-untyped]  # noqa: E402
from rule_engine import ast as rast  # noqa: E402
from rule_engine import errors as rerrors  # noqa: E402
from rule_engine.types import DataType  # type: ignore[import-untyped]  # noqa: E402

from rules.observe import FIELDS, WINDOWS, Facts  # noqa: E402

Compiled = Callable[[Facts], Any]

_ROOTS = sorted({k.split(".")[0] for k in FIELDS})
_STRING_ATTRS: dict[str, Callable[[str], Any]] = {"length": lambda s: float(len(s)), "as_lower": str.lower, "as_upper": str.upper, "is_empty": lambda s: not s}
_BAD = _pyre.compile(r"__|\bimport\b|\blambda\b|\bexec\b|\beval\b|\$")
_STRINGS = _pyre.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


class ConditionError(ValueError):
    """A condition that does not parse, type-check, or uses something not allowed."""


def _dtype(name: str) -> Any:
    if name == "SET":
        return DataType.SET(DataType.STRING)
    return getattr(DataType, name)


def _context() -> rule_engine.Context:
    types: dict[str, Any] = {}
    for root in _ROOTS:
        attrs = {k.split(".", 1)[1]: _dtype(f.type) for k, f in FIELDS.items() if k.startswith(root + ".")}
        types[root] = DataType.OBJECT(root, attrs)
    return rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(types))


_CONTEXT = _context()


class Condition:
    """A compiled condition: call it with :class:`Facts`; ``fields`` lists what it reads."""

    __slots__ = ("source", "fn", "fields", "patterns", "static_part", "dynamic_part")

    def __init__(
        self, source: str, fn: Compiled, fields: frozenset[str], patterns: tuple[Any, ...],
        static_part: Compiled | None = None, dynamic_part: Compiled | None = None,
    ) -> None:
        self.source = source
        self.fn = fn
        self.fields = fields
        self.patterns = patterns  # compiled RE2 patterns
        # `fn` is `static_part and dynamic_part`: the static part reads only the message as shown
        # (memoised per message look, see _plan); either may be None (always true).
        self.static_part = static_part
        self.dynamic_part = dynamic_part

    def __call__(self, facts: Facts) -> bool:
        return bool(self.fn(facts))

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"

    def needs(self) -> tuple[frozenset[str], float]:
        """Counter stores the condition reads, and its longest per-sender window (minutes)."""
        stores = frozenset(FIELDS[f].needs for f in self.fields if FIELDS[f].needs) | ({"static"} if self.static_part is not None else set())
        longest = max((WINDOWS[f.rsplit("_", 1)[1]] for f in self.fields if f.startswith("sender.msgs_")), default=0.0)
        return stores, longest


@functools.lru_cache(maxsize=1024)
def compile_condition(source: str) -> Condition:
    """Parse, type-check and compile ``source``; a :class:`ConditionError` says what is wrong.

    Compiled conditions are pure functions of the facts, so one source compiles
    once and rules with the same condition share it (the engine evaluates it
    once per event).
    """
    text = source.strip() or "true"
    bad = _BAD.search(_STRINGS.sub("''", text))
    if bad:
        raise ConditionError(f"{bad.group(0)!r} is not allowed in a condition (conditions cannot run code)")
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"a condition of {len(text):,} characters is too long (at most {MAX_CONDITION_LENGTH:,})")
    try:
        return _compile(text)
    except RecursionError:
        raise ConditionError("the condition is nested too deeply (split it into several rules)") from None


MAX_CONDITION_LENGTH = 4000
"""The longest condition accepted: longer ones are a clear error rather than a slow or deep parse."""

_FUZZY_LITERAL = _pyre.compile(r"(=~~?|!~~?)(\s*)('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def _re2_patterns(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with each pattern after ``=~``-style operators replaced by a placeholder, and the patterns.

    rule-engine checks regex literals with Python's ``re``, which rejects RE2
    syntax such as ``\\p{Han}``; the patterns are compiled with RE2 instead
    (:meth:`_Compiler._FuzzyComparisonExpression`).
    """
    patterns: dict[str, str] = {}

    def swap(m: _pyre.Match[str]) -> str:
        literal = rule_engine.Rule(m.group(3)).statement.expression  # rule-engine's own reading of the string
        key = f"groupsimpattern{len(patterns)}"
        patterns[key] = str(literal.value)
        return f'{m.group(1)}{m.group(2)}"{key}"'

    return _FUZZY_LITERAL.sub(swap, text), patterns


def _compile(text: str) -> Condition:
    parsed, patterns = _re2_patterns(text)
    try:
        rule = rule_engine.Rule(parsed, context=_CONTEXT)
    except rerrors.SymbolResolutionError as exc:
        raise ConditionError(f"unknown name {exc.symbol_name!r}; conditions read: {', '.join(_ROOTS)} (see `groupsim rules fields`)") from None
    except rerrors.ObjectAttributeError as exc:
        root = str(getattr(exc.args[1], "name", "")) if len(exc.args) > 1 else ""
        known = ", ".join(sorted(k for k in FIELDS if k.startswith(root + ".")))
        raise ConditionError(f"no observable field {exc.args[0]!r} on {root!r}; known: {known}") from None
    except rerrors.AttributeResolutionError as exc:
        raise ConditionError(f"attribute {exc.attribute_name!r} is not available") from None
    except rerrors.RuleSyntaxError as exc:
        tok = getattr(exc.token, "value", None)
        raise ConditionError(f"syntax error{f' near {tok!r}' if tok is not None else ' (incomplete expression)'}") from None
    except rerrors.EngineError as exc:
        raise ConditionError(f"{exc.message}") from None
    expr = rule.statement.expression
    if DataType.NULLABLE.unwrap(expr.result_type) not in (DataType.BOOLEAN, DataType.UNDEFINED):
        raise ConditionError(f"a condition must be true or false, not {expr.result_type.name}")
    c = _Compiler(patterns)
    fn, static, dynamic = _plan(expr, c)
    return Condition(text, fn, frozenset(c.fields), tuple(c.patterns), static, dynamic)


# Fields fixed by the message as shown (its text, form and flags): a conjunct reading only
# these has the same value for every message that looks the same, so it is memoised per
# message look (Facts.static, kept by the observer) -- chat repeats itself.
STATIC_FIELDS = frozenset({
    "message.form", "message.text", "message.length", "message.has_link", "message.has_card",
    "message.has_mini_program", "message.has_image", "message.mentions", "message.keywords", "message.ad_like",
})
_static_keys = itertools.count()


def _conjuncts(node: Any) -> list[Any]:
    if isinstance(node, rast.LogicExpression) and node.type == "and":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _all(parts: list[Compiled]) -> Compiled:
    if len(parts) == 1:
        return parts[0]
    first, rest = parts[0], _all(parts[1:])
    return lambda f: first(f) and rest(f)


def _plan(expr: Any, c: _Compiler) -> tuple[Compiled, Compiled | None, Compiled | None]:
    """Compile ``expr``; its `and`-ed conjuncts on static message fields go first, memoised.

    Conditions have no side effects, so reordering the conjuncts of an `and`
    keeps the value; the cheap, memoised static test usually decides alone.
    """
    static: list[Compiled] = []
    dynamic: list[Compiled] = []
    for part in _conjuncts(expr):
        sub = _Compiler(c.re2_patterns)
        fn = sub.build(part)
        c.fields |= sub.fields
        c.patterns += sub.patterns
        (static if sub.fields and sub.fields <= STATIC_FIELDS else dynamic).append(fn)
    if not static:
        return _all(dynamic), None, _all(dynamic)
    test, key = _all(static), next(_static_keys)

    def memo(f: Facts) -> bool:
        seen = f.static
        got = seen.get(key)
        if got is None:
            got = seen[key] = bool(test(f))
        return got
    if not dynamic:
        return memo, test, None
    rest = _all(dynamic)
    return (lambda f: memo(f) and rest(f)), test, rest


def _const(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (tuple, list)):
        return tuple(_const(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_const(v) for v in value)
    return value


class _Compiler:
    """Walks rule-engine's parsed tree and builds closures over :class:`Facts`."""

    def __init__(self, re2_patterns: dict[str, str] | None = None) -> None:
        self.fields: set[str] = set()
        self.patterns: list[Any] = []
        self.re2_patterns = re2_patterns or {}  # placeholder -> the RE2 pattern it stands for (see _re2_patterns)

    def build(self, node: Any) -> Compiled:
        if isinstance(node, rast.LiteralExpressionBase):
            if isinstance(node, (rast.ArrayExpression, rast.SetExpression)):
                items = [self.build(v) for v in node.value]
                return (lambda f: tuple(i(f) for i in items)) if isinstance(node, rast.ArrayExpression) else (lambda f: frozenset(i(f) for i in items))
            if isinstance(node, (rast.FunctionExpression, rast.MappingExpression, rast.BytesExpression, rast.DatetimeExpression, rast.TimedeltaExpression)):
                raise ConditionError(f"{type(node).__name__.removesuffix('Expression').lower()} values are not supported in conditions")
            v = _const(node.value)
            return lambda f: v
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ConditionError(f"{type(node).__name__.removesuffix('Expression')} expressions are not supported in conditions")
        fn: Compiled = method(node)
        return fn

    def _GetAttributeExpression(self, node: Any) -> Compiled:
        obj = node.object
        if isinstance(obj, rast.SymbolExpression):
            key = f"{obj.name}.{node.name}"
            if key not in FIELDS:
                raise ConditionError(f"no observable field {key!r}")
            self.fields.add(key)
            return FIELDS[key].get
        if node.name in _STRING_ATTRS and DataType.NULLABLE.unwrap(obj.result_type) == DataType.STRING:
            inner, op = self.build(obj), _STRING_ATTRS[node.name]
            return lambda f: op(inner(f))
        raise ConditionError(f"attribute {node.name!r} is not available (only .length, .as_lower, .as_upper, .is_empty on text)")

    def _SymbolExpression(self, node: Any) -> Compiled:
        raise ConditionError(f"{node.name!r} alone is not a value; use one of its fields, e.g. {node.name}.{next(k.split('.')[1] for k in FIELDS if k.startswith(node.name + '.'))}")

    def _LogicExpression(self, node: Any) -> Compiled:
        a, b = self.build(node.left), self.build(node.right)
        if node.type == "and":
            return lambda f: a(f) and b(f)
        return lambda f: a(f) or b(f)

    def _UnaryExpression(self, node: Any) -> Compiled:
        a = self.build(node.right)
        if node.type == "not":
            return lambda f: not a(f)
        return lambda f: -a(f)

    _OPS: dict[str, Callable[[Any, Any], Any]] = {
        "eq": lambda x, y: x == y, "ne": lambda x, y: x != y, "gt": lambda x, y: x > y, "ge": lambda x, y: x >= y,
        "lt": lambda x, y: x < y, "le": lambda x, y: x <= y, "add": lambda x, y: x + y, "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y, "tdiv": lambda x, y: x / y if y else 0.0, "fdiv": lambda x, y: x // y if y else 0.0,
        "mod": lambda x, y: x % y if y else 0.0,
    }

    def _binary(self, node: Any) -> Compiled:
        op = self._OPS.get(node.type)
        if op is None:
            raise ConditionError(f"operator {node.type!r} is not supported in conditions")
        a, b = self.build(node.left), self.build(node.right)
        if isinstance(node.right, rast.LiteralExpressionBase):  # the common `field > 3`: skip a call
            v = _const(node.right.value)
            if node.type == "gt":
                return lambda f: a(f) > v
            if node.type == "lt":
                return lambda f: a(f) < v
            if node.type == "eq":
                return lambda f: a(f) == v
            return lambda f: op(a(f), v)
        return lambda f: op(a(f), b(f))

    _ComparisonExpression = _binary
    _ArithmeticComparisonExpression = _binary
    _ArithmeticExpression = _binary
    _AddExpression = _binary
    _SubtractExpression = _binary

    def _FuzzyComparisonExpression(self, node: Any) -> Compiled:
        if not isinstance(node.right, rast.StringExpression):
            raise ConditionError("the right side of =~ must be a literal pattern")
        pattern = self.re2_patterns.get(node.right.value, node.right.value)
        try:
            rx = re2.compile(pattern, options=_RE2_OPTIONS)
        except re2.error as exc:
            raise ConditionError(f"pattern {pattern!r} is not valid RE2 (no backreferences or lookaround): {exc}") from None
        self.patterns.append(rx)
        a = self.build(node.left)
        find = rx.match if node.type.endswith("fzm") else rx.search
        cache: dict[str, bool] = {}  # chats repeat texts; RE2's Python wrapper costs microseconds a call

        def hit(f: Facts) -> bool:
            text = a(f) or ""
            got = cache.get(text)
            if got is None:
                if len(cache) > 4096:
                    cache.clear()
                got = cache[text] = find(text) is not None
            return got
        if node.type.startswith("eq"):
            return hit
        return lambda f: not hit(f)

    def _ContainsExpression(self, node: Any) -> Compiled:
        item, box = self.build(node.member), self.build(node.container)
        if isinstance(node.container, rast.LiteralExpressionBase):
            const = _const(node.container.value if not isinstance(node.container, (rast.ArrayExpression, rast.SetExpression)) else tuple(_const(x.value) for x in node.container.value))
            frozen = frozenset(const) if isinstance(const, tuple) else const
            return lambda f: item(f) in frozen
        return lambda f: item(f) in box(f)

    def _TernaryExpression(self, node: Any) -> Compiled:
        c, x, y = self.build(node.condition), self.build(node.case_true), self.build(node.case_false)
        return lambda f: x(f) if c(f) else y(f)


def pattern_engine() -> str:
    """The regular-expression engine user patterns run on (for tests and ``lint``)."""
    return str(re2.__name__)


__all__ = ["Condition", "ConditionError", "compile_condition", "pattern_engine"]
