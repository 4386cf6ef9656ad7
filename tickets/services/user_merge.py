"""Merge two end users (issue 21): the same person known under two addresses becomes one.

Everything of the source moves to the target — requested and submitted tickets, comments,
CCs (once per ticket; never the requester as their own CC), uploads, history — and the
source's addresses become the target's other addresses (accounts/emails.py), so mail from
either reaches the same person. The source is then removed. The merge is in the audit log
and in the Activity of every ticket it touched."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.deleted_user_models import user_delete_recorded
from accounts.identity_models import AuditEntry
from accounts.models import User
from accounts.people_models import UserEmail
from tickets.events import tickets_changed_in_bulk
from tickets.models import Attachment, Channel, Comment, Ticket, TicketCC, TicketEvent
from tickets.services.common import event_for


@transaction.atomic
def users_merge(*, source: User, target: User, actor: User) -> User:
    """Merge ``source`` into ``target`` (both end users of the actor's account, an admin's)."""
    if not (actor.is_admin and actor.account_id == target.account_id):
        raise PermissionDenied
    if source.account_id != target.account_id:
        raise ValidationError(_("Unknown user."))
    if source.pk == target.pk:
        raise ValidationError(_("Choose another user to merge with."))
    if not (source.is_end_user and target.is_end_user):
        raise ValidationError(_("Only end users can be merged."))
    account = target.account
    assert account is not None  # an end user's account is set
    source = User.objects.for_account(account).select_for_update().get(pk=source.pk)
    tickets = Ticket.objects.for_account(account)
    # One indexed read each (the user's foreign keys), not one OR across joins.
    touched = {
        *tickets.filter(Q(requester=source) | Q(submitter=source)).values_list("pk", flat=True),
        *TicketCC.objects.for_account(account)
        .filter(user=source)
        .values_list("ticket_id", flat=True),
        *Comment.objects.for_account(account)
        .filter(author=source)
        .values_list("ticket_id", flat=True)
        .distinct(),
    }
    requested = set(tickets.filter(requester=source).values_list("pk", flat=True))
    tickets.filter(requester=source).update(requester=target)
    tickets.filter(submitter=source).update(submitter=target)
    Comment.objects.for_account(account).filter(author=source).update(author=target)
    Attachment.objects.for_account(account).filter(uploader=source).update(uploader=target)
    TicketEvent.objects.for_account(account).filter(actor=source).update(actor=target)
    ccs = TicketCC.objects.for_account(account)
    # Where the target is already a CC or now the requester, the source's CC goes.
    ccs.filter(user=source).filter(
        Q(ticket__requester=target) | Q(ticket__cc_links__user=target)
    ).delete()
    ccs.filter(user=source).update(user=target)
    others = UserEmail.objects.for_account(account).filter(user=source)
    addresses = [source.email.lower(), *others.values_list("email", flat=True)]
    if target.organization_id is None and source.organization_id is not None:
        target.organization_id = source.organization_id
        target.save(update_fields=["organization"])
    description = f"{source.name} <{source.email}>"
    user_delete_recorded(source)  # its other addresses, sessions and tokens with it
    UserEmail.objects.bulk_create(
        UserEmail(account=account, user=target, email=email)
        for email in addresses
        if email != target.email.lower()
    )
    now = timezone.now()
    touched_rows = list(tickets.filter(pk__in=touched).order_by("pk"))
    TicketEvent.objects.bulk_create(
        event_for(
            ticket,
            actor,
            Channel.WEB,
            TicketEvent.Kind.CHANGE,
            # The requester's change where they requested it, else "users merged".
            field="requester" if ticket.pk in requested else "user_merged",
            old=description,
            new=str(target),
        )
        for ticket in touched_rows
    )
    tickets.filter(pk__in=touched).update(updated_at=now)
    # Bulk UPDATEs and bulk-created events send no change set: the reports' rollups
    # recount the tickets after commit (reports.receivers), as an organization's deletion.
    tickets_changed_in_bulk.send(sender=Ticket, account_id=account.pk, ticket_ids=sorted(touched))
    # The target gained addresses (and maybe an organization): the users' incremental
    # export lists it again, after the source's deletion.
    User.objects.for_account(account).filter(pk=target.pk).update(updated_at=now)
    target.updated_at = now
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.USERS_MERGED,
        target=target,
        changes={"merged": [description, str(target)], "tickets": [None, len(touched)]},
    )
    return target


def user_merge_counts(user: User) -> dict[str, int]:
    """What a merge of ``user`` would move, for the page that asks first."""
    account = user.account
    return {
        "requested": Ticket.objects.for_account(account).filter(requester=user).count(),
        "comments": Comment.objects.for_account(account).filter(author=user).count(),
        "ccs": TicketCC.objects.for_account(account).filter(user=user).count(),
    }
