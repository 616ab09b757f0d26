"""Stored answers are exactly what was scored (issue 9).

Visits are built through the real services with generated answers (values at and around band
edges, with many decimals, huge, tiny, non-finite, as floats, Decimals, ints and strings). Either
the service refuses them, naming exactly the items whose number does not fit, and stores nothing;
or re-scoring the visit from its stored ``Answer`` rows with the scoring engine gives exactly the
stored scores, and keeps giving them after an amendment of an unrelated item.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audits import services as audit_services
from audits.models import Answer, AnswerAmendment, Visit, VisitSectionScore
from audits.services.reviews import visit_amend_answer
from backend.errors import InvalidInput
from scorecards import scoring
from scorecards.cards import card_for
from scorecards.models import ItemType
from tests import factories

D = Decimal
WHEN = dt.datetime(2026, 3, 14, 4, 5, tzinfo=dt.UTC)  # 12:05 in Shanghai

# Two numeric items: whole-number edges and edges with three decimals, one of them critical.
CARD = [
    {
        "key": "speed",
        "title": "Speed",
        "weight": D(2),
        "items": [
            {
                "key": "wait_seconds",
                "prompt": "Seconds from order to food",
                "type": "numeric",
                "max_points": D(3),
                "bands": [
                    {"lower": D(0), "upper": D(120), "points": D(3)},
                    {"lower": D(120), "upper": D(300), "points": D(1)},
                    {"lower": D(300), "upper": None, "points": D(0)},
                ],
            },
            {
                "key": "fryer_temp",
                "prompt": "Fryer temperature (°C)",
                "type": "numeric",
                "max_points": D(2),
                "critical": True,
                "bands": [
                    {"lower": D("-40.5"), "upper": D("160.125"), "points": D(0)},
                    {"lower": D("160.125"), "upper": D("185.001"), "points": D(2)},
                    {"lower": D("185.001"), "upper": D("999999999.999"), "points": D(1)},
                ],
            },
        ],
    },
    {
        "key": "service",
        "title": "Service",
        "weight": D(1),
        "items": [
            {"key": "greeted", "prompt": "Greeted", "type": "yes_no", "max_points": D(1)},
            {"key": "friendly", "prompt": "Friendly", "type": "scale", "max_points": D(4)},
            {"key": "remarks", "prompt": "Anything else", "type": "text", "max_points": D(0)},
        ],
    },
]
EDGES = {
    "wait_seconds": ["0", "120", "300"],
    "fryer_temp": ["-40.5", "160.125", "185.001", "999999999.999"],
}
NEAR = ["0", "0.001", "-0.001", "0.0001", "-0.0001", "0.0004", "0.0005", "-0.0005", "0.0009999", "1E-20"]


def near_edges(key: str) -> st.SearchStrategy:
    exact = st.builds(lambda edge, delta: D(edge) + D(delta), st.sampled_from(EDGES[key]), st.sampled_from(NEAR))
    return st.one_of(exact, exact.map(float), exact.map(str))


ANYWHERE = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=3),
    st.decimals(allow_nan=True, allow_infinity=True),  # any exponent, any number of digits
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from(
        [
            1e9,
            -1e9,
            1e12,
            1e300,
            999999999.999,
            999999999.9995,
            1_000_000_000,
            119.9996,
            0.1 + 0.2,
            "NaN",
            "-Infinity",
            "1e9",
            "119.9996",
            "120.0000",
            "5E+2",
            "-0",
        ]
    ),
)


def numbers(key: str) -> st.SearchStrategy:
    return st.one_of(near_edges(key), ANYWHERE)


ANSWERS = st.fixed_dictionaries(
    {
        "wait_seconds": numbers("wait_seconds"),
        "fryer_temp": numbers("fryer_temp"),
        "greeted": st.booleans(),
        "friendly": st.integers(1, 5),
        # Text is not under test here; NUL and lone surrogates are refused by the API's parsers.
        "remarks": st.none() | st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=5),
    }
)


def expected_problem(key: str, value: object) -> bool:
    """An oracle written from the documented rule, independent of the engine's code."""
    try:
        number = D(str(value))
    except InvalidOperation:  # pragma: no cover - every drawn value is a number
        return True
    if not number.is_finite() or abs(number) >= D(1_000_000_000):
        return True
    if number != number.quantize(D("0.001")):
        return True
    edges = [D(edge) for edge in EDGES[key]]
    return number < edges[0] or (key == "fryer_temp" and number >= edges[-1])


