"""Small formatting helpers for the dashboard templates, localised like Django's own filters."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


def _fixed(value, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals, in the language's number format."""
    exponent = Decimal(1).scaleb(-int(places))
    return formats.number_format(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP), int(places))


@register.filter
def percent(value, places: int = 0):
    """0.25 -> "25%" (localised number); "–" without a value."""
    if value is None or value == "":
        return "–"
    return f"{_fixed(Decimal(str(value)) * 100, places)}%"


@register.filter
def score(value, places: int = 1):
    """A score with one decimal, localised; "–" without a value."""
    if value is None or value == "":
        return "–"
    return _fixed(value, places)


@register.filter
def signed(value, places: int = 1):
    """A difference with its sign: +2.3, −1.0, ±0.0; "–" without a value."""
    if value is None or value == "":
        return "–"
    text = _fixed(abs(Decimal(str(value))), places)
    if Decimal(text.replace(",", ".")) == 0:
        return f"±{text}"
    return f"+{text}" if value > 0 else f"−{text}"


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
