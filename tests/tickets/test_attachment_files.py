"""Attachments through every surface that takes or serves them: a file's name never keeps
a character that means something in HTML or in a header, and the agent workspace and the
help center answer a download alike (404 for a file gone from storage, never cached)."""

from __future__ import annotations

import pytest

from tests.api.conftest import basic_header, token_for
from tests.factories import make_ticket
from tests.tickets.conftest import upload
from tickets.models import Attachment
from tickets.services import comment_add

HOSTILE = 'a<b>"c".txt'


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Files")


def stored_names(acme) -> list[str]:
    return list(Attachment.objects.for_account(acme).values_list("filename", flat=True))


def assert_no_markup(name: str) -> None:
    assert not set(name) & set('<>"'), name
    assert name.endswith(".txt")


def test_agent_reply_attachment_name_loses_markup_characters(acme, ticket, agent_client):
    response = agent_client.post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "public", "body": "file", "attachments": [upload(HOSTILE)]},
    )
    assert response.status_code == 302
    [name] = stored_names(acme)
    assert_no_markup(name)


def test_help_center_attachment_name_loses_markup_characters(acme, ticket, acme_user, client_for):
    response = client_for(acme_user).post(
        f"/hc/requests/{ticket.number}/", {"body": "file", "attachments": [upload(HOSTILE)]}
    )
    assert response.status_code == 302
    [name] = stored_names(acme)
    assert_no_markup(name)


def test_api_upload_name_loses_markup_characters(acme, acme_user, client_for):
    client = client_for(account=acme)
    response = client.generic(
        "POST",
        "/api/v2/uploads.json?filename=" + "a%3Cb%3E%22c%22.txt",
        b"hello",
        content_type="text/plain",
        headers={"Authorization": basic_header(acme_user.email, token_for(acme_user))},
    )
    assert response.status_code == 201
    assert_no_markup(response.json()["upload"]["attachment"]["file_name"])
    [name] = stored_names(acme)
    assert_no_markup(name)


# One download response for the agent workspace and the help center
@pytest.fixture
def attachment(ticket, acme_agent):
    comment = comment_add(
        ticket=ticket, author=acme_agent, body="files", public=True, uploads=[upload("notes.txt")]
    )
    return comment.attachments.get()


def download_urls(ticket, attachment) -> dict[str, str]:
    return {
        "agent": f"/agent/tickets/{ticket.number}/attachments/{attachment.token}/",
        "portal": f"/hc/requests/{ticket.number}/attachments/{attachment.token}/",
    }


@pytest.mark.parametrize("surface", ["agent", "portal"])
def test_download_is_never_cached_and_never_sniffed(
    surface, ticket, attachment, acme_agent, acme_user, client_for
):
    client = client_for(acme_agent if surface == "agent" else acme_user)
    response = client.get(download_urls(ticket, attachment)[surface])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello, world\n"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("surface", ["agent", "portal"])
def test_download_of_a_file_gone_from_storage_is_404(
    surface, ticket, attachment, acme_agent, acme_user, client_for
):
    attachment.file.storage.delete(attachment.file.name)
    client = client_for(acme_agent if surface == "agent" else acme_user)
    client.raise_request_exception = False
    assert client.get(download_urls(ticket, attachment)[surface]).status_code == 404
