"""Writes for regions, stores and assignments. Keyword-only, atomic, validated with ``full_clean``."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import InvalidInput, validated
from branches.models import Region, Store

TREE_FIELDS = ["path", "depth", "numchild"]


@transaction.atomic
def region_create(*, code: str, name: str, parent: Region | None = None) -> Region:
    validated(Region(code=code, name=name), exclude=TREE_FIELDS)
    if parent is None:
        return Region.objects.add_root({"code": code, "name": name})
    return Region.objects.add_child(parent, {"code": code, "name": name})


@transaction.atomic
def region_update(
    *,
    region: Region,
    code: str | None = None,
    name: str | None = None,
    parent: Region | None = None,
    move: bool = False,
) -> Region:
    """Rename a region, or with ``move=True`` hang it (and its subtree) under ``parent``."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    region.code = region.code if code is None else code
    region.name = region.name if name is None else name
    validated(region, exclude=TREE_FIELDS)
    new_code, new_name = region.code, region.name
    if move:
        if parent is not None and parent.path.startswith(region.path):
            raise InvalidInput({"parent": _("A region cannot move below itself.")})
        if parent is None:
            first_root = Region.objects.get_root_nodes().first()
            if region.depth > 1:
                Region.objects.move(region, first_root, pos="last-sibling")
        else:
            Region.objects.move(region, Region.objects.get(pk=parent.pk), pos="last-child")
        region.refresh_from_db()
    Region.objects.filter(pk=region.pk).update(code=new_code, name=new_name)
    region.refresh_from_db()
    return region


STORE_FIELDS = (
    "code",
    "name",
    "region",
    "address",
    "city",
    "latitude",
    "longitude",
    "timezone",
    "opening_hours",
    "active",
    "is_competitor",
    "competitor_brand",
)


@transaction.atomic
def store_create(
    *,
    code: str,
    name: str,
    region: Region,
    address: str,
    city: str,
    latitude: Decimal,
    longitude: Decimal,
    timezone: str = "Asia/Shanghai",
    opening_hours: dict | None = None,
    active: bool = True,
    is_competitor: bool = False,
    competitor_brand: str = "",
) -> Store:
    store = Store(
        code=code,
        name=name,
        region=region,
        address=address,
        city=city,
        latitude=latitude,
        longitude=longitude,
        timezone=timezone,
        opening_hours=opening_hours or {},
        active=active,
        is_competitor=is_competitor,
        competitor_brand=competitor_brand,
    )
    validated(store)
    store.save()
    return store


@transaction.atomic
def store_update(*, store: Store, **changes) -> Store:
    unknown = set(changes) - set(STORE_FIELDS)
    if unknown:
        raise TypeError(f"store_update() got unknown fields {sorted(unknown)}")
    store = Store.objects.select_for_update().get(pk=store.pk)
    for name, value in changes.items():
        setattr(store, name, value)
    validated(store)
    store.save()
    return store


# --- Assignments ------------------------------------------------------------------------------


# --- Audit waves ------------------------------------------------------------------------------
