// Link previews: hovering or focusing a cross-link shows the target's title,
// dates and summary, from the data block the build put in the page. Off on
// touch screens; Escape closes; the card is positioned absolutely, so nothing
// on the page moves.
(function () {
  const data = document.getElementById("dossier-previews");
  if (!data || !window.matchMedia("(hover: hover)").matches) return;
  let previews;
  try { previews = JSON.parse(data.textContent); } catch (e) { return; }

  const card = document.createElement("div");
  card.id = "dossier-preview";
  card.className = "preview-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  let current = null;

  function show(link) {
    const p = previews[link.dataset.key];
    if (!p) return;
    card.replaceChildren();
    const kind = document.createElement("p");
    kind.className = "preview-kind";
    kind.textContent = p.kind;
    const title = document.createElement("p");
    title.className = "preview-title";
    title.textContent = p.title;
    card.append(kind, title);
    if (p.native) {
      const n = document.createElement("p");
      n.className = "preview-native";
      n.lang = p.native_lang || "und";
      n.textContent = p.native;
      card.append(n);
    }
    if (p.dates) {
      const d = document.createElement("p");
      d.className = "preview-dates";
      d.textContent = p.dates;
      card.append(d);
    }
    if (p.summary) {
      const s = document.createElement("p");
      s.className = "preview-summary";
      s.textContent = p.summary;
      card.append(s);
    }
    card.hidden = false;
    const r = link.getBoundingClientRect();
    const width = Math.min(320, document.documentElement.clientWidth - 16);
    card.style.width = width + "px";
    const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    card.style.left = left + "px";
    card.style.top = (r.bottom + window.scrollY + 6) + "px";
    link.setAttribute("aria-describedby", card.id);
    current = link;
  }

  function hide() {
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    card.hidden = true;
  }

  for (const link of document.querySelectorAll("a.xref[data-key]")) {
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("mouseleave", hide);
    link.addEventListener("focus", () => show(link));
    link.addEventListener("blur", hide);
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
})();
