"""Admin pages for the field work, registered when Django's admin autodiscovers ``audits.admin``."""

from audits.admin import planning, visits

__all__ = ["planning", "visits"]
