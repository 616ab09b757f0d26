"""Turn a stored scorecard version into the scoring engine's ``Card``, once per version.

A published version never changes, so its compiled form is cached in the process: scoring
a submission then costs no queries for the scorecard at all, whatever its size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from scorecards import scoring
from scorecards.models import ComplaintScenario, Item, ScorecardVersion, Section, VersionStatus


@dataclass(frozen=True)
class ItemInfo:
    """What writing an answer needs to know about its item, without a model instance."""

    id: int
    key: str
    section_key: str
    section_id: int
    type: str
    photo_required: bool
    option_ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CompiledVersion:
    card: scoring.Card
    items: tuple[ItemInfo, ...]
    section_ids: dict[str, int]
    section_titles: dict[str, str] = field(default_factory=dict)

    def section_instance(self, key: str) -> Section:
        """An in-memory Section for a stored row, so a fresh visit renders without re-reading it."""
        return Section(pk=self.section_ids[key], key=key, title=self.section_titles[key])

    def item_instance(self, key: str) -> Item:
        info = self.item(key)
        return Item(pk=info.id, key=info.key, type=info.type, photo_required=info.photo_required)

    def item(self, key: str) -> ItemInfo | None:
        return self._by_key.get(key)

    @property
    def _by_key(self) -> dict[str, ItemInfo]:
        cached = self.__dict__.get("_by_key_cache")
        if cached is None:
            cached = {info.key: info for info in self.items}
            object.__setattr__(self, "_by_key_cache", cached)
        return cached


def _compile(version: ScorecardVersion) -> CompiledVersion:
    items = Item.objects.order_by("position", "id").prefetch_related("options", "bands")
    sections = list(
        Section.objects.filter(version=version)
        .order_by("position", "id")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    rules, infos = [], []
    for section in sections:
        for item in section.items.all():
            options = list(item.options.all())
            rules.append(
                scoring.ItemRule(
                    key=item.key,
                    section=section.key,
                    type=item.type,
                    max_points=item.max_points,
                    na_allowed=item.na_allowed,
                    critical=item.critical,
                    bands=tuple(
                        scoring.Band(band.lower, band.upper, band.points)
                        for band in sorted(item.bands.all(), key=lambda band: band.lower)
                    ),
                    options={option.key: option.points for option in options},
                )
            )
            infos.append(
                ItemInfo(
                    id=item.pk,
                    key=item.key,
                    section_key=section.key,
                    section_id=section.pk,
                    type=item.type,
                    photo_required=item.photo_required,
                    option_ids={option.key: option.pk for option in options},
                )
            )
    card = scoring.Card(
        sections={section.key: section.weight for section in sections},
        items=tuple(rules),
        critical_cap=version.critical_cap,
    )
    return CompiledVersion(
        card=card,
        items=tuple(infos),
        section_ids={section.key: section.pk for section in sections},
        section_titles={section.key: section.title for section in sections},
    )


_CACHE_SIZE = 32
_cache: OrderedDict[tuple, CompiledVersion] = OrderedDict()
_lock = threading.Lock()


def card_for(version: ScorecardVersion) -> CompiledVersion:
    """The compiled version; drafts are compiled afresh, published versions come from the cache."""
    if version.status == VersionStatus.DRAFT or version.published_at is None:
        return _compile(version)
    # The publication time is part of the key so that a reused primary key can never hit.
    key = (version.pk, version.published_at.isoformat())
    with _lock:
        compiled = _cache.get(key)
        if compiled is not None:
            _cache.move_to_end(key)
            return compiled
    compiled = _compile(version)
    with _lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def rubric_for(scenario: ComplaintScenario) -> list[scoring.RubricRule]:
    return [
        scoring.RubricRule(key=rule.key, points=rule.points, within_seconds=rule.within_seconds)
        for rule in scenario.rubric.all()
    ]
