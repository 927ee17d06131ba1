// Previews, as Wikipedia's page previews: hovering or focusing a link to a
// page of the site shows that page's kind, title, dates and summary; hovering
// or focusing a citation marker shows its note: the formatted reference, the
// place cited and the source's genre. The pages' data is one file for the
// site (assets/previews.json), fetched when the page is idle; the notes
// come from the page's own reference list. An enhancement only: every link
// and note works without it. Off on touch screens; Escape closes; the card
// is positioned absolutely, so nothing on the page moves.
(function () {
  if (!window.matchMedia("(hover: hover)").matches) return;
  const script = document.currentScript;
  if (!script) return;
  const root = new URL("../../", script.src); // the script is theme/js/previews.js
  let previews = null;
  let loading = null;

  function load() {
    if (!loading) {
      loading = fetch(new URL("assets/previews.json", root))
        .then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({}))
        .then((d) => { previews = d; return d; });
    }
    return loading;
  }

  const card = document.createElement("div");
  card.id = "dossier-preview";
  card.className = "preview-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  let current = null;

  // the key of the page a link leads to ("people/leon-trotsky"), or null
  function keyOf(link) {
    const href = link.getAttribute("href");
    if (!href || href.startsWith("#")) return null;
    let url;
    try { url = new URL(href, location.href); } catch (e) { return null; }
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) return null;
    const here = location.pathname.replace(/index\.html$/, "");
    if (url.pathname.replace(/index\.html$/, "") === here) return null; // this page
    return decodeURIComponent(url.pathname.slice(root.pathname.length)).replace(/\/(index\.html)?$/, "");
  }

  function line(cls, text, lang) {
    const p = document.createElement("p");
    p.className = cls;
    if (lang) p.lang = lang;
    p.textContent = text;
    return p;
  }

  function pageCard(p) {
    const parts = [line("preview-kind", p.genre ? p.kind + " · " + p.genre : p.kind), line("preview-title", p.title)];
    if (p.native) parts.push(line("preview-native", p.native, p.native_lang || "und"));
    if (p.dates) parts.push(line("preview-dates", p.dates));
    if (p.summary) parts.push(line("preview-summary", p.summary));
    return parts;
  }

  // a citation marker: its note in the reference list, the place cited
  // (the marker reads "[2, p. 14]") and the source's genre
  function noteCard(link) {
    const id = (link.getAttribute("href") || "").slice(1);
    const item = id && document.getElementById(id);
    const entry = item && item.querySelector(".entry");
    if (!entry) return null;
    const m = link.textContent.match(/^\[(\d+)(?:, (.*))?\]$/);
    const source = previews && previews["sources/" + link.dataset.source];
    const head = "Note " + (m ? m[1] : id.replace(/^ref-/, "")) + (source && source.genre ? " · " + source.genre : "");
    const text = document.createElement("p");
    text.className = "preview-entry";
    for (const node of entry.childNodes) text.appendChild(node.cloneNode(true));
    const parts = [line("preview-kind", head), text];
    if (m && m[2]) parts.push(line("preview-locator", "Cited at: " + m[2]));
    return parts;
  }

  function place(link) {
    const r = link.getBoundingClientRect();
    const width = Math.min(320, document.documentElement.clientWidth - 16);
    card.style.width = width + "px";
    const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    card.style.left = left + "px";
    card.style.top = (r.bottom + window.scrollY + 6) + "px";
  }

  function show(link) {
    const note = link.closest("sup.cite");
    let parts = null;
    if (note) parts = noteCard(link);
    else {
      const key = keyOf(link);
      const p = key && previews && previews[key];
      if (p) parts = pageCard(p);
    }
    if (!parts) return;
    card.replaceChildren(...parts);
    card.classList.toggle("preview-note", !!note);
    card.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", card.id);
    current = link;
  }

  function hide() {
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    card.hidden = true;
  }

  // links in the page's content, not in drawings (they have their own)
  function target(e) {
    const link = e.target.closest && e.target.closest("main a[href]");
    if (!link || link.closest("svg")) return null;
    return link;
  }

  function enter(e) {
    const link = target(e);
    if (!link || link === current) return;
    if (previews) show(link);
    else load().then(() => { if (link.matches(":hover, :focus")) show(link); });
  }

  function leave(e) {
    const link = target(e);
    if (link && link === current && !(e.relatedTarget && link.contains(e.relatedTarget))) hide();
  }

  // fetched once the page has loaded and the browser is idle (cached from
  // page to page), so that a reader's first hover finds it ready and a click
  // that leaves the page never cuts a fetch short
  const idle = window.requestIdleCallback || ((f) => setTimeout(f, 200));
  if (document.readyState === "complete") idle(load);
  else window.addEventListener("load", () => idle(load));

  document.addEventListener("mouseover", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusin", enter);
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
})();
