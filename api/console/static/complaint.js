// The intake form's workers table: remove a row, add one without a round trip, and turn lines pasted from a
// spreadsheet into rows. Without JavaScript the form still works: rows are added by the server, pasted lines
// are read on submit.
(function () {
  "use strict";
  var table = document.getElementById("workers");
  var count = document.getElementById("rows");
  if (!table || !count) { return; }
  var body = table.tBodies[0];
  var columns = ["name", "id_number", "phone", "owed_amount", "owed_from", "owed_to"];
  var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return c.textContent; }).slice(1);

  function addRow(values) {
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
      input.value = (values && values[k]) || "";
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

  body.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".remove-row") : null;
    if (!button) { return; }
    var tr = button.closest("tr");
    tr.querySelectorAll("input").forEach(function (input) { input.value = ""; });  // emptied rows are ignored
    tr.hidden = true;
  });

  var add = document.getElementById("add-row");
  if (add) {
    add.addEventListener("click", function (e) {
      e.preventDefault();
      addRow(null).querySelector("input").focus();
    });
  }

  var paste = document.getElementById("paste");
  if (paste) {
    paste.addEventListener("paste", function (e) {
      var text = (e.clipboardData || window.clipboardData).getData("text");
      if (!text || text.indexOf("\t") < 0) { return; }  // not from a spreadsheet: leave it in the box
      e.preventDefault();
      text.split(/\r?\n/).forEach(function (line) {
        if (line.trim()) { addRow(line.split("\t").map(function (v) { return v.trim(); })); }
      });
    });
  }
})();
