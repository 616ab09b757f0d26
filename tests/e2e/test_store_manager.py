"""sm-bund in headless Chromium: the Bund's trend with its 83, 85 and 88, the coaching PDF generated
and downloaded, an action added to the plan, marked done and reopened, in Chinese and in English,
on a desktop and a phone, and nowhere a word about who audited.

One long flow (the demo brand takes seconds to build): each step says what it proves.
"""

from __future__ import annotations

from decimal import Decimal

from pypdf import PdfReader

from audits.models import Visit, VisitStatus
from coaching.models import ActionItem
from tests.e2e.conftest import PDF_WAIT
from tests.e2e.helpers import chart, chinese_ui, english_ui
from tests.traces import shows

STORE = "/stores/SH-BUND/"
NAME = "上海外滩餐厅"


def _generate_and_download_pdf(dashboard, screenshot, *, language: str) -> str:
    """Click the button, follow the live status to the download link, download; the PDF's text."""
    button = dashboard.visible("coaching-pdf-button")
    status = dashboard.find("coaching-pdf-status")
    download = dashboard.find("coaching-pdf-download")
    assert status.get_attribute("aria-live") == "polite" and not download.is_displayed()
    button.click()
    # At once: the button is busy and the status says the job is on its way.
    assert status.text.strip() in {button.get_attribute(f"data-msg-{state}") for state in ("queued", "running", "done")}
    dashboard.wait(PDF_WAIT).until(lambda _driver: download.is_displayed(), "the coaching PDF was not ready in time")
    assert status.text.strip() == button.get_attribute("data-msg-done")
    assert button.is_enabled() and button.get_attribute("aria-busy") is None
    assert not dashboard.find("coaching-pdf-progress").is_displayed()
    assert dashboard.focus()["testid"] == "coaching-pdf-download"  # focus goes to what comes next
    assert "/pdf/" in download.get_attribute("href")
    screenshot(f"coaching-pdf-done-{language}", dashboard.by_id("coaching-pdf"))
    download.click()
    path = dashboard.wait_for_download(f"-{language}.pdf", seconds=60)
    assert path.name.startswith("coaching-SH-BUND-"), path.name
    assert path.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert NAME in text, text[:500]
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    for trace in dashboard.auditor_traces:
        assert not shows(trace, text + metadata + path.name), f"{trace!r} in the coaching PDF"
    return text


def _plan_an_action(dashboard, screenshot, *, row: int, action: str, owner: str, language: str) -> ActionItem:
    """From a weak standard's "plan an action" to a new open line of the plan (with one refusal first)."""
    weak = dashboard.browser.find_elements("css selector", "#weaknesses-table tbody tr")[row]
    key = weak.get_attribute("data-item")
    tip = weak.find_elements("css selector", "td")[2].text.strip()
    dashboard.click_and_wait_for_new_page(dashboard.find(f"plan-action-{key}"))
    assert dashboard.browser.current_url.endswith("#action-plan") and f"plan={key}" in dashboard.browser.current_url
    dashboard.visible("action-form")
    # The form is prefilled from that standard: its key and its coaching tip, to edit.
    assert dashboard.by_id("id_item_key").get_attribute("value") == key
    assert dashboard.by_id("id_action").get_attribute("value") == (tip if tip != "–" else "")
    assert dashboard.by_id("id_due_on").get_attribute("value")  # a due date is proposed
    before = {line["key"] for line in dashboard.rows("action-plan-table") or []}

    # Without an owner the action is refused, and the error sits beside the field.
    dashboard.by_id("id_action").clear()
    dashboard.by_id("id_action").send_keys(action)
    dashboard.click_and_wait_for_new_page(dashboard.find("action-submit"))
    owner_input = dashboard.by_id("id_owner")
    assert owner_input.get_attribute("aria-invalid") == "true"
    assert dashboard.by_id(owner_input.get_attribute("aria-describedby")).text.strip()
    assert dashboard.by_id("id_action").get_attribute("value") == action  # nothing typed is lost

    owner_input.send_keys(owner)
    dashboard.click_and_wait_for_new_page(dashboard.find("action-submit"))
    assert dashboard.path == STORE and dashboard.browser.current_url.endswith("#action-plan")
    assert dashboard.find_all(".messages .message.success")
    lines = {line["key"]: line for line in dashboard.rows("action-plan-table")}
    (new,) = set(lines) - before
    assert action in lines[new]["cells"][1] and owner in lines[new]["cells"][2], lines[new]
    item = ActionItem.objects.get(pk=new)
    assert (item.item_key, item.action, item.owner, item.status) == (key, action, owner, "open")
    assert item.created_by.username == "sm-bund" and item.store.code == "SH-BUND"
    screenshot(f"action-plan-{language}", dashboard.find("action-plan"))
    return item


