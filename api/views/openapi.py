"""/api/v2/openapi.json: the description of the API, readable without a token (it is
documentation, and says nothing about any account's data)."""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.openapi import openapi_schema
from api.views.base import ApiView


class OpenApiSchema(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        server = request._request.build_absolute_uri("/api/v2")
        return Response(openapi_schema(server_url=server))