def stored_responses(visit: Visit) -> dict[str, scoring.Response]:
    """The answers as the database holds them, column by column: no float, no rounding."""
    responses = {}
    for answer in Answer.objects.filter(visit=visit).select_related("item", "option"):
        if answer.not_applicable:
            value = None
        elif answer.item.type == ItemType.YES_NO:
            value = answer.value_bool
        elif answer.item.type == ItemType.SCALE:
            value = int(answer.value_number)
        elif answer.item.type == ItemType.NUMERIC:
            value = answer.value_number
        elif answer.item.type == ItemType.CHOICE:
            value = answer.option.key
        else:
            value = answer.value_text or None
        responses[answer.item.key] = scoring.Response(value, answer.not_applicable)
    return responses


def assert_stored_scores_are_the_scores_of_the_stored_answers(visit: Visit) -> scoring.VisitScore:
    visit = Visit.objects.select_related("version").get(pk=visit.pk)
    result = scoring.score_visit(card_for(visit.version).card, stored_responses(visit))
    assert (visit.score, visit.score_uncapped) == (result.total, result.uncapped_total)
    assert visit.critical_failed == result.critical_failed
    assert visit.critical_failures == list(result.critical_failures)
    assert (visit.earned_points, visit.possible_points) == (result.earned, result.possible)
    sections = {row.section.key: row for row in VisitSectionScore.objects.filter(visit=visit).select_related("section")}
    assert set(sections) == set(result.sections)
    for key, section in result.sections.items():
        assert sections[key].score == section.rounded, key
        assert (sections[key].earned_points, sections[key].possible_points) == (section.earned, section.possible)
    for answer in Answer.objects.filter(visit=visit).select_related("item"):
        item = result.items[answer.item.key]
        assert (answer.earned_points, answer.possible_points) == (item.earned, item.possible), answer.item.key
    return result


@pytest.fixture
def numeric_world(db):
    hq = factories.UserFactory(username="hq-numeric")
    reviewer = factories.UserFactory(username="reviewer-numeric", role="reviewer")
    return {
        "store": factories.StoreFactory(code="SH-NUM"),
        "version": factories.published_version(hq=hq, code="NUM", sections=CARD),
        "auditor": factories.auditor("auditor-numeric"),
        "reviewer": reviewer,
    }


