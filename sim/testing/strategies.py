"""Hypothesis strategies for groupsim: messages, members, rule events, rulesets, whole scenarios.

Scenarios can be drawn freely (:func:`scenarios`) or around a user's own design
(:func:`scenarios_around`: "this design, with the spammers' count anywhere in
0-20"). When a property fails, :func:`counterexample_file` writes the shrunk
scenario hypothesis ends on to a YAML file that ``groupsim run`` replays.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st
from ruamel.yaml import YAML

from rules import ClockTick, MemberJoined, MemberLeft, MessageForm, MessagePosted, RulesetSpec
from sim.model.messages import Kind, Message
from sim.spec.scenario import VALUE_DIMENSIONS, Scenario

F = TypeVar("F", bound=Callable[..., Any])

TEXTS = ("哈哈", "收到", "谢谢分享", "请问怎么退款？", "加微信领优惠券", "加 微 信 送资料", "代购正品", "hello", "👍", "")


@st.composite
def messages(draw: st.DrawFn, senders: int = 20, max_time: float = 10 * 1440.0) -> Message:
    """A message as rules observe it (form, text, link/card/mini-program/image flags)."""
    form = draw(st.sampled_from(list(MessageForm)))
    return Message(
        id=draw(st.integers(0, 10**6)),
        seq=0,
        time=draw(st.floats(0, max_time, allow_nan=False)),
        sender=draw(st.integers(0, senders - 1)),
        kind=draw(st.sampled_from(list(Kind))),
        form=form,
        text=draw(st.one_of(st.sampled_from(TEXTS), st.text(max_size=40))),
        has_link=form is MessageForm.LINK or draw(st.booleans()),
        has_card=form is MessageForm.CARD,
        has_mini_program=form is MessageForm.MINI_PROGRAM,
        has_image=form is MessageForm.IMAGE,
    )


def events(senders: int = 20, max_time: float = 10 * 1440.0) -> st.SearchStrategy[Any]:
    """Rule-engine events: message posted, member joined or left, clock ticks."""
    member = st.integers(0, senders - 1)
    when = st.floats(0, max_time, allow_nan=False)
    return st.one_of(
        st.builds(MessagePosted, when, messages(senders, max_time)),
        st.builds(MemberJoined, when, member),
        st.builds(MemberLeft, when, member, st.booleans()),
        st.builds(ClockTick, when),
    )


@st.composite
def member_params(draw: st.DrawFn) -> dict[str, Any]:
    """Parameters of a `member` population entry, as scenario data."""
    return {
        "post_rate": {"dist": "lognormal", "median": draw(st.floats(0.02, 3.0)), "sigma": draw(st.floats(0, 2))},
        "mute_threshold": draw(st.floats(0.1, 0.9)),
        "leave_threshold": draw(st.floats(0.0, 0.5)),
        "ad_annoyance": draw(st.floats(0.0, 0.2)),
        "needs": {d: draw(st.floats(0.0, 2.0)) for d in VALUE_DIMENSIONS},
    }


def members(**overrides: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A `member` population entry (with `share: 1`), as scenario data."""
    return member_params().map(lambda p: {"role": "member", "share": 1.0, "params": {**p, **overrides}})


@st.composite
def rulesets(draw: st.DrawFn, executors: Sequence[str] = ("bot",), choices: Sequence[RulesetSpec] = ()) -> RulesetSpec:
    """A ruleset: one of ``choices`` (e.g. your own rulesets), or built-in rules with drawn parameters."""
    if choices and draw(st.booleans()):
        return draw(st.sampled_from(list(choices)))
    executor = st.sampled_from(list(executors))
    rules = []
    if draw(st.booleans()):
        rules.append({"use": "ban_ads_and_links", "params": {"kick_after": draw(st.integers(1, 4))}, "executor": draw(executor)})
    if draw(st.booleans()):
        rules.append({
            "use": "flood_limit",
            "params": {"max_messages": draw(st.integers(1, 8)), "window_seconds": draw(st.floats(10, 900)),
                       "mute_minutes": draw(st.floats(1, 240))},
            "executor": draw(executor),
        })
    return RulesetSpec.model_validate({"name": "drawn", "rules": rules})


