"""The DCAT catalog of a release, built by "profiles" as in ckanext-dcat.

:func:`catalog_graph` collects the facts once (:class:`CatalogSource`) and lets each profile add
what its application profile asks for: :func:`dcat_ap_profile` (DCAT-AP 3, which data.europa.eu
reads) and then :func:`dcat_ap_se_profile` (what Sveriges dataportal adds on top). A new profile is
a new function in :data:`PROFILES`, not edits all over. Afterwards every controlled-vocabulary term
the catalog uses is typed and labelled in the catalog itself.

IRIs: the catalog's own entities are hash IRIs of the catalog document, ``{base}catalog#catalog``,
``…#dataset``, ``…#distribution-{file}``, ``…#sparql-service`` — they dereference to the served
catalog. Publisher and contact point reuse the knowledge graph's IRIs (``{base}id/organization/
sambruk``, ``{base}id/contact/…``), which dereference to their resource pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from ..config import Settings
from ..formats import NQUADS, RDF_FORMATS, Format
from ..iris import thing_iri
from ..namespaces import ADMS, SCHEMA, SPDX, VCARD, bind_prefixes, vocab_namespace
from ..release import DATASET_DUMP, ReleaseFile
from . import vocabularies as voc
from .catalog_facts import Facts, add_facts, load_facts
from .statistics import GraphStatistics
from .void import vocabularies_used

DCATAP = "http://data.europa.eu/r5r/"
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace is DCAT 2
SPARQL_PROTOCOL = URIRef("http://www.w3.org/TR/sparql11-protocol/")

# Vocabularies the graph may use, with their titles (for dct:conformsTo); the own one is added by base.
KNOWN_VOCABULARIES = {
    "https://schema.org/": "Schema.org",
    "http://schema.org/": "Schema.org",
    "http://www.w3.org/ns/prov#": "PROV-O: The PROV Ontology",
    "http://www.w3.org/2004/02/skos/core#": "SKOS Simple Knowledge Organization System",
    "http://purl.org/dc/terms/": "DCMI Metadata Terms",
    "http://xmlns.com/foaf/0.1/": "FOAF Vocabulary Specification",
    "http://www.w3.org/2002/07/owl#": "OWL 2 Web Ontology Language",
    "http://www.w3.org/2000/01/rdf-schema#": "RDF Schema 1.1",
    "http://www.w3.org/ns/dcat#": "Data Catalog Vocabulary (DCAT)",
    "http://www.w3.org/2006/vcard/ns#": "vCard Ontology",
    "http://www.wikidata.org/prop/direct/": "Wikidata",
}


def sv_en(sv: str, en: str) -> list[Literal]:
    return [Literal(sv, lang="sv"), Literal(en, lang="en")]


@dataclass(frozen=True)
class CatalogSource:
    """Everything the profiles need: the released graph, its dumps and the release facts."""

    graph: Graph
    dumps: tuple[ReleaseFile, ...]
    base: str
    version: str
    created: str  # ISO 8601 UTC
    facts: Facts  # the publisher's, from data/catalog.toml (see .catalog_facts)
    statistics: GraphStatistics | None = None  # of ``graph``, when the build has made them

    # ---- the IRIs of the catalog's entities (one place) ----
    @property
    def document(self) -> str:
        return f"{self.base}catalog"

    def _hash(self, name: str) -> URIRef:
        return URIRef(f"{self.document}#{name}")

    @property
    def catalog(self) -> URIRef:
        return self._hash("catalog")

    @property
    def dataset(self) -> URIRef:
        return self._hash("dataset")

    @property
    def service(self) -> URIRef:
        return self._hash("sparql-service")

    @property
    def api_distribution(self) -> URIRef:
        return self._hash("distribution-sparql")

    @property
    def temporal(self) -> URIRef:
        return self._hash("temporal-coverage")

    @property
    def provenance(self) -> URIRef:
        return self._hash("provenance")

    def distribution(self, dump: ReleaseFile) -> URIRef:
        return self.named_distribution(dump.name)

    def checksum(self, dump: ReleaseFile) -> URIRef:
        return URIRef(f"{self.distribution(dump)}-checksum")

    def download_url(self, name: str) -> URIRef:
        return URIRef(f"{self.base}download/{name}")

    def dataset_dumps(self) -> tuple[str, ...]:
        """The N-Quads dump of the whole SPARQL dataset, plain and gzipped (written after the catalog,
        which it contains)."""
        return (DATASET_DUMP, DATASET_DUMP + ".gz")

    def named_distribution(self, name: str) -> URIRef:
        return self._hash("distribution-" + re.sub(r"[^A-Za-z0-9]+", "-", name))

    @property
    def sparql_endpoint(self) -> URIRef:
        return URIRef(f"{self.base}sparql")

    @property
    def landing_page(self) -> URIRef:
        return URIRef(self.base)

    @property
    def publisher(self) -> URIRef:
        return URIRef(thing_iri(self.base, "organization", self.facts["publisher"]["slug"]))

    @property
    def contact(self) -> URIRef:
        """The publisher's contact point in the knowledge graph, else one minted by convention."""
        known = self.graph.value(self.publisher, SCHEMA.contactPoint)
        return (
            known
            if isinstance(known, URIRef)
            else URIRef(thing_iri(self.base, "contact", self.facts["contact"]["slug"]))
        )

    @property
    def contact_name(self) -> str:
        """The name of the person whose contact point it is (else the one in the facts)."""
        for person in self.graph.subjects(SCHEMA.contactPoint, self.contact):
            if (person, RDF.type, SCHEMA.Person) in self.graph:
                names = {o.language: str(o) for o in self.graph.objects(person, SCHEMA.name) if isinstance(o, Literal)}
                return names.get("sv") or names.get("en") or next(iter(names.values()))
        return str(self.facts["contact"]["name"])

    @property
    def created_date(self) -> Literal:
        return Literal(self.created[:10], datatype=XSD.date)

    def dump_format(self, dump: ReleaseFile) -> Format:
        stem = dump.name.removesuffix(".gz")
        fmt = next((f for f in RDF_FORMATS if stem.endswith("." + f.extension)), None)
        if fmt is None:
            raise ValueError(f"{dump.name} is not a known RDF dump")
        return fmt

    def vocabularies(self) -> list[str]:
        """Namespaces of the classes and properties the graph uses (what void:vocabulary lists)."""
        return vocabularies_used(self.statistics or GraphStatistics.of(self.graph), self.base)


