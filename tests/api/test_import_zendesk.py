"""``manage.py import_zendesk``: a Zendesk export (JSON lines of the incremental exports
and an attachments folder) into an account. Idempotent (run twice, the same account),
resumable (killed halfway, a rerun completes it, nothing twice), silent (no outbox row)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, User
from api import zendesk_import
from notifications.models import Delivery
from tickets.models import Attachment, Comment, Ticket

pytestmark = pytest.mark.django_db


def _write(path, lines):
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


@pytest.fixture
def export(tmp_path, acme_admin):
    root = tmp_path / "export"
    (root / "attachments" / "9001").mkdir(parents=True)
    (root / "attachments" / "9001" / "error-log.txt").write_text("paper jam at tray 2\n")
    _write(
        root / "organizations.jsonl",
        [
            {"id": 501, "name": "Initech", "domain_names": ["initech.example"], "notes": "VIP"},
            # One export page on one line works too.
            {
                "organizations": [
                    {"id": 502, "name": "Globex Corp", "created_at": "2019-01-01T00:00:00Z"}
                ]
            },
        ],
    )
    _write(
        root / "users.jsonl",
        [
            {
                "id": 11,
                "name": "Peter",
                "email": "peter@initech.example",
                "role": "end-user",
                "organization_id": 501,
                "created_at": "2019-02-01T00:00:00Z",
            },
            {"id": 12, "name": "Samir", "email": "samir@example.org", "role": "agent"},
            # The account's own admin, already here: matched, not made twice.
            {"id": 13, "name": "Admin", "email": acme_admin.email.upper(), "role": "admin"},
            {"id": 14, "name": "Caller", "email": None, "role": "end-user"},
        ],
    )
    _write(
        root / "tickets.jsonl",
        [
            {
                "id": 1001,
                "subject": "Printer jam",
                "status": "solved",
                "priority": "high",
                "type": "question",
                "tags": ["printer"],
                "requester_id": 11,
                "submitter_id": 11,
                "assignee_id": 12,
                "created_at": "2020-03-01T09:00:00Z",
                "updated_at": "2020-03-02T10:00:00Z",
            },
            {
                "id": 1002,
                "subject": "TPS reports",
                "status": "open",
                "requester_id": 14,
                "assignee_id": None,
                "created_at": "2020-04-01T09:00:00Z",
                "updated_at": "2020-04-01T09:00:00Z",
            },
            {"id": 1003, "subject": "Gone", "status": "deleted", "requester_id": 11},
            {
                "id": 1004,
                "subject": "Stapler",
                "status": "closed",
                "requester_id": 11,
                "assignee_id": 13,
                "created_at": "2020-05-01T09:00:00Z",
                "updated_at": "2020-05-03T09:00:00Z",
            },
        ],
    )
    _write(
        root / "ticket_comments.jsonl",
        [
            {
                "id": 1,
                "ticket_id": 1001,
                "author_id": 11,
                "body": "It jams.",
                "public": True,
                "created_at": "2020-03-01T09:00:00Z",
                "attachments": [
                    {"id": 9001, "file_name": "error-log.txt", "content_type": "text/plain"}
                ],
            },
            {
                "id": 2,
                "ticket_id": 1001,
                "author_id": 12,
                "body": "Internal: order parts",
                "public": False,
                "created_at": "2020-03-01T11:00:00Z",
            },
            {
                "id": 3,
                "ticket_id": 1001,
                "author_id": 12,
                "html_body": "<p>Fixed <b>now</b></p>",
                "public": True,
                "created_at": "2020-03-02T10:00:00Z",
            },
            {
                "id": 4,
                "ticket_id": 1004,
                "author_id": 11,
                "body": "Where is my stapler?",
                "created_at": "2020-05-01T09:00:00Z",
            },
        ],
    )
    return root


def _state(account) -> dict:
    tickets = Ticket.objects.for_account(account).order_by("created_at")
    return {
        "orgs": sorted(Organization.objects.for_account(account).values_list("name", flat=True)),
        "users": sorted(User.objects.for_account(account).values_list("email", flat=True)),
        "tickets": [
            (
                t.subject,
                t.status,
                t.requester.email,
                t.created_at.isoformat(),
                t.updated_at.isoformat(),
            )
            for t in tickets
        ],
        "comments": sorted(
            (c.ticket.subject, c.author.email, c.body, c.public, c.created_at.isoformat())
            for c in Comment.objects.for_account(account).select_related("ticket", "author")
        ),
        "attachments": Attachment.objects.for_account(account).count(),
    }


def test_an_export_is_imported_with_its_history_and_nothing_sent(export, acme, acme_admin):
    call_command("import_zendesk", acme.subdomain, str(export))
    state = _state(acme)
    assert {"Initech", "Globex Corp"} <= set(state["orgs"])
    peter = User.objects.for_account(acme).get(email="peter@initech.example")
    assert peter.organization.name == "Initech" and peter.created_at.year == 2019
    assert User.objects.for_account(acme).get(email="samir@example.org").role == "agent"
    assert User.objects.for_account(acme).filter(email__iexact=acme_admin.email).count() == 1
    assert [t[:2] for t in state["tickets"]] == [
        ("Printer jam", "solved"),
        ("TPS reports", "open"),
        ("Stapler", "closed"),
    ]
    jam = Ticket.objects.for_account(acme).get(subject="Printer jam")
    assert (jam.priority, jam.type, jam.tag_list, jam.assignee.email) == (
        "high",
        "request",
        ["printer"],
        "samir@example.org",
    )
    assert jam.created_at.isoformat() == "2020-03-01T09:00:00+00:00"
    bodies = list(
        Comment.objects.for_account(acme)
        .filter(ticket=jam)
        .order_by("created_at")
        .values_list("body", "public")
    )
    assert bodies == [("It jams.", True), ("Internal: order parts", False), ("Fixed now", True)]
    attachment = Attachment.objects.for_account(acme).get()
    assert attachment.filename == "error-log.txt" and attachment.comment.body == "It jams."
    assert not Ticket.objects.for_account(acme).filter(subject="Gone").exists()
    assert not Delivery.objects.for_account(acme).exists()


def test_running_it_twice_gives_the_same_account(export, acme, capsys):
    call_command("import_zendesk", acme.subdomain, str(export))
    first = _state(acme)
    call_command("import_zendesk", acme.subdomain, str(export))
    assert _state(acme) == first
    assert "tickets: 0 created, 0 matched existing, 3 already imported" in capsys.readouterr().out


def test_killed_halfway_a_rerun_completes_it_without_doubles(export, acme, globex, monkeypatch):
    call_command("import_zendesk", globex.subdomain, str(export))  # the reference run
    reference = _state(globex)

    real, calls = zendesk_import.ticket_import, []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["subject"])
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process killed in the middle of a ticket
        return real(**kwargs)

    monkeypatch.setattr(zendesk_import, "ticket_import", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        call_command("import_zendesk", acme.subdomain, str(export))
    assert Ticket.objects.for_account(acme).count() == 1  # the first one stands
    monkeypatch.setattr(zendesk_import, "ticket_import", real)
    call_command("import_zendesk", acme.subdomain, str(export))
    resumed = _state(acme)
    globex_admin = (
        User.objects.for_account(globex).filter(role="admin").values_list("email", flat=True)
    )
    acme_admin = User.objects.for_account(acme).filter(role="admin").values_list("email", flat=True)
    # The same import, each account's own admin aside.
    assert resumed["tickets"] == reference["tickets"]
    assert resumed["comments"] == reference["comments"]  # no comment by the admin
    assert resumed["attachments"] == reference["attachments"] == 1
    assert set(resumed["users"]) - set(acme_admin) == set(reference["users"]) - set(globex_admin)


def test_a_bad_record_is_reported_and_the_rest_imported(export, acme):
    with (export / "tickets.jsonl").open("a") as lines:
        lines.write(json.dumps({"id": 1005, "subject": "Orphan", "requester_id": 999}) + "\n")
    with pytest.raises(CommandError, match="1 records were not imported"):
        call_command("import_zendesk", acme.subdomain, str(export))
    assert Ticket.objects.for_account(acme).count() == 3


def test_an_unreadable_file_or_unknown_account_is_a_clear_error(export, acme):
    (export / "users.jsonl").write_text("{not json\n")
    with pytest.raises(CommandError, match="users.jsonl, line 1"):
        call_command("import_zendesk", acme.subdomain, str(export))
    with pytest.raises(CommandError, match="No account"):
        call_command("import_zendesk", "nosuch", str(export))
