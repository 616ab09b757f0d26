"""Writes for scorecards: keyword-only, atomic, validated functions."""

from scorecards.services.versions import (
    scorecard_template_create,
    scorecard_template_update,
    scorecard_version_create_draft,
    scorecard_version_problems,
    scorecard_version_publish,
    scorecard_version_replace_content,
)

__all__ = [
    "scorecard_template_create",
    "scorecard_template_update",
    "scorecard_version_create_draft",
    "scorecard_version_problems",
    "scorecard_version_publish",
    "scorecard_version_replace_content",
]
