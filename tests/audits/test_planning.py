"""The wave planner as pure functions: hand-built worlds in, a plan and its reasons out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audits.models import Daypart
from audits.planning import (
    DAYPARTS,
    Encounter,
    Plan,
    PlanAuditor,
    PlanRequest,
    PlanScenario,
    PlanStore,
    month_windows,
    plan_wave,
    window_gap_days,
)

D = dt.date
CERTIFIED = D(2025, 1, 1)
DECEMBER = (D(2026, 12, 1), D(2026, 12, 31))


def store(pk: int, city: str = "上海") -> PlanStore:
    return PlanStore(pk, f"S-{pk:03d}", city)


def auditor(
    pk: int,
    city: str = "上海",
    *,
    capacity: int = 20,
    travel: bool = False,
    conflicts: tuple[int, ...] = (),
    certified: dt.date | None = CERTIFIED,
    expires: dt.date | None = None,
    active: bool = True,
) -> PlanAuditor:
    return PlanAuditor(
        id=pk,
        name=f"auditor-{pk}",
        home_city=city,
        monthly_capacity=capacity,
        willing_to_travel=travel,
        active=active,
        conflict_store_ids=frozenset(conflicts),
        certified_on=certified,
        certification_expires_on=expires,
    )


def request(stores, auditors, *, dates=DECEMBER, visits: int = 2, **options) -> PlanRequest:
    return PlanRequest(
        stores=tuple(stores),
        auditors=tuple(auditors),
        start=dates[0],
        end=dates[1],
        visits_per_store_per_month=visits,
        **options,
    )


def auditors_at(plan: Plan, store_id: int) -> list[int]:
    return [slot.auditor_id for slot in plan.slots if slot.store_id == store_id]


# --- Calendar -----------------------------------------------------------------------------------


def test_each_month_is_split_into_consecutive_windows_clipped_to_the_wave():
    months = month_windows(D(2026, 12, 10), D(2027, 2, 5), 2)

    assert [[(w.start, w.end) for w in windows] for windows in months] == [
        [(D(2026, 12, 10), D(2026, 12, 20)), (D(2026, 12, 21), D(2026, 12, 31))],
        [(D(2027, 1, 1), D(2027, 1, 15)), (D(2027, 1, 16), D(2027, 1, 31))],
        [(D(2027, 2, 1), D(2027, 2, 2)), (D(2027, 2, 3), D(2027, 2, 5))],
    ]
    assert [windows[0].month for windows in months] == [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]


def test_a_month_shorter_than_its_visits_shares_days_but_stays_in_range():
    (windows,) = month_windows(D(2026, 12, 30), D(2026, 12, 31), 4)

    assert len(windows) == 4
    assert all(D(2026, 12, 30) <= w.start <= w.end <= D(2026, 12, 31) for w in windows)


def test_window_gap_is_zero_for_overlapping_ranges():
    assert window_gap_days(D(2026, 12, 1), D(2026, 12, 10), D(2026, 12, 5), D(2026, 12, 20)) == 0
    assert window_gap_days(D(2026, 12, 20), D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 10)) == 10
    assert window_gap_days(D(2026, 12, 1), D(2026, 12, 10), D(2026, 12, 20), D(2026, 12, 31)) == 10


def test_the_planner_knows_every_daypart_the_visit_model_does():
    assert set(DAYPARTS) == set(Daypart.values)


# --- Who may go where ---------------------------------------------------------------------------


def test_an_auditor_never_visits_a_store_on_their_conflict_list():
    plan = plan_wave(request([store(1), store(2)], [auditor(10, conflicts=(1,)), auditor(11)], lockout_days=0))

    assert set(auditors_at(plan, 1)) == {11}
    assert 10 in auditors_at(plan, 2)
    assert not plan.unfilled


def test_a_store_only_conflicted_auditors_could_visit_stays_unfilled_and_says_so():
    plan = plan_wave(request([store(1)], [auditor(10, conflicts=(1,)), auditor(11, conflicts=(1,))]))

    assert not plan.slots
    assert {u.reason_code for u in plan.unfilled} == {"conflict_of_interest"}
    assert "only auditors with a conflict of interest" in plan.unfilled[0].reason
    assert "all 2 certified auditors who can reach 上海" in plan.unfilled[0].reason


def test_lockout_counts_earlier_visits_and_assignments():
    earlier = (
        Encounter(10, 1, D(2026, 10, 1), D(2026, 10, 1)),  # a visit 61 days before the wave
        Encounter(11, 2, D(2026, 11, 20), D(2026, 11, 30)),  # an assignment's window
    )
    plan = plan_wave(
        request([store(1), store(2)], [auditor(10), auditor(11), auditor(12)], encounters=earlier, visits=1)
    )

    assert 10 not in auditors_at(plan, 1)
    assert 11 not in auditors_at(plan, 2)
    assert not plan.unfilled


def test_lockout_ends_after_exactly_the_lockout_days():
    window_start = D(2026, 12, 1)
    at_limit = Encounter(10, 1, window_start - dt.timedelta(days=90), window_start - dt.timedelta(days=90))
    one_day_short = dataclasses.replace(at_limit, start=at_limit.start + dt.timedelta(days=1))
    one_day_short = dataclasses.replace(one_day_short, end=one_day_short.start)

    allowed = plan_wave(request([store(1)], [auditor(10)], visits=1, encounters=(at_limit,)))
    refused = plan_wave(request([store(1)], [auditor(10)], visits=1, encounters=(one_day_short,)))

    assert auditors_at(allowed, 1) == [10]
    assert not refused.slots


def test_lockout_applies_within_the_plan_itself():
    locked = plan_wave(request([store(1)], [auditor(10)], visits=2, lockout_days=90))
    free = plan_wave(request([store(1)], [auditor(10)], visits=2, lockout_days=0))

    assert len(locked.slots) == 1
    (gap,) = locked.unfilled
    assert gap.reason_code == "rotation_lockout"
    assert gap.reason == "the only eligible auditor visited or is booked at this store within 90 days"
    assert auditors_at(free, 1) == [10, 10]


def test_lockout_reason_counts_the_auditors():
    visits = tuple(Encounter(pk, 1, D(2026, 11, 1), D(2026, 11, 1)) for pk in (10, 11, 12))
    plan = plan_wave(request([store(1)], [auditor(10), auditor(11), auditor(12)], visits=1, encounters=visits))

    assert plan.unfilled[0].reason == "every eligible auditor (3) visited or is booked at this store within 90 days"


def test_monthly_capacity_counts_existing_bookings_and_the_plan():
    stores = [store(pk) for pk in range(1, 6)]
    bookings = {(10, D(2026, 12, 1)): 2, (10, D(2027, 1, 1)): 0}
    plan = plan_wave(
        request(
            stores,
            [auditor(10, capacity=3)],
            dates=(D(2026, 12, 1), D(2027, 1, 31)),
            visits=1,
            lockout_days=0,
            bookings=bookings,
        )
    )

    per_month = Counter(slot.window_start.month for slot in plan.slots)
    assert per_month == {12: 1, 1: 3}
    assert {u.reason_code for u in plan.unfilled} == {"monthly_capacity"}
    assert plan.unfilled[0].reason == "the only eligible auditor is at monthly capacity in 2026-12"


def test_capacity_reason_counts_the_auditors():
    plan = plan_wave(
        request([store(pk) for pk in range(1, 5)], [auditor(pk, capacity=1) for pk in (10, 11, 12)], visits=1)
    )

    assert len(plan.slots) == 3
    assert plan.unfilled[0].reason == "all 3 eligible auditors are at monthly capacity in 2026-12"


def test_mixed_capacity_and_lockout_reason_gives_both_counts():
    visited = (Encounter(10, 1, D(2026, 11, 20), D(2026, 11, 20)),)
    plan = plan_wave(
        request(
            [store(2), store(1)],
            [auditor(10, capacity=5), auditor(11, capacity=1)],
            visits=1,
            encounters=visited,
            bookings={(11, D(2026, 12, 1)): 1},
        )
    )

    (gap,) = plan.unfilled
    assert gap.store_id == 1
    assert gap.reason_code == "capacity_and_lockout"
    assert gap.reason == (
        "of 2 eligible auditors, 1 are at monthly capacity in 2026-12 and 1 visited or are booked at this store "
        "within 90 days"
    )


def test_auditors_stay_in_their_city_unless_willing_to_travel():
    stores = [store(1, "杭州")]
    homebody = plan_wave(request(stores, [auditor(10, "上海")], visits=1))
    traveller = plan_wave(request(stores, [auditor(10, "上海"), auditor(11, "上海", travel=True)], visits=1))

    assert not homebody.slots
    assert homebody.unfilled[0].reason_code == "no_certified_auditor"
    assert homebody.unfilled[0].reason == (
        "no certified auditor in 杭州, and no certified auditor willing to travel there"
    )
    assert auditors_at(traveller, 1) == [11]


def test_local_auditors_come_before_travellers_even_when_busier():
    plan = plan_wave(
        request(
            [store(pk, "杭州") for pk in (1, 2, 3)],
            [auditor(10, "杭州"), auditor(11, "上海", travel=True)],
            visits=1,
            lockout_days=0,
        )
    )

    assert {slot.auditor_id for slot in plan.slots} == {10}


def test_travellers_fill_what_locals_cannot():
    plan = plan_wave(
        request(
            [store(pk, "杭州") for pk in (1, 2, 3)],
            [auditor(10, "杭州", capacity=1), auditor(11, "上海", travel=True)],
            visits=1,
        )
    )

    assert Counter(slot.auditor_id for slot in plan.slots) == {10: 1, 11: 2}


def test_certification_is_required_for_the_whole_window():
    window = DECEMBER  # windows with one visit a month: the whole of December
    cases = {
        "uncertified": auditor(10, certified=None),
        "certified mid-window": auditor(11, certified=D(2026, 12, 5)),
        "expires on the last day": auditor(12, expires=D(2026, 12, 31)),
    }
    for label, person in cases.items():
        plan = plan_wave(request([store(1)], [person], dates=window, visits=1))
        assert not plan.slots, label
        assert plan.unfilled[0].reason_code == "no_certified_auditor", label
        assert "no certified auditor in 上海 for 2026-12-01 to 2026-12-31" in plan.unfilled[0].reason, label

    valid = plan_wave(request([store(1)], [auditor(13, expires=D(2027, 1, 1))], dates=window, visits=1))
    assert auditors_at(valid, 1) == [13]


def test_inactive_auditors_are_never_planned():
    plan = plan_wave(request([store(1)], [auditor(10, active=False)], visits=1))

    assert not plan.slots
    assert plan.unfilled[0].reason_code == "no_certified_auditor"


# --- Dayparts, scripts and balance --------------------------------------------------------------


def _many_auditors(n: int = 12, **kwargs) -> list[PlanAuditor]:
    return [auditor(100 + pk, **kwargs) for pk in range(n)]


def test_daypart_quotas_are_met_exactly_for_every_store_month():
    quotas = {"lunch": 2, "dinner": 1, "breakfast": 1}
    plan = plan_wave(
        request(
            [store(pk) for pk in range(1, 6)],
            _many_auditors(),
            dates=(D(2026, 12, 1), D(2027, 2, 28)),
            visits=4,
            daypart_quotas=quotas,
            lockout_days=0,
        )
    )

    assert not plan.unfilled
    by_store_month = defaultdict(Counter)
    for slot in plan.slots:
        by_store_month[slot.store_id, slot.window_start.month][slot.daypart] += 1
    assert len(by_store_month) == 15
    assert all(counts == quotas for counts in by_store_month.values())


def test_without_quotas_visits_spread_evenly_over_lunch_and_dinner():
    plan = plan_wave(request([store(pk) for pk in range(1, 9)], _many_auditors(), visits=3, lockout_days=0))

    for pk in range(1, 9):
        counts = Counter(slot.daypart for slot in plan.slots if slot.store_id == pk)
        assert set(counts) == {"lunch", "dinner"} and sorted(counts.values()) == [1, 2]
    overall = Counter(slot.daypart for slot in plan.slots)
    assert overall["lunch"] == overall["dinner"]


def test_dayparts_vary_over_the_month_between_stores():
    plan = plan_wave(request([store(1), store(2)], _many_auditors(), visits=2, lockout_days=0))

    first_window = {slot.store_id: slot.daypart for slot in plan.slots if slot.window_start.day == 1}
    assert first_window[1] != first_window[2]


def _scripts_by_store(plan: Plan) -> dict[int, list[int]]:
    scripts = defaultdict(list)
    for slot in sorted(plan.slots, key=lambda s: s.window_start):
        if slot.scenario_id is not None:
            scripts[slot.store_id].append(slot.scenario_id)
    return scripts


def test_complaint_scripts_never_repeat_twice_in_a_row_for_a_store():
    scenarios = (PlanScenario(1, "COLD"), PlanScenario(2, "WRONG"), PlanScenario(3, "DIRTY"))
    plan = plan_wave(
        request(
            [store(pk) for pk in range(1, 7)],
            _many_auditors(),
            dates=(D(2026, 12, 1), D(2027, 3, 31)),
            visits=3,
            scenarios=scenarios,
            complaint_visits_per_store_per_month=2,
            lockout_days=0,
            last_scenario={1: 1, 2: 3},
        )
    )

    scripts = _scripts_by_store(plan)
    assert all(len(sequence) == 8 for sequence in scripts.values())
    for pk, sequence in scripts.items():
        assert all(a != b for a, b in itertools.pairwise(sequence)), (pk, sequence)
    # The store's latest earlier script counts too.
    assert scripts[1][0] != 1
    assert scripts[2][0] != 3
    # Neighbouring stores do not all hear the same script in the same month.
    assert len({sequence[0] for sequence in scripts.values()}) > 1


def test_a_script_is_not_repeated_around_an_unfilled_complaint_visit():
    scenarios = (PlanScenario(1, "COLD"), PlanScenario(2, "WRONG"))
    # One auditor, a lockout longer than a month: only some complaint visits can be filled.
    plan = plan_wave(
        request(
            [store(1)],
            [auditor(10), auditor(11)],
            dates=(D(2026, 12, 1), D(2027, 5, 31)),
            visits=1,
            scenarios=scenarios,
            complaint_visits_per_store_per_month=1,
            lockout_days=40,
        )
    )

    sequence = _scripts_by_store(plan)[1]
    assert plan.unfilled and len(sequence) >= 2
    assert all(a != b for a, b in itertools.pairwise(sequence))


def test_complaint_visits_per_month_are_as_asked():
    scenarios = (PlanScenario(1, "COLD"), PlanScenario(2, "WRONG"))
    plan = plan_wave(
        request(
            [store(1), store(2)],
            _many_auditors(),
            visits=4,
            scenarios=scenarios,
            complaint_visits_per_store_per_month=1,
            lockout_days=0,
        )
    )

    assert Counter(slot.store_id for slot in plan.slots if slot.scenario_id) == {1: 1, 2: 1}


def test_competitor_stores_get_benchmark_visits_but_no_complaint_tests():
    scenarios = (PlanScenario(1, "COLD"), PlanScenario(2, "WRONG"))
    rival = PlanStore(2, "SH-CMP", "上海", is_competitor=True)
    plan = plan_wave(
        request([store(1), rival], _many_auditors(), scenarios=scenarios, complaint_visits_per_store_per_month=1)
    )

    assert len(auditors_at(plan, 2)) == 2
    assert [slot.scenario_id is not None for slot in plan.slots if slot.store_id == 2] == [False, False]
    assert sum(slot.scenario_id is not None for slot in plan.slots if slot.store_id == 1) == 1


def test_no_scenarios_means_no_complaint_tests():
    plan = plan_wave(request([store(1)], _many_auditors(), complaint_visits_per_store_per_month=1))

    assert all(slot.scenario_id is None and slot.scenario_code is None for slot in plan.slots)


def test_workload_is_balanced_when_auditors_are_equally_eligible():
    plan = plan_wave(
        request(
            [store(pk) for pk in range(1, 11)],
            _many_auditors(7),
            dates=(D(2026, 12, 1), D(2027, 2, 28)),
            visits=2,
            lockout_days=0,
        )
    )

    loads = Counter(slot.auditor_id for slot in plan.slots)
    assert len(plan.slots) == 60 and len(loads) == 7
    assert max(loads.values()) - min(loads.values()) <= 1
    for month in (12, 1, 2):
        monthly = Counter(slot.auditor_id for slot in plan.slots if slot.window_start.month == month)
        assert max(monthly.values()) - min(monthly.values()) <= 1


def test_busy_auditors_get_fewer_new_visits():
    plan = plan_wave(
        request(
            [store(pk) for pk in range(1, 5)], [auditor(10), auditor(11)], visits=1, bookings={(10, D(2026, 12, 1)): 4}
        )
    )

    assert Counter(slot.auditor_id for slot in plan.slots) == {11: 4}


# --- Determinism ----------------------------------------------------------------------------------


def _busy_request(seed: int, *, shuffle: random.Random | None = None) -> PlanRequest:
    stores = [store(pk, "上海" if pk % 3 else "杭州") for pk in range(1, 21)]
    auditors = [
        auditor(100 + pk, "上海" if pk % 4 else "杭州", capacity=6, travel=pk % 5 == 0, conflicts=(pk % 20 + 1,))
        for pk in range(12)
    ]
    if shuffle is not None:
        shuffle.shuffle(stores)
        shuffle.shuffle(auditors)
    return request(
        stores,
        auditors,
        dates=(D(2026, 12, 1), D(2027, 1, 31)),
        visits=2,
        seed=seed,
        scenarios=(PlanScenario(1, "A"), PlanScenario(2, "B")),
        complaint_visits_per_store_per_month=1,
    )


def test_the_same_seed_gives_the_same_plan_whatever_the_input_order():
    plan = plan_wave(_busy_request(7))

    assert plan_wave(_busy_request(7)) == plan
    assert plan_wave(_busy_request(7, shuffle=random.Random(1))) == plan


def test_another_seed_gives_another_plan():
    assert plan_wave(_busy_request(7)).slots != plan_wave(_busy_request(8)).slots


def test_malformed_requests_are_refused():
    with pytest.raises(ValueError, match="add up"):
        plan_wave(request([store(1)], [auditor(10)], visits=2, daypart_quotas={"lunch": 1}))
    with pytest.raises(ValueError, match="unknown dayparts"):
        plan_wave(request([store(1)], [auditor(10)], visits=1, daypart_quotas={"brunch": 1}))
    with pytest.raises(ValueError, match="complaint"):
        plan_wave(request([store(1)], [auditor(10)], visits=1, complaint_visits_per_store_per_month=2))


# --- Properties -------------------------------------------------------------------------------------

CITIES = ("上海", "杭州", "北京")


@st.composite
def worlds(draw) -> PlanRequest:
    store_count = draw(st.integers(1, 6))
    stores = [store(pk, draw(st.sampled_from(CITIES))) for pk in range(1, store_count + 1)]
    store_ids = st.sampled_from([s.id for s in stores])
    start = D(2026, 12, 1) + dt.timedelta(days=draw(st.integers(0, 40)))
    end = start + dt.timedelta(days=draw(st.integers(0, 70)))
    auditors = []
    for pk in range(100, 100 + draw(st.integers(0, 7))):
        certified = draw(st.one_of(st.none(), st.dates(D(2026, 10, 1), D(2027, 2, 1))))
        expires = draw(st.one_of(st.none(), st.dates(D(2026, 12, 1), D(2027, 6, 1))))
        if certified and expires and expires <= certified:
            expires = None
        auditors.append(
            auditor(
                pk,
                draw(st.sampled_from(CITIES)),
                capacity=draw(st.integers(0, 5)),
                travel=draw(st.booleans()),
                conflicts=tuple(draw(st.lists(store_ids, max_size=2))),
                certified=certified,
                expires=expires,
                active=draw(st.booleans()) or draw(st.booleans()),
            )
        )
    visits = draw(st.integers(1, 4))
    encounters = tuple(
        Encounter(a, s, day, day + dt.timedelta(days=length))
        for a, s, day, length in draw(
            st.lists(
                st.tuples(
                    st.sampled_from([a.id for a in auditors] or [1]),
                    store_ids,
                    st.dates(D(2026, 8, 1), D(2027, 4, 1)),
                    st.integers(0, 10),
                ),
                max_size=8,
            )
        )
    )
    months = sorted({w.month for windows in month_windows(start, end, 1) for w in windows})
    bookings = {(a.id, month): draw(st.integers(0, 3)) for a in auditors for month in months}
    return request(
        stores,
        auditors,
        dates=(start, end),
        visits=visits,
        lockout_days=draw(st.sampled_from([0, 14, 30, 90])),
        encounters=encounters,
        bookings=bookings,
        scenarios=(PlanScenario(1, "A"), PlanScenario(2, "B")),
        complaint_visits_per_store_per_month=draw(st.integers(0, visits)),
        seed=draw(st.integers(0, 3)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_planned_visit_ever_breaks_a_rule(world: PlanRequest):
    plan = plan_wave(world)
    auditors = {a.id: a for a in world.auditors}
    stores = {s.id: s for s in world.stores}
    months = month_windows(world.start, world.end, world.visits_per_store_per_month)
    assert plan.total == len(world.stores) * sum(len(windows) for windows in months)

    load = Counter(world.bookings)
    met = defaultdict(list)
    for e in world.encounters:
        met[e.auditor_id, e.store_id].append((e.start, e.end))
    for slot in plan.slots:
        person, place = auditors[slot.auditor_id], stores[slot.store_id]
        assert person.active
        assert person.certified_for(slot.window_start, slot.window_end)
        assert person.home_city == place.city or person.willing_to_travel
        assert place.id not in person.conflict_store_ids
        assert world.start <= slot.window_start <= slot.window_end <= world.end
        load[person.id, slot.window_start.replace(day=1)] += 1
        met[person.id, place.id].append((slot.window_start, slot.window_end))
    for (auditor_id, _month), count in load.items():
        if count > world.bookings.get((auditor_id, _month), 0):
            assert count <= auditors[auditor_id].monthly_capacity
    for slot in plan.slots:
        others = list(met[slot.auditor_id, slot.store_id])
        others.remove((slot.window_start, slot.window_end))
        assert all(
            window_gap_days(slot.window_start, slot.window_end, start, end) >= world.lockout_days
            for start, end in others
        )
    for sequence in _scripts_by_store(plan).values():
        assert all(a != b for a, b in itertools.pairwise(sequence))
    assert all(gap.reason for gap in plan.unfilled)
