from scorecards.models.complaints import ComplaintScenario, RubricItem
from scorecards.models.photos import PhotoStatus, VisitPhoto
from scorecards.models.reviews import AnswerAmendment, Dispute, DisputeStatus, ReviewComment, VisitRevision
from scorecards.models.templates import (
    Item,
    ItemOption,
    ItemType,
    NumericBand,
    PublishedVersionError,
    ScorecardTemplate,
    ScorecardVersion,
    Section,
    VersionStatus,
)
from scorecards.models.visits import (
    DAYPART_HOURS,
    Answer,
    Channel,
    Daypart,
    Visit,
    VisitFlag,
    VisitSectionScore,
    VisitStatus,
)

__all__ = [
    "DAYPART_HOURS",
    "Answer",
    "AnswerAmendment",
    "Channel",
    "ComplaintScenario",
    "Daypart",
    "Dispute",
    "DisputeStatus",
    "Item",
    "ItemOption",
    "ItemType",
    "NumericBand",
    "PhotoStatus",
    "PublishedVersionError",
    "ReviewComment",
    "RubricItem",
    "ScorecardTemplate",
    "ScorecardVersion",
    "Section",
    "VersionStatus",
    "Visit",
    "VisitFlag",
    "VisitPhoto",
    "VisitRevision",
    "VisitSectionScore",
    "VisitStatus",
]
