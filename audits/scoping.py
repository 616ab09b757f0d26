"""Who sees which field work: visits, planned visits, disputes and audit waves.

Built on ``branches.scoping``: the audit side (HQ, reviewers) sees everything, auditors their
own work, the store side the released results of the stores in its reach.
"""

from __future__ import annotations

from django.db.models import Q

from branches.models.people import Role
from branches.scoping import NOTHING, role_of, store_q


def visit_q(user) -> Q:
    """Audit side sees every visit; auditors their own; managers released visits of their stores."""
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.AUDITOR:
        return Q(auditor=user)
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        from audits.models.visits import VisitStatus  # here, because the models import this module

        return Q(status=VisitStatus.RELEASED) & store_q(user, prefix="store__")
    return NOTHING


def assignment_q(user) -> Q:
    """Planned visits are the audit side's secret: stores and regions never see them."""
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role == Role.AUDITOR:
        return Q(auditor=user)
    return NOTHING


def dispute_q(user) -> Q:
    """Disputes belong to the store side that raised them and the reviewers who settle them."""
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        return store_q(user, prefix="visit__store__")
    return NOTHING


def wave_q(user) -> Q:
    """Audit waves are HQ's plans of upcoming visits: the audit side sees them, nobody else does."""
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    return NOTHING
