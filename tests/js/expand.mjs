// Reads one JSON-LD document on stdin and prints its triples as N-Quads, using the reference
// JavaScript implementation (npm jsonld) with a document loader that serves only the schema.org
// context shipped with the package; any other fetch fails. Used by tests/test_jsonld_roundtrip.py.
//
//   node tests/js/expand.mjs < snippet.jsonld > snippet.nq
//   node tests/js/expand.mjs batch < {"name": document, ...} > {"name": "n-quads", ...}
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonld from 'jsonld';

const contextFile = fileURLToPath(
  new URL('../../src/digigov_lod/resources/schemaorg/schemaorgcontext.jsonld', import.meta.url));
const context = JSON.parse(readFileSync(contextFile, 'utf8'));
const schemaUrls = new Set();
for (const scheme of ['http', 'https']) {
  for (const path of ['', '/', '/docs/jsonldcontext.jsonld', '/docs/jsonldcontext.json']) {
    schemaUrls.add(`${scheme}://schema.org${path}`);
  }
}

const documentLoader = async (url) => {
  if (schemaUrls.has(url)) {
    return { contextUrl: null, documentUrl: url, document: context };
  }
  throw new Error(`refusing to fetch ${url}: only the shipped schema.org context is available`);
};

const input = JSON.parse(readFileSync(0, 'utf8'));
const mode = process.argv[2] || 'nquads';
if (mode === 'batch') {
  const out = {};
  for (const [name, doc] of Object.entries(input)) {
    out[name] = await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (mode === 'expand') {
  process.stdout.write(JSON.stringify(await jsonld.expand(input, { documentLoader }), null, 2) + '\n');
} else {
  process.stdout.write(await jsonld.toRDF(input, { format: 'application/n-quads', documentLoader }));
}