@st.composite
def scenario_dicts(draw: st.DrawFn, max_members: int = 50, max_days: float = 3.0) -> dict[str, Any]:
    """A small valid scenario as plain data: members, maybe an operator and spammers, drawn rules."""
    initial = draw(st.integers(2, max_members))
    population: list[dict[str, Any]] = [draw(members())]
    has_operator = draw(st.booleans())
    if has_operator:
        population.append({"role": "operator", "count": 1, "params": {"content_per_day": draw(st.floats(0, 6))}})
    spammers = draw(st.integers(0, 4))
    if spammers:
        population.append({
            "role": "ad_spammer", "count": spammers,
            "params": {"join_day": {"dist": "uniform", "low": 0, "high": 2}, "ad_rate": draw(st.floats(1, 40))},
        })
    ruleset = draw(rulesets(executors=("bot", "operator") if has_operator else ("bot",)))
    return {
        "name": "drawn",
        "seed": draw(st.integers(0, 2**31)),
        "duration_days": draw(st.floats(0.5, max_days)),
        "group": {
            "capacity": draw(st.integers(initial, initial + 20)),
            "initial_members": initial,
            "arrivals": {"rate_per_day": draw(st.floats(0, 20))},
            "social": {"mean_friends": draw(st.integers(0, 6))},
        },
        "population": population,
        "ruleset": ruleset.model_dump(mode="json"),
        "outcomes": {"stop_on_outcome": draw(st.booleans())},
    }


def scenarios(max_members: int = 50, max_days: float = 3.0) -> st.SearchStrategy[Scenario]:
    """Small random valid scenarios."""
    return scenario_dicts(max_members, max_days).map(Scenario.model_validate)


def _value_strategy(spec: Any) -> st.SearchStrategy[Any]:
    if isinstance(spec, st.SearchStrategy):
        return spec
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in spec):
        return st.integers(spec[0], spec[1])
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and all(isinstance(x, (int, float)) for x in spec):
        return st.floats(float(spec[0]), float(spec[1]), allow_nan=False)
    if isinstance(spec, (list, tuple, set, frozenset)):
        return st.sampled_from(list(spec))
    raise TypeError(f"a range is (low, high), a list of choices or a strategy; got {spec!r}")


def scenarios_around(base: Scenario, ranges: Mapping[str, Any], *, vary_seed: bool = True) -> st.SearchStrategy[Scenario]:
    """Your scenario with the fields at dotted paths drawn from ranges.

    ``ranges`` maps a path (``"population.2.count"``, ``"group.capacity"``,
    ``"ruleset.rules.0.params.kick_after"``) to ``(low, high)`` (ints give
    integers), a list of choices, or any hypothesis strategy. Combinations that
    fail validation are skipped.
    """
    from sim.experiments.design import set_path

    data = base.model_dump(mode="json", by_alias=True)
    for path in ranges:
        set_path(data, path, None)  # fail now, with the reason, on a path that does not exist
    keys = sorted(ranges)

    @st.composite
    def build(draw: st.DrawFn) -> Scenario:
        out = data
        for path in keys:
            out = set_path(out, path, draw(_value_strategy(ranges[path])))
        if vary_seed:
            out = {**out, "seed": draw(st.integers(0, 2**31))}
        try:
            return Scenario.model_validate(out)
        except ValueError:
            from hypothesis import reject

            reject()
            raise

    return build()


def scenario_yaml(scenario: Scenario) -> str:
    """A short YAML file for ``scenario``: only what differs from the defaults."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.setdefault("name", scenario.name)
    data["seed"] = scenario.seed
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def write_counterexample(scenario: Scenario, path: str | Path, why: str = "") -> Path:
    """Write ``scenario`` as a runnable YAML file (with a comment saying why and how to replay)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    head = "# groupsim counterexample" + (f": {why}" if why else "") + f"\n# replay: groupsim run {p} --seeds 1\n"
    p.write_text(head + scenario_yaml(scenario), encoding="utf-8")
    return p


def counterexample_file(path: str | Path, arg: str = "scenario") -> Callable[[F], F]:
    """Decorate a property test so that a failing scenario is written to ``path``.

    Put it under ``@given``: hypothesis replays the shrunk example last, so the
    file ends up holding the smallest failing scenario it found.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                scenario = kwargs.get(arg)
                if isinstance(scenario, Scenario):
                    lines = str(exc).splitlines() or [type(exc).__name__]
                    why = next((x.strip() for x in lines if x.startswith("    ")), lines[0])
                    written = write_counterexample(scenario, path, why)
                    exc.add_note(f"counterexample scenario: {written} (replay: groupsim run {written} --seeds 1)")
                raise

        return wrapper  # type: ignore[return-value]

    return decorate


__all__ = [
    "counterexample_file", "events", "member_params", "members", "messages", "rulesets", "scenario_dicts",
    "scenario_yaml", "scenarios", "scenarios_around", "write_counterexample",
]
