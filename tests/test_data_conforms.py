"""The hand-written data (data/ + ontology/) passes every shape in shapes/ with zero violations."""

import pytest
from data_fixtures import data_graph, run_shacl, violations


@pytest.mark.slow  # the session's release fixture already fails if the data does not conform (the build refuses it)
def test_data_conforms_to_shapes():
    conforms, results = run_shacl(data_graph())
    found = violations(results)
    assert found == [], "\n".join(f"{v['focus']}: {v['message']}" for v in found)
    assert conforms


def test_every_id_resource_is_typed_and_sourced():
    graph = data_graph()
    from rdflib import RDF, URIRef
    from rdflib.namespace import PROV

    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and "/id/" in str(s)}
    assert len(subjects) > 150
    untyped = [s for s in subjects if (s, RDF.type, None) not in graph]
    unsourced = [s for s in subjects if (s, PROV.wasDerivedFrom, None) not in graph]
    assert untyped == []
    assert unsourced == []
