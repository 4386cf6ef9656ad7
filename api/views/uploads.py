"""/api/v2/uploads.json?filename=…: the file is the raw request body (as Zendesk takes
it); the answer's token goes into a later comment's ``uploads``."""

from __future__ import annotations

from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from api import services
from api.errors import PayloadTooLarge
from api.permissions import IsAccountUser
from api.serializers import output
from api.views.base import ApiView, query_param


class RawBodyParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream


class UploadCreate(ApiView):
    # End users attach files to their requests too.
    permission_classes = [IsAccountUser]
    parser_classes = [RawBodyParser]

    def initial(self, request, *args, **kwargs):
        account = getattr(request._request, "account", None)
        if account is not None:
            # Room for the account's largest file and no more: refused before reading.
            self.body_limit = account.max_attachment_size_kb * 1024 + 1
        super().initial(request, *args, **kwargs)

    def post(self, request):
        limit = request.account.max_attachment_size_kb * 1024
        content = request._request.read(limit + 1)
        if len(content) > limit:
            raise PayloadTooLarge(
                f"Files are limited to {request.account.max_attachment_size_kb} KB."
            )
        attachment = services.api_upload_create(
            account=request.account,
            uploader=request.user,
            filename=query_param(request, "filename"),
            content=content,
        )
        return Response(
            {
                "upload": {
                    "token": attachment.token,
                    "expires_at": None,
                    "attachment": output.attachment_json(attachment, request),
                    "attachments": [output.attachment_json(attachment, request)],
                }
            },
            status=status.HTTP_201_CREATED,
        )
