"""Serializer fields the API's input serializers share."""

from __future__ import annotations

import decimal

from rest_framework import serializers


class RoundedDecimalField(serializers.DecimalField):
    """A number of any precision, rounded (half-even) to ``decimal_places`` instead of refused.

    For measurements a client reports at whatever precision it has, e.g. a phone's GPS fix
    (``31.2397123``, ``"accuracy": 15.25``): DRF's ``DecimalField`` refuses more decimal places
    than it stores; this one rounds to them first, then checks the digits and the range
    (``min_value``/``max_value``) on the rounded value. Inputs are JSON numbers or numeric
    strings; the schema says ``type: number`` (``coerce_to_string=False``).
    """

    def __init__(self, *args, rounding: str = decimal.ROUND_HALF_EVEN, coerce_to_string: bool = False, **kwargs):
        super().__init__(*args, rounding=rounding, coerce_to_string=coerce_to_string, **kwargs)

    def validate_precision(self, value: decimal.Decimal) -> decimal.Decimal:
        if self.decimal_places is not None:
            try:
                value = value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places), rounding=self.rounding)
                if value.is_zero():
                    value = value.copy_abs()  # -0.0000004 rounds to 0.000000, not -0.000000
            except decimal.InvalidOperation:
                pass  # too many digits to round: super() refuses it (max_digits)
        return super().validate_precision(value)
