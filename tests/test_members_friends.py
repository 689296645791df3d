"""Friends (issue 16 item 7): graph generators, graph files, and exits that follow friends out.

The hand-made graph (nodes are the initial members 0..8, in file order)::

    0 - 1        3 - 4        6 - 7        8
     \\ /          \\ /
      2 ---------- 3 (the 2-3 tie joins the two triangles; 3-4-5 is a triangle)

Absolute threshold 2, exits at once, member 0 leaves: 1 keeps only 2 (1 < 2)
and leaves; 2 then keeps only 3 and leaves; 3 keeps 4 and 5 (2, not below) and
stays. Survivors: 3, 4, 5, 6, 7, 8.

Share threshold 0.5, 0 and 3 leave: 1 keeps 2 of {0, 2} (1/2, not below) and
2 keeps 1 of {0, 1, 3} (1/3 < 1/2) and leaves, then 1 keeps 0 of 2 and leaves;
4 keeps 5 of {3, 5} (1/2) and stays, as does 5. Survivors: 4, 5, 6, 7, 8.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from sim.base.stats import mean_interval, paired_mean_diff
from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario, load_scenario

EDGES = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (3, 5), (6, 7)]


def _write_csv(folder: Path) -> Path:
    p = folder / "friends.csv"
    p.write_text("source,target\n" + "".join(f"{a},{b}\n" for a, b in EDGES) + "8\n", encoding="utf-8")
    return p


def _scenario(graph_file: Path, **social: object) -> Scenario:
    return Scenario.model_validate({
        "name": "hand-made friends", "seed": 1, "duration_days": 1,
        "group": {"social": {"file": str(graph_file), "mean_friends": 0, **social}},
        "population": [{
            "role": "member", "count": 9,
            "params": {"post_rate": 0, "check_rate": 0, "mute_threshold": -100, "leave_threshold": -100,
                       "friend_leave_penalty": 0, "complain_on_leave": 0},
        }],
        "outcomes": {"stop_on_outcome": False},
    })


def _survivors(sc: Scenario, leavers: list[int]) -> list[int]:
    sim = Simulation(sc, 1)
    sim.env.run(until=1.0)
    for i in leavers:
        sim.leave(i)
    return np.flatnonzero(sim.roster.present[: sim.roster.n]).tolist()


def test_the_csv_file_is_the_graph(tmp_path: Path) -> None:
    sim = Simulation(_scenario(_write_csv(tmp_path)), 1)
    assert sorted(sim.graph.nodes) == list(range(9))
    assert sorted(tuple(sorted(e)) for e in sim.graph.edges) == sorted(EDGES)


def test_absolute_threshold_hand_worked(tmp_path: Path) -> None:
    assert _survivors(_scenario(_write_csv(tmp_path), min_friends=2), [0]) == [3, 4, 5, 6, 7, 8]


def test_share_threshold_hand_worked(tmp_path: Path) -> None:
    assert _survivors(_scenario(_write_csv(tmp_path), min_friend_share=0.5), [0, 3]) == [4, 5, 6, 7, 8]


def test_without_the_threshold_nobody_follows(tmp_path: Path) -> None:
    """Ablation: the same departures, friend exits off: only the leavers are gone."""
    assert _survivors(_scenario(_write_csv(tmp_path)), [0, 3]) == [1, 2, 4, 5, 6, 7, 8]


def test_exits_are_logged_and_counted(tmp_path: Path) -> None:
    sim = Simulation(_scenario(_write_csv(tmp_path), min_friends=2), 1)
    sim.env.run(until=1.0)
    sim.leave(0)
    assert sim.membership.friend_exits.exits == 2
    kinds = [k for e, k in zip(sim.log.event, sim.log.kind) if e == "leave"]
    assert kinds == ["", "friends", "friends"]


def test_a_delayed_exit_waits_about_its_mean(tmp_path: Path) -> None:
    """With ``friend_exit_hours: 2`` member 1 leaves after an exponential wait; over 30 seeds the mean is ~2 h."""
    waits = []
    for seed in range(30):
        sim = Simulation(_scenario(_write_csv(tmp_path), min_friends=1, friend_exit_hours=2.0), seed)
        sim.env.run(until=1.0)
        sim.leave(7)  # 6 loses its only friend
        sim.env.run(until=3 * 1440.0)
        assert not sim.roster.present[6]
        waits.append((sim.roster.left_at[6] - 1.0) / 60.0)
    _, lo, hi = mean_interval(np.array(waits))
    assert lo < 2.0 < hi


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_are_read_through_networkx(tmp_path: Path, fmt: str) -> None:
    g = nx.Graph()
    g.add_nodes_from(f"n{i}" for i in range(9))
    g.add_edges_from((f"n{a}", f"n{b}") for a, b in EDGES)
    p = tmp_path / f"friends.{fmt}"
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, p)
    sim = Simulation(_scenario(p), 1)
    assert sorted(tuple(sorted(e)) for e in sim.graph.edges) == sorted(EDGES)


def test_relative_file_is_next_to_the_scenario(tmp_path: Path) -> None:
    _write_csv(tmp_path)
    (tmp_path / "s.yaml").write_text(
        "name: rel\nduration_days: 1\ngroup: {social: {file: friends.csv}}\npopulation:\n  - {role: member, count: 9}\n",
        encoding="utf-8",
    )
    sc = load_scenario(tmp_path / "s.yaml")
    assert sc.group.social.kind == "file" and len(sc.group.social.edges or []) == len(EDGES)
    assert Scenario.model_validate(sc.model_dump(mode="json", by_alias=True)) == sc  # carries its graph


def test_a_missing_file_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not found"):
        _scenario(tmp_path / "nope.csv")


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert", "stochastic_block", "empty"])
def test_generators_give_the_mean_degree(kind: str) -> None:
    sc = Scenario.model_validate({
        "name": "g", "duration_days": 1, "group": {"initial_members": 200, "social": {"kind": kind, "mean_friends": 6}},
        "population": [{"role": "member", "share": 1.0}],
    })
    sim = Simulation(sc, 3)
    deg = 2 * sim.graph.number_of_edges() / 200
    assert deg == 0 if kind == "empty" else 4.5 < deg < 7.5


def test_stochastic_block_has_communities() -> None:
    sc = Scenario.model_validate({
        "name": "g", "duration_days": 1,
        "group": {"initial_members": 200, "social": {"kind": "stochastic_block", "mean_friends": 8, "blocks": 4, "mixing": 0.05}},
        "population": [{"role": "member", "share": 1.0}],
    })
    g = Simulation(sc, 3).graph
    parts = nx.community.greedy_modularity_communities(g)
    assert nx.community.modularity(g, parts) > 0.5


def test_friend_exits_cascade_over_seeds() -> None:
    """Ablation over 30 seeds: a share threshold on friends makes more members leave than the same runs without it."""
    def leaves(social: dict[str, object], seed: int) -> float:
        sc = Scenario.model_validate({
            "name": "exodus", "duration_days": 5,
            "group": {"initial_members": 60, "social": {"mean_friends": 4, **social}},
            "population": [{"role": "member", "share": 1.0, "params": {
                "post_rate": 0.2, "check_rate": 2, "initial_satisfaction": {"dist": "uniform", "low": 0.1, "high": 1.0},
            }}],
            "outcomes": {"stop_on_outcome": False},
        })
        return float(run_scenario(sc, seed).summary["leaves"])
    off = [leaves({}, s) for s in range(30)]
    on = [leaves({"min_friend_share": 0.5}, s) for s in range(30)]
    m, lo, _, p = paired_mean_diff(off, on)
    assert lo > 0 and p < 0.01
