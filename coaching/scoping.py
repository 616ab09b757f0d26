"""Who sees which action plans."""

from __future__ import annotations

from django.db.models import Q

from branches.models.people import Role
from branches.scoping import NOTHING, role_of, store_q


def action_item_q(user, prefix: str = "store__") -> Q:
    """Action plans are the store side's business (and HQ's); auditors never see them.

    An action plan names a store's weak standards, i.e. its results, which auditors must not
    see. ``prefix`` points at the store relation, so ``prefix=""`` gives the stores whose plans
    the user may see (the coaching overview lists stores that have no action yet, too).
    """
    role = role_of(user)
    if role in (Role.HQ_ADMIN, Role.REVIEWER):
        return Q()
    if role in (Role.REGIONAL_MANAGER, Role.STORE_MANAGER):
        return store_q(user, prefix=prefix)
    return NOTHING
