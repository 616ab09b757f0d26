"""The HQ admin site: every page opens, and scorecard versions freeze once published."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse

from audits.models import VisitStatus
from branches.models import Role, User
from scorecards import services
from scorecards.models import (
    Item,
    ItemOption,
    ItemType,
    NumericBand,
    ScorecardTemplate,
    ScorecardVersion,
    Section,
    VersionStatus,
)
from tests import factories


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser(username="root", email="r@example.com", password="pw", role="hq_admin")


@pytest.fixture
def hq_client(client, root):
    client.force_login(root)
    return client


def make_draft(code: str = "DINE", *, valid: bool = True) -> ScorecardVersion:
    template = ScorecardTemplate.objects.create(code=code, name=f"{code} standard")
    version = ScorecardVersion.objects.create(template=template, number=1)
    service = Section.objects.create(version=version, key="service", title="Service", weight=Decimal(1), position=0)
    Item.objects.create(
        section=service,
        key="greeted",
        prompt="Greeted within 10 s",
        type=ItemType.YES_NO,
        max_points=Decimal(1),
        position=0,
    )
    wait = Item.objects.create(
        section=service,
        key="wait_seconds",
        prompt="Seconds from order to food",
        type=ItemType.NUMERIC,
        max_points=Decimal(3),
        unit="s",
        position=1,
    )
    combo = Item.objects.create(
        section=service,
        key="upsell",
        prompt="Suggested a combo",
        type=ItemType.CHOICE,
        max_points=Decimal(2),
        position=2,
    )
    ItemOption.objects.create(item=combo, key="yes", label="Yes", points=Decimal(2), position=0)
    ItemOption.objects.create(item=combo, key="no", label="No", points=Decimal(0), position=1)
    if valid:
        NumericBand.objects.create(item=wait, lower=Decimal(0), upper=Decimal(120), points=Decimal(3))
        NumericBand.objects.create(item=wait, lower=Decimal(120), upper=None, points=Decimal(0))
    else:
        # No bands for the numeric item, and an empty section: two problems that block publishing.
        Section.objects.create(version=version, key="cleanliness", title="Cleanliness", position=1)
    return version


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, model, action: str, objects):
    return client.post(
        changelist_url(model),
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]},
        follow=True,
    )


def _form_data(form, data: dict) -> None:
    for bound_field in form:
        value = bound_field.value()
        if value is None or value is False:
            continue
        data[bound_field.html_name] = "on" if value is True else value


def _formset_data(formset, data: dict) -> None:
    _form_data(formset.management_form, data)
    for form in formset.forms:
        _form_data(form, data)
        for nested in getattr(form, "nested_formsets", []):
            _formset_data(nested, data)


def change_form_data(response) -> dict:
    """What the browser would post back for a change page left as it was."""
    data: dict = {}
    _form_data(response.context["adminform"].form, data)
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        _formset_data(inline_admin_formset.formset, data)
    return data


@pytest.mark.django_db
def test_every_admin_page_opens(hq_client, root, world):
    make_draft()
    factories.complaint_scenario()
    request = RequestFactory().get("/admin/")
    request.user = root
    for model, model_admin in admin.site._registry.items():
        url = changelist_url(model)
        assert hq_client.get(url).status_code == 200, url
        assert hq_client.get(url, {"q": "x"}).status_code == 200, url
        if model_admin.has_add_permission(request):
            add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert hq_client.get(add_url).status_code == 200, add_url
        for obj in model_admin.get_queryset(request)[:3]:
            assert hq_client.get(change_url(obj)).status_code == 200, change_url(obj)


@pytest.mark.django_db
def test_draft_change_page_shows_nested_content_and_problems(hq_client):
    draft = make_draft(valid=False)

    response = hq_client.get(change_url(draft))

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Service", "Cleanliness", "Greeted within 10 s", "Suggested a combo"):
        assert text in page
    assert 'name="_save"' in page
    assert 'name="_publish"' in page
    for problem in services.scorecard_version_problems(draft):
        assert str(problem) in page
    # Pressing Enter submits with the first submit button; that must be Save, not Save and publish.
    first_submit = re.search(r'<input type="submit"[^>]*>', page).group()
    assert 'name="_save"' in first_submit


@pytest.mark.django_db
def test_publishing_an_invalid_draft_reports_every_problem(hq_client):
    draft = make_draft(valid=False)
    problems = services.scorecard_version_problems(draft)
    assert len(problems) >= 2

    response = run_action(hq_client, ScorecardVersion, "publish", [draft])

    shown = messages_of(response)
    for problem in problems:
        assert any(str(problem) in message for message in shown), problem
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


@pytest.mark.django_db
def test_published_version_is_read_only(hq_client):
    draft = make_draft()

    run_action(hq_client, ScorecardVersion, "publish", [draft])

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    response = hq_client.get(change_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Greeted within 10 s" in page
    assert 'name="_save"' not in page
    assert 'name="_publish"' not in page
    assert not response.context["has_editable_inline_admin_formsets"]

    refused = hq_client.post(change_url(draft), {"critical_cap": "50", "changelog": "sneaky"})
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.critical_cap == Decimal("0.0")
    assert draft.changelog == ""


@pytest.mark.django_db
def test_draft_edits_save_and_publish_from_the_change_page(hq_client):
    draft = make_draft()
    data = change_form_data(hq_client.get(change_url(draft)))
    data["sections-0-title"] = "Service and speed"
    data["changelog"] = "Renamed service"
    data["_publish"] = "Save and publish"

    response = hq_client.post(change_url(draft), data, follow=True)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.changelog == "Renamed service"
    assert draft.sections.get().title == "Service and speed"
    assert [item.key for item in Item.objects.filter(section__version=draft)] == ["greeted", "wait_seconds", "upsell"]


@pytest.mark.django_db
def test_start_a_new_draft_copies_the_published_version(hq_client, root):
    version = make_draft()
    services.scorecard_version_publish(version=version, by=root)

    response = run_action(hq_client, ScorecardTemplate, "start_new_draft", [version.template])

    draft = version.template.versions.get(status=VersionStatus.DRAFT)
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert draft.number == 2
    assert Item.objects.filter(section__version=draft).count() == 3

    again = run_action(hq_client, ScorecardTemplate, "start_new_draft", [version.template])
    assert any("already has a draft" in message for message in messages_of(again))


@pytest.mark.django_db
def test_release_action_releases_only_visits_in_review(hq_client, world):
    visit = world.pending_bund_visit
    assert visit.status == VisitStatus.SUBMITTED

    assert hq_client.get(change_url(visit)).status_code == 200
    assert hq_client.post(change_url(visit), {"status": VisitStatus.REJECTED}).status_code == 403
    response = run_action(hq_client, type(visit), "release", [visit, world.released_bund_visit])

    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED  # nobody opened it: not released
    assert any(visit.reference in message for message in messages_of(response))

    type(visit).objects.filter(pk=visit.pk).update(status=VisitStatus.IN_REVIEW)
    run_action(hq_client, type(visit), "release", [visit])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RELEASED
    assert visit.released_by.username == "root"


@pytest.mark.django_db
def test_a_failed_answer_shows_a_red_cross_not_a_green_tick(hq_client, world):
    visit = world.released_bund_visit
    answers = list(visit.answers.filter(not_applicable=False))
    assert len(answers) >= 2
    type(answers[0]).objects.filter(pk=answers[0].pk).update(failed=True)
    type(answers[0]).objects.filter(pk__in=[a.pk for a in answers[1:]]).update(failed=False)

    page = hq_client.get(change_url(visit)).content.decode()
    results = re.findall(r'field-result">.*?<img src="[^"]*icon-(yes|no)\.svg', page, re.S)
    assert results.count("no") == 1
    assert results.count("yes") == len(answers) - 1


@pytest.mark.django_db
def test_yes_no_answers_print_as_words_in_the_users_language(hq_client, world):
    visit = world.released_bund_visit
    assert visit.answers.filter(value_bool__isnull=False).exists()

    page = hq_client.get(change_url(visit), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    answers = re.findall(r'field-answer">\s*<p>(.*?)</p>', page, re.S)
    assert answers
    assert not {"True", "False"} & {a.strip() for a in answers}


@pytest.mark.django_db
def test_adding_a_template_starts_its_first_draft(hq_client):
    response = hq_client.post(
        reverse("admin:scorecards_scorecardtemplate_add"),
        {"code": "DRIVE", "name": "Drive-thru standard"},
        follow=True,
    )

    assert response.status_code == 200
    template = ScorecardTemplate.objects.get(code="DRIVE")
    assert list(template.versions.values_list("number", "status")) == [(1, VersionStatus.DRAFT)]


@pytest.mark.django_db
def test_adding_a_store_manager_with_their_stores(hq_client, world):
    response = hq_client.post(
        reverse("admin:branches_user_add"),
        {
            "username": "sm_ppl",
            "email": "sm_ppl@example.com",
            "role": Role.STORE_MANAGER,
            "usable_password": "true",
            "password1": "Kf8!quiet-harbour",
            "password2": "Kf8!quiet-harbour",
            "managed_stores": [world.peoples_square.pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    user = User.objects.get(username="sm_ppl")
    assert user.role == Role.STORE_MANAGER
    assert list(user.managed_stores.all()) == [world.peoples_square]
    assert not user.is_staff
