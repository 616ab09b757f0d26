from scorecards.models.complaints import ComplaintScenario, RubricItem
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

__all__ = [
    "ComplaintScenario",
    "Item",
    "ItemOption",
    "ItemType",
    "NumericBand",
    "PublishedVersionError",
    "RubricItem",
    "ScorecardTemplate",
    "ScorecardVersion",
    "Section",
    "VersionStatus",
]
