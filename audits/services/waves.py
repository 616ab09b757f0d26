"""Writes for waves: create, update, preview the plan, commit it as assignments."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audits import selectors as audit_selectors
from audits.models import Assignment, AssignmentStatus, Wave, WaveAssignment, WaveStatus
from audits.models.waves import wave_target_problems
from audits.planning import Plan, plan_wave
from backend import clock
from backend.errors import InvalidInput, validated
from branches.models import Region, Store, User

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
        validated(wave, exclude=["created_by", "committed_by"])
    except InvalidInput as error:
        errors.update(error.errors)
    targets = wave_target_problems(
        stores=stores,
        regions=regions,
        scenarios=scenarios,
        complaint_visits=wave.complaint_visits_per_store_per_month,
    )
    for field, messages in targets.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidInput(errors)


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
        raise InvalidInput(
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
    return plan_wave(audit_selectors.wave_plan_request(wave=wave))


@transaction.atomic
def wave_commit(*, wave: Wave, by: User) -> list[Assignment]:
    """Plan the wave again (same seed, current data) and offer every filled slot to its auditor."""
    wave = Wave.objects.select_for_update(of=("self",)).select_related("version").get(pk=wave.pk)
    _refuse_committed(wave)
    # The version may have been retired, or a store closed, since the wave was drafted.
    validated(wave, exclude=["created_by", "committed_by"])
    plan = wave_preview(wave=wave)
    if not plan.slots:
        raise InvalidInput(
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
