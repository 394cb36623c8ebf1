"""Narrow each shape's targets to the focus nodes that could violate it, so pyshacl evaluates only those.

pyshacl spends its time evaluating every constraint on every focus node, although on publishable data almost
every node conforms. For each shape with targets this module asks the Oxigraph copy of the data (one SPARQL
query per shape) which of its focus nodes *might* fail, and gives pyshacl a copy of the shapes in which that
shape's targets are replaced by ``sh:targetNode`` for those candidates only. pyshacl then validates the
candidates in full, with the original shape, so every finding it reports is the one it would have reported;
the only risk is a node left out, and the translation is built so that that cannot happen:

* every constraint becomes a SPARQL expression that is a *sufficient* condition for the node to conform, and
  ``!COALESCE(condition, false)`` is the candidate test, so an expression that errs (a comparison of
  incomparable values, ``DATATYPE`` of an IRI) makes the node a candidate instead of dropping it;
* where a condition is also *necessary* (``exact``), it may be negated, as ``sh:not`` and ``sh:xone`` need;
  a constraint with no exact translation inside them makes the whole shape unknown;
* ``sh:pattern`` is checked in Python with pyshacl's own regular expressions and string conversion (SPARQL's
  REGEX dialect differs from Python's); inside ``sh:or``, ``sh:node`` … it counts as never surely met;
* a ``$this``-first SPARQL constraint's violating nodes are its whole-graph answer (see shacl_queries.py);
* anything else — an unknown constraint parameter, a custom constraint component, a path that is not a
  property path, implicit class targets, a SPARQL constraint that is not ``$this``-first — is Unknown, and
  the shape keeps its original targets;
* the data's literals must mean the same to rdflib and to Oxigraph (no ill-typed literal, no explicit
  ``xsd:string``, no literal Oxigraph stores in another lexical form, lower-case language tags); if one does
  not, no shape is narrowed at all.

``tests/test_shacl_narrowing.py`` checks each rule against pyshacl on mutated data, and
``tests/test_validation_equivalence.py`` holds narrowed findings equal to unnarrowed and slow-path ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count

from pyshacl.constraints.core.string_based_constraints import PatternConstraintComponent
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Identifier, Node

from .shacl_queries import QueryGraph, whole_graph_for_this

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

#: Predicates of a shape that constrain nothing (or are read together with the constraint they qualify).
_NOT_CONSTRAINTS = {
    RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.deactivated, SH.path, SH.ignoredProperties, SH.flags, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, *TARGETS,
}  # fmt: skip
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
#: Numbers compare alike in rdflib and Oxigraph only between plain integers; anything else stays a candidate.
_INTEGER = XSD.integer
#: Plain dates (no time zone) compare alike in both; sh:lessThanOrEquals is trusted only between such values.
_PLAIN_DATE = '(DATATYPE({a}) = xsd:date && DATATYPE({b}) = xsd:date && REGEX(STR({a}), "^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$") && REGEX(STR({b}), "^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$"))'  # noqa: E501
_PLAIN_INTEGER = "(DATATYPE({a}) = xsd:integer && DATATYPE({b}) = xsd:integer)"
_PROLOGUE = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)


class Unknown(Exception):
    """A shape (or part of one) whose violations cannot be soundly narrowed down: keep its targets."""


@dataclass(frozen=True)
class Condition:
    """A SPARQL boolean expression that implies conformance; ``exact`` if conformance also implies it."""

    expr: str
    exact: bool = True


TRUE = Condition("true")
NEVER_SURE = Condition("false", exact=False)


def _all(conditions: list[Condition]) -> Condition:
    if not conditions:
        return TRUE
    if len(conditions) == 1:
        return conditions[0]
    return Condition("(" + " && ".join(c.expr for c in conditions) + ")", all(c.exact for c in conditions))


def _safe(expr: str) -> str:
    """An expression that is false where SPARQL would raise an error."""
    return f"COALESCE({expr}, false)"


@dataclass
class PatternCheck:
    """A top-level sh:pattern, checked in Python exactly as pyshacl checks it."""

    path: str | None  # None: the focus node itself
    matcher: re.Pattern[str]

    def fails(self, value: Node) -> bool:
        if isinstance(value, BNode):
            return True
        text = PatternConstraintComponent.value_node_to_string(value)
        return not (self.matcher.match(text) or self.matcher.search(text))


@dataclass
class ShapeTest:
    """How to find a top-level shape's candidates: targets, a SPARQL condition, Python checks, SPARQL constraints."""

    prologue: str  # PREFIX lines for the target queries
    targets: str  # a group graph pattern binding ?this
    condition: Condition
    patterns: list[PatternCheck]
    sparql_constraints: list[str]


