/* Sorting and filtering for the tables of the data pages (.cg-data) and overviews (.cg-sortable); on a phone
   those and the home page's headline figures (.cg-cards) show each row as a card (pages.css), its cells named.
   Progressive: without JavaScript the tables are complete and in their natural order; this adds buttons
   to the column headings and, on a data page, a filter box. Nothing is fetched. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  // A number as pages print it (9,087 · 1.3万 · 约70% · -592.4), or NaN when the cell is no number.
  function numberOf(text) {
    var m = text.replace(/,/g, "").match(/-?\d+(\.\d+)?/);
    if (!m || text.replace(/,/g, "").indexOf(m[0]) > 2) { return NaN; }
    var n = parseFloat(m[0]);
    if (/^[^\d]*-?[\d.]+\s*亿/.test(text)) { n *= 1e8; } else if (/^[^\d]*-?[\d.]+\s*万/.test(text)) { n *= 1e4; }
    return n;
  }

  function compare(a, b, lang) {
    var x = numberOf(a), y = numberOf(b);
    if (!isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, lang);
  }

  function makeSortable(table, label, lang) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    Array.prototype.forEach.call(head.cells, function (th, index) {
      if (!th.textContent.trim()) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cg-sort";
      button.title = label;
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (row, i) { if (!row.dataset.order) { row.dataset.order = String(i); } });
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index), lang);
          if (c === 0) { c = r1.dataset.order - r2.dataset.order; }
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(box, table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var bar = document.createElement("div");
    bar.className = "cg-filter";
    var id = "cg-filter-" + Math.random().toString(36).slice(2, 8);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = box.dataset.filterLabel || "Filter";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.placeholder = box.dataset.filterPlaceholder || "";
    var count = document.createElement("output");
    count.setAttribute("aria-live", "polite");
    var total = body.rows.length;
    count.textContent = total + " / " + total;
    bar.appendChild(label);
    bar.appendChild(input);
    bar.appendChild(count);
    box.insertBefore(bar, box.firstChild);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = shown + " / " + total;
    });
  }

  // On a phone a data page's rows are shown as cards (pages.css): each cell then carries its column's name,
  // and the table its roles, since a table laid out as blocks is no longer a table to a screen reader.
  function nameCells(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var names = Array.prototype.map.call(head.cells, function (th) { return th.textContent.trim(); });
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (cell.tagName === "TH") { cell.setAttribute("role", "columnheader"); return; }
        cell.setAttribute("role", "cell");
        cell.dataset.label = names[index] || "";
        if (!cell.textContent.trim()) { cell.dataset.empty = "1"; }
      });
    });
  }

  function init() {
    var lang = document.documentElement.lang || "zh";
    document.querySelectorAll(".cg-data, .cg-sortable, .cg-cards").forEach(function (box) {
      var table = box.querySelector("table");
      if (!table || table.dataset.cgReady) { return; }
      table.dataset.cgReady = "1";
      if (!box.classList.contains("cg-cards")) { makeSortable(table, box.dataset.sortLabel || "", lang); }
      if (box.classList.contains("cg-data")) { makeFilterable(box, table); }
      nameCells(table);  // a phone shows each row as a card, each cell under its column's name (pages.css)
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
