"""What each role may see: the stores and regions in a user's reach.

Every queryset's ``visible_to(user)`` is built from these predicates: the stores and regions
here, and each app's own ``scoping`` module for its objects (``audits.scoping`` for visits,
assignments, disputes and waves, ``scorecards.scoping`` for versions, ``coaching.scoping`` for
action plans), all in terms of ``store_q``. Every API view starts from ``visible_to`` (see
``backend.api.viewsets.ScopedViewSetMixin``), so a role's reach is defined once. Objects
outside it simply do not exist for the caller: 404.

This module sits at the bottom of the apps, so it reaches the field work (which stores an
auditor has visited or been assigned) through relation paths, never by importing ``audits``.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

NOTHING = Q(pk__in=[])


def role_of(user) -> str | None:
    """The role that scopes the user's reads; ``None`` for anonymous or deactivated users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def _managed_region_paths(user) -> list[str]:
    cache = user.__dict__.setdefault("_scoping_cache", {})
    if "region_paths" not in cache:
        cache["region_paths"] = list(user.managed_regions.values_list("path", flat=True))
    return cache["region_paths"]


def _paths_q(field: str, paths: list[str]) -> Q:
    if not paths:
        return NOTHING
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def store_q(user, prefix: str = "") -> Q:
    """Stores the user may see; ``prefix`` points at a store relation (e.g. ``"store__"``)."""
    from branches.models import Role

    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.REGIONAL_MANAGER:
        return _paths_q(f"{prefix}region__path", _managed_region_paths(user))
    if role == Role.STORE_MANAGER:
        return Q(**{f"{prefix}managers": user})
    if role == Role.AUDITOR:
        # Auditors know the stores they visited or are assigned to, nothing more.
        from branches.models import Store

        return Q(**{f"{prefix}pk__in": Store.objects.filter(visits__auditor=user).values("pk")}) | Q(
            **{f"{prefix}pk__in": Store.objects.filter(assignments__auditor=user).values("pk")}
        )
    return NOTHING


def region_q(user) -> Q:
    """Regions the user may see: all for HQ, a manager's subtree, the chain above a store."""
    from branches.models import Region, Role

    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.REGIONAL_MANAGER:
        return _paths_q("path", _managed_region_paths(user))
    if role == Role.STORE_MANAGER:
        store_paths = list(Region.objects.filter(stores__managers=user).values_list("path", flat=True))
        ancestors = {path[:end] for path in store_paths for end in range(Region.steplen, len(path) + 1, Region.steplen)}
        return Q(path__in=sorted(ancestors)) if ancestors else NOTHING
    return NOTHING
