/* Draws each explorer's Vega-Lite chart from the JSON spec in its <script type="application/json">.
   The Content-Security-Policy forbids eval, so Vega runs with the CSP-safe expression
   interpreter (ast: true). Vega's files load once, only on pages with a chart; the table next to
   each chart has the same numbers, so a chart that cannot be drawn loses nothing. */
(function () {
  "use strict";
  if (window.gwExplore) { window.gwExplore.render(document); return; }
  var script = document.currentScript;
  var base = script ? script.src.replace(/js\/explore\.js(\?.*)?$/, "vendor/") : "/static/vendor/";
  var libs = ["vega.min.js", "vega-lite.min.js", "vega-interpreter.js", "vega-embed.min.js"];
  var loading = null;
  // htmx is configured not to keep <script> elements of swapped content (allowScriptTags:
  // false), which would drop the JSON spec too; read the specs from the raw response first.
  var pending = {};

  function loadOne(name) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = base + name;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (!loading) {
      loading = libs.reduce(function (chain, name) {
        return chain.then(function () { return loadOne(name); });
      }, Promise.resolve());
    }
    return loading;
  }

  function fail(el) {
    el.textContent = "The chart could not be drawn here; the table below has the same numbers.";
  }

  function draw(el) {
    var specId = el.getAttribute("data-chart-spec");
    var source = document.getElementById(specId);
    var text = source ? source.textContent : pending[specId];
    if (!text) { return; }
    delete pending[specId];
    var spec;
    try { spec = JSON.parse(text); } catch (e) { fail(el); return; }
    window.vegaEmbed(el, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      defaultStyle: false,
      tooltip: false
    }).then(function () {
      el.setAttribute("data-chart-ready", "true");
    }).catch(function () { fail(el); });
  }

  function render(root) {
    var charts = (root || document).querySelectorAll("[data-chart-spec]");
    if (!charts.length) { return; }
    load().then(function () {
      Array.prototype.forEach.call(charts, draw);
    }).catch(function () {
      Array.prototype.forEach.call(charts, fail);
    });
  }

  window.gwExplore = { render: render };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var html = event.detail && event.detail.serverResponse;
    if (typeof html !== "string" || html.indexOf("application/json") < 0) { return; }
    var doc = new DOMParser().parseFromString(html, "text/html");
    Array.prototype.forEach.call(doc.querySelectorAll('script[type="application/json"][id]'), function (s) {
      pending[s.id] = s.textContent;
    });
  });
  document.addEventListener("htmx:load", function (event) { render(event.target); });
})();
