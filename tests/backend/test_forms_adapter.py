"""backend.forms: a service's refusal onto a dashboard form, or into the admin's messages."""

import pytest
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError

from backend.errors import Conflict, Forbidden, InvalidInput
from backend.forms import refusal_messages, refusal_onto


class DueForm(forms.Form):
    due_on = forms.CharField(required=False)


def _form():
    form = DueForm({"due_on": "2020-01-01"})
    assert form.is_valid()
    return form


def test_field_reasons_land_on_their_field_and_the_rest_on_the_form():
    form = _form()
    with refusal_onto(form) as refused:
        raise InvalidInput({"due_on": "In the past.", "store": "Closed."})
    assert refused and isinstance(refused.error, InvalidInput)
    assert form.errors["due_on"] == ["In the past."]
    assert form.non_field_errors() == ["Closed."]


def test_a_plain_refusal_a_conflict_and_a_models_error_are_the_forms_own():
    for error, expected in [
        (InvalidInput("Only reviewers."), ["Only reviewers."]),
        (Conflict("Sent before."), ["Sent before."]),
        (DjangoValidationError("A model refusal."), ["A model refusal."]),
        (InvalidInput({"answers": {"k": "Bad."}}), ["k: Bad."]),
    ]:
        form = _form()
        with refusal_onto(form) as refused:
            raise error
        assert refused.error is error
        assert form.non_field_errors() == expected, error


def test_nothing_refused_leaves_the_form_alone():
    form = _form()
    with refusal_onto(form) as refused:
        pass
    assert not refused and form.errors == {}


def test_forbidden_is_not_a_form_error_it_stays_a_403():
    form = _form()
    with pytest.raises(Forbidden), refusal_onto(form):
        raise Forbidden("Readers do not write.")
    assert form.errors == {}


class _Admin:
    def __init__(self):
        self.sent = []

    def message_user(self, request, message, level):
        self.sent.append((message, level))


def test_admin_actions_get_one_error_message_per_reason_naming_the_subject():
    admin = _Admin()
    with refusal_messages(admin, None, "V-1") as refused:
        raise InvalidInput({"status": "Not submitted.", "note": ["Say why."]})
    assert refused
    assert admin.sent == [("V-1: Not submitted.", messages.ERROR), ("V-1: Say why.", messages.ERROR)]

    one_line = _Admin()
    with refusal_messages(one_line, None, "Wave", one_line=True):
        raise InvalidInput({"status": "Committed.", "stores": "None planned."})
    assert one_line.sent == [("Wave: Committed. None planned.", messages.ERROR)]
