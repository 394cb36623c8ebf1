// Runs SPARQL queries with Comunica against one SPARQL endpoint and prints the answers as JSON.
// Used by tests/test_http_comunica.py to check the endpoint with a real federated query client.
//
//   echo '{"endpoint": "http://127.0.0.1:8000/sparql", "queries": {"name": "SELECT ..."}}' \
//     | node tests/js/comunica_query.mjs
//
// Each answer is {"bindings": [{var: term}]}, {"boolean": bool}, {"quads": [[s, p, o]]} or
// {"error": message}; a term is {"type", "value", "language"?, "datatype"?}.
import { readFileSync } from 'node:fs';
import { QueryEngine } from '@comunica/query-sparql';

const term = (t) => {
  const out = { type: t.termType, value: t.value };
  if (t.termType === 'Literal') {
    if (t.language) out.language = t.language;
    else out.datatype = t.datatype.value;
  }
  return out;
};

const input = JSON.parse(readFileSync(0, 'utf8'));
const engine = new QueryEngine();
const context = { sources: [{ type: 'sparql', value: input.endpoint }], lenient: false };
const answers = {};
for (const [name, text] of Object.entries(input.queries)) {
  try {
    const result = await engine.query(text, context);
    if (result.resultType === 'bindings') {
      const bindings = await (await result.execute()).toArray();
      answers[name] = {
        bindings: bindings.map((b) => Object.fromEntries([...b].map(([v, t]) => [v.value, term(t)]))),
      };
    } else if (result.resultType === 'boolean') {
      answers[name] = { boolean: await result.execute() };
    } else {
      const quads = await (await result.execute()).toArray();
      answers[name] = { quads: quads.map((q) => [term(q.subject), term(q.predicate), term(q.object)]) };
    }
  } catch (error) {
    answers[name] = { error: String(error && error.message ? error.message : error) };
  }
}
process.stdout.write(JSON.stringify(answers));
