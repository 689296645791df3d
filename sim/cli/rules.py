"""``groupsim rules``: lint a ruleset file, explain which rule fires on a message, list fields and actions.

Registered by ``sim.cli`` when present. Imports typer, so ``rules/__init__``
never imports this module (``import rules`` stays light and pure).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import typer
from rich.markup import escape

from rules.actions import BUILTIN_ACTIONS, action_def, action_table
from rules.conditions import compile_condition
from rules.declarative import DeclarativeRule, TriggerKind, TriggerSpec
from rules.events import MessageForm, MessagePosted, VisibleRole
from rules.observe import FIELDS, MESSAGE_FIELDS, Facts
from rules.replay import LoggedMessage
from rules.ruleset import RuleSpec, RulesetSpec, find_ruleset, library_path, load_ruleset
from rules.source import InputError, read_yaml

app = typer.Typer(name="rules", help="Check and explain moderation rulesets.", no_args_is_help=True, rich_markup_mode=None)
_OPS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "=="}
# Lint's contradiction check: actions that remove a message or member, and ones that let it stand.
_REMOVE = frozenset({"delete", "kick", "ban"})
_LET_STAND = frozenset({"require_payment", "ad_thread", "promote"})
assert _REMOVE | _LET_STAND <= {d.name for d in BUILTIN_ACTIONS}, "lint names an action the table lacks"


def _fail(error: InputError | str) -> typer.Exit:
    typer.echo(f"error: {error.render() if isinstance(error, InputError) else error}", err=True)
    return typer.Exit(2)


def _bounds(rule: RuleSpec) -> list[str]:
    """Fields whose `and`-ed literal bounds leave no value (e.g. x < 1 and x > 2)."""
    lo, hi, eq = _literal_bounds(rule)
    bad = [k for k in lo if k in hi and lo[k] >= hi[k]]
    bad += [k for k, vs in eq.items() if len(vs) > 1]
    return sorted(set(bad))


def _literal_bounds(rule: RuleSpec) -> tuple[dict[str, float], dict[str, float], dict[str, set[Any]]]:
    """The literal lower bounds, upper bounds and equalities the condition's `and`-ed terms put on fields."""
    import rule_engine  # type: ignore[import-untyped]
    from rule_engine import ast as rast

    from rules.conditions import _CONTEXT

    expr = rule_engine.Rule(rule.condition, context=_CONTEXT).statement.expression
    terms: list[Any] = []

    def conj(node: Any) -> None:
        if isinstance(node, rast.LogicExpression) and node.type == "and":
            conj(node.left)
            conj(node.right)
        else:
            terms.append(node)
    conj(expr)
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    eq: dict[str, set[Any]] = {}
    for t in terms:
        if not isinstance(t, (rast.ComparisonExpression,)) or t.type not in _OPS:
            continue
        left, right = t.left, t.right
        if not (isinstance(left, rast.GetAttributeExpression) and isinstance(left.object, rast.SymbolExpression)):
            continue
        if not isinstance(right, rast.LiteralExpressionBase):
            continue
        key, v = f"{left.object.name}.{left.name}", right.value
        if t.type == "eq":
            eq.setdefault(key, set()).add(float(v) if not isinstance(v, str) else v)
        elif t.type in ("gt", "ge"):
            lo[key] = max(lo.get(key, float("-inf")), float(v))
        else:
            hi[key] = min(hi.get(key, float("inf")), float(v))
    return lo, hi, eq


def horizon_problems(spec: RulesetSpec, horizon_days: float, texts: Any = None) -> list[tuple[str, str, str]]:
    """Dormant rules within ``horizon_days``, and pairs of rules that warn on one message.

    The probe messages are the scenario's text pools (``texts``, a
    :class:`sim.spec.texts.TextPools`; the bundled Chinese and English pools
    when None) and the ruleset's own keywords (rules/lint.py).
    """
    from rules.lint import dormant_problems, double_warnings, probes_for
    from sim.spec.texts import bundled_pools

    lows = {r.label: _literal_bounds(r)[0] for r in spec.rules if r.use is None}
    pools = [texts.texts] if texts is not None else [bundled_pools(lang) for lang in ("zh", "en")]
    words = [w for ws in spec.compile().keywords.values() for w in ws]
    probes = probes_for([t for p in pools for ts in p.values() for t in ts], words)
    return dormant_problems(spec, horizon_days, lows) + double_warnings(spec, probes)


