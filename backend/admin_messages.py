"""How admin pages report a refused write: one error message per reason, naming the object."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError


def report_refusal(model_admin: admin.ModelAdmin, request, subject, error: ValidationError) -> None:
    for message in error.messages:
        model_admin.message_user(request, f"{subject}: {message}", messages.ERROR)
