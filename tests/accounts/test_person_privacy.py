"""Privacy (issue 21): an admin exports everything about one person (JSON and
attachments, zipped) and permanently deletes an end user: comments redacted to
"[deleted]", attachments removed, the deletion recorded without the personal data."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.emails import user_email_add
from accounts.identity_models import AuditEntry
from accounts.models import User
from accounts.user_services import user_update
from notifications.models import Delivery, InboundEmail
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Attachment, Comment, TicketEvent
from tickets.services import comment_add, ticket_update
from tickets.services.privacy import person_erase, person_export


@pytest.fixture
def pia(acme, acme_admin):
    person = EndUserFactory(account=acme, name="Pia Private", email="pia@private.example")
    user_email_add(user=person, email="pia@old.example", actor=acme_admin)
    return person


@pytest.fixture
def her_ticket(acme, acme_agent, pia):
    ticket = make_ticket(
        account=acme,
        submitter=pia,
        requester=pia,
        subject="My address changed",
        body="I live at 1 Secret Street",
        uploads=[SimpleUploadedFile("passport.txt", b"PASSPORT 123")],
    )
    comment_add(ticket=ticket, author=acme_agent, body="Internal: check her file", public=False)
    comment_add(ticket=ticket, author=acme_agent, body="We updated it", public=True)
    return ticket


def export(person, actor) -> tuple[dict, zipfile.ZipFile]:
    out = io.BytesIO()
    person_export(person=person, actor=actor, out=out)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return json.loads(archive.read("person.json")), archive


def test_the_export_holds_the_profile_tickets_comments_and_files(acme, acme_admin, pia, her_ticket):
    document, archive = export(pia, acme_admin)
    assert document["person"]["email"] == "pia@private.example"
    assert document["person"]["other_emails"] == ["pia@old.example"]
    [ticket] = document["tickets"]
    bodies = [c["body"] for c in ticket["comments"]]
    assert bodies == ["I live at 1 Secret Street", "We updated it"]  # not the internal note
    [file] = ticket["comments"][0]["attachments"]
    assert archive.read(file["path"]) == b"PASSPORT 123"
    assert AuditEntry.objects.for_account(acme).filter(action=AuditEntry.Action.EXPORTED).exists()


def test_only_an_admin_of_the_account_exports_or_deletes(acme, acme_agent, globex_agent, pia):
    with pytest.raises(PermissionDenied):
        person_export(person=pia, actor=acme_agent, out=io.BytesIO())
    with pytest.raises(PermissionDenied):
        person_erase(person=pia, actor=acme_agent)
    with pytest.raises(PermissionDenied):
        person_erase(person=pia, actor=globex_agent)


def test_agents_are_not_deleted_here(acme, acme_admin, acme_agent):
    with pytest.raises(ValidationError):
        person_erase(person=acme_agent, actor=acme_admin)


def test_deletion_redacts_comments_removes_files_and_keeps_no_personal_data(
    acme, acme_admin, acme_agent, pia, her_ticket, django_capture_on_commit_callbacks
):
    user_update(user=pia, actor=acme_admin, tags="vip")  # an audit entry naming her
    other = make_ticket(account=acme, submitter=acme_agent, subject="Unrelated")
    ticket_update(ticket=other, actor=acme_admin, requester=pia)  # Activity names her
    Delivery.objects.create(
        account=acme,
        recipient=pia,
        to_email=pia.email,
        from_email="x@acme.example",
        subject="Your address",
        body_text="1 Secret Street",
    )
    InboundEmail.objects.create(
        account=acme, sender="pia@old.example", subject="Secret", outcome="comment"
    )
    stored = Attachment.objects.for_account(acme).get(filename="passport.txt")
    storage, name = stored.file.storage, stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        counts = person_erase(person=pia, actor=acme_admin)
    assert counts == {"comments redacted": 1, "attachments removed": 1}
    assert not User.objects.for_account(acme).filter(email__icontains="pia").exists()
    comments = list(Comment.objects.for_account(acme).filter(ticket=her_ticket))
    assert [c.body for c in comments] == ["[deleted]", "Internal: check her file", "We updated it"]
    assert not Attachment.objects.for_account(acme).filter(filename="passport.txt").exists()
    assert not storage.exists(name)
    her_ticket.refresh_from_db()
    assert her_ticket.requester.name == "[deleted]" and not her_ticket.requester.is_active
    for event in TicketEvent.objects.for_account(acme):
        assert "pia" not in (event.old_value + event.new_value).lower()
    for entry in AuditEntry.objects.for_account(acme):
        assert "pia" not in json.dumps([entry.target, entry.changes]).lower()
    deleted = AuditEntry.objects.for_account(acme).get(action=AuditEntry.Action.USER_DELETED)
    assert deleted.target == f"user #{pia.number}"
    for delivery in Delivery.objects.for_account(acme):  # hers, and the triggers' to her
        assert "pia" not in delivery.to_email and "Secret Street" not in delivery.body_text
    assert (
        InboundEmail.objects.for_account(acme).get(subject="[deleted]").sender != "pia@old.example"
    )


def test_the_pages_export_a_zip_and_delete_after_the_email_is_typed(
    acme, acme_admin, pia, her_ticket, client_for
):
    client = client_for(acme_admin)
    base = f"/agent/settings/users/{pia.number}/"
    assert client.get(base + "export/").status_code == 405
    response = client.post(base + "export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "person.json" in archive.namelist()
    assert client.get(base + "delete/").status_code == 200
    wrong = client.post(base + "delete/", {"confirm": "someone@else.example"})
    assert wrong.status_code == 200 and "not this user" in wrong.content.decode()
    assert User.objects.for_account(acme).filter(pk=pia.pk).exists()
    done = client.post(base + "delete/", {"confirm": "PIA@private.example"})
    assert done.status_code == 302
    assert not User.objects.for_account(acme).filter(pk=pia.pk).exists()
    assert client.get(base).status_code == 404