def scenario_rule_warnings(scenario: Any) -> list[str]:
    """Warnings about a validated scenario's ruleset over its horizon (``groupsim validate`` prints them)."""
    spec = scenario.ruleset
    if not isinstance(spec, RulesetSpec) or not spec.rules:
        return []
    found = horizon_problems(spec, scenario.duration_days, scenario.texts.pools())
    return [f"rules[{label}]{'.' + field if field else ''}: {message}" for label, field, message in found]


def lint_problems(spec: RulesetSpec) -> list[tuple[str, str, str]]:
    """(rule label, field, problem) for rules that can never fire or contradict another."""
    out: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str], RuleSpec] = {}
    for r in spec.rules:
        if r.use is not None:
            continue
        on = (r.trigger.on if r.trigger else TriggerKind.MESSAGE)
        cond = compile_condition(r.condition)
        if on not in (TriggerKind.MESSAGE, TriggerKind.REPORTS, TriggerKind.MESSAGE_REMOVED) and cond.fields & MESSAGE_FIELDS:
            out.append((r.label, "if", f"reads {sorted(cond.fields & MESSAGE_FIELDS)} but trigger {on.value!r} has no message: they are always empty"))
        if r.condition.strip() == "false" or any(x.strip() == "false" for x in r.condition.split(" and ")):
            out.append((r.label, "if", "the condition is always false: the rule can never fire"))
        for name in _bounds(r):
            out.append((r.label, "if", f"conditions on {name} exclude each other: the rule can never fire"))
        if {"owner", "admin", "member"} <= set(r.exempt_under(spec.exempt_roles)):
            out.append((r.label, "exempt", "every role is exempt: the rule can never act"))
        kinds = {a.kind for a in r.actions}
        key = ((r.trigger or TriggerSpec()).model_dump_json(), " ".join(r.condition.split()))
        other = seen.get(key)
        if other is not None:
            other_kinds = {a.kind for a in other.actions}
            if (kinds & _REMOVE and other_kinds & _LET_STAND) or (kinds & _LET_STAND and other_kinds & _REMOVE):
                out.append((r.label, "then", f"contradicts {other.label!r}: same trigger and condition, one removes what the other lets stand"))
            elif kinds == other_kinds:
                out.append((r.label, "", f"duplicates {other.label!r} (same trigger, condition and actions)"))
        else:
            seen[key] = r
    return out


def _resolve(ruleset: str) -> Path:
    p = Path(ruleset)
    if p.is_file():
        return p
    found = find_ruleset(ruleset, [Path.cwd(), library_path()])
    if found is None:
        raise InputError.single(ruleset, None, "", "no such ruleset file or name in scenarios/rulesets/")
    return found


@app.command("lint")
def lint(
    files: list[Path] = typer.Argument(..., help="Ruleset YAML files."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Also check over this scenario's horizon and texts (a file or a bundled name).",
    ),
    days: float | None = typer.Option(None, "--days", min=0.0, help="Also check over a horizon of this many days."),
) -> None:
    """Parse and type-check rulesets; flag rules that can never fire, contradict or double-warn each other.

    With a horizon (``--scenario`` or ``--days``) it also flags dormant rules:
    a schedule after the horizon, a silence longer than it, a bound on a
    quantity that grows with time beyond what it reaches (a purge of members
    idle over 30 days in a 30-day run). Two rules that would both warn on one
    message are flagged with an example (the scenario's texts, else the bundled
    ones, and the ruleset's keywords are tried).

    Exit status: 0 clean, 1 warnings, 2 a file is invalid (the worst over all files).

    Example:

    \b
        groupsim rules lint scenarios/rulesets/*.yaml
        groupsim rules lint scenarios/rulesets/purge_lurkers.yaml --days 30
    """
    texts: Any = None
    horizon = days
    if scenario is not None:
        from sim.spec.bundled import locate_scenario
        from sim.spec.scenario import load_scenario

        try:
            sc = load_scenario(locate_scenario(scenario))
        except InputError as exc:
            raise _fail(exc) from None
        horizon = sc.duration_days if days is None else days
        texts = sc.texts.pools()
    worst = 0
    for file in files:
        worst = max(worst, _lint_one(file, horizon, texts))
    if worst:
        raise typer.Exit(worst)


