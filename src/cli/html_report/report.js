// The report's one script, inline in the document (html_report.rs). Plain
// ES2015, no library, nothing fetched. It only shows and hides what the HTML
// already holds: the case filter, fold all, the full log's level filter and
// search (case-insensitive substring, over each line's text without its
// number), links to a line or a case, and every fold opened for printing.
"use strict";
(function () {
  var root = document.documentElement;
  root.classList.remove("nojs");
  var all = function (sel, from) { return Array.prototype.slice.call((from || document).querySelectorAll(sel)); };

  // Cases: one filter at a time; a filter hides the cases it does not keep.
  var cases = all("details.case");
  var filters = all("[data-filter]");
  var keeps = {
    all: function () { return true; },
    problems: function (c) { return c.dataset.outcome === "failed" || c.dataset.outcome === "error"; },
    flaky: function (c) { return c.dataset.flaky === "1"; },
    passed: function (c) { return c.dataset.outcome === "passed"; },
    skipped: function (c) { return c.dataset.outcome === "skipped"; },
  };
  function showCases(which) {
    cases.forEach(function (c) { c.hidden = !keeps[which](c); });
    filters.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.filter === which)); });
  }
  filters.forEach(function (b) { b.addEventListener("click", function () { showCases(b.dataset.filter); }); });
  all("[data-fold]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.dataset.fold === "open";
      all("details.case, details.step").forEach(function (d) { d.open = open; });
    });
  });

  // The full log: which levels show, and which lines hold the search text.
  var lines = all("pre.log .line");
  var texts = null; // each line's text in lower case, read once, on the first search
  var q = document.getElementById("q");
  var count = document.getElementById("match-count");
  var none = document.getElementById("no-match");
  var boxes = all("input[data-level]");
  var timer = 0;
  function plural(n) { return n === 1 ? "line" : "lines"; }
  function apply() {
    timer = 0;
    var hidden = {};
    boxes.forEach(function (b) { hidden[b.dataset.level] = !b.checked; });
    var needle = q ? q.value.toLowerCase() : "";
    if (needle.trim() === "") needle = "";
    if (needle && !texts) texts = lines.map(function (l) { return l.lastChild.textContent.toLowerCase(); });
    var shown = 0;
    for (var i = 0; i < lines.length; i++) {
      var keep = !hidden[lines[i].dataset.level] && (!needle || texts[i].indexOf(needle) !== -1);
      if (lines[i].hidden === keep) lines[i].hidden = !keep;
      if (keep) shown++;
    }
    var total = lines.length;
    var text = needle ? shown + " of " + total + " " + plural(total) + " match"
      : shown === total ? total + " " + plural(total) : shown + " of " + total + " " + plural(total) + " shown";
    if (count) { count.textContent = text; count.dataset.shown = String(shown); }
    if (none) none.hidden = shown > 0 || total === 0;
    highlight(needle);
  }
  function later() { if (!timer) timer = setTimeout(apply, 60); }
  if (q) {
    q.addEventListener("input", later);
    q.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { q.value = ""; apply(); }
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });

  // The matches marked where the browser can (CSS Custom Highlight API):
  // no element is added, so the lines stay one text each. At most 5,000.
  function highlight(needle) {
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    CSS.highlights.delete("report-search");
    if (!needle) return;
    var marks = new Highlight(), n = 0;
    for (var i = 0; i < lines.length && n < 5000; i++) {
      if (lines[i].hidden) continue;
      var node = lines[i].lastChild.firstChild;
      var from = 0, at;
      // Lower case can change a text's length (rare scripts): no mark then.
      if (!node || node.length !== texts[i].length) continue;
      while ((at = texts[i].indexOf(needle, from)) !== -1 && n < 5000) {
        var r = new Range();
        r.setStart(node, at);
        r.setEnd(node, at + needle.length);
        marks.add(r);
        n++;
        from = at + needle.length;
      }
    }
    CSS.highlights.set("report-search", marks);
  }

  // `/` searches (unless typing somewhere), as in most log viewers.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && q && !(t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA"))) {
      e.preventDefault();
      q.focus();
      q.select();
    }
  });

  // A link to a line or a case shows it, whatever hides it now.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    if (el.hidden && el.classList.contains("line")) {
      if (q) q.value = "";
      boxes.forEach(function (b) { b.checked = true; });
      apply();
    }
    if (el.classList.contains("case")) showCases("all");
    for (var p = el; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
    el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) reveal();

  // Printing shows everything; the folds come back after.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = all("details:not([open])");
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
