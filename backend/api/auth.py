from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from backend.api.parsers import JSONParser


class ObtainTokenView(ObtainAuthToken):
    """``{"username", "password"}`` -> ``{"token"}``; send it as ``Authorization: Token <token>``."""

    # JSON only, like every other body of the API (DRF's view would also take form data).
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
