// While a published version renders, the report and review pages look again every 5 seconds and, once it is
// done (or failed), put the new state and the public links in place. Only the publication card changes: the
// page is not reloaded, so what the reviewer reads or types stays (a <meta http-equiv="refresh"> reloaded the
// whole page, against WCAG 2.2.1). The card sits in a polite live region, so the change is announced.
(function () {
  "use strict";
  var PERIOD_MS = 5000;
  var TRIES = 120; // ten minutes; after that the page says so and stops asking

  function card() {
    return document.getElementById("rendering");
  }

  function look(left) {
    if (!card() || !card().hasAttribute("data-rendering")) return;
    if (left <= 0) {
      var note = card().querySelector("[data-rendering-note]");
      if (note) note.textContent = "仍在生成。请稍后刷新本页查看结果。";
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("rendering");
        if (fresh && !fresh.hasAttribute("data-rendering")) {
          card().replaceWith(document.importNode(fresh, true));
        } else {
          window.setTimeout(function () { look(left - 1); }, PERIOD_MS);
        }
      })
      .catch(function () { window.setTimeout(function () { look(left - 1); }, PERIOD_MS); });
  }

  window.setTimeout(function () { look(TRIES); }, PERIOD_MS);
})();
