"""Small formatting helpers for the dashboard templates, localised like Django's own filters."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value, places: int = 0):
    """0.25 -> "25%" (localised number); "–" without a value."""
    if value is None or value == "":
        return "–"
    return f"{formats.number_format(float(value) * 100, int(places))}%"


@register.filter
def score(value, places: int = 1):
    """A score with one decimal, localised; "–" without a value."""
    if value is None or value == "":
        return "–"
    return formats.number_format(float(value), int(places))


@register.filter
def signed(value, places: int = 1):
    """A difference with its sign: +2.3, −1.0, ±0.0; "–" without a value."""
    if value is None or value == "":
        return "–"
    number = float(value)
    text = formats.number_format(abs(number), int(places))
    if round(number, int(places)) > 0:
        return f"+{text}"
    if round(number, int(places)) < 0:
        return f"−{text}"
    return f"±{text}"


@register.filter
def direction(value):
    """A word for screen readers beside an arrow: up, down or unchanged."""
    if value is None:
        return ""
    if value > 0:
        return _("up")
    if value < 0:
        return _("down")
    return _("unchanged")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def month_tick(context, day):
    """A month on a chart axis: "Nov" in English, "11月" in Chinese (the format is translated)."""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import pgettext

    return date_format(day, pgettext("PHP date format of a month on a chart axis", "M"))


@register.filter
def get_index(sequence, index):
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return None