Profile = Callable[[Graph, CatalogSource], None]


# ---------------------------------------------------------------------------------------------
# DCAT-AP 3 (data.europa.eu)
# ---------------------------------------------------------------------------------------------


def dcat_ap_profile(g: Graph, src: CatalogSource) -> None:
    """Catalog, dataset, one distribution per dump, the SPARQL service: DCAT-AP mandatory + recommended."""
    _catalog(g, src)
    _dataset(g, src)
    for dump in src.dumps:
        _dump_distribution(g, src, dump)
    for name in src.dataset_dumps():
        _dataset_dump_distribution(g, src, name)
    _service(g, src)
    _agents(g, src)


def _catalog(g: Graph, src: CatalogSource) -> None:
    c = src.catalog
    g.add((c, RDF.type, DCAT.Catalog))
    add_facts(g, c, src.facts, "catalog")
    g.add((c, DCTERMS.publisher, src.publisher))
    g.add((c, DCTERMS.modified, src.created_date))
    g.add((c, FOAF.homepage, src.landing_page))
    g.add((src.landing_page, RDF.type, FOAF.Document))
    g.add((c, DCAT.themeTaxonomy, voc.DATA_THEME_SCHEME))
    g += voc.scheme(voc.DATA_THEME_SCHEME)
    g.add((c, DCAT.dataset, src.dataset))
    g.add((c, DCAT.service, src.service))


