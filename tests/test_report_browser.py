"""The policy report renders in a real browser (headless Debian Chromium): every figure loads, every figure
draws each design in the same colour, and no text overflows (page, tables, captions, legends)."""

from __future__ import annotations

import json

import pytest

from tests.browser import ARTIFACTS, chromium_page
from tests.test_reports import fund_results, report  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

OVERFLOWING = """() => Array.from(document.querySelectorAll('table, p, li, figcaption, .legend, h1, h2'))
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => ({tag: e.tagName, cls: e.className, text: e.innerText.slice(0, 60), over: e.scrollWidth - e.clientWidth}))"""


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
        assert page.evaluate(OVERFLOWING) == []
        assert "Headline" in page.inner_text("h2 >> nth=0")
        colours = page.evaluate("() => Array.from(document.querySelectorAll('figure')).map(f => f.dataset.colours)")
        swatches = page.evaluate("""() => Array.from(document.querySelectorAll('figure')).map(f =>
            Array.from(f.querySelectorAll('.key')).map(k => [k.innerText.trim(),
                getComputedStyle(k.querySelector('.swatch')).backgroundColor]))""")
        page.screenshot(path=str(ARTIFACTS / f"report_{width}.png"), full_page=True)
    maps = [json.loads(c) for c in colours]
    assert len(maps) == 4 and sum(bool(m) for m in maps) == 3
    seen: dict[str, str] = {}
    for mapping in maps:  # one colour per design, the same in every figure
        for design, colour in mapping.items():
            assert seen.setdefault(design, colour) == colour, design
    assert len(set(seen.values())) == len(seen)
    legend_colours = {}
    for keys in swatches:  # the legend under each figure shows the same colour for a design everywhere
        for label, rgb in keys:
            assert legend_colours.setdefault(label, rgb) == rgb, label
    assert len(legend_colours) == len(seen)
    assert (ARTIFACTS / f"report_{width}.png").stat().st_size > 50_000