def _lint_one(file: Path, horizon: float | None = None, texts: Any = None) -> int:
    """Lint one file; 0 clean, 1 warnings, 2 invalid (problems are printed)."""
    try:
        spec = load_ruleset(file)
        doc = read_yaml(file)
    except InputError as exc:
        typer.echo(f"error: {exc.render()}", err=True)
        return 2
    own = {str(r.get("name") or r.get("use")): k for k, r in enumerate(doc.data.get("rules") or []) if isinstance(r, dict)}
    problems = lint_problems(spec)
    if horizon is not None:
        problems += horizon_problems(spec, horizon, texts)
    else:
        from rules.lint import double_warnings, probes_for
        from sim.spec.texts import bundled_pools

        words = [w for ws in spec.compile().keywords.values() for w in ws]
        probes = probes_for([t for lang in ("zh", "en") for ts in bundled_pools(lang).values() for t in ts], words)
        problems += double_warnings(spec, probes)
    for label, field, message in problems:
        k = own.get(label)
        path: tuple[str | int, ...] = ("rules", k, field) if k is not None and field else (("rules", k) if k is not None else ())
        where = f"{file}:{doc.line_of(path)}" if k is not None else str(file)
        typer.echo(f"{where}: rules[{label}]{'.' + field if field else ''}: {message}")
    if problems:
        return 1
    typer.echo(f"{file}: ok ({len(spec.rules)} rule{'s' if len(spec.rules) != 1 else ''})")
    return 0


class _View:
    def __init__(self, role: VisibleRole, tenure_days: float, warnings: int, paid: bool, now: float) -> None:
        self.role, self.tenure_days, self.warns, self.is_paid, self.now = role, tenure_days, warnings, paid, now

    def member_count(self) -> int:
        return 100

    def is_member(self, member: int) -> bool:
        return True

    def visible_role(self, member: int) -> VisibleRole:
        return self.role if member == 1 else VisibleRole.OWNER

    def tenure(self, member: int) -> float:
        return self.tenure_days * 1440.0

    def warnings(self, member: int) -> int:
        return self.warns

    def paid(self, member: int) -> bool:
        return self.is_paid