def record(numeric_world, answers: dict):
    return audit_services.visit_record(
        store=numeric_world["store"],
        version=numeric_world["version"],
        auditor=numeric_world["auditor"],
        daypart="lunch",
        checked_in_at=WHEN,
        checked_out_at=WHEN + dt.timedelta(minutes=20),
        answers={key: audit_services.AnswerInput(value=value) for key, value in answers.items()},
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=ANSWERS, amended=numbers("wait_seconds"))
def test_a_stored_visit_rescored_from_its_stored_answers_gives_its_stored_score(numeric_world, answers, amended):
    before = (Visit.objects.count(), Answer.objects.count())
    bad = {key for key in ("wait_seconds", "fryer_temp") if expected_problem(key, answers[key])}
    try:
        visit = record(numeric_world, answers)
    except InvalidInput as refused:
        assert set(refused.errors) == {"answers"}, refused.errors
        assert set(refused.errors["answers"]) == bad, (answers, refused.errors)
        assert bad, f"nothing was wrong with {answers}"
        assert (Visit.objects.count(), Answer.objects.count()) == before
        return
    result = assert_stored_scores_are_the_scores_of_the_stored_answers(visit)
    # What is stored is exactly the number that was given and scored, and only numbers that fit are.
    for key in ("wait_seconds", "fryer_temp"):
        assert Answer.objects.get(visit=visit, item__key=key).value_number == D(str(answers[key]))
    assert not bad, f"accepted {answers}"

    # An unrelated amendment re-scores from the exact stored values: the numbers earn the same.
    visit_amend_answer(
        visit=visit,
        item_key="greeted",
        answer=audit_services.AnswerInput(value=not answers["greeted"]),
        reason="Checked the video",
        by=numeric_world["reviewer"],
    )
    after = assert_stored_scores_are_the_scores_of_the_stored_answers(visit)
    for key in ("wait_seconds", "fryer_temp"):
        assert after.items[key] == result.items[key], key
    assert AnswerAmendment.objects.filter(visit=visit).count() == 1

    # Amending the number itself: refused by item key and nothing changes, or stored exactly as scored.
    score = Visit.objects.get(pk=visit.pk).score
    try:
        visit_amend_answer(
            visit=visit,
            item_key="wait_seconds",
            answer=audit_services.AnswerInput(value=amended),
            reason="Timed on the receipt",
            by=numeric_world["reviewer"],
        )
    except InvalidInput as refused:
        assert set(refused.errors["answers"]) == {"wait_seconds"}, refused.errors
        assert expected_problem("wait_seconds", amended)
        assert Visit.objects.get(pk=visit.pk).score == score
        assert AnswerAmendment.objects.filter(visit=visit).count() == 1
        return
    assert not expected_problem("wait_seconds", amended)
    assert Answer.objects.get(visit=visit, item__key="wait_seconds").value_number == D(str(amended))
    assert_stored_scores_are_the_scores_of_the_stored_answers(visit)
    amendment = AnswerAmendment.objects.filter(visit=visit, item__key="wait_seconds").get()
    assert D(str(amendment.before["value"])) == D(str(answers["wait_seconds"]))
    assert amendment.score_after == Visit.objects.get(pk=visit.pk).score


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (119.9996, "more than 3 decimal places"),
        (D("0.0001"), "more than 3 decimal places"),
        (1e9, "1,000,000,000"),
        (-1e9, "1,000,000,000"),
        (1e12, "1,000,000,000"),
        (1e300, "1,000,000,000"),
        (math.nan, "1,000,000,000"),
        (math.inf, "1,000,000,000"),
        (D("NaN"), "1,000,000,000"),
        (D("sNaN"), "1,000,000,000"),
        ("1E+400", "1,000,000,000"),
    ],
)
def test_the_service_refuses_a_number_that_does_not_fit_by_item_key_with_the_limit(numeric_world, value, reason):
    answers = {"wait_seconds": 60, "fryer_temp": 170, "greeted": True, "friendly": 5}
    with pytest.raises(InvalidInput) as refused:
        record(numeric_world, {**answers, "wait_seconds": value})
    assert set(refused.value.errors["answers"]) == {"wait_seconds"}
    assert reason in refused.value.errors["answers"]["wait_seconds"]
    assert not Visit.objects.exists()


def test_the_engine_scores_only_numbers_that_fit(numeric_world):
    rule = next(rule for rule in card_for(numeric_world["version"]).card.items if rule.key == "wait_seconds")
    assert scoring.score_item(rule, scoring.Response(D("119.999"))).earned == 3
    assert scoring.score_item(rule, scoring.Response("120.0000")).earned == 1  # trailing zeros add nothing
    for value in (119.9996, D("1E+9"), math.nan, "Infinity"):
        with pytest.raises(scoring.AnswerError) as refused:
            scoring.score_item(rule, scoring.Response(value))
        assert refused.value.key == "wait_seconds"
