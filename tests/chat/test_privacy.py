"""Chats under the privacy and retention rules (chat.services.erasure): an end user
erased leaves no chat text, no name or email, no chat file behind (files removed from
the storage too); a ticket deleted takes its ended chats with it; retention deletes
ended chats never turned into a ticket after the closed tickets' months, chat files
after the attachments' months, and counts them on a dry run."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chat.models import Chat, ChatAttachment, ChatMessage
from chat.services.agents import chat_accept
from chat.services.core import chat_end, message_post
from chat.services.visitor import chat_start
from tests.factories import make_ticket
from tickets.models import Attachment, Ticket
from tickets.services.privacy import person_erase
from tickets.services.retention import retention_policy_update, retention_run
from tickets.services.tickets import tickets_delete_recorded

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=800)


def note(name="note.txt"):
    return SimpleUploadedFile(name, b"private words\n", content_type="text/plain")


def files_of(account, **filters):
    return [
        Path(a.file.path) for a in ChatAttachment.objects.for_account(account).filter(**filters)
    ]


@pytest.fixture
def vera_chat(anonymous_chat_desk, acme, acme_agent):
    """An anonymous visitor's ended chat with a file each way, transcribed into a ticket."""
    chat = chat_start(
        account=acme,
        user=None,
        session={},
        name="Vera Visitor",
        email="vera@visitor.example",
        first_message="Hello",
    )
    message_post(chat=chat, author=chat.visitor, body="My secret", kind="visitor", uploads=[note()])
    chat = chat_accept(agent=acme_agent, chat=chat)
    message_post(chat=chat, author=acme_agent, body="Here", kind="agent", uploads=[note("a.txt")])
    return chat_end(chat=chat, actor=acme_agent)


def test_erasing_the_visitor_leaves_no_chat_text_name_or_file(
    acme, acme_admin, vera_chat, django_capture_on_commit_callbacks
):
    vera = vera_chat.visitor
    stored = files_of(acme, chat=vera_chat)
    assert len(stored) == 2 and all(f.exists() for f in stored)
    ticket = Ticket.objects.for_account(acme).get(pk=vera_chat.ticket_id)
    assert "Vera Visitor" in ticket.subject

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=vera, actor=acme_admin)

    assert not Chat.objects.for_account(acme).filter(pk=vera_chat.pk).exists()
    assert not ChatMessage.objects.for_account(acme).filter(body__contains="secret").exists()
    assert not ChatAttachment.objects.for_account(acme).filter(chat_id=vera_chat.pk).exists()
    assert not any(f.exists() for f in stored)
    ticket.refresh_from_db()
    assert "Vera" not in ticket.subject and "vera@" not in ticket.subject


def test_erasing_redacts_what_they_wrote_in_another_chat(
    acme, acme_admin, acme_user, queued, django_capture_on_commit_callbacks
):
    other = Chat.objects.create(account=acme, visitor=acme_admin, group=queued.group)
    message_post(
        chat=other, author=acme_user, body="Words of hers", kind="visitor", uploads=[note()]
    )
    stored = files_of(acme, chat=other)

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=acme_user, actor=acme_admin)

    assert not ChatMessage.objects.for_account(acme).filter(body__contains="hers").exists()
    assert not ChatAttachment.objects.for_account(acme).filter(chat=other).exists()
    assert not any(f.exists() for f in stored)


def test_a_ticket_deleted_takes_its_ended_chat_and_files(
    acme, vera_chat, django_capture_on_commit_callbacks
):
    stored = files_of(acme, chat=vera_chat)
    copies = Attachment.objects.for_account(acme).filter(comment__ticket_id=vera_chat.ticket_id)
    assert copies.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        tickets_delete_recorded(Ticket.objects.for_account(acme).filter(pk=vera_chat.ticket_id))

    assert not Chat.objects.for_account(acme).filter(pk=vera_chat.pk).exists()
    assert not any(f.exists() for f in stored)


def test_a_running_chat_outlives_its_ticket(acme, desk_agent, queued):
    chat = chat_accept(agent=desk_agent, chat=queued)
    ticket = make_ticket(account=acme, submitter=chat.visitor, subject="x")
    Chat.objects.for_account(acme).filter(pk=chat.pk).update(ticket=ticket)

    tickets_delete_recorded(Ticket.objects.for_account(acme).filter(pk=ticket.pk))

    chat.refresh_from_db()
    assert chat.state == Chat.State.ACTIVE and chat.ticket_id is None


