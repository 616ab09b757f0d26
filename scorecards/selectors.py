"""Reads for scorecards and visits, always starting from what the caller may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from scorecards.models import Item, ScorecardTemplate, ScorecardVersion, Section


def scorecard_template_list(*, user) -> QuerySet[ScorecardTemplate]:
    visible_versions = ScorecardVersion.objects.visible_to(user).order_by("-number")
    return (
        ScorecardTemplate.objects.filter(versions__in=visible_versions)
        .distinct()
        .prefetch_related(Prefetch("versions", queryset=visible_versions))
    )


def scorecard_version_list(*, user) -> QuerySet[ScorecardVersion]:
    items = Item.objects.order_by("position", "id").prefetch_related("options", "bands")
    sections = Section.objects.order_by("position", "id").prefetch_related(Prefetch("items", queryset=items))
    return (
        ScorecardVersion.objects.visible_to(user)
        .select_related("template")
        .prefetch_related(Prefetch("sections", queryset=sections))
    )
