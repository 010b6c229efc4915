"""The teaching app, for real: `areasim app` served by Solara, driven in headless Debian Chromium.

Covers: controls show their values; tabs have names; a chart redraws after steps; the risk
view renders for a chosen area; the server's memory stays flat (after 200 steps within 20 %
of after 20); stopping `areasim app` with SIGTERM or SIGINT frees its port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, chromium_page

pytestmark = pytest.mark.slow

TABS = ["Areas & market", "Homes & money", "Area story", "Risk: why a party says no"]
CONTROL_VALUES = [
    "Scenario: nl_programme", "Cooperation model: as in the scenario", "Fund design: none",
    "Seed (which market future): 37", "Market crash in year 3 (−30 % prices over 2.5 years): off",
    "Presale threshold: 70%", "Investors' risk premium: 3.5 %-points", "Municipal budget: €150 million",
    "Play speed: 0.20 s per quarter", "While playing, redraw the charts every 4 quarters",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log: Path) -> tuple[subprocess.Popen, int, str]:
    """`areasim app` on a free port; returns (process, port, url) once the page answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "app", "--port", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("the app exited: " + log.read_text()[-2000:])
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return proc, port, url
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the app did not start: " + log.read_text()[-2000:])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tree_rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total / 1024


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    proc, _, url = start_app(tmp_path_factory.mktemp("app") / "server.log")
    try:
        yield proc, url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def images(page) -> list[str]:
    return page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth > 0).map(i => i.src)")


def quarter(page) -> int:
    text = page.inner_text(".areasim-status")
    return int(text.split("quarter", 1)[1].split("of", 1)[0])


def wait_quarter(page, n: int, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while quarter(page) < n:
        if time.time() > deadline:
            raise AssertionError(f"stuck at quarter {quarter(page)} (waiting for {n})")
        page.wait_for_timeout(200)


def test_controls_show_values_tabs_have_names_and_charts_update(app):
    _, url = app
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(1400, 1000) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.get_by_text("quarter 0 of 120").wait_for(timeout=60_000)
        page.wait_for_function("() => Array.from(document.images).some(i => i.naturalWidth > 0)", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "app_loaded.png"), full_page=True)
        body = page.inner_text("body")
        for text in CONTROL_VALUES:
            assert text in body, f"control value not shown: {text!r}"
        for name in TABS:
            assert page.get_by_role("tab", name=name).count() == 1, name
        assert "PAGE 0" not in body.upper().replace("PAGE 0 ", "") and "Page 1" not in body
        before = images(page)

        # change a control: the cooperation model; the label follows, RESET applies it
        page.get_by_text("as in the scenario", exact=True).first.click()
        page.get_by_role("option", name="concession").click()
        page.get_by_text("Cooperation model: concession").first.wait_for(timeout=20_000)
        page.get_by_text("Controls changed: press RESET").wait_for(timeout=20_000)
        page.get_by_role("button", name="RESET").click()
        page.wait_for_timeout(2000)
        for _ in range(3):
            page.get_by_role("button", name="STEP").click()
            page.wait_for_timeout(1000)
        page.get_by_text("quarter 3 of 120").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert images(page) and images(page) != before, "a chart should have been redrawn"

        page.get_by_role("tab", name="Area story").click()
        page.get_by_text("Cooperation model: concession.").wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "State now (" in body and "State at the end" not in body, body[-1500:]
        assert "so far the area is" in body and "the area ended" not in body, body[-800:]
        page.screenshot(path=str(ARTIFACTS / "app_story.png"), full_page=True)
        assert not errors, errors


def test_the_risk_view_renders_for_a_chosen_area(app):
    _, url = app
    with chromium_page(1400, 1000) as page:
        page.goto(url)
        page.get_by_text("quarter 0 of 120").wait_for(timeout=60_000)
        for _ in range(2):
            page.get_by_role("button", name="STEP").click()
            page.wait_for_timeout(800)
        page.get_by_role("tab", name="Risk: why a party says no").click()
        page.get_by_text("price futures").first.wait_for(timeout=30_000)
        page.get_by_text("canal_zone", exact=True).first.click()
        page.get_by_role("option", name="harbour_city").click()
        page.get_by_text("Area: harbour_city").first.wait_for(timeout=20_000)
        page.get_by_role("button", name="municipality").click()
        page.get_by_text("The municipality looks at").wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "CVaR" in body and "Risk aversion λ: 0.50" in body and ("says YES" in body or "says NO" in body)
        page.wait_for_function("() => Array.from(document.images).some(i => i.naturalWidth > 1000)",
                               timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "app_risk.png"), full_page=True)


def test_memory_stays_flat_over_200_steps(app):
    proc, url = app
    with chromium_page(1400, 1000) as page:
        page.goto(url)
        page.get_by_text("quarter 0 of 120").wait_for(timeout=60_000)
        page.get_by_role("button", name="RESET").click()
        page.get_by_text("quarter 0 of 120").wait_for(timeout=30_000)
        page.get_by_role("button", name="PLAY").click()
        wait_quarter(page, 20)
        page.get_by_role("button", name="PAUSE").click()
        page.wait_for_timeout(3000)
        after_20 = tree_rss_mb(proc.pid)
        page.get_by_role("button", name="PLAY").click()
        page.get_by_text("quarter 120 of 120").wait_for(timeout=300_000)  # 120 steps
        page.get_by_role("button", name="RESET").click()
        page.get_by_text("quarter 0 of 120").wait_for(timeout=30_000)
        page.get_by_role("button", name="PLAY").click()
        wait_quarter(page, 80, timeout=300)  # 120 + 80 = 200 steps
        page.get_by_role("button", name="PAUSE").click()
        page.wait_for_timeout(3000)
        after_200 = tree_rss_mb(proc.pid)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "app_memory.txt").write_text(f"after 20 steps: {after_20:.0f} MB\nafter 200 steps: {after_200:.0f} MB\n")
    assert after_200 <= 1.2 * after_20, f"memory grew from {after_20:.0f} MB to {after_200:.0f} MB"


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_app_frees_its_port(tmp_path, how):
    proc, port, _ = start_app(tmp_path / "server.log")
    try:
        proc.send_signal(how)  # the `areasim app` process only, as a terminal or a job scheduler does
        proc.wait(timeout=30)
        deadline = time.time() + 15
        while not port_is_free(port) and time.time() < deadline:
            time.sleep(0.3)
        assert port_is_free(port), "the Solara server still holds the port"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
