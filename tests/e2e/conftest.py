"""End-to-end tests in headless Chromium (Debian's ``chromium`` and ``chromium-driver``).

They drive the dashboard served by pytest-django's ``live_server`` over the demo brand. Without
Chromium on the machine they are left out of the run and the header says so plainly; set
``INCOGNITO_REQUIRE_BROWSER=1`` (CI does) to make a missing browser an error instead.
Screenshots of the main pages go to ``test-artifacts/screenshots/``.

The ``dashboard`` fixture bundles the browser, the live server and small helpers the flows share:
sign in, wait for an element by ``data-testid``, switch the language, wait for a download, take
a screenshot, and check that a page names no auditor.
"""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backend import clock

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HAVE_BROWSER = bool(CHROMIUM and CHROMEDRIVER)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MISSING = (
    "Chromium not found: the browser tests in tests/e2e are not run. "
    "Install Debian's chromium and chromium-driver to run them."
)
WAIT = 20  # seconds an explicit wait gives the page before the test fails
PDF_WAIT = 120  # the coaching PDF renders in a thread of the live server
PHONE = {"width": 390, "height": 844}


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
    build_demo(today=clock.today(), log=lambda _message: None)
    return live_server


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def chrome_options(profile: Path, downloads: Path, *extra_flags: str):
    """Headless Chromium's options for every browser of the suite; ``extra_flags`` on top."""
    from selenium.webdriver.chrome.options import Options

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
        f"--user-data-dir={profile}",
        *extra_flags,
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
    return options


