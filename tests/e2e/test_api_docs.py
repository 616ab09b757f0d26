"""The API docs in headless Chromium: Swagger UI at /api/docs/ and ReDoc at /api/redoc/ render from
the app's own static files (drf-spectacular-sidecar), and no request leaves the machine.

The browser is cut off from every other host (``--host-resolver-rules``), and its DevTools network
log lists every request it made: each one is to the live server, and each asset loaded.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import SCREENSHOTS, WAIT, chrome_options, start_chrome

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"


@pytest.fixture
def offline_browser(tmp_path, downloads):
    options = chrome_options(tmp_path / "profile", downloads, OFFLINE)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = start_chrome(options, downloads)
    yield driver
    driver.quit()


def _open(driver, url: str) -> None:
    driver.get("about:blank")
    driver.get_log("performance")  # drop what the browser itself did at start (its new-tab page)
    driver.get(url)


def _network(driver, origin: str) -> tuple[list[str], dict[str, int], list]:
    """What the page at ``origin`` requested (every URL), the status of each response, and the
    requests that failed (with the browser's reason)."""
    requested, statuses, failed, ids = [], {}, [], {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent" and params.get("documentURL", "").startswith(origin):
            requested.append(params["request"]["url"])
            ids[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.responseReceived" and params["requestId"] in ids:
            statuses[params["response"]["url"]] = params["response"]["status"]
        elif message["method"] == "Network.loadingFailed" and params["requestId"] in ids:
            failed.append((ids[params["requestId"]], params.get("errorText"), params.get("blockedReason")))
    return requested, statuses, failed


def _assert_all_local(requested, statuses, failed, page):
    """Every request went to the live server, except those the page's own Content-Security-Policy
    stopped inside the browser (they never reach the network); every response was a success."""
    stopped = {url for url, _error, reason in failed if reason == "csp"}
    outside = [
        url
        for url in requested
        if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        and urlsplit(url).hostname not in LOCAL_HOSTS
        and url not in stopped
    ]
    assert not outside, f"{page} asked other hosts: {outside}"
    assert not [entry for entry in failed if entry[2] != "csp"], f"{page}: requests failed: {failed}"
    assert all(urlsplit(url).hostname not in LOCAL_HOSTS for url in stopped), f"{page}: CSP blocks its own {stopped}"
    assets = [url for url in statuses if "/static/drf_spectacular_sidecar/" in url]
    assert assets, f"{page} loaded no sidecar asset: {sorted(statuses)}"
    broken = {url: status for url, status in statuses.items() if status >= 400}
    assert not broken, f"{page}: {broken}"
    return stopped


def _shot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SCREENSHOTS / f"{name}.png")), name


def _wait_text(driver, *needles: str):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: all(needle in d.execute_script("return document.body.innerText") for needle in needles),
        f"the page never showed {needles}",
    )


def test_swagger_ui_renders_offline_from_the_apps_own_assets(live_server, db, offline_browser):
    from selenium.webdriver.common.by import By

    _open(offline_browser, live_server.url + "/api/docs/")
    _wait_text(offline_browser, "Incognito API", "/api/auth/token/", "/api/auditor/visits/")
    title = offline_browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title")
    assert title.text.startswith("Incognito API") and "1.0.0" in title.text
    operations = offline_browser.find_elements(By.CSS_SELECTOR, ".opblock .opblock-summary-path")
    assert len(operations) > 50
    _shot(offline_browser, "api-docs-swagger")
    requested, statuses, failed = _network(offline_browser, live_server.url)
    assert any(
        url.endswith("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") for url in requested
    )
    assert any(urlsplit(url).path == "/api/schema/" for url in requested)
    _assert_all_local(requested, statuses, failed, "/api/docs/")
    errors = [line for line in offline_browser.get_log("browser") if line["level"] == "SEVERE"]
    assert not errors, errors


def test_redoc_renders_offline_from_the_apps_own_assets(live_server, db, offline_browser):
    _open(offline_browser, live_server.url + "/api/redoc/")
    _wait_text(offline_browser, "Incognito API", "/api/auth/token/")
    assert offline_browser.title == "Incognito API"
    _shot(offline_browser, "api-docs-redoc")
    requested, statuses, failed = _network(offline_browser, live_server.url)
    assert any(urlsplit(url).path == "/api/redoc/redoc.standalone.js" for url in requested)
    stopped = _assert_all_local(requested, statuses, failed, "/api/redoc/")
    # The bundle's hard-coded CDN logo is made local: nothing is even attempted outside.
    assert stopped == set(), stopped
    errors = [line for line in offline_browser.get_log("browser") if line["level"] == "SEVERE"]
    assert not errors, errors
