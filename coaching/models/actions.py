"""Action plans: what a store commits to do about the standards it misses.

A store manager reads the store's weakest standards (``reports.selectors.store_weaknesses``)
and records, per standard, an action, the staff member who owns it and a due date, then marks
it done. The regional manager follows open and overdue actions across the region; HQ may plan a
follow-up visit for a store whose actions are overdue (``coaching.services.followup_visit_plan``),
which the store side never learns of.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, Q
from django.utils.translation import gettext_lazy as _

from audits.models import Visit, VisitStatus
from backend import clock
from coaching import scoping
from scorecards.models import Item, ItemType, ScorecardVersion, VersionStatus
from scorecards.models.templates import KEY_REGEX, key_validator_message

# A TextField's max_length only sizes form widgets; the validator makes full_clean() enforce it.
ACTION_MAX_LENGTH = 2000


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


def overdue_q(today, prefix: str = "") -> Q:
    """Overdue: open, and due before ``today`` (an action due today is not late yet).

    ``prefix`` points at an action-item relation (e.g. ``"action_items__"`` from a store).
    """
    return Q(**{f"{prefix}status": ActionStatus.OPEN, f"{prefix}due_on__lt": today})


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionItemQuerySet:
        return self.filter(scoping.action_item_q(user))

    def overdue(self, today) -> ActionItemQuerySet:
        return self.filter(overdue_q(today))


def store_standards(store_id: int) -> models.QuerySet[Item]:
    """The scored items a store may plan actions on.

    The standards the store was measured against: the items of every scorecard version of its
    *released* visits, and of the currently published version of those templates (the standard
    it will be held to next). A store with no released visit yet (newly opened) may prepare for
    any published standard. Only released visits count, as everywhere on the store side: an
    unreleased visit on a new version must not be betrayed by the keys it accepts. Free-text
    items are unscored, so they are nothing a store can fail or improve on.
    """
    released = Visit.objects.filter(store_id=store_id, status=VisitStatus.RELEASED)
    versions = ScorecardVersion.objects.filter(
        Q(pk__in=released.values("version_id"))
        | Q(status=VersionStatus.PUBLISHED)
        & (Q(template_id__in=released.values("version__template_id")) | ~Exists(released))
    )
    return Item.objects.filter(section__version__in=versions).exclude(type=ItemType.TEXT)


def standard_prompt(*, store_id: int, item_key: str) -> str | None:
    """The prompt of the newest version of ``item_key`` the store may plan on, or None.

    Newest, like the prompt ``store_weaknesses`` shows next to the item, so the action reads
    the way the store manager saw the standard when planning it.
    """
    return (
        store_standards(store_id)
        .filter(key=item_key)
        .order_by(F("section__version__published_at").desc(nulls_last=True), "-section__version__number", "-id")
        .values_list("prompt", flat=True)
        .first()
    )


class ActionItem(models.Model):
    """One commitment of a store: for this standard, this action, by this person, by this day."""

    store = models.ForeignKey(
        "branches.Store", on_delete=models.PROTECT, related_name="action_items", verbose_name=_("store")
    )
    item_key = models.CharField(
        _("item key"),
        max_length=64,
        validators=[RegexValidator(KEY_REGEX, key_validator_message)],
        help_text=_("The key of the scorecard item (standard) the action addresses."),
    )
    # A snapshot: a later scorecard version may reword the item; the plan keeps what was agreed.
    standard = models.CharField(_("standard"), max_length=255, editable=False)
    action = models.TextField(
        _("action"), max_length=ACTION_MAX_LENGTH, validators=[MaxLengthValidator(ACTION_MAX_LENGTH)]
    )
    owner = models.CharField(
        _("owner"), max_length=120, help_text=_("The staff member responsible (a name, not an account).")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    # Set on every save (as auto_now would, but from the project's clock).
    updated_at = models.DateTimeField(_("updated at"), default=clock.now, editable=False)
    # Idempotency: the key the author's client made for this action (a retry sends it again) and
    # a hash of what was asked, so a retry is recognised and a reused key with other values is not.
    client_key = models.UUIDField(
        _("client key"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Made by the author's client once per new action; a retry sends it again."),
    )
    client_fingerprint = models.CharField(_("client fingerprint"), max_length=64, blank=True, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["store", "status", "due_on"], name="action_store_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, done_at__isnull=False)
                | Q(status=ActionStatus.OPEN, done_at__isnull=True),
                name="action_done_at_iff_done",
                violation_error_message=_("An action has a completion time exactly when it is done."),
            ),
            # Per author: a key is the author's client's, and another user's keys are none of
            # anyone's business (no 409 telling them a key exists). NULL keys never clash.
            models.UniqueConstraint(
                fields=["created_by", "client_key"],
                name="action_client_key_once_per_author",
                violation_error_message=_("You already recorded an action with this client key."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store.code} {self.item_key}: {self.action[:40]}"

    def save(self, *args, **kwargs) -> None:
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """The invariants; on creation, also snapshot the standard's wording from the item key.

        The item key is checked (and the standard captured) only when the action is created:
        afterwards neither changes, and a scorecard version retired since must not block
        completing an action planned on it.
        """
        errors: dict[str, str] = {}
        if (self.status == ActionStatus.DONE) != (self.done_at is not None):
            errors["done_at"] = _("An action has a completion time exactly when it is done.")
        if self.store_id and self.store.is_competitor:
            errors["store"] = _("Competitor stores are visited for benchmarking; they have no action plan.")
        elif self._state.adding and self.store_id and self.item_key:
            prompt = standard_prompt(store_id=self.store_id, item_key=self.item_key)
            if prompt is None:
                errors["item_key"] = _(
                    "“%(key)s” is not a scored standard this store was audited on or is held to."
                ) % {"key": self.item_key}
            else:
                self.standard = prompt
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE
