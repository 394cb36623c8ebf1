"""Blank-node labels that follow from the graph's content, so that a graph serialises to the same bytes
every time.

rdflib's ``to_canonical_graph`` does this for any graph, but its refinement slows down sharply on many
look-alike blank nodes: the validation report of 500 copies of the report (thousands of results, each a
blank node) did not finish in 15 minutes. The blank nodes of the graphs a release writes form trees and
chains (a report's results, their paths), for which a label can be read off directly:

1. bottom up, each blank node's *content*: a hash of its statements (with the content of the blank
   nodes it points at in place of their labels) and of the statements from IRIs that point at it;
2. top down, its *label*: a hash of its content and of the statements that point at it, with the label
   of the node they come from. Where every blank node hangs from at most one other, blank nodes equal in
   both are interchangeable (swapping them maps the graph onto itself), so numbering them in any order
   gives the same graph and the same bytes.

A graph whose blank nodes form a cycle, or has look-alikes and a blank node with several blank parents,
is left to ``to_canonical_graph``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict, deque

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:32]


def _top_down(graph: Graph, blanks: set[BNode]) -> list[BNode] | None:
    """The blank nodes, each after every blank node that points at it; None if they form a cycle."""
    waiting = {b: sum(1 for s in graph.subjects(None, b) if isinstance(s, BNode)) for b in blanks}
    ready = deque(sorted((b for b, n in waiting.items() if n == 0), key=str))
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for child in graph.objects(node, None):
            if isinstance(child, BNode):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
    return order if len(order) == len(blanks) else None


def stable_labels(graph: Graph) -> dict[BNode, BNode] | None:
    """A content-derived label for every blank node of ``graph``; None when it cannot be read off safely:
    the blank nodes form a cycle, or two look alike where one of their blank nodes has several parents
    (then they need not be interchangeable: what hangs below them may be tied to different things)."""
    blanks = {n for triple in graph for n in (triple[0], triple[2]) if isinstance(n, BNode)}
    order = _top_down(graph, blanks)
    if order is None:
        return None
    content: dict[BNode, str] = {}
    for node in reversed(order):
        content[node] = _digest(
            [f"{p.n3()} {content[o] if isinstance(o, BNode) else o.n3()}" for p, o in graph.predicate_objects(node)]
            + [f"^{p.n3()} {s.n3()}" for s, p in graph.subject_predicates(node) if not isinstance(s, BNode)]
        )
    labels: dict[BNode, BNode] = {}
    taken: defaultdict[str, int] = defaultdict(int)
    for node in order:
        context = [
            f"{labels[s] if isinstance(s, BNode) else s.n3()} {p.n3()}" for s, p in graph.subject_predicates(node)
        ]
        key = _digest([content[node], *context])
        taken[key] += 1
        labels[node] = BNode(f"b{key}" if taken[key] == 1 else f"b{key}n{taken[key]}")
    if max(taken.values(), default=1) > 1 and not _is_forest(graph, blanks):
        return None
    return labels


def _is_forest(graph: Graph, blanks: set[BNode]) -> bool:
    """Whether every blank node has at most one statement from another blank node pointing at it."""
    return all(sum(1 for s in graph.subjects(None, b) if isinstance(s, BNode)) <= 1 for b in blanks)


def with_stable_blank_nodes(graph: Graph) -> Graph:
    """The same graph with content-derived blank-node labels (and the same prefixes); ``graph`` itself when
    it has no blank nodes (the knowledge graph: a copy of a million triples would cost seconds)."""
    if not any(isinstance(n, BNode) for triple in graph for n in (triple[0], triple[2])):
        return graph
    stable = Graph()
    for prefix, namespace in graph.namespaces():
        stable.bind(prefix, namespace)
    labels = stable_labels(graph)
    if labels is None:
        stable += to_canonical_graph(graph)
        return stable

    def relabel(node: Node) -> Node:
        return labels.get(node, node) if isinstance(node, BNode) else node

    for s, p, o in graph:
        stable.add((relabel(s), p, relabel(o)))
    return stable