def test_retention_deletes_old_untranscribed_chats_and_old_chat_files(
    acme, acme_admin, acme_user, vera_chat, queued, django_capture_on_commit_callbacks
):
    # An ended chat never turned into a ticket, ended long ago, with a file.
    old = Chat.objects.create(account=acme, visitor=acme_user, group=queued.group)
    message_post(chat=old, author=acme_user, body="old words", kind="visitor", uploads=[note()])
    Chat.objects.for_account(acme).filter(pk=old.pk).update(state="ended", ended_at=LONG_AGO)
    # The transcribed chat's ticket is recent: only its (old) files go.
    ChatAttachment.objects.for_account(acme).filter(chat=vera_chat).update(created_at=LONG_AGO)
    old_files, vera_files = files_of(acme, chat=old), files_of(acme, chat=vera_chat)
    retention_policy_update(
        account=acme, actor=acme_admin, closed_ticket_months=12, attachment_months=24
    )

    dry = retention_run(account=acme, dry_run=True)
    assert (dry.others, dry.attachments) == (1, 3)
    assert Chat.objects.for_account(acme).filter(pk=old.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_run(account=acme, dry_run=False)

    assert (report.others, report.attachments) == (1, 3)
    assert not Chat.objects.for_account(acme).filter(pk=old.pk).exists()
    assert Chat.objects.for_account(acme).filter(pk=vera_chat.pk).exists()
    assert Chat.objects.for_account(acme).filter(pk=queued.pk).exists()
    assert not ChatAttachment.objects.for_account(acme).exists()
    assert not any(f.exists() for f in old_files + vera_files)


def test_the_retention_page_shows_the_chats_a_dry_run_and_a_run_counted(
    acme, acme_admin, acme_user, queued, client_for, django_capture_on_commit_callbacks
):
    # Counted like the closed tickets and attachments beside them (they were only logged).
    old = Chat.objects.create(account=acme, visitor=acme_user, group=queued.group)
    Chat.objects.for_account(acme).filter(pk=old.pk).update(state="ended", ended_at=LONG_AGO)
    retention_policy_update(
        account=acme, actor=acme_admin, closed_ticket_months=12, attachment_months=None
    )
    client = client_for(acme_admin)
    retention_run(account=acme, dry_run=True)
    page = client.get("/agent/settings/retention/").content.decode()
    assert "0 closed tickets, 1 chats and 0 attachments would be deleted" in page
    with django_capture_on_commit_callbacks(execute=True):
        retention_run(account=acme, dry_run=False)
    acme_admin.locale = "es"
    acme_admin.save()
    page = client_for(acme_admin).get("/agent/settings/retention/").content.decode()
    assert "0 tickets cerrados, 1 chats y 0 archivos adjuntos" in page


def test_retention_takes_the_chats_of_the_tickets_it_deletes(
    acme, acme_admin, vera_chat, django_capture_on_commit_callbacks
):
    Ticket.objects.for_account(acme).filter(pk=vera_chat.ticket_id).update(
        status="closed", last_activity_at=LONG_AGO
    )
    stored = files_of(acme, chat=vera_chat)
    retention_policy_update(
        account=acme, actor=acme_admin, closed_ticket_months=12, attachment_months=None
    )
    assert retention_run(account=acme, dry_run=True).others == 1

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_run(account=acme, dry_run=False)

    assert (report.tickets, report.others) == (1, 1)
    assert not Chat.objects.for_account(acme).filter(pk=vera_chat.pk).exists()
    assert not any(f.exists() for f in stored)


def test_the_person_export_holds_their_chats(acme, acme_admin, vera_chat):
    import io
    import json
    import zipfile

    from tickets.services.privacy import person_export

    out = io.BytesIO()
    person_export(person=vera_chat.visitor, actor=acme_admin, out=out)
    document = json.loads(zipfile.ZipFile(out).read("person.json"))
    [chat] = document["chats"]
    assert chat["number"] == vera_chat.number
    said = [(m["body"], m["files"]) for m in chat["messages"] if m["kind"] == "visitor"]
    assert ("My secret", ["note.txt"]) in said
