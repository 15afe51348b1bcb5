// The intake form's workers table: remove a row, add one without a round trip, and turn lines pasted from a
// spreadsheet into rows. Without JavaScript the form still works: rows are added by the server, pasted lines
// are read on submit (and the remove buttons, which need a script, stay hidden).
(function () {
  "use strict";
  var table = document.getElementById("workers");
  var count = document.getElementById("rows");
  if (!table || !count) { return; }
  var body = table.tBodies[0];
  var columns = ["name", "id_number", "phone", "owed_amount", "owed_from", "owed_to"];
  var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return c.textContent; }).slice(1);
  var status = document.getElementById("paste-status");

  // The server's reading of a spreadsheet's cells (complaint.py sheet_cell): 2026/6/1 or 2026年6月1日 as
  // 2026-06-01, ¥1,000.00 or 1000元 as 1000.00; anything else as typed.
  var sheetDate = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
  var sheetAmount = /^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*元?$/;
  function pad(n) { return (n.length < 2 ? "0" : "") + n; }
  function isDay(y, m, d) {
    var day = new Date(Number(y), Number(m) - 1, Number(d));
    return day.getMonth() === Number(m) - 1 && day.getDate() === Number(d);
  }
  function sheetCell(column, text) {
    var m;
    if ((column === "owed_from" || column === "owed_to") && (m = sheetDate.exec(text))) {
      return isDay(m[1], m[2], m[3]) ? m[1] + "-" + pad(m[2]) + "-" + pad(m[3]) : text;
    }
    if (column === "owed_amount" && (m = sheetAmount.exec(text))) { return m[1].replace(/,/g, "") + (m[2] || ""); }
    return text;
  }

  // A date input blanks any value that is not YYYY-MM-DD: such a cell becomes plain text, so nothing is lost.
  function setCell(input, column, value) {
    if (column === "owed_from" || column === "owed_to") {
      var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      input.type = (!value || (iso && isDay(iso[1], iso[2], iso[3]))) ? "date" : "text";
    }
    input.value = value;
  }

  function addRow() {
    var i = Number(count.value);
    var tr = body.insertRow();
    tr.insertCell().textContent = String(i + 1);
    columns.forEach(function (c, k) {
      var td = tr.insertCell();
      var id = "w-" + i + "-" + c;
      var label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = id;
      label.textContent = "第 " + (i + 1) + " 行 " + labels[k];
      var input = document.createElement("input");
      input.type = (c === "owed_from" || c === "owed_to") ? "date" : "text";
      input.id = id;
      input.name = id;
      td.appendChild(label);
      td.appendChild(input);
    });
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary remove-row";
    remove.textContent = "删除";
    remove.setAttribute("aria-label", "删除第 " + (i + 1) + " 行");
    tr.insertCell().appendChild(remove);
    count.value = String(i + 1);
    return tr;
  }

  function isEmpty(tr) {
    return !tr.hidden && Array.prototype.every.call(tr.querySelectorAll("input"), function (input) { return !input.value; });
  }

  Array.prototype.forEach.call(body.querySelectorAll(".remove-row"), function (b) { b.hidden = false; });

  body.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".remove-row") : null;
    if (!button) { return; }
    var tr = button.closest("tr");
    tr.querySelectorAll("input").forEach(function (input) { input.value = ""; });  // emptied rows are ignored
    tr.hidden = true;
    var next = tr.nextElementSibling;
    while (next && next.hidden) { next = next.nextElementSibling; }
    var focus = next ? next.querySelector(".remove-row") : document.getElementById("add-row");
    if (focus) { focus.focus(); }  // the button pressed is gone: keep the keyboard in the table
  });

  var add = document.getElementById("add-row");
  if (add) {
    add.addEventListener("click", function (e) {
      e.preventDefault();
      addRow().querySelector("input").focus();
    });
  }

  var paste = document.getElementById("paste");
  if (paste) {
    paste.addEventListener("paste", function (e) {
      var text = (e.clipboardData || window.clipboardData).getData("text");
      if (!text || text.indexOf("\t") < 0) { return; }  // not from a spreadsheet: leave it in the box, read on submit
      e.preventDefault();
      var empty = Array.prototype.filter.call(body.rows, isEmpty);
      var added = 0;
      text.split(/\r?\n/).forEach(function (line) {
        if (!line.trim()) { return; }
        var cells = line.split("\t");
        var tr = empty.length ? empty.shift() : addRow();
        var inputs = tr.querySelectorAll("input");
        columns.forEach(function (c, k) { setCell(inputs[k], c, sheetCell(c, (cells[k] || "").trim())); });
        added += 1;
      });
      var filled = Array.prototype.filter.call(body.rows, function (tr) { return !tr.hidden && !isEmpty(tr); }).length;
      if (status) { status.textContent = "已粘贴 " + added + " 行，表中共 " + filled + " 名劳动者，请核对。"; }
    });
  }
})();
