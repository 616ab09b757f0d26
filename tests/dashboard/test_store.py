"""The store page: the API's trend and weak standards, sections against the region, the released
visits by reference only, the coaching PDF button, and disputes from the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Dispute, Visit
from backend import clock
from coaching.services import action_item_create
from tests.dashboard.conftest import PERIOD, between, text_of
from tests.reports.test_api import _more_visits

URL = "/stores/SH-BUND/"


def test_the_page_shows_the_api_numbers(dataset, browser, api):
    world = dataset.world
    trend = api.as_user(world.store_manager_bund).get(f"/api/reports/stores/SH-BUND/trend/?{PERIOD}").json()
    weak = api.as_user(world.store_manager_bund).get(f"/api/reports/stores/SH-BUND/weaknesses/?{PERIOD}").json()
    html = browser.as_user(world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    summary = text_of(between(html, 'id="store-summary"', "</div>\n</div>"))
    assert f"Mean score {trend['change']['mean']:.2f}" in summary
    assert f"{trend['change']['visits']} released visits" in summary
    assert f"{trend['region']['mean']:.2f}" in summary and f"{trend['brand']['mean']:.2f}" in summary
    visits = between(html, 'id="visits-table"', "</table>")
    for visit in trend["visits"]:
        assert f'data-reference="{visit["reference"]}"' in visits
    assert visits.count("data-reference=") == len(trend["visits"]) == 4
    assert dataset.pending.reference not in html  # never an unreleased visit
    weaknesses = between(html, 'id="weaknesses-table"', "</table>")
    for item in weak["results"][:5]:
        assert item["prompt"] in weaknesses
        assert f"{item['failed']}/{item['answered']}" in weaknesses
    assert "Serve fries within 5 minutes of frying." in weaknesses  # the coaching tip


def test_visits_show_date_daypart_score_and_flags_but_nothing_about_the_auditor(dataset, browser):
    world = dataset.world
    html = browser.as_user(world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    row = text_of(between(html, f'data-reference="{dataset.bund_visits[1].reference}"', "</tr>"))
    assert "Jan. 20, 2026" in row and "Lunch" in row and "81.0" in row and "complaint test failed" in row
    for visit in dataset.bund_visits:
        assert str(visit.uuid) not in html
    for secret in ("Alice", "Zhang", "auditor_a", "AUDITOR-A", "checked_in"):
        assert secret not in html


def test_the_store_page_shows_no_review_flag_of_a_visit(dataset, browser):
    """A flag such as "checked in far from the store" tells staff where the auditor's phone was."""
    from audits.models import Visit, VisitFlag

    visit = dataset.bund_visits[1]
    Visit.objects.filter(pk=visit.pk).update(
        flags=[{"code": VisitFlag.FAR_FROM_STORE, "detail": "Checked in 900 m from the store."}]
    )
    html = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    assert str(VisitFlag.FAR_FROM_STORE.label) not in html and "900 m" not in html


def test_sections_are_compared_with_the_region(dataset, browser):
    html = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    table = text_of(between(html, '<table class="data" id="sections-table"', "</table>"))
    # the numbers are checked against a hand count below; here: in scorecard order, with the difference
    assert table.startswith("Section This store Visits Region Difference Food quality 92.85 4 88.88 +4.0 (up)")
    assert "Service 81.25 4 89.81 −8.6 (down)" in table


def test_section_benchmark_matches_a_hand_count(dataset):
    from audits.models import VisitSectionScore
    from dashboard.selectors import section_benchmark
    from reports.selectors import Period

    period = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    rows = {
        row["key"]: row
        for row in section_benchmark(
            store=dataset.world.bund, period=period, template_id=dataset.world.version.template_id
        )
    }
    scores = VisitSectionScore.objects.filter(
        visit__status="released", visit__visited_on__range=(period.start, period.end), section__key="food"
    )
    mine = [float(s.score) for s in scores.filter(visit__store=dataset.world.bund)]
    region = [float(s.score) for s in scores.filter(visit__store__region__path__startswith=dataset.world.huangpu.path)]
    assert rows["food"]["visits"] == len(mine) == 4
    assert rows["food"]["mean"] == round(sum(mine) / len(mine), 2)
    assert rows["food"]["region_visits"] == len(region)
    assert rows["food"]["region_mean"] == round(sum(region) / len(region), 2)