@app.command("explain")
def explain(
    ruleset: str = typer.Argument(..., help="A ruleset file or a name in scenarios/rulesets/."),
    message: str = typer.Option(..., "--message", "-m", help="The message text."),
    form: MessageForm = typer.Option(MessageForm.TEXT, "--form", help="How the client shows it."),
    role: VisibleRole = typer.Option(VisibleRole.MEMBER, "--role", help="The sender's visible role."),
    tenure_days: float = typer.Option(30.0, "--tenure-days", help="Days since the sender joined."),
    warnings: int = typer.Option(0, "--warnings", help="Warnings the sender has."),
    paid: bool = typer.Option(False, "--paid", help="The sender has paid."),
    recent: int = typer.Option(0, "--recent", help="Sender's messages in the 5 seconds before this one."),
    hour: int = typer.Option(14, "--hour", min=0, max=23, help="Hour of day (day 0, a Monday)."),
) -> None:
    """Show which rules fire on a message and why (each condition's fields and their values).

    Example:

    \b
        groupsim rules explain wecom_kick_links --message "点击领取 https://t.cn/x" --form link
    """
    try:
        spec = load_ruleset(_resolve(ruleset))
    except InputError as exc:
        raise _fail(exc) from None
    engine = spec.build()
    obs = engine.observer
    t = 1440.0 * 7 + hour * 60.0
    view = _View(role, tenure_days, warnings, paid, t)
    has_link = form is MessageForm.LINK or "http" in message
    if obs is not None:
        for k in range(recent):
            when = t - (5.0 - 5.0 * k / recent) / 60.0
            obs.observe(MessagePosted(when, LoggedMessage(-2 - k, when, 1, MessageForm.TEXT, "…")), view)
    msg = LoggedMessage(0, t, 1, form, message, has_link=has_link, has_card=form is MessageForm.CARD, has_mini_program=form is MessageForm.MINI_PROGRAM)
    event = MessagePosted(t, msg)
    facts: Facts | None = obs.observe(event, view) if obs is not None else None
    _explain_normalisation(engine, message)
    fired = 0
    for rule in engine.rules:
        if MessagePosted not in rule.triggers:
            continue
        if isinstance(rule, DeclarativeRule) and facts is not None:
            values = ", ".join(f"{f}={_shown(FIELDS[f].get(facts))}" for f in sorted(rule.condition.fields))
            actions = rule.judge(facts)
            verdict = "FIRES" if actions else ("holds, but exempt or cooling down" if rule.condition(facts) else "no")
            typer.echo(f"{rule.name}: {verdict}\n  if {rule.condition.source}\n  with {values or '(no fields)'}")
        else:
            actions = list(rule.on_event(event, view))
            typer.echo(f"{rule.name}: {'FIRES' if actions else 'no'} (Python rule {type(rule).__name__})")
        if role in engine.protected and actions:
            shown = ", ".join(sorted(r.value for r in engine.protected))
            typer.echo(f"  (the engine drops sanctions on {shown}: the ruleset's exempt_roles)")
        for a in actions:
            typer.echo(f"  -> {action_def(a).name}: {type(a).__name__}({_fields(a)})")
        fired += bool(actions)
    typer.echo(f"{fired} rule(s) fire.")


def _explain_normalisation(engine: Any, text: str) -> None:
    """Say whether keyword lists see the text as written or normalised, and show the normal form."""
    norms: dict[str, Any] = {}
    if engine.observer is not None and engine.observer.normalise is not None:
        norms["keyword lists"] = engine.observer.normalise
    for rule in engine.rules:
        own = getattr(rule, "normalise", None)
        if own is not None and not isinstance(rule, DeclarativeRule):
            norms[rule.name] = own
    if not norms:
        typer.echo("normalise: off (keyword lists match the text as written, lower-cased)")
        return
    for who, norm in norms.items():
        out = norm(text)
        changed = "applied" if out != text.lower() else "applied, no change"
        typer.echo(f"normalise ({who}: {'+'.join(norm.spec.steps)}): {changed}: {out!r}")


def _shown(v: Any) -> str:
    return repr(str(v)) if isinstance(v, str) else repr(v)


def _fields(a: Any) -> str:
    return ", ".join(f"{f.name}={getattr(a, f.name)!r}" for f in dataclasses.fields(a) if f.name != "rule")


@app.command("fields")
def fields() -> None:
    """List the observable fields conditions may read (the actions rules take: ``groupsim rules actions``).

    Example:

    \b
        groupsim rules fields
    """
    for name, f in FIELDS.items():
        typer.echo(f"{name:28} {f.type:8} {f.doc}")


_NEEDS = {"message": "a message (message and reports triggers)", "member": "a member (or for_each_member)", "group": "nothing: group-wide"}


@app.command("actions")
def actions() -> None:
    """List the actions rules may take (the action table, plugins included): how a rule file writes each,
    its parameters, what it needs from the event, who may carry it out, and whether it is punitive.

    Example:

    \b
        groupsim rules actions
    """
    try:
        table = action_table()
    except ValueError as exc:  # a broken action plugin, by name
        raise _fail(str(exc)) from None
    builtin = {d.name for d in BUILTIN_ACTIONS}
    for d in table.values():
        tags = ["punitive" if d.punitive else "not punitive", f"by {', '.join(e for e in ('bot', 'operator', 'human') if e in d.executors)}"]
        if d.name not in builtin:
            tags.append(f"plugin {d.action.__module__}")
        typer.echo(f"{d.name}  ({'; '.join(tags)})\n  {d.summary}\n  write: {d.usage}\n  needs: {_NEEDS[d.params.target]}")
        for p in d.params.params:
            typer.echo(f"    {p.describe()}")


