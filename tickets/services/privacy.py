"""Privacy (issue 21): an admin exports everything about one person, or permanently
deletes an end user.

The export is a zip: ``person.json`` (the profile, their other emails, every ticket they
requested, were copied on or wrote in, with the comments they can read and the ones
they wrote; other apps add theirs on ``accounts.signals.person_exporting``: live chat
their chats) and ``files/`` (the attachments of those comments). Rows are written with
the account export's own encoder (accounts/portability/tables.py).

The deletion redacts their comments to "[deleted]" and removes those comments'
attachments (rows and files), hands their tickets to the account's "[deleted]"
placeholder (a ticket needs a requester), scrubs their name and addresses from those
tickets' Activity and from the audit log, and deletes the user with their addresses,
sessions and CC links. Other apps scrub their own rows on ``accounts.signals.person_erasing``
(notifications: the emails sent to them and received from them). The deletion itself is
recorded by number only, never with the personal data."""

from __future__ import annotations

import json
import shutil
import zipfile
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.audit import audit_record
from accounts.deleted_user_models import user_delete_recorded
from accounts.emails import other_emails_of
from accounts.identity_models import AuditEntry
from accounts.models import Account, User
from accounts.people_models import UserEmail
from accounts.portability.tables import Encoder
from tickets.events import tickets_changed_in_bulk
from tickets.models import Attachment, Comment, Ticket, TicketCC, TicketEvent
from tickets.selectors import comments_visible_to

REDACTED = "[deleted]"
PLACEHOLDER_NAME = "[deleted]"


def _require_admin(actor: User, person: User) -> Account:
    if person.account is None or not (actor.is_admin and actor.account_id == person.account_id):
        raise PermissionDenied
    return person.account


def _tickets_of(person: User) -> set[int]:
    account = person.account
    return {
        *Ticket.objects.for_account(account)
        .filter(Q(requester=person) | Q(submitter=person))
        .values_list("pk", flat=True),
        *TicketCC.objects.for_account(account)
        .filter(user=person)
        .values_list("ticket_id", flat=True),
        *Comment.objects.for_account(account)
        .filter(author=person)
        .values_list("ticket_id", flat=True)
        .distinct(),
    }


def person_export(*, person: User, actor: User, out: IO[bytes]) -> int:
    """Write the person's zip to ``out``; returns how many tickets it holds. Audited."""
    account = _require_admin(actor, person)
    ticket_ids = _tickets_of(person)
    tickets = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for ticket in (
            Ticket.objects.for_account(account)
            .filter(pk__in=ticket_ids)
            .select_related("requester", "organization")
            .order_by("number")
        ):
            visible = (
                comments_visible_to(ticket=ticket, viewer=person) if person.is_end_user else None
            )
            comments = Comment.objects.for_account(account).filter(ticket=ticket)
            comments = (
                comments.filter(Q(author=person) | Q(pk__in=visible.values("pk")))
                if visible is not None
                else comments.filter(author=person)
            )
            rows = []
            for comment in (
                comments.select_related("author")
                .prefetch_related("attachments")
                .order_by("created_at", "id")
            ):
                files = []
                for attachment in comment.attachments.all():
                    member = f"files/{ticket.number}/{attachment.pk}-{attachment.filename}"
                    try:
                        with attachment.file.open("rb") as stored, archive.open(member, "w") as to:
                            shutil.copyfileobj(stored, to, 64 * 1024)
                    except FileNotFoundError:
                        member = ""  # a file already gone (retention): named, not included
                    files.append(
                        {"filename": attachment.filename, "size": attachment.size, "path": member}
                    )
                rows.append(
                    {
                        "author": comment.author.name,
                        "by_this_person": comment.author_id == person.pk,
                        "public": comment.public,
                        "created_at": comment.created_at,
                        "body": comment.body,
                        "attachments": files,
                    }
                )
            tickets.append(
                {
                    "number": ticket.number,
                    "subject": ticket.subject,
                    "status": ticket.status,
                    "created_at": ticket.created_at,
                    "requester": ticket.requester.name,
                    "is_requester": ticket.requester_id == person.pk,
                    "organization": ticket.organization.name if ticket.organization else None,
                    "comments": rows,
                }
            )
        profile = {
            "number": person.number,
            "name": person.name,
            "email": person.email,
            "other_emails": other_emails_of(person),
            "phone": person.phone,
            "role": person.role,
            "organization": person.organization.name if person.organization else None,
            "language": person.locale,
            "time_zone": person.time_zone,
            "tags": person.tag_list,
            "notes": person.notes,
            "active": person.is_active,
            "created_at": person.created_at,
            "last_login": person.last_login,
        }
        document = {"exported_at": timezone.now(), "person": profile, "tickets": tickets}
        answer: Any
        for _receiver, answer in signals.person_exporting.send(
            sender=User, account=account, user=person
        ):
            document[answer[0]] = answer[1]
        archive.writestr(
            "person.json", json.dumps(document, cls=Encoder, indent=2, ensure_ascii=False)
        )
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.EXPORTED,
        target=person,
        changes={"tickets": [None, len(tickets)]},
    )
    return len(tickets)