def test_trend_chart_is_inline_svg_with_titles_and_a_table(dataset, browser):
    html = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    svg = between(html, '<svg id="trend-chart"', "</svg>")
    assert 'role="img"' in svg and "<title" in svg
    assert svg.count('class="visit') == 4
    assert 'class="month-line"' in svg and 'class="region-line"' in svg
    assert dataset.bund_visits[0].reference in svg
    table = between(html, 'id="trend-chart-table"', "</table>")
    assert table.count('<th scope="row">') == 3  # January to March


def test_the_coaching_pdf_button_carries_the_api_contract(dataset, browser):
    html = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?{PERIOD}").content.decode()
    button = between(html, '<button type="button" class="primary" id="coaching-pdf-button"', ">")
    for attribute in (
        'data-url="/api/reports/coaching/"',
        'data-store="SH-BUND"',
        'data-start="2026-01-01"',
        'data-end="2026-03-31"',
    ):
        assert attribute in button
    assert 'id="coaching-pdf-status"' in html and 'aria-live="polite"' in html
    assert 'id="coaching-pdf-download"' in html
    assert '<script src="/static/dashboard/dashboard.js" defer></script>' in html


def test_no_visits_in_the_period(dataset, browser):
    html = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?start=2020-01-01&end=2020-03-01").content
    assert b'id="no-visits"' in html and b'id="trend-chart"' not in html


def test_bad_filters_are_400_with_the_message_by_the_field(dataset, browser):
    response = browser.as_user(dataset.world.store_manager_bund).get(f"{URL}?scorecard=nope")
    assert response.status_code == 400
    assert 'id="filter-scorecard-error"' in response.content.decode()


# --- Disputes -------------------------------------------------------------------------------------


def _dispute_url(query: str = PERIOD) -> str:
    return reverse("dashboard:dispute", kwargs={"code": "SH-BUND"}) + f"?{query}"


