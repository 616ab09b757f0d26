from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from backend.api.parsers import JSONParser
from backend.api.problems import problem_for
from backend.errors import InvalidInput


class ObtainTokenView(ObtainAuthToken):
    """``{"username", "password"}`` -> ``{"token"}``; send it as ``Authorization: Token <token>``."""

    # JSON only, like every other body of the API (DRF's view would also take form data).
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Log in: exchange a username and password for an API token",
        description=(
            "Send the token on every other request as `Authorization: Token <token>`. The token does not "
            "expire; the same user always gets the same token. Wrong credentials answer 400 with "
            "`non_field_errors`."
        ),
        # "Token" + COMPONENT_SPLIT_REQUEST's suffix: the component is TokenRequest.
        request=inline_serializer(
            "Token",
            {"username": serializers.CharField(), "password": serializers.CharField(style={"input_type": "password"})},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Unknown user, wrong password, or a field missing."),
        },
        examples=[
            OpenApiExample(
                "An auditor logs in",
                value={"username": "auditor-01", "password": "incognito-demo"},
                request_only=True,
            ),
            OpenApiExample(
                "The token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Wrong password",
                value=problem_for(InvalidInput("Unable to log in with provided credentials.")).body(),
                response_only=True,
                status_codes=["400"],
            ),
        ],
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
