"""The wave planner: turns an audit wave into assignments. Pure functions over plain data, no ORM.

``branches.selectors.wave_plan_request`` loads everything the planner needs in a constant number
of queries; this module decides who visits which store, in which window and daypart, with which
complaint script. The rules (issue "audit waves"):

- only active auditors certified for the scorecard over the whole window, living in the store's
  city unless willing to travel, under their monthly capacity, never at a store they conflict with;
- never the same auditor at the same store within the rotation lockout, counting earlier visits,
  earlier assignments and the plan itself;
- each store-month gets exactly its daypart quota; complaint scripts rotate so a store never gets
  the same script twice in a row, and competitors' stores get none;
- local auditors before travellers, then the least loaded auditor that month, then in the plan.

The plan is greedy and chronological: window by window, stores with the fewest possible auditors
first. The seed only breaks ties, so the same input and seed always give the same plan.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAYPARTS = ("breakfast", "lunch", "afternoon", "dinner", "late")
# Without quotas, visits are spread evenly over the two main meals.
DEFAULT_DAYPARTS = ("lunch", "dinner")


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStore:
    id: int
    code: str
    city: str
    # Competitors' stores are visited for benchmarking only: complaint scripts coach our own staff.
    is_competitor: bool = False


@dataclass(frozen=True)
class PlanAuditor:
    id: int
    name: str
    home_city: str
    monthly_capacity: int
    willing_to_travel: bool = False
    active: bool = True
    conflict_store_ids: frozenset[int] = frozenset()
    # The certification for the wave's scorecard template; None when the auditor has none.
    certified_on: dt.date | None = None
    certification_expires_on: dt.date | None = None

    def certified_for(self, start: dt.date, end: dt.date) -> bool:
        """Certified on every day of the window; a certification is no longer valid on its expiry day."""
        if self.certified_on is None or self.certified_on > start:
            return False
        return self.certification_expires_on is None or self.certification_expires_on > end


@dataclass(frozen=True)
class PlanScenario:
    id: int
    code: str


@dataclass(frozen=True)
class Encounter:
    """An auditor at a store: an earlier visit (start == end) or a live assignment's window."""

    auditor_id: int
    store_id: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class PlanRequest:
    stores: tuple[PlanStore, ...]
    auditors: tuple[PlanAuditor, ...]
    start: dt.date
    end: dt.date
    visits_per_store_per_month: int
    daypart_quotas: Mapping[str, int] = field(default_factory=dict)
    scenarios: tuple[PlanScenario, ...] = ()
    complaint_visits_per_store_per_month: int = 0
    lockout_days: int = 90
    seed: int = 0
    encounters: tuple[Encounter, ...] = ()
    # (auditor id, first day of a month) -> assignments already offered, accepted or submitted.
    bookings: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)
    # store id -> the complaint scenario of the store's latest earlier complaint test.
    last_scenario: Mapping[int, int] = field(default_factory=dict)


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    store_id: int
    store_code: str
    auditor_id: int
    auditor_name: str
    window_start: dt.date
    window_end: dt.date
    daypart: str
    scenario_id: int | None = None
    scenario_code: str | None = None


@dataclass(frozen=True)
class Unfilled:
    store_id: int
    store_code: str
    month: dt.date
    window_start: dt.date
    window_end: dt.date
    daypart: str
    scenario_id: int | None
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Plan:
    slots: tuple[Slot, ...]
    unfilled: tuple[Unfilled, ...]

    @property
    def total(self) -> int:
        return len(self.slots) + len(self.unfilled)

    def by_auditor(self) -> dict[str, int]:
        counts = Counter(slot.auditor_name for slot in self.slots)
        return dict(sorted(counts.items()))


