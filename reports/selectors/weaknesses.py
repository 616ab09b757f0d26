"""A store's weak standards: the items it misses most often in a period, the region's rate beside them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from audits.models import Answer, Visit, VisitStatus
from reports.selectors.common import (
    RegionRef,
    Scorecard,
    SectionRef,
    most_visited_scorecard,
    rate,
    region_brand_stores,
    released_visits,
    report_store,
    scorecard_versions,
)
from reports.selectors.period import Period
from scorecards.models import Item, ScorecardTemplate

# Answers that count: scored ones (N/A answers have no possible points).
_SCORED = Q(not_applicable=False, possible_points__gt=0)


@dataclass(frozen=True, slots=True)
class WeaknessStore:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Weakness:
    """One standard the store failed, with its counts and the region's."""

    key: str
    prompt: str
    coaching_tip: str
    section: SectionRef
    answered: int
    failed: int
    fail_rate: float | None
    region_answered: int
    region_failed: int
    region_fail_rate: float | None


@dataclass(frozen=True, slots=True)
class StoreWeaknesses:
    store: WeaknessStore
    region: RegionRef
    scorecard: Scorecard | None
    period: Period
    visits: int
    results: tuple[Weakness, ...]


@dataclass(frozen=True, slots=True)
class _Items:
    """A template's items over all its versions: the key of every item id, the newest item of every key."""

    key_of: dict[int, str]
    newest: dict[str, dict]

    @classmethod
    def load(cls, template_id: int) -> _Items:
        items = list(
            Item.objects.filter(section__version__template_id=template_id)
            .order_by("-section__version__number", "id")
            .values(
                "id", "key", "prompt", "coaching_tip", section_key=F("section__key"), section_title=F("section__title")
            )
        )
        newest: dict[str, dict] = {}
        for item in items:
            newest.setdefault(item["key"], item)
        return cls({item["id"]: item["key"] for item in items}, newest)

    def ids_of(self, keys: set[str]) -> list[int]:
        return [item_id for item_id, key in self.key_of.items() if key in keys]


def store_weaknesses(
    *, user, code: str, period: Period, template: ScorecardTemplate | None = None, limit: int = 10
) -> StoreWeaknesses:
    """The standards a store misses most often in a period, with the region's rate beside them.

    Counted over answers that are scored (``possible_points > 0``; N/A answers have none) of
    released visits; an item is matched across scorecard versions by its key. ``fail_rate`` is
    failed / answered; ``region_fail_rate`` the same over the released visits of the brand's
    stores in the store's region subtree (an aggregate, see the package doc). Items the store
    never failed are left out. Order: fail rate, then number of failures (both descending), key.
    The prompt and coaching tip are the item's in the newest version that has it.
    """
    store = report_store(user=user, code=code)
    in_period = released_visits(user=user).filter(store=store, visited_on__range=(period.start, period.end))
    scorecard = Scorecard.of(template) if template is not None else most_visited_scorecard(in_period)

    def result(visits: int = 0, results: tuple[Weakness, ...] = ()) -> StoreWeaknesses:
        return StoreWeaknesses(
            store=WeaknessStore(store.code, store.name),
            region=RegionRef(store.region.code, store.region.name),
            scorecard=scorecard,
            period=period,
            visits=visits,
            results=results,
        )

    if scorecard is None:
        return result()
    in_period = in_period.filter(version_id__in=scorecard_versions(scorecard.id))
    items = _Items.load(scorecard.id)
    counts = _answer_counts(Answer.objects.filter(_SCORED, visit__in=in_period.values("pk")), items)
    visits = in_period.count()
    failing = _most_failed(counts, limit)
    if not failing:
        return result(visits)
    region = _region_counts(store.region.path, scorecard.id, period, items, {key for key, *_counts in failing})
    return result(
        visits, tuple(_weakness(items.newest[key], answered, failed, region[key]) for key, answered, failed in failing)
    )


def _answer_counts(answers: QuerySet[Answer], items: _Items) -> dict[str, list[int]]:
    """``{item key: [answered, failed]}`` of the answers (grouped per item id, added up per key)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        answers.values("item_id").annotate(answered=Count("id"), failed=Count("id", filter=Q(failed=True))).order_by()
    ):
        known = counts[items.key_of[row["item_id"]]]
        known[0] += row["answered"]
        known[1] += row["failed"]
    return counts


def _most_failed(counts: dict[str, list[int]], limit: int) -> list[tuple[str, int, int]]:
    """``(key, answered, failed)`` of the items failed at least once, most failed first, at most ``limit``."""
    return sorted(
        ((key, answered, failed) for key, (answered, failed) in counts.items() if failed),
        key=lambda row: (-row[2] / row[1], -row[2], row[0]),
    )[:limit]


def _region_counts(region_path: str, template_id: int, period: Period, items: _Items, keys: set[str]):
    """The answer counts of ``keys`` over the released visits of the brand's stores in the region subtree."""
    region_visits = Visit.objects.filter(
        status=VisitStatus.RELEASED,
        visited_on__range=(period.start, period.end),
        version_id__in=scorecard_versions(template_id),
        store_id__in=region_brand_stores(region_path),
    )
    answers = Answer.objects.filter(_SCORED, visit__in=region_visits.values("pk"), item_id__in=items.ids_of(keys))
    return _answer_counts(answers, items)


def _weakness(item: dict, answered: int, failed: int, region: list[int]) -> Weakness:
    region_answered, region_failed = region
    return Weakness(
        key=item["key"],
        prompt=item["prompt"],
        coaching_tip=item["coaching_tip"],
        section=SectionRef(item["section_key"], item["section_title"]),
        answered=answered,
        failed=failed,
        fail_rate=rate(failed, answered),
        region_answered=region_answered,
        region_failed=region_failed,
        region_fail_rate=rate(region_failed, region_answered),
    )
