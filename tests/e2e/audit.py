"""Browser-audit helpers: axe-core with every rule, sideways-scroll and live-region checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# The header may take at most this much of a phone's first screen (an admin's has eight links).
HEADER_MAX_PX = 160

# Every rule axe ships, experimental and best-practice ones included.
_RUN_ALL_RULES = """async () => {
  const rules = {};
  for (const rule of axe.getRules()) { rules[rule.ruleId] = {enabled: true}; }
  const result = await axe.run(document, {rules: rules, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary
      .replace(/\\s+/g, " ").slice(0, 220)),
  }));
}"""

_CHARTS_SETTLED = """() => Array.from(
    document.querySelectorAll("[data-chart-spec], [data-report-chart]"))
  .every(el => el.getAttribute("data-chart-ready") === "true"
            || el.getAttribute("data-chart-ready") === "failed")"""

_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && box.width > 0) {
        let inside = false;  // inside a box that scrolls or clips on its own: fine
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (s.overflowX !== "visible" || s.position === "fixed") { inside = true; break; }
        }
        if (!inside) {
          const cls = typeof el.className === "string" && el.className
            ? "." + el.className.split(" ")[0] : "";
          wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls
            + " right=" + Math.round(box.right));
        }
      }
      if (wide.length > 5) { break; }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
}"""


def settle(page: Page) -> None:
    """Wait until every chart on the page has been drawn (or has given up)."""
    page.wait_for_function(_CHARTS_SETTLED, timeout=30_000)


def axe_violations(page: Page) -> list[str]:
    """Every axe violation on the page, of any impact, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    found: list[dict[str, Any]] = page.evaluate(_RUN_ALL_RULES)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found]


def sideways_overflow(page: Page) -> dict[str, Any] | None:
    """None when the page is no wider than the window; otherwise the widths and culprits."""
    found: dict[str, Any] = page.evaluate(_OVERFLOW)
    return found if found["scroll"] > found["client"] else None


def mark_live_regions(page: Page) -> None:
    """Tag every live region now in the page, so a later check can tell it survived."""
    page.evaluate(
        """() => document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]')
          .forEach(el => { el.dataset.auditBefore = "1"; })"""
    )


def in_surviving_live_region(page: Page, selector: str) -> bool:
    """Whether the element matching ``selector`` sits inside a polite or assertive live
    region that was already in the page when ``mark_live_regions`` ran."""
    return bool(
        page.evaluate(
            """(selector) => {
              const el = document.querySelector(selector);
              if (!el) { return false; }
              for (let p = el; p; p = p.parentElement) {
                const live = p.getAttribute("aria-live");
                const role = p.getAttribute("role");
                const isLive = (live && live !== "off") || role === "status" || role === "alert"
                  || role === "log";
                if (isLive) { return p.dataset.auditBefore === "1"; }
              }
              return false;
            }""",
            selector,
        )
    )


def problems_in_both_schemes(page: Page, url: str | None = None) -> list[str]:
    """axe (every rule) in the light scheme at 1280 px and the dark one at 390 px, plus the
    sideways-scroll check at 390 px. With ``url`` each scheme loads the page afresh; without,
    the page already shown (a form's answer) is switched in place."""
    problems: list[str] = []
    for scheme, width in (("light", 1280), ("dark", 390)):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": 900})
        if url is not None:
            response = page.goto(url)
            assert response is not None, url
            assert response.status < 500, url
        else:
            page.wait_for_timeout(500)  # let colour transitions finish after the switch
        settle(page)
        problems += [f"axe, {scheme} scheme: {line}" for line in axe_violations(page)]
        if width == 390 and (overflow := sideways_overflow(page)):
            problems.append(f"sideways scroll at 390 px: {overflow}")
        if (
            width == 390
            and (
                height := page.locator("header.site-header").evaluate(
                    "el => el.getBoundingClientRect().height"
                )
            )
            > HEADER_MAX_PX
        ):
            problems.append(f"the site header is {height:.0f} px tall at 390 px")
    return problems
