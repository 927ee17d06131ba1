"""Addresses that never break, followed in Chromium: every former address of
the real site (pages renamed or merged, their ``former_slugs``) leads to the
page that holds its content now, with no script and no error."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP

pytestmark = pytest.mark.browser


def _redirects(site_dir):
    lines = (site_dir / "_redirects").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()[:2]) for line in lines if line.strip()]


def test_every_former_address_leads_to_its_page(site_dir, open_page):
    moved = _redirects(site_dir)
    assert len(moved) >= 15  # the merges and renames of the content review
    v = open_page(viewport=DESKTOP, java_script_enabled=False)  # a meta refresh needs no script
    for old, new in moved:
        v.page.goto(v.url(old), wait_until="load")
        v.page.wait_for_url(v.url(new) + "*", timeout=10_000)
        assert v.page.url.endswith(new), (old, v.page.url)
        heading = v.page.locator("h1").first.inner_text()
        assert heading.strip(), (old, new)
    assert v.problems() == []
