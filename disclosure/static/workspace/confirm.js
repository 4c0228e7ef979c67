// Forms whose action cannot be undone carry data-confirm="question": the browser asks before sending.
// (No inline script: the CSP allows our own files only. Without script the form is sent as it is.)
"use strict";
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
