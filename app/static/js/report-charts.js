/* Draws the staff reports' charts (module funnel, weekly trend, item analysis) from the
   Vega-Lite spec in the <script type="application/json"> next to each chart box. The spec's
   data is the report table's own figures (app/reports/charts.py), so the chart, the table
   below it and the CSV agree.

   The Content-Security-Policy forbids eval, so Vega runs with the CSP-safe expression
   interpreter (ast: true), as in the data explorer (explore.js). The chart boxes stay hidden
   until a chart is drawn, so a page without JavaScript, or where drawing fails, shows the
   tables only. Each box is one image for screen readers (role="img", its label summarises the
   chart and points to the table); Vega's own ARIA marks are off and its SVG hidden.
   Colours follow the reader's light or dark scheme and the chart is redrawn when it changes
   or when the box changes width (a phone turned sideways). */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/js\/report-charts\.js(\?.*)?$/, "vendor/") : "/static/vendor/";
  var libs = ["vega.min.js", "vega-lite.min.js", "vega-interpreter.js", "vega-embed.min.js"];
  var loading = null;
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  var THEMES = {
    light: { text: "#373c44", muted: "#474d59", grid: "#dfe3e8",
             range: ["#015887", "#b35c00", "#17572f", "#8e2a7a"] },
    dark: { text: "#dfe3eb", muted: "#aab2c0", grid: "#2a3140",
            range: ["#5cc3ff", "#ffb54d", "#86d9a0", "#f0a6e0"] }
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

  function themed(spec, el) {
    var t = THEMES[darkQuery && darkQuery.matches ? "dark" : "light"];
    var narrow = el.clientWidth < 480;
    var config = spec.config || {};
    config.background = null;
    config.aria = false;
    config.view = { stroke: null, discreteHeight: { step: narrow ? 22 : 24 } };
    config.font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    config.title = { color: t.text, fontSize: narrow ? 13 : 15, fontWeight: 600, offset: 10 };
    config.axis = { labelColor: t.muted, titleColor: t.text, gridColor: t.grid, domainColor: t.muted,
                    tickColor: t.muted, labelFontSize: 12, titleFontSize: 13, titleFontWeight: 600 };
    // Module and exercise names share the width with the bars: shorter on a phone.
    config.axisY = { labelLimit: narrow ? 130 : 300 };
    config.axisX = { labelOverlap: true, tickCount: narrow ? 4 : 8, titleLimit: narrow ? 240 : 600 };
    config.legend = Object.assign({}, config.legend, { labelColor: t.muted, titleColor: t.text,
                                                       labelFontSize: 12, titleFontSize: 12 });
    config.range = { category: t.range };
    config.bar = { color: t.range[0] };
    config.line = { strokeWidth: 2 };
    spec.config = config;
    spec.background = null;
    return spec;
  }

  function label(el) {
    // vega-embed marks the box as a "graphics-document"; it is one image here.
    el.setAttribute("role", "img");
    el.removeAttribute("aria-roledescription");
    var svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      svg.removeAttribute("role");
      svg.removeAttribute("aria-roledescription");
      svg.removeAttribute("aria-label");
    }
  }

  function fail(el) {
    el.hidden = true;
    el.setAttribute("data-chart-ready", "failed");
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-report-chart"));
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { fail(el); return; }
    el.hidden = false;  // shown before drawing: "width: container" reads the box's width
    if (el.gwView) { el.gwView.finalize(); el.gwView = null; }
    el.gwWidth = el.clientWidth;
    window.vegaEmbed(el, themed(spec, el), {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      defaultStyle: false,
      tooltip: false
    }).then(function (result) {
      el.gwView = result.view;
      label(el);
      el.setAttribute("data-chart-ready", "true");
    }).catch(function () { fail(el); });
  }

  function render() {
    var charts = document.querySelectorAll("[data-report-chart]");
    if (!charts.length) { return; }
    load().then(function () {
      Array.prototype.forEach.call(charts, draw);
    }).catch(function () {
      Array.prototype.forEach.call(charts, fail);
    });
  }

  var resizeTimer = null;
  function redrawIfResized() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var charts = document.querySelectorAll("[data-report-chart][data-chart-ready=true]");
      Array.prototype.forEach.call(charts, function (el) {
        if (el.clientWidth !== el.gwWidth) { draw(el); }
      });
    }, 250);
  }

  if (window.gwReportCharts) { return; }  // the script tag comes once per charted table
  window.gwReportCharts = true;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", render);
  }
  window.addEventListener("resize", redrawIfResized);
})();
