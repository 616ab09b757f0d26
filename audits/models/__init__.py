from audits.models.assignments import Assignment, AssignmentStatus
from audits.models.auditors import AuditorCertification, AuditorProfile
from audits.models.photos import PhotoStatus, VisitPhoto
from audits.models.reviews import AnswerAmendment, Dispute, DisputeStatus, ReviewComment, VisitRevision
from audits.models.visits import (
    DAYPART_HOURS,
    Answer,
    Channel,
    Daypart,
    Visit,
    VisitFlag,
    VisitSectionScore,
    VisitStatus,
)
from audits.models.waves import Wave, WaveAssignment, WaveStatus

__all__ = [
    "DAYPART_HOURS",
    "Answer",
    "AnswerAmendment",
    "Assignment",
    "AssignmentStatus",
    "AuditorCertification",
    "AuditorProfile",
    "Channel",
    "Daypart",
    "Dispute",
    "DisputeStatus",
    "PhotoStatus",
    "ReviewComment",
    "Visit",
    "VisitFlag",
    "VisitPhoto",
    "VisitRevision",
    "VisitSectionScore",
    "VisitStatus",
    "Wave",
    "WaveAssignment",
    "WaveStatus",
]
