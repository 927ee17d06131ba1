/* Dossier: the drawings, enhanced. Every drawing is complete without this
   script (the network's filters are CSS); it adds
   - on the network: the neighbours of the name under the pointer or the
     keyboard focus brought out, the rest dimmed;
   - zoom (buttons, Ctrl + wheel or pinch) and pan (drag) on figures marked
     data-zoom;
   - timelines that scroll sideways open on their dense years
     (data-tl-start on the timeline: the x of those years in px). */
(function () {
  "use strict";

  // Shown: neither the element nor a group around it is display:none (the
  // filters hide whole relations and kinds).
  function visible(el) {
    for (var n = el; n && n.tagName.toLowerCase() !== "svg"; n = n.parentElement) {
      if (getComputedStyle(n).display === "none") return false;
    }
    return true;
  }

  function highlight(svg) {
    var byNode = new Map();
    svg.querySelectorAll("[data-edge]").forEach(function (edge) {
      var parts = edge.getAttribute("data-edge").split("|");
      [parts[0], parts[2]].forEach(function (key) {
        if (!byNode.has(key)) byNode.set(key, []);
        byNode.get(key).push(edge);
      });
    });
    var nodes = new Map();
    svg.querySelectorAll(".node[data-key]").forEach(function (n) { nodes.set(n.getAttribute("data-key"), n); });
    var current = null;

    function clear() {
      svg.classList.remove("is-highlighting");
      svg.querySelectorAll(".is-near").forEach(function (el) { el.classList.remove("is-near"); });
      current = null;
    }
    function show(node) {
      if (node === current) return;
      clear();
      current = node;
      svg.classList.add("is-highlighting");
      node.classList.add("is-near");
      (byNode.get(node.getAttribute("data-key")) || []).forEach(function (edge) {
        if (!visible(edge)) return; // filtered out: not a neighbour now
        edge.classList.add("is-near");
        var parts = edge.getAttribute("data-edge").split("|");
        [parts[0], parts[2]].forEach(function (key) {
          var n = nodes.get(key);
          if (n) n.classList.add("is-near");
        });
      });
    }
    svg.addEventListener("pointerover", function (ev) {
      var node = ev.target.closest(".node[data-key]");
      if (node) show(node);
    });
    svg.addEventListener("pointerout", function (ev) {
      var node = ev.target.closest(".node[data-key]");
      if (node && !node.contains(ev.relatedTarget) && !svg.contains(document.activeElement)) clear();
    });
    // Focus listeners on the element around the drawing: Chromium makes an
    // SVG element with focus listeners a tab stop of its own.
    var around = svg.parentNode;
    around.addEventListener("focusin", function (ev) {
      var node = svg.contains(ev.target) && ev.target.closest(".node[data-key]");
      if (node) show(node);
    });
    around.addEventListener("focusout", function (ev) {
      if (!svg.contains(ev.relatedTarget)) clear();
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && current) clear();
    });
  }

  function zoomable(figure) {
    var box = figure.querySelector(".graph-scroll");
    var svg = box && box.querySelector("svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
    var natural = svg.viewBox.baseVal.width;
    var scale = 1;
    var bar = document.createElement("div");
    bar.className = "zoom-controls";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Zoom the drawing");
    function button(text, label, act) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", act);
      bar.appendChild(b);
      return b;
    }
    var shown = document.createElement("output");
    function fit() { return Math.min(1, box.clientWidth / natural); }
    function zoom(to, px, py) {
      to = Math.max(Math.min(fit(), 0.25), Math.min(4, to));
      if (px === undefined) { px = box.clientWidth / 2; py = Math.min(box.clientHeight, window.innerHeight) / 2; }
      var top = box.getBoundingClientRect().top;
      var fx = (box.scrollLeft + px) / scale, fy = (py - top) / scale;
      scale = to;
      svg.style.width = Math.round(natural * scale) + "px";
      svg.style.maxWidth = "none";
      box.scrollLeft = fx * scale - px;
      window.scrollBy(0, box.getBoundingClientRect().top + fy * scale - py);
      shown.textContent = Math.round(scale * 100) + " %";
    }
    button("−", "Zoom out", function () { zoom(scale / 1.4); });
    button("+", "Zoom in", function () { zoom(scale * 1.4); });
    button("Fit", "Fit the drawing to the width", function () { zoom(fit()); });
    button("1:1", "Actual size", function () { zoom(1); });
    bar.appendChild(shown);
    shown.textContent = "100 %";
    // before the link that skips the drawing's links, so it skips only those
    var skip = figure.querySelector(".figure-skip");
    (skip || box).parentNode.insertBefore(bar, skip || box);

    box.addEventListener("wheel", function (ev) {
      if (!ev.ctrlKey && !ev.metaKey) return; // a plain wheel scrolls the page
      ev.preventDefault();
      var r = box.getBoundingClientRect();
      zoom(scale * Math.exp(-ev.deltaY / 300), ev.clientX - r.left, ev.clientY);
    }, { passive: false });

    var drag = null;
    box.classList.add("is-pannable");
    box.addEventListener("pointerdown", function (ev) {
      if (ev.pointerType !== "mouse" || ev.button !== 0 || ev.target.closest("a")) return;
      drag = { x: ev.clientX, y: ev.clientY };
      box.setPointerCapture(ev.pointerId);
      box.classList.add("is-panning");
    });
    box.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      box.scrollLeft -= ev.clientX - drag.x;
      window.scrollBy(0, drag.y - ev.clientY);
      drag = { x: ev.clientX, y: ev.clientY };
    });
    function stop() { drag = null; box.classList.remove("is-panning"); }
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointercancel", stop);
  }

  function openTimeline(tl) {
    var box = tl.closest(".timeline-scroll");
    if (!box || box.scrollWidth <= box.clientWidth + 1) return;
    box.scrollLeft = Number(tl.getAttribute("data-tl-start")) || 0;
  }

  document.querySelectorAll("svg.net-overview").forEach(highlight);
  document.querySelectorAll("figure[data-zoom]").forEach(zoomable);
  document.querySelectorAll("[data-tl-start]").forEach(openTimeline);
})();
