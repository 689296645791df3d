"""A hypothesis state machine over the rule engine, with a fake group that applies actions.

Invariants (issue 3, deliverable 9): a banned member never posts again; exempt
roles are never sanctioned; ladder steps only go up until strikes expire; after
flood enforcement no member exceeds the limit; a paid ad is not removed by the
ad rule.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from rules import (
    PUNITIVE, AppealGranted, Ban, Delete, Kick, MemberJoined, MessageForm, Mute, PaymentMade, RulesetSpec, VisibleRole,
    Warn,
)
from rules.actions import SEVERITY
from tests.rules_fakes import FakeView, Msg

FLOOD_MAX, FLOOD_WINDOW = 3, 1.0  # messages per minute
EXPIRE_DAYS = 2.0
RULESET = {
    "rules": [
        {"name": "ads", "if": "message.ad_like", "exempt": ["owner", "admin", "paid"], "then": ["delete"],
         "ladder": {"expire_days": EXPIRE_DAYS, "steps": [
             {"at": 1, "do": {"warn": "no ads"}}, {"at": 2, "do": {"mute": 30}}, {"at": 3, "do": "kick"},
             {"at": 4, "do": {"ban": "group"}}]}},
        {"name": "flood", "if": f"sender.msgs_1m > {FLOOD_MAX}", "exempt": ["owner", "admin"], "then": ["delete", {"mute": 5}]},
    ]
}
MEMBERS = range(6)
ROLES = {0: VisibleRole.OWNER, 1: VisibleRole.ADMIN}


class EngineMachine(RuleBasedStateMachine):
    """Members post, wait, pay, rejoin and appeal; a fake applier carries out every action."""

    @initialize()
    def setup(self) -> None:
        self.engine = RulesetSpec.model_validate(RULESET).build()
        self.view = FakeView(roles=dict(ROLES), present=set(MEMBERS))
        self.t = 0.0
        self.next_id = 0
        self.muted: dict[int, float] = {}
        self.visible: list[Msg] = []  # messages still shown (not deleted)
        self.banned_at: dict[int, float] = {}
        self.ladder: dict[int, tuple[int, float]] = {}  # member -> (last step severity, active strikes then)
        self.paid: set[int] = set()
        self.violations: list[str] = []

    def apply(self, actions: list[Any], ad_from_paid: bool = False) -> None:
        for a in actions:
            if isinstance(a, PUNITIVE) and ROLES.get(a.member) is not None:
                self.violations.append(f"{a!r} sanctions a protected {ROLES[a.member]}")
            if isinstance(a, Delete):
                if ad_from_paid and a.rule == "ads":
                    self.violations.append("the ad rule removed a paid ad")
                self.visible = [m for m in self.visible if m.id != a.message_id]
            elif isinstance(a, Mute):
                self.muted[a.member] = self.t + a.minutes
            elif isinstance(a, (Kick, Ban)):
                self.view.present.discard(a.member)
                if isinstance(a, Ban):
                    self.banned_at[a.member] = self.t
            if a.rule == "ads" and type(a) in SEVERITY:
                strikes = self.engine.observer.strikes.active(a.member, self.t)
                sev = SEVERITY[type(a)]
                last = self.ladder.get(a.member)
                if last is not None and sev < last[0] and strikes >= last[1]:
                    self.violations.append(f"ladder went down from {last} to {sev} without expiry")
                self.ladder[a.member] = (sev, strikes)

    @rule(member=st.sampled_from(MEMBERS), ad=st.booleans(), link=st.booleans(), dt=st.sampled_from([0.0, 0.05, 0.3, 2.0]))
    def post(self, member: int, ad: bool, link: bool, dt: float) -> None:
        self.t += dt
        self.view.now = self.t
        if member not in self.view.present or self.muted.get(member, -1.0) > self.t:
            return
        m = Msg(self.next_id, self.t, member, MessageForm.LINK if ad and link else MessageForm.TEXT, "加微信" if ad else "你好", has_link=ad and link)
        self.next_id += 1
        self.visible.append(m)
        from rules import MessagePosted

        self.apply(self.engine.handle(MessagePosted(self.t, m), self.view), ad_from_paid=ad and member in self.paid)

    @rule(days=st.sampled_from([0.5, 1.0, 3.0]))
    def wait(self, days: float) -> None:
        self.t += days * 1440.0
        self.view.now = self.t

    @rule(member=st.sampled_from(MEMBERS))
    def pay(self, member: int) -> None:
        self.paid.add(member)
        self.view.paid_members.add(member)
        self.apply(self.engine.handle(PaymentMade(self.t, member, 10.0), self.view))

    @precondition(lambda self: len(self.view.present) < len(MEMBERS))
    @rule(member=st.sampled_from(MEMBERS))
    def rejoin(self, member: int) -> None:
        if member in self.view.present:
            return
        self.view.present.add(member)
        self.apply(self.engine.handle(MemberJoined(self.t, member), self.view))

    @rule(member=st.sampled_from(MEMBERS))
    def appeal_upheld(self, member: int) -> None:
        self.engine.handle(AppealGranted(self.t, member), self.view)
        self.banned_at.pop(member, None)
        self.ladder.pop(member, None)

    @invariant()
    def no_violations(self) -> None:
        assert not self.violations, self.violations

    @invariant()
    def banned_members_are_gone_and_silent(self) -> None:
        for member, since in self.banned_at.items():
            assert member not in self.view.present
            assert not [m for m in self.visible if m.sender == member and m.time > since]

    @invariant()
    def nobody_exceeds_the_flood_limit(self) -> None:
        by: dict[int, list[float]] = {}
        for m in self.visible:
            if ROLES.get(m.sender) is None:
                by.setdefault(m.sender, []).append(m.time)
        for times in by.values():
            for k, t in enumerate(times):
                assert sum(1 for x in times[k:] if x < t + FLOOD_WINDOW) <= FLOOD_MAX


EngineMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestEngineMachine = EngineMachine.TestCase
_ = Warn
