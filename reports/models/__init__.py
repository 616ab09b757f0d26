from reports.models.jobs import CoachingReport, ReportStatus

__all__ = ["CoachingReport", "ReportStatus"]
