"""The regional comparison page: the API's numbers, sortable, filterable, with a chart and a CSV link."""

from __future__ import annotations

import re

import pytest
from django.utils import formats

from tests.dashboard.conftest import PERIOD, between, row_of, text_of
from tests.reports.test_api import _more_visits

URL = "/comparison/"


def _codes_in_order(html: str, table_id: str) -> list[str]:
    return re.findall(r'<tr data-store="([^"]+)"', between(html, f'id="{table_id}"', "</table>"))


def test_the_page_shows_the_api_numbers(dataset, browser, api):
    world = dataset.world
    data = api.as_user(world.regional_manager_east).get(f"/api/reports/comparison/?{PERIOD}").json()
    html = browser.as_user(world.regional_manager_east).get(f"{URL}?{PERIOD}").content.decode()
    assert [row["code"] for row in data["results"] if not row["not_enough_data"]] == _codes_in_order(
        html, "league-table"
    )
    assert [row["code"] for row in data["results"] if row["not_enough_data"]] == _codes_in_order(
        html, "not-enough-data-table"
    )
    for row in data["results"]:
        table = "not-enough-data-table" if row["not_enough_data"] else "league-table"
        text = row_of(html, row["code"], table)
        assert row["name"] in text
        assert formats.number_format(row["mean"], 2) in text
        assert f" {row['visits']} " in f" {text} "
        if row["rank"]:
            assert text.startswith(row["rank"])
        if row["ci_low"] is not None:
            assert f"{row['ci_low']:.1f}–{row['ci_high']:.1f}" in text
        if row["weakest_section"]:
            assert row["weakest_section"]["title"] in text
        if row["complaint"]["tests"]:
            assert f"{round(row['complaint']['pass_rate'] * 100)}%" in text
        assert f'href="/stores/{row["code"]}/?start=2026-01-01&amp;end=2026-03-31"' in between(
            html, f'<tr data-store="{row["code"]}"', "</tr>"
        )
    assert "BJ-WFJ" not in html  # another region's store


def test_the_summary_and_the_period(dataset, browser, api):
    data = api.as_user(dataset.world.hq).get(f"/api/reports/comparison/?{PERIOD}").json()["summary"]
    html = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}").content.decode()
    summary = text_of(between(html, 'id="comparison-summary"', "</div>\n</div>"))
    assert f"Stores {data['stores']} Ranked {data['stores_ranked']} Released visits {data['visits']}" in summary
    assert f"Brand mean {data['mean']:.2f}" in summary
    assert 'value="2026-01-01"' in html and 'value="2026-03-31"' in html


@pytest.mark.parametrize(
    ("sort", "column", "direction"),
    [("-mean", "mean", "descending"), ("mean", "mean", "ascending"), ("store", "store", "ascending")],
)
def test_sorting_is_server_side_with_aria_sort(dataset, browser, sort, column, direction):
    html = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}&sort={sort}").content.decode()
    header = between(html, 'id="league-table"', "</thead>")
    pattern = rf'<th scope="col" class="[^"]*" aria-sort="{direction}"><a href="[^"]*" id="sort-{column}"'
    assert re.search(pattern, header)
    assert header.count("aria-sort=") == 1
    codes = _codes_in_order(html, "league-table")
    assert len(codes) >= 2
    # the link of the active column turns the direction round; the others keep the filters
    toggled = "-" + column if direction == "ascending" else column
    assert f'href="?start=2026-01-01&amp;end=2026-03-31&amp;sort={toggled}" id="sort-{column}"' in header


def test_sort_orders_rows_and_keeps_missing_values_last(dataset, browser, api):
    data = api.as_user(dataset.world.hq).get(f"/api/reports/comparison/?{PERIOD}").json()
    ranked = [row for row in data["results"] if not row["not_enough_data"]]
    html = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}&sort=mean").content.decode()
    assert _codes_in_order(html, "league-table") == [row["code"] for row in sorted(ranked, key=lambda r: r["mean"])]
    html = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}&sort=-complaint").content.decode()
    with_tests = [row for row in ranked if row["complaint"]["pass_rate"] is not None]
    without = [row for row in ranked if row["complaint"]["pass_rate"] is None]
    expected = [r["code"] for r in sorted(with_tests, key=lambda r: -r["complaint"]["pass_rate"])]
    assert _codes_in_order(html, "league-table") == expected + [r["code"] for r in without]