def test_sm_bund_sees_the_trend_generates_the_coaching_pdf_and_plans_actions(dashboard, screenshot):
    # --- Sign in: the store manager lands on the one store's page ------------------------------------
    dashboard.sign_in("sm-bund")
    assert dashboard.path == STORE and dashboard.language() == "zh-hans"
    assert NAME in dashboard.browser.find_element("tag name", "h1").text
    assert not dashboard.find_all('#main-nav a[href="/comparison/"]')  # no comparison for a store manager

    # --- The trend holds the three latest reports: 83, 85 and 88 ---------------------------------------
    latest = list(
        Visit.objects.filter(store__code="SH-BUND", status=VisitStatus.RELEASED)
        .order_by("-visited_on", "-checked_in_at")
        .values_list("reference", "score")[:3]
    )
    assert [score for _reference, score in latest] == [Decimal("88.0"), Decimal("85.0"), Decimal("83.0")]
    visits = dashboard.rows("visits-table")
    assert [(row["key"], row["cells"][4]) for row in visits[:3]] == [(ref, str(score)) for ref, score in latest]
    assert {"83.0", "85.0", "88.0"} <= {row["cells"][4] for row in visits}
    trend = chart(dashboard, "trend-chart", "circle.visit, path.visit.critical")
    assert trend["width"] > 300 and trend["height"] > 100 and len(trend["points"]) == len(visits)
    heights = {}
    for reference, score in latest:
        (point,) = [point for point in trend["points"] if point["title"].startswith(reference + " ")]
        assert point["title"].endswith(f" · {score}"), point["title"]
        heights[score] = point["y"]
    assert heights[Decimal("88.0")] < heights[Decimal("85.0")] < heights[Decimal("83.0")]  # higher is better
    assert len(dashboard.rows("trend-chart-table")) >= 10
    assert dashboard.find("store-summary").is_displayed() and dashboard.find("weaknesses-table").is_displayed()
    assert chinese_ui(dashboard.ui_texts()) == []
    dashboard.assert_incognito()
    screenshot("store-zh")

    # --- Keyboard: the skip link is the first Tab stop here too, and one sees where the focus is -------
    dashboard.go(STORE)
    dashboard.press("\ue004")  # Tab
    focus = dashboard.focus()
    assert focus["testid"] == "skip-link" and focus["focusVisible"], focus
    assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2 and focus["top"] >= 0, focus

    # --- Other stores are not there at all -----------------------------------------------------------
    for code in ("SH-PPL", "BJ-WFJ"):
        dashboard.assert_not_found(f"/stores/{code}/")
    dashboard.go(STORE)

    # --- The coaching PDF, generated in the background and downloaded --------------------------------
    text = _generate_and_download_pdf(dashboard, screenshot, language="zh-hans")
    assert ("趋势" in text or "改进" in text) and "COACHING REPORT" not in text  # a Chinese report

    # --- An action on a weak standard; then done, then reopened ---------------------------------------
    item = _plan_an_action(
        dashboard, screenshot, row=1, action="每班开始前演练投诉处理流程（e2e）", owner="值班经理", language="zh-hans"
    )
    assert "进行中" in dashboard.find("action-plan").text
    dashboard.click_and_wait_for_new_page(dashboard.find(f"action-done-{item.pk}"))
    item.refresh_from_db()
    assert item.status == "done" and dashboard.find_all(f'[data-testid="action-reopen-{item.pk}"]')
    dashboard.click_and_wait_for_new_page(dashboard.find(f"action-reopen-{item.pk}"))
    item.refresh_from_db()
    assert item.status == "open" and dashboard.find_all(f'[data-testid="action-done-{item.pk}"]')
    dashboard.assert_incognito()

    # --- A phone: the whole store page, forms and all, without sideways scrolling ---------------------
    dashboard.phone()
    dashboard.go(STORE)
    size = dashboard.page_size()
    assert size["innerWidth"] == 390 and size["scrollWidth"] <= size["clientWidth"], size
    assert dashboard.find("coaching-pdf-button").is_displayed() and dashboard.find("action-submit").is_displayed()
    screenshot("store-phone")
    dashboard.desktop()

    # --- English: the same page, the PDF in English, another action ------------------------------------
    dashboard.go(STORE)
    dashboard.switch_language("en")
    assert dashboard.path == STORE
    assert "Released visits" in dashboard.text() and "Coaching report (PDF)" in dashboard.text()
    assert {"83.0", "85.0", "88.0"} <= {row["cells"][4] for row in dashboard.rows("visits-table")}
    dashboard.visible("trend-chart")
    assert english_ui(dashboard.ui_texts()) == []
    dashboard.assert_incognito()
    screenshot("store-en")
    text = _generate_and_download_pdf(dashboard, screenshot, language="en")
    assert "COACHING REPORT" in text and "Period:" in text  # an English report, about the same store
    _plan_an_action(
        dashboard, screenshot, row=2, action="Brief every shift on the menu (e2e)", owner="Shift lead", language="en"
    )
    assert english_ui(dashboard.ui_texts()) == []
    dashboard.assert_incognito()

    # Both reports are in the downloads folder, and nothing else is.
    assert sorted(path.suffix for path in dashboard.downloads.iterdir()) == [".pdf", ".pdf"]

    assert set(dashboard.pages_checked) >= {STORE, "/stores/SH-PPL/", "/stores/BJ-WFJ/"}
    assert dashboard.pages_checked.count(STORE) >= 4  # zh, after the plan changed, en, after the English action

    dashboard.sign_out()
    assert dashboard.language() == "en"  # the choice outlives the session's end
