"""The owner/operator (群主, 社群运营), and the null operator of a group without one.

The operator posts content in working hours, answers questions and enforces
the rules whose executor is ``operator`` by hand, after a response delay.
A group without an operator gets :class:`NoOperator`, which answers nothing and
enforces nothing (cases go to the bot), so no caller checks for ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import DiurnalClock
from sim.base.params import Uniform, sample
from sim.model.roster import OWNER, STAFF
from sim.model.messages import Kind
from sim.spec.scenario import VALUE_DIMENSIONS, OperatorRole

if TYPE_CHECKING:
    from sim.model.world import World

StreamFor = Callable[[str], np.random.Generator]


def _one(param: object, rng: np.random.Generator) -> float:
    return float(sample(param, rng, 1)[0])  # type: ignore[arg-type]


_UNIFORM = Uniform(dist="uniform", low=0.0, high=1.0)


# ---- operator ------------------------------------------------------------------
class Operator:
    """The owner/operator (群主, 社群运营): posts content, answers, enforces rules by hand."""

    present = True

    def __init__(self, world: World, entry_idx: int, entry: OperatorRole, rng: np.random.Generator) -> None:
        self.world, self.rng, self.params = world, rng, entry.params
        self._buffers: dict[int, list[Any]] = {}
        self.answers = 0  # questions the operator answered (their answering load)
        self.id = world.roster.new_agent(entry_idx, STAFF, OWNER)
        start, end = entry.params.working_hours
        mask = np.array([1.0 if start <= h < end else 0.0 for h in range(24)])
        weights = np.asarray(world.scenario.diurnal) * mask
        self.work_clock = DiurnalClock(weights if weights.sum() > 0 else mask)
        self.start_hour, self.end_hour = start, end
        mix = np.array([max(entry.params.content_mix.get(d, 0.0), 0.0) for d in VALUE_DIMENSIONS])
        self.mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(VALUE_DIMENSIONS), 1 / len(VALUE_DIMENSIONS))
        self.answer_p = _one(entry.params.answer_probability, rng)
        rate = _one(entry.params.content_per_day, rng)
        times = self.work_clock.poisson_times(rng, rate, 0.0, world.end)
        dims = rng.choice(len(VALUE_DIMENSIONS), size=len(times), p=self.mix)
        values = sample(entry.params.content_value, rng, len(times)) if len(times) else np.empty(0)
        world.membership.start(self.id, self.life(times.tolist(), dims.tolist(), values.tolist()))

    def life(self, times: list[float], dims: list[int], values: list[float]):  # noqa: ANN201
        env, world = self.world.env, self.world
        if not world.join(self.id):
            return
        for t, d, v in zip(times, dims, values):
            yield env.timeout(t - env.now)
            if not world.ties.attention.spend(world, t, world.scenario.business.content_minutes):
                continue  # the operator's day is spent on other groups (sim/run/portfolio.py)
            world.post(self.id, Kind.CONTENT, f"今日干货：{VALUE_DIMENSIONS[d]}", value_dim=d, value=v)

    def next_working_time(self, t: float) -> float:
        """``t`` if inside working hours, else the next start of work."""
        day, minute = divmod(t, 1440.0)
        start, end = self.start_hour * 60.0, self.end_hour * 60.0
        if start <= minute < end:
            return t
        return day * 1440.0 + start if minute < start else (day + 1) * 1440.0 + start

    def draw(self, param: object) -> float:
        """The next value of ``param`` from this operator's stream, drawn in blocks of 256.

        Questions and cases come one at a time on the hot path; a numpy call per
        value would cost more than the rest of the message, so values are drawn
        ahead, in order, per parameter (the sequence is the same as one by one).
        """
        key = id(param)
        buf = self._buffers.get(key)
        if buf is None or buf[1] >= len(buf[0]):
            block = sample(param, self.rng, 256)  # type: ignore[arg-type]
            buf = self._buffers[key] = [block.tolist(), 0]
        value = buf[0][buf[1]]
        buf[1] += 1
        return value

    def delay(self, t: float, param: object) -> float:
        """When a case raised at ``t`` gets handled, given a delay distribution."""
        return self.next_working_time(t + max(self.draw(param), 0.0)) - t

    def response_delay(self, t: float) -> float:
        """How long until a rule case raised at ``t`` is handled by hand (one draw per case)."""
        return self.delay(t, self.params.response_delay_minutes)

    def maybe_answer(self, question_id: int, t: float) -> None:
        """Perhaps answer question ``question_id`` (asked at ``t``), after a delay in working hours."""
        if self.draw(_UNIFORM) < self.answer_p:
            when = self.delay(t, self.params.answer_delay_minutes)
            self.world.schedule(t + when, lambda: self._answer(question_id))

    def _answer(self, question_id: int) -> None:
        world = self.world
        if question_id not in world.posting.open_questions:
            return  # someone answered first (a member, a volunteer admin): no time spent on it
        if not world.ties.attention.spend(world, world.env.now, world.scenario.business.answer_minutes):
            return  # no time left today (a portfolio's shared attention)
        self.answers += 1
        world.posting.answer(self.id, "已解答，请看公告", question_id=question_id, value=0.2)


class NoOperator:
    """A group without an operator: nobody answers for them, and their cases go to the bot."""

    present = False
    id = -1
    answers = 0

    def maybe_answer(self, question_id: int, t: float) -> None:  # noqa: D102
        return None

    def response_delay(self, t: float) -> float:
        """No delay: moderation routes no case to a missing operator (they go to the bot)."""
        return 0.0


Staffing = Operator | NoOperator


def add_operators(world: World, entry_idx: int, entry: OperatorRole, first: int, n: int, t0: float, stream: StreamFor) -> list[int]:
    """The group's one operator (a second raises: multi-group attention is not modelled yet)."""
    out = []
    for j in range(first, first + n):
        if world.operator.present:
            raise ValueError("only one operator per group is supported")
        world.operator = Operator(world, entry_idx, entry, stream(f"operator-{j}"))
        out.append(world.operator.id)
    return out


__all__ = ["NoOperator", "Operator", "Staffing", "add_operators"]
