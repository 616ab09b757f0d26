"""The pure statistics behind the reports: hand-computed cases and hypothesis properties."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reports.statistics import (
    MeanEstimate,
    RankBand,
    mean_interval,
    mean_sd,
    rank_bands,
    slope_interval,
    t_975,
)

scores = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


def sums(values):
    return len(values), sum(values), sum(v * v for v in values)


# --- t quantile -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 12.7062),
        (2, 4.3027),
        (3, 3.1824),
        (10, 2.2281),
        (30, 2.0423),
        (31, 2.0395),
        (40, 2.0211),
        (60, 2.0003),
        (120, 1.9799),
        (1000, 1.9623),
    ],
)
def test_t_quantile_matches_published_tables(df, expected):
    assert t_975(df) == pytest.approx(expected, abs=1e-4)


def test_t_quantile_falls_towards_the_normal_quantile():
    values = [t_975(df) for df in range(1, 2000)]
    assert all(a > b for a, b in itertools.pairwise(values))
    assert values[-1] > 1.959963984540054
    with pytest.raises(ValueError):
        t_975(0)


# --- Means ---------------------------------------------------------------------------------------


def test_mean_and_interval_by_hand():
    # 83, 85, 88: mean 85.333, SD sqrt(((−2.333)² + (−0.333)² + 2.667²) / 2) = 2.5166,
    # half-width t(0.975, 2) · 2.5166 / √3 = 4.3027 · 1.4530 = 6.2516.
    estimate = mean_interval(*sums([83, 85, 88]))
    assert estimate.mean == pytest.approx(85.3333, abs=1e-4)
    assert estimate.sd == pytest.approx(2.5166, abs=1e-4)
    assert (estimate.low, estimate.high) == (pytest.approx(79.0817, abs=1e-4), pytest.approx(91.5849, abs=1e-4))


def test_no_interval_below_two_visits():
    assert mean_interval(0, 0, 0) == MeanEstimate(n=0, mean=None, sd=None, low=None, high=None)
    assert mean_interval(1, 90, 8100) == MeanEstimate(n=1, mean=90.0, sd=None, low=None, high=None)
    assert mean_sd(1, 90, 8100) == (90.0, None)


@given(st.lists(scores, min_size=2, max_size=60))
def test_interval_contains_the_mean(values):
    estimate = mean_interval(*sums(values))
    assert estimate.low <= estimate.mean <= estimate.high
    assert estimate.mean == pytest.approx(sum(values) / len(values))


@given(
    mean=scores,
    sd=st.floats(min_value=0.5, max_value=30),
    n=st.integers(min_value=2, max_value=200),
    more=st.integers(min_value=1, max_value=200),
)
def test_interval_narrows_as_visits_grow_for_the_same_sd(mean, sd, n, more):
    def width(count):
        total = count * mean
        total_sq = (count - 1) * sd * sd + count * mean * mean
        estimate = mean_interval(count, total, total_sq)
        assert estimate.sd == pytest.approx(sd, rel=1e-6)
        return estimate.high - estimate.low

    assert width(n + more) < width(n)


def test_equal_values_have_a_zero_width_interval():
    estimate = mean_interval(*sums([87.3] * 7))
    assert estimate.sd == 0 and estimate.low == estimate.high == pytest.approx(87.3)


# --- Slopes --------------------------------------------------------------------------------------


def slope_sums(points):
    n = len(points)
    return (
        n,
        sum(x for x, _y in points),
        sum(y for _x, y in points),
        sum(x * y for x, y in points),
        sum(x * x for x, _y in points),
        sum(y * y for _x, y in points),
    )


def test_slope_by_hand():
    # x = days 9, 19, 45, 63; y = 100, 81, 91.7, 83.3 (the small dataset's SH-BUND).
    # x̄ = 34, ȳ = 89; Sxx = 1812, Sxy = −290.6, Syy = 224.78; b = −0.160375 per day;
    # SSE = 224.78 − 290.6²/1812 = 178.1749; se = √(178.1749 / 2 / 1812) = 0.221732;
    # half-width t(0.975, 2) · se = 0.954036 per day.
    estimate = slope_interval(*slope_sums([(9, 100), (19, 81), (45, 91.7), (63, 83.3)]))
    assert estimate.slope == pytest.approx(-0.160375, abs=1e-6)
    assert estimate.low == pytest.approx(-0.160375 - 0.954036, abs=1e-5)
    assert estimate.high == pytest.approx(-0.160375 + 0.954036, abs=1e-5)
    monthly = slope_interval(*slope_sums([(9, 100), (19, 81), (45, 91.7), (63, 83.3)]), scale=30.436875)
    assert monthly.slope == pytest.approx(-4.8813, abs=1e-4)


def test_no_slope_below_three_visits_or_on_a_single_day():
    assert slope_interval(*slope_sums([(0, 80), (5, 90)])).reason == "fewer than 3 visits (2)"
    assert slope_interval(*slope_sums([(0, 80), (5, 90)])).slope is None
    same_day = slope_interval(*slope_sums([(4, 80), (4, 90), (4, 85)]))
    assert same_day.slope is None and same_day.reason == "all visits on the same day"


@given(
    xs=st.lists(st.integers(min_value=0, max_value=3650), min_size=3, max_size=40, unique=True),
    slope=st.fractions(min_value=-5, max_value=5, max_denominator=100),
    intercept=st.integers(min_value=0, max_value=100),
    scale=st.sampled_from([1, Fraction(365, 12)]),
)
def test_a_perfectly_linear_series_has_its_slope_and_a_zero_width_interval(xs, slope, intercept, scale):
    points = [(x, intercept + slope * x) for x in xs]
    estimate = slope_interval(*slope_sums(points), scale=float(scale))
    assert estimate.slope == pytest.approx(float(slope * scale), abs=1e-9)
    assert estimate.low == estimate.high == estimate.slope


@given(st.lists(st.tuples(st.integers(0, 365), scores), min_size=3, max_size=50))
def test_the_slope_interval_contains_the_slope(points):
    assume(len({x for x, _y in points}) > 1)
    estimate = slope_interval(*slope_sums(points))
    assert estimate.low <= estimate.slope <= estimate.high


# --- Rank bands ----------------------------------------------------------------------------------


def est(n, low, high):
    return MeanEstimate(n=n, mean=(low + high) / 2, sd=1.0, low=low, high=high)


def test_rank_bands_by_hand():
    bands = rank_bands(
        [est(5, 90, 96), est(5, 88, 94), est(5, 70, 80), est(5, 60, 75), est(2, 99, 100), est(1, 50, 50)],
        min_visits=3,
    )
    # 1st and 2nd overlap: both "1-2"; 3rd is below both and overlaps the 4th: "3-4".
    assert [band.label if band else None for band in bands] == ["1-2", "1-2", "3-4", "3-4", None, None]


def test_a_store_clearly_above_all_others_is_first():
    bands = rank_bands([est(4, 50, 60), est(4, 95, 99), est(4, 55, 90)], min_visits=3)
    assert bands[1] == RankBand(1, 1) and bands[1].label == "1"


intervals = st.builds(
    lambda n, mean, half_width: MeanEstimate(n=n, mean=mean, sd=1.0, low=mean - half_width, high=mean + half_width),
    n=st.integers(min_value=0, max_value=12),
    mean=scores,
    half_width=st.floats(min_value=0, max_value=40),
)


@given(st.lists(intervals, max_size=25), st.integers(min_value=1, max_value=6))
def test_rank_bands_are_consistent_with_the_means(estimates, min_visits):
    bands = rank_bands(estimates, min_visits=min_visits)
    ranked = [(estimate, band) for estimate, band in zip(estimates, bands, strict=True) if band is not None]
    for estimate, band in zip(estimates, bands, strict=True):
        if estimate.n < min_visits:
            assert band is None, "not enough data is never ranked"
        if band is not None:
            assert 1 <= band.best <= band.worst <= len(ranked)
    for a, band_a in ranked:
        for b, band_b in ranked:
            if band_a.worst < band_b.best:
                assert a.mean > b.mean


@given(st.lists(intervals, min_size=1, max_size=25))
def test_the_highest_clearly_separated_store_is_first(estimates):
    estimates = [MeanEstimate(n=5, mean=e.mean, sd=e.sd, low=e.low, high=e.high) for e in estimates]
    top = MeanEstimate(n=5, mean=500, sd=1.0, low=499, high=501)
    bands = rank_bands([*estimates, top], min_visits=3)
    assert bands[-1].label == "1"
    assert all(band.best >= 2 for band in bands[:-1])


def test_identical_intervals_share_one_band():
    bands = rank_bands([est(3, 80, 90)] * 4, min_visits=3)
    assert {band.label for band in bands} == {"1-4"}
    assert not math.isnan(bands[0].best)


def test_an_interval_is_cut_to_the_range_scores_can_take():
    # Two visits at 40 and 100: the t interval runs from about -241 to 381; no mean can.
    assert mean_interval(*sums([40, 100])).low < 0
    estimate = mean_interval(*sums([40, 100]), bounds=(0, 100))
    assert (estimate.low, estimate.high) == (0, 100) and estimate.mean == 70


@given(st.lists(scores, min_size=2, max_size=30))
def test_a_bounded_interval_stays_in_range_and_still_holds_the_mean(values):
    estimate = mean_interval(*sums(values), bounds=(0, 100))
    assert 0 <= estimate.low <= estimate.mean <= estimate.high <= 100
