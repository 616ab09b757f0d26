"""Scorecard versions: drafts are edited, publishing validates everything, published never changes."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scorecards import services
from scorecards.models import Item, ScorecardVersion, Section, VersionStatus
from tests import factories
from tests.api.problems import fields


def _draft(content):
    template = services.scorecard_template_create(code="T", name="Test")
    draft = template.versions.get()
    services.scorecard_version_replace_content(version=draft, sections=content)
    return draft


def _publish_problems(content) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        services.scorecard_version_publish(version=_draft(content), by=None)
    return refused.value.messages


def _card(**item_changes):
    content = copy.deepcopy(factories.SMALL_CARD)
    for key, changes in item_changes.items():
        item = next(i for section in content for i in section["items"] if i["key"] == key)
        item.update(changes)
    return content


@pytest.mark.django_db
def test_a_valid_draft_publishes():
    version = services.scorecard_version_publish(version=_draft(factories.SMALL_CARD), by=None)
    assert version.status == VersionStatus.PUBLISHED and version.published_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ([], "no items"),
        ([{"key": "empty", "title": "Empty", "weight": Decimal(1), "items": []}], "has no items"),
        (_card(upsell={"options": []}), "Choice item “upsell” has no options"),
        (_card(food_safe={"na_allowed": True}), "Critical item “food_safe” may not allow N/A"),
        (
            _card(
                wait_seconds={
                    "bands": [
                        {"lower": Decimal(0), "upper": Decimal(120), "points": Decimal(3)},
                        {"lower": Decimal(100), "upper": None, "points": Decimal(0)},
                    ]
                }
            ),
            "overlap",
        ),
        (
            _card(
                wait_seconds={
                    "bands": [
                        {"lower": Decimal(0), "upper": Decimal(120), "points": Decimal(3)},
                        {"lower": Decimal(150), "upper": None, "points": Decimal(0)},
                    ]
                }
            ),
            "gap between 120",
        ),
        (_card(wait_seconds={"bands": []}), "has no scoring bands"),
        (_card(greeted={"key": "fries_hot"}), "Item key “fries_hot” is used more than once"),
    ],
)
def test_publishing_refuses_with_a_clear_message(content, problem):
    assert any(problem in message for message in _publish_problems(content))


@pytest.mark.django_db
def test_zero_weight_section_is_refused_at_publish():
    content = copy.deepcopy(factories.SMALL_CARD)
    content[1]["weight"] = Decimal(0)
    assert any("weights must be above 0" in message for message in _publish_problems(content))


@pytest.mark.django_db
def test_publishing_lists_every_problem_at_once_and_leaves_a_draft():
    content = _card(upsell={"options": []}, food_safe={"na_allowed": True})
    draft = _draft(content)
    with pytest.raises(ValidationError) as refused:
        services.scorecard_version_publish(version=draft, by=None)
    assert len(refused.value.messages) == 2
    assert ScorecardVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@pytest.mark.django_db
def test_a_published_version_never_changes():
    version = factories.published_version()
    item = Item.objects.filter(section__version=version).first()
    item.max_points = Decimal(99)
    with pytest.raises(ValidationError, match="published"):
        item.save()
    with pytest.raises(ValidationError, match="published"):
        Section.objects.filter(version=version).first().delete()
    with pytest.raises(ValidationError, match="published"):
        services.scorecard_version_replace_content(version=version, sections=[])
    version.critical_cap = Decimal(50)
    with pytest.raises(ValidationError, match="published"):
        version.save()
    assert Item.objects.get(pk=item.pk).max_points != Decimal(99)


@pytest.mark.django_db
def test_editing_a_published_standard_makes_a_new_draft_with_the_same_content():
    version = factories.published_version()
    draft = services.scorecard_version_create_draft(template=version.template, by=None)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    original = list(Item.objects.filter(section__version=version).values_list("key", "type", "max_points"))
    copied = list(Item.objects.filter(section__version=draft).values_list("key", "type", "max_points"))
    assert copied == original
    # Changing the draft leaves the published version as it was.
    Item.objects.filter(section__version=draft, key="fries_hot").update(max_points=Decimal(5))
    assert Item.objects.get(section__version=version, key="fries_hot").max_points == Decimal(2)


@pytest.mark.django_db
def test_publishing_a_new_version_retires_the_previous_one_and_keeps_its_visits():
    version = factories.published_version()
    draft = services.scorecard_version_create_draft(template=version.template, by=None)
    services.scorecard_version_publish(version=draft, by=None)
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.template.versions.published().get() == draft


@pytest.mark.django_db
def test_only_one_draft_at_a_time():
    version = factories.published_version()
    services.scorecard_version_create_draft(template=version.template, by=None)
    with pytest.raises(ValidationError, match="already has a draft"):
        services.scorecard_version_create_draft(template=version.template, by=None)


# --- Through the API -----------------------------------------------------------------------------


def test_hq_builds_and_publishes_a_scorecard_through_the_api(world, api):
    client = api.as_user(world.hq)
    created = client.post("/api/scorecards/", {"code": "DT", "name": "Drive-thru"}, format="json")
    assert created.status_code == 201, created.content
    draft_id = created.json()["versions"][0]["id"]
    body = {
        "critical_cap": "20.0",
        "changelog": "first",
        "sections": [
            {
                "key": "speed",
                "title": "Speed",
                "weight": "1",
                "items": [
                    {
                        "key": "window_seconds",
                        "prompt": "Seconds at the window",
                        "type": "numeric",
                        "max_points": "2",
                        "bands": [
                            {"lower": "0", "upper": "60", "points": "2"},
                            {"lower": "60", "upper": None, "points": "0"},
                        ],
                    },
                    {"key": "greeted", "prompt": "Greeted", "type": "yes_no", "max_points": "1"},
                ],
            }
        ],
    }
    replaced = client.put(f"/api/scorecard-versions/{draft_id}/", body, format="json")
    assert replaced.status_code == 200, replaced.content
    assert [item["key"] for item in replaced.json()["sections"][0]["items"]] == ["window_seconds", "greeted"]
    published = client.post(f"/api/scorecard-versions/{draft_id}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert client.put(f"/api/scorecard-versions/{draft_id}/", body, format="json").status_code == 400


def test_publishing_an_invalid_draft_through_the_api_is_400_with_every_problem(world, api):
    client = api.as_user(world.hq)
    draft = client.post(f"/api/scorecards/{world.version.template_id}/new-draft/").json()
    body = {
        "sections": [
            {
                "key": "s",
                "title": "S",
                "weight": "0",
                "items": [
                    {"key": "c", "prompt": "Pick", "type": "choice", "max_points": "1", "options": []},
                ],
            }
        ]
    }
    assert client.put(f"/api/scorecard-versions/{draft['id']}/", body, format="json").status_code == 200
    response = client.post(f"/api/scorecard-versions/{draft['id']}/publish/")
    assert response.status_code == 400
    messages = " ".join(fields(response)["non_field_errors"])
    assert "weights must be above 0" in messages and "has no options" in messages


def test_bad_draft_content_is_400_naming_the_field_and_changes_nothing(world, api):
    client = api.as_user(world.hq)
    draft = client.post(f"/api/scorecards/{world.version.template_id}/new-draft/").json()
    body = {
        "sections": [
            {
                "key": "Bad Key",
                "title": "S",
                "weight": "1",
                "items": [
                    {"key": "x", "prompt": "X", "type": "dice", "max_points": "1"},
                ],
            }
        ]
    }
    response = client.put(f"/api/scorecard-versions/{draft['id']}/", body, format="json")
    assert response.status_code == 400
    errors = fields(response)["sections"]["0"]
    assert "key" in errors and "type" in errors["items"]["0"]
    assert Section.objects.filter(version_id=draft["id"]).count() == len(factories.SMALL_CARD)


def test_new_draft_when_one_exists_is_400(world, api):
    client = api.as_user(world.hq)
    assert client.post(f"/api/scorecards/{world.version.template_id}/new-draft/").status_code == 201
    response = client.post(f"/api/scorecards/{world.version.template_id}/new-draft/")
    assert response.status_code == 400
    assert "already has a draft" in str(response.json())
