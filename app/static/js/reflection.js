// Reflection boxes: a live word and character count. Autosave itself is htmx (hx-post on
// the textarea); without JavaScript the "Save draft" button does the same job.
(function () {
  "use strict";
  if (window.groundworkReflections) { return; }
  window.groundworkReflections = true;

  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function update(area) {
    var out = document.getElementById(area.dataset.count);
    if (!out) { return; }
    var text = area.value.replace(/\r\n?/g, "\n");
    var chars = Array.from(text).length; // code points, as the server counts
    var max = parseInt(area.dataset.maxChars || "0", 10);
    var min = parseInt(area.dataset.minWords || "0", 10);
    var n = words(text);
    var parts = [n + (n === 1 ? " word" : " words")];
    if (min && n < min) { parts[0] += " (at least " + min + " needed)"; }
    parts.push(chars.toLocaleString() + " of " + max.toLocaleString() + " characters");
    out.textContent = parts.join(" · ");
    out.classList.toggle("over-limit", max > 0 && chars > max);
  }

  function init() {
    document.querySelectorAll("textarea.reflection-text").forEach(function (area) {
      if (area.dataset.counting) { return; }
      area.dataset.counting = "1";
      update(area);
      area.addEventListener("input", function () { update(area); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
