"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function text(tag, value) { var el = document.createElement(tag); el.textContent = value; return el; }

  // Decision rights heatmap: filters, sorting, and the detail of a decision.
  var heat = $("table.heatmap");
  if (heat && data.rights) {
    var byId = {};
    data.rights.decisions.forEach(function (d) { byId[d.id] = d; });
    var category = $("#filter-category"), fn = $("#filter-function");
    function applyFilters() {
      var cat = category ? category.value : "", func = fn ? fn.value : "";
      $all("[data-decision]", heat).forEach(function (el) {
        var d = byId[el.getAttribute("data-decision")];
        el.classList.toggle("hidden", cat !== "" && d.category !== cat);
      });
      $all("tbody tr", heat).forEach(function (row) {
        row.classList.toggle("hidden", func !== "" && row.getAttribute("data-function") !== func);
      });
    }
    if (category) category.addEventListener("change", applyFilters);
    if (fn) fn.addEventListener("change", applyFilters);

    function sortRows(byLoad) {
      var body = $("tbody", heat);
      var rows = $all("tr", body);
      rows.sort(function (a, b) {
        if (byLoad) {
          var d = Number(b.getAttribute("data-load")) - Number(a.getAttribute("data-load"));
          if (d !== 0) return d;
        }
        return a.getAttribute("data-party") < b.getAttribute("data-party") ? -1 : 1;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    function sortColumns(byLoad) {
      var order = data.rights.decisions.map(function (d, i) { return i; });
      order.sort(function (i, j) {
        var a = data.rights.decisions[i], b = data.rights.decisions[j];
        if (byLoad && b.load !== a.load) return b.load - a.load;
        if (!byLoad && a.category !== b.category) return a.category < b.category ? -1 : 1;
        return a.id < b.id ? -1 : 1;
      });
      $all("tr", heat).forEach(function (row) {
        var cells = $all("[data-decision]", row);
        var byDecision = {};
        cells.forEach(function (c) { byDecision[c.getAttribute("data-decision")] = c; });
        order.forEach(function (i) { row.appendChild(byDecision[data.rights.decisions[i].id]); });
      });
    }
    var rowsButton = $("#sort-parties"), colsButton = $("#sort-decisions");
    if (rowsButton) rowsButton.addEventListener("click", function () {
      var byLoad = rowsButton.getAttribute("data-by") !== "load";
      sortRows(byLoad);
      rowsButton.setAttribute("data-by", byLoad ? "load" : "name");
      rowsButton.textContent = byLoad ? "Parties by name" : "Parties by load";
    });
    if (colsButton) colsButton.addEventListener("click", function () {
      var byLoad = colsButton.getAttribute("data-by") !== "load";
      sortColumns(byLoad);
      colsButton.setAttribute("data-by", byLoad ? "load" : "category");
      colsButton.textContent = byLoad ? "Decisions by category" : "Decisions by load";
    });

    var detail = $("#decision-detail");
    function show(id) {
      var d = byId[id];
      if (!d || !detail) return;
      $all("th.decision.selected", heat).forEach(function (el) { el.classList.remove("selected"); });
      $all('th.decision[data-decision="' + CSS.escape(id) + '"]', heat).forEach(function (el) { el.classList.add("selected"); });
      detail.textContent = "";
      detail.appendChild(text("h3", d.title));
      var list = document.createElement("dl");
      [["Decision id", [d.id]], ["Category", [d.category || "none"]],
       ["Who may decide", d.deciders], ["Responsible", d.responsible],
       ["Must agree", d.agree], ["Consulted", d.consult], ["Informed", d.inform],
       ["Escalation path (above the decider)", d.escalation],
       ["Findings", d.flags]].forEach(function (pair) {
        list.appendChild(text("dt", pair[0]));
        list.appendChild(text("dd", pair[1].length ? pair[1].join(", ") : "none"));
      });
      detail.appendChild(list);
      detail.classList.remove("hidden");
    }
    $all("th.decision", heat).forEach(function (th) {
      th.addEventListener("click", function () { show(th.getAttribute("data-decision")); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(th.getAttribute("data-decision")); }
      });
    });
  }

  // Findings: filter by severity and by section.
  var findings = $("table.findings");
  if (findings) {
    var severity = $("#filter-severity"), section = $("#filter-section"), shown = $("#findings-shown");
    function filterFindings() {
      var sev = severity.value, sec = section.value, count = 0;
      $all("tbody tr", findings).forEach(function (row) {
        var hide = (sev !== "" && row.getAttribute("data-severity") !== sev) ||
                   (sec !== "" && row.getAttribute("data-section") !== sec);
        row.classList.toggle("hidden", hide);
        if (!hide) count += 1;
      });
      if (shown) shown.textContent = String(count);
    }
    severity.addEventListener("change", filterFindings);
    section.addEventListener("change", filterFindings);
  }
})();
