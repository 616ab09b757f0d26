"""Tests for the pure scoring engine in ``scorecards.scoring`` (DOMAIN.md, "Scoring rules").

The engine never touches the database, so nothing here uses the ``django_db`` marker.
The first part checks each rule against hand-computed numbers; the last part checks
properties that must hold for any well-formed scorecard and any valid set of answers.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scorecards.scoring import (
    CHOICE,
    HUNDRED,
    NUMERIC,
    SCALE,
    TEXT,
    YES_NO,
    ZERO,
    AnswerError,
    Band,
    Card,
    ComplaintScore,
    ItemRule,
    ItemScore,
    Response,
    RubricRule,
    SectionScore,
    score_complaint,
    score_item,
    score_visit,
    validate_responses,
)

D = Decimal
NA = Response(not_applicable=True)


# --- Builders ------------------------------------------------------------------------------


def rule(key: str, type_: str = YES_NO, max_points: str | int = 1, section: str = "s", **extra) -> ItemRule:
    return ItemRule(key=key, section=section, type=type_, max_points=D(max_points), **extra)


def band(lower: str | int, upper: str | int | None, points: str | int) -> Band:
    return Band(D(lower), None if upper is None else D(upper), D(points))


def card(*items: ItemRule, weights: dict[str, str | int] | None = None, cap: str | int = 0) -> Card:
    sections = {key: D(weight) for key, weight in (weights or {"s": 1}).items()}
    return Card(sections=sections, items=items, critical_cap=D(cap))


def answers(**values: object) -> dict[str, Response]:
    return {key: Response(value) for key, value in values.items()}


def item_score(earned: str | int, possible: str | int) -> ItemScore:
    return ItemScore(D(earned), D(possible))


# A numeric item: [0, 10) -> 1, [10, 20) -> 3, [20, ...) -> 5.
SPEED = rule("speed", NUMERIC, max_points=5, bands=(band(0, 10, 1), band(10, 20, 3), band(20, None, 5)))
GREETING = rule("greeting", CHOICE, max_points=4, options={"warm": D(4), "polite": D("2.5"), "none": D(0)})


# --- Item rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "earned"), [(True, "2.5"), (False, "0")])
def test_yes_no_gives_max_or_zero(value, earned):
    assert score_item(rule("q", YES_NO, "2.5"), Response(value)) == item_score(earned, "2.5")


@pytest.mark.parametrize(("value", "earned"), [(1, "0"), (2, "0.5"), (3, "1"), (4, "1.5"), (5, "2")])
def test_scale_gives_max_times_v_minus_1_over_4(value, earned):
    assert score_item(rule("q", SCALE, 2), Response(value)) == item_score(earned, 2)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (0, 1),  # lower edge of the first band is inside it
        (D("9.99"), 1),
        (10, 3),  # an upper edge belongs to the next band
        (D("19.9"), 3),
        (12.5, 3),  # floats are accepted
        ("15", 3),  # so are numeric strings
        (20, 5),
        (D("999999999.999"), 5),  # the last band is open-ended (up to the largest number an answer may be)
    ],
)
def test_numeric_value_scores_the_band_it_falls_in(value, points):
    assert score_item(SPEED, Response(value)) == item_score(points, 5)


@pytest.mark.parametrize(
    ("item", "value"),
    [
        (SPEED, -1),
        (SPEED, D("-0.01")),
        (rule("closed", NUMERIC, 3, bands=(band(0, 10, 1), band(10, 20, 3))), 20),
    ],
)
def test_numeric_value_outside_every_band_is_an_error(item, value):
    with pytest.raises(AnswerError, match="outside every scoring band") as raised:
        score_item(item, Response(value))
    assert raised.value.key == item.key


@pytest.mark.parametrize(("option", "earned"), [("warm", "4"), ("polite", "2.5"), ("none", "0")])
def test_choice_gives_the_option_points(option, earned):
    assert score_item(GREETING, Response(option)) == item_score(earned, 4)


def test_choice_value_that_is_not_an_option_is_an_error():
    with pytest.raises(AnswerError, match="not one of the options"):
        score_item(GREETING, Response("rude"))


@pytest.mark.parametrize("response", [Response("Staff wore name badges."), Response(None), None])
def test_text_items_are_unscored(response):
    assert score_item(rule("notes", TEXT), response) == item_score(0, 0)


def test_text_items_do_not_count_towards_the_visit():
    scorecard = card(rule("q"), rule("notes", TEXT))
    result = score_visit(scorecard, answers(q=False, notes="slow"))
    assert (result.earned, result.possible, result.total) == (ZERO, D(1), D("0.0"))


def test_na_removes_item_from_earned_and_possible():
    scorecard = card(rule("a", max_points=2), rule("b", max_points=3, na_allowed=True))
    result = score_visit(scorecard, {"a": Response(True), "b": NA})
    assert result.items["b"] == item_score(0, 0)
    assert result.sections["s"] == SectionScore(D(2), D(2), D(100))
    assert (result.earned, result.possible, result.total) == (D(2), D(2), D("100.0"))


def test_na_not_allowed_is_an_error():
    with pytest.raises(AnswerError, match="N/A is not allowed"):
        score_item(rule("q"), NA)


@pytest.mark.parametrize("response", [None, Response()], ids=["absent", "empty"])
def test_missing_answer_is_an_error(response):
    with pytest.raises(AnswerError, match="an answer is required"):
        score_item(rule("q"), response)


def test_missing_answer_fails_the_visit():
    with pytest.raises(AnswerError) as raised:
        score_visit(card(rule("a"), rule("b")), answers(a=True))
    assert raised.value.key == "b"


def test_unknown_item_key_is_an_error():
    with pytest.raises(AnswerError, match="no such item") as raised:
        score_visit(card(rule("a")), answers(a=True, ghost=True))
    assert raised.value.key == "ghost"


@pytest.mark.parametrize(
    ("item", "value"),
    [
        (rule("q", SCALE), True),
        (rule("q", SCALE), 6),
        (rule("q", SCALE), 0),
        (rule("q", SCALE), 3.0),
        (rule("q", SCALE), "3"),
        (rule("q", YES_NO), "yes"),
        (rule("q", YES_NO), 1),
        (SPEED, True),
        (SPEED, "fast"),
        (SPEED, "NaN"),
        (SPEED, float("inf")),
        (SPEED, [12]),
        (GREETING, 4),
        (rule("q", TEXT), 5),
    ],
)
def test_wrong_value_type_is_an_error(item, value):
    with pytest.raises(AnswerError) as raised:
        score_item(item, Response(value))
    assert raised.value.key == item.key


# --- Section and visit scores --------------------------------------------------------------


def test_section_score_is_earned_over_possible_times_100():
    scorecard = card(rule("a", YES_NO, 1), rule("b", SCALE, 3))
    result = score_visit(scorecard, answers(a=True, b=3))  # 1 + 1.5 of 1 + 3
    assert result.sections["s"] == SectionScore(D("2.5"), D(4), D("62.5"))
    assert result.total == D("62.5")


def test_visit_score_is_the_weighted_mean_of_section_scores():
    scorecard = card(
        *(rule(f"a{n}", section="a") for n in range(4)),
        rule("b1", SCALE, 2, section="b"),
        rule("b2", YES_NO, 2, section="b"),
        rule("c1", CHOICE, 5, section="c", options={"great": D(5), "ok": D(2)}),
        weights={"a": 2, "b": 1, "c": 1},
    )
    result = score_visit(scorecard, answers(a0=True, a1=True, a2=True, a3=False, b1=4, b2=False, c1="ok"))
    # a: 3/4 = 75; b: (1.5 + 0)/4 = 37.5; c: 2/5 = 40; (2 x 75 + 37.5 + 40) / 4 = 56.875
    assert {key: section.score for key, section in result.sections.items()} == {"a": D(75), "b": D("37.5"), "c": D(40)}
    assert result.uncapped_total == D("56.9")
    assert result.total == D("56.9")


def test_sections_with_no_possible_points_are_left_out_of_the_weighted_mean():
    scorecard = card(
        rule("a1", section="a"),
        rule("a2", section="a"),
        rule("b1", section="b", na_allowed=True),
        rule("c1", TEXT, section="c"),
        weights={"a": 1, "b": 3, "c": 5},
    )
    result = score_visit(scorecard, {**answers(a1=True, a2=False, c1="fine"), "b1": NA})
    assert result.sections["b"] == SectionScore(ZERO, ZERO, None)
    assert result.sections["c"] == SectionScore(ZERO, ZERO, None)
    assert result.total == D("50.0")  # not 50 x 1 / 9


def test_total_is_none_when_nothing_is_scoreable():
    scorecard = card(rule("a", na_allowed=True), rule("notes", TEXT))
    result = score_visit(scorecard, {"a": NA, "notes": Response("closed early")})
    assert (result.total, result.uncapped_total) == (None, None)
    assert (result.earned, result.possible) == (ZERO, ZERO)


@pytest.mark.parametrize(
    "scorecard",
    [
        # one section: 0.49 / 4 = 12.25 %
        card(rule("hit", max_points="0.49"), rule("miss", max_points="3.51")),
        # two sections: (100 x 0.49 + 0 x 3.51) / 4 = 12.25
        card(rule("hit", section="a"), rule("miss", section="b"), weights={"a": "0.49", "b": "3.51"}),
    ],
    ids=["section", "weighted-mean"],
)
def test_rounding_is_half_up_to_one_decimal(scorecard):
    result = score_visit(scorecard, answers(hit=True, miss=False))
    assert result.total == D("12.3")  # half-even would give 12.2


def test_rounding_is_applied_to_the_exact_weighted_mean():
    # a: 1/3 -> 33.33...; b: 0.  Exactly (100/3 x 0.3 + 0 x 1.3) / 1.6 = 6.25, so half-up gives 6.3.
    # Rounding a section score to Decimal's 28 digits first (33.33...33) lands just below 6.25.
    scorecard = card(
        *(rule(f"a{n}", section="a") for n in range(3)),
        rule("b", section="b"),
        weights={"a": "0.3", "b": "1.3"},
    )
    result = score_visit(scorecard, answers(a0=True, a1=False, a2=False, b=False))
    assert result.total == D("6.3")


# --- Critical items ------------------------------------------------------------------------


def critical_card(cap: str | int = 0) -> Card:
    """Three 1-point items: ``safety`` is critical and on a 1-5 scale."""
    return card(rule("safety", SCALE, critical=True), rule("a"), rule("b"), cap=cap)


@pytest.mark.parametrize(("cap", "total"), [(0, "0.0"), (60, "60.0")], ids=["default-cap", "cap-60"])
def test_critical_failure_caps_total_at_the_critical_cap(cap, total):
    result = score_visit(critical_card(cap), answers(safety=1, a=True, b=True))  # uncapped 2/3
    assert result.total == D(total)
    assert result.uncapped_total == D("66.7")
    assert result.critical_failures == ("safety",)
    assert result.critical_failed


def test_card_critical_cap_defaults_to_zero():
    assert Card(sections={"s": D(1)}, items=()).critical_cap == ZERO


def test_critical_scale_item_answered_4_of_5_counts_as_failed():
    result = score_visit(critical_card(), answers(safety=4, a=True, b=True))
    assert result.items["safety"] == item_score("0.75", 1)
    assert result.critical_failures == ("safety",)
    assert (result.total, result.uncapped_total) == (D("0.0"), D("91.7"))


def test_critical_pass_does_not_cap():
    result = score_visit(critical_card(), answers(safety=5, a=True, b=False))
    assert result.critical_failures == ()
    assert not result.critical_failed
    assert result.total == result.uncapped_total == D("66.7")


def test_score_already_below_the_cap_is_not_raised():
    result = score_visit(critical_card(60), answers(safety=1, a=True, b=False))
    assert result.critical_failures == ("safety",)
    assert result.total == result.uncapped_total == D("33.3")


# --- validate_responses --------------------------------------------------------------------


def test_validate_responses_returns_every_problem_keyed_by_item_key():
    scorecard = card(
        rule("ok"), rule("missing"), rule("no_na"), rule("bad_scale", SCALE), SPEED, GREETING, rule("notes", TEXT)
    )
    responses = {
        **answers(ok=True, bad_scale=6, speed=-5, greeting="rude", notes=None, ghost=True),
        "no_na": NA,
    }
    problems = validate_responses(scorecard, responses)
    assert set(problems) == {"missing", "no_na", "bad_scale", "speed", "greeting", "ghost"}
    assert problems["missing"] == "an answer is required"
    assert problems["no_na"] == "N/A is not allowed for this item"
    assert problems["ghost"] == "no such item in this scorecard version"


def test_validate_responses_is_empty_for_a_valid_set_of_answers():
    scorecard = card(rule("a"), rule("b", na_allowed=True), SPEED, GREETING, rule("notes", TEXT))
    responses = {**answers(a=False, speed=12, greeting="none"), "b": NA}
    assert validate_responses(scorecard, responses) == {}


# --- Complaint rubric ----------------------------------------------------------------------

RUBRIC = (
    RubricRule("apology", D(2)),
    RubricRule("manager", D(3)),
    RubricRule("resolved_fast", D(5), within_seconds=300),
)


def complaint(
    observed: tuple[str, ...] | list[str] = (),
    seconds: int | None = None,
    rubric: tuple[RubricRule, ...] = RUBRIC,
    pass_mark: str = "70.0",
) -> ComplaintScore:
    return score_complaint(rubric, observed=observed, seconds_to_resolution=seconds, pass_mark=D(pass_mark))


def test_complaint_observed_keys_earn_their_points():
    result = complaint(observed=["apology", "manager"])
    assert (result.earned, result.possible, result.score) == (D(5), D(10), D("50.0"))
    assert result.met == ("apology", "manager")


@pytest.mark.parametrize(("seconds", "met"), [(None, False), (0, True), (300, True), (301, False)])
def test_complaint_time_rule_is_met_only_when_resolved_within_the_limit(seconds, met):
    result = complaint(seconds=seconds)
    assert ("resolved_fast" in result.met) is met
    assert result.earned == (D(5) if met else ZERO)


def test_complaint_time_rule_is_not_met_by_being_observed():
    result = complaint(observed=["resolved_fast"], seconds=None)
    assert result.met == ()
    assert result.earned == ZERO


def test_complaint_unknown_observed_key_is_an_error():
    with pytest.raises(AnswerError, match="not a response") as raised:
        complaint(observed=["apology", "free_dessert"])
    assert raised.value.key == "free_dessert"


def test_complaint_negative_resolution_time_is_an_error():
    with pytest.raises(AnswerError):
        complaint(seconds=-1)


@pytest.mark.parametrize(
    ("points", "score"),
    [
        (("1", "2"), "33.3"),  # 1/3
        (("2", "1"), "66.7"),  # 2/3
        (("0.49", "3.51"), "12.3"),  # 12.25, half-up
    ],
)
def test_complaint_score_is_earned_over_possible_times_100_to_one_decimal(points, score):
    rubric = (RubricRule("hit", D(points[0])), RubricRule("miss", D(points[1])))
    assert complaint(observed=["hit"], rubric=rubric).score == D(score)


@pytest.mark.parametrize(("pass_mark", "passed"), [("69.9", True), ("70.0", True), ("70.1", False)])
def test_complaint_passes_iff_score_reaches_the_pass_mark(pass_mark, passed):
    result = complaint(observed=["apology"], seconds=120, pass_mark=pass_mark)  # 7 of 10
    assert result.score == D("70.0")
    assert result.passed is passed


# --- Properties ----------------------------------------------------------------------------
#
# Strategies are built once at module level, and the per-item pieces are plain ``draw_*``
# helpers called from one composite rather than composites of their own: building fresh
# strategies for every item is what makes hypothesis slow, and this file should stay quick.

PROPERTY = settings(max_examples=200, deadline=None)

ITEM_TYPES = st.sampled_from((YES_NO, SCALE, NUMERIC, CHOICE, TEXT))
MAX_POINTS = st.integers(1, 10_000).map(lambda cents: D(cents).scaleb(-2))  # 0.01 .. 100.00
WEIGHTS = st.integers(10, 1_000).map(lambda cents: D(cents).scaleb(-2))  # 0.10 .. 10.00
CAPS = st.integers(0, 1_000).map(lambda tenths: D(tenths).scaleb(-1))  # 0.0 .. 100.0
OPTION_PERCENTS = st.lists(st.integers(0, 100), min_size=1, max_size=4)
BAND_EDGES = st.lists(st.integers(-1_000, 1_000), min_size=2, max_size=5, unique=True).map(sorted)  # 1-4 bands
BAND_PERCENTS = st.lists(st.integers(0, 100), min_size=4, max_size=4)
SCALE_VALUES = st.integers(1, 5)
TEXTS = st.none() | st.text(max_size=10)
THOUSANDTHS = st.integers(0, 999)
OPEN_BAND_WIDTH = D(100)  # how far above its lower edge values in an open-ended band are drawn


def points_reaching(max_points: Decimal, percents: list[int]) -> list[Decimal]:
    """Points worth each percentage of max_points (to the cent); the highest earns exactly max_points."""
    top = max(percents)
    return [max_points if p == top else (max_points * p / 100).quantize(D("0.01"), ROUND_DOWN) for p in percents]


def draw_bands(draw: st.DrawFn, max_points: Decimal) -> tuple[Band, ...]:
    """Contiguous bands [e0, e1), [e1, e2), ... on a 0.1 grid; the last one sometimes open-ended."""
    edges = [D(edge).scaleb(-1) for edge in draw(BAND_EDGES)]
    uppers = [*edges[1:-1], None if draw(st.booleans()) else edges[-1]]
    points = points_reaching(max_points, draw(BAND_PERCENTS)[: len(uppers)])
    return tuple(Band(lower, upper, p) for lower, upper, p in zip(edges, uppers, points, strict=False))


def draw_options(draw: st.DrawFn, max_points: Decimal) -> dict[str, Decimal]:
    return {f"o{n}": p for n, p in enumerate(points_reaching(max_points, draw(OPTION_PERCENTS)))}


def draw_item_rule(draw: st.DrawFn, key: str, section: str) -> ItemRule:
    type_ = draw(ITEM_TYPES)
    max_points = draw(MAX_POINTS)
    critical = type_ != TEXT and draw(st.booleans())
    return ItemRule(
        key=key,
        section=section,
        type=type_,
        max_points=max_points,
        na_allowed=not critical and draw(st.booleans()),
        critical=critical,
        bands=draw_bands(draw, max_points) if type_ == NUMERIC else (),
        options=draw_options(draw, max_points) if type_ == CHOICE else {},
    )


@st.composite
def cards(draw) -> Card:
    sections = {f"s{n}": draw(WEIGHTS) for n in range(draw(st.integers(1, 5)))}
    items = [
        draw_item_rule(draw, f"{section}_i{n}", section) for section in sections for n in range(draw(st.integers(1, 8)))
    ]
    return Card(sections=sections, items=tuple(items), critical_cap=draw(CAPS))


def value_in(band: Band, thousandths: int) -> Decimal:
    width = OPEN_BAND_WIDTH if band.upper is None else band.upper - band.lower
    # Answers have at most 3 decimals; flooring to them keeps the value inside [lower, upper).
    return (band.lower + width * thousandths / 1000).quantize(D("0.001"), ROUND_FLOOR)


def draw_response(draw: st.DrawFn, item: ItemRule) -> Response:
    """A valid answer to ``item``: N/A where allowed, otherwise a value of the right kind."""
    if item.na_allowed and draw(st.booleans()):
        return NA
    if item.type == YES_NO:
        return Response(draw(st.booleans()))
    if item.type == SCALE:
        return Response(draw(SCALE_VALUES))
    if item.type == NUMERIC:
        return Response(value_in(draw(st.sampled_from(item.bands)), draw(THOUSANDTHS)))
    if item.type == CHOICE:
        return Response(draw(st.sampled_from(sorted(item.options))))
    return Response(draw(TEXTS))


@st.composite
def cards_with_responses(draw) -> tuple[Card, dict[str, Response]]:
    scorecard = draw(cards())
    return scorecard, {item.key: draw_response(draw, item) for item in scorecard.items}


def perfect_value(item: ItemRule) -> object:
    if item.type == NUMERIC:
        return next(band.lower for band in item.bands if band.points == item.max_points)
    if item.type == CHOICE:
        return next(key for key, points in item.options.items() if points == item.max_points)
    return {YES_NO: True, SCALE: 5, TEXT: None}[item.type]


def has_one_decimal(value: Decimal) -> bool:
    return value.as_tuple().exponent >= -1


@PROPERTY
@given(cards())
def test_all_perfect_answers_score_exactly_100(scorecard):
    assume(any(item.scored for item in scorecard.items))
    result = score_visit(scorecard, {item.key: Response(perfect_value(item)) for item in scorecard.items})
    assert result.critical_failures == ()
    assert result.total == result.uncapped_total == D("100.0")
    assert str(result.total) == str(result.uncapped_total) == "100.0"


@PROPERTY
@given(cards_with_responses(), st.data())
def test_marking_an_item_na_leaves_other_items_alone_and_rescales_its_section(card_and_responses, data):
    scorecard, responses = card_and_responses
    candidates = [item for item in scorecard.items if item.na_allowed and not responses[item.key].not_applicable]
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))

    before = score_visit(scorecard, responses)
    after = score_visit(scorecard, {**responses, target.key: NA})

    assert after.items[target.key] == ItemScore(ZERO, ZERO)
    assert {key: s for key, s in after.items.items() if key != target.key} == {
        key: s for key, s in before.items.items() if key != target.key
    }
    remaining = [
        before.items[item.key] for item in scorecard.items if item.section == target.section and item is not target
    ]
    earned = sum((s.earned for s in remaining), ZERO)
    possible = sum((s.possible for s in remaining), ZERO)
    expected = earned / possible * HUNDRED if possible > 0 else None
    assert after.sections[target.section] == SectionScore(earned, possible, expected)
    assert {key: s for key, s in after.sections.items() if key != target.section} == {
        key: s for key, s in before.sections.items() if key != target.section
    }


@PROPERTY
@given(cards_with_responses())
def test_critical_failures_lists_exactly_the_failed_critical_items(card_and_responses):
    scorecard, responses = card_and_responses
    result = score_visit(scorecard, responses)
    failed = tuple(
        item.key for item in scorecard.items if item.critical and result.items[item.key].earned < item.max_points
    )
    assert result.critical_failures == failed


@PROPERTY
@given(cards_with_responses())
def test_a_failed_critical_item_caps_the_total(card_and_responses):
    scorecard, responses = card_and_responses
    result = score_visit(scorecard, responses)
    assume(result.critical_failures)
    assert result.total <= scorecard.critical_cap
    assert result.total == min(result.uncapped_total, scorecard.critical_cap)


@PROPERTY
@given(cards_with_responses())
def test_totals_are_between_0_and_100_with_at_most_one_decimal(card_and_responses):
    result = score_visit(*card_and_responses)
    assert (result.total is None) == (result.uncapped_total is None)
    assume(result.total is not None)
    for value in (result.total, result.uncapped_total):
        assert ZERO <= value <= HUNDRED
        assert has_one_decimal(value)


@PROPERTY
@given(cards_with_responses())
def test_total_never_exceeds_uncapped_total(card_and_responses):
    result = score_visit(*card_and_responses)
    assume(result.total is not None)
    assert result.total <= result.uncapped_total