def _dataset(g: Graph, src: CatalogSource) -> None:
    d = src.dataset
    g.add((d, RDF.type, DCAT.Dataset))
    add_facts(g, d, src.facts, "dataset")
    g.add((d, DCTERMS.temporal, src.temporal))
    g.add((src.temporal, RDF.type, DCTERMS.PeriodOfTime))
    add_facts(g, src.temporal, src.facts, "dataset.temporal")
    g.add((d, DCTERMS.identifier, Literal(str(d))))
    g.add((d, DCTERMS.modified, src.created_date))
    g.add((d, DCAT_VERSION, Literal(src.version)))
    g.add((d, OWL.versionInfo, Literal(src.version)))  # DCAT-AP 2.x reads owl:versionInfo
    for note in sv_en(
        f"Utgåva {src.version} (innehållshash), byggd {src.created} med {len(src.graph)} tripler, "
        "validerad mot projektets SHACL-former innan publicering.",
        f"Release {src.version} (content hash), built {src.created} with {len(src.graph)} triples, "
        "validated against the project's SHACL shapes before publication.",
    ):
        g.add((d, ADMS.versionNotes, note))
    g.add((d, DCTERMS.publisher, src.publisher))
    g.add((d, DCAT.contactPoint, src.contact))
    g.add((d, DCAT.landingPage, src.landing_page))
    g.add((d, DCTERMS.provenance, src.provenance))
    g.add((src.provenance, RDF.type, DCTERMS.ProvenanceStatement))
    add_facts(g, src.provenance, src.facts, "dataset.provenance")
    for namespace in src.vocabularies():
        standard = URIRef(namespace)
        g.add((d, DCTERMS.conformsTo, standard))
        g.add((standard, RDF.type, DCTERMS.Standard))
        if namespace == str(vocab_namespace(src.base)):
            for t in sv_en("DigiGov-ordförrådet (digigov-lod)", "The DigiGov vocabulary (digigov-lod)"):
                g.add((standard, DCTERMS.title, t))
        else:
            g.add((standard, DCTERMS.title, Literal(KNOWN_VOCABULARIES.get(namespace, namespace), lang="en")))
    for dump in src.dumps:
        g.add((d, DCAT.distribution, src.distribution(dump)))
    for name in src.dataset_dumps():
        g.add((d, DCAT.distribution, src.named_distribution(name)))
    g.add((d, DCAT.distribution, src.api_distribution))


def _dump_distribution(g: Graph, src: CatalogSource, dump: ReleaseFile) -> None:
    fmt = src.dump_format(dump)
    dist = src.distribution(dump)
    gz = dump.encoding == "gzip"
    suffix_sv, suffix_en = (" (gzip-komprimerad)", " (gzip-compressed)") if gz else ("", "")
    for t in sv_en(
        f"Hela kunskapsgrafen i {fmt.label}{suffix_sv}", f"The whole knowledge graph in {fmt.label}{suffix_en}"
    ):
        g.add((dist, DCTERMS.title, t))
    for text in sv_en(
        f"Nedladdningsbar fil {dump.name}: alla {len(src.graph)} tripler i utgåva {src.version}, "
        f"serialiserade som {fmt.label}{suffix_sv}.",
        f"Downloadable file {dump.name}: all {len(src.graph)} triples of release {src.version}, "
        f"serialised as {fmt.label}{suffix_en}.",
    ):
        g.add((dist, DCTERMS.description, text))
    _file_distribution(g, src, dist, dump.name, fmt, gz)
    g.add((dist, DCAT.downloadURL, src.download_url(dump.name)))
    g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    checksum = src.checksum(dump)
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, voc.SHA256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))


