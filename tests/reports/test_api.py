"""The report endpoints as every persona: scoping, 401/403/404, bad parameters, CSV, query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Visit
from backend import clock
from tests import factories
from tests.api.problems import fields, problem, reasons
from tests.personas import STORE_SIDE
from tests.reports.conftest import PERIOD, lunch
from tests.traces import shows

PERSONAS = [
    "anonymous",
    "auditor_a",
    "store_manager_bund",
    "store_manager_wfj",
    "regional_manager_east",
    "regional_manager_north",
    "reviewer",
    "hq",
]
STORES = ["SH-BUND", "SH-PPL", "SH-XTD", "BJ-WFJ"]
VISIBLE = {
    "store_manager_bund": {"SH-BUND"},
    "store_manager_wfj": {"BJ-WFJ"},
    "regional_manager_east": {"SH-BUND", "SH-PPL", "SH-XTD"},
    "regional_manager_north": {"BJ-WFJ"},
    "reviewer": set(STORES),
    "hq": set(STORES),
}


def trend_url(code, query=PERIOD):
    return f"/api/reports/stores/{code}/trend/?{query}"


def weaknesses_url(code, query=PERIOD):
    return f"/api/reports/stores/{code}/weaknesses/?{query}"


def comparison_url(query=PERIOD):
    return f"/api/reports/comparison/?{query}"


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_store_reports_are_scoped_by_role(dataset, api, persona):
    client = api.as_user(dataset.world.persona(persona))
    for code in [*STORES, "NO-SUCH-STORE"]:
        for url in (trend_url(code), weaknesses_url(code)):
            response = client.get(url)
            if persona == "anonymous":
                expected = 401
            elif persona == "auditor_a":
                expected = 403  # auditors never see store results, whatever the store
            else:
                expected = 200 if code in VISIBLE[persona] else 404
            assert response.status_code == expected, (url, response.content)


@pytest.mark.parametrize("persona", PERSONAS)
def test_comparison_lists_only_the_stores_the_role_may_see(dataset, api, persona):
    response = api.as_user(dataset.world.persona(persona)).get(comparison_url())
    if persona == "anonymous":
        assert response.status_code == 401
        return
    if persona == "auditor_a":
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content
    assert {row["code"] for row in response.json()["results"]} == VISIBLE[persona]


@pytest.mark.parametrize("persona", STORE_SIDE)
def test_no_report_names_an_auditor_or_a_visit_id(dataset, api, persona):
    world = dataset.world
    client = api.as_user(world.persona(persona))
    own = sorted(VISIBLE[persona])[0]
    bodies = [
        client.get(trend_url(own)).json(),
        client.get(weaknesses_url(own)).json(),
        client.get(comparison_url()).json(),
        client.get(comparison_url(f"{PERIOD}&format=csv")).content.decode("utf-8-sig"),
    ]
    text = json.dumps(bodies, ensure_ascii=False)
    traces = ['"auditor', "auditor_id", '"uuid"', "checked_in", "distance_m", "latitude"]
    for auditor in (world.auditor_a, world.auditor_b):
        traces += [auditor.username, auditor.first_name, auditor.last_name, auditor.email, auditor.auditor_profile.code]
    for trace in traces:
        assert not shows(trace, text), trace
    for visit in dataset.bund_visits:
        assert str(visit.uuid) not in text


def test_a_store_managers_region_average_includes_stores_they_cannot_see_as_an_aggregate_only(dataset, api):
    body = api.as_user(dataset.world.store_manager_bund).get(trend_url("SH-BUND")).json()
    assert body["region"]["months"][0] == {"month": "2026-01", "visits": 4, "mean": 65.5}
    text = json.dumps(body, ensure_ascii=False)
    for other in ("SH-PPL", "人民广场餐厅", "SH-XTD", "新天地餐厅"):
        assert other not in text


def test_unreleased_visits_never_count(dataset, api):
    client = api.as_user(dataset.world.hq)
    references = {row["reference"] for row in client.get(trend_url("SH-BUND")).json()["visits"]}
    assert dataset.pending.reference not in references and len(references) == 4
    bund = next(row for row in client.get(comparison_url()).json()["results"] if row["code"] == "SH-BUND")
    assert bund["visits"] == 4 and bund["critical_failures"] == 0
    # Released now, it counts.
    from audits.services import visit_release

    visit_release(visit=dataset.pending, by=dataset.world.reviewer)
    bund = next(row for row in client.get(comparison_url()).json()["results"] if row["code"] == "SH-BUND")
    assert bund["visits"] == 5 and bund["critical_failures"] == 1


def test_trend_response_shape(dataset, api):
    body = api.as_user(dataset.world.store_manager_bund).get(trend_url("SH-BUND")).json()
    assert body["store"] == {
        "code": "SH-BUND",
        "name": "上海外滩餐厅",
        "region": {"code": "SH-HP", "name": "上海黄浦"},
        "is_competitor": False,
    }
    assert [row["score"] for row in body["visits"]] == [100.0, 81.0, 91.7, 83.3]
    assert set(body["visits"][0]) == {"reference", "visited_on", "score", "critical_failed"}
    assert body["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert body["change"]["previous_period"] == {"start": "2025-10-03", "end": "2025-12-31"}
    assert body["slope"]["points_per_month"] == pytest.approx(-4.881, abs=0.001)


def test_default_period_ends_today(dataset, api):
    # The world's own visits are three days old; by default the trend covers the last twelve months.
    body = api.as_user(dataset.world.hq).get("/api/reports/stores/SH-BUND/trend/").json()
    assert body["period"]["end"] == clock.today().isoformat()
    assert len(body["months"]) == 12
    assert [row["score"] for row in body["visits"]][-1:] == [100.0]


def test_scorecard_by_id_or_code(dataset, api):
    client = api.as_user(dataset.world.hq)
    template = dataset.world.version.template
    for value in (str(template.id), template.code, template.code.lower()):
        body = client.get(trend_url("SH-BUND", f"{PERIOD}&scorecard={value}")).json()
        assert body["scorecard"] == {"id": template.id, "code": "QSR", "name": "QSR standard"}


# --- Bad parameters are 400 naming the parameter ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "names"),
    [
        (trend_url("SH-BUND", "start=yesterday"), {"start"}),
        (trend_url("SH-BUND", "start=2026-03-01&end=2026-02-01"), {"end"}),
        # A start after today (the default end), whatever today is when the test runs.
        (trend_url("SH-BUND", "start={tomorrow}"), {"start"}),
        (trend_url("SH-BUND", "start=2000-01-01&end=2026-01-01"), {"start"}),
        (trend_url("SH-BUND", "scorecard=NOPE"), {"scorecard"}),
        (trend_url("SH-BUND", "scorecard=999999"), {"scorecard"}),
        # A digit to str.isdigit() but not to int() (schemathesis found it as a 500).
        (weaknesses_url("SH-BUND", "scorecard=%C2%B2"), {"scorecard"}),
        (weaknesses_url("SH-BUND", "limit=0"), {"limit"}),
        (weaknesses_url("SH-BUND", "limit=many&end=soon"), {"limit", "end"}),
        (comparison_url("region=MARS"), {"region"}),
        (comparison_url("region=NORTH"), {"region"}),  # exists, but not rm_east's: same answer
        (comparison_url(f"{PERIOD}&section=Not-A-Key"), {"section"}),
        (comparison_url(f"{PERIOD}&section=drive_thru"), {"section"}),
    ],
)
def test_bad_parameters_are_400_naming_them(dataset, api, url, names):
    url = url.replace("{tomorrow}", (clock.today() + dt.timedelta(days=1)).isoformat())
    response = api.as_user(dataset.world.regional_manager_east).get(url)
    assert response.status_code == 400, response.content
    assert set(fields(response)) == names


def test_region_filter_covers_the_subtree(dataset, api):
    client = api.as_user(dataset.world.regional_manager_east)
    body = client.get(comparison_url(f"{PERIOD}&region=EAST")).json()
    assert body["region"] == {"code": "EAST", "name": "华东"}
    assert {row["code"] for row in body["results"]} == {"SH-BUND", "SH-PPL", "SH-XTD"}
    # A store manager may name the regions above their store; they still see their store only.
    mine = api.as_user(dataset.world.store_manager_bund).get(comparison_url(f"{PERIOD}&region=EAST")).json()
    assert [row["code"] for row in mine["results"]] == ["SH-BUND"]


# --- CSV -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["format", "accept"])
def test_comparison_as_csv_for_excel(dataset, api, how):
    client = api.as_user(dataset.world.regional_manager_east)
    if how == "format":
        response = client.get(comparison_url(f"{PERIOD}&region=EAST&format=csv"))
    else:
        response = client.get(comparison_url(f"{PERIOD}&region=EAST"), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="comparison-EAST-2026-01-01-2026-03-31.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:9] == [
        "rank",
        "not_enough_data",
        "store_code",
        "store_name",
        "region_code",
        "region_name",
        "competitor",
        "visits",
        "mean",
    ]
    by_code = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_code) == {"SH-BUND", "SH-PPL", "SH-XTD"}
    assert by_code["SH-BUND"]["store_name"] == "上海外滩餐厅" and by_code["SH-XTD"]["store_name"] == "新天地餐厅"
    assert by_code["SH-BUND"]["region_name"] == "上海黄浦"
    assert (by_code["SH-BUND"]["rank"], by_code["SH-BUND"]["visits"], by_code["SH-BUND"]["mean"]) == ("1", "4", "89.0")
    assert (by_code["SH-PPL"]["rank"], by_code["SH-PPL"]["not_enough_data"]) == ("", "yes")
    assert by_code["SH-BUND"]["complaint_pass_rate"] == "0.6667"


def test_csv_without_a_region_and_csv_errors(dataset, api):
    client = api.as_user(dataset.world.hq)
    response = client.get(comparison_url(f"{PERIOD}&format=csv"))
    assert response["Content-Disposition"] == 'attachment; filename="comparison-ALL-2026-01-01-2026-03-31.csv"'
    bad = client.get(comparison_url("start=never&format=csv"))
    assert bad.status_code == 400 and "Content-Disposition" not in bad
    # An error is the API's one error format, whatever format the success would have had.
    assert problem(bad)["errors"][0]["in"] == "query" and list(reasons(bad)) == ["/start"]
    assert api.as_user(dataset.world.auditor_a).get(comparison_url("format=csv")).status_code == 403


def test_csv_cells_never_run_as_formulas(dataset, api):
    factories.StoreFactory(code="SH-EVIL", name="=HYPERLINK(1)", region=dataset.world.huangpu)
    text = api.as_user(dataset.world.hq).get(comparison_url(f"{PERIOD}&format=csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- Query counts do not grow with visits -------------------------------------------------------------


def _more_visits(world, stores, per_store):
    for store in stores:
        for index in range(per_store):
            factories.record_visit(
                store=store,
                version=world.version,
                auditor=world.auditor_b,
                when=lunch(dt.date(2026, 1 + index % 3, 1 + index)),
                answers={"fries_hot": index % 2 == 0},
                release_by=world.reviewer,
            )


@pytest.mark.parametrize(
    ("persona", "url", "queries"),
    [
        # token; store; monthly sums per template; visits; section months; region; brand
        ("hq", trend_url("SH-BUND"), 7),
        # + the regional manager's regions (scoping)
        ("regional_manager_east", trend_url("SH-BUND"), 8),
        # token; store; visits per version; their templates; items; answers; visits count; region answers
        ("store_manager_bund", weaknesses_url("SH-BUND"), 8),
        # token; stores; visits per version; their templates; sections; per-store sums; per-store
        # section sums; medians
        ("hq", comparison_url(), 8),
        # + the regional manager's regions, the region filter
        ("regional_manager_east", comparison_url(f"{PERIOD}&region=SH-HP"), 10),
        # + the chosen section's sums
        ("hq", comparison_url(f"{PERIOD}&section=service"), 9),
    ],
)
def test_query_count_is_constant_as_visits_grow(dataset, api, django_assert_num_queries, persona, url, queries):
    world = dataset.world
    client = api.as_user(world.persona(persona))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more_visits(world, [world.bund, world.peoples_square, dataset.xintiandi, world.wangfujing], per_store=12)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_report_queries_never_read_auditor_tables(dataset, api):
    with CaptureQueriesContext(connection) as queries:
        api.as_user(dataset.world.hq).get(comparison_url())
        api.as_user(dataset.world.hq).get(trend_url("SH-BUND"))
        api.as_user(dataset.world.hq).get(weaknesses_url("SH-BUND"))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "auditorprofile" not in sql
    assert '"audits_visit"."auditor_id"' not in sql
    assert Visit.objects.count() > 0


def test_responses_have_the_documented_shapes(dataset, api):
    from reports.selectors import Period, comparison, store_trend, store_weaknesses
    from reports.serializers import ComparisonSerializer, StoreTrendSerializer, StoreWeaknessesSerializer

    world = dataset.world
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    client = api.as_user(world.hq)
    for url, serializer, data in (
        (comparison_url(), ComparisonSerializer, comparison(user=world.hq, period=period)),
        (
            comparison_url(f"{PERIOD}&section=service&region=EAST"),
            ComparisonSerializer,
            comparison(user=world.hq, period=period, section="service", region=world.east),
        ),
        (trend_url("SH-BUND"), StoreTrendSerializer, store_trend(user=world.hq, code="SH-BUND", period=period)),
        (
            weaknesses_url("SH-BUND"),
            StoreWeaknessesSerializer,
            store_weaknesses(user=world.hq, code="SH-BUND", period=period),
        ),
    ):
        documented = json.loads(json.dumps(serializer(data).data, default=str))
        assert client.get(url).json() == documented, url


def test_an_absurd_scorecard_id_is_a_400_not_a_crash(dataset, api):
    response = api.as_user(dataset.world.hq).get(trend_url("SH-BUND", "scorecard=" + "9" * 40))
    assert response.status_code == 400 and set(fields(response)) == {"scorecard"}