def test_a_store_manager_disputes_an_item_of_a_recent_visit(dataset, browser):
    world = dataset.world
    client = browser.as_user(world.store_manager_bund)
    html = client.get(f"{URL}?{PERIOD}").content.decode()
    form = between(html, 'id="dispute-form"', "</form>")
    for name in ("visit", "item", "reason", "photo"):
        assert f'<label for="id_{name}">' in form
    visit = dataset.bund_visits[1]
    assert f'value="{visit.reference}"' in form and 'value="fries_hot"' in form
    response = client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": "They were hot."})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?{PERIOD}#disputes"
    dispute = Dispute.objects.get()
    assert (dispute.visit, dispute.item.key, dispute.reason, dispute.raised_by) == (
        visit,
        "fries_hot",
        "They were hot.",
        world.store_manager_bund,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Your dispute was sent to the reviewers." in html
    assert visit.reference in between(html, 'id="disputes-table"', "</table>")
    assert "dispute open" in text_of(between(html, f'data-reference="{visit.reference}"', "</tr>"))


def test_dispute_errors_are_shown_next_to_their_fields(dataset, browser):
    client = browser.as_user(dataset.world.store_manager_bund)
    visit = dataset.bund_visits[1]
    response = client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason-error"' in html and 'aria-describedby="id_reason-error"' in html
    # the service's own rules: one open dispute per item
    client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": "hot"})
    again = client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": "still hot"})
    assert again.status_code == 400
    assert 'id="id_item-error">This item already has an open dispute.' in again.content.decode()
    bad_photo = client.post(
        _dispute_url(),
        {
            "visit": visit.reference,
            "item": "greeted",
            "reason": "x",
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert bad_photo.status_code == 400 and 'id="id_photo-error"' in bad_photo.content.decode()
    assert Dispute.objects.count() == 1


def test_visits_outside_the_dispute_window_are_not_offered(dataset, browser):
    visit = dataset.bund_visits[0]
    Visit.objects.filter(pk=visit.pk).update(released_at=clock.now() - dt.timedelta(days=8))
    client = browser.as_user(dataset.world.store_manager_bund)
    html = client.get(f"{URL}?{PERIOD}").content.decode()
    assert f'value="{visit.reference}"' not in between(html, 'id="dispute-form"', "</form>")
    response = client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": "x"})
    assert response.status_code == 400 and 'id="id_visit-error"' in response.content.decode()
    assert not Dispute.objects.exists()


def test_regional_managers_see_no_dispute_form_and_cannot_post(dataset, browser):
    client = browser.as_user(dataset.world.regional_manager_east)
    html = client.get(f"{URL}?{PERIOD}").content.decode()
    assert 'id="dispute-form"' not in html
    visit = dataset.bund_visits[1]
    response = client.post(_dispute_url(), {"visit": visit.reference, "item": "fries_hot", "reason": "x"})
    assert response.status_code == 403
    assert not Dispute.objects.exists()


# --- Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        # session, user; scorecards (filter form); the store; store_trend's 6 and store_weaknesses'
        # 7 (reports.selectors; each looks the store up again); the section benchmark; the visits;
        # + the manager's regions (scoping); the action plan
        ("regional_manager_east", 19),
        # + disputable visits, their items, the store's disputes, the standards of the action
        # form; no regions to scope by
        ("store_manager_bund", 22),
    ],
)
def test_query_count_stays_constant_as_visits_grow(dataset, browser, django_assert_num_queries, persona, queries):
    world = dataset.world
    client = browser.as_user(world.persona(persona))
    with django_assert_num_queries(queries):
        assert client.get(f"{URL}?{PERIOD}").status_code == 200
    _more_visits(world, [world.bund, world.peoples_square, dataset.xintiandi], per_store=8)
    for key in ("fries_hot", "greeted", "upsell"):
        action_item_create(
            store=world.bund,
            item_key=key,
            action="x",
            owner="李",
            by=world.store_manager_bund,
            due_on=clock.today() + dt.timedelta(days=3),
        )
    client = browser.as_user(world.persona(persona))
    with django_assert_num_queries(queries):
        assert client.get(f"{URL}?{PERIOD}").status_code == 200


# --- Coaching PDF without JavaScript ----------------------------------------------------------------


def test_the_coaching_pdf_works_without_javascript_too(dataset, browser):
    from coaching.models import CoachingReport

    client = browser.as_user(dataset.world.store_manager_bund)
    html = client.get(f"{URL}?{PERIOD}").content.decode()
    fallback = between(html, "<noscript>", "</noscript>")
    assert 'action="/stores/SH-BUND/coaching-pdf/"' in fallback and 'value="2026-01-01"' in fallback
    response = client.post("/stores/SH-BUND/coaching-pdf/", {"start": "2026-01-01", "end": "2026-03-31"})
    assert response.status_code == 302
    report = CoachingReport.objects.get()
    assert (report.store, report.start, report.end) == (dataset.world.bund, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert response["Location"] == f"/stores/SH-BUND/coaching-pdf/{report.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'data-status="{report.status}"' in page.content.decode()
    CoachingReport.objects.filter(pk=report.pk).update(status="done")
    html = client.get(response["Location"]).content.decode()
    assert f'href="/api/reports/coaching/{report.pk}/pdf/" id="coaching-status-download"' in html
    assert 'http-equiv="refresh"' not in html
    # someone else's report and store are not found
    other = browser.as_user(dataset.world.store_manager_wfj)
    assert other.get(response["Location"]).status_code == 404
    assert other.post("/stores/SH-BUND/coaching-pdf/", {}).status_code == 404
