"""A private-domain portfolio (私域): several groups in one run, one environment, one operator's day.

The groups of a portfolio file each come from a scenario file; they run in one
simpy environment (one clock), each on its own random streams (``GroupStreams``
prefixed by the group's name), for the portfolio's ``duration_days``
(docs/MODEL.md, "Private-domain portfolio"). What ties them together:

* **Shared attention** (seed 001: one full-time operator runs 5-10 groups): the
  operator's ``operator_minutes_per_day`` is one budget for all groups; each
  content post, answer and activity asks for its minutes (business
  ``content_minutes``, ``answer_minutes``, the activity's ``operator_minutes``)
  and is skipped when the day's budget is spent. Rule cases the operator
  enforces by hand (executor ``operator``) are charged too (2 minutes a case)
  and missed when the budget is spent (``missed`` in the rule's figures).
* **Members in more than one group**: a share ``overlap`` of each later group's
  initial members are the same persons as members of the first group. A
  person's QR-code joins count against one daily limit (seed 001 §九.1) and a
  kick anywhere blacklists the person everywhere (below).
* **Funnel** (seed 001 引流群 -> seed 000 超级用户群): every ``every_days`` at 21:00
  the source group's present members with at least ``min_posts`` messages and
  satisfaction at least ``min_satisfaction`` (at most ``max_moves``, most active
  first, each once) are invited into the target group as new members of its
  population entry ``entry`` (they passed the screening, so their
  ``screening_score`` is 1); they stay in the source group too.
* **Shared blacklist** (拉黑): with ``shared_blacklist``, a person kicked from any
  group is refused at every group's door (``join_refused`` / ``blacklisted``).
* **Forwards into other groups** (issue 16 item 6): a member who forwards a
  tracked message (an ad, a rumour, a red packet, a norm violation;
  sim/model/members/forwarding.py) also posts it, with the group's
  ``forwarding.to_groups`` probability, into each other group where the same
  person is present, as a message of form ``forward`` (:meth:`PortfolioRun._on_forward`).
* **Adversaries moving between groups**: an ad spammer's account kicked from
  one group tries the next group of the list after ``move_delay_days`` with
  probability ``move_probability`` (the same account, so a shared blacklist
  stops it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import simpy
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules import MessageForm, read_mapping, validate_document
from sim.base.clock import MINUTES_PER_DAY
from sim.base.streams import GroupStreams
from sim.model.adversaries.spammers import Spammer
from sim.model.roster import ADVERSARY, LEGIT
from sim.model.messages import KIND_NAMES
from sim.model.shared import NoBlacklist, PortfolioTies, UnlimitedAttention
from sim.model.timeline import Timeline
from sim.model.world import World
from sim.run.engine import Simulation
from sim.run.summary import summarise
from sim.spec.scenario import Scenario, load_scenario


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class PortfolioGroup(_Model):
    """One group of the portfolio: a scenario file (relative to the portfolio file) and a name."""

    name: str
    scenario: str = Field(description="Path of the group's scenario file, relative to the portfolio file.")


class Funnel(_Model):
    """Moves up the funnel by screening (引流群 -> 超级用户群)."""

    source: str = Field(description="Name of the group screened.")
    target: str = Field(description="Name of the group the screened members are invited to.")
    entry: str = Field(default="member", description="Population entry (label) of the target the newcomers join as.")
    every_days: float = Field(default=7.0, gt=0)
    min_posts: int = Field(default=3, ge=0)
    min_satisfaction: float = Field(default=0.5)
    max_moves: int = Field(default=20, ge=0)


class Portfolio(_Model):
    """A private domain: groups, one operator's day, a funnel, a blacklist, moving adversaries."""

    name: str
    description: str = ""
    seed: int = Field(default=0, ge=0, lt=2**63)
    duration_days: float = Field(default=30.0, gt=0, le=3650)
    groups: list[PortfolioGroup] = Field(min_length=2)
    operator_minutes_per_day: float | None = Field(
        default=None, gt=0, description="One operator's minutes a day for all groups (None: unlimited)."
    )
    overlap: float = Field(default=0.0, ge=0, le=1, description="Share of later groups' initial members also in the first group.")
    funnel: Funnel | None = None
    shared_blacklist: bool = True
    move_probability: float = Field(default=0.0, ge=0, le=1, description="Chance a kicked ad spammer tries the next group.")
    move_delay_days: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _names(self) -> Portfolio:
        names = [g.name for g in self.groups]
        if len(set(names)) != len(names):
            raise ValueError("group names must be distinct")
        if self.funnel is not None:
            for end in (self.funnel.source, self.funnel.target):
                if end not in names:
                    raise ValueError(f"funnel names an unknown group {end!r}; groups are {', '.join(names)}")
        return self


