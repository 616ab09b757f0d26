"""Writes for regions, stores and assignments. Keyword-only, atomic, validated with ``full_clean``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend import clock
from branches import selectors
from branches.models import Assignment, AssignmentStatus, Region, Store, User, Wave, WaveAssignment, WaveStatus
from branches.models.waves import wave_target_problems
from branches.planning import Plan, plan_wave

TREE_FIELDS = ["path", "depth", "numchild"]


@transaction.atomic
def region_create(*, code: str, name: str, parent: Region | None = None) -> Region:
    Region(code=code, name=name).full_clean(exclude=TREE_FIELDS)
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
    region.full_clean(exclude=TREE_FIELDS)
    new_code, new_name = region.code, region.name
    if move:
        if parent is not None and parent.path.startswith(region.path):
            raise ValidationError({"parent": _("A region cannot move below itself.")})
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
    store.full_clean()
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
    store.full_clean()
    store.save()
    return store


# --- Assignments ------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    store: Store,
    auditor: User,
    version,
    window_start: dt.date,
    window_end: dt.date,
    daypart: str,
    scenario=None,
    notes: str = "",
    by: User | None = None,
) -> Assignment:
    assignment = Assignment(
        store=store,
        auditor=auditor,
        version=version,
        window_start=window_start,
        window_end=window_end,
        daypart=daypart,
        scenario=scenario,
        notes=notes,
        created_by=by,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",)).select_related("store").get(pk=assignment.pk)


def assignment_accept(*, assignment: Assignment, auditor: User) -> Assignment:
    """The auditor takes the visit on. An offer whose window has passed expires instead."""
    with transaction.atomic():
        assignment = _locked(assignment)
        if assignment.auditor_id != auditor.pk:
            raise ValidationError({"assignment": _("This assignment is not yours.")})
        if assignment.status == AssignmentStatus.ACCEPTED:
            return assignment
        if assignment.status == AssignmentStatus.OFFERED and assignment.is_past(clock.store_today(assignment.store)):
            # Recorded even though the acceptance fails: the offer is over either way.
            assignment.status = AssignmentStatus.EXPIRED
            assignment.save(update_fields=["status"])
        elif assignment.status == AssignmentStatus.OFFERED:
            assignment.status = AssignmentStatus.ACCEPTED
            assignment.responded_at = clock.now()
            assignment.save(update_fields=["status", "responded_at"])
            return assignment
    if assignment.status == AssignmentStatus.EXPIRED:
        raise ValidationError({"status": _("This assignment expired on %(d)s.") % {"d": assignment.window_end}})
    raise ValidationError(
        {
            "status": _("This assignment is %(s)s and can no longer be accepted.")
            % {"s": assignment.get_status_display().lower()}
        }
    )


@transaction.atomic
def assignment_decline(*, assignment: Assignment, auditor: User, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if assignment.auditor_id != auditor.pk:
        raise ValidationError({"assignment": _("This assignment is not yours.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you decline, so HQ can re-plan the visit.")})
    if assignment.status not in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED):
        raise ValidationError(
            {
                "status": _("This assignment is %(s)s and can no longer be declined.")
                % {"s": assignment.get_status_display().lower()}
            }
        )
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason.strip()
    assignment.responded_at = clock.now()
    assignment.save(update_fields=["status", "decline_reason", "responded_at"])
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment) -> Assignment:
    """HQ calls a planned visit off; a visit already made stays."""
    assignment = _locked(assignment)
    if assignment.status not in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED):
        raise ValidationError(
            {
                "status": _("This assignment is %(s)s and can no longer be cancelled.")
                % {"s": assignment.get_status_display().lower()}
            }
        )
    assignment.status = AssignmentStatus.CANCELLED
    assignment.save(update_fields=["status"])
    return assignment


# --- Audit waves ------------------------------------------------------------------------------

WAVE_FIELDS = (
    "name",
    "version",
    "start_date",
    "end_date",
    "visits_per_store_per_month",
    "daypart_quotas",
    "complaint_visits_per_store_per_month",
    "rotation_lockout_days",
    "seed",
)
WAVE_RELATIONS = ("stores", "regions", "scenarios")


def _validate_wave(wave: Wave, *, stores, regions, scenarios) -> None:
    """The model's rules and the many-to-many choices, all problems at once."""
    errors: dict[str, list] = {}
    try:
        wave.full_clean(exclude=["created_by", "committed_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    targets = wave_target_problems(
        stores=stores,
        regions=regions,
        scenarios=scenarios,
        complaint_visits=wave.complaint_visits_per_store_per_month,
    )
    for field, messages in targets.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wave_create(
    *,
    name: str,
    version,
    start_date: dt.date,
    end_date: dt.date,
    visits_per_store_per_month: int = 1,
    daypart_quotas: dict | None = None,
    stores: list[Store] | tuple = (),
    regions: list[Region] | tuple = (),
    scenarios: list | tuple = (),
    complaint_visits_per_store_per_month: int = 1,
    rotation_lockout_days: int = 90,
    seed: int = 0,
    by: User | None = None,
) -> Wave:
    wave = Wave(
        name=name,
        version=version,
        start_date=start_date,
        end_date=end_date,
        visits_per_store_per_month=visits_per_store_per_month,
        daypart_quotas=daypart_quotas or {},
        complaint_visits_per_store_per_month=complaint_visits_per_store_per_month,
        rotation_lockout_days=rotation_lockout_days,
        seed=seed,
        created_by=by,
    )
    stores, regions, scenarios = list(stores), list(regions), list(scenarios)
    _validate_wave(wave, stores=stores, regions=regions, scenarios=scenarios)
    wave.save()
    wave.stores.set(stores)
    wave.regions.set(regions)
    wave.scenarios.set(scenarios)
    return wave


def _refuse_committed(wave: Wave) -> None:
    if wave.is_committed:
        raise ValidationError(
            {
                "status": _("This wave was committed on %(when)s; its assignments exist and it can no longer change.")
                % {"when": wave.committed_at.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")}
            }
        )


@transaction.atomic
def wave_update(*, wave: Wave, **changes) -> Wave:
    """Change a draft wave; ``stores``, ``regions`` and ``scenarios`` replace the current choice."""
    unknown = set(changes) - set(WAVE_FIELDS) - set(WAVE_RELATIONS)
    if unknown:
        raise TypeError(f"wave_update() got unknown fields {sorted(unknown)}")
    wave = Wave.objects.select_for_update(of=("self",)).select_related("version").get(pk=wave.pk)
    _refuse_committed(wave)
    for field in WAVE_FIELDS:
        if field in changes:
            setattr(wave, field, changes[field])
    relations = {
        field: list(changes[field]) if field in changes else list(getattr(wave, field).all())
        for field in WAVE_RELATIONS
    }
    _validate_wave(wave, **relations)
    wave.save()
    for field in WAVE_RELATIONS:
        if field in changes:
            getattr(wave, field).set(relations[field])
    return wave


def wave_preview(*, wave: Wave) -> Plan:
    """The plan committing would create now; writes nothing."""
    return plan_wave(selectors.wave_plan_request(wave=wave))


@transaction.atomic
def wave_commit(*, wave: Wave, by: User) -> list[Assignment]:
    """Plan the wave again (same seed, current data) and offer every filled slot to its auditor."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("version").get(pk=wave.pk)
    _refuse_committed(wave)
    # The version may have been retired, or a store closed, since the wave was drafted.
    wave.full_clean(exclude=["created_by", "committed_by"])
    plan = wave_preview(wave=wave)
    if not plan.slots:
        raise ValidationError(
            {
                "stores": _("No visit of this wave can be planned, so there is nothing to commit (%(n)d unfilled).")
                % {"n": len(plan.unfilled)}
            }
        )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                store_id=slot.store_id,
                auditor_id=slot.auditor_id,
                version_id=wave.version_id,
                window_start=slot.window_start,
                window_end=slot.window_end,
                daypart=slot.daypart,
                scenario_id=slot.scenario_id,
                status=AssignmentStatus.OFFERED,
                created_by=by,
            )
            for slot in plan.slots
        ]
    )
    WaveAssignment.objects.bulk_create([WaveAssignment(wave=wave, assignment=a) for a in assignments])
    wave.status = WaveStatus.COMMITTED
    wave.committed_at = clock.now()
    wave.committed_by = by
    wave.save(update_fields=["status", "committed_at", "committed_by"])
    return assignments


REOFFERABLE = (AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED, AssignmentStatus.CANCELLED)


@transaction.atomic
def assignment_reoffer(
    *,
    assignment: Assignment,
    by: User,
    auditor: User | None = None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
) -> Assignment:
    """A new offer for the same visit: after a decline, an expiry, or a visit that was rejected.

    The old assignment stays as it was (its visit, if any, keeps pointing at it).
    """
    from scorecards.models import VisitStatus

    assignment = _locked(assignment)
    rejected = (
        assignment.status == AssignmentStatus.SUBMITTED
        and getattr(getattr(assignment, "visit", None), "status", None) == VisitStatus.REJECTED
    )
    if assignment.status not in REOFFERABLE and not rejected:
        raise ValidationError(
            {
                "status": _(
                    "Only a declined, expired or cancelled assignment, or one whose visit was rejected, "
                    "can be offered again."
                )
            }
        )
    return assignment_create(
        store=assignment.store,
        auditor=auditor or assignment.auditor,
        version=assignment.version,
        window_start=window_start or assignment.window_start,
        window_end=window_end or assignment.window_end,
        daypart=assignment.daypart,
        scenario=assignment.scenario,
        notes=assignment.notes,
        by=by,
    )
