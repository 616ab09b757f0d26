"""Reads for regions and stores, always starting from what the caller may see."""

from __future__ import annotations

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from branches.models import Region, Store


def region_list(*, user) -> QuerySet[Region]:
    parent = Region.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Region.steplen))
    return Region.objects.visible_to(user).annotate(
        parent_code=Subquery(parent.values("code")[:1], output_field=CharField()),
    )


def store_list(*, user) -> QuerySet[Store]:
    return Store.objects.visible_to(user).select_related("region")


def stores_in_region(queryset: QuerySet[Store], region_code: str) -> QuerySet[Store]:
    """Stores of a region and of every region below it."""
    path = Region.objects.filter(code=region_code).values("path")[:1]
    return queryset.filter(region__path__startswith=Subquery(path))


# --- Audit waves ------------------------------------------------------------------------------
