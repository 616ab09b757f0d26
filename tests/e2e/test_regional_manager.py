"""rm-east in headless Chromium: sign in, compare the stores of 华东, sort, filter, download the CSV,
open a store and see its trend, on a desktop and on a phone, with the keyboard, in Chinese and English.

One long flow (the demo brand takes seconds to build): each step says what it proves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from audits.models import Visit, VisitStatus
from branches.models import Region, Store
from reports.selectors import min_visits_for_rank
from tests.e2e.helpers import assert_sorted, chart, chinese_ui, english_ui, number
from tests.traces import shows

# Column of the league table -> (how to read a row's value, whether the first click sorts descending).
COLUMNS = {
    "rank": (lambda row: number(row["cells"][0]), False),  # "1-5": the best rank of the band
    "store": (lambda row: (row["name"], row["key"]), False),
    "mean": (lambda row: number(row["cells"][2]), True),
    "visits": (lambda row: number(row["cells"][3]), True),
    "interval": (lambda row: number(row["cells"][4]), True),  # the interval's lower end
    "change": (lambda row: number(row["cells"][5]), True),
    "weakest": (lambda row: number(row["cells"][6], last=True), False),  # the weakest section's mean
    "complaint": (lambda row: number(row["cells"][7]), True),
    "critical": (lambda row: number(row["cells"][8]), True),
    "actions_open": (lambda row: number(row["cells"][9]), True),
    "actions_overdue": (lambda row: number(row["cells"][10]), True),
}


def _stores_under(code: str) -> set[str]:
    region = Region.objects.get(code=code)
    return set(Store.objects.filter(region__path__startswith=region.path).values_list("code", flat=True))


def _regions_under(code: str) -> set[str]:
    region = Region.objects.get(code=code)
    return set(Region.objects.filter(path__startswith=region.path).values_list("code", flat=True))


def _all_rows(dashboard) -> list[dict]:
    return (dashboard.rows("league-table") or []) + (dashboard.rows("not-enough-data-table") or [])


def _check_comparison_chart(dashboard, rows: list[dict]) -> None:
    """One mark per store at its mean: the tooltip says the table's mean, and a higher mean sits further right."""
    drawn = chart(dashboard, "comparison-chart", "g.store circle.mean")
    assert drawn["width"] > 300 and drawn["height"] > 100, drawn
    assert len(drawn["points"]) == len(rows)
    means = {row["name"]: row["cells"][2] for row in rows}
    by_mean = []
    for point in drawn["points"]:
        name, _colon, rest = point["title"].partition(": ")
        assert name in means, point["title"]
        assert rest.startswith(means[name]), (point["title"], means[name])
        assert drawn["left"] <= point["x"] <= drawn["right"] and drawn["top"] <= point["y"] <= drawn["bottom"]
        by_mean.append((float(means[name]), point["x"]))
    assert [x for _mean, x in sorted(by_mean)] == sorted(x for _mean, x in by_mean)


def _league_table_fits(dashboard) -> bool:
    return dashboard.browser.execute_script(
        "var table = document.getElementById('league-table');"
        "return table.offsetWidth <= table.parentElement.clientWidth;"
    )


def _sort_by(dashboard, column: str) -> list[dict]:
    dashboard.click_and_wait_for_new_page(dashboard.find(f"sort-{column}"))
    return dashboard.rows("league-table")


def _aria_sorts(dashboard) -> dict:
    return dashboard.browser.execute_script(
        "var out = {}; document.querySelectorAll('#league-table thead th').forEach(function (th) {"
        "  var link = th.querySelector('a.sort-link'); if (link) { out[link.id] = th.getAttribute('aria-sort'); }"
        "}); return out;"
    )


