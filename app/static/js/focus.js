/* Where keyboard and screen-reader focus goes after something changes (the CSP forbids inline
   script, so pages mark the target and this file moves focus):
   - a page that comes back with an error summary (a refused sign-up, login, reflection, survey
     or certificate form) focuses the summary, so it is read first and its links lead to the
     fields;
   - otherwise a page that opens with a message about what just happened (the flash after a
     form posted and redirected: "You are enrolled", "Reflection submitted") focuses that
     message, so the result of the action is what is read first, and Tab continues from there.
     When the address points into the page (#reflection-…, an exercise), the browser has
     scrolled there, so the message moves to the top of that part first;
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

  function focusOnArrival() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) { summary.focus(); return; }
    var flashes = document.querySelector(".flashes[tabindex]");
    if (!flashes) { return; }
    var id = window.location.hash.length > 1 ? decodeURIComponent(window.location.hash.slice(1)) : "";
    var part = id ? document.getElementById(id) : null;
    if (part && part.id !== "main" && !part.contains(flashes)) {
      var heading = part.querySelector("h2, h3, h4");
      var after = heading && heading.parentNode === part ? heading.nextSibling : part.firstChild;
      part.insertBefore(flashes, after);
    }
    flashes.focus();
    // Scrolling to the #part after loading can drop focus back to the page: take it again.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body) { flashes.focus(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOnArrival);
  } else {
    focusOnArrival();
  }
  // htmx:load fires for every element an update adds, out-of-band parts included (the form that
  // sent the request may itself have been replaced, so its own events reach no listener).
  document.addEventListener("htmx:load", function () { window.setTimeout(focusMarked, 0); });
})();
