"""Writes for coaching: action plans, follow-up visits and the coaching report jobs."""

from coaching.services.actions import (
    action_item_complete,
    action_item_create,
    action_item_reopen,
    action_item_update,
    followup_visit_plan,
)
from coaching.services.reports import coaching_period, coaching_report_render, coaching_report_request, dispatch

__all__ = [
    "action_item_complete",
    "action_item_create",
    "action_item_reopen",
    "action_item_update",
    "coaching_period",
    "coaching_report_render",
    "coaching_report_request",
    "dispatch",
    "followup_visit_plan",
]
