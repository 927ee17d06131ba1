"""Accessibility: axe-core (axe-playwright-python) finds no serious or critical
violation on any page type (WCAG 2.x A/AA rules and axe's best practices)."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from .conftest import DESKTOP, PAGE_TYPES, page_url_or_skip

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements) {v.get('helpUrl', '')}")
        for node in v["nodes"][:8]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else str(t) for t in node.get("target", []))
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_serious_or_critical_axe_violation(open_page, page_urls, axe, kind):
    path = page_url_or_skip(page_urls, kind)
    v = open_page(viewport=DESKTOP)
    v.goto(path, expect_status=404 if kind == "404" else 200)
    if kind == "search":
        expect(v.page.locator("#search-results li").first).to_be_visible(timeout=30_000)
    results = axe.run(v.page)
    violations = results.response["violations"]
    print(f"\naxe {results.response.get('testEngine', {}).get('version', '?')} on {path}: "
          + (results.generate_snapshot().replace("\n", "; ") or "no violations"))
    blocking = [x for x in violations if x.get("impact") in BLOCKING]
    assert not blocking, f"axe on {path}: {len(blocking)} serious/critical rules violated\n" + describe(blocking)
