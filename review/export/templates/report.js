// forkreview HTML report: theme, filters and search. Plain DOM, no dependencies, nothing fetched.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // Theme: ?theme=dark|light, else the last choice, else the system's.
  var KEY = "forkreview-theme";
  function saved() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function setTheme(t, remember) {
    root.setAttribute("data-theme", t);
    if (remember) { try { localStorage.setItem(KEY, t); } catch (e) { /* file:// without storage */ } }
  }
  var asked = new URLSearchParams(location.search).get("theme");
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  setTheme(asked === "dark" || asked === "light" ? asked : saved() || (dark ? "dark" : "light"), false);
  document.getElementById("theme").addEventListener("click", function () {
    setTheme(root.getAttribute("data-theme") === "dark" ? "light" : "dark", true);
  });

  // Print: light theme, every fold open; restore afterwards.
  var before = null, opened = [];
  window.addEventListener("beforeprint", function () {
    before = root.getAttribute("data-theme");
    setTheme("light", false);
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) { d.open = true; return true; });
  });
  window.addEventListener("afterprint", function () {
    if (before) { setTheme(before, false); }
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });

  // Filters.
  var q = document.getElementById("q");
  var fRisk = document.getElementById("f-risk");
  var fStatus = document.getElementById("f-status");
  var fArea = document.getElementById("f-area");
  var fTag = document.getElementById("f-tag");
  var shown = document.getElementById("shown");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-commit]"));
  var total = new Set(items.map(function (el) { return el.getAttribute("data-commit"); })).size;
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  var areas = Array.prototype.slice.call(document.querySelectorAll("[data-area-group]"));
  var alsoBlocks = Array.prototype.slice.call(document.querySelectorAll(".also"));
  var areaOpen = areas.map(function (d) { return d.open; });

  function matches(el, f) {
    if (f.risk && el.getAttribute("data-risk") !== f.risk) { return false; }
    if (f.status && el.getAttribute("data-status") !== f.status) { return false; }
    if (f.area) {
      var places = el.getAttribute("data-area").split(",").map(function (p) { return p.trim(); }).filter(Boolean);
      if (f.area === "(no area)") {
        if (places.length) { return false; }
      } else if (!places.some(function (a) { return a === f.area || a.indexOf(f.area + "/") === 0; })) { return false; }
    }
    if (f.tag && (" " + el.getAttribute("data-tags") + " ").indexOf(" " + f.tag + " ") < 0) { return false; }
    if (f.words.length) {
      var text = el.getAttribute("data-search");
      for (var i = 0; i < f.words.length; i++) { if (text.indexOf(f.words[i]) < 0) { return false; } }
    }
    return true;
  }

  function apply() {
    var f = {
      risk: fRisk.value, status: fStatus.value, area: fArea.value, tag: fTag.value,
      words: q.value.toLowerCase().split(/\s+/).filter(Boolean)
    };
    var active = !!(f.risk || f.status || f.area || f.tag || f.words.length);
    var seen = new Set();
    items.forEach(function (el) {
      var ok = matches(el, f);
      el.hidden = !ok;
      if (ok) { seen.add(el.getAttribute("data-commit")); }
    });
    alsoBlocks.forEach(function (b) { b.hidden = !b.querySelector("[data-commit]:not([hidden])"); });
    areas.forEach(function (d, i) {
      var any = !!d.querySelector("[data-commit]:not([hidden])");
      d.hidden = !any;
      d.open = active ? any : areaOpen[i];
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("[data-commit]:not([hidden])"); });
    shown.textContent = active ? seen.size + " of " + total + " commits" : total + (total === 1 ? " commit" : " commits");
    document.querySelectorAll("[data-filter-risk]").forEach(function (b) { b.classList.toggle("on", b.getAttribute("data-filter-risk") === f.risk); });
    document.querySelectorAll("[data-filter-status]").forEach(function (b) { b.classList.toggle("on", b.getAttribute("data-filter-status") === f.status); });
  }

  [fRisk, fStatus, fArea, fTag].forEach(function (s) { s.addEventListener("change", apply); });
  q.addEventListener("input", apply);
  document.getElementById("reset").addEventListener("click", function () {
    q.value = fRisk.value = fStatus.value = fArea.value = fTag.value = "";
    apply();
  });
  function chip(attr, select) {
    document.querySelectorAll("[" + attr + "]").forEach(function (b) {
      b.addEventListener("click", function () {
        var v = b.getAttribute(attr);
        select.value = select.value === v ? "" : v;
        apply();
        var top = document.querySelector(".toolbar");
        if (top) { top.scrollIntoView({ block: "start" }); }
      });
    });
  }
  chip("data-filter-risk", fRisk);
  chip("data-filter-status", fStatus);
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== q && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      q.focus();
    }
    if (e.key === "Escape" && document.activeElement === q) { q.value = ""; apply(); q.blur(); }
  });
  apply();
})();
