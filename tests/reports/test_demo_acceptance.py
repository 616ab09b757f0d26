"""The demo brand (``make run``) through the report API, signed in as the demo users."""

import re

from branches.models import Region, Store
from fixtures.demo import DEMO_PASSWORD

# The demo's visits run from November 2025 to October 2026 (it was built "on" 2026-11-23).
PERIOD = "start=2025-11-01&end=2026-11-23"
RANK = re.compile(r"^\d+(-\d+)?$")


def _login(api, username):
    response = api.post("/api/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def test_rm_east_compares_only_east_stores_with_counts_intervals_and_rank_bands(demo, api):
    east = Region.objects.get(code="EAST")
    east_stores = set(Store.objects.filter(region__path__startswith=east.path).values_list("code", flat=True))
    body = _login(api, "rm-east").get(f"/api/reports/comparison/?{PERIOD}").json()

    assert {row["code"] for row in body["results"]} == east_stores
    assert "SH-BUND" in east_stores and "BJ-WFJ" not in east_stores
    assert body["scorecard"]["code"] == "QSR-DINE-IN"
    for row in body["results"]:
        # A year of two visits a month: enough for an interval and a rank band everywhere.
        assert row["visits"] >= 20, row["code"]
        assert row["ci_low"] < row["mean"] < row["ci_high"], row["code"]
        assert RANK.match(row["rank"]) and not row["not_enough_data"], row["code"]
        assert row["rank_best"] <= row["rank_worst"]
    # Noise keeps stores apart only where their intervals do not overlap: some bands are shared.
    assert any(row["rank_best"] < row["rank_worst"] for row in body["results"])
    assert body["summary"]["stores"] == len(east_stores)
    assert body["summary"]["visits"] == sum(row["visits"] for row in body["results"])

    csv_response = api.get(f"/api/reports/comparison/?{PERIOD}&format=csv")
    assert "上海外滩餐厅" in csv_response.content.decode("utf-8-sig")


def test_sm_bund_trend_holds_the_83_85_88_reports(demo, api):
    client = _login(api, "sm-bund")
    body = client.get(f"/api/reports/stores/SH-BUND/trend/?{PERIOD}").json()

    scores = [row["score"] for row in body["visits"]]
    assert scores[-3:] == [83.0, 85.0, 88.0]
    assert {83.0, 85.0, 88.0} <= set(scores)
    assert sum(row["visits"] for row in body["months"]) == len(scores)
    assert body["region"]["code"] == "SH-HP" and body["region"]["visits"] > len(scores)
    assert body["brand"]["visits"] > body["region"]["visits"]
    assert {section["key"] for section in body["sections"]} >= {"food", "service"}
    # Someone else's store is not there at all.
    assert client.get(f"/api/reports/stores/SH-PPL/trend/?{PERIOD}").status_code == 404

    weak = client.get(f"/api/reports/stores/SH-BUND/weaknesses/?{PERIOD}&limit=5").json()
    assert 1 <= len(weak["results"]) <= 5
    assert all(row["prompt"] and row["failed"] > 0 for row in weak["results"])


def test_sm_bund_gets_a_chinese_coaching_pdf_with_chart_and_tips_and_no_auditor(
    demo, api, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    from branches.models import Role, User
    from tests.traces import shows

    client = _login(api, "sm-bund")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            "/api/reports/coaching/",
            {"store": "SH-BUND", "start": "2026-01-01", "end": "2026-11-30", "language": "zh-hans"},
            format="json",
        )
    assert asked.status_code == 202 and set(asked.json()) >= {"id", "status"}
    job = client.get(f"/api/reports/coaching/{asked.json()['id']}/").json()
    assert job["status"] == "done", job
    download = client.get(job["pdf_url"])
    assert download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "上海外滩餐厅" in text
    weak = client.get("/api/reports/stores/SH-BUND/weaknesses/?start=2026-01-01&end=2026-11-30&limit=5").json()
    for row in weak["results"]:
        assert row["coaching_tip"] and row["coaching_tip"][:12] in text.replace("\n", "")
    assert any("/XObject" in page["/Resources"] for page in reader.pages)  # the chart
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    for auditor in User.objects.filter(role=Role.AUDITOR).select_related("auditor_profile"):
        for trace in (auditor.username, auditor.auditor_profile.code, auditor.get_full_name()):
            assert not shows(trace, text + metadata + download["Content-Disposition"]), trace

    # Another store's report: 404 for the Bund's manager.
    rm = _login(api, "rm-north")
    with django_capture_on_commit_callbacks(execute=True):
        other = rm.post("/api/reports/coaching/", {"store": "BJ-WFJ"}, format="json")
    sm = _login(api, "sm-bund")
    assert sm.get(f"/api/reports/coaching/{other.json()['id']}/").status_code == 404
    assert sm.get(f"/api/reports/coaching/{other.json()['id']}/pdf/").status_code == 404
