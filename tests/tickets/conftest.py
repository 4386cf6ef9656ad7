"""Agent workspace fixtures: attachments in a temporary folder, private creation on."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def agent_client(client_for, acme_agent):
    return client_for(acme_agent)


def upload(name: str, content: bytes = b"hello, world\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def htmx(client, url: str, **params):
    """A GET as htmx sends it (the fragment, not the page)."""
    return client.get(url, params, headers={"HX-Request": "true"})
