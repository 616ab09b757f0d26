"""Writes for scorecards and visits: keyword-only, atomic, validated functions."""

from scorecards.services.submissions import (
    ComplaintResult,
    Location,
    PlannedPhoto,
    Receipt,
    Submission,
    SubmissionConflict,
    SubmissionOutcome,
    SubmittedAnswer,
    submission_fingerprint,
    visit_submit,
)
from scorecards.services.versions import (
    scorecard_template_create,
    scorecard_version_create_draft,
    scorecard_version_problems,
    scorecard_version_publish,
    scorecard_version_replace_content,
)
from scorecards.services.visits import AnswerInput, ComplaintInput, visit_record, visit_release

__all__ = [
    "AnswerInput",
    "ComplaintInput",
    "ComplaintResult",
    "Location",
    "PlannedPhoto",
    "Receipt",
    "Submission",
    "SubmissionConflict",
    "SubmissionOutcome",
    "SubmittedAnswer",
    "scorecard_template_create",
    "scorecard_version_create_draft",
    "scorecard_version_problems",
    "scorecard_version_publish",
    "scorecard_version_replace_content",
    "submission_fingerprint",
    "visit_record",
    "visit_release",
    "visit_submit",
]
