"""End-to-end tests in headless Chromium (Debian's ``chromium`` and ``chromium-driver``).

They drive the dashboard served by pytest-django's ``live_server`` over the demo brand. Without
Chromium on the machine they are left out of the run and the header says so plainly; set
``INCOGNITO_REQUIRE_BROWSER=1`` (CI does) to make a missing browser an error instead.
Screenshots of the main pages go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HAVE_BROWSER = bool(CHROMIUM and CHROMEDRIVER)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MISSING = (
    "Chromium not found: the browser tests in tests/e2e are not run. "
    "Install Debian's chromium and chromium-driver to run them."
)


def pytest_ignore_collect(collection_path, config):
    if HAVE_BROWSER or collection_path.name == "conftest.py":
        return None
    if os.environ.get("INCOGNITO_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(MISSING)
    return True


def pytest_report_header(config):
    return None if HAVE_BROWSER else MISSING


@pytest.fixture
def demo_site(live_server, transactional_db, settings):
    """The demo brand as ``make run`` builds it, served by a live server; PDFs render in a thread."""
    from fixtures.demo import build_demo

    settings.REPORT_JOBS = "thread"
    settings.LANGUAGE_CODE = "zh-hans"
    build_demo(today=dt.date.today(), log=lambda _message: None)
    return live_server


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(tmp_path, downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
            "intl.accept_languages": "zh-CN,zh",
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, width: int = 1280) -> Path:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(max(height, 700), 4000))
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        browser.set_window_size(1280, 1000)
        return path

    return take
