"use strict";
// The report's one script: a search box over every table, a filter and
// sortable columns on each table, and copy buttons for the commands. It
// reads and writes text alone (textContent, never innerHTML), so that the
// names of the logs stay text; without it the page reads the same.
(function () {
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.t"));
  function rows(t) { return Array.prototype.slice.call(t.rows, 1); }
  function show(t) {
    var q = (t.q || "") + "\u0000" + (search.value || "");
    var terms = q.toLowerCase().split("\u0000").filter(function (s) { return s; });
    rows(t).forEach(function (r) {
      var text = r.textContent.toLowerCase();
      r.hidden = !terms.every(function (s) { return text.indexOf(s) >= 0; });
    });
  }
  // number reads a numeric cell: a count (+123 when it may be short), a
  // share (12.5%) or a Go duration (1m2.5s, 350ms, 12µs), in seconds.
  var units = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "\u00b5s": 1e-6, ns: 1e-9 };
  function number(s) {
    var d = 0, seen = false;
    s.replace(/([0-9.]+)(h|ms|m|s|us|\u00b5s|ns)/g, function (_, n, u) { d += parseFloat(n) * units[u]; seen = true; });
    return seen ? d : parseFloat(s.replace(/[^0-9.]/g, "")) || 0;
  }
  function input(label) {
    var i = document.createElement("input");
    i.type = "search";
    i.placeholder = label;
    i.setAttribute("aria-label", label);
    return i;
  }
  var search = input("search users, resources, paths");
  search.id = "search";
  search.addEventListener("input", function () { tables.forEach(show); });
  var nav = document.querySelector("nav");
  if (nav) { nav.appendChild(search); }
  tables.forEach(function (t) {
    var f = input("filter this table");
    f.className = "f";
    f.addEventListener("input", function () { t.q = f.value; show(t); });
    t.parentNode.insertBefore(f, t);
    if (t.querySelector("td[colspan]")) { return; } // rows in pairs: not sortable
    Array.prototype.forEach.call(t.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.title = "sort";
      function sort() {
        var down = th.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(t.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var rs = rows(t);
        var numeric = rs.every(function (r) { return !r.cells[col] || r.cells[col].className === "n"; });
        function key(r) {
          var s = r.cells[col] ? r.cells[col].textContent : "";
          return numeric ? number(s) : s.toLowerCase();
        }
        rs.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (down ? -1 : 1);
        });
        var body = rs.length ? rs[0].parentNode : null;
        rs.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("code.cmd"), function (c) {
    if (!navigator.clipboard) { return; }
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "copy";
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(c.textContent).then(function () { b.textContent = "copied"; });
    });
    c.parentNode.insertBefore(b, c.nextSibling);
  });
})();