class _Translator:
    """Shapes → SPARQL, following the rules in the module text."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.fresh = count()

    def var(self) -> str:
        return f"?n{next(self.fresh)}"

    def term(self, node: Node) -> str:
        if isinstance(node, BNode):
            raise Unknown("a blank node as a constraint value")
        return node.n3()

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def one(self, shape: Node, predicate: URIRef) -> Node:
        values = list(self.shapes.objects(shape, predicate))
        if len(values) != 1:
            raise Unknown(f"{predicate} given {len(values)} times")
        return values[0]

    # --- paths -------------------------------------------------------------------------------------------
    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        if not isinstance(node, BNode):
            raise Unknown("a path that is not an IRI or a path expression")
        if (node, RDF.first, None) in self.shapes:
            return "(" + "/".join(self.path(step) for step in self.items(node)) + ")"
        (predicate, value), *rest = list(self.shapes.predicate_objects(node)) or [(None, None)]
        if rest or predicate is None:
            raise Unknown("an ill-formed path")
        if predicate == SH.alternativePath:
            return "(" + "|".join(self.path(step) for step in self.items(value)) + ")"
        if predicate == SH.inversePath:
            return f"^{self.path(value)}"
        modifiers = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
        if predicate in modifiers:
            return f"({self.path(value)}){modifiers[predicate]}"
        raise Unknown(f"the path operator {predicate}")

    # --- a node against a whole shape --------------------------------------------------------------------
    def conforms(self, shape: Node, x: str) -> Condition:
        """A condition on ``x`` that implies ``x`` conforms to ``shape`` (nested use: sh:node, sh:or …)."""
        if self.deactivated(shape):
            return TRUE
        if (shape, SH.path, None) in self.shapes:
            return self.property_shape(shape, x, top_level=False)[0]
        return self.value_constraints(shape, x, top_level=False)[0]

    def deactivated(self, shape: Node) -> bool:
        return any(v.toPython() is True for v in self.shapes.objects(shape, SH.deactivated) if isinstance(v, Literal))

    def value_constraints(self, shape: Node, v: str, top_level: bool) -> tuple[Condition, list[re.Pattern[str]]]:
        """The constraints of ``shape`` that apply to one node ``v`` (its value nodes, for a property shape).

        At the top level a sh:pattern is returned for Python instead of being translated.
        """
        conditions: list[Condition] = []
        patterns: list[re.Pattern[str]] = []
        path_based = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan,
                      SH.lessThanOrEquals, SH.qualifiedValueShape}  # fmt: skip
        is_property = (shape, SH.path, None) in self.shapes
        for predicate, value in self.shapes.predicate_objects(shape):
            if predicate in _NOT_CONSTRAINTS or (is_property and predicate in path_based):
                continue
            if is_property and predicate in (SH.hasValue, SH.sparql):
                continue  # about the focus node: see property_shape
            if is_property and predicate == SH.closed:
                raise Unknown("sh:closed on a property shape")
            if predicate == SH.property and top_level and not is_property:
                continue  # the node shape's own property shapes: see shape_test
            if predicate == SH.pattern:
                if top_level:
                    patterns.append(self.regex(shape, value))
                else:
                    conditions.append(NEVER_SURE)
                continue
            if predicate == SH.sparql:
                if not top_level:
                    conditions.append(NEVER_SURE)
                continue  # at the top level: answered by the whole-graph query, see ShapeTest.sparql_constraints
            conditions.append(self.value_constraint(shape, predicate, value, v))
        return _all(conditions), patterns

    def regex(self, shape: Node, pattern: Node) -> re.Pattern[str]:
        flags = 0
        for given in self.shapes.objects(shape, SH.flags):
            flags |= (re.I if "i" in str(given).lower() else 0) | (re.M if "m" in str(given).lower() else 0)
            break  # pyshacl reads the first sh:flags only
        return re.compile(str(pattern), flags)

    def value_constraint(self, shape: Node, predicate: Node, value: Node, v: str) -> Condition:
        if predicate == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise Unknown(f"sh:nodeKind {value}")
            return Condition(_NODE_KINDS[value].format(v=v))
        if predicate == SH.datatype:
            return Condition(_safe(self.datatype(value, v)))
        if predicate == SH["class"]:
            return Condition(f"EXISTS {{ {v} rdf:type/rdfs:subClassOf* {self.term(value)} }}")
        if predicate == SH["in"]:
            options = [f"sameTerm({v}, {self.term(item)})" for item in self.items(value)]
            return Condition("(" + (" || ".join(options) or "false") + ")")
        if predicate == SH.hasValue:
            return Condition(f"sameTerm({v}, {self.term(value)})")
        if predicate == SH.languageIn:
            wanted = ", ".join(Literal(str(item).lower()).n3() for item in self.items(value))
            if "*" in wanted:
                return Condition(_safe(f'LANG({v}) != ""'))
            lang = f"LCASE(LANG({v}))"
            return Condition(_safe(f'isLiteral({v}) && {lang} != "" && '
                                   f'({lang} IN ({wanted}) || STRBEFORE({lang}, "-") IN ({wanted}))'))  # fmt: skip
        if predicate in _RANGES:
            if not (isinstance(value, Literal) and value.datatype == _INTEGER):
                return NEVER_SURE
            return Condition(_safe(f"DATATYPE({v}) = xsd:integer && {v} {_RANGES[predicate]} {value.n3()}"), False)
        if predicate in (SH.minLength, SH.maxLength):
            return NEVER_SURE
        if predicate == SH.node:
            return self.conforms(value, v)
        if predicate == SH.property:
            return self.conforms(value, v)
        if predicate == SH["not"]:
            inner = self.conforms(value, v)
            if not inner.exact:
                raise Unknown("sh:not of a shape without an exact translation")
            return Condition(f"!({inner.expr})")
        if predicate in (SH["or"], SH["and"], SH.xone):
            members = [self.conforms(member, v) for member in self.items(value)]
            if predicate == SH["and"]:
                return _all(members)
            if predicate == SH["or"]:
                return Condition("(" + (" || ".join(m.expr for m in members) or "false") + ")",
                                 all(m.exact for m in members))  # fmt: skip
            if not all(m.exact for m in members):
                raise Unknown("sh:xone of shapes without exact translations")
            return Condition("(" + " + ".join(f"IF({m.expr}, 1, 0)" for m in members) + " = 1)")
        if predicate == SH.closed:
            return self.closed(shape, value, v)
        if str(predicate).startswith(str(SH)):
            raise Unknown(f"the constraint parameter {predicate}")
        return TRUE  # not SHACL: pyshacl ignores it (custom components are refused in narrowed_shapes)

    def datatype(self, datatype: Node, v: str) -> str:
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        if datatype == XSD.string:
            return f'isLiteral({v}) && DATATYPE({v}) = xsd:string && LANG({v}) = ""'
        if datatype == RDF.langString:
            return f'isLiteral({v}) && LANG({v}) != ""'
        return f"isLiteral({v}) && DATATYPE({v}) = {self.term(datatype)}"

    def closed(self, shape: Node, value: Node, v: str) -> Condition:
        if not (isinstance(value, Literal) and value.toPython() is True):
            return TRUE
        allowed = {
            path
            for prop in self.shapes.objects(shape, SH.property)
            for path in self.shapes.objects(prop, SH.path)
            if isinstance(path, URIRef)
        }
        for ignored in self.shapes.objects(shape, SH.ignoredProperties):
            allowed.update(self.items(ignored))
        p, o = self.var(), self.var()
        listed = ", ".join(sorted(self.term(a) for a in allowed))
        keep = f"FILTER({p} NOT IN ({listed}))" if listed else ""
        return Condition(f"NOT EXISTS {{ {v} {p} {o} {keep} }}")

    # --- a property shape on its focus node -------------------------------------------------------------
    def property_shape(self, shape: Node, x: str, top_level: bool) -> tuple[Condition, list[re.Pattern[str]]]:
        path = self.path(self.one(shape, SH.path))
        conditions: list[Condition] = []
        v = self.var()
        values, patterns = self.value_constraints(shape, v, top_level)
        if values is not TRUE:
            conditions.append(Condition(f"NOT EXISTS {{ {x} {path} {v} FILTER(!{_safe(values.expr)}) }}", values.exact))
        for low in self.shapes.objects(shape, SH.minCount):
            conditions.append(self.at_least(int(low), x, path))
        for high in self.shapes.objects(shape, SH.maxCount):
            conditions.append(Condition(f"!{self.at_least(int(high) + 1, x, path).expr}"))
        for value in self.shapes.objects(shape, SH.hasValue):
            conditions.append(Condition(f"EXISTS {{ {x} {path} {self.term(value)} }}"))
        for flag in self.shapes.objects(shape, SH.uniqueLang):
            if isinstance(flag, Literal) and flag.toPython() is True:
                a, b = self.var(), self.var()
                same = (f'isLiteral({a}) && LANG({a}) != "" && !sameTerm({a}, {b}) && '
                        f"LCASE(LANG({a})) = LCASE(LANG({b}))")  # fmt: skip
                conditions.append(Condition(f"NOT EXISTS {{ {x} {path} {a}, {b} FILTER({_safe(same)}) }}"))
        for other in self.shapes.objects(shape, SH.equals):
            a, q = self.var(), self.term(other)
            only_path = f"NOT EXISTS {{ {x} {path} {a} FILTER NOT EXISTS {{ {x} {q} {a} }} }}"
            only_other = f"NOT EXISTS {{ {x} {q} {a} FILTER NOT EXISTS {{ {x} {path} {a} }} }}"
            conditions.append(Condition(f"{only_path} && {only_other}"))
        for other in self.shapes.objects(shape, SH.disjoint):
            a = self.var()
            conditions.append(Condition(f"NOT EXISTS {{ {x} {path} {a} . {x} {self.term(other)} {a} }}"))
        for predicate, operator in ((SH.lessThanOrEquals, "<="), (SH.lessThan, "<")):
            for other in self.shapes.objects(shape, predicate):
                a, b = self.var(), self.var()
                comparable = f"({_PLAIN_DATE} || {_PLAIN_INTEGER})".format(a=a, b=b)
                ok = _safe(f"{comparable} && {a} {operator} {b}")
                pairs = f"{x} {path} {a} . {x} {self.term(other)} {b}"
                conditions.append(Condition(f"NOT EXISTS {{ {pairs} FILTER(!{ok}) }}", exact=False))
        for qualified in self.shapes.objects(shape, SH.qualifiedValueShape):
            conditions.append(self.qualified(shape, qualified, x, path))
        if (shape, SH.sparql, None) in self.shapes:
            conditions.append(NEVER_SURE)  # evaluated per focus node, which it may fail whatever its values
        return _all(conditions), patterns

    def at_least(self, n: int, x: str, path: str) -> Condition:
        """``x`` has at least ``n`` distinct values on ``path``."""
        if n <= 0:
            return TRUE
        if n > 4:
            raise Unknown(f"a count of {n}")
        values = [self.var() for _ in range(n)]
        distinct = [f"!sameTerm({a}, {b})" for i, a in enumerate(values) for b in values[i + 1 :]]
        where = f"FILTER({' && '.join(distinct)})" if distinct else ""
        return Condition(f"EXISTS {{ {x} {path} {', '.join(values)} {where} }}")

    def qualified(self, shape: Node, qualified: Node, x: str, path: str) -> Condition:
        if (shape, SH.qualifiedMaxCount, None) in self.shapes:
            raise Unknown("sh:qualifiedMaxCount")
        if any(v.toPython() is True for v in self.shapes.objects(shape, SH.qualifiedValueShapesDisjoint)):
            raise Unknown("sh:qualifiedValueShapesDisjoint")
        lows = [int(low) for low in self.shapes.objects(shape, SH.qualifiedMinCount)]
        if lows != [1]:
            raise Unknown("a sh:qualifiedMinCount other than 1")
        v = self.var()
        inner = self.conforms(qualified, v)
        return Condition(f"EXISTS {{ {x} {path} {v} FILTER({_safe(inner.expr)}) }}", inner.exact)

    # --- a shape with targets ----------------------------------------------------------------------------
    def targets(self, shape: Node) -> str:
        """A group pattern binding ?this to exactly the shape's focus nodes, as pyshacl finds them."""
        kinds = set(self.shapes.objects(shape, RDF.type))
        if kinds & {RDFS.Class, OWL.Class}:
            raise Unknown("implicit class targets")
        groups = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            groups.append(f"?class rdfs:subClassOf* {self.term(cls)} . ?this rdf:type ?class .")
        for p in self.shapes.objects(shape, SH.targetSubjectsOf):
            groups.append(f"?this {self.term(p)} [] .")
        for p in self.shapes.objects(shape, SH.targetObjectsOf):
            groups.append(f"[] {self.term(p)} ?this .")
        nodes = [self.term(n) for n in self.shapes.objects(shape, SH.targetNode)]
        if nodes:
            groups.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        for target in self.shapes.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.shapes:
                raise Unknown("a SHACL-AF target other than sh:SPARQLTarget")
            select = str(self.one(target, SH.select))
            if re.search(r"[$?](currentShape|shapesGraph)\b", select):
                raise Unknown("a target query that names the shapes graph")
            groups.append("{ " + select + " }")
        return " UNION ".join("{ " + g + " }" for g in groups)

    def shape_test(self, shape: Node) -> ShapeTest:
        if (shape, SH.path, None) in self.shapes:
            condition, regexes = self.property_shape(shape, "?this", top_level=True)
            path = self.path(self.one(shape, SH.path))
            patterns = [PatternCheck(path, r) for r in regexes]
            sparql: list[str] = []
        else:
            condition, regexes = self.value_constraints(shape, "?this", top_level=True)
            patterns = [PatternCheck(None, r) for r in regexes]
            for prop in self.shapes.objects(shape, SH.property):
                if self.deactivated(prop):
                    continue
                nested, nested_regexes = self.property_shape(prop, "?this", top_level=True)
                condition = _all([c for c in (condition, nested) if c is not TRUE])
                path = self.path(self.one(prop, SH.path))
                patterns.extend(PatternCheck(path, r) for r in nested_regexes)
            sparql = [self.sparql_constraint(c) for c in self.shapes.objects(shape, SH.sparql)]
        prologue = _PROLOGUE + "".join(self.prologue(t) for t in self.shapes.objects(shape, SH.target))
        return ShapeTest(prologue, self.targets(shape), condition, patterns, sparql)

    def sparql_constraint(self, constraint: Node) -> str:
        if self.deactivated(constraint):
            return ""
        select = str(self.one(constraint, SH.select))
        if re.search(r"[$?](currentShape|shapesGraph|PATH)\b", select) or not whole_graph_for_this(select):
            raise Unknown("a SPARQL constraint that is not answered for the whole graph at once")
        return self.prologue(constraint) + select

    def prologue(self, node: Node) -> str:
        lines = []
        for owner in self.shapes.objects(node, SH.prefixes):
            for declaration in self.shapes.objects(owner, SH.declare):
                prefix = self.shapes.value(declaration, SH.prefix)
                namespace = self.shapes.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(set(lines)))