def start_chrome(options, downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    driver.set_page_load_timeout(60)
    # Headless Chromium honours the download folder only when told so through DevTools as well.
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture
def browser(tmp_path, downloads):
    driver = start_chrome(chrome_options(tmp_path / "profile", downloads), downloads)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser):
    """``screenshot(name)``: the whole page (not just the viewport) as test-artifacts/screenshots/<name>.png;
    ``screenshot(name, element)``: just that element; ``full_page=False``: just the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, element=None, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        if element is not None:  # just that part of the page, e.g. the coaching PDF card
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            assert element.screenshot(str(path)), name
            return path
        if not full_page:  # what the viewport shows, e.g. where the focus is
            assert browser.save_screenshot(str(path)), name
            return path
        size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        # Captured beyond the viewport, the page loses its scroll bar and lays out that much wider.
        width = max(size["width"], browser.execute_script("return window.innerWidth"))
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 6000), "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    return take


@pytest.fixture
def auditor_traces(demo_site) -> list[str]:
    """Everything that would name a demo auditor: username, auditor code, e-mail, full name both ways."""
    from branches.models import Role, User

    traces = []
    for user in User.objects.filter(role=Role.AUDITOR).select_related("auditor_profile"):
        traces += [user.username, user.auditor_profile.code, user.email, user.get_full_name()]
        traces += [f"{user.last_name}{user.first_name}", f"{user.last_name} {user.first_name}"]
    assert len(traces) >= 6 * 6 and "auditor-01" in traces and "AUD-006" in traces
    return traces


@dataclass
class Dashboard:
    """The browser on the live demo site, with the few moves every flow makes."""

    browser: object
    url: str
    downloads: Path
    auditor_traces: list[str]
    pages_checked: list[str] = field(default_factory=list)  # paths assert_incognito looked at

    # --- Finding and waiting ---------------------------------------------------------------------

    def wait(self, seconds: float = WAIT, *, ignoring: tuple = ()):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.browser, seconds, ignored_exceptions=ignoring or None)

    def find(self, testid: str):
        from selenium.webdriver.common.by import By

        return self.browser.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.browser.find_elements(By.CSS_SELECTOR, css)

    def visible(self, testid: str, seconds: float = WAIT):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait(seconds).until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, f'[data-testid="{testid}"]'))
        )

    def click_and_wait_for_new_page(self, element) -> None:
        """Click something that loads a page, and wait until the new page has replaced the old one.

        The old page is marked in its ``window``; a navigation brings a fresh ``window``. (Waiting
        for the old ``<html>`` to go stale races with Chromium: while the page is swapped, asking
        about the old node may fail with "Node ... does not belong to the document".)
        """
        from selenium.common.exceptions import WebDriverException

        self.browser.execute_script("window.__e2eOldPage = true;")
        element.click()
        # While the documents are swapped, a question to the page may fail: ask again.
        self.wait(ignoring=(WebDriverException,)).until(
            lambda driver: driver.execute_script("return !window.__e2eOldPage && document.readyState === 'complete'"),
            "the click did not load a new page",
        )

    def go(self, path: str) -> None:
        self.browser.get(self.url + path)
        self.wait().until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    @property
    def path(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.browser.current_url).path

    def language(self) -> str:
        return self.browser.find_element("tag name", "html").get_attribute("lang")

    def text(self) -> str:
        return self.browser.find_element("tag name", "body").text

    def by_id(self, element_id: str):
        return self.browser.find_element("id", element_id)

    def rows(self, table_testid: str) -> list[dict]:
        """The body rows of a table: ``key`` (data-store / data-reference / data-action), ``name``
        (the text of the row's link, if any) and the visible text of every cell."""
        return self.browser.execute_script(
            """
            var table = document.querySelector('[data-testid="' + arguments[0] + '"]');
            if (!table) { return null; }
            return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
                var link = row.querySelector('a[data-testid^="store-link-"]');
                return {
                    key: row.dataset.store || row.dataset.reference || row.dataset.action || null,
                    name: link ? link.textContent.trim() : null,
                    cells: Array.prototype.map.call(row.cells, function (cell) { return cell.innerText.trim(); })
                };
            });
            """,
            table_testid,
        )

    def ui_texts(self) -> list[str]:
        """The words of the interface itself: headings, column heads, labels, buttons, links of the
        navigation, captions; not the data (table bodies, store names in the title, values)."""
        return self.browser.execute_script(
            """
            var picked = document.querySelectorAll(
                'h2, h3, thead th, label, button:not([hidden]), #main-nav a, figcaption, caption,' +
                ' .site-footer p, a.button:not([hidden]), #comparison-csv, [data-testid="skip-link"]');
            var texts = [];
            picked.forEach(function (element) {
                if (element.closest('tbody')) { return; }
                var copy = element.cloneNode(true);
                copy.querySelectorAll('.visually-hidden, .code').forEach(function (n) { n.remove(); });
                var text = copy.textContent.replace(/\\s+/g, ' ').trim();
                if (text) { texts.push(text); }
            });
            return texts;
            """
        )

    def set_date(self, element_id: str, iso: str) -> None:
        """A date input's value (typing into one depends on the browser's locale; its value does not)."""
        self.browser.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            self.by_id(element_id),
            iso,
        )
        assert self.by_id(element_id).get_attribute("value") == iso

    def select(self, element_id: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.by_id(element_id)).select_by_value(value)

    def focus(self) -> dict:
        """What has the keyboard focus, and whether one can see it (a real outline, on screen)."""
        return self.browser.execute_script(
            """
            var element = document.activeElement, style = getComputedStyle(element);
            var box = element.getBoundingClientRect();
            return {
                testid: element.getAttribute('data-testid'), id: element.id, tag: element.tagName.toLowerCase(),
                focusVisible: element.matches(':focus-visible'),
                outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
                outlineColor: style.outlineColor, boxShadow: style.boxShadow,
                top: box.top, left: box.left, bottom: box.bottom, right: box.right,
                width: box.width, height: box.height,
                viewportWidth: window.innerWidth, viewportHeight: window.innerHeight
            };
            """
        )

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.browser).send_keys(key).perform()

    # --- Moves -----------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str | None = None) -> None:
        from fixtures.demo import DEMO_PASSWORD

        if self.path != "/login/":
            self.go("/login/")
        form = self.visible("login-form")
        form.find_element("id", "id_username").clear()
        form.find_element("id", "id_username").send_keys(username)
        form.find_element("id", "id_password").send_keys(password or DEMO_PASSWORD)
        self.click_and_wait_for_new_page(self.find("login-submit"))

    def sign_out(self) -> None:
        self.click_and_wait_for_new_page(self.find("logout-button"))
        assert self.path == "/login/"

    def switch_language(self, code: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find("language-select")).select_by_value(code)
        self.click_and_wait_for_new_page(self.find("language-submit"))
        assert self.language() == code

    def wait_for_download(self, suffix: str, seconds: float = WAIT) -> Path:
        """The one finished file with this suffix in the downloads folder (Chromium writes .crdownload first)."""

        def finished(_driver):
            files = [path for path in self.downloads.iterdir() if path.name.endswith(suffix)]
            partial = [path for path in self.downloads.iterdir() if path.name.endswith(".crdownload")]
            return files[0] if len(files) == 1 and not partial and files[0].stat().st_size > 0 else False

        return self.wait(seconds).until(finished, f"no finished *{suffix} in {self.downloads}")

    def page_size(self) -> dict:
        return self.browser.execute_script(
            "var e = document.documentElement;"
            "return {scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, innerWidth: window.innerWidth};"
        )

    def phone(self) -> None:
        """A phone's viewport (390 x 844 CSS pixels, touch, mobile meta viewport honoured)."""
        self.browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {**PHONE, "deviceScaleFactor": 2, "mobile": True}
        )

    def desktop(self) -> None:
        self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # --- Checks ----------------------------------------------------------------------------------

    def assert_incognito(self, extra: str = "") -> None:
        """Neither the HTML nor the visible text of the page (nor ``extra``) names a demo auditor."""
        from tests.traces import shows

        html = self.browser.page_source
        text = self.text()
        for trace in self.auditor_traces:
            for where, content in (("html", html), ("text", text), ("extra", extra)):
                assert not shows(trace, content), f"{trace!r} in the {where} of {self.browser.current_url}"
        self.pages_checked.append(self.path)

    def status_of(self, path: str) -> int:
        """The HTTP status of a GET of ``path`` in this browser session (its cookies, its language)."""
        return self.browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})"
            ".then(function (r) { done(r.status); }, function (e) { done(-1); });",
            self.url + path,
        )

    def assert_not_found(self, path: str) -> None:
        """``path`` answers 404 (not 403: ids can't be probed), and the page the browser shows says so."""
        assert self.status_of(path) == 404, path
        self.go(path)
        from selenium.webdriver.common.by import By

        # The dashboard's own 404 page, in the visitor's language, with a way back home.
        heading = self.browser.find_element(By.ID, "not-found").text
        assert heading in ("页面不存在", "Page not found"), (path, heading)
        assert self.browser.find_element(By.CSS_SELECTOR, "main a[href='/']")
        self.assert_incognito()


@pytest.fixture
def dashboard(demo_site, browser, downloads, auditor_traces) -> Dashboard:
    return Dashboard(browser=browser, url=demo_site.url, downloads=downloads, auditor_traces=auditor_traces)
