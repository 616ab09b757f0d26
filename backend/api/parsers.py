"""The API's body parsers: DRF's, made safe.

``JSONParser`` is the default (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): every request body
is JSON, one content type, unless the view takes a file. Those views (a visit's photo, a
dispute's evidence) set ``parser_classes`` to ``MultiPartParser``; the schema then declares
``multipart/form-data`` for them and nothing else. ``FormParser`` is here for a view that would
need ``application/x-www-form-urlencoded``; none does today.

Each parses exactly as DRF does, then refuses what no field can hold (``backend.hostile_input``)
with a 400 naming the path to the value, before any serializer, hash or query sees it: NUL
characters, lone surrogates, integers outside 64 bits, infinite numbers, nesting deeper than
``MAX_DEPTH``. A view that sets its own ``parser_classes`` should take them from here.
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from backend.hostile_input import INT64_MAX, INT64_MIN, MAX_DEPTH, json_errors, query_dict_errors, too_deep_errors


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
            raise ValidationError(too_deep_errors(raw.decode(encoding, errors="replace"))) from None
        errors = json_errors(data)
        if errors:
            raise ValidationError(errors)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        errors = query_dict_errors(data)
        if errors:
            raise ValidationError(errors)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Text fields are checked; files are left to the fields that read them."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        errors = query_dict_errors(parsed.data)
        if errors:
            raise ValidationError(errors)
        return parsed


__all__ = ["INT64_MAX", "INT64_MIN", "MAX_DEPTH", "FormParser", "JSONParser", "MultiPartParser"]
