"""The teaching app, for real: `areasim app` served by Solara, driven in headless Debian Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser import ARTIFACTS, chromium_page

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "app", "--port", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail("the app exited: " + log.read_text()[-2000:])
            try:
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not start: " + log.read_text()[-2000:])
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def images(page) -> list[str]:
    return page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth > 0).map(i => i.src)")


def test_the_app_loads_changes_a_control_steps_and_updates(app_url):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(1400, 1000) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(app_url)
        page.get_by_text("quarter 0 of 120").wait_for(timeout=60_000)
        page.wait_for_function("() => Array.from(document.images).some(i => i.naturalWidth > 0)", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "app_loaded.png"), full_page=True)
        before = images(page)
        assert before, "the areas chart should be on the page"

        # change a control: the cooperation model
        page.get_by_text("traditional", exact=True).first.click()
        page.get_by_role("option", name="concession").click()
        page.get_by_text("concession", exact=True).first.wait_for(timeout=20_000)
        page.get_by_role("button", name="RESET").click()  # SolaraViz applies new parameters on reset
        page.wait_for_timeout(3000)

        for _ in range(3):
            page.get_by_role("button", name="STEP").click()
            page.wait_for_timeout(1500)
        page.get_by_text("quarter 3 of 120").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        after = images(page)
        assert after and after != before, "a chart should have been redrawn"
        page.get_by_text("PAGE 2").click()
        page.wait_for_timeout(3000)
        page.screenshot(path=str(ARTIFACTS / "app_page2.png"), full_page=True)
        body = page.inner_text("body")
        assert "Cooperation model: concession" in body, body[-1500:]
        page.screenshot(path=str(ARTIFACTS / "app_after_steps.png"), full_page=True)
        assert not errors, errors
