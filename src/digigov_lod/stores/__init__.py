"""Query engines over a release. The embedded default is pyoxigraph, in worker processes."""
