"""The dataset as schema.org ``Dataset`` JSON-LD, for the landing page (what dataset search engines read).

Built from the DCAT catalog, so both say the same thing; plain schema.org terms in compact form
with ``"@context": "https://schema.org"`` (nothing is fetched to build or read it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from .dcat import DCAT_VERSION


def _texts(graph: Graph, subject: object, predicate: URIRef) -> list[dict[str, str]]:
    """Language-tagged values, Swedish first, as JSON-LD value objects."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    values.sort(key=lambda o: (o.language != "sv", o.language or "", str(o)))
    return [{"@value": str(o), "@language": o.language} if o.language else {"@value": str(o)} for o in values]


def _media_type(iri: object) -> str | None:
    return str(iri).rsplit("/media-types/", 1)[-1] if iri is not None else None


def dataset_jsonld(catalog_graph: Graph, base: str) -> dict:
    """The schema.org Dataset description of the catalog's dataset, as a JSON-serialisable dict."""
    g = catalog_graph
    dataset = next(iter(sorted(g.subjects(RDF.type, DCAT.Dataset))), None)
    if dataset is None:
        raise ValueError("the catalog has no dcat:Dataset")
    catalog = g.value(None, DCAT.dataset, dataset)
    publisher = g.value(dataset, DCTERMS.publisher)
    organisation = {
        "@type": "Organization",
        "@id": str(publisher),
        "name": _texts(g, publisher, FOAF.name),
    }
    contact = g.value(dataset, DCAT.contactPoint)
    email = g.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) if contact else None
    if email is not None:
        organisation["email"] = str(email).removeprefix("mailto:")
    temporal = g.value(dataset, DCTERMS.temporal)
    start, end = g.value(temporal, DCAT.startDate), g.value(temporal, DCAT.endDate)
    spatial = g.value(dataset, DCTERMS.spatial)
    distributions = []
    for dist in sorted(g.objects(dataset, DCAT.distribution)):
        url = g.value(dist, DCAT.downloadURL)
        if url is None:
            continue
        media = _media_type(g.value(dist, DCAT.compressFormat) or g.value(dist, DCAT.mediaType))
        item = {"@type": "DataDownload", "contentUrl": str(url), "encodingFormat": media}
        size = g.value(dist, DCAT.byteSize)
        if size is not None:
            item["contentSize"] = f"{int(size)} B"
        titles = _texts(g, dist, DCTERMS.title)
        if titles:
            item["name"] = titles
        distributions.append(item)

    description = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": str(dataset),
        "url": base,
        "name": _texts(g, dataset, DCTERMS.title),
        "description": _texts(g, dataset, DCTERMS.description),
        "inLanguage": ["sv", "en"],
        "keywords": [str(k) for k in sorted(g.objects(dataset, DCAT.keyword))],
        "license": str(g.value(dataset, DCTERMS.license)),
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "temporalCoverage": f"{start}/{end}",
        "spatialCoverage": {
            "@type": "Place",
            "name": _texts(g, spatial, SKOS.prefLabel),
            "sameAs": str(spatial),
        },
        "datePublished": str(g.value(dataset, DCTERMS.issued)),
        "dateModified": str(g.value(dataset, DCTERMS.modified)),
        "version": str(g.value(dataset, DCAT_VERSION)),
        "distribution": distributions,
    }
    if catalog is not None:
        description["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "@id": str(catalog),
            "name": _texts(g, catalog, DCTERMS.title),
            "url": f"{base}catalog",
        }
    return description


@lru_cache(maxsize=4)
def _release_description(catalog_path: Path, base: str, version: str) -> dict:
    return dataset_jsonld(Graph().parse(catalog_path, format="turtle"), base)


def release_dataset_jsonld(release_path: Path, base: str, version: str) -> dict:
    """:func:`dataset_jsonld` for a published release (``catalog.ttl``), computed once per release version.

    Treat the result as read-only (it is shared between calls).
    """
    return _release_description(Path(release_path) / "catalog.ttl", base, version)
