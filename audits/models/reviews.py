"""What happens to a visit after it is submitted: revisions, review comments, amendments, disputes.

Nothing here is ever overwritten: a resubmission keeps the revision before it, an amendment
keeps the answer before it, and every change says who made it, when and why.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits import scoping
from audits.models.photos import photo_upload_to
from backend import clock


class VisitRevision(models.Model):
    """A submission as it stood before the auditor resubmitted it."""

    visit = models.ForeignKey("audits.Visit", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    answers = models.JSONField(_("answers"), help_text=_("[{item, value, na, comment, earned, possible}]"))
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    score_uncapped = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    submitted_at = models.DateTimeField()
    returned_note = models.TextField(blank=True)
    archived_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["visit", "number"]
        constraints = [models.UniqueConstraint(fields=["visit", "number"], name="one_revision_number_per_visit")]

    def __str__(self) -> str:
        return f"{self.visit_id} r{self.number}"


class ReviewComment(models.Model):
    """A reviewer's note to the auditor when returning a visit, on the whole visit or on one item."""

    visit = models.ForeignKey("audits.Visit", on_delete=models.CASCADE, related_name="review_comments")
    revision = models.PositiveSmallIntegerField()
    item = models.ForeignKey("scorecards.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.comment[:40]


class AnswerAmendment(models.Model):
    """A reviewer changed an answer: the answer before, the answer after, and the scores both gave."""

    visit = models.ForeignKey("audits.Visit", on_delete=models.CASCADE, related_name="amendments")
    item = models.ForeignKey("scorecards.Item", on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(_("answer before"))
    after = models.JSONField(_("answer after"))
    score_before = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    score_after = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    reason = models.TextField(_("reason"))
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(default=clock.now, editable=False)
    dispute = models.ForeignKey(
        "audits.Dispute", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.item_id}: {self.score_before} -> {self.score_after}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: the score stands")
    AMENDED = "amended", _("Amended: the score changed")


class DisputeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DisputeQuerySet":
        return self.filter(scoping.dispute_q(user))


class Dispute(models.Model):
    """A store manager contests one item of a released visit; a reviewer settles it."""

    visit = models.ForeignKey("audits.Visit", on_delete=models.PROTECT, related_name="disputes")
    item = models.ForeignKey("scorecards.Item", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes")
    reason = models.TextField(_("reason"))
    photo = models.ImageField(upload_to=photo_upload_to, blank=True)
    status = models.CharField(max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # Idempotency (``backend.idempotency``): the key the store manager's client made for this
    # dispute, sent again on a retry, and a hash of what was asked (photo included).
    client_key = models.UUIDField(_("client key"), null=True, blank=True, editable=False)
    client_fingerprint = models.CharField(_("client fingerprint"), max_length=64, blank=True, editable=False)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "item"],
                condition=models.Q(status=DisputeStatus.OPEN),
                name="one_open_dispute_per_item",
                violation_error_message=_("This item already has an open dispute."),
            ),
            models.UniqueConstraint(
                fields=["raised_by", "client_key"],
                name="dispute_client_key_once_per_author",
                violation_error_message=_("You already opened a dispute with this client key."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.item_id} ({self.status})"
