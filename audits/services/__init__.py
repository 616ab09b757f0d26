"""Writes for the field work: keyword-only, atomic, validated functions."""

from audits.services.submissions import (
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
from audits.services.visits import AnswerInput, ComplaintInput, visit_record, visit_release

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
    "submission_fingerprint",
    "visit_record",
    "visit_release",
    "visit_submit",
]