# --- Calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    month: dt.date
    index: int
    start: dt.date
    end: dt.date


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_windows(start: dt.date, end: dt.date, per_month: int) -> list[tuple[Window, ...]]:
    """Each month of [start, end] (clipped to the range) split into ``per_month`` consecutive windows.

    Consecutive windows spread a store's visits over the month instead of bunching them up; when
    a clipped month has fewer days than visits, windows share days.
    """
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = _next_month(first)
        low, high = max(start, first), min(end, following - dt.timedelta(days=1))
        days = (high - low).days + 1
        windows = []
        for index in range(per_month):
            offset = index * days // per_month
            last = max(offset, (index + 1) * days // per_month - 1)
            windows.append(Window(first, index, low + dt.timedelta(days=offset), low + dt.timedelta(days=last)))
        months.append(tuple(windows))
        first = following
    return months


def daypart_counts(quotas: Mapping[str, int], per_month: int, *, flip: bool = False) -> dict[str, int]:
    """Visits per daypart in one store-month; without quotas, lunch and dinner share them.

    ``flip`` gives an odd visit to dinner instead of lunch, so over many stores neither dominates.
    """
    if quotas:
        return {daypart: quotas[daypart] for daypart in DAYPARTS if quotas.get(daypart)}
    first, second = DEFAULT_DAYPARTS[::-1] if flip else DEFAULT_DAYPARTS
    return {first: (per_month + 1) // 2, second: per_month // 2}


def interleave(counts: Mapping[str, int]) -> list[str]:
    """The dayparts in an order that avoids the same one twice in a row: lunch, dinner, lunch, ..."""
    remaining = dict(counts)
    order: list[str] = []
    while any(remaining.values()):
        ranked = sorted((d for d, n in remaining.items() if n), key=lambda d: (-remaining[d], DAYPARTS.index(d)))
        pick = next((d for d in ranked if not order or d != order[-1]), ranked[0])
        order.append(pick)
        remaining[pick] -= 1
    return order


def complaint_windows(per_month: int, complaints: int, offset: int) -> frozenset[int]:
    """Which of a month's windows carry a complaint test: evenly spaced, shifted per store-month."""
    if complaints <= 0:
        return frozenset()
    return frozenset((index * per_month // complaints + offset) % per_month for index in range(complaints))


def window_gap_days(start: dt.date, end: dt.date, other_start: dt.date, other_end: dt.date) -> int:
    """Days between two date ranges; 0 when they overlap or touch."""
    return max((start - other_end).days, (other_start - end).days, 0)


# --- Planner ----------------------------------------------------------------------------------


@dataclass
class _StoreState:
    store: PlanStore
    position: int
    local: list[PlanAuditor]
    travellers: list[PlanAuditor]
    next_scenario: int = 0

    @property
    def options(self) -> int:
        return len(self.local) + len(self.travellers)


class _Planner:
    """One planning run. Mutable bookkeeping lives here; inputs and outputs stay frozen."""

    def __init__(self, request: PlanRequest) -> None:
        self.request = request
        rng = random.Random(request.seed)
        auditors = sorted((a for a in request.auditors if a.active), key=lambda a: a.id)
        self.auditors = auditors
        self.rank = {auditor.id: rank for rank, auditor in enumerate(rng.sample(auditors, len(auditors)))}
        self.by_city: dict[str, list[PlanAuditor]] = defaultdict(list)
        for auditor in auditors:
            self.by_city[auditor.home_city].append(auditor)
        self.travellers = [auditor for auditor in auditors if auditor.willing_to_travel]
        self.scenarios = sorted(request.scenarios, key=lambda s: s.id)
        scenario_index = {scenario.id: index for index, scenario in enumerate(self.scenarios)}

        stores = sorted(request.stores, key=lambda s: s.id)
        self.states = [self._store_state(store, position, scenario_index) for position, store in enumerate(stores)]
        # Stores with the fewest possible auditors choose first; the seed orders equals.
        shuffled = rng.sample(self.states, len(self.states))
        self.order = sorted(shuffled, key=lambda state: state.options)

        self.month_load: Counter[tuple[int, dt.date]] = Counter(request.bookings)
        self.plan_load: Counter[int] = Counter()
        self.met: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for encounter in request.encounters:
            self.met[encounter.auditor_id, encounter.store_id].append((encounter.start, encounter.end))

    def _store_state(self, store: PlanStore, position: int, scenario_index: dict[int, int]) -> _StoreState:
        def usable(auditor: PlanAuditor) -> bool:
            return auditor.certified_on is not None and store.id not in auditor.conflict_store_ids

        local = [a for a in self.by_city.get(store.city, ()) if usable(a)]
        travellers = [a for a in self.travellers if a.home_city != store.city and usable(a)]
        last = self.request.last_scenario.get(store.id)
        count = len(self.scenarios) or 1
        # Start after the store's latest script so it never hears the same one twice in a row.
        start = scenario_index[last] + 1 if last in scenario_index else position
        return _StoreState(store, position, local, travellers, start % count)

    # The run ------------------------------------------------------------------------------------

    def run(self) -> Plan:
        request = self.request
        per_month = request.visits_per_store_per_month
        slots: list[Slot] = []
        unfilled: list[Unfilled] = []
        months = month_windows(request.start, request.end, per_month)
        layouts = {
            (state.store.id, month_index): self._layout(state, month_index)
            for state in self.states
            for month_index in range(len(months))
        }
        for month_index, windows in enumerate(months):
            for window in windows:
                for state in self.order:
                    daypart, complaint = layouts[state.store.id, month_index][window.index]
                    self._fill(state, window, daypart, complaint, slots, unfilled)
        # Stable sorts: windows that share days keep the order they were planned in.
        slots.sort(key=lambda s: (s.window_start, s.window_end, s.store_code))
        unfilled.sort(key=lambda u: (u.window_start, u.window_end, u.store_code))
        return Plan(tuple(slots), tuple(unfilled))

    def _layout(self, state: _StoreState, month_index: int) -> list[tuple[str, bool]]:
        """(daypart, complaint test?) for each window of one store-month."""
        request = self.request
        per_month = request.visits_per_store_per_month
        shift = state.position + month_index
        dayparts = interleave(daypart_counts(request.daypart_quotas, per_month, flip=shift % 2 == 1))
        # Rotating by store and month varies which part of the month gets which daypart.
        dayparts = dayparts[shift % per_month :] + dayparts[: shift % per_month]
        complaints = request.complaint_visits_per_store_per_month
        if not self.scenarios or state.store.is_competitor:
            complaints = 0
        tests = complaint_windows(per_month, complaints, shift % per_month)
        return [(daypart, index in tests) for index, daypart in enumerate(dayparts)]

    def _fill(
        self, state: _StoreState, window: Window, daypart: str, complaint: bool, slots: list, unfilled: list
    ) -> None:
        store = state.store
        scenario = self.scenarios[state.next_scenario] if complaint else None
        auditor = self._pick(state, window)
        if auditor is None:
            code, reason = self._why_unfilled(store, window)
            unfilled.append(
                Unfilled(
                    store.id,
                    store.code,
                    window.month,
                    window.start,
                    window.end,
                    daypart,
                    scenario.id if scenario else None,
                    code,
                    reason,
                )
            )
            return
        self.month_load[auditor.id, window.month] += 1
        self.plan_load[auditor.id] += 1
        self.met[auditor.id, store.id].append((window.start, window.end))
        if scenario is not None:
            # The rotation moves only when a script is actually handed out, so no repeat sneaks in.
            state.next_scenario = (state.next_scenario + 1) % len(self.scenarios)
        slots.append(
            Slot(
                store.id,
                store.code,
                auditor.id,
                auditor.name,
                window.start,
                window.end,
                daypart,
                scenario.id if scenario else None,
                scenario.code if scenario else None,
            )
        )

    def _pick(self, state: _StoreState, window: Window) -> PlanAuditor | None:
        for pool in (state.local, state.travellers):
            best, best_key = None, None
            for auditor in pool:
                if not self._available(auditor, state.store.id, window):
                    continue
                key = (self.month_load[auditor.id, window.month], self.plan_load[auditor.id], self.rank[auditor.id])
                if best_key is None or key < best_key:
                    best, best_key = auditor, key
            if best is not None:
                return best
        return None

    def _available(self, auditor: PlanAuditor, store_id: int, window: Window) -> bool:
        return (
            auditor.certified_for(window.start, window.end)
            and not self._at_capacity(auditor, window.month)
            and not self._locked_out(auditor.id, store_id, window)
        )

    def _at_capacity(self, auditor: PlanAuditor, month: dt.date) -> bool:
        return self.month_load[auditor.id, month] >= auditor.monthly_capacity

    def _locked_out(self, auditor_id: int, store_id: int, window: Window) -> bool:
        lockout = self.request.lockout_days
        return any(
            window_gap_days(window.start, window.end, start, end) < lockout
            for start, end in self.met.get((auditor_id, store_id), ())
        )

    # Reasons ------------------------------------------------------------------------------------

    def _why_unfilled(self, store: PlanStore, window: Window) -> tuple[str, str]:
        """Why nobody could take this slot, narrowing the auditors down rule by rule."""
        local = self.by_city.get(store.city, [])
        travellers = [a for a in self.travellers if a.home_city != store.city]
        certified = [a for a in [*local, *travellers] if a.certified_for(window.start, window.end)]
        if not certified:
            return "no_certified_auditor", self._no_certified_reason(store, window, local)
        eligible = [a for a in certified if store.id not in a.conflict_store_ids]
        if not eligible:
            return "conflict_of_interest", ngettext(
                "only auditors with a conflict of interest: the one certified auditor who can reach %(city)s "
                "must never visit this store",
                "only auditors with a conflict of interest: all %(n)d certified auditors who can reach %(city)s "
                "must never visit this store",
                len(certified),
            ) % {"n": len(certified), "city": store.city}
        return self._capacity_or_lockout_reason(store, window, eligible)

    def _no_certified_reason(self, store: PlanStore, window: Window, local: list[PlanAuditor]) -> str:
        params = {"city": store.city, "start": window.start.isoformat(), "end": window.end.isoformat(), "n": len(local)}
        if not local:
            return _("no certified auditor in %(city)s, and no certified auditor willing to travel there") % params
        return (
            ngettext(
                "no certified auditor in %(city)s for %(start)s to %(end)s (the one auditor there is not certified "
                "for this scorecard then), and no certified auditor willing to travel there",
                "no certified auditor in %(city)s for %(start)s to %(end)s (none of the %(n)d auditors there is "
                "certified for this scorecard then), and no certified auditor willing to travel there",
                len(local),
            )
            % params
        )

    def _capacity_or_lockout_reason(
        self, store: PlanStore, window: Window, eligible: list[PlanAuditor]
    ) -> tuple[str, str]:
        n = len(eligible)
        full = sum(1 for a in eligible if self._at_capacity(a, window.month))
        recent = sum(1 for a in eligible if self._locked_out(a.id, store.id, window))
        params = {
            "n": n,
            "full": full,
            "recent": recent,
            "days": self.request.lockout_days,
            "month": window.month.strftime("%Y-%m"),
        }
        if recent == n:
            return "rotation_lockout", ngettext(
                "the only eligible auditor visited or is booked at this store within %(days)d days",
                "every eligible auditor (%(n)d) visited or is booked at this store within %(days)d days",
                n,
            ) % params
        if full == n:
            return "monthly_capacity", ngettext(
                "the only eligible auditor is at monthly capacity in %(month)s",
                "all %(n)d eligible auditors are at monthly capacity in %(month)s",
                n,
            ) % params
        if full + recent >= n:
            return "capacity_and_lockout", _(
                "of %(n)d eligible auditors, %(full)d are at monthly capacity in %(month)s and %(recent)d visited "
                "or are booked at this store within %(days)d days"
            ) % params
        # Unreachable while _pick and these rules agree; kept so a slot never goes unexplained.
        return "unavailable", _("no eligible auditor is available for this window")


def _check(request: PlanRequest) -> None:
    # The model validates what HQ enters; these guard the planner against a malformed request.
    if request.visits_per_store_per_month < 1:
        raise ValueError("visits_per_store_per_month must be at least 1")
    if request.end < request.start:
        raise ValueError("the wave must end on or after its start")
    if request.daypart_quotas and sum(request.daypart_quotas.values()) != request.visits_per_store_per_month:
        raise ValueError("daypart quotas must add up to visits_per_store_per_month")
    if not set(request.daypart_quotas) <= set(DAYPARTS):
        raise ValueError(f"unknown dayparts {sorted(set(request.daypart_quotas) - set(DAYPARTS))}")
    if request.complaint_visits_per_store_per_month > request.visits_per_store_per_month:
        raise ValueError("more complaint visits than visits per store per month")


def plan_wave(request: PlanRequest) -> Plan:
    """Plan a wave: every store-month's visits, or for each slot nobody can take, the reason."""
    _check(request)
    return _Planner(request).run()