def shapes_with_targets(shapes: Graph) -> list[Node]:
    """Every shape that pyshacl validates focus nodes against directly."""
    found = {s for p in TARGETS for s in shapes.subjects(p, None)}
    found |= {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if (s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes
    }
    return sorted(found, key=str)


@dataclass
class Narrowing:
    """What narrowing did: the shapes to validate with, and per shape its candidates (None: kept its targets)."""

    shapes: Graph
    candidates: dict[Node, set[Identifier] | None]

    def summary(self) -> str:
        kept = sum(1 for c in self.candidates.values() if c is None)
        narrowed = len(self.candidates) - kept
        nodes = sum(len(c) for c in self.candidates.values() if c is not None)
        return f"{narrowed} shape(s) narrowed to {nodes} candidate node(s), {kept} kept their targets"


def narrowed_shapes(data: QueryGraph, shapes: Graph) -> Narrowing:
    """A copy of ``shapes`` in which every shape that can be narrowed targets only its candidate nodes."""
    result = Graph(namespace_manager=shapes.namespace_manager)
    result += shapes  # blank nodes keep their names, so findings name the same shapes
    candidates: dict[Node, set[Identifier] | None] = {}
    shapes_list = shapes_with_targets(shapes)
    if (None, RDF.type, SH.ConstraintComponent) in shapes or data.literals_differ():
        return Narrowing(result, dict.fromkeys(shapes_list))
    translator = _Translator(shapes)
    tests: dict[Node, ShapeTest] = {}
    for shape in shapes_list:
        if translator.deactivated(shape):
            continue
        try:
            tests[shape] = translator.shape_test(shape)
        except Unknown:
            candidates[shape] = None
    with ThreadPoolExecutor(max_workers=2) as pool:  # Oxigraph evaluates with the GIL let go
        answers = dict(zip(tests, pool.map(lambda test: _candidates(data, test), tests.values()), strict=True))
    for shape, found in answers.items():
        candidates[shape] = found
        for predicate in TARGETS:
            result.remove((shape, predicate, None))
        for node in found:
            result.add((shape, SH.targetNode, node))
    return Narrowing(result, candidates)


def _candidates(data: QueryGraph, test: ShapeTest) -> set[Identifier]:
    found: set[Identifier] = set()
    if test.condition is not TRUE:
        query = f"SELECT DISTINCT ?this WHERE {{ {test.targets} FILTER(!{_safe(test.condition.expr)}) }}"
        found.update(row["this"] for row in data.select_rows(test.prologue + query))
    for check in test.patterns:
        found.update(_pattern_failures(data, test, check))
    violating = {node for text in test.sparql_constraints if text for node in data.rows_by_this(text)}
    if violating:
        focus = data.select_rows(test.prologue + f"SELECT DISTINCT ?this WHERE {{ {test.targets} }}")
        found.update(row["this"] for row in focus if row["this"] in violating)
    return found


def _pattern_failures(data: QueryGraph, test: ShapeTest, check: PatternCheck) -> Iterator[Identifier]:
    if check.path is None:
        query = f"SELECT DISTINCT ?this (?this AS ?value) WHERE {{ {test.targets} }}"
    else:
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {test.targets} ?this {check.path} ?value }}"
    for row in data.select_rows(test.prologue + query):
        if check.fails(row["value"]):
            yield row["this"]
