// The SPARQL query editor: CodeMirror 6 over the query pages' <textarea data-sparql-editor>, which stays
// the form's field, so the form posts the same query with or without this script.
//
// Strict CSP (no inline style): CodeMirror writes its styles with style-mod, which puts a <style> element
// into a document but an adopted (constructed) style sheet into a shadow root. Constructed style sheets
// are not inline styles, so the editor lives in a shadow root and the page's policy stays `style-src 'self'`.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, startCompletion } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

const swedish = document.documentElement.lang === "sv";
const say = (sv, en) => (swedish ? sv : en);
const mac = /Mac|iPhone|iPad/.test(navigator.platform || "");

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "BIND", "VALUES", "UNION", "MINUS", "GRAPH", "ORDER BY",
  "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "FROM", "FROM NAMED",
  "COUNT", "GROUP_CONCAT", "SAMPLE", "LANG", "LANGMATCHES", "STR", "CONTAINS", "REGEX", "EXISTS", "NOT EXISTS",
];

// Classes and properties of the data and the predeclared prefixes, fetched once from the site itself.
let vocabularyRequest = null;
function vocabulary() {
  vocabularyRequest ??= fetch(`/vocabulary.json?lang=${swedish ? "sv" : "en"}`, { headers: { Accept: "application/json" } })
    .then((answer) => (answer.ok ? answer.json() : { prefixes: [], terms: [] }))
    .catch(() => ({ prefixes: [], terms: [] }));
  return vocabularyRequest;
}

// The predeclared prefixes, with the query's own PREFIX lines winning over them (as on the server).
function prefixesOf(text, predeclared) {
  const prefixes = new Map(predeclared);
  for (const match of text.matchAll(/PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>/gi)) {
    prefixes.set(match[1] || "", match[2]);
  }
  return prefixes;
}

function reopen(view) {
  setTimeout(() => startCompletion(view), 0); // after the accepted completion's transaction
}

