"""Lint checks that need more than one rule's text: dormant rules over a horizon, and double warnings.

* **Dormant rules.** A rule whose trigger or condition cannot come true within
  the scenario's horizon: a ``schedule`` on a day after it, a ``silence``
  longer than it, or a lower bound on a quantity that grows with time
  (``sender.idle_days > 30`` in a 30-day run: ``purge_lurkers`` never fires).
* **Double warnings.** Two rules that would both warn a member for one message
  (they get two warnings, and two strikes, for one offence). Found by probing:
  each probe message (typically the scenario's text pools and the ruleset's own
  keywords, in every form) is judged by a fresh engine, and the rules that
  answer it with a warning are collected; one probe both warn on is the witness.

Pure, like the rest of :mod:`rules`: the caller supplies the probe texts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rules.actions import Warn
from rules.declarative import DeclarativeRule, TriggerKind, TriggerSpec
from rules.events import MessageForm, MessagePosted, VisibleRole
from rules.replay import LoggedMessage
from rules.ruleset import RuleSpec, RulesetSpec

MINUTES_PER_DAY = 1440.0


def time_field_ceiling(field: str, horizon_days: float) -> float | None:
    """The largest value a field that grows with time can reach within ``horizon_days`` (None if not such a field)."""
    ceilings = {
        "sender.idle_days": horizon_days,
        "sender.tenure_days": horizon_days,
        "group.age_days": horizon_days,
        "time.day": float(math.ceil(horizon_days) - 1),
        "sender.tenure_minutes": horizon_days * MINUTES_PER_DAY,
        "group.silence_minutes": horizon_days * MINUTES_PER_DAY,
    }
    return ceilings.get(field)


def dormant_problems(
    spec: RulesetSpec, horizon_days: float, lower_bounds: dict[str, dict[str, float]],
) -> list[tuple[str, str, str]]:
    """(rule label, field, problem) for rules that cannot fire within ``horizon_days``.

    Args:
        spec: The ruleset.
        horizon_days: The scenario's ``duration_days``.
        lower_bounds: Per rule label, the literal lower bounds its condition's
            ``and``-ed terms put on fields (``sender.idle_days > 30`` gives 30).
    """
    out: list[tuple[str, str, str]] = []
    h = f"{horizon_days:g}"
    for r in spec.rules:
        if r.use is not None:
            continue
        tr = r.trigger or TriggerSpec()
        if tr.on is TriggerKind.SCHEDULE and tr.day is not None and tr.day >= horizon_days:
            out.append((r.label, "trigger", f"dormant: scheduled on day {tr.day}, after the {h}-day horizon"))
        if tr.on is TriggerKind.SILENCE and tr.minutes is not None and tr.minutes >= horizon_days * MINUTES_PER_DAY:
            out.append((r.label, "trigger", f"dormant: {tr.minutes:g} silent minutes never pass within the {h}-day horizon"))
        for name, lo in sorted(lower_bounds.get(r.label, {}).items()):
            top = time_field_ceiling(name, horizon_days)
            if top is not None and lo >= top:
                out.append((r.label, "if", f"dormant: {name} needs more than {lo:g}, but reaches at most {top:g} "
                            f"within the {h}-day horizon: the rule never fires"))
    return out


@dataclass(frozen=True, slots=True)
class Probe:
    """A message to try rules on: its text and form, and the sender's tenure."""

    text: str
    form: MessageForm = MessageForm.TEXT
    tenure_days: float = 30.0


def probes_for(texts: Iterable[str], keywords: Iterable[str] = ()) -> list[Probe]:
    """Probe messages: each text (as the client would show it) and keyword, by a newcomer and a member of a month."""
    seen: dict[tuple[str, MessageForm], None] = {}
    for t in (*texts, *keywords):
        form = MessageForm.LINK if "://" in t else MessageForm.TEXT
        seen[(t, form)] = None
    for form in (MessageForm.LINK, MessageForm.CARD, MessageForm.MINI_PROGRAM, MessageForm.IMAGE):
        seen[("", form)] = None
    return [Probe(t, f, tenure) for (t, f) in seen for tenure in (0.1, 30.0)]


class _ProbeView:
    def __init__(self, tenure_days: float) -> None:
        self.tenure_days = tenure_days

    def member_count(self) -> int:
        return 100

    def is_member(self, member: int) -> bool:
        return True

    def visible_role(self, member: int) -> VisibleRole:
        return VisibleRole.MEMBER if member == 1 else VisibleRole.OWNER

    def tenure(self, member: int) -> float:
        return self.tenure_days * MINUTES_PER_DAY

    def warnings(self, member: int) -> int:
        return 0

    def paid(self, member: int) -> bool:
        return False


def _warners(spec: RulesetSpec, probe: Probe) -> list[str]:
    engine = spec.build()
    t = MINUTES_PER_DAY * 7 + 14 * 60.0
    msg = LoggedMessage(
        0, t, 1, probe.form, probe.text, has_link=probe.form is MessageForm.LINK,
        has_card=probe.form is MessageForm.CARD, has_mini_program=probe.form is MessageForm.MINI_PROGRAM,
        has_image=probe.form is MessageForm.IMAGE,
    )
    event = MessagePosted(t, msg)
    view: Any = _ProbeView(probe.tenure_days)
    facts = engine.observer.observe(event, view) if engine.observer is not None else None
    out = []
    for rule in engine.rules:
        if MessagePosted not in rule.triggers:
            continue
        if isinstance(rule, DeclarativeRule) and facts is not None:
            actions: Sequence[Any] = rule.judge(facts)
        else:
            actions = rule.on_event(event, view)
        if any(isinstance(a, Warn) for a in actions):
            out.append(rule.name)
    return out


def double_warnings(spec: RulesetSpec, probes: Iterable[Probe]) -> list[tuple[str, str, str]]:
    """(rule label, field, problem) for each pair of rules that both warn on some probe message."""
    out: list[tuple[str, str, str]] = []
    found: set[tuple[str, str]] = set()
    if sum(_may_warn(r) for r in spec.rules) < 2:
        return out
    for probe in probes:
        names = _warners(spec, probe)
        for k, a in enumerate(names):
            for b in names[k + 1:]:
                if (a, b) not in found:
                    found.add((a, b))
                    shown = probe.text if probe.text else f"<{probe.form.value} with no text>"
                    out.append((b, "then", f"warns on the same message as {a!r} (e.g. {shown!r}): "
                                f"one message, two warnings"))
    return out


def _may_warn(rule: RuleSpec) -> bool:
    return rule.use is not None or any(a.kind == "warn" for a in rule.actions)


__all__ = ["Probe", "dormant_problems", "double_warnings", "probes_for", "time_field_ceiling"]
