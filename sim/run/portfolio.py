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

**Operator teams.** Each group may name its ``team`` (the compact form
``groups: {count, from, mix, per_team}`` of sim/spec/portfolio_groups.py deals
them). Everything above is shared within a team only: each team has its own
operator's day (``operator_minutes_per_day`` each), blacklist, QR-code limits,
overlap (with the team's first group) and moves (to the next group of the
team); the funnel joins two groups of one team. Teams share no state, so a
team run alone gives each of its groups the same event log as the whole
portfolio run together (sim/run/teams.py runs them apart, in parallel or on
Dask, and merges the summaries). With no teams named, all groups are one team,
as before.
"""

from __future__ import annotations

import dataclasses
from functools import partial
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
from sim.run.gc_policy import quiet_gc
from sim.run.summary import summarise
from sim.spec.portfolio_groups import GroupSet
from sim.spec.scenario import Scenario, load_scenario


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class PortfolioGroup(_Model):
    """One group of the portfolio: a scenario file (relative to the portfolio file) and a name."""

    name: str
    scenario: str = Field(description="Path of the group's scenario file, relative to the portfolio file.")
    team: str = Field(default="", description="The operator team that runs the group (teams share nothing; default: one team).")
    initial_members: int | None = Field(default=None, ge=0, le=1_000_000, description="Initial members (default: the scenario's).")


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
    groups: list[PortfolioGroup] = Field(min_length=2, description=(
        "The groups: a list of {name, scenario, team}, or the compact form {count, from, mix, name, per_team, "
        "initial_members} (sim/spec/portfolio_groups.py)."))
    operator_minutes_per_day: float | None = Field(
        default=None, gt=0, description="One operator's minutes a day for all groups of a team (None: unlimited)."
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
                    raise ValueError(f"funnel names an unknown group {end!r}; groups are {', '.join(names[:20])}")
            team = {g.name: g.team for g in self.groups}
            if team[self.funnel.source] != team[self.funnel.target]:
                raise ValueError("the funnel's source and target must be groups of one team (teams share nothing)")
        return self

    def teams(self) -> list[str]:
        """The teams, in the order of their first group."""
        return list(dict.fromkeys(g.team for g in self.groups))


class Attention:
    """One operator's minutes a day, spent first come, first served across groups."""

    def __init__(self, minutes_per_day: float) -> None:
        self.budget = minutes_per_day
        self.used: dict[int, float] = {}
        self.skipped: dict[str, int] = {}
        self.skipped_by_group: dict[int, int] = {}  # id(group) -> tasks skipped (groups may share a design's name)

    def spend(self, sim: World, t: float, minutes: float) -> bool:
        day = int(t // MINUTES_PER_DAY)
        if self.used.get(day, 0.0) + minutes > self.budget:
            self.skipped[sim.scenario.name] = self.skipped.get(sim.scenario.name, 0) + 1
            self.skipped_by_group[id(sim)] = self.skipped_by_group.get(id(sim), 0) + 1
            return False
        self.used[day] = self.used.get(day, 0.0) + minutes
        return True


def load_portfolio(path: str | Path) -> tuple[Portfolio, list[Scenario]]:
    """Read a portfolio file and its groups' scenario files; problems are InputErrors with file:line.

    The compact form of ``groups`` is validated on its own lines, then expanded
    (sim/spec/portfolio_groups.py); each distinct scenario file is read once.
    """
    p = Path(path)
    doc = read_mapping(p, "a portfolio file", "name:, groups:, ...")
    if isinstance(doc.data.get("groups"), dict):
        groups = validate_document(GroupSet, doc, at=("groups",))
        doc = dataclasses.replace(doc, data={**doc.data, "groups": groups.expand()})
    portfolio = validate_document(Portfolio, doc)
    read = {f: load_scenario(p.parent / f) for f in dict.fromkeys(g.scenario for g in portfolio.groups)}
    return portfolio, [read[g.scenario] for g in portfolio.groups]


class Team:
    """What the groups of one operator team share: the operator's day, the blacklist, QR-code joins, moves."""

    def __init__(self, portfolio: Portfolio, name: str) -> None:
        minutes = portfolio.operator_minutes_per_day
        self.name = name
        self.attention: Attention | UnlimitedAttention = Attention(minutes) if minutes else UnlimitedAttention()
        self.blacklist: set[Any] | NoBlacklist = set() if portfolio.shared_blacklist else NoBlacklist()
        self.account_joins: dict[tuple[Any, int], int] = {}
        self.moved: set[Any] = set()
        self.sims: list[Simulation] = []
        self.first = -1  # the portfolio index of the team's first group
        self.funnel_moves = self.adversary_moves = 0


class PortfolioRun:
    """Several groups in one environment (build, then :meth:`run` once).

    Args:
        portfolio: The portfolio.
        scenarios: Each group's scenario, in the portfolio's order.
        seed: The run's seed (default: the portfolio's).
        team: Build only this team's groups (a team shares nothing with the
            others, so its groups run exactly as in the whole portfolio); None: all.
    """

    def __init__(self, portfolio: Portfolio, scenarios: list[Scenario], seed: int | None = None,
                 team: str | None = None) -> None:
        self.p = portfolio
        self.seed = portfolio.seed if seed is None else int(seed)
        self.env = simpy.Environment()
        self.teams: dict[str, Team] = {t: Team(portfolio, t) for t in portfolio.teams() if team is None or t == team}
        if not self.teams:
            raise ValueError(f"no team {team!r} in portfolio {portfolio.name!r}")
        timelines: list[Timeline] = []  # every group's on the environment (sim/model/timeline.py)
        self.groups: list[PortfolioGroup] = []
        self.sims: list[Simulation] = []
        self._team_of: dict[int, Team] = {}
        for k, (g, sc) in enumerate(zip(portfolio.groups, scenarios)):
            crew = self.teams.get(g.team)
            if crew is None:
                continue
            changes: dict[str, Any] = {"duration_days": portfolio.duration_days, "seed": self.seed}
            if g.initial_members is not None:
                group = sc.group.model_dump(mode="json")
                changes["group"] = group | {"initial_members": g.initial_members,
                                            "capacity": max(group.get("capacity") or 0, g.initial_members)}
            sc = sc.with_values(**changes)
            ties = PortfolioTies(timelines=timelines, attention=crew.attention, blacklist=crew.blacklist,
                                 account_joins=crew.account_joins, on_kick=partial(self._on_kick, crew),
                                 person_of=_Persons(k),
                                 on_forward=partial(self._on_forward, crew))
            sim = Simulation(sc, self.seed, f"{portfolio.name}/{g.name}#{self.seed}", env=self.env,
                             streams=GroupStreams(self.seed, g.name), ties=ties)
            if crew.first < 0:
                crew.first = k
            crew.sims.append(sim)
            self._team_of[id(sim)] = crew
            self.groups.append(g)
            self.sims.append(sim)
        for crew in self.teams.values():
            self._overlap(crew)
        self.by_name = {g.name: s for g, s in zip(self.groups, self.sims)}
        if portfolio.funnel is not None and portfolio.funnel.source in self.by_name:
            self._schedule_funnel()

    @property
    def attention(self) -> Attention | UnlimitedAttention:
        """The operator's day of a one-team run (the first team's otherwise)."""
        return next(iter(self.teams.values())).attention

    @property
    def blacklist(self) -> set[Any] | NoBlacklist:
        """The blacklist of a one-team run (the first team's otherwise)."""
        return next(iter(self.teams.values())).blacklist

    @property
    def funnel_moves(self) -> int:
        """Members moved up the funnel so far (every team)."""
        return sum(t.funnel_moves for t in self.teams.values())

    @property
    def adversary_moves(self) -> int:
        """Kicked ad spammers' accounts that moved on so far (every team)."""
        return sum(t.adversary_moves for t in self.teams.values())

    # ---- ties between groups -----------------------------------------------------------
    def _overlap(self, crew: Team) -> None:
        """The team's first group's initial members are also some of each later group's initial members."""
        if not self.p.overlap or not crew.sims:
            return
        first = crew.sims[0]
        base = np.flatnonzero(first.roster.reader[: first.roster.n] & (first.roster.truth[: first.roster.n] == LEGIT))
        for sim in crew.sims[1:]:
            k = sim.ties.person_of.group
            mine = np.flatnonzero(sim.roster.reader[: sim.roster.n] & (sim.roster.truth[: sim.roster.n] == LEGIT))
            n = int(round(self.p.overlap * min(len(mine), len(base))))
            rng = np.random.default_rng([self.seed, k, 77])  # a portfolio-level draw, keyed by group
            for i, j in zip(rng.choice(mine, n, replace=False).tolist(), rng.choice(base, n, replace=False).tolist()):
                sim.ties.person_of[i] = (crew.first, j)

    def shared_members(self) -> int:
        """Persons who were in more than one group."""
        seen: dict[Any, int] = {}
        for sim in self.sims:
            joined = np.flatnonzero(sim.roster.ever_joined[: sim.roster.n] & sim.roster.reader[: sim.roster.n]).tolist()
            for person in {sim.person(i) for i in joined}:
                seen[person] = seen.get(person, 0) + 1
        return sum(1 for c in seen.values() if c > 1)

    def _on_kick(self, crew: Team, sim: World, i: int, t: float) -> None:
        person = sim.person(i)
        crew.blacklist.add(person)
        if sim.roster.truth[i] != ADVERSARY or not self.p.move_probability or person in crew.moved:
            return
        k = sim.roster.entry[i]
        entry = sim.scenario.population[k] if 0 <= k < len(sim.scenario.population) else None
        if entry is None or entry.role != "ad_spammer":
            return
        if float(sim.streams.get("move", i).random()) >= self.p.move_probability:
            return
        crew.moved.add(person)
        target = crew.sims[(self._index(crew, sim) + 1) % len(crew.sims)]
        when = t + self.p.move_delay_days * MINUTES_PER_DAY
        if when >= target.end:
            return
        params = entry.params.model_copy(update={"join_day": when / MINUTES_PER_DAY, "max_returns": 0.0})
        moved = entry.model_copy(update={"params": params})
        n = crew.adversary_moves
        crew.adversary_moves += 1
        spammer = Spammer(target, -1, moved, 0, target.streams.get("moved-adversary", n))  # type: ignore[arg-type]
        new_id = spammer.ledger.accounts[-1]
        target.ties.person_of[new_id] = person
        sim.log.add(t, "moves_to", i, new_id, kind=target.scenario.name)

    def _on_forward(self, crew: Team, sim: World, i: int, m: Any, t: float, probability: float) -> int:
        """Member ``i`` of ``sim`` forwards ``m`` into each other group of its team the same person is in.

        Each such group gets it with ``probability``; teams share nothing, so a forward stays in the team.
        """
        person, into = sim.person(i), 0
        for target in crew.sims:
            if target is sim or target.timeline.stopped:
                continue
            g = target.roster
            j = next((x for x in range(g.n) if g.present[x] and target.person(x) == person), None)
            draw = sim.streams.get("forward-group", m.id, i, target.ties.person_of.group)
            if j is None or float(draw.random()) >= probability:
                continue
            target.post(j, m.kind, m.text, t, form=MessageForm.FORWARD, has_link=m.has_link, has_card=m.has_card,
                        has_mini_program=m.has_mini_program, has_image=m.has_image)
            sim.log.add(t, "forward_to", i, j, kind=target.scenario.name)
            into += 1
        return into

    @staticmethod
    def _index(crew: Team, world: World) -> int:
        return next(k for k, s in enumerate(crew.sims) if s is world)

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
        crew = self._team_of[id(src)]
        if dst.timeline.stopped:
            return
        t, g, n = self.env.now, src.roster, src.roster.n
        posts = np.asarray(g.posts[:n])
        ok = g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT) & (posts >= f.min_posts)
        cand = np.flatnonzero(ok)
        if len(cand):
            cand = cand[g.satisfaction_now(cand, t) >= f.min_satisfaction]
        cand = [i for i in cand[np.lexsort((cand, -posts[cand]))].tolist() if src.person(i) not in crew.moved]
        labels = [e.label for e in dst.scenario.population]
        k = labels.index(f.entry) if f.entry in labels else 0
        for i in cand[: f.max_moves]:
            person = src.person(i)
            crew.moved.add(person)
            n_move = crew.funnel_moves
            crew.funnel_moves += 1
            ids = dst.population.create(k, dst.scenario.population[k], 0, 1, t,
                              lambda purpose, n_move=n_move: dst.streams.get(f"funnel:{n_move}:{purpose}"))
            for j in ids:
                dst.ties.person_of[j] = person
                dst.traits[j]["screening_score"] = 1.0
            src.log.add(t, "funnel", i, ids[0] if ids else -1, kind=dst.scenario.name)

    # ---- running -------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Run all groups to the end; the portfolio's summary and each group's."""
        return merge_parts(self.p, [self.run_part()])

    def run_part(self) -> dict[str, Any]:
        """Run the groups built here to the end; their summaries and counts, for :func:`merge_parts`."""
        for sim in self.sims:
            sim.ticks.begin()
        with quiet_gc():  # sim/run/gc_policy.py
            self.env.run(until=simpy.AllOf(self.env, [s.timeline.stop_event for s in self.sims]))
        groups = []
        for sim in self.sims:
            sim.log.attach_messages(sim.roster.messages, KIND_NAMES)
            groups.append(summarise(sim))
        for sim, summary in zip(self.sims, groups):  # per group, so the groups table keeps it
            attention = self._team_of[id(sim)].attention
            summary["cases_skipped"] = int(getattr(attention, "skipped_by_group", {}).get(id(sim), 0))
        refusals = sum(1 for sim in self.sims for e, k in zip(sim.log.event, sim.log.kind)
                       if e == "join_refused" and k == "blacklisted")
        skipped: dict[str, int] = {}
        for crew in self.teams.values():
            for name, c in crew.attention.skipped.items():
                skipped[name] = skipped.get(name, 0) + c
        part = {"seed": self.seed, "groups": groups, "names": [g.name for g in self.groups],
                "funnel_moves": self.funnel_moves, "adversary_moves": self.adversary_moves,
                "blacklisted": sum(len(t.blacklist) for t in self.teams.values()), "blacklist_refusals": refusals,
                "shared_members": self.shared_members(), "attention_skipped": skipped,
                "margins": [sim.scenario.business.margin for sim in self.sims],
                "hourly": [sim.scenario.business.operator_hourly_cost for sim in self.sims]}
        return part


