// Runs structured-data-testing-tool (npm, not written by this project) on an HTML page read from
// stdin, with its built-in Google preset plus a preset for Google's event requirements (the tool
// has none for events). Prints {passed, failed, warnings, schemas} as JSON. No network: the input
// is a Buffer of HTML, never a URL.
//
//   node tests/js/sdtt_check.mjs BusinessEvent < page.html
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { structuredDataTest } = require('structured-data-testing-tool');
const { Google } = require('structured-data-testing-tool/presets');

const type = process.argv[2];
const kind = process.argv[3] || 'event';

// https://developers.google.com/search/docs/appearance/structured-data/event
const eventPreset = (schema) => ({
  name: `Google Events (${schema})`,
  description: 'Required and recommended properties of an event for Google',
  schema,
  tests: [
    { test: `${schema}`, type: 'jsonld' },
    { test: `${schema}[*]."@type"`, expect: schema },
    { test: `${schema}[*].name` },
    { test: `${schema}[*].startDate` },
    { test: `${schema}[*].location` },
    { test: `${schema}[*].location."@type"` },
    { test: `${schema}[*].location.name` },
    { test: `${schema}[*].location.address` },
    { test: `${schema}[*].location.address."@type"`, expect: 'PostalAddress' },
    { test: `${schema}[*].location.address.addressLocality` },
    { test: `${schema}[*].location.address.addressCountry` },
    { test: `${schema}[*].description` },
    { test: `${schema}[*].endDate` },
    { test: `${schema}[*].eventStatus` },
    { test: `${schema}[*].eventAttendanceMode` },
    { test: `${schema}[*].organizer` },
    { test: `${schema}[*].organizer[*].name` },
    { test: `${schema}[*].performer`, warning: true },
    { test: `${schema}[*].image`, warning: true },
    { test: `${schema}[*].offers`, warning: true },
  ],
});

// https://developers.google.com/search/docs/appearance/structured-data/article
const reportPreset = (schema) => ({
  name: `Google Article (${schema})`,
  description: 'Article properties Google reads, for a report',
  schema,
  tests: [
    { test: `${schema}`, type: 'jsonld' },
    { test: `${schema}[*]."@type"`, expect: schema },
    { test: `${schema}[*].headline` },
    { test: `${schema}[*].author` },
    { test: `${schema}[*].author."@type"` },
    { test: `${schema}[*].author.name` },
    { test: `${schema}[*].publisher` },
    { test: `${schema}[*].publisher.name` },
    { test: `${schema}[*].inLanguage` },
    { test: `${schema}[*].datePublished`, warning: true },
    { test: `${schema}[*].image`, warning: true },
  ],
});

const html = readFileSync(0);
const preset = kind === 'report' ? reportPreset(type) : eventPreset(type);
const summary = (t) => ({ test: t.test, description: t.description, group: t.group, value: t.value, error: t.error && t.error.message });
let result;
try {
  result = await structuredDataTest(html, { presets: [Google, preset], schemas: [`jsonld:${type}`] });
} catch (err) {
  if (err.type !== 'VALIDATION_FAILED') throw err;
  result = err.res;
}
process.stdout.write(JSON.stringify({
  passed: result.passed.map(summary),
  failed: result.failed.map(summary),
  warnings: result.warnings.map(summary),
  schemas: result.schemas,
}, null, 2) + '\n');
