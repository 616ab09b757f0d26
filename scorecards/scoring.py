"""The scoring engine: pure functions implementing DOMAIN.md's scoring rules.

No database here. ``scorecards.services`` turns a stored version into a ``Card`` and
answers into ``Response`` objects, calls ``score_visit`` and stores what it returns.

Rules, exactly:
- yes/no gives max or 0; scale 1-5 gives max x (v-1)/4; numeric gives the points of the
  band the value falls in ([lower, upper)); choice gives the option's points; text is unscored.
- N/A (only where allowed) removes the item from both earned and possible.
- Section score = earned / possible x 100. Visit score = mean of section scores weighted
  by section weight, over sections with any possible points; rounded to one decimal.
- A failed critical item (earned < max) caps the visit score at the card's critical cap;
  the uncapped score is kept too.

A numeric answer is a finite number with at most ``NUMERIC_DECIMAL_PLACES`` decimal places and
a magnitude below ``NUMERIC_LIMIT``: exactly what ``Answer.value_number`` (12 digits, 3 of them
decimals) stores without rounding, so the number stored is the number that was scored. Anything
else is refused here, by item key, on every path that scores (submission, resubmission,
amendment, dispute), never rounded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

ZERO = Decimal(0)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")

# What a numeric answer may be. Answer.value_number is DecimalField(max_digits=12, decimal_places=3):
# 9 digits before the point and 3 after, so |value| < 1,000,000,000 with at most 3 decimals fits
# exactly. Change these together with that column (a test checks that they agree).
NUMERIC_DECIMAL_PLACES = 3
NUMERIC_LIMIT = Decimal(1_000_000_000)  # exclusive: -NUMERIC_LIMIT < value < NUMERIC_LIMIT
NUMERIC_QUANTUM = Decimal(1).scaleb(-NUMERIC_DECIMAL_PLACES)  # 0.001
NUMERIC_RULE = (
    f"a numeric answer must be a finite number greater than -{NUMERIC_LIMIT:,} and less than "
    f"{NUMERIC_LIMIT:,}, with at most {NUMERIC_DECIMAL_PLACES} decimal places"
)

YES_NO = "yes_no"
SCALE = "scale"
NUMERIC = "numeric"
CHOICE = "choice"
TEXT = "text"
SCALE_VALUES = range(1, 6)


def round1(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round1_exact(value: Fraction) -> Decimal:
    """Half-up to one decimal from an exact fraction, so 6.25 really becomes 6.3.

    Rounding a 28-digit Decimal instead would turn an exact x.x5 reached through a
    repeating section score (100/3) into x.x4999... and round it the wrong way.
    """
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return (Decimal(tenths) / 10).quantize(ONE_DECIMAL)


@dataclass(frozen=True)
class Band:
    lower: Decimal
    upper: Decimal | None
    points: Decimal

    def contains(self, value: Decimal) -> bool:
        return value >= self.lower and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class ItemRule:
    key: str
    section: str
    type: str
    max_points: Decimal = Decimal(1)
    na_allowed: bool = False
    critical: bool = False
    bands: tuple[Band, ...] = ()
    options: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.type != TEXT


@dataclass(frozen=True)
class Card:
    """A scorecard version reduced to what scoring needs. ``sections`` maps key -> weight."""

    sections: Mapping[str, Decimal]
    items: tuple[ItemRule, ...]
    critical_cap: Decimal = ZERO


@dataclass(frozen=True)
class Response:
    value: object = None
    not_applicable: bool = False


@dataclass(frozen=True)
class ItemScore:
    earned: Decimal
    possible: Decimal

    @property
    def counted(self) -> bool:
        return self.possible > 0

    @property
    def failed(self) -> bool:
        return self.counted and self.earned < self.possible


@dataclass(frozen=True)
class SectionScore:
    earned: Decimal
    possible: Decimal
    score: Decimal | None  # to 28 digits; None when every item was N/A or unscored

    @property
    def exact(self) -> Fraction | None:
        return None if self.possible <= 0 else Fraction(self.earned) / Fraction(self.possible) * 100

    @property
    def rounded(self) -> Decimal | None:
        exact = self.exact
        return None if exact is None else round1_exact(exact)


@dataclass(frozen=True)
class VisitScore:
    total: Decimal | None
    uncapped_total: Decimal | None
    earned: Decimal
    possible: Decimal
    sections: Mapping[str, SectionScore]
    items: Mapping[str, ItemScore]
    critical_failures: tuple[str, ...]

    @property
    def critical_failed(self) -> bool:
        return bool(self.critical_failures)


class AnswerError(ValueError):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def _as_decimal(key: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise AnswerError(key, f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):  # ValueError: an int too long to turn into text
        raise AnswerError(key, f"expected a number, got {_shown(repr(value))}") from None
    if not number.is_finite():
        raise AnswerError(key, f"expected a finite number, got {_shown(value)}: {NUMERIC_RULE}")
    return number


def numeric_value(key: str, value: object) -> Decimal:
    """A numeric answer as the exact Decimal that is scored and stored, or ``AnswerError``.

    Floats are read through ``str`` (their shortest round-tripping text, so 119.9996 is 119.9996),
    then held to the documented range and precision; nothing is ever rounded. The result carries
    exactly ``NUMERIC_DECIMAL_PLACES`` decimals, as the column gives it back.
    """
    number = _as_decimal(key, value)
    if abs(number) >= NUMERIC_LIMIT:
        raise AnswerError(key, f"{_shown(number)} is out of range: {NUMERIC_RULE}")
    exact = number.quantize(NUMERIC_QUANTUM)
    if exact != number:
        raise AnswerError(
            key,
            f"{_shown(number)} has more than {NUMERIC_DECIMAL_PLACES} decimal places: {NUMERIC_RULE}",
        )
    return exact


def _shown(value: object) -> str:
    """A number as the caller wrote it, cut short when it is very long."""
    text = str(value)
    return text if len(text) <= 40 else f"{text[:18]}…{text[-18:]}"


def score_item(rule: ItemRule, response: Response | None) -> ItemScore:
    """Earned and possible points of one item; raises ``AnswerError`` for an invalid answer."""
    if not rule.scored:
        if response is not None and response.value is not None and not isinstance(response.value, str):
            raise AnswerError(rule.key, "expected text")
        return ItemScore(ZERO, ZERO)
    if response is None or (response.value is None and not response.not_applicable):
        raise AnswerError(rule.key, "an answer is required")
    if response.not_applicable:
        if not rule.na_allowed:
            raise AnswerError(rule.key, "N/A is not allowed for this item")
        return ItemScore(ZERO, ZERO)

    value = response.value
    if rule.type == YES_NO:
        if not isinstance(value, bool):
            raise AnswerError(rule.key, f"expected true or false, got {value!r}")
        return ItemScore(rule.max_points if value else ZERO, rule.max_points)
    if rule.type == SCALE:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE_VALUES:
            raise AnswerError(rule.key, f"expected a whole number from 1 to 5, got {value!r}")
        return ItemScore(rule.max_points * (value - 1) / 4, rule.max_points)
    if rule.type == NUMERIC:
        number = numeric_value(rule.key, value)
        for band in rule.bands:
            if band.contains(number):
                return ItemScore(band.points, rule.max_points)
        raise AnswerError(rule.key, f"{_as_decimal(rule.key, value)} is outside every scoring band")
    if rule.type == CHOICE:
        if not isinstance(value, str) or value not in rule.options:
            raise AnswerError(rule.key, f"{value!r} is not one of the options {sorted(rule.options)}")
        return ItemScore(rule.options[value], rule.max_points)
    raise AnswerError(rule.key, f"unknown item type {rule.type!r}")


def validate_responses(card: Card, responses: Mapping[str, Response]) -> dict[str, str]:
    """Every problem with a set of answers, by item key (empty when they can be scored)."""
    errors: dict[str, str] = {}
    known = {rule.key for rule in card.items}
    for key in responses:
        if key not in known:
            errors[key] = "no such item in this scorecard version"
    for rule in card.items:
        try:
            score_item(rule, responses.get(rule.key))
        except AnswerError as error:
            errors[rule.key] = error.reason
    return errors


def weighted_mean(scores_and_weights: Iterable[tuple[Fraction, Decimal]]) -> Fraction | None:
    pairs = [(score, Fraction(weight)) for score, weight in scores_and_weights]
    total_weight = sum((weight for _score, weight in pairs), Fraction(0))
    if not pairs or total_weight <= 0:
        return None
    return sum((score * weight for score, weight in pairs), Fraction(0)) / total_weight


def score_visit(card: Card, responses: Mapping[str, Response]) -> VisitScore:
    """Score a whole visit. Raises ``AnswerError`` on the first invalid answer."""
    items: dict[str, ItemScore] = {}
    earned_by_section = dict.fromkeys(card.sections, ZERO)
    possible_by_section = dict.fromkeys(card.sections, ZERO)
    critical_failures: list[str] = []
    known = {rule.key for rule in card.items}
    for key in responses:
        if key not in known:
            raise AnswerError(key, "no such item in this scorecard version")
    for rule in card.items:
        result = score_item(rule, responses.get(rule.key))
        items[rule.key] = result
        earned_by_section[rule.section] += result.earned
        possible_by_section[rule.section] += result.possible
        if rule.critical and result.failed:
            critical_failures.append(rule.key)

    sections: dict[str, SectionScore] = {}
    for key in card.sections:
        possible = possible_by_section[key]
        exact = earned_by_section[key] / possible * HUNDRED if possible > 0 else None
        sections[key] = SectionScore(earned_by_section[key], possible, exact)

    uncapped = weighted_mean(
        (section.exact, card.sections[key]) for key, section in sections.items() if section.exact is not None
    )
    uncapped_total = None if uncapped is None else round1_exact(uncapped)
    total = uncapped_total
    if total is not None and critical_failures:
        total = min(total, round1(card.critical_cap))
    return VisitScore(
        total=total,
        uncapped_total=uncapped_total,
        earned=sum(earned_by_section.values(), ZERO),
        possible=sum(possible_by_section.values(), ZERO),
        sections=sections,
        items=items,
        critical_failures=tuple(critical_failures),
    )


# --- Complaint tests ----------------------------------------------------------------------


@dataclass(frozen=True)
class RubricRule:
    key: str
    points: Decimal
    within_seconds: int | None = None


@dataclass(frozen=True)
class ComplaintScore:
    earned: Decimal
    possible: Decimal
    score: Decimal  # 0-100, one decimal
    passed: bool
    met: tuple[str, ...]


def score_complaint(
    rubric: Iterable[RubricRule],
    *,
    observed: Iterable[str],
    seconds_to_resolution: int | None,
    pass_mark: Decimal,
) -> ComplaintScore:
    """Score a complaint test: each expected staff response earns its points when met.

    A time-based response ("resolved within N seconds") is met when the complaint was
    resolved and it took at most N seconds; the others when the auditor observed them.
    """
    rules = list(rubric)
    seen = set(observed)
    unknown = seen - {rule.key for rule in rules}
    if unknown:
        raise AnswerError(sorted(unknown)[0], "not a response in this scenario's rubric")
    if seconds_to_resolution is not None and seconds_to_resolution < 0:
        raise AnswerError("seconds_to_resolution", "cannot be negative")
    met = []
    for rule in rules:
        if rule.within_seconds is not None:
            if seconds_to_resolution is not None and seconds_to_resolution <= rule.within_seconds:
                met.append(rule.key)
        elif rule.key in seen:
            met.append(rule.key)
    possible = sum((rule.points for rule in rules), ZERO)
    earned = sum((rule.points for rule in rules if rule.key in met), ZERO)
    score = round1_exact(Fraction(earned) / Fraction(possible) * 100) if possible > 0 else ZERO
    return ComplaintScore(earned, possible, score, score >= pass_mark, tuple(met))
