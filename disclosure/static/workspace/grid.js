/* Live totals of the input grids. Each derived cell is an <output data-sum="name name …"> listing the cells
   it adds up (rendered by the server from the edition's derivations), so this file knows nothing about the
   format. A total is blank when everything it adds is blank, as on the server. No inline scripts (CSP). */
(function () {
  "use strict";

  var NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

  function parse(text) {
    var t = (text || "").trim().replace(/[,，]/g, "");
    if (t === "" || t === "/" || t === "／") return null;
    if (!NUMBER.test(t)) return NaN;
    return Number(t);
  }

  function format(n) {
    var rounded = Math.round(n * 100) / 100;
    return String(rounded);
  }

  function setUp(form) {
    var outputs = form.querySelectorAll("output[data-sum]");

    function valueOf(name) {
      var input = form.elements.namedItem(name);
      if (input && input.tagName === "INPUT") return parse(input.value);
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

  document.querySelectorAll("form[data-grid]").forEach(setUp);
})();
