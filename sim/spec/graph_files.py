"""Reading a social graph from a file: an edge-list CSV, GraphML or GEXF, through networkx.

A scenario names the file in ``group.social.file``; it is read once, when the
scenario is validated, into its nodes (in file order) and edges, which the
scenario then carries. A relative path is taken from the folder of the
scenario file being loaded (:func:`sim.base.params.scenario_folder`), else from the working
directory. Node names are kept as strings; the i-th node in file order becomes
the i-th initial member (sim/model/population.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from sim.base.params import data_path

_HEADER = ("source", "target")


def _read_csv(p: Path) -> nx.Graph:
    """Rows ``a,b`` are edges, a row with one cell an isolated node; a first row ``source,target`` is a header."""
    g = nx.Graph()
    with p.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh)):
            cells = [c.strip() for c in row if c.strip()]
            if not cells or cells[0].startswith("#"):
                continue
            if n == 0 and tuple(c.lower() for c in cells[:2]) == _HEADER:
                continue
            if len(cells) == 1:
                g.add_node(cells[0])
            else:
                g.add_edge(cells[0], cells[1])
    return g


def read_graph_file(name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The nodes (file order) and undirected edges (no self-loops) of the graph in ``name``.

    Raises:
        ValueError: The file is missing, of an unknown kind (``.csv``, ``.graphml``,
            ``.gexf``) or not readable as a graph.
    """
    p = data_path(name, "social graph")
    suffix = p.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            g = _read_csv(p)
        elif suffix == ".graphml":
            g = nx.read_graphml(p)
        elif suffix == ".gexf":
            g = nx.read_gexf(p)
        else:
            raise ValueError(f"social graph file {name!r}: expected .csv, .graphml or .gexf")
    except (OSError, nx.NetworkXError, SyntaxError) as exc:  # ElementTree's ParseError is a SyntaxError
        raise ValueError(f"social graph file {name!r} could not be read: {exc}") from None
    g = nx.Graph(g)  # directed or multi-graphs become simple undirected friendships
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    nodes = [str(v) for v in g.nodes]
    return nodes, [(str(a), str(b)) for a, b in g.edges]


__all__ = ["read_graph_file"]
