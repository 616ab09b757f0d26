"""Who sees which scorecard versions."""

from __future__ import annotations

from django.db.models import Q

from branches.models.people import Role
from branches.scoping import NOTHING, role_of


def scorecard_version_q(user, prefix: str = "") -> Q:
    """Drafts are HQ's work in progress; everyone else sees published standards only."""
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role is None:
        return NOTHING
    from scorecards.models.templates import VersionStatus  # here, because the models import this module

    return ~Q(**{f"{prefix}status": VersionStatus.DRAFT})