async function complete(context) {
  const text = context.state.doc.toString();
  const variable = context.matchBefore(/[?$][\w\u00C0-\uFFFD]*/);
  if (variable) {
    const names = new Set([...text.matchAll(/[?$]([\w\u00C0-\uFFFD]+)/g)].map((m) => m[1]));
    const typed = variable.text.slice(1);
    names.delete(typed); // the one being written
    return {
      from: variable.from + 1,
      options: [...names].map((name) => ({ label: name, type: "variable" })),
      validFor: /^[\w\u00C0-\uFFFD]*$/,
    };
  }
  const word = context.matchBefore(/[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|[A-Za-z_][\w-]*/);
  if (!word && !context.explicit) return null;
  const { prefixes: predeclared, terms } = await vocabulary();
  const prefixes = prefixesOf(text, predeclared);
  const from = word ? word.from : context.pos;
  const typed = word ? word.text : "";
  const colon = typed.indexOf(":");
  if (colon >= 0) {
    const namespace = prefixes.get(typed.slice(0, colon));
    if (!namespace) return null;
    const options = [];
    for (const term of terms) {
      const local = term.iri.startsWith(namespace) ? term.iri.slice(namespace.length) : null;
      if (!local || !/^[\w-]+$/.test(local)) continue;
      options.push({
        label: `${typed.slice(0, colon)}:${local}`,
        type: term.kind === "class" ? "class" : "property",
        detail: `${term.count}×`,
        info: [term.label, term.kind === "class" ? say("klass", "class") : say("egenskap", "property"), `<${term.iri}>`]
          .filter(Boolean)
          .join(" · "),
        boost: Math.min(20, Math.log2(term.count + 1)), // the data's most used terms first
      });
    }
    return { from, options, validFor: /^[\w.-]*:[\w.-]*$/ };
  }
  const line = context.state.doc.lineAt(context.pos);
  const before = line.text.slice(0, from - line.from);
  if (/PREFIX\s+$/i.test(before)) {
    // a declaration: the prefix with its namespace
    return {
      from,
      options: [...prefixes].map(([prefix, namespace]) => ({
        label: `${prefix}: <${namespace}>`,
        type: "namespace",
      })),
    };
  }
  const options = [...prefixes.keys()].filter(Boolean).map((prefix) => ({
    label: `${prefix}:`,
    type: "namespace",
    detail: prefixes.get(prefix),
    apply: (view, completion, start, end) => {
      view.dispatch({
        changes: { from: start, to: end, insert: completion.label },
        selection: { anchor: start + completion.label.length },
        userEvent: "input.complete",
      });
      reopen(view); // go on to the classes and properties in that namespace
    },
  }));
  for (const keyword of KEYWORDS) options.push({ label: keyword, type: "keyword", boost: -10 });
  return { from, options, validFor: /^[A-Za-z_][\w-]*$/ };
}

// The position a server message "line L, column C" points to, as a range over the word found there.
function errorRange(doc, lineNumber, column) {
  const line = doc.line(Math.min(Math.max(1, lineNumber), doc.lines));
  const from = line.from + Math.min(Math.max(0, column - 1), line.length);
  const word = /^[^\s{}()[\].;,]+/.exec(line.text.slice(from - line.from));
  if (word) return { from, to: from + word[0].length };
  if (from < line.to) return { from, to: from + 1 };
  // past the end of the line (the engine often points just behind the query): mark its last character
  return from > 0 ? { from: from - 1, to: from } : { from, to: Math.min(from + 1, doc.length) };
}

const theme = EditorView.theme({
  "&": {
    border: "1px solid #8a8a8a",
    borderRadius: "3px",
    backgroundColor: "#fff",
    color: "#1b1b1b",
    fontSize: ".9rem",
    minHeight: "10rem",
    maxHeight: "32rem",
  },
  "&.cm-focused": { outline: "3px solid #1a5fb4", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "ui-monospace, monospace", lineHeight: "1.45", overflow: "auto" },
  ".cm-content": { minHeight: "10rem" },
  ".cm-gutters": { backgroundColor: "#f3f3f3", color: "#595959", borderRight: "1px solid #ddd" },
  ".cm-tooltip-autocomplete > ul > li": { fontFamily: "ui-monospace, monospace" },
  ".cm-completionDetail": { color: "#595959", marginLeft: ".75rem", fontStyle: "normal" },
  ".cm-diagnostic-error": { borderLeftColor: "#b00020" },
});

function enhance(textarea) {
  const form = textarea.form;
  const host = document.createElement("div");
  host.className = "sparql-editor";
  textarea.after(host);
  const shadow = host.attachShadow({ mode: "open" });
  const run = () => {
    textarea.value = view.state.doc.toString();
    form.requestSubmit();
    return true;
  };
  const view = new EditorView({
    parent: shadow,
    root: shadow,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run }])),
        lineNumbers(),
        lintGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        closeBrackets(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [complete], activateOnTyping: true, icons: true }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          tabindex: "0", // an explicit tab stop, so checkers see the scroll area's content as focusable
          "aria-label": say(
            `SPARQL-fråga. ${mac ? "Cmd" : "Ctrl"}+Enter kör den; Ctrl+Mellanslag föreslår prefix, klasser och egenskaper.`,
            `SPARQL query. ${mac ? "Cmd" : "Ctrl"}+Enter runs it; Ctrl+Space suggests prefixes, classes and properties.`,
          ),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
        theme,
      ],
    }),
  });
  textarea.hidden = true;
  form.addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
  });

  const hint = document.createElement("p");
  hint.className = "editor-hint";
  hint.textContent = say(
    `${mac ? "⌘" : "Ctrl"}+Enter kör frågan · Ctrl+Mellanslag föreslår prefix, klasser och egenskaper · Tab lämnar redigeraren`,
    `${mac ? "⌘" : "Ctrl"}+Enter runs the query · Ctrl+Space suggests prefixes, classes and properties · Tab leaves the editor`,
  );
  host.after(hint);

  // A query the endpoint refused with "line L, column C": mark that place in the editor.
  const line = Number(form.dataset.errorLine);
  const column = Number(form.dataset.errorColumn);
  if (line > 0 && column > 0) {
    const { from, to } = errorRange(view.state.doc, line, column);
    const message = document.querySelector(".error-message")?.textContent.trim() || say("Syntaxfel", "Syntax error");
    view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
    view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    view.focus();
  }
  host.sparqlEditor = view; // for the browser tests and the console
}

function start() {
  for (const textarea of document.querySelectorAll("textarea[data-sparql-editor]")) {
    if (textarea.form && "attachShadow" in textarea) enhance(textarea);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