def merge_parts(portfolio: Portfolio, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The portfolio's summary from the summaries of its teams' runs (one part each, any order)."""
    order = {g.name: k for k, g in enumerate(portfolio.groups)}
    rows = sorted(((order[n], n, g, m, h) for p in parts for n, g, m, h in zip(p["names"], p["groups"], p["margins"], p["hourly"])))
    groups = [r[2] for r in rows]
    margin_gmv = sum((s["gmv"] - s["refunds"]) * m for _, _, s, m, _ in rows)
    spent = sum(s["perk_cost"] + s["operator_hours"] * h for _, _, s, _, h in rows)
    skipped: dict[str, int] = {}
    for p in parts:
        for name, c in p["attention_skipped"].items():
            skipped[name] = skipped.get(name, 0) + c
    total = lambda key: sum(p[key] for p in parts)  # noqa: E731
    return {
        "portfolio": portfolio.name,
        "seed": parts[0]["seed"],
        "groups": groups,
        "outcomes": {n: s["outcome"] for _, n, s, _, _ in rows},
        "gmv": float(sum(s["gmv"] for s in groups)),
        "operator_hours": float(sum(s["operator_hours"] for s in groups)),
        "perk_cost": float(sum(s["perk_cost"] for s in groups)),
        "return_on_effort": float(margin_gmv / spent) if spent > 0 else float("nan"),
        "funnel_moves": total("funnel_moves"),
        "adversary_moves": total("adversary_moves"),
        "blacklisted": total("blacklisted"),
        "blacklist_refusals": total("blacklist_refusals"),
        "shared_members": total("shared_members"),
        "attention_skipped": skipped,
        "attention_skipped_total": int(sum(skipped.values())),
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


__all__ = [
    "Attention", "Funnel", "Portfolio", "PortfolioGroup", "PortfolioRun", "Team", "load_portfolio", "merge_parts",
    "run_portfolio",
]