_OTHER_FORMS = {"media": "image"}
"""Message forms of imported exports that rules know by another name (voice, video, files: not text)."""


def _export_records(log: Path, fmt: str | None, mapping: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """The messages, joins and leaves of any export ``groupsim import`` reads, as replay records (streamed)."""
    import datetime as dt

    from sim.base.chatlog.reader import read_events
    from sim.base.chatlog.tabular import parse_mapping

    for e in read_events(log, fmt, mapping=parse_mapping(mapping) if mapping else None):
        if e.event not in ("message", "join", "leave"):
            continue  # pins, subject changes, service lines: no rule judges them
        when = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=e.time)  # the export's own wall clock
        yield e.line, {"time": when.isoformat(), "event": e.event, "sender": e.target or e.sender if e.event != "message" else e.sender,
                       "role": e.role, "form": _OTHER_FORMS.get(e.form, e.form), "text": e.text,
                       "has_link": "true" if e.has_link else ""}


def _rows(log: Path, fmt: str | None, mapping: str | None, names: dict[str, int]) -> Iterator[Any]:
    """The log's rows, streamed: groupsim's own CSV/JSON Lines directly, other exports through the importer."""
    from rules.replay import iter_rows, stream_chat_log

    if fmt is None and mapping is None and log.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
        return stream_chat_log(log, names)
    return iter_rows(_export_records(log, fmt, mapping), str(log), names)


class _Writer:
    """Writes firings to a .csv or .json file as they come (a JSON array, written element by element)."""

    FIELDS = ["line", "minutes", "rule", "action", "member", "text"]

    def __init__(self, out: Path) -> None:
        import csv

        self.fh = out.open("w", encoding="utf-8", newline="")
        self.csv = out.suffix.lower() == ".csv"
        self.first = True
        if self.csv:
            self.w = csv.DictWriter(self.fh, fieldnames=self.FIELDS)
            self.w.writeheader()
        else:
            self.fh.write("[")

    def write(self, row: dict[str, Any]) -> None:
        import json

        if self.csv:
            self.w.writerow(row)
        else:
            self.fh.write(("\n" if self.first else ",\n") + json.dumps(row, ensure_ascii=False))
            self.first = False

    def close(self) -> None:
        if not self.csv:
            self.fh.write("\n]\n")
        self.fh.close()


