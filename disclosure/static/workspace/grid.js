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
  }

  // For the test that feeds the server's table of inputs to this parser (tests/e2e).
  window.disclosureGrid = { parse: parse };
  document.querySelectorAll("form[data-grid]").forEach(setUp);
})();
