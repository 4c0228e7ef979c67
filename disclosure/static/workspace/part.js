/* A part's page: after a failed save the error summary takes the focus (the page title already starts with
   "错误："), and a link to a cell — from the summary, the part's findings or the findings page (#id_…) —
   brings the cell into view together with its column headers and focuses it. Leaving with unsaved changes
   asks first (beforeunload). The grid's sticky headers and
   row labels are measured here and given to the scrolling box as its scroll-padding, so a focused cell is
   never under them. No inline scripts (CSP). */
(function () {
  "use strict";

  function measure(box) {
    var head = box.querySelector("thead");
    var labels = box.querySelectorAll("tbody th");
    var left = box.getBoundingClientRect().left - box.scrollLeft;
    var right = 0;
    labels.forEach(function (th) {
      right = Math.max(right, th.getBoundingClientRect().right - left - box.scrollLeft);
    });
    box.style.setProperty("--grid-head", (head ? head.getBoundingClientRect().height : 0) + "px");
    box.style.setProperty("--grid-labels", right + "px");
  }

  function measureAll() {
    document.querySelectorAll(".grid-scroll").forEach(measure);
    var bar = document.querySelector(".save-bar");
    if (bar) document.documentElement.style.scrollPaddingBottom = bar.getBoundingClientRect().height + 8 + "px";
  }

  /* The cell's box first (its top holds the column headers), then the cell within it. */
  function reveal(target) {
    var box = target.closest(".grid-scroll");
    if (box) {
      var top = box.getBoundingClientRect().top;
      var bar = document.querySelector(".save-bar");
      var room = window.innerHeight - (bar ? bar.getBoundingClientRect().height : 0);
      if (top < 0 || box.getBoundingClientRect().bottom > room) box.scrollIntoView({ block: "start" });
    }
    if (target.matches("input, textarea, select, output")) {
      if (target.tagName === "OUTPUT") target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: !box });
      if (!box) target.scrollIntoView({ block: "center" });
    } else {
      target.scrollIntoView({ block: "start" });
    }
  }

  function targetOf(hash) {
    if (!hash || hash.length < 2) return null;
    return document.getElementById(decodeURIComponent(hash.slice(1)));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href*='#']");
    if (!link || link.pathname !== window.location.pathname) return;
    var target = targetOf(link.hash);
    if (!target || !target.matches("input, textarea, output")) return;
    event.preventDefault();
    history.replaceState(null, "", link.hash);
    reveal(target);
  });

  /* The browser's own scrolling on focus honours the scroll-padding, but not in every case (a cell just above
     the bar after a tall row), and it may leave the box's top — the column headers — above the window: lift
     the page by whatever of the cell is under the save bar, or bring the box's top back when it fits. */
  function keepInView(event) {
    var cell = event.target;
    var bar = document.querySelector(".save-bar");
    var box = cell.closest ? cell.closest(".grid-scroll") : null;
    if (!box) return;
    window.requestAnimationFrame(function () {
      // The window's height above the bar where the bar sticks (at the page's end it may sit higher).
      var room = window.innerHeight - (bar ? bar.getBoundingClientRect().height : 0);
      var rect = box.getBoundingClientRect();
      if (rect.height <= room) {
        // The whole box fits above the bar: show all of it (the box scrolls the cell into its own view).
        if (rect.top < 0) window.scrollBy(0, rect.top);
        else if (rect.bottom > room) window.scrollBy(0, Math.min(rect.bottom - room, rect.top));
      } else {
        var overlap = cell.getBoundingClientRect().bottom + 4 - room;
        if (overlap > 0) window.scrollBy(0, overlap);
      }
    });
  }

  /* Leaving a part's page (another part's link, the dashboard, logging out) with changes not saved asks
     first. A form rendered again after a refused save holds what was typed but not saved (data-unsaved).
     Submitting the form itself clears the flag; a cancelled confirm() in grid.js prevents the submit. */
  function guardUnsaved(form) {
    var dirty = form.hasAttribute("data-unsaved");
    function touched() {
      dirty = true;
    }
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
    form.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    });
  }

  /* A narrative's length as the server counts it (code points, a line break sent as CR LF, the ends
     trimmed), under its field: the limit is said before saving, and nothing is cut short (no maxlength). */
  function serverLength(text) {
    var trimmed = text.trim();
    var breaks = (trimmed.match(/\n/g) || []).length;
    return Array.from(trimmed).length + breaks;
  }

  function countCharacters(textarea) {
    var limit = Number(textarea.getAttribute("data-max-length"));
    var counter = document.createElement("div");
    counter.className = "form-text char-count";
    textarea.insertAdjacentElement("afterend", counter);
    function update() {
      var length = serverLength(textarea.value);
      var over = length > limit ? "，超出 " + (length - limit) + " 字" : "";
      counter.textContent = "共 " + length + " 字，最多 " + limit + " 字" + over;
      counter.classList.toggle("text-danger", length > limit);
    }
    textarea.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("form[data-warn-unsaved]").forEach(guardUnsaved);
  document.querySelectorAll("form[data-warn-unsaved] textarea[data-max-length]").forEach(countCharacters);
  measureAll();
  window.addEventListener("resize", measureAll);
  document.addEventListener("focusin", keepInView);

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  } else {
    var target = targetOf(window.location.hash);
    if (target) reveal(target);
  }
})();
