"""The SPARQL 1.1 query service: guard, engine workers, result serialisers, cache."""