@app.command("replay")
def replay_log(
    log: Path = typer.Argument(..., help="A chat log: CSV with a header row, JSON Lines, or any export `groupsim import` reads."),
    ruleset: str = typer.Option(..., "--ruleset", "-r", help="A ruleset file or a name in scenarios/rulesets/."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write every action to this .json or .csv file."),
    show: int = typer.Option(20, "--show", min=0, help="Actions to list (0: only the per-rule table)."),
    fmt: str | None = typer.Option(None, "--format", help="telegram, whatsapp, discord, csv or jsonl (default: detected)."),
    mapping: str | None = typer.Option(None, "--map", help="Columns of a third-party CSV: time=Date,sender=From,text=Body."),
    report: Path | None = typer.Option(None, "--report", help="Also write a dry-run report here (replay.html, replay.md, "
                                       "replay.json): actions per rule and day, removals, samples, a human's workload."),
    against: str | None = typer.Option(None, "--against", help="A second ruleset for the report, side by side."),
) -> None:
    """Judge a real chat log with a ruleset: which rules would have fired, on whom, and when.

    Columns: time (ISO date-time or minutes), event (message/join/leave), sender,
    role (owner/admin/member), form (text/link/card/mini_program/image/...), text.
    Telegram, WhatsApp and Discord exports and mapped CSVs are read as
    `groupsim import` reads them (senders become pseudonyms). The log is
    streamed: memory does not grow with its length; rows must be in time order.

    Example:

    \b
        groupsim rules replay chat.csv --ruleset community_standard --out actions.csv
        groupsim rules replay result.json -r basic --against strict.yaml --report dry_run/
    """
    from rich.console import Console
    from rich.table import Table

    from rules.replay import iter_replay
    from sim.base.chatlog.events import ImportFailure

    names: dict[str, int] = {}
    fired: list[Any] = []  # kept only for --report (grows with the actions, not the log)
    counts: dict[str, list[Any]] = {}  # rule -> [actions, members, first line]
    shown: list[Any] = []
    events = 0
    try:
        spec = load_ruleset(_resolve(ruleset))
        writer = _Writer(out) if out is not None else None
        try:
            def counted() -> Iterator[Any]:
                nonlocal events
                for row in _rows(log, fmt, mapping, names):
                    events += 1
                    yield row

            for f in iter_replay(spec.build(), counted(), names, file=str(log)):
                entry = counts.setdefault(f.rule, [0, set(), f.line])
                entry[0] += 1
                entry[1].add(f.member)
                if len(shown) < show:
                    shown.append(f)
                if writer is not None:
                    writer.write(f.as_row())
                if report is not None:
                    fired.append(f)
        finally:
            if writer is not None:
                writer.close()
        if report is not None and events:
            _dry_run_report(report, log, fmt, mapping, spec, fired, against)
    except InputError as exc:
        raise _fail(exc) from None
    except (ImportFailure, ValueError) as exc:
        raise _fail(str(exc)) from None
    if not events:
        raise _fail(f"{log}: the log holds no events")
    console = Console()
    title = f"{escape(spec.name)} on {escape(log.name)}: {events} events, {len(names)} people"
    table = Table(title=title, title_justify="left")
    for col in ("rule", "actions", "members", "first line"):
        table.add_column(col, justify="left" if col == "rule" else "right")
    for rule in sorted(counts):
        n, members, first = counts[rule]
        table.add_row(escape(rule), str(n), str(len(members)), str(first))
    if counts:
        console.print(table)
    else:
        console.print(f"no rule of {spec.name} fires on {log.name} ({events} events)", highlight=False, markup=False)
    for f in shown:
        console.print(f"  line {f.line}: {f.rule} -> {f.action} on {f.member or '-'}"
                      + (f"  「{f.text[:40]}」" if f.text else ""), highlight=False, markup=False)
    if out is not None:
        console.print(f"actions: {out}", highlight=False, markup=False)
    if report is not None:
        console.print(f"dry-run report: {report}/replay.html (replay.md, replay.json)", highlight=False, markup=False)


def _dry_run_report(folder: Path, log: Path, fmt: str | None, mapping: str | None, spec: Any, fired: list[Any],
                    against: str | None) -> None:
    """Write the dry-run report of ``spec`` (and of the ``against`` ruleset, replayed on the same log)."""
    from reports.replay import summarise, write_replay_report
    from rules.replay import iter_replay
    from sim.base.chatlog import mask_text
    from sim.model.effects import OPERATOR_MINUTES_PER_CASE

    def summary(firings: list[Any]) -> dict[str, Any]:
        return summarise(firings, minutes_per_case=OPERATOR_MINUTES_PER_CASE, mask=mask_text)

    runs = [(spec.name, summary(fired))]
    if against is not None:
        other = load_ruleset(_resolve(against))
        names: dict[str, int] = {}
        runs.append((other.name, summary(list(iter_replay(other.build(), _rows(log, fmt, mapping, names), names, file=str(log))))))
    title = f"{' vs '.join(name for name, _ in runs)} on {log.name}"
    write_replay_report(folder, title, runs)


def register(parent: typer.Typer) -> None:
    """Add ``groupsim rules ...`` to the main CLI."""
    parent.add_typer(app, name="rules")


__all__ = ["app", "horizon_problems", "lint_problems", "register", "scenario_rule_warnings"]
