"""The one place that says what each role may see.

Every queryset's ``visible_to(user)`` is built from these predicates and every API view
starts from ``visible_to`` (see ``backend.api.viewsets.ScopedViewSetMixin``), so a role's
reach is defined once. Objects outside it simply do not exist for the caller: 404.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

NOTHING = Q(pk__in=[])


def _role(user) -> str | None:
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

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.REGIONAL_MANAGER:
        return _paths_q(f"{prefix}region__path", _managed_region_paths(user))
    if role == Role.STORE_MANAGER:
        return Q(**{f"{prefix}managers": user})
    if role == Role.AUDITOR:
        # Auditors know the stores they visited or are assigned to, nothing more.
        from audits.models import Assignment, Visit

        return Q(**{f"{prefix}pk__in": Visit.objects.filter(auditor=user).values("store_id")}) | Q(
            **{f"{prefix}pk__in": Assignment.objects.filter(auditor=user).values("store_id")}
        )
    return NOTHING


def region_q(user) -> Q:
    """Regions the user may see: all for HQ, a manager's subtree, the chain above a store."""
    from branches.models import Region, Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.REGIONAL_MANAGER:
        return _paths_q("path", _managed_region_paths(user))
    if role == Role.STORE_MANAGER:
        store_paths = list(Region.objects.filter(stores__managers=user).values_list("path", flat=True))
        ancestors = {path[:end] for path in store_paths for end in range(Region.steplen, len(path) + 1, Region.steplen)}
        return Q(path__in=sorted(ancestors)) if ancestors else NOTHING
    return NOTHING


def visit_q(user) -> Q:
    """Audit side sees every visit; auditors their own; managers released visits of their stores."""
    from audits.models import VisitStatus
    from branches.models import Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.AUDITOR:
        return Q(auditor=user)
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        return Q(status=VisitStatus.RELEASED) & store_q(user, prefix="store__")
    return NOTHING


def scorecard_version_q(user, prefix: str = "") -> Q:
    """Drafts are HQ's work in progress; everyone else sees published standards only."""
    from branches.models import Role
    from scorecards.models import VersionStatus

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role is None:
        return NOTHING
    return ~Q(**{f"{prefix}status": VersionStatus.DRAFT})


def assignment_q(user) -> Q:
    """Planned visits are the audit side's secret: stores and regions never see them."""
    from branches.models import Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.AUDITOR:
        return Q(auditor=user)
    return NOTHING


def dispute_q(user) -> Q:
    """Disputes belong to the store side that raised them and the reviewers who settle them."""
    from branches.models import Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        return store_q(user, prefix="visit__store__")
    return NOTHING


def wave_q(user) -> Q:
    """Audit waves are HQ's plans of upcoming visits: the audit side sees them, nobody else does."""
    from branches.models import Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    return NOTHING


def action_item_q(user, prefix: str = "store__") -> Q:
    """Action plans are the store side's business (and HQ's); auditors never see them.

    An action plan names a store's weak standards, i.e. its results, which auditors must not
    see. ``prefix`` points at the store relation, so ``prefix=""`` gives the stores whose plans
    the user may see (the coaching overview lists stores that have no action yet, too).
    """
    from branches.models import Role

    role = _role(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        return store_q(user, prefix=prefix)
    return NOTHING