def _dataset_dump_distribution(g: Graph, src: CatalogSource, name: str) -> None:
    """The N-Quads dump of the SPARQL dataset. It holds this catalog, so the catalog cannot state its size or
    checksum (they are on the downloads page and in the release's manifest); without them it is given by
    ``dcat:accessURL`` only, as DCAT allows, not as a ``dcat:downloadURL`` with the facts a download has."""
    dist = src.named_distribution(name)
    gz = name.endswith(".gz")
    suffix_sv, suffix_en = (" (gzip-komprimerad)", " (gzip-compressed)") if gz else ("", "")
    for t in sv_en(f"Hela SPARQL-datamängden i N-Quads{suffix_sv}", f"The whole SPARQL dataset in N-Quads{suffix_en}"):
        g.add((dist, DCTERMS.title, t))
    for text in sv_en(
        f"Fil {name} för att läsa in datamängden i en egen SPARQL-motor: kunskapsgrafen, katalogen och VoID i "
        f"sina namngivna grafer ({src.base}graph/…) och deras sammanslagning i standardgrafen, som "
        f"SPARQL-tjänsten har dem i utgåva {src.version}. Storlek och SHA-256 finns på {src.base}download/.",
        f"File {name} for loading the dataset into a SPARQL engine of your own: the knowledge graph, the catalog "
        f"and VoID in their named graphs ({src.base}graph/…) and their merge in the default graph, as the SPARQL "
        f"service holds them in release {src.version}. Its size and SHA-256 are at {src.base}download/.",
    ):
        g.add((dist, DCTERMS.description, text))
    _file_distribution(g, src, dist, name, NQUADS, gz)


def _file_distribution(g: Graph, src: CatalogSource, dist: URIRef, name: str, fmt: Format, gz: bool) -> None:
    """What every file offered for download says: where, format, licence, dates, languages."""
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.accessURL, src.download_url(name)))
    g.add((dist, DCAT.mediaType, voc.iana(fmt.media_type)))
    if fmt.eu_file_type:
        g.add((dist, DCTERMS.format, voc.file_type(fmt.eu_file_type)))
    if gz:
        g.add((dist, DCAT.compressFormat, voc.iana("application/gzip")))
    g.add((dist, DCTERMS.issued, src.created_date))
    g.add((dist, DCTERMS.modified, src.created_date))
    add_facts(g, dist, src.facts, "dump_distributions")


