"""Macro state changes: manage macros (shared by admins, personal by any agent), apply
one to tickets (the list's bulk update, the ticket page's submit) and count each use.

Applying goes through the tickets' own services (ticket_update, ticket_add_ccs,
ticket_reply), so every rule and every Activity entry is theirs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.models import Account, AgentGroup, User
from macros.actions import actions_clean
from macros.apply import MacroResult, macro_result
from macros.models import Macro, MacroApplication, MacroAttachment, MacroGroup
from tickets import attachments as attachment_rules
from tickets.models import Channel, Ticket
from tickets.services import (
    NotAllowed,
    require_permission,
    ticket_add_ccs,
    ticket_reply,
    ticket_update,
)

MAX_TITLE = 255


def _check_may_manage(actor: User, *, shared: bool) -> None:
    if not actor.is_agent:
        raise NotAllowed(_("Only agents have macros."))
    if shared and not actor.is_admin:
        raise NotAllowed(_("Only admins manage shared macros."))
    require_permission(actor, "manage_macros")


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("A macro needs a title.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": _("Keep the title under 255 characters.")})
    return title


def _set_groups(macro: Macro, groups: Iterable[AgentGroup]) -> None:
    groups = list(groups)
    for group in groups:
        if group.account_id != macro.account_id:
            raise ValidationError({"groups": _("Unknown group.")})
    MacroGroup.objects.for_account(macro.account).filter(macro=macro).delete()
    MacroGroup.objects.bulk_create(
        [MacroGroup(account_id=macro.account_id, macro=macro, group=g) for g in groups]
    )


def _store_files(macro: Macro, files: Sequence[UploadedFile]) -> None:
    # The account's attachment rules (extension and content, size, count) hold here
    # already: every application copies these files onto a comment.
    attachment_rules.validate_uploads(
        account=macro.account, files=files, already_uploaded=macro.attachments.count()
    )
    for upload in files:
        name = attachment_rules.safe_filename(upload.name or "file")
        attachment = MacroAttachment(
            account_id=macro.account_id,
            macro=macro,
            filename=name,
            size=upload.size or 0,
            content_type=attachment_rules.content_type_for(name),
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


@transaction.atomic
def macro_create(
    *,
    account: Account,
    actor: User,
    title: str,
    actions: Any,
    description: str = "",
    active: bool = True,
    shared: bool = True,
    groups: Iterable[AgentGroup] = (),
    files: Sequence[UploadedFile] = (),
) -> Macro:
    """A shared macro (admins; ``groups`` restrict it) or a personal one (the actor's)."""
    _check_may_manage(actor, shared=shared)
    if actor.account_id != account.pk:
        raise NotAllowed(_("Only agents have macros."))
    last = Macro.objects.for_account(account).aggregate(m=Max("position"))["m"]
    macro = Macro.objects.create(
        account=account,
        title=_clean_title(title),
        description=(description or "")[:500],
        active=active,
        owner=None if shared else actor,
        actions=actions_clean(account=account, actions=actions),
        position=(last or 0) + 1,
    )
    if shared:
        _set_groups(macro, groups)
    _store_files(macro, files)
    return macro


@transaction.atomic
def macro_update(
    *,
    macro: Macro,
    actor: User,
    groups: Iterable[AgentGroup] | None = None,
    files: Sequence[UploadedFile] = (),
    remove_files: Iterable[int] = (),
    **fields: Any,
) -> Macro:
    """Change title, description, actions, active (and a shared macro's groups)."""
    _check_may_manage(actor, shared=macro.is_shared)
    if not macro.is_shared and macro.owner_id != actor.pk:
        raise NotAllowed(_("This macro is someone else's."))
    unknown = set(fields) - {"title", "description", "actions", "active"}
    if unknown:
        raise ValueError(f"not macro fields: {sorted(unknown)}")
    if "title" in fields:
        macro.title = _clean_title(fields["title"])
    if "description" in fields:
        macro.description = (fields["description"] or "")[:500]
    if "actions" in fields:
        macro.actions = actions_clean(account=macro.account, actions=fields["actions"])
    if "active" in fields:
        macro.active = bool(fields["active"])
    macro.updated_at = timezone.now()
    macro.save()
    if groups is not None and macro.is_shared:
        _set_groups(macro, groups)
    if remove_files:
        MacroAttachment.objects.for_account(macro.account).filter(
            macro=macro, pk__in=list(remove_files)
        ).delete()
    _store_files(macro, files)
    return macro


@transaction.atomic
def macro_clone(*, macro: Macro, actor: User) -> Macro:
    """A copy, inactive, titled "… (copy)", with the same groups and files."""
    _check_may_manage(actor, shared=macro.is_shared)
    copy = macro_create(
        account=macro.account,
        actor=actor,
        title=_("%(title)s (copy)") % {"title": macro.title[: MAX_TITLE - 10]},
        description=macro.description,
        actions=macro.actions,
        active=False,
        shared=macro.is_shared,
        groups=list(macro.groups.all()),
    )
    for attachment in macro.attachments.all():
        clone = MacroAttachment(
            account_id=copy.account_id,
            macro=copy,
            filename=attachment.filename,
            size=attachment.size,
            content_type=attachment.content_type,
        )
        with attachment.file.open("rb") as stored:
            clone.file.save(attachment.filename, stored, save=False)
        clone.save()
    return copy


def macro_set_active(*, macro: Macro, actor: User, active: bool) -> Macro:
    return macro_update(macro=macro, actor=actor, active=active)


@transaction.atomic
def macro_move(*, macro: Macro, actor: User, direction: str) -> None:
    """Swap a macro with its neighbour among the same list (shared, or the owner's)."""
    _check_may_manage(actor, shared=macro.is_shared)
    siblings = list(
        Macro.objects.for_account(macro.account)
        .filter(owner=macro.owner)
        .select_for_update()
        .order_by("position", "id")
    )
    index = next(i for i, m in enumerate(siblings) if m.pk == macro.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, m in enumerate(siblings, start=1):
        if m.position != position:
            Macro.objects.for_account(macro.account).filter(pk=m.pk).update(position=position)


@transaction.atomic
def macro_delete(*, macro: Macro, actor: User) -> None:
    _check_may_manage(actor, shared=macro.is_shared)
    if not macro.is_shared and macro.owner_id != actor.pk:
        raise NotAllowed(_("This macro is someone else's."))
    if macro.is_shared:
        audit_record(
            account=macro.account,
            actor=actor,
            action=AuditEntry.Action.MACRO_DELETED,
            target=macro.title,
        )
    Macro.objects.for_account(macro.account).filter(pk=macro.pk).delete()


def macro_record_use(*, macros: Iterable[Macro], user: User, ticket: Ticket | None) -> None:
    """Count one use of each macro (the admin list's 7 and 30 days)."""
    MacroApplication.objects.bulk_create(
        [
            MacroApplication(account_id=m.account_id, macro=m, user=user, ticket=ticket)
            for m in macros
        ]
    )


def macro_file_uploads(files: Iterable[MacroAttachment]) -> list[UploadedFile]:
    """A macro's stored files as uploads, so each comment gets a copy of its own."""
    uploads: list[UploadedFile] = []
    for attachment in files:
        with attachment.file.open("rb") as stored:
            uploads.append(
                SimpleUploadedFile(attachment.filename, stored.read(), attachment.content_type)
            )
    return uploads


@transaction.atomic
def macro_apply(
    *, macro: Macro, ticket: Ticket, actor: User, channel: str = Channel.WEB
) -> MacroResult:
    """Save the macro's effect on one ticket: the fields (ticket_update), the CCs and the
    comment (ticket_reply), each in the ticket's Activity; then count the use.

    A public reply on a private ticket is refused (NotAllowed): the ticket must stay
    private, and nobody chose to make it public. Bulk callers report it by number."""
    result = macro_result(macro=macro, ticket=ticket, actor=actor)
    if result.forced_internal:
        raise NotAllowed(
            _("The ticket is private and stays so: the macro's public reply was not added.")
        )
    fields = dict(result.fields)
    if result.sets_tags:
        fields["tags"] = result.tags_for(ticket.tags)
    if fields:
        ticket_update(ticket=ticket, actor=actor, channel=channel, **fields)
    if result.comment_requested:
        ticket_reply(
            ticket=ticket,
            author=actor,
            body=result.body,
            public=bool(result.public) if result.public is not None else not ticket.is_private,
            channel=channel,
            ccs=result.ccs,
            uploads=macro_file_uploads(result.files),
        )
    elif result.ccs:
        ticket_add_ccs(ticket=ticket, actor=actor, users=result.ccs, channel=channel)
    macro_record_use(macros=[macro], user=actor, ticket=ticket)
    return result


@dataclass
class BulkOutcome:
    applied: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def macros_apply_bulk(
    *, macro: Macro, tickets: Iterable[Ticket], actor: User, channel: str = Channel.WEB
) -> BulkOutcome:
    """Apply the macro to each ticket in its own transaction: a ticket where an action is
    not allowed is reported by number with the reason, the others proceed."""
    outcome = BulkOutcome()
    for ticket in sorted(tickets, key=lambda t: t.number):
        if ticket.account_id != macro.account_id:
            continue
        try:
            macro_apply(macro=macro, ticket=ticket, actor=actor, channel=channel)
        except ValidationError as exc:
            outcome.refused.append((ticket.number, " ".join(exc.messages)))
        else:
            outcome.applied.append(ticket.number)
    return outcome


@transaction.atomic
def ticket_submit_with_macros(
    *,
    ticket: Ticket,
    actor: User,
    macros: Sequence[Macro],
    field_changes: dict[str, Any],
    reply: dict[str, Any] | None,
    ccs: Sequence[User] = (),
) -> None:
    """The ticket page's Submit after macros filled the form: the agent's reviewed field
    values (ticket_update), then the reply as the agent left it (ticket_reply, with the
    macros' files), and one use counted per macro. All or nothing."""
    if field_changes:
        ticket_update(ticket=ticket, actor=actor, channel=Channel.WEB, **field_changes)
    if reply is not None:
        uploads = list(reply.pop("uploads", ()))
        for macro in macros:
            uploads += macro_file_uploads(macro.attachments.all())
        ticket_reply(
            ticket=ticket, author=actor, channel=Channel.WEB, uploads=uploads, ccs=ccs, **reply
        )
    elif ccs:
        ticket_add_ccs(ticket=ticket, actor=actor, users=ccs, channel=Channel.WEB)
    macro_record_use(macros=macros, user=actor, ticket=ticket)
