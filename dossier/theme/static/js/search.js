// Search page: queries the Pagefind index written by the build.
// Progressive enhancement: without JavaScript the form still submits and the
// page says how to browse instead.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const typeSelect = document.getElementById("search-type");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const base = new URL(form.dataset.bundle, location.href).href; // import() resolves against this script, not the page

let pagefind = null;
async function engine() {
  if (!pagefind) {
    // the index is written in shards (pagefind/0/, pagefind/1/, …): the
    // first is the engine, the others are merged into it
    const shards = (form.dataset.shards || "0").split(" ");
    pagefind = await import(base + shards[0] + "/pagefind.js");
    // result URLs are site-absolute ("/people/x/"): make them work when the
    // site is served from a sub-folder too
    const baseUrl = new URL(form.dataset.root, location.href).pathname;
    await pagefind.options({ excerptLength: 24, baseUrl });
    for (const n of shards.slice(1)) await pagefind.mergeIndex(base + n + "/", { baseUrl });
    pagefind.init();
  }
  return pagefind;
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind's excerpts mark matches with <mark>; rebuild them as DOM nodes
// rather than trusting them as HTML.
function excerptNode(excerpt) {
  const p = el("p", { class: "excerpt" });
  const parts = excerpt.split(/(<mark>.*?<\/mark>)/);
  for (const part of parts) {
    const m = part.match(/^<mark>(.*)<\/mark>$/);
    const text = (m ? m[1] : part).replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    p.appendChild(m ? el("mark", {}, text) : document.createTextNode(text));
  }
  return p;
}

// The excerpt, from the page's own text: the other spellings the page
// carries for search to match (transliterations, folded forms) come last in
// its indexed text and are named in its "names" meta; they are cut off, and
// the excerpt is taken around the first match in what is left (Pagefind's
// word locations), or is the page's opening words when only a spelling matched.
const EXCERPT_WORDS = 24;
function pageExcerpt(r) {
  const words = (r.content || "").split(/[\r\n\s]+/g);
  let end = words.length;
  const names = (r.meta.names || "").trim();
  if (names) {
    const tail = names.split(/[\r\n\s]+/g);
    if (tail.length <= words.length && words.slice(words.length - tail.length).join(" ") === tail.join(" ")) end -= tail.length;
  }
  if (end === words.length && !names) return r.excerpt || "";
  const hits = new Set((r.locations || []).filter((l) => l < end));
  const first = Math.min(...hits, end);
  const start = first < end ? Math.max(0, Math.min(first - 6, end - EXCERPT_WORDS)) : 0;
  const stop = Math.min(end, start + EXCERPT_WORDS);
  const out = [];
  for (let i = start; i < stop; i++) {
    const w = words[i].replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    out.push(hits.has(i) ? "<mark>" + w + "</mark>" : w);
  }
  return out.join(" ");
}

async function run() {
  const q = input.value.trim();
  const type = typeSelect.value;
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (type) params.set("type", type);
  history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  list.replaceChildren();
  if (!q) { status.textContent = ""; return; }
  status.textContent = "Searching…";
  const pf = await engine();
  // The type filter is applied here, from each result's "type" meta: Pagefind's
  // own filter index is written in a different order on every build, and the
  // site's builds are byte-identical.
  const search = await pf.search(q);
  const results = [];
  for (let i = 0; i < search.results.length && i < 300 && results.length < 30; i += 20) {
    const batch = await Promise.all(search.results.slice(i, i + 20).map((r) => r.data()));
    for (const r of batch) if (!type || r.meta.type === type) results.push(r);
  }
  const shown = results.slice(0, 30);
  status.textContent = shown.length ? `${shown.length}${results.length > 30 || (!type && search.results.length > 30) ? "+" : ""} result${shown.length === 1 ? "" : "s"} for “${q}”` : `Nothing found for “${q}”.`;
  for (const r of shown) {
    const li = el("li", { class: "result" });
    const h = el("h2", {});
    h.appendChild(el("a", { href: r.url }, r.meta.title || r.url));
    li.appendChild(h);
    if (r.meta.type) li.appendChild(el("span", { class: "badge kind" }, r.meta.type));
    if (r.meta.summary) li.appendChild(el("p", { class: "summary" }, r.meta.summary));
    li.appendChild(excerptNode(pageExcerpt(r)));
    list.appendChild(li);
  }
}

async function safeRun() {
  try {
    await run();
  } catch (err) {
    status.textContent = "Search is unavailable right now. Browse the indexes instead.";
    console.warn("search failed", err);
  }
}

form.addEventListener("submit", (e) => { e.preventDefault(); safeRun(); });
typeSelect.addEventListener("change", safeRun);
let timer = null;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(safeRun, 200); });
document.getElementById("search-nojs").hidden = true;

const initial = new URLSearchParams(location.search);
if (initial.get("q")) input.value = initial.get("q");
if (initial.get("type")) typeSelect.value = initial.get("type");
if (input.value) safeRun();