def test_rm_east_compares_sorts_filters_downloads_and_opens_a_store(dashboard, screenshot):
    east = _stores_under("EAST")
    assert {"SH-BUND", "SH-PPL", "SH-NJR-CMP"} <= east and "BJ-WFJ" not in east

    # --- Sign in: anonymous visitors are sent to the sign-in page, a wrong password says so ---------
    dashboard.go("/comparison/")
    assert dashboard.path == "/login/" and "next=/comparison/" in dashboard.browser.current_url
    assert dashboard.language() == "zh-hans"
    dashboard.visible("login-form")
    screenshot("login")
    dashboard.sign_in("rm-east", password="not-the-password")
    errors = dashboard.visible("login-errors")
    assert errors.get_attribute("role") == "alert" and errors.text.strip()
    screenshot("login-error")
    dashboard.sign_in("rm-east")
    assert dashboard.path == "/comparison/"  # back where the visitor was going

    # --- Keyboard: the skip link is the first Tab stop, its focus is visible, it jumps to the content --
    dashboard.press("\ue004")  # Tab
    focus = dashboard.focus()
    assert focus["testid"] == "skip-link", focus
    assert focus["focusVisible"] and focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, focus
    assert focus["top"] >= 0 and focus["bottom"] <= focus["viewportHeight"] and focus["width"] > 20, focus
    screenshot("keyboard-skip-link", full_page=False)
    dashboard.press("\ue007")  # Enter
    dashboard.wait().until(lambda _driver: dashboard.focus()["id"] == "main")
    assert dashboard.browser.current_url.endswith("#main")

    # --- Only 华东's stores, each with its visits; ranked and unranked as the numbers say ------------
    rows = _all_rows(dashboard)
    assert {row["key"] for row in rows} == east, rows
    assert len(rows) == len(east)  # no store twice
    stores, _ranked, visits, _mean = (value.text for value in dashboard.find_all("#comparison-summary .stat .value"))
    assert int(stores) == len(east) and int(visits) == sum(number(row["cells"][3]) for row in rows)
    assert not any(dashboard.find_all('[data-testid="store-link-BJ-WFJ"], [data-store^="BJ-"]'))
    _check_comparison_chart(dashboard, rows)
    assert chinese_ui(dashboard.ui_texts()) == []
    assert _league_table_fits(dashboard)  # every column on a desktop, no sideways scrolling
    dashboard.assert_incognito()
    screenshot("comparison-zh")

    # --- Sorting reorders the rows, by the numbers in the cells, both ways ---------------------------
    default_order = [row["key"] for row in dashboard.rows("league-table")]
    orders = {}
    for column, (read, descending) in COLUMNS.items():
        sorted_rows = _sort_by(dashboard, column)
        assert sorted(row["key"] for row in sorted_rows) == sorted(default_order)  # the same stores, reordered
        assert_sorted([read(row) for row in sorted_rows], descending=descending, what=column)
        aria = _aria_sorts(dashboard)
        assert aria.pop(f"sort-{column}") == ("descending" if descending else "ascending"), column
        assert set(aria.values()) == {None}, aria  # only the active column says how it is sorted
        orders[column] = [row["key"] for row in sorted_rows]
        # A second click turns the order round.
        reversed_rows = _sort_by(dashboard, column)
        assert_sorted([read(row) for row in reversed_rows], descending=not descending, what=f"-{column}")
        assert _aria_sorts(dashboard)[f"sort-{column}"] == ("ascending" if descending else "descending")
    assert orders["store"] != default_order  # a click really moves rows
    assert orders["store"] == sorted(
        orders["store"], key=lambda code: next(r["name"] for r in rows if r["key"] == code)
    )
    assert orders["mean"] != orders["store"]
    assert len({tuple(order) for order in orders.values()}) >= 3

    # --- The CSV link downloads this comparison: 华东's stores only, naming nobody --------------------
    page = {row["key"]: row for row in _all_rows(dashboard)}
    period = (
        dashboard.by_id("filter-start").get_attribute("value"),
        dashboard.by_id("filter-end").get_attribute("value"),
    )
    dashboard.find("comparison-csv").click()
    path = dashboard.wait_for_download(".csv")
    assert path.name == f"comparison-ALL-{period[0]}-{period[1]}.csv"
    content = path.read_bytes().decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(content)))
    assert {line["store_code"] for line in lines} == east, lines
    assert {line["region_code"] for line in lines} <= _regions_under("EAST")
    for line in lines:  # the file says what the page says
        cells = page[line["store_code"]]["cells"]
        mean = Decimal(line["mean"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # as the page rounds
        assert int(line["visits"]) == number(cells[3]) and str(mean) == cells[2], (line, cells)
    assert "上海外滩餐厅" in content and "北京" not in content and "BJ-" not in content
    for trace in dashboard.auditor_traces:
        assert not shows(trace, content), trace

    # --- Filters: a district, then a short period; the sort survives the filters ---------------------
    dashboard.click_and_wait_for_new_page(dashboard.find("sort-mean"))  # mean, best first
    huangpu = _stores_under("SH-HP")
    dashboard.select("filter-region", "SH-HP")
    dashboard.select("filter-scorecard", "QSR-DINE-IN")
    dashboard.click_and_wait_for_new_page(dashboard.find("filter-submit"))
    rows = _all_rows(dashboard)
    assert {row["key"] for row in rows} == huangpu == {"SH-BUND", "SH-PPL", "SH-NJR-CMP"}
    assert "上海黄浦" in dashboard.browser.find_element("tag name", "h1").text
    assert _aria_sorts(dashboard)["sort-mean"] == "descending"
    assert_sorted([number(row["cells"][2]) for row in dashboard.rows("league-table")], descending=True, what="mean")
    assert dashboard.by_id("filter-region").get_attribute("value") == "SH-HP"
    _check_comparison_chart(dashboard, rows)

    # A month up to the Bund's latest released visit: who has enough visits to be ranked is the database's word.
    latest = Visit.objects.filter(store__code="SH-BUND", status=VisitStatus.RELEASED).latest("visited_on").visited_on
    start = latest - dt.timedelta(days=30)
    counts = dict(
        Visit.objects.filter(status=VisitStatus.RELEASED, store__code__in=east, visited_on__range=(start, latest))
        .values_list("store__code")
        .annotate(n=Count("id"))
    )
    dashboard.select("filter-region", "")
    dashboard.set_date("filter-start", start.isoformat())
    dashboard.set_date("filter-end", latest.isoformat())
    dashboard.click_and_wait_for_new_page(dashboard.find("filter-submit"))
    assert f"{latest.year}年{latest.month}月{latest.day}日" in dashboard.by_id("comparison-period").text
    enough = min_visits_for_rank()
    ranked = {row["key"]: number(row["cells"][3]) for row in dashboard.rows("league-table") or []}
    unranked = {row["key"]: number(row["cells"][3]) for row in dashboard.rows("not-enough-data-table") or []}
    assert set(ranked) | set(unranked) == east and not set(ranked) & set(unranked)
    assert ranked == {code: n for code, n in counts.items() if n >= enough}
    assert unranked == {code: counts.get(code, 0) for code in east if counts.get(code, 0) < enough}
    if unranked:  # the not-enough table says "–" where a rank would be
        assert all(row["cells"][0] == "–" for row in dashboard.rows("not-enough-data-table"))
    if ranked:
        assert _aria_sorts(dashboard)["sort-mean"] == "descending"
    dashboard.assert_incognito()
    screenshot("comparison-filtered-zh")

    # A bad date is refused beside its field, not a crash.
    dashboard.set_date("filter-start", "2000-01-01")
    dashboard.set_date("filter-end", "1999-01-01")
    dashboard.click_and_wait_for_new_page(dashboard.find("filter-submit"))
    dashboard.visible("filter-errors")
    assert dashboard.find_all("[aria-invalid=true]")

    # --- A phone: no sideways scrolling on the comparison; the wide table scrolls in its own box -------
    dashboard.go("/comparison/")
    dashboard.phone()
    dashboard.go("/comparison/")
    size = dashboard.page_size()
    assert size["innerWidth"] == 390 and size["scrollWidth"] <= size["clientWidth"], size
    assert dashboard.find("league-table").is_displayed()
    screenshot("comparison-phone")

    # --- Open a store from the table: the trend chart, one mark per released visit --------------------
    dashboard.desktop()
    dashboard.go("/comparison/")
    dashboard.click_and_wait_for_new_page(dashboard.find("store-link-SH-BUND"))
    assert dashboard.path == "/stores/SH-BUND/"
    assert "上海外滩餐厅" in dashboard.browser.find_element("tag name", "h1").text
    dashboard.visible("trend-chart")
    visits = dashboard.rows("visits-table")
    marks = chart(dashboard, "trend-chart", "circle.visit, path.visit.critical")
    assert marks["width"] > 300 and marks["height"] > 100, marks
    assert len(marks["points"]) == len(visits) > 3
    for visit in visits:
        assert any(point["title"].startswith(visit["key"] + " ") for point in marks["points"]), visit
    assert len(dashboard.rows("trend-chart-table")) >= 10  # a year of months, in a table for screen readers
    assert dashboard.find("store-summary").is_displayed() and dashboard.find("sections-table").is_displayed()
    # The regional manager reads the action plan but does not write it: no form, no "plan an action".
    dashboard.find("action-plan")
    assert not dashboard.find_all('[data-testid^="plan-action-"], [data-testid="action-form"]')
    assert not dashboard.find_all('[data-testid^="action-done-"], [data-testid^="action-reopen-"]')
    assert chinese_ui(dashboard.ui_texts()) == []
    dashboard.assert_incognito()
    screenshot("store-rm-east-zh")

    dashboard.phone()
    dashboard.go("/stores/SH-BUND/")
    size = dashboard.page_size()
    assert size["innerWidth"] == 390 and size["scrollWidth"] <= size["clientWidth"], size
    screenshot("store-phone-rm-east")
    dashboard.desktop()

    # --- Another region's store is not there at all: 404 ------------------------------------------
    for code in ("BJ-WFJ", "GZ-TH"):
        dashboard.assert_not_found(f"/stores/{code}/")
    screenshot("not-found")

    # --- English: the same comparison, every label translated -------------------------------------
    dashboard.go("/comparison/")
    dashboard.switch_language("en")
    assert dashboard.path == "/comparison/"
    assert dashboard.browser.find_element("tag name", "h1").text.startswith("Regional comparison")
    rows = _all_rows(dashboard)
    assert {row["key"] for row in rows} == east
    _check_comparison_chart(dashboard, rows)
    assert english_ui(dashboard.ui_texts()) == []
    assert _league_table_fits(dashboard)  # the longer English headings wrap instead of pushing columns away
    dashboard.assert_incognito()
    screenshot("comparison-en")
    sorted_rows = _sort_by(dashboard, "visits")
    assert_sorted([number(row["cells"][3]) for row in sorted_rows], descending=True, what="visits (en)")

    dashboard.click_and_wait_for_new_page(dashboard.find("store-link-SH-PVG"))
    dashboard.visible("trend-chart")
    assert "Released visits" in dashboard.text() and english_ui(dashboard.ui_texts()) == []
    dashboard.assert_incognito()
    screenshot("store-rm-east-en")

    # Every page the manager saw was checked for the auditors' names, codes and usernames.
    assert set(dashboard.pages_checked) >= {"/comparison/", "/stores/SH-BUND/", "/stores/SH-PVG/", "/stores/BJ-WFJ/"}

    dashboard.sign_out()
    dashboard.go("/comparison/")
    assert dashboard.path == "/login/"
