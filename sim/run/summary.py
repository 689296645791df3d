"""The one-row summary of a run: outcome, lifetime and key metrics."""

from __future__ import annotations

import json
from operator import attrgetter
from typing import Any, Protocol

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.model.roster import ADVERSARY, LEGIT, STAFF
from sim.model.messages import KIND_NAMES, Kind
from sim.model.moderation import totals
from sim.model.outcomes import Outcome
from sim.model.adversaries.accounts import cast_summary
from sim.model.members.measures import member_metrics

from sim.model.world import World


class Summarised(World, Protocol):
    """A finished run: a world, and the run's name and seed."""

    run_id: str
    seed: int


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 equal, 1 one holds all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum.sum() / cum[-1])) / n)


def design_summary(sim: World) -> dict[str, Any]:
    """Summary keys of the group design: entry, activities, lifecycle, business results."""
    cal = sim.calendar
    entry = sim.gate.summary()
    compensation = float(sim.cast.compensation_paid) + float(sum(s.get("compensation_yuan", 0) for s in sim.moderation.stats.values()))
    return {
        **entry,
        "activities_run": int(sum(cal.occurrences)),
        "activity_participants": int(cal.participants),
        "failed_group_buys": int(cal.failed_group_buys),
        "relaunches": int(sim.lifecycle.relaunches),
        "delivery_complaints": int(sim.lifecycle.delivery_complaints),
        **sim.business.summary(entry["entry_fees"], cal.perk_cost, compensation),
    }


def by_sender(sim: World, kind_of: np.ndarray, gone: np.ndarray) -> dict[str, Any]:
    """Run totals by who acted (the sender's truth in the roster), and the collateral damage to members."""
    g = sim.roster
    senders = np.fromiter(map(attrgetter("sender"), g.messages), np.int64, len(g.messages))
    truth = g.truth[senders] if len(senders) else np.zeros(0, dtype=np.int8)
    legit = truth == LEGIT
    visible = int((~gone).sum())
    foreign_ads = int(((kind_of == Kind.AD) & (truth != STAFF) & ~gone).sum())
    log = sim.log
    leaves = sum(1 for e, a in zip(log.event, log.actor) if e == "leave" and a >= 0 and g.truth[a] == LEGIT)
    refusals = [k for e, k in zip(log.event, log.kind) if e == "join_refused"]
    spam = (kind_of == Kind.AD) & (truth == ADVERSARY)
    n_spam = int(spam.sum())
    cases = {k: sum(s.get(k, 0) for s in sim.moderation.stats.values()) for k in ("true_positives", "false_positives")}
    judged = cases["true_positives"] + cases["false_positives"]
    return {
        "member_messages": int(legit.sum()),
        "staff_messages": int((truth == STAFF).sum()),
        "adversary_messages": int((truth == ADVERSARY).sum()),
        "legit_complaints": int((legit & (kind_of == Kind.COMPLAINT)).sum()),
        "legit_leaves": int(leaves),
        "foreign_ad_share": float(foreign_ads / visible) if visible else 0.0,
        "legit_messages_deleted": int((legit & gone).sum()),
        "legit_joined": int((g.ever_joined[: g.n] & (g.truth[: g.n] == LEGIT)).sum()),
        "spam_recall": float((spam & gone).sum() / n_spam) if n_spam else float("nan"),
        "rule_precision": float(cases["true_positives"] / judged) if judged else float("nan"),
        # every refusal, the full group's included (the gate's own count misses those)
        "refused": len(refusals),
        "refused_full": sum(1 for k in refusals if k == ""),
        "cases_skipped": 0,  # a lone group's operator skips no case; a portfolio fills in its own (sim/run/portfolio.py)
    }


def summarise(sim: Summarised) -> dict[str, Any]:
    g = sim.roster
    n = g.n
    t_end = sim.env.now
    outcome, day, reason = sim.ticks.outcome or (Outcome.ALIVE, t_end / MINUTES_PER_DAY, "")
    kind_of = np.fromiter(map(attrgetter("kind"), g.messages), np.int64, len(g.messages))
    gone = np.fromiter(map(attrgetter("deleted_at"), g.messages), np.float64, len(g.messages)) >= 0
    kinds = np.bincount(kind_of, minlength=len(KIND_NAMES))
    deleted = np.bincount(kind_of[gone], minlength=len(KIND_NAMES))
    members = g.ever_joined[:n] & g.reader[:n]
    posts = np.asarray(g.posts, dtype=np.int64)[members]
    present_readers = np.flatnonzero(g.present[:n] & g.reader[:n])
    total = int(kinds.sum())
    visible = total - int(deleted.sum())
    stats = sim.moderation.stats
    summary: dict[str, Any] = {
        "run_id": sim.run_id,
        "scenario": sim.scenario.name,
        "group_type": sim.scenario.group.type.value,
        "ruleset": sim.scenario.ruleset.name,  # type: ignore[union-attr]
        "seed": sim.seed,
        "outcome": outcome.value,
        "outcome_reason": reason,
        "lifetime_days": float(day),
        "censored": outcome is Outcome.ALIVE,
        "days_simulated": t_end / MINUTES_PER_DAY,
        "final_members": int(g.count),
        "peak_members": int(max((d["members"] for d in sim.ticks.days), default=g.count)),
        "joins": int(sum(d["joins"] for d in sim.ticks.days)),
        "leaves": int(sum(d["leaves"] for d in sim.ticks.days)),
        "kicks": int(sum(d["kicks"] for d in sim.ticks.days)),
        "messages": total,
        **{f"msgs_{name}": int(kinds[k]) for k, name in enumerate(KIND_NAMES)},
        "ads_deleted": int(deleted[Kind.AD]),
        "ad_share": float((kinds[Kind.AD] - deleted[Kind.AD]) / visible) if visible else 0.0,
        "ad_exposure": float(sim.review.ad_views),
        "messages_per_day": total / max(t_end / MINUTES_PER_DAY, 1e-9),
        "poster_share": float((posts > 0).mean()) if len(posts) else 0.0,
        "posts_gini": gini(posts),
        "mean_satisfaction": float(g.satisfaction_now(present_readers, t_end).mean()) if len(present_readers) else float("nan"),
        "muted_share": float(g.muted[present_readers].mean()) if len(present_readers) else 0.0,
        "questions": sim.posting.questions,
        "private_complaints": sim.posting.private_complaints,
        "answered_share": sim.posting.answered / sim.posting.questions if sim.posting.questions else float("nan"),
        "rule_actions": int(sum(s["actions"] for s in stats.values())),
        "rule_actions_on_adversaries": int(sum(s["on_adversaries"] for s in stats.values())),
        "rule_actions_on_legitimate": int(sum(s["on_legitimate"] for s in stats.values())),
        "legitimate_kicked": int(sum(1 for e, tg in zip(sim.log.event, sim.log.target) if e == "kick" and g.truth[tg] == LEGIT)),
        **totals(stats),
        **cast_summary(sim),
        **design_summary(sim),
        **member_metrics(sim),
        **by_sender(sim, kind_of, gone),
        "rules_json": json.dumps(stats, sort_keys=True),
        "events": len(sim.log),
        "event_log_digest": sim.log.digest(),
    }
    return summary
