from coaching.models.actions import ACTION_MAX_LENGTH, ActionItem, ActionStatus, overdue_q, store_standards
from coaching.models.reports import CoachingReport, ReportStatus, coaching_report_upload_to

__all__ = [
    "ACTION_MAX_LENGTH",
    "ActionItem",
    "ActionStatus",
    "CoachingReport",
    "ReportStatus",
    "coaching_report_upload_to",
    "overdue_q",
    "store_standards",
]