class Attention:
    """One operator's minutes a day, spent first come, first served across groups."""

    def __init__(self, minutes_per_day: float) -> None:
        self.budget = minutes_per_day
        self.used: dict[int, float] = {}
        self.skipped: dict[str, int] = {}

    def spend(self, sim: World, t: float, minutes: float) -> bool:
        day = int(t // MINUTES_PER_DAY)
        if self.used.get(day, 0.0) + minutes > self.budget:
            self.skipped[sim.scenario.name] = self.skipped.get(sim.scenario.name, 0) + 1
            return False
        self.used[day] = self.used.get(day, 0.0) + minutes
        return True


def load_portfolio(path: str | Path) -> tuple[Portfolio, list[Scenario]]:
    """Read a portfolio file and its groups' scenario files; problems are InputErrors with file:line."""
    p = Path(path)
    portfolio = validate_document(Portfolio, read_mapping(p, "a portfolio file", "name:, groups:, ..."))
    return portfolio, [load_scenario(p.parent / g.scenario) for g in portfolio.groups]


class PortfolioRun:
    """Several groups in one environment (build, then :meth:`run` once)."""

    def __init__(self, portfolio: Portfolio, scenarios: list[Scenario], seed: int | None = None) -> None:
        self.p = portfolio
        self.seed = portfolio.seed if seed is None else int(seed)
        self.env = simpy.Environment()
        minutes = portfolio.operator_minutes_per_day
        self.attention: Attention | UnlimitedAttention = Attention(minutes) if minutes else UnlimitedAttention()
        self.blacklist: set[Any] | NoBlacklist = set() if portfolio.shared_blacklist else NoBlacklist()
        self.account_joins: dict[tuple[Any, int], int] = {}
        timelines: list[Timeline] = []  # every group's, so an event in one stops inline posting in all
        self.funnel_moves = self.adversary_moves = 0
        self._moved: set[Any] = set()
        self.sims: list[Simulation] = []
        for k, (g, sc) in enumerate(zip(portfolio.groups, scenarios)):
            sc = sc.with_values(duration_days=portfolio.duration_days, seed=self.seed)
            ties = PortfolioTies(timelines=timelines, attention=self.attention, blacklist=self.blacklist,
                                 account_joins=self.account_joins, on_kick=self._on_kick, person_of=_Persons(k),
                                 on_forward=self._on_forward)
            self.sims.append(Simulation(sc, self.seed, f"{portfolio.name}/{g.name}#{self.seed}", env=self.env,
                                        streams=GroupStreams(self.seed, g.name), ties=ties))
        self._overlap()
        self.by_name = {g.name: s for g, s in zip(portfolio.groups, self.sims)}
        if portfolio.funnel is not None:
            self._schedule_funnel()

    # ---- ties between groups -----------------------------------------------------------
    def _overlap(self) -> None:
        """The first group's initial members are also some of each later group's initial members."""
        if not self.p.overlap:
            return
        first = self.sims[0]
        base = np.flatnonzero(first.roster.reader[: first.roster.n] & (first.roster.truth[: first.roster.n] == LEGIT))
        for k, sim in enumerate(self.sims[1:], start=1):
            mine = np.flatnonzero(sim.roster.reader[: sim.roster.n] & (sim.roster.truth[: sim.roster.n] == LEGIT))
            n = int(round(self.p.overlap * min(len(mine), len(base))))
            rng = np.random.default_rng([self.seed, k, 77])  # a portfolio-level draw, keyed by group
            for i, j in zip(rng.choice(mine, n, replace=False).tolist(), rng.choice(base, n, replace=False).tolist()):
                sim.ties.person_of[i] = (0, j)

    def shared_members(self) -> int:
        """Persons who were in more than one group."""
        seen: dict[Any, int] = {}
        for sim in self.sims:
            joined = np.flatnonzero(sim.roster.ever_joined[: sim.roster.n] & sim.roster.reader[: sim.roster.n]).tolist()
            for person in {sim.person(i) for i in joined}:
                seen[person] = seen.get(person, 0) + 1
        return sum(1 for c in seen.values() if c > 1)

    def _on_kick(self, sim: World, i: int, t: float) -> None:
        person = sim.person(i)
        self.blacklist.add(person)
        if sim.roster.truth[i] != ADVERSARY or not self.p.move_probability or person in self._moved:
            return
        k = sim.roster.entry[i]
        entry = sim.scenario.population[k] if 0 <= k < len(sim.scenario.population) else None
        if entry is None or entry.role != "ad_spammer":
            return
        if float(sim.streams.get("move", i).random()) >= self.p.move_probability:
            return
        self._moved.add(person)
        target = self.sims[(self._index(sim) + 1) % len(self.sims)]
        when = t + self.p.move_delay_days * MINUTES_PER_DAY
        if when >= target.end:
            return
        params = entry.params.model_copy(update={"join_day": when / MINUTES_PER_DAY, "max_returns": 0.0})
        moved = entry.model_copy(update={"params": params})
        n = self.adversary_moves
        self.adversary_moves += 1
        spammer = Spammer(target, -1, moved, 0, target.streams.get("moved-adversary", n))  # type: ignore[arg-type]
        new_id = spammer.ledger.accounts[-1]
        target.ties.person_of[new_id] = person
        sim.log.add(t, "moves_to", i, new_id, kind=target.scenario.name)

    def _on_forward(self, sim: World, i: int, m: Any, t: float, probability: float) -> int:
        """Member ``i`` of ``sim`` forwards ``m``: into each other group the same person is in, with ``probability``."""
        person, into = sim.person(i), 0
        for k, target in enumerate(self.sims):
            if target is sim or target.timeline.stopped:
                continue
            g = target.roster
            j = next((x for x in range(g.n) if g.present[x] and target.person(x) == person), None)
            if j is None or float(sim.streams.get("forward-group", m.id, i, k).random()) >= probability:
                continue
            target.post(j, m.kind, m.text, t, form=MessageForm.FORWARD, has_link=m.has_link, has_card=m.has_card,
                        has_mini_program=m.has_mini_program, has_image=m.has_image)
            sim.log.add(t, "forward_to", i, j, kind=target.scenario.name)
            into += 1
        return into

    def _index(self, world: World) -> int:
        return next(k for k, s in enumerate(self.sims) if s is world)

    def _schedule_funnel(self) -> None:
        f = self.p.funnel
        assert f is not None
        src = self.by_name[f.source]
        t = f.every_days * MINUTES_PER_DAY - 3 * 60.0  # 21:00 of the day before each period ends
        while t < src.end:
            src.schedule(t, self._screen)
            t += f.every_days * MINUTES_PER_DAY

    def _screen(self) -> None:
        f = self.p.funnel
        assert f is not None
        src, dst = self.by_name[f.source], self.by_name[f.target]
        if dst.timeline.stopped:
            return
        t, g, n = self.env.now, src.roster, src.roster.n
        posts = np.asarray(g.posts[:n])
        ok = g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT) & (posts >= f.min_posts)
        cand = np.flatnonzero(ok)
        if len(cand):
            cand = cand[g.satisfaction_now(cand, t) >= f.min_satisfaction]
        cand = [i for i in cand[np.lexsort((cand, -posts[cand]))].tolist() if src.person(i) not in self._moved]
        labels = [e.label for e in dst.scenario.population]
        k = labels.index(f.entry) if f.entry in labels else 0
        for i in cand[: f.max_moves]:
            person = src.person(i)
            self._moved.add(person)
            n_move = self.funnel_moves
            self.funnel_moves += 1
            ids = dst.population.create(k, dst.scenario.population[k], 0, 1, t,
                              lambda purpose, n_move=n_move: dst.streams.get(f"funnel:{n_move}:{purpose}"))
            for j in ids:
                dst.ties.person_of[j] = person
                dst.traits[j]["screening_score"] = 1.0
            src.log.add(t, "funnel", i, ids[0] if ids else -1, kind=dst.scenario.name)

    # ---- running -------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Run all groups to the end; the portfolio's summary and each group's."""
        for sim in self.sims:
            sim.ticks.begin()
        self.env.run(until=simpy.AllOf(self.env, [s.timeline.stop_event for s in self.sims]))
        groups = []
        for sim in self.sims:
            sim.log.attach_messages(sim.roster.messages, KIND_NAMES)
            groups.append(summarise(sim))
        skipped = self.attention.skipped
        for sim, summary in zip(self.sims, groups):  # per group, so the groups table keeps it
            summary["cases_skipped"] = int(skipped.get(sim.scenario.name, 0))
        margin_gmv = sum((s["gmv"] - s["refunds"]) * sim.scenario.business.margin for s, sim in zip(groups, self.sims))
        spent = sum(s["perk_cost"] + s["operator_hours"] * sim.scenario.business.operator_hourly_cost
                    for s, sim in zip(groups, self.sims))
        refusals = sum(1 for sim in self.sims for e, k in zip(sim.log.event, sim.log.kind)
                       if e == "join_refused" and k == "blacklisted")
        return {
            "portfolio": self.p.name,
            "seed": self.seed,
            "groups": groups,
            "outcomes": {g.name: s["outcome"] for g, s in zip(self.p.groups, groups)},
            "gmv": float(sum(s["gmv"] for s in groups)),
            "operator_hours": float(sum(s["operator_hours"] for s in groups)),
            "perk_cost": float(sum(s["perk_cost"] for s in groups)),
            "return_on_effort": float(margin_gmv / spent) if spent > 0 else float("nan"),
            "funnel_moves": self.funnel_moves,
            "adversary_moves": self.adversary_moves,
            "blacklisted": len(self.blacklist),
            "blacklist_refusals": refusals,
            "shared_members": self.shared_members(),
            "attention_skipped": dict(self.attention.skipped),
            "attention_skipped_total": int(sum(self.attention.skipped.values())),
        }


class _Persons(dict):  # type: ignore[type-arg]
    """Member id -> person; a member not listed is the person (group index, id)."""

    def __init__(self, group: int) -> None:
        super().__init__()
        self.group = group

    def get(self, i: Any, default: Any = None) -> Any:  # noqa: D102
        return super().get(i, (self.group, i))


def run_portfolio(path: str | Path, seed: int | None = None) -> dict[str, Any]:
    """Load and run a portfolio file once."""
    portfolio, scenarios = load_portfolio(path)
    return PortfolioRun(portfolio, scenarios, seed).run()


__all__ = ["Attention", "Funnel", "Portfolio", "PortfolioGroup", "PortfolioRun", "load_portfolio", "run_portfolio"]
