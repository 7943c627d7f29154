/* Where keyboard and screen-reader focus goes after something changes (the CSP forbids inline
   script, so pages mark the target and this file moves focus):
   - a page that comes back with an error summary (a refused sign-up, login, reflection, survey
     or certificate form) focuses the summary, so it is read first and its links lead to the
     fields;
   - after an htmx update, the element the server marked with data-focus-after-swap (an
     exercise's new feedback or hint) gets focus; it sits inside a live region that was already
     on the page, so it is announced as well as focused. */
(function () {
  "use strict";
  if (window.gwFocus) { return; }
  window.gwFocus = true;

  function focusMarked() {
    var el = document.querySelector("[data-focus-after-swap]");
    if (!el) { return; }
    el.removeAttribute("data-focus-after-swap");
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.focus();
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("htmx:oobAfterSwap", function () { window.setTimeout(focusMarked, 0); });
})();
