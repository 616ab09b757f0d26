"""Writes for scorecard templates and versions: drafts, content, publishing."""

from __future__ import annotations

import itertools

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from backend import clock
from backend.errors import InvalidInput, validated
from branches.models import User
from scorecards import scoring
from scorecards.models import (
    Item,
    ItemOption,
    ItemType,
    NumericBand,
    ScorecardTemplate,
    ScorecardVersion,
    Section,
    VersionStatus,
)


def scorecard_version_problems(version: ScorecardVersion) -> list[str]:
    """Everything that stops a version from being published, in words HQ can act on."""
    problems: list[str] = []
    sections = list(version.sections.prefetch_related("items__options", "items__bands"))
    items = [item for section in sections for item in section.items.all()]
    if not sections:
        problems.append(_("The version has no sections."))
    if not items:
        problems.append(_("The version has no items."))
    elif not any(item.type != ItemType.TEXT and item.max_points > 0 for item in items):
        problems.append(_("The version has no scored item."))
    for section in sections:
        if section.weight <= 0:
            problems.append(
                _("Section “%(s)s” has weight %(w)s; weights must be above 0.")
                % {"s": section.key, "w": section.weight}
            )
        if not section.items.all():
            problems.append(_("Section “%(s)s” has no items.") % {"s": section.key})
    seen: set[str] = set()
    for item in items:
        if item.key in seen:
            problems.append(_("Item key “%(k)s” is used more than once.") % {"k": item.key})
        seen.add(item.key)
        problems.extend(_item_problems(item))
    return problems


def _item_problems(item: Item) -> list[str]:
    problems: list[str] = []
    label = item.key
    if item.critical and item.na_allowed:
        problems.append(_("Critical item “%(k)s” may not allow N/A.") % {"k": label})
    if item.critical and item.type == ItemType.TEXT:
        problems.append(_("Critical item “%(k)s” is free text and cannot fail.") % {"k": label})
    if item.type != ItemType.TEXT and item.max_points <= 0:
        problems.append(_("Item “%(k)s” is scored but has no max points.") % {"k": label})
    options = list(item.options.all())
    bands = sorted(item.bands.all(), key=lambda band: band.lower)
    if item.type == ItemType.CHOICE:
        if not options:
            problems.append(_("Choice item “%(k)s” has no options.") % {"k": label})
        for option in options:
            if option.points > item.max_points:
                problems.append(
                    _("Option “%(o)s” of “%(k)s” gives more than the item's max points.")
                    % {"o": option.key, "k": label}
                )
        if options and max(option.points for option in options) != item.max_points:
            problems.append(_("No option of “%(k)s” earns the item's max points.") % {"k": label})
    elif options:
        problems.append(_("Item “%(k)s” has options but is not a choice item.") % {"k": label})
    if item.type == ItemType.NUMERIC:
        problems.extend(_band_problems(label, bands, item.max_points))
    elif bands:
        problems.append(_("Item “%(k)s” has scoring bands but is not numeric.") % {"k": label})
    return problems


def _band_problems(label: str, bands: list[NumericBand], max_points) -> list[str]:
    if not bands:
        return [_("Numeric item “%(k)s” has no scoring bands.") % {"k": label}]
    problems = []
    for band in bands:
        if band.upper is not None and band.upper <= band.lower:
            problems.append(_("A band of “%(k)s” ends at or before it starts (%(b)s).") % {"k": label, "b": band})
        if band.points > max_points:
            problems.append(
                _("A band of “%(k)s” gives more than the item's max points (%(b)s).") % {"k": label, "b": band}
            )
    for lower_band, next_band in itertools.pairwise(bands):
        if lower_band.upper is None or lower_band.upper > next_band.lower:
            problems.append(
                _("Bands of “%(k)s” overlap: %(a)s and %(b)s.") % {"k": label, "a": lower_band, "b": next_band}
            )
        elif lower_band.upper < next_band.lower:
            problems.append(
                _("Bands of “%(k)s” leave a gap between %(a)s and %(b)s.")
                % {"k": label, "a": lower_band.upper, "b": next_band.lower}
            )
    if max(band.points for band in bands) != max_points:
        problems.append(_("No band of “%(k)s” earns the item's max points.") % {"k": label})
    return problems


