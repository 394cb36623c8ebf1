// Every page type in headless Chromium (Debian's, through puppeteer-core): axe-core's WCAG 2.1 A/AA rules,
// sideways scrolling at 1280 and 320 px, a screenshot of each, and a keyboard-only path (switch language,
// go to the query page, write a query, run it with Ctrl+Enter, open a result). Prints what it saw as JSON.
// Used by tests/test_browser_a11y.py.
//
//   echo '{"url": "http://127.0.0.1:8000/", "chromium": "/usr/bin/chromium", "paths": {"home": "/"},
//          "screenshots": "/tmp/x"}' | node tests/js/a11y_pages.mjs
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const input = JSON.parse(readFileSync(0, "utf8"));
const base = input.url.replace(/\/$/, "");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = input.widths || [1280, 320];
const LANGS = input.langs || ["sv", "en"];
const out = { pages: [], keyboard: {}, console: [] };

const browser = await puppeteer.launch({
  executablePath: input.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
});

async function check(page, name, path, lang, width) {
  await page.setViewport({ width, height: 900 });
  const answer = await page.goto(`${base}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`, { waitUntil: "load" });
  await page.addScriptTag({ content: axeSource }).catch(() => null); // CSP may refuse: evaluate instead
  const hasAxe = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!hasAxe) await page.evaluate(axeSource);
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary.split("\n")[1]),
      count: v.nodes.length,
    }));
  });
  const widths = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    htmlLang: document.documentElement.lang,
    title: document.title,
  }));
  if (input.screenshots) {
    await page.screenshot({ path: `${input.screenshots}/${name}-${lang}-${width}.png`, fullPage: width === 320 });
  }
  out.pages.push({ name, path, lang, width, status: answer.status(), axe, ...widths });
}

try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => out.console.push(`pageerror: ${error.message}`));
  await page.setBypassCSP(true); // only so that axe can be injected; the pages' own CSP is tested over HTTP
  for (const [name, path] of Object.entries(input.paths)) {
    for (const lang of LANGS) for (const width of WIDTHS) await check(page, name, path, lang, width);
  }
  await page.close();

  // The keyboard-only path, in a fresh context without a language cookie; only keyboard events.
  const context = await browser.createBrowserContext();
  const kb = await context.newPage();
  kb.on("pageerror", (error) => out.console.push(`pageerror: ${error.message}`));
  await kb.setExtraHTTPHeaders({ "Accept-Language": "sv" });
  await kb.setViewport({ width: 1280, height: 900 });
  await kb.goto(`${base}/`, { waitUntil: "networkidle0" });
  const focused = () => kb.evaluate(() => {
    const a = document.activeElement;
    return { tag: a.tagName, text: (a.textContent || "").trim().slice(0, 60), href: a.getAttribute("href") || "" };
  });
  async function tabTo(predicate, limit = 60) {
    for (let i = 0; i < limit; i++) {
      await kb.keyboard.press("Tab");
      const now = await focused();
      if (await predicate(now)) return now;
    }
    throw new Error("the keyboard never reached the element");
  }
  const skip = await tabTo(() => true, 1);
  out.keyboard.firstTab = skip;
  out.keyboard.skipVisible = await kb.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.top >= 0 && r.height > 0;
  });
  out.keyboard.focusOutline = await kb.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  await tabTo((f) => f.text === "English");
  await Promise.all([kb.waitForNavigation({ waitUntil: "networkidle0" }), kb.keyboard.press("Enter")]);
  out.keyboard.afterSwitch = await kb.evaluate(() => document.documentElement.lang);
  await tabTo((f) => f.href === "/sparql");
  await Promise.all([kb.waitForNavigation({ waitUntil: "networkidle0" }), kb.keyboard.press("Enter")]);
  out.keyboard.queryPageLang = await kb.evaluate(() => document.documentElement.lang);
  await tabTo(() => kb.evaluate(() => !!document.activeElement.closest(".sparql-editor, textarea")), 40);
  await kb.keyboard.down("Control");
  await kb.keyboard.press("a");
  await kb.keyboard.up("Control");
  await kb.keyboard.press("Delete");
  await kb.keyboard.type("SELECT ?person WHERE { ?person a <https://schema.org/Person> } LIMIT 3", { delay: 2 });
  await kb.keyboard.press("Escape"); // closes the completion list, if any
  await Promise.all([
    kb.waitForNavigation({ waitUntil: "networkidle0" }),
    (async () => {
      await kb.keyboard.down("Control");
      await kb.keyboard.press("Enter");
      await kb.keyboard.up("Control");
    })(),
  ]);
  out.keyboard.resultsUrl = kb.url();
  out.keyboard.resultsLang = await kb.evaluate(() => document.documentElement.lang);
  out.keyboard.resultRows = await kb.$$eval("table.results tbody tr", (rows) => rows.length);
  await tabTo((f) => f.tag === "A" && f.href.includes("/id/person/"), 200);
  await Promise.all([kb.waitForNavigation({ waitUntil: "networkidle0" }), kb.keyboard.press("Enter")]);
  out.keyboard.openedUrl = kb.url();
  out.keyboard.openedLang = await kb.evaluate(() => document.documentElement.lang);
  if (input.screenshots) await kb.screenshot({ path: `${input.screenshots}/keyboard-result.png` });
  await context.close();
} catch (error) {
  out.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
