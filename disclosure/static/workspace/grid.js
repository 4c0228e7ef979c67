/* Live totals of the input grids. Each derived cell is an <output data-sum="name name …"> listing the cells
   it adds up (rendered by the server from the edition's derivations), so this file knows nothing about the
   format. What is a number is the server's grammar: the form carries it as data-number (rendered from
   disclosure.formats.values.NUMBER_PATTERN), so the browser and the server cannot disagree. Whether a cell
   admits a minus or decimals is checked by the server on saving. A total is blank when everything it adds
   is blank, as on the server. No inline scripts (CSP). */
(function () {
  "use strict";

  var FULL_WIDTH_ZERO = 0xff10;

  function halfWidth(text) {
    return text.replace(/[０-９]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - FULL_WIDTH_ZERO + 48);
    });
  }

  /* null for blank or "/", NaN for what is not a number, else the number. */
  function parse(text, number) {
    var t = (text || "").replace(/^[ \u3000]+|[ \u3000]+$/g, "");
    if (t === "" || t === "/" || t === "／") return null;
    if (!number.test(t)) return NaN;
    return Number(halfWidth(t).replace(/[,，]/g, ""));
  }

  function format(n) {
    var rounded = Math.round(n * 100) / 100;
    return String(rounded);
  }

  function setUp(form) {
    var outputs = form.querySelectorAll("output[data-sum]");
    var number = new RegExp(form.getAttribute("data-number"));

    function valueOf(name) {
      var input = form.elements.namedItem(name);
      if (input && input.tagName === "INPUT") return parse(input.value, number);
      var output = document.getElementById("out-" + name);
      return output ? totalOf(output) : null;
    }

    function totalOf(output) {
      var sum = null;
      var names = output.getAttribute("data-sum").split(" ");
      for (var i = 0; i < names.length; i++) {
        var v = valueOf(names[i]);
        if (v === null) continue;
        if (isNaN(v)) return NaN;
        sum = (sum || 0) + v;
      }
      return sum;
    }

    function refresh() {
      outputs.forEach(function (output) {
        var total = totalOf(output);
        var text = total === null ? "" : isNaN(total) ? "？" : format(total);
        if (output.textContent !== text) output.textContent = text;
        output.classList.toggle("is-unknown", typeof total === "number" && isNaN(total));
      });
    }

    form.addEventListener("input", refresh);
    refresh();
    guardFillZero(form);
  }

  var EMPTY_TABLE_LABEL = "本表无数据（空白处填 0 并保存）";
  var PARTLY_FILLED_LABEL = "空白处填 0 并保存";

  function countCells(form) {
    var counts = { blank: 0, filled: 0 };
    form.querySelectorAll("input.cell-input:not([disabled])").forEach(function (input) {
      if (input.value.replace(/^[ \u3000]+|[ \u3000]+$/g, "") === "") counts.blank += 1;
      else counts.filled += 1;
    });
    return counts;
  }

  /* 空白处填 0 并保存 on a table already partly filled asks first, saying how many cells become 0 (one tap
     must not declare a half-filled table complete); on an empty table it is 本表无数据 and needs no asking.
     The label follows what is typed. Without scripts the button works as the server renders it. */
  function guardFillZero(form) {
    var button = form.querySelector("button[data-fill-zero]");
    if (!button) return;
    function relabel() {
      var text = countCells(form).filled ? PARTLY_FILLED_LABEL : EMPTY_TABLE_LABEL;
      if (button.textContent !== text) button.textContent = text;
    }
    button.addEventListener("click", function (event) {
      var counts = countCells(form);
      if (!counts.filled || !counts.blank) return;
      var question =
        "本表已填写 " + counts.filled + " 个单元格，还有 " + counts.blank + " 个空白单元格。" +
        "确定把这 " + counts.blank + " 个空白单元格都填为 0 并保存吗？";
      if (!window.confirm(question)) event.preventDefault();
    });
    form.addEventListener("input", relabel);
    relabel();
  }

  // For the test that feeds the server's table of inputs to this parser (tests/e2e).
  window.disclosureGrid = { parse: parse };
  document.querySelectorAll("form[data-grid]").forEach(setUp);
})();