@transaction.atomic
def scorecard_version_publish(*, version: ScorecardVersion, by: User) -> ScorecardVersion:
    version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise InvalidInput(_("Only a draft can be published; this version is %(s)s.") % {"s": version.status})
    problems = scorecard_version_problems(version)
    if problems:
        raise InvalidInput(problems)
    # The newest published version takes over; the one before it stays readable as retired history.
    ScorecardVersion.objects.filter(template=version.template, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED
    )
    version.status = VersionStatus.PUBLISHED
    version.published_at = clock.now()
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def scorecard_template_create(
    *, code: str, name: str, description: str = "", by: User | None = None
) -> ScorecardTemplate:
    template = ScorecardTemplate(code=code, name=name, description=description)
    validated(template)
    template.save()
    ScorecardVersion.objects.create(template=template, number=1, created_by=by)
    return template


def scorecard_template_update(*, template: ScorecardTemplate, **changes) -> ScorecardTemplate:
    """Rename or redescribe a template (its versions change through drafts). One save: no transaction."""
    for name, value in changes.items():
        setattr(template, name, value)
    validated(template)
    template.save()
    return template


@transaction.atomic
def scorecard_version_create_draft(*, template: ScorecardTemplate, by: User | None = None) -> ScorecardVersion:
    """A new draft copied from the newest version; editing a published standard starts here."""
    template = ScorecardTemplate.objects.select_for_update().get(pk=template.pk)
    if template.versions.filter(status=VersionStatus.DRAFT).exists():
        raise InvalidInput(_("This template already has a draft; edit that one."))
    source = template.versions.order_by("-number").first()
    number = (template.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = ScorecardVersion.objects.create(
        template=template,
        number=number,
        critical_cap=source.critical_cap if source else scoring.ZERO,
        created_by=by,
    )
    if source is not None:
        _copy_content(source, draft)
    return draft


def _copy_content(source: ScorecardVersion, draft: ScorecardVersion) -> None:
    for section in source.sections.prefetch_related("items__options", "items__bands"):
        items = list(section.items.all())
        section.pk = None
        section.version = draft
        section.save()
        for item in items:
            options, bands = list(item.options.all()), list(item.bands.all())
            item.pk = None
            item.section = section
            item.save()
            for child in [*options, *bands]:
                child.pk = None
                child.item = item
                child.save()


@transaction.atomic
def scorecard_version_replace_content(
    *,
    version: ScorecardVersion,
    sections: list[dict],
    critical_cap=None,
    changelog: str | None = None,
) -> ScorecardVersion:
    """Replace a draft's sections, items, options and bands with ``sections``.

    ``sections`` is a list of ``{key, title, weight, items: [{key, type, ..., options, bands}]}``;
    list order becomes the order on the scorecard. Published versions refuse.
    """
    version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise InvalidInput(_("This scorecard version is published and can no longer change; make a new draft."))
    if critical_cap is not None:
        version.critical_cap = critical_cap
    if changelog is not None:
        version.changelog = changelog
    validated(version, exclude=["template", "created_by", "published_by"])
    version.save()
    Section.objects.filter(version=version).delete()
    for section_position, section_data in enumerate(sections):
        item_rows = section_data.get("items", [])
        section = Section(
            version=version,
            key=section_data["key"],
            title=section_data["title"],
            weight=section_data.get("weight", 1),
            position=section_position,
        )
        validated(section, exclude=["version"])
        section.save()
        for item_position, item_data in enumerate(item_rows):
            fields = {k: v for k, v in item_data.items() if k not in ("options", "bands")}
            item = Item(section=section, position=item_position, **fields)
            validated(item, exclude=["section"])
            item.save()
            for option_position, option_data in enumerate(item_data.get("options", [])):
                option = ItemOption(item=item, position=option_position, **option_data)
                validated(option, exclude=["item"])
                option.save()
            for band_data in item_data.get("bands", []):
                band = NumericBand(item=item, **band_data)
                validated(band, exclude=["item"])
                band.save()
    return version