def _service(g: Graph, src: CatalogSource) -> None:
    s = src.service
    g.add((s, RDF.type, DCAT.DataService))
    add_facts(g, s, src.facts, "service")
    g.add((s, DCAT.endpointURL, src.sparql_endpoint))
    g.add((s, DCAT.endpointDescription, src.sparql_endpoint))
    g.add((src.sparql_endpoint, RDF.type, RDFS.Resource))
    g.add((s, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    g.add((s, DCAT.servesDataset, src.dataset))
    g.add((s, DCTERMS.publisher, src.publisher))
    g.add((s, DCAT.contactPoint, src.contact))
    g.add((s, DCAT.landingPage, src.landing_page))
    g.add((s, DCTERMS.format, voc.file_type("SPARQLQ")))


def _graph_text(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language}


def _agents(g: Graph, src: CatalogSource) -> None:
    """The publisher (foaf:Agent) and the contact point (vcard), from the knowledge graph where it has them."""
    p = src.publisher
    g.add((p, RDF.type, FOAF.Agent))
    g.add((p, RDF.type, FOAF.Organization))
    publisher_name: dict[str, str] = src.facts["publisher"]["name"]
    names = _graph_text(src.graph, p, SCHEMA.name) or publisher_name
    for lang, name in names.items():
        g.add((p, FOAF.name, Literal(name, lang=lang)))
    c = src.contact
    g.add((c, RDF.type, VCARD.Kind))
    g.add((c, RDF.type, VCARD.Individual))
    g.add((c, VCARD.fn, Literal(src.contact_name)))
    email = src.graph.value(c, SCHEMA.email) or src.facts["contact"]["email"]
    g.add((c, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    org = publisher_name["sv"]
    g.add((c, VCARD["organization-name"], Literal(org, lang="sv")))


# ---------------------------------------------------------------------------------------------
# DCAT-AP-SE 3 (Sveriges dataportal)
# ---------------------------------------------------------------------------------------------


def dcat_ap_se_profile(g: Graph, src: CatalogSource) -> None:
    """What DCAT-AP-SE adds: CC0 catalog licence, publisher type and identifier, a richer contact,
    and a distribution that points at the SPARQL service (how the portal recognises an API)."""
    p = src.publisher
    g.add((p, DCTERMS.type, voc.PUBLISHER_TYPE.NonProfitOrganisation))
    number = src.graph.value(p, vocab_namespace(src.base).organisationNumber)
    if number is not None:
        g.add((p, DCTERMS.identifier, Literal(str(number))))
    for lang, text in _graph_text(src.graph, p, SCHEMA.description).items():
        g.add((p, DCTERMS.description, Literal(text, lang=lang)))
    _contact_details(g, src)
    _api_distribution(g, src)


def _tel(number: str) -> URIRef:
    """A Swedish national number as an RFC 3966 global tel: IRI (``0703-14 11 92`` → ``tel:+46703141192``)."""
    digits = re.sub(r"\D", "", number)
    return URIRef("tel:+46" + digits[1:] if digits.startswith("0") else "tel:+" + digits)


def _contact_details(g: Graph, src: CatalogSource) -> None:
    c = src.contact
    phone = src.graph.value(c, SCHEMA.telephone)
    if phone is not None:
        g.add((c, VCARD.hasTelephone, _tel(str(phone))))
    address = src.graph.value(src.publisher, SCHEMA.address)
    if isinstance(address, URIRef):
        g.add((c, VCARD.hasAddress, address))
        g.add((address, RDF.type, VCARD.Address))
        for schema_p, vcard_p in (
            (SCHEMA.streetAddress, "street-address"),
            (SCHEMA.postalCode, "postal-code"),
            (SCHEMA.addressLocality, "locality"),
        ):
            value = src.graph.value(address, schema_p)
            if value is not None:
                g.add((address, VCARD[vcard_p], Literal(str(value))))
        g.add((address, VCARD["country-name"], Literal("Sverige", lang="sv")))


def _api_distribution(g: Graph, src: CatalogSource) -> None:
    dist = src.api_distribution
    g.add((dist, RDF.type, DCAT.Distribution))
    add_facts(g, dist, src.facts, "api_distribution")
    g.add((dist, DCAT.accessURL, src.sparql_endpoint))
    g.add((dist, DCAT.accessService, src.service))
    g.add((dist, DCTERMS.format, voc.file_type("SPARQLQ")))


PROFILES: tuple[Profile, ...] = (dcat_ap_profile, dcat_ap_se_profile)


class UnlabelledTerms(ValueError):
    """The catalog uses controlled-vocabulary IRIs we cannot type and label."""


def catalog_graph(
    graph: Graph,
    dumps: list[ReleaseFile],
    base: str,
    version: str,
    created: str,
    profiles: tuple[Profile, ...] = PROFILES,
    facts: Facts | None = None,
    statistics: GraphStatistics | None = None,
) -> Graph:
    """The release's catalog: every profile applied in order, then the vocabulary terms labelled.

    ``facts``: the publisher's (default: the project's ``data/catalog.toml``)."""
    dump_files = tuple(d for d in dumps if d.role in ("dump", "dump-gzip"))
    facts = facts if facts is not None else load_facts(Settings().catalog_file)
    src = CatalogSource(graph, dump_files, base, version, created, facts, statistics)
    catalog = bind_prefixes(Graph(), base)
    catalog.bind("dcatap", DCATAP)
    catalog.bind("catalog", f"{src.document}#")
    for profile in profiles:
        profile(catalog, src)
    unknown = voc.label_controlled_terms(catalog)
    if unknown:
        raise UnlabelledTerms("no type and label for controlled-vocabulary term(s): " + ", ".join(map(str, unknown)))
    return catalog
