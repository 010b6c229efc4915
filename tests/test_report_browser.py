"""The policy report renders in a real browser (headless Debian Chromium): every figure loads, nothing overflows."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, chromium_page
from tests.test_reports import fund_results, report  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("width", [1200, 800])
def test_report_renders_every_figure_without_overflow(report, width):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(width=width) as page:
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("""() => Array.from(document.images).map(i => ({
            ok: i.complete && i.naturalWidth > 0, w: i.getBoundingClientRect().width}))""")
        assert len(images) == 4 and all(i["ok"] for i in images)
        assert all(0 < i["w"] <= width for i in images)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than the window"
        assert "Headline" in page.inner_text("h2 >> nth=0")
        page.screenshot(path=str(ARTIFACTS / f"report_{width}.png"), full_page=True)
    assert (ARTIFACTS / f"report_{width}.png").stat().st_size > 50_000