def _placeholder(account: Account) -> User:
    """The account's stand-in for deleted people: inactive, an address that reaches no one."""
    email = f"deleted@{account.subdomain}.invalid"
    user = User.objects.for_account(account).filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            account=account,
            email=email,
            name=PLACEHOLDER_NAME,
            role=User.Role.END_USER,
            prechecked=True,
        )
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    return user


@transaction.atomic
def person_erase(*, person: User, actor: User) -> dict[str, int]:
    """Permanently delete an end user (see the module's docstring). Returns counts."""
    account = _require_admin(actor, person)
    if not person.is_end_user:
        raise ValidationError(_("Only end users can be deleted; deactivate agents instead."))
    person = User.objects.for_account(account).select_for_update().get(pk=person.pk)
    placeholder = _placeholder(account)
    if person.pk == placeholder.pk:
        raise ValidationError(_("This user is already deleted."))
    number = person.number
    addresses = [person.email.lower(), *other_emails_of(person)]
    ticket_ids = _tickets_of(person)
    comments = Comment.objects.for_account(account).filter(author=person)
    attachments = Attachment.objects.for_account(account).filter(
        Q(comment__author=person) | Q(uploader=person, comment__isnull=True)
    )
    files = [(a.file.storage, a.file.name) for a in attachments if a.file]
    removed_files = attachments.delete()[0]
    redacted = comments.update(body=REDACTED, html_body="", author=placeholder)
    tickets = Ticket.objects.for_account(account)
    tickets.filter(requester=person).update(requester=placeholder)
    tickets.filter(submitter=person).update(submitter=placeholder)
    TicketCC.objects.for_account(account).filter(user=person).delete()
    events = TicketEvent.objects.for_account(account).filter(ticket_id__in=ticket_ids)
    events.filter(actor=person).update(actor=placeholder)
    mentions = Q(old_value=person.name) | Q(new_value=person.name)
    for address in addresses:
        mentions |= Q(old_value__icontains=address) | Q(new_value__icontains=address)
    for event in events.filter(mentions):
        event.old_value = REDACTED if event.old_value else ""
        event.new_value = REDACTED if event.new_value else ""
        event.save(update_fields=["old_value", "new_value"])
    label = _("user #%(number)d") % {"number": number}
    audit = AuditEntry.objects.for_account(account)
    for address in addresses:
        audit.filter(target__icontains=address).update(target=label, changes={})
    signals.person_erasing.send(sender=User, account=account, user=person, addresses=addresses)
    tickets.filter(pk__in=ticket_ids).update(updated_at=timezone.now())
    # The tickets' requester, submitter and comment authors changed in bulk: the reports'
    # rollups recount them after commit (reports.receivers).
    tickets_changed_in_bulk.send(
        sender=Ticket, account_id=account.pk, ticket_ids=sorted(ticket_ids)
    )
    UserEmail.objects.for_account(account).filter(user=person).delete()
    user_delete_recorded(person)
    counts = {"comments redacted": redacted, "attachments removed": removed_files}
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.USER_DELETED,
        target=label,
        changes={name: [None, value] for name, value in counts.items()},
    )
    transaction.on_commit(lambda: _delete_files(files))
    return counts


def _delete_files(files: list) -> None:
    """After the rows are gone for good: a failure leaves a file without a row, harmless."""
    for storage, name in files:
        storage.delete(name)
