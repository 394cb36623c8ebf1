// Drives the query page in headless Chromium (Debian's, through puppeteer-core) as a person would, with the
// keyboard and the mouse, and prints what it saw as JSON. Used by tests/test_http_editor.py.
//
//   echo '{"url": "http://127.0.0.1:8000/", "chromium": "/usr/bin/chromium", "screenshots": "/tmp/x"}' \
//     | node tests/js/editor_session.mjs
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const input = JSON.parse(readFileSync(0, "utf8"));
const base = input.url.replace(/\/$/, "");
const seen = { console: [], violations: [] };
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const browser = await puppeteer.launch({
  executablePath: input.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
});

async function newPage({ javascript = true } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setJavaScriptEnabled(javascript);
  page.on("console", (message) => seen.console.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => seen.console.push(`pageerror: ${error.message}`));
  if (javascript) {
    // CSP violations as the page itself reports them (besides the console's "Refused to ...").
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  }
  return page;
}

// The autocompletion's options as shown, from inside the editor's shadow root.
async function completions(page) {
  await page.waitForSelector(".sparql-editor >>> .cm-tooltip-autocomplete li", { timeout: 10000 });
  return page.$$eval(".sparql-editor >>> .cm-tooltip-autocomplete li", (items) =>
    items.map((item) => item.querySelector(".cm-completionLabel").textContent),
  );
}

const rowsOf = (page) =>
  page.$$eval("table.results tbody tr", (rows) => rows.map((row) => Array.from(row.cells, (c) => c.textContent.trim())));
const statusOf = (page) => page.$eval(".results-status", (node) => node.textContent);
const shot = async (page, name) => input.screenshots && page.screenshot({ path: `${input.screenshots}/${name}.png` });

const result = {};
try {
  // 1. Write a query with the keyboard: complete a prefix, then a class in it, run it with Ctrl+Enter.
  const page = await newPage();
  await page.goto(`${base}/sparql?lang=en`, { waitUntil: "networkidle0" });
  await page.waitForSelector(".sparql-editor >>> .cm-content");
  result.textareaHidden = await page.$eval("textarea[name=query]", (t) => t.hidden);
  await page.click(".sparql-editor >>> .cm-content");
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("SELECT * WHERE { ?person a sch");
  result.prefixOptions = await completions(page);
  await shot(page, "editor-prefix-completion");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Pers");
  result.classOptions = await completions(page);
  await shot(page, "editor-class-completion");
  await page.keyboard.press("Enter");
  await page.keyboard.type(" ; schema:name ?name }");
  await page.keyboard.press("Escape");
  result.typed = await page.$eval("textarea[name=query]", (t) => t.value);
  result.highlighted = await page.$$eval(".sparql-editor >>> .cm-line span", (spans) =>
    spans.filter((s) => getComputedStyle(s).color !== getComputedStyle(s.parentElement).color).map((s) => s.textContent),
  );
  await page.keyboard.down("Control");
  await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.keyboard.press("Enter")]);
  await page.keyboard.up("Control");
  result.resultUrl = page.url();
  result.headers = await page.$$eval("table.results thead th", (cells) => cells.map((c) => c.textContent.trim()));
  result.rows = await rowsOf(page);
  await shot(page, "results");

  // 2. Sort by ?name, both ways.
  await page.click("table.results thead th:nth-child(2) button");
  result.sortedAscending = (await rowsOf(page)).map((row) => row[1]);
  result.ariaSort = await page.$eval("table.results thead th:nth-child(2)", (th) => th.getAttribute("aria-sort"));
  await page.click("table.results thead th:nth-child(2) button");
  result.sortedDescending = (await rowsOf(page)).map((row) => row[1]);

  // 3. Filter.
  await page.type(".results-tools input[type=search]", "Lena");
  result.filtered = await rowsOf(page);
  result.filteredStatus = await statusOf(page);

  // 4. Pages: a larger result, 25 rows a page, the next page.
  const many = encodeURIComponent("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 120");
  await page.goto(`${base}/sparql?query=${many}&format=html&lang=en`, { waitUntil: "networkidle0" });
  await page.waitForSelector(".results-status");
  result.firstPage = { rows: (await rowsOf(page)).length, status: await statusOf(page) };
  await page.select(".results-tools select", "25");
  result.smallPage = { rows: (await rowsOf(page)).length, status: await statusOf(page) };
  const firstOfPage1 = (await rowsOf(page))[0];
  await page.click(".results-tools .page-next");
  result.nextPage = { rows: (await rowsOf(page)).length, status: await statusOf(page) };
  result.nextPageDiffers = JSON.stringify((await rowsOf(page))[0]) !== JSON.stringify(firstOfPage1);
  await shot(page, "results-paged");

  // 5. A syntax error is marked in the editor where the endpoint says it is.
  const broken = encodeURIComponent("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTR(?o)\n}");
  await page.goto(`${base}/sparql?query=${broken}&format=html&lang=en`, { waitUntil: "networkidle0" });
  await page.waitForSelector(".sparql-editor >>> .cm-lintRange-error", { timeout: 10000 });
  result.errorMessage = await page.$eval(".error-message", (p) => p.textContent.trim());
  result.errorMarked = await page.$eval(".sparql-editor >>> .cm-lintRange-error", (span) => {
    const line = span.closest(".cm-line");
    return { text: span.textContent, line: Array.from(line.parentElement.children).indexOf(line) + 1 };
  });
  result.errorGutter = (await page.$$(".sparql-editor >>> .cm-lint-marker-error")).length;
  await shot(page, "editor-error");
  await page.close();

  // 6. Without JavaScript: the plain form posts the query as always.
  const plain = await newPage({ javascript: false });
  await plain.goto(`${base}/sparql?lang=en`, { waitUntil: "networkidle0" });
  result.noScriptEditor = (await plain.$$(".sparql-editor")).length;
  await plain.click("textarea[name=query]");
  await plain.keyboard.down("Control");
  await plain.keyboard.press("a");
  await plain.keyboard.up("Control");
  await plain.keyboard.press("Backspace");
  await plain.type("textarea[name=query]", "ASK { ?s a schema:Person }");
  await Promise.all([plain.waitForNavigation(), plain.click("form button[type=submit]")]);
  result.noScriptAnswer = await plain.$eval("p.boolean", (p) => p.textContent.trim());
  result.noScriptUrl = plain.url();
  await plain.close();
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
}
result.console = seen.console;
await browser.close();
console.log(JSON.stringify(result));