def test_an_unknown_sort_is_ignored(dataset, browser):
    response = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}&sort=auditor")
    assert response.status_code == 200
    assert "aria-sort=" not in between(response.content.decode(), 'id="league-table"', "</thead>")


def test_filter_form_has_labels_and_regions_the_user_may_see(dataset, browser):
    html = browser.as_user(dataset.world.regional_manager_east).get(URL).content.decode()
    form = between(html, 'id="filter-form"', "</form>")
    for name in ("start", "end", "region", "scorecard"):
        assert f'<label for="filter-{name}">' in form and f'id="filter-{name}"' in form
    assert 'value="EAST"' in form and 'value="SH-HP"' in form
    assert 'value="NORTH"' not in form and 'value="HQ"' not in form


def test_region_filter_covers_the_subtree_and_refuses_regions_out_of_scope(dataset, browser):
    client = browser.as_user(dataset.world.regional_manager_east)
    html = client.get(f"{URL}?{PERIOD}&region=SH-HP").content.decode()
    assert "SH-BUND" in html and "SH-XTD" in html
    refused = client.get(f"{URL}?{PERIOD}&region=NORTH")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="filter-region-error"' in html and 'aria-describedby="filter-region-error"' in html
    assert 'id="league-table"' not in html


def test_bad_dates_are_shown_next_to_their_field(dataset, browser):
    response = browser.as_user(dataset.world.hq).get(f"{URL}?start=yesterday&end=2026-03-31")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="filter-start-error"' in html
    assert 'id="filter-start-error">Enter a valid date.' in html
    assert 'id="filter-errors"' in html and 'href="#filter-start"' in html
    inverted = browser.get(f"{URL}?start=2026-03-31&end=2026-01-01")
    assert inverted.status_code == 400 and 'id="filter-end-error"' in inverted.content.decode()


def test_csv_link_is_the_apis_with_the_same_filters(dataset, browser):
    client = browser.as_user(dataset.world.regional_manager_east)
    html = client.get(f"{URL}?{PERIOD}&region=SH-HP").content.decode()
    link = re.search(r'<a href="([^"]+)" id="comparison-csv"', html).group(1).replace("&amp;", "&")
    assert link == "/api/reports/comparison/?start=2026-01-01&end=2026-03-31&region=SH-HP&format=csv"
    response = client.get(link)  # the session signs the API request in too
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "SH-BUND" in response.content.decode("utf-8-sig")


def test_chart_is_inline_svg_with_titles_and_a_table_for_screen_readers(dataset, browser):
    html = browser.as_user(dataset.world.hq).get(f"{URL}?{PERIOD}").content.decode()
    svg = between(html, '<svg id="comparison-chart"', "</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="comparison-chart-title"' in svg
    assert svg.count('<circle class="mean"') == svg.count("<title>") - 1  # + the brand line's
    assert "上海外滩餐厅" in svg
    table = between(html, 'id="comparison-chart-table"', "</table>")
    assert 'class="visually-hidden"' in between(html, '<table class="visually-hidden" id="comparison-chart-table"', ">")
    assert "上海外滩餐厅" in table and '<th scope="row">' in table


def test_no_visits_at_all(world, browser):
    html = browser.as_user(world.hq).get(f"{URL}?start=2020-01-01&end=2020-02-01").content.decode()
    assert 'id="no-ranked"' in html and 'id="comparison-chart"' not in html


@pytest.mark.parametrize(
    ("persona", "query", "queries"),
    [
        # session, user; regions (filter form); scorecards (filter form); then the comparison
        # selector's 7 (stores; visits per version; their templates; sections; per-store sums;
        # per-store section sums; medians); the action overview (open and overdue actions per store)
        ("hq", PERIOD, 12),
        # + the manager's regions (scoping), for the form and the selector; the region filter
        ("regional_manager_east", f"{PERIOD}&region=SH-HP", 14),
    ],
)
def test_query_count_stays_constant_as_stores_and_visits_grow(
    dataset, browser, django_assert_num_queries, persona, query, queries
):
    from tests import factories

    world = dataset.world
    client = browser.as_user(world.persona(persona))
    with django_assert_num_queries(queries):
        assert client.get(f"{URL}?{query}&sort=-mean").status_code == 200
    more = [factories.StoreFactory(region=world.huangpu) for _ in range(4)]
    _more_visits(world, [world.bund, world.peoples_square, dataset.xintiandi, *more], per_store=6)
    client = browser.as_user(world.persona(persona))
    with django_assert_num_queries(queries):
        assert client.get(f"{URL}?{query}&sort=-mean").status_code == 200
