import datetime as dt
import zoneinfo
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from audits import services as audit_services
from audits.models import Answer, Visit, VisitSectionScore, VisitStatus
from backend.errors import InvalidInput
from scorecards import services
from tests import factories


def _record(world, **overrides):
    return factories.record_visit(store=world.bund, version=world.version, auditor=world.auditor_a, **overrides)


def test_invalid_answers_are_reported_by_item_key_all_at_once_and_nothing_is_stored(world):
    before = Visit.objects.count(), Answer.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _record(
            world,
            answers={
                "burger_taste": 6,
                "greeted": audit_services.AnswerInput(not_applicable=True),
                "fries_hot": "yes",
                "wait_seconds": -5,
                "upsell": "maybe",
                "no_such_item": True,
            },
        )
    assert refused.value.errors["answers"] == {
        "burger_taste": "expected a whole number from 1 to 5, got 6",
        "greeted": "N/A is not allowed for this item",
        "fries_hot": "expected true or false, got 'yes'",
        "wait_seconds": "-5 is outside every scoring band",
        "upsell": "'maybe' is not one of the options ['no', 'partly', 'yes']",
        "no_such_item": "no such item in this scorecard version",
    }
    assert (Visit.objects.count(), Answer.objects.count()) == before


def test_a_missing_required_answer_is_refused(world):
    answers = dict(factories.PERFECT_ANSWERS)
    del answers["greeted"]
    with pytest.raises(InvalidInput) as refused:
        audit_services.visit_record(
            store=world.bund,
            version=world.version,
            auditor=world.auditor_a,
            daypart="lunch",
            checked_in_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
            checked_out_at=dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC),
            answers={key: audit_services.AnswerInput(value=value) for key, value in answers.items()},
        )
    assert refused.value.errors["answers"] == {"greeted": "an answer is required"}


def test_check_out_before_check_in_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        audit_services.visit_record(
            store=world.bund,
            version=world.version,
            auditor=world.auditor_a,
            daypart="lunch",
            checked_in_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
            checked_out_at=dt.datetime(2026, 5, 1, 11, tzinfo=dt.UTC),
            answers={k: audit_services.AnswerInput(value=v) for k, v in factories.PERFECT_ANSWERS.items()},
        )
    assert "checked_out_at" in refused.value.errors


def test_a_draft_version_or_a_non_auditor_cannot_record_visits(world):
    draft = services.scorecard_version_create_draft(template=world.version.template, by=world.hq)
    with pytest.raises(InvalidInput) as refused:
        factories.record_visit(store=world.bund, version=draft, auditor=world.store_manager_bund)
    assert set(refused.value.errors) == {"version", "auditor"}


def test_a_visit_is_stored_whole_or_not_at_all(world):
    before = Visit.objects.count(), Answer.objects.count(), VisitSectionScore.objects.count()
    with (
        mock.patch.object(VisitSectionScore.objects, "bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        _record(world)
    assert (Visit.objects.count(), Answer.objects.count(), VisitSectionScore.objects.count()) == before


def test_scores_are_computed_when_stored_and_kept_with_the_visit(world):
    visit = _record(world, answers={"burger_taste": 3, "wait_seconds": 200, "upsell": "partly"})
    # food (2 + 2 + 1) / 7; service (1 + 1 + 1) / 6; weights 2 : 1
    assert visit.score == Decimal("64.3")
    assert (visit.earned_points, visit.possible_points) == (Decimal(8), Decimal(13))
    assert {s.section.key: s.score for s in visit.section_scores.all()} == {
        "food": Decimal("71.4"),
        "service": Decimal("50.0"),
    }
    failed = set(Answer.objects.filter(visit=visit, failed=True).values_list("item__key", flat=True))
    assert failed == {"burger_taste", "wait_seconds", "upsell"}


def test_visit_date_is_the_stores_local_date(world):
    late_evening_utc = dt.datetime(2026, 5, 1, 17, 30, tzinfo=dt.UTC)  # 01:30 on 2 May in Shanghai
    visit = _record(world, when=late_evening_utc)
    assert visit.visited_on == dt.date(2026, 5, 2)
    assert visit.checked_in_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).hour == 1


def test_complaint_test_result_is_scored_against_the_rubric(world):
    scenario = factories.complaint_scenario()
    visit = _record(
        world,
        complaint=audit_services.ComplaintInput(
            scenario=scenario,
            observed=("acknowledged", "remedy"),
            seconds_to_resolution=95,
            transcript="...",
        ),
    )
    # acknowledged 1 + remedy 2 + resolved within 120 s 1 = 4 of 5
    assert visit.complaint_score == Decimal("80.0")
    assert visit.complaint_passed is True


def test_complaint_with_an_unknown_rubric_response_is_refused(world):
    scenario = factories.complaint_scenario()
    with pytest.raises(InvalidInput) as refused:
        _record(world, complaint=audit_services.ComplaintInput(scenario=scenario, observed=("danced",)))
    assert refused.value.errors["complaint"] == {"danced": "not a response in this scenario's rubric"}


def test_release_makes_a_submitted_visit_count_and_cannot_happen_twice(world):
    visit = _record(world)
    released = audit_services.visit_release(visit=visit, by=world.reviewer)
    assert released.status == VisitStatus.RELEASED and released.released_by == world.reviewer
    with pytest.raises(ValidationError):
        audit_services.visit_release(visit=visit, by=world.reviewer)


def test_only_the_audit_side_releases(world):
    with pytest.raises(ValidationError):
        audit_services.visit_release(visit=_record(world), by=world.store_manager_bund)
