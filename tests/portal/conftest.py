"""Help-center fixtures: attachments stored in a temporary folder, small file builders,
ticket fields with requests to filter on."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tickets.services import ticket_update

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def upload(name: str, content: bytes = b"hello, world\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def field_filters(acme):
    """Ticket fields end users filter on (model, warranty, rooms) and an agent-only one
    (secret) whose values must never be probed (issue 19)."""
    return {
        "model": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Model",
            title_in_portal="Your printer",
            visible_in_portal=True,
            options=[{"name": "Laser", "value": "laser"}, {"name": "Inkjet", "value": "inkjet"}],
        ),
        "warranty": ticket_field_create(
            account=acme, kind="checkbox", title="Warranty", visible_in_portal=True
        ),
        "rooms": ticket_field_create(
            account=acme,
            kind="multiselect",
            title="Rooms",
            visible_in_portal=True,
            options=[{"name": "Lobby", "value": "lobby"}, {"name": "Attic", "value": "attic"}],
        ),
        "secret": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Churn risk",
            options=[{"name": "Very high", "value": "high"}],
        ),
    }


@pytest.fixture
def filtered_tickets(acme, acme_agent, acme_user, field_filters):
    """acme_user's three printer requests with those fields set, by subject."""
    number = {name: field.number for name, field in field_filters.items()}
    made = {}
    for subject, values in (
        ("Printer jam", {number["model"]: "laser", number["secret"]: "high"}),
        (
            "Printer smear",
            {number["model"]: "inkjet", number["warranty"]: True, number["rooms"]: ["lobby"]},
        ),
        ("Printer noise", {number["rooms"]: ["lobby", "attic"]}),
    ):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=subject
        )
        ticket_update(ticket=ticket, actor=acme_agent, custom_fields=values)
        made[subject] = ticket
    # Another requester's request with the same words and values is never found.
    make_ticket(account=acme, submitter=acme_agent, subject="Printer jam elsewhere")
    return made
