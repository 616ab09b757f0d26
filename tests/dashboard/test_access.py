"""Who gets which page: sign-in, sign-out, the home page of every role, scoping, no auditor trace."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories
from tests.dashboard.conftest import between
from tests.personas import STORE_SIDE
from tests.test_incognito import SAMPLES, _traces
from tests.traces import shows


def _dashboard_urls(world, extras) -> list[str]:
    """Every page of the dashboard, with the invariant walk's sample arguments."""
    urls = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "dashboard":
            for child in pattern.url_patterns:
                assert isinstance(child, URLPattern)
                name = f"dashboard:{child.name}"
                urls.append(reverse(name, kwargs=SAMPLES[name](world, extras)))
    return urls


def test_anonymous_visitors_are_sent_to_the_sign_in_page(world, browser):
    for url in ("/", "/comparison/", f"/stores/{world.bund.code}/"):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('dashboard:login')}?next={url}"


def test_sign_in_with_the_same_account_then_sign_out_by_post(world, browser):
    page = browser.get(reverse("dashboard:login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_username"' in html and 'for="id_password"' in html and 'id="login-form"' in html

    wrong = browser.post(reverse("dashboard:login"), {"username": "rm_east", "password": "nope"})
    assert wrong.status_code == 200
    assert 'id="login-errors"' in wrong.content.decode()

    signed_in = browser.post(reverse("dashboard:login"), {"username": "rm_east", "password": factories.PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboard:home")
    assert browser.get("/").status_code == 302  # the regional manager's home is the comparison

    assert browser.get(reverse("dashboard:logout")).status_code == 405  # never sign out on a GET
    signed_out = browser.post(reverse("dashboard:logout"))
    assert signed_out.status_code == 302 and signed_out["Location"] == reverse("dashboard:login")
    assert browser.get("/comparison/").status_code == 302


def test_sign_in_honours_next(world, browser):
    response = browser.post(
        reverse("dashboard:login") + "?next=/stores/SH-BUND/",
        {"username": "sm_bund", "password": factories.PASSWORD, "next": "/stores/SH-BUND/"},
    )
    assert response["Location"] == "/stores/SH-BUND/"


@pytest.mark.parametrize(
    ("persona", "location"),
    [("regional_manager_east", "/comparison/"), ("store_manager_bund", "/stores/SH-BUND/")],
)
def test_managers_land_on_their_page(world, browser, persona, location):
    response = browser.as_user(world.persona(persona)).get("/")
    assert response.status_code == 302 and response["Location"] == location


def test_a_manager_of_several_stores_gets_a_list(world, browser):
    manager = factories.UserFactory(
        username="sm_two", role="store_manager", managed_stores=[world.bund, world.peoples_square]
    )
    html = browser.as_user(manager).get("/").content.decode()
    assert 'id="store-list"' in html
    assert 'href="/stores/SH-BUND/"' in html and 'href="/stores/SH-PPL/"' in html
    assert "BJ-WFJ" not in html


@pytest.mark.parametrize("persona", ["hq", "reviewer"])
def test_hq_and_reviewers_get_links_to_planning_review_and_admin(world, browser, persona):
    response = browser.as_user(world.persona(persona)).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    hrefs = ("/admin/audits/wave/", "/api/docs/", "/api/review/visits/?status=submitted", "/admin/", "/comparison/")
    for href in hrefs:
        assert f'href="{href}"' in html, href


@pytest.mark.parametrize("url", ["/", "/comparison/", "/stores/SH-BUND/"])
def test_auditors_get_a_polite_page_and_no_store_data(world, browser, url):
    # auditor_a visited SH-BUND, so the store is "known" to them; the dashboard still shows nothing.
    response = browser.as_user(world.auditor_a).get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="not-for-auditors"' in html and "mobile app" in html
    main = between(html, "<main", "</main>")  # (the language form echoes the address asked for)
    for secret in ("SH-BUND", "上海外滩餐厅", world.released_bund_visit.reference):
        assert secret not in main


def test_auditors_cannot_dispute(world, browser):
    response = browser.as_user(world.auditor_a).post(reverse("dashboard:dispute", kwargs={"code": "SH-BUND"}), {})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("store_manager_bund", "BJ-WFJ"),
        ("store_manager_wfj", "SH-BUND"),
        ("regional_manager_north", "SH-BUND"),
        ("regional_manager_east", "BJ-WFJ"),
        ("hq", "NOPE"),
    ],
)
def test_someone_elses_store_is_404(world, browser, persona, code):
    client = browser.as_user(world.persona(persona))
    assert client.get(reverse("dashboard:store", kwargs={"code": code})).status_code == 404
    assert client.post(reverse("dashboard:dispute", kwargs={"code": code}), {}).status_code in (403, 404)


def test_the_walk_covers_every_dashboard_page(world, extras):
    urls = _dashboard_urls(world, extras)
    assert {"/", "/login/", "/logout/", "/comparison/", "/stores/SH-BUND/"} <= set(urls)


@pytest.mark.parametrize("persona", STORE_SIDE)
def test_no_dashboard_page_names_or_locates_an_auditor(world, browser, extras, persona):
    client = browser.as_user(world.persona(persona))
    traces = [*_traces(world), str(world.released_bund_visit.uuid), str(world.pending_bund_visit.uuid)]
    for url in _dashboard_urls(world, extras):
        for query in ("", "?start=2020-01-01"):
            response = client.get(url + query, follow=True)
            assert response.status_code < 500, url
            body = response.content.decode()
            for trace in traces:
                assert not shows(trace, body), f"{url}{query} shows {trace!r} to {persona}"
            # an unreleased visit is never shown
            assert world.pending_bund_visit.reference not in body
