"""Interoperability: the real Zendesk client library, zenpy, unchanged, drives the
running app over HTTP exactly as it drives Zendesk."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, Organization, Ticket, User

from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def zenpy(live_server, monkeypatch, acme, acme_agent):
    """Zenpy(subdomain="acme", domain="localhost:PORT") against the live server."""
    acme.private_tickets_enabled = True
    acme.save()

    # *.localhost is loopback (RFC 6761); browsers know it, this machine's resolver not.
    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    port = urlsplit(live_server.url).port
    client = Zenpy(
        subdomain="acme",
        domain=f"localhost:{port}",
        email=acme_agent.email,
        token=token_for(acme_agent),
    )
    # zenpy's users.requested(user) first looks for a cached *ticket* whose id is the
    # user's id. Zendesk's ids rarely collide across types; ours are small per-account
    # numbers and do, so the cache would answer a ticket. Its own switch turns that off.
    client.disable_caching()
    return client


def test_zenpy_drives_the_api_unchanged(zenpy):
    user = zenpy.users.create(User(name="Zoe Zenpy", email="zoe@zenpy.example"))
    assert user.id and user.role == "end-user"
    org = zenpy.organizations.create(Organization(name="Zenpy Org", domain_names=["zen.example"]))
    assert org.id and org.name == "Zenpy Org"

    public = zenpy.tickets.create(
        Ticket(
            subject="Printer on fire",
            requester_id=user.id,
            type="question",
            tags=["printer"],
            comment=Comment(body="The printer is on fire", public=True),
        )
    ).ticket
    private = zenpy.tickets.create(
        Ticket(
            subject="Printer security review",
            requester_id=user.id,
            comment=Comment(body="Internal: check the firmware", public=False),
        )
    ).ticket
    assert public.is_public is True and public.type == "question"
    assert private.is_public is False

    # Comments: an internal note keeps it private; a public reply makes it public.
    private.comment = Comment(body="Still checking", public=False)
    still_private = zenpy.tickets.update(private).ticket
    assert still_private.is_public is False
    still_private.comment = Comment(body="Firmware updated, all good", public=True)
    made_public = zenpy.tickets.update(still_private).ticket
    assert made_public.is_public is True

    public.comment = Comment(body="A technician is on the way")
    public.status = "pending"
    updated = zenpy.tickets.update(public).ticket
    assert updated.status == "pending"

    requested = sorted(t.subject for t in zenpy.users.requested(user))
    assert requested == ["Printer on fire", "Printer security review"]

    found = [t.id for t in zenpy.search("printer", type="ticket", status="pending")]
    assert found == [public.id]
    assert {t.id for t in zenpy.search("fire", type="ticket")} == {public.id}

    comments = [(c.body, c.public) for c in zenpy.tickets.comments(ticket=made_public.id)]
    assert comments == [
        ("Internal: check the firmware", False),
        ("Still checking", False),
        ("Firmware updated, all good", True),
    ]
    assert zenpy.tickets(id=public.id).requester.email == "zoe@zenpy.example"


def test_zenpy_updates_a_list_of_tickets_in_one_job(zenpy):
    """zenpy's tickets.update([t1, t2]) sends Zendesk's list form to update_many (no ids)."""
    first, second = (
        zenpy.tickets.create(Ticket(subject=s, comment=Comment(body="Help"))).ticket
        for s in ("First", "Second")
    )
    first.priority = "low"
    second.status = "open"
    job = zenpy.tickets.update([first, second])
    assert job.id and job.status in ("queued", "working", "completed")

    final = zenpy.job_status(id=job.id)  # Celery runs eagerly here: done at commit
    assert final.status == "completed"
    assert [(r.id, r.success) for r in final.results] == [(first.id, True), (second.id, True)]
    assert zenpy.tickets(id=first.id).priority == "low"
    assert zenpy.tickets(id=second.id).status == "open"


def test_zenpy_updates_an_organization_and_files_a_user_under_one_by_name(zenpy):
    org = zenpy.organizations.create(Organization(name="Zen Org"))
    org.notes = "Renews in May"
    updated = zenpy.organizations.update(org)  # PUT organizations/{id}.json
    assert updated.notes == "Renews in May" and updated.updated_at

    user = zenpy.users.create(
        User(name="Ola", email="ola@zen.example", organization=Organization(name="Zen Org"))
    )
    assert user.organization_id == org.id
