/* Draws each explorer's Vega-Lite chart from the JSON spec in its <script type="application/json">.
   The Content-Security-Policy forbids eval, so Vega runs with the CSP-safe expression
   interpreter (ast: true). Vega's files load once, only on pages with a chart; the table next to
   each chart has the same numbers, so a chart that cannot be drawn loses nothing.

   The chart follows the page: transparent, with the page's text colours in the light or dark
   scheme (and redrawn when the reader switches), and narrower axis labels on a phone. For
   screen readers it stays one image named after the view (role="img" and aria-label from the
   template): Vega's own ARIA marks are turned off and its SVG hidden. */
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
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  var THEMES = {
    light: { text: "#373c44", muted: "#474d59", grid: "#dfe3e8", bar: "#015887", rule: "#1b1f24",
             range: ["#015887", "#b35c00", "#17572f", "#8e2a7a", "#574900", "#3f4a60"] },
    dark: { text: "#dfe3eb", muted: "#aab2c0", grid: "#2a3140", bar: "#5cc3ff", rule: "#f0f1f3",
            range: ["#5cc3ff", "#ffb54d", "#86d9a0", "#f0a6e0", "#ecd077", "#c2c7d0"] }
  };

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
    el.setAttribute("data-chart-ready", "failed");
  }

  function themed(spec, el) {
    var t = THEMES[darkQuery && darkQuery.matches ? "dark" : "light"];
    var narrow = el.clientWidth < 480;
    var config = spec.config || {};
    config.background = null;
    config.aria = false;
    config.view = { stroke: null, discreteHeight: { step: narrow ? 24 : 26 } };
    config.font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    config.title = { color: t.text, fontSize: 15, fontWeight: 600, offset: 10 };
    config.axis = { labelColor: t.muted, titleColor: t.text, gridColor: t.grid, domainColor: t.muted,
                    tickColor: t.muted, labelFontSize: 13, titleFontSize: 13, titleFontWeight: 600 };
    // The group names share the width with the bars (shorter on a phone); no y-axis title,
    // since the chart title already says "by ...".
    config.axisY = { labelLimit: narrow ? 96 : 260 };
    (spec.layer || [spec]).forEach(function (layer) {
      if (layer.encoding && layer.encoding.y) { layer.encoding.y.title = null; }
    });
    config.axisX = { titleLimit: narrow ? 240 : 600, labelOverlap: true, tickCount: narrow ? 4 : 10 };
    config.legend = Object.assign({}, config.legend, { labelColor: t.muted, titleColor: t.text,
                                                       labelFontSize: 12, titleFontSize: 12 });
    config.bar = { color: t.bar };
    config.rule = { color: t.rule };
    config.range = { category: t.range };
    spec.config = config;
    spec.background = null;
    return spec;
  }

  function label(el) {
    el.setAttribute("role", "img");
    var svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      svg.removeAttribute("role");
      svg.removeAttribute("aria-roledescription");
      svg.removeAttribute("aria-label");
    }
  }

  function draw(el) {
    var specId = el.getAttribute("data-chart-spec");
    var source = document.getElementById(specId);
    var text = source ? source.textContent : (pending[specId] || el.gwSpec);
    if (!text) { return; }
    delete pending[specId];
    el.gwSpec = text;
    var spec;
    try { spec = JSON.parse(text); } catch (e) { fail(el); return; }
    window.vegaEmbed(el, themed(spec, el), {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      defaultStyle: false,
      tooltip: false
    }).then(function () {
      label(el);
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
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function () { render(document); });
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
