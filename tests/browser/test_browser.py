"""The app in a real browser: `streamlit run` on a free port, driven by Playwright in Debian's Chromium.

AppTest runs the scripts but not the frontend; this catches what only a browser shows (a page that fails to
render, JavaScript errors, a stException box, navigation that does not work).
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_SECONDS = 60
CARDS = ("GRR", "NRR", "Logo retention", "Expansion rate", "Average health", "ARR-weighted health",
         "At-risk ARR", "At-risk share of ARR")

pytestmark = pytest.mark.browser


def _screenshot_helpers():
    """scripts/screenshot.py's Chromium args and wait-until-idle, so the test drives the browser as it does."""
    spec = importlib.util.spec_from_file_location("chs_screenshot", REPO / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) "
                        "so the browser test can run in CI.")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


@contextlib.contextmanager
def _streamlit_server(data: Path, log: Path, model: Path | None = None):
    """`streamlit run app.py` on a free port with CHS_DATA (and CHS_MODEL when given) set; yields its URL and
    always terminates it."""
    port = _free_port()
    env = {**os.environ, "CHS_DATA": str(data), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("CHS_MODEL", None)
    if model is not None:
        env["CHS_MODEL"] = str(model)
    with open(log, "w+") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_healthy(url, server)
            except Exception as exc:
                out.seek(0)
                raise RuntimeError(f"streamlit did not start ({exc}); its log:\n{out.read()}") from exc
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="module")
def app_url(demo_db, chromium, tmp_path_factory):
    """A streamlit server on the small demo DB, shared by this module's tests."""
    with _streamlit_server(demo_db, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def screenshot_dirs(tmp_path_factory) -> list[Path]:
    dirs = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("CHS_SCREENSHOT_DIR"):
        dirs.append(Path(os.environ["CHS_SCREENSHOT_DIR"]))
        dirs[-1].mkdir(parents=True, exist_ok=True)
    return dirs


def _shoot(page, dirs: list[Path], name: str) -> None:
    page.screenshot(path=str(dirs[0] / name), full_page=True)
    for extra in dirs[1:]:
        shutil.copyfile(dirs[0] / name, extra / name)


def test_executive_then_data_quality_in_chromium(app_url, chromium, screenshot_dirs):
    from playwright.sync_api import expect, sync_playwright

    helpers = _screenshot_helpers()
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(app_url)
            helpers.wait_until_idle(page, timeout_ms=90_000)

            main = page.locator('[data-testid="stMain"]')
            expect(page.get_by_role("heading", name="Executive overview")).to_be_visible()
            labels = main.locator('[data-testid="stMetricLabel"]')
            for label in CARDS:
                expect(labels.filter(has_text=re.compile(f"^{re.escape(label)}$"))).to_be_visible()
            values = main.locator('[data-testid="stMetricValue"]')
            expect(values.filter(has_text=re.compile(r"^\d+\.\d%$")).first).to_be_visible()  # e.g. 82.7%
            expect(values.filter(has_text=re.compile(r"^\$[\d.,]+[kMB]?$")).first).to_be_visible()  # e.g. $1.76M
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            _shoot(page, screenshot_dirs, "executive.png")

            grr = main.locator('[data-testid="stMetric"]').filter(
                has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile("^GRR$")),
            ).locator('[data-testid="stMetricValue"]')
            ttm_grr = grr.inner_text()
            main.locator('[data-testid="stRadio"]').filter(has_text="Period").get_by_text("Quarter", exact=True).click()
            expect(grr).not_to_have_text(ttm_grr, timeout=30_000)  # a 3-month window, a different GRR
            helpers.wait_until_idle(page, timeout_ms=60_000)
            expect(page.locator('[data-testid="stSidebar"]').get_by_text("Filters")).to_be_visible()
            _shoot(page, screenshot_dirs, "executive_quarter.png")

            page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
            expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)
            helpers.wait_until_idle(page, timeout_ms=60_000)
            expect(page).to_have_url(re.compile(r"/data_quality$"))
            expect(main.get_by_text("No problems found")).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            _shoot(page, screenshot_dirs, "data_quality.png")
        finally:
            browser.close()
    assert not page_errors, page_errors


def test_a_deep_link_as_the_first_request_to_a_fresh_server_still_gets_the_sidebar(demo_db, chromium, tmp_path):
    """A bookmark to /data_quality on a freshly started server still runs app.py (sidebar, filters, nav)."""
    from playwright.sync_api import sync_playwright

    helpers = _screenshot_helpers()
    with _streamlit_server(demo_db, tmp_path / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            page.goto(f"{url}/data_quality")
            page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
            page.wait_for_timeout(1000)  # the sidebar is drawn in the same run; give the frontend a moment
            nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
            filters = page.locator('[data-testid="stSidebar"]').get_by_text("Filters").count()
        finally:
            browser.close()
    assert "Executive overview" in nav and filters == 1, (nav, filters)
