// Results tables: sorting, a filter and pages over the rows the server rendered (the table works as it
// is without this script). Plain script, no dependencies; wired here because pages run no inline script.
(() => {
  const swedish = document.documentElement.lang === "sv";
  const say = (sv, en) => (swedish ? sv : en);
  const collator = new Intl.Collator(swedish ? "sv" : "en", { numeric: true, sensitivity: "base" });
  const SIZES = [25, 50, 100, 500];

  function element(name, attributes = {}, text = "") {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  function compare(a, b) {
    if (!a || !b) return a ? -1 : b ? 1 : 0; // empty cells last
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
    return collator.compare(a, b);
  }

  function enhance(table, index) {
    const body = table.tBodies[0];
    if (!body || !body.rows.length) return;
    const rows = Array.from(body.rows, (row, order) => ({
      row,
      order,
      cells: Array.from(row.cells, (cell) => cell.textContent.trim()),
      text: row.textContent.toLocaleLowerCase(),
    }));
    const state = { column: -1, direction: 1, filter: "", page: 0, size: 50 };

    const tools = element("div", { class: "results-tools" });
    const filterId = `results-filter-${index}`;
    const filter = element("input", { type: "search", id: filterId, autocomplete: "off" });
    const filterLabel = element("label", { for: filterId }, say("Filtrera rader", "Filter rows"));
    const sizeId = `results-size-${index}`;
    const size = element("select", { id: sizeId });
    for (const n of SIZES) size.append(element("option", { value: String(n) }, String(n)));
    size.value = String(state.size);
    const sizeLabel = element("label", { for: sizeId }, say("Rader per sida", "Rows per page"));
    const previous = element("button", { type: "button", class: "page-previous" }, say("‹ Föregående", "‹ Previous"));
    const next = element("button", { type: "button", class: "page-next" }, say("Nästa ›", "Next ›"));
    const status = element("span", { class: "results-status", role: "status", "aria-live": "polite" });
    const filterBox = element("span");
    filterBox.append(filterLabel, " ", filter);
    const sizeBox = element("span");
    sizeBox.append(sizeLabel, " ", size);
    const pager = element("span", { class: "pager" });
    pager.append(previous, " ", status, " ", next);
    tools.append(filterBox, sizeBox, pager);
    table.before(tools);

    const headers = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
    headers.forEach((th, column) => {
      const button = element("button", { type: "button", class: "sort" }, th.textContent);
      button.setAttribute("aria-label", `${th.textContent}: ${say("sortera", "sort")}`);
      th.replaceChildren(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", () => {
        state.direction = state.column === column ? -state.direction : 1;
        state.column = column;
        state.page = 0;
        headers.forEach((other, i) => {
          other.setAttribute("aria-sort", i !== column ? "none" : state.direction > 0 ? "ascending" : "descending");
        });
        render();
      });
    });

    function render() {
      const needle = state.filter.toLocaleLowerCase();
      let shown = needle ? rows.filter((r) => r.text.includes(needle)) : rows.slice();
      if (state.column >= 0) {
        const c = state.column;
        shown.sort((a, b) => {
          const byValue = compare(a.cells[c], b.cells[c]);
          if (!a.cells[c] || !b.cells[c]) return byValue; // empty cells stay last either way
          return state.direction * byValue || a.order - b.order;
        });
      }
      const pages = Math.max(1, Math.ceil(shown.length / state.size));
      state.page = Math.min(state.page, pages - 1);
      const first = state.page * state.size;
      const page = shown.slice(first, first + state.size);
      body.replaceChildren(...page.map((r) => r.row));
      const range = shown.length ? `${first + 1}–${first + page.length}` : "0";
      const filtered = needle ? say(` (filtrerade från ${rows.length})`, ` (filtered from ${rows.length})`) : "";
      status.textContent = say(`Rader ${range} av ${shown.length}${filtered}`, `Rows ${range} of ${shown.length}${filtered}`);
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }

    filter.addEventListener("input", () => {
      state.filter = filter.value.trim();
      state.page = 0;
      render();
    });
    size.addEventListener("change", () => {
      state.size = Number(size.value);
      state.page = 0;
      render();
    });
    previous.addEventListener("click", () => {
      state.page -= 1;
      render();
    });
    next.addEventListener("click", () => {
      state.page += 1;
      render();
    });
    render();
  }

  function start() {
    document.querySelectorAll("table.results").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
