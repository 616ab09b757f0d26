"""Forms of the dashboard. Report filters are validated by the API's own FilterSets
(``reports.filters``), so a page accepts and refuses exactly what the API does."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DisputeForm(forms.Form):
    """Contest one item of a recent released visit; ``audits.services.reviews.dispute_open`` decides."""

    visit = forms.ChoiceField(label=_("Visit"))
    item = forms.ChoiceField(label=_("Standard"))
    reason = forms.CharField(
        label=_("What is wrong with this item?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("Photo evidence (optional: JPEG, PNG or WebP)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, visits: list[dict], items: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].choices = [("", _("Choose a visit"))] + [
            (
                visit["reference"],
                f"{visit['reference']} · {formats.date_format(visit['visited_on'])} · {visit['score']}",
            )
            for visit in visits
        ]
        self.fields["item"].choices = [("", _("Choose a standard"))] + [(item["key"], item["prompt"]) for item in items]
        self.items = items
        self.visits = visits

    def describe_errors(self) -> None:
        """Point every invalid input at its message (``aria-describedby``) and mark it invalid."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"
